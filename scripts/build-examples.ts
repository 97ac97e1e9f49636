// Builds the examples (examples/worker, examples/deno, examples/widget) into build/examples/
// (gitignored: the f32 bundles are 2.3 MB each):
//
//   models/mnist-f32.alloy            models/mnist-f32.onnx imported, f32 weights, output "logits"
//   models/mnist-mixed.alloy          the same packed with MIXED_MAP (i8 weights + w8a8, last layer f16)
//   worker/  worker.mjs alloy.wasm mnist-f32.alloy mnist-mixed.alloy config.capnp   (workerd)
//   widget/  index.html alloy-digit.js alloy.wasm mnist-f32-probs.alloy mnist-mixed-probs.alloy
//            (the *-probs bundles end in a Softmax node: output "probs")
//   models/text-f32.alloy, text/, deno/, widget/search.html ...   the text encoder, its tokenizer and
//                                     the widget's search page (scripts/build-examples-text.ts; only
//                                     when models/text/encoder.onnx is there)
//   sizes.json                        raw and gzipped sizes
//
//   node --import tsx scripts/build-examples.ts [--quiet] [--force] [--measure]
//
// Needs build/alloy.wasm and build/alloy.mjs (`npm run build`). Skips the work when nothing it
// reads changed since the last run (build/examples/.stamp.json) unless --force. --measure also
// prints the Node cold start (fresh processes) and the workerd cold start.
//
// Also a library for the tests (test/examples/): buildExamples(), startWorkerd(), startDeno().
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { freePort, killGroup, workerdConfig } from './proc.ts';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { buildText, textDir } from './build-examples-text.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'build/examples');
const MODEL = join(ROOT, 'models/mnist-mlp.onnx');

/** The mixed-precision map: int8 per-channel weights with int8 activations (w8a8, i32
 *  accumulation) everywhere, except the last Dense (the logits) in f16 weights, f32 activations. */
export function mixedMap(denseNames: string[], extra: Record<string, object> = {}) {
  return {
    version: 1 as const,
    default: { weights: 'i8' as const, granularity: 'channel' as const, activations: 'i8' as const },
    layers: { [denseNames[denseNames.length - 1]]: { weights: 'f16' as const, activations: 'f32' as const, accumulator: 'f32' as const }, ...extra },
  };
}

export interface Sizes { [file: string]: { raw: number; gzip: number } }

function sizeOf(...files: string[]): { raw: number; gzip: number } {
  let raw = 0, gzip = 0;
  for (const f of files) { const b = readFileSync(f); raw += b.length; gzip += gzipSync(b, { level: 9 }).length; }
  return { raw, gzip };
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
function copyAtomic(from: string, to: string): void {
  const tmp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

function newestInput(): number {
  let t = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else t = Math.max(t, s.mtimeMs);
  };
  for (const p of ['build/alloy.wasm', 'build/alloy.mjs', 'build/alloy-text.mjs', 'models/mnist-mlp.onnx', 'examples', 'scripts/build-examples.ts', 'scripts/build-examples-text.ts', 'src']) walk(join(ROOT, p));
  walk(textDir(ROOT));
  return t;
}

export function exampleWorkerdConfig(port = 8787): string {
  return workerdConfig('alloyWorker', [
    { name: 'worker.mjs', kind: 'esModule', file: 'worker.mjs' },
    { name: 'alloy.wasm', kind: 'wasm', file: 'alloy.wasm' },
    { name: 'mnist-f32.alloy', kind: 'data', file: 'mnist-f32.alloy' },
    { name: 'mnist-mixed.alloy', kind: 'data', file: 'mnist-mixed.alloy' },
    // the text encoder (scripts/build-examples-text.ts), when there is one
    ...(existsSync(join(OUT, 'worker/text-f32.alloy')) ? [{ name: 'text-f32.alloy', kind: 'data' as const, file: 'text-f32.alloy' }] : []),
  ], port, `# workerd config for examples/worker (written by scripts/build-examples.ts).
#   node_modules/.bin/workerd serve build/examples/worker/config.capnp [--socket-addr http=127.0.0.1:PORT]
`);
}

let building: Promise<Sizes> | null = null;

/** Build everything under build/examples/ (skipped when up to date). Returns the sizes. */
export function buildExamples(opts: { force?: boolean; quiet?: boolean } = {}): Promise<Sizes> {
  building ??= doBuild(opts).finally(() => { building = null; });
  return building;
}

async function doBuild({ force = false, quiet = true }: { force?: boolean; quiet?: boolean }): Promise<Sizes> {
  for (const f of ['alloy.wasm', 'alloy.mjs']) {
    if (!existsSync(join(ROOT, 'build', f))) throw new Error(`build/${f} is missing: run \`npm run build\` first`);
  }
  const stampPath = join(OUT, '.stamp.json');
  const newest = newestInput();
  if (!force && existsSync(stampPath) && existsSync(join(OUT, 'sizes.json'))) {
    try {
      const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
      if (stamp.inputs >= newest && stamp.textDir === textDir(ROOT) && existsSync(textDir(ROOT)) === stamp.hasText) return JSON.parse(readFileSync(join(OUT, 'sizes.json'), 'utf8'));
    } catch { /* rebuild */ }
  }
  const t0 = performance.now();
  // The importer and packer run on the sources (they are Node-only tools), with the built module.
  const { init } = await import('../src/runtime/index.ts');
  const { writeBundle, packBundle } = await import('../src/tools/index.ts');
  const { importOnnx } = await import('../src/tools/import/onnx/index.ts');
  await init(readFileSync(join(ROOT, 'build/alloy.wasm')));

  const imported = importOnnx(new Uint8Array(readFileSync(MODEL)));
  const dense = imported.graph.nodes.filter((n) => n.op === 'Dense').map((n) => n.name);
  const meta = (variant: string) => ({ ...(imported.metadata ?? {}), example: 'mnist-mlp', variant, source: 'models/mnist-mlp.onnx' });
  const f32 = writeBundle({ ...imported, metadata: meta('f32') });
  const mixed = writeBundle(packBundle(f32, mixedMap(dense)).input);
  // Widget bundles: a Softmax node appended so the module computes the probabilities.
  const logits = imported.graph.outputs[0];
  const withSoftmax = {
    ...imported,
    graph: {
      ...imported.graph,
      nodes: [...imported.graph.nodes, { name: 'softmax', op: 'Softmax', inputs: [logits.name], outputs: ['probs'], attrs: { axis: -1 } }],
      outputs: [{ name: 'probs', shape: [...logits.shape], format: 'f32' }],
    },
  };
  const f32p = writeBundle({ ...withSoftmax, metadata: meta('f32-probs') });
  const mixedp = writeBundle(packBundle(f32p, mixedMap(dense, { softmax: { activations: 'f32', accumulator: 'f32' } })).input);

  const models = join(OUT, 'models');
  writeAtomic(join(models, 'mnist-f32.alloy'), f32);
  writeAtomic(join(models, 'mnist-mixed.alloy'), mixed);

  // Worker: bundle the entry with the host and the shared API; the .wasm and .alloy imports stay
  // modules of their own (as wrangler makes them), next to worker.mjs.
  const worker = join(OUT, 'worker');
  mkdirSync(worker, { recursive: true });
  const sideModules: esbuild.Plugin = {
    name: 'side-modules',
    setup(b) { b.onResolve({ filter: /\.(wasm|alloy)$/ }, (a) => ({ path: `./${basename(a.path)}`, external: true })); },
  };
  const common = { bundle: true, format: 'esm' as const, target: 'es2022', logLevel: 'warning' as const, legalComments: 'none' as const, minify: true, external: ['node:*'] };
  // the text encoder first: the Worker bundle imports build/examples/text/assets.mjs
  rmSync(join(worker, 'text-f32.alloy'), { force: true });
  const text = await buildText(ROOT, OUT, { ...common, plugins: [] });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'examples/worker/worker.mjs')], outfile: join(worker, 'worker.mjs'), platform: 'neutral', mainFields: ['module', 'main'], plugins: [sideModules] });
  copyAtomic(join(ROOT, 'build/alloy.wasm'), join(worker, 'alloy.wasm'));
  writeAtomic(join(worker, 'mnist-f32.alloy'), f32);
  writeAtomic(join(worker, 'mnist-mixed.alloy'), mixed);
  writeAtomic(join(worker, 'config.capnp'), exampleWorkerdConfig());

  // Widget: one script (the element + the host), the page, the module and the two bundles.
  const widget = join(OUT, 'widget');
  mkdirSync(widget, { recursive: true });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'examples/widget/alloy-digit.ts')], outfile: join(widget, 'alloy-digit.js'), platform: 'browser' });
  copyAtomic(join(ROOT, 'examples/widget/index.html'), join(widget, 'index.html'));
  copyAtomic(join(ROOT, 'build/alloy.wasm'), join(widget, 'alloy.wasm'));
  writeAtomic(join(widget, 'mnist-f32-probs.alloy'), f32p);
  writeAtomic(join(widget, 'mnist-mixed-probs.alloy'), mixedp);

  const b = (f: string) => join(ROOT, 'build', f);
  // alloy.mjs and the chunks it imports (listed by scripts/build.mjs)
  const host: string[] = JSON.parse(readFileSync(b('.stamp.json'), 'utf8')).host.map(b);
  const sizes: Sizes = {
    'alloy.wasm': sizeOf(b('alloy.wasm')),
    'alloy.mjs': sizeOf(...host),
    'alloy.wasm + alloy.mjs': sizeOf(b('alloy.wasm'), ...host),
    'worker/worker.mjs': sizeOf(join(worker, 'worker.mjs')),
    'worker: worker.mjs + alloy.wasm': sizeOf(join(worker, 'worker.mjs'), join(worker, 'alloy.wasm')),
    'worker: all modules (+ both bundles)': sizeOf(...['worker.mjs', 'alloy.wasm', 'mnist-f32.alloy', 'mnist-mixed.alloy'].map((f) => join(worker, f))),
    'models/mnist-f32.alloy': sizeOf(join(models, 'mnist-f32.alloy')),
    'models/mnist-mixed.alloy': sizeOf(join(models, 'mnist-mixed.alloy')),
    'widget/alloy-digit.js': sizeOf(join(widget, 'alloy-digit.js')),
    'widget: page + script + wasm': sizeOf(...['index.html', 'alloy-digit.js', 'alloy.wasm'].map((f) => join(widget, f))),
    ...(text ? {
      'models/text-f32.alloy': sizeOf(text.files['models/text-f32.alloy']),
      'widget/alloy-search.js': sizeOf(text.files['widget/alloy-search.js']),
      'widget search: page + script + wasm + encoder + tokenizer + verses + scores': sizeOf(...['search.html', 'alloy-search.js', 'alloy.wasm', 'text-f32.alloy', 'tokenizer.json', 'verses.json', 'verses-scores.alloy'].map((f) => join(widget, f))),
    } : {}),
  };
  writeAtomic(join(OUT, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  writeAtomic(stampPath, JSON.stringify({ inputs: newest, textDir: textDir(ROOT), hasText: existsSync(textDir(ROOT)), built: Date.now(), ms: Math.round(performance.now() - t0) }));
  if (!quiet) console.log(`build-examples: built build/examples/ in ${Math.round(performance.now() - t0)} ms`);
  return sizes;
}

// -------------------------------------------------------------------------------------------------
// servers (used by the tests and by --measure): own process group, killed by stop()
// -------------------------------------------------------------------------------------------------

export interface Server { url: string; port: number; stop: () => void; output: () => string; process: ChildProcess }

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) killGroup(c); });

/** Spawn, then poll `probe` (GET) until it answers or `timeoutMs` passes (then kill and throw). */
export async function serve(cmd: string, args: string[], port: number, env: NodeJS.ProcessEnv, timeoutMs: number, probe = '/v1/nope'): Promise<Server> {
  const c = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(c);
  let out = '';
  c.stdout!.on('data', (d) => { out += d; });
  c.stderr!.on('data', (d) => { out += d; });
  let exited: string | null = null;
  c.on('exit', (code, sig) => { exited = `${basename(cmd)} exited (${code ?? sig})`; live.delete(c); });
  c.on('error', (e) => { exited = `${basename(cmd)} failed to start: ${e.message}`; live.delete(c); });
  const stop = () => { killGroup(c); live.delete(c); };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) { stop(); throw new Error(`${exited}: ${out.slice(-2000)}`); }
    try {
      await fetch(url + probe, { signal: AbortSignal.timeout(2000) });
      return { url, port, stop, output: () => out, process: c };
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { stop(); throw new Error(`${basename(cmd)} not listening on ${url} after ${timeoutMs} ms: ${out.slice(-2000)}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startWorkerd(timeoutMs = 15_000): Promise<Server> {
  const bin = join(ROOT, 'node_modules/.bin/workerd');
  if (!existsSync(bin)) throw new Error('node_modules/.bin/workerd not found (npm install)');
  const port = await freePort();
  return serve(bin, ['serve', join(OUT, 'worker/config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`], port, process.env, timeoutMs);
}

export async function startDeno(timeoutMs = 15_000, extra: string[] = []): Promise<Server> {
  const bin = join(ROOT, 'node_modules/.bin/deno');
  if (!existsSync(bin)) throw new Error('node_modules/.bin/deno not found (npm install)');
  const port = await freePort();
  const env = { ...process.env, DENO_DIR: join(OUT, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  return serve(bin, ['run', '--no-config', '--no-lock', '--no-prompt', '--allow-net=127.0.0.1', `--allow-read=${join(ROOT, 'build')}`,
    join(ROOT, 'examples/deno/server.ts'), '--port', String(port), ...extra], port, env, timeoutMs);
}

// -------------------------------------------------------------------------------------------------
// cold start figures
// -------------------------------------------------------------------------------------------------

/** Node cold start in fresh processes, per bundle: import the host, init() from the wasm bytes
 *  (compile + instantiate), load the bundle; the first inference separately. Medians over `runs`
 *  processes. `preloadFetch` touches globalThis.Response first: Node 20 loads its fetch
 *  implementation (undici) lazily on first access, and @assemblyscript/loader's instantiate()
 *  checks `source instanceof Response`, so a process that never used fetch pays for it in init(). */
export async function nodeColdStart(bundle: 'f32' | 'mixed', preloadFetch = false, runs = 7): Promise<Record<string, number>> {
  const code = `
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(${JSON.stringify(join(OUT, 'models'))} + '/mnist-' + process.argv[1] + '.alloy');
    const wasm = readFileSync(${JSON.stringify(join(ROOT, 'build/alloy.wasm'))});
    if (process.argv[2] === '1') void globalThis.Response;
    const t0 = performance.now();
    const host = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'build/alloy.mjs')).href)});
    const t1 = performance.now();
    const alloy = await host.init(wasm);
    const t2 = performance.now();
    const m = alloy.load(bytes);
    const t3 = performance.now();
    m.run({ input: { data: new Float32Array(784), shape: [1, 784] } });
    const t4 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, loadMs: t3 - t2, coldStartMs: t3 - t0, firstRunMs: t4 - t3 }));`;
  const all: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const r = await new Promise<string>((res, rej) => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', code, bundle, preloadFetch ? '1' : '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      c.stdout.on('data', (d) => { s += d; });
      const t = setTimeout(() => { c.kill('SIGKILL'); rej(new Error('node cold start: timed out')); }, 20_000);
      c.on('close', () => { clearTimeout(t); res(s); });
    });
    for (const [k, v] of Object.entries(JSON.parse(r) as Record<string, number>)) (all[k] ??= []).push(v);
  }
  // median and minimum: on a busy machine the minimum is the better estimate of a quiet one
  return Object.fromEntries(Object.entries(all).flatMap(([k, v]) => { v.sort((a, b) => a - b); return [[k, v[v.length >> 1]], [`${k}Min`, v[0]]]; }));
}

/** workerd cold start: a fresh workerd per run; the first GET /v1/model instantiates the module
 *  and loads both bundles, timed inside the worker with performance.now(). */
export async function workerdColdStart(runs = 3): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await startWorkerd();
    try {
      const t0 = performance.now();
      const info = await (await fetch(`${s.url}/v1/model`)).json();
      const firstRequestMs = performance.now() - t0;
      const t1 = performance.now();
      await (await fetch(`${s.url}/v1/model`)).json();
      out.push({ ...info.startup, firstRequestMs, warmRequestMs: performance.now() - t1 });
    } finally { s.stop(); }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  const sizes = await buildExamples({ force: process.argv.includes('--force'), quiet });
  if (!quiet) {
    const w = Math.max(...Object.keys(sizes).map((k) => k.length));
    for (const [k, v] of Object.entries(sizes)) console.log(`${k.padEnd(w)}  ${String(v.raw).padStart(9)} bytes  ${String(v.gzip).padStart(9)} gzipped`);
  }
  if (process.argv.includes('--measure')) {
    const fmt = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(2) : JSON.stringify(v)}`).join(', ');
    for (const b of ['f32', 'mixed'] as const) {
      console.log(`node ${process.versions.node} cold start, ${b} bundle (median and min of 7 fresh processes, ms): ${fmt(await nodeColdStart(b))}`);
      console.log(`  same with fetch (undici) already loaded: ${fmt(await nodeColdStart(b, true))}`);
    }
    console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    for (const r of await workerdColdStart(5)) console.log(`workerd cold start (ms): ${fmt(r)}`);
  }
}

// Cross-runtime reproducibility harness: runs test/xrt/corpus.ts in Node (in-process), Deno,
// headless Chromium and workerd, and checks that every case's SHA-256 is the same in all four and
// equal to the golden hash in test/golden/xrt.json.
//
//   node --import tsx test/xrt/run.ts                 # check
//   node --import tsx test/xrt/run.ts --update-golden # rewrite the golden from the Node leg
//
// Assumes build/alloy.mjs and build/alloy.wasm exist. Scratch files go to build/xrt/ (gitignored).
// Last line: `xrt: N passed, N failed[, N skipped]`; a test is one (runtime, case) pair.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createReadStream, statSync, readdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, killGroup, workerdConfig } from '../../scripts/proc.ts';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

type CaseResult = { case: string; sha256: string; ok?: boolean; detail?: string; parts?: Record<string, string> };
type Leg = { runtime: string; results?: CaseResult[]; error?: string; skipped?: string; ms: number };

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = join(root, 'build');
const xrtDir = join(buildDir, 'xrt');
const goldenPath = join(root, 'test/golden/xrt.json');
const updateGolden = process.argv.includes('--update-golden');
const CHROMIUM = process.env.XRT_CHROMIUM || '/usr/bin/chromium'; // override only to test the skip path
const LEG_TIMEOUT_MS = 60_000;
const HARD_TIMEOUT_MS = 110_000;
const RESULT_MARK = 'XRT_RESULT ';

const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void> | void>();

const killChild = killGroup;
function killAll() { for (const c of children) killChild(c); }
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killAll(); process.exit(130); });

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]);
}

/** Runs a command (own process group, killed on timeout), resolves with stdout/stderr/code. */
function run(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res, rej) => {
    const c = spawn(cmd, args, { cwd: opts.cwd ?? xrtDir, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let stdout = '', stderr = '';
    c.stdout!.on('data', (d) => { stdout += d; });
    c.stderr!.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => { killChild(c); rej(new Error(`${cmd} timed out after ${opts.timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)); }, opts.timeoutMs);
    c.on('error', (e) => { clearTimeout(t); children.delete(c); rej(e); });
    c.on('close', (code) => { clearTimeout(t); children.delete(c); res({ code, stdout, stderr }); });
  });
}

function parseMarked(stdout: string): CaseResult[] {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (!line) throw new Error(`no ${RESULT_MARK.trim()} line in output: ${stdout.slice(-1000)}`);
  const v = JSON.parse(line.slice(RESULT_MARK.length));
  if (v && v.error) throw new Error(v.error);
  return v;
}


// ---------------------------------------------------------------------------------------------
// scratch files: the corpus bundle and one entry per runtime
// ---------------------------------------------------------------------------------------------

async function prepare() {
  for (const f of ['alloy.mjs', 'alloy-tools.mjs', 'alloy.wasm']) {
    if (!existsSync(join(buildDir, f))) throw new Error(`build/${f} is missing: run \`node scripts/build.mjs\` first`);
  }
  rmSync(xrtDir, { recursive: true, force: true });
  mkdirSync(xrtDir, { recursive: true });
  await build({
    entryPoints: [join(root, 'test/xrt/corpus.ts')],
    outfile: join(xrtDir, 'corpus.mjs'),
    bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'silent',
  });
  const body = `const alloy = await init(SOURCE);\n  return await runCorpus(alloy, writeBundle, quantizeTensor);`;
  // Deno: init() reads alloy.wasm next to alloy.mjs with Deno.readFile
  writeFileSync(join(xrtDir, 'deno.mjs'), `import { init } from '../alloy.mjs';
import { writeBundle, quantizeTensor } from '../alloy-tools.mjs';
import { runCorpus } from './corpus.mjs';
let out;
try { out = await (async () => { ${body.replace('SOURCE', '')} })(); }
catch (e) { out = { error: String(e && e.stack || e) }; }
console.log(${JSON.stringify(RESULT_MARK)} + JSON.stringify(out));
`);
  // Chromium: the page imports the host from the static server; init() fetches alloy.wasm
  writeFileSync(join(xrtDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>alloy xrt</title>
<script type="module">
import { init } from '../alloy.mjs';
import { writeBundle, quantizeTensor } from '../alloy-tools.mjs';
import { runCorpus } from './corpus.mjs';
window.__xrt = (async () => { ${body.replace('SOURCE', "new URL('../alloy.wasm', location.href)")} })()
  .catch((e) => ({ error: String(e && e.stack || e) }));
</script>
`);
  // workerd: a module worker; alloy.wasm is a wasm module import (a compiled WebAssembly.Module)
  writeFileSync(join(xrtDir, 'worker.mjs'), `import { init } from './alloy.mjs';
import { writeBundle, quantizeTensor } from './alloy-tools.mjs';
import wasmModule from './alloy.wasm';
import { runCorpus } from './corpus.mjs';
let pending = null;
export default {
  async fetch(request) {
    if (new URL(request.url).pathname !== '/') return new Response('not found', { status: 404 });
    pending ??= (async () => { ${body.replace('SOURCE', 'wasmModule')} })()
      .catch((e) => ({ error: String(e && e.stack || e) }));
    return new Response(JSON.stringify(await pending), { headers: { 'content-type': 'application/json' } });
  },
};
`);
}

// ---------------------------------------------------------------------------------------------
// legs
// ---------------------------------------------------------------------------------------------

async function leg(runtime: string, fn: () => Promise<CaseResult[] | { skipped: string }>): Promise<Leg> {
  const t0 = performance.now();
  try {
    const r = await withTimeout(fn(), LEG_TIMEOUT_MS, `${runtime} leg`);
    const ms = performance.now() - t0;
    return Array.isArray(r) ? { runtime, results: r, ms } : { runtime, skipped: r.skipped, ms };
  } catch (e: any) {
    return { runtime, error: String(e?.message ?? e), ms: performance.now() - t0 };
  }
}

async function nodeLeg(): Promise<CaseResult[]> {
  // the same bundled corpus the other runtimes run, imported in this process
  const host = await import(pathToFileURL(join(buildDir, 'alloy.mjs')).href);
  const tools = await import(pathToFileURL(join(buildDir, 'alloy-tools.mjs')).href);
  const { runCorpus } = await import(pathToFileURL(join(xrtDir, 'corpus.mjs')).href);
  const alloy = await host.init();
  return runCorpus(alloy, tools.writeBundle, tools.quantizeTensor);
}

async function denoLeg(): Promise<CaseResult[]> {
  const deno = join(root, 'node_modules/.bin/deno');
  if (!existsSync(deno)) throw new Error('node_modules/.bin/deno not found (npm install)');
  const env = { ...process.env, DENO_DIR: join(xrtDir, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const r = await run(deno, ['run', '--no-config', '--no-lock', '--no-prompt', `--allow-read=${buildDir}`, join(xrtDir, 'deno.mjs')],
    { timeoutMs: LEG_TIMEOUT_MS - 5_000, env });
  if (r.code !== 0) throw new Error(`deno exited with ${r.code}: ${r.stderr.slice(-2000)}`);
  return parseMarked(r.stdout);
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json',
};

/** static server for build/ on 127.0.0.1, ephemeral port */
async function staticServer(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(buildDir, '.' + path);
    const ext = file.slice(file.lastIndexOf('.'));
    if (!file.startsWith(buildDir + sep) || !existsSync(file) || !statSync(file).isFile() || !MIME[ext]) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[ext], 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', () => res()); });
  return { server, port: (server.address() as AddressInfo).port };
}

async function chromiumLeg(): Promise<CaseResult[] | { skipped: string }> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`${CHROMIUM} not installed (required when CI=true)`);
    return { skipped: `chromium leg: ${CHROMIUM} not installed` };
  }
  const { chromium } = await import('playwright-core');
  const { server, port } = await staticServer();
  let browser: any;
  const close = async () => {
    try { await withTimeout(browser?.close() ?? Promise.resolve(), 5_000, 'browser.close'); } catch { /* killed below */ }
    const proc = browser?._process ?? null;
    if (proc) killChild(proc);
    server.closeAllConnections?.();
    await new Promise<void>((res) => server.close(() => res()));
  };
  cleanups.add(close);
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m: any) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e: any) => logs.push(`pageerror: ${e.message}`));
    // nothing leaves 127.0.0.1
    await page.route((url: URL) => url.hostname !== '127.0.0.1', (route: any) => route.abort());
    await page.goto(`http://127.0.0.1:${port}/xrt/index.html`, { timeout: 15_000 });
    try {
      await page.waitForFunction(() => (window as any).__xrt !== undefined, undefined, { timeout: 15_000 });
    } catch (e: any) {
      throw new Error(`page never started the corpus (${e.message}); console: ${logs.join(' | ').slice(-2000)}`);
    }
    const out = await page.evaluate(() => (window as any).__xrt);
    if (out && !Array.isArray(out) && out.error) throw new Error(`${out.error}; console: ${logs.join(' | ').slice(-1000)}`);
    return out;
  } finally {
    cleanups.delete(close);
    await close();
  }
}

async function workerdLeg(): Promise<CaseResult[]> {
  const bin = join(root, 'node_modules/.bin/workerd');
  if (!existsSync(bin)) throw new Error('node_modules/.bin/workerd not found (npm install)');
  const port = await freePort();
  writeFileSync(join(xrtDir, 'config.capnp'), workerdConfig('xrtWorker', [
    { name: 'worker.mjs', kind: 'esModule', file: 'worker.mjs' },
    { name: 'corpus.mjs', kind: 'esModule', file: 'corpus.mjs' },
    // the runtime and tools entries and the chunks they share (scripts/build.mjs splits them)
    ...readdirSync(buildDir).filter((f) => f.endsWith('.mjs') && f.startsWith('alloy')).map((f) => ({ name: f, kind: 'esModule', file: `../${f}` })),
    { name: 'alloy.wasm', kind: 'wasm', file: '../alloy.wasm' },
  ], port));
  const c = spawn(bin, ['serve', join(xrtDir, 'config.capnp')], { cwd: xrtDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(c);
  let stderr = '';
  c.stdout!.on('data', (d) => { stderr += d; });
  c.stderr!.on('data', (d) => { stderr += d; });
  let exited: string | null = null;
  c.on('exit', (code, sig) => { exited = `workerd exited (${code ?? sig})`; children.delete(c); });
  c.on('error', (e) => { exited = `workerd failed to start: ${e.message}`; children.delete(c); });
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (exited) throw new Error(`${exited}: ${stderr.slice(-2000)}`);
      let res: Response | null = null;
      try {
        res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(40_000) });
      } catch (e: any) {
        const refused = e?.cause?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNRESET';
        if (!refused) throw new Error(`GET / failed: ${e?.cause?.message ?? e?.message}; workerd: ${stderr.slice(-2000)}`);
      }
      if (res) {
        const body = await res.text();
        if (res.status !== 200) throw new Error(`GET / -> HTTP ${res.status}: ${body.slice(0, 2000)}; workerd: ${stderr.slice(-2000)}`);
        const v = JSON.parse(body);
        if (v && !Array.isArray(v) && v.error) throw new Error(v.error);
        return v;
      }
      if (Date.now() > deadline) throw new Error(`workerd not listening on 127.0.0.1:${port} after 15 s: ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    killChild(c);
  }
}

// ---------------------------------------------------------------------------------------------
// compare and report
// ---------------------------------------------------------------------------------------------

function readGolden(): Record<string, string> | null {
  if (!existsSync(goldenPath)) return null;
  return JSON.parse(readFileSync(goldenPath, 'utf8')).cases ?? {};
}

async function main() {
  const t0 = performance.now();
  await prepare();
  const { CASES } = await import(pathToFileURL(join(xrtDir, 'corpus.mjs')).href) as { CASES: string[] };

  const node = await leg('node', nodeLeg);
  // the external runtimes run side by side
  const others = await Promise.all([leg('deno', denoLeg), leg('chromium', chromiumLeg), leg('workerd', workerdLeg)]);
  const legs = [node, ...others];

  if (updateGolden) {
    if (!node.results) throw new Error(`--update-golden: the node leg failed: ${node.error}`);
    const cases: Record<string, string> = {};
    for (const r of node.results) {
      if (r.ok === false || !r.sha256) console.log(`xrt: golden NOT written for ${r.case}: ${r.detail ?? 'failed'}`);
      else cases[r.case] = r.sha256;
    }
    mkdirSync(dirname(goldenPath), { recursive: true });
    writeFileSync(goldenPath, JSON.stringify({
      about: 'SHA-256 of each test/xrt/corpus.ts case output; identical in Node, Deno, Chromium and workerd. ' +
        'Regenerate deliberately with: node --import tsx test/xrt/run.ts --update-golden',
      cases,
    }, null, 2) + '\n');
    console.log(`xrt: wrote ${Object.keys(cases).length} golden hashes to test/golden/xrt.json`);
  }

  const golden = readGolden();
  let passed = 0, failed = 0, skipped = 0;
  const notes: string[] = [];
  const nodeBy = new Map((node.results ?? []).map((r) => [r.case, r]));
  if (!golden) notes.push('test/golden/xrt.json is missing (create it with --update-golden once all runtimes agree)');

  for (const l of legs) {
    if (l.skipped) { console.log(`skip: ${l.skipped}`); skipped += CASES.length; continue; }
    if (l.error) notes.push(`${l.runtime} leg failed: ${l.error}`);
    const by = new Map((l.results ?? []).map((r) => [r.case, r]));
    for (const name of CASES) {
      const r = by.get(name);
      const why: string[] = [];
      if (!r) why.push(l.error ? 'leg failed' : 'case missing from results');
      else {
        if (r.ok === false) why.push(r.detail ?? 'check failed');
        const g = golden?.[name];
        if (!g) why.push('no golden hash');
        else if (r.sha256 !== g) why.push(`golden is ${g}`);
        const n = nodeBy.get(name);
        if (l !== node && n && n.sha256 !== r.sha256) {
          why.push('differs from node');
          const diffParts = Object.keys(r.parts ?? {}).filter((k) => n.parts?.[k] !== r.parts?.[k]);
          if (diffParts.length) why.push(`differing parts: ${diffParts.join(', ')}`);
        }
      }
      if (why.length) failed++; else passed++;
      console.log(`xrt ${l.runtime.padEnd(8)} ${name.padEnd(26)} ${(r?.sha256 || '-').padEnd(64)} ${why.length ? 'FAIL: ' + why.join('; ') : 'ok'}`);
    }
  }
  for (const n of notes) console.log(`xrt: ${n}`);
  console.log(`xrt: legs ${legs.map((l) => `${l.runtime} ${(l.ms / 1000).toFixed(1)}s`).join(', ')}; total ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`xrt: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed ? 1 : 0;
}

const hard = setTimeout(() => {
  console.log(`xrt: harness exceeded ${HARD_TIMEOUT_MS / 1000} s`);
  console.log('xrt: 0 passed, 1 failed');
  killAll();
  process.exit(1);
}, HARD_TIMEOUT_MS);
hard.unref();

let code = 1;
try {
  code = await main();
} catch (e: any) {
  console.log(`xrt: harness error: ${e?.stack ?? e}`);
  console.log('xrt: 0 passed, 1 failed');
  code = 1;
} finally {
  for (const c of [...cleanups]) { try { await c(); } catch { /* best effort */ } }
  killAll();
}
process.exit(code);

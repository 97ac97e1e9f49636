// Soak: many inferences and many create/dispose cycles in one process; wasm memory and the JS
// heap must stay flat. Not part of `npm test` (a 5-second version is, soak-mini.test.ts):
//   node --expose-gc --import tsx test/reliability/soak.ts [--inferences 100000] [--cycles 1000]
// Phase 1 runs a small MLP (seeded, 784-128-64-10) with batch sizes cycling 1..8, so the
// activation plan is freed and re-made on almost every call. Phase 2 loads, runs and disposes
// models of several weight formats, and loads malicious bundles that fail (error paths must not
// leak either). Prints samples and the before/after figures; exits 1 if memory grew.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { getAlloy } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { seededMLP, seededInputs } from '../../scripts/seeded-mlp.ts';
import { seeds } from '../fuzz/seeds.ts';

export interface SoakResult {
  inferences: number; cycles: number; failedLoads: number; ms: number;
  wasmBefore: number; wasmAfter: number; heapBefore: number; heapAfter: number; heapMax: number;
  samples: { phase: string; done: number; wasm: number; heap: number }[];
}

const gc = (globalThis as any).gc as (() => void) | undefined;
const heapUsed = () => { gc?.(); gc?.(); return process.memoryUsage().heapUsed; };

export async function soak(opts: { inferences: number; cycles: number; sampleEvery?: number; log?: (s: string) => void }): Promise<SoakResult> {
  const alloy = await getAlloy();
  const log = opts.log ?? (() => {});
  const mlp = seededMLP(writeBundle as any, [784, 128, 64, 10], 7);
  const x = seededInputs(8, 784, 3);
  const models = [mlp, ...seeds().map((s) => s.bytes)];
  const malicious = new URL('../fixtures/malicious/', import.meta.url);
  const manifest: { file: string; code: string; options?: unknown; run?: unknown }[] = JSON.parse(readFileSync(new URL('manifest.json', malicious), 'utf8'));
  const bad = manifest.filter((c) => c.code !== 'ok' && !c.options && !c.run).map((c) => new Uint8Array(readFileSync(new URL(c.file, malicious))));
  const samples: SoakResult['samples'] = [];
  const sample = (phase: string, done: number) => { const s = { phase, done, wasm: alloy.memoryBytes(), heap: heapUsed() }; samples.push(s); log(`  ${phase.padEnd(11)} ${String(done).padStart(7)}  wasm ${(s.wasm / 2 ** 20).toFixed(2)} MiB  heap ${(s.heap / 2 ** 20).toFixed(2)} MiB`); };
  const every = opts.sampleEvery ?? 10_000;

  // Warm-up: every model and batch size once, so the allocator and the JIT have settled.
  const m = alloy.load(mlp);
  for (let b = 1; b <= 8; b++) m.run({ x: x.subarray(0, b * 784) });
  for (const bytes of models) { const k = alloy.load(bytes); k.dispose(); }
  const t0 = performance.now();
  sample('start', 0);
  const wasmBefore = samples[0].wasm, heapBefore = samples[0].heap;

  let sink = 0;
  for (let i = 1; i <= opts.inferences; i++) {
    const b = 1 + (i % 8);
    const r = m.run({ x: x.subarray(0, b * 784) });
    sink += r.probs.data[0];
    if (i % every === 0) sample('inference', i);
  }
  m.dispose();
  let failedLoads = 0;
  const cycEvery = Math.max(1, Math.round(every / 100));
  for (let i = 1; i <= opts.cycles; i++) {
    const k = alloy.load(models[i % models.length]);
    const feeds: Record<string, Float32Array> = {};
    for (const v of k.inputs) feeds[v.name] = new Float32Array(2 * v.shape.slice(1).reduce((p: number, q: number) => p * q, 1)).fill(0.5);
    k.run(feeds);
    k.dispose();
    try { alloy.load(bad[i % bad.length]).dispose(); } catch (e) { if (!(e instanceof AlloyError)) throw e; failedLoads++; }
    if (i % cycEvery === 0) sample('cycle', i);
  }
  if (!Number.isFinite(sink)) log('  (sink is not finite: unexpected)');
  sample('end', opts.inferences + opts.cycles);
  const last = samples[samples.length - 1];
  return { inferences: opts.inferences, cycles: opts.cycles, failedLoads, ms: performance.now() - t0, wasmBefore, wasmAfter: last.wasm, heapBefore, heapAfter: last.heap,
    heapMax: Math.max(...samples.map((s) => s.heap)), samples };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (k: string, d: number) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
  if (!gc) console.log('note: run with node --expose-gc for exact heap figures');
  console.log('soak: phase / done / wasm memory / JS heap used (after gc)');
  const r = await soak({ inferences: arg('inferences', 100_000), cycles: arg('cycles', 1000), log: console.log });
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
  console.log(`soak: ${r.inferences} inferences + ${r.cycles} load/run/dispose cycles (+ ${r.failedLoads} failing loads) in ${(r.ms / 1000).toFixed(1)} s`);
  console.log(`  wasm memory ${mib(r.wasmBefore)} -> ${mib(r.wasmAfter)}; JS heap ${mib(r.heapBefore)} -> ${mib(r.heapAfter)} (max ${mib(r.heapMax)})`);
  const grewWasm = r.wasmAfter > r.wasmBefore, grewHeap = r.heapAfter - r.heapBefore > 4 * 2 ** 20;
  console.log(grewWasm || grewHeap ? `soak: FAIL (${grewWasm ? 'wasm memory grew' : ''}${grewWasm && grewHeap ? ', ' : ''}${grewHeap ? 'JS heap grew by more than 4 MiB' : ''})` : 'soak: flat');
  process.exit(grewWasm || grewHeap ? 1 : 0);
}

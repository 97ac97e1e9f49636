// LiteRT.js (@litertjs/core, XNNPACK CPU kernels in wasm) in Node, as the FP32 oracle of the TFLite
// importer and as the peer of the pose benchmark.
//
// LiteRT.js is written for browsers and workers: its loader (@litertjs/wasm-utils) calls
// `importScripts(url)` when that exists (else it adds a <script> tag) and then reads
// `self.ModuleFactory`; the emscripten glue it loads looks for `require` / `__dirname` when it sees
// Node. The shims: `self = globalThis`, `importScripts` = vm.runInThisContext of the file (so its
// top-level `var ModuleFactory` lands on globalThis), and `require` / `__dirname` for the glue.
// The non-threaded, non-JSPI build is loaded: one thread. Without relaxed SIMD (Node 20 needs
// --experimental-wasm-relaxed-simd) LiteRT.js picks its "compat" build; with the flag, its main
// build (FMA and relaxed dot products): run both for the comparison.
//
// Run alone: `node --import tsx bench/litert.ts [lite|full] [--warm-ms 2000] [--samples 31]`:
// Alloy FP32 (and a precision map, `--map MAP.json`) against LiteRT.js on pose_landmark_*, in one
// process: time-based warm-up >= 2 s alternating the runtimes (V8 tiers up wasm late), then samples
// alternating them (order flips every sample); medians.

import vm from 'node:vm';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { raceN } from './race.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const POSE_DIR = path.join(root, 'node_modules/@mediapipe/pose');
export const poseModelPath = (v: 'lite' | 'full') => path.join(POSE_DIR, `pose_landmark_${v}.tflite`);

let lt: any = null;
/** Load LiteRT.js once (wasm accelerator, single thread). */
export async function loadLiteRtNode(): Promise<any> {
  if (lt) return lt;
  const dir = path.join(root, 'node_modules/@litertjs/core/wasm');
  const g = globalThis as any;
  g.self ??= globalThis;
  g.require ??= createRequire(import.meta.url);
  g.__dirname ??= dir;
  g.importScripts ??= (u: string) => {
    const p = String(u).startsWith('file:') ? fileURLToPath(String(u)) : String(u);
    vm.runInThisContext(readFileSync(p, 'utf8'), { filename: p });
  };
  const mod = await import('@litertjs/core');
  await mod.loadLiteRt(dir + '/');
  lt = mod;
  return lt;
}

export interface LiteRtModel {
  /** outputs in the model's signature order, as Float32Arrays */
  run(input: Float32Array, shape: number[]): Promise<Float32Array[]>;
  /** the same with the input tensor made once (for timing) */
  runner(input: Float32Array, shape: number[]): () => Promise<void>;
  names: string[];
  dispose(): void;
}

export async function liteRtModel(bytes: Uint8Array): Promise<LiteRtModel> {
  const L = await loadLiteRtNode();
  const m = await L.loadAndCompile(bytes, { accelerator: 'wasm' });
  const names: string[] = (m.getOutputDetails?.() ?? []).map((d: any) => d.name);
  return {
    names,
    async run(input, shape) {
      const t = new L.Tensor(input, shape);
      try {
        const out = await m.run(t);
        const r = out.map((o: any) => Float32Array.from(o.toTypedArray()));
        out.forEach((o: any) => o.delete());
        return r;
      } finally { t.delete(); }
    },
    runner(input, shape) {
      const t = new L.Tensor(input, shape);
      return async () => { const out = await m.run(t); out.forEach((o: any) => o.delete()); };
    },
    dispose() { m.delete?.(); },
  };
}

// ---------------------------------------------------------------------------------------------
// the benchmark

/** Round-robin warm-up for >= warmMs, then `samples` rounds sampling each function once (order
 *  rotating; bench/race.ts). Median ms per call, and the median of the per-round ratios to
 *  function 0. */
export async function race(fns: (() => Promise<unknown>)[], warmMs = 2000, samples = 31, sampleMs = 150) {
  const r = await raceN(fns, warmMs, samples, sampleMs);
  return { ms: r.ms, ratioTo0: fns.map((_, i) => r.paired(i, 0)), inner: r.inner, warmCalls: r.warmCalls };
}

export interface PoseBenchRow { name: string; ms: number; vsLiteRt: number }

/** Alloy bundles (FP32 and maps) against LiteRT.js on one pose model. */
export async function benchPose(variant: 'lite' | 'full', cases: { name: string; bundle: Uint8Array; precision?: unknown }[], input: Float32Array, opts: { warmMs?: number; samples?: number; log?: (s: string) => void } = {}): Promise<PoseBenchRow[]> {
  const { init } = await import('../src/runtime/index.ts');
  const alloy = await init(readFileSync(path.join(root, 'build/alloy.wasm')));
  const shape = [1, 256, 256, 3];
  const peer = await liteRtModel(new Uint8Array(readFileSync(poseModelPath(variant))));
  const fns: (() => Promise<unknown>)[] = [peer.runner(input, shape)];
  const models = cases.map((c) => alloy.load(c.bundle, c.precision ? { precision: c.precision as any } : {}));
  const feedName = models[0]?.inputs[0].name;
  for (const m of models) fns.push(async () => m.run({ [feedName]: { data: input, shape } }));
  const r = await race(fns, Math.max(2000, opts.warmMs ?? 2000), opts.samples ?? 31);
  models.forEach((m) => m.dispose());
  peer.dispose();
  const rows: PoseBenchRow[] = [{ name: 'LiteRT.js (XNNPACK, 1 thread)', ms: r.ms[0], vsLiteRt: 1 }];
  cases.forEach((c, i) => rows.push({ name: c.name, ms: r.ms[i + 1], vsLiteRt: r.ratioTo0[i + 1] }));
  opts.log?.(`warm-up ${r.warmCalls} rounds, ${opts.samples ?? 31} samples x ${r.inner} calls`);
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const flag = (k: string, d: string) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d; };
  const variant = (args.find((a) => a === 'lite' || a === 'full') ?? 'lite') as 'lite' | 'full';
  const { importTflite } = await import('../src/tools/import/tflite/index.ts');
  const { init } = await import('../src/runtime/index.ts');
  const { writeBundle } = await import('../src/tools/index.ts');
  await init(readFileSync(path.join(root, 'build/alloy.wasm')));
  const { loadPoseImage } = await import('../scripts/pose-study.ts');
  const bytes = new Uint8Array(readFileSync(poseModelPath(variant)));
  const cases: { name: string; bundle: Uint8Array; precision?: unknown }[] = [
    { name: 'Alloy FP32', bundle: writeBundle(importTflite(bytes)) },
  ];
  const mapFile = flag('map', '');
  if (mapFile) cases.push({ name: `Alloy ${path.basename(mapFile)}`, bundle: writeBundle(importTflite(bytes, { pointwise: 'dense' })), precision: JSON.parse(readFileSync(mapFile, 'utf8')) });
  const input = loadPoseImage('astronaut');
  const rows = await benchPose(variant, cases, input, { warmMs: +flag('warm-ms', '2000'), samples: +flag('samples', '31'), log: console.log });
  const relaxed = process.execArgv.some((a) => a.includes('relaxed-simd'));
  console.log(`pose_landmark_${variant}, 1x256x256x3, single thread; LiteRT.js wasm build: ${relaxed ? 'litert_wasm_internal (relaxed SIMD, --experimental-wasm-relaxed-simd)' : 'litert_wasm_compat_internal (SIMD128 without relaxed SIMD, the Node 20 default)'}`);
  for (const r of rows) console.log(`${r.name.padEnd(36)} ${r.ms.toFixed(2).padStart(8)} ms  ${r.vsLiteRt.toFixed(3)}x LiteRT`);
}

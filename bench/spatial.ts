// Spatial kernels: dwconv_f32_f32_f32__simd128_4x4 (SIMD) vs dwconv_f32_f32_f32__scalar (scalar) on the
// depthwise shapes of MediaPipe pose_landmark_lite (NHWC, bias, relu6, as the importer emits them).
// Method: one time-based warm-up of >= 2 s over every shape and both kernels (V8 runs wasm in
// Liftoff first and tiers up late), then per shape the median of 15 samples of ~5 ms or more.
// Run alone: `node --import tsx bench/spatial.ts`, or `npm run bench -- spatial`.
import { init } from '../build/alloy.mjs';
import { _exports, _heap } from '../build/alloy-internal.mjs';
import { warmup, medianMs } from '../scripts/timing.ts';

/** One depthwise node shape: input H x W x C, K x K kernel, stride, pads [t, l, b, r]. */
export interface DwShape { nodes: string; H: number; W: number; C: number; K: number; s: number; pads: [number, number, number, number] }

const p1: [number, number, number, number] = [1, 1, 1, 1], p2: [number, number, number, number] = [2, 2, 2, 2];
const same2: [number, number, number, number] = [0, 0, 1, 1];     // TF SAME, stride 2, even input
export const POSE_LITE_DW: DwShape[] = [
  { nodes: '217 224', H: 256, W: 256, C: 8, K: 3, s: 1, pads: p1 },
  { nodes: '15 202 209', H: 128, W: 128, C: 8, K: 3, s: 1, pads: p1 },
  { nodes: '6', H: 128, W: 128, C: 24, K: 3, s: 1, pads: p1 },
  { nodes: '23', H: 128, W: 128, C: 32, K: 3, s: 2, pads: p1 },
  { nodes: '194', H: 64, W: 64, C: 32, K: 3, s: 1, pads: p1 },
  { nodes: '42', H: 64, W: 64, C: 16, K: 3, s: 1, pads: p1 },
  { nodes: '32', H: 64, W: 64, C: 96, K: 3, s: 1, pads: p1 },
  { nodes: '49', H: 64, W: 64, C: 96, K: 5, s: 2, pads: p2 },
  { nodes: '58', H: 32, W: 32, C: 144, K: 5, s: 1, pads: p2 },
  { nodes: '68', H: 32, W: 32, C: 24, K: 3, s: 1, pads: p1 },
  { nodes: '75', H: 32, W: 32, C: 144, K: 3, s: 2, pads: p1 },
  { nodes: '84 94', H: 16, W: 16, C: 240, K: 3, s: 1, pads: p1 },
  { nodes: '104', H: 16, W: 16, C: 240, K: 5, s: 1, pads: p2 },
  { nodes: '113 123', H: 16, W: 16, C: 336, K: 5, s: 1, pads: p2 },
  { nodes: '133', H: 16, W: 16, C: 56, K: 3, s: 1, pads: p1 },
  { nodes: '140', H: 16, W: 16, C: 336, K: 5, s: 2, pads: p2 },
  { nodes: '149 159 169', H: 8, W: 8, C: 576, K: 5, s: 1, pads: p2 },
  { nodes: '179 182 237', H: 8, W: 8, C: 576, K: 3, s: 1, pads: p1 },
  { nodes: '243', H: 8, W: 8, C: 192, K: 3, s: 2, pads: same2 },
  { nodes: '251 258', H: 4, W: 4, C: 192, K: 3, s: 1, pads: p1 },
  { nodes: '265', H: 4, W: 4, C: 192, K: 3, s: 2, pads: same2 },
  { nodes: '273 280 287', H: 2, W: 2, C: 192, K: 3, s: 1, pads: p1 },
];

export interface DwRow { shape: DwShape; OH: number; OW: number; count: number; macs: number; simdMs: number; refMs: number }

const outDim = (n: number, k: number, s: number, a: number, b: number) => Math.floor((n + a + b - k) / s) + 1;

/** Median ms per call, each sample repeating f until it lasts >= minMs. */
function median(f: () => void, minMs: number, samples: number): number {
  let inner = 1;
  for (;;) { const t0 = performance.now(); for (let i = 0; i < inner; i++) f(); if (performance.now() - t0 >= minMs || inner >= 1 << 16) break; inner *= 2; }
  return medianMs(f, samples, inner);
}

export async function benchDepthwise(log: (s: string) => void = console.log, opts: { warmMs?: number; samples?: number; ref?: boolean; shapes?: DwShape[] } = {}): Promise<DwRow[]> {
  const warmMs = opts.warmMs ?? 2500, samples = opts.samples ?? 15, withRef = opts.ref ?? true;
  if (warmMs < 2000) throw new Error('benchDepthwise: the warm-up must last at least 2 s');
  await init();
  const x = _exports();
  let seed = 7;
  const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 2 ** 31 - 1; };
  const cases = (opts.shapes ?? POSE_LITE_DW).map((sh) => {
    const { H, W, C, K, s, pads } = sh;
    const OH = outDim(H, K, s, pads[0], pads[2]), OW = outDim(W, K, s, pads[1], pads[3]);
    const px = _heap.put(new Float32Array(H * W * C).map(rnd)), pw = _heap.put(new Float32Array(K * K * C).map(rnd));
    const pb = _heap.put(new Float32Array(C).map(rnd)), py = _heap.alloc(OH * OW * C * 4);
    const args = [px, 1, H, W, C, pw, pb, K, K, s, s, ...pads, 1, 1, py, OH, OW, 2] as const;
    const simd = () => { if (x.dwconv_f32_f32_f32__simd128_4x4(...args) !== 0) throw new Error('dwconv_f32_f32_f32__simd128_4x4 rejected a bench shape'); };
    const ref = () => { x.dwconv_f32_f32_f32__scalar(...args); };
    return { sh, OH, OW, simd, ref, ptrs: [px, pw, pb, py] };
  });
  warmup(() => { for (const c of cases) { c.simd(); if (withRef) c.ref(); } }, warmMs);
  const rows: DwRow[] = [];
  for (const c of cases) {
    const simdMs = median(c.simd, 5, samples), refMs = withRef ? median(c.ref, 5, Math.min(samples, 7)) : NaN;
    rows.push({ shape: c.sh, OH: c.OH, OW: c.OW, count: c.sh.nodes.split(' ').length, macs: c.OH * c.OW * c.sh.C * c.sh.K * c.sh.K, simdMs, refMs });
  }
  for (const c of cases) for (const p of c.ptrs) _heap.free(p);
  const g = (macs: number, ms: number) => (macs / (ms * 1e6)).toFixed(2);
  log('| nodes | input -> output | kernel | SIMD ms | GMAC/s | scalar ref ms | GMAC/s | SIMD / ref |');
  log('|---|---|---|---:|---:|---:|---:|---:|');
  let tot = 0, totRef = 0;
  for (const r of rows) {
    const { H, W, C, K, s, pads } = r.shape;
    tot += r.count * r.simdMs; totRef += r.count * r.refMs;
    log(`| ${r.shape.nodes} | ${H}x${W}x${C} -> ${r.OH}x${r.OW} | ${K}x${K} s${s} p${pads.join('')} | ${r.simdMs.toFixed(3)} | ${g(r.macs, r.simdMs)} | ${r.refMs.toFixed(3)} | ${g(r.macs, r.refMs)} | ${(r.refMs / r.simdMs).toFixed(1)}x |`);
  }
  log(`\nAll depthwise nodes of pose_landmark_lite (each shape times its node count): SIMD ${tot.toFixed(2)} ms, scalar ref ${totRef.toFixed(2)} ms.`);
  return rows;
}

// Run alone: node --import tsx bench/spatial.ts [--no-ref] (quiet when bundled into build/bench.mjs).
if (/[\\/]spatial\.[cm]?[jt]s$/.test(process.argv[1] ?? '') && import.meta.url === new URL(process.argv[1], 'file://').href) {
  console.log('## Depthwise conv f32, pose_landmark_lite shapes (1 thread, medians)\n');
  await benchDepthwise(console.log, { ref: !process.argv.includes('--no-ref') });
}

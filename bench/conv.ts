// Convolution kernels on the shapes of MediaPipe pose_landmark_lite (NHWC, f32, one thread): each
// kernel the executor can pick for a shape, against the scalar reference, GMAC/s, medians after a
// time-based warm-up of >= 2 s per shape (V8 tiers wasm up late). All paths give the same bits.
// Run alone: `node --import tsx bench/conv.ts`; in `npm run bench -- conv`.
import { init } from '../build/alloy.mjs';
import { _exports, _heap } from '../build/alloy-internal.mjs';
import { warmup, medianMs } from '../scripts/timing.ts';

interface Shape { name: string; H: number; W: number; C: number; OC: number; K: number; s: number }
// [H, W] of the input; K x K kernel, SAME padding; stride s.
const SHAPES: Shape[] = [
  { name: 'conv_3 (3x3 s2, 3 -> 24)', H: 256, W: 256, C: 3, OC: 24, K: 3, s: 2 },
  { name: 'conv_12 (1x1, 8 -> 32)', H: 128, W: 128, C: 8, OC: 32, K: 1, s: 1 },
  { name: 'conv_29 (1x1, 16 -> 96)', H: 64, W: 64, C: 16, OC: 96, K: 1, s: 1 },
  { name: 'conv_110 (1x1, 56 -> 336)', H: 16, W: 16, C: 56, OC: 336, K: 1, s: 1 },
  { name: 'conv_146 (1x1, 96 -> 576)', H: 8, W: 8, C: 96, OC: 576, K: 1, s: 1 },
  { name: 'conv_116 (1x1, 336 -> 56)', H: 16, W: 16, C: 336, OC: 56, K: 1, s: 1 },
  { name: 'conv_152 (1x1, 576 -> 96)', H: 8, W: 8, C: 576, OC: 96, K: 1, s: 1 },
  { name: 'conv_231 (3x3, 8 -> 1)', H: 256, W: 256, C: 8, OC: 1, K: 3, s: 1 },
];

export interface ConvRow { shape: string; path: string; ms: number; gmacs: number }

export async function convBench(opts: { warmMs?: number; samples?: number } = {}): Promise<ConvRow[]> {
  const warmMs = Math.max(2000, opts.warmMs ?? 2000), samples = opts.samples ?? 21;
  await init();
  const x = _exports();
  const rows: ConvRow[] = [];
  for (const sh of SHAPES) {
    const { H, W, C, OC, K, s } = sh;
    const OH = Math.ceil(H / s), OW = Math.ceil(W / s);
    const ph = Math.max(0, (OH - 1) * s + K - H), pw = Math.max(0, (OW - 1) * s + K - W);
    const pt = ph >> 1, pl = pw >> 1, pb = ph - pt, pr = pw - pl;
    const Kd = K * K * C, P = OH * OW, macs = P * Kd * OC;
    const sizes = [H * W * C, OC * Kd, OC, P * OC];
    const ptr = sizes.map((n) => _heap.alloc(n * 4 + 16));
    const fill = (p: number, n: number, seed: number) => { const a = _heap.f32(p, n); for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 + seed); };
    sizes.slice(0, 3).forEach((n, i) => fill(ptr[i], n, i));
    const [xp, wp, bp, yp] = ptr;
    const packedW = _heap.alloc(x.packed_f32_bytes(OC, Kd) + 16);
    x.pack_w_f32(wp, OC, Kd, packedW);
    const packedC = _heap.alloc(x.packed_conv_f32_bytes(OC, K, K, C, 1) + 16);
    x.pack_conv_w_f32(wp, OC, K, K, C, 1, packedC);
    const ROWS = 240;
    const col = _heap.alloc(ROWS * Kd * 4 + 16);
    const narrowScratch = OC <= 4 && s === 1 ? _heap.alloc(x.conv_narrow_scratch_bytes(H, W, C, K, K, pt, pl, pb, pr, 1, 1, OW) + 16) : 0;
    const unit = K === 1 && s === 1;
    const viaRows = (f: (src: number, n: number, dst: number) => void) => () => {
      if (unit) { f(xp, P, yp); return; }
      for (let p0 = 0; p0 < P; p0 += ROWS) {
        const p1 = Math.min(P, p0 + ROWS);
        x.im2col_x32__simd128(xp, 1, H, W, C, K, K, s, s, pt, pl, 1, 1, OH, OW, p0, p1, col);
        f(col, p1 - p0, yp + p0 * OC * 4);
      }
    };
    const paths: [string, () => void][] = [
      ['direct 4x8 (conv2d_f32_f32_f32__simd128_4x8)', () => x.conv2d_f32_f32_f32__simd128_4x8(xp, 1, H, W, C, packedC, bp, OC, K, K, s, s, pt, pl, pb, pr, 1, 1, 1, yp, OH, OW, 0)],
      [unit ? 'pointwise 4x8' : 'im2col + pointwise 4x8', viaRows((a, n, d) => x.conv1x1_f32_f32_f32__simd128_4x8(a, n, Kd, packedW, bp, OC, d, 0))],
      [unit ? 'blocked GEMM 5x8' : 'im2col + blocked GEMM 5x8', viaRows((a, n, d) => x.gemm_f32_f32_f32__simd128_5x8(a, n, Kd, packedW, bp, OC, d, 0))],
    ];
    if (narrowScratch) paths.push(['narrow 16x1 (planar)', () => x.conv2d_f32_f32_f32__simd128_16x1(xp, 1, H, W, C, wp, bp, OC, K, K, s, pt, pl, pb, pr, 1, 1, yp, OH, OW, 0, narrowScratch)]);
    if (macs < 2e7) paths.push(['scalar reference', () => x.conv2d_f32_f32_f32__scalar(xp, 1, H, W, C, wp, bp, OC, K, K, s, s, pt, pl, pb, pr, 1, 1, 1, yp, OH, OW, 0)]);
    for (const [path, f] of paths) {
      warmup(f, path === 'scalar reference' ? 500 : warmMs);
      const ms = medianMs(f, samples);
      rows.push({ shape: sh.name, path, ms, gmacs: macs / (ms * 1e6) });
    }
    for (const p of [...ptr, packedW, packedC, col, narrowScratch]) if (p) _heap.free(p);
  }
  return rows;
}

export function convTable(rows: ConvRow[]): string {
  const out = ['| layer | kernel | ms | GMAC/s |', '|---|---|---:|---:|'];
  for (const r of rows) out.push(`| ${r.shape} | ${r.path} | ${r.ms.toFixed(3)} | ${r.gmacs.toFixed(2)} |`);
  return out.join('\n');
}

if (/[\\/]conv\.[cm]?[jt]s$/.test(process.argv[1] ?? '') && import.meta.url === new URL(process.argv[1], 'file://').href) {
  console.log(convTable(await convBench()));
}

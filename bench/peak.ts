// Peak probe: the arithmetic throughput this engine gives SIMD128 code on one thread, the
// yardstick for the GEMM kernels' "% of peak". Run alone: `node --import tsx bench/peak.ts`.
// Method: per probe a time-based warm-up (>= 2 s: V8 runs Liftoff code first and tiers up
// late), then the median of 21 samples of ~20 ms. Ops: 1 op = 1 multiply or 1 add.
//  - f32: peak_f32_muladd__simd128_12, 12 independent f32x4 mul-then-add chains in registers (96 ops/iter).
//  - i8:  peak_i8_dot__simd128_5x8, an int8 GEMM inner loop on L1-resident data: i8 weights sign-extended to
//         i16, i32x4.dot_i16x8_s + i32x4.add into 10 accumulators (160 ops per k-pair step,
//         256 steps per pass), loads and extends included.
import { init } from '../build/alloy.mjs';
import { _exports } from '../build/alloy-internal.mjs';
import { warmup } from '../scripts/timing.ts';

const F32_OPS_PER_ITER = 12 * 4 * 2;
const I8_OPS_PER_PASS = 256 * 160;

export interface PeakResult { f32Gflops: number; i8Gops: number }

function measure(run: (n: number) => unknown, opsPerUnit: number, warmMs: number, samples: number): number {
  // Size one call to ~20 ms from the warm-up rate.
  let n = 1000, calls = 0, t = 0;
  const end = performance.now() + warmMs;
  while (performance.now() < end) { const t0 = performance.now(); run(n); t += performance.now() - t0; calls++; }
  n = Math.max(1, Math.round((20 * n * calls) / Math.max(t, 1e-3)));
  warmup(() => run(n), 100);
  const rates: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    run(n);
    rates.push((n * opsPerUnit) / ((performance.now() - t0) * 1e6));
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1];
}

export async function peakBench(opts: { warmMs?: number; samples?: number } = {}): Promise<PeakResult> {
  const warmMs = opts.warmMs ?? 2000, samples = opts.samples ?? 21;
  if (warmMs < 2000 || samples < 21) throw new Error('peakBench: methodology needs warmMs >= 2000 and samples >= 21');
  await init();
  const x = _exports();
  const f32Gflops = measure((n) => x.peak_f32_muladd__simd128_12(n), F32_OPS_PER_ITER, warmMs, samples);
  const i8Gops = measure((n) => x.peak_i8_dot__simd128_5x8(n), I8_OPS_PER_PASS, warmMs, samples);
  return { f32Gflops, i8Gops };
}

// Run alone: node --import tsx bench/peak.ts (quiet when bundled into build/bench.mjs).
if (/[\\/]peak\.[cm]?[jt]s$/.test(process.argv[1] ?? '') && import.meta.url === new URL(process.argv[1], 'file://').href) {
  const r = await peakBench();
  console.log(`wasm SIMD128 peak, one thread: f32 mul+add ${r.f32Gflops.toFixed(1)} GFLOP/s, i8 dot (i16 dot + i32 add) ${r.i8Gops.toFixed(1)} GOP/s`);
}

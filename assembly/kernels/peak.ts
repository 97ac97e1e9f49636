// Throughput probes: how many arithmetic ops per second this engine's SIMD128 code can retire on
// one thread, the yardstick for "% of peak" of the GEMM kernels. Not used by inference.
// Op counting: 1 op = 1 multiply or 1 add (a multiply-add is 2 ops).

// peak_f32_muladd__simd128_12: 12 independent chains of a = a * m + c (f32x4.mul then f32x4.add, never
// fused). 12 chains x 2 ops in flight cover the mul + add latency (3 + 3 cycles on current x64)
// at two multiplies and two adds per cycle, and use 14 registers (V8 allocates 15 on x64), so
// nothing spills and nothing is loop-invariant for the compiler to hoist. Values converge to
// c / (1 - m) = 2: no overflow, no subnormals. Ops: iters * 12 chains * 4 lanes * 2.
export function peak_f32_muladd__simd128_12(iters: i32): f32 {
  const m = f32x4.splat(0.5), c = f32x4.splat(1);
  let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
  let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
  let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.0), a11 = f32x4.splat(1.1);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c); a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

export const PEAK_F32_OPS_PER_ITER = 12 * 4 * 2;

// peak_i8_dot__simd128_5x8: the inner loop of an int8 GEMM microkernel (5 rows x 8 columns, two k per step)
// on data that stays in L1: per step one i8x16 load of weights (8 columns x 2 k, k-pairs
// interleaved) sign-extended to two i16x8 (extend_low/high), five i32 splat loads of activation
// pairs (x[k], x[k+1]) already widened to i16 (as a kernel packs them), ten i32x4.dot_i16x8_s
// and ten i32x4.add into 10 i32x4 accumulators. That is 10 dots x 8 multiply-adds = 80 MACs =
// 160 ops per step. One call runs `iters` passes over a 256-step panel (W 4 KB, A 5 KB):
// ops = iters * PEAK_I8_STEPS * 160. Returns a checksum of the accumulators.
export const PEAK_I8_STEPS = 256;
export const PEAK_I8_OPS_PER_STEP = 160;

let i8Buf: usize = 0;

export function peak_i8_dot__simd128_5x8(iters: i32): i32 {
  const wBytes = PEAK_I8_STEPS * 16, aBytes = PEAK_I8_STEPS * 5 * 4;
  if (i8Buf == 0) {
    i8Buf = heap.alloc(<usize>(wBytes + aBytes + 16));
    let s: u32 = 0x9e3779b9;
    for (let i = 0; i < wBytes + aBytes; i++) {
      s ^= s << 13; s ^= s >> 17; s ^= s << 5;
      // weights: any i8; activations: small i16 pairs so i32 sums never overflow
      store<u8>(i8Buf + <usize>i, i < wBytes ? <u8>s : (i & 1 ? <u8>0 : <u8>(s & 63)));
    }
  }
  const w0p = i8Buf, a0p = i8Buf + <usize>wBytes;
  let c00 = i32x4.splat(0), c01 = i32x4.splat(0), c10 = i32x4.splat(0), c11 = i32x4.splat(0);
  let c20 = i32x4.splat(0), c21 = i32x4.splat(0), c30 = i32x4.splat(0), c31 = i32x4.splat(0);
  let c40 = i32x4.splat(0), c41 = i32x4.splat(0);
  for (let it = 0; it < iters; it++) {
    let w = w0p, ap = a0p;
    const wEnd = w0p + <usize>wBytes;
    while (w < wEnd) {
      const q = v128.load(w);
      const lo = i16x8.extend_low_i8x16_s(q), hi = i16x8.extend_high_i8x16_s(q);
      const b0 = v128.load32_splat(ap);
      c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b0, lo)); c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b0, hi));
      const b1 = v128.load32_splat(ap, 4);
      c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b1, lo)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b1, hi));
      const b2 = v128.load32_splat(ap, 8);
      c20 = i32x4.add(c20, i32x4.dot_i16x8_s(b2, lo)); c21 = i32x4.add(c21, i32x4.dot_i16x8_s(b2, hi));
      const b3 = v128.load32_splat(ap, 12);
      c30 = i32x4.add(c30, i32x4.dot_i16x8_s(b3, lo)); c31 = i32x4.add(c31, i32x4.dot_i16x8_s(b3, hi));
      const b4 = v128.load32_splat(ap, 16);
      c40 = i32x4.add(c40, i32x4.dot_i16x8_s(b4, lo)); c41 = i32x4.add(c41, i32x4.dot_i16x8_s(b4, hi));
      w += 16; ap += 20;
    }
  }
  const s = i32x4.add(i32x4.add(i32x4.add(c00, c01), i32x4.add(c10, c11)), i32x4.add(i32x4.add(c20, c21), i32x4.add(c30, c31)));
  const t = i32x4.add(s, i32x4.add(c40, c41));
  return i32x4.extract_lane(t, 0) ^ i32x4.extract_lane(t, 1) ^ i32x4.extract_lane(t, 2) ^ i32x4.extract_lane(t, 3);
}

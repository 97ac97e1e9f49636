// w8a8 dense: int8 weights x int8 activations, exact int32 accumulation with i32x4.dot_i16x8_s.
// Activations are quantized per row (dynamic, symmetric): s_m = amax(row) / 127 (1 if the row is
// all zero), q = clamp(rne(x / s_m), -127, 127) (quant_f32_int__simd128's rounding). Then
//   acc = sum_k qx[m,k] * qw[n,k]            (exact in i32 for K < 133,000)
//   y   = f32(acc) * f32(s_m * sw[n]) + bias  (f32(acc) rounds to nearest even past 2^24)
// then the activation. Per-row scales keep each row independent of the rest of the batch.
// Weights: symmetric per output channel, codes i8 in [-127, 127], scales sw[n].

import { NR, forPanels, panelBytes } from "./pack";
import { ACT_RELU } from "./tile";
import { affine_params, quant_f32_int__simd128, quant_f32_int__scalar } from "../formats/affine";
import { I8 } from "../formats/table";

// Weights [N, K] i8 -> panels [ceil(N/8)][ceil(K/2)][8][2]: a 16-byte load holds k and k+1 of
// eight outputs; the pair of one output is what dot_i16x8_s multiplies with the pair of x.
export function packed_w8a8_bytes(N: i32, K: i32): i32 {
  return panelBytes(N, (K + 1) >> 1, 2);  // [ceil(N/8)][ceil(K/2)][8][2]
}

// In place when dst == w (see pack.ts).
export function pack_w_i8_k2(w: usize, N: i32, K: i32, dst: usize): void {
  forPanels(w, N, K, dst, <usize>K, <usize>(((K + 1) >> 1) * 16), panelI8K2);
}

// One panel: rows (<= 8) rows of K codes -> [K2][8][2], zeros past `rows` and at k = K.
function panelI8K2(src: usize, rows: i32, K: i32, o: usize): void {
  const K2 = (K + 1) >> 1;
  let k2 = 0;
  if (rows == NR) {
    // Eight pairs of eight rows a step: an 8x8 transpose of 16-bit lanes (row j's pair k2 is
    // its u16 at byte 2 * k2, little-endian: k first).
    const K8 = (K >> 1) & ~7;
    const r = <usize>K;
    for (; k2 < K8; k2 += 8) {
      const s = src + (<usize>k2 << 1), d = o + (<usize>k2 << 4);
      const r0 = v128.load(s), r1 = v128.load(s + r), r2 = v128.load(s + 2 * r), r3 = v128.load(s + 3 * r);
      const r4 = v128.load(s + 4 * r), r5 = v128.load(s + 5 * r), r6 = v128.load(s + 6 * r), r7 = v128.load(s + 7 * r);
      const a0 = v128.shuffle<i16>(r0, r1, 0, 8, 1, 9, 2, 10, 3, 11), a1 = v128.shuffle<i16>(r0, r1, 4, 12, 5, 13, 6, 14, 7, 15);
      const a2 = v128.shuffle<i16>(r2, r3, 0, 8, 1, 9, 2, 10, 3, 11), a3 = v128.shuffle<i16>(r2, r3, 4, 12, 5, 13, 6, 14, 7, 15);
      const a4 = v128.shuffle<i16>(r4, r5, 0, 8, 1, 9, 2, 10, 3, 11), a5 = v128.shuffle<i16>(r4, r5, 4, 12, 5, 13, 6, 14, 7, 15);
      const a6 = v128.shuffle<i16>(r6, r7, 0, 8, 1, 9, 2, 10, 3, 11), a7 = v128.shuffle<i16>(r6, r7, 4, 12, 5, 13, 6, 14, 7, 15);
      // rows 0-3 of pairs 0-1, 2-3, 4-5, 6-7; then rows 4-7
      const b0 = v128.shuffle<i32>(a0, a2, 0, 4, 1, 5), b1 = v128.shuffle<i32>(a0, a2, 2, 6, 3, 7);
      const b2 = v128.shuffle<i32>(a1, a3, 0, 4, 1, 5), b3 = v128.shuffle<i32>(a1, a3, 2, 6, 3, 7);
      const c0 = v128.shuffle<i32>(a4, a6, 0, 4, 1, 5), c1 = v128.shuffle<i32>(a4, a6, 2, 6, 3, 7);
      const c2 = v128.shuffle<i32>(a5, a7, 0, 4, 1, 5), c3 = v128.shuffle<i32>(a5, a7, 2, 6, 3, 7);
      v128.store(d, v128.shuffle<i64>(b0, c0, 0, 2)); v128.store(d + 16, v128.shuffle<i64>(b0, c0, 1, 3));
      v128.store(d + 32, v128.shuffle<i64>(b1, c1, 0, 2)); v128.store(d + 48, v128.shuffle<i64>(b1, c1, 1, 3));
      v128.store(d + 64, v128.shuffle<i64>(b2, c2, 0, 2)); v128.store(d + 80, v128.shuffle<i64>(b2, c2, 1, 3));
      v128.store(d + 96, v128.shuffle<i64>(b3, c3, 0, 2)); v128.store(d + 112, v128.shuffle<i64>(b3, c3, 1, 3));
    }
  }
  for (; k2 < K2; k2++) {
    for (let j = 0; j < NR; j++) {
      for (let t = 0; t < 2; t++) {
        const k = 2 * k2 + t;
        store<i8>(o + <usize>((k2 * NR + j) * 2 + t), j < rows && k < K ? load<i8>(src + <usize>(j * K + k)) : 0);
      }
    }
  }
}

// x [M, K] f32 -> xq [M, 2 * ceil(K/2)] i16 (zero padded) and sx [M] f32. tmp: M*K bytes.
export function quant_rows_f32_i8__simd128(x: usize, M: i32, K: i32, xq: usize, sx: usize, tmp: usize): void {
  const n = M * K, K2 = (K + 1) >> 1;
  affine_params(I8, x, n, K, 1, sx, 0);
  quant_f32_int__simd128(I8, x, tmp, n, K, sx, 0, 0, 0, 0, 0);
  for (let m = 0; m < M; m++) {
    const row = xq + (<usize>(m * 2 * K2) << 1);
    for (let k = 0; k < K; k++) store<i16>(row + (<usize>k << 1), <i16>load<i8>(tmp + <usize>(m * K + k)));
    if (K & 1) store<i16>(row + (<usize>K << 1), 0);
  }
}

// Scalar reference of quant_rows_f32_i8__simd128: the scalar references of the same steps.
export function quant_rows_f32_i8__scalar(x: usize, M: i32, K: i32, xq: usize, sx: usize, tmp: usize): void {
  const n = M * K, K2 = (K + 1) >> 1;
  affine_params(I8, x, n, K, 1, sx, 0);
  quant_f32_int__scalar(I8, x, tmp, n, K, sx, 0, 0, 0, 0, 0);
  for (let m = 0; m < M; m++) for (let k = 0; k < 2 * K2; k++) {
    store<i16>(xq + (<usize>(m * 2 * K2 + k) << 1), k < K ? <i16>load<i8>(tmp + <usize>(m * K + k)) : 0);
  }
}

// gemm_i8_i8_i32__simd128_4x8 (+1x8 for the remaining rows).
export function gemm_i8_i8_i32__simd128_4x8(xq: usize, sx: usize, M: i32, K: i32, wp: usize, sw: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const K2 = (K + 1) >> 1, panels = (N + NR - 1) / NR;
  const rowBytes = <usize>(4 * K2);      // i16 row of xq
  const tmp = memory.data(96, 16);
  for (let p = 0; p < panels; p++) {
    const n0 = p * NR, cols = min(NR, N - n0);
    memory.fill(tmp, 0, 96);
    memory.copy(tmp, sw + (<usize>n0 << 2), <usize>cols << 2);
    if (bias != 0) memory.copy(tmp + 32, bias + (<usize>n0 << 2), <usize>cols << 2);
    const sw0 = v128.load(tmp), sw1 = v128.load(tmp, 16), b0 = v128.load(tmp, 32), b1 = v128.load(tmp, 48);
    const w = wp + <usize>(p * K2 * 16);
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      const x0 = xq + <usize>m * rowBytes, x1 = x0 + rowBytes, x2 = x1 + rowBytes, x3 = x2 + rowBytes;
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0);
      let a20 = i32x4.splat(0), a21 = i32x4.splat(0), a30 = i32x4.splat(0), a31 = i32x4.splat(0);
      for (let k2 = 0; k2 < K2; k2++) {
        const wv = v128.load(w + <usize>(k2 * 16));
        const wl = i16x8.extend_low_i8x16_s(wv), wh = i16x8.extend_high_i8x16_s(wv);
        const o = <usize>(k2 << 2);
        // @gen splat rows=4 src=x%r~+~o
        const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o);
        const v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
        // @end
        // @gen mac rows=4 w=wl,wh op=dot
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(wl, v0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(wh, v0));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(wl, v1)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(wh, v1));
        a20 = i32x4.add(a20, i32x4.dot_i16x8_s(wl, v2)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(wh, v2));
        a30 = i32x4.add(a30, i32x4.dot_i16x8_s(wl, v3)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(wh, v3));
        // @end
      }
      finishRow(y, N, m, n0, cols, a00, a01, sx, sw0, sw1, b0, b1, act, tmp);
      finishRow(y, N, m + 1, n0, cols, a10, a11, sx, sw0, sw1, b0, b1, act, tmp);
      finishRow(y, N, m + 2, n0, cols, a20, a21, sx, sw0, sw1, b0, b1, act, tmp);
      finishRow(y, N, m + 3, n0, cols, a30, a31, sx, sw0, sw1, b0, b1, act, tmp);
    }
    for (; m < M; m++) {
      const x0 = xq + <usize>m * rowBytes;
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0);
      for (let k2 = 0; k2 < K2; k2++) {
        const wv = v128.load(w + <usize>(k2 * 16));
        const v0 = v128.load32_splat(x0 + <usize>(k2 << 2));
        // @gen mac1 v=v0 w=i16x8.extend_low_i8x16_s(wv)|i16x8.extend_high_i8x16_s(wv) per=1 op=dot
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), v0));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), v0));
        // @end
      }
      finishRow(y, N, m, n0, cols, a0, a1, sx, sw0, sw1, b0, b1, act, tmp);
    }
  }
}

// @ts-ignore: decorator
@inline function finishRow(y: usize, N: i32, m: i32, n0: i32, cols: i32, a0: v128, a1: v128, sx: usize, sw0: v128, sw1: v128, b0: v128, b1: v128, act: i32, tmp: usize): void {
  const s = f32x4.splat(load<f32>(sx + (<usize>m << 2)));
  let r0 = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(a0), f32x4.mul(s, sw0)), b0);
  let r1 = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(a1), f32x4.mul(s, sw1)), b1);
  if (act == ACT_RELU) { r0 = f32x4.max(r0, f32x4.splat(0)); r1 = f32x4.max(r1, f32x4.splat(0)); }
  const yr = y + (<usize>(m * N + n0) << 2);
  if (cols == NR) { v128.store(yr, r0); v128.store(yr, r1, 16); }
  else { v128.store(tmp, r0, 64); v128.store(tmp, r1, 80); memory.copy(yr, tmp + 64, <usize>cols << 2); }
}

// Scalar reference. xq, sx as quant_rows_f32_i8__simd128 makes them; w row-major i8 [N, K].
export function gemm_i8_i8_i32__scalar(xq: usize, sx: usize, M: i32, K: i32, w: usize, sw: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const K2 = (K + 1) >> 1;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc: i32 = 0;
      for (let k = 0; k < K; k++) acc += <i32>load<i16>(xq + (<usize>(m * 2 * K2 + k) << 1)) * <i32>load<i8>(w + <usize>(n * K + k));
      const s = load<f32>(sx + (<usize>m << 2)) * load<f32>(sw + (<usize>n << 2));
      let v = <f32>acc * s + (bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0);
      if (act == ACT_RELU) v = max<f32>(v, 0);
      store<f32>(y + (<usize>(m * N + n) << 2), v);
    }
  }
}

// Pointwise (1x1, stride 1, unpadded) convolution and im2col rows: y[P, N] = act(x[P, K] . W^T + b)
// with the weights packed by pack_w_f32 ([ceil(N/8)][K][8]). The same arithmetic as gemm_f32_f32_f32__simd128_5x8 and
// conv2d_f32_f32_f32__simd128_4x8 (acc = 0; acc += x[k] * w[k] for k ascending, separate multiply and add; + bias (+0
// when none); activation 0 none, 1 relu, 2 relu6), so it is bit-identical to both references.
//
// Why not gemm_f32_f32_f32__simd128_5x8: with the few input channels of mobile convs (K = 8..64) the blocked GEMM's
// A packing and its C tile round trips cost as much as the products. Here a 4-pixel x 8-channel
// tile keeps its whole sum in registers and reads x with splat loads straight from the
// activation. Pixels are taken in blocks whose x rows fit in L1, swept by every weight panel.
//
// Exported (all i32): conv1x1_f32_f32_f32__simd128_4x8(x, P, K, wp, bias, N, y, act),
//                     conv1x1_f32_f32_f32__scalar(x, P, K, w [N, K] unpacked, bias, N, y, act)

import { NR } from "./pack";
import { ACT_NONE, ACT_RELU, activate, store8, panelBias } from "./tile";

// Pixels per block: their x rows (<= 16 KB) stay in L1 while every weight panel passes.
const BLOCK_BYTES = 16 * 1024;

// @ts-ignore: decorator
@inline function finish(acc: v128, b: v128, act: i32): v128 {
  return activate(f32x4.add(acc, b), act);
}

// gemm_f32_f32_f32__simd128_4x8 on unpacked rows: pixels r0..r3 (row pointers; a missing pixel
// repeats r0 and is not stored) against one packed panel. Also gemm_f32_f32_f32__simd128_5x8's path for batches < 5.
// @ts-ignore: decorator
@inline export function tile4x8(x0: usize, x1: usize, x2: usize, x3: usize, K: i32, w: usize,
  b0: v128, b1: v128, act: i32, y: usize, ys: usize, rows: i32, cols: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  const wEnd = w + (<usize>K << 5);
  let o: usize = 0;
  for (let wk = w; wk < wEnd; wk += 32) {
    const w0 = v128.load(wk), w1 = v128.load(wk, 16);
    // @gen splat rows=4 src=x%r~+~o
    const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o);
    const v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
    // @end
    // @gen mac rows=4 w=w0,w1 op=f32
    a00 = f32x4.add(a00, f32x4.mul(v0, w0)); a01 = f32x4.add(a01, f32x4.mul(v0, w1));
    a10 = f32x4.add(a10, f32x4.mul(v1, w0)); a11 = f32x4.add(a11, f32x4.mul(v1, w1));
    a20 = f32x4.add(a20, f32x4.mul(v2, w0)); a21 = f32x4.add(a21, f32x4.mul(v2, w1));
    a30 = f32x4.add(a30, f32x4.mul(v3, w0)); a31 = f32x4.add(a31, f32x4.mul(v3, w1));
    // @end
    o += 4;
  }
  store8(y, finish(a00, b0, act), finish(a01, b1, act), cols);
  if (rows > 1) store8(y + ys, finish(a10, b0, act), finish(a11, b1, act), cols);
  if (rows > 2) store8(y + 2 * ys, finish(a20, b0, act), finish(a21, b1, act), cols);
  if (rows > 3) store8(y + 3 * ys, finish(a30, b0, act), finish(a31, b1, act), cols);
}

export function conv1x1_f32_f32_f32__simd128_4x8(x: usize, P: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const panels = (N + NR - 1) / NR;
  const xs = <usize>K << 2, ys = <usize>N << 2;
  const block = max<i32>(4, (BLOCK_BYTES / max<i32>(K << 2, 1)) & ~3);
  for (let m0 = 0; m0 < P; m0 += block) {
    const m1 = min(P, m0 + block);
    for (let p = 0; p < panels; p++) {
      const n0 = p * NR, cols = min(NR, N - n0);
      const bt = panelBias(bias, n0, cols);
      const b0 = v128.load(bt), b1 = v128.load(bt, 16);
      const w = wp + <usize>(p * K * NR) * 4;
      let m = m0;
      for (; m + 4 <= m1; m += 4) {
        const x0 = x + <usize>m * xs;
        tile4x8(x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, K, w, b0, b1, act, y + <usize>m * ys + (<usize>n0 << 2), ys, 4, cols);
      }
      if (m < m1) {
        const rows = m1 - m;
        const x0 = x + <usize>m * xs;
        const x1 = rows > 1 ? x0 + xs : x0, x2 = rows > 2 ? x0 + 2 * xs : x0;
        tile4x8(x0, x1, x2, x0, K, w, b0, b1, act, y + <usize>m * ys + (<usize>n0 << 2), ys, rows, cols);
      }
    }
  }
}

export function conv1x1_f32_f32_f32__scalar(x: usize, P: i32, K: i32, w: usize, bias: usize, N: i32, y: usize, act: i32): void {
  for (let m = 0; m < P; m++) {
    for (let n = 0; n < N; n++) {
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) acc += load<f32>(x + (<usize>(m * K + k) << 2)) * load<f32>(w + (<usize>(n * K + k) << 2));
      acc += bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
      let v = acc;
      if (act != ACT_NONE) { v = max<f32>(v, 0); if (act != ACT_RELU) v = min<f32>(v, 6); }
      store<f32>(y + (<usize>(m * N + n) << 2), v);
    }
  }
}

// Dense layer y[M, N] = act(x[M, K] . W^T + bias), f32 weights, f32 accumulate.
// Every output is summed in one fixed order, whatever the tile: acc = 0; acc += x[k] * w[k] for
// k = 0..K-1 (a separate multiply and add, never fused); then acc + bias (+0 when there is
// none); then the activation.
// So results do not depend on M, on the tile that computed them, or on the runtime.

import { NR } from "./pack";

export const ACT_NONE = 0;
export const ACT_RELU = 1;

// @ts-ignore: decorator
@inline function finish(acc: v128, b: v128, act: i32): v128 {
  const v = f32x4.add(acc, b);
  return act == ACT_RELU ? f32x4.max(v, f32x4.splat(0)) : v;
}

// Store 8 outputs of one row, or the first `cols` of them.
// @ts-ignore: decorator
@inline function store8(y: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols >= 8) { v128.store(y, lo); v128.store(y, hi, 16); return; }
  const tmp = memory.data(32, 16);
  v128.store(tmp, lo); v128.store(tmp, hi, 16);
  memory.copy(y, tmp, <usize>cols << 2);
}

// gemm_f32_f32_f32__simd128_4x8 (+ its 1x8 remainder): x row-major [M, K], wp packed by
// pack_w_f32, bias [N] or 0, y row-major [M, N].
export function dense_f32(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32): void {
  dense_f32_panels(x, M, K, wp, bias, N, y, act, 0, (N + NR - 1) / NR);
}

// The output columns [p0 * 8, min(p1 * 8, N)) of dense_f32: `wp` points at panel p0 (panels
// p0..p1-1 contiguous, as pack_w_f32 lays them out), `bias` at the whole bias (or 0), `y` at the
// whole [M, N] output. Quantized-weight kernels decode a few panels to f32 and call this.
export function dense_f32_panels(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, p0: i32, p1: i32): void {
  const panels = p1;
  wp -= <usize>(p0 * K * NR) * 4;        // so that panel p is at wp + p * K * NR * 4
  const biasTmp = memory.data(32, 16);
  // Rows left over after the 4-row tiles take four panels at a time (eight accumulators keep the
  // add latency hidden when M is 1); the 1x8 loop below finishes the last panels.
  const mTail = M & ~3;
  let p4 = p0;
  if (mTail < M) {
    for (; p4 + 4 <= panels; p4 += 4) rows1x32(x, mTail, M, K, wp, bias, N, y, act, p4);
  }
  for (let p = p0; p < panels; p++) {
    const n0 = p * NR;
    const cols = min(NR, N - n0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0);
    if (bias != 0) {
      memory.fill(biasTmp, 0, 32);
      memory.copy(biasTmp, bias + (<usize>n0 << 2), <usize>cols << 2);
      b0 = v128.load(biasTmp); b1 = v128.load(biasTmp, 16);
    }
    const w = wp + <usize>(p * K * NR) * 4;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      const x0 = x + (<usize>(m * K) << 2);
      const x1 = x0 + (<usize>K << 2), x2 = x1 + (<usize>K << 2), x3 = x2 + (<usize>K << 2);
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const wk = w + (<usize>(k * NR) << 2);
        const w0 = v128.load(wk), w1 = v128.load(wk, 16);
        const o = <usize>k << 2;
        const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o);
        const v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
        a00 = f32x4.add(a00, f32x4.mul(v0, w0)); a01 = f32x4.add(a01, f32x4.mul(v0, w1));
        a10 = f32x4.add(a10, f32x4.mul(v1, w0)); a11 = f32x4.add(a11, f32x4.mul(v1, w1));
        a20 = f32x4.add(a20, f32x4.mul(v2, w0)); a21 = f32x4.add(a21, f32x4.mul(v2, w1));
        a30 = f32x4.add(a30, f32x4.mul(v3, w0)); a31 = f32x4.add(a31, f32x4.mul(v3, w1));
      }
      const yr = y + (<usize>(m * N + n0) << 2);
      const ys = <usize>N << 2;
      store8(yr, finish(a00, b0, act), finish(a01, b1, act), cols);
      store8(yr + ys, finish(a10, b0, act), finish(a11, b1, act), cols);
      store8(yr + 2 * ys, finish(a20, b0, act), finish(a21, b1, act), cols);
      store8(yr + 3 * ys, finish(a30, b0, act), finish(a31, b1, act), cols);
    }
    if (p < p4) continue;                // rows >= mTail of these panels are done
    for (; m < M; m++) {
      const x0 = x + (<usize>(m * K) << 2);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const wk = w + (<usize>(k * NR) << 2);
        const v0 = v128.load32_splat(x0 + (<usize>k << 2));
        a0 = f32x4.add(a0, f32x4.mul(v0, v128.load(wk)));
        a1 = f32x4.add(a1, f32x4.mul(v0, v128.load(wk, 16)));
      }
      store8(y + (<usize>(m * N + n0) << 2), finish(a0, b0, act), finish(a1, b1, act), cols);
    }
  }
}

// gemm_f32_f32_f32__simd128_1x32: rows [m0, M) against panels p0..p0+3.
function rows1x32(x: usize, m0: i32, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, p0: i32): void {
  const biasTmp = memory.data(128, 16);
  memory.fill(biasTmp, 0, 128);
  const n0 = p0 * NR;
  const cols = min(4 * NR, N - n0);
  if (bias != 0) memory.copy(biasTmp, bias + (<usize>n0 << 2), <usize>cols << 2);
  const stride = <usize>(K * NR) << 2;
  const w0 = wp + <usize>(p0 * K * NR) * 4;
  for (let m = m0; m < M; m++) {
    const xr = x + (<usize>(m * K) << 2);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    let wk = w0;
    for (let k = 0; k < K; k++) {
      const v = v128.load32_splat(xr + (<usize>k << 2));
      a0 = f32x4.add(a0, f32x4.mul(v, v128.load(wk))); a1 = f32x4.add(a1, f32x4.mul(v, v128.load(wk, 16)));
      a2 = f32x4.add(a2, f32x4.mul(v, v128.load(wk + stride))); a3 = f32x4.add(a3, f32x4.mul(v, v128.load(wk + stride, 16)));
      a4 = f32x4.add(a4, f32x4.mul(v, v128.load(wk + 2 * stride))); a5 = f32x4.add(a5, f32x4.mul(v, v128.load(wk + 2 * stride, 16)));
      a6 = f32x4.add(a6, f32x4.mul(v, v128.load(wk + 3 * stride))); a7 = f32x4.add(a7, f32x4.mul(v, v128.load(wk + 3 * stride, 16)));
      wk += 32;
    }
    const yr = y + (<usize>(m * N + n0) << 2);
    store8(yr, finish(a0, v128.load(biasTmp), act), finish(a1, v128.load(biasTmp, 16), act), cols);
    store8(yr + 32, finish(a2, v128.load(biasTmp, 32), act), finish(a3, v128.load(biasTmp, 48), act), cols - 8);
    store8(yr + 64, finish(a4, v128.load(biasTmp, 64), act), finish(a5, v128.load(biasTmp, 80), act), cols - 16);
    store8(yr + 96, finish(a6, v128.load(biasTmp, 96), act), finish(a7, v128.load(biasTmp, 112), act), cols - 24);
  }
}

// Scalar reference with the same summation order (tests compare bit for bit).
export function dense_f32_ref(x: usize, M: i32, K: i32, w: usize, bias: usize, N: i32, y: usize, act: i32): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) acc += load<f32>(x + (<usize>(m * K + k) << 2)) * load<f32>(w + (<usize>(n * K + k) << 2));
      acc += bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
      store<f32>(y + (<usize>(m * N + n) << 2), act == ACT_RELU ? max<f32>(acc, 0) : acc);
    }
  }
}

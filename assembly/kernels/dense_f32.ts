// Dense layer y[M, N] = act(x[M, K] . W^T + bias), f32 weights, f32 accumulate.
// Every output is summed in one fixed order, whatever the tile: acc = 0; acc += x[k] * w[k] for
// k = 0..K-1 (a separate multiply and add, never fused); then acc + bias (+0 when there is
// none); then the activation.
// So results do not depend on M, on the tile that computed them, or on the runtime.
//
// Large M (>= MR rows) runs the blocked path (Goto & van de Geijn, "Anatomy of high-performance
// matrix multiplication", 2008; BLIS loop order): K is cut into kc-slices (<= KC_MAX, a multiple
// of 4), M into mc-blocks whose packed A fits in L2; each A block is packed once per kc-slice and
// then swept by every 8-column W panel (a kc x 8 slice of a panel, 8 KB, stays in L1) with the
// 5x8 microkernel. A kc-slice continues the partial sums stored in y as f32 in the same k order,
// which is exact: blocking never changes a bit. Bias and activation are applied once, after the
// last slice. Fewer than MR rows (batch 1..4) keep the unpacked 1x32 / 4x8 / 1x8 paths.

import { NR } from "./pack";
import { ACT_RELU, store8, panelBias } from "./tile";
import { tile4x8 } from "./pointwise";


// Tile rows of the blocked path. 5x8 = 10 accumulators + 2 weight vectors + 1 A vector + 1
// temporary = 14 of the 15 xmm registers V8 allocates on x64 (xmm15 is its scratch).
const MR = 5;
// Longest kc-slice: the A micro-panel (5 x kc pre-splatted vectors, 20 KB) and the W slice
// (kc x 8 floats, 8 KB) share the 32 KB L1.
const KC_MAX = 256;
// Bytes of one packed A block (mc x kc x 16): half of a 512 KB L2.
const MC_BYTES = 256 * 1024;

// @ts-ignore: decorator
@inline function finish(acc: v128, b: v128, act: i32): v128 {
  const v = f32x4.add(acc, b);
  return act == ACT_RELU ? f32x4.max(v, f32x4.splat(0)) : v;
}

// gemm_f32_f32_f32__simd128_5x8 (blocked, M >= 5) or the 4x8 / 1x32 / 1x8 paths: x row-major
// [M, K], wp packed by pack_w_f32, bias [N] or 0, y row-major [M, N].
export function gemm_f32_f32_f32__simd128_5x8(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32): void {
  gemm_f32_f32_f32__simd128_5x8_panels(x, M, K, wp, bias, N, y, act, 0, (N + NR - 1) / NR);
}

// The output columns [p0 * 8, min(p1 * 8, N)) of gemm_f32_f32_f32__simd128_5x8: `wp` points at panel p0 (panels
// p0..p1-1 contiguous, as pack_w_f32 lays them out), `bias` at the whole bias (or 0), `y` at the
// whole [M, N] output. Quantized-weight kernels decode a few panels to f32 and call this.
export function gemm_f32_f32_f32__simd128_5x8_panels(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, p0: i32, p1: i32): void {
  if (M >= MR) blocked(x, M, K, wp, bias, N, y, act, p0, p1);
  else small(x, M, K, wp, bias, N, y, act, p0, p1);
}

// Packed A, kept between calls (grown, never shrunk; at most MC_BYTES + 16 bytes).
let apBuf: usize = 0, apBytes: usize = 0;
function scratchA(bytes: usize): usize {
  if (bytes > apBytes) {
    if (apBuf != 0) heap.free(apBuf);
    apBuf = heap.alloc(bytes + 16);
    apBytes = bytes;
  }
  return apBuf;
}

// Rows [0, mc) x columns [0, kc) of x (row stride K) -> ceil(mc/MR) micro-panels [kc][MR] of
// pre-splatted f32x4 (each value repeated in 4 lanes, so the microkernel's loads fold their
// offsets); rows past mc are zero.
function packA(x: usize, K: i32, mc: i32, kc: i32, dst: usize): void {
  const ldx = <usize>K << 2;
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const s0 = x + <usize>i * ldx;
    if (rows == MR) {
      const s1 = s0 + ldx, s2 = s1 + ldx, s3 = s2 + ldx, s4 = s3 + ldx;
      for (let k = 0; k < kc; k++) {
        const o = <usize>k << 2;
        v128.store(dst, v128.load32_splat(s0 + o));
        v128.store(dst, v128.load32_splat(s1 + o), 16);
        v128.store(dst, v128.load32_splat(s2 + o), 32);
        v128.store(dst, v128.load32_splat(s3 + o), 48);
        v128.store(dst, v128.load32_splat(s4 + o), 64);
        dst += MR * 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const s = s0 + (<usize>k << 2);
        for (let r = 0; r < MR; r++) v128.store(dst + (<usize>r << 4), r < rows ? v128.load32_splat(s + <usize>r * ldx) : f32x4.splat(0));
        dst += MR * 16;
      }
    }
  }
}

function blocked(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, p0: i32, p1: i32): void {
  // kc-slices of equal length (a multiple of 4, the last one shorter); K = 0 is one empty slice.
  const nkb = K > 0 ? (K + KC_MAX - 1) / KC_MAX : 1;
  const kcs = ((K + nkb - 1) / nkb + 3) & ~3;
  const mcs = max(MR, <i32>(MC_BYTES / 16 / max(kcs, 1)) / MR * MR);
  const ap = scratchA(<usize>(min((M + MR - 1) / MR * MR, mcs) * kcs) << 4);
  const tile = memory.data(MR * 32, 16);   // partial tiles (rows < MR or cols < 8) go through here
  const ldc = <usize>N << 2;
  for (let kb = 0; ; kb += kcs) {
    const kc = min(kcs, K - kb);
    const first = kb == 0, last = kb + kc >= K;
    for (let mb = 0; mb < M; mb += mcs) {
      const mc = min(mcs, M - mb);
      packA(x + ((<usize>mb * K + kb) << 2), K, mc, kc, ap);
      for (let p = p0; p < p1; p++) {
        const n0 = p * NR, cols = min(NR, N - n0);
        const bt = last ? panelBias(bias, n0, cols) : 0;
        const w = wp + ((<usize>(p - p0) * K + kb) << 5);
        for (let i = 0; i < mc; i += MR) {
          const rows = min(MR, mc - i);
          const a = ap + (<usize>(i * kc) << 4);
          const c = y + ((<usize>(mb + i) * N + n0) << 2);
          if (rows == MR && cols == NR) {
            if (first) zeroTile(c, ldc);
            kernel5x8(a, w, kc, c, ldc);
            if (last) finishTile(c, ldc, bt, act);
          } else {
            zeroTile(tile, 32);
            if (!first) for (let r = 0; r < rows; r++) memory.copy(tile + (<usize>r << 5), c + <usize>r * ldc, <usize>cols << 2);
            kernel5x8(a, w, kc, tile, 32);
            if (last) finishTile(tile, 32, bt, act);
            for (let r = 0; r < rows; r++) memory.copy(c + <usize>r * ldc, tile + (<usize>r << 5), <usize>cols << 2);
          }
        }
      }
    }
    if (last) break;
  }
}

// acc = +0 for the first kc-slice (the same +0 start as the reference).
// @ts-ignore: decorator
@inline function zeroTile(c: usize, ldc: usize): void {
  const z = f32x4.splat(0);
  for (let r = 0; r < MR; r++) { v128.store(c + <usize>r * ldc, z); v128.store(c + <usize>r * ldc, z, 16); }
}

// After the last slice: + bias (+0 when none), then the activation.
// @ts-ignore: decorator
@inline function finishTile(c: usize, ldc: usize, bias: usize, act: i32): void {
  const bl = v128.load(bias), bh = v128.load(bias, 16);
  for (let r = 0; r < MR; r++) {
    const p = c + <usize>r * ldc;
    v128.store(p, finish(v128.load(p), bl, act)); v128.store(p, finish(v128.load(p, 16), bh, act), 16);
  }
}

// gemm_f32_f32_f32__simd128_5x8: C[5][8] += A-micro-panel . W-slice over kc steps, k ascending,
// one multiply then one add per step (C holds the running f32 sums). Kept a separate function
// with one k step per iteration on purpose: V8 (TurboFan) then interleaves loads and arithmetic
// and keeps all 14 vectors in registers; unrolled by 2, binaryen regroups the sums per
// accumulator and V8 spills (measured: 40 -> 31 GFLOP/s in isolation).
function kernel5x8(ap: usize, w: usize, kc: i32, c: usize, ldc: usize): void {
  let a00 = v128.load(c), a01 = v128.load(c, 16);
  let a10 = v128.load(c + 1 * ldc), a11 = v128.load(c + 1 * ldc, 16);
  let a20 = v128.load(c + 2 * ldc), a21 = v128.load(c + 2 * ldc, 16);
  let a30 = v128.load(c + 3 * ldc), a31 = v128.load(c + 3 * ldc, 16);
  let a40 = v128.load(c + 4 * ldc), a41 = v128.load(c + 4 * ldc, 16);
  const wEnd = w + (<usize>kc << 5);
  while (w < wEnd) {
    {
      const w0 = v128.load(w, 0), w1 = v128.load(w, 16);
      // @gen mac rows=5 w=w0,w1 op=f32 rowload=ap
      const b0 = v128.load(ap, 0);
      a00 = f32x4.add(a00, f32x4.mul(b0, w0)); a01 = f32x4.add(a01, f32x4.mul(b0, w1));
      const b1 = v128.load(ap, 16);
      a10 = f32x4.add(a10, f32x4.mul(b1, w0)); a11 = f32x4.add(a11, f32x4.mul(b1, w1));
      const b2 = v128.load(ap, 32);
      a20 = f32x4.add(a20, f32x4.mul(b2, w0)); a21 = f32x4.add(a21, f32x4.mul(b2, w1));
      const b3 = v128.load(ap, 48);
      a30 = f32x4.add(a30, f32x4.mul(b3, w0)); a31 = f32x4.add(a31, f32x4.mul(b3, w1));
      const b4 = v128.load(ap, 64);
      a40 = f32x4.add(a40, f32x4.mul(b4, w0)); a41 = f32x4.add(a41, f32x4.mul(b4, w1));
      // @end
    }
    ap += 80; w += 32;
  }
  v128.store(c, a00); v128.store(c, a01, 16);
  v128.store(c + 1 * ldc, a10); v128.store(c + 1 * ldc, a11, 16);
  v128.store(c + 2 * ldc, a20); v128.store(c + 2 * ldc, a21, 16);
  v128.store(c + 3 * ldc, a30); v128.store(c + 3 * ldc, a31, 16);
  v128.store(c + 4 * ldc, a40); v128.store(c + 4 * ldc, a41, 16);
}

// Fewer rows than MR (batch 1..4): the unpacked 4x8 / 1x32 / 1x8 paths.
function small(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, p0: i32, p1: i32): void {
  const panels = p1;
  wp -= <usize>(p0 * K * NR) * 4;        // so that panel p is at wp + p * K * NR * 4
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
    const bt = panelBias(bias, n0, cols);
    const b0 = v128.load(bt), b1 = v128.load(bt, 16);
    const w = wp + <usize>(p * K * NR) * 4;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      const x0 = x + (<usize>(m * K) << 2), xs = <usize>K << 2;
      tile4x8(x0, x0 + xs, x0 + 2 * xs, x0 + 3 * xs, K, w, b0, b1, act, y + (<usize>(m * N + n0) << 2), <usize>N << 2, 4, cols);
    }
    if (p < p4) continue;                // rows >= mTail of these panels are done
    for (; m < M; m++) {
      const x0 = x + (<usize>(m * K) << 2);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const wk = w + (<usize>(k * NR) << 2);
        const v0 = v128.load32_splat(x0 + (<usize>k << 2));
        // @gen mac1 v=v0 w=v128.load(wk)|v128.load(wk,~16) per=1 op=f32
        a0 = f32x4.add(a0, f32x4.mul(v0, v128.load(wk)));
        a1 = f32x4.add(a1, f32x4.mul(v0, v128.load(wk, 16)));
        // @end
      }
      store8(y + (<usize>(m * N + n0) << 2), finish(a0, b0, act), finish(a1, b1, act), cols);
    }
  }
}

// gemm_f32_f32_f32__simd128_1x32: rows [m0, M) against panels p0..p0+3.
function rows1x32(x: usize, m0: i32, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, p0: i32): void {
  const n0 = p0 * NR;
  const cols = min(4 * NR, N - n0);
  const biasTmp = panelBias(bias, n0, cols, 4 * NR);
  const stride = <usize>(K * NR) << 2;
  const w0 = wp + <usize>(p0 * K * NR) * 4;
  for (let m = m0; m < M; m++) {
    const xr = x + (<usize>(m * K) << 2);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    let wk = w0;
    for (let k = 0; k < K; k++) {
      const v = v128.load32_splat(xr + (<usize>k << 2));
      // @gen mac1 v=v w=v128.load(wk)|v128.load(wk,~16)|v128.load(wk~+~stride)|v128.load(wk~+~stride,~16)|v128.load(wk~+~2~*~stride)|v128.load(wk~+~2~*~stride,~16)|v128.load(wk~+~3~*~stride)|v128.load(wk~+~3~*~stride,~16) per=2 op=f32
      a0 = f32x4.add(a0, f32x4.mul(v, v128.load(wk))); a1 = f32x4.add(a1, f32x4.mul(v, v128.load(wk, 16)));
      a2 = f32x4.add(a2, f32x4.mul(v, v128.load(wk + stride))); a3 = f32x4.add(a3, f32x4.mul(v, v128.load(wk + stride, 16)));
      a4 = f32x4.add(a4, f32x4.mul(v, v128.load(wk + 2 * stride))); a5 = f32x4.add(a5, f32x4.mul(v, v128.load(wk + 2 * stride, 16)));
      a6 = f32x4.add(a6, f32x4.mul(v, v128.load(wk + 3 * stride))); a7 = f32x4.add(a7, f32x4.mul(v, v128.load(wk + 3 * stride, 16)));
      // @end
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
export function gemm_f32_f32_f32__scalar(x: usize, M: i32, K: i32, w: usize, bias: usize, N: i32, y: usize, act: i32): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) acc += load<f32>(x + (<usize>(m * K + k) << 2)) * load<f32>(w + (<usize>(n * K + k) << 2));
      acc += bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
      store<f32>(y + (<usize>(m * N + n) << 2), act == ACT_RELU ? max<f32>(acc, 0) : acc);
    }
  }
}

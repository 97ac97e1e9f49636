// Batched matrix products of two activations (numpy matmul: see ONNX MatMul, opset 13; Gemm 13).
//   matmul_f32_f32_f32__simd128_5x8(y, a, b, M, K, N, flags, rank, dims) -> 0 ok | 1 bad sizes / flags | 2 bad dims
//   matmul_f32_f32_f32__scalar, matmul_f64_f64_f64__scalar: the same arguments
// Per batch: y[M, N] = A[M, K] . B[K, N], row-major; flags bit 0: A is stored [K, M] (transA),
// bit 1: B is stored [N, K] (transB). dims: 3 * rank i32s, the batch dims of y, then of a and b
// right-aligned to rank, each y's or 1 (nd/iter.ts broadcasting); rank 0: one product.
// Every output element is summed in one fixed order: acc = +0; acc = acc + a[m, k] * b[k, n] for
// k = 0..K-1 (separate multiply and add, never fused). The SIMD kernel packs each batch's B into
// pack_w_f32 panels and runs gemm_f32_f32_f32__simd128_5x8, which sums in exactly that order.

import { coalesce, cdim, cstride, outerStart, outerOff, outerNext, refOffsets, refB, dimsTotal } from "./iter";
import { NR } from "../kernels/pack";
import { gemm_f32_f32_f32__simd128_5x8 } from "../kernels/dense_f32";

export const MM_TRANS_A = 1, MM_TRANS_B = 2;

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }

// Scratch kept between calls (grown, never shrunk): packed B panels, a transposed A.
let bBuf: usize = 0, bBytes: usize = 0, aBuf: usize = 0, aBytes: usize = 0;
function scratchB(bytes: usize): usize {
  if (bytes > bBytes) { if (bBuf != 0) heap.free(bBuf); bBuf = heap.alloc(bytes + 16); bBytes = bytes; }
  return bBuf;
}
function scratchA(bytes: usize): usize {
  if (bytes > aBytes) { if (aBuf != 0) heap.free(aBuf); aBuf = heap.alloc(bytes + 16); aBytes = bytes; }
  return aBuf;
}

// B (one batch) -> panels [ceil(N/8)][K][8], zeros past N (the layout pack_w_f32 gives).
function packB(b: usize, K: i32, N: i32, transB: bool, dst: usize): void {
  const panels = (N + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    const n0 = p * NR, cols = min(NR, N - n0);
    let o = dst + (<usize>(p * K) << 5);
    for (let k = 0; k < K; k++, o += 32) {
      if (!transB && cols == NR) { v128.store(o, v128.load(el<f32>(b, <i64>k * N + n0))); v128.store(o, v128.load(el<f32>(b, <i64>k * N + n0 + 4)), 16); continue; }
      for (let j = 0; j < NR; j++) {
        const n = n0 + j;
        store<f32>(o + (<usize>j << 2), j < cols ? load<f32>(el<f32>(b, transB ? <i64>n * K + k : <i64>k * N + n)) : 0);
      }
    }
  }
}

// rows x K of A stored [K, M] (columns m0..m0+rows) -> row-major [rows, K].
function untransA(a: usize, M: i32, K: i32, rows: i32, dst: usize): void {
  for (let m = 0; m < rows; m++) for (let k = 0; k < K; k++) store<f32>(el<f32>(dst, <i64>m * K + k), load<f32>(el<f32>(a, <i64>k * M + m)));
}

// One product of `bm` stacked batches sharing B (A rows contiguous when bm > 1).
function product(y: usize, a: usize, b: usize, M: i32, K: i32, N: i32, flags: i32, bm: i32, packed: bool): void {
  const wp = scratchB(<usize>((N + NR - 1) / NR) * <usize>K * 32);
  if (!packed) packB(b, K, N, (flags & MM_TRANS_B) != 0, wp);
  let x = a;
  if (flags & MM_TRANS_A) { x = scratchA(<usize>M * K * 4); untransA(a, M, K, M, x); }
  gemm_f32_f32_f32__simd128_5x8(x, M * bm, K, wp, 0, N, y, 0);
}


// @ts-ignore: decorator
@inline function sizesOk(M: i32, K: i32, N: i32, flags: i32): bool {
  return M >= 0 && K >= 0 && N >= 0 && (flags & ~3) == 0;
}

export function matmul_f32_f32_f32__simd128_5x8(y: usize, a: usize, b: usize, M: i32, K: i32, N: i32, flags: i32, rank: i32, dims: usize): i32 {
  if (!sizesOk(M, K, N, flags)) return 1;
  const r = coalesce(rank, dims, 3);
  if (r == -2) return 0;
  if (r < 0) return 2;
  if (M == 0 || N == 0) return 0;
  const sa = <i64>M * K, sb = <i64>K * N, sy = <i64>M * N;
  if (r == 0) { product(y, a, b, M, K, N, flags, 1, false); return 0; }
  // innermost batch run: stacked into one product when B is shared and A is row-major
  let n0 = cdim(0), stack: i64 = 1;
  const sa0 = cstride(1, 0), sb0 = cstride(2, 0);
  if (sb0 == 0 && sa0 == 1 && (flags & MM_TRANS_A) == 0 && n0 * M <= <i64>i32.MAX_VALUE) { stack = n0; }
  const outer = outerStart(r);
  let yo: i64 = 0, lastB: i64 = -1;
  for (let o: i64 = 0; o < outer; o++) {
    const ao = outerOff(1), bo = outerOff(2);
    for (let i: i64 = 0; i < n0; i += stack) {
      const bi = bo + i * sb0;
      product(el<f32>(y, (yo + i) * sy), el<f32>(a, (ao + i * sa0) * sa), el<f32>(b, bi * sb), M, K, N, flags, <i32>stack, bi == lastB);
      lastB = bi;
    }
    yo += n0;
    outerNext(r, 2);
  }
  return 0;
}

// Reference: per batch element its multi-index, then per output element the sum over k.
function refMatmul<T>(y: usize, a: usize, b: usize, M: i32, K: i32, N: i32, flags: i32, rank: i32, dims: usize): i32 {
  if (!sizesOk(M, K, N, flags)) return 1;
  const r = coalesce(rank, dims, 3);   // the same validation, the result unused
  if (r == -2) return 0;
  if (r < 0) return 2;
  const total = dimsTotal(rank, dims);
  const tA = (flags & MM_TRANS_A) != 0, tB = (flags & MM_TRANS_B) != 0;
  for (let e: i64 = 0; e < total; e++) {
    const ao = refOffsets(e, rank, dims), bo = refB();
    const pa = el<T>(a, ao * M * K), pb = el<T>(b, bo * K * N), py = el<T>(y, e * M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc: T = 0;
        for (let k = 0; k < K; k++) {
          const x = load<T>(el<T>(pa, tA ? <i64>k * M + m : <i64>m * K + k));
          const w = load<T>(el<T>(pb, tB ? <i64>n * K + k : <i64>k * N + n));
          acc = acc + x * w;
        }
        store<T>(el<T>(py, <i64>m * N + n), acc);
      }
    }
  }
  return 0;
}

export function matmul_f32_f32_f32__scalar(y: usize, a: usize, b: usize, M: i32, K: i32, N: i32, flags: i32, rank: i32, dims: usize): i32 {
  return refMatmul<f32>(y, a, b, M, K, N, flags, rank, dims);
}

export function matmul_f64_f64_f64__scalar(y: usize, a: usize, b: usize, M: i32, K: i32, N: i32, flags: i32, rank: i32, dims: usize): i32 {
  return refMatmul<f64>(y, a, b, M, K, N, flags, rank, dims);
}

// Integer matrix product with zero points (see: ONNX MatMulInteger, opset 10):
//   matmul_x8_x8_i32__scalar(y, a, adt, b, bdt, azp, nazp, bzp, nbzp, M, K, N, rank, dims)
//     -> 0 ok | 1 bad sizes / types / zero-point counts | 2 bad dims
// a, b: u8 (dtype 2) or i8 (dtype 3), batches broadcast as in nd/matmul.ts; y: i32 [batch, M, N],
// y[m, n] = sum_k (a[m, k] - azp[m]) * (b[k, n] - bzp[n]), wrapping i32 arithmetic (exact for K
// below 33,000). azp: nazp = 0 (none), 1 (per tensor) or M (per row) values of a's type; bzp:
// 0, 1 or N (per column) of b's type. Integer sums wrap exactly, so any order gives the same bits:
// matmul_x8_x8_i32__simd128_4x8 (the same arguments) packs b - bzp as i32 panels of 8 columns
// and runs a 4 x 8 tile of i32x4 multiply-adds; the scalar kernel is its reference.

import { coalesce, cdim, cstride, outerStart, outerOff, outerNext, refOffsets, refB, dimsTotal } from "./iter";
import { DT_U8, DT_I8 } from "./dtype";

// @ts-ignore: decorator
@inline function ld8(p: usize, signed: bool): i32 { return signed ? <i32>load<i8>(p) : <i32>load<u8>(p); }

// @ts-ignore: decorator
@inline function argsOk(adt: i32, bdt: i32, azp: usize, nazp: i32, bzp: usize, nbzp: i32, M: i32, K: i32, N: i32): bool {
  if ((adt != DT_U8 && adt != DT_I8) || (bdt != DT_U8 && bdt != DT_I8)) return false;
  if (M < 0 || K < 0 || N < 0) return false;
  if (!(nazp == 0 || nazp == 1 || nazp == M) || !(nbzp == 0 || nbzp == 1 || nbzp == N)) return false;
  return !((nazp > 0 && azp == 0) || (nbzp > 0 && bzp == 0));
}

export function matmul_x8_x8_i32__scalar(y: usize, a: usize, adt: i32, b: usize, bdt: i32, azp: usize, nazp: i32, bzp: usize, nbzp: i32,
  M: i32, K: i32, N: i32, rank: i32, dims: usize): i32 {
  if (!argsOk(adt, bdt, azp, nazp, bzp, nbzp, M, K, N)) return 1;
  const r = coalesce(rank, dims, 3);
  if (r == -2) return 0;
  if (r < 0) return 2;
  const sA = adt == DT_I8, sB = bdt == DT_I8;
  const total = dimsTotal(rank, dims);
  for (let e: i64 = 0; e < total; e++) {
    const ao = refOffsets(e, rank, dims), bo = refB();
    const pa = a + <usize>(ao * M * K), pb = b + <usize>(bo * K * N), py = y + (<usize>(e * M * N) << 2);
    for (let m = 0; m < M; m++) {
      const za = nazp == 0 ? 0 : ld8(azp + <usize>(nazp == 1 ? 0 : m), sA);
      for (let n = 0; n < N; n++) {
        const zb = nbzp == 0 ? 0 : ld8(bzp + <usize>(nbzp == 1 ? 0 : n), sB);
        let acc: i32 = 0;
        for (let k = 0; k < K; k++) {
          acc += (ld8(pa + <usize>(m * K + k), sA) - za) * (ld8(pb + <usize>(k * N + n), sB) - zb);
        }
        store<i32>(py + (<usize>(m * N + n) << 2), acc);
      }
    }
  }
  return 0;
}

// Packed b - bzp ([ceil(N/8)][K][8] i32, zeros past N) and a - azp (one batch, [M][K] i32),
// kept between calls (grown, never shrunk).
let bBuf: usize = 0, bBytes: usize = 0, aBuf: usize = 0, aBytes: usize = 0;
function grow(buf: usize, bytes: usize): usize { if (buf != 0) heap.free(buf); return heap.alloc(bytes + 16); }

function packB(b: usize, sB: bool, bzp: usize, nbzp: i32, K: i32, N: i32, dst: usize): void {
  for (let n0 = 0; n0 < N; n0 += 8) {
    let o = dst + (<usize>(n0 * K) << 2);
    for (let k = 0; k < K; k++, o += 32) {
      for (let j = 0; j < 8; j++) {
        const n = n0 + j;
        const v = n < N ? ld8(b + <usize>(k * N + n), sB) - (nbzp == 0 ? 0 : ld8(bzp + <usize>(nbzp == 1 ? 0 : n), sB)) : 0;
        store<i32>(o + (<usize>j << 2), v);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function st8(y: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols >= 8) { v128.store(y, lo); v128.store(y, hi, 16); return; }
  const tmp = memory.data(32, 16);
  v128.store(tmp, lo); v128.store(tmp, hi, 16);
  memory.copy(y, tmp, <usize>cols << 2);
}

// One batch: A' [M][K] i32 (zero point applied) times the packed panels -> y [M, N] i32.
function product(y: usize, ap: usize, wp: usize, M: i32, K: i32, N: i32): void {
  const ka = <usize>K << 2;
  for (let n0 = 0; n0 < N; n0 += 8) {
    const cols = min(8, N - n0), w = wp + (<usize>(n0 * K) << 2);
    for (let m = 0; m < M; m += 4) {
      const rows = min(4, M - m);
      const x0 = ap + <usize>m * ka, x1 = rows > 1 ? x0 + ka : x0, x2 = rows > 2 ? x0 + 2 * ka : x0, x3 = rows > 3 ? x0 + 3 * ka : x0;
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0);
      let a20 = i32x4.splat(0), a21 = i32x4.splat(0), a30 = i32x4.splat(0), a31 = i32x4.splat(0);
      let o: usize = 0, wk = w;
      for (let k = 0; k < K; k++, o += 4, wk += 32) {
        const w0 = v128.load(wk), w1 = v128.load(wk, 16);
        const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o), v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
        a00 = i32x4.add(a00, i32x4.mul(v0, w0)); a01 = i32x4.add(a01, i32x4.mul(v0, w1));
        a10 = i32x4.add(a10, i32x4.mul(v1, w0)); a11 = i32x4.add(a11, i32x4.mul(v1, w1));
        a20 = i32x4.add(a20, i32x4.mul(v2, w0)); a21 = i32x4.add(a21, i32x4.mul(v2, w1));
        a30 = i32x4.add(a30, i32x4.mul(v3, w0)); a31 = i32x4.add(a31, i32x4.mul(v3, w1));
      }
      const c = y + ((<usize>m * N + n0) << 2), ys = <usize>N << 2;
      st8(c, a00, a01, cols);
      if (rows > 1) st8(c + ys, a10, a11, cols);
      if (rows > 2) st8(c + 2 * ys, a20, a21, cols);
      if (rows > 3) st8(c + 3 * ys, a30, a31, cols);
    }
  }
}


export function matmul_x8_x8_i32__simd128_4x8(y: usize, a: usize, adt: i32, b: usize, bdt: i32, azp: usize, nazp: i32, bzp: usize, nbzp: i32,
  M: i32, K: i32, N: i32, rank: i32, dims: usize): i32 {
  if (!argsOk(adt, bdt, azp, nazp, bzp, nbzp, M, K, N)) return 1;
  const r = coalesce(rank, dims, 3);
  if (r == -2) return 0;
  if (r < 0) return 2;
  if (M == 0 || N == 0) return 0;
  const sA = adt == DT_I8, sB = bdt == DT_I8;
  const wBytes = <usize>((N + 7) / 8) * <usize>K * 32, aB = <usize>M * K * 4;
  if (wBytes > bBytes) { bBuf = grow(bBuf, wBytes); bBytes = wBytes; }
  if (aB > aBytes) { aBuf = grow(aBuf, aB); aBytes = aB; }
  const n0 = r == 0 ? 1 : cdim(0), sa0 = r == 0 ? 0 : cstride(1, 0), sb0 = r == 0 ? 0 : cstride(2, 0);
  const outer = outerStart(r);
  let yo: i64 = 0, lastA: i64 = -1, lastB: i64 = -1;
  for (let o: i64 = 0; o < outer; o++) {
    const ao = outerOff(1), bo = outerOff(2);
    for (let i: i64 = 0; i < n0; i++) {
      const ai = ao + i * sa0, bi = bo + i * sb0;
      if (bi != lastB) { packB(b + <usize>(bi * K * N), sB, bzp, nbzp, K, N, bBuf); lastB = bi; }
      if (ai != lastA) {
        const pa = a + <usize>(ai * M * K);
        for (let m = 0; m < M; m++) {
          const za = nazp == 0 ? 0 : ld8(azp + <usize>(nazp == 1 ? 0 : m), sA);
          for (let k = 0; k < K; k++) store<i32>(aBuf + (<usize>(m * K + k) << 2), ld8(pa + <usize>(m * K + k), sA) - za);
        }
        lastA = ai;
      }
      product(y + (<usize>((yo + i) * M * N) << 2), aBuf, bBuf, M, K, N);
    }
    yo += n0;
    outerNext(r, 2);
  }
  return 0;
}

// Data-dependent selections (their output sizes are counted here too, so the host only reads a
// count): NonZero and Compress. Statuses: nd/idx.ts.
//   nonzero_count_any__scalar(dtype, x, n) -> how many of the n elements are not zero (-1: bad
//     dtype). Floats: x != 0 (NaN counts, -0 does not); f16 / bf16 by their bits.
//   nonzero_any__scalar(dtype, y, x, rank, dims, count) -> status
//     see: ONNX NonZero, opset 13. y: i64 [rank, count], column k the multi-index of the k-th
//     non-zero element in row-major order; count is nonzero_count's. dims: rank i32 values.
//   compress_any__scalar(esize, y, x, cond, clen, outer, A, inner) -> status
//     see: ONNX Compress, opset 11. x [outer, A, inner]; keeps the slices a < min(A, clen) whose
//     cond[a] (bool) is set, in order: y [outer, kept, inner].

import { ST_OK, ST_TYPE, ST_DIMS, okEsize, cpEl } from "./idx";
import { dtypeBytes } from "./scatter";
import { DT_F32, DT_F64, DT_F16, DT_BF16, DT_BOOL, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_U32, DT_U64 } from "./dtype";

// @ts-ignore: decorator
@inline function isNonZero(t: i32, p: usize): bool {
  switch (t) {
    case DT_F32: return load<f32>(p) != 0;
    case DT_F64: return load<f64>(p) != 0;
    case DT_F16: case DT_BF16: return (load<u16>(p) & 0x7FFF) != 0;
    case DT_U8: case DT_I8: case DT_BOOL: return load<u8>(p) != 0;
    case DT_U16: case DT_I16: return load<u16>(p) != 0;
    case DT_I32: case DT_U32: return load<u32>(p) != 0;
    default: return load<u64>(p) != 0;
  }
}

export function nonzero_count_any__scalar(dtype: i32, x: usize, n: i32): i32 {
  const es = dtypeBytes(dtype);
  if (es == 0 || n < 0) return -1;
  let c = 0;
  for (let i = 0; i < n; i++) if (isNonZero(dtype, x + <usize>i * es)) c++;
  return c;
}

export function nonzero_any__scalar(dtype: i32, y: usize, x: usize, rank: i32, dims: usize, count: i32): i32 {
  const es = dtypeBytes(dtype);
  if (es == 0) return ST_TYPE;
  if (rank < 0 || rank > 8 || count < 0) return ST_DIMS;
  let n: i64 = 1;
  for (let d = 0; d < rank; d++) { const v = load<i32>(dims + (<usize>d << 2)); if (v < 0) return ST_DIMS; n *= v; }
  let k: i64 = 0;
  for (let e: i64 = 0; e < n; e++) {
    if (!isNonZero(dtype, x + <usize>(e * es))) continue;
    if (k >= count) return ST_DIMS;
    let r = e;
    for (let d = rank - 1; d >= 0; d--) {
      const v = <i64>load<i32>(dims + (<usize>d << 2));
      store<i64>(y + (<usize>(<i64>d * count + k) << 3), r % v);
      r /= v;
    }
    k++;
  }
  return k == count ? ST_OK : ST_DIMS;
}

export function compress_any__scalar(esize: i32, y: usize, x: usize, cond: usize, clen: i32, outer: i32, A: i32, inner: i32): i32 {
  if (!okEsize(esize)) return ST_TYPE;
  if (clen < 0 || outer < 0 || A < 0 || inner < 0) return ST_DIMS;
  const lim = min(A, clen);
  let d = y;
  for (let o: i64 = 0; o < outer; o++) {
    for (let a: i64 = 0; a < lim; a++) {
      if (load<u8>(cond + <usize>a) == 0) continue;
      const s = x + <usize>((o * A + a) * inner * esize);
      for (let i: i64 = 0; i < inner; i++) { cpEl(esize, d, s + <usize>(i * esize)); d += esize; }
    }
  }
  return ST_OK;
}

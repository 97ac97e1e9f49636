// Scatters on every element type of nd/dtype.ts: y = a copy of data (skipped when y == data),
// then each update written or combined in index order (the fixed order: with reduction none a
// repeated index keeps the last update). Reductions: 0 none, 1 add, 2 mul, 3 max, 4 min (the
// arithmetic of nd/ops.ts; none only on bool / f16 / bf16). Every index is checked first (status
// 3, nothing written). Statuses: nd/idx.ts.
//   scatter_elements_any__scalar(dtype, red, y, data, idx, upd, itype, rank, axis, dims)
//     see: ONNX ScatterElements, opset 18 (and Scatter, opset 9-10). dims: data's rank dims,
//     then idx's (= upd's)
//   scatter_nd_any__scalar(dtype, red, y, data, idx, upd, itype, M, k, rank, dims)
//     see: ONNX ScatterND, opset 18. data: rank dims; idx [M, k]; upd [M, dims[k..rank)]

import { ST_OK, ST_TYPE, ST_DIMS, ST_RANGE, MAX_IRANK, okIndexType, ldIndex, wrap, allInRange, prod, setStrides, elementOffset, tupleOffset } from "./idx";
import { arith, B_ADD, B_MUL, B_MAX, B_MIN } from "./ops";
import { DT_F32, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_BOOL, DT_F16, DT_F64, DT_U32, DT_U64, DT_BF16 } from "./dtype";

export const R_NONE = 0, R_ADD = 1, R_MUL = 2, R_MAX = 3, R_MIN = 4;

/** Bytes per element of a dtype (0: not an element type). */
export function dtypeBytes(t: i32): i32 {
  if (t == DT_U8 || t == DT_I8 || t == DT_BOOL) return 1;
  if (t == DT_U16 || t == DT_I16 || t == DT_F16 || t == DT_BF16) return 2;
  if (t == DT_F32 || t == DT_I32 || t == DT_U32) return 4;
  if (t == DT_I64 || t == DT_F64 || t == DT_U64) return 8;
  return 0;
}

function okReduction(dtype: i32, red: i32): bool {
  if (red == R_NONE) return true;
  return red > 0 && red <= R_MIN && dtype != DT_BOOL && dtype != DT_F16 && dtype != DT_BF16;
}

// @ts-ignore: decorator
@inline function combine<T>(red: i32, p: usize, u: T): void {
  if (red == R_NONE) { store<T>(p, u); return; }
  const op = red == R_ADD ? B_ADD : red == R_MUL ? B_MUL : red == R_MAX ? B_MAX : B_MIN;
  store<T>(p, arith<T>(op, load<T>(p), u));
}


// @ts-ignore: decorator
@inline function dim(dims: usize, i: i32): i64 { return <i64>load<i32>(dims + (<usize>i << 2)); }

function elementsTyped<T>(red: i32, y: usize, idx: usize, upd: usize, itype: i32, rank: i32, axis: i32, dims: usize, total: i64): void {
  const A = dim(dims, axis);
  for (let e: i64 = 0; e < total; e++) {
    const off = elementOffset(e, rank, axis, A, dims, itype, idx);
    combine<T>(red, y + <usize>(off << alignof<T>()), load<T>(upd + <usize>(e << alignof<T>())));
  }
}

export function scatter_elements_any__scalar(dtype: i32, red: i32, y: usize, data: usize, idx: usize, upd: usize, itype: i32, rank: i32, axis: i32, dims: usize): i32 {
  const es = dtypeBytes(dtype);
  if (es == 0 || !okIndexType(itype) || !okReduction(dtype, red)) return ST_TYPE;
  if (rank < 1 || rank > MAX_IRANK || axis < 0 || axis >= rank) return ST_DIMS;
  for (let k = 0; k < rank; k++) {
    const d = dim(dims, k), q = dim(dims, rank + k);
    if (d < 0 || q < 0 || (k != axis && q > d)) return ST_DIMS;
  }
  const total = prod(dims + (<usize>rank << 2), rank);
  if (!allInRange(itype, idx, total, dim(dims, axis))) return ST_RANGE;
  if (y != data) memory.copy(y, data, <usize>(prod(dims, rank) * es));
  setStrides(dims, rank, 1);
  if (dtype == DT_F32) elementsTyped<f32>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_F64) elementsTyped<f64>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_I32) elementsTyped<i32>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_I64) elementsTyped<i64>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_U32) elementsTyped<u32>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_U64) elementsTyped<u64>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_I8) elementsTyped<i8>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_I16) elementsTyped<i16>(red, y, idx, upd, itype, rank, axis, dims, total);
  else if (dtype == DT_U16 || dtype == DT_F16 || dtype == DT_BF16) elementsTyped<u16>(red, y, idx, upd, itype, rank, axis, dims, total);
  else elementsTyped<u8>(red, y, idx, upd, itype, rank, axis, dims, total);
  return ST_OK;
}

function ndTyped<T>(red: i32, y: usize, idx: usize, upd: usize, itype: i32, M: i64, k: i32, inner: i64, dims: usize): void {
  for (let t: i64 = 0; t < M; t++) {
    const off = tupleOffset(itype, idx, t, k, dims);
    const u = upd + <usize>((t * inner) << alignof<T>()), p = y + <usize>(off << alignof<T>());
    for (let i: i64 = 0; i < inner; i++) combine<T>(red, p + <usize>(i << alignof<T>()), load<T>(u + <usize>(i << alignof<T>())));
  }
}

export function scatter_nd_any__scalar(dtype: i32, red: i32, y: usize, data: usize, idx: usize, upd: usize, itype: i32, M: i32, k: i32, rank: i32, dims: usize): i32 {
  const es = dtypeBytes(dtype);
  if (es == 0 || !okIndexType(itype) || !okReduction(dtype, red)) return ST_TYPE;
  if (rank < 0 || rank > MAX_IRANK || k < 0 || k > rank || M < 0 || prod(dims, rank) < 0) return ST_DIMS;
  for (let t: i64 = 0; t < M; t++) {
    for (let j = 0; j < k; j++) if (wrap(ldIndex(itype, idx, t * k + j), dim(dims, j)) < 0) return ST_RANGE;
  }
  if (y != data) memory.copy(y, data, <usize>(prod(dims, rank) * es));
  const inner = prod(dims + (<usize>k << 2), rank - k);
  setStrides(dims, k, inner);
  if (dtype == DT_F32) ndTyped<f32>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_F64) ndTyped<f64>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_I32) ndTyped<i32>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_I64) ndTyped<i64>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_U32) ndTyped<u32>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_U64) ndTyped<u64>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_I8) ndTyped<i8>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_I16) ndTyped<i16>(red, y, idx, upd, itype, M, k, inner, dims);
  else if (dtype == DT_U16 || dtype == DT_F16 || dtype == DT_BF16) ndTyped<u16>(red, y, idx, upd, itype, M, k, inner, dims);
  else ndTyped<u8>(red, y, idx, upd, itype, M, k, inner, dims);
  return ST_OK;
}

// Gathers on element bytes (1, 2, 4 or 8 per element), i32 or i64 indices, negative indices
// counted from the end; every index is checked before anything is written (status 3: out of
// range, nothing written). Statuses: nd/idx.ts.
//   gather_any__memcpy(esize, y, data, idx, itype, outer, axisDim, inner, nidx)
//     see: ONNX Gather, opset 13. data [outer, axisDim, inner] -> y [outer, nidx, inner]
//   gather_elements_any__scalar(esize, y, data, idx, itype, rank, axis, dims)
//     see: ONNX GatherElements, opset 13. dims: data's rank dims, then idx's (= y's)
//   gather_nd_any__memcpy(esize, y, data, idx, itype, B, N, k, inner, dims)
//     see: ONNX GatherND, opset 13. data [B, dims[0..k), inner], idx [B, N, k] -> y [B, N, inner]
// The __memcpy kernels copy whole rows (memory.copy); their __scalar references copy element by
// element from each output element's multi-index.

import { ST_OK, ST_TYPE, ST_DIMS, ST_RANGE, MAX_IRANK, okIndexType, okEsize, ldIndex, wrap, allInRange, cpEl, prod, setStrides, elementOffset, tupleOffset } from "./idx";

// @ts-ignore: decorator
@inline function at(p: usize, i: i64, esize: i32): usize { return p + <usize>(i * <i64>esize); }

function gatherCheck(esize: i32, itype: i32, outer: i32, axisDim: i32, inner: i32, nidx: i32, idx: usize): i32 {
  if (!okEsize(esize) || !okIndexType(itype)) return ST_TYPE;
  if (outer < 0 || axisDim < 0 || inner < 0 || nidx < 0) return ST_DIMS;
  return allInRange(itype, idx, nidx, axisDim) ? ST_OK : ST_RANGE;
}

export function gather_any__memcpy(esize: i32, y: usize, data: usize, idx: usize, itype: i32, outer: i32, axisDim: i32, inner: i32, nidx: i32): i32 {
  const s = gatherCheck(esize, itype, outer, axisDim, inner, nidx, idx);
  if (s != ST_OK) return s;
  const row = <i64>inner * esize;
  let d = y;
  for (let o: i64 = 0; o < outer; o++) {
    const base = o * axisDim;
    for (let j: i64 = 0; j < nidx; j++) {
      const src = data + <usize>((base + wrap(ldIndex(itype, idx, j), axisDim)) * row);
      if (row >= 16) memory.copy(d, src, <usize>row);
      else for (let i = 0; i < inner; i++) cpEl(esize, d + <usize>(i * esize), src + <usize>(i * esize));
      d += <usize>row;
    }
  }
  return ST_OK;
}

export function gather_any__scalar(esize: i32, y: usize, data: usize, idx: usize, itype: i32, outer: i32, axisDim: i32, inner: i32, nidx: i32): i32 {
  const s = gatherCheck(esize, itype, outer, axisDim, inner, nidx, idx);
  if (s != ST_OK) return s;
  const total = <i64>outer * nidx * inner;
  for (let e: i64 = 0; e < total; e++) {
    const i = e % inner, j = (e / inner) % nidx, o = e / (<i64>inner * nidx);
    const w = wrap(ldIndex(itype, idx, j), axisDim);
    cpEl(esize, at(y, e, esize), at(data, (o * axisDim + w) * inner + i, esize));
  }
  return ST_OK;
}


// @ts-ignore: decorator
@inline function dim(dims: usize, i: i32): i64 { return <i64>load<i32>(dims + (<usize>i << 2)); }

export function gather_elements_any__scalar(esize: i32, y: usize, data: usize, idx: usize, itype: i32, rank: i32, axis: i32, dims: usize): i32 {
  if (!okEsize(esize) || !okIndexType(itype)) return ST_TYPE;
  if (rank < 1 || rank > MAX_IRANK || axis < 0 || axis >= rank) return ST_DIMS;
  for (let k = 0; k < rank; k++) {
    const d = dim(dims, k), q = dim(dims, rank + k);
    if (d < 0 || q < 0 || (k != axis && q > d)) return ST_DIMS;
  }
  const total = prod(dims + (<usize>rank << 2), rank), A = dim(dims, axis);
  if (!allInRange(itype, idx, total, A)) return ST_RANGE;
  setStrides(dims, rank, 1);
  for (let e: i64 = 0; e < total; e++) {
    cpEl(esize, at(y, e, esize), at(data, elementOffset(e, rank, axis, A, dims, itype, idx), esize));
  }
  return ST_OK;
}

function gatherNdCheck(esize: i32, itype: i32, B: i32, N: i32, k: i32, inner: i32, dims: usize, idx: usize): i32 {
  if (!okEsize(esize) || !okIndexType(itype)) return ST_TYPE;
  if (B < 0 || N < 0 || inner < 0 || k < 0 || k > MAX_IRANK || prod(dims, k) < 0) return ST_DIMS;
  const tuples = <i64>B * N;
  for (let t: i64 = 0; t < tuples; t++) {
    for (let j = 0; j < k; j++) if (wrap(ldIndex(itype, idx, t * k + j), dim(dims, j)) < 0) return ST_RANGE;
  }
  return ST_OK;
}


export function gather_nd_any__memcpy(esize: i32, y: usize, data: usize, idx: usize, itype: i32, B: i32, N: i32, k: i32, inner: i32, dims: usize): i32 {
  const s = gatherNdCheck(esize, itype, B, N, k, inner, dims, idx);
  if (s != ST_OK) return s;
  const batch = setStrides(dims, k, inner), row = <i64>inner * esize;
  let d = y;
  for (let b: i64 = 0; b < B; b++) {
    for (let n: i64 = 0; n < N; n++) {
      const src = at(data, b * batch + tupleOffset(itype, idx, b * N + n, k, dims), esize);
      if (row >= 16) memory.copy(d, src, <usize>row);
      else for (let i = 0; i < inner; i++) cpEl(esize, d + <usize>(i * esize), src + <usize>(i * esize));
      d += <usize>row;
    }
  }
  return ST_OK;
}

export function gather_nd_any__scalar(esize: i32, y: usize, data: usize, idx: usize, itype: i32, B: i32, N: i32, k: i32, inner: i32, dims: usize): i32 {
  const s = gatherNdCheck(esize, itype, B, N, k, inner, dims, idx);
  if (s != ST_OK) return s;
  const batch = setStrides(dims, k, inner), total = <i64>B * N * inner;
  for (let e: i64 = 0; e < total; e++) {
    const i = e % inner, t = e / inner, b = t / N;
    cpEl(esize, at(y, e, esize), at(data, b * batch + tupleOffset(itype, idx, t, k, dims) + i, esize));
  }
  return ST_OK;
}

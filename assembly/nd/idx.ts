// Shared pieces of the indexing kernels (nd/gather.ts, nd/scatter.ts, nd/fill.ts, nd/topk.ts):
// index loads, the negative-index wrap, element copies by size. Index arithmetic only.
// Status codes every indexing kernel returns: 0 ok, 1 bad element size / type / index type /
// reduction, 2 bad dims, 3 an index out of range (nothing written).

import { DT_I32, DT_I64 } from "./dtype";

export const ST_OK = 0, ST_TYPE = 1, ST_DIMS = 2, ST_RANGE = 3;
export const MAX_IRANK = 8;
/** An index that never passes a range check (returned for NaN / huge float indices). */
export const BAD_INDEX: i64 = i64.MIN_VALUE;

@inline export function okIndexType(t: i32): bool { return t == DT_I32 || t == DT_I64; }
@inline export function okEsize(e: i32): bool { return e == 1 || e == 2 || e == 4 || e == 8; }

/** Index i of an i32 or i64 index tensor. */
// @ts-ignore: decorator
@inline export function ldIndex(t: i32, p: usize, i: i64): i64 {
  return t == DT_I64 ? load<i64>(p + (<usize>i << 3)) : <i64>load<i32>(p + (<usize>i << 2));
}

/** v wrapped into [0, n) (negative counts from the end), or -1 when outside [-n, n). */
// @ts-ignore: decorator
@inline export function wrap(v: i64, n: i64): i64 {
  if (v < 0) v += n;
  return v >= 0 && v < n ? v : -1;
}

/** Whether every one of the `count` indices at p lies in [-n, n). */
export function allInRange(t: i32, p: usize, count: i64, n: i64): bool {
  for (let i: i64 = 0; i < count; i++) if (wrap(ldIndex(t, p, i), n) < 0) return false;
  return true;
}

/** Copies one element of `esize` bytes. */
// @ts-ignore: decorator
@inline export function cpEl(esize: i32, d: usize, s: usize): void {
  if (esize == 4) store<u32>(d, load<u32>(s));
  else if (esize == 8) store<u64>(d, load<u64>(s));
  else if (esize == 2) store<u16>(d, load<u16>(s));
  else store<u8>(d, load<u8>(s));
}

/** Product of n i32 dims at p (i64; negative on a negative dim). */
export function prod(p: usize, n: i32): i64 {
  let r: i64 = 1;
  for (let i = 0; i < n; i++) {
    const d = <i64>load<i32>(p + (<usize>i << 2));
    if (d < 0) return -1;
    r *= d;
  }
  return r;
}

// ----- data strides and index offsets (Gather* / Scatter*: one reading of the index tensors)

const DSTR = new StaticArray<i64>(MAX_IRANK);

// @ts-ignore: decorator
@inline function dimAt(dims: usize, i: i32): i64 { return <i64>load<i32>(dims + (<usize>i << 2)); }

/** Row-major element strides of the first `rank` dims (i32s at dims) into DSTR, the innermost
 *  `inner`; returns all their elements times inner. */
export function setStrides(dims: usize, rank: i32, inner: i64): i64 {
  let s = inner;
  for (let i = rank - 1; i >= 0; i--) { unchecked(DSTR[i] = s); s *= dimAt(dims, i); }
  return s;
}

/** GatherElements / ScatterElements: the data offset of indices element e (indices of shape
 *  dims[rank..2 rank)): e's own multi-index with the axis coordinate replaced by its index. */
// @ts-ignore: decorator
@inline export function elementOffset(e: i64, rank: i32, axis: i32, A: i64, dims: usize, itype: i32, idx: usize): i64 {
  let rem = e, off: i64 = 0;
  for (let k = rank - 1; k >= 0; k--) {
    const q = dimAt(dims, rank + k), c = rem % q;
    rem /= q;
    off += (k == axis ? wrap(ldIndex(itype, idx, e), A) : c) * unchecked(DSTR[k]);
  }
  return off;
}

/** GatherND / ScatterND: the data offset of index tuple t (k indices into dims[0..k)). */
// @ts-ignore: decorator
@inline export function tupleOffset(itype: i32, idx: usize, t: i64, k: i32, dims: usize): i64 {
  let off: i64 = 0;
  for (let j = 0; j < k; j++) off += wrap(ldIndex(itype, idx, t * k + j), dimAt(dims, j)) * unchecked(DSTR[j]);
  return off;
}


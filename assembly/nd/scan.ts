// Index-of-extreme and running sums along one axis of an (outer, len, inner) view (the host folds
// the dims before and after the axis into outer and inner). Scalar; each its own reference.
//
// argmax_nd_any__scalar(dtype, isMin, selectLast, y, x, outer, len, inner) -> 0 | 1 type | 2 dims
//   y: outer * inner i64 indices (see: ONNX ArgMax / ArgMin, opset 13). Ties: the first index, or
//   the last with selectLast. A NaN counts as the largest (and smallest) value, as numpy's
//   argmax does: the first NaN wins (the last with selectLast). len must be >= 1.
// cumsum_nd_any__scalar(dtype, exclusive, reverse, y, x, outer, len, inner) -> 0 | 1 | 2
//   y[k] = x[0] + ... + x[k] along the axis, added in that order (see: ONNX CumSum, opset 14);
//   exclusive leaves x[k] out (y[0] = 0), reverse runs from the end. Integers wrap. In place ok.
// Types: f32 f64 i32 i64, and u8 i8 u32 u64 for ArgMax / ArgMin.

import { DT_F32, DT_F64, DT_I32, DT_I64, DT_U8, DT_I8, DT_U32, DT_U64 } from "./dtype";

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }

// @ts-ignore: decorator
@inline function better<T>(isMin: bool, last: bool, v: T, b: T): bool {
  if (isFloat<T>()) {
    if (b != b) return last && v != v;     // best is NaN: only a later NaN (selectLast) replaces it
    if (v != v) return true;
  }
  if (isMin) return last ? v <= b : v < b;
  return last ? v >= b : v > b;
}

function argTyped<T>(isMin: bool, last: bool, y: usize, x: usize, outer: i64, len: i64, inner: i64): void {
  for (let o: i64 = 0; o < outer; o++) {
    for (let i: i64 = 0; i < inner; i++) {
      const b0 = o * len * inner + i;
      let best = load<T>(el<T>(x, b0)), bi: i64 = 0;
      for (let k: i64 = 1; k < len; k++) {
        const v = load<T>(el<T>(x, b0 + k * inner));
        if (better<T>(isMin, last, v, best)) { best = v; bi = k; }
      }
      store<i64>(el<i64>(y, o * inner + i), bi);
    }
  }
}

// @ts-ignore: decorator
@inline function dimsOk(outer: i32, len: i32, inner: i32): bool { return outer >= 0 && len >= 0 && inner >= 0; }

export function argmax_nd_any__scalar(dtype: i32, isMin: i32, selectLast: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32): i32 {
  if (!dimsOk(outer, len, inner) || (len == 0 && outer > 0 && inner > 0)) return 2;
  const m = isMin != 0, l = selectLast != 0, o = <i64>outer, n = <i64>len, k = <i64>inner;
  if (dtype == DT_F32) argTyped<f32>(m, l, y, x, o, n, k);
  else if (dtype == DT_F64) argTyped<f64>(m, l, y, x, o, n, k);
  else if (dtype == DT_I32) argTyped<i32>(m, l, y, x, o, n, k);
  else if (dtype == DT_I64) argTyped<i64>(m, l, y, x, o, n, k);
  else if (dtype == DT_U8) argTyped<u8>(m, l, y, x, o, n, k);
  else if (dtype == DT_I8) argTyped<i8>(m, l, y, x, o, n, k);
  else if (dtype == DT_U32) argTyped<u32>(m, l, y, x, o, n, k);
  else if (dtype == DT_U64) argTyped<u64>(m, l, y, x, o, n, k);
  else return 1;
  return 0;
}

function cumTyped<T>(excl: bool, rev: bool, y: usize, x: usize, outer: i64, len: i64, inner: i64): void {
  for (let o: i64 = 0; o < outer; o++) {
    for (let i: i64 = 0; i < inner; i++) {
      const b0 = o * len * inner + i;
      let acc: T = <T>0;
      for (let j: i64 = 0; j < len; j++) {
        const k = rev ? len - 1 - j : j, p = b0 + k * inner;
        const v = load<T>(el<T>(x, p));
        if (excl) { store<T>(el<T>(y, p), acc); acc = <T>(acc + v); }
        else { acc = <T>(acc + v); store<T>(el<T>(y, p), acc); }
      }
    }
  }
}

export function cumsum_nd_any__scalar(dtype: i32, exclusive: i32, reverse: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32): i32 {
  if (!dimsOk(outer, len, inner)) return 2;
  const e = exclusive != 0, r = reverse != 0, o = <i64>outer, n = <i64>len, k = <i64>inner;
  if (dtype == DT_F32) cumTyped<f32>(e, r, y, x, o, n, k);
  else if (dtype == DT_F64) cumTyped<f64>(e, r, y, x, o, n, k);
  else if (dtype == DT_I32) cumTyped<i32>(e, r, y, x, o, n, k);
  else if (dtype == DT_I64) cumTyped<i64>(e, r, y, x, o, n, k);
  else return 1;
  return 0;
}

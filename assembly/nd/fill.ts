// Generated tensors: OneHot, Trilu, Range. Statuses: nd/idx.ts.
//   onehot_any__scalar(esize, y, idx, itype, outer, depth, inner, values)
//     see: ONNX OneHot, opset 11. idx [outer, inner] of any integer type, f32 or f64 (truncated);
//     y [outer, depth, inner]; values = [off, on] (esize bytes each). An index outside
//     [-depth, depth) gives a row of off values (the spec's rule, not an error).
//   trilu_any__memcpy(esize, y, x, batch, rows, cols, k, upper) / trilu_any__scalar
//     see: ONNX Trilu, opset 14. upper keeps j - i >= k, lower keeps j - i <= k, the rest 0.
//     y may be x.
//   range_count_any__scalar(dtype, start, limit, delta) -> count (f64), -1 delta 0 / not finite /
//     overflow, -2 bad dtype; range_any__scalar(dtype, y, start, delta, n): y[i] = start + i * delta
//     in the element type (integers wrap). see: ONNX Range, opset 11 (start, limit, delta point
//     at one element each)

import { ST_OK, ST_TYPE, ST_DIMS, BAD_INDEX, okEsize, wrap, cpEl } from "./idx";
import { DT_F32, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_F64, DT_U32, DT_U64 } from "./dtype";

// @ts-ignore: decorator
@inline function truncIndex(v: f64): i64 {
  // NaN and values past +-2^62 never pass a range check
  return v == v && v > -4.6e18 && v < 4.6e18 ? <i64>v : BAD_INDEX;
}

/** Index i of an index tensor of any integer type, f32 or f64 (BAD_INDEX: not representable). */
function ldAnyIndex(t: i32, p: usize, i: i64): i64 {
  switch (t) {
    case DT_I64: return load<i64>(p + (<usize>i << 3));
    case DT_I32: return <i64>load<i32>(p + (<usize>i << 2));
    case DT_U8: return <i64>load<u8>(p + <usize>i);
    case DT_I8: return <i64>load<i8>(p + <usize>i);
    case DT_U16: return <i64>load<u16>(p + (<usize>i << 1));
    case DT_I16: return <i64>load<i16>(p + (<usize>i << 1));
    case DT_U32: return <i64>load<u32>(p + (<usize>i << 2));
    case DT_U64: { const v = load<u64>(p + (<usize>i << 3)); return v > <u64>i64.MAX_VALUE ? BAD_INDEX : <i64>v; }
    case DT_F32: return truncIndex(<f64>load<f32>(p + (<usize>i << 2)));
    default: return truncIndex(load<f64>(p + (<usize>i << 3)));
  }
}

function okAnyIndex(t: i32): bool {
  return t == DT_I64 || t == DT_I32 || t == DT_U8 || t == DT_I8 || t == DT_U16 || t == DT_I16 || t == DT_U32 || t == DT_U64 || t == DT_F32 || t == DT_F64;
}

export function onehot_any__scalar(esize: i32, y: usize, idx: usize, itype: i32, outer: i32, depth: i32, inner: i32, values: usize): i32 {
  if (!okEsize(esize) || !okAnyIndex(itype)) return ST_TYPE;
  if (outer < 0 || depth < 0 || inner < 0) return ST_DIMS;
  const off = values, on = values + <usize>esize;
  let d = y;
  for (let o: i64 = 0; o < outer; o++) {
    for (let c: i64 = 0; c < depth; c++) {
      for (let i: i64 = 0; i < inner; i++) {
        const v = ldAnyIndex(itype, idx, o * inner + i);
        cpEl(esize, d, v != BAD_INDEX && wrap(v, depth) == c ? on : off);
        d += esize;
      }
    }
  }
  return ST_OK;
}

function triluCheck(esize: i32, batch: i32, rows: i32, cols: i32): i32 {
  if (!okEsize(esize)) return ST_TYPE;
  return batch < 0 || rows < 0 || cols < 0 ? ST_DIMS : ST_OK;
}

export function trilu_any__memcpy(esize: i32, y: usize, x: usize, batch: i32, rows: i32, cols: i32, k: i32, upper: i32): i32 {
  const s = triluCheck(esize, batch, rows, cols);
  if (s != ST_OK) return s;
  const row = <usize>(<i64>cols * esize);
  for (let m: i64 = 0; m < <i64>batch * rows; m++) {
    const i = m % rows, o = <usize>(m * <i64>row);
    // columns kept: [cut, cols) when upper, [0, cut) when lower
    let cut = upper != 0 ? i + k : i + k + 1;
    cut = cut < 0 ? 0 : cut > cols ? cols : cut;
    const c = <usize>(cut * esize);
    if (upper != 0) { memory.fill(y + o, 0, c); memory.copy(y + o + c, x + o + c, row - c); }
    else { memory.copy(y + o, x + o, c); memory.fill(y + o + c, 0, row - c); }
  }
  return ST_OK;
}

export function trilu_any__scalar(esize: i32, y: usize, x: usize, batch: i32, rows: i32, cols: i32, k: i32, upper: i32): i32 {
  const s = triluCheck(esize, batch, rows, cols);
  if (s != ST_OK) return s;
  const total = <i64>batch * rows * cols;
  for (let e: i64 = 0; e < total; e++) {
    const j = e % cols, i = (e / cols) % rows, keep = upper != 0 ? j - i >= <i64>k : j - i <= <i64>k;
    const p = y + <usize>(e * esize);
    if (keep) cpEl(esize, p, x + <usize>(e * esize));
    else for (let b = 0; b < esize; b++) store<u8>(p + b, 0);
  }
  return ST_OK;
}

function countInt(s: i64, l: i64, d: i64): f64 {
  if (d == 0) return -1;
  const diff = l - s;
  if (((s ^ l) & (l ^ diff)) < 0) return -1;   // l - s overflowed i64
  if (d > 0 ? diff <= 0 : diff >= 0) return 0;
  if (d == -1) return -<f64>diff;                // MIN / -1 would trap
  return <f64>(diff / d + (diff % d != 0 ? 1 : 0));
}

function countFloat(diff: f64, d: f64): f64 {
  // ORT's formula: ceil((limit - start) / delta), the difference in the element type
  if (d == 0 || !isFinite(d) || !isFinite(diff)) return -1;
  const n = Math.ceil(diff / d);
  return n > 0 ? n : 0;
}

export function range_count_any__scalar(dtype: i32, start: usize, limit: usize, delta: usize): f64 {
  switch (dtype) {
    case DT_F32: return countFloat(<f64>(load<f32>(limit) - load<f32>(start)), <f64>load<f32>(delta));
    case DT_F64: return countFloat(load<f64>(limit) - load<f64>(start), load<f64>(delta));
    case DT_I64: return countInt(load<i64>(start), load<i64>(limit), load<i64>(delta));
    case DT_I32: return countInt(<i64>load<i32>(start), <i64>load<i32>(limit), <i64>load<i32>(delta));
    case DT_I16: return countInt(<i64>load<i16>(start), <i64>load<i16>(limit), <i64>load<i16>(delta));
    case DT_I8: return countInt(<i64>load<i8>(start), <i64>load<i8>(limit), <i64>load<i8>(delta));
    case DT_U8: return countInt(<i64>load<u8>(start), <i64>load<u8>(limit), <i64>load<u8>(delta));
    case DT_U16: return countInt(<i64>load<u16>(start), <i64>load<u16>(limit), <i64>load<u16>(delta));
    case DT_U32: return countInt(<i64>load<u32>(start), <i64>load<u32>(limit), <i64>load<u32>(delta));
    default: return -2;
  }
}

function rangeTyped<T>(y: usize, start: usize, delta: usize, n: i64): void {
  const s = load<T>(start), d = load<T>(delta);
  for (let i: i64 = 0; i < n; i++) store<T>(y + (<usize>i << alignof<T>()), <T>(s + <T>i * d));
}

export function range_any__scalar(dtype: i32, y: usize, start: usize, delta: usize, n: i32): i32 {
  if (n < 0) return ST_DIMS;
  if (dtype == DT_F32) rangeTyped<f32>(y, start, delta, n);
  else if (dtype == DT_F64) rangeTyped<f64>(y, start, delta, n);
  else if (dtype == DT_I64) rangeTyped<i64>(y, start, delta, n);
  else if (dtype == DT_I32) rangeTyped<i32>(y, start, delta, n);
  else if (dtype == DT_I16) rangeTyped<i16>(y, start, delta, n);
  else if (dtype == DT_I8) rangeTyped<i8>(y, start, delta, n);
  else if (dtype == DT_U8) rangeTyped<u8>(y, start, delta, n);
  else if (dtype == DT_U16) rangeTyped<u16>(y, start, delta, n);
  else if (dtype == DT_U32) rangeTyped<u32>(y, start, delta, n);
  else return ST_TYPE;
  return ST_OK;
}

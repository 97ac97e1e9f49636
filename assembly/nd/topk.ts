// topk_any__scalar(dtype, yv, yi, x, outer, n, inner, k, largest, scratch): the k largest (or
// smallest) of each of the outer * inner lanes of x [outer, n, inner], sorted, ties in index
// order (lower index first), into yv [outer, k, inner] (x's type) and yi [outer, k, inner] (i64).
// NaN ranks above every number (first when largest, last when smallest). scratch: 16 * n bytes.
// One stable bottom-up merge sort per lane: the order is a total order, so the result does not
// depend on the algorithm. see: ONNX TopK, opset 11 (sorted = 0 may keep any order: Alloy sorts).
// Statuses: nd/idx.ts.

import { ST_OK, ST_TYPE, ST_DIMS } from "./idx";
import { dtypeBytes } from "./scatter";
import { decodeFloat } from "../formats/scalar";
import { DT_F32, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_BOOL, DT_F16, DT_F64, DT_U32, DT_U64, DT_BF16 } from "./dtype";

// @ts-ignore: decorator
@inline function keyF(dtype: i32, p: usize): f64 {
  switch (dtype) {
    case DT_F32: return <f64>load<f32>(p);
    case DT_F64: return load<f64>(p);
    case DT_F16: return <f64>decodeFloat(1, <u32>load<u16>(p));   // format row 1: f16
    case DT_BF16: return <f64>reinterpret<f32>(<u32>load<u16>(p) << 16);
    case DT_I32: return <f64>load<i32>(p);
    case DT_U32: return <f64>load<u32>(p);
    case DT_I16: return <f64>load<i16>(p);
    case DT_U16: return <f64>load<u16>(p);
    case DT_I8: return <f64>load<i8>(p);
    default: return <f64>load<u8>(p);
  }
}

// @ts-ignore: decorator
@inline function before<K>(a: K, b: K, largest: bool): bool {
  if (isFloat<K>()) {
    if (largest) return a > b || (a != a && b == b);
    return a < b || (a == a && b != b);
  }
  return largest ? a > b : a < b;
}

function lanes<K>(dtype: i32, es: i32, yv: usize, yi: usize, x: usize, outer: i64, n: i64, inner: i64, k: i64, largest: bool, scratch: usize): void {
  const V = scratch, I = scratch + <usize>(n << 3), J = I + <usize>(n << 2);
  for (let o: i64 = 0; o < outer; o++) {
    for (let l: i64 = 0; l < inner; l++) {
      const base = o * n * inner + l;
      for (let j: i64 = 0; j < n; j++) {
        const p = x + <usize>((base + j * inner) * es);
        let v: K;
        if (isFloat<K>()) v = <K>keyF(dtype, p);
        else v = <K>load<K>(p);
        store<K>(V + <usize>(j << 3), v);
        store<i32>(I + <usize>(j << 2), <i32>j);
      }
      // bottom-up merge sort of the indices (stable: runs merge left first on ties)
      let src = I, dst = J;
      for (let w: i64 = 1; w < n; w <<= 1) {
        for (let lo: i64 = 0; lo < n; lo += 2 * w) {
          const mid = min(lo + w, n), hi = min(lo + 2 * w, n);
          let a = lo, b = mid, t = lo;
          while (a < mid && b < hi) {
            const ia = load<i32>(src + <usize>(a << 2)), ib = load<i32>(src + <usize>(b << 2));
            if (before<K>(load<K>(V + (<usize>ib << 3)), load<K>(V + (<usize>ia << 3)), largest)) { store<i32>(dst + <usize>(t << 2), ib); b++; }
            else { store<i32>(dst + <usize>(t << 2), ia); a++; }
            t++;
          }
          for (; a < mid; a++, t++) store<i32>(dst + <usize>(t << 2), load<i32>(src + <usize>(a << 2)));
          for (; b < hi; b++, t++) store<i32>(dst + <usize>(t << 2), load<i32>(src + <usize>(b << 2)));
        }
        const s = src; src = dst; dst = s;
      }
      for (let r: i64 = 0; r < k; r++) {
        const j = <i64>load<i32>(src + <usize>(r << 2)), e = (o * k + r) * inner + l;
        memory.copy(yv + <usize>(e * es), x + <usize>((base + j * inner) * es), <usize>es);
        store<i64>(yi + <usize>(e << 3), j);
      }
    }
  }
}

export function topk_any__scalar(dtype: i32, yv: usize, yi: usize, x: usize, outer: i32, n: i32, inner: i32, k: i32, largest: i32, scratch: usize): i32 {
  const es = dtypeBytes(dtype);
  if (es == 0 || dtype == DT_BOOL) return ST_TYPE;
  if (outer < 0 || n < 0 || inner < 0 || k < 0 || k > n) return ST_DIMS;
  if (dtype == DT_I64) lanes<i64>(dtype, es, yv, yi, x, outer, n, inner, k, largest != 0, scratch);
  else if (dtype == DT_U64) lanes<u64>(dtype, es, yv, yi, x, outer, n, inner, k, largest != 0, scratch);
  else lanes<f64>(dtype, es, yv, yi, x, outer, n, inner, k, largest != 0, scratch);
  return ST_OK;
}

// Unique slices along an axis (see: ONNX Unique, opset 11). x is viewed as [outer, A, inner]
// (no axis: [1, n, 1]); slice a is x[:, a, :], compared lexicographically element by element in
// the element type (floats: -0 == 0, NaNs equal to each other and after every number; f16 / bf16 refused).
//   unique_any__scalar(dtype, x, outer, A, inner, sorted, y, idx, inv, cnt, work) -> U (the
//     number of unique slices; -1 bad dtype, -2 bad dims). Outputs, each skipped when 0:
//     y [outer, U, inner] the unique slices (ascending when sorted, else by first occurrence),
//     idx i64 [U] each one's first index, inv i64 [A] each slice's place in y, cnt i64 [U].
//   work: 4 * A i32s. A stable merge sort of the slice numbers, then one pass over equal runs.

import { DT_F32, DT_F64, DT_F16, DT_BF16, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_U32, DT_U64 } from "./dtype";
import { cpEl } from "./idx";
import { dtypeBytes } from "./scatter";

// @ts-ignore: decorator
@inline function cmpF(a: f64, b: f64): i32 {
  const na = a != a, nb = b != b;
  if (na || nb) return na && nb ? 0 : na ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpEl(t: i32, p: usize, q: usize): i32 {
  switch (t) {
    case DT_F32: return cmpF(<f64>load<f32>(p), <f64>load<f32>(q));
    case DT_F64: return cmpF(load<f64>(p), load<f64>(q));
    case DT_I8: { const a = load<i8>(p), b = load<i8>(q); return a < b ? -1 : a > b ? 1 : 0; }
    case DT_I16: { const a = load<i16>(p), b = load<i16>(q); return a < b ? -1 : a > b ? 1 : 0; }
    case DT_I32: { const a = load<i32>(p), b = load<i32>(q); return a < b ? -1 : a > b ? 1 : 0; }
    case DT_I64: { const a = load<i64>(p), b = load<i64>(q); return a < b ? -1 : a > b ? 1 : 0; }
    case DT_U16: { const a = load<u16>(p), b = load<u16>(q); return a < b ? -1 : a > b ? 1 : 0; }
    case DT_U32: { const a = load<u32>(p), b = load<u32>(q); return a < b ? -1 : a > b ? 1 : 0; }
    case DT_U64: { const a = load<u64>(p), b = load<u64>(q); return a < b ? -1 : a > b ? 1 : 0; }
    default: { const a = load<u8>(p), b = load<u8>(q); return a < b ? -1 : a > b ? 1 : 0; }
  }
}

/** Slices a and b compared lexicographically over (o, i). */
function cmpSlice(t: i32, es: i32, x: usize, outer: i32, A: i32, inner: i32, a: i32, b: i32): i32 {
  for (let o: i64 = 0; o < outer; o++) {
    for (let i: i64 = 0; i < inner; i++) {
      const pa = x + <usize>(((o * A + a) * inner + i) * es), pb = x + <usize>(((o * A + b) * inner + i) * es);
      const c = cmpEl(t, pa, pb);
      if (c != 0) return c;
    }
  }
  return 0;
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2); }

export function unique_any__scalar(dtype: i32, x: usize, outer: i32, A: i32, inner: i32, sorted: i32, y: usize, idx: usize, inv: usize, cnt: usize, work: usize): i32 {
  const es = dtypeBytes(dtype);
  if (es == 0 || dtype == DT_F16 || dtype == DT_BF16) return -1;
  if (outer < 0 || A < 0 || inner < 0) return -2;
  const perm = work, tmp = work + (<usize>A << 2), first = work + (<usize>A << 3), place = work + (<usize>A * 12);
  for (let a = 0; a < A; a++) store<i32>(at(perm, a), a);
  // bottom-up stable merge sort of perm by slice
  for (let w = 1; w < A; w <<= 1) {
    for (let lo = 0; lo < A; lo += w << 1) {
      const mid = min(lo + w, A), hi = min(lo + (w << 1), A);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const pi = load<i32>(at(perm, i)), pj = load<i32>(at(perm, j));
        if (cmpSlice(dtype, es, x, outer, A, inner, pj, pi) < 0) { store<i32>(at(tmp, k++), pj); j++; } else { store<i32>(at(tmp, k++), pi); i++; }
      }
      while (i < mid) store<i32>(at(tmp, k++), load<i32>(at(perm, i++)));
      while (j < hi) store<i32>(at(tmp, k++), load<i32>(at(perm, j++)));
    }
    memory.copy(perm, tmp, <usize>A << 2);
  }
  // runs of equal slices: run u starts at its smallest original index (the sort is stable)
  let U = 0;
  for (let s = 0; s < A; s++) {
    const p = load<i32>(at(perm, s));
    if (s == 0 || cmpSlice(dtype, es, x, outer, A, inner, load<i32>(at(perm, s - 1)), p) != 0) store<i32>(at(first, U++), p);
    store<i32>(at(tmp, p), U - 1); // tmp[a]: the sorted run of slice a
  }
  // place[u]: where sorted run u goes; unsorted: by first occurrence (runs in order of first index)
  if (sorted != 0) {
    for (let u = 0; u < U; u++) store<i32>(at(place, u), u);
  } else {
    let k = 0;
    for (let a = 0; a < A; a++) {
      const u = load<i32>(at(tmp, a));
      if (load<i32>(at(first, u)) == a) store<i32>(at(place, u), k++);
    }
  }
  for (let u = 0; u < U; u++) {
    const f = load<i32>(at(first, u)), q = load<i32>(at(place, u));
    if (idx != 0) store<i64>(idx + (<usize>q << 3), <i64>f);
    if (cnt != 0) store<i64>(cnt + (<usize>q << 3), 0);
    if (y != 0) {
      for (let o: i64 = 0; o < outer; o++) {
        for (let i: i64 = 0; i < inner; i++) cpEl(es, y + <usize>(((o * U + q) * inner + i) * es), x + <usize>(((o * A + f) * inner + i) * es));
      }
    }
  }
  for (let a = 0; a < A; a++) {
    const q = load<i32>(at(place, load<i32>(at(tmp, a))));
    if (inv != 0) store<i64>(inv + (<usize>a << 3), <i64>q);
    if (cnt != 0) store<i64>(cnt + (<usize>q << 3), load<i64>(cnt + (<usize>q << 3)) + 1);
  }
  return U;
}

// N-d data movement on elements of any size (es = 1, 2, 4 or 8 bytes; bits copied, NaN payloads
// kept), rank 0-8, dims / perm / starts / steps / repeats as i32 arrays, outermost axis first.
// Every kernel returns 0 ok, 1 bad element size, 2 bad dims / arguments (nothing written).
//   transpose_nd_any__simd128(es, y, x, rank, dims, perm)  see: ONNX Transpose, opset 21
//     4-byte elements up to rank 6 take transpose_x32__simd128_4x4 (kernels/shape.ts).
//   slice_nd_any__simd128(es, y, x, rank, dims, starts, steps, ydims)  see: ONNX Slice, opset 13
//     y[k] = x[starts + k * steps] per axis; the host clamps (negative steps allowed); the kernel
//     refuses any start / last index outside [0, dim) on a non-empty output.
//   expand_nd_any__simd128(es, y, x, rank, dims)  see: ONNX Expand, opset 13
//     dims: y's dims, then x's right-aligned to rank (each y's or 1).
//   tile_nd_any__simd128(es, y, x, rank, dims, repeats)  see: ONNX Tile, opset 13
// The __simd128 kernels coalesce the view (drop size-1 axes, merge axes contiguous in x) and copy
// each innermost run with memory.copy / v128 moves (stride 1), a splat fill (stride 0) or an
// element loop; the __scalar references compute each element's source from its multi-index.

export const MAXR = 8;
// A view of at most 2 * MAXR axes (Tile doubles the rank): dims, x strides (elements), odometer.
const GR = 2 * MAXR;
const GD = new StaticArray<i64>(GR);
const GS = new StaticArray<i64>(GR);
const GI = new StaticArray<i64>(GR);
const XS = new StaticArray<i64>(MAXR);   // x's dense strides
// Largest tensor a kernel takes, in bytes (offsets stay exact in i64, pointers in u32).
const MAX_BYTES: i64 = 0xFFFFFFFF;

// @ts-ignore: decorator
@inline export function gi(p: usize, i: i32): i64 { return <i64>load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function okEs(es: i32): bool { return es == 1 || es == 2 || es == 4 || es == 8; }
// @ts-ignore: decorator
@inline export function at(p: usize, i: i64, es: i32): usize { return p + <usize>(i * <i64>es); }

/** Element count of rank dims at p (i32s), or -1 when one is negative or the bytes exceed MAX_BYTES. */
export function count(p: usize, rank: i32, es: i32): i64 {
  let t: i64 = 1;
  for (let i = 0; i < rank; i++) {
    const d = gi(p, i);
    if (d < 0) return -1;
    t *= d;
    if (t * <i64>es > MAX_BYTES) return -1;
  }
  return t;
}

/** x's dense element strides (XS) for rank dims at p. */
export function strides(p: usize, rank: i32): void {
  let s: i64 = 1;
  for (let i = rank - 1; i >= 0; i--) { unchecked(XS[i] = s); s *= gi(p, i); }
}
// @ts-ignore: decorator
@inline export function xs(i: i32): i64 { return unchecked(XS[i]); }

/** Copies one element of es bytes. */
// @ts-ignore: decorator
@inline export function copyEl(es: i32, dst: usize, src: usize): void {
  if (es == 4) store<u32>(dst, load<u32>(src));
  else if (es == 8) store<u64>(dst, load<u64>(src));
  else if (es == 2) store<u16>(dst, load<u16>(src));
  else store<u8>(dst, load<u8>(src));
}

/** n bytes, no overlap: v128 moves for short runs (memory.copy is a call), memory.copy otherwise. */
export function copyBytes(dst: usize, src: usize, n: usize): void {
  if (n >= 128) { memory.copy(dst, src, n); return; }
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** n copies of the element at src (es bytes). */
export function fillEl(es: i32, dst: usize, src: usize, n: i64): void {
  const bytes = <usize>(n * <i64>es);
  if (es == 1) { memory.fill(dst, load<u8>(src), bytes); return; }
  const v = es == 2 ? v128.load16_splat(src) : es == 4 ? v128.load32_splat(src) : v128.load64_splat(src);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v);
  for (; i < bytes; i += <usize>es) copyEl(es, dst + i, src);
}

function runT<T>(y: usize, x: usize, n: i64, s: i64): void {
  const sz = <i64>sizeof<T>();
  for (let i: i64 = 0; i < n; i++) store<T>(y + <usize>(i * sz), load<T>(x + <usize>(i * s * sz)));
}

// One innermost run of n elements at x stride s (x may step backwards: the address wraps in u32
// to the right element, which the bounds check proved inside x).
function run(es: i32, y: usize, x: usize, n: i64, s: i64): void {
  if (s == 1) copyBytes(y, x, <usize>(n * <i64>es));
  else if (s == 0) fillEl(es, y, x, n);
  else if (es == 4) runT<u32>(y, x, n, s);
  else if (es == 8) runT<u64>(y, x, n, s);
  else if (es == 2) runT<u16>(y, x, n, s);
  else runT<u8>(y, x, n, s);
}

/** Sets axis k of the view (outermost first). */
// @ts-ignore: decorator
@inline export function setAxis(k: i32, d: i64, s: i64): void { unchecked(GD[k] = d); unchecked(GS[k] = s); }

/** Copies the view set by setAxis (r axes, x + base elements) densely to y. false (nothing
 *  written) when a non-empty view reaches outside x's xn elements. */
export function gather(es: i32, y: usize, x: usize, base: i64, r: i32, xn: i64): bool {
  let lo = base, hi = base;
  for (let k = 0; k < r; k++) {
    const d = unchecked(GD[k]), e = (d - 1) * unchecked(GS[k]);
    if (d == 0) return true;
    if (e < 0) lo += e; else hi += e;
  }
  if (lo < 0 || hi >= xn) return false;
  // coalesce: drop size-1 axes, merge an axis into the kept one outside it when x steps through
  // the pair as one run (stride[outer] == stride[inner] * dim[inner])
  let w = 0;
  for (let k = 0; k < r; k++) {
    const d = unchecked(GD[k]), s = unchecked(GS[k]);
    if (d == 1) continue;
    if (w > 0 && unchecked(GS[w - 1]) == s * d) { unchecked(GD[w - 1] = unchecked(GD[w - 1]) * d); unchecked(GS[w - 1] = s); continue; }
    unchecked(GD[w] = d); unchecked(GS[w] = s); unchecked(GI[w] = 0); w++;
  }
  if (w == 0) { copyEl(es, y, at(x, base, es)); return true; }
  const n = unchecked(GD[w - 1]), s = unchecked(GS[w - 1]);
  const rowBytes = <usize>(n * <i64>es);
  let off = base, yp = y;
  while (true) {
    run(es, yp, at(x, off, es), n, s);
    yp += rowBytes;
    let k = w - 2;
    for (; k >= 0; k--) {
      const v = unchecked(GI[k]) + 1;
      if (v < unchecked(GD[k])) { unchecked(GI[k] = v); off += unchecked(GS[k]); break; }
      unchecked(GI[k] = 0);
      off -= (unchecked(GD[k]) - 1) * unchecked(GS[k]);
    }
    if (k < 0) break;
  }
  return true;
}

function validPerm(perm: usize, rank: i32): bool {
  let seen = 0;
  for (let i = 0; i < rank; i++) {
    const p = <i32>gi(perm, i);
    if (p < 0 || p >= rank || (seen & (1 << p)) != 0) return false;
    seen |= 1 << p;
  }
  return true;
}

// ---------------------------------------------------------------- transpose

import { transpose_x32__simd128_4x4 } from "../kernels/shape";

export function transpose_nd_any__simd128(es: i32, y: usize, x: usize, rank: i32, dims: usize, perm: usize): i32 {
  if (!okEs(es)) return 1;
  if (rank < 0 || rank > MAXR || !validPerm(perm, rank)) return 2;
  const n = count(dims, rank, es);
  if (n < 0) return 2;
  if (es == 4 && rank <= 6 && n <= (<i64>1 << 28)) return transpose_x32__simd128_4x4(x, y, rank, dims, perm) == 0 ? 0 : 2;
  strides(dims, rank);
  for (let j = 0; j < rank; j++) { const a = <i32>gi(perm, j); setAxis(j, gi(dims, a), xs(a)); }
  return gather(es, y, x, 0, rank, n) ? 0 : 2;
}

export function transpose_nd_any__scalar(es: i32, y: usize, x: usize, rank: i32, dims: usize, perm: usize): i32 {
  if (!okEs(es)) return 1;
  if (rank < 0 || rank > MAXR || !validPerm(perm, rank)) return 2;
  const n = count(dims, rank, es);
  if (n < 0) return 2;
  strides(dims, rank);
  for (let o: i64 = 0; o < n; o++) {
    let rem = o, src: i64 = 0;
    for (let j = rank - 1; j >= 0; j--) {
      const a = <i32>gi(perm, j), d = gi(dims, a);
      src += (rem % d) * xs(a); rem /= d;
    }
    copyEl(es, at(y, o, es), at(x, src, es));
  }
  return 0;
}

// ---------------------------------------------------------------- slice

// Checks starts / steps against dims for every axis of a non-empty output; the output count or -1.
function sliceCheck(es: i32, rank: i32, dims: usize, starts: usize, steps: usize, ydims: usize): i64 {
  if (rank < 0 || rank > MAXR || count(dims, rank, es) < 0) return -1;
  const n = count(ydims, rank, es);
  if (n <= 0) return n;
  for (let i = 0; i < rank; i++) {
    const d = gi(dims, i), b = gi(starts, i), st = gi(steps, i), last = b + (gi(ydims, i) - 1) * st;
    if (st == 0 || b < 0 || b >= d || last < 0 || last >= d) return -1;
  }
  return n;
}

export function slice_nd_any__simd128(es: i32, y: usize, x: usize, rank: i32, dims: usize, starts: usize, steps: usize, ydims: usize): i32 {
  if (!okEs(es)) return 1;
  const n = sliceCheck(es, rank, dims, starts, steps, ydims);
  if (n < 0) return 2;
  if (n == 0) return 0;
  strides(dims, rank);
  let base: i64 = 0;
  for (let i = 0; i < rank; i++) { base += gi(starts, i) * xs(i); setAxis(i, gi(ydims, i), gi(steps, i) * xs(i)); }
  return gather(es, y, x, base, rank, count(dims, rank, es)) ? 0 : 2;
}

export function slice_nd_any__scalar(es: i32, y: usize, x: usize, rank: i32, dims: usize, starts: usize, steps: usize, ydims: usize): i32 {
  if (!okEs(es)) return 1;
  const n = sliceCheck(es, rank, dims, starts, steps, ydims);
  if (n < 0) return 2;
  strides(dims, rank);
  for (let o: i64 = 0; o < n; o++) {
    let rem = o, src: i64 = 0;
    for (let i = rank - 1; i >= 0; i--) {
      const d = gi(ydims, i);
      src += (gi(starts, i) + (rem % d) * gi(steps, i)) * xs(i); rem /= d;
    }
    copyEl(es, at(y, o, es), at(x, src, es));
  }
  return 0;
}

// ---------------------------------------------------------------- expand

// y's element count, or -1 when x's dims (dims + rank) are not y's or 1.
function expandCheck(es: i32, rank: i32, dims: usize): i64 {
  if (rank < 0 || rank > MAXR) return -1;
  const n = count(dims, rank, es);
  if (n < 0 || count(dims + (<usize>rank << 2), rank, es) < 0) return -1;
  for (let i = 0; i < rank; i++) { const e = gi(dims, rank + i); if (e != 1 && e != gi(dims, i)) return -1; }
  return n;
}

export function expand_nd_any__simd128(es: i32, y: usize, x: usize, rank: i32, dims: usize): i32 {
  if (!okEs(es)) return 1;
  const n = expandCheck(es, rank, dims);
  if (n < 0) return 2;
  const xd = dims + (<usize>rank << 2);
  strides(xd, rank);
  for (let i = 0; i < rank; i++) setAxis(i, gi(dims, i), gi(xd, i) == 1 ? 0 : xs(i));
  return gather(es, y, x, 0, rank, count(xd, rank, es)) ? 0 : 2;
}

export function expand_nd_any__scalar(es: i32, y: usize, x: usize, rank: i32, dims: usize): i32 {
  if (!okEs(es)) return 1;
  const n = expandCheck(es, rank, dims);
  if (n < 0) return 2;
  const xd = dims + (<usize>rank << 2);
  strides(xd, rank);
  for (let o: i64 = 0; o < n; o++) {
    let rem = o, src: i64 = 0;
    for (let i = rank - 1; i >= 0; i--) {
      const d = gi(dims, i);
      if (gi(xd, i) != 1) src += (rem % d) * xs(i);
      rem /= d;
    }
    copyEl(es, at(y, o, es), at(x, src, es));
  }
  return 0;
}

// ---------------------------------------------------------------- tile

// y's element count (dims[i] * repeats[i]), or -1 for a negative repeat or too many bytes.
function tileCheck(es: i32, rank: i32, dims: usize, reps: usize): i64 {
  if (rank < 0 || rank > MAXR || count(dims, rank, es) < 0) return -1;
  let t: i64 = 1;
  for (let i = 0; i < rank; i++) {
    const r = gi(reps, i);
    if (r < 0) return -1;
    t *= gi(dims, i) * r;
    if (t * <i64>es > MAX_BYTES) return -1;
  }
  return t;
}

export function tile_nd_any__simd128(es: i32, y: usize, x: usize, rank: i32, dims: usize, reps: usize): i32 {
  if (!okEs(es)) return 1;
  const n = tileCheck(es, rank, dims, reps);
  if (n < 0) return 2;
  strides(dims, rank);
  // y as [r0, d0, r1, d1, ...] over x strides [0, s0, 0, s1, ...]
  for (let i = 0; i < rank; i++) { setAxis(2 * i, gi(reps, i), 0); setAxis(2 * i + 1, gi(dims, i), xs(i)); }
  return gather(es, y, x, 0, 2 * rank, count(dims, rank, es)) ? 0 : 2;
}

export function tile_nd_any__scalar(es: i32, y: usize, x: usize, rank: i32, dims: usize, reps: usize): i32 {
  if (!okEs(es)) return 1;
  const n = tileCheck(es, rank, dims, reps);
  if (n < 0) return 2;
  strides(dims, rank);
  for (let o: i64 = 0; o < n; o++) {
    let rem = o, src: i64 = 0;
    for (let i = rank - 1; i >= 0; i--) {
      const d = gi(dims, i), od = d * gi(reps, i);
      src += ((rem % od) % d) * xs(i); rem /= od;
    }
    copyEl(es, at(y, o, es), at(x, src, es));
  }
  return 0;
}

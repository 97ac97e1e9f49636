// Data movement on f32 tensors (row-major; images NHWC): Transpose, Pad, Concat, plus PRelu.
// Pure data movement copies bits (NaN payloads and -0 kept); every fast path is checked bit for
// bit against its scalar _ref. dims / perm / pads are i32 arrays in wasm memory.
//
// transpose_x32__simd128_4x4(x, y, rank, dimsPtr, permPtr) -> 0 | 1
//   ONNX Transpose: y has dims[perm[j]] on axis j; y[i_0..i_r-1] = x at index i with
//   i[perm[j]] = i_j. rank 0..6 (rank 0 copies one value). Returns 1 (nothing written) when rank is
//   out of range, perm is not a permutation of 0..rank-1 or a dim is negative / the size overflows.
//   Fast path: axes of size 1 are dropped and input axes that stay adjacent and in order are
//   merged; what is left is a copy (rank <= 1), a batched 2-D transpose ([B, R, C] -> [B, C, R],
//   covering 2-D, the last-two-axes swap, NCHW->NHWC [0,2,3,1] and NHWC->NCHW [0,3,1,2]) done in
//   4x4 SIMD blocks, or a general odometer loop (memory.copy when the last axis stays last).
// transpose_x32__scalar: one element at a time, unmerged, same result.
//
// pad_x32__simd128(x, y, rank, dimsPtr, padsPtr, mode, value) -> 0 | 1
//   ONNX Pad: pads = [begin_0..begin_{r-1}, end_0..end_{r-1}], all >= 0 (no cropping);
//   y dims = dims + begin + end. mode 0 constant (value), 1 reflect, 2 edge. For output index o on
//   an axis of size d with begin b, i = o - b; inside [0, d) it is i; else constant -> value,
//   edge -> clamp(i, 0, d-1), reflect -> numpy.pad 'reflect' (the edge value is not repeated:
//   -1 -> 1, d -> d-2), applied periodically (period 2(d-1)) when a pad is >= d, and d == 1
//   reflects to 0. rank 1..6. Returns 1 for a bad rank, mode, negative dim or pad, or
//   reflect/edge of an empty axis into a non-empty output.
// pad_x32__scalar: one element at a time, same result.
//
// concat_x32__memcpy(x, y, outer, inner, axisIn, axisOut, offset) -> 0 | 1
//   Copies x [outer, axisIn, inner] into y [outer, axisOut, inner] at axis positions
//   offset .. offset+axisIn-1 (the host calls it once per Concat input with the running offset).
//   Returns 1 when a size is negative or offset + axisIn > axisOut.
//
// vprelu_f32__simd128(x, slope, y, n, c) -> 0 | 1
//   y[i] = x[i] < 0 ? x[i] * slope[i % c] : x[i] (ONNX PRelu with the slope broadcast on the last
//   axis; c = 1 for a scalar slope). Same as ONNX's x >= 0 ? x : x*slope except that a NaN input
//   is passed through rather than multiplied (both NaN). Returns 1 when c < 1 or n % c != 0.
//   vprelu_f32__scalar is its scalar reference (bitwise equal). In place (y == x) is allowed.
// Kernels read at most 12 bytes past an input (padding contract) and never write past y.
// transpose, pad and concat need y not to overlap x.

export const SHAPE_BAD_ARGS = 1;
const MAXR = 6;

// Scratch (static; the module is single-threaded and these calls do not nest).
const sD = memory.data(4 * 8, 16);     // dims after canonicalisation
const sP = memory.data(4 * 8, 16);     // perm after canonicalisation
const sT = memory.data(4 * 8, 16);     // temporaries
const sU = memory.data(4 * 8, 16);
const sI = memory.data(4 * 8, 16);     // odometer
const sS = memory.data(4 * 8, 16);     // strides

// @ts-ignore: decorator
@inline function gi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function si(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

// Product of dims, or -1 when a dim is negative or the product exceeds 2^28 elements.
function sizeOf(dims: usize, rank: i32): i64 {
  let t: i64 = 1;
  for (let i = 0; i < rank; i++) {
    const d = gi(dims, i);
    if (d < 0) return -1;
    t *= <i64>d;
    if (t > (<i64>1 << 28)) return -1;
  }
  return t;
}

function validPerm(perm: usize, rank: i32): bool {
  let seen = 0;
  for (let i = 0; i < rank; i++) {
    const p = gi(perm, i);
    if (p < 0 || p >= rank || (seen & (1 << p)) != 0) return false;
    seen |= 1 << p;
  }
  return true;
}

// Copy n f32 values (bits): memory.copy for long runs (it is a call in most engines, slow for a
// few bytes), v128 then scalar moves for short ones. dst and src must not overlap.
// @ts-ignore: decorator
@inline export function copyF32(dst: usize, src: usize, n: i32): void {
  if (n >= 64) { memory.copy(dst, src, <usize>n << 2); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<u32>(dst + (<usize>i << 2), load<u32>(src + (<usize>i << 2)));
}

// ---------------------------------------------------------------- transpose

// 4x4 block: rows r..r+3 of x (row length ld_x), columns c..c+3 -> y rows c..c+3 (row length ld_y).
// @ts-ignore: decorator
@inline function block4(xp: usize, ldx: usize, yp: usize, ldy: usize): void {
  const a = v128.load(xp), b = v128.load(xp + ldx), c = v128.load(xp + 2 * ldx), d = v128.load(xp + 3 * ldx);
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5), t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5), t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(yp, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(yp + ldy, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(yp + 2 * ldy, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(yp + 3 * ldy, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// y[b][c][r] = x[b][r][c] for x [B, R, C]: 4x4 SIMD blocks inside 32x32 tiles (so the strided
// writes stay in cache), then the leftover columns and rows one value at a time.
function transpose2d(x: usize, y: usize, B: i32, R: i32, C: i32): void {
  const ldx = <usize>C << 2, ldy = <usize>R << 2;
  const plane = <usize>R * <usize>C << 2;
  const R4 = R & ~3, C4 = C & ~3, T = 32;
  for (let b = 0; b < B; b++) {
    const xb = x + <usize>b * plane, yb = y + <usize>b * plane;
    for (let rb = 0; rb < R4; rb += T) {
      const re = min(rb + T, R4);
      for (let cb = 0; cb < C4; cb += T) {
        const ce = min(cb + T, C4);
        for (let r = rb; r < re; r += 4) for (let c = cb; c < ce; c += 4) {
          block4(xb + <usize>r * ldx + (<usize>c << 2), ldx, yb + <usize>c * ldy + (<usize>r << 2), ldy);
        }
      }
    }
    for (let c = C4; c < C; c++) for (let r = 0; r < R4; r++) {
      store<u32>(yb + <usize>c * ldy + (<usize>r << 2), load<u32>(xb + <usize>r * ldx + (<usize>c << 2)));
    }
    for (let r = R4; r < R; r++) {
      const xr = xb + <usize>r * ldx, yr = yb + (<usize>r << 2);
      for (let c = 0; c < C; c++) store<u32>(yr + <usize>c * ldy, load<u32>(xr + (<usize>c << 2)));
    }
  }
}

// General: out dims od = dims[perm], input stride of out axis j = stride[perm[j]].
function transposeGeneral(x: usize, y: usize, rank: i32, dims: usize, perm: usize): void {
  // input strides (elements)
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) { si(sT, i, s); s *= gi(dims, i); }
  for (let j = 0; j < rank; j++) { si(sS, j, gi(sT, gi(perm, j))); si(sU, j, gi(dims, gi(perm, j))); si(sI, j, 0); }
  const inner = gi(sU, rank - 1), istr = <usize>gi(sS, rank - 1) << 2;
  const total = s;
  let src: usize = 0, yp = y;
  for (let done = 0; done < total; done += inner) {
    const xp = x + (src << 2);
    if (istr == 4) copyF32(yp, xp, inner);
    else for (let k = 0; k < inner; k++) store<u32>(yp + (<usize>k << 2), load<u32>(xp + <usize>k * istr));
    yp += <usize>inner << 2;
    // odometer over out axes rank-2 .. 0
    for (let j = rank - 2; j >= 0; j--) {
      const v = gi(sI, j) + 1;
      if (v < gi(sU, j)) { si(sI, j, v); src += <usize>gi(sS, j); break; }
      si(sI, j, 0);
      src -= <usize>(gi(sU, j) - 1) * <usize>gi(sS, j);
    }
  }
}

export function transpose_x32__simd128_4x4(x: usize, y: usize, rank: i32, dimsPtr: usize, permPtr: usize): i32 {
  if (rank < 0 || rank > MAXR || !validPerm(permPtr, rank)) return SHAPE_BAD_ARGS;
  const total = sizeOf(dimsPtr, rank);
  if (total < 0) return SHAPE_BAD_ARGS;
  if (total == 0) return 0;
  // Drop size-1 axes: new index of input axis i in sT (or -1), kept dims in sU.
  let k = 0;
  for (let i = 0; i < rank; i++) {
    const d = gi(dimsPtr, i);
    if (d == 1) si(sT, i, -1); else { si(sT, i, k); si(sU, k, d); k++; }
  }
  // Output order of kept axes (compressed input numbering) in sI.
  let m = 0;
  for (let j = 0; j < rank; j++) { const q = gi(sT, gi(permPtr, j)); if (q >= 0) { si(sI, m, q); m++; } }
  // Merge runs q, q+1, ... that are adjacent in the output. Group g starts at output pos start[g];
  // its first input axis is sI[start]; group size in sS[g]; group first axis in sT[g].
  let g = 0;
  for (let j = 0; j < m; j++) {
    if (j > 0 && gi(sI, j) == gi(sI, j - 1) + 1) { si(sS, g - 1, gi(sS, g - 1) * gi(sU, gi(sI, j))); continue; }
    si(sT, g, gi(sI, j)); si(sS, g, gi(sU, gi(sI, j))); g++;
  }
  // Groups in input order: rank of group h = number of groups whose first axis is smaller.
  for (let h = 0; h < g; h++) {
    let rk = 0;
    for (let o = 0; o < g; o++) if (gi(sT, o) < gi(sT, h)) rk++;
    si(sP, h, rk); si(sD, rk, gi(sS, h));
  }
  if (g <= 1) { memory.copy(y, x, <usize>total << 2); return 0; }
  if (g == 2) { transpose2d(x, y, 1, gi(sD, 0), gi(sD, 1)); return 0; }   // perm [1, 0]
  if (g == 3 && gi(sP, 0) == 0) { transpose2d(x, y, gi(sD, 0), gi(sD, 1), gi(sD, 2)); return 0; }  // [0, 2, 1]
  transposeGeneral(x, y, g, sD, sP);
  return 0;
}

export function transpose_x32__scalar(x: usize, y: usize, rank: i32, dimsPtr: usize, permPtr: usize): i32 {
  if (rank < 0 || rank > MAXR || !validPerm(permPtr, rank)) return SHAPE_BAD_ARGS;
  const total = <i32>sizeOf(dimsPtr, rank);
  if (total < 0) return SHAPE_BAD_ARGS;
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) { si(sT, i, s); s *= gi(dimsPtr, i); }
  for (let o = 0; o < total; o++) {
    // output multi-index (row-major over dims[perm]) -> input offset
    let rem = o, src = 0;
    for (let j = rank - 1; j >= 0; j--) {
      const a = gi(permPtr, j), d = gi(dimsPtr, a);
      src += (rem % d) * gi(sT, a);
      rem = rem / d;
    }
    store<u32>(y + (<usize>o << 2), load<u32>(x + (<usize>src << 2)));
  }
  return 0;
}

// ---------------------------------------------------------------- pad

// Source index on one axis, or -1 for the constant value.
// @ts-ignore: decorator
@inline function padSrc(o: i32, b: i32, d: i32, mode: i32): i32 {
  let i = o - b;
  if (i >= 0 && i < d) return i;
  if (mode == 0) return -1;
  if (mode == 2) return i < 0 ? 0 : d - 1;
  if (d == 1) return 0;
  const period = 2 * (d - 1);
  i = i % period;
  if (i < 0) i += period;
  return i >= d ? period - i : i;
}

function padBad(rank: i32, dims: usize, pads: usize, mode: i32): bool {
  if (rank < 1 || rank > MAXR || mode < 0 || mode > 2) return true;
  if (sizeOf(dims, rank) < 0) return true;
  let t: i64 = 1;
  let emptyIn = false;
  for (let i = 0; i < rank; i++) {
    const b = gi(pads, i), e = gi(pads, rank + i);
    if (b < 0 || e < 0) return true;
    const o = <i64>gi(dims, i) + <i64>b + <i64>e;
    t *= o;
    if (t > (<i64>1 << 28)) return true;
    if (gi(dims, i) == 0) emptyIn = true;
  }
  return mode != 0 && emptyIn && t > 0;
}

// @ts-ignore: decorator
@inline function fill(y: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), value);
}

export function pad_x32__simd128(x: usize, y: usize, rank: i32, dimsPtr: usize, padsPtr: usize, mode: i32, value: f32): i32 {
  if (padBad(rank, dimsPtr, padsPtr, mode)) return SHAPE_BAD_ARGS;
  // out dims (sU), input strides (sS), odometer (sI)
  let s = 1, tot = 1;
  for (let i = rank - 1; i >= 0; i--) {
    si(sS, i, s); s *= gi(dimsPtr, i);
    const o = gi(dimsPtr, i) + gi(padsPtr, i) + gi(padsPtr, rank + i);
    si(sU, i, o); si(sI, i, 0); tot *= o;
  }
  if (tot == 0) return 0;
  const L = rank - 1;
  const ow = gi(sU, L), dw = gi(dimsPtr, L), bw = gi(padsPtr, L);
  const ew = ow - bw - dw;
  let yp = y;
  for (let done = 0; done < tot; done += ow) {
    // source row offset, or -1 when some outer axis falls in constant padding
    let src = 0;
    for (let i = 0; i < L; i++) {
      const q = padSrc(gi(sI, i), gi(padsPtr, i), gi(dimsPtr, i), mode);
      if (q < 0) { src = -1; break; }
      src += q * gi(sS, i);
    }
    if (src < 0 || (mode == 0 && dw == 0)) fill(yp, ow, value);
    else {
      const xr = x + (<usize>src << 2);
      if (mode == 0) fill(yp, bw, value);
      else for (let k = 0; k < bw; k++) store<u32>(yp + (<usize>k << 2), load<u32>(xr + (<usize>padSrc(k, bw, dw, mode) << 2)));
      copyF32(yp + (<usize>bw << 2), xr, dw);
      const yr = yp + (<usize>(bw + dw) << 2);
      if (mode == 0) fill(yr, ew, value);
      else for (let k = 0; k < ew; k++) store<u32>(yr + (<usize>k << 2), load<u32>(xr + (<usize>padSrc(bw + dw + k, bw, dw, mode) << 2)));
    }
    yp += <usize>ow << 2;
    for (let i = L - 1; i >= 0; i--) {
      const v = gi(sI, i) + 1;
      if (v < gi(sU, i)) { si(sI, i, v); break; }
      si(sI, i, 0);
    }
  }
  return 0;
}

export function pad_x32__scalar(x: usize, y: usize, rank: i32, dimsPtr: usize, padsPtr: usize, mode: i32, value: f32): i32 {
  if (padBad(rank, dimsPtr, padsPtr, mode)) return SHAPE_BAD_ARGS;
  let s = 1, tot = 1;
  for (let i = rank - 1; i >= 0; i--) {
    si(sS, i, s); s *= gi(dimsPtr, i);
    const o = gi(dimsPtr, i) + gi(padsPtr, i) + gi(padsPtr, rank + i);
    si(sU, i, o); tot *= o;
  }
  for (let o = 0; o < tot; o++) {
    let rem = o, src = 0;
    for (let i = rank - 1; i >= 0; i--) {
      const od = gi(sU, i);
      const q = padSrc(rem % od, gi(padsPtr, i), gi(dimsPtr, i), mode);
      rem = rem / od;
      if (q < 0) { src = -1; break; }
      src += q * gi(sS, i);
    }
    if (src < 0) store<f32>(y + (<usize>o << 2), value);
    else store<u32>(y + (<usize>o << 2), load<u32>(x + (<usize>src << 2)));
  }
  return 0;
}

// ---------------------------------------------------------------- concat

export function concat_x32__memcpy(x: usize, y: usize, outer: i32, inner: i32, axisIn: i32, axisOut: i32, offset: i32): i32 {
  if (outer < 0 || inner < 0 || axisIn < 0 || offset < 0 || <i64>offset + <i64>axisIn > <i64>axisOut) return SHAPE_BAD_ARGS;
  const rowIn = <usize>axisIn * <usize>inner << 2, rowOut = <usize>axisOut * <usize>inner << 2;
  const off = <usize>offset * <usize>inner << 2;
  const m = axisIn * inner;
  for (let o = 0; o < outer; o++) copyF32(y + <usize>o * rowOut + off, x + <usize>o * rowIn, m);
  return 0;
}

// Scalar reference of concat_x32__memcpy: one 32-bit word at a time.
export function concat_x32__scalar(x: usize, y: usize, outer: i32, inner: i32, axisIn: i32, axisOut: i32, offset: i32): i32 {
  if (outer < 0 || inner < 0 || axisIn < 0 || offset < 0 || <i64>offset + <i64>axisIn > <i64>axisOut) return SHAPE_BAD_ARGS;
  const m = axisIn * inner;
  for (let o = 0; o < outer; o++) for (let i = 0; i < m; i++) {
    store<u32>(y + (<usize>(o * axisOut * inner + offset * inner + i) << 2), load<u32>(x + (<usize>(o * m + i) << 2)));
  }
  return 0;
}

// ---------------------------------------------------------------- prelu

export function vprelu_f32__simd128(x: usize, slope: usize, y: usize, n: i32, c: i32): i32 {
  if (n < 0 || c < 1 || n % c != 0) return SHAPE_BAD_ARGS;
  const z = f32x4.splat(0);
  if (c == 1) {
    const sv = v128.load32_splat(slope), ss = load<f32>(slope);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      v128.store(y + (<usize>i << 2), v128.bitselect(f32x4.mul(v, sv), v, f32x4.lt(v, z)));
    }
    for (; i < n; i++) { const v = load<f32>(x + (<usize>i << 2)); store<f32>(y + (<usize>i << 2), v < 0 ? v * ss : v); }
    return 0;
  }
  for (let r = 0; r < n; r += c) {
    const xr = x + (<usize>r << 2), yr = y + (<usize>r << 2);
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(xr + o);
      v128.store(yr + o, v128.bitselect(f32x4.mul(v, v128.load(slope + o)), v, f32x4.lt(v, z)));
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(xr + o);
      store<f32>(yr + o, v < 0 ? v * load<f32>(slope + o) : v);
    }
  }
  return 0;
}

export function vprelu_f32__scalar(x: usize, slope: usize, y: usize, n: i32, c: i32): i32 {
  if (n < 0 || c < 1 || n % c != 0) return SHAPE_BAD_ARGS;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? v * load<f32>(slope + (<usize>(i % c) << 2)) : v);
  }
  return 0;
}

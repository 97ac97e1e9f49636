// Pad and Concat on elements of any size (es = 1, 2, 4, 8 bytes), rank 0-8. 0 ok, 1 bad element
// size or mode, 2 bad dims / pads (nothing written).
//   pad_nd_any__simd128(es, y, x, rank, dims, pads, mode, value)  see: ONNX Pad, opset 19
//     pads = [begin_0..begin_{r-1}, end_0..end_{r-1}], negative = crop; value points at one
//     element (the constant). mode 0 constant, 1 reflect, 2 edge, 3 wrap. As the ONNX reference
//     (numpy): the crops apply first, then the (non-negative) pads; reflect and wrap repeat
//     periodically past the data (numpy.pad), reflect of a 1-long axis repeats it. Refused: an
//     output or cropped dim < 0, reflect / edge / wrap of an empty axis into a non-empty output.
//     4-byte elements with no crop, mode 0-2, rank 1-6 take pad_x32__simd128 (kernels/shape.ts).
//   concat_nd_any__memcpy(es, y, x, outer, inner, axisIn, axisOut, offset)  see: ONNX Concat, opset 13
//     x [outer, axisIn, inner] into y [outer, axisOut, inner] at axis offset (one call per input).

import { MAXR, gi, okEs, at, count, strides, xs, copyEl, copyBytes, fillEl } from "./move";
import { pad_x32__simd128, concat_x32__memcpy } from "../kernels/shape";

const PD = new StaticArray<i64>(MAXR);   // data dims after the crops
const PB = new StaticArray<i64>(MAXR);   // begin pads (>= 0)
const PO = new StaticArray<i64>(MAXR);   // output dims
const PC = new StaticArray<i64>(MAXR);   // cropped elements at the begin
const PI = new StaticArray<i64>(MAXR);   // odometer

// Source index on one axis of the cropped data (length d, begin pad b), or -1 for the constant.
// @ts-ignore: decorator
@inline function src1(o: i64, b: i64, d: i64, mode: i32): i64 {
  let i = o - b;
  if (i >= 0 && i < d) return i;
  if (mode == 0) return -1;
  if (mode == 2) return i < 0 ? 0 : d - 1;
  if (mode == 3) { i %= d; return i < 0 ? i + d : i; }
  if (d == 1) return 0;
  const p = 2 * (d - 1);
  i %= p;
  if (i < 0) i += p;
  return i >= d ? p - i : i;
}

// Fills PD / PB / PO / PC; the output count, or -1 on bad dims / pads.
function padPlan(es: i32, rank: i32, dims: usize, pads: usize, mode: i32): i64 {
  if (rank < 0 || rank > MAXR || count(dims, rank, es) < 0) return -1;
  let t: i64 = 1, empty = false;
  for (let i = 0; i < rank; i++) {
    const d = gi(dims, i), b = gi(pads, i), e = gi(pads, rank + i);
    const dc = d + min<i64>(b, 0) + min<i64>(e, 0), o = d + b + e;
    if (dc < 0 || o < 0) return -1;
    unchecked(PD[i] = dc); unchecked(PB[i] = max<i64>(b, 0)); unchecked(PO[i] = o); unchecked(PC[i] = max<i64>(-b, 0));
    if (dc == 0) empty = true;
    t *= o;
    if (t * <i64>es > 0xFFFFFFFF) return -1;
  }
  return mode != 0 && empty && t > 0 ? -1 : t;
}

// Source offset in x of output element o (dense strides XS), or -1 for the constant.
function padSrcAt(rank: i32, o: i64, mode: i32): i64 {
  let rem = o, src: i64 = 0;
  for (let i = rank - 1; i >= 0; i--) {
    const od = unchecked(PO[i]), q = src1(rem % od, unchecked(PB[i]), unchecked(PD[i]), mode);
    rem /= od;
    if (q < 0) return -1;
    src += (q + unchecked(PC[i])) * xs(i);
  }
  return src;
}

function noCrop(rank: i32, pads: usize): bool {
  for (let i = 0; i < 2 * rank; i++) if (gi(pads, i) < 0) return false;
  return true;
}

export function pad_nd_any__simd128(es: i32, y: usize, x: usize, rank: i32, dims: usize, pads: usize, mode: i32, value: usize): i32 {
  if (!okEs(es) || mode < 0 || mode > 3) return 1;
  const n = padPlan(es, rank, dims, pads, mode);
  if (n < 0) return 2;
  if (n == 0) return 0;
  if (es == 4 && mode <= 2 && rank >= 1 && rank <= 6 && n <= (<i64>1 << 28) && noCrop(rank, pads)) {
    return pad_x32__simd128(x, y, rank, dims, pads, mode, load<f32>(value)) == 0 ? 0 : 2;
  }
  strides(dims, rank);
  if (rank == 0) { copyEl(es, y, x); return 0; }
  // one output row (last axis) at a time: its source row (or all constant), then begin pad,
  // the data run, end pad
  const L = rank - 1, ow = unchecked(PO[L]), dw = unchecked(PD[L]), bw = unchecked(PB[L]);
  const ew = ow - bw - dw;
  for (let i = 0; i < L; i++) unchecked(PI[i] = 0);
  let yp = y;
  for (let done: i64 = 0; done < n; done += ow) {
    let src: i64 = 0;
    for (let i = 0; i < L; i++) {
      const q = src1(unchecked(PI[i]), unchecked(PB[i]), unchecked(PD[i]), mode);
      if (q < 0) { src = -1; break; }
      src += (q + unchecked(PC[i])) * xs(i);
    }
    if (src < 0 || dw == 0) fillEl(es, yp, value, ow);
    else {
      const xr = at(x, src + unchecked(PC[L]), es);
      if (mode == 0) fillEl(es, yp, value, bw);
      else for (let k: i64 = 0; k < bw; k++) copyEl(es, at(yp, k, es), at(xr, src1(k, bw, dw, mode), es));
      copyBytes(at(yp, bw, es), xr, <usize>(dw * <i64>es));
      const yr = at(yp, bw + dw, es);
      if (mode == 0) fillEl(es, yr, value, ew);
      else for (let k: i64 = 0; k < ew; k++) copyEl(es, at(yr, k, es), at(xr, src1(bw + dw + k, bw, dw, mode), es));
    }
    yp = at(yp, ow, es);
    for (let i = L - 1; i >= 0; i--) {
      const v = unchecked(PI[i]) + 1;
      if (v < unchecked(PO[i])) { unchecked(PI[i] = v); break; }
      unchecked(PI[i] = 0);
    }
  }
  return 0;
}

export function pad_nd_any__scalar(es: i32, y: usize, x: usize, rank: i32, dims: usize, pads: usize, mode: i32, value: usize): i32 {
  if (!okEs(es) || mode < 0 || mode > 3) return 1;
  const n = padPlan(es, rank, dims, pads, mode);
  if (n < 0) return 2;
  strides(dims, rank);
  for (let o: i64 = 0; o < n; o++) {
    const s = padSrcAt(rank, o, mode);
    copyEl(es, at(y, o, es), s < 0 ? value : at(x, s, es));
  }
  return 0;
}

// ---------------------------------------------------------------- concat

// @ts-ignore: decorator
@inline function concatBad(outer: i32, inner: i32, axisIn: i32, axisOut: i32, offset: i32, es: i32): bool {
  return outer < 0 || inner < 0 || axisIn < 0 || offset < 0 || <i64>offset + <i64>axisIn > <i64>axisOut ||
    <i64>outer * <i64>axisOut * <i64>inner * <i64>es > 0xFFFFFFFF;
}

export function concat_nd_any__memcpy(es: i32, y: usize, x: usize, outer: i32, inner: i32, axisIn: i32, axisOut: i32, offset: i32): i32 {
  if (!okEs(es)) return 1;
  if (concatBad(outer, inner, axisIn, axisOut, offset, es)) return 2;
  if (es == 4 && <i64>outer * <i64>axisOut * <i64>inner < (<i64>1 << 31)) return concat_x32__memcpy(x, y, outer, inner, axisIn, axisOut, offset);
  const row = <i64>axisIn * <i64>inner, rowOut = <i64>axisOut * <i64>inner, off = <i64>offset * <i64>inner;
  for (let o: i64 = 0; o < <i64>outer; o++) copyBytes(at(y, o * rowOut + off, es), at(x, o * row, es), <usize>(row * <i64>es));
  return 0;
}

export function concat_nd_any__scalar(es: i32, y: usize, x: usize, outer: i32, inner: i32, axisIn: i32, axisOut: i32, offset: i32): i32 {
  if (!okEs(es)) return 1;
  if (concatBad(outer, inner, axisIn, axisOut, offset, es)) return 2;
  const row = <i64>axisIn * <i64>inner;
  for (let o: i64 = 0; o < <i64>outer; o++) for (let i: i64 = 0; i < row; i++) {
    copyEl(es, at(y, (o * <i64>axisOut + <i64>offset) * <i64>inner + i, es), at(x, o * row + i, es));
  }
  return 0;
}

// ONNX Resize of NHWC f32 images over H and W (N and C untouched): nearest and bilinear.
//
// Source coordinate of output index o on an axis of input length L and output length OL, computed
// in f32 as onnxruntime does (scale = f32(OL) / f32(L), one f32 division; every step below is one
// f32 rounding):
//   coordMode 0 half_pixel          xo = (f32(o) + 0.5) / scale - 0.5
//             1 align_corners       xo = OL == 1 ? 0 : (f32(o) * f32(L - 1)) / f32(OL - 1)
//             2 asymmetric          xo = f32(o) / scale
//             3 pytorch_half_pixel  xo = OL > 1 ? (f32(o) + 0.5) / scale - 0.5 : 0
//
// resize_nearest_x32__memcpy(x, N, H, W, C, y, OH, OW, coordMode, nearestMode) -> 0 | 1
//   f = floor(xo), fr = xo - f (exact); index = nearestMode
//     0 round_prefer_floor  fr > 0.5 ? f + 1 : f
//     1 round_prefer_ceil   fr >= 0.5 ? f + 1 : f
//     2 floor               f
//     3 ceil                fr > 0 ? f + 1 : f
//   then clamped to [0, L-1]; the C channels of that pixel are copied (bits kept).
//
// resize_bilinear_f32__simd128(x, N, H, W, C, y, OH, OW, coordMode) -> 0 | 1
//   per axis: xc = min(max(xo, 0), L-1); x0 = floor(xc); x1 = min(x0 + 1, L-1); dx = xc - x0
//   (exact); then per channel, each operation one f32 rounding, no fused multiply-add:
//     y = (v00*(1-dx) + v01*dx)*(1-dy) + (v10*(1-dx) + v11*dx)*dy
//   with v00 = x[y0, x0], v01 = x[y0, x1], v10 = x[y1, x0], v11 = x[y1, x1]. SIMD over channels;
//   resize_bilinear_f32__scalar is the scalar reference (bitwise equal).
//
// Returns 1 (nothing written) when N < 0, H, W or C < 1, OH or OW < 0, a size exceeds 2^28
// elements, or a mode is out of range. Kernels read up to 12 bytes past the last channel of a
// pixel (padding contract) and never write past y. y must not overlap x.
// Not covered: Resize given explicit scales whose product with the input size is not the output
// size (the coordinate transform then uses the given scale, not OL/L), tf_crop_and_resize,
// half_pixel_symmetric, tf_half_pixel_for_nn, cubic, antialias.

import { copyF32 } from "./shape";

export const RESIZE_BAD_ARGS = 1;

// @ts-ignore: decorator
@inline function srcCoord(o: i32, L: i32, OL: i32, scale: f32, mode: i32): f32 {
  const fo = <f32>o;
  if (mode == 1) return OL == 1 ? <f32>0 : (fo * <f32>(L - 1)) / <f32>(OL - 1);
  if (mode == 2) return fo / scale;
  if (mode == 3 && OL <= 1) return 0;
  return (fo + <f32>0.5) / scale - <f32>0.5;
}

// @ts-ignore: decorator
@inline function nearestIndex(xo: f32, L: i32, mode: i32): i32 {
  let f = floor<f32>(xo);
  const fr = xo - f;
  if (mode == 0) { if (fr > <f32>0.5) f += 1; }
  else if (mode == 1) { if (fr >= <f32>0.5) f += 1; }
  else if (mode == 3) { if (fr > 0) f += 1; }
  if (!(f >= 0)) return 0;
  if (f > <f32>(L - 1)) return L - 1;
  return <i32>f;
}

function bad(N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, coordMode: i32): bool {
  if (N < 0 || H < 1 || W < 1 || C < 1 || OH < 0 || OW < 0 || coordMode < 0 || coordMode > 3) return true;
  const lim = <i64>1 << 28;
  return <i64>N * <i64>H * <i64>W * <i64>C > lim || <i64>N * <i64>OH * <i64>OW * <i64>C > lim;
}

export function resize_nearest_x32__memcpy(x: usize, N: i32, H: i32, W: i32, C: i32, y: usize, OH: i32, OW: i32,
  coordMode: i32, nearestMode: i32): i32 {
  if (bad(N, H, W, C, OH, OW, coordMode) || nearestMode < 0 || nearestMode > 3) return RESIZE_BAD_ARGS;
  const sh = <f32>OH / <f32>H, sw = <f32>OW / <f32>W;
  const px = <usize>C << 2;
  let yp = y;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) {
    const ih = nearestIndex(srcCoord(oh, H, OH, sh, coordMode), H, nearestMode);
    const xrow = x + <usize>(n * H + ih) * <usize>W * px;
    for (let ow = 0; ow < OW; ow++) {
      const iw = nearestIndex(srcCoord(ow, W, OW, sw, coordMode), W, nearestMode);
      copyF32(yp, xrow + <usize>iw * px, C);
      yp += px;
    }
  }
  return 0;
}

// Scalar reference of resize_nearest_x32__memcpy: the same source index, one word at a time.
export function resize_nearest_x32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, y: usize, OH: i32, OW: i32,
  coordMode: i32, nearestMode: i32): i32 {
  if (bad(N, H, W, C, OH, OW, coordMode) || nearestMode < 0 || nearestMode > 3) return RESIZE_BAD_ARGS;
  const sh = <f32>OH / <f32>H, sw = <f32>OW / <f32>W;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const ih = nearestIndex(srcCoord(oh, H, OH, sh, coordMode), H, nearestMode);
    const iw = nearestIndex(srcCoord(ow, W, OW, sw, coordMode), W, nearestMode);
    for (let c = 0; c < C; c++) {
      store<u32>(y + (<usize>(((n * OH + oh) * OW + ow) * C + c) << 2), load<u32>(x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2)));
    }
  }
  return 0;
}

// @ts-ignore: decorator
@inline function storeLanes(y: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) { v128.store(y, v); return; }
  store<f32>(y, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(y, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(y, f32x4.extract_lane(v, 2), 8);
}

// Axis sample: lower index, upper index, weight of the upper one.
// @ts-ignore: decorator
@inline function clampCoord(xo: f32, L: i32): f32 {
  return min<f32>(max<f32>(xo, 0), <f32>(L - 1));
}

export function resize_bilinear_f32__simd128(x: usize, N: i32, H: i32, W: i32, C: i32, y: usize, OH: i32, OW: i32, coordMode: i32): i32 {
  if (bad(N, H, W, C, OH, OW, coordMode)) return RESIZE_BAD_ARGS;
  const sh = <f32>OH / <f32>H, sw = <f32>OW / <f32>W;
  const px = <usize>C << 2, rowB = <usize>W * px;
  // Column table, the same for every row: byte offsets of x0 and x1 in a row, dx, 1 - dx.
  const tab = heap.alloc(<usize>max(OW, 1) << 4);
  for (let ow = 0; ow < OW; ow++) {
    const xc = clampCoord(srcCoord(ow, W, OW, sw, coordMode), W);
    const x0 = <i32>floor<f32>(xc), x1 = min(x0 + 1, W - 1);
    const dx = xc - <f32>x0;
    const t = tab + (<usize>ow << 4);
    store<u32>(t, <u32>(<usize>x0 * px)); store<u32>(t, <u32>(<usize>x1 * px), 4);
    store<f32>(t, dx, 8); store<f32>(t, <f32>1 - dx, 12);
  }
  let yp = y;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) {
    const yc = clampCoord(srcCoord(oh, H, OH, sh, coordMode), H);
    const y0 = <i32>floor<f32>(yc), y1 = min(y0 + 1, H - 1);
    const dy = yc - <f32>y0;
    const wy0 = f32x4.splat(<f32>1 - dy), wy1 = f32x4.splat(dy);
    const r0 = x + <usize>(n * H + y0) * rowB, r1 = x + <usize>(n * H + y1) * rowB;
    for (let ow = 0; ow < OW; ow++) {
      const t = tab + (<usize>ow << 4);
      const o0 = <usize>load<u32>(t), o1 = <usize>load<u32>(t, 4);
      const wx1 = v128.load32_splat(t + 8), wx0 = v128.load32_splat(t + 12);
      const p00 = r0 + o0, p01 = r0 + o1, p10 = r1 + o0, p11 = r1 + o1;
      for (let c = 0; c < C; c += 4) {
        const o = <usize>c << 2;
        const top = f32x4.add(f32x4.mul(v128.load(p00 + o), wx0), f32x4.mul(v128.load(p01 + o), wx1));
        const bot = f32x4.add(f32x4.mul(v128.load(p10 + o), wx0), f32x4.mul(v128.load(p11 + o), wx1));
        storeLanes(yp + o, f32x4.add(f32x4.mul(top, wy0), f32x4.mul(bot, wy1)), C - c);
      }
      yp += px;
    }
  }
  heap.free(tab);
  return 0;
}

export function resize_bilinear_f32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, y: usize, OH: i32, OW: i32, coordMode: i32): i32 {
  if (bad(N, H, W, C, OH, OW, coordMode)) return RESIZE_BAD_ARGS;
  const sh = <f32>OH / <f32>H, sw = <f32>OW / <f32>W;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const yc = clampCoord(srcCoord(oh, H, OH, sh, coordMode), H);
    const y0 = <i32>floor<f32>(yc), y1 = min(y0 + 1, H - 1);
    const dy = yc - <f32>y0;
    const xc = clampCoord(srcCoord(ow, W, OW, sw, coordMode), W);
    const x0 = <i32>floor<f32>(xc), x1 = min(x0 + 1, W - 1);
    const dx = xc - <f32>x0;
    for (let c = 0; c < C; c++) {
      const v00 = load<f32>(x + (<usize>(((n * H + y0) * W + x0) * C + c) << 2));
      const v01 = load<f32>(x + (<usize>(((n * H + y0) * W + x1) * C + c) << 2));
      const v10 = load<f32>(x + (<usize>(((n * H + y1) * W + x0) * C + c) << 2));
      const v11 = load<f32>(x + (<usize>(((n * H + y1) * W + x1) * C + c) << 2));
      const top = v00 * (<f32>1 - dx) + v01 * dx;
      const bot = v10 * (<f32>1 - dx) + v11 * dx;
      store<f32>(y + (<usize>(((n * OH + oh) * OW + ow) * C + c) << 2), top * (<f32>1 - dy) + bot * dy);
    }
  }
  return 0;
}

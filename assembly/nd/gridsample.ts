// ONNX GridSample on NCHW f32 (opset 16): y[n, c, oy, ox] samples x[n, c] at the grid's
// normalised point (gx, gy) = grid[n, oy, ox, 0..1] (gx along W, gy along H).
// see: ONNX GridSample, opset 16 (mode names of opset 20 too)
//
//   gridsample_f32__scalar(y, x, grid, params) -> 0 | 1
// params (i32): N, C, H, W, Ho, Wo, mode (0 bilinear, 1 nearest, 2 bicubic), padding (0 zeros,
//   1 border, 2 reflection), align_corners. Per point, in f64:
//   pixel coordinate  align_corners: (g + 1) / 2 * (L - 1); else ((g + 1) * L - 1) / 2
//   padding (bilinear, nearest) border: clamped to [0, L - 1]; reflection: reflected at the borders
//   ([0, L - 1] with align_corners, else [-0.5, L - 0.5]) until inside; zeros: as is
//   nearest: the pixel at round-half-even; bilinear: the 2 x 2 pixels from floor, weights 1 - d, d;
//   bicubic: the 4 x 4 pixels from floor - 1, the Keys weights with a = -0.75 (rows first)
//   a pixel outside the image: 0 (zeros), the edge pixel (border), reflected (reflection).
// The sums run in f32, no FMA. A grid point that is NaN gives NaN; an infinite one the limit
// (zeros, border) or NaN (reflection). Scalar: every tap is an index computation (no SIMD
// variant). Returns 1 on bad params (nothing written).

import { near, far } from "./resize";

// @ts-ignore: decorator
@inline function pi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

function reflect(x: f64, lo: f64, hi: f64): f64 {
  const rng = hi - lo;
  if (!(rng > 0.0)) return lo;
  if (x < lo) {
    const dx = lo - x, n = Math.floor(dx / rng), r = dx - n * rng;
    return n % 2.0 == 0.0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const dx = x - hi, n = Math.floor(dx / rng), r = dx - n * rng;
    return n % 2.0 == 0.0 ? hi - r : lo + r;
  }
  return x;
}

// The pixel coordinate along an axis of length L after padding (NaN: the output is NaN);
// bicubic pads each tap only (as PyTorch's grid_sampler and onnxruntime).
function pixel(g: f64, L: i32, align: bool, pad: i32, mode: i32): f64 {
  const l = <f64>L;
  let x = align ? (g + 1.0) / 2.0 * (l - 1.0) : ((g + 1.0) * l - 1.0) / 2.0;
  if (isNaN(x)) return x;
  if (mode == 2 && pad == 2 && !isFinite(x)) return NaN;
  if (mode == 2) return min(max(x, -l - 8.0), 2.0 * l + 8.0);
  if (pad == 1) return min(max(x, 0.0), l - 1.0);
  if (pad == 2) return isFinite(x) ? reflect(x, align ? 0.0 : -0.5, align ? l - 1.0 : l - 0.5) : NaN;
  return min(max(x, -l - 8.0), 2.0 * l + 8.0);
}

// One tap at integer (ix, iy) of the plane p (H x W) under the padding mode.
function tap(p: usize, ix: i64, iy: i64, H: i32, W: i32, align: bool, pad: i32): f32 {
  if (ix < 0 || ix >= <i64>W || iy < 0 || iy >= <i64>H) {
    if (pad == 0) return 0;
    if (pad == 1) { ix = min(max(ix, 0), <i64>W - 1); iy = min(max(iy, 0), <i64>H - 1); }
    else {
      ix = <i64>reflect(<f64>ix, align ? 0.0 : -0.5, align ? <f64>W - 1.0 : <f64>W - 0.5);
      iy = <i64>reflect(<f64>iy, align ? 0.0 : -0.5, align ? <f64>H - 1.0 : <f64>H - 0.5);
      ix = min(max(ix, 0), <i64>W - 1); iy = min(max(iy, 0), <i64>H - 1);
    }
  }
  return load<f32>(p + <usize>((iy * <i64>W + ix) << 2));
}

function sample(p: usize, x: f64, y: f64, H: i32, W: i32, mode: i32, align: bool, pad: i32): f32 {
  if (isNaN(x) || isNaN(y)) return NaN;
  if (mode == 1) return tap(p, <i64>nearest<f64>(x), <i64>nearest<f64>(y), H, W, align, pad);
  const fx = Math.floor(x), fy = Math.floor(y), ix = <i64>fx, iy = <i64>fy;
  const dx = <f32>(x - fx), dy = <f32>(y - fy);
  if (mode == 0) {
    const a = tap(p, ix, iy, H, W, align, pad) * (1 - dx) + tap(p, ix + 1, iy, H, W, align, pad) * dx;
    const b = tap(p, ix, iy + 1, H, W, align, pad) * (1 - dx) + tap(p, ix + 1, iy + 1, H, W, align, pad) * dx;
    return a * (1 - dy) + b * dy;
  }
  const A: f64 = -0.75, tx = x - fx, ty = y - fy;
  const cx0 = <f32>far(tx + 1.0, A), cx1 = <f32>near(tx, A), cx2 = <f32>near(1.0 - tx, A), cx3 = <f32>far(2.0 - tx, A);
  let acc: f32 = 0;
  for (let j = 0; j < 4; j++) {
    const r = iy - 1 + <i64>j;
    const v = tap(p, ix - 1, r, H, W, align, pad) * cx0 + tap(p, ix, r, H, W, align, pad) * cx1
      + tap(p, ix + 1, r, H, W, align, pad) * cx2 + tap(p, ix + 2, r, H, W, align, pad) * cx3;
    const ty1 = j == 0 ? far(ty + 1.0, A) : j == 1 ? near(ty, A) : j == 2 ? near(1.0 - ty, A) : far(2.0 - ty, A);
    acc += v * <f32>ty1;
  }
  return acc;
}

export function gridsample_f32__scalar(y: usize, x: usize, grid: usize, params: usize): i32 {
  const N = pi(params, 0), C = pi(params, 1), H = pi(params, 2), W = pi(params, 3), Ho = pi(params, 4), Wo = pi(params, 5);
  const mode = pi(params, 6), pad = pi(params, 7), align = pi(params, 8) != 0;
  if (N < 0 || C < 0 || H < 1 || W < 1 || Ho < 0 || Wo < 0 || mode < 0 || mode > 2 || pad < 0 || pad > 2) return 1;
  if (<i64>N * <i64>C * <i64>H * <i64>W > 0x3FFFFFFF || <i64>N * <i64>C * <i64>Ho * <i64>Wo > 0x3FFFFFFF || <i64>N * <i64>Ho * <i64>Wo * 2 > 0x3FFFFFFF) return 1;
  const plane = <usize>H * <usize>W * 4, pts = <usize>Ho * <usize>Wo;
  let dst = y;
  for (let n = 0; n < N; n++) {
    const g = grid + <usize>n * pts * 8;
    for (let c = 0; c < C; c++) {
      const p = x + (<usize>n * <usize>C + <usize>c) * plane;
      for (let k: usize = 0; k < pts; k++) {
        const px = pixel(<f64>load<f32>(g + k * 8), W, align, pad, mode), py = pixel(<f64>load<f32>(g + k * 8 + 4), H, align, pad, mode);
        store<f32>(dst, sample(p, px, py, H, W, mode, align, pad));
        dst += 4;
      }
    }
  }
  return 0;
}

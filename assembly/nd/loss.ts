// Negative log-likelihood loss on an (N, C, D) view (D = product of the trailing dims d1..dk):
//   nll_loss_any__scalar(dtype, tdtype, red, y, x, target, weight, N, C, D, iiLo, iiHi, hasIi)
//     -> 0 ok | 1 dtype / tdtype / reduction | 2 dims | 3 a target outside [0, C) that is not ignored
// (see: ONNX NegativeLogLikelihoodLoss, opsets 12-13; SoftmaxCrossEntropyLoss, opsets 12-13, is
// this on LogSoftmax(scores, axis 1)). x: N x C x D of dtype (f32 / f64); target: N x D of
// tdtype (i32 / i64); weight: C values of dtype, or 0 for all ones. ignore_index is the i64
// iiHi:iiLo when hasIi. Per element l = -x[n, t, d] * w[t], and 0 with weight 0 where t is the
// ignored index. red (LOSS_REDUCTION_NAMES): none writes N x D values of l; sum writes one value,
// sum l; mean one value, sum l / sum w. Sums run in f64 in the order n, d, rounded once to dtype
// at the end (for f32 an exact-order, more accurate sum). Scalar: its own reference (a gather).

import { DT_F32, DT_F64, DT_I32, DT_I64 } from "./dtype";

export const LR_NONE = 0, LR_SUM = 1, LR_MEAN = 2, LR_COUNT = 3;
// index = code (the host reads this list: scripts/gen-tables.mjs LOSS_REDUCTIONS)
export const LOSS_REDUCTION_NAMES: string = "none sum mean";

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }

function nll<T, I>(red: i32, y: usize, x: usize, target: usize, weight: usize, N: i64, C: i64, D: i64, ii: i64, hasIi: bool): i32 {
  let sl: f64 = 0, sw: f64 = 0;
  for (let n: i64 = 0; n < N; n++) {
    for (let d: i64 = 0; d < D; d++) {
      const t = <i64>load<I>(el<I>(target, n * D + d));
      let l: T = 0;
      if (!(hasIi && t == ii)) {
        if (t < 0 || t >= C) return 3;
        const w: T = weight != 0 ? load<T>(el<T>(weight, t)) : <T>1;
        l = -load<T>(el<T>(x, (n * C + t) * D + d)) * w;
        sw += <f64>w;
      }
      if (red == LR_NONE) store<T>(el<T>(y, n * D + d), l);
      else sl += <f64>l;
    }
  }
  if (red == LR_SUM) store<T>(y, <T>sl);
  else if (red == LR_MEAN) store<T>(y, <T>(sl / sw));
  return 0;
}

export function nll_loss_any__scalar(dtype: i32, tdtype: i32, red: i32, y: usize, x: usize, target: usize, weight: usize, N: i32, C: i32, D: i32, iiLo: i32, iiHi: i32, hasIi: i32): i32 {
  if ((dtype != DT_F32 && dtype != DT_F64) || (tdtype != DT_I32 && tdtype != DT_I64) || red < 0 || red >= LR_COUNT) return 1;
  if (N < 0 || C < 0 || D < 0) return 2;
  const ii = (<i64>iiHi << 32) | <i64>(<u32>iiLo), has = hasIi != 0;
  if (dtype == DT_F32) return tdtype == DT_I64 ? nll<f32, i64>(red, y, x, target, weight, N, C, D, ii, has) : nll<f32, i32>(red, y, x, target, weight, N, C, D, ii, has);
  return tdtype == DT_I64 ? nll<f64, i64>(red, y, x, target, weight, N, C, D, ii, has) : nll<f64, i32>(red, y, x, target, weight, N, C, D, ii, has);
}

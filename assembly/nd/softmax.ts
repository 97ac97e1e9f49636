// Softmax, LogSoftmax and Hardmax along one axis of an (outer, len, inner) view, f32 / f64:
//   softmax_nd_any__scalar(dtype, kind, y, x, outer, len, inner) -> 0 | 1 dtype / kind | 2 dims
// (see: ONNX Softmax / LogSoftmax / Hardmax, opset 13: one axis; before 13 the host flattens the
// dims to 2-D at the axis, i.e. inner = 1). kind: SOFTMAX_NAMES. Per lane, the same steps as the
// last-axis kernels, so inner = 1 gives their bits (softmax_f32__scalar, logsoftmax_f32__scalar):
//   softmax:    m = max left to right; e = exp(x - m) stored, summed left to right; y = e / s
//   logsoftmax: m; s += exp(x - m); y = (x - m) - log(s)
//   hardmax:    1 at the first index of the largest value (NaN never largest), 0 elsewhere
// In place (y == x) allowed. Scalar: its own reference.

import { DT_F32, DT_F64 } from "./dtype";

export const SM_SOFTMAX = 0, SM_LOGSOFTMAX = 1, SM_HARDMAX = 2, SM_COUNT = 3;
export const SOFTMAX_NAMES: string = "softmax logsoftmax hardmax";

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }
// @ts-ignore: decorator
@inline function expT<T>(v: T): T { return sizeof<T>() == 4 ? <T>Mathf.exp(<f32>v) : <T>Math.exp(<f64>v); }
// @ts-ignore: decorator
@inline function logT<T>(v: T): T { return sizeof<T>() == 4 ? <T>Mathf.log(<f32>v) : <T>Math.log(<f64>v); }

function lanes<T>(kind: i32, y: usize, x: usize, outer: i64, len: i64, inner: i64): void {
  for (let o: i64 = 0; o < outer; o++) {
    for (let i: i64 = 0; i < inner; i++) {
      const b = o * len * inner + i;
      let m = load<T>(el<T>(x, b)), mi: i64 = 0;
      for (let k: i64 = 1; k < len; k++) {
        const v = load<T>(el<T>(x, b + k * inner));
        if (kind == SM_HARDMAX) { if (v > m) { m = v; mi = k; } }
        else m = max<T>(m, v);
      }
      if (kind == SM_HARDMAX) {
        for (let k: i64 = 0; k < len; k++) store<T>(el<T>(y, b + k * inner), k == mi ? <T>1 : <T>0);
      } else if (kind == SM_SOFTMAX) {
        let s: T = 0;
        for (let k: i64 = 0; k < len; k++) {
          const e = expT<T>(load<T>(el<T>(x, b + k * inner)) - m);
          store<T>(el<T>(y, b + k * inner), e);
          s += e;
        }
        for (let k: i64 = 0; k < len; k++) store<T>(el<T>(y, b + k * inner), load<T>(el<T>(y, b + k * inner)) / s);
      } else {
        let s: T = 0;
        for (let k: i64 = 0; k < len; k++) s += expT<T>(load<T>(el<T>(x, b + k * inner)) - m);
        const l = logT<T>(s);
        for (let k: i64 = 0; k < len; k++) store<T>(el<T>(y, b + k * inner), (load<T>(el<T>(x, b + k * inner)) - m) - l);
      }
    }
  }
}

export function softmax_nd_any__scalar(dtype: i32, kind: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32): i32 {
  if (kind < 0 || kind >= SM_COUNT || (dtype != DT_F32 && dtype != DT_F64)) return 1;
  if (outer < 0 || len < 0 || inner < 0) return 2;
  if (len == 0) return 0;
  if (dtype == DT_F32) lanes<f32>(kind, y, x, outer, len, inner);
  else lanes<f64>(kind, y, x, outer, len, inner);
  return 0;
}

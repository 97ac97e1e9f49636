// Linear (de)quantization on typed N-d values (see: ONNX QuantizeLinear / DequantizeLinear,
// opsets 10-21; DynamicQuantizeLinear, opset 11). The tensor is viewed as [outer, A, inner] around
// the quantization axis; `kind` says which scale (and zero point) an element takes:
//   0 per tensor: scale[0]; 1 per axis: scale[a]; 2 blocked along the axis (block B):
//   scale[(o * ceil(A / B) + a / B) * inner + i], the scale shaped like x with ceil(A / B) on the axis.
// Scales are f32; the zero point (0: none) has the integer type of the quantized side.
//   quantize_linear_any__scalar(yt, y, x, scale, zp, outer, A, inner, B, kind) -> status
//     y = saturate(rne(x / s) + zp) in yt (u8, i8, u16, i16); x f32. x / s is one f32 division
//     and NaN gives zp, as the affine weight casts (formats/affine.ts).
//   dequantize_linear_any__scalar(xt, y, x, scale, zp, outer, A, inner, B, kind) -> status
//     y = f32(x - zp) * s, x in xt (u8, i8, u16, i16, i32), the difference exact in i64.
//   dynamic_quantize_f32_u8__scalar(y, x, n, scale, zp)
//     x_min = min(0, min x), x_max = max(0, max x) (NaNs skipped); s = (x_max - x_min) / 255 (1
//     when both are 0, as onnxruntime); zp = rne(clamp(0 - x_min / s, 0, 255)); y = quantize(x).
//   requantize_i32_x8__scalar(yt, y, acc, batch, M, N, sa, nsa, sb, nsb, sy, zy, bias) -> status
//     see: ONNX QLinearMatMul, QLinearConv, opset 10. acc i32 [batch, M, N], plus bias[row] (i32,
//     0: none; the sum wraps); y = saturate(rne(f32(acc) * m) +
//     zy) in yt (u8, i8), m = (sa[row] * sb[col]) / sy in f32, as onnxruntime; sa: nsa = 1 or M
//     values, sb: 1 or N; zy (0: none) one value of yt.
// Statuses: 0 ok, 1 bad type / kind, 2 bad dims. Scalar kernels, each its own reference: the
// per-element scale lookup is index arithmetic; the f32 work is one division or multiply each.

import { DT_U8, DT_I8, DT_U16, DT_I16, DT_I32 } from "./dtype";
import { Round, roundToInt64 } from "../formats/scalar";

// @ts-ignore: decorator
@inline function ldInt(t: i32, p: usize, i: i64): i64 {
  switch (t) {
    case DT_U8: return <i64>load<u8>(p + <usize>i);
    case DT_I8: return <i64>load<i8>(p + <usize>i);
    case DT_U16: return <i64>load<u16>(p + (<usize>i << 1));
    case DT_I16: return <i64>load<i16>(p + (<usize>i << 1));
    default: return <i64>load<i32>(p + (<usize>i << 2));
  }
}

// @ts-ignore: decorator
@inline function stInt(t: i32, p: usize, i: i64, v: i64): void {
  if (t == DT_U8 || t == DT_I8) store<u8>(p + <usize>i, <u8>v);
  else store<u16>(p + (<usize>i << 1), <u16>v);
}

function loOf(t: i32): i64 { return t == DT_I8 ? -128 : t == DT_I16 ? -32768 : 0; }
function hiOf(t: i32): i64 { return t == DT_U8 ? 255 : t == DT_I8 ? 127 : t == DT_U16 ? 65535 : 32767; }

function dimsOk(outer: i32, A: i32, inner: i32, B: i32, kind: i32): bool {
  return outer >= 0 && A >= 0 && inner >= 0 && kind >= 0 && kind <= 2 && (kind != 2 || B > 0);
}

// @ts-ignore: decorator
@inline function scaleIndex(kind: i32, o: i64, a: i64, i: i64, inner: i64, nb: i64, B: i64): i64 {
  if (kind == 0) return 0;
  if (kind == 1) return a;
  return (o * nb + a / B) * inner + i;
}

// @ts-ignore: decorator
@inline function quantOne(x: f32, s: f32, zp: i64, lo: i64, hi: i64): i64 {
  const q = roundToInt64(x / s, Round.RNE, 0, 0, -(<i64>1 << 40), <i64>1 << 40) + zp;
  return min(max(q, lo), hi);
}

// One walk for both directions: quant (f32 x -> t codes y) or not (t codes x -> f32 y).
function affineNd(quant: bool, t: i32, y: usize, x: usize, scale: usize, zp: usize, outer: i32, A: i32, inner: i32, B: i32, kind: i32): i32 {
  if (!dimsOk(outer, A, inner, B, kind)) return 2;
  const lo = loOf(t), hi = hiOf(t);
  const nb: i64 = kind == 2 ? (<i64>A + B - 1) / B : 1;
  let e: i64 = 0;
  for (let o: i64 = 0; o < outer; o++) {
    for (let a: i64 = 0; a < A; a++) {
      for (let i: i64 = 0; i < inner; i++, e++) {
        const k = scaleIndex(kind, o, a, i, inner, nb, B);
        const z = zp != 0 ? ldInt(t, zp, k) : 0, s = load<f32>(scale + (<usize>k << 2));
        if (quant) stInt(t, y, e, quantOne(load<f32>(x + (<usize>e << 2)), s, z, lo, hi));
        else store<f32>(y + (<usize>e << 2), <f32>(ldInt(t, x, e) - z) * s);
      }
    }
  }
  return 0;
}

export function quantize_linear_any__scalar(yt: i32, y: usize, x: usize, scale: usize, zp: usize, outer: i32, A: i32, inner: i32, B: i32, kind: i32): i32 {
  if (yt != DT_U8 && yt != DT_I8 && yt != DT_U16 && yt != DT_I16) return 1;
  return affineNd(true, yt, y, x, scale, zp, outer, A, inner, B, kind);
}

export function dequantize_linear_any__scalar(xt: i32, y: usize, x: usize, scale: usize, zp: usize, outer: i32, A: i32, inner: i32, B: i32, kind: i32): i32 {
  if (xt != DT_U8 && xt != DT_I8 && xt != DT_U16 && xt != DT_I16 && xt != DT_I32) return 1;
  return affineNd(false, xt, y, x, scale, zp, outer, A, inner, B, kind);
}

export function dynamic_quantize_f32_u8__scalar(y: usize, x: usize, n: i32, scale: usize, zp: usize): void {
  let lo: f32 = 0, hi: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const s: f32 = hi == lo ? 1 : (hi - lo) / <f32>255;
  const z0: f32 = <f32>0 - lo / s;
  const z = roundToInt64(min(max(z0, <f32>0), <f32>255), Round.RNE, 0, 0, 0, 255);
  store<f32>(scale, s);
  store<u8>(zp, <u8>z);
  for (let i = 0; i < n; i++) store<u8>(y + <usize>i, <u8>quantOne(load<f32>(x + (<usize>i << 2)), s, z, 0, 255));
}

export function requantize_i32_x8__scalar(yt: i32, y: usize, acc: usize, batch: i32, M: i32, N: i32, sa: usize, nsa: i32, sb: usize, nsb: i32, sy: usize, zy: usize, bias: usize): i32 {
  if (yt != DT_U8 && yt != DT_I8) return 1;
  if (batch < 0 || M < 0 || N < 0 || !(nsa == 1 || nsa == M) || !(nsb == 1 || nsb == N)) return 2;
  const lo = loOf(yt), hi = hiOf(yt), z = zy != 0 ? ldInt(yt, zy, 0) : 0, s = load<f32>(sy);
  let e: i64 = 0;
  for (let b = 0; b < batch; b++) {
    for (let m = 0; m < M; m++) {
      const a = load<f32>(sa + (<usize>(nsa == 1 ? 0 : m) << 2)), c: i32 = bias != 0 ? load<i32>(bias + (<usize>m << 2)) : 0;
      for (let n = 0; n < N; n++, e++) {
        const mul = (a * load<f32>(sb + (<usize>(nsb == 1 ? 0 : n) << 2))) / s;
        const q = roundToInt64(<f32>(load<i32>(acc + (<usize>e << 2)) + c) * mul, Round.RNE, 0, 0, -(<i64>1 << 40), <i64>1 << 40) + z;
        stInt(yt, y, e, min(max(q, lo), hi));
      }
    }
  }
  return 0;
}

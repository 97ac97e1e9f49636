// Element-wise unary ops on every element type of nd/dtype.ts (ops and their semantics in
// nd/unary_ops.ts; see: ONNX operators, opsets 6-22):
//   vunary_nd_any__simd128(dtype, op, y, x, n, alpha, beta, gamma) -> 0 ok | 1 op not defined on dtype | 2 n < 0
// x and y hold n contiguous elements (the shape does not matter to an element-wise op); y has x's
// type, or bool (u8 0 / 1) for IsNaN / IsInf. y may alias x (same type). alpha / beta / gamma are
// the op's parameters in f64 (rounded to f32 for f32 data); integer Clip takes its bounds
// saturated to the type's range and truncated toward zero (exact for |bound| < 2^53).
// SIMD128 for the ops that are single IEEE instructions or a few of them (abs neg sqrt floor ceil
// round relu clip reciprocal softsign leakyrelu thresholdedrelu hardsigmoid hardswish) on f32
// (4 lanes) and f64 (2 lanes): the same operations in the same order as the scalar function, so
// the same bits. Everything else runs the scalar function per element in both kernels.
// vunary_nd_any__scalar: one element at a time through nd/unary_ops.ts, the reference.

import {
  unaryAllowed, unaryToBool, unaryFloat, unaryFloatToBool, unaryInt, U_ABS, U_NEG, U_FLOOR, U_CEIL, U_ROUND, U_SQRT,
  U_RECIP, U_RELU, U_SOFTSIGN, U_THRELU, U_HSIGMOID, U_HSWISH, U_LRELU, U_CLIP,
} from "./unary_ops";
import { DT_F32, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_BOOL, DT_F64, DT_U32, DT_U64 } from "./dtype";

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i32): usize { return p + (<usize>i << alignof<T>()); }

function floats<T>(op: i32, y: usize, x: usize, from: i32, n: i32, a: T, b: T, g: T): void {
  if (unaryToBool(op)) for (let i = from; i < n; i++) store<u8>(y + <usize>i, unaryFloatToBool<T>(op, load<T>(el<T>(x, i)), a, b));
  else for (let i = from; i < n; i++) store<T>(el<T>(y, i), unaryFloat<T>(op, load<T>(el<T>(x, i)), a, b, g));
}

// @ts-ignore: decorator
@inline function tmin<T>(): T { return isSigned<T>() ? <T>(<i64>-1 << <i64>(sizeof<T>() * 8 - 1)) : <T>0; }
// @ts-ignore: decorator
@inline function tmax<T>(): T { return isSigned<T>() ? <T>~tmin<T>() : <T>-1; }

// A bound in f64 as T: saturated to T's range, NaN as the given default, else truncated.
// @ts-ignore: decorator
@inline function bound<T>(v: f64, dflt: T): T {
  if (v != v) return dflt;
  if (v <= <f64>tmin<T>()) return tmin<T>();
  if (v >= <f64>tmax<T>()) return tmax<T>();
  return <T>v;
}

function ints<T>(op: i32, y: usize, x: usize, n: i32, a: f64, b: f64): void {
  const lo = bound<T>(a, tmin<T>()), hi = bound<T>(b, tmax<T>());
  for (let i = 0; i < n; i++) store<T>(el<T>(y, i), unaryInt<T>(op, load<T>(el<T>(x, i)), lo, hi));
}

// @ts-ignore: decorator
@inline function v4(op: i32, v: v128, a: v128, b: v128): v128 {
  if (op == U_ABS) return f32x4.abs(v);
  if (op == U_NEG) return f32x4.neg(v);
  if (op == U_SQRT) return f32x4.sqrt(v);
  if (op == U_FLOOR) return f32x4.floor(v);
  if (op == U_CEIL) return f32x4.ceil(v);
  if (op == U_ROUND) return f32x4.nearest(v);
  if (op == U_RELU) return f32x4.max(v, f32x4.splat(0));
  if (op == U_RECIP) return f32x4.div(f32x4.splat(1), v);
  if (op == U_SOFTSIGN) return f32x4.div(v, f32x4.add(f32x4.splat(1), f32x4.abs(v)));
  if (op == U_LRELU) return v128.bitselect(f32x4.mul(a, v), v, f32x4.lt(v, f32x4.splat(0)));
  if (op == U_THRELU) return v128.and(v, f32x4.gt(v, a));
  if (op == U_HSIGMOID) return f32x4.max(f32x4.splat(0), f32x4.min(f32x4.splat(1), f32x4.add(f32x4.mul(a, v), b)));
  if (op == U_HSWISH) {
    const six = f32x4.splat(6);
    return f32x4.mul(v, f32x4.div(f32x4.min(f32x4.max(f32x4.add(v, f32x4.splat(3)), f32x4.splat(0)), six), six));
  }
  return f32x4.min(f32x4.max(v, a), b);   // U_CLIP
}

// @ts-ignore: decorator
@inline function v2(op: i32, v: v128, a: v128, b: v128): v128 {
  if (op == U_ABS) return f64x2.abs(v);
  if (op == U_NEG) return f64x2.neg(v);
  if (op == U_SQRT) return f64x2.sqrt(v);
  if (op == U_FLOOR) return f64x2.floor(v);
  if (op == U_CEIL) return f64x2.ceil(v);
  if (op == U_ROUND) return f64x2.nearest(v);
  if (op == U_RELU) return f64x2.max(v, f64x2.splat(0));
  if (op == U_RECIP) return f64x2.div(f64x2.splat(1), v);
  if (op == U_SOFTSIGN) return f64x2.div(v, f64x2.add(f64x2.splat(1), f64x2.abs(v)));
  if (op == U_LRELU) return v128.bitselect(f64x2.mul(a, v), v, f64x2.lt(v, f64x2.splat(0)));
  if (op == U_THRELU) return v128.and(v, f64x2.gt(v, a));
  if (op == U_HSIGMOID) return f64x2.max(f64x2.splat(0), f64x2.min(f64x2.splat(1), f64x2.add(f64x2.mul(a, v), b)));
  if (op == U_HSWISH) {
    const six = f64x2.splat(6);
    return f64x2.mul(v, f64x2.div(f64x2.min(f64x2.max(f64x2.add(v, f64x2.splat(3)), f64x2.splat(0)), six), six));
  }
  return f64x2.min(f64x2.max(v, a), b);   // U_CLIP
}

// One SIMD loop per op (a compile-time constant after inlining), the scalar function on the tail.
// @ts-ignore: decorator
@inline function simdF32(op: i32, y: usize, x: usize, n: i32, a: f32, b: f32, g: f32): void {
  const av = f32x4.splat(a), bv = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(el<f32>(y, i), v4(op, v128.load(el<f32>(x, i)), av, bv));
  floats<f32>(op, y, x, i, n, a, b, g);
}

// @ts-ignore: decorator
@inline function simdF64(op: i32, y: usize, x: usize, n: i32, a: f64, b: f64, g: f64): void {
  const av = f64x2.splat(a), bv = f64x2.splat(b);
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(el<f64>(y, i), v2(op, v128.load(el<f64>(x, i)), av, bv));
  floats<f64>(op, y, x, i, n, a, b, g);
}

function f32Any(op: i32, y: usize, x: usize, n: i32, a: f32, b: f32, g: f32): void {
  switch (op) {
    case U_ABS: simdF32(U_ABS, y, x, n, a, b, g); break;
    case U_NEG: simdF32(U_NEG, y, x, n, a, b, g); break;
    case U_SQRT: simdF32(U_SQRT, y, x, n, a, b, g); break;
    case U_FLOOR: simdF32(U_FLOOR, y, x, n, a, b, g); break;
    case U_CEIL: simdF32(U_CEIL, y, x, n, a, b, g); break;
    case U_ROUND: simdF32(U_ROUND, y, x, n, a, b, g); break;
    case U_RELU: simdF32(U_RELU, y, x, n, a, b, g); break;
    case U_RECIP: simdF32(U_RECIP, y, x, n, a, b, g); break;
    case U_SOFTSIGN: simdF32(U_SOFTSIGN, y, x, n, a, b, g); break;
    case U_LRELU: simdF32(U_LRELU, y, x, n, a, b, g); break;
    case U_THRELU: simdF32(U_THRELU, y, x, n, a, b, g); break;
    case U_HSIGMOID: simdF32(U_HSIGMOID, y, x, n, a, b, g); break;
    case U_HSWISH: simdF32(U_HSWISH, y, x, n, a, b, g); break;
    case U_CLIP: simdF32(U_CLIP, y, x, n, a, b, g); break;
    default: floats<f32>(op, y, x, 0, n, a, b, g);
  }
}

function f64Any(op: i32, y: usize, x: usize, n: i32, a: f64, b: f64, g: f64): void {
  switch (op) {
    case U_ABS: simdF64(U_ABS, y, x, n, a, b, g); break;
    case U_NEG: simdF64(U_NEG, y, x, n, a, b, g); break;
    case U_SQRT: simdF64(U_SQRT, y, x, n, a, b, g); break;
    case U_FLOOR: simdF64(U_FLOOR, y, x, n, a, b, g); break;
    case U_CEIL: simdF64(U_CEIL, y, x, n, a, b, g); break;
    case U_ROUND: simdF64(U_ROUND, y, x, n, a, b, g); break;
    case U_RELU: simdF64(U_RELU, y, x, n, a, b, g); break;
    case U_RECIP: simdF64(U_RECIP, y, x, n, a, b, g); break;
    case U_SOFTSIGN: simdF64(U_SOFTSIGN, y, x, n, a, b, g); break;
    case U_LRELU: simdF64(U_LRELU, y, x, n, a, b, g); break;
    case U_THRELU: simdF64(U_THRELU, y, x, n, a, b, g); break;
    case U_HSIGMOID: simdF64(U_HSIGMOID, y, x, n, a, b, g); break;
    case U_HSWISH: simdF64(U_HSWISH, y, x, n, a, b, g); break;
    case U_CLIP: simdF64(U_CLIP, y, x, n, a, b, g); break;
    default: floats<f64>(op, y, x, 0, n, a, b, g);
  }
}

// Whether `dtype` is an element type unary ops take and `op` is defined on it.
// @ts-ignore: decorator
@inline function allowed(dtype: i32, op: i32): bool {
  const fl = dtype == DT_F32 || dtype == DT_F64;
  const known = fl || dtype == DT_U8 || dtype == DT_I8 || dtype == DT_U16 || dtype == DT_I16 || dtype == DT_I32 ||
    dtype == DT_I64 || dtype == DT_BOOL || dtype == DT_U32 || dtype == DT_U64;
  return known && unaryAllowed(op, fl, dtype == DT_BOOL);
}

// The integer and bool types (no SIMD path yet: the same loop in both kernels).
function intAny(dtype: i32, op: i32, y: usize, x: usize, n: i32, a: f64, b: f64): void {
  if (dtype == DT_I32) ints<i32>(op, y, x, n, a, b);
  else if (dtype == DT_I64) ints<i64>(op, y, x, n, a, b);
  else if (dtype == DT_U8 || dtype == DT_BOOL) ints<u8>(op, y, x, n, a, b);
  else if (dtype == DT_I8) ints<i8>(op, y, x, n, a, b);
  else if (dtype == DT_U16) ints<u16>(op, y, x, n, a, b);
  else if (dtype == DT_I16) ints<i16>(op, y, x, n, a, b);
  else if (dtype == DT_U32) ints<u32>(op, y, x, n, a, b);
  else ints<u64>(op, y, x, n, a, b);
}

export function vunary_nd_any__simd128(dtype: i32, op: i32, y: usize, x: usize, n: i32, alpha: f64, beta: f64, gamma: f64): i32 {
  if (!allowed(dtype, op)) return 1;
  if (n < 0) return 2;
  if (dtype == DT_F32) f32Any(op, y, x, n, <f32>alpha, <f32>beta, <f32>gamma);
  else if (dtype == DT_F64) f64Any(op, y, x, n, alpha, beta, gamma);
  else intAny(dtype, op, y, x, n, alpha, beta);
  return 0;
}

export function vunary_nd_any__scalar(dtype: i32, op: i32, y: usize, x: usize, n: i32, alpha: f64, beta: f64, gamma: f64): i32 {
  if (!allowed(dtype, op)) return 1;
  if (n < 0) return 2;
  if (dtype == DT_F32) floats<f32>(op, y, x, 0, n, <f32>alpha, <f32>beta, <f32>gamma);
  else if (dtype == DT_F64) floats<f64>(op, y, x, 0, n, alpha, beta, gamma);
  else intAny(dtype, op, y, x, n, alpha, beta);
  return 0;
}

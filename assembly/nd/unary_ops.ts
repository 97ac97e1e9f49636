// Scalar semantics of the element-wise unary ops (one definition, used by nd/unary.ts's SIMD
// kernel for its tails and by its scalar reference). see: ONNX operators, opsets 6-22: Abs Neg
// Sign Floor Ceil Round Sqrt Reciprocal Exp Log Erf Sin ... Atanh, Relu Sigmoid Tanh Softplus
// Softsign Elu Selu Celu Mish ThresholdedRelu HardSigmoid HardSwish LeakyRelu Gelu IsNaN IsInf
// Not BitwiseNot Clip Shrink. f32 is computed with Mathf, f64 with Math (both compiled into the module:
// the same bits in every engine). Where Alloy has an f32 kernel for the op (kernels/eltwise.ts,
// activations.ts) the same per-element function runs, so results match the older kernels' bits.
// Parameters a, b, g (the kernel's alpha, beta, gamma): Elu / Celu / LeakyRelu / ThresholdedRelu
// alpha = a; Selu alpha = a, gamma = g; HardSigmoid alpha = a, beta = b; Clip min = a, max = b;
// IsInf detect_negative = a != 0, detect_positive = b != 0; Shrink lambd = a, bias = b.

import { sigmoid1, hardswish1, gelu64, gelu64acc, erf64 } from "../kernels/eltwise";

// The op codes (index = code in UNARY_NAMES: the host looks them up by name).
export const U_ABS = 0, U_NEG = 1, U_SIGN = 2, U_FLOOR = 3, U_CEIL = 4, U_ROUND = 5, U_SQRT = 6, U_RECIP = 7;
export const U_EXP = 8, U_LOG = 9, U_ERF = 10, U_SIN = 11, U_COS = 12, U_TAN = 13, U_ASIN = 14, U_ACOS = 15;
export const U_ATAN = 16, U_SINH = 17, U_COSH = 18, U_ASINH = 19, U_ACOSH = 20, U_ATANH = 21;
export const U_RELU = 22, U_SIGMOID = 23, U_TANH = 24, U_SOFTPLUS = 25, U_SOFTSIGN = 26, U_ELU = 27, U_SELU = 28;
export const U_CELU = 29, U_MISH = 30, U_THRELU = 31, U_HSIGMOID = 32, U_HSWISH = 33, U_LRELU = 34, U_GELU = 35;
export const U_GELU_TANH = 36, U_ISNAN = 37, U_ISINF = 38, U_NOT = 39, U_BITNOT = 40, U_CLIP = 41;
export const U_SHRINK = 42;
export const U_COUNT = 43;

export const UNARY_NAMES: string = "abs neg sign floor ceil round sqrt reciprocal exp log erf sin cos tan asin acos " +
  "atan sinh cosh asinh acosh atanh relu sigmoid tanh softplus softsign elu selu celu mish thresholdedrelu " +
  "hardsigmoid hardswish leakyrelu gelu gelu_tanh isnan isinf not bitwisenot clip shrink";

/** Whether op is defined on this kind of element type. */
export function unaryAllowed(op: i32, isFloatT: bool, isBool: bool): bool {
  if (op < 0 || op >= U_COUNT) return false;
  if (isBool) return op == U_NOT;
  if (op == U_NOT) return false;
  if (isFloatT) return op != U_BITNOT;
  return op == U_ABS || op == U_NEG || op == U_SIGN || op == U_RELU || op == U_CLIP || op == U_BITNOT;
}

/** Ops whose output is bool (u8 0 / 1) whatever the input type. */
// @ts-ignore: decorator
@inline export function unaryToBool(op: i32): bool { return op == U_ISNAN || op == U_ISINF; }

// Math by element width (a compile-time choice after inlining).
// @ts-ignore: decorator
@inline function f4<T>(): bool { return sizeof<T>() == 4; }
// @ts-ignore: decorator
@inline function exp<T>(x: T): T { return f4<T>() ? <T>Mathf.exp(<f32>x) : <T>Math.exp(<f64>x); }
// @ts-ignore: decorator
@inline function expm1<T>(x: T): T { return f4<T>() ? <T>Mathf.expm1(<f32>x) : <T>Math.expm1(<f64>x); }
// @ts-ignore: decorator
@inline function log1p<T>(x: T): T { return f4<T>() ? <T>Mathf.log1p(<f32>x) : <T>Math.log1p(<f64>x); }
// @ts-ignore: decorator
@inline function tanh<T>(x: T): T { return f4<T>() ? <T>Mathf.tanh(<f32>x) : <T>Math.tanh(<f64>x); }

// ln(1 + e^x) without overflow: x + log1p(e^-x) for x > 0. see: ONNX Softplus, opset 1
// @ts-ignore: decorator
@inline function softplus<T>(x: T): T { return x > 0 ? x + log1p<T>(exp<T>(-x)) : log1p<T>(exp<T>(x)); }

// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) in f64. see: ONNX Gelu, opset 20
function geluTanh64(v: f64): f64 {
  if (v == Infinity) return v;
  if (v == -Infinity) return -0.0;
  return 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
}

// @ts-ignore: decorator
@inline export function unaryFloat<T>(op: i32, x: T, a: T, b: T, g: T): T {
  switch (op) {
    case U_ABS: return abs<T>(x);
    case U_NEG: return -x;
    case U_SIGN: return x > 0 ? <T>1 : x < 0 ? <T>-1 : x;            // keeps +-0 and NaN
    case U_FLOOR: return floor<T>(x);
    case U_CEIL: return ceil<T>(x);
    case U_ROUND: return nearest<T>(x);                             // half to even. see: ONNX Round, opset 11
    case U_SQRT: return sqrt<T>(x);
    case U_RECIP: return <T>1 / x;
    case U_EXP: return exp<T>(x);
    case U_LOG: return f4<T>() ? <T>Mathf.log(<f32>x) : <T>Math.log(<f64>x);
    case U_ERF: return <T>erf64(<f64>x);                            // f32: computed in f64, rounded once
    case U_SIN: return f4<T>() ? <T>Mathf.sin(<f32>x) : <T>Math.sin(<f64>x);
    case U_COS: return f4<T>() ? <T>Mathf.cos(<f32>x) : <T>Math.cos(<f64>x);
    case U_TAN: return f4<T>() ? <T>Mathf.tan(<f32>x) : <T>Math.tan(<f64>x);
    case U_ASIN: return f4<T>() ? <T>Mathf.asin(<f32>x) : <T>Math.asin(<f64>x);
    case U_ACOS: return f4<T>() ? <T>Mathf.acos(<f32>x) : <T>Math.acos(<f64>x);
    case U_ATAN: return f4<T>() ? <T>Mathf.atan(<f32>x) : <T>Math.atan(<f64>x);
    case U_SINH: return f4<T>() ? <T>Mathf.sinh(<f32>x) : <T>Math.sinh(<f64>x);
    case U_COSH: return f4<T>() ? <T>Mathf.cosh(<f32>x) : <T>Math.cosh(<f64>x);
    case U_ASINH: return f4<T>() ? <T>Mathf.asinh(<f32>x) : <T>Math.asinh(<f64>x);
    case U_ACOSH: return f4<T>() ? <T>Mathf.acosh(<f32>x) : <T>Math.acosh(<f64>x);
    case U_ATANH: return f4<T>() ? <T>Mathf.atanh(<f32>x) : <T>Math.atanh(<f64>x);
    case U_RELU: return max<T>(x, 0);                               // as vrelu_f32__scalar
    case U_SIGMOID: {
      if (f4<T>()) return <T>sigmoid1(<f32>x);                       // as vsigmoid_f32__scalar
      if (x >= 0) return <T>1 / (<T>1 + exp<T>(-x));
      const e = exp<T>(x);
      return e / (<T>1 + e);
    }
    case U_TANH: return tanh<T>(x);                                 // as vtanh_f32__scalar
    case U_SOFTPLUS: return softplus<T>(x);
    case U_SOFTSIGN: return x / (<T>1 + abs<T>(x));
    case U_ELU: return x < 0 ? a * expm1<T>(x) : x;
    case U_SELU: return x <= 0 ? g * (a * expm1<T>(x)) : g * x;
    case U_CELU: return max<T>(x, 0) + min<T>(0, a * expm1<T>(x / a));
    case U_MISH: return x == <T>-Infinity ? <T>-0.0 : x * tanh<T>(softplus<T>(x));
    case U_THRELU: return x > a ? x : 0;
    case U_HSIGMOID: return max<T>(0, min<T>(1, a * x + b));
    case U_HSWISH: return f4<T>() ? <T>hardswish1(<f32>x) : x * (min<T>(max<T>(x + 3, 0), 6) / 6);
    case U_LRELU: return x < 0 ? a * x : x;                          // as vlrelu_f32__scalar
    case U_GELU: return f4<T>() ? <T>gelu64(<f64>x) : <T>gelu64acc(<f64>x);   // f32 as vgelu_f32__scalar
    case U_GELU_TANH: return <T>geluTanh64(<f64>x);
    case U_SHRINK: return x < -a ? x + b : x > a ? x - b : <T>0;   // a = lambd, b = bias. see: ONNX Shrink, opset 9
    default: return min<T>(max<T>(x, a), b);                         // U_CLIP, as vclamp_f32__scalar
  }
}

// @ts-ignore: decorator
@inline export function unaryFloatToBool<T>(op: i32, x: T, a: T, b: T): u8 {
  if (op == U_ISNAN) return x != x ? 1 : 0;
  if (x == <T>Infinity) return b != 0 ? 1 : 0;
  if (x == <T>-Infinity) return a != 0 ? 1 : 0;
  return 0;
}

// Integers: Abs / Neg wrap (abs(MIN) = MIN), Clip takes its bounds already in T.
// @ts-ignore: decorator
@inline export function unaryInt<T>(op: i32, x: T, lo: T, hi: T): T {
  switch (op) {
    case U_ABS: return isSigned<T>() && x < 0 ? <T>(0 - x) : x;
    case U_NEG: return <T>(0 - x);
    case U_SIGN: return x > 0 ? <T>1 : isSigned<T>() && x < 0 ? <T>-1 : <T>0;
    case U_RELU: return isSigned<T>() && x < 0 ? <T>0 : x;
    case U_BITNOT: return ~x;
    case U_NOT: return x == 0 ? <T>1 : <T>0;                          // bool
    default: { const v = x < lo ? lo : x; return v > hi ? hi : v; }  // U_CLIP: max then min, as numpy clip
  }
}

// Scalar semantics of the element-wise binary ops on every element type (one definition, used by
// the N-d kernels and their references). see: ONNX Add/Sub/Mul/Div/Pow/Mod/Min/Max/BitShift/
// BitwiseAnd/And/Equal/Less/Greater, opset 13-22.
// Where ONNX leaves integer corner cases undefined (C++ UB in onnxruntime), Alloy defines them so
// no input traps: x / 0 = 0, MIN / -1 = MIN (wraps), x mod 0 = 0, shifts by >= the bit width give
// 0 (or -1 for a negative signed value shifted right), integer pow with a negative exponent
// truncates the real result (1, -1 or 0). Float Min / Max propagate NaN (wasm f32.min).

export const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_POW = 4, B_MOD = 5, B_FMOD = 6, B_MIN = 7, B_MAX = 8;
export const B_AND = 9, B_OR = 10, B_XOR = 11, B_SHL = 12, B_SHR = 13;
export const B_EQ = 14, B_LT = 15, B_GT = 16, B_LE = 17, B_GE = 18;
export const B_PRELU = 19;   // a < 0 ? a * b : a. see: ONNX PRelu, opset 16 (slope broadcast onto x)
export const B_COUNT = 20;
// The codes' names (index = code), read by the host through names_ptr (assembly/codes.ts).
export const BINARY_NAMES: string = "add sub mul div pow mod fmod min max and or xor shl shr eq lt gt le ge prelu";

/** Whether op is defined on this kind of type (float, integer, bool). */
export function opAllowed(op: i32, isFloatT: bool, isBool: bool): bool {
  if (op < 0 || op >= B_COUNT) return false;
  if (isBool) return op == B_AND || op == B_OR || op == B_XOR || isCompare(op);
  if (isFloatT) return op <= B_MAX || op >= B_EQ;
  return true;
}

@inline export function isCompare(op: i32): bool { return op >= B_EQ && op <= B_GE; }

// @ts-ignore: decorator
@inline export function compare<T>(op: i32, a: T, b: T): u8 {
  switch (op) {
    case B_EQ: return a == b ? 1 : 0;
    case B_LT: return a < b ? 1 : 0;
    case B_GT: return a > b ? 1 : 0;
    case B_LE: return a <= b ? 1 : 0;
    default: return a >= b ? 1 : 0;
  }
}

function ipow<T>(a: T, e: T): T {
  if (isSigned<T>() && e < 0) {
    if (a == 1) return 1;
    if (a == <T>-1) return (e & 1) ? <T>-1 : 1;
    return 0;
  }
  let r: T = 1, b = a, k = e;
  while (k != 0) { if (k & 1) r = <T>(r * b); b = <T>(b * b); k = <T>(k >>> 1); }
  return r;
}

// @ts-ignore: decorator
@inline export function arith<T>(op: i32, a: T, b: T): T {
  if (isFloat<T>()) {
    switch (op) {
      case B_ADD: return a + b;
      case B_SUB: return a - b;
      case B_MUL: return a * b;
      case B_DIV: return a / b;
      case B_POW: return sizeof<T>() == 4 ? <T>Mathf.pow(<f32>a, <f32>b) : <T>Math.pow(<f64>a, <f64>b);
      case B_FMOD: return a % b;
      case B_MOD: { const r = a % b; return r != 0 && (r < 0) != (b < 0) ? r + b : r; }
      case B_MIN: return min<T>(a, b);
      case B_PRELU: return a < 0 ? a * b : a;
      default: return max<T>(a, b);
    }
  } else {
    const bits = <T>(sizeof<T>() * 8);
    switch (op) {
      case B_ADD: return <T>(a + b);
      case B_SUB: return <T>(a - b);
      case B_MUL: return <T>(a * b);
      case B_DIV: return b == 0 ? 0 : isSigned<T>() && b == <T>-1 ? <T>(0 - a) : <T>(a / b);
      case B_POW: return ipow<T>(a, b);
      case B_FMOD: return b == 0 || (isSigned<T>() && b == <T>-1) ? 0 : <T>(a % b);
      case B_MOD: {
        if (b == 0 || (isSigned<T>() && b == <T>-1)) return 0;
        const r = <T>(a % b);
        return isSigned<T>() && r != 0 && (r < 0) != (b < 0) ? <T>(r + b) : r;
      }
      case B_MIN: return a < b ? a : b;
      case B_MAX: return a > b ? a : b;
      case B_AND: return a & b;
      case B_OR: return a | b;
      case B_XOR: return a ^ b;
      case B_PRELU: return isSigned<T>() && a < 0 ? <T>(a * b) : a;
      case B_SHL: return b < 0 || b >= bits ? 0 : <T>(a << b);
      default: return b < 0 || b >= bits ? (isSigned<T>() && a < 0 ? <T>-1 : 0) : <T>(a >> b);
    }
  }
}

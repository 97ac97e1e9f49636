// N-d element-wise binary ops with numpy broadcasting, on every element type of nd/dtype.ts:
//   vbinary_nd_any__simd128(dtype, op, y, a, b, rank, dims) -> 0 ok | 1 op not defined on dtype | 2 bad dims
// dims: 3 * rank i32s (the output's dims, then a's and b's right-aligned to rank, each the
// output's or 1). y has a's type, or bool (u8 0/1) for comparisons (ops in nd/ops.ts). f32 add /
// sub / mul / div / min / max take SIMD128 on the innermost run; every other case is scalar.
// vbinary_nd_any__scalar computes each output element from its multi-index (no coalescing, no SIMD): the
// reference vbinary_nd_any__simd128 must equal bit for bit. y may alias a or b when it has their shape.

import { coalesce, cdim, cstride, outerStart, outerOff, outerNext, refOffsets, refB, dimsTotal } from "./iter";
import { arith, compare, isCompare, opAllowed, B_ADD, B_SUB, B_MUL, B_DIV, B_MIN, B_MAX, B_PRELU } from "./ops";
import { DT_F32, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_BOOL, DT_F64, DT_U32, DT_U64 } from "./dtype";

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }

// One innermost run of n elements with strides sa, sb (0 or 1 after coalescing). Not inlined:
// one copy per element type keeps the module small (the op switch is per element).
function runScalar<T, U>(op: i32, y: usize, a: usize, b: usize, n: i64, sa: i64, sb: i64): void {
  for (let i: i64 = 0; i < n; i++) {
    const x = load<T>(el<T>(a, i * sa)), z = load<T>(el<T>(b, i * sb));
    if (isCompare(op)) store<u8>(y + <usize>i, compare<T>(op, x, z));
    else store<T>(el<T>(y, i), arith<T>(op, x, z));
  }
}

// @ts-ignore: decorator
@inline function vop(op: i32, x: v128, z: v128): v128 {
  if (op == B_ADD) return f32x4.add(x, z);
  if (op == B_SUB) return f32x4.sub(x, z);
  if (op == B_MUL) return f32x4.mul(x, z);
  if (op == B_DIV) return f32x4.div(x, z);
  if (op == B_MIN) return f32x4.min(x, z);
  if (op == B_PRELU) return v128.bitselect(f32x4.mul(x, z), x, f32x4.lt(x, f32x4.splat(0)));
  return f32x4.max(x, z);
}

// f32, op one of the seven SIMD ops (a compile-time constant after inlining).
// @ts-ignore: decorator
@inline function runF32(op: i32, y: usize, a: usize, b: usize, n: i64, sa: i64, sb: i64): void {
  let i: i64 = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) v128.store(el<f32>(y, i), vop(op, v128.load(el<f32>(a, i)), v128.load(el<f32>(b, i))));
  } else if (sa == 1) {
    const zv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) v128.store(el<f32>(y, i), vop(op, v128.load(el<f32>(a, i)), zv));
  } else if (sb == 1) {
    const xv = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) v128.store(el<f32>(y, i), vop(op, xv, v128.load(el<f32>(b, i))));
  }
  for (; i < n; i++) store<f32>(el<f32>(y, i), arith<f32>(op, load<f32>(el<f32>(a, i * sa)), load<f32>(el<f32>(b, i * sb))));
}


// Walks the coalesced dims (innermost first) and calls the run body once per innermost run.
// @ts-ignore: decorator
@inline function walk<T, U>(op: i32, simd: bool, y: usize, a: usize, b: usize, r: i32): void {
  if (r == 0) { if (simd) runF32(op, y, a, b, 1, 0, 0); else runScalar<T, U>(op, y, a, b, 1, 0, 0); return; }
  const n0 = cdim(0), sa0 = cstride(1, 0), sb0 = cstride(2, 0);
  const outer = outerStart(r);
  let yo: i64 = 0;
  for (let o: i64 = 0; o < outer; o++) {
    const ao = outerOff(1), bo = outerOff(2);
    if (simd) runF32(op, el<f32>(y, yo), el<f32>(a, ao), el<f32>(b, bo), n0, sa0, sb0);
    else runScalar<T, U>(op, el<U>(y, yo), el<T>(a, ao), el<T>(b, bo), n0, sa0, sb0);
    yo += n0;
    outerNext(r, 2);
  }
}

function typed<T>(op: i32, y: usize, a: usize, b: usize, r: i32): void {
  if (isCompare(op)) walk<T, u8>(op, false, y, a, b, r);
  else walk<T, T>(op, false, y, a, b, r);
}

function f32nd(op: i32, y: usize, a: usize, b: usize, r: i32): void {
  if (op == B_ADD) walk<f32, f32>(B_ADD, true, y, a, b, r);
  else if (op == B_SUB) walk<f32, f32>(B_SUB, true, y, a, b, r);
  else if (op == B_MUL) walk<f32, f32>(B_MUL, true, y, a, b, r);
  else if (op == B_DIV) walk<f32, f32>(B_DIV, true, y, a, b, r);
  else if (op == B_MIN) walk<f32, f32>(B_MIN, true, y, a, b, r);
  else if (op == B_MAX) walk<f32, f32>(B_MAX, true, y, a, b, r);
  else if (op == B_PRELU) walk<f32, f32>(B_PRELU, true, y, a, b, r);
  else typed<f32>(op, y, a, b, r);
}

// Whether `dtype` is an element type binary ops take and `op` is defined on it.
// @ts-ignore: decorator
@inline function allowed(dtype: i32, op: i32): bool {
  const fl = dtype == DT_F32 || dtype == DT_F64;
  const known = fl || dtype == DT_U8 || dtype == DT_I8 || dtype == DT_U16 || dtype == DT_I16 || dtype == DT_I32 ||
    dtype == DT_I64 || dtype == DT_BOOL || dtype == DT_U32 || dtype == DT_U64;
  return known && opAllowed(op, fl, dtype == DT_BOOL);
}

export function vbinary_nd_any__simd128(dtype: i32, op: i32, y: usize, a: usize, b: usize, rank: i32, dims: usize): i32 {
  if (!allowed(dtype, op)) return 1;
  const r = coalesce(rank, dims, 3);
  if (r == -2) return 0;
  if (r < 0) return 2;
  if (dtype == DT_F32) f32nd(op, y, a, b, r);
  else if (dtype == DT_F64) typed<f64>(op, y, a, b, r);
  else if (dtype == DT_I32) typed<i32>(op, y, a, b, r);
  else if (dtype == DT_I64) typed<i64>(op, y, a, b, r);
  else if (dtype == DT_U8 || dtype == DT_BOOL) typed<u8>(op, y, a, b, r);
  else if (dtype == DT_I8) typed<i8>(op, y, a, b, r);
  else if (dtype == DT_U16) typed<u16>(op, y, a, b, r);
  else if (dtype == DT_I16) typed<i16>(op, y, a, b, r);
  else if (dtype == DT_U32) typed<u32>(op, y, a, b, r);
  else typed<u64>(op, y, a, b, r);
  return 0;
}

// Reference: per output element, its multi-index, then each operand's offset.
function refTyped<T>(op: i32, y: usize, a: usize, b: usize, rank: i32, dims: usize, total: i64): void {
  for (let e: i64 = 0; e < total; e++) {
    const ao = refOffsets(e, rank, dims), bo = refB();
    const x = load<T>(el<T>(a, ao)), z = load<T>(el<T>(b, bo));
    if (isCompare(op)) store<u8>(y + <usize>e, compare<T>(op, x, z));
    else store<T>(el<T>(y, e), arith<T>(op, x, z));
  }
}

export function vbinary_nd_any__scalar(dtype: i32, op: i32, y: usize, a: usize, b: usize, rank: i32, dims: usize): i32 {
  if (!allowed(dtype, op)) return 1;
  const r = coalesce(rank, dims, 3);   // the same validation, the result unused
  if (r == -2) return 0;
  if (r < 0) return 2;
  const total = dimsTotal(rank, dims);
  if (dtype == DT_F32) refTyped<f32>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_F64) refTyped<f64>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_I32) refTyped<i32>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_I64) refTyped<i64>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_U8 || dtype == DT_BOOL) refTyped<u8>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_I8) refTyped<i8>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_U16) refTyped<u16>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_I16) refTyped<i16>(op, y, a, b, rank, dims, total);
  else if (dtype == DT_U32) refTyped<u32>(op, y, a, b, rank, dims, total);
  else refTyped<u64>(op, y, a, b, rank, dims, total);
  return 0;
}

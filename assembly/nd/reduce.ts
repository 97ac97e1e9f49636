// N-d reductions over any set of axes, f32 / f64 / i32 / i64 (see: ONNX ReduceSum, ReduceMean,
// ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp,
// ReduceSumSquare, opsets 11-22):
//   reduce_nd_any__simd128(dtype, op, y, x, rank, dims, axesMask) -> 0 ok | 1 op not on dtype | 2 bad dims
// dims: rank i32s (x's shape); bit i of axesMask: axis i is reduced. y holds the kept dims in
// order (keepdims only changes the shape, not the bytes). Fixed order: every output element
// accumulates its inputs in row-major order of the reduced indices, in its own type (f32 in
// f32, integers wrapping; Mean on integers truncates). Empty reductions give the ONNX identity
// (Sum 0, Prod 1, Max -inf / type min, Min +inf / type max, LogSum / LogSumExp -inf, float Mean
// 0/0 = NaN, integer Mean 0). LogSumExp is max-shifted: m + log(sum exp(x - m)), m if m is inf.
// The SIMD path takes f32 when the innermost (coalesced) axis is kept and >= 4 long: four
// neighbouring outputs accumulate lane-wise in the same order, so it equals
// reduce_nd_any__scalar (per output element, offsets from its multi-index) bit for bit.

import { DT_F32, DT_F64, DT_I32, DT_I64 } from "./dtype";
import { MAX_RANK } from "./iter";

export const R_SUM = 0, R_MEAN = 1, R_MAX = 2, R_MIN = 3, R_PROD = 4, R_L1 = 5, R_L2 = 6;
export const R_LOG_SUM = 7, R_LOG_SUM_EXP = 8, R_SUM_SQUARE = 9, R_COUNT = 10;
// index = op code (the host reads this list: scripts/gen-tables.mjs REDUCE_OPS)
export const REDUCE_NAMES: string = "sum mean max min prod l1 l2 log_sum log_sum_exp sum_square";

// The coalesced problem: size-1 dims dropped, neighbours of the same kind merged (outer first).
const CD = new StaticArray<i64>(MAX_RANK);   // dims
const CS = new StaticArray<i64>(MAX_RANK);   // x strides (elements)
const CR = new StaticArray<i32>(MAX_RANK);   // 1: reduced
const KI = new StaticArray<i64>(MAX_RANK);   // kept odometer
const RI = new StaticArray<i64>(MAX_RANK);   // reduced odometer
let cn = 0;
let outN: i64 = 0, redN: i64 = 0;

/** 0 ok, -2 nothing to write, -3 empty reduction, -1 bad rank / dims / mask. */
export function rcoalesce(rank: i32, dims: usize, mask: i32): i32 {
  if (rank < 0 || rank > MAX_RANK || mask < 0 || (rank < 31 && (mask >>> rank) != 0)) return -1;
  outN = 1; redN = 1; cn = 0;
  for (let i = 0; i < rank; i++) {
    const d = <i64>load<i32>(dims + (<usize>i << 2));
    if (d < 0) return -1;
    const r = (mask >>> i) & 1;
    if (r) redN *= d; else outN *= d;
    if (d == 1) continue;
    if (cn > 0 && unchecked(CR[cn - 1]) == r) { unchecked(CD[cn - 1] = unchecked(CD[cn - 1]) * d); continue; }
    unchecked(CD[cn] = d); unchecked(CR[cn] = r); cn++;
  }
  if (outN == 0) return -2;
  if (redN == 0) return -3;
  let s: i64 = 1;
  for (let i = cn - 1; i >= 0; i--) { unchecked(CS[i] = s); s *= unchecked(CD[i]); }
  return 0;
}

/** Output / reduced element counts of the last rcoalesce(). */
export function outCount(): i64 { return outN; }
export function redCount(): i64 { return redN; }

/** The x offset of output element o's reduced element r (both row-major), from the uncoalesced dims. */
export function xOffset(o: i64, r: i64, rank: i32, dims: usize, mask: i32): i64 {
  let off: i64 = 0, s: i64 = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = <i64>load<i32>(dims + (<usize>i << 2));
    let k: i64;
    if ((mask >>> i) & 1) { k = r % d; r /= d; } else { k = o % d; o /= d; }
    off += k * s; s *= d;
  }
  return off;
}

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }

// @ts-ignore: decorator
@inline function isF<T>(): bool { return isFloat<T>(); }

// @ts-ignore: decorator
@inline function initOf<T>(op: i32): T {
  if (op == R_PROD) return <T>1;
  if (op == R_MAX || op == R_LOG_SUM_EXP) return isF<T>() ? <T>-Infinity : (sizeof<T>() == 8 ? <T>i64.MIN_VALUE : <T>i32.MIN_VALUE);
  if (op == R_MIN) return isF<T>() ? <T>Infinity : (sizeof<T>() == 8 ? <T>i64.MAX_VALUE : <T>i32.MAX_VALUE);
  return <T>0;
}

// @ts-ignore: decorator
@inline function stepOf<T>(op: i32, a: T, v: T): T {
  switch (op) {
    case R_MAX: return isF<T>() ? max<T>(a, v) : (v > a ? v : a);
    case R_MIN: return isF<T>() ? min<T>(a, v) : (v < a ? v : a);
    case R_PROD: return <T>(a * v);
    case R_L1: return <T>(a + (isF<T>() ? abs<T>(v) : (v < 0 ? <T>(0 - v) : v)));
    case R_L2: case R_SUM_SQUARE: return <T>(a + <T>(v * v));
    default: return <T>(a + v);
  }
}

// @ts-ignore: decorator
@inline function finOf<T>(op: i32, a: T, n: i64): T {
  if (op == R_MEAN) {
    if (isF<T>()) return a / <T>n;
    return n == 0 ? <T>0 : <T>(<i64>a / n);
  }
  if (isF<T>()) {
    if (op == R_L2) return sizeof<T>() == 4 ? <T>Mathf.sqrt(<f32>a) : <T>Math.sqrt(<f64>a);
    if (op == R_LOG_SUM) return sizeof<T>() == 4 ? <T>Mathf.log(<f32>a) : <T>Math.log(<f64>a);
  }
  return a;
}

// @ts-ignore: decorator
@inline function expT<T>(v: T): T { return sizeof<T>() == 4 ? <T>Mathf.exp(<f32>v) : <T>Math.exp(<f64>v); }
// @ts-ignore: decorator
@inline function logT<T>(v: T): T { return sizeof<T>() == 4 ? <T>Mathf.log(<f32>v) : <T>Math.log(<f64>v); }

// max-shifted log-sum-exp of one output's inputs, given as a max m already (sum pass here)
// @ts-ignore: decorator
@inline function lseFin<T>(m: T, s: T): T {
  return m == <T>Infinity || m == <T>-Infinity ? m : <T>(logT<T>(s) + m);
}

function opOk(dtype: i32, op: i32): bool {
  if (op < 0 || op >= R_COUNT) return false;
  if (dtype == DT_F32 || dtype == DT_F64) return true;
  if (dtype == DT_I32 || dtype == DT_I64) return op != R_L2 && op != R_LOG_SUM && op != R_LOG_SUM_EXP;
  return false;
}

// One output element over the coalesced reduced dims (odometer, row-major, innermost fastest).
function oneFast<T>(op: i32, xb: usize): T {
  for (let i = 0; i < cn; i++) unchecked(RI[i] = 0);
  // innermost reduced dim
  let last = -1;
  for (let i = cn - 1; i >= 0; i--) if (unchecked(CR[i])) { last = i; break; }
  if (last < 0) {
    const v = load<T>(xb);
    if (op == R_LOG_SUM_EXP) return lseFin<T>(v, expT<T>(<T>(v - v)));
    return finOf<T>(op, stepOf<T>(op, initOf<T>(op), v), 1);
  }
  const n0 = unchecked(CD[last]), s0 = unchecked(CS[last]);
  const runs = redN / n0;
  let acc = initOf<T>(op);
  for (let pass = 0; pass < (op == R_LOG_SUM_EXP ? 2 : 1); pass++) {
    const m = acc;
    if (pass == 1) acc = <T>0;
    let off: i64 = 0;
    for (let k: i64 = 0; k < runs; k++) {
      if (op == R_LOG_SUM_EXP) {
        if (pass == 0) for (let j: i64 = 0; j < n0; j++) acc = max<T>(acc, load<T>(el<T>(xb, off + j * s0)));
        else for (let j: i64 = 0; j < n0; j++) acc = <T>(acc + expT<T>(<T>(load<T>(el<T>(xb, off + j * s0)) - m)));
      } else for (let j: i64 = 0; j < n0; j++) acc = stepOf<T>(op, acc, load<T>(el<T>(xb, off + j * s0)));
      for (let i = last - 1; i >= 0; i--) {
        if (!unchecked(CR[i])) continue;
        const v = unchecked(RI[i]) + 1;
        off += unchecked(CS[i]);
        if (v < unchecked(CD[i])) { unchecked(RI[i] = v); break; }
        unchecked(RI[i] = 0); off -= unchecked(CS[i]) * unchecked(CD[i]);
      }
    }
    if (op == R_LOG_SUM_EXP && pass == 1) return lseFin<T>(m, acc);
  }
  return finOf<T>(op, acc, redN);
}

// @ts-ignore: decorator
@inline function vstep(op: i32, a: v128, v: v128): v128 {
  if (op == R_MAX) return f32x4.max(a, v);
  if (op == R_MIN) return f32x4.min(a, v);
  if (op == R_PROD) return f32x4.mul(a, v);
  if (op == R_L1) return f32x4.add(a, f32x4.abs(v));
  if (op == R_L2 || op == R_SUM_SQUARE) return f32x4.add(a, f32x4.mul(v, v));
  return f32x4.add(a, v);
}

// Four neighbouring outputs (x at xb, xb+1, ...) lane-wise, the same order as oneFast.
function fourF32(op: i32, xb: usize, yp: usize): void {
  for (let i = 0; i < cn; i++) unchecked(RI[i] = 0);
  let acc = f32x4.splat(initOf<f32>(op));
  let off: i64 = 0;
  for (let k: i64 = 0; k < redN; k++) {
    acc = vstep(op, acc, v128.load(el<f32>(xb, off)));
    for (let i = cn - 1; i >= 0; i--) {
      if (!unchecked(CR[i])) continue;
      const v = unchecked(RI[i]) + 1;
      off += unchecked(CS[i]);
      if (v < unchecked(CD[i])) { unchecked(RI[i] = v); break; }
      unchecked(RI[i] = 0); off -= unchecked(CS[i]) * unchecked(CD[i]);
    }
  }
  if (op == R_MEAN) acc = f32x4.div(acc, f32x4.splat(<f32>redN));
  else if (op == R_L2) acc = f32x4.sqrt(acc);
  v128.store(yp, acc);
  if (op == R_LOG_SUM) for (let l = 0; l < 4; l++) store<f32>(yp + (<usize>l << 2), Mathf.log(load<f32>(yp + (<usize>l << 2))));
}

// Walks the kept dims (output order); SIMD on the innermost kept run when it is innermost in x.
function fast<T>(op: i32, y: usize, x: usize, simd: bool): void {
  const innerKept = cn > 0 && unchecked(CR[cn - 1]) == 0;
  const n0 = innerKept ? unchecked(CD[cn - 1]) : 1;
  const useV = simd && innerKept && n0 >= 4 && op != R_LOG_SUM_EXP;
  for (let i = 0; i < cn; i++) unchecked(KI[i] = 0);
  const runs = outN / n0;
  let base: i64 = 0, o: i64 = 0;
  for (let k: i64 = 0; k < runs; k++) {
    let j: i64 = 0;
    if (useV) for (; j + 4 <= n0; j += 4) fourF32(op, el<f32>(x, base + j), el<f32>(y, o + j));
    for (; j < n0; j++) store<T>(el<T>(y, o + j), oneFast<T>(op, el<T>(x, base + j)));
    o += n0;
    for (let i = cn - (innerKept ? 2 : 1); i >= 0; i--) {
      if (unchecked(CR[i])) continue;
      const v = unchecked(KI[i]) + 1;
      base += unchecked(CS[i]);
      if (v < unchecked(CD[i])) { unchecked(KI[i] = v); break; }
      unchecked(KI[i] = 0); base -= unchecked(CS[i]) * unchecked(CD[i]);
    }
  }
}

function fillEmpty<T>(op: i32, y: usize): void {
  const v = op == R_LOG_SUM_EXP ? <T>(isF<T>() ? <T>-Infinity : <T>0) : finOf<T>(op, initOf<T>(op), 0);
  for (let i: i64 = 0; i < outN; i++) store<T>(el<T>(y, i), v);
}

export function reduce_nd_any__simd128(dtype: i32, op: i32, y: usize, x: usize, rank: i32, dims: usize, mask: i32): i32 {
  if (!opOk(dtype, op)) return 1;
  const c = rcoalesce(rank, dims, mask);
  if (c == -1) return 2;
  if (c == -2) return 0;
  if (dtype == DT_F32) { if (c == -3) fillEmpty<f32>(op, y); else fast<f32>(op, y, x, true); }
  else if (dtype == DT_F64) { if (c == -3) fillEmpty<f64>(op, y); else fast<f64>(op, y, x, false); }
  else if (dtype == DT_I32) { if (c == -3) fillEmpty<i32>(op, y); else fast<i32>(op, y, x, false); }
  else { if (c == -3) fillEmpty<i64>(op, y); else fast<i64>(op, y, x, false); }
  return 0;
}

// Reference: per output element (row-major over the kept axes), per reduced element (row-major
// over the reduced axes), the x offset from the two multi-indices; no coalescing, no SIMD.
function refTyped<T>(op: i32, y: usize, x: usize, rank: i32, dims: usize, mask: i32): void {
  for (let o: i64 = 0; o < outN; o++) {
    let acc = initOf<T>(op), m = acc;
    for (let pass = 0; pass < (op == R_LOG_SUM_EXP ? 2 : 1); pass++) {
      if (pass == 1) { m = acc; acc = <T>0; }
      for (let r: i64 = 0; r < redN; r++) {
        const v = load<T>(el<T>(x, xOffset(o, r, rank, dims, mask)));
        if (op != R_LOG_SUM_EXP) acc = stepOf<T>(op, acc, v);
        else if (pass == 0) acc = max<T>(acc, v);
        else acc = <T>(acc + expT<T>(<T>(v - m)));
      }
    }
    store<T>(el<T>(y, o), op == R_LOG_SUM_EXP ? lseFin<T>(m, acc) : finOf<T>(op, acc, redN));
  }
}

export function reduce_nd_any__scalar(dtype: i32, op: i32, y: usize, x: usize, rank: i32, dims: usize, mask: i32): i32 {
  if (!opOk(dtype, op)) return 1;
  const c = rcoalesce(rank, dims, mask);
  if (c == -1) return 2;
  if (c == -2) return 0;
  if (dtype == DT_F32) { if (c == -3) fillEmpty<f32>(op, y); else refTyped<f32>(op, y, x, rank, dims, mask); }
  else if (dtype == DT_F64) { if (c == -3) fillEmpty<f64>(op, y); else refTyped<f64>(op, y, x, rank, dims, mask); }
  else if (dtype == DT_I32) { if (c == -3) fillEmpty<i32>(op, y); else refTyped<i32>(op, y, x, rank, dims, mask); }
  else { if (c == -3) fillEmpty<i64>(op, y); else refTyped<i64>(op, y, x, rank, dims, mask); }
  return 0;
}

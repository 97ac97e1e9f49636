// Scalar reference casts between f32 and every format of the table. Integer arithmetic on the
// f32 bit pattern only, so the result is exact for every input and every rounding mode; the SIMD
// bulk casts must equal these bit for bit.
// Semantics: IEEE 754-2019 §4.3 (rounding directions) and §7.4 (overflow), OCP 8-bit FP v1.0,
// OCP MX v1.0 §5 (e8m0, fp6, fp4), ml_dtypes float8 conversions. Documented in docs/FORMATS.md.

import {
  Kind, Special, col, C_KIND, C_EBITS, C_MBITS, C_BIAS, C_SPECIAL, C_IMIN, C_IMAX, C_BITS,
  maxMagCode, nanMagCode, infMagCode, eminOf, etopOf,
} from "./table";

import { Round, Overflow } from "../codes";
export { Round, Overflow };

// Whether magnitude n (with `rem` below it out of 2^shift) rounds away from zero.
// shift is 1..60; rem < 2^shift. `neg` is the sign of the value being rounded.
// @ts-ignore: decorator
@inline function roundsUp(n: u64, rem: u64, shift: i32, neg: bool, mode: i32, r: u32): bool {
  const half: u64 = <u64>1 << (shift - 1);
  switch (mode) {
    case Round.RNE: return rem > half || (rem == half && (n & 1) != 0);
    case Round.RNA: return rem >= half;
    case Round.RTZ: return false;
    case Round.FLOOR: return neg && rem != 0;
    case Round.CEIL: return !neg && rem != 0;
    default: {
      // F = floor(rem / 2^shift * 2^32); away from zero iff F > r.
      const F = <u32>((rem << 32) >> shift);
      return F > r;
    }
  }
}

// Whether an overflowing value goes to infinity (true) or to the largest finite (false),
// IEEE 754 §7.4: nearest modes go to inf; directed modes go to inf only in their direction.
// @ts-ignore: decorator
@inline function overflowsToInf(mode: i32, neg: bool): bool {
  if (mode == Round.RTZ) return false;
  if (mode == Round.FLOOR) return neg;
  if (mode == Round.CEIL) return !neg;
  return true;
}

// Magnitude code for a value that overflowed (or is infinite, when `isInf`).
function overflowCode(fmt: i32, mode: i32, ovf: i32, neg: bool, isInf: bool): u32 {
  if (ovf == Overflow.SATURATE) return maxMagCode(fmt);
  if (isInf || overflowsToInf(mode, neg)) {
    const inf = infMagCode(fmt);
    if (inf >= 0) return <u32>inf;
    const nan = nanMagCode(fmt);
    if (nan >= 0) return <u32>nan;
  }
  return maxMagCode(fmt);
}

// Encode x * 2^-expAdj to a float format of the table (FLOAT kind, or an MX element format).
// Returns the code in the low `bits` bits, sign at bit (ebits + mbits).
export function encodeFloat(fmt: i32, x: f32, mode: i32, ovf: i32, r: u32, expAdj: i32): u32 {
  const E = col(fmt, C_EBITS), M = col(fmt, C_MBITS);
  const b = reinterpret<u32>(x);
  const neg = (b >> 31) != 0;
  const signBit: u32 = neg ? <u32>1 << (E + M) : 0;
  const a = b & 0x7FFFFFFF;
  if (a > 0x7F800000) { // NaN keeps its sign; formats without NaN give +0
    const nan = nanMagCode(fmt);
    return nan >= 0 ? <u32>nan | signBit : 0;
  }
  if (a == 0x7F800000) return overflowCode(fmt, mode, ovf, neg, true) | signBit;
  if (a == 0) return signBit;

  // a = sig * 2^ea exactly, sig < 2^24.
  let ex = <i32>(a >> 23);
  let sig = a & 0x7FFFFF;
  if (ex == 0) ex = 1; else sig |= 0x800000;
  const ea = ex - 150 - expAdj;
  const e = ea + 31 - clz(sig);          // floor(log2 |value|)
  if (e > etopOf(fmt)) return overflowCode(fmt, mode, ovf, neg, false) | signBit;
  const emin = eminOf(fmt);
  const ecl = max(e, emin);
  let shift = (ecl - M) - ea;            // bits of sig below the target quantum 2^(ecl-M)
  let n: u64;
  if (shift <= 0) {
    n = <u64>sig << <u64>(-shift);
  } else {
    if (shift > 60) shift = 60;          // sig < 2^24: beyond this n = 0 and F = 0 anyway
    const s = <u64>sig;
    n = s >> shift;
    const rem = s & ((<u64>1 << shift) - 1);
    if (roundsUp(n, rem, shift, neg, mode, r)) n++;
  }
  // Exponent field and mantissa add up: n == 2^(M+1) carries into the next binade by itself.
  const code = (<u32>(ecl - emin) << M) + <u32>n;
  if (code > maxMagCode(fmt)) return overflowCode(fmt, mode, ovf, neg, false) | signBit;
  return code | signBit;
}

// Round x * 2^-expAdj to an integer by `mode`, then clamp to [lo, hi] (|lo|, |hi| <= 2^40).
// NaN gives 0.
export function roundToInt64(x: f32, mode: i32, r: u32, expAdj: i32, lo: i64, hi: i64): i64 {
  const b = reinterpret<u32>(x);
  const neg = (b >> 31) != 0;
  const a = b & 0x7FFFFFFF;
  if (a > 0x7F800000) return 0;
  if (a == 0x7F800000) return neg ? lo : hi;
  if (a == 0) return 0;
  let ex = <i32>(a >> 23);
  let sig = a & 0x7FFFFF;
  if (ex == 0) ex = 1; else sig |= 0x800000;
  const ea = ex - 150 - expAdj;
  let n: u64;
  if (ea >= 0) {
    if (ea > 16) return neg ? lo : hi;   // |value| >= 2^40
    n = <u64>sig << <u64>ea;
  } else {
    let shift = -ea;
    if (shift > 60) shift = 60;
    const s = <u64>sig;
    n = s >> shift;
    const rem = s & ((<u64>1 << shift) - 1);
    if (roundsUp(n, rem, shift, neg, mode, r)) n++;
  }
  const v: i64 = neg ? -<i64>n : <i64>n;
  return min(max(v, lo), hi);
}

// roundToInt64 for i32 bounds.
// @ts-ignore: decorator
@inline export function roundToInt(x: f32, mode: i32, r: u32, expAdj: i32, lo: i32, hi: i32): i32 {
  return <i32>roundToInt64(x, mode, r, expAdj, <i64>lo, <i64>hi);
}

// e8m0fnu: 2^(code-127). Nearest modes round ties up (rne == rna) in the linear domain
// (x >= 1.5 * 2^e goes up); 0, negatives: 0x00 (saturate) or NaN (ieee); below 2^-127: 0x00.
export function encodeE8M0(x: f32, mode: i32, ovf: i32, r: u32): u32 {
  const b = reinterpret<u32>(x);
  if ((b & 0x7FFFFFFF) > 0x7F800000) return 0xFF;
  if ((b >> 31) != 0 || b == 0) return ovf == Overflow.SATURATE ? 0 : 0xFF;
  if (b == 0x7F800000) return ovf == Overflow.SATURATE ? 0xFE : 0xFF;
  let ex = <i32>(b >> 23);
  let sig = b & 0x7FFFFF;
  if (ex == 0) ex = 1; else sig |= 0x800000;
  const top = 31 - clz(sig);             // position of the leading bit
  let e = ex - 150 + top;
  const frac = <u64>(sig ^ (<u32>1 << top)); // bits below the leading one, out of 2^top
  if (top > 0) {
    const half = <u64>1 << (top - 1);
    let up = false;
    switch (mode) {
      case Round.RNE: case Round.RNA: up = frac >= half; break;
      case Round.CEIL: up = frac != 0; break;
      case Round.STOCHASTIC: up = <u32>((frac << 32) >> top) > r; break;
      default: break;                    // rtz and floor: positive, truncate
    }
    if (up) e++;
  }
  if (e < -127) return 0;
  if (e > 127) return ovf == Overflow.SATURATE ? 0xFE : 0xFF;
  return <u32>(e + 127);
}

// Any format (but MX composites) from f32. Integer formats take the value as already scaled.
export function encodeScalar(fmt: i32, x: f32, mode: i32, ovf: i32, r: u32): u32 {
  const kind = col(fmt, C_KIND);
  if (kind == Kind.INT) {
    const v = roundToInt(x, mode, r, 0, col(fmt, C_IMIN), col(fmt, C_IMAX));
    const bits = col(fmt, C_BITS);
    return bits == 32 ? <u32>v : <u32>v & ((<u32>1 << bits) - 1);
  }
  if (kind == Kind.SCALE) return encodeE8M0(x, mode, ovf, r);
  if (fmt == 0) return reinterpret<u32>(x); // f32 to f32 is the identity, NaN payloads too
  return encodeFloat(fmt, x, mode, ovf, r, 0);
}

// Code of a float format to f32 (exact: every value of these formats is an f32).
// NaNs decode to the canonical quiet NaN with the code's sign.
export function decodeFloat(fmt: i32, code: u32): f32 {
  const E = col(fmt, C_EBITS), M = col(fmt, C_MBITS), sp = col(fmt, C_SPECIAL);
  const sign: u32 = ((code >> (E + M)) & 1) << 31;
  const mag = code & ((<u32>1 << (E + M)) - 1);
  const nan = nanMagCode(fmt);
  if (sp == Special.IEEE && (mag >> M) == (<u32>1 << E) - 1) {
    return reinterpret<f32>(sign | ((mag & ((<u32>1 << M) - 1)) != 0 ? 0x7FC00000 : 0x7F800000));
  }
  if (sp == Special.FN && mag == <u32>nan) return reinterpret<f32>(sign | 0x7FC00000);
  const ef = <i32>(mag >> M);
  let man = mag & ((<u32>1 << M) - 1);
  let e: i32;                            // unbiased exponent of the leading bit
  if (ef == 0) {
    if (man == 0) return reinterpret<f32>(sign);
    const top = 31 - clz(man);           // normalise the subnormal
    e = eminOf(fmt) - M + top;
    man = (man ^ (<u32>1 << top)) << (M - top);
  } else {
    e = ef - col(fmt, C_BIAS);
  }
  if (e < -126) {                        // an f32 subnormal (bf16 and e8m0 reach here)
    const full = (man | (<u32>1 << M)) << (23 - M);   // 24-bit significand
    return reinterpret<f32>(sign | (full >> <u32>(-126 - e)));
  }
  return reinterpret<f32>(sign | (<u32>(e + 127) << 23) | (man << (23 - M)));
}

export function decodeE8M0(code: u32): f32 {
  if (code == 0xFF) return reinterpret<f32>(0x7FC00000);
  const e = <i32>code - 127;
  if (e < -126) return reinterpret<f32>(<u32>0x400000 >> <u32>(-127 - e)); // 2^-127 is subnormal
  return reinterpret<f32>(<u32>(e + 127) << 23);
}

// Integer code (low `bits` bits, two's complement for signed) to its integer value.
// @ts-ignore: decorator
@inline export function intValue(fmt: i32, code: u32): i32 {
  const bits = col(fmt, C_BITS);
  if (bits == 32) return <i32>code;
  const c = code & ((<u32>1 << bits) - 1);
  if (col(fmt, C_IMIN) < 0) return (<i32>(c << (32 - bits))) >> (32 - bits);
  return <i32>c;
}

export function decodeScalar(fmt: i32, code: u32): f32 {
  const kind = col(fmt, C_KIND);
  if (kind == Kind.INT) return <f32>intValue(fmt, code);
  if (kind == Kind.SCALE) return decodeE8M0(code);
  if (fmt == 0) return reinterpret<f32>(code);
  return decodeFloat(fmt, code);
}

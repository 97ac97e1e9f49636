// SIMD128 bulk casts. Each equals the scalar reference (scalar.ts) bit for bit; the tail of an
// array (fewer lanes than a vector) is done by the scalar reference itself.
//
// Float formats whose quantum never leaves the f32 normal range (f16, f8_*, f6_*, f4_*):
// per lane, the binade e = max(floor(log2|x|), emin) is read from the exponent bits, |x| is
// scaled exactly by 2^(M - e) into [0, 2^(M+1)), rounded to an integer with the wasm rounding
// instruction of the mode, and the code is ((e - emin) << M) + n (a carry of n moves into the
// exponent field by itself). bf16 shares f32's exponent, so it rounds the low 16 bits directly.

import {
  Special, col, C_EBITS, C_MBITS, C_SPECIAL, maxMagCode, nanMagCode, infMagCode, eminOf, etopOf,
} from "./table";
import { Round, Overflow, encodeScalar } from "./scalar";
import { randomWord } from "./random";

// Whether the generic float SIMD path applies to this format.
export function simdFloatOk(fmt: i32): bool {
  const sp = col(fmt, C_SPECIAL);
  if (sp != Special.IEEE && sp != Special.FN && sp != Special.FINITE) return false;
  return eminOf(fmt) - col(fmt, C_MBITS) >= -126 && col(fmt, C_EBITS) + col(fmt, C_MBITS) < 16;
}

// Four random words for elements i..i+3: rnd[i..] when rnd != 0, else the generator at first + i.
export function words4(rnd: usize, seed: u64, i: i32, first: i32): v128 {
  if (rnd != 0) return v128.load(rnd + (<usize>i << 2));
  const g = <u64>(first + i);
  let v = i32x4.splat(<i32>randomWord(seed, g));
  v = i32x4.replace_lane(v, 1, <i32>randomWord(seed, g + 1));
  v = i32x4.replace_lane(v, 2, <i32>randomWord(seed, g + 2));
  v = i32x4.replace_lane(v, 3, <i32>randomWord(seed, g + 3));
  return v;
}

// Random word of one element (see words4).
// @ts-ignore: decorator
@inline export function word1(rnd: usize, seed: u64, i: i32, first: i32): u32 {
  return rnd != 0 ? load<u32>(rnd + (<usize>i << 2)) : randomWord(seed, <u64>(first + i));
}

// Magnitude code of an overflow / of an infinite input, for one sign (see scalar.ts).
function ovfCode(fmt: i32, mode: i32, ovf: i32, neg: bool, isInf: bool): i32 {
  if (ovf == Overflow.SATURATE) return <i32>maxMagCode(fmt);
  let toInf = isInf;
  if (!isInf) toInf = mode == Round.RTZ ? false : mode == Round.FLOOR ? neg : mode == Round.CEIL ? !neg : true;
  if (toInf) {
    if (infMagCode(fmt) >= 0) return infMagCode(fmt);
    if (nanMagCode(fmt) >= 0) return nanMagCode(fmt);
  }
  return <i32>maxMagCode(fmt);
}

// Codes of four lanes, as i32 lanes. `mode` and `ovf` are compile-time constants at every call
// (see encodeFloatLoop), so each specialisation keeps only its own rounding and overflow code.
// Rounding to an integer uses the magic-number identity: for 0 <= v < 2^23 integral, the bits of
// v + 2^23 are 0x4B000000 + v; for round-to-nearest-even, adding 2^23 to n itself rounds n in
// the wasm default mode (RNE) in the same step.
// @ts-ignore: decorator
@inline function encodeFloat4(
  x: v128, mode: i32, ovf: i32, r: v128, E: i32, M: i32, emin: i32, etop: i32, maxMag: v128,
  ovfPos: v128, ovfNeg: v128, infPos: v128, infNeg: v128, nanMag: v128, noNan: v128,
): v128 {
  const neg = i32x4.lt_s(x, i32x4.splat(0));                  // all-ones where sign set
  const a = v128.and(x, i32x4.splat(0x7FFFFFFF));
  const e = i32x4.sub(i32x4.shr_u(a, 23), i32x4.splat(127));
  // Clamp the binade to [emin, etop + 1]: above etop everything overflows anyway.
  const ecl = i32x4.min_s(i32x4.max_s(e, i32x4.splat(emin)), i32x4.splat(etop + 1));
  const inv = i32x4.shl(i32x4.sub(i32x4.splat(M + 127), ecl), 23);   // 2^(M - ecl) as f32
  // |x| * 2^(M - ecl) is exact; the clamp keeps overflowing lanes (and inf, NaN) small.
  const n = f32x4.pmin(f32x4.splat(<f32>(1 << (M + 2))), f32x4.mul(a, inv));
  const magic = f32x4.splat(8388608.0);
  let ri: v128;                                                // bits of (rounded n) + 2^23
  if (mode == Round.RNE) ri = f32x4.add(n, magic);
  else if (mode == Round.RTZ) ri = f32x4.add(f32x4.trunc(n), magic);
  else if (mode == Round.FLOOR) ri = f32x4.add(v128.bitselect(f32x4.ceil(n), f32x4.trunc(n), neg), magic);
  else if (mode == Round.CEIL) ri = f32x4.add(v128.bitselect(f32x4.trunc(n), f32x4.ceil(n), neg), magic);
  else if (mode == Round.RNA) {
    const t = f32x4.trunc(n);
    ri = i32x4.sub(f32x4.add(t, magic), f32x4.ge(f32x4.sub(n, t), f32x4.splat(0.5)));
  } else {
    const t = f32x4.trunc(n);
    const F = i32x4.trunc_sat_f32x4_u(f32x4.mul(f32x4.sub(n, t), f32x4.splat(4294967296.0)));
    ri = i32x4.sub(f32x4.add(t, magic), i32x4.gt_u(F, r));
  }
  const code = i32x4.add(i32x4.shl(i32x4.sub(ecl, i32x4.splat(emin)), M), i32x4.sub(ri, i32x4.splat(0x4B000000)));
  let out: v128;
  if (ovf == Overflow.SATURATE) {
    out = i32x4.min_s(code, maxMag);                           // overflow and inf: max
  } else {
    out = v128.bitselect(v128.bitselect(ovfNeg, ovfPos, neg), code, i32x4.gt_s(code, maxMag));
    out = v128.bitselect(v128.bitselect(infNeg, infPos, neg), out, i32x4.eq(a, i32x4.splat(0x7F800000)));
  }
  const isNan = i32x4.gt_s(a, i32x4.splat(0x7F800000));
  out = v128.bitselect(nanMag, out, isNan);
  // Sign into bit E+M, except on NaN lanes of formats without NaN (those give +0).
  const sbit = v128.andnot(v128.and(neg, i32x4.splat(1 << (E + M))), v128.and(isNan, noNan));
  return v128.or(out, sbit);
}

// @ts-ignore: decorator
@inline function encodeFloatLoop(fmt: i32, src: usize, dst: usize, n: i32, mode: i32, ovf: i32, rnd: usize, seed: u64, first: i32): i32 {
  const E = col(fmt, C_EBITS), M = col(fmt, C_MBITS);
  const emin = eminOf(fmt), etop = etopOf(fmt);
  const maxMag = i32x4.splat(<i32>maxMagCode(fmt));
  const nanM = nanMagCode(fmt);
  const nanMag = i32x4.splat(nanM >= 0 ? nanM : 0);
  const noNan = i32x4.splat(nanM >= 0 ? 0 : -1);
  const ovfPos = i32x4.splat(ovfCode(fmt, mode, ovf, false, false));
  const ovfNeg = i32x4.splat(ovfCode(fmt, mode, ovf, true, false));
  const infPos = i32x4.splat(ovfCode(fmt, mode, ovf, false, true));
  const infNeg = i32x4.splat(ovfCode(fmt, mode, ovf, true, true));
  const zero = i32x4.splat(0);
  const sto = mode == Round.STOCHASTIC;
  let i = 0;
  if (E + M >= 8) {                      // 16-bit codes (f16)
    for (; i + 8 <= n; i += 8) {
      const p = src + (<usize>i << 2);
      const r0 = sto ? words4(rnd, seed, i, first) : zero;
      const r1 = sto ? words4(rnd, seed, i + 4, first) : zero;
      const c0 = encodeFloat4(v128.load(p), mode, ovf, r0, E, M, emin, etop, maxMag, ovfPos, ovfNeg, infPos, infNeg, nanMag, noNan);
      const c1 = encodeFloat4(v128.load(p, 16), mode, ovf, r1, E, M, emin, etop, maxMag, ovfPos, ovfNeg, infPos, infNeg, nanMag, noNan);
      v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(c0, c1));
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const p = src + (<usize>i << 2);
      let r0 = zero, r1 = zero, r2 = zero, r3 = zero;
      if (sto) {
        r0 = words4(rnd, seed, i, first); r1 = words4(rnd, seed, i + 4, first);
        r2 = words4(rnd, seed, i + 8, first); r3 = words4(rnd, seed, i + 12, first);
      }
      const c0 = encodeFloat4(v128.load(p), mode, ovf, r0, E, M, emin, etop, maxMag, ovfPos, ovfNeg, infPos, infNeg, nanMag, noNan);
      const c1 = encodeFloat4(v128.load(p, 16), mode, ovf, r1, E, M, emin, etop, maxMag, ovfPos, ovfNeg, infPos, infNeg, nanMag, noNan);
      const c2 = encodeFloat4(v128.load(p, 32), mode, ovf, r2, E, M, emin, etop, maxMag, ovfPos, ovfNeg, infPos, infNeg, nanMag, noNan);
      const c3 = encodeFloat4(v128.load(p, 48), mode, ovf, r3, E, M, emin, etop, maxMag, ovfPos, ovfNeg, infPos, infNeg, nanMag, noNan);
      v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)));
    }
  }
  return i;
}

// Generic float encode (f16, f8, f6, f4) of n elements, 1 or 2 bytes per code.
// Random word of element i: rnd[i] when rnd != 0, else the generator at index first + i.
export function encodeFloatSimd(fmt: i32, src: usize, dst: usize, n: i32, mode: i32, ovf: i32, rnd: usize, seed: u64, first: i32): void {
  let i = 0;
  const sat = ovf == Overflow.SATURATE;
  switch (mode) {
    case Round.RNE: i = sat ? encodeFloatLoop(fmt, src, dst, n, Round.RNE, Overflow.SATURATE, rnd, seed, first) : encodeFloatLoop(fmt, src, dst, n, Round.RNE, Overflow.IEEE, rnd, seed, first); break;
    case Round.RNA: i = sat ? encodeFloatLoop(fmt, src, dst, n, Round.RNA, Overflow.SATURATE, rnd, seed, first) : encodeFloatLoop(fmt, src, dst, n, Round.RNA, Overflow.IEEE, rnd, seed, first); break;
    case Round.RTZ: i = sat ? encodeFloatLoop(fmt, src, dst, n, Round.RTZ, Overflow.SATURATE, rnd, seed, first) : encodeFloatLoop(fmt, src, dst, n, Round.RTZ, Overflow.IEEE, rnd, seed, first); break;
    case Round.FLOOR: i = sat ? encodeFloatLoop(fmt, src, dst, n, Round.FLOOR, Overflow.SATURATE, rnd, seed, first) : encodeFloatLoop(fmt, src, dst, n, Round.FLOOR, Overflow.IEEE, rnd, seed, first); break;
    case Round.CEIL: i = sat ? encodeFloatLoop(fmt, src, dst, n, Round.CEIL, Overflow.SATURATE, rnd, seed, first) : encodeFloatLoop(fmt, src, dst, n, Round.CEIL, Overflow.IEEE, rnd, seed, first); break;
    default: i = sat ? encodeFloatLoop(fmt, src, dst, n, Round.STOCHASTIC, Overflow.SATURATE, rnd, seed, first) : encodeFloatLoop(fmt, src, dst, n, Round.STOCHASTIC, Overflow.IEEE, rnd, seed, first);
  }
  const wide = col(fmt, C_EBITS) + col(fmt, C_MBITS) >= 8;
  for (; i < n; i++) {
    const r = mode == Round.STOCHASTIC ? word1(rnd, seed, i, first) : 0;
    const c = encodeScalar(fmt, load<f32>(src + (<usize>i << 2)), mode, ovf, r);
    if (wide) store<u16>(dst + (<usize>i << 1), <u16>c); else store<u8>(dst + <usize>i, <u8>c);
  }
}

// bf16: round the low 16 bits of the magnitude; the exponent is f32's own, subnormals included.
// @ts-ignore: decorator
@inline function encodeBf16x4(x: v128, mode: i32, ovf: i32, r: v128, ovfPos: v128, ovfNeg: v128, infPos: v128, infNeg: v128): v128 {
  const neg = i32x4.lt_s(x, i32x4.splat(0));
  const a = v128.and(x, i32x4.splat(0x7FFFFFFF));
  let code: v128;
  if (mode == Round.RNE) {
    // a + 0x7FFF + lsb, then >> 16: round half to even on the integer bit pattern.
    code = i32x4.shr_u(i32x4.add(i32x4.add(a, i32x4.splat(0x7FFF)), v128.and(i32x4.shr_u(a, 16), i32x4.splat(1))), 16);
  } else {
    const n = i32x4.shr_u(a, 16);
    const rem = v128.and(a, i32x4.splat(0xFFFF));
    let up: v128;
    if (mode == Round.RNA) up = i32x4.ge_u(rem, i32x4.splat(0x8000));
    else if (mode == Round.RTZ) up = i32x4.splat(0);
    else if (mode == Round.FLOOR) up = v128.and(neg, i32x4.ne(rem, i32x4.splat(0)));
    else if (mode == Round.CEIL) up = v128.andnot(i32x4.ne(rem, i32x4.splat(0)), neg);
    else up = i32x4.gt_u(i32x4.shl(rem, 16), r);
    code = i32x4.sub(n, up);                                   // up is -1 where true
  }
  let out: v128;
  if (ovf == Overflow.SATURATE) out = i32x4.min_s(code, i32x4.splat(0x7F7F));
  else {
    out = v128.bitselect(v128.bitselect(ovfNeg, ovfPos, neg), code, i32x4.gt_s(code, i32x4.splat(0x7F7F)));
    out = v128.bitselect(v128.bitselect(infNeg, infPos, neg), out, i32x4.eq(a, i32x4.splat(0x7F800000)));
  }
  out = v128.bitselect(i32x4.splat(0x7FC0), out, i32x4.gt_s(a, i32x4.splat(0x7F800000)));
  return v128.or(out, v128.and(neg, i32x4.splat(0x8000)));
}

// @ts-ignore: decorator
@inline function encodeBf16Loop(src: usize, dst: usize, n: i32, mode: i32, ovf: i32, rnd: usize, seed: u64, first: i32): i32 {
  const BF16 = 2;
  const ovfPos = i32x4.splat(ovfCode(BF16, mode, ovf, false, false));
  const ovfNeg = i32x4.splat(ovfCode(BF16, mode, ovf, true, false));
  const infPos = i32x4.splat(ovfCode(BF16, mode, ovf, false, true));
  const infNeg = i32x4.splat(ovfCode(BF16, mode, ovf, true, true));
  const zero = i32x4.splat(0);
  const sto = mode == Round.STOCHASTIC;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = src + (<usize>i << 2);
    const r0 = sto ? words4(rnd, seed, i, first) : zero;
    const r1 = sto ? words4(rnd, seed, i + 4, first) : zero;
    const c0 = encodeBf16x4(v128.load(p), mode, ovf, r0, ovfPos, ovfNeg, infPos, infNeg);
    const c1 = encodeBf16x4(v128.load(p, 16), mode, ovf, r1, ovfPos, ovfNeg, infPos, infNeg);
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(c0, c1));
  }
  return i;
}

export function encodeBf16Simd(src: usize, dst: usize, n: i32, mode: i32, ovf: i32, rnd: usize, seed: u64, first: i32): void {
  let i = 0;
  const sat = ovf == Overflow.SATURATE;
  switch (mode) {
    case Round.RNE: i = sat ? encodeBf16Loop(src, dst, n, Round.RNE, Overflow.SATURATE, rnd, seed, first) : encodeBf16Loop(src, dst, n, Round.RNE, Overflow.IEEE, rnd, seed, first); break;
    case Round.RNA: i = sat ? encodeBf16Loop(src, dst, n, Round.RNA, Overflow.SATURATE, rnd, seed, first) : encodeBf16Loop(src, dst, n, Round.RNA, Overflow.IEEE, rnd, seed, first); break;
    case Round.RTZ: i = sat ? encodeBf16Loop(src, dst, n, Round.RTZ, Overflow.SATURATE, rnd, seed, first) : encodeBf16Loop(src, dst, n, Round.RTZ, Overflow.IEEE, rnd, seed, first); break;
    case Round.FLOOR: i = sat ? encodeBf16Loop(src, dst, n, Round.FLOOR, Overflow.SATURATE, rnd, seed, first) : encodeBf16Loop(src, dst, n, Round.FLOOR, Overflow.IEEE, rnd, seed, first); break;
    case Round.CEIL: i = sat ? encodeBf16Loop(src, dst, n, Round.CEIL, Overflow.SATURATE, rnd, seed, first) : encodeBf16Loop(src, dst, n, Round.CEIL, Overflow.IEEE, rnd, seed, first); break;
    default: i = sat ? encodeBf16Loop(src, dst, n, Round.STOCHASTIC, Overflow.SATURATE, rnd, seed, first) : encodeBf16Loop(src, dst, n, Round.STOCHASTIC, Overflow.IEEE, rnd, seed, first);
  }
  for (; i < n; i++) {
    const r = mode == Round.STOCHASTIC ? word1(rnd, seed, i, first) : 0;
    store<u16>(dst + (<usize>i << 1), <u16>encodeScalar(2, load<f32>(src + (<usize>i << 2)), mode, ovf, r));
  }
}

// Round four f32 lanes to integers by `mode` (values already scaled); NaN lanes give 0,
// others saturate to the i32 range. Equal to roundToInt before its clamp.
// @ts-ignore: decorator
@inline export function roundInt4(q: v128, mode: i32, r: v128): v128 {
  let rn: v128;
  switch (mode) {
    case Round.RNE: rn = f32x4.nearest(q); break;
    case Round.RNA: {
      const t = f32x4.trunc(q);
      const away = f32x4.ge(f32x4.abs(f32x4.sub(q, t)), f32x4.splat(0.5));
      rn = f32x4.add(t, v128.and(away, v128.or(v128.and(q, i32x4.splat(0x80000000)), f32x4.splat(1.0))));
      break;
    }
    case Round.RTZ: rn = f32x4.trunc(q); break;
    case Round.FLOOR: rn = f32x4.floor(q); break;
    case Round.CEIL: rn = f32x4.ceil(q); break;
    default: {
      const t = f32x4.trunc(q);
      const F = i32x4.trunc_sat_f32x4_u(f32x4.mul(f32x4.abs(f32x4.sub(q, t)), f32x4.splat(4294967296.0)));
      const away = i32x4.gt_u(F, r);
      rn = f32x4.add(t, v128.and(away, v128.or(v128.and(q, i32x4.splat(0x80000000)), f32x4.splat(1.0))));
    }
  }
  return i32x4.trunc_sat_f32x4_s(rn);
}

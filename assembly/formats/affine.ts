// Affine integer quantization: code = clamp(round(x / s) + zp, imin, imax) with x / s an f32
// division (IEEE, so the same everywhere) and round by the caller's mode; NaN gives q = 0, so it
// dequantizes to 0. Elements are grouped contiguously: group g = i / groupSize holds scales[g]
// (and zps[g] when zps != 0): per tensor (groupSize = n), per output channel (groupSize = row
// length of an [out, ...] weight), or per block of G along a row (groupSize = G).

import { col, C_IMIN, C_IMAX, C_BITS } from "./table";
import { Round, roundToInt, roundToInt64 } from "./scalar";
import { roundInt4, words4, word1 } from "./simd";
import { randomWord } from "./random";

// clamp(round(q) + zp, lo, hi) in i64: round(q) saturates at +-2^40, far outside any code range
// whatever the i32 zero point, so no intermediate clamp changes the result.
// @ts-ignore: decorator
@inline function affineCode(q: f32, mode: i32, r: u32, zp: i32, lo: i32, hi: i32): i32 {
  const v = roundToInt64(q, mode, r, 0, -(<i64>1 << 40), <i64>1 << 40) + <i64>zp;
  return <i32>min(max(v, <i64>lo), <i64>hi);
}

export function quant_f32_int__scalar(fmt: i32, src: usize, dst: usize, n: i32, group: i32, scales: usize, zps: usize, mode: i32, rnd: usize, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  const lo = col(fmt, C_IMIN), hi = col(fmt, C_IMAX), wide = col(fmt, C_BITS) > 8;
  for (let i = 0; i < n; i++) {
    const g = i / group;
    const s = load<f32>(scales + (<usize>g << 2));
    const zp = zps != 0 ? load<i32>(zps + (<usize>g << 2)) : 0;
    const r = mode == Round.STOCHASTIC ? (rnd != 0 ? load<u32>(rnd + (<usize>i << 2)) : randomWord(seed, <u64>i)) : 0;
    const v = affineCode(load<f32>(src + (<usize>i << 2)) / s, mode, r, zp, lo, hi);
    if (wide) store<i16>(dst + (<usize>i << 1), <i16>v); else store<i8>(dst + <usize>i, <i8>v);
  }
}

export function quant_f32_int__simd128(fmt: i32, src: usize, dst: usize, n: i32, group: i32, scales: usize, zps: usize, mode: i32, rnd: usize, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  const lo = col(fmt, C_IMIN), hi = col(fmt, C_IMAX), wide = col(fmt, C_BITS) > 8;
  const sto = mode == Round.STOCHASTIC;
  const vlo = i32x4.splat(lo), vhi = i32x4.splat(hi), z = i32x4.splat(0);
  for (let g0 = 0; g0 < n; g0 += group) {
    const g = g0 / group;
    const end = min(g0 + group, n);
    const s = load<f32>(scales + (<usize>g << 2));
    const zp = zps != 0 ? load<i32>(zps + (<usize>g << 2)) : 0;
    const vs = f32x4.splat(s), vz = i32x4.splat(zp);
    let i = g0;
    // Add the zero point with saturation in i32 lanes: roundInt4 saturates to the i32 range.
    // addSat is exact only when q + zp cannot wrap for |q| <= 2^30 and a kept |q| > 2^30 stays
    // outside [lo, hi] after adding zp: |zp| < 2^30, zp > hi - 2^30, zp < lo + 2^30. Other zero
    // points take the scalar loop below, which adds in i64 like the reference.
    const vec = zp > -0x40000000 && zp < 0x40000000 && zp > hi - 0x40000000 && zp < lo + 0x40000000;
    for (; vec && i + 8 <= end; i += 8) {
      const p = src + (<usize>i << 2);
      const r0 = sto ? words4(rnd, seed, i, 0) : z, r1 = sto ? words4(rnd, seed, i + 4, 0) : z;
      let q0 = roundInt4(f32x4.div(v128.load(p), vs), mode, r0);
      let q1 = roundInt4(f32x4.div(v128.load(p, 16), vs), mode, r1);
      q0 = i32x4.min_s(i32x4.max_s(addSat(q0, vz, zp), vlo), vhi);
      q1 = i32x4.min_s(i32x4.max_s(addSat(q1, vz, zp), vlo), vhi);
      const h = i16x8.narrow_i32x4_s(q0, q1);
      if (wide) v128.store(dst + (<usize>i << 1), h);
      // u8 (lo >= 0) needs the unsigned narrow: the signed one would saturate 128..255 to 127
      else v128.store64_lane(dst + <usize>i, lo >= 0 ? i8x16.narrow_i16x8_u(h, z) : i8x16.narrow_i16x8_s(h, z), 0);
    }
    for (; i < end; i++) {
      const r = sto ? word1(rnd, seed, i, 0) : 0;
      const v = affineCode(load<f32>(src + (<usize>i << 2)) / s, mode, r, zp, lo, hi);
      if (wide) store<i16>(dst + (<usize>i << 1), <i16>v); else store<i8>(dst + <usize>i, <i8>v);
    }
  }
}

// q + zp without wrapping: where the sum would leave i32, keep q (it is far outside any range).
// @ts-ignore: decorator
@inline function addSat(q: v128, vz: v128, zp: i32): v128 {
  if (zp == 0) return q;
  const lim = i32x4.splat(0x40000000);
  const big = v128.or(i32x4.gt_s(q, lim), i32x4.lt_s(q, i32x4.neg(lim)));
  return v128.bitselect(q, i32x4.add(q, vz), big);
}

export function dequant_int_f32__simd128(fmt: i32, src: usize, dst: usize, n: i32, group: i32, scales: usize, zps: usize): void {
  const wide = col(fmt, C_BITS) > 8, unsigned = col(fmt, C_IMIN) == 0;
  for (let g0 = 0; g0 < n; g0 += group) {
    const g = g0 / group;
    const end = min(g0 + group, n);
    const zp = zps != 0 ? load<i32>(zps + (<usize>g << 2)) : 0;
    const s = load<f32>(scales + (<usize>g << 2));
    const vz = i32x4.splat(zp), vs = f32x4.splat(s);
    let i = g0;
    // (c - zp) is exact in i32 and in f32 (|c - zp| < 2^24), then one f32 multiply, as below.
    for (; i + 8 <= end; i += 8) {
      let h: v128;
      if (wide) h = v128.load(src + (<usize>i << 1));
      else h = unsigned ? i16x8.extend_low_i8x16_u(v128.load64_zero(src + <usize>i)) : i16x8.extend_low_i8x16_s(v128.load64_zero(src + <usize>i));
      const lo = i32x4.sub(i32x4.extend_low_i16x8_s(h), vz), hi = i32x4.sub(i32x4.extend_high_i16x8_s(h), vz);
      v128.store(dst + (<usize>i << 2), f32x4.mul(f32x4.convert_i32x4_s(lo), vs));
      v128.store(dst + (<usize>i << 2), f32x4.mul(f32x4.convert_i32x4_s(hi), vs), 16);
    }
    for (; i < end; i++) {
      const c = wide ? <i32>load<i16>(src + (<usize>i << 1)) : unsigned ? <i32>load<u8>(src + <usize>i) : <i32>load<i8>(src + <usize>i);
      store<f32>(dst + (<usize>i << 2), <f32>(c - zp) * s);
    }
  }
}

// Scalar reference of dequant_int_f32__simd128: (c - zp) * s per element.
export function dequant_int_f32__scalar(fmt: i32, src: usize, dst: usize, n: i32, group: i32, scales: usize, zps: usize): void {
  const wide = col(fmt, C_BITS) > 8, unsigned = col(fmt, C_IMIN) == 0;
  for (let i = 0; i < n; i++) {
    const g = i / group;
    const zp = zps != 0 ? load<i32>(zps + (<usize>g << 2)) : 0;
    const c = wide ? <i32>load<i16>(src + (<usize>i << 1)) : unsigned ? <i32>load<u8>(src + <usize>i) : <i32>load<i8>(src + <usize>i);
    store<f32>(dst + (<usize>i << 2), <f32>(c - zp) * load<f32>(scales + (<usize>g << 2)));
  }
}

// Scale (and zero point) per group from the data. Symmetric: s = amax / imax, zp = 0.
// Asymmetric: the range [min(lo, 0), max(hi, 0)] maps onto [imin, imax], zp = imin - rne(lo / s).
// An all-zero group gets s = 1. NaNs are skipped.
export function affine_params(fmt: i32, src: usize, n: i32, group: i32, symmetric: i32, scales: usize, zps: usize): void {
  const imin = col(fmt, C_IMIN), imax = col(fmt, C_IMAX);
  for (let g0 = 0; g0 < n; g0 += group) {
    let lo: f32 = 0, hi: f32 = 0;
    const end = min(g0 + group, n);
    for (let i = g0; i < end; i++) {
      const x = load<f32>(src + (<usize>i << 2));
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const g = g0 / group;
    let s: f32, zp: i32 = 0;
    if (symmetric) {
      s = max(-lo, hi) / <f32>imax;
    } else {
      s = (hi - lo) / <f32>(imax - imin);
    }
    if (!(s > 0) || !isFinite(s)) s = 1;
    if (!symmetric) zp = min(max(imin - roundToInt(lo / s, Round.RNE, 0, 0, -65536, 65536), imin), imax);
    store<f32>(scales + (<usize>g << 2), s);
    if (zps != 0) store<i32>(zps + (<usize>g << 2), zp);
  }
}

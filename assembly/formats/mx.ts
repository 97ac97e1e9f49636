// OCP MX v1.0 block formats: 32 elements share one e8m0fnu scale X.
// X = 2^clamp(floor(log2(amax)) - emax_elem, -127, 127) with floor(log2) read exactly from the
// exponent bits (see: OCP MX v1.0 §6.3, "Conversion from vector of scalar to MX"); elements are
// cast(v / X) with the caller's rounding and overflow policy. amax = 0 gives scale 0x00; a NaN or
// Inf in the block gives scale 0xFF (the block decodes to NaN) and zero elements.
// MXINT8 elements are 1.6 fixed point: round(v / X * 64) clamped to +-127.
// A last block shorter than 32 is quantized over its own elements.

import { col, C_ELEM, C_EMAX, C_BITS, MXINT8 } from "./table";
import { Round, encodeFloat, roundToInt, decodeScalar, decodeE8M0, intValue } from "./scalar";
import { encodeFloatSimd, simdFloatOk, roundInt4, words4 } from "./simd";
import { wordAt } from "./random";

const BLOCK = 32;

// Scale code of the block at src (len elements).
export function mxScaleCode(fmt: i32, src: usize, len: i32): u32 {
  let amax: u32 = 0;
  let i = 0;
  let vmax = i32x4.splat(0);
  for (; i + 4 <= len; i += 4) vmax = i32x4.max_u(vmax, v128.and(v128.load(src + (<usize>i << 2)), i32x4.splat(0x7FFFFFFF)));
  amax = max(max(<u32>i32x4.extract_lane(vmax, 0), <u32>i32x4.extract_lane(vmax, 1)),
             max(<u32>i32x4.extract_lane(vmax, 2), <u32>i32x4.extract_lane(vmax, 3)));
  for (; i < len; i++) amax = max(amax, load<u32>(src + (<usize>i << 2)) & 0x7FFFFFFF);
  if (amax >= 0x7F800000) return 0xFF;
  if (amax == 0) return 0;
  const ex = <i32>(amax >> 23);
  const e = ex != 0 ? ex - 127 : (31 - clz(amax)) - 149;
  const k = min(max(e - col(fmt, C_EMAX), -127), 127);
  return <u32>(k + 127);
}

// Reference for one block: every element through the scalar casts with an exact exponent
// adjustment. `first` is the block's first element index (random words follow it).
function quantBlockRef(fmt: i32, src: usize, first: i32, len: i32, scale: usize, out: usize, mode: i32, ovf: i32, rnd: usize, seed: u64): void {
  const elem = col(fmt, C_ELEM);
  const p = src + (<usize>first << 2);
  const sc = mxScaleCode(fmt, p, len);
  store<u8>(scale, <u8>sc);
  const k = <i32>sc - 127;
  for (let j = 0; j < len; j++) {
    let c: u32 = 0;
    if (sc != 0xFF) {
      const x = load<f32>(p + (<usize>j << 2));
      const r = mode == Round.STOCHASTIC ? wordAt(rnd, seed, <usize>(first + j)) : 0;
      c = fmt == MXINT8 ? <u32>roundToInt(x, mode, r, k - 6, -127, 127) & 0xFF : encodeFloat(elem, x, mode, ovf, r, k);
    }
    store<u8>(out + <usize>(first + j), <u8>c);
  }
}

export function cvt_f32_mx__scalar(fmt: i32, src: usize, n: i32, scales: usize, elems: usize, mode: i32, ovf: i32, rnd: usize, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  for (let b = 0; b * BLOCK < n; b++) {
    quantBlockRef(fmt, src, b * BLOCK, min(BLOCK, n - b * BLOCK), scales + <usize>b, elems, mode, ovf, rnd, seed);
  }
}

// @ts-ignore: decorator
@inline function pow2(e: i32): f32 { return reinterpret<f32>(<u32>(e + 127) << 23); } // e in [-126, 127]

// Fast path: the block is scaled by 2^-k in f32 (exact, except where the result falls below
// 2^-126: far below half the element's smallest subnormal, where only zero / nonzero and the
// sign matter; an underflow to zero is kept nonzero with its sign), then cast with SIMD.
const TMP = memory.data(BLOCK * 4 + 16, 16);

export function cvt_f32_mx__simd128(fmt: i32, src: usize, n: i32, scales: usize, elems: usize, mode: i32, ovf: i32, rnd: usize, seedLo: u32, seedHi: u32): void {
  const elem = col(fmt, C_ELEM);
  if (fmt != MXINT8 && !simdFloatOk(elem)) { cvt_f32_mx__scalar(fmt, src, n, scales, elems, mode, ovf, rnd, seedLo, seedHi); return; }
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  const sto = mode == Round.STOCHASTIC;
  for (let b = 0; b * BLOCK < n; b++) {
    const start = b * BLOCK;
    if (n - start < BLOCK) { quantBlockRef(fmt, src, start, n - start, scales + <usize>b, elems, mode, ovf, rnd, seed); break; }
    const p = src + (<usize>start << 2);
    const sc = mxScaleCode(fmt, p, BLOCK);
    store<u8>(scales + <usize>b, <u8>sc);
    const out = elems + <usize>start;
    if (sc == 0xFF) { memory.fill(out, 0, BLOCK); continue; }
    const s = 127 - <i32>sc + (fmt == MXINT8 ? 6 : 0);   // multiply by 2^s, s in [-127, 133]
    const a = s >= 0 ? min(s, 127) : max(s, -126);
    const m1 = f32x4.splat(pow2(a)), m2 = f32x4.splat(pow2(s - a));
    for (let j = 0; j < BLOCK; j += 4) {
      const x = v128.load(p + (<usize>j << 2));
      let y = f32x4.mul(f32x4.mul(x, m1), m2);
      const lost = v128.andnot(f32x4.eq(y, f32x4.splat(0)), f32x4.eq(x, f32x4.splat(0)));
      y = v128.bitselect(v128.or(v128.and(x, i32x4.splat(0x80000000)), i32x4.splat(1)), y, lost);
      v128.store(TMP + (<usize>j << 2), y);
    }
    if (fmt == MXINT8) {
      const lo = i32x4.splat(-127), hi = i32x4.splat(127), z = i32x4.splat(0);
      for (let j = 0; j < BLOCK; j += 8) {
        const t = TMP + (<usize>j << 2);
        const r0 = sto ? words4(rnd, seed, start + j, 0) : z;
        const r1 = sto ? words4(rnd, seed, start + j + 4, 0) : z;
        const q0 = i32x4.min_s(i32x4.max_s(roundInt4(v128.load(t), mode, r0), lo), hi);
        const q1 = i32x4.min_s(i32x4.max_s(roundInt4(v128.load(t, 16), mode, r1), lo), hi);
        v128.store64_lane(out + <usize>j, i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), z), 0);
      }
    } else {
      encodeFloatSimd(elem, TMP, out, BLOCK, mode, ovf, rnd != 0 ? rnd + (<usize>start << 2) : 0, seed, start);
    }
  }
}

export function cvt_mx_f32__lut(fmt: i32, scales: usize, elems: usize, dst: usize, n: i32): void {
  const elem = col(fmt, C_ELEM);
  // Element values through a 256-entry table (MXINT8: code / 64, exact), then one f32 multiply
  // by the block's X per element.
  const lut = DEQ_LUT;
  if (load<i32>(DEQ_FMT) != fmt + 1) {
    for (let c: u32 = 0; c < 256; c++) {
      store<f32>(lut + (<usize>c << 2), fmt == MXINT8 ? <f32>intValue(elem, c) * 0.015625 : decodeScalar(elem, c & ((<u32>1 << col(elem, C_BITS)) - 1)));
    }
    store<i32>(DEQ_FMT, fmt + 1);
  }
  for (let b = 0; b * BLOCK < n; b++) {
    const sc = <u32>load<u8>(scales + <usize>b);
    const start = b * BLOCK, end = min(start + BLOCK, n);
    if (sc == 0xFF) {
      for (let i = start; i < end; i++) store<u32>(dst + (<usize>i << 2), 0x7FC00000);
      continue;
    }
    const X = decodeE8M0(sc);
    for (let i = start; i < end; i++) {
      store<f32>(dst + (<usize>i << 2), load<f32>(lut + (<usize>load<u8>(elems + <usize>i) << 2)) * X);
    }
  }
}

// Scalar reference of cvt_mx_f32__lut: each element decoded by the format reference (no table).
export function cvt_mx_f32__scalar(fmt: i32, scales: usize, elems: usize, dst: usize, n: i32): void {
  const elem = col(fmt, C_ELEM);
  const mask = (<u32>1 << col(elem, C_BITS)) - 1;
  for (let i = 0; i < n; i++) {
    const sc = <u32>load<u8>(scales + <usize>(i / BLOCK));
    const c = <u32>load<u8>(elems + <usize>i);
    const v = fmt == MXINT8 ? <f32>intValue(elem, c) * 0.015625 : decodeScalar(elem, c & mask);
    if (sc == 0xFF) store<u32>(dst + (<usize>i << 2), 0x7FC00000);
    else store<f32>(dst + (<usize>i << 2), v * decodeE8M0(sc));
  }
}

const DEQ_FMT = memory.data(4);
const DEQ_LUT = memory.data(1024, 16);

// Bulk casts exported to the host: a scalar-reference entry (`cast_*_ref`) and the fast entry
// (`cast_*`), which uses SIMD where the format has a SIMD path and the reference elsewhere.
// Codes are stored one per byte (<= 8 bits, code in the low bits), one per u16 (16-bit formats)
// or one per u32 (f32, i32). Random words: `rnd` (u32 per element) or, when rnd == 0, the
// counter-based generator keyed by seedLo | seedHi << 32 (random.ts).

import { Kind, col, C_KIND, C_BITS } from "./table";
import { Round, encodeScalar, decodeScalar } from "./scalar";
import { encodeFloatSimd, encodeBf16Simd, simdFloatOk } from "./simd";
import { wordAt } from "./random";

// @ts-ignore: decorator
@inline export function codeBytes(fmt: i32): i32 {
  const bits = col(fmt, C_BITS);
  return bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
}

// @ts-ignore: decorator
@inline function storeCode(dst: usize, i: i32, w: i32, c: u32): void {
  if (w == 1) store<u8>(dst + <usize>i, <u8>c);
  else if (w == 2) store<u16>(dst + (<usize>i << 1), <u16>c);
  else store<u32>(dst + (<usize>i << 2), c);
}

// @ts-ignore: decorator
@inline function loadCode(src: usize, i: i32, w: i32): u32 {
  if (w == 1) return <u32>load<u8>(src + <usize>i);
  if (w == 2) return <u32>load<u16>(src + (<usize>i << 1));
  return load<u32>(src + (<usize>i << 2));
}

export function cvt_f32_fmt__scalar(fmt: i32, src: usize, dst: usize, n: i32, mode: i32, ovf: i32, rnd: usize, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  const w = codeBytes(fmt);
  const sto = mode == Round.STOCHASTIC;
  for (let i = 0; i < n; i++) {
    const r = sto ? wordAt(rnd, seed, <usize>i) : 0;
    storeCode(dst, i, w, encodeScalar(fmt, load<f32>(src + (<usize>i << 2)), mode, ovf, r));
  }
}

export function cvt_f32_fmt__simd128(fmt: i32, src: usize, dst: usize, n: i32, mode: i32, ovf: i32, rnd: usize, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  if (fmt == 2) { encodeBf16Simd(src, dst, n, mode, ovf, rnd, seed, 0); return; }
  if (col(fmt, C_KIND) == Kind.FLOAT && simdFloatOk(fmt)) {
    encodeFloatSimd(fmt, src, dst, n, mode, ovf, rnd, seed, 0);
    return;
  }
  if (fmt == 0) { memory.copy(dst, src, <usize>n << 2); return; }
  cvt_f32_fmt__scalar(fmt, src, dst, n, mode, ovf, rnd, seedLo, seedHi);
}

export function cvt_fmt_f32__scalar(fmt: i32, src: usize, dst: usize, n: i32): void {
  const w = codeBytes(fmt);
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), decodeScalar(fmt, loadCode(src, i, w)));
}

// 8-bit-or-narrower formats decode through a 256-entry table built from the reference.
const LUT_FMT = memory.data(4);                 // format id the table holds, +1 (0 = none)
const LUT = memory.data(1024, 16);

function lutFor(fmt: i32): usize {
  if (load<i32>(LUT_FMT) != fmt + 1) {
    const mask: u32 = (<u32>1 << col(fmt, C_BITS)) - 1;
    for (let c: u32 = 0; c < 256; c++) store<f32>(LUT + (<usize>c << 2), decodeScalar(fmt, c & mask));
    store<i32>(LUT_FMT, fmt + 1);
  }
  return LUT;
}

// f16 -> f32: normal codes by rebiasing, subnormals as integer * 2^-24, inf/NaN by exponent.
// @ts-ignore: decorator
@inline function decodeF16x4(h: v128): v128 {
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  const mag = v128.and(h, i32x4.splat(0x7FFF));
  const normal = i32x4.add(i32x4.shl(mag, 13), i32x4.splat(112 << 23));
  const sub = f32x4.mul(f32x4.convert_i32x4_s(mag), f32x4.splat(5.9604644775390625e-8));
  const isSub = i32x4.lt_s(mag, i32x4.splat(0x0400));
  const isTop = i32x4.ge_s(mag, i32x4.splat(0x7C00));
  const top = v128.bitselect(i32x4.splat(0x7F800000), i32x4.splat(0x7FC00000), i32x4.eq(mag, i32x4.splat(0x7C00)));
  const v = v128.bitselect(top, v128.bitselect(sub, normal, isSub), isTop);
  return v128.or(v, sign);
}

// @ts-ignore: decorator
@inline function decodeBf16x4(h: v128): v128 {
  const bits = i32x4.shl(h, 16);
  const isNan = i32x4.gt_s(v128.and(bits, i32x4.splat(0x7FFFFFFF)), i32x4.splat(0x7F800000));
  return v128.bitselect(v128.or(v128.and(bits, i32x4.splat(0x80000000)), i32x4.splat(0x7FC00000)), bits, isNan);
}

export function cvt_fmt_f32__simd128(fmt: i32, src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (fmt == 1 || fmt == 2) {
    for (; i + 8 <= n; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      const lo = i32x4.extend_low_i16x8_u(h), hi = i32x4.extend_high_i16x8_u(h);
      const p = dst + (<usize>i << 2);
      if (fmt == 1) { v128.store(p, decodeF16x4(lo)); v128.store(p, decodeF16x4(hi), 16); }
      else { v128.store(p, decodeBf16x4(lo)); v128.store(p, decodeBf16x4(hi), 16); }
    }
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), decodeScalar(fmt, <u32>load<u16>(src + (<usize>i << 1))));
    return;
  }
  if (codeBytes(fmt) == 1) {
    const t = lutFor(fmt);
    for (; i < n; i++) store<u32>(dst + (<usize>i << 2), load<u32>(t + (<usize>load<u8>(src + <usize>i) << 2)));
    return;
  }
  if (fmt == 0) { memory.copy(dst, src, <usize>n << 2); return; }
  cvt_fmt_f32__scalar(fmt, src, dst, n);
}

// Sub-byte storage. 4-bit: element 2k in the low nibble of byte k. 6-bit: four elements in three
// bytes, little-endian bit order (element j at bits 6j..6j+5 of the 24-bit group).
export function pack4(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) {
    const lo = <u32>load<u8>(src + <usize>i) & 15;
    const hi = i + 1 < n ? <u32>load<u8>(src + <usize>i + 1) & 15 : 0;
    store<u8>(dst + <usize>(i >> 1), <u8>(lo | (hi << 4)));
  }
}
export function unpack4(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>((<u32>load<u8>(src + <usize>(i >> 1)) >> ((i & 1) << 2)) & 15));
}
// Sign-extend n 4-bit codes (one per byte, low nibble) in place: i4 codes as i8 bytes.
export function sext4(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<i8>(p + <usize>i, <i8>(<i32>(<u32>load<u8>(p + <usize>i) << 28) >> 28));
}
export function pack6(src: usize, dst: usize, n: i32): void {
  for (let g = 0; g < n; g += 4) {
    let w: u32 = 0;
    for (let j = 0; j < 4 && g + j < n; j++) w |= (<u32>load<u8>(src + <usize>(g + j)) & 63) << (6 * j);
    const o = dst + <usize>((g >> 2) * 3);
    store<u8>(o, <u8>w); store<u8>(o + 1, <u8>(w >> 8)); store<u8>(o + 2, <u8>(w >> 16));
  }
}
export function unpack6(src: usize, dst: usize, n: i32): void {
  for (let g = 0; g < n; g += 4) {
    const o = src + <usize>((g >> 2) * 3);
    const w = <u32>load<u8>(o) | (<u32>load<u8>(o + 1) << 8) | (<u32>load<u8>(o + 2) << 16);
    for (let j = 0; j < 4 && g + j < n; j++) store<u8>(dst + <usize>(g + j), <u8>((w >> (6 * j)) & 63));
  }
}
// Bytes that n packed elements of a `bits`-wide format occupy.
export function packed_bytes(bits: i32, n: i32): i32 {
  if (bits == 4) return (n + 1) >> 1;
  if (bits == 6) return ((n + 3) >> 2) * 3;
  return n * ((bits + 7) >> 3);
}

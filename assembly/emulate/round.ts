// Emulated low-precision values: every f32 element rounded to the nearest value of a format and
// returned as f32, i.e. decode(fmt, encode(fmt, x, mode, ovf)) of the scalar reference casts
// (formats/scalar.ts, docs/FORMATS.md), bit for bit. The executor calls this after every op to
// emulate f16 / bf16 (or f8, ...) activations.
//
// round_f32_fmt__simd128(fmt, src, dst, n, mode, ovf) -> 0, or -1 when the arguments are not supported
//   fmt   any scalar format of the table (f32 0, f16 1, bf16 2, f8_e4m3fn 3, f8_e5m2 4, f8_e3m4 5,
//         f6_e2m3fn 6, f6_e3m2fn 7, f4_e2m1fn 8, e8m0fnu 9, i16 10, i8 11, u8 12, i4 13, i32 14);
//         MX composites (16..21) give -1. f32 is the identity (NaN payloads kept, as encode+decode).
//   mode  rne 0, rna 1, rtz 2, floor 3, ceil 4. Stochastic (5) gives -1: this entry takes no
//         random words (use cvt_f32_fmt__simd128 + cvt_fmt_f32__simd128 with a seed for that).
//   ovf   saturate 0, ieee 1 (docs/FORMATS.md "Overflow policy").
//   src and dst may be the same array (in place); any alignment.
// NaN inputs give the format's canonical NaN decoded (0x7FC00000 with the input's sign) or +0 for
// formats without NaN (f6, f4), exactly like encode + decode.
//
// Fast path (rne, SIMD128, 8 elements per step, the scalar reference for the tail):
// * Float formats whose quantum stays in the f32 normal range (f16, f8_*, f6_*, f4_*): per lane,
//   with a = |x| and ecl = clamp(floor(log2 a), emin, etop + 1) read from the exponent bits, the
//   quantum is q = 2^(ecl - M) and c = 1.5 * 2^23 * q. Then r = (a + c) - c is a rounded to a
//   multiple of q, ties to even: a < 2^22 q, so a + c lies in [2^23 q, 2^24 q) whose f32 ulp is
//   exactly q, the wasm add rounds it once (RNE), c / q = 1.5 * 2^23 is even so the parity of the
//   multiple is that of the result, and the subtraction is exact. r > max (inf included) takes the
//   overflow value (rne: overflow and inf input behave alike); NaN lanes take the NaN value; the
//   sign is ORed back (so a negative value rounding to zero gives -0, like the reference).
//   Above etop + 1 the lane overflows whatever r is (r >= 2^(etop+2) > max).
// * bf16: round the low 16 bits of |x| half to even on the integer bit pattern,
//   (a + 0x7FFF + ((a >> 16) & 1)) & 0xFFFF0000; a carry past the largest finite gives exactly the
//   bits of inf, so ieee needs nothing more and saturate is a min with 0x7F7F0000.
// Other modes and formats: chunks of 256 through the bulk casts (cvt_f32_fmt__simd128, SIMD where the
// format has a path, then cvt_fmt_f32__simd128), which equal the scalar reference by their own tests.

import { Kind, Special, col, C_KIND, C_MBITS, C_SPECIAL, isValidFormat, maxMagCode, eminOf, etopOf } from "../formats/table";
import { Round, Overflow, encodeScalar, decodeScalar, decodeFloat } from "../formats/scalar";
import { simdFloatOk } from "../formats/simd";
import { cvt_f32_fmt__simd128, cvt_fmt_f32__simd128 } from "../formats/bulk";

const BF16 = 2;
const CHUNK = 256;                       // elements per pass through the scratch codes
const SCRATCH = memory.data(CHUNK * 4 + 16, 16);  // u32 codes at most, +16 for the padding contract

// The scalar reference of one element (fmt not MX, mode not stochastic).
// @ts-ignore: decorator
@inline export function roundScalar(fmt: i32, x: f32, mode: i32, ovf: i32): f32 {
  if (fmt == 0) return x;
  return decodeScalar(fmt, encodeScalar(fmt, x, mode, ovf, 0));
}

// Per-format constants of the generic rne path (see the header), for the lane functions.
// eLo / eHi: clamp of the biased exponent field (the lane functions take them shifted left by 23); cAdd: bits of c minus (ecl_biased << 23);
// maxF: the largest finite value; ovfBits: |result| of an overflow (max, inf or NaN bits).
// @ts-ignore: decorator
@inline export function magicEHi(fmt: i32): i32 { return etopOf(fmt) + 1 + 127; }
// @ts-ignore: decorator
@inline export function magicELo(fmt: i32): i32 { return eminOf(fmt) + 127; }
// c = 1.5 * 2^(ecl - M + 23): biased exponent field ecl_b - M + 23, mantissa 0x400000.
// @ts-ignore: decorator
@inline export function magicCAdd(fmt: i32): i32 { return ((23 - col(fmt, C_MBITS)) << 23) | 0x400000; }
// @ts-ignore: decorator
@inline export function magicMax(fmt: i32): f32 { return decodeFloat(fmt, maxMagCode(fmt)); }
// Magnitude bits of a rne overflow (= of an infinite input) under `ovf`, from the reference itself.
// @ts-ignore: decorator
@inline export function magicOvfBits(fmt: i32, ovf: i32): u32 {
  return reinterpret<u32>(roundScalar(fmt, Infinity, Round.RNE, ovf)) & 0x7FFFFFFF;
}

// Four lanes of the generic rne path. `nanV`: bits of a +NaN input's result; `noNan`: all-ones when
// the format has no NaN (then a NaN lane gives +0, without the sign).
// @ts-ignore: decorator
@inline export function rneMagic4(x: v128, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128, nanV: v128, noNan: v128): v128 {
  const sgn = v128.and(x, i32x4.splat(0x80000000));
  const a = v128.xor(x, sgn);
  const ecl = i32x4.min_s(i32x4.max_s(v128.and(x, i32x4.splat(0x7F800000)), eLo), eHi);  // ecl_b << 23
  const c = i32x4.add(ecl, cAdd);
  let r = f32x4.sub(f32x4.add(a, c), c);
  r = v128.bitselect(ovfV, r, f32x4.gt(r, maxF));
  const isNan = i32x4.gt_s(a, i32x4.splat(0x7F800000));
  r = v128.bitselect(nanV, r, isNan);
  return v128.or(r, v128.andnot(sgn, v128.and(isNan, noNan)));
}

// Four lanes of bf16 rne.
// @ts-ignore: decorator
@inline export function rneBf16x4(x: v128, sat: bool): v128 {
  const sgn = v128.and(x, i32x4.splat(0x80000000));
  const a = v128.xor(x, sgn);
  let r = v128.and(
    i32x4.add(i32x4.add(a, i32x4.splat(0x7FFF)), v128.and(i32x4.shr_u(a, 16), i32x4.splat(1))),
    i32x4.splat(0xFFFF0000),
  );
  if (sat) r = i32x4.min_s(r, i32x4.splat(0x7F7F0000));      // r >= 0 on every non-NaN lane
  r = v128.bitselect(i32x4.splat(0x7FC00000), r, i32x4.gt_s(a, i32x4.splat(0x7F800000)));
  return v128.or(r, sgn);
}

// Whether the rne SIMD path covers this format.
// @ts-ignore: decorator
@inline function magicOk(fmt: i32): bool {
  return fmt != BF16 && col(fmt, C_KIND) == Kind.FLOAT && simdFloatOk(fmt) && col(fmt, C_MBITS) <= 21;
}

function roundMagicRne(fmt: i32, src: usize, dst: usize, n: i32, ovf: i32): void {
  const eLo = i32x4.splat(magicELo(fmt) << 23), eHi = i32x4.splat(magicEHi(fmt) << 23), cAdd = i32x4.splat(magicCAdd(fmt));
  const maxF = f32x4.splat(magicMax(fmt));
  const ovfV = i32x4.splat(<i32>magicOvfBits(fmt, ovf));
  const nanV = i32x4.splat(<i32>reinterpret<u32>(roundScalar(fmt, reinterpret<f32>(0x7FC00000), Round.RNE, ovf)));
  const noNan = i32x4.splat(col(fmt, C_SPECIAL) == Special.FINITE ? -1 : 0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = <usize>i << 2;
    const v0 = v128.load(src + p), v1 = v128.load(src + p, 16);
    v128.store(dst + p, rneMagic4(v0, eLo, eHi, cAdd, maxF, ovfV, nanV, noNan));
    v128.store(dst + p, rneMagic4(v1, eLo, eHi, cAdd, maxF, ovfV, nanV, noNan), 16);
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    store<f32>(dst + p, roundScalar(fmt, load<f32>(src + p), Round.RNE, ovf));
  }
}

// @ts-ignore: decorator
@inline function roundBf16RneLoop(src: usize, dst: usize, n: i32, sat: bool): i32 {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = <usize>i << 2;
    const v0 = v128.load(src + p), v1 = v128.load(src + p, 16);
    v128.store(dst + p, rneBf16x4(v0, sat));
    v128.store(dst + p, rneBf16x4(v1, sat), 16);
  }
  return i;
}

function roundBf16Rne(src: usize, dst: usize, n: i32, ovf: i32): void {
  let i = ovf == Overflow.SATURATE ? roundBf16RneLoop(src, dst, n, true) : roundBf16RneLoop(src, dst, n, false);
  for (; i < n; i++) {
    const p = <usize>i << 2;
    store<f32>(dst + p, roundScalar(BF16, load<f32>(src + p), Round.RNE, ovf));
  }
}

// Whether round_f32_fmt__simd128 accepts these arguments.
export function roundArgsOk(fmt: i32, n: i32, mode: i32, ovf: i32): bool {
  if (!isValidFormat(fmt) || col(fmt, C_KIND) == Kind.MX) return false;
  if (mode < Round.RNE || mode > Round.CEIL) return false;
  return (ovf == Overflow.SATURATE || ovf == Overflow.IEEE) && n >= 0;
}

export function round_f32_fmt__simd128(fmt: i32, src: usize, dst: usize, n: i32, mode: i32, ovf: i32): i32 {
  if (!roundArgsOk(fmt, n, mode, ovf)) return -1;
  if (fmt == 0) { if (dst != src) memory.copy(dst, src, <usize>n << 2); return 0; }
  if (mode == Round.RNE) {
    if (fmt == BF16) { roundBf16Rne(src, dst, n, ovf); return 0; }
    if (magicOk(fmt)) { roundMagicRne(fmt, src, dst, n, ovf); return 0; }
  }
  for (let i = 0; i < n; i += CHUNK) {
    const k = min(CHUNK, n - i);
    const p = <usize>i << 2;
    cvt_f32_fmt__simd128(fmt, src + p, SCRATCH, k, mode, ovf, 0, 0, 0);
    cvt_fmt_f32__simd128(fmt, SCRATCH, dst + p, k);
  }
  return 0;
}

// The scalar reference of round_f32_fmt__simd128 (tests, and the definition).
export function round_f32_fmt__scalar(fmt: i32, src: usize, dst: usize, n: i32, mode: i32, ovf: i32): i32 {
  if (!roundArgsOk(fmt, n, mode, ovf)) return -1;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2;
    store<f32>(dst + p, roundScalar(fmt, load<f32>(src + p), mode, ovf));
  }
  return 0;
}

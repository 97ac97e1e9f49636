// cast_any__scalar(from, to, y, x, n, saturate) -> 0 ok | 1 a type not castable | 2 n < 0
// cast_any__simd128: the same bits; SIMD128 for f32 <-> f16 / bf16 / f8 (the bulk format casts),
// f32 <-> i32 (trunc_sat is the saturating truncation below) and i32 <-> i64, else the scalar loop.
// see: ONNX Cast, opset 21 (CastLike the same). Types are element-type ids (nd/dtype.ts, ONNX
// TensorProto ids) plus the float8 ids 17 (f8_e4m3fn) and 19 (f8_e5m2), which go through the
// format casts (formats/scalar.ts). Every pair; from == to copies the bytes. Semantics:
// - to a float: round to nearest even (numpy astype). f64 and 64-bit integer sources reach the
//   narrow formats through an f32 rounded to odd, which is exact for the final rounding (f32 has
//   >= 2 more bits than f16 / bf16 / f8), so there is no double rounding. Overflow gives inf
//   (f8_e4m3fn: NaN) or, with saturate, the largest finite value (float8 only, as ONNX).
//   A NaN gives the destination's quiet NaN with the source's sign (payloads are not kept).
// - float to integer: truncation toward zero. Where ONNX leaves it undefined Alloy saturates:
//   NaN -> 0, below / above the range (+-inf too) -> the type's min / max.
// - integer to integer: two's complement wrap (the low bytes), as numpy / C.
// - to bool: nonzero -> 1 (NaN too); bool sources read nonzero as 1.

import { DT_F32, DT_U8, DT_I8, DT_U16, DT_I16, DT_I32, DT_I64, DT_BOOL, DT_F16, DT_F64, DT_U32, DT_U64, DT_BF16 } from "./dtype";
import { encodeFloat, decodeFloat } from "../formats/scalar";
import { Round, Overflow } from "../codes";
import { F16, BF16, F8_E4M3FN, F8_E5M2 } from "../formats/table";
import { cvt_f32_fmt__simd128, cvt_fmt_f32__simd128 } from "../formats/bulk";

export const DT_F8E4M3FN = 17, DT_F8E5M2 = 19;

// Bytes per element (0: not a type Cast takes).
function bytesOf(t: i32): i32 {
  switch (t) {
    case DT_U8: case DT_I8: case DT_BOOL: case DT_F8E4M3FN: case DT_F8E5M2: return 1;
    case DT_U16: case DT_I16: case DT_F16: case DT_BF16: return 2;
    case DT_F32: case DT_I32: case DT_U32: return 4;
    case DT_I64: case DT_U64: case DT_F64: return 8;
    default: return 0;
  }
}

// The format-table row of a narrow float type, or -1.
function narrow(t: i32): i32 {
  if (t == DT_F16) return F16;
  if (t == DT_BF16) return BF16;
  if (t == DT_F8E4M3FN) return F8_E4M3FN;
  if (t == DT_F8E5M2) return F8_E5M2;
  return -1;
}

// @ts-ignore: decorator
@inline function isFloatT(t: i32): bool { return t == DT_F32 || t == DT_F64 || narrow(t) >= 0; }

// f64 rounded to odd at f32 precision: truncate toward zero, set the last bit if inexact.
function f32Odd(d: f64): f32 {
  const f = <f32>d;
  if (<f64>f == d) return f;
  let b = reinterpret<u32>(f);
  if (abs<f64>(<f64>f) > abs<f64>(d)) b--;          // rounded away (inf -> the largest finite)
  return reinterpret<f32>(b | 1);
}

// An integer (value v, or the u64 bits of v when `u`) rounded to odd at f32 precision.
function intOdd(v: i64, u: bool): f32 {
  const neg = !u && v < 0;
  const m: u64 = neg ? <u64>(0 - v) : <u64>v;
  let f: f32;
  if (m < (<u64>1 << 24)) f = <f32>m;
  else {
    const sh = 40 - <i32>clz(m);                    // m >> sh has 24 bits
    const q = (m >> <u64>sh) | ((m & ((<u64>1 << <u64>sh) - 1)) != 0 ? 1 : 0);
    f = <f32>q * reinterpret<f32>(<u32>(127 + sh) << 23);
  }
  return neg ? -f : f;
}

// The destination's code for f32 x (exact, or rounded to odd), a narrow float type.
// @ts-ignore: decorator
@inline function enc(to: i32, x: f32, sat: bool): u32 {
  const fmt = narrow(to);
  const ovf = sat && (to == DT_F8E4M3FN || to == DT_F8E5M2) ? Overflow.SATURATE : Overflow.IEEE;
  return encodeFloat(fmt, x, Round.RNE, ovf, 0, 0);
}

function storeBits(es: i32, y: usize, v: u64): void {
  if (es == 1) store<u8>(y, <u8>v);
  else if (es == 2) store<u16>(y, <u16>v);
  else if (es == 4) store<u32>(y, <u32>v);
  else store<u64>(y, v);
}

// A float value d (not NaN) to an integer type: truncate, saturate.
function floatToInt(to: i32, d: f64): u64 {
  const t = trunc<f64>(d);
  switch (to) {
    case DT_I64: return t >= 9223372036854775808.0 ? <u64>i64.MAX_VALUE : t < -9223372036854775808.0 ? <u64>i64.MIN_VALUE : <u64><i64>t;
    case DT_U64: return t >= 18446744073709551616.0 ? u64.MAX_VALUE : t <= 0 ? 0 : <u64>t;
    case DT_I32: return <u64><i64>min<f64>(max<f64>(t, -2147483648.0), 2147483647.0);
    case DT_U32: return <u64>min<f64>(max<f64>(t, 0), 4294967295.0);
    case DT_I16: return <u64><i64>min<f64>(max<f64>(t, -32768.0), 32767.0);
    case DT_U16: return <u64>min<f64>(max<f64>(t, 0), 65535.0);
    case DT_I8: return <u64><i64>min<f64>(max<f64>(t, -128.0), 127.0);
    default: return <u64>min<f64>(max<f64>(t, 0), 255.0);   // u8
  }
}

// One float element: NaN flag and sign from the bits, else its exact value.
function castFloat(from: i32, to: i32, y: usize, x: usize, es: i32, sat: bool): void {
  let nan = false, neg = false, d: f64 = 0, x32: f32 = 0, exact32 = true;
  if (from == DT_F64) {
    const b = load<u64>(x);
    nan = (b & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000; neg = (b >> 63) != 0;
    d = reinterpret<f64>(b); exact32 = false;
  } else {
    x32 = from == DT_F32 ? load<f32>(x) : decodeFloat(narrow(from), from == DT_BF16 || from == DT_F16 ? <u32>load<u16>(x) : <u32>load<u8>(x));
    const b = reinterpret<u32>(x32);
    nan = (b & 0x7FFFFFFF) > 0x7F800000; neg = (b >> 31) != 0;
    if (!nan) d = <f64>x32;
  }
  if (to == DT_BOOL) { store<u8>(y, nan || d != 0 ? 1 : 0); return; }
  if (!isFloatT(to)) { storeBits(es, y, nan ? 0 : floatToInt(to, d)); return; }
  if (nan) {
    if (to == DT_F64) store<u64>(y, (neg ? 0x8000000000000000 : 0) | 0x7FF8000000000000);
    else if (to == DT_F32) store<u32>(y, (neg ? 0x80000000 : 0) | 0x7FC00000);
    else storeBits(es, y, enc(to, reinterpret<f32>((neg ? 0x80000000 : 0) | 0x7FC00000), sat));
    return;
  }
  if (to == DT_F64) store<f64>(y, d);
  else if (to == DT_F32) store<f32>(y, <f32>d);
  else storeBits(es, y, enc(to, exact32 ? x32 : f32Odd(d), sat));
}

// One integer / bool element.
function castInt(from: i32, to: i32, y: usize, x: usize, es: i32, sat: bool): void {
  let v: i64;
  switch (from) {
    case DT_BOOL: v = load<u8>(x) != 0 ? 1 : 0; break;
    case DT_U8: v = <i64>load<u8>(x); break;
    case DT_I8: v = <i64>load<i8>(x); break;
    case DT_U16: v = <i64>load<u16>(x); break;
    case DT_I16: v = <i64>load<i16>(x); break;
    case DT_U32: v = <i64>load<u32>(x); break;
    case DT_I32: v = <i64>load<i32>(x); break;
    default: v = load<i64>(x);            // i64, u64 (bits)
  }
  const u = from == DT_U64;
  if (to == DT_BOOL) store<u8>(y, v != 0 ? 1 : 0);
  else if (to == DT_F64) store<f64>(y, u ? <f64><u64>v : <f64>v);
  else if (to == DT_F32) store<f32>(y, u ? <f32><u64>v : <f32>v);
  else if (narrow(to) >= 0) storeBits(es, y, enc(to, intOdd(v, u), sat));
  else storeBits(es, y, <u64>v);
}

export function cast_any__scalar(from: i32, to: i32, y: usize, x: usize, n: i32, saturate: i32): i32 {
  const ei = bytesOf(from), eo = bytesOf(to);
  if (ei == 0 || eo == 0) return 1;
  if (n < 0) return 2;
  if (from == to) { memory.copy(y, x, <usize>n * <usize>ei); return 0; }
  const sat = saturate != 0, fl = isFloatT(from);
  for (let i = 0; i < n; i++) {
    const xp = x + <usize>i * <usize>ei, yp = y + <usize>i * <usize>eo;
    if (fl) castFloat(from, to, yp, xp, eo, sat);
    else castInt(from, to, yp, xp, eo, sat);
  }
  return 0;
}

export function cast_any__simd128(from: i32, to: i32, y: usize, x: usize, n: i32, saturate: i32): i32 {
  if (bytesOf(from) == 0 || bytesOf(to) == 0) return 1;
  if (n < 0) return 2;
  let i = 0;
  if (from == DT_F32 && narrow(to) >= 0) {
    const ovf = saturate != 0 && (to == DT_F8E4M3FN || to == DT_F8E5M2) ? Overflow.SATURATE : Overflow.IEEE;
    cvt_f32_fmt__simd128(narrow(to), x, y, n, Round.RNE, ovf, 0, 0, 0);
    return 0;
  }
  if (narrow(from) >= 0 && to == DT_F32) { cvt_fmt_f32__simd128(narrow(from), x, y, n); return 0; }
  if (from == DT_F32 && to == DT_I32) {
    for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(y + o, i32x4.trunc_sat_f32x4_s(v128.load(x + o))); }
  } else if (from == DT_I32 && to == DT_F32) {
    for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(y + o, f32x4.convert_i32x4_s(v128.load(x + o))); }
  } else if (from == DT_I64 && to == DT_I32) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 3;
      v128.store(y + (<usize>i << 2), i32x4.shuffle(v128.load(x + o), v128.load(x + o + 16), 0, 2, 4, 6));
    }
  } else if (from == DT_I32 && to == DT_I64) {
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2)), o = <usize>i << 3;
      v128.store(y + o, i64x2.extend_low_i32x4_s(v)); v128.store(y + o + 16, i64x2.extend_high_i32x4_s(v));
    }
  }
  const ei = <usize>bytesOf(from), eo = <usize>bytesOf(to);
  return cast_any__scalar(from, to, y + <usize>i * eo, x + <usize>i * ei, n - i, saturate);
}

// Dense layer with an emulated low-precision accumulator: what hardware that keeps its partial
// sums in f16 / bf16 / f8 computes, bit for bit, in a fixed and documented order.
//
// gemm_f32_f32_emu__simd128_4x8(x, M, K, wp, bias, N, y, act, accFmt, absOut) -> 0, or -1 for unsupported arguments
// gemm_f32_f32_emu__scalar(x, M, K, w, bias, N, y, act, accFmt, absOut) -> the same, scalar reference
//   x [M, K] f32 row-major; W [N, K] f32 row-major (`w`, reference) or packed by pack_w_f32
//   (`wp`, [ceil(N/8)][K][8]); bias [N] f32 or 0; y [M, N] f32; act 0 none, 1 relu;
//   accFmt f32 0, f16 1, bf16 2, f8_e4m3fn 3, f8_e5m2 4, f8_e3m4 5 (formats without NaN, f6/f4,
//   give -1: a NaN partial sum has no value there); absOut [M, N] f32 or 0.
//
// Definition, for each output (m, n), with fl32() the f32 operation (RNE) and
// R() = round to accFmt, RNE, IEEE overflow (decode(encode(v, rne, ieee)) of formats/scalar.ts:
// f16 and f8_e5m2 and f8_e3m4 go to +-inf past their max, bf16 to +-inf, f8_e4m3fn to NaN):
//     acc = +0
//     for k = 0 .. K-1 ascending:  p = fl32(x[m,k] * w[n,k]);  acc = R(fl32(acc + p))
//     v = R(fl32(acc + b[n]))                     (b = +0 when bias == 0)
//     then, for accFmt != f32: a NaN v becomes 0x7FC00000 (the sign of an arithmetic NaN is not
//     deterministic in wasm), and relu maps v < 0 and -0 to +0 (v's sign bit);
//     for accFmt == f32: R is the identity, relu is f32 max(v, 0), and y equals gemm_f32_f32_f32__scalar
//     bit for bit.
//   The product is one f32 multiply: exact when both operands have at most 12 significant bits
//   (f16 / bf16 / f8 values) and the product is in the f32 normal range, otherwise rounded.
//   Double rounding: acc + p is first rounded to f32, then to accFmt. This is the definition, not
//   an approximation of "round the exact sum once": the two differ exactly when fl32(acc + p) is
//   an accFmt midpoint (a tie) that the exact sum is not, e.g. f16 1 + 1055*2^-16 * 994*2^-15 =
//   1 + 2^-11 + 94*2^-31 gives 1 here and 1 + 2^-10 rounded once; bf16 2^-20 + 3*87 gives 260
//   here and 262 rounded once (test/emulate/dense_acc.test.ts pins both). It cannot happen when
//   the exact sum is an f32.
// absOut (when nonzero): s = +0; for k ascending: s = fl32(s + |p|); then s = fl32(s + |b[n]|);
//   plain f32, no accFmt rounding: the numerator of the condition number sum|x w| / |sum x w|.
//   A NaN s is stored as 0x7FC00000.
//
// SIMD kernel (gemm_f32_f32_<acc>__simd128_4x8, + 1x8 for the rows left): one packed panel of 8
// output columns at a time, two v128 accumulators per row (and two for |p| when absOut), 4 rows
// per tile; every lane follows the definition above step by step, so the tile shape never
// changes a bit. R per lane: f16 / f8 by the magic-number rounding of round.ts (rneMagic4 with
// the IEEE overflow value), bf16 by rounding the low 16 bits; NaN lanes stay NaN (not
// canonicalised) until the output, where they become 0x7FC00000 like the reference's.

import { NR } from "../kernels/pack";
import { ACT_RELU, store8, panelBias } from "../kernels/tile";
import { Kind, Special, col, C_KIND, C_SPECIAL, isValidFormat } from "../formats/table";
import { Round, Overflow, encodeFloat, decodeFloat } from "../formats/scalar";
import { magicELo, magicEHi, magicCAdd, magicMax, magicOvfBits } from "./round";

const CANON_NAN: u32 = 0x7FC00000;

// Accumulator kinds of the SIMD kernel (compile-time constants after inlining).
export const K_F32 = 0;   // no rounding
export const K_MAGIC = 1; // f16, f8_*
export const K_BF16 = 2;

export function accFmtOk(fmt: i32): bool {
  if (fmt == 0) return true;
  if (!isValidFormat(fmt) || col(fmt, C_KIND) != Kind.FLOAT) return false;
  const sp = col(fmt, C_SPECIAL);
  return sp == Special.IEEE || sp == Special.FN;
}

function argsOk(M: i32, K: i32, N: i32, act: i32, accFmt: i32): bool {
  return M >= 0 && K >= 0 && N >= 0 && (act == 0 || act == ACT_RELU) && accFmtOk(accFmt);
}

// R(v) of the reference: round to accFmt, RNE, IEEE overflow.
// @ts-ignore: decorator
@inline export function roundAcc(fmt: i32, v: f32): f32 {
  return fmt == 0 ? v : decodeFloat(fmt, encodeFloat(fmt, v, Round.RNE, Overflow.IEEE, 0, 0));
}

// @ts-ignore: decorator
@inline export function finishScalar(fmt: i32, v: f32, act: i32): f32 {
  if (fmt == 0) return act == ACT_RELU ? max<f32>(v, 0) : v;
  if (v != v) return reinterpret<f32>(CANON_NAN);
  return act == ACT_RELU && reinterpret<i32>(v) < 0 ? 0 : v;
}

export function gemm_f32_f32_emu__scalar(x: usize, M: i32, K: i32, w: usize, bias: usize, N: i32, y: usize, act: i32, accFmt: i32, absOut: usize): i32 {
  if (!argsOk(M, K, N, act, accFmt)) return -1;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc: f32 = 0, s: f32 = 0;
      for (let k = 0; k < K; k++) {
        const p = load<f32>(x + (<usize>(m * K + k) << 2)) * load<f32>(w + (<usize>(n * K + k) << 2));
        acc = roundAcc(accFmt, acc + p);
        s = s + abs<f32>(p);
      }
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
      const o = <usize>(m * N + n) << 2;
      store<f32>(y + o, finishScalar(accFmt, roundAcc(accFmt, acc + b), act));
      if (absOut != 0) {
        s = s + abs<f32>(b);
        store<f32>(absOut + o, s != s ? reinterpret<f32>(CANON_NAN) : s);
      }
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// SIMD

// R(v) per lane. kind is a constant at every call.
// @ts-ignore: decorator
@inline export function racc(v: v128, kind: i32, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): v128 {
  if (kind == K_F32) return v;
  const sgn = v128.and(v, i32x4.splat(0x80000000));
  const a = v128.xor(v, sgn);
  let r: v128;
  if (kind == K_MAGIC) {
    const ecl = i32x4.min_s(i32x4.max_s(v128.and(v, i32x4.splat(0x7F800000)), eLo), eHi);
    const c = i32x4.add(ecl, cAdd);
    r = f32x4.sub(f32x4.add(a, c), c);
    r = v128.bitselect(ovfV, r, f32x4.gt(r, maxF));            // NaN lanes compare false: stay NaN
  } else {
    r = v128.and(
      i32x4.add(i32x4.add(a, i32x4.splat(0x7FFF)), v128.and(i32x4.shr_u(a, 16), i32x4.splat(1))),
      i32x4.splat(0xFFFF0000),
    );
    r = v128.bitselect(a, r, i32x4.gt_s(a, i32x4.splat(0x7F800000))); // NaN lanes stay NaN
  }
  return v128.or(r, sgn);
}

// Output stage: v = R(acc + b), then NaN canonicalisation and the activation (see the header).
// @ts-ignore: decorator
@inline export function finish4(acc: v128, b: v128, act: i32, kind: i32, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): v128 {
  let v = racc(f32x4.add(acc, b), kind, eLo, eHi, cAdd, maxF, ovfV);
  if (kind == K_F32) return act == ACT_RELU ? f32x4.max(v, f32x4.splat(0)) : v;
  v = v128.bitselect(i32x4.splat(CANON_NAN), v, f32x4.ne(v, v));
  return act == ACT_RELU ? v128.andnot(v, i32x4.shr_s(v, 31)) : v;
}

// @ts-ignore: decorator
@inline function finishAbs4(s: v128, babs: v128): v128 {
  const v = f32x4.add(s, babs);
  return v128.bitselect(i32x4.splat(CANON_NAN), v, f32x4.ne(v, v));
}

// @ts-ignore: decorator
@inline function kernel(
  x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize,
  kind: i32, withAbs: bool, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128,
): void {
  const panels = (N + NR - 1) / NR;
  const ys = <usize>N << 2;
  for (let p = 0; p < panels; p++) {
    const n0 = p * NR;
    const cols = min(NR, N - n0);
    const bt = panelBias(bias, n0, cols);
    const b0 = v128.load(bt), b1 = v128.load(bt, 16);
    const ba0 = f32x4.abs(b0), ba1 = f32x4.abs(b1);
    const w = wp + <usize>(p * K * NR) * 4;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      const x0 = x + (<usize>(m * K) << 2);
      const x1 = x0 + (<usize>K << 2), x2 = x1 + (<usize>K << 2), x3 = x2 + (<usize>K << 2);
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const wk = w + (<usize>(k * NR) << 2);
        const w0 = v128.load(wk), w1 = v128.load(wk, 16);
        const o = <usize>k << 2;
        const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o);
        const v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
        const p00 = f32x4.mul(v0, w0), p01 = f32x4.mul(v0, w1);
        const p10 = f32x4.mul(v1, w0), p11 = f32x4.mul(v1, w1);
        const p20 = f32x4.mul(v2, w0), p21 = f32x4.mul(v2, w1);
        const p30 = f32x4.mul(v3, w0), p31 = f32x4.mul(v3, w1);
        a00 = racc(f32x4.add(a00, p00), kind, eLo, eHi, cAdd, maxF, ovfV);
        a01 = racc(f32x4.add(a01, p01), kind, eLo, eHi, cAdd, maxF, ovfV);
        a10 = racc(f32x4.add(a10, p10), kind, eLo, eHi, cAdd, maxF, ovfV);
        a11 = racc(f32x4.add(a11, p11), kind, eLo, eHi, cAdd, maxF, ovfV);
        a20 = racc(f32x4.add(a20, p20), kind, eLo, eHi, cAdd, maxF, ovfV);
        a21 = racc(f32x4.add(a21, p21), kind, eLo, eHi, cAdd, maxF, ovfV);
        a30 = racc(f32x4.add(a30, p30), kind, eLo, eHi, cAdd, maxF, ovfV);
        a31 = racc(f32x4.add(a31, p31), kind, eLo, eHi, cAdd, maxF, ovfV);
        if (withAbs) {
          s00 = f32x4.add(s00, f32x4.abs(p00)); s01 = f32x4.add(s01, f32x4.abs(p01));
          s10 = f32x4.add(s10, f32x4.abs(p10)); s11 = f32x4.add(s11, f32x4.abs(p11));
          s20 = f32x4.add(s20, f32x4.abs(p20)); s21 = f32x4.add(s21, f32x4.abs(p21));
          s30 = f32x4.add(s30, f32x4.abs(p30)); s31 = f32x4.add(s31, f32x4.abs(p31));
        }
      }
      const o = <usize>(m * N + n0) << 2;
      const yr = y + o;
      store8(yr, finish4(a00, b0, act, kind, eLo, eHi, cAdd, maxF, ovfV), finish4(a01, b1, act, kind, eLo, eHi, cAdd, maxF, ovfV), cols);
      store8(yr + ys, finish4(a10, b0, act, kind, eLo, eHi, cAdd, maxF, ovfV), finish4(a11, b1, act, kind, eLo, eHi, cAdd, maxF, ovfV), cols);
      store8(yr + 2 * ys, finish4(a20, b0, act, kind, eLo, eHi, cAdd, maxF, ovfV), finish4(a21, b1, act, kind, eLo, eHi, cAdd, maxF, ovfV), cols);
      store8(yr + 3 * ys, finish4(a30, b0, act, kind, eLo, eHi, cAdd, maxF, ovfV), finish4(a31, b1, act, kind, eLo, eHi, cAdd, maxF, ovfV), cols);
      if (withAbs) {
        const sr = absOut + o;
        store8(sr, finishAbs4(s00, ba0), finishAbs4(s01, ba1), cols);
        store8(sr + ys, finishAbs4(s10, ba0), finishAbs4(s11, ba1), cols);
        store8(sr + 2 * ys, finishAbs4(s20, ba0), finishAbs4(s21, ba1), cols);
        store8(sr + 3 * ys, finishAbs4(s30, ba0), finishAbs4(s31, ba1), cols);
      }
    }
    for (; m < M; m++) {
      const x0 = x + (<usize>(m * K) << 2);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const wk = w + (<usize>(k * NR) << 2);
        const v0 = v128.load32_splat(x0 + (<usize>k << 2));
        const p0 = f32x4.mul(v0, v128.load(wk)), p1 = f32x4.mul(v0, v128.load(wk, 16));
        a0 = racc(f32x4.add(a0, p0), kind, eLo, eHi, cAdd, maxF, ovfV);
        a1 = racc(f32x4.add(a1, p1), kind, eLo, eHi, cAdd, maxF, ovfV);
        if (withAbs) { s0 = f32x4.add(s0, f32x4.abs(p0)); s1 = f32x4.add(s1, f32x4.abs(p1)); }
      }
      const o = <usize>(m * N + n0) << 2;
      store8(y + o, finish4(a0, b0, act, kind, eLo, eHi, cAdd, maxF, ovfV), finish4(a1, b1, act, kind, eLo, eHi, cAdd, maxF, ovfV), cols);
      if (withAbs) store8(absOut + o, finishAbs4(s0, ba0), finishAbs4(s1, ba1), cols);
    }
  }
}

export function gemm_f32_f32_emu__simd128_4x8(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, accFmt: i32, absOut: usize): i32 {
  if (!argsOk(M, K, N, act, accFmt)) return -1;
  const kind = accFmt == 0 ? K_F32 : accFmt == 2 ? K_BF16 : K_MAGIC;
  const f = accFmt == 0 ? 1 : accFmt;    // constants unused by K_F32
  const eLo = i32x4.splat(magicELo(f) << 23), eHi = i32x4.splat(magicEHi(f) << 23), cAdd = i32x4.splat(magicCAdd(f));
  const maxF = f32x4.splat(magicMax(f));
  const ovfV = i32x4.splat(<i32>magicOvfBits(f, Overflow.IEEE));
  const ab = absOut != 0;
  const v: Variant = kind == K_F32 ? (ab ? accF32Abs : accF32) : kind == K_BF16 ? (ab ? accBF16Abs : accBF16) : (ab ? accMagicAbs : accMagic);
  v(x, M, K, wp, bias, N, y, act, absOut, eLo, eHi, cAdd, maxF, ovfV);
  return 0;
}

// One function per variant, reached through a function reference: V8 compiles a wasm function on
// its first call, and the six variants inlined into gemm_f32_f32_emu__simd128_4x8 made one 22 KB function. (A direct
// call would be inlined back by binaryen.)
type Variant = (x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128) => void;
function accF32(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void { kernel(x, M, K, wp, bias, N, y, act, absOut, K_F32, false, eLo, eHi, cAdd, maxF, ovfV); }
function accF32Abs(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void { kernel(x, M, K, wp, bias, N, y, act, absOut, K_F32, true, eLo, eHi, cAdd, maxF, ovfV); }
function accBF16(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void { kernel(x, M, K, wp, bias, N, y, act, absOut, K_BF16, false, eLo, eHi, cAdd, maxF, ovfV); }
function accBF16Abs(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void { kernel(x, M, K, wp, bias, N, y, act, absOut, K_BF16, true, eLo, eHi, cAdd, maxF, ovfV); }
function accMagic(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void { kernel(x, M, K, wp, bias, N, y, act, absOut, K_MAGIC, false, eLo, eHi, cAdd, maxF, ovfV); }
function accMagicAbs(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, absOut: usize, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void { kernel(x, M, K, wp, bias, N, y, act, absOut, K_MAGIC, true, eLo, eHi, cAdd, maxF, ovfV); }

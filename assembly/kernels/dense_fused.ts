// Dense with the weight decode fused into the microkernel (no decoded copy of the weights):
// gemm_{f16,bf16,f8_e5m2,f8_e4m3fn}_f32_f32__simd128_4x8 and gemm_{i8,u8}_f32_f32__simd128_4x8
// (per-channel scales), each with a 1x32 tile for the rows left over (M = 1: four panels at a
// time keep eight accumulators in flight) and a 1x8 remainder.
//
// The results are the ones of gemm_any_f32_f32__scalar (dense_q.ts), bit for bit:
//  - float codes decode exactly to f32 in a few integer ops: the code's bits are moved into f32
//    position (sign kept by sign extension), which is the value times 2^-(127 - bias) exactly,
//    and one multiply by 2^(127 - bias) restores it (exact: every value of these formats is a
//    normal f32). Codes of inf / NaN would decode wrongly, so weights holding any take the
//    decode-to-scratch path instead (weights_fusable says which).
//  - i8 / u8 per output channel: acc = sum x[k] * f32(q - zp), then acc * s + bias.

import { NR } from "./pack";
import { gemm_f32_f32_f32__simd128_5x8_panels } from "./dense_f32";
import { ACT_RELU, store8 } from "./tile";
import { F16, BF16, F8_E5M2, F8_E4M3FN, I8, U8 } from "../formats/table";

// Whether the fused kernel reproduces gemm_any_f32_f32__scalar for these row-major codes: float formats
// without inf / NaN codes; i8 / u8 with one group per output row.
export function weights_fusable(fmt: i32, codes: usize, n: i32, group: i32, K: i32): i32 {
  if (fmt == I8 || fmt == U8) return group == K ? 1 : 0;
  if (fmt == F16) { for (let i = 0; i < n; i++) if ((load<u16>(codes + (<usize>i << 1)) & 0x7C00) == 0x7C00) return 0; return 1; }
  if (fmt == BF16) return 1;           // bf16 -> f32 is a shift, inf / NaN included
  if (fmt == F8_E5M2) { for (let i = 0; i < n; i++) if ((load<u8>(codes + <usize>i) & 0x7C) == 0x7C) return 0; return 1; }
  if (fmt == F8_E4M3FN) { for (let i = 0; i < n; i++) if ((load<u8>(codes + <usize>i) & 0x7F) == 0x7F) return 0; return 1; }
  return 0;
}

// Row k of a panel: its 8 codes, widened to 16 bits (one load for both halves).
// @ts-ignore: decorator
@inline function codes8(fmt: i32, p: usize, k: i32): v128 {
  if (fmt == F16 || fmt == BF16) return v128.load(p + <usize>(k * 16));
  const c = v128.load64_zero(p + <usize>(k * 8));
  return fmt == U8 ? i16x8.extend_low_i8x16_u(c) : i16x8.extend_low_i8x16_s(c);
}

// Four of those weights (half 0: lanes 0..3, half 1: lanes 4..7) as f32 (int kinds: q - zp;
// I8S: symmetric i8, no zero point to subtract).
// @ts-ignore: decorator
@inline function half4(fmt: i32, h: v128, half: i32, z: v128): v128 {
  if (fmt == BF16 || fmt == U8) {
    const u = half == 0 ? i32x4.extend_low_i16x8_u(h) : i32x4.extend_high_i16x8_u(h);
    return fmt == BF16 ? i32x4.shl(u, 16) : f32x4.convert_i32x4_s(i32x4.sub(u, z));
  }
  const c = half == 0 ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_high_i16x8_s(h);
  if (fmt == F16) return f32x4.mul(v128.and(i32x4.shl(c, 13), i32x4.splat(0x8FFFE000)), f32x4.splat(5.192296858534828e33)); // 2^112
  if (fmt == F8_E5M2) return f32x4.mul(v128.and(i32x4.shl(c, 21), i32x4.splat(0x8FE00000)), f32x4.splat(5.192296858534828e33)); // 2^112
  if (fmt == F8_E4M3FN) return f32x4.mul(v128.and(i32x4.shl(c, 20), i32x4.splat(0x87F00000)), f32x4.splat(1.329227995784916e36)); // 2^120
  if (fmt == I8S) return f32x4.convert_i32x4_s(c);
  return f32x4.convert_i32x4_s(i32x4.sub(c, z));   // I8
}

// Symmetric i8 (all zero points 0): an internal kind of this file, not a format id.
const I8S: i32 = -1;

// @ts-ignore: decorator
@inline function codeBytes(fmt: i32): i32 { return fmt == F16 || fmt == BF16 ? 2 : 1; }

// @ts-ignore: decorator
@inline function isInt(fmt: i32): bool { return fmt == I8 || fmt == U8 || fmt == I8S; }

// Finish 8 outputs (two vectors) of one row: float kinds acc + b; int kinds acc * s + b.
// @ts-ignore: decorator
@inline function fin(fmt: i32, acc: v128, s: v128, b: v128, act: i32): v128 {
  // int kinds: (0 + acc * s) + b, as the reference sums its one group into a zero total
  const v = isInt(fmt) ? f32x4.add(f32x4.add(f32x4.splat(0), f32x4.mul(acc, s)), b) : f32x4.add(acc, b);
  return act == ACT_RELU ? f32x4.max(v, f32x4.splat(0)) : v;
}

// Per-panel constants: 8 biases, 8 scales, 8 zero points (zero-filled past N) at `c`.
// @ts-ignore: decorator
@inline function loadConsts(c: usize, n0: i32, cols: i32, bias: usize, scales: usize, zps: usize): void {
  memory.fill(c, 0, 96);
  if (cols <= 0) return;
  if (bias != 0) memory.copy(c, bias + (<usize>n0 << 2), <usize>cols << 2);
  if (scales != 0) memory.copy(c + 32, scales + (<usize>n0 << 2), <usize>cols << 2);
  if (zps != 0) memory.copy(c + 64, zps + (<usize>n0 << 2), <usize>cols << 2);
}

// @ts-ignore: decorator
@inline function denseFused(fmt: i32, x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const panels = (N + NR - 1) / NR;
  const pstride = <usize>(K * NR * codeBytes(fmt));
  const C = memory.data(4 * 96 + 64, 16);     // constants of up to four panels, and a store buffer
  const tmp = C + 4 * 96;
  const mTail = M & ~3;
  // Rows left over after the 4-row tiles: four panels at a time, then single panels.
  let p4 = 0;
  if (mTail < M) {
    for (; p4 + 4 <= panels; p4 += 4) {
      for (let q = 0; q < 4; q++) loadConsts(C + q * 96, (p4 + q) * NR, min(NR, N - (p4 + q) * NR), bias, scales, zps);
      const z0 = v128.load(C, 64), z1 = v128.load(C, 80), z2 = v128.load(C + 96, 64), z3 = v128.load(C + 96, 80);
      const z4 = v128.load(C + 192, 64), z5 = v128.load(C + 192, 80), z6 = v128.load(C + 288, 64), z7 = v128.load(C + 288, 80);
      const w0 = wp + <usize>p4 * pstride;
      for (let m = mTail; m < M; m++) {
        const xr = x + (<usize>(m * K) << 2);
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
        for (let k = 0; k < K; k++) {
          const v = v128.load32_splat(xr + (<usize>k << 2));
          const h0 = codes8(fmt, w0, k), h1 = codes8(fmt, w0 + pstride, k), h2 = codes8(fmt, w0 + 2 * pstride, k), h3 = codes8(fmt, w0 + 3 * pstride, k);
          // @gen mac1 v=v w=half4(fmt,~h0,~0,~z0)|half4(fmt,~h0,~1,~z1)|half4(fmt,~h1,~0,~z2)|half4(fmt,~h1,~1,~z3)|half4(fmt,~h2,~0,~z4)|half4(fmt,~h2,~1,~z5)|half4(fmt,~h3,~0,~z6)|half4(fmt,~h3,~1,~z7) per=2 op=f32
          a0 = f32x4.add(a0, f32x4.mul(v, half4(fmt, h0, 0, z0))); a1 = f32x4.add(a1, f32x4.mul(v, half4(fmt, h0, 1, z1)));
          a2 = f32x4.add(a2, f32x4.mul(v, half4(fmt, h1, 0, z2))); a3 = f32x4.add(a3, f32x4.mul(v, half4(fmt, h1, 1, z3)));
          a4 = f32x4.add(a4, f32x4.mul(v, half4(fmt, h2, 0, z4))); a5 = f32x4.add(a5, f32x4.mul(v, half4(fmt, h2, 1, z5)));
          a6 = f32x4.add(a6, f32x4.mul(v, half4(fmt, h3, 0, z6))); a7 = f32x4.add(a7, f32x4.mul(v, half4(fmt, h3, 1, z7)));
          // @end
        }
        const yr = y + (<usize>(m * N + p4 * NR) << 2);
        const cols = N - p4 * NR;
        store8(yr, fin(fmt, a0, v128.load(C, 32), v128.load(C), act), fin(fmt, a1, v128.load(C, 48), v128.load(C, 16), act), cols);
        store8(yr + 32, fin(fmt, a2, v128.load(C + 96, 32), v128.load(C + 96), act), fin(fmt, a3, v128.load(C + 96, 48), v128.load(C + 96, 16), act), cols - 8);
        store8(yr + 64, fin(fmt, a4, v128.load(C + 192, 32), v128.load(C + 192), act), fin(fmt, a5, v128.load(C + 192, 48), v128.load(C + 192, 16), act), cols - 16);
        store8(yr + 96, fin(fmt, a6, v128.load(C + 288, 32), v128.load(C + 288), act), fin(fmt, a7, v128.load(C + 288, 48), v128.load(C + 288, 16), act), cols - 24);
      }
    }
  }
  for (let p = 0; p < panels; p++) {
    const n0 = p * NR, cols = min(NR, N - n0);
    loadConsts(C, n0, cols, bias, scales, zps);
    const b0 = v128.load(C), b1 = v128.load(C, 16), s0 = v128.load(C, 32), s1 = v128.load(C, 48);
    const z0 = v128.load(C, 64), z1 = v128.load(C, 80);
    const w = wp + <usize>p * pstride;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      const x0 = x + (<usize>(m * K) << 2);
      const x1 = x0 + (<usize>K << 2), x2 = x1 + (<usize>K << 2), x3 = x2 + (<usize>K << 2);
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const h = codes8(fmt, w, k);
        const wl = half4(fmt, h, 0, z0), wh = half4(fmt, h, 1, z1);
        const o = <usize>k << 2;
        // @gen splat rows=4 src=x%r~+~o
        const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o);
        const v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
        // @end
        // @gen mac rows=4 w=wl,wh op=f32
        a00 = f32x4.add(a00, f32x4.mul(v0, wl)); a01 = f32x4.add(a01, f32x4.mul(v0, wh));
        a10 = f32x4.add(a10, f32x4.mul(v1, wl)); a11 = f32x4.add(a11, f32x4.mul(v1, wh));
        a20 = f32x4.add(a20, f32x4.mul(v2, wl)); a21 = f32x4.add(a21, f32x4.mul(v2, wh));
        a30 = f32x4.add(a30, f32x4.mul(v3, wl)); a31 = f32x4.add(a31, f32x4.mul(v3, wh));
        // @end
      }
      const yr = y + (<usize>(m * N + n0) << 2), ys = <usize>N << 2;
      store8(yr, fin(fmt, a00, s0, b0, act), fin(fmt, a01, s1, b1, act), cols);
      store8(yr + ys, fin(fmt, a10, s0, b0, act), fin(fmt, a11, s1, b1, act), cols);
      store8(yr + 2 * ys, fin(fmt, a20, s0, b0, act), fin(fmt, a21, s1, b1, act), cols);
      store8(yr + 3 * ys, fin(fmt, a30, s0, b0, act), fin(fmt, a31, s1, b1, act), cols);
    }
    if (p < p4) continue;                // rows >= mTail of these panels are done
    for (; m < M; m++) {
      const x0 = x + (<usize>(m * K) << 2);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const v = v128.load32_splat(x0 + (<usize>k << 2));
        const h = codes8(fmt, w, k);
        // @gen mac1 v=v w=half4(fmt,~h,~0,~z0)|half4(fmt,~h,~1,~z1) per=1 op=f32
        a0 = f32x4.add(a0, f32x4.mul(v, half4(fmt, h, 0, z0)));
        a1 = f32x4.add(a1, f32x4.mul(v, half4(fmt, h, 1, z1)));
        // @end
      }
      store8(y + (<usize>(m * N + n0) << 2), fin(fmt, a0, s0, b0, act), fin(fmt, a1, s1, b1, act), cols);
    }
  }
}

// For more than 4 rows every weight would be decoded once per 4-row tile; instead a chunk of
// panels is decoded once (the same w4 decode) to f32 and the f32 panel kernel runs all rows on
// it. Float kinds: exactly the f32 dense on decoded weights, as the fused tiles compute. Int
// kinds: the panel kernel sums acc = sum x * f32(q - zp) (+0 for the bias), then each output is
// (0 + acc * s) + b, as fin() does.
const CHUNK = 16;                        // panels per decoded chunk (128 outputs)
let scratch: usize = 0;
let scratchBytes: i32 = 0;

// @ts-ignore: decorator
@inline function decodeChunk(fmt: i32, wp: usize, p0: i32, p1: i32, K: i32, N: i32, zps: usize, buf: usize): void {
  const pstride = <usize>(K * NR * codeBytes(fmt));
  const zt = memory.data(32, 16);
  for (let p = p0; p < p1; p++) {
    memory.fill(zt, 0, 32);
    const cols = min(NR, N - p * NR);
    if (zps != 0 && cols > 0) memory.copy(zt, zps + (<usize>(p * NR) << 2), <usize>cols << 2);
    const z0 = v128.load(zt), z1 = v128.load(zt, 16);
    const w = wp + <usize>p * pstride;
    const out = buf + (<usize>((p - p0) * K * NR) << 2);
    for (let k = 0; k < K; k++) {
      const h = codes8(fmt, w, k);
      v128.store(out + (<usize>(k * NR) << 2), half4(fmt, h, 0, z0));
      v128.store(out + (<usize>(k * NR) << 2), half4(fmt, h, 1, z1), 16);
    }
  }
}

// @ts-ignore: decorator
@inline function denseDecoded(fmt: i32, x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const panels = (N + NR - 1) / NR;
  const need = CHUNK * K * NR * 4;
  if (need > scratchBytes) {
    if (scratch != 0) heap.free(scratch);
    scratch = heap.alloc(<usize>need + 16);
    scratchBytes = need;
  }
  for (let p0 = 0; p0 < panels; p0 += CHUNK) {
    const p1 = min(p0 + CHUNK, panels);
    decodeChunk(fmt, wp, p0, p1, K, N, zps, scratch);
    if (!isInt(fmt)) { gemm_f32_f32_f32__simd128_5x8_panels(x, M, K, scratch, bias, N, y, act, p0, p1); continue; }
    gemm_f32_f32_f32__simd128_5x8_panels(x, M, K, scratch, 0, N, y, 0, p0, p1);
    const n1 = min(p1 * NR, N);
    for (let m = 0; m < M; m++) {
      for (let n = p0 * NR; n < n1; n++) {
        const o = y + (<usize>(m * N + n) << 2);
        let v: f32 = (<f32>0 + load<f32>(o) * load<f32>(scales + (<usize>n << 2))) + (bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0);
        if (act == ACT_RELU) v = max<f32>(v, 0);
        store<f32>(o, v);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function dispatch(fmt: i32, x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void {
  if (M > 4) denseDecoded(fmt, x, M, K, wp, scales, zps, bias, N, y, act);
  else denseFused(fmt, x, M, K, wp, scales, zps, bias, N, y, act);
}

// One function per format, reached through a function reference: V8 compiles a wasm function on
// its first call, and the seven variants inlined into gemm_fused_f32_f32__simd128_4x8 made one 28 KB function whose
// first call took 1.4-1.8 ms to compile. (A direct call would be inlined back by binaryen.)
type Variant = (x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32) => void;
function wfF16(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(F16, x, M, K, wp, 0, 0, bias, N, y, act); }
function wfBF16(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(BF16, x, M, K, wp, 0, 0, bias, N, y, act); }
function wfE5M2(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(F8_E5M2, x, M, K, wp, 0, 0, bias, N, y, act); }
function wfE4M3(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(F8_E4M3FN, x, M, K, wp, 0, 0, bias, N, y, act); }
function wfU8(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(U8, x, M, K, wp, scales, zps, bias, N, y, act); }
function wfI8S(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(I8S, x, M, K, wp, scales, 0, bias, N, y, act); }
function wfI8(x: usize, M: i32, K: i32, wp: usize, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void { dispatch(I8, x, M, K, wp, scales, zps, bias, N, y, act); }

// wp: packed by pack_w_q; scales / zps: per output channel (int kinds), else 0.
export function gemm_fused_f32_f32__simd128_4x8(x: usize, M: i32, K: i32, wp: usize, fmt: i32, scales: usize, zps: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const v: Variant = fmt == F16 ? wfF16 : fmt == BF16 ? wfBF16 : fmt == F8_E5M2 ? wfE5M2 : fmt == F8_E4M3FN ? wfE4M3
    : fmt == U8 ? wfU8 : zps == 0 ? wfI8S : wfI8;
  v(x, M, K, wp, scales, zps, bias, N, y, act);
}

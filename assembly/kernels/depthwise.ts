// Depthwise 2-D convolution (channel multiplier 1), f32, NHWC (see conv2d.ts for the layouts).
// x[N, H, W, C], weights w[KH, KW, C] (channel last, no packing needed), bias [C] or 0,
// y[N, OH, OW, C].
//
// Summation order of every output: acc = 0; for kh, for kw: acc += x * w (never fused); then
// acc + bias (+0 when none); then the activation (0 none, 1 relu, 2 relu6). Padded taps read zeros
// and take part in the sum (acc += 0 * w), as in conv2d_f32_f32_f32__simd128_4x8.
//
// Exported signatures (all i32):
//   dwconv_f32_f32_f32__simd128_4x4(x, N, H, W, C, w, bias, KH, KW, strideH, strideW,
//                        padT, padL, padB, padR, dilH, dilW, y, OH, OW, act) -> 0 | CONV_BAD_ARGS
//   dwconv_f32_f32_f32__scalar(same arguments) -> 0 | CONV_BAD_ARGS
//
// Kernel: dwconv_f32_f32_f32__simd128_4x4 (4 output pixels x 4 channels per tile).
// Finite weights (checked per call) take dw_fast, which skips padded taps (exact, see all_finite):
//   - per output row, the kernel rows inside the input; per row the interior columns (every kw tap
//     inside) are done one channel vector at a time, in tiles of 4 pixels with 4 accumulators, over
//     chunks of the row that keep their input lines in L1. Tiles: stride 1 KW 3 (unrolled), stride 1
//     any KW, stride 2, other strides / dilation. Each input column is loaded once per kernel row
//     and reused by the pixels that read it (even and odd columns apart for stride 2): the idea of
//     XNNPACK's f32-dwconv2d-chw 3x3p1 / 3x3s2p1 kernels, there along W inside CHW vectors.
//     Tiles stay at 4 accumulators: V8 schedules a block's loads first, so bigger tiles spill.
//   - border pixels and interior remainders: one pixel at a time, 16 channels per step.
// Non-finite weights or padded sizes >= 2^30 take dw_any (every tap, padded ones multiply zeros).
// Per output the order is the reference's; lanes are channels, which never mix. The last partial
// channel vector reads up to 12 bytes past the end of x, w and bias (padding contract) and stores
// only its valid lanes.

import { CONV_BAD_ARGS, conv_out_dim } from "./conv2d";
import { ACT_NONE, ACT_RELU6, activate } from "./tile";

function bad(N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32,
  padB: i32, padR: i32, dH: i32, dW: i32, OH: i32, OW: i32, act: i32): bool {
  if (N < 0 || C < 1 || act < ACT_NONE || act > ACT_RELU6) return true;
  return conv_out_dim(H, KH, sH, padT, padB, dH) != OH || conv_out_dim(W, KW, sW, padL, padR, dW) != OW;
}

// Bias, activation and store of one output vector; only `rem` (1..3) lanes when rem < 4.
// bv is the bias vector, or zeros without bias: acc + 0 == acc because acc is never -0 (it starts
// at +0, and x + y is -0 only when both are -0). For the same reason the activation is a clamp by
// pseudo-min/max (one minps/maxps each, where f32x4.min/max cost ~8 instructions on x64):
// pmax(v, 0) == max(v, 0) for every v but -0, NaN stays NaN; [lo, hi] is [-inf, inf] (none),
// [0, inf] (relu) or [0, 6] (relu6), and pmax(v, -inf) == pmin(v, inf) == v.
// @ts-ignore: decorator
@inline function out(yp: usize, a: v128, bv: v128, lo: v128, hi: v128, rem: i32): void {
  a = f32x4.pmin(f32x4.pmax(f32x4.add(a, bv), lo), hi);
  if (rem >= 4) v128.store(yp, a);
  else if (rem == 1) store<i32>(yp, i32x4.extract_lane(a, 0));
  else {
    store<i64>(yp, i64x2.extract_lane(a, 0));
    if (rem == 3) store<i32>(yp, i32x4.extract_lane(a, 2), 8);
  }
}

// The four pixels of a tile, P bytes apart.
// @ts-ignore: decorator
@inline function out4(yp: usize, P: usize, a0: v128, a1: v128, a2: v128, a3: v128, bv: v128, lo: v128, hi: v128, rem: i32): void {
  out(yp, a0, bv, lo, hi, rem); out(yp + P, a1, bv, lo, hi, rem);
  out(yp + (P << 1), a2, bv, lo, hi, rem); out(yp + 3 * P, a3, bv, lo, hi, rem);
}

// @ts-ignore: decorator
@inline function bias_vec(bias: usize, cb: usize): v128 {
  return bias != 0 ? v128.load(bias + cb) : f32x4.splat(0);
}

// Weights all finite? Then a padded tap adds 0 * w = +-0 to an acc that is never -0, which
// changes nothing, so the fast path skips padded taps. 0 * inf = NaN: such weights take dw_any.
function all_finite(w: usize, n: i32): bool {
  const inf = f32x4.splat(Infinity);
  let ok = i32x4.splat(-1), i = 0;
  for (; i + 4 <= n; i += 4) ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(w + (<usize>i << 2))), inf));
  for (; i < n; i++) if (!(abs<f32>(load<f32>(w + (<usize>i << 2))) < Infinity)) return false;
  return i32x4.all_true(ok);
}

// One output pixel, one channel vector: taps kh < nkh, kw < nkw, x from xp and w from wp
// (both at the first valid tap), steps xRow/xCol and wRow/wCol bytes.
function px1(xp: usize, wp: usize, nkh: i32, nkw: i32, xRow: usize, xCol: usize, wRow: usize, wCol: usize): v128 {
  let a = f32x4.splat(0);
  for (let i = 0; i < nkh; i++) {
    let xq = xp, wq = wp;
    for (let j = 0; j < nkw; j++) {
      a = f32x4.add(a, f32x4.mul(v128.load(xq), v128.load(wq)));
      xq += xCol; wq += wCol;
    }
    xp += xRow; wp += wRow;
  }
  return a;
}

// Interior tiles of 4 output pixels x 1 channel vector (4 accumulators; a weight vector loaded
// once serves 4 pixels). Stride 1, dilation 1, KW = 3: the 4 pixels read 6 input columns per
// kernel row, each loaded once (register blocking along W).
function tiles_s1k3(xp: usize, wp: usize, yp: usize, nt: i32, nkh: i32, xRow: usize, wRow: usize, P: usize,
  WC: usize, bv: v128, lo: v128, hi: v128, rem: i32): void {
  const z = f32x4.splat(0);
  const P2 = P << 1, P3 = P2 + P, P4 = P << 2, P5 = P4 + P, WC2 = WC << 1;
  for (let t = 0; t < nt; t++) {
    let a0 = z, a1 = z, a2 = z, a3 = z;
    let xq = xp, wq = wp;
    for (let i = 0; i < nkh; i++) {
      let c0 = v128.load(xq), c1 = v128.load(xq + P), c2 = v128.load(xq + P2), c3 = v128.load(xq + P3);
      let wv = v128.load(wq);
      a0 = f32x4.add(a0, f32x4.mul(c0, wv)); a1 = f32x4.add(a1, f32x4.mul(c1, wv));
      a2 = f32x4.add(a2, f32x4.mul(c2, wv)); a3 = f32x4.add(a3, f32x4.mul(c3, wv));
      c0 = v128.load(xq + P4); wv = v128.load(wq + WC);
      a0 = f32x4.add(a0, f32x4.mul(c1, wv)); a1 = f32x4.add(a1, f32x4.mul(c2, wv));
      a2 = f32x4.add(a2, f32x4.mul(c3, wv)); a3 = f32x4.add(a3, f32x4.mul(c0, wv));
      c1 = v128.load(xq + P5); wv = v128.load(wq + WC2);
      a0 = f32x4.add(a0, f32x4.mul(c2, wv)); a1 = f32x4.add(a1, f32x4.mul(c3, wv));
      a2 = f32x4.add(a2, f32x4.mul(c0, wv)); a3 = f32x4.add(a3, f32x4.mul(c1, wv));
      xq += xRow; wq += wRow;
    }
    out4(yp, P, a0, a1, a2, a3, bv, lo, hi, rem);
    xp += P4; yp += P4;
  }
}

// Stride 1, dilation 1, any KW: the same blocking with a sliding window of 4 columns.
function tiles_s1(xp: usize, wp: usize, yp: usize, nt: i32, nkh: i32, KW: i32, xRow: usize, wRow: usize, P: usize,
  WC: usize, bv: v128, lo: v128, hi: v128, rem: i32): void {
  const z = f32x4.splat(0);
  const P2 = P << 1, P3 = P2 + P, P4 = P << 2;
  for (let t = 0; t < nt; t++) {
    let a0 = z, a1 = z, a2 = z, a3 = z;
    let xq = xp, wq = wp;
    for (let i = 0; i < nkh; i++) {
      let c0 = v128.load(xq), c1 = v128.load(xq + P), c2 = v128.load(xq + P2);
      let xc = xq + P3, wc = wq;
      for (let j = 0; j < KW; j++) {
        const c3 = v128.load(xc), wv = v128.load(wc);
        a0 = f32x4.add(a0, f32x4.mul(c0, wv)); a1 = f32x4.add(a1, f32x4.mul(c1, wv));
        a2 = f32x4.add(a2, f32x4.mul(c2, wv)); a3 = f32x4.add(a3, f32x4.mul(c3, wv));
        c0 = c1; c1 = c2; c2 = c3;
        xc += P; wc += WC;
      }
      xq += xRow; wq += wRow;
    }
    out4(yp, P, a0, a1, a2, a3, bv, lo, hi, rem);
    xp += P4; yp += P4;
  }
}

// Stride 2, dilation 1, any KW: pixel p, tap kw reads column 2p + kw, so even taps share one
// sliding window of 4 columns (0 2 4 6 -> 2 4 6 8 ...) and odd taps another: 6 + KW column
// loads per kernel row instead of 4 * KW.
function tiles_s2(xp: usize, wp: usize, yp: usize, nt: i32, nkh: i32, KW: i32, xRow: usize, wRow: usize, P: usize,
  WC: usize, bv: v128, lo: v128, hi: v128, rem: i32): void {
  const z = f32x4.splat(0);
  const P2 = P << 1, P4 = P << 2, P8 = P << 3, P3 = P2 + P, P5 = P4 + P, P6 = P4 + P2, P7 = P6 + P;
  for (let t = 0; t < nt; t++) {
    let a0 = z, a1 = z, a2 = z, a3 = z;
    let xq = xp, wq = wp;
    for (let i = 0; i < nkh; i++) {
      let e0 = v128.load(xq), e1 = v128.load(xq + P2), e2 = v128.load(xq + P4);
      let o0 = v128.load(xq + P), o1 = v128.load(xq + P3), o2 = v128.load(xq + P5);
      let xc = xq, wc = wq;
      for (let j = 0; j < KW; j += 2) {
        const e3 = v128.load(xc + P6), we = v128.load(wc);
        a0 = f32x4.add(a0, f32x4.mul(e0, we)); a1 = f32x4.add(a1, f32x4.mul(e1, we));
        a2 = f32x4.add(a2, f32x4.mul(e2, we)); a3 = f32x4.add(a3, f32x4.mul(e3, we));
        e0 = e1; e1 = e2; e2 = e3;
        if (j + 1 < KW) {
          const o3 = v128.load(xc + P7), wo = v128.load(wc + WC);
          a0 = f32x4.add(a0, f32x4.mul(o0, wo)); a1 = f32x4.add(a1, f32x4.mul(o1, wo));
          a2 = f32x4.add(a2, f32x4.mul(o2, wo)); a3 = f32x4.add(a3, f32x4.mul(o3, wo));
          o0 = o1; o1 = o2; o2 = o3;
        }
        xc += P2; wc += WC << 1;
      }
      xq += xRow; wq += wRow;
    }
    out4(yp, P, a0, a1, a2, a3, bv, lo, hi, rem);
    xp += P8; yp += P4;
  }
}

// Any stride and dilation: 4 pixels xPix bytes apart in the input.
function tiles_any(xp: usize, wp: usize, yp: usize, nt: i32, nkh: i32, KW: i32, xRow: usize, xCol: usize, xPix: usize,
  wRow: usize, P: usize, WC: usize, bv: v128, lo: v128, hi: v128, rem: i32): void {
  const z = f32x4.splat(0);
  const o2 = xPix << 1, o3 = o2 + xPix, o4 = xPix << 2, P4 = P << 2;
  for (let t = 0; t < nt; t++) {
    let a0 = z, a1 = z, a2 = z, a3 = z;
    let xq = xp, wq = wp;
    for (let i = 0; i < nkh; i++) {
      let xc = xq, wc = wq;
      for (let j = 0; j < KW; j++) {
        const wv = v128.load(wc);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xc), wv)); a1 = f32x4.add(a1, f32x4.mul(v128.load(xc + xPix), wv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xc + o2), wv)); a3 = f32x4.add(a3, f32x4.mul(v128.load(xc + o3), wv));
        xc += xCol; wc += WC;
      }
      xq += xRow; wq += wRow;
    }
    out4(yp, P, a0, a1, a2, a3, bv, lo, hi, rem);
    xp += o4; yp += P4;
  }
}

// One output pixel, every channel: 16 per step (4 vectors, immediate offsets), then 4, then a
// partial vector; taps kh < nkh, kw < nkw from xp / wp (the first valid tap, channel 0).
function pixel(xp: usize, wp: usize, yp: usize, C: i32, nkh: i32, nkw: i32, xRow: usize, xCol: usize, wRow: usize,
  bias: usize, lo: v128, hi: v128): void {
  const z = f32x4.splat(0), wCol = <usize>C << 2;
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const cb = <usize>c << 2;
    let a0 = z, a1 = z, a2 = z, a3 = z;
    let xr = xp + cb, wr = wp + cb;
    for (let i = 0; i < nkh; i++) {
      let xq = xr, wq = wr;
      for (let j = 0; j < nkw; j++) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xq), v128.load(wq)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xq, 16), v128.load(wq, 16)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xq, 32), v128.load(wq, 32)));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xq, 48), v128.load(wq, 48)));
        xq += xCol; wq += wCol;
      }
      xr += xRow; wr += wRow;
    }
    const bp = bias + cb;
    out(yp + cb, a0, bias != 0 ? v128.load(bp) : z, lo, hi, 4);
    out(yp + cb + 16, a1, bias != 0 ? v128.load(bp, 16) : z, lo, hi, 4);
    out(yp + cb + 32, a2, bias != 0 ? v128.load(bp, 32) : z, lo, hi, 4);
    out(yp + cb + 48, a3, bias != 0 ? v128.load(bp, 48) : z, lo, hi, 4);
  }
  for (; c < C; c += 4) {
    const cb = <usize>c << 2;
    out(yp + cb, px1(xp + cb, wp + cb, nkh, nkw, xRow, xCol, wRow, wCol), bias_vec(bias, cb), lo, hi, C - c);
  }
}

// One border output pixel (some kw taps padded).
function edge(xr: usize, wr: usize, yp: usize, ow: i32, nkh: i32, W: i32, C: i32, KW: i32, sW: i32, padL: i32, dW: i32,
  xRow: usize, wRow: usize, bias: usize, lo: v128, hi: v128): void {
  const pixB = <usize>C << 2;
  const iw0 = ow * sW - padL;
  const kwA = iw0 < 0 ? (dW - 1 - iw0) / dW : 0;
  let kwB = iw0 <= W - 1 ? (W - 1 - iw0) / dW + 1 : 0;
  if (kwB > KW) kwB = KW;
  const nkw = kwB > kwA ? kwB - kwA : 0;
  pixel(xr + <usize>(iw0 + kwA * dW) * pixB, wr + <usize>kwA * pixB, yp, C, nkh, nkw, xRow, <usize>dW * pixB, wRow, bias, lo, hi);
}

// Finite weights: per output row, the valid kernel rows [khA, khA + nkh); interior columns
// [owL, owR) in tiles of 4 per channel vector, then single pixels; border pixels one by one.
function dw_fast(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32): void {
  const pixB = <usize>C << 2, rowB = <usize>W * pixB;
  const xRow = <usize>dH * rowB, xCol = <usize>dW * pixB, xPix = <usize>sW * pixB, wRow = <usize>KW * pixB;
  let owL = padL == 0 ? 0 : (padL - 1) / sW + 1;       // first ow with ow * sW - padL >= 0
  const lastIw = W - 1 + padL - (KW - 1) * dW;          // interior: ow * sW <= lastIw
  let owR = lastIw < 0 ? 0 : lastIw / sW + 1;
  if (owL > OW) owL = OW;
  if (owR > OW) owR = OW;
  if (owR < owL) owR = owL;
  const nt = (owR - owL) >> 2, ow1 = owL + (nt << 2);
  // Tiles per chunk: one channel vector after the other over a chunk of the row, the chunk small
  // enough that its input lines (64 bytes serve 4 channel vectors) stay in a 32 KB L1.
  const lines = <i64>KH * 4 * sW * min(C << 2, 64);   // (i64: KH * sW may be large)
  const chunk = lines >= 16384 ? 1 : <i32>(16384 / lines);
  const s1 = sW == 1 && dW == 1;
  const lo = f32x4.splat(act == ACT_NONE ? -Infinity : 0), hi = f32x4.splat(act == ACT_RELU6 ? 6 : Infinity);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * sH - padT;
      const khA = ih0 < 0 ? (dH - 1 - ih0) / dH : 0;
      let khB = ih0 <= H - 1 ? (H - 1 - ih0) / dH + 1 : 0;
      if (khB > KH) khB = KH;
      const nkh = khB > khA ? khB - khA : 0;
      const xr = x + <usize>(n * H + ih0 + khA * dH) * rowB;    // first valid tap's row (unused if nkh == 0)
      const wr = w + <usize>khA * wRow;
      const yr = y + <usize>((n * OH + oh) * OW) * pixB;
      for (let ow = 0; ow < owL; ow++) edge(xr, wr, yr + <usize>ow * pixB, ow, nkh, W, C, KW, sW, padL, dW, xRow, wRow, bias, lo, hi);
      for (let t0 = 0; t0 < nt; t0 += chunk) for (let c = 0; c < C; c += 4) {
        const cb = <usize>c << 2, bv = bias_vec(bias, cb), rem = C - c, cnt = min(chunk, nt - t0), ow = owL + (t0 << 2);
        const xp = xr + <usize>(ow * sW - padL) * pixB + cb, wp = wr + cb, yp = yr + <usize>ow * pixB + cb;
        if (sW == 2 && dW == 1) tiles_s2(xp, wp, yp, cnt, nkh, KW, xRow, wRow, pixB, pixB, bv, lo, hi, rem);
        else if (!s1) tiles_any(xp, wp, yp, cnt, nkh, KW, xRow, xCol, xPix, wRow, pixB, pixB, bv, lo, hi, rem);
        else if (KW == 3) tiles_s1k3(xp, wp, yp, cnt, nkh, xRow, wRow, pixB, pixB, bv, lo, hi, rem);
        else tiles_s1(xp, wp, yp, cnt, nkh, KW, xRow, wRow, pixB, pixB, bv, lo, hi, rem);
      }
      for (let ow = ow1; ow < owR; ow++) {
        pixel(xr + <usize>(ow * sW - padL) * pixB, wr, yr + <usize>ow * pixB, C, nkh, KW, xRow, xCol, wRow, bias, lo, hi);
      }
      for (let ow = owR; ow < OW; ow++) edge(xr, wr, yr + <usize>ow * pixB, ow, nkh, W, C, KW, sW, padL, dW, xRow, wRow, bias, lo, hi);
    }
  }
}

export function dwconv_f32_f32_f32__simd128_4x4(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, OH, OW, act)) return CONV_BAD_ARGS;
  // The fast path computes tap ranges in i32: it needs padded sizes below 2^30 (then no index
  // arithmetic overflows); dw_any checks every tap and stays inside x whatever the geometry.
  const sane = <i64>H + padT + padB < (1 << 30) && <i64>W + padL + padR < (1 << 30);
  if (sane && all_finite(w, KH * KW * C)) dw_fast(x, N, H, W, C, w, bias, KH, KW, sH, sW, padT, padL, dH, dW, y, OH, OW, act);
  else dw_any(x, N, H, W, C, w, bias, KH, KW, sH, sW, padT, padL, dH, dW, y, OH, OW, act);
  return 0;
}

// General path (any weights and geometry; every tap, padded ones multiply zeros): the previous
// kernel, 16 channels = 4 vectors per step, then 4, then a partial vector.
function dw_any(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32): void {
  const rowB = <usize>(W * C) << 2, pixB = <usize>C << 2;
  const tapB = <usize>C << 2;                   // weights of one (kh, kw)
  const z = f32x4.splat(0);
  const tmp = memory.data(16, 16);
  for (let n = 0; n < N; n++) {
    const xn = x + <usize>(n * H) * rowB;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * sH - padT;
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * sW - padL;
        const yp = y + (<usize>(((n * OH + oh) * OW + ow) * C) << 2);
        let c = 0;
        for (; c + 16 <= C; c += 16) {
          const cb = <usize>c << 2;
          let a0 = z, a1 = z, a2 = z, a3 = z;
          for (let kh = 0; kh < KH; kh++) {
            const ih = ih0 + kh * dH;
            const rowIn = <u32>ih < <u32>H;
            for (let kw = 0; kw < KW; kw++) {
              const iw = iw0 + kw * dW;
              const wt = w + <usize>(kh * KW + kw) * tapB + cb;
              const w0 = v128.load(wt), w1 = v128.load(wt, 16), w2 = v128.load(wt, 32), w3 = v128.load(wt, 48);
              let x0 = z, x1 = z, x2 = z, x3 = z;
              if (rowIn && <u32>iw < <u32>W) {
                const xp = xn + <usize>ih * rowB + <usize>iw * pixB + cb;
                x0 = v128.load(xp); x1 = v128.load(xp, 16); x2 = v128.load(xp, 32); x3 = v128.load(xp, 48);
              }
              a0 = f32x4.add(a0, f32x4.mul(x0, w0)); a1 = f32x4.add(a1, f32x4.mul(x1, w1));
              a2 = f32x4.add(a2, f32x4.mul(x2, w2)); a3 = f32x4.add(a3, f32x4.mul(x3, w3));
            }
          }
          if (bias != 0) {
            const bp = bias + cb;
            a0 = f32x4.add(a0, v128.load(bp)); a1 = f32x4.add(a1, v128.load(bp, 16));
            a2 = f32x4.add(a2, v128.load(bp, 32)); a3 = f32x4.add(a3, v128.load(bp, 48));
          } else {
            a0 = f32x4.add(a0, z); a1 = f32x4.add(a1, z); a2 = f32x4.add(a2, z); a3 = f32x4.add(a3, z);
          }
          v128.store(yp + cb, activate(a0, act)); v128.store(yp + cb, activate(a1, act), 16);
          v128.store(yp + cb, activate(a2, act), 32); v128.store(yp + cb, activate(a3, act), 48);
        }
        for (; c < C; c += 4) {
          const cb = <usize>c << 2;
          let a = z;
          for (let kh = 0; kh < KH; kh++) {
            const ih = ih0 + kh * dH;
            const rowIn = <u32>ih < <u32>H;
            for (let kw = 0; kw < KW; kw++) {
              const iw = iw0 + kw * dW;
              const wv = v128.load(w + <usize>(kh * KW + kw) * tapB + cb);
              const xv = rowIn && <u32>iw < <u32>W ? v128.load(xn + <usize>ih * rowB + <usize>iw * pixB + cb) : z;
              a = f32x4.add(a, f32x4.mul(xv, wv));
            }
          }
          a = activate(f32x4.add(a, bias != 0 ? v128.load(bias + cb) : z), act);
          if (c + 4 <= C) v128.store(yp + cb, a);
          else { v128.store(tmp, a); memory.copy(yp + cb, tmp, <usize>(C - c) << 2); }
        }
      }
    }
  }
}

export function dwconv_f32_f32_f32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, OH, OW, act)) return CONV_BAD_ARGS;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    for (let c = 0; c < C; c++) {
      let acc: f32 = 0;
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sH - padT + kh * dH;
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * sW - padL + kw * dW;
          const xv: f32 = ih >= 0 && ih < H && iw >= 0 && iw < W ? load<f32>(x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2)) : 0;
          acc += xv * load<f32>(w + (<usize>((kh * KW + kw) * C + c) << 2));
        }
      }
      acc += bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0;
      let v = acc;
      if (act != ACT_NONE) { v = max<f32>(v, 0); if (act == ACT_RELU6) v = min<f32>(v, 6); }
      store<f32>(y + (<usize>(((n * OH + oh) * OW + ow) * C + c) << 2), v);
    }
  }
  return 0;
}

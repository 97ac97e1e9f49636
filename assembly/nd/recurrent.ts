// RNN / GRU / LSTM over a whole sequence, f32 (see: ONNX RNN, GRU, LSTM, opsets 7 and 14).
//   recurrent_f32_f32_f32__simd128_5x8(p, y, yh, yc, x, w, r, b, sl, h0, c0, pp, work) -> 0 ok | 1 bad params | 3 a sequence length outside [0, T]
//   recurrent_f32_f32_f32__scalar: the same arguments, W and R row-major as ONNX stores them
// The SIMD kernel reads W and R packed by pack_recurrent_f32 (per direction, the rows [0, split)
// and [split, N) as two pack_w_f32 blocks; split = 2H for GRU's R, else N).
// p: P_COUNT i32s (below). y / yh / yc / b / sl / h0 / c0 / pp may be 0 (absent). work:
// recurrent_scratch_bytes(kind, T, B, H) bytes.
// Per direction: xp[t, b] = x[t, b] . W^T + Wb for all steps in one GEMM, then per step one GEMM
// of the hidden rows h[B, H] . R^T + Rb and the gate cell per batch row. Both kernels sum every
// product in the GEMM order (acc = +0, acc + x * w over k ascending, + bias: gemm_f32_f32_f32__scalar)
// and run the same cell: the same f32 operations in the same order (SIMD lanes or one element at
// a time, never fused), the activations one element at a time (Mathf: the same bits everywhere).
// Rows past their sequence length keep their state; Y is 0 there (ONNX: sequence_lens).

import { gemm_f32_f32_f32__simd128_5x8, gemm_f32_f32_f32__scalar } from "../kernels/dense_f32";
import { pack_w_f32, packed_f32_bytes, bytes64 } from "../kernels/pack";
import { sigmoid1 } from "../kernels/eltwise";
import { unaryFloat, U_RELU, U_LRELU, U_HSIGMOID, U_ELU, U_SOFTSIGN, U_SOFTPLUS } from "./unary_ops";

export const K_RNN = 0, K_GRU = 1, K_LSTM = 2;
// Params: kind T B I H dirs reverse layout linear_before_reset input_forget has_clip clip(f32)
// then per direction and activation slot (3 slots per direction) the code, alpha and beta.
export const P_KIND = 0, P_T = 1, P_B = 2, P_I = 3, P_H = 4, P_DIRS = 5, P_REV = 6, P_LAYOUT = 7, P_LBR = 8, P_IFORGET = 9, P_HASCLIP = 10, P_CLIP = 11;
export const P_ACT = 12, P_ALPHA = 18, P_BETA = 24, P_COUNT = 30;

// Activation codes (index = code in RECURRENT_ACT_NAMES; the host looks them up by name).
export const A_RELU = 0, A_TANH = 1, A_SIGMOID = 2, A_AFFINE = 3, A_LRELU = 4, A_THRELU = 5, A_STANH = 6, A_HSIGMOID = 7, A_ELU = 8, A_SOFTSIGN = 9, A_SOFTPLUS = 10;
export const A_COUNT = 11;
export const RECURRENT_ACT_NAMES: string = "relu tanh sigmoid affine leakyrelu thresholdedrelu scaledtanh hardsigmoid elu softsign softplus";

// @ts-ignore: decorator
@inline function pi(p: usize, k: i32): i32 { return load<i32>(p + (<usize>k << 2)); }
// @ts-ignore: decorator
@inline function pf(p: usize, k: i32): f32 { return load<f32>(p + (<usize>k << 2)); }
// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize { return p + (<usize>i << 2); }

/** gates per kind: RNN 1, GRU 3, LSTM 4 */
// @ts-ignore: decorator
@inline function gates(kind: i32): i32 { return kind == K_RNN ? 1 : kind == K_GRU ? 3 : 4; }

// One activation of the RNN family over n elements at d, in place (ThresholdedRelu as the RNN
// docs define it, x >= alpha). One loop per activation: the switch stays out of the loop.
// @ts-ignore: decorator
@inline function each(d: usize, n: i32, f: (x: f32, a: f32, b: f32) => f32, a: f32, b: f32): void {
  for (let j = 0; j < n; j++) store<f32>(at(d, j), f(load<f32>(at(d, j)), a, b));
}
function actRow(code: i32, d: usize, n: i32, a: f32, b: f32): void {
  switch (code) {
    case A_RELU: each(d, n, (x: f32, a: f32, b: f32): f32 => unaryFloat<f32>(U_RELU, x, 0, 0, 0), a, b); break;
    case A_TANH: each(d, n, (x: f32, a: f32, b: f32): f32 => Mathf.tanh(x), a, b); break;
    case A_SIGMOID: each(d, n, (x: f32, a: f32, b: f32): f32 => sigmoid1(x), a, b); break;
    case A_AFFINE: each(d, n, (x: f32, a: f32, b: f32): f32 => a * x + b, a, b); break;
    case A_LRELU: each(d, n, (x: f32, a: f32, b: f32): f32 => unaryFloat<f32>(U_LRELU, x, a, 0, 0), a, b); break;
    case A_THRELU: each(d, n, (x: f32, a: f32, b: f32): f32 => (x >= a ? x : 0), a, b); break;
    case A_STANH: each(d, n, (x: f32, a: f32, b: f32): f32 => a * Mathf.tanh(b * x), a, b); break;
    case A_HSIGMOID: each(d, n, (x: f32, a: f32, b: f32): f32 => unaryFloat<f32>(U_HSIGMOID, x, a, b, 0), a, b); break;
    case A_ELU: each(d, n, (x: f32, a: f32, b: f32): f32 => unaryFloat<f32>(U_ELU, x, a, 0, 0), a, b); break;
    case A_SOFTSIGN: each(d, n, (x: f32, a: f32, b: f32): f32 => unaryFloat<f32>(U_SOFTSIGN, x, 0, 0, 0), a, b); break;
    default: each(d, n, (x: f32, a: f32, b: f32): f32 => unaryFloat<f32>(U_SOFTPLUS, x, 0, 0, 0), a, b);
  }
}

// Element-wise steps of the cell; `simd` is a compile-time constant after inlining.
// @ts-ignore: decorator
@inline function vadd(simd: bool, d: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (simd) for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(d, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
}
// d = a + b * c
// @ts-ignore: decorator
@inline function vaddmul(simd: bool, d: usize, a: usize, b: usize, c: usize, n: i32): void {
  let i = 0;
  if (simd) for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.add(v128.load(at(a, i)), f32x4.mul(v128.load(at(b, i)), v128.load(at(c, i)))));
  for (; i < n; i++) store<f32>(at(d, i), load<f32>(at(a, i)) + load<f32>(at(b, i)) * load<f32>(at(c, i)));
}
// d = a * b
// @ts-ignore: decorator
@inline function vmul(simd: bool, d: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  if (simd) for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(d, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}
// d = a * b + c * e
// @ts-ignore: decorator
@inline function vmul2(simd: bool, d: usize, a: usize, b: usize, c: usize, e: usize, n: i32): void {
  let i = 0;
  if (simd) for (; i + 4 <= n; i += 4) {
    v128.store(at(d, i), f32x4.add(f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))), f32x4.mul(v128.load(at(c, i)), v128.load(at(e, i)))));
  }
  for (; i < n; i++) store<f32>(at(d, i), load<f32>(at(a, i)) * load<f32>(at(b, i)) + load<f32>(at(c, i)) * load<f32>(at(e, i)));
}
// d = 1 - a
// @ts-ignore: decorator
@inline function vone(simd: bool, d: usize, a: usize, n: i32): void {
  let i = 0;
  if (simd) for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.sub(f32x4.splat(1), v128.load(at(a, i))));
  for (; i < n; i++) store<f32>(at(d, i), <f32>1 - load<f32>(at(a, i)));
}
// d = (1 - z) * g + z * h   (GRU's new hidden state)
// @ts-ignore: decorator
@inline function vblend(simd: bool, d: usize, z: usize, g: usize, h: usize, n: i32): void {
  let i = 0;
  if (simd) for (; i + 4 <= n; i += 4) {
    const zv = v128.load(at(z, i));
    v128.store(at(d, i), f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1), zv), v128.load(at(g, i))), f32x4.mul(zv, v128.load(at(h, i)))));
  }
  for (; i < n; i++) { const zs = load<f32>(at(z, i)); store<f32>(at(d, i), (<f32>1 - zs) * load<f32>(at(g, i)) + zs * load<f32>(at(h, i))); }
}
// clip to [-c, c] (max then min), then the activation, in place.
// @ts-ignore: decorator
@inline function vact(simd: bool, d: usize, n: i32, p: usize, slot: i32, clip: bool, c: f32): void {
  let i = 0;
  if (clip) {
    if (simd) for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.min(f32x4.max(v128.load(at(d, i)), f32x4.splat(-c)), f32x4.splat(c)));
    for (; i < n; i++) store<f32>(at(d, i), min<f32>(max<f32>(load<f32>(at(d, i)), -c), c));
  }
  actRow(pi(p, P_ACT + slot), d, n, pf(p, P_ALPHA + slot), pf(p, P_BETA + slot));
}

// Bytes of one packed direction: rows [0, split) and [split, N) as two pack_w_f32 blocks.
function packedDir(N: i32, K: i32, split: i32): i64 {
  return <i64>packed_f32_bytes(split, K) + (split < N ? <i64>packed_f32_bytes(N - split, K) : 0);
}

export function packed_recurrent_f32_bytes(dirs: i32, N: i32, K: i32, split: i32): i32 {
  if (dirs < 1 || N < 0 || K < 0 || split < 0 || split > N) return -1;
  return bytes64(<i64>dirs * packedDir(N, K, split));
}

// dirs row-major [N, K] matrices at src -> their packed blocks at dst (not in place).
export function pack_recurrent_f32(src: usize, dirs: i32, N: i32, K: i32, split: i32, dst: usize): void {
  const per = <usize>packedDir(N, K, split), first = <usize>packed_f32_bytes(split, K);
  for (let d = 0; d < dirs; d++) {
    const s = src + <usize>d * <usize>N * <usize>K * 4, o = dst + <usize>d * per;
    pack_w_f32(s, split, K, o);
    if (split < N) pack_w_f32(s + <usize>split * <usize>K * 4, N - split, K, o + first);
  }
}

// @ts-ignore: decorator
@inline function pad(n: i64): i64 { return ((n * 4 + 15) & ~15) + 16; }

export function recurrent_scratch_bytes(kind: i32, T: i32, B: i32, H: i32): i32 {
  if (kind < 0 || kind > 2 || T < 0 || B < 0 || H < 0) return -1;
  const GH = <i64>gates(kind) * H, b = <i64>B;
  return bytes64(pad(<i64>T * b * GH) + pad(b * GH) + 4 * pad(b * <i64>H));
}

// @ts-ignore: decorator
@inline function gemm(simd: bool, x: usize, M: i32, K: i32, w: usize, bias: usize, N: i32, y: usize): void {
  if (simd) gemm_f32_f32_f32__simd128_5x8(x, M, K, w, bias, N, y, 0);
  else gemm_f32_f32_f32__scalar(x, M, K, w, bias, N, y, 0);
}

// @ts-ignore: decorator
@inline function run(simd: bool, p: usize, y: usize, yh: usize, yc: usize, x: usize, w: usize, r: usize, b: usize, sl: usize, h0: usize, c0: usize, pp: usize, work: usize): i32 {
  const kind = pi(p, P_KIND), T = pi(p, P_T), B = pi(p, P_B), I = pi(p, P_I), H = pi(p, P_H), dirs = pi(p, P_DIRS);
  const layout = pi(p, P_LAYOUT), lbr = pi(p, P_LBR) != 0, iforget = pi(p, P_IFORGET) != 0, clip = pi(p, P_HASCLIP) != 0, c = pf(p, P_CLIP);
  if (kind < 0 || kind > 2 || T < 0 || B < 0 || I < 0 || H < 1 || dirs < 1 || dirs > 2 || (layout & ~1) != 0) return 1;
  for (let k = 0; k < 3 * dirs; k++) { const a = pi(p, P_ACT + k); if (a < 0 || a >= A_COUNT) return 1; }
  if (sl != 0) for (let i = 0; i < B; i++) { const n = load<i32>(at(sl, i)); if (n < 0 || n > T) return 3; }
  const G = gates(kind), GH = G * H, split = kind == K_GRU ? 2 * H : GH;
  // work: xp [T * B, GH], hr [B, GH], h, cs, rh, hh [B, H]
  const xp = work, hr = xp + <usize>pad(<i64>T * B * GH), h = hr + <usize>pad(<i64>B * GH);
  const cs = h + <usize>pad(<i64>B * H), rh = cs + <usize>pad(<i64>B * H), hh = rh + <usize>pad(<i64>B * H);
  const hB = <usize>H << 2;
  if (y != 0 && sl != 0) memory.fill(y, 0, <usize>T * <usize>dirs * <usize>B * hB);
  for (let d = 0; d < dirs; d++) {
    const rev = dirs == 2 ? d == 1 : pi(p, P_REV) != 0;
    const slot = d * 3;
    const wd = simd ? w + <usize>d * <usize>packedDir(GH, I, GH) : w + <usize>d * <usize>GH * <usize>I * 4;
    const rd = simd ? r + <usize>d * <usize>packedDir(GH, H, split) : r + <usize>d * <usize>GH * hB;
    const r2 = simd ? rd + <usize>packed_f32_bytes(split, H) : rd + <usize>split * hB;
    const wb = b != 0 ? b + <usize>d * <usize>(2 * GH) * 4 : 0, rb = b != 0 ? wb + (<usize>GH << 2) : 0, rb2 = b != 0 ? rb + (<usize>split << 2) : 0;
    const pd = pp != 0 ? pp + <usize>d * <usize>(3 * H) * 4 : 0;
    // one GEMM for the input projection of every step (rows in X's order: either layout)
    gemm(simd, x, T * B, I, wd, wb, GH, xp);
    // initial states: layout 0 [dirs, B, H], layout 1 [B, dirs, H]
    for (let i = 0; i < B; i++) {
      const o = (layout == 0 ? <usize>(d * B + i) : <usize>(i * dirs + d)) * hB;
      if (h0 != 0) memory.copy(h + <usize>i * hB, h0 + o, hB); else memory.fill(h + <usize>i * hB, 0, hB);
      if (kind == K_LSTM) { if (c0 != 0) memory.copy(cs + <usize>i * hB, c0 + o, hB); else memory.fill(cs + <usize>i * hB, 0, hB); }
    }
    for (let s = 0; s < T; s++) {
      gemm(simd, h, B, H, rd, rb, split, hr);
      if (kind == K_GRU && lbr) gemm(simd, h, B, H, r2, rb2, H, hh);
      for (let i = 0; i < B; i++) {
        const len = sl != 0 ? load<i32>(at(sl, i)) : T;
        const hi = h + <usize>i * hB, gi = hr + <usize>i * <usize>split * 4;
        if (s >= len) { if (kind == K_GRU) memory.fill(rh + <usize>i * hB, 0, hB); continue; }
        const t = rev ? len - 1 - s : s;
        const xr = xp + <usize>(layout == 0 ? t * B + i : i * T + t) * <usize>GH * 4;
        if (kind == K_RNN) {
          vadd(simd, hi, xr, gi, H);
          vact(simd, hi, H, p, slot, clip, c);
        } else if (kind == K_GRU) {
          // z, r = f(xp + hr) in place in hr; then r (.) h for the second product
          vadd(simd, gi, xr, gi, 2 * H);
          vact(simd, gi, 2 * H, p, slot, clip, c);
          if (!lbr) vmul(simd, rh + <usize>i * hB, gi + hB, hi, H);
        } else {
          // gates i o f c; peepholes P[i o f]
          const ci = cs + <usize>i * hB;
          vadd(simd, gi, xr, gi, GH);
          const gI = gi, gO = gi + hB, gF = gi + 2 * hB, gC = gi + 3 * hB;
          if (pd != 0) { vaddmul(simd, gI, gI, pd, ci, H); vaddmul(simd, gF, gF, pd + 2 * hB, ci, H); }
          vact(simd, gI, H, p, slot, clip, c);
          if (iforget) vone(simd, gF, gI, H); else vact(simd, gF, H, p, slot, clip, c);
          vact(simd, gC, H, p, slot + 1, clip, c);
          vmul2(simd, ci, gF, ci, gI, gC, H);
          if (pd != 0) vaddmul(simd, gO, gO, pd + hB, ci, H);
          vact(simd, gO, H, p, slot, clip, c);
          memory.copy(gC, ci, hB);
          vact(simd, gC, H, p, slot + 2, false, 0);
          vmul(simd, hi, gO, gC, H);
        }
      }
      if (kind == K_GRU) {
        if (!lbr) gemm(simd, rh, B, H, r2, rb2, H, hh);
        for (let i = 0; i < B; i++) {
          const len = sl != 0 ? load<i32>(at(sl, i)) : T;
          if (s >= len) continue;
          const t = rev ? len - 1 - s : s;
          const xr = xp + <usize>(layout == 0 ? t * B + i : i * T + t) * <usize>GH * 4 + 2 * hB;
          const hi = h + <usize>i * hB, gi = hr + <usize>i * <usize>split * 4, g = hh + <usize>i * hB;
          if (lbr) vaddmul(simd, g, xr, gi + hB, g, H); else vadd(simd, g, xr, g, H);
          vact(simd, g, H, p, slot + 1, clip, c);
          vblend(simd, hi, gi, g, hi, H);
        }
      }
      if (y != 0) {
        for (let i = 0; i < B; i++) {
          const len = sl != 0 ? load<i32>(at(sl, i)) : T;
          if (s >= len) continue;
          const t = rev ? len - 1 - s : s;
          const o = layout == 0 ? <usize>((t * dirs + d) * B + i) : <usize>((i * T + t) * dirs + d);
          memory.copy(y + o * hB, h + <usize>i * hB, hB);
        }
      }
    }
    for (let i = 0; i < B; i++) {
      const o = (layout == 0 ? <usize>(d * B + i) : <usize>(i * dirs + d)) * hB;
      if (yh != 0) memory.copy(yh + o, h + <usize>i * hB, hB);
      if (yc != 0 && kind == K_LSTM) memory.copy(yc + o, cs + <usize>i * hB, hB);
    }
  }
  return 0;
}

export function recurrent_f32_f32_f32__simd128_5x8(p: usize, y: usize, yh: usize, yc: usize, x: usize, w: usize, r: usize, b: usize, sl: usize, h0: usize, c0: usize, pp: usize, work: usize): i32 {
  return run(true, p, y, yh, yc, x, w, r, b, sl, h0, c0, pp, work);
}

export function recurrent_f32_f32_f32__scalar(p: usize, y: usize, yh: usize, yc: usize, x: usize, w: usize, r: usize, b: usize, sl: usize, h0: usize, c0: usize, pp: usize, work: usize): i32 {
  return run(false, p, y, yh, yc, x, w, r, b, sl, h0, c0, pp, work);
}

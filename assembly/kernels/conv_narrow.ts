// Convolution with few output channels (OC <= 4, groups 1, stride 1 along W), e.g. the 3x3 8 -> 1
// logits layer of a segmentation decoder. Vectorising over output channels (conv2d_f32_f32_f32__simd128_4x8's 8-wide
// panels) would leave most lanes idle, so this kernel vectorises over 4 consecutive output pixels
// of a row instead: the input is first copied to a zero-bordered planar scratch [C][Hp][Wp], where
// the 4 pixels a tap reads are contiguous, and each output keeps conv2d's order (acc = 0; for kh,
// kw, ic: acc += x * w, separate multiply and add; + bias (+0 when none); activation), so the
// results equal conv2d_f32_f32_f32__scalar bit for bit. Weights are plain OHWI f32 [OC, KH, KW, C].
//
// Exported (all i32):
//   conv_narrow_scratch_bytes(H, W, C, KH, KW, padT, padL, padB, padR, dH, dW, OW) -> bytes
//   conv2d_f32_f32_f32__simd128_16x1(x, N, H, W, C, w, bias, OC, KH, KW, strideH, padT, padL, padB, padR,
//                     dilH, dilW, y, OH, OW, act, scratch) -> 0 | CONV_BAD_ARGS

import { CONV_BAD_ARGS, conv_out_dim } from "./conv2d";
import { ACT_NONE, ACT_RELU6, activate } from "./tile";
import { bytes64 } from "./pack";

export const NARROW_MAX_OC = 4;

// Row pitch of the planar copy: every 4-pixel vector of a row stays inside it (OW rounded up to 4,
// plus the kernel's reach), and a multiple of 4 floats.
// @ts-ignore: decorator
@inline function pitch(W: i32, KW: i32, padL: i32, padR: i32, dW: i32, OW: i32): i32 {
  return (max(W + padL + padR, ((OW + 3) & ~3) + (KW - 1) * dW) + 3) & ~3;
}

export function conv_narrow_scratch_bytes(H: i32, W: i32, C: i32, KH: i32, KW: i32, padT: i32, padL: i32,
  padB: i32, padR: i32, dH: i32, dW: i32, OW: i32): i32 {
  return bytes64(<i64>C * (H + padT + padB) * pitch(W, KW, padL, padR, dW, OW) * 4);
}

// x[n] (NHWC) -> zero-bordered planes: plane c row (h + padT), column (w + padL).
function toPlanar(x: usize, H: i32, W: i32, C: i32, Hp: i32, Wp: i32, padT: i32, padL: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>(C * Hp * Wp) << 2);
  const planeB = <usize>(Hp * Wp) << 2, pixB = <usize>C << 2;
  for (let h = 0; h < H; h++) {
    const src = x + <usize>(h * W) * pixB;
    const row = dst + (<usize>((h + padT) * Wp + padL) << 2);
    let w = 0;
    if ((C & 3) == 0) {
      // 4 pixels x 4 channels per step, transposed in registers.
      for (; w + 4 <= W; w += 4) {
        const s = src + <usize>w * pixB;
        for (let c = 0; c < C; c += 4) {
          const cb = <usize>c << 2;
          const r0 = v128.load(s + cb), r1 = v128.load(s + pixB + cb);
          const r2 = v128.load(s + 2 * pixB + cb), r3 = v128.load(s + 3 * pixB + cb);
          const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
          const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
          const d = row + <usize>c * planeB + (<usize>w << 2);
          v128.store(d, v128.shuffle<i64>(t0, t2, 0, 2));
          v128.store(d + planeB, v128.shuffle<i64>(t0, t2, 1, 3));
          v128.store(d + 2 * planeB, v128.shuffle<i64>(t1, t3, 0, 2));
          v128.store(d + 3 * planeB, v128.shuffle<i64>(t1, t3, 1, 3));
        }
      }
    }
    for (; w < W; w++) {
      for (let c = 0; c < C; c++) {
        store<f32>(row + <usize>c * planeB + (<usize>w << 2), load<f32>(src + <usize>w * pixB + (<usize>c << 2)));
      }
    }
  }
}

export function conv2d_f32_f32_f32__simd128_16x1(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize, OC: i32,
  KH: i32, KW: i32, sH: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32, scratch: usize): i32 {
  if (N < 0 || C < 1 || OC < 1 || OC > NARROW_MAX_OC || act < ACT_NONE || act > ACT_RELU6) return CONV_BAD_ARGS;
  if (conv_out_dim(H, KH, sH, padT, padB, dH) != OH || conv_out_dim(W, KW, 1, padL, padR, dW) != OW) return CONV_BAD_ARGS;
  const Hp = H + padT + padB, Wp = pitch(W, KW, padL, padR, dW, OW);
  const planeB = <usize>(Hp * Wp) << 2, rowB = <usize>Wp << 2;
  const taps = KH * KW * C;
  for (let n = 0; n < N; n++) {
    toPlanar(x + <usize>(n * H * W * C) * 4, H, W, C, Hp, Wp, padT, padL, scratch);
    for (let oc = 0; oc < OC; oc++) {
      const wo = w + (<usize>(oc * taps) << 2);
      const b = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0);
      for (let oh = 0; oh < OH; oh++) {
        const top = scratch + <usize>(oh * sH) * rowB;
        const yr = y + (<usize>(((n * OH + oh) * OW) * OC + oc) << 2);
        let ow = 0;
        // 16 pixels per step: one weight splat feeds four vectors.
        for (; ow + 16 <= OW; ow += 16) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let wk = wo;
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              let p = top + <usize>(kh * dH) * rowB + (<usize>(ow + kw * dW) << 2);
              for (let ic = 0; ic < C; ic++) {
                const wv = v128.load32_splat(wk);
                a0 = f32x4.add(a0, f32x4.mul(v128.load(p), wv));
                a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), wv));
                a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), wv));
                a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), wv));
                p += planeB; wk += 4;
              }
            }
          }
          storeLanes(yr + (<usize>(ow * OC) << 2), activate(f32x4.add(a0, b), act), OC, 4);
          storeLanes(yr + (<usize>((ow + 4) * OC) << 2), activate(f32x4.add(a1, b), act), OC, 4);
          storeLanes(yr + (<usize>((ow + 8) * OC) << 2), activate(f32x4.add(a2, b), act), OC, 4);
          storeLanes(yr + (<usize>((ow + 12) * OC) << 2), activate(f32x4.add(a3, b), act), OC, 4);
        }
        // The rest 4 pixels at a time; lanes past OW read the zero border and are not stored.
        for (; ow < OW; ow += 4) {
          let a = f32x4.splat(0);
          let wk = wo;
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              let p = top + <usize>(kh * dH) * rowB + (<usize>(ow + kw * dW) << 2);
              for (let ic = 0; ic < C; ic++) {
                a = f32x4.add(a, f32x4.mul(v128.load(p), v128.load32_splat(wk)));
                p += planeB; wk += 4;
              }
            }
          }
          storeLanes(yr + (<usize>(ow * OC) << 2), activate(f32x4.add(a, b), act), OC, min(4, OW - ow));
        }
      }
    }
  }
  return 0;
}

// Lane i of v -> y[i * OC] for i < count.
// @ts-ignore: decorator
@inline function storeLanes(y: usize, v: v128, OC: i32, count: i32): void {
  if (OC == 1 && count == 4) { v128.store(y, v); return; }
  const s = <usize>OC << 2;
  v128.store32_lane(y, v, 0);
  if (count > 1) v128.store32_lane(y + s, v, 1);
  if (count > 2) v128.store32_lane(y + 2 * s, v, 2);
  if (count > 3) v128.store32_lane(y + 3 * s, v, 3);
}

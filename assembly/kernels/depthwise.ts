// Depthwise 2-D convolution (channel multiplier 1), f32, NHWC (see conv2d.ts for the layouts).
// x[N, H, W, C], weights w[KH, KW, C] (channel last, no packing needed), bias [C] or 0,
// y[N, OH, OW, C].
//
// Summation order of every output: acc = 0; for kh, for kw: acc += x * w (never fused); then
// acc + bias (+0 when none); then the activation (0 none, 1 relu, 2 relu6). Padded taps read zeros
// and take part in the sum (acc += 0 * w), as in conv2d_f32.
//
// Exported signatures (all i32):
//   depthwise_conv2d_f32(x, N, H, W, C, w, bias, KH, KW, strideH, strideW,
//                        padT, padL, padB, padR, dilH, dilW, y, OH, OW, act) -> 0 | CONV_BAD_ARGS
//   depthwise_conv2d_f32_ref(same arguments) -> 0 | CONV_BAD_ARGS
//
// Kernel: dwconv_f32_f32_f32__simd128_16 (16 channels = 4 vectors per step, then 4, then a
// partial vector whose loads read past the channel end, allowed by the padding contract: x, w and
// bias are read at most 12 bytes past their last element; only the valid lanes are stored).

import { ACT_NONE, ACT_RELU, ACT_RELU6, CONV_BAD_ARGS, conv_out_dim } from "./conv2d";

// @ts-ignore: decorator
@inline function activate(v: v128, act: i32): v128 {
  if (act == ACT_NONE) return v;
  const r = f32x4.max(v, f32x4.splat(0));
  return act == ACT_RELU ? r : f32x4.min(r, f32x4.splat(6));
}

function bad(N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32,
  padB: i32, padR: i32, dH: i32, dW: i32, OH: i32, OW: i32, act: i32): bool {
  if (N < 0 || C < 1 || act < ACT_NONE || act > ACT_RELU6) return true;
  return conv_out_dim(H, KH, sH, padT, padB, dH) != OH || conv_out_dim(W, KW, sW, padL, padR, dW) != OW;
}

export function depthwise_conv2d_f32(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, OH, OW, act)) return CONV_BAD_ARGS;
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
  return 0;
}

export function depthwise_conv2d_f32_ref(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
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

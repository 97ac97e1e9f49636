// Depthwise convolution (NHWC, weights [KH, KW, C], channel multiplier 1) with an emulated
// low-precision accumulator: gemm_f32_f32_emu__simd128_4x8's definition (dense_acc.ts) applied to each output's taps.
//
// dwconv_f32_f32_emu__simd128_4(x, N, H, W, C, w, bias, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, y, OH, OW,
//               act, accFmt) -> 0, or -1 for bad arguments (nothing written)
// dwconv_f32_f32_emu__scalar(same) -> the same, scalar reference
//   accFmt as gemm_f32_f32_emu__simd128_4x8 (f32 0, f16 1, bf16 2, f8_e4m3fn 3, f8_e5m2 4, f8_e3m4 5); act 0 none,
//   1 relu, 2 relu6.
// For each output (n, oh, ow, c), fl32() one f32 operation, R() round to accFmt (RNE, IEEE):
//     acc = +0
//     for kh, for kw ascending: p = fl32(x * w) (x = 0 for a padded tap);  acc = R(fl32(acc + p))
//     v = R(fl32(acc + b[c]))   (b = +0 when bias == 0)
//   then, for accFmt != f32, a NaN v becomes 0x7FC00000 and relu maps v < 0 and -0 to +0 (as
//   gemm_f32_f32_emu__simd128_4x8); relu6 then takes 6 for v > 6. For accFmt == f32, R is the identity and relu is
//   f32 max(v, 0) (relu6: then v > 6 ? 6 : v).
// SIMD over 4 channels per step, every lane following the definition (the partial vector at the
// end of C reads up to 12 bytes past the channels, per the padding contract, and stores only its
// lanes).

import { CONV_BAD_ARGS, conv_out_dim } from "../kernels/conv2d";
import { K_F32, K_MAGIC, K_BF16, accFmtOk, roundAcc, finishScalar, racc, finish4 } from "./dense_acc";
import { magicELo, magicEHi, magicCAdd, magicMax, magicOvfBits } from "./round";
import { Overflow } from "../formats/scalar";

function bad(N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32,
  padB: i32, padR: i32, dH: i32, dW: i32, OH: i32, OW: i32, act: i32, accFmt: i32): bool {
  if (N < 0 || C < 1 || act < 0 || act > 2 || !accFmtOk(accFmt)) return true;
  return conv_out_dim(H, KH, sH, padT, padB, dH) != OH || conv_out_dim(W, KW, sW, padL, padR, dW) != OW;
}

export function dwconv_f32_f32_emu__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32, accFmt: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, OH, OW, act, accFmt)) return CONV_BAD_ARGS;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) {
    let acc: f32 = 0;
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh * sH - padT + kh * dH;
      for (let kw = 0; kw < KW; kw++) {
        const iw = ow * sW - padL + kw * dW;
        const xv: f32 = ih >= 0 && ih < H && iw >= 0 && iw < W ? load<f32>(x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2)) : 0;
        acc = roundAcc(accFmt, acc + xv * load<f32>(w + (<usize>((kh * KW + kw) * C + c) << 2)));
      }
    }
    const b: f32 = bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0;
    let v = finishScalar(accFmt, roundAcc(accFmt, acc + b), act == 0 ? 0 : 1);
    if (act == 2 && v > 6) v = 6;
    store<f32>(y + (<usize>(((n * OH + oh) * OW + ow) * C + c) << 2), v);
  }
  return 0;
}

// @ts-ignore: decorator
@inline function kernel(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32, kind: i32, eLo: v128, eHi: v128, cAdd: v128, maxF: v128, ovfV: v128): void {
  const z = f32x4.splat(0), six = f32x4.splat(6);
  const tmp = memory.data(16, 16);
  const pixB = <usize>C << 2, rowB = <usize>W * pixB;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const yp = y + (<usize>(((n * OH + oh) * OW + ow) * C) << 2);
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>c << 2;
      let acc = z;
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sH - padT + kh * dH;
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * sW - padL + kw * dW;
          const xv = <u32>ih < <u32>H && <u32>iw < <u32>W ? v128.load(x + <usize>(n * H + ih) * rowB + <usize>iw * pixB + cb) : z;
          acc = racc(f32x4.add(acc, f32x4.mul(xv, v128.load(w + <usize>(kh * KW + kw) * pixB + cb))), kind, eLo, eHi, cAdd, maxF, ovfV);
        }
      }
      let v = finish4(acc, bias != 0 ? v128.load(bias + cb) : z, act == 0 ? 0 : 1, kind, eLo, eHi, cAdd, maxF, ovfV);
      if (act == 2) v = v128.bitselect(six, v, f32x4.gt(v, six));   // NaN lanes compare false
      if (c + 4 <= C) v128.store(yp + cb, v);
      else { v128.store(tmp, v); memory.copy(yp + cb, tmp, <usize>(C - c) << 2); }
    }
  }
}

export function dwconv_f32_f32_emu__simd128_4(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  y: usize, OH: i32, OW: i32, act: i32, accFmt: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, OH, OW, act, accFmt)) return CONV_BAD_ARGS;
  const f = accFmt == 0 ? 1 : accFmt;    // constants unused by K_F32
  const eLo = i32x4.splat(magicELo(f) << 23), eHi = i32x4.splat(magicEHi(f) << 23), cAdd = i32x4.splat(magicCAdd(f));
  const maxF = f32x4.splat(magicMax(f));
  const ovfV = i32x4.splat(<i32>magicOvfBits(f, Overflow.IEEE));
  if (accFmt == 0) kernel(x, N, H, W, C, w, bias, KH, KW, sH, sW, padT, padL, dH, dW, y, OH, OW, act, K_F32, eLo, eHi, cAdd, maxF, ovfV);
  else if (accFmt == 2) kernel(x, N, H, W, C, w, bias, KH, KW, sH, sW, padT, padL, dH, dW, y, OH, OW, act, K_BF16, eLo, eHi, cAdd, maxF, ovfV);
  else kernel(x, N, H, W, C, w, bias, KH, KW, sH, sW, padT, padL, dH, dW, y, OH, OW, act, K_MAGIC, eLo, eHi, cAdd, maxF, ovfV);
  return 0;
}

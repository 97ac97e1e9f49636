// 2-D convolution, f32 weights, f32 activations, f32 accumulate.
//
// Layouts (the executor's contract for every f32 spatial kernel):
//   activations  NHWC: x[N, H, W, C], y[N, OH, OW, OC], channels innermost.
//   conv weights OHWI: w[OC, KH, KW, C/groups] (PyTorch/ONNX OIHW must be transposed at import).
//     pack_conv_w_f32 repacks them once at load into panels of CONV_NR = 8 output channels:
//     [groups][ceil(OCg/8)][KH][KW][ICg][8], zero-padded past OCg, so the microkernel reads the 8
//     weights of one tap and one input channel with two vector loads and vectorises over output
//     channels (like pack_w_f32 for dense).
//   depthwise weights [KH, KW, C] (channel last, vectorised over C): see depthwise.ts.
//   groups: ICg = C / groups, OCg = OC / groups; output channel oc belongs to group oc / OCg and
//     reads input channels [g*ICg, (g+1)*ICg).
//
// Padding semantics: the input is extended by zeros (ONNX/PyTorch "pads"), and the zeros take part
// in the sum like any other input value (acc += 0 * w), so a padded tap changes nothing for finite
// weights and gives NaN for an infinite/NaN weight, in the kernel and in the reference alike.
//
// Summation order of every output, whatever the tile: acc = 0; for kh = 0..KH-1, for kw = 0..KW-1,
// for ic = 0..ICg-1: acc += x * w (a separate multiply and add, never fused); then acc + bias (+0
// when there is none); then the activation (none, relu = max(v, 0), relu6 = min(max(v, 0), 6)).
//
// Output size (checked): OH = floor((H + padT + padB - dilH*(KH-1) - 1) / strideH) + 1, same for OW.
// conv2d_f32_f32_f32__simd128_4x8 / conv2d_f32_f32_f32__scalar return 0 on success and CONV_BAD_ARGS (nothing written) when the
// shapes are inconsistent; the host turns that into an AlloyError.
//
// Exported signatures (all i32, pointers are byte offsets into the module memory):
//   packed_conv_f32_bytes(OC, KH, KW, ICg, groups) -> bytes of the packed weights
//   pack_conv_w_f32(w, OC, KH, KW, ICg, groups, dst)
//   conv2d_f32_f32_f32__simd128_4x8(x, N, H, W, C, wPacked, bias, OC, KH, KW, strideH, strideW,
//              padT, padL, padB, padR, dilH, dilW, groups, y, OH, OW, act) -> 0 | CONV_BAD_ARGS
//   conv2d_f32_f32_f32__scalar(same arguments, but w unpacked OHWI) -> 0 | CONV_BAD_ARGS
// bias is [OC] or 0 (no bias). act: 0 none, 1 relu, 2 relu6.
//
// Kernel: conv2d_f32_f32_f32__simd128_4x8, direct (no im2col): 4 output pixels (consecutive in
// N*OH*OW order, so they may straddle rows and images) times 8 output channels, 8 accumulators.

import { ACT_NONE, ACT_RELU, ACT_RELU6, activate, store8, panelBias } from "./tile";
import { bytes64 } from "./pack";

export const CONV_NR = 8;
export const CONV_BAD_ARGS = 1;

export function conv_out_dim(size: i32, k: i32, stride: i32, pad0: i32, pad1: i32, dil: i32): i32 {
  if (size < 1 || k < 1 || stride < 1 || dil < 1 || pad0 < 0 || pad1 < 0) return -1;
  const span = <i64>dil * <i64>(k - 1) + 1;
  const avail = <i64>size + <i64>pad0 + <i64>pad1 - span;
  if (avail < 0) return -1;
  return <i32>(avail / <i64>stride + 1);
}

export function packed_conv_f32_bytes(OC: i32, KH: i32, KW: i32, ICg: i32, groups: i32): i32 {
  const OCg = OC / groups;
  return bytes64(<i64>groups * ((OCg + CONV_NR - 1) / CONV_NR) * CONV_NR * <i64>KH * KW * ICg * 4);
}

export function pack_conv_w_f32(w: usize, OC: i32, KH: i32, KW: i32, ICg: i32, groups: i32, dst: usize): void {
  const OCg = OC / groups;
  const panels = (OCg + CONV_NR - 1) / CONV_NR;
  const K = KH * KW * ICg;                     // one output channel's weights, contiguous in OHWI
  let d = dst;
  for (let g = 0; g < groups; g++) {
    for (let p = 0; p < panels; p++) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < CONV_NR; j++) {
          const o = p * CONV_NR + j;
          const v: f32 = o < OCg ? load<f32>(w + (<usize>((g * OCg + o) * K + k) << 2)) : 0;
          store<f32>(d, v);
          d += 4;
        }
      }
    }
  }
}

function badArgs(N: i32, H: i32, W: i32, C: i32, OC: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32, groups: i32, OH: i32, OW: i32, act: i32): bool {
  if (N < 0 || C < 1 || OC < 1 || groups < 1 || C % groups != 0 || OC % groups != 0) return true;
  if (act < ACT_NONE || act > ACT_RELU6) return true;
  return conv_out_dim(H, KH, sH, padT, padB, dH) != OH || conv_out_dim(W, KW, sW, padL, padR, dW) != OW;
}

// @ts-ignore: decorator
@inline function activate1(v: f32, act: i32): f32 {
  if (act == ACT_NONE) return v;
  const r = max<f32>(v, 0);
  return act == ACT_RELU ? r : min<f32>(r, 6);
}

// A zero the out-of-range taps read (with a pointer step of 0). 16 bytes: splat loads only.
const ZERO: usize = memory.data(16, 16);

export function conv2d_f32_f32_f32__simd128_4x8(x: usize, N: i32, H: i32, W: i32, C: i32, wp: usize, bias: usize, OC: i32,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  groups: i32, y: usize, OH: i32, OW: i32, act: i32): i32 {
  if (badArgs(N, H, W, C, OC, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, groups, OH, OW, act)) return CONV_BAD_ARGS;
  const ICg = C / groups, OCg = OC / groups;
  const panels = (OCg + CONV_NR - 1) / CONV_NR;
  const panelBytes = <usize>(KH * KW * ICg * CONV_NR) << 2;
  const P = N * OH * OW;
  const pix = memory.data(64, 16);             // per tile: i32 ih0, iw0, image base (byte offset), valid
  for (let g = 0; g < groups; g++) {
    const xg = x + (<usize>(g * ICg) << 2);
    for (let p = 0; p < panels; p++) {
      const oc0 = g * OCg + p * CONV_NR;
      const cols = min(CONV_NR, OCg - p * CONV_NR);
      const bt = panelBias(bias, oc0, cols);
      const b0 = v128.load(bt), b1 = v128.load(bt, 16);
      const wpan = wp + <usize>(g * panels + p) * panelBytes;
      for (let q = 0; q < P; q += 4) {
        const np = min(4, P - q);
        // Decompose the 4 pixel indices; a missing pixel (np < 4) reads zeros and is not stored.
        for (let j = 0; j < 4; j++) {
          const e = pix + (<usize>j << 4);
          if (j < np) {
            const t = q + j;
            const n = t / (OH * OW), r = t - n * (OH * OW);
            const oh = r / OW, ow = r - oh * OW;
            store<i32>(e, oh * sH - padT);
            store<i32>(e, ow * sW - padL, 4);
            store<i32>(e, n * H * W, 8);
            store<i32>(e, 1, 12);
          } else {
            store<i32>(e, 0); store<i32>(e, 0, 4); store<i32>(e, 0, 8); store<i32>(e, 0, 12);
          }
        }
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
        let wk = wpan;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            // Base pointer and step of each pixel for this tap: a pixel outside the image (or a
            // missing pixel) reads ZERO with step 0, so it still does acc += 0 * w.
            let p0: usize = ZERO, p1: usize = ZERO, p2: usize = ZERO, p3: usize = ZERO;
            let s0: usize = 0, s1: usize = 0, s2: usize = 0, s3: usize = 0;
            let e = pix;
            let ih = load<i32>(e) + kh * dH, iw = load<i32>(e, 4) + kw * dW;
            if (load<i32>(e, 12) != 0 && <u32>ih < <u32>H && <u32>iw < <u32>W) { p0 = xg + (<usize>((load<i32>(e, 8) + ih * W + iw) * C) << 2); s0 = 4; }
            e += 16; ih = load<i32>(e) + kh * dH; iw = load<i32>(e, 4) + kw * dW;
            if (load<i32>(e, 12) != 0 && <u32>ih < <u32>H && <u32>iw < <u32>W) { p1 = xg + (<usize>((load<i32>(e, 8) + ih * W + iw) * C) << 2); s1 = 4; }
            e += 16; ih = load<i32>(e) + kh * dH; iw = load<i32>(e, 4) + kw * dW;
            if (load<i32>(e, 12) != 0 && <u32>ih < <u32>H && <u32>iw < <u32>W) { p2 = xg + (<usize>((load<i32>(e, 8) + ih * W + iw) * C) << 2); s2 = 4; }
            e += 16; ih = load<i32>(e) + kh * dH; iw = load<i32>(e, 4) + kw * dW;
            if (load<i32>(e, 12) != 0 && <u32>ih < <u32>H && <u32>iw < <u32>W) { p3 = xg + (<usize>((load<i32>(e, 8) + ih * W + iw) * C) << 2); s3 = 4; }
            if ((s0 & s1 & s2 & s3) != 0) {
              // All four pixels inside: one shared offset.
              const wEnd = wk + (<usize>(ICg * CONV_NR) << 2);
              let o: usize = 0;
              for (; wk < wEnd; wk += 32) {
                const w0 = v128.load(wk), w1 = v128.load(wk, 16);
                // @gen splat rows=4 src=p%r~+~o
                const v0 = v128.load32_splat(p0 + o), v1 = v128.load32_splat(p1 + o);
                const v2 = v128.load32_splat(p2 + o), v3 = v128.load32_splat(p3 + o);
                // @end
                // @gen mac rows=4 w=w0,w1 op=f32
                a00 = f32x4.add(a00, f32x4.mul(v0, w0)); a01 = f32x4.add(a01, f32x4.mul(v0, w1));
                a10 = f32x4.add(a10, f32x4.mul(v1, w0)); a11 = f32x4.add(a11, f32x4.mul(v1, w1));
                a20 = f32x4.add(a20, f32x4.mul(v2, w0)); a21 = f32x4.add(a21, f32x4.mul(v2, w1));
                a30 = f32x4.add(a30, f32x4.mul(v3, w0)); a31 = f32x4.add(a31, f32x4.mul(v3, w1));
                // @end
                o += 4;
              }
            } else {
              const wEnd = wk + (<usize>(ICg * CONV_NR) << 2);
              for (; wk < wEnd; wk += 32) {
                const w0 = v128.load(wk), w1 = v128.load(wk, 16);
                // @gen splat rows=4 src=p%r
                const v0 = v128.load32_splat(p0), v1 = v128.load32_splat(p1);
                const v2 = v128.load32_splat(p2), v3 = v128.load32_splat(p3);
                // @end
                // @gen mac rows=4 w=w0,w1 op=f32
                a00 = f32x4.add(a00, f32x4.mul(v0, w0)); a01 = f32x4.add(a01, f32x4.mul(v0, w1));
                a10 = f32x4.add(a10, f32x4.mul(v1, w0)); a11 = f32x4.add(a11, f32x4.mul(v1, w1));
                a20 = f32x4.add(a20, f32x4.mul(v2, w0)); a21 = f32x4.add(a21, f32x4.mul(v2, w1));
                a30 = f32x4.add(a30, f32x4.mul(v3, w0)); a31 = f32x4.add(a31, f32x4.mul(v3, w1));
                // @end
                p0 += s0; p1 += s1; p2 += s2; p3 += s3;
              }
            }
          }
        }
        const yq = y + (<usize>(q * OC + oc0) << 2);
        const ys = <usize>OC << 2;
        store8(yq, activate(f32x4.add(a00, b0), act), activate(f32x4.add(a01, b1), act), cols);
        if (np > 1) store8(yq + ys, activate(f32x4.add(a10, b0), act), activate(f32x4.add(a11, b1), act), cols);
        if (np > 2) store8(yq + 2 * ys, activate(f32x4.add(a20, b0), act), activate(f32x4.add(a21, b1), act), cols);
        if (np > 3) store8(yq + 3 * ys, activate(f32x4.add(a30, b0), act), activate(f32x4.add(a31, b1), act), cols);
      }
    }
  }
  return 0;
}

// Scalar reference, unpacked OHWI weights, the same summation order.
export function conv2d_f32_f32_f32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, w: usize, bias: usize, OC: i32,
  KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32, padB: i32, padR: i32, dH: i32, dW: i32,
  groups: i32, y: usize, OH: i32, OW: i32, act: i32): i32 {
  if (badArgs(N, H, W, C, OC, KH, KW, sH, sW, padT, padL, padB, padR, dH, dW, groups, OH, OW, act)) return CONV_BAD_ARGS;
  const ICg = C / groups, OCg = OC / groups;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let oc = 0; oc < OC; oc++) {
          const g = oc / OCg;
          let acc: f32 = 0;
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sH - padT + kh * dH;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * sW - padL + kw * dW;
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              for (let ic = 0; ic < ICg; ic++) {
                const xv: f32 = inside ? load<f32>(x + (<usize>(((n * H + ih) * W + iw) * C + g * ICg + ic) << 2)) : 0;
                acc += xv * load<f32>(w + (<usize>(((oc * KH + kh) * KW + kw) * ICg + ic) << 2));
              }
            }
          }
          acc += bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
          store<f32>(y + (<usize>(((n * OH + oh) * OW + ow) * OC + oc) << 2), activate1(acc, act));
        }
      }
    }
  }
  return 0;
}

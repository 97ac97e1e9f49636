// N-d convolutions in NC[D]H W layout with 1 to 3 spatial dims (see: ONNX Conv, opset 11;
// ConvTranspose, opset 11), scalar, each its own reference:
//   conv_nd_f32_f32_f32__scalar(y, x, w, bias, p) -> 0 ok | 1 bad parameters
//   conv_transpose_nd_f32_f32_f32__scalar(y, x, w, bias, p) -> 0 ok | 1 bad parameters
// p: i32s [nsp, N, C, OC, group, then per spatial dim (outermost first): in, out, k, stride,
// dilation, pad_begin]. x [N, C, in...]; y [N, OC, out...]; bias [OC] or 0.
// Conv: w [OC, C / group, k...]; y[n, oc, o] = sum over ic, k of x[n, c, o * s - pad + k * d] * w.
// ConvTranspose: w [C, OC / group, k...]; y[n, oc, o] = sum over ic, k with
// o = i * s - pad + k * d (0 <= i < in) of x[n, c, i] * w[c, oc % (OC / group), k].
// Order: acc = +0; for ic ascending, for k row-major: acc = acc + x * w, x = 0 at positions
// outside x (zero padding; never read) and, for ConvTranspose, at positions no input maps to;
// then acc + bias. The host sizes x, w, y from the same p.
// The __simd128_5x8 kernels (same arguments) gather those x values into pack_w_f32 panels of 8
// output positions (blocks of panels in scratch) and run gemm_f32_f32_f32__simd128_5x8_panels
// with the weights as its rows: the same sums in the same order, so the same bits.

export const P_N = 1, P_C = 2, P_OC = 3, P_G = 4;
const P_SP = 5, COLS = 6;
// per spatial dim: in, out, k, stride, dilation, pad_begin; always 3 dims (leading ones unit)
const SP: StaticArray<i32> = new StaticArray<i32>(3 * COLS);

// @ts-ignore: decorator
@inline export function sp(d: i32, c: i32): i32 { return unchecked(SP[d * COLS + c]); }

// Reads and checks p; false on a bad parameter.
export function readParams(p: usize): bool {
  const nsp = load<i32>(p);
  if (nsp < 1 || nsp > 3) return false;
  const N = load<i32>(p + 4 * P_N), C = load<i32>(p + 4 * P_C), OC = load<i32>(p + 4 * P_OC), G = load<i32>(p + 4 * P_G);
  if (N < 0 || C < 0 || OC < 0 || G < 1 || C % G != 0 || OC % G != 0) return false;
  for (let d = 0; d < 3; d++) {
    const s = d - (3 - nsp);
    for (let c = 0; c < COLS; c++) {
      const v = s < 0 ? (c == 5 ? 0 : 1) : load<i32>(p + 4 * (P_SP + s * COLS + c));
      unchecked(SP[d * COLS + c] = v);
    }
    if (sp(d, 0) < 0 || sp(d, 1) < 0 || sp(d, 2) < 1 || sp(d, 3) < 1 || sp(d, 4) < 1) return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function f(p: usize, i: i64): f32 { return load<f32>(p + (<usize>i << 2)); }

export function conv_nd_f32_f32_f32__scalar(y: usize, x: usize, w: usize, bias: usize, p: usize): i32 {
  if (!readParams(p)) return 1;
  const N = load<i32>(p + 4 * P_N), C = load<i32>(p + 4 * P_C), OC = load<i32>(p + 4 * P_OC), G = load<i32>(p + 4 * P_G);
  const Cg = C / G, OCg = OC / G;
  const ID = sp(0, 0), IH = sp(1, 0), IW = sp(2, 0), OD = sp(0, 1), OH = sp(1, 1), OW = sp(2, 1);
  const KD = sp(0, 2), KH = sp(1, 2), KW = sp(2, 2);
  const inSz = <i64>ID * IH * IW, kSz = <i64>KD * KH * KW;
  let yo: i64 = 0;
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const g = oc / OCg;
      const b: f32 = bias != 0 ? f(bias, oc) : 0;
      for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        let acc: f32 = 0;
        for (let ic = 0; ic < Cg; ic++) {
          const xc = (<i64>n * C + g * Cg + ic) * inSz, wc = (<i64>oc * Cg + ic) * kSz;
          for (let kd = 0; kd < KD; kd++) {
            const id = od * sp(0, 3) - sp(0, 5) + kd * sp(0, 4);
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * sp(1, 3) - sp(1, 5) + kh * sp(1, 4);
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * sp(2, 3) - sp(2, 5) + kw * sp(2, 4);
                const inside = id >= 0 && id < ID && ih >= 0 && ih < IH && iw >= 0 && iw < IW;
                const xv: f32 = inside ? f(x, xc + (<i64>id * IH + ih) * IW + iw) : 0;
                acc = acc + xv * f(w, wc + (<i64>kd * KH + kh) * KW + kw);
              }
            }
          }
        }
        store<f32>(y + (<usize>yo << 2), bias != 0 ? acc + b : acc);
        yo++;
      }
    }
  }
  return 0;
}

// The input index i with o = i * s - pad + k * d, or -1 when there is none in [0, n).
// @ts-ignore: decorator
@inline export function src(o: i32, k: i32, d: i32): i32 {
  const t = o + sp(d, 5) - k * sp(d, 4), s = sp(d, 3);
  if (t < 0 || t % s != 0) return -1;
  const i = t / s;
  return i < sp(d, 0) ? i : -1;
}

export function conv_transpose_nd_f32_f32_f32__scalar(y: usize, x: usize, w: usize, bias: usize, p: usize): i32 {
  if (!readParams(p)) return 1;
  const N = load<i32>(p + 4 * P_N), C = load<i32>(p + 4 * P_C), OC = load<i32>(p + 4 * P_OC), G = load<i32>(p + 4 * P_G);
  const Cg = C / G, OCg = OC / G;
  const ID = sp(0, 0), IH = sp(1, 0), IW = sp(2, 0), OD = sp(0, 1), OH = sp(1, 1), OW = sp(2, 1);
  const KD = sp(0, 2), KH = sp(1, 2), KW = sp(2, 2);
  const inSz = <i64>ID * IH * IW, kSz = <i64>KD * KH * KW;
  let yo: i64 = 0;
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const g = oc / OCg, j = oc % OCg;
      const b: f32 = bias != 0 ? f(bias, oc) : 0;
      for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        let acc: f32 = 0;
        for (let ic = 0; ic < Cg; ic++) {
          const c = g * Cg + ic;
          const xc = (<i64>n * C + c) * inSz, wc = (<i64>c * OCg + j) * kSz;
          for (let kd = 0; kd < KD; kd++) {
            const id = src(od, kd, 0);
            for (let kh = 0; kh < KH; kh++) {
              const ih = src(oh, kh, 1);
              for (let kw = 0; kw < KW; kw++) {
                const iw = src(ow, kw, 2);
                const xv: f32 = id >= 0 && ih >= 0 && iw >= 0 ? f(x, xc + (<i64>id * IH + ih) * IW + iw) : 0;
                acc = acc + xv * f(w, wc + (<i64>kd * KH + kh) * KW + kw);
              }
            }
          }
        }
        store<f32>(y + (<usize>yo << 2), bias != 0 ? acc + b : acc);
        yo++;
      }
    }
  }
  return 0;
}

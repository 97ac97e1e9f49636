// conv_nd / conv_transpose_nd as GEMMs (the scalar references and their order: nd/conv.ts):
//   conv_nd_f32_f32_f32__simd128_5x8(y, x, w, bias, p), conv_transpose_nd_f32_f32_f32__simd128_5x8(y, x, w, bias, p)
// Per image n and group g: y[oc, P] = Wg[oc, (ic, k)] . patches[(ic, k), P], the patch of each
// output position gathered (x or 0) straight into pack_w_f32 panels of 8 positions, a block of
// panels at a time, then gemm_f32_f32_f32__simd128_5x8_panels (acc = +0, acc + w * x over (ic, k)
// ascending, + 0) and the bias added per row. ConvTranspose's Wg is w[c, j, k] regrouped to
// [j][(ic, k)] in scratch first.

import { readParams, sp, src, P_N, P_C, P_OC, P_G } from "./conv";
import { NR } from "../kernels/pack";
import { gemm_f32_f32_f32__simd128_5x8_panels } from "../kernels/dense_f32";

// Scratch kept between calls (grown, never shrunk): a block of panels, the regrouped weights.
let pBuf: usize = 0, pBytes: usize = 0, wBuf: usize = 0, wBytes: usize = 0;
const BLOCK_BYTES: usize = 256 * 1024;

// The x value of position (od, oh, ow) at kernel offset (kd, kh, kw), or 0.
// @ts-ignore: decorator
@inline function patch(transpose: bool, xc: usize, od: i32, oh: i32, ow: i32, kd: i32, kh: i32, kw: i32): f32 {
  let id: i32, ih: i32, iw: i32;
  if (transpose) { id = src(od, kd, 0); ih = src(oh, kh, 1); iw = src(ow, kw, 2); if (id < 0 || ih < 0 || iw < 0) return 0; }
  else {
    id = od * sp(0, 3) - sp(0, 5) + kd * sp(0, 4); ih = oh * sp(1, 3) - sp(1, 5) + kh * sp(1, 4); iw = ow * sp(2, 3) - sp(2, 5) + kw * sp(2, 4);
    if (id < 0 || id >= sp(0, 0) || ih < 0 || ih >= sp(1, 0) || iw < 0 || iw >= sp(2, 0)) return 0;
  }
  return load<f32>(xc + (<usize>((id * sp(1, 0) + ih) * sp(2, 0) + iw) << 2));
}

// Panels [q0, q1) of positions of one image and group: [panel][(ic, k)][8], 0 past P.
function packPatches(transpose: bool, x: usize, Cg: i32, q0: i32, q1: i32, P: i32, dst: usize): void {
  const OH = sp(1, 1), OW = sp(2, 1), KD = sp(0, 2), KH = sp(1, 2), KW = sp(2, 2);
  const inSz = <usize>(sp(0, 0) * sp(1, 0) * sp(2, 0)) << 2, CK = Cg * KD * KH * KW;
  for (let q = q0; q < q1; q++) {
    const base = dst + (<usize>((q - q0) * CK) << 5);
    for (let j = 0; j < NR; j++) {
      const pos = q * NR + j;
      let o = base + (<usize>j << 2);
      if (pos >= P) { for (let t = 0; t < CK; t++, o += 32) store<f32>(o, 0); continue; }
      const od = pos / (OH * OW), oh = (pos / OW) % OH, ow = pos % OW;
      for (let ic = 0; ic < Cg; ic++) {
        const xc = x + <usize>ic * inSz;
        for (let kd = 0; kd < KD; kd++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++, o += 32) {
          store<f32>(o, patch(transpose, xc, od, oh, ow, kd, kh, kw));
        }
      }
    }
  }
}

function run(transpose: bool, y: usize, x: usize, w: usize, bias: usize, p: usize): i32 {
  if (!readParams(p)) return 1;
  const N = load<i32>(p + 4 * P_N), C = load<i32>(p + 4 * P_C), OC = load<i32>(p + 4 * P_OC), G = load<i32>(p + 4 * P_G);
  const Cg = C / G, OCg = OC / G, Ksz = sp(0, 2) * sp(1, 2) * sp(2, 2), CK = Cg * Ksz;
  const P = sp(0, 1) * sp(1, 1) * sp(2, 1), inSz = sp(0, 0) * sp(1, 0) * sp(2, 0);
  if (N == 0 || OC == 0 || P == 0) return 0;
  const panels = (P + NR - 1) / NR;
  const per = max<i32>(1, <i32>(BLOCK_BYTES / max<usize>(<usize>CK * 32, 1)));
  const need = <usize>min(per, panels) * <usize>CK * 32;
  if (need > pBytes) { if (pBuf != 0) heap.free(pBuf); pBuf = heap.alloc(need + 16); pBytes = need; }
  if (transpose) {
    const wn = <usize>OCg * CK * 4;
    if (wn > wBytes) { if (wBuf != 0) heap.free(wBuf); wBuf = heap.alloc(wn + 16); wBytes = wn; }
  }
  for (let g = 0; g < G; g++) {
    let wg = w + (<usize>(g * OCg * CK) << 2);
    if (transpose) {
      // w[g * Cg + ic][j][k] -> [j][ic][k]
      for (let j = 0; j < OCg; j++) for (let ic = 0; ic < Cg; ic++) {
        memory.copy(wBuf + (<usize>(j * CK + ic * Ksz) << 2), w + (<usize>(((g * Cg + ic) * OCg + j) * Ksz) << 2), <usize>Ksz << 2);
      }
      wg = wBuf;
    }
    for (let n = 0; n < N; n++) {
      const xn = x + (<usize>((n * C + g * Cg) * inSz) << 2);
      const yg = y + (<usize>((n * OC + g * OCg) * P) << 2);
      for (let q0 = 0; q0 < panels; q0 += per) {
        const q1 = min(panels, q0 + per);
        packPatches(transpose, xn, Cg, q0, q1, P, pBuf);
        gemm_f32_f32_f32__simd128_5x8_panels(wg, OCg, CK, pBuf, 0, P, yg, 0, q0, q1);
      }
      if (bias != 0) {
        for (let j = 0; j < OCg; j++) {
          const b = load<f32>(bias + (<usize>(g * OCg + j) << 2)), row = yg + (<usize>(j * P) << 2);
          for (let t = 0; t < P; t++) store<f32>(row + (<usize>t << 2), load<f32>(row + (<usize>t << 2)) + b);
        }
      }
    }
  }
  return 0;
}

export function conv_nd_f32_f32_f32__simd128_5x8(y: usize, x: usize, w: usize, bias: usize, p: usize): i32 { return run(false, y, x, w, bias, p); }
export function conv_transpose_nd_f32_f32_f32__simd128_5x8(y: usize, x: usize, w: usize, bias: usize, p: usize): i32 { return run(true, y, x, w, bias, p); }

// Signal generators, computed in f64 and rounded once to the output type (f32 / f64):
//   window_any__scalar(dtype, kind, y, size, periodic) -> 0 | 1 dtype / kind | 2 size < 0
//     y[k] for k < size, with N = size (periodic) or size - 1 (symmetric), c_j = cos(2 pi j k / N):
//     hann 0.5 - 0.5 c_1; hamming 25/46 - (21/46) c_1; blackman 0.42 - 0.5 c_1 + 0.08 c_2
//     (see: ONNX HannWindow / HammingWindow / BlackmanWindow, opset 17). kind: WINDOW_NAMES.
//     A symmetric window of size 1 is [1] (N = 0: the cosines' angle taken as 0).
//   mel_weight_matrix_any__scalar(dtype, y, numMel, dftLen, sampleRate, lo, hi, edgeDtype)
//     -> 0 | 1 dtype | 2 sizes | 3 a band edge past the last DFT bin
//     y: (dftLen / 2 + 1) x numMel triangular filters (see: ONNX MelWeightMatrix, opset 17):
//     mel(f) = 2595 log10(1 + f / 700); numMel + 2 points evenly spaced in mel from mel(lo) by
//     (mel(hi) - mel(lo)) / (numMel + 2), mapped back to hertz and to the bin
//     floor((dftLen + 1) * hz / sampleRate); band i rises from point i to i + 1 (value 1 at the
//     centre, or just 1 there when the two coincide) and falls to point i + 2. lo / hi: one
//     value of edgeDtype (f32 / f64) each.
// Scalar: their own references (no inner loop worth lanes).

import { DT_F32, DT_F64 } from "./dtype";

export const W_HANN = 0, W_HAMMING = 1, W_BLACKMAN = 2, W_COUNT = 3;
// index = code (the host reads this list: scripts/gen-tables.mjs WINDOWS)
export const WINDOW_NAMES: string = "hann hamming blackman";

// @ts-ignore: decorator
@inline function put(dtype: i32, y: usize, i: i64, v: f64): void {
  if (dtype == DT_F32) store<f32>(y + (<usize>i << 2), <f32>v);
  else store<f64>(y + (<usize>i << 3), v);
}

export function window_any__scalar(dtype: i32, kind: i32, y: usize, size: i32, periodic: i32): i32 {
  if ((dtype != DT_F32 && dtype != DT_F64) || kind < 0 || kind >= W_COUNT) return 1;
  if (size < 0) return 2;
  const N: f64 = periodic != 0 ? <f64>size : <f64>(size - 1);
  for (let k = 0; k < size; k++) {
    const a = N > 0 ? (2 * Math.PI * <f64>k) / N : 0, c1 = Math.cos(a);
    let v: f64;
    if (kind == W_HANN) v = 0.5 - 0.5 * c1;
    else if (kind == W_HAMMING) v = 25.0 / 46.0 - (21.0 / 46.0) * c1;
    else v = 0.42 - 0.5 * c1 + 0.08 * Math.cos(2 * a);
    put(dtype, y, k, v);
  }
  return 0;
}

// @ts-ignore: decorator
@inline function mel(f: f64): f64 { return 2595 * Math.log10(1 + f / 700); }
// @ts-ignore: decorator
@inline function edge(p: usize, t: i32): f64 { return t == DT_F32 ? <f64>load<f32>(p) : load<f64>(p); }

export function mel_weight_matrix_any__scalar(dtype: i32, y: usize, numMel: i32, dftLen: i32, sampleRate: i32, lo: usize, hi: usize, edgeDtype: i32): i32 {
  if ((dtype != DT_F32 && dtype != DT_F64) || (edgeDtype != DT_F32 && edgeDtype != DT_F64)) return 1;
  if (numMel < 0 || dftLen < 1 || sampleRate < 1) return 2;
  const bins: i64 = dftLen / 2 + 1, mlo = mel(edge(lo, edgeDtype)), step = (mel(edge(hi, edgeDtype)) - mlo) / <f64>(numMel + 2);
  const sz: usize = <usize>(bins * numMel) << (dtype == DT_F32 ? 2 : 3);
  memory.fill(y, 0, sz);
  for (let i = 0; i < numMel; i++) {
    const l = point(i, mlo, step, dftLen, sampleRate), c = point(i + 1, mlo, step, dftLen, sampleRate), h = point(i + 2, mlo, step, dftLen, sampleRate);
    if (l < 0 || c < l || h < c || c >= bins || h > bins) return 3;
    if (c == l) put(dtype, y, c * numMel + i, 1);
    else for (let j = l; j <= c; j++) put(dtype, y, j * numMel + i, <f64>(j - l) / <f64>(c - l));
    for (let j = c; j < h; j++) put(dtype, y, j * numMel + i, <f64>(h - j) / <f64>(h - c));
  }
  return 0;
}

function point(p: i32, mlo: f64, step: f64, dftLen: i32, sampleRate: i32): i64 {
  const hz = 700 * (Math.pow(10, (<f64>p * step + mlo) / 2595) - 1);
  const b = Math.floor((<f64>(dftLen + 1) * hz) / <f64>sampleRate);
  return b != b || b < 0 || b > 2147483647 ? -1 : <i64>b;
}

// Normalisations on f32, each a scalar kernel (its own reference) with a fixed order; statistics
// as layernorm_f32__simd128 computes them (rowStats, assembly/kernels/norm.ts): mean = sum / n,
// var = sum((x - mean)^2) / n, r = sqrt(var + eps), each sum left to right in f32.
//
// groupnorm_f32__scalar(y, x, scale, bias, N, C, G, S, eps, perGroup) -> 0 | 1 bad dims
//   x: N x C x S (S = product of the spatial dims); statistics over each group of C / G channels
//   x S; y = ((x - mean) / r) * scale + bias, scale / bias per channel, or per group when perGroup
//   (see: ONNX GroupNormalization, opset 18 per group / opset 21 per channel; InstanceNormalization,
//   opset 6, is G = C).
// layernorm_stats_f32__scalar(x, rows, len, eps, mean, invstd) -> 0 | 1
//   LayerNormalization's optional outputs (see: ONNX LayerNormalization, opset 17): per row, mean
//   and 1 / r (the normalised values come from layernorm_f32__simd128; rows x len is the input
//   folded at the axis). mean / invstd may be 0 (not written).
// lpnorm_f32__scalar(p, y, x, outer, len, inner) -> 0 | 1
//   y = x / n along the axis, n = sum |x| (p 1) or sqrt(sum x * x) (p 2) (see: ONNX
//   LpNormalization, opset 1). A zero norm gives 0 / 0 = NaN, as the ONNX reference does.
// lrn_f32__scalar(y, x, N, C, S, size, alpha, beta, bias) -> 0 | 1
//   sq = sum of x^2 over channels c - floor((size-1)/2) .. c + ceil((size-1)/2) (clipped),
//   ascending; y = x / pow(bias + (alpha / size) * sq, beta) (see: ONNX LRN, opset 13).
// mvn_nd_f32__scalar(y, x, rank, dims, axesMask) -> 0 | 2 bad dims
//   y = (x - mean) / (sqrt(var) + 1e-9) over the masked axes (see: ONNX
//   MeanVarianceNormalization, opset 13, its function body; var taken as mean((x - mean)^2),
//   equal in exact arithmetic to the body's E[x^2] - E[x]^2 and never negative).

import { rowStats, sR } from "../kernels/norm";
import { rcoalesce, xOffset, outCount, redCount } from "./reduce";

// @ts-ignore: decorator
@inline function at(p: usize, i: i64): usize { return p + (<usize>i << 2); }

export function groupnorm_f32__scalar(y: usize, x: usize, scale: usize, bias: usize, N: i32, C: i32, G: i32, S: i32, eps: f32, perGroup: i32): i32 {
  if (N < 0 || C < 1 || G < 1 || S < 0 || C % G != 0) return 1;
  const cg = C / G, len = <i64>cg * <i64>S;
  if (len > <i64>i32.MAX_VALUE) return 1;
  if (len == 0) return 0;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const b = (<i64>n * C + <i64>g * cg) * S;
      const mean = rowStats(at(x, b), <i32>len, eps), rs = load<f32>(sR);
      for (let c = 0; c < cg; c++) {
        const ch = perGroup ? g : g * cg + c;
        const sc = load<f32>(at(scale, ch)), bi = load<f32>(at(bias, ch));
        for (let s = 0; s < S; s++) {
          const p = b + <i64>c * S + s;
          store<f32>(at(y, p), ((load<f32>(at(x, p)) - mean) / rs) * sc + bi);
        }
      }
    }
  }
  return 0;
}

export function layernorm_stats_f32__scalar(x: usize, rows: i32, len: i32, eps: f32, mean: usize, invstd: usize): i32 {
  if (rows < 0 || len < 1) return 1;
  for (let r = 0; r < rows; r++) {
    const m = rowStats(at(x, <i64>r * len), len, eps), rs = load<f32>(sR);
    if (mean != 0) store<f32>(at(mean, r), m);
    if (invstd != 0) store<f32>(at(invstd, r), <f32>1 / rs);
  }
  return 0;
}

export function lpnorm_f32__scalar(p: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32): i32 {
  if ((p != 1 && p != 2) || outer < 0 || len < 0 || inner < 0) return 1;
  for (let o: i64 = 0; o < outer; o++) {
    for (let i: i64 = 0; i < inner; i++) {
      const b = o * len * inner + i;
      let s: f32 = 0;
      for (let k: i64 = 0; k < len; k++) { const v = load<f32>(at(x, b + k * inner)); s += p == 1 ? abs<f32>(v) : v * v; }
      const nrm = p == 1 ? s : Mathf.sqrt(s);
      for (let k: i64 = 0; k < len; k++) store<f32>(at(y, b + k * inner), load<f32>(at(x, b + k * inner)) / nrm);
    }
  }
  return 0;
}

export function lrn_f32__scalar(y: usize, x: usize, N: i32, C: i32, S: i32, size: i32, alpha: f32, beta: f32, bias: f32): i32 {
  if (N < 0 || C < 0 || S < 0 || size < 1) return 1;
  const lo = (size - 1) / 2, hi = size - 1 - lo, k = alpha / <f32>size;
  for (let n: i64 = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const c0 = max(0, c - lo), c1 = min(C - 1, c + hi);
      for (let s: i64 = 0; s < S; s++) {
        let q: f32 = 0;
        for (let j = c0; j <= c1; j++) { const v = load<f32>(at(x, (n * C + j) * S + s)); q += v * v; }
        const p = (n * C + c) * S + s;
        store<f32>(at(y, p), load<f32>(at(x, p)) / Mathf.pow(bias + k * q, beta));
      }
    }
  }
  return 0;
}

export function mvn_nd_f32__scalar(y: usize, x: usize, rank: i32, dims: usize, mask: i32): i32 {
  const c = rcoalesce(rank, dims, mask);
  if (c == -1) return 2;
  if (c != 0) return 0;          // nothing to write, or empty groups (no element to normalise)
  const outN = outCount(), redN = redCount();
  const fn = <f32>redN, eps: f32 = 1e-9;
  for (let o: i64 = 0; o < outN; o++) {
    let s: f32 = 0;
    for (let r: i64 = 0; r < redN; r++) s += load<f32>(at(x, xOffset(o, r, rank, dims, mask)));
    const mean = s / fn;
    let q: f32 = 0;
    for (let r: i64 = 0; r < redN; r++) { const d = load<f32>(at(x, xOffset(o, r, rank, dims, mask))) - mean; q += d * d; }
    const sd = Mathf.sqrt(q / fn) + eps;
    for (let r: i64 = 0; r < redN; r++) { const p = xOffset(o, r, rank, dims, mask); store<f32>(at(y, p), (load<f32>(at(x, p)) - mean) / sd); }
  }
  return 0;
}

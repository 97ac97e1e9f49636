// Plain float64 oracles of the losses and signal ops, written from the ONNX operator definitions
// (NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss 13, DFT / STFT / *Window / MelWeightMatrix
// 17), shared by test/nd/loss.test.ts, test/nd/fft.test.ts and test/ops/*-onnx.test.ts.

/** NLL over an (N, C, D) view: per element -x[n, t, d] * w[t] (0 where t is ii); sum; mean = sum / sum w.
 *  With `softmax`, x is first replaced by its log-softmax over C (returned as lp). */
export function nllOracle(x: ArrayLike<number>, t: number[], w: ArrayLike<number> | null, N: number, C: number, D: number, red: string, ii?: number, softmax = false) {
  const lp = Array.from(x);
  if (softmax) for (let a = 0; a < N; a++) for (let d = 0; d < D; d++) {
    const v = Array.from({ length: C }, (_, c) => x[(a * C + c) * D + d]), m = Math.max(...v), s = Math.log(v.reduce((p, q) => p + Math.exp(q - m), 0));
    v.forEach((q, c) => { lp[(a * C + c) * D + d] = q - m - s; });
  }
  const l: number[] = [];
  let sw = 0;
  for (let a = 0; a < N; a++) for (let d = 0; d < D; d++) {
    const c = t[a * D + d];
    if (c === ii) { l.push(0); continue; }
    const wt = w ? w[c] : 1;
    l.push(-lp[(a * C + c) * D + d] * wt);
    sw += wt;
  }
  const s = l.reduce((p, q) => p + q, 0);
  return { loss: red === 'none' ? l : red === 'sum' ? [s] : [s / sw], lp };
}

/** X[k] = sum_j x[j] e^(-+2 pi i jk / n) over n complex points (re, im pairs), O(n^2); inverse divides by n. */
export function naiveDft(x: ArrayLike<number>, n: number, inverse = false): number[] {
  const out: number[] = [], s = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0, im = 0;
    for (let j = 0; j < n; j++) {
      const a = (s * 2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), d = Math.sin(a);
      re += x[2 * j] * c - x[2 * j + 1] * d; im += x[2 * j] * d + x[2 * j + 1] * c;
    }
    out.push(inverse ? re / n : re, inverse ? im / n : im);
  }
  return out;
}

/** The windows at angle a = 2 pi k / N (N = size periodic, size - 1 symmetric), by ONNX op name. */
export const WINDOW_FORMULAS: Record<string, (a: number) => number> = {
  HannWindow: (a) => 0.5 - 0.5 * Math.cos(a),
  HammingWindow: (a) => 25 / 46 - (21 / 46) * Math.cos(a),
  BlackmanWindow: (a) => 0.42 - 0.5 * Math.cos(a) + 0.08 * Math.cos(2 * a),
};
export const windowOracle = (op: string, size: number, periodic: boolean) => {
  const N = periodic ? size : size - 1;
  return Array.from({ length: size }, (_, k) => WINDOW_FORMULAS[op](N > 0 ? (2 * Math.PI * k) / N : 0));
};

/** MelWeightMatrix: M + 2 points evenly spaced in mel from mel(lo) by (mel(hi) - mel(lo)) / (M + 2),
 *  each to the bin floor((dft + 1) * hz / rate); triangles rising to 1 at the centre. (dft / 2 + 1) x M. */
export function melOracle(M: number, dft: number, rate: number, lo: number, hi: number): number[] {
  const mel = (f: number) => 2595 * Math.log10(1 + f / 700), bins = Math.floor(dft / 2) + 1, step = (mel(hi) - mel(lo)) / (M + 2);
  const pt = Array.from({ length: M + 2 }, (_, i) => Math.floor(((dft + 1) * 700 * (10 ** ((i * step + mel(lo)) / 2595) - 1)) / rate));
  const out = new Array(bins * M).fill(0);
  for (let i = 0; i < M; i++) {
    const [l, c, h] = [pt[i], pt[i + 1], pt[i + 2]];
    if (c === l) out[c * M + i] = 1; else for (let j = l; j <= c; j++) out[j * M + i] = (j - l) / (c - l);
    for (let j = c; j < h; j++) out[j * M + i] = (h - j) / (h - c);
  }
  return out;
}

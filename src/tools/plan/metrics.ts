// Metrics over model outputs (host-side statistics, f64): each compares outputs y [n, d] with a
// reference — labels when given, otherwise the FP32 model's output ("ground truth").
//
//   top1     mean [argmax y_i = c_i]; c_i = label (class index, or argmax of a one-hot / soft row),
//            else argmax of the reference row                                      higher better
//   ce       -mean_i sum_j t_ij log p_ij; t = one-hot label, else the reference probabilities
//                                                                                  lower better
//   kl       mean_i sum_j r_ij log(r_ij / p_ij) (r = reference probabilities; r_ij = 0 terms are 0)
//            over rows of the output's last axis (a decoder's [n, S, V]: per token, weighted by
//            the attention mask: next-token KL)                                  lower better
//   cosine   mean_i <y_i, r_i> / (|y_i| |r_i|) on raw outputs (1 when both are 0)  higher better
//   cosine_min  min_i of the same (the worst sample: an encoder's pooled embedding)  higher better
//   perplexity  exp(mean over labelled tokens of -log p(label)); labels [n, S] (-1: none), by
//            default the next token of each row's ids (src/tools/plan/text.ts)     lower better
// cosine, cosine_min, kl and perplexity are computed by the module (./modmetrics.ts); the others
// are host statistics.
//   mse      mean over all elements (y - r)^2                                     lower better
//   nme      mean_i (1/K sum_k |y_ik - g_ik|_2) / d_i, landmarks [n, K, D]; d_i = the given norm
//            (number or per-sample array), else the diagonal of the bounding box of g_i
//                                                                                  lower better
//   pck      fraction of landmarks with |y_ik - g_ik|_2 <= t d_i (t: pckThreshold, default 0.1)
//                                                                                  higher better
// Probabilities p: the outputs themselves when every row is >= 0 and sums to 1 (within 1e-3),
// else softmax of the outputs (log-sum-exp). log p is clamped below at log(1e-12).

import { cosineRows, klRows, nllRows, stats } from './modmetrics.js';

export const METRICS = ['top1', 'ce', 'kl', 'cosine', 'cosine_min', 'perplexity', 'mse', 'nme', 'pck'] as const;
export type MetricName = (typeof METRICS)[number];
export const HIGHER_BETTER: Record<MetricName, boolean> = { top1: true, ce: false, kl: false, cosine: true, cosine_min: true, perplexity: false, mse: false, nme: false, pck: true };

export interface MetricOptions {
  /** landmark dimensions D (default 2) */
  landmarkDims?: number;
  /** NME / PCK normaliser: one number for all samples, or one per sample; default: bbox diagonal */
  norm?: number | Float64Array | number[];
  /** PCK threshold t (default 0.1) */
  pckThreshold?: number;
  /** how to read outputs as probabilities; default auto */
  outputKind?: 'auto' | 'probs' | 'logits';
  /** weight of each row of the output's last axis (kl): a text model's attention mask [n, S] */
  tokenWeights?: Float32Array;
}

/** rows = samples; last: the size of the output's last axis (default cols) */
export interface Outputs { data: Float32Array; rows: number; cols: number; last?: number }
/** labels: class indices [n], or a matrix [n, d] (one-hot / soft targets / landmarks) */
export type Labels = { data: Float32Array; shape: number[] };

const LOG_FLOOR = Math.log(1e-12);

export function looksLikeProbs(y: Outputs): boolean {
  for (let i = 0; i < y.rows; i++) {
    let s = 0;
    for (let j = 0; j < y.cols; j++) { const v = y.data[i * y.cols + j]; if (!(v >= 0)) return false; s += v; }
    if (Math.abs(s - 1) > 1e-3) return false;
  }
  return true;
}

/** log-probabilities of each row, f64 */
export function logProbs(y: Outputs, kind: 'auto' | 'probs' | 'logits' = 'auto'): Float64Array {
  const probs = kind === 'probs' || (kind === 'auto' && looksLikeProbs(y));
  const out = new Float64Array(y.rows * y.cols);
  for (let i = 0; i < y.rows; i++) {
    const o = i * y.cols;
    if (probs) { for (let j = 0; j < y.cols; j++) out[o + j] = Math.max(LOG_FLOOR, Math.log(y.data[o + j])); continue; }
    let m = -Infinity;
    for (let j = 0; j < y.cols; j++) m = Math.max(m, y.data[o + j]);
    let s = 0;
    for (let j = 0; j < y.cols; j++) s += Math.exp(y.data[o + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < y.cols; j++) out[o + j] = Math.max(LOG_FLOOR, y.data[o + j] - lse);
  }
  return out;
}

const argmaxRow = (a: ArrayLike<number>, o: number, d: number) => { let b = 0; for (let j = 1; j < d; j++) if (a[o + j] > a[o + b]) b = j; return b; };

/** class index per sample from labels (indices, or rows to argmax) or from the reference outputs */
export function classes(n: number, labels: Labels | undefined, ref: Outputs): Int32Array {
  const c = new Int32Array(n);
  if (labels) {
    const d = labels.data.length / n;
    if (!Number.isInteger(d) || d < 1) throw new Error(`labels: ${labels.data.length} values for ${n} samples`);
    for (let i = 0; i < n; i++) c[i] = d === 1 ? labels.data[i] : argmaxRow(labels.data, i * d, d);
  } else for (let i = 0; i < n; i++) c[i] = argmaxRow(ref.data, i * ref.cols, ref.cols);
  return c;
}

export function top1(y: Outputs, cls: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.rows; i++) if (argmaxRow(y.data, i * y.cols, y.cols) === cls[i]) ok++;
  return ok / y.rows;
}

/** cross-entropy against hard classes or soft reference probabilities */
export function crossEntropy(y: Outputs, target: Int32Array | Float64Array, kind?: MetricOptions['outputKind']): number {
  const lp = logProbs(y, kind);
  let s = 0;
  if (target instanceof Int32Array) for (let i = 0; i < y.rows; i++) s -= lp[i * y.cols + target[i]];
  else for (let k = 0; k < lp.length; k++) if (target[k] > 0) s -= target[k] * lp[k];
  return s / y.rows;
}

/** rows of the last axis and their weights (when the weights have one per such row) */
function tokenRows(y: Outputs, w?: Float32Array): { rows: number; cols: number; w?: Float32Array } {
  const cols = y.last ?? y.cols, rows = y.data.length / cols;
  return { rows, cols, w: w && w.length === rows ? w : undefined };
}
const isProbs = (y: Outputs, kind?: MetricOptions['outputKind']) => kind === 'probs' || ((kind ?? 'auto') === 'auto' && looksLikeProbs(y));

/** mean KL(r || p) over the rows of the last axis, in the module (weighted by opts.tokenWeights) */
export function klDivergence(y: Outputs, ref: Outputs, kind?: MetricOptions['outputKind'], w?: Float32Array): number {
  const t = tokenRows(y, w);
  return stats(klRows(y.data, ref.data, t.rows, t.cols, isProbs(ref, kind)), t.w).mean;
}

/** cosine of each sample's output to the reference, in the module: mean and min over samples */
export function cosineStats(y: Outputs, ref: Outputs): { mean: number; min: number } {
  const s = stats(cosineRows(y.data, ref.data, y.rows, y.cols));
  return { mean: s.mean, min: s.min };
}
export const cosine = (y: Outputs, ref: Outputs): number => cosineStats(y, ref).mean;

/** exp(mean -log p(label)) over labelled rows of the last axis (label < 0: none), in the module */
export function perplexity(y: Outputs, labels: Labels | undefined, kind?: MetricOptions['outputKind']): number {
  if (!labels) throw new Error('perplexity needs labels: token ids [n, S] (text calibration data gives the next tokens)');
  const t = tokenRows(y);
  if (labels.data.length !== t.rows) throw new Error(`perplexity: ${labels.data.length} labels for ${t.rows} rows of ${t.cols} logits`);
  const r = nllRows(y.data, Int32Array.from(labels.data), t.rows, t.cols, isProbs(y, kind));
  if (r.count === 0) throw new Error('perplexity: no labelled token');
  return stats(r.nll, Float32Array.from(labels.data, (v) => (v >= 0 ? 1 : 0))).expMean;
}

export function mse(y: Outputs, target: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < y.data.length; k++) s += (y.data[k] - target[k]) ** 2;
  return s / y.data.length;
}

function landmarkErrors(y: Outputs, g: ArrayLike<number>, opts: MetricOptions): { err: Float64Array; norm: Float64Array; K: number } {
  const D = opts.landmarkDims ?? 2;
  const K = y.cols / D;
  if (!Number.isInteger(K)) throw new Error(`landmarks: ${y.cols} outputs per sample is not a multiple of ${D}`);
  const err = new Float64Array(y.rows * K), norm = new Float64Array(y.rows);
  for (let i = 0; i < y.rows; i++) {
    const o = i * y.cols;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += (y.data[o + k * D + d] - g[o + k * D + d]) ** 2;
      err[i * K + k] = Math.sqrt(s);
    }
    if (typeof opts.norm === 'number') norm[i] = opts.norm;
    else if (opts.norm) norm[i] = opts.norm[i];
    else {
      let s = 0;
      for (let d = 0; d < D; d++) {
        let lo = Infinity, hi = -Infinity;
        for (let k = 0; k < K; k++) { lo = Math.min(lo, g[o + k * D + d]); hi = Math.max(hi, g[o + k * D + d]); }
        s += (hi - lo) ** 2;
      }
      norm[i] = Math.sqrt(s);
    }
    if (!(norm[i] > 0)) throw new Error(`landmarks: normaliser of sample ${i} is ${norm[i]}; pass a norm`);
  }
  return { err, norm, K };
}

export function nme(y: Outputs, g: ArrayLike<number>, opts: MetricOptions = {}): number {
  const { err, norm, K } = landmarkErrors(y, g, opts);
  let s = 0;
  for (let i = 0; i < y.rows; i++) { let e = 0; for (let k = 0; k < K; k++) e += err[i * K + k]; s += e / K / norm[i]; }
  return s / y.rows;
}

export function pck(y: Outputs, g: ArrayLike<number>, opts: MetricOptions = {}): number {
  const { err, norm, K } = landmarkErrors(y, g, opts);
  const t = opts.pckThreshold ?? 0.1;
  let ok = 0;
  for (let i = 0; i < y.rows; i++) for (let k = 0; k < K; k++) if (err[i * K + k] <= t * norm[i]) ok++;
  return ok / (y.rows * K);
}

/** The metric of outputs y given labels (or, without labels, the reference outputs ref). */
export function metric(name: MetricName, y: Outputs, ref: Outputs, labels: Labels | undefined, opts: MetricOptions = {}): number {
  switch (name) {
    case 'top1': return top1(y, classes(y.rows, labels, ref));
    case 'ce': {
      if (labels) return crossEntropy(y, classes(y.rows, labels, ref), opts.outputKind);
      return crossEntropy(y, Float64Array.from(logProbs(ref, opts.outputKind), Math.exp), opts.outputKind);
    }
    case 'kl': return klDivergence(y, ref, opts.outputKind, opts.tokenWeights);
    case 'cosine': return cosine(y, ref);
    case 'cosine_min': return cosineStats(y, ref).min;
    case 'perplexity': return perplexity(y, labels, opts.outputKind);
    case 'mse': return mse(y, labels ? labels.data : ref.data);
    case 'nme': return nme(y, labels ? labels.data : ref.data, opts);
    case 'pck': return pck(y, labels ? labels.data : ref.data, opts);
  }
}

/** Smooth loss used by the Hessian and secant sensitivities, per metric: classification metrics
 *  (top1, ce) use cross-entropy with labels, else KL to the reference (kl, perplexity: KL); cosine uses 1 - cos;
 *  regression metrics (mse, nme, pck) use the mean squared error to labels / reference. */
export function smoothLoss(name: MetricName, y: Outputs, ref: Outputs, labels: Labels | undefined, opts: MetricOptions = {}): number {
  if (name === 'top1' || name === 'ce' || name === 'kl' || name === 'perplexity') return labels && (name === 'top1' || name === 'ce') ? metric('ce', y, ref, labels, opts) : klDivergence(y, ref, opts.outputKind, opts.tokenWeights);
  if (name === 'cosine' || name === 'cosine_min') return 1 - cosine(y, ref);
  return mse(y, labels ? labels.data : ref.data);
}

/** Degradation d >= 0 means worse: m - m0 for lower-better metrics, m0 - m for higher-better. */
export const degradation = (name: MetricName, m: number, m0: number) => (HIGHER_BETTER[name] ? m0 - m : m - m0);

export interface Tolerance { value: number; relative: boolean }

/** the largest allowed degradation: T, or T |m0| when relative */
export function allowed(t: Tolerance, m0: number): number {
  if (!t.relative) return t.value;
  if (m0 === 0) throw new Error('a relative tolerance needs a baseline metric other than 0 (use an absolute tolerance, e.g. for kl)');
  return t.value * Math.abs(m0);
}

// The planner's cosine, KL and perplexity computed by the module's kernels
// (assembly/kernels/metrics.ts), not by host float math: the host only copies outputs in and the
// f64 results out. Also the column abs-max and SmoothQuant scales that src/tools/bundle/smooth.ts
// folds into the weights.

import { get } from '../../runtime/wasm.js';
import * as heap from '../../runtime/heap.js';
import { fail } from '../../runtime/errors.js';

type Arr = Float32Array | Int32Array | Float64Array;

/** Copies `inputs` in, allocates `outBytes` (and `scratchBytes`), runs f, frees everything. */
function call<T>(inputs: Arr[], outBytes: number, scratchBytes: number, f: (p: number[], out: number, scratch: number) => T): T {
  const ps: number[] = [];
  let out = 0, sc = 0;
  try {
    for (const a of inputs) ps.push(a.byteLength ? heap.put(a) : heap.alloc(16));
    out = heap.alloc(Math.max(16, outBytes));
    sc = heap.alloc(Math.max(16, scratchBytes));
    return f(ps, out, sc);
  } finally {
    for (const p of ps) heap.free(p);
    heap.free(out); heap.free(sc);
  }
}
const f64s = (p: number, n: number) => new Float64Array(heap.buffer(), p, n).slice();

function check(a: { length: number }, rows: number, cols: number, what: string): void {
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 1 || a.length !== rows * cols) fail('SHAPE_MISMATCH', `${what}: ${a.length} values are not ${rows} rows of ${cols}`);
}

/** cos(a_r, b_r) per row, f64 (cosine_rows_f32__scalar) */
export function cosineRows(a: Float32Array, b: Float32Array, rows: number, cols: number): Float64Array {
  check(a, rows, cols, 'cosine'); check(b, rows, cols, 'cosine (reference)');
  return call([a, b], rows * 8, 0, ([pa, pb], out) => { get().cosine_rows_f32__scalar(pa, pb, rows, cols, out); return f64s(out, rows); });
}

/** KL(reference row || y row) per row (kl_rows_f32__scalar); probs: the values are probabilities */
export function klRows(y: Float32Array, ref: Float32Array, rows: number, cols: number, probs: boolean): Float64Array {
  check(y, rows, cols, 'kl'); check(ref, rows, cols, 'kl (reference)');
  return call([y, ref], rows * 8, cols * 16, ([py, pr], out, sc) => { get().kl_rows_f32__scalar(py, pr, rows, cols, probs ? 1 : 0, sc, out); return f64s(out, rows); });
}

/** -log p(label) per row (0 where label < 0) and the count of labelled rows (nll_rows_f32__scalar) */
export function nllRows(y: Float32Array, labels: Int32Array, rows: number, cols: number, probs: boolean): { nll: Float64Array; count: number } {
  check(y, rows, cols, 'perplexity'); check(labels, rows, 1, 'perplexity labels');
  return call([y, labels], rows * 8, cols * 8, ([py, pl], out, sc) => {
    const count = get().nll_rows_f32__scalar(py, pl, rows, cols, probs ? 1 : 0, sc, out);
    if (count < 0) fail('BAD_ARGUMENT', `perplexity: a label is not below the ${cols} classes of the output`);
    return { nll: f64s(out, rows), count };
  });
}

export interface Stats { mean: number; min: number; max: number; sum: number; weight: number; expMean: number }

/** weighted mean / min / max / sum of v over rows with w > 0 (all rows without w), exp(mean) (stats_f64__scalar) */
export function stats(v: Float64Array, w?: Float32Array): Stats {
  if (w && w.length !== v.length) fail('SHAPE_MISMATCH', `stats: ${w.length} weights for ${v.length} values`);
  return call(w ? [v, w] : [v], 48, 0, ([pv, pw], out) => {
    get().stats_f64__scalar(pv, w ? pw : 0, v.length, out);
    const [mean, min, max, sum, weight, expMean] = f64s(out, 6);
    return { mean, min, max, sum, weight, expMean };
  });
}

/** max_i |x_ij| per column j; `acc` carries a running max over batches (absmax_cols_f32__scalar) */
export function absmaxCols(x: Float32Array, rows: number, cols: number, acc?: Float32Array): Float32Array {
  check(x, rows, cols, 'absmax');
  if (acc && acc.length !== cols) fail('SHAPE_MISMATCH', `absmax: ${acc.length} running values for ${cols} columns`);
  return call([x], cols * 4, 0, ([px], out) => {
    if (acc) heap.f32(out, cols).set(acc);
    get().absmax_cols_f32__scalar(px, rows, cols, acc ? 1 : 0, out);
    return heap.f32(out, cols).slice();
  });
}

/** s_j = xmax_j^alpha / wmax_j^(1 - alpha) (SmoothQuant: Xiao et al. 2023), smooth_scales_f32__scalar */
export function smoothScales(xmax: Float32Array, wmax: Float32Array, alpha: number): Float32Array {
  if (xmax.length !== wmax.length) fail('SHAPE_MISMATCH', `smooth scales: ${xmax.length} activation and ${wmax.length} weight channels`);
  if (!(alpha >= 0 && alpha <= 1)) fail('BAD_OPTION', `smooth scales: alpha ${alpha} is not in [0, 1]`);
  const n = xmax.length;
  return call([xmax, wmax], n * 4, 0, ([px, pw], out) => { get().smooth_scales_f32__scalar(px, pw, n, alpha, out); return heap.f32(out, n).slice(); });
}

// The planner's cosine, KL and perplexity computed by the module's kernels
// (assembly/kernels/metrics.ts), not by host float math: the host only copies outputs in and the
// f64 results out. (The column abs-max and SmoothQuant scales that src/tools/bundle/smooth.ts folds
// into the weights are with the tools' other module arithmetic, src/tools/import/math.ts.)

import { get } from '../../runtime/wasm.js';
import * as heap from '../../runtime/heap.js';
import { withPut, checkRows as check } from '../import/math.js';
import { fail } from '../../runtime/errors.js';

const f64s = (p: number, n: number) => new Float64Array(heap.buffer(), p, n).slice();

/** cos(a_r, b_r) per row, f64 (cosine_rows_f32__scalar) */
export function cosineRows(a: Float32Array, b: Float32Array, rows: number, cols: number): Float64Array {
  check(a, rows, cols, 'cosine'); check(b, rows, cols, 'cosine (reference)');
  return withPut([a, b], rows * 8, ([pa, pb], out) => { get().cosine_rows_f32__scalar(pa, pb, rows, cols, out); return f64s(out, rows); });
}

/** KL(reference row || y row) per row (kl_rows_f32__scalar); probs: the values are probabilities */
export function klRows(y: Float32Array, ref: Float32Array, rows: number, cols: number, probs: boolean): Float64Array {
  check(y, rows, cols, 'kl'); check(ref, rows, cols, 'kl (reference)');
  return withPut([y, ref], rows * 8, ([py, pr], out, sc) => { get().kl_rows_f32__scalar(py, pr, rows, cols, probs ? 1 : 0, sc, out); return f64s(out, rows); }, cols * 16);
}

/** -log p(label) per row (0 where label < 0) and the count of labelled rows (nll_rows_f32__scalar) */
export function nllRows(y: Float32Array, labels: Int32Array, rows: number, cols: number, probs: boolean): { nll: Float64Array; count: number } {
  check(y, rows, cols, 'perplexity'); check(labels, rows, 1, 'perplexity labels');
  return withPut([y, labels], rows * 8, ([py, pl], out, sc) => {
    const count = get().nll_rows_f32__scalar(py, pl, rows, cols, probs ? 1 : 0, sc, out);
    if (count < 0) fail('BAD_ARGUMENT', `perplexity: a label is not below the ${cols} classes of the output`);
    return { nll: f64s(out, rows), count };
  }, cols * 8);
}

export interface Stats { mean: number; min: number; max: number; sum: number; weight: number; expMean: number }

/** weighted mean / min / max / sum of v over rows with w > 0 (all rows without w), exp(mean) (stats_f64__scalar) */
export function stats(v: Float64Array, w?: Float32Array): Stats {
  if (w && w.length !== v.length) fail('SHAPE_MISMATCH', `stats: ${w.length} weights for ${v.length} values`);
  return withPut(w ? [v, w] : [v], 48, ([pv, pw], out) => {
    get().stats_f64__scalar(pv, w ? pw : 0, v.length, out);
    const [mean, min, max, sum, weight, expMean] = f64s(out, 6);
    return { mean, min, max, sum, weight, expMean };
  });
}

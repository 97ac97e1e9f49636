// The planner's metrics and SmoothQuant statistics, in the module (docs/ARCHITECTURE.md rule 1:
// the host never computes on tensor values). All scalar: each is its own reference. Sums run in
// f64, in row order then column order, so results never depend on the engine.
//
//   cosine_rows_f32__scalar(a, b, rows, cols, out)        out[r] = <a_r, b_r> / (|a_r| |b_r|) (f64);
//                                                          1 when both rows are 0, 0 when one is
//   kl_rows_f32__scalar(y, r, rows, cols, probs, out)      out[i] = sum_j p_ij (log p_ij - log q_ij),
//                                                          p = probabilities of the reference r, q of y
//   nll_rows_f32__scalar(y, labels, rows, cols, probs, out) out[i] = -log q_i[label_i] (0 where label < 0);
//                                                          returns the count of labelled rows, -1 for a
//                                                          label >= cols
//   stats_f64__scalar(v, w, n, out)                        out = [weighted mean, min, max, sum w v, sum w,
//                                                          exp(mean)] over rows with w > 0 (w f32, 0: all 1)
//   absmax_cols_f32__scalar(x, rows, cols, acc, out)       out[j] = max_i |x_ij| (acc = 1: max with out's
//                                                          values already there; calibration over batches)
//   smooth_scales_f32__scalar(xmax, wmax, n, alpha, out)   out[j] = xmax_j^alpha / wmax_j^(1 - alpha),
//                                                          1 where either is 0 (SmoothQuant: Xiao et al.
//                                                          2023, eq. 4), clamped to [1e-5, 1e5]
//
// Probabilities (probs = 0): log-softmax of the row (max-shifted, f64 exp / log); probs = 1: the
// values are probabilities already, log p = log(max(p, 1e-12)). log p is floored at log(1e-12)
// and terms with p <= 1e-12 are skipped (src/tools/plan/metrics.ts, the host statistics' rules).

const FLOOR: f64 = -27.631021115928547; // log(1e-12)

function logProbRow(x: usize, cols: i32, probs: i32, out: usize): void {
  if (probs != 0) {
    for (let j = 0; j < cols; j++) {
      const v = <f64>load<f32>(x + (<usize>j << 2));
      const l = v > 0 ? Math.log(v) : FLOOR;
      store<f64>(out + (<usize>j << 3), l > FLOOR ? l : FLOOR);
    }
    return;
  }
  let m: f64 = -Infinity;
  for (let j = 0; j < cols; j++) { const v = <f64>load<f32>(x + (<usize>j << 2)); if (v > m) m = v; }
  let s: f64 = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(<f64>load<f32>(x + (<usize>j << 2)) - m);
  const lse = m + Math.log(s);
  for (let j = 0; j < cols; j++) {
    const l = <f64>load<f32>(x + (<usize>j << 2)) - lse;
    store<f64>(out + (<usize>j << 3), l > FLOOR ? l : FLOOR);
  }
}

export function cosine_rows_f32__scalar(a: usize, b: usize, rows: i32, cols: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    let d: f64 = 0, na: f64 = 0, nb: f64 = 0;
    const o = <usize>r * <usize>cols;
    for (let j = 0; j < cols; j++) {
      const u = <f64>load<f32>(a + ((o + j) << 2)), v = <f64>load<f32>(b + ((o + j) << 2));
      d += u * v; na += u * u; nb += v * v;
    }
    const c: f64 = na == 0 && nb == 0 ? 1 : na == 0 || nb == 0 ? 0 : d / Math.sqrt(na * nb);
    store<f64>(out + (<usize>r << 3), c);
  }
}

/** scratch: 2 * cols f64 */
export function kl_rows_f32__scalar(y: usize, r: usize, rows: i32, cols: i32, probs: i32, scratch: usize, out: usize): void {
  const ly = scratch, lr = scratch + (<usize>cols << 3);
  for (let i = 0; i < rows; i++) {
    const o = (<usize>i * <usize>cols) << 2;
    logProbRow(y + o, cols, probs, ly);
    logProbRow(r + o, cols, probs, lr);
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const a = load<f64>(lr + (<usize>j << 3));
      const p = Math.exp(a);
      if (p > 1e-12) s += p * (a - load<f64>(ly + (<usize>j << 3)));
    }
    store<f64>(out + (<usize>i << 3), s);
  }
}

/** scratch: cols f64 */
export function nll_rows_f32__scalar(y: usize, labels: usize, rows: i32, cols: i32, probs: i32, scratch: usize, out: usize): i32 {
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const t = load<i32>(labels + (<usize>i << 2));
    if (t >= cols) return -1;
    if (t < 0) { store<f64>(out + (<usize>i << 3), 0); continue; }
    logProbRow(y + ((<usize>i * <usize>cols) << 2), cols, probs, scratch);
    store<f64>(out + (<usize>i << 3), -load<f64>(scratch + (<usize>t << 3)));
    count++;
  }
  return count;
}

export function stats_f64__scalar(v: usize, w: usize, n: i32, out: usize): void {
  let s: f64 = 0, sw: f64 = 0, lo: f64 = Infinity, hi: f64 = -Infinity;
  for (let i = 0; i < n; i++) {
    const wi: f64 = w != 0 ? <f64>load<f32>(w + (<usize>i << 2)) : 1;
    if (!(wi > 0)) continue;
    const x = load<f64>(v + (<usize>i << 3));
    s += wi * x; sw += wi;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const mean = sw > 0 ? s / sw : NaN;
  store<f64>(out, mean); store<f64>(out + 8, lo); store<f64>(out + 16, hi);
  store<f64>(out + 24, s); store<f64>(out + 32, sw); store<f64>(out + 40, Math.exp(mean));
}

export function absmax_cols_f32__scalar(x: usize, rows: i32, cols: i32, acc: i32, out: usize): void {
  if (acc == 0) for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  for (let i = 0; i < rows; i++) {
    const o = <usize>i * <usize>cols;
    for (let j = 0; j < cols; j++) {
      const a = Mathf.abs(load<f32>(x + ((o + j) << 2)));
      const p = out + (<usize>j << 2);
      if (a > load<f32>(p)) store<f32>(p, a); // NaN never replaces the max
    }
  }
}

export function smooth_scales_f32__scalar(xmax: usize, wmax: usize, n: i32, alpha: f32, out: usize): void {
  const a = <f64>alpha;
  for (let j = 0; j < n; j++) {
    const x = <f64>load<f32>(xmax + (<usize>j << 2)), w = <f64>load<f32>(wmax + (<usize>j << 2));
    let s: f64 = x > 0 && w > 0 ? Math.pow(x, a) / Math.pow(w, 1 - a) : 1;
    if (!(s >= 1e-5)) s = 1e-5;
    if (s > 1e5) s = 1e5;
    store<f32>(out + (<usize>j << 2), <f32>s);
  }
}

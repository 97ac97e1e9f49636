// Activation ranges per layer output (host-side statistics over values the module computed).
//
// Methods, for a set of values x (one tensor, one channel or one block of channels):
//   minmax      [min x, max x]; symmetric: [-a, a], a = max |x|
//   percentile  symmetric: a = the p-th percentile of |x| (p = 99.99 by default, linear
//               interpolation between order statistics); asymmetric: [P_(100-p)(x), P_p(x)]
//   mse         the clip threshold that minimises the expected quantisation error of the
//               histogram (bins over [0, max|x|]): for a threshold T and q = 2^(bits-1) - 1 levels,
//               step s = T / q, a value c <= T costs s^2 / 12 (uniform rounding error), a value
//               c > T costs (c - T)^2 (clipping); T tried at bins/128 ... bins bin edges.
//               asymmetric: the same search over a scale factor a in (0, 1] of [min, max]
//               (2^bits - 1 levels over the range)
//   kl          TensorRT entropy calibration: histogram of |x| (2048 bins per tensor, 512 per
//               channel / block) over [0, max|x|]; for every i in [128, bins]: P = the first i
//               bins with the outliers (bins >= i) added to bin i-1; Q = those i bins merged into
//               128 levels and spread back evenly over each level's non-empty bins; both
//               normalised, zero bins of Q given eps = 1e-4 (taken from the non-zero ones);
//               choose i minimising KL(P || Q); threshold = (i + 0.5) * bin width. Symmetric by
//               nature; asymmetric clips [max(min, -T), min(max, T)].
//
// Granularity over a tensor whose last axis is the channel axis (NHWC, [N, C]): tensor, channel,
// or block (blocks of `block` consecutive channels, default 32).

export type CalibMethod = 'minmax' | 'percentile' | 'mse' | 'kl';
export type CalibGranularity = 'tensor' | 'channel' | 'block';

export interface CalibOptions {
  method: CalibMethod;
  symmetric?: boolean;
  granularity?: CalibGranularity;
  block?: number;
  percentile?: number;
  bits?: number;
  bins?: number;
}

export interface Range { min: number; max: number }

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function histogram(x: ArrayLike<number>, bins: number, top: number, abs: boolean, lo = 0): Float64Array {
  const h = new Float64Array(bins);
  const w = (top - lo) / bins;
  for (let k = 0; k < x.length; k++) {
    const v = abs ? Math.abs(x[k]) : x[k];
    if (!Number.isFinite(v)) continue;
    h[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
  }
  return h;
}

/** TensorRT-style entropy threshold from a histogram of |x|; returns the bin count i chosen. */
export function klThresholdBins(hist: Float64Array, levels = 128): number {
  const bins = hist.length;
  let best = bins, bestKL = Infinity;
  const eps = 1e-4;
  for (let i = Math.min(levels, bins); i <= bins; i++) {
    const p = Float64Array.from(hist.subarray(0, i));
    let outliers = 0;
    for (let k = i; k < bins; k++) outliers += hist[k];
    p[i - 1] += outliers;
    const q = new Float64Array(i);
    const per = i / levels;
    for (let l = 0; l < levels; l++) {
      const a = Math.floor(l * per), b = l === levels - 1 ? i : Math.floor((l + 1) * per);
      let sum = 0, nz = 0;
      for (let k = a; k < b; k++) { sum += hist[k]; if (hist[k] !== 0) nz++; }
      for (let k = a; k < b; k++) q[k] = hist[k] !== 0 ? sum / nz : 0;
    }
    const kl = klSmoothed(p, q, eps);
    if (kl < bestKL) { bestKL = kl; best = i; }
  }
  return best;
}

function smooth(d: Float64Array, eps: number): Float64Array | null {
  let total = 0, zeros = 0;
  for (const v of d) { total += v; if (v === 0) zeros++; }
  const nz = d.length - zeros;
  if (total === 0 || nz === 0) return null;
  const out = new Float64Array(d.length);
  const take = zeros ? (eps * zeros) / nz : 0;
  for (let k = 0; k < d.length; k++) out[k] = d[k] === 0 ? eps : d[k] / total - take;
  for (const v of out) if (v <= 0) return null;
  return out;
}

function klSmoothed(p: Float64Array, q: Float64Array, eps: number): number {
  const ps = smooth(p, eps), qs = smooth(q, eps);
  if (!ps || !qs) return Infinity;
  let s = 0;
  for (let k = 0; k < ps.length; k++) if (p[k] !== 0) s += ps[k] * Math.log(ps[k] / qs[k]);
  return s;
}

/** the range of one group of values */
export function rangeOf(x: ArrayLike<number>, o: CalibOptions): Range {
  const sym = o.symmetric ?? true;
  let mn = Infinity, mx = -Infinity;
  for (let k = 0; k < x.length; k++) { const v = x[k]; if (Number.isFinite(v)) { if (v < mn) mn = v; if (v > mx) mx = v; } }
  if (mn === Infinity) return { min: 0, max: 0 };
  const amax = Math.max(Math.abs(mn), Math.abs(mx));
  const symm = (a: number) => ({ min: -a, max: a });
  const clip = (a: number) => (sym ? symm(a) : { min: Math.max(mn, -a), max: Math.min(mx, a) });
  if (o.method === 'minmax' || amax === 0) return sym ? symm(amax) : { min: mn, max: mx };
  const bits = o.bits ?? 8;
  if (o.method === 'percentile') {
    const p = (o.percentile ?? 99.99) / 100;
    if (sym) return symm(quantile(Float64Array.from(x, Math.abs).sort(), p));
    const s = Float64Array.from(x).sort();
    return { min: quantile(s, 1 - p), max: quantile(s, p) };
  }
  const bins = o.bins ?? 2048;
  if (o.method === 'kl') {
    const h = histogram(x, bins, amax, true);
    return clip(((klThresholdBins(h) + 0.5) * amax) / bins);
  }
  // mse
  if (sym) {
    const h = histogram(x, bins, amax, true);
    const w = amax / bins, q = 2 ** (bits - 1) - 1;
    let best = amax, bestErr = Infinity;
    for (let t = Math.max(1, bins >> 7); t <= bins; t++) {
      const T = t * w, s2 = (T / q) ** 2 / 12;
      let err = 0;
      for (let k = 0; k < bins; k++) { if (!h[k]) continue; const c = (k + 0.5) * w; err += h[k] * (c > T ? (c - T) ** 2 : s2); }
      if (err < bestErr) { bestErr = err; best = T; }
    }
    return symm(best);
  }
  const h = histogram(x, bins, mx, false, mn);
  const w = (mx - mn) / bins, q = 2 ** bits - 1;
  let best = 1, bestErr = Infinity;
  for (let t = 1; t <= 128; t++) {
    const a = t / 128, lo = mn * a, hi = mx * a, s2 = ((hi - lo) / q) ** 2 / 12;
    let err = 0;
    for (let k = 0; k < bins; k++) { if (!h[k]) continue; const c = mn + (k + 0.5) * w; err += h[k] * (c > hi ? (c - hi) ** 2 : c < lo ? (lo - c) ** 2 : s2); }
    if (err < bestErr) { bestErr = err; best = a; }
  }
  return { min: mn * best, max: mx * best };
}

/** Ranges of a tensor [..., C] per group. Returns one range (tensor), C (channel) or ceil(C / block). */
export function tensorRanges(data: Float32Array, channels: number, o: CalibOptions): Range[] {
  const g = o.granularity ?? 'tensor';
  if (g === 'tensor' || channels <= 1) return [rangeOf(data, o)];
  const block = g === 'channel' ? 1 : o.block ?? 32;
  const groups = Math.ceil(channels / block);
  const rows = data.length / channels;
  const bins = o.bins ?? 512;
  const out: Range[] = [];
  const buf = new Float32Array(rows * block);
  for (let gi = 0; gi < groups; gi++) {
    const c0 = gi * block, c1 = Math.min(channels, c0 + block), w = c1 - c0;
    let n = 0;
    for (let r = 0; r < rows; r++) for (let c = c0; c < c1; c++) buf[n++] = data[r * channels + c];
    out.push(rangeOf(buf.subarray(0, rows * w), { ...o, bins }));
  }
  return out;
}

/** i8 quantisation parameters of a range: symmetric scale = a / 127, zero point 0; asymmetric
 *  scale = (max - min) / 255, zero point = round(-min / scale) - 128. */
export function qparams(r: Range, symmetric: boolean): { scale: number; zeroPoint: number } {
  if (symmetric) { const a = Math.max(Math.abs(r.min), Math.abs(r.max)); return { scale: a / 127 || 1, zeroPoint: 0 }; }
  const scale = (r.max - r.min) / 255 || 1;
  return { scale, zeroPoint: Math.round(-r.min / scale) - 128 };
}

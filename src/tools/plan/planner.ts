// The planner: calibration, sensitivities, search, latency — every model output computed by the
// module through the host it is given (Host), statistics on the host.

import type { PrecisionMap, LayerPrecision } from '../../runtime/index.js';
import { WeightPatcher, withOutputs, type Host } from './host.js';
import { weightInput, tensorEntry } from '../../runtime/bundle/layout.js';
import { cosineStats, metric, smoothLoss, degradation, allowed, looksLikeProbs, HIGHER_BETTER, type MetricName, type MetricOptions, type Labels, type Outputs, type Tolerance } from './metrics.js';
import { tensorRanges, qparams, type CalibOptions, type Range } from './calibrate.js';
import { xorshift32, rademacher, spearman } from './rng.js';
import { greedy, binary, pareto, type Assign, type SearchResult, type SearchProblem } from './search.js';
import { elements } from '../../runtime/bundle/layout.js';
import { splitSmooth, denseInputMax, smoothed } from './smoothplan.js';
import type { SmoothReport } from '../bundle/smooth.js';

/** One graph input's values for every sample (the first dim): text models' int64 ids and mask. */
export interface Feed { name: string; data: Float32Array | Int32Array | BigInt64Array; shape: number[] }
/** x [n, ...] feeds the model's only input; or `feeds` give every input (text: ./text.ts), and
 *  `tokenWeights` [n, S] the attention mask the token metrics weigh rows by. */
export interface Dataset { x: Float32Array; shape: number[]; labels?: Labels; feeds?: Feed[]; tokenWeights?: Float32Array }

/** The feeds of samples [s, s + b) (inputs whose first dim is fixed keep it). */
export function batchFeeds(data: Dataset, inputs: { name: string; shape: number[] }[], s: number, b: number): Record<string, { data: Float32Array | Int32Array | BigInt64Array; shape: number[] }> {
  if (!data.feeds) {
    const inp = inputs[0], per = elements(data.shape.slice(1));
    return { [inp.name]: { data: data.x.subarray(s * per, (s + b) * per), shape: [b, ...inp.shape.slice(1)] } };
  }
  const out: Record<string, { data: Float32Array | Int32Array | BigInt64Array; shape: number[] }> = {};
  for (const f of data.feeds) { const per = elements(f.shape.slice(1)); out[f.name] = { data: f.data.subarray(s * per, (s + b) * per), shape: [b, ...f.shape.slice(1)] }; }
  return out;
}

// ---- candidates -------------------------------------------------------------------------------

/** `WEIGHTS[:GRAN][/ACTS[/ACC]]`: GRAN tensor | channel | gN (groups of N along the input axis);
 *  integer weights default to per-channel. e.g. `f16`, `i8`, `i4:g32`, `i8/i8` (w8a8), `f32/bf16`. */
export function parseCandidate(s: string): LayerPrecision {
  const [w, acts, acc] = s.split('/');
  const [fmt, gran] = w.split(':');
  const e: LayerPrecision = { weights: fmt as any };
  if (gran) {
    if (/^g\d+$/.test(gran)) { e.granularity = 'group'; e.groupSize = Number(gran.slice(1)); }
    else e.granularity = gran as any;
  } else if (['i8', 'u8', 'i4'].includes(fmt)) e.granularity = 'channel';
  if (acts) e.activations = acts as any;
  if (acc) e.accumulator = acc as any;
  return e;
}

// ---- running the model ------------------------------------------------------------------------

export interface EvalOptions { metric: MetricName; metricOptions?: MetricOptions; batch?: number }

/** Runs bundles on the calibration set (in batches) and scores their first output. */
export class Evaluator {
  ref!: Outputs;
  m0 = 0;
  loss0 = 0;
  runs = 0;
  readonly n: number;
  private mo: MetricOptions;
  constructor(private host: Host, readonly data: Dataset, readonly opts: EvalOptions) {
    this.n = data.shape[0];
    this.mo = { ...(opts.metricOptions ?? {}) };
  }

  /** the first graph output over all samples (or the named outputs, for calibration) */
  outputs(bytes: Uint8Array, names?: string[]): Map<string, { data: Float32Array; shape: number[] }> {
    const m = this.host.alloy.load(bytes);
    this.runs++;
    try {
      const inp = m.inputs[0];
      const fixed = inp.shape[0] !== -1;
      const bs = fixed ? inp.shape[0] : Math.max(1, this.opts.batch ?? 64);
      const want = names ?? [m.outputs[0].name];
      const parts = new Map<string, Float32Array[]>();
      const shapes = new Map<string, number[]>();
      for (let s = 0; s < this.n; s += bs) {
        const b = Math.min(bs, this.n - s);
        if (fixed && b !== bs) break;
        const out = m.run(batchFeeds(this.data, m.inputs, s, b) as any);
        for (const w of want) { if (!parts.has(w)) parts.set(w, []); parts.get(w)!.push(out[w].data); shapes.set(w, out[w].shape); }
      }
      const res = new Map<string, { data: Float32Array; shape: number[] }>();
      for (const w of want) {
        const ps = parts.get(w)!;
        const data = new Float32Array(ps.reduce((t, p) => t + p.length, 0));
        let o = 0;
        for (const p of ps) { data.set(p, o); o += p.length; }
        const sh = shapes.get(w)!;
        const rows = data.length / sh.slice(1).reduce((a, b) => a * b, 1); // every batch's rows (the last batch may be short)
        res.set(w, { data, shape: [rows, ...sh.slice(1)] });
      }
      return res;
    } finally { m.dispose(); }
  }

  output(bytes: Uint8Array): Outputs {
    const o = [...this.outputs(bytes).values()][0];
    return { data: o.data, rows: o.shape[0], cols: o.data.length / o.shape[0], last: o.shape.length > 1 ? o.shape[o.shape.length - 1] : undefined };
  }

  setReference(bytes: Uint8Array): void {
    this.ref = this.output(bytes);
    if (!this.mo.outputKind || this.mo.outputKind === 'auto') this.mo.outputKind = looksLikeProbs(this.ref) ? 'probs' : 'logits';
    const s = this.score(this.ref);
    this.m0 = s.metric; this.loss0 = s.loss;
  }

  private labels(rows: number): Labels | undefined {
    const l = this.data.labels;
    if (!l || rows === this.n) return l;
    const per = l.data.length / this.n;
    return { data: l.data.subarray(0, rows * per), shape: [rows, ...l.shape.slice(1)] };
  }

  score(y: Outputs): { metric: number; loss: number } {
    const L = this.labels(y.rows);
    const tw = this.data.tokenWeights;
    const mo = tw ? { ...this.mo, tokenWeights: tw.subarray(0, y.rows * (tw.length / this.n)) } : this.mo;
    return { metric: metric(this.opts.metric, y, this.ref, L, mo), loss: smoothLoss(this.opts.metric, y, this.ref, L, mo) };
  }

  /** metric and loss of a bundle */
  measure(bytes: Uint8Array): { metric: number; loss: number } { return this.score(this.output(bytes)); }
}

// ---- the plan -----------------------------------------------------------------------------------

export type SensitivityKind = 'perturb' | 'hessian' | 'secant';

export interface PlanOptions {
  metric: MetricName;
  metricOptions?: MetricOptions;
  tolerance: Tolerance;
  formats: string[];
  search: 'greedy' | 'binary' | 'pareto';
  /** which sensitivity orders the layers and drives the Pareto proxy (default perturb) */
  rankBy?: SensitivityKind;
  /** Hutchinson: Rademacher samples per layer (default 8) and step h = hRel * rms(w) (default 1e-2); 0 samples: skip */
  hutchinson?: { samples?: number; hRel?: number; seed?: number };
  /** compute the secant / first-order sensitivities (default true) */
  secant?: boolean;
  calibration?: CalibOptions | null;
  paretoPoints?: number;
  batch?: number;
  latency?: { warmupMs: number; runs: number } | null;
  onProgress?: (phase: string, done: number, total: number, what: string) => void;
}

export interface LayerRow {
  layer: string; index: number; op: string; weight: string; params: number; bytes: number;
  hessianTrace?: number; hessianStdErr?: number; h?: number;
  byFormat: Record<string, { bytes: number; metric: number; degradation: number; hawq?: number; secant?: number; firstOrder?: number; curvature?: number; errNorm2?: number }>;
}

export interface PlanResult {
  metric: MetricName; higherBetter: boolean; baseline: number; allowed: number; tolerance: Tolerance;
  formats: string[]; search: string; rankBy: SensitivityKind;
  layers: LayerRow[];
  correlations: Record<string, number>;
  result: SearchResult;
  map: PrecisionMap;
  after: { metric: number; degradation: number; ok: boolean };
  size: { before: number; after: number; weightsBefore: number; weightsAfter: number };
  latency?: { beforeMs: number; afterMs: number; runs: number; warmupMs: number };
  calibration?: Record<string, unknown>;
  evaluations: number;
  /** the layers the final map smooths (SmoothQuant, candidates `+sq`): their folding and scales */
  smooth?: SmoothReport[];
  /** mean and min cosine of the final bundle's outputs to the FP32 ones (module kernels) */
  cosine?: { mean: number; min: number };
  packed: Uint8Array;
  seconds: number;
}


/** `base` with the entries of `assign` merged into its layers. */
export function mergeMap(base: PrecisionMap | null, assign: Record<string, LayerPrecision>): PrecisionMap {
  const m: PrecisionMap = { version: 1 };
  if (base?.default) m.default = { ...base.default };
  const layers: Record<string, LayerPrecision> = { ...(base?.layers ?? {}) };
  for (const [l, e] of Object.entries(assign)) layers[l] = { ...(layers[l] ?? {}), ...e };
  if (Object.keys(layers).length) m.layers = layers;
  return m;
}

export function medianLatency(host: Host, bytes: Uint8Array, data: Dataset, warmupMs: number, runs: number): number {
  const m = host.alloy.load(bytes);
  try {
    const feeds = batchFeeds(data, m.inputs, 0, 1) as any;
    const t0 = performance.now();
    do m.run(feeds); while (performance.now() - t0 < warmupMs);
    const t: number[] = [];
    for (let i = 0; i < runs; i++) { const s = performance.now(); m.run(feeds); t.push(performance.now() - s); }
    t.sort((a, b) => a - b);
    return t[t.length >> 1];
  } finally { m.dispose(); }
}

/** Activation ranges of every node output over the calibration set (one run with every node
 *  output made a graph output). */
export function calibrate(host: Host, ev: Evaluator, bytes: Uint8Array, o: CalibOptions): Record<string, unknown> {
  const g = host.readBundle(bytes).header.graph;
  const names = g.nodes.map((n) => n.outputs[0]);
  const outs = ev.outputs(withOutputs(host, bytes, names), names);
  const layers: Record<string, unknown> = {};
  for (const n of g.nodes) {
    const t = outs.get(n.outputs[0])!;
    const C = t.shape.length > 1 ? t.shape[t.shape.length - 1] : 1;
    const r: Range[] = tensorRanges(t.data, C, o);
    const q = r.map((x) => qparams(x, o.symmetric ?? true));
    layers[n.name] = { tensor: n.outputs[0], shape: t.shape, min: r.map((x) => x.min), max: r.map((x) => x.max), scale: q.map((x) => x.scale), zeroPoint: q.map((x) => x.zeroPoint) };
  }
  return { method: o.method, symmetric: o.symmetric ?? true, granularity: o.granularity ?? 'tensor', ...(o.granularity === 'block' ? { block: o.block ?? 32 } : {}), ...(o.method === 'percentile' ? { percentile: o.percentile ?? 99.99 } : {}), samples: ev.n, layers };
}

/** Hutchinson estimate of tr(H) of the loss in one f32 weight tensor: mean over Rademacher v of
 *  (L(w + h v) - 2 L(w) + L(w - h v)) / h^2. Returns the trace, its standard error and h. */
export function hutchinson(host: Host, ev: Evaluator, patcher: WeightPatcher, tensor: string, samples: number, hRel: number, seed: number, loss0 = ev.loss0): { trace: number; stderr: number; h: number; estimates: number[] } {
  const w = patcher.values(tensor);
  let ss = 0;
  for (const x of w) ss += x * x;
  const h = hRel * (Math.sqrt(ss / w.length) || 1);
  const next = xorshift32(seed);
  const est: number[] = [];
  const wp = new Float32Array(w.length), wm = new Float32Array(w.length);
  for (let s = 0; s < samples; s++) {
    const v = rademacher(w.length, next);
    for (let i = 0; i < w.length; i++) { wp[i] = w[i] + h * v[i]; wm[i] = w[i] - h * v[i]; }
    patcher.set(tensor, wp);
    const lp = ev.score(ev.output(patcher.bundle())).loss;
    patcher.set(tensor, wm);
    const lm = ev.score(ev.output(patcher.bundle())).loss;
    est.push((lp - 2 * loss0 + lm) / (h * h));
  }
  patcher.restore(tensor);
  const mean = est.reduce((a, b) => a + b, 0) / est.length;
  const sd = est.length > 1 ? Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (est.length - 1)) : 0;
  return { trace: mean, stderr: sd / Math.sqrt(est.length), h, estimates: est };
}

export function plan(host: Host, bundle: Uint8Array, data: Dataset, o: PlanOptions): PlanResult {
  const t0 = performance.now();
  const prog = o.onProgress ?? (() => {});
  const rankBy = o.rankBy ?? 'perturb';
  const b0 = host.readBundle(bundle);
  const nodes = b0.header.graph.nodes;
  const names = nodes.map((n) => n.name);
  const baseMap = b0.header.precision ? host.validatePrecisionMap(b0.header.precision, names) : null;
  const weighted = nodes.map((n, index) => ({ n, index })).filter(({ n }) => weightInput(n.op) !== undefined && tensorEntry(b0.header, n.inputs[weightInput(n.op)!]));
  const cands = o.formats.map((f) => { const sq = splitSmooth(f); return { id: f, entry: parseCandidate(sq.base), alpha: sq.alpha }; });
  const alphaOf = new Map(cands.map((c) => [c.id, c.alpha]));
  for (const c of cands) host.validatePrecisionMap({ version: 1, default: c.entry }, [], `--formats ${c.id}`);

  // The working bundle: every weighted layer's weights in f32 (decoded if stored otherwise), so
  // weights can be perturbed by rewriting bytes. It is the FP32 reference.
  let work = bundle;
  const nonF32 = weighted.filter(({ n }) => tensorEntry(b0.header, n.inputs[weightInput(n.op)!])!.format !== 'f32');
  if (nonF32.length) work = host.writeBundle(host.packBundle(bundle, mergeMap(baseMap, Object.fromEntries(nonF32.map(({ n }) => [n.name, { weights: 'f32' as const }])))).input);
  const wb = host.readBundle(work);
  const ev = new Evaluator(host, data, { metric: o.metric, metricOptions: o.metricOptions, batch: o.batch });
  ev.setReference(work);
  const allowedDeg = allowed(o.tolerance, ev.m0);

  // SmoothQuant candidates: the smoothed layers' input maxima, measured once on the FP32 bundle
  const sqLayers = cands.some((c) => c.alpha !== undefined) ? weighted.filter(({ n }) => n.op === 'Dense').map(({ n }) => n.name) : [];
  const xmax = sqLayers.length ? denseInputMax(host, ev, work, sqLayers) : new Map<string, Float32Array>();
  const cache = new Map<string, { metric: number; loss: number; bytes: Uint8Array; report: { layer: string; bytesAfter: number }[]; smooth?: SmoothReport[] }>();
  const build = (assign: Assign) => {
    const key = JSON.stringify(Object.entries(assign).sort());
    let r = cache.get(key);
    if (!r) {
      const entries = Object.fromEntries(Object.entries(assign).map(([l, c]) => [l, parseCandidate(splitSmooth(c).base)]));
      const alphas = Object.fromEntries(Object.entries(assign).filter(([, c]) => alphaOf.get(c) !== undefined).map(([l, c]) => [l, alphaOf.get(c)!]));
      const sm = Object.keys(alphas).length ? smoothed(host, work, alphas, xmax) : null;
      const packed = host.packBundle(sm ? sm.bytes : wb, mergeMap(baseMap, entries)); // wb: read and checked once
      const bytes = host.writeBundle(packed.input);
      r = { ...ev.measure(bytes), bytes, report: packed.report, smooth: sm?.report };
      cache.set(key, r);
      if (cache.size > 16) cache.delete(cache.keys().next().value!);
    }
    return r;
  };

  // Calibration.
  let calibration: Record<string, unknown> | undefined;
  if (o.calibration) { prog('calibrate', 0, 1, ''); calibration = calibrate(host, ev, work, o.calibration); prog('calibrate', 1, 1, ''); }

  // (a) perturbation, (c) secant, (b) Hutchinson.
  const patcher = new WeightPatcher(work, host.xxh32);
  const hs = o.hutchinson?.samples ?? 8;
  const total = weighted.length * (cands.length + (hs > 0 ? 1 : 0));
  let done = 0;
  const rows: LayerRow[] = [];
  for (const { n, index } of weighted) {
    const wName = n.inputs[weightInput(n.op)!];
    const e = tensorEntry(wb.header, wName)!;
    const bytes0 = e.bytes + (tensorEntry(wb.header, e.scale)?.bytes ?? 0) + (tensorEntry(wb.header, e.zeroPoint)?.bytes ?? 0);
    const row: LayerRow = { layer: n.name, index, op: n.op, weight: wName, params: elements(e.shape), bytes: bytes0, byFormat: {} };
    const w0 = patcher.values(wName);
    for (const c of cands) {
      prog('sensitivity', ++done, total, `${n.name} ${c.id}`);
      const r = build({ [n.name]: c.id });
      const rep = r.report.find((x) => x.layer === n.name);
      // a smoothed layer also stores 1 / s (K floats) when nothing before it takes the division
      const extra = c.alpha !== undefined ? 4 * e.shape[1] : 0;
      const f: LayerRow['byFormat'][string] = { bytes: (rep ? rep.bytesAfter : bytes0) + extra, metric: r.metric, degradation: degradation(o.metric, r.metric, ev.m0) };
      if ((o.secant !== false || hs > 0) && c.alpha === undefined) {
        const wq = host.tensorValues(host.readBundle(r.bytes), wName);
        const dw = new Float32Array(w0.length);
        let e2 = 0;
        for (let i = 0; i < w0.length; i++) { dw[i] = wq[i] - w0[i]; e2 += dw[i] * dw[i]; }
        f.errNorm2 = e2;
        if (o.secant !== false && e2 > 0) {
          const wm = new Float32Array(w0.length);
          for (let i = 0; i < w0.length; i++) wm[i] = w0[i] - dw[i];
          patcher.set(wName, wq);
          const lp = ev.measure(patcher.bundle()).loss;
          patcher.set(wName, wm);
          const lm = ev.measure(patcher.bundle()).loss;
          patcher.restore(wName);
          f.secant = lp - ev.loss0; f.firstOrder = (lp - lm) / 2; f.curvature = lp - 2 * ev.loss0 + lm;
        } else if (o.secant !== false) { f.secant = 0; f.firstOrder = 0; f.curvature = 0; }
      }
      row.byFormat[c.id] = f;
    }
    if (hs > 0) {
      prog('sensitivity', ++done, total, `${n.name} hessian`);
      const r = hutchinson(host, ev, patcher, wName, hs, o.hutchinson?.hRel ?? 1e-2, (o.hutchinson?.seed ?? 1) + index);
      row.hessianTrace = r.trace; row.hessianStdErr = r.stderr; row.h = r.h;
      for (const c of cands) { const f = row.byFormat[c.id]; f.hawq = 0.5 * (r.trace / row.params) * (f.errNorm2 ?? 0); }
    }
    rows.push(row);
  }

  // Rank correlations of the forward-only estimates with the measured perturbation.
  const correlations: Record<string, number> = {};
  const pairs = rows.flatMap((r) => cands.map((c) => r.byFormat[c.id]));
  if (hs > 0) correlations['hawq vs perturb (layer x format)'] = spearman(pairs.map((p) => p.hawq ?? 0), pairs.map((p) => p.degradation));
  if (o.secant !== false) correlations['secant vs perturb (layer x format)'] = spearman(pairs.map((p) => p.secant ?? 0), pairs.map((p) => p.degradation));
  if (hs > 0) for (const c of cands) correlations[`hawq vs perturb (${c.id}, per layer)`] = spearman(rows.map((r) => r.byFormat[c.id].hawq ?? 0), rows.map((r) => r.byFormat[c.id].degradation));

  // Search.
  const byName = new Map(rows.map((r) => [r.layer, r]));
  const sens = (l: string, c: string) => {
    const f = byName.get(l)!.byFormat[c];
    return rankBy === 'hessian' ? f.hawq ?? f.degradation : rankBy === 'secant' ? f.secant ?? f.degradation : f.degradation;
  };
  let evals = 0;
  const problem: SearchProblem = {
    layers: rows.map((r) => r.layer),
    candidates: cands.map((c) => c.id),
    cost: (l, c) => (c === null ? byName.get(l)!.bytes : byName.get(l)!.byFormat[c].bytes),
    sensitivity: sens,
    evaluate: (a) => { evals++; prog('search', evals, o.search === 'pareto' ? (o.paretoPoints ?? 16) : rows.length * cands.length + 1, Object.keys(a).length + ' layers moved'); return degradation(o.metric, build(a).metric, ev.m0); },
    allowed: allowedDeg,
  };
  const result = o.search === 'greedy' ? greedy(problem) : o.search === 'binary' ? binary(problem) : pareto(problem, o.paretoPoints ?? 16);

  const map = mergeMap(baseMap, Object.fromEntries(Object.entries(result.assign).map(([l, c]) => [l, parseCandidate(splitSmooth(c).base)])));
  host.validatePrecisionMap(map, names, 'planned map');
  const final = build(result.assign);
  const packed = final.bytes;
  const after = { metric: final.metric, degradation: degradation(o.metric, final.metric, ev.m0), ok: degradation(o.metric, final.metric, ev.m0) <= allowedDeg };
  const wBefore = rows.reduce((s, r) => s + r.bytes, 0);
  const wAfter = rows.reduce((s, r) => s + (result.assign[r.layer] ? r.byFormat[result.assign[r.layer]].bytes : r.bytes), 0);
  let latency: PlanResult['latency'];
  if (o.latency) {
    prog('latency', 0, 2, 'before');
    const beforeMs = medianLatency(host, work, data, o.latency.warmupMs, o.latency.runs);
    prog('latency', 1, 2, 'after');
    const afterMs = medianLatency(host, packed, data, o.latency.warmupMs, o.latency.runs);
    prog('latency', 2, 2, '');
    latency = { beforeMs, afterMs, runs: o.latency.runs, warmupMs: o.latency.warmupMs };
  }
  return {
    metric: o.metric, higherBetter: HIGHER_BETTER[o.metric], baseline: ev.m0, allowed: allowedDeg, tolerance: o.tolerance,
    formats: o.formats, search: o.search, rankBy, layers: rows, correlations, result, map, after,
    size: { before: bundle.length, after: packed.length, weightsBefore: wBefore, weightsAfter: wAfter },
    latency, calibration, evaluations: ev.runs, packed, seconds: (performance.now() - t0) / 1000, smooth: final.smooth,
    cosine: cosineStats(ev.output(packed), ev.ref),
  };
}

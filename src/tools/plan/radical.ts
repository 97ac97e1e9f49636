// Radical rounding (B): per Dense layer, a quantization level (i4 < i8 < i16, weights and input)
// and the rounding direction of the layer's input, chosen so that the first-order loss change
// E[dl/dh . eps] is negative (after "Mixed-precision inference quantization: radically towards
// faster inference speed, lower storage requirement, and lower loss"). Every model output is
// computed by the module; the host does statistics (errors, means, slopes) only.
//
// Algorithm (docs/EXPERIMENTS.md "Radical rounding (B)"), on calibration data:
//   0. FP32 reference: the working bundle (all weights f32), loss L = cross-entropy with labels
//      (else KL to the FP32 output), outputs y_l of every Dense layer l.
//   1. Quantized layer l at level b: weights rounded to nearest, symmetric, one scale per output
//      channel (i4 / i8: the bundle's i4 / i8 weight formats, `granularity: channel`; i16: no i16
//      weight kernel exists, so the weights are the i16 grid values q * s stored as f32, computed
//      by the module's quantizeAffine / dequantizeAffine), and its input fake-quantized to b
//      (precision map `inputRound`, per-row dynamic scale amax / imax, see src/runtime/ops/dense.ts).
//   2. Delta_l(b) = sum (y_l^Q - y_l)^2 / sum y_l^2 over the calibration set, with only layer l
//      quantized (b, input rne) and every other layer FP32.
//   3. Layers in graph order; levels in the given order (smallest first). The first b with
//        Delta <= errorMin            -> (b, rne)
//        errorMin < Delta <= errorMax -> (b, radical direction, step 4)
//      is taken; when no level has Delta <= errorMax the layer stays FP32.
//   4. Radical direction (forward only): with the layers decided so far applied, the loss with
//      layer l's input floored (L_f) and ceiled (L_c). eps_ceil - eps_floor is one quantization
//      step s_r for every input element off the grid, 0 on it, so the secant slope
//        g = (L_c - L_f) / d,   d = mean over input elements of s_r [x not on the grid]
//      (FP32 layer input) estimates 1^T E[dl/dh], the mean loss gradient along the all-ones
//      direction. If |g| > mu: g > 0 -> floor (eps <= 0, so g . E[eps] < 0), g < 0 -> ceil;
//      else rne.
// The round-to-nearest baseline ("rtn") is the same levels with every input rne.

import type { PrecisionMap, LayerPrecision } from '../../runtime/index.js';
import { WeightPatcher, withOutputs, type Host } from './host.js';
import { tensorEntry } from '../../runtime/bundle/layout.js';
import { Evaluator, mergeMap, type Dataset } from './planner.js';

export const RADICAL_LEVELS = ['i4', 'i8', 'i16'] as const;
export type Level = (typeof RADICAL_LEVELS)[number];
const IMAX: Record<Level, number> = { i4: 7, i8: 127, i16: 32767 };
const BYTES: Record<Level, number> = { i4: 0.5, i8: 1, i16: 2 };

export interface RadicalOptions {
  levels: Level[];
  errorMin: number;
  errorMax: number;
  mu: number;
  batch?: number;
  onProgress?: (phase: string, done: number, total: number, what: string) => void;
}

export interface RadicalLayer {
  layer: string; index: number; params: number; K: number;
  /** Delta per level tried */
  deltas: Partial<Record<Level, number>>;
  level: Level | null;
  inputRound: 'rne' | 'floor' | 'ceil' | null;
  /** secant data when the layer was in the band */
  lossFloor?: number; lossCeil?: number; step?: number; slope?: number;
}

export interface Choice { level: Level; round: 'rne' | 'floor' | 'ceil' }
export interface Score { loss: number; top1: number }

export interface RadicalResult {
  layers: RadicalLayer[];
  map: PrecisionMap; rtnMap: PrecisionMap;
  /** the planned bundle, the round-to-nearest bundle at the same levels, the FP32 working bundle */
  bundle: Uint8Array; rtnBundle: Uint8Array; fp32Bundle: Uint8Array;
  calib: { fp32: Score; rtn: Score; radical: Score };
  weightBytes: { fp32: number; planned: number };
  evaluations: number; seconds: number;
}


/** The precision-map entry of a choice. */
export function entryOf(c: Choice): LayerPrecision {
  if (c.level === 'i16') return { inputFormat: 'i16', inputRound: c.round };
  return { weights: c.level, granularity: 'channel', inputFormat: c.level, inputRound: c.round };
}

/** Loss (smooth: CE with labels, else KL to `ev`'s reference) and top-1 of a bundle on `ev`'s data. */
export function scoreBundle(ev: Evaluator, bytes: Uint8Array): Score {
  const s = ev.measure(bytes);
  return { loss: s.loss, top1: s.metric };
}

/** Bundles for choices: the working (all-f32) bundle, i16 weights put on their grid, then packed. */
export class ChoiceBuilder {
  private patcher: WeightPatcher;
  private i16 = new Map<string, Float32Array>();
  readonly dense: { name: string; w: string; x: string; out: string; N: number; K: number; index: number }[];
  private base: PrecisionMap | null;
  constructor(private host: Host, readonly work: Uint8Array) {
    const b = host.readBundle(work);
    this.base = b.header.precision ? host.validatePrecisionMap(b.header.precision, b.header.graph.nodes.map((n) => n.name)) : null;
    this.dense = b.header.graph.nodes.map((n, index) => ({ n, index })).filter(({ n }) => n.op === 'Dense' && tensorEntry(b.header, n.inputs[1]))
      .map(({ n, index }) => { const [N, K] = tensorEntry(b.header, n.inputs[1])!.shape; return { name: n.name, w: n.inputs[1], x: n.inputs[0], out: n.outputs[0], N, K, index }; });
    this.patcher = new WeightPatcher(work, host.xxh32);
  }

  private i16Weights(layer: { w: string; K: number }): Float32Array {
    let v = this.i16.get(layer.w);
    if (!v) {
      const a = this.host.alloy;
      v = a.dequantizeAffine('i16', a.quantizeAffine('i16', this.patcher.values(layer.w), { groupSize: layer.K, symmetric: true, round: 'rne' }));
      this.i16.set(layer.w, v);
    }
    return v;
  }

  map(choices: Record<string, Choice>): PrecisionMap {
    return mergeMap(this.base, Object.fromEntries(Object.entries(choices).map(([l, c]) => [l, entryOf(c)])));
  }

  build(choices: Record<string, Choice>): Uint8Array {
    for (const d of this.dense) {
      const c = choices[d.name];
      if (c?.level === 'i16') this.patcher.set(d.w, this.i16Weights(d));
      else this.patcher.restore(d.w);
    }
    const packed = this.host.packBundle(this.patcher.bundle(), this.map(choices));
    return this.host.writeBundle(packed.input);
  }
}

/** mean over elements of the quantization step s_r = amax_r / imax where x is off the grid */
export function meanStep(x: Float32Array, K: number, level: Level): number {
  const rows = x.length / K;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let amax = 0;
    for (let k = 0; k < K; k++) amax = Math.max(amax, Math.abs(x[r * K + k]));
    const s = Math.fround(amax / IMAX[level]) || 1;
    for (let k = 0; k < K; k++) { const q = Math.fround(x[r * K + k] / s); if (q !== Math.round(q)) sum += s; }
  }
  return sum / Math.max(1, x.length);
}

export function planRadical(host: Host, bundle: Uint8Array, data: Dataset, o: RadicalOptions): RadicalResult {
  const t0 = performance.now();
  const prog = o.onProgress ?? (() => {});
  const levels = [...o.levels].sort((a, b) => BYTES[a] - BYTES[b]);
  if (!levels.length || levels.some((l) => !RADICAL_LEVELS.includes(l))) throw new Error(`radical: levels must be among ${RADICAL_LEVELS.join(', ')}`);
  if (!(o.errorMin >= 0 && o.errorMax >= o.errorMin)) throw new Error('radical: need 0 <= error-min <= error-max');
  if (!(o.mu >= 0)) throw new Error('radical: mu must be >= 0');

  // Working bundle: every Dense weight in f32.
  const b0 = host.readBundle(bundle);
  const nonF32 = b0.header.graph.nodes.filter((n) => n.op === 'Dense' && tensorEntry(b0.header, n.inputs[1]) && tensorEntry(b0.header, n.inputs[1])!.format !== 'f32');
  const work = nonF32.length ? host.writeBundle(host.packBundle(bundle, { version: 1, layers: Object.fromEntries(nonF32.map((n) => [n.name, { weights: 'f32' as const }])) }).input) : bundle;
  const cb = new ChoiceBuilder(host, work);
  const ev = new Evaluator(host, data, { metric: 'top1', batch: o.batch });
  ev.setReference(work);
  const fp32: Score = { loss: ev.loss0, top1: ev.m0 };   // the reference run scored it

  // FP32 outputs and inputs of every Dense layer.
  const names = [...new Set(cb.dense.flatMap((d) => [d.x, d.out]))];
  const ref = ev.outputs(withOutputs(host, work, names), names);

  const total = cb.dense.length * levels.length;
  let done = 0;
  const rows: RadicalLayer[] = [];
  const chosen: Record<string, Choice> = {};
  for (const d of cb.dense) {
    const row: RadicalLayer = { layer: d.name, index: d.index, params: d.N * d.K, K: d.K, deltas: {}, level: null, inputRound: null };
    const y0 = ref.get(d.out)!.data;
    let num0 = 0;
    for (const v of y0) num0 += v * v;
    for (const L of levels) {
      prog('delta', ++done, total, `${d.name} ${L}`);
      const bytes = cb.build({ [d.name]: { level: L, round: 'rne' } });
      const y = ev.outputs(withOutputs(host, bytes, [d.out]), [d.out]).get(d.out)!.data;
      let e = 0;
      for (let i = 0; i < y.length; i++) e += (y[i] - y0[i]) ** 2;
      const delta = e / (num0 || 1);
      row.deltas[L] = delta;
      if (delta <= o.errorMin) { row.level = L; row.inputRound = 'rne'; break; }
      if (delta <= o.errorMax) {
        row.level = L;
        prog('secant', done, total, `${d.name} ${L}`);
        const lf = scoreBundle(ev, cb.build({ ...chosen, [d.name]: { level: L, round: 'floor' } })).loss;
        const lc = scoreBundle(ev, cb.build({ ...chosen, [d.name]: { level: L, round: 'ceil' } })).loss;
        const step = meanStep(ref.get(d.x)!.data, d.K, L);
        const g = step > 0 ? (lc - lf) / step : 0;
        Object.assign(row, { lossFloor: lf, lossCeil: lc, step, slope: g });
        row.inputRound = Math.abs(g) > o.mu ? (g > 0 ? 'floor' : 'ceil') : 'rne';
        break;
      }
    }
    if (row.level) chosen[d.name] = { level: row.level, round: row.inputRound! };
    rows.push(row);
  }

  const rtnChoices = Object.fromEntries(Object.entries(chosen).map(([l, c]) => [l, { level: c.level, round: 'rne' as const }]));
  const planned = cb.build(chosen), rtnBundle = cb.build(rtnChoices);
  const radical = scoreBundle(ev, planned), rtn = scoreBundle(ev, rtnBundle);
  const wb = (ch: Record<string, Choice>) => cb.dense.reduce((s, d) => s + d.N * d.K * (ch[d.name] ? BYTES[ch[d.name].level] : 4), 0);
  return {
    layers: rows, map: cb.map(chosen), rtnMap: cb.map(rtnChoices), bundle: planned, rtnBundle, fp32Bundle: work,
    calib: { fp32, rtn, radical }, weightBytes: { fp32: wb({}), planned: wb(chosen) },
    evaluations: ev.runs, seconds: (performance.now() - t0) / 1000,
  };
}

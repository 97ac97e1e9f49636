// SmoothQuant as a planner candidate: `FORMAT+sq` (alpha 0.5) or `FORMAT+sqA` (e.g. `i8/i8+sq0.6`)
// is the format applied after migrating the layer's activation outliers into its weights
// (src/tools/bundle/smooth.ts). The per-channel input maxima come from one run of the FP32
// working bundle over the planner's samples, with every smoothed Dense input made a graph output.
// The search weighs `+sq` like any candidate (its cost adds the K floats of 1 / s), so it is
// chosen per layer by the metric.

import type { Host } from './host.js';
import { bundleInput, withOutputs } from './host.js';
import type { Evaluator } from './planner.js';
import { smoothBundle, type SmoothReport } from '../bundle/smooth.js';
import { absmaxCols } from '../import/math.js';
import { fail } from '../../runtime/errors.js';

/** `i8/i8+sq0.6` -> { base: 'i8/i8', alpha: 0.6 }; no suffix: alpha undefined */
export function splitSmooth(id: string): { base: string; alpha?: number } {
  const m = /^(.*)\+sq(\d*\.?\d*)$/.exec(id);
  if (!m) return { base: id };
  const alpha = m[2] === '' ? 0.5 : Number(m[2]);
  if (!(alpha >= 0 && alpha <= 1)) fail('BAD_OPTION', `--formats ${id}: the SmoothQuant alpha must be in [0, 1]`);
  return { base: m[1], alpha };
}

/** Max |x_j| per input channel of the named Dense layers, over the evaluator's samples. */
export function denseInputMax(host: Host, ev: Evaluator, bytes: Uint8Array, layers: string[]): Map<string, Float32Array> {
  const g = host.readBundle(bytes).header.graph;
  const inputOf = new Map(layers.map((l) => [l, g.nodes.find((n) => n.name === l)?.inputs[0] ?? fail('BAD_GRAPH', `smooth: no node ${JSON.stringify(l)}`)]));
  const names = [...new Set(inputOf.values())];
  const outs = ev.outputs(withOutputs(host, bytes, names), names);
  const byValue = new Map<string, Float32Array>();
  for (const v of names) {
    const t = outs.get(v)!;
    const K = t.shape[t.shape.length - 1];
    byValue.set(v, absmaxCols(t.data, t.data.length / K, K));
  }
  return new Map(layers.map((l) => [l, byValue.get(inputOf.get(l)!)!]));
}

/** The working bundle with the layers smoothed, ready for packBundle. */
export function smoothed(host: Host, work: Uint8Array, alphas: Record<string, number>, xmax: Map<string, Float32Array>): { bytes: Uint8Array; report: SmoothReport[] } {
  const r = smoothBundle(bundleInput(host.readBundle(work)), Object.entries(alphas).map(([layer, alpha]) => ({ layer, alpha, xmax: xmax.get(layer)! })));
  return { bytes: host.writeBundle(r.input), report: r.report };
}

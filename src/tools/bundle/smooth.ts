// SmoothQuant-style migration of activation outliers into the weights, for w8a8 Dense layers
// (see: Xiao et al. 2023, "SmoothQuant", eq. 3-4): with per-input-channel factors
// s_j = max|X_j|^alpha / max|W_j|^(1 - alpha), X W^T = (X diag(s)^-1) (W diag(s))^T exactly in
// real arithmetic, and both X / s and W s have flatter channel ranges, so per-token activation
// scales (i8, dynamic per row) lose less. The division of X by s is folded where possible:
//   - the Dense's input is a LayerNorm's output read by nothing else: gamma / s, beta / s;
//   - it is the Add (beta) of a Mul (gamma) by stored [K] vectors, each read once (a LayerNorm
//     exported as its pieces): the same two vectors divided by s;
//   - else an explicit f32 Mul by 1 / s is inserted before the Dense (cost: K stored floats and
//     one elementwise pass).
// All arithmetic (column maxima, the scales, the products and quotients) runs in the module.

import type { BundleInput, TensorInput } from './write.js';
import type { NodeEntry } from '../../runtime/bundle/layout.js';
import { fail } from '../../runtime/errors.js';
import * as M from '../import/math.js';

export interface SmoothLayer {
  /** a Dense node's name */
  layer: string;
  /** migration strength in [0, 1] (0.5: the paper's default) */
  alpha: number;
  /** max |x_j| per input channel over the calibration data */
  xmax: Float32Array;
}
export interface SmoothReport { layer: string; folded: 'layernorm' | 'mul-add' | 'mul'; alpha: number; maxScale: number; minScale: number }

/** an f32 tensor's values (a bundle read back holds them as bytes) */
function values(t: TensorInput): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  const b = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
  return new Float32Array(b.buffer, 0, b.byteLength >> 2);
}
const f32Of = (t: TensorInput | undefined, K: number): t is TensorInput =>
  !!t && t.format === 'f32' && t.data.byteLength === K * 4;

/** A copy of the bundle input with the layers smoothed (the input's tensors are not changed). */
export function smoothBundle(input: BundleInput, layers: SmoothLayer[]): { input: BundleInput; report: SmoothReport[] } {
  const nodes: NodeEntry[] = input.graph.nodes.map((n) => ({ ...n, inputs: [...n.inputs] }));
  const tensors: Record<string, TensorInput> = { ...input.tensors };
  const report: SmoothReport[] = [];
  const readers = (v: string) => nodes.filter((n) => n.inputs.includes(v)).length + (input.graph.outputs.some((o) => o.name === v) ? 1 : 0);
  const producer = (v: string) => nodes.find((n) => n.outputs.includes(v));
  const replaced = new Set<string>();
  const fresh = (base: string) => { let k = base, i = 1; while (tensors[k] || nodes.some((n) => n.outputs.includes(k))) k = `${base}_${i++}`; return k; };
  for (const { layer, alpha, xmax } of layers) {
    const where = `smooth ${JSON.stringify(layer)}`;
    const at = nodes.findIndex((n) => n.name === layer);
    const node = nodes[at];
    if (!node || node.op !== 'Dense') fail('BAD_GRAPH', `${where}: no Dense node of that name`);
    const w = tensors[node.inputs[1]];
    if (!w || w.format !== 'f32' || w.shape.length !== 2 || w.data.byteLength !== w.shape[0] * w.shape[1] * 4) fail('BAD_TENSOR', `${where}: weight ${JSON.stringify(node.inputs[1])} must be f32 [N, K] (smooth before quantizing)`);
    const [N, K] = w.shape;
    if (xmax.length !== K) fail('SHAPE_MISMATCH', `${where}: ${xmax.length} activation maxima for ${K} input channels`);
    const wv = values(w);
    const s = M.smoothScales(xmax, M.absmaxCols(wv, N, K), alpha);
    const wName = fresh(`${node.inputs[1]}.smooth`);
    tensors[wName] = { format: 'f32', shape: [N, K], data: M.binary(wv, s, 'mul') };
    replaced.add(node.inputs[1]);
    node.inputs[1] = wName;
    const x = node.inputs[0];
    const p = producer(x);
    const divInto = (name: string) => { const t = tensors[name]; const k = fresh(`${name}.smooth`); replaced.add(name); tensors[k] = { format: 'f32', shape: t.shape, data: M.binary(values(t), s, 'div') }; return k; };
    let folded: SmoothReport['folded'] = 'mul';
    if (p && readers(x) === 1 && p.op === 'LayerNorm') {
      if (!p.inputs[1]) { const g = fresh(`${p.name}.scale`); tensors[g] = { format: 'f32', shape: [K], data: M.floats(K, where, 1) }; p.inputs[1] = g; }
      if (f32Of(tensors[p.inputs[1]], K) && (!p.inputs[2] || f32Of(tensors[p.inputs[2]], K))) {
        p.inputs[1] = divInto(p.inputs[1]);
        if (p.inputs[2]) p.inputs[2] = divInto(p.inputs[2]);
        folded = 'layernorm';
      }
    } else if (p && readers(x) === 1 && p.op === 'Add') {
      const bi = p.inputs.findIndex((i) => f32Of(tensors[i], K));
      const mulOut = p.inputs[1 - bi];
      const q = bi >= 0 && p.inputs.length === 2 ? producer(mulOut) : undefined;
      const gi = q && q.op === 'Mul' && q.inputs.length === 2 && readers(mulOut) === 1 ? q.inputs.findIndex((i) => f32Of(tensors[i], K)) : -1;
      if (q && gi >= 0) {
        p.inputs[bi] = divInto(p.inputs[bi]);
        q.inputs[gi] = divInto(q.inputs[gi]);
        folded = 'mul-add';
      }
    }
    if (folded === 'mul') {
      const inv = fresh(`${layer}.smooth_inv`), y = fresh(`${x}.smooth`);
      tensors[inv] = { format: 'f32', shape: [K], data: M.binary(M.floats(K, where, 1), s, 'div') };
      nodes.splice(at, 0, { name: fresh(`${layer}/smooth`), op: 'Mul', inputs: [x, inv], outputs: [y] });
      node.inputs[0] = y;
    }
    let lo = Infinity, hi = 0;
    for (const v of s) { if (v < lo) lo = v; if (v > hi) hi = v; }
    report.push({ layer, folded, alpha, maxScale: hi, minScale: lo });
  }
  // the replaced tensors (unsmoothed weights, gamma, beta) that no node reads any more are dropped
  // (a subgraph body reads tensors by name too: those of a graph with bodies are kept)
  const bodies = nodes.some((n) => Object.values(n.attrs ?? {}).some((a) => a && typeof a === 'object' && 'nodes' in (a as object)));
  const used = new Set(nodes.flatMap((n) => n.inputs));
  if (!bodies) for (const k of replaced) if (!used.has(k)) delete tensors[k];
  return { input: { ...input, graph: { ...input.graph, nodes }, tensors }, report };
}

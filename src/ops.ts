// The operators the executor knows: for each, shape inference, weight preparation (once, at
// load) and the kernel call (every run). Weights live in wasm memory from load to dispose.

import { get } from './wasm.js';
import * as heap from './heap.js';
import { fail } from './errors.js';
import { formatByName } from './formats.js';
import type { NodeEntry, TensorEntry } from './bundle/layout.js';

export interface Weight { entry: TensorEntry; bytes: Uint8Array }

export interface PreparedNode {
  /** output shape from input shapes (batch dimension included) */
  infer(inputs: number[][]): number[];
  /** call the kernel: input/output pointers into the arena */
  run(inputs: number[], inShapes: number[][], output: number, outShape: number[]): void;
  /** free weight blocks */
  dispose(): void;
  /** value inputs (activations), in order */
  valueInputs: string[];
}

const ACTIVATIONS = ['none', 'relu'] as const;
const elements = (s: number[]) => s.reduce((a, b) => a * b, 1);

function needF32(name: string, w: Weight, where: string) {
  if (w.entry.format !== 'f32') fail('UNSUPPORTED_OP', `${where}: weight ${JSON.stringify(name)} is ${w.entry.format}; this build's Dense takes f32 weights`);
}

type Builder = (node: NodeEntry, weights: Map<string, Weight>, where: string) => PreparedNode;

const dense: Builder = (node, weights, where) => {
  const [xName, wName, bName] = node.inputs;
  const w = weights.get(wName);
  if (!w) fail('BAD_GRAPH', `${where}: input 1 (weights) ${JSON.stringify(wName)} must be a stored tensor`);
  needF32(wName, w, where);
  if (w.entry.shape.length !== 2) fail('SHAPE_MISMATCH', `${where}: weight ${JSON.stringify(wName)} must be [out, in], got ${JSON.stringify(w.entry.shape)}`);
  const [N, K] = w.entry.shape;
  let b: Weight | undefined;
  if (bName !== undefined && bName !== '') {
    b = weights.get(bName);
    if (!b) fail('BAD_GRAPH', `${where}: input 2 (bias) ${JSON.stringify(bName)} must be a stored tensor`);
    needF32(bName, b, where);
    if (b.entry.shape.length !== 1 || b.entry.shape[0] !== N) fail('SHAPE_MISMATCH', `${where}: bias ${JSON.stringify(bName)} must be [${N}], got ${JSON.stringify(b.entry.shape)}`);
  }
  const act = (node.attrs?.activation ?? 'none') as string;
  const actId = ACTIVATIONS.indexOf(act as (typeof ACTIVATIONS)[number]);
  if (actId < 0) fail('BAD_GRAPH', `${where}: attrs.activation ${JSON.stringify(act)} is not one of ${ACTIVATIONS.join(', ')}`);
  const x = get();
  const raw = heap.put(w.bytes);
  const packed = heap.alloc(x.packed_f32_bytes(N, K));
  x.pack_w_f32(raw, N, K, packed);
  heap.free(raw);
  const bias = b ? heap.put(b.bytes) : 0;
  return {
    valueInputs: [xName],
    infer([s]) {
      if (s.length < 1 || s[s.length - 1] !== K) fail('SHAPE_MISMATCH', `${where}: input ${JSON.stringify(xName)} has shape ${JSON.stringify(s)}, last dimension must be ${K}`);
      return [...s.slice(0, -1), N];
    },
    run([xp], [s], yp) {
      x.dense_f32(xp, elements(s) / K, K, packed, bias, N, yp, actId);
    },
    dispose() { heap.free(packed); heap.free(bias); },
  };
};

const unary = (kernel: 'relu_f32'): Builder => (node) => ({
  valueInputs: [node.inputs[0]],
  infer: ([s]) => [...s],
  run([xp], [s], yp) { get()[kernel](xp, yp, elements(s)); },
  dispose() {},
});

const softmax: Builder = (node, _w, where) => {
  const axis = (node.attrs?.axis ?? -1) as number;
  if (axis !== -1) fail('UNSUPPORTED_OP', `${where}: Softmax over axis ${axis}; only the last axis (-1) is supported`);
  return {
    valueInputs: [node.inputs[0]],
    infer: ([s]) => [...s],
    run([xp], [s], yp) {
      const len = s[s.length - 1];
      get().softmax_f32(xp, yp, elements(s) / len, len);
    },
    dispose() {},
  };
};

export const OPS: Record<string, Builder> = {
  Dense: dense,
  Relu: unary('relu_f32'),
  Softmax: softmax,
};

export function checkFormatName(name: string, where: string) {
  formatByName(name, where);
}

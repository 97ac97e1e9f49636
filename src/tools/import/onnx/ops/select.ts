// Generic rows (../generic.ts) of the operators whose output size depends on their data: the
// runtime counts it at plan time (src/runtime/ops/select.ts); here it is -1.
// see: ONNX NonZero 13, Compress 11, Unique 11

import { unsupported } from '../../graph.js';
import { need, type GenericRow } from '../generic.js';

const axisAttr = (rank: number, a: number | undefined) => {
  if (a === undefined) return undefined;
  const x = a < 0 ? a + rank : a;
  return x >= 0 && x < rank ? x : unsupported(`axis ${a} out of range for rank ${rank}`);
};
const hasAxis = (m: Parameters<GenericRow['infer']>[1]) => (m.node.attribute ?? []).some((a) => a.name === 'axis');

export const GENERIC_SELECT: Record<string, GenericRow> = {
  // see: ONNX TfIdfVectorizer 9: [C] -> [D], [N, C] -> [N, D], D one past the largest ngram_indexes
  TfIdfVectorizer: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'X').shape, idx = m.at.ints('ngram_indexes', []);
      const d = idx.reduce((a, v) => (v > a ? v : a), -1) + 1;
      return [{ dtype: 'f32', shape: x.length === 1 ? [d] : [x[0], d] }];
    },
  },
  NonZero: { infer: (ins) => [{ dtype: 'i64', shape: [need(ins, 0, 'X').shape.length, -1] }] },
  Compress: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'input'), a = axisAttr(x.shape.length, hasAxis(m) ? m.at.i('axis', 0) : undefined);
      return [{ dtype: x.dtype, shape: a === undefined ? [-1] : x.shape.map((d, i) => (i === a ? -1 : d)) }];
    },
  },
  Unique: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'X'), a = axisAttr(x.shape.length, hasAxis(m) ? m.at.i('axis', 0) : undefined);
      const n = a === undefined ? (x.shape.some((d) => d < 0) ? -1 : x.shape.reduce((p, q) => p * q, 1)) : x.shape[a];
      return [{ dtype: x.dtype, shape: a === undefined ? [-1] : x.shape.map((d, i) => (i === a ? -1 : d)) }, { dtype: 'i64', shape: [-1] }, { dtype: 'i64', shape: [n] }, { dtype: 'i64', shape: [-1] }];
    },
  },
};

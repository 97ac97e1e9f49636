// Generic rows (../generic.ts) of the indexing operators: each becomes the runtime node of the
// same name (src/runtime/ops/indexing.ts). see: ONNX Gather 13, GatherElements 13, GatherND 13,
// ScatterElements 18, Scatter 9-11 (= ScatterElements), ScatterND 18, OneHot 11, Trilu 14,
// Range 11, TopK 11. Output shapes use -1 where a value known only at run time decides them.

import { unsupported, type Ints } from '../../graph.js';
import { need, type GenericRow, type In } from '../generic.js';
import { dtypeOfId } from '../../../../runtime/dtype.js';

const norm = (a: number, r: number) => { const x = a < 0 ? a + r : a; if (!(x >= 0 && x < r)) unsupported(`axis ${a} out of range for rank ${r}`); return x; };
/** The one element of a constant numeric input (undefined: not a constant). */
export const constScalar = (x: In | undefined): number | undefined => {
  if (!x?.c || x.dtype === 'bool' || x.dtype === 'f16' || x.dtype === 'bf16') return undefined;
  const d = x.c.data as ArrayLike<number | bigint>;
  return d.length === 1 ? Number(d[0]) : undefined;
};
const dataRow = (): GenericRow => ({ infer: (ins) => { const d = need(ins, 0, 'data'); return [{ dtype: d.dtype, shape: [...d.shape] }]; } });

export const GENERIC_INDEX: Record<string, GenericRow> = {
  Gather: {
    infer: (ins, m) => {
      const d = need(ins, 0, 'data'), q = need(ins, 1, 'indices'), a = norm(m.at.i('axis', 0), d.shape.length);
      return [{ dtype: d.dtype, shape: [...d.shape.slice(0, a), ...q.shape, ...d.shape.slice(a + 1)] }];
    },
  },
  GatherElements: { infer: (ins) => [{ dtype: need(ins, 0, 'data').dtype, shape: [...need(ins, 1, 'indices').shape] }] },
  GatherND: {
    infer: (ins, m) => {
      const d = need(ins, 0, 'data').shape, q = need(ins, 1, 'indices').shape, b = m.at.i('batch_dims', 0), k = q[q.length - 1];
      if (k === undefined || k < 0) unsupported('GatherND with an index tuple length unknown at import');
      return [{ dtype: need(ins, 0, 'data').dtype, shape: [...q.slice(0, -1), ...d.slice(b + k)] }];
    },
  },
  ScatterElements: dataRow(),
  Scatter: { ...dataRow(), op: 'ScatterElements' },
  ScatterND: dataRow(),
  OneHot: {
    infer: (ins, m) => {
      const q = need(ins, 0, 'indices').shape, depth = constScalar(need(ins, 1, 'depth')), v = need(ins, 2, 'values');
      const r = q.length + 1, a0 = m.at.i('axis', -1), a = a0 < 0 ? a0 + r : a0;
      if (!(a >= 0 && a < r)) unsupported(`axis ${a0} out of range for rank ${r}`);
      const d = depth === undefined ? -1 : Math.trunc(depth);
      return [{ dtype: v.dtype, shape: [...q.slice(0, a), d, ...q.slice(a)] }];
    },
  },
  Trilu: dataRow(),
  // see: ONNX EyeLike 9 (dtype: an element type id, default the input's), ReverseSequence 10
  EyeLike: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'input'), d = m.at.i('dtype', 0);
      return [{ dtype: d ? dtypeOfId(d) ?? unsupported(`EyeLike to element type ${d}`) : x.dtype, shape: [...x.shape] }];
    },
  },
  ReverseSequence: dataRow(),
  Range: { infer: (ins) => [{ dtype: need(ins, 0, 'start').dtype, shape: [-1] }] },
  TopK: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'X'), k = constScalar(need(ins, 1, 'K'));
      if (m.opset < 10) unsupported('TopK before opset 10 (k as an attribute)');
      const s: Ints = [...x.shape];
      s[norm(m.at.i('axis', -1), s.length)] = k ?? -1;
      return [{ dtype: x.dtype, shape: s }, { dtype: 'i64', shape: [...s] }];
    },
  },
};

// Generic rows (../generic.ts) of the reduction family: each ONNX op becomes the runtime op of
// the same name (src/runtime/ops/reduce.ts, normalize.ts), which reads its ONNX attributes.
// see: ONNX ReduceSum ... ReduceSumSquare (opsets 11-22: axes an attribute, or input 1 from
// opset 18 (ReduceSum 13)), ArgMax / ArgMin 13, CumSum 14, Softmax / LogSoftmax / Hardmax (13;
// before 13 the dims from axis on are one row: attrs.coerce2d), LayerNormalization 17,
// InstanceNormalization 6, GroupNormalization 18 / 21, LpNormalization 1,
// MeanVarianceNormalization 13, LRN 13.

import { unsupported, type Ints } from '../../graph.js';
import { constInts, need, plainAttrs, type GenericRow, type In } from '../generic.js';
import type { DType } from '../../../../runtime/dtype.js';

type Ins = (In | undefined)[];
const axisIn = (a: number, r: number) => { const x = a < 0 ? a + r : a; if (!(x >= 0 && x < r)) unsupported(`axis ${a} out of range for rank ${r}`); return x; };
/** Input 0, of one of the element types the runtime op takes. */
function x0(ins: Ins, ok: readonly DType[]): In {
  const x = need(ins, 0, 'input');
  if (!ok.includes(x.dtype)) unsupported(`input of element type ${x.dtype} (${ok.join(', ')} supported)`);
  return x;
}
const FLOATS = ['f32', 'f64'] as const, NUMS = ['f32', 'f64', 'i32', 'i64'] as const, F32 = ['f32'] as const;
const same = (ok: readonly DType[]): GenericRow => ({ infer: (ins) => { const x = x0(ins, ok); return [{ dtype: x.dtype, shape: [...x.shape] }]; } });

const reduceRow = (ok: readonly DType[]): GenericRow => ({
  infer: (ins, m) => {
    const x = x0(ins, ok), r = x.shape.length, keep = m.at.i('keepdims', 1) !== 0, noop = m.at.i('noop_with_empty_axes', 0) !== 0;
    const at = m.at.ints('axes');
    const axes: Ints | undefined = at ?? (ins[1] ? constInts(ins[1]) : []);
    if (axes === undefined) {
      // axes given at run time: the kept dims are unknown here
      const k = ins[1]!.shape[0];
      if (keep) return [{ dtype: x.dtype, shape: x.shape.map(() => -1) }];
      if (k === undefined || k < 0) unsupported('axes given at run time with keepdims 0 (the output rank is unknown at import)');
      if (k === 0) return [{ dtype: x.dtype, shape: noop ? [...x.shape] : [] }];
      return [{ dtype: x.dtype, shape: new Array(Math.max(0, r - k)).fill(-1) }];
    }
    if (axes.length === 0 && noop) return [{ dtype: x.dtype, shape: [...x.shape] }];
    const ax = axes.length ? axes.map((a) => axisIn(a, r)) : [...Array(r).keys()];
    return [{ dtype: x.dtype, shape: keep ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i)) }];
  },
});

const argRow: GenericRow = {
  infer: (ins, m) => {
    const x = x0(ins, ['f32', 'f64', 'i32', 'i64', 'u8', 'i8', 'u32', 'u64']), r = x.shape.length;
    const a = axisIn(m.at.i('axis', 0), r), keep = m.at.i('keepdims', 1) !== 0;
    return [{ dtype: 'i64', shape: keep ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a) }];
  },
};

/** Softmax-like: before opset 13 the runtime op takes the 2-D view (coerce2d, axis default 1). */
const softmaxRow: GenericRow = {
  ...same(FLOATS),
  attrs: (m) => (m.opset < 13 ? { ...plainAttrs(m), axis: m.at.i('axis', 1), coerce2d: 1 } : plainAttrs(m)),
};

const layerNormRow: GenericRow = {
  infer: (ins, m) => {
    const x = x0(ins, F32), r = x.shape.length, a = axisIn(m.at.i('axis', -1), r);
    if (m.at.i('stash_type', 1) !== 1) unsupported('stash_type other than float');
    const stat = x.shape.map((d, i) => (i < a ? d : 1));
    const n = Math.max(1, (m.node.output ?? []).length);
    return [{ dtype: 'f32', shape: [...x.shape] }, ...Array.from({ length: n - 1 }, () => ({ dtype: 'f32' as DType, shape: [...stat] }))];
  },
};

export const GENERIC_REDUCE: Record<string, GenericRow> = {
  ...Object.fromEntries(['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceSumSquare'].map((op) => [op, reduceRow(NUMS)])),
  ...Object.fromEntries(['ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp'].map((op) => [op, reduceRow(FLOATS)])),
  ArgMax: argRow,
  ArgMin: argRow,
  CumSum: same(NUMS),
  Softmax: softmaxRow,
  LogSoftmax: softmaxRow,
  Hardmax: softmaxRow,
  LayerNormalization: layerNormRow,
  InstanceNormalization: same(F32),
  GroupNormalization: same(F32),
  LpNormalization: same(F32),
  MeanVarianceNormalization: same(F32),
  LRN: same(F32),
};

// EyeLike and ReverseSequence on typed values, ONNX semantics (assembly/nd/eye.ts does the bytes).
// see: ONNX EyeLike, opset 9; ReverseSequence, opset 10

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeBytes, dtypeId, dtypeOfId, view, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';

function typeIn(ctx: OpContext, i: number, what: string): DType {
  const name = ctx.node.inputs[i];
  const t = name ? ctx.typeOf(name) : undefined;
  if (!t) fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) missing or of no element type`);
  return t;
}

function intAttr(ctx: OpContext, name: string, dflt: number): number {
  const v = ctx.node.attrs?.[name] ?? dflt;
  if (!Number.isSafeInteger(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${name} must be an integer`);
  return v as number;
}

/** see: ONNX EyeLike, opset 9. attrs.dtype (an ONNX element type id; default the input's), k. */
export const eyeLike: Builder = (ctx) => {
  const xt = typeIn(ctx, 0, 'input');
  const d = intAttr(ctx, 'dtype', 0), k = intAttr(ctx, 'k', 0);
  const t = d ? dtypeOfId(d) : xt;
  if (!t) fail('UNSUPPORTED_OP', `${ctx.where}: dtype ${d}`);
  const es = dtypeBytes(t);
  // the element 1 in the output type (bool, integers, floats; f16 / bf16 bit patterns)
  const one = new Uint8Array(8);
  const v = view(t, one.buffer, 0, 1);
  if (t === 'f16') (v as Uint16Array)[0] = 0x3c00; else if (t === 'bf16') (v as Uint16Array)[0] = 0x3f80;
  else if (v instanceof BigInt64Array || v instanceof BigUint64Array) v[0] = 1n; else (v as Uint8Array)[0] = 1;
  const op = heap.put(one);
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: [t],
    shapeOnly: true,
    infer([x]) {
      if (x.length !== 2) fail('SHAPE_MISMATCH', `${ctx.where}: input ${JSON.stringify(x)} is not 2-D`);
      return [...x];
    },
    run(_i, [x], yp) {
      if (ctx.kernels.eyelike_any__scalar(es, yp, op, x[0], x[1], k) !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the shape`);
    },
    dispose() { heap.free(op); },
  };
};

/** see: ONNX ReverseSequence, opset 10. attrs.batch_axis (default 1), time_axis (default 0). */
export const reverseSequence: Builder = (ctx) => {
  const t = typeIn(ctx, 0, 'input'), lt = typeIn(ctx, 1, 'sequence_lens');
  if (lt !== 'i64' && lt !== 'i32') fail('BAD_GRAPH', `${ctx.where}: sequence_lens must be i64, not ${lt}`);
  const ba = intAttr(ctx, 'batch_axis', 1), ta = intAttr(ctx, 'time_axis', 0);
  if (!((ba === 0 && ta === 1) || (ba === 1 && ta === 0))) fail('BAD_GRAPH', `${ctx.where}: batch_axis ${ba} and time_axis ${ta} must be 0 and 1 in some order`);
  const es = dtypeBytes(t), lid = dtypeId(lt);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: [t],
    infer([x, l]) {
      if (x.length < 2) fail('SHAPE_MISMATCH', `${ctx.where}: input ${JSON.stringify(x)} has rank below 2`);
      if (l.length !== 1 || l[0] !== x[ba]) fail('SHAPE_MISMATCH', `${ctx.where}: sequence_lens ${JSON.stringify(l)} is not one length per batch (${x[ba]})`);
      return [...x];
    },
    run([xp, lp], [x], yp) {
      const st = ctx.kernels.reverse_sequence_any__scalar(es, yp, xp, lp, lid, x[ta], x[ba], elements(x.slice(2)), ba === 0 ? 1 : 0);
      if (st === 3) fail('BAD_INPUT', `${ctx.where}: a sequence length is outside [0, ${x[ta]}]`);
      if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${st})`);
    },
    dispose() {},
  };
};

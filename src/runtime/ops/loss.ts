// Losses with ONNX semantics on typed values (see: ONNX NegativeLogLikelihoodLoss and
// SoftmaxCrossEntropyLoss, opsets 12-13): input / scores (N, C, d1..dk) of f32 / f64, target
// (N, d1..dk) of i32 / i64, optional weight (C) of the input's type; attrs reduction (none | sum |
// mean, default mean) and ignore_index (any integer; absent: none ignored). The output is (N,
// d1..dk) for none, a scalar otherwise. SoftmaxCrossEntropyLoss is the same loss on
// LogSoftmax(scores, axis 1), written to its optional second output (log_prob) or to scratch.
// Kernels: softmax_nd_any__scalar (logsoftmax), nll_loss_any__scalar (assembly/nd/loss.ts).

import { fail } from '../errors.js';
import { LOSS_REDUCTIONS, SOFTMAX_KINDS, code } from '../tables.js';
import { dtypeBytes, dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { typeIn, status } from './reduce.js';

const ST_RANGE = 3;
const dims = (s: number[]) => JSON.stringify(s);

/** The attributes: the reduction's code and ignore_index as two i32 halves (or absent). */
function lossAttrs(ctx: OpContext): { red: number; ii: [number, number, number] } {
  const r = ctx.node.attrs?.reduction ?? 'mean', red = code(LOSS_REDUCTIONS, r);
  if (red < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.reduction ${JSON.stringify(r)} is not one of ${LOSS_REDUCTIONS.join(', ')}`);
  const v = ctx.node.attrs?.ignore_index;
  if (v === undefined) return { red, ii: [0, 0, 0] };
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.ignore_index must be an integer, not ${JSON.stringify(v)}`);
  const b = BigInt.asUintN(64, BigInt(v));
  return { red, ii: [Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n)), 1] };
}

/** The (N, C, D) view after checking input / target / weight shapes. */
function geometry(ctx: OpContext, x: number[], t: number[], w: number[] | undefined): [number, number, number] {
  if (x.length < 2) fail('SHAPE_MISMATCH', `${ctx.where}: input of shape ${dims(x)} (N, C, d1..dk expected)`);
  const want = [x[0], ...x.slice(2)];
  if (t.length !== want.length || t.some((d, i) => d !== want[i])) fail('SHAPE_MISMATCH', `${ctx.where}: target of shape ${dims(t)} for input ${dims(x)} (expected ${dims(want)})`);
  if (w && (w.length !== 1 || w[0] !== x[1])) fail('SHAPE_MISMATCH', `${ctx.where}: weight of shape ${dims(w)} for ${x[1]} classes`);
  for (const d of [x[0], x[1], elements(x.slice(2))]) if (d > 2 ** 31 - 1) fail('LIMIT_EXCEEDED', `${ctx.where}: input ${dims(x)}`);
  return [x[0], x[1], elements(x.slice(2))];
}

/** One builder for both losses: `softmax` runs LogSoftmax over axis 1 first. */
const loss = (softmax: boolean): Builder => (ctx) => {
  const [xName, tName, wName] = ctx.node.inputs;
  if (typeof tName !== 'string' || tName === '') fail('BAD_GRAPH', `${ctx.where}: ${ctx.node.op} needs its target input`);
  const t = typeIn(ctx, xName, ['f32', 'f64']), tt = typeIn(ctx, tName, ['i32', 'i64']);
  const hasW = typeof wName === 'string' && wName !== '';
  if (hasW && typeIn(ctx, wName, ['f32', 'f64']) !== t) fail('BAD_GRAPH', `${ctx.where}: weight is ${ctx.typeOf(wName)}, input ${t}`);
  const { red, ii } = lossAttrs(ctx);
  const logProb = softmax && ctx.node.outputs.length > 1;
  if (!softmax && ctx.node.outputs.length > 1) fail('BAD_GRAPH', `${ctx.where}: NegativeLogLikelihoodLoss has one output, not ${ctx.node.outputs.length}`);
  const outTypes: DType[] = logProb ? [t, t] : [t];
  const lsm = code(SOFTMAX_KINDS, 'logsoftmax');
  return {
    valueInputs: hasW ? [xName, tName, wName] : [xName, tName],
    outTypes,
    infer([x, tg, w]) {
      const [N] = geometry(ctx, x, tg, w);
      const y = red === code(LOSS_REDUCTIONS, 'none') ? [N, ...x.slice(2)] : [];
      return logProb ? [y, [...x]] : y;
    },
    scratch: ([x]) => (softmax && !logProb ? elements(x) * dtypeBytes(t) + 16 : 0),
    run([xp, tp, wp], [x], yp, _o, sp, outs) {
      const [N, C, D] = geometry(ctx, x, [x[0], ...x.slice(2)], undefined);
      let lp = xp;
      if (softmax) {
        lp = logProb ? outs[1] : sp;
        status(ctx, ctx.kernels.softmax_nd_any__scalar(dtypeId(t), lsm, lp, xp, N, C, D), ctx.node.op);
      }
      const st = ctx.kernels.nll_loss_any__scalar(dtypeId(t), dtypeId(tt), red, yp, lp, tp, hasW ? wp : 0, N, C, D, ii[0], ii[1], ii[2]);
      if (st === ST_RANGE) fail('BAD_INPUT', `${ctx.where}: a target value is outside [0, ${C - 1}] and is not the ignore_index`);
      status(ctx, st, ctx.node.op);
    },
    dispose() {},
  };
};

export const negativeLogLikelihoodLoss = loss(false);
export const softmaxCrossEntropyLoss = loss(true);

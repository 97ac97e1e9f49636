// Generic rows (../generic.ts) of the losses and the training optimizers: each becomes the
// runtime node of the same name (src/runtime/ops/loss.ts, optim.ts), which reads the ONNX
// attributes. see: ONNX NegativeLogLikelihoodLoss 12-13, SoftmaxCrossEntropyLoss 12-13 (output 1:
// log_prob); Adagrad, Adam, Momentum (domain ai.onnx.preview.training, version 1).

import { unsupported } from '../../graph.js';
import { need, type GenericRow, type In } from '../generic.js';

const FLOATS = ['f32', 'f64'];
function scores(ins: (In | undefined)[]): In {
  const x = need(ins, 0, 'input');
  if (!FLOATS.includes(x.dtype)) unsupported(`input of element type ${x.dtype} (f32, f64 supported)`);
  if (x.shape.length < 2) unsupported(`input of shape ${JSON.stringify(x.shape)} (N, C, d1..dk expected)`);
  return x;
}

const lossRow = (logProb: boolean): GenericRow => ({
  infer: (ins, m) => {
    if (m.opset < 12) unsupported(`opset ${m.opset}: ${m.node.op_type} is defined from opset 12`);
    const x = scores(ins), none = m.at.s('reduction', 'mean') === 'none';
    const y = { dtype: x.dtype, shape: none ? [x.shape[0], ...x.shape.slice(2)] : [] };
    return logProb && (m.node.output ?? []).length > 1 ? [y, { dtype: x.dtype, shape: [...x.shape] }] : [y];
  },
});

/** Outputs: the new X of each group, then each state kind's new tensors (`per`: tensors per group in the inputs). */
const optimizerRow = (per: number): GenericRow => ({
  infer: (ins) => {
    const n = (ins.length - 2) / per;
    if (!Number.isInteger(n) || n < 1) unsupported(`${ins.length} inputs (R, T and ${per} per optimized tensor expected)`);
    const xs = Array.from({ length: n }, (_, g) => need(ins, 2 + g, 'X'));
    return Array.from({ length: n * (per - 1) }, (_, k) => ({ dtype: xs[k % n].dtype, shape: [...xs[k % n].shape] }));
  },
});

export const GENERIC_LOSS: Record<string, GenericRow> = {
  NegativeLogLikelihoodLoss: lossRow(false),
  SoftmaxCrossEntropyLoss: lossRow(true),
  Adagrad: optimizerRow(3),
  Adam: optimizerRow(4),
  Momentum: optimizerRow(3),
};

/** The optimizers' domain: these op types are taken from it only. */
export const TRAINING_DOMAIN = 'ai.onnx.preview.training';
export const TRAINING_OPS: ReadonlySet<string> = new Set(['Adagrad', 'Adam', 'Momentum']);

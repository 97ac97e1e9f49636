// TFLite elementwise operators: ADD / SUB / MUL / DIV (a constant operand is reduced to the
// trailing dims Alloy's binary ops broadcast along), the activations, SOFTMAX (beta != 1 scales
// first), PRELU.

import { fail } from '../../../../runtime/errors.js';
import { broadcastTo, prod, unsupported, type Ints } from '../../graph.js';
import type { Handler, TfliteImporter } from '../importer.js';
import type { Act, Const } from '../values.js';

/** Constant operand of a binary op: f32 values reduced to the trailing dims Alloy broadcasts. */
function operand(m: TfliteImporter, x: Act, c: Const, what: string): string {
  let data = m.dequantAny(c, what);
  let dims = [...c.dims];
  while (dims.length && dims[0] === 1) dims.shift();
  const n = prod(dims);
  if (n === 1) return m.f32Tensor(`${m.nodeName}.${what}`, data.subarray(0, 1), [1]);
  const xs = x.shape;
  const suffix = dims.length <= xs.length && dims.every((d, i) => d === xs[xs.length - dims.length + i]);
  if (!suffix) {
    // broadcast along inner axes (e.g. [C, 1]): expand the constant to the activation's trailing
    // dims from its first non-1 dim
    while (dims.length < xs.length) dims.unshift(1);
    let k = 0;
    while (dims[k] === 1) k++;
    const want = xs.slice(k), have = dims.slice(k);
    if (have.some((d, i) => d !== 1 && d !== want[i])) unsupported(`${what} ${JSON.stringify(c.dims)} does not broadcast onto ${JSON.stringify(xs)}`);
    data = broadcastTo(data, have, want, `${what} broadcast to ${JSON.stringify(want)}`);
    dims = want;
  }
  return m.f32Tensor(`${m.nodeName}.${what}`, data, dims);
}

const binary = (op: 'Add' | 'Sub' | 'Mul' | 'Div'): Handler => (m) => {
  const a = m.val(0), b = m.val(1);
  if (!a || !b) fail('BAD_GRAPH', `${m.where()}: needs two inputs`);
  const fused = m.opt.u8(0, 0);
  const commutes = op === 'Add' || op === 'Mul';
  if (a.kind === 'const' && b.kind === 'const') unsupported('both operands are constants');
  if (a.kind === 'const') {
    if (!commutes) unsupported(`constant first operand of ${op}`);
    const x = m.act(1);
    m.emitWithAct(op, [x.name, operand(m, x, a as Const, 'operand')], undefined, fused, ['relu', 'relu6']);
    return;
  }
  const x = m.act(0);
  if (b.kind === 'const') { m.emitWithAct(op, [x.name, operand(m, x, b as Const, 'operand')], undefined, fused, ['relu', 'relu6']); return; }
  const y = m.act(1);
  const fits = (p: Ints, q: Ints) => prod(q) === 1 || (q.length <= p.length && q.every((d, i) => d === p[p.length - q.length + i]));
  const strip = (s: Ints) => { const t = [...s]; while (t.length > 1 && t[0] === 1) t.shift(); return t; };
  if (fits(x.shape, y.shape)) m.emitWithAct(op, [x.name, y.name], undefined, fused, ['relu', 'relu6']);
  else if (commutes && fits(y.shape, x.shape)) m.emitWithAct(op, [y.name, x.name], undefined, fused, ['relu', 'relu6']);
  else if (fits(x.shape, strip(y.shape))) m.emitWithAct(op, [x.name, reshaped(m, y, strip(y.shape))], undefined, fused, ['relu', 'relu6']);
  else if (commutes && fits(y.shape, strip(x.shape))) m.emitWithAct(op, [y.name, reshaped(m, x, strip(x.shape))], undefined, fused, ['relu', 'relu6']);
  else unsupported(`operands ${JSON.stringify(x.shape)} and ${JSON.stringify(y.shape)} (the second must match the first's trailing dimensions)`);
};
function reshaped(m: TfliteImporter, x: Act, shape: Ints): string {
  if (shape.length === x.shape.length) return x.name;
  const name = m.fresh(`${x.name}.r`);
  m.emit('Reshape', [x.name], name, { shape }, '_bcast');
  return name;
}
export const ADD: Handler = binary('Add');
export const SUB: Handler = binary('Sub');
export const MUL: Handler = binary('Mul');
export const DIV: Handler = binary('Div');

const unary = (op: string, attrs?: (m: TfliteImporter) => Record<string, unknown>): Handler => (m) => {
  const x = m.act(0);
  m.emitWithAct(op, [x.name], attrs?.(m), 0);
};
export const LOGISTIC: Handler = unary('Sigmoid');
export const TANH: Handler = unary('Tanh');
export const RELU: Handler = unary('Relu');
export const RELU6: Handler = unary('Relu6');
export const RELU_N1_TO_1: Handler = unary('Clip', () => ({ min: -1, max: 1 }));
export const HARD_SWISH: Handler = unary('HardSwish');
export const LEAKY_RELU: Handler = unary('LeakyRelu', (m) => ({ alpha: Math.fround(m.opt.f32(0, 0.2)) }));
export const GELU: Handler = (m) => { if (m.opt.bool(0, false)) unsupported('approximate (tanh) GELU; only the exact erf GELU is supported'); unary('Gelu')(m); };
export const LOG_SOFTMAX: Handler = unary('LogSoftmax', () => ({ axis: -1 }));
export const SOFTMAX: Handler = (m) => {
  const x = m.act(0);
  const beta = m.opt.f32(0, 1);
  if (beta === 1) { m.emitWithAct('Softmax', [x.name], { axis: -1 }, 0); return; }
  const scaled = m.fresh(`${x.name}.beta`);
  m.emit('Mul', [x.name, m.f32Tensor(`${m.nodeName}.beta`, new Float32Array([beta]), [1])], scaled, undefined, '_beta');
  m.emitWithAct('Softmax', [scaled], { axis: -1 }, 0);
};
export const PRELU: Handler = (m) => {
  const x = m.act(0);
  const a = m.cst(1, 'alpha');
  const vals = m.dequantAny(a, 'alpha');
  const C = x.shape[x.shape.length - 1];
  const dims = a.dims.filter((d) => d !== 1);
  if (!(prod(a.dims) === 1 || (dims.length === 1 && dims[0] === C && a.dims[a.dims.length - 1] === C))) unsupported(`alpha ${JSON.stringify(a.dims)}: one value per last-axis channel (or one) is supported`);
  m.emitWithAct('PRelu', [x.name, m.f32Tensor(`${m.nodeName}.alpha`, vals, [prod(a.dims)])], undefined, 0);
};

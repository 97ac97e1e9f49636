// ONNX LayerNormalization (Alloy's LayerNorm over the trailing dims) and BatchNormalization
// (folded into the f32 Conv / Dense before it, else Mul + Add; arithmetic in wasm).

import { batchNormTyped } from './batchnorm.js';
import { fail } from '../../../../runtime/errors.js';
import { prod, unsupported } from '../../graph.js';
import * as M from '../../math.js';
import type { Handler } from '../importer.js';
import { isBatch, normAxis } from '../values.js';
import { binConst } from './math.js';

export const LayerNormalization: Handler = (m) => {
  m.unusedOutputs(1, 'Mean / InvStdDev');
  const x = m.act(0);
  const r = x.shape.length;
  const axis = normAxis(m.at.i('axis', -1), r);
  const normDims = x.shape.slice(axis);
  if (normDims.some(isBatch)) unsupported('normalisation over the batch dimension');
  const len = prod(normDims);
  const pick = (i: number, what: string) => {
    const c = m.optCst(i, what);
    if (!c) return undefined;
    const d = m.f32Of(c, what);
    if (d.length === len) return d;
    if (d.length === 1) return M.floats(len, `${m.nodeName}: ${what}`, d[0]);
    return unsupported(`${what} of shape ${JSON.stringify(c.dims)} for normalised dims ${JSON.stringify(normDims)}`);
  };
  const scale = pick(1, 'scale'), bias = pick(2, 'bias');
  const ins = [''];
  if (scale) ins.push(m.f32Tensor(`${m.nodeName}.scale`, scale, [len]));
  if (bias) { if (!scale) ins.push(m.f32Tensor(`${m.nodeName}.scale`, M.floats(len, `${m.nodeName}: scale`, 1), [len])); ins.push(m.f32Tensor(`${m.nodeName}.bias`, bias, [len])); }
  const eps = Math.fround(m.at.f('epsilon', 1e-5));
  const y = m.out(m.output(), x.shape, false);
  if (axis === r - 1) {
    ins[0] = m.nchw(x);
    m.emit('LayerNorm', ins, y.name, { epsilon: eps });
  } else {
    const lead = x.shape.slice(0, axis).map((d, i) => (i === 0 && d === -1 ? 0 : d));
    const f = m.fresh(`${x.name}.flat`), s = m.fresh(`${x.name}.ln`);
    m.emit('Reshape', [m.nchw(x)], f, { shape: [...lead, len] });
    ins[0] = f;
    m.emit('LayerNorm', ins, s, { epsilon: eps });
    m.emit('Reshape', [s], y.name, { shape: x.shape.map((d, i) => (i === 0 && d === -1 ? 0 : d)) });
  }
  m.bind(m.output(), y);
};

export const BatchNormalization: Handler = (m) => {
  // statistics computed at run time, training mode, other types: the typed ops (./batchnorm.ts)
  const x0 = m.val(0);
  const typed = m.at.i('training_mode', 0) !== 0 || [1, 2, 3, 4].some((i) => m.val(i)?.kind !== 'const') || x0?.kind !== 'act' || (x0.dtype ?? 'f32') !== 'f32' || x0.shape.slice(1).includes(-1);
  if (typed) return batchNormTyped(m);
  m.unusedOutputs(1, 'running mean / var');
  const x = m.act(0);
  const C = x.shape[1];
  const get = (i: number, what: string) => { const d = m.f32Of(m.cst(i, what), what); if (d.length !== C) fail('BAD_GRAPH', `${m.where()}: ${what} has ${d.length} values for ${C} channels`); return d; };
  const gamma = get(1, 'scale'), beta = get(2, 'B'), mean = get(3, 'input_mean'), vr = get(4, 'input_var');
  const eps = Math.fround(m.at.f('epsilon', 1e-5));
  // s = gamma / sqrt(var + eps); shift = beta - mean * s (each one f32 operation, in wasm)
  const s = M.binary(gamma, M.sqrt(M.binary(vr, new Float32Array([eps]), 'add')), 'div');
  const p = m.soleProducer(x);
  const pw = p && m.tensors[p.w];
  if (p && pw && pw.format === 'f32' && (p.entry.attrs?.activation ?? 'none') === 'none' && p.rows === C) {
    const w = pw.data as Float32Array;
    pw.data = p.kind === 'dw' ? M.binary(w, s, 'mul') : M.scaleRows(w, C, s);
    const b0 = p.b ? (m.tensors[p.b].data as Float32Array) : new Float32Array(C);
    const nb = M.binary(M.binary(M.binary(b0, mean, 'sub'), s, 'mul'), beta, 'add');
    if (p.b) m.tensors[p.b].data = nb;
    else { p.b = m.f32Tensor(`${p.entry.name}.bias`, nb, [C]); p.entry.inputs[2] = p.b; }
    m.bind(m.output(), x);
    return;
  }
  const shift = M.binary(beta, M.binary(mean, s, 'mul'), 'sub');
  const dims = [C, ...x.shape.slice(2).map(() => 1)];
  const t = binConst(m, 'Mul', x, { kind: 'const', dims, dtype: 'f32', data: s }, null);
  m.bind(m.output(), binConst(m, 'Add', t, { kind: 'const', dims, dtype: 'f32', data: shift }, m.output()));
};

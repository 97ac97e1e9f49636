// ONNX Gemm / MatMul (Dense over a constant weight, stored [N, K]; int8 QDQ weights keep their
// codes) and Softmax / LogSoftmax (Alloy's softmax runs along the last axis, or the NHWC channel).

import { fail } from '../../../../runtime/errors.js';
import type { TensorInput } from '../../../bundle/write.js';
import type { NodeEntry } from '../../../../runtime/bundle/layout.js';
import { permute } from '../../../permute.js';
import { unsupported } from '../../graph.js';
import * as M from '../../math.js';
import type { Handler, OnnxImporter } from '../importer.js';
import { isBatch, normAxis, type Const } from '../values.js';
import { binConst } from './math.js';

/** Store a Dense weight [N, K] from a constant given as [N, K] (nk) or [K, N] (!nk). */
function denseWeight(m: OnnxImporter, c: Const, nk: boolean, alpha: number): { w: string; N: number; K: number } {
  if (c.dims.length !== 2) unsupported(`weight of rank ${c.dims.length} (a 2-D constant is supported)`);
  const [N, K] = nk ? c.dims : [c.dims[1], c.dims[0]];
  const base = `${m.nodeName}.weight`;
  if (c.q && alpha === 1) {
    const q = c.q;
    const perTensor = q.axis < 0;
    const perN = !perTensor && (nk ? q.axis === 0 : q.axis === 1);
    if (perTensor || perN) {
      const codes = nk ? q.codes : permute(q.codes, c.dims, [1, 0]);
      // per tensor: one group of N * K (the Dense op gives each row the tensor's scale)
      const groups = perTensor ? 1 : N;
      const t: TensorInput = { format: q.fmt, shape: [N, K], data: codes as Int8Array | Uint8Array, group: perTensor ? N * K : K };
      const w = m.fresh(base);
      t.scale = m.f32Tensor(`${w}.scale`, q.scale.subarray(0, groups), [groups]);
      const zp = q.zp.subarray(0, groups);
      if (zp.some((z) => z !== 0) || q.fmt === 'u8') t.zeroPoint = m.tensor(`${w}.zero_point`, { format: 'i32', shape: [groups], data: zp });
      m.tensors[w] = t;
      return { w, N, K };
    }
  }
  if (c.dtype === 'f16' && alpha === 1) return { w: m.tensor(base, { format: 'f16', shape: [N, K], data: nk ? c.data as Uint16Array : permute(c.data as Uint16Array, c.dims, [1, 0]) }), N, K };
  let d = m.f32Of(c, 'weight');
  if (!nk) d = permute(d, c.dims, [1, 0]);
  if (alpha !== 1) d = M.binary(d, new Float32Array([alpha]), 'mul');
  return { w: m.f32Tensor(base, d, [N, K]), N, K };
}

function registerDense(m: OnnxImporter, e: NodeEntry, w: string, b: string | undefined, N: number) {
  m.producers.set(e.outputs[0], { entry: e, kind: 'dense', w, b, rows: N });
}

export const Gemm: Handler = (m) => {
  let a = m.act(0);
  const bv = m.val(1);
  if (bv?.kind !== 'const') unsupported('input B is an activation (only a constant weight is supported)');
  const B = bv as Const;
  const transA = m.at.i('transA', 0), transB = m.at.i('transB', 0);
  const alpha = Math.fround(m.at.f('alpha', 1)), beta = Math.fround(m.at.f('beta', 1));
  if (a.shape.length !== 2) unsupported(`input A of rank ${a.shape.length}`);
  let an = m.nchw(a);
  let M0 = a.shape[0];
  if (transA) {
    if (a.shape.some(isBatch)) unsupported('transA with a dynamic dimension');
    const t = m.fresh(`${an}.T`);
    m.emit('Transpose', [an], t, { perm: [1, 0] });
    an = t; M0 = a.shape[1];
  }
  const { w, N, K } = denseWeight(m, B, transB === 1, alpha);
  const Kin = transA ? a.shape[0] : a.shape[1];
  if (K !== Kin) fail('BAD_GRAPH', `${m.where()}: A has ${Kin} columns, B has ${K} rows`);
  const cv = m.val(2);
  let bias: string | undefined;
  let after: Const | null = null;
  if (cv) {
    if (cv.kind !== 'const') unsupported('C is an activation');
    const C = cv as Const;
    let d = m.f32Of(C, 'C');
    const eff = [...C.dims]; while (eff.length && eff[0] === 1) eff.shift();
    if (beta !== 1) d = M.binary(d, new Float32Array([beta]), 'mul');
    if (d.length === 1) bias = m.f32Tensor(`${m.nodeName}.bias`, M.floats(N, `${m.nodeName}: C`, d[0]), [N]);
    else if (eff.length === 1 && eff[0] === N) bias = m.f32Tensor(`${m.nodeName}.bias`, d, [N]);
    else after = { kind: 'const', dims: C.dims, dtype: 'f32', data: d };
  }
  const shape = [M0, N];
  const y = after ? m.tmp(`${m.output()}.mm`, shape, false) : m.out(m.output(), shape, false);
  const e = m.emit('Dense', bias ? [an, w, bias] : [an, w], y.name);
  registerDense(m, e, w, bias, N);
  m.bind(m.output(), after ? binConst(m, 'Add', y, after, m.output()) : y);
};

export const MatMul: Handler = (m) => {
  const av = m.val(0), bv = m.val(1);
  if (av?.kind !== 'act') unsupported(av?.kind === 'const' ? 'input A is a constant (constant x activation is not supported)' : 'input A is quantized');
  if (bv?.kind !== 'const') unsupported('both inputs are activations (batched activation x activation MatMul is not supported)');
  const a = av as Act, B = bv as Const;
  if (B.dims.length !== 2) unsupported(`constant B of rank ${B.dims.length}`);
  if (a.shape.length < 2) unsupported('input A of rank 1');
  const { w, N, K } = denseWeight(m, B, false, 1);
  if (a.shape.at(-1) !== K && a.shape.at(-1) !== -1) fail('BAD_GRAPH', `${m.where()}: A ${JSON.stringify(a.shape)} and B ${JSON.stringify(B.dims)} do not match`);
  const y = m.out(m.output(), [...a.shape.slice(0, -1), N], false);
  const e = m.emit('Dense', [m.nchw(a), w], y.name);
  registerDense(m, e, w, undefined, N);
  m.bind(m.output(), y);
};

function softmaxLike(op: 'Softmax' | 'LogSoftmax'): Handler {
  return (m) => {
    const x = m.act(0);
    const r = x.shape.length;
    const axis = normAxis(m.at.i('axis', m.opset < 13 ? 1 : -1), r);
    if (axis === r - 1) {
      const y = m.out(m.output(), x.shape, false);
      m.emit(op, [m.nchw(x)], y.name);
      return m.bind(m.output(), y);
    }
    if (m.opset >= 13 && r === 4 && axis === 1 && x.nhwc) {
      const y = m.out(m.output(), x.shape, true);
      m.emit(op, [x.name], y.name);
      return m.bind(m.output(), y);
    }
    if (m.opset < 13) {
      // coerced to 2-D: softmax over the flattened dims axis..r-1
      if (axis === 0 && x.shape[0] === -1) unsupported('softmax over the batch dimension');
      const lead = x.shape.slice(0, axis).map((d, i) => (i === 0 && d === -1 ? 0 : d));
      const f = m.fresh(`${x.name}.flat`), s = m.fresh(`${x.name}.${op.toLowerCase()}`);
      m.emit('Reshape', [m.nchw(x)], f, { shape: [...lead, -1] });
      m.emit(op, [f], s);
      const y = m.out(m.output(), x.shape, false);
      m.emit('Reshape', [s], y.name, { shape: x.shape.map((d, i) => (i === 0 && d === -1 ? 0 : d)) });
      return m.bind(m.output(), y);
    }
    // opset >= 13, an inner axis: move it last and back
    const perm = [...Array(r).keys()].filter((i) => i !== axis).concat([axis]);
    const inv = perm.map((_, i) => perm.indexOf(i));
    const t = m.fresh(`${x.name}.t`), s = m.fresh(`${x.name}.${op.toLowerCase()}`);
    m.emit('Transpose', [m.nchw(x)], t, { perm });
    m.emit(op, [t], s);
    const y = m.out(m.output(), x.shape, false);
    m.emit('Transpose', [s], y.name, { perm: inv });
    m.bind(m.output(), y);
  };
}
export const Softmax: Handler = softmaxLike('Softmax');
export const LogSoftmax: Handler = softmaxLike('LogSoftmax');

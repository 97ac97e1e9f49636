// ONNX Conv (OIHW weights -> OHWI, depthwise [C,1,kh,kw] -> [kh,kw,C], on NHWC activations),
// MaxPool / AveragePool, GlobalAveragePool and ReduceMean (over H, W or the last axis).

import { fail } from '../../../../runtime/errors.js';
import type { TensorInput } from '../../../bundle/write.js';
import { permute } from '../../../permute.js';
import { unsupported, type Ints } from '../../graph.js';
import type { Handler, OnnxImporter } from '../importer.js';
import { isBatch, normAxis } from '../values.js';

function spatial(m: OnnxImporter, H: number, W: number, k: Ints, strides: Ints, dil: Ints): { pads: Ints; OH: number; OW: number } {
  const autoPad = m.at.s('auto_pad', 'NOTSET');
  const ek = [0, 1].map((i) => dil[i] * (k[i] - 1) + 1);
  const dims = [H, W];
  let pads: Ints;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = [0, 0, 0, 0];
    for (let i = 0; i < 2; i++) {
      const o = Math.ceil(dims[i] / strides[i]);
      const total = Math.max(0, (o - 1) * strides[i] + ek[i] - dims[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + 2] = total - pads[i];
    }
  } else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'NOTSET') {
    pads = m.at.ints('pads', [0, 0, 0, 0])!;
    if (pads.length !== 4 || pads.some((p) => !(p >= 0))) unsupported(`pads ${JSON.stringify(pads)}`);
  } else return fail('BAD_GRAPH', `${m.where()}: auto_pad ${JSON.stringify(autoPad)}`);
  const out = [0, 1].map((i) => Math.floor((dims[i] + pads[i] + pads[i + 2] - ek[i]) / strides[i]) + 1);
  if (!(out[0] >= 1 && out[1] >= 1)) fail('BAD_GRAPH', `${m.where()}: input ${H}x${W} is smaller than the kernel`);
  // ceil_mode: the extra output row / column reads padding past the end (pooling only)
  if (m.at.i('ceil_mode', 0) === 1) {
    for (let i = 0; i < 2; i++) {
      let o = Math.ceil((dims[i] + pads[i] + pads[i + 2] - ek[i]) / strides[i]) + 1;
      if ((o - 1) * strides[i] >= dims[i] + pads[i]) o--; // the last window must start inside the input or the leading padding
      const need = (o - 1) * strides[i] + ek[i] - (dims[i] + pads[i] + pads[i + 2]);
      if (need > 0) pads[i + 2] += need;
      out[i] = o;
    }
  }
  return { pads, OH: out[0], OW: out[1] };
}

function pair(m: OnnxImporter, k: string, d: number): Ints {
  const v = m.at.ints(k, [d, d])!;
  if (v.length !== 2) unsupported(`${k} ${JSON.stringify(v)} (2-D only)`);
  return v;
}

export const Conv: Handler = (m) => {
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (2-D convolution on NCHW input is supported)`);
  const W = m.cst(1, 'weight');
  if (W.dims.length !== 4) unsupported(`weight of rank ${W.dims.length}`);
  const [O, Ig, kh, kw] = W.dims;
  const [, C, H, Wd] = x.shape;
  const group = m.at.i('group', 1);
  if (Ig * group !== C || O % group !== 0) fail('BAD_GRAPH', `${m.where()}: weight ${JSON.stringify(W.dims)} with group ${group} does not fit ${C} input channels`);
  const ks = m.at.ints('kernel_shape');
  if (ks && (ks[0] !== kh || ks[1] !== kw)) fail('BAD_GRAPH', `${m.where()}: kernel_shape ${JSON.stringify(ks)} differs from the weight's ${kh}x${kw}`);
  const strides = pair(m, 'strides', 1), dil = pair(m, 'dilations', 1);
  const { pads, OH, OW } = spatial(m, H, Wd, [kh, kw], strides, dil);
  const q = W.q;
  const depthwise = group === C && Ig === 1 && O === C && group > 1 && !(q && q.axis >= 0);
  const base = `${m.nodeName}.weight`;
  let wName: string;
  if (q && (q.axis < 0 || q.axis === 0)) {
    const codes = depthwise ? permute(q.codes, [O, kh, kw], [1, 2, 0]) : permute(q.codes, W.dims, [0, 2, 3, 1]);
    const n = codes.length;
    wName = m.fresh(base);
    const t: TensorInput = { format: q.fmt, shape: depthwise ? [kh, kw, C] : [O, kh, kw, Ig], data: codes as Int8Array | Uint8Array, group: q.axis < 0 ? n : n / O };
    t.scale = m.f32Tensor(`${wName}.scale`, q.scale, [q.scale.length]);
    if (q.zp.some((z) => z !== 0) || q.fmt === 'u8') t.zeroPoint = m.tensor(`${wName}.zero_point`, { format: 'i32', shape: [q.zp.length], data: q.zp });
    m.tensors[wName] = t;
  } else if (W.dtype === 'f16' && !q) {
    const d = W.data as Uint16Array;
    wName = m.tensor(base, depthwise ? { format: 'f16', shape: [kh, kw, C], data: permute(d, [O, kh, kw], [1, 2, 0]) } : { format: 'f16', shape: [O, kh, kw, Ig], data: permute(d, W.dims, [0, 2, 3, 1]) });
  } else {
    const d = m.f32Of(W, 'weight');
    wName = depthwise ? m.f32Tensor(base, permute(d, [O, kh, kw], [1, 2, 0]), [kh, kw, C]) : m.f32Tensor(base, permute(d, W.dims, [0, 2, 3, 1]), [O, kh, kw, Ig]);
  }
  const Bc = m.optCst(2, 'bias');
  let bName: string | undefined;
  if (Bc) { const b = m.f32Of(Bc, 'bias'); if (b.length !== O) fail('BAD_GRAPH', `${m.where()}: bias has ${b.length} values for ${O} outputs`); bName = m.f32Tensor(`${m.nodeName}.bias`, b, [O]); }
  const y = m.out(m.output(), [x.shape[0], O, OH, OW], true);
  const attrs: Record<string, unknown> = { strides, pads, dilations: dil };
  if (!depthwise && group > 1) attrs.group = group;
  const e = m.emit(depthwise ? 'DepthwiseConv' : 'Conv', bName ? [m.nhwc(x), wName, bName] : [m.nhwc(x), wName], y.name, attrs);
  m.producers.set(y.name, { entry: e, kind: depthwise ? 'dw' : 'conv', w: wName, b: bName, rows: O });
  m.bind(m.output(), y);
};

function pool(kind: 'MaxPool' | 'AveragePool'): Handler {
  return (m) => {
    if (kind === 'MaxPool') m.unusedOutputs(1, 'Indices');
    const x = m.act(0);
    if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (2-D pooling is supported)`);
    const k = m.at.ints('kernel_shape');
    if (!k || k.length !== 2) unsupported('kernel_shape must be 2-D');
    const strides = pair(m, 'strides', 1), dil = pair(m, 'dilations', 1);
    if (dil[0] !== 1 || dil[1] !== 1) unsupported('dilated pooling');
    const cip = kind === 'AveragePool' ? m.at.i('count_include_pad', 0) : 0;
    if (cip && m.at.i('ceil_mode', 0)) unsupported('ceil_mode with count_include_pad');
    const [N, C, H, W] = x.shape;
    const { pads, OH, OW } = spatial(m, H, W, k!, strides, dil);
    if (pads[0] >= k![0] || pads[2] >= k![0] || pads[1] >= k![1] || pads[3] >= k![1]) unsupported(`padding ${JSON.stringify(pads)} not smaller than the window`);
    const y = m.out(m.output(), [N, C, OH, OW], true);
    m.emit(kind, [m.nhwc(x)], y.name, { kernel: k, strides, pads, ...(cip ? { countIncludePad: true } : {}) });
    m.bind(m.output(), y);
  };
}
export const MaxPool: Handler = pool('MaxPool');
export const AveragePool: Handler = pool('AveragePool');

export const GlobalAveragePool: Handler = (m) => {
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length}`);
  const y = m.out(m.output(), [x.shape[0], x.shape[1], 1, 1], true);
  m.emit('GlobalAveragePool', [m.nhwc(x)], y.name);
  m.bind(m.output(), y);
};

// see: ONNX GlobalMaxPool, opset 1: the max over every spatial position of each channel; for
// 4-D input that is MaxPool with the whole H x W as its window (stride 1, no padding), so no new
// kernel: the runtime's MaxPool (maxpool_f32__simd128) computes it.
export const GlobalMaxPool: Handler = (m) => {
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (4-D NCHW input is supported)`);
  const [N, C, H, W] = x.shape;
  const y = m.out(m.output(), [N, C, 1, 1], true);
  m.emit('MaxPool', [m.nhwc(x)], y.name, { kernel: [H, W], strides: [1, 1], pads: [0, 0, 0, 0] });
  m.bind(m.output(), y);
};

export const ReduceMean: Handler = (m) => {
  const x = m.act(0);
  const r = x.shape.length;
  const keep = m.at.i('keepdims', 1);
  let axes = m.opset < 18 ? m.at.ints('axes') : m.val(1) ? m.ints(1, 'axes') : undefined;
  if (!axes || axes.length === 0) {
    if (m.opset >= 18 && m.at.i('noop_with_empty_axes', 0)) { m.bind(m.output(), x); return; }
    axes = [...Array(r).keys()];
  }
  const ax = axes.map((a) => normAxis(a, r)).sort((a, b) => a - b);
  const outShape = keep ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i));
  if (r === 4 && ax.length === 2 && ax[0] === 2 && ax[1] === 3) {
    const g = keep ? m.out(m.output(), outShape, true) : m.tmp(`${x.name}.gap`, [x.shape[0], x.shape[1], 1, 1], true);
    m.emit('GlobalAveragePool', [m.nhwc(x)], g.name);
    if (keep) return m.bind(m.output(), g);
    const y = m.out(m.output(), outShape, false);
    m.emit('Flatten', [g.name], y.name, { axis: 1 });
    return m.bind(m.output(), y);
  }
  if (ax.length === 1 && ax[0] === r - 1) {
    const K = x.shape[r - 1];
    if (isBatch(K)) unsupported('mean over the batch dimension');
    const a = m.fresh(`${x.name}.rows`), g = m.fresh(`${x.name}.mean`);
    m.emit('Reshape', [m.nchw(x)], a, { shape: [-1, K, 1, 1] });
    m.emit('GlobalAveragePool', [a], g);
    const y = m.out(m.output(), outShape, false);
    const target = outShape.length ? outShape : [1];
    if (target.filter(isBatch).length > 1) unsupported('more than one dynamic dimension');
    m.emit('Reshape', [g], y.name, { shape: target });
    return m.bind(m.output(), y);
  }
  unsupported(`ReduceMean over axes ${JSON.stringify(axes)} (over H and W of 4-D input, or the last axis, is supported)`);
};

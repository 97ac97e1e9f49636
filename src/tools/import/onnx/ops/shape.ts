// ONNX constants and shape folding: Constant, Identity / Dropout, and the integer shape
// arithmetic PyTorch exports feed Reshape with (Shape, Gather, Unsqueeze, Squeeze, Cast, Slice),
// folded here on constants; Flatten / Reshape of activations. Shape vectors hold BATCH for a
// dynamic batch dimension.

import { fail } from '../../../../runtime/errors.js';
import { prod, unsupported, type DType, type Ints } from '../../graph.js';
import { DT } from '../proto.js';
import type { Handler, OnnxImporter } from '../importer.js';
import { BATCH, constantNode, dtypeOf, intData, isBatch, makeLike, normAxis, type Act, type Const } from '../values.js';

export const Constant: Handler = (m) => m.bind(m.output(), constantNode(m.node));

export const Identity: Handler = (m) => {
  const v = m.val(0);
  if (!v) fail('BAD_GRAPH', `${m.where()}: input missing`);
  m.bind(m.output(), v);
};
export const Dropout: Handler = (m) => { m.unusedOutputs(1, 'mask'); Identity(m); };

export const Shape: Handler = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('input is quantized');
  const r = dims.length;
  let s = m.at.i('start', 0), e = m.at.has('end') ? m.at.i('end', r) : r;
  s = Math.min(Math.max(s < 0 ? s + r : s, 0), r); e = Math.min(Math.max(e < 0 ? e + r : e, 0), r);
  const out = dims.slice(s, Math.max(s, e)).map((d) => (d === -1 ? BATCH : d));
  m.bind(m.output(), { kind: 'const', dims: [out.length], dtype: 'i64', data: out });
};

export const Gather: Handler = (m) => {
  const d = m.need(0);
  // folded on constants; an activation (data or indices) takes the generic row (ops/indexing.ts)
  if (d.kind !== 'const' || m.val(1)?.kind !== 'const') unsupported('an activation input: the runtime Gather computes it');
  const data = d as Const;
  const idx = m.ints(1, 'indices'), idims = m.cst(1, 'indices').dims;
  const r = data.dims.length;
  const axis = normAxis(m.at.i('axis', 0), r);
  const outer = prod(data.dims.slice(0, axis)), len = data.dims[axis], inner = prod(data.dims.slice(axis + 1));
  const out = makeLike(data, outer * idx.length * inner) as any;
  for (let o = 0; o < outer; o++) for (let j = 0; j < idx.length; j++) {
    let k = idx[j]; if (k < 0) k += len;
    if (!(k >= 0 && k < len)) fail('BAD_GRAPH', `${m.where()}: index ${idx[j]} out of range ${len}`);
    for (let i = 0; i < inner; i++) out[(o * idx.length + j) * inner + i] = (data.data as any)[(o * len + k) * inner + i];
  }
  m.bind(m.output(), { kind: 'const', dims: [...data.dims.slice(0, axis), ...idims, ...data.dims.slice(axis + 1)], dtype: data.dtype, data: out });
};

function axesArg(m: OnnxImporter, attrFromOpset: number): Ints | undefined {
  if (m.opset < attrFromOpset) return m.at.ints('axes');
  return m.val(1) === undefined ? undefined : m.ints(1, 'axes');
}

function reshapeAct(m: OnnxImporter, x: Act, shape: Ints): Act {
  if (shape.filter(isBatch).length > 1) unsupported('more than one dynamic dimension');
  const y = m.out(m.output(), shape, false);
  m.emit('Reshape', [m.nchw(x)], y.name, { shape });
  return y;
}

export const Unsqueeze: Handler = (m) => {
  const v = m.need(0);
  const axes = axesArg(m, 13);
  if (!axes) fail('BAD_GRAPH', `${m.where()}: axes missing`);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const r = dims.length + axes.length;
  const ax = axes.map((a) => normAxis(a, r)).sort((a, b) => a - b);
  const out = [...dims];
  for (const a of ax) out.splice(a, 0, 1);
  if (v.kind === 'const') m.bind(m.output(), { ...v, dims: out });
  else m.bind(m.output(), reshapeAct(m, v as Act, out));
};

export const Squeeze: Handler = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const axes = axesArg(m, 13);
  const ax = axes ? axes.map((a) => normAxis(a, dims.length)) : dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  for (const a of ax) if (dims[a] !== 1) unsupported(`axis ${a} has size ${dims[a]}, not 1`);
  const out = dims.filter((_, i) => !ax.includes(i));
  if (v.kind === 'const') m.bind(m.output(), { ...v, dims: out });
  else m.bind(m.output(), reshapeAct(m, v as Act, out));
};

export const Cast: Handler = (m) => {
  const v = m.need(0);
  const to = m.at.i('to', 0);
  if (v.kind === 'act') {
    // an f32 activation cast to f32 is itself; any other cast is the generic Cast node (move.ts)
    if (to !== DT.FLOAT) unsupported(`cast of an activation to type ${to}`);
    m.bind(m.output(), v);
    return;
  }
  if (v.kind !== 'const') unsupported('quantized input');
  const c = v as Const;
  const t = dtypeOf(to);
  const isInt = (d: DType) => d === 'i64' || d === 'i32' || d === 'i8' || d === 'u8' || d === 'bool';
  if (t === c.dtype || ((t === 'f32' || t === 'f16') && (c.dtype === 'f32' || c.dtype === 'f16'))) { m.bind(m.output(), c); return; }
  if (isInt(c.dtype) && (t === 'i64' || t === 'i32')) { const d = intData(c); m.bind(m.output(), { kind: 'const', dims: c.dims, dtype: t, data: t === 'i32' ? Int32Array.from(d) : d }); return; }
  if (isInt(c.dtype) && t === 'f32') {
    const d = intData(c);
    if (d.some((x) => Math.abs(x) > 2 ** 24 || x === BATCH)) unsupported('cast of integers beyond 2^24 (or of the dynamic batch size) to float');
    m.bind(m.output(), { kind: 'const', dims: c.dims, dtype: 'f32', data: Float32Array.from(d) }); // exact
    return;
  }
  unsupported(`constant cast from ${c.dtype} to type ${to}`);
};

export const Slice: Handler = (m) => {
  const v = m.need(0);
  if (v.kind !== 'const') unsupported('data is an activation (only constant folding of Slice is supported)');
  const c = v as Const;
  let starts: Ints, ends: Ints, axes: Ints | undefined, steps: Ints | undefined;
  if (m.opset < 10) { starts = m.at.ints('starts', [])!; ends = m.at.ints('ends', [])!; axes = m.at.ints('axes'); }
  else { starts = m.ints(1, 'starts'); ends = m.ints(2, 'ends'); axes = m.val(3) ? m.ints(3, 'axes') : undefined; steps = m.val(4) ? m.ints(4, 'steps') : undefined; }
  if (c.dims.length !== 1) unsupported('folding Slice of a constant of rank other than 1');
  const ax = axes ?? starts.map((_, i) => i);
  if (ax.length !== 1 || normAxis(ax[0], 1) !== 0) unsupported('Slice axes');
  const n = c.dims[0], step = steps?.[0] ?? 1;
  if (step === 0) fail('BAD_GRAPH', `${m.where()}: step 0`);
  const clampI = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  let s = starts[0] < 0 ? starts[0] + n : starts[0], e = ends[0] < 0 ? ends[0] + n : ends[0];
  const out: number[] = [];
  const src = Array.from(c.data as ArrayLike<number>);
  if (step > 0) { s = clampI(s, 0, n); e = clampI(e, 0, n); for (let i = s; i < e; i += step) out.push(src[i]); }
  else { s = clampI(s, -1, n - 1); e = clampI(e, -1, n - 1); for (let i = s; i > e; i += step) out.push(src[i]); }
  m.bind(m.output(), { kind: 'const', dims: [out.length], dtype: c.dtype, data: c.dtype === 'i64' ? out : (Array.isArray(c.data) ? out : new (c.data.constructor as any)(out)) });
};

export const Flatten: Handler = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const r = dims.length;
  let axis = m.at.i('axis', 1); if (axis < 0) axis += r;
  if (axis < 0 || axis > r) fail('BAD_GRAPH', `${m.where()}: axis out of range`);
  const head = dims.slice(0, axis), tail = dims.slice(axis);
  if (tail.some(isBatch)) unsupported('flattening the batch dimension into the columns');
  const lead = head.some(isBatch) ? (prod(head.filter((d) => !isBatch(d))) === 1 ? -1 : unsupported('flattening the batch dimension with other dimensions')) : prod(head);
  const out = [lead, prod(tail)];
  if (v.kind === 'const') return m.bind(m.output(), { ...v, dims: out });
  const y = m.out(m.output(), out, false);
  m.emit('Flatten', [m.nchw(v as Act)], y.name, { axis });
  m.bind(m.output(), y);
};

export const Reshape: Handler = (m) => {
  const v = m.need(0);
  const target = m.ints(1, 'shape');
  const allowzero = m.at.i('allowzero', 0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  if (allowzero && target.includes(0)) unsupported('allowzero with a 0 in the shape');
  if (target.filter((d) => d === -1).length > 1) fail('BAD_GRAPH', `${m.where()}: more than one -1 in the shape`);
  const t = target.map((d, i) => (d === BATCH ? (i === 0 && dims[0] === -1 ? 0 : unsupported('the dynamic batch size lands off the first dimension')) : d));
  const resolved = t.map((d, i) => (d === 0 ? dims[i] : d));
  if (resolved.some((d) => d === undefined)) fail('BAD_GRAPH', `${m.where()}: a 0 in the shape has no input dimension to copy`);
  const batchIn = dims.some(isBatch);
  const inKnown = prod(dims.filter((d) => !isBatch(d)));
  const out = [...resolved];
  const inf = t.indexOf(-1);
  const batchCopied = batchIn && t[0] === 0 && dims[0] === -1;
  const known = prod(resolved.filter((d, i) => i !== inf && !(i === 0 && batchCopied)));
  if (inf >= 0) {
    if (!batchIn) out[inf] = inKnown / known;
    else if (batchCopied) out[inf] = inKnown / known;
    else if (inf === 0 && inKnown === known) out[0] = -1;
    else unsupported('a reshape that moves the dynamic batch dimension');
    if (!Number.isInteger(out[inf]) && out[inf] !== -1) fail('BAD_GRAPH', `${m.where()}: cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(target)}`);
  } else if (batchIn && !batchCopied) unsupported('a fixed shape for a tensor with a dynamic batch dimension');
  else if (batchIn && prod(out.slice(1)) !== inKnown) fail('BAD_GRAPH', `${m.where()}: cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(target)}`);
  if (!batchIn && prod(out) !== inKnown) fail('BAD_GRAPH', `${m.where()}: cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(target)}`);
  if (v.kind === 'const') return m.bind(m.output(), { ...v, dims: out });
  const y = m.out(m.output(), out, false);
  m.emit('Reshape', [m.nchw(v as Act)], y.name, { shape: t });
  m.bind(m.output(), y);
};

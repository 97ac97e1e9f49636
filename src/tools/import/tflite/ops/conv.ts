// TFLite CONV_2D (OHWI filters, Alloy's own layout; a 1x1 may become Dense), DEPTHWISE_CONV_2D
// ([1, KH, KW, C] filters; a depth multiplier > 1 becomes a grouped Conv), FULLY_CONNECTED and the
// 2-D pools. A zero PAD folded before a VALID conv becomes the conv's pads.

import { fail } from '../../../../runtime/errors.js';
import { prod, unsupported, type Ints } from '../../graph.js';
import type { Handler, TfliteImporter } from '../importer.js';
import { permute } from '../../../permute.js';
import type { Act, Const } from '../values.js';

function padding(m: TfliteImporter, id: number): 'same' | 'valid' {
  const p = m.opt.u8(id, 0);
  if (p === 0) return 'same';
  if (p === 1) return 'valid';
  return unsupported(`padding ${p}`);
}

/** Conv pads from the padding option and a folded PAD before it. */
function convPads(m: TfliteImporter, x: Act, pad: 'same' | 'valid'): { input: Act; pads: 'same' | 'valid' | Ints } {
  if (x.pendingPad && pad === 'valid') return { input: x.pendingPad.x, pads: x.pendingPad.pads };
  if (x.pendingPad) m.materialize(x);
  return { input: x, pads: pad };
}

function bias(m: TfliteImporter, k: number, n: number, base: string): string | undefined {
  const v = m.val(k);
  if (!v) return undefined;
  if (v.kind !== 'const') unsupported(`bias (input ${k}) is not a constant`);
  const c = v as Const;
  if (prod(c.dims) !== n) fail('BAD_GRAPH', `${m.where()}: bias has ${prod(c.dims)} values, ${n} expected`);
  return m.f32Tensor(base, m.f32Of(c, 'bias'), [n]);
}

export const CONV_2D: Handler = (m) => {
  const x0 = m.act(0, true);
  const w = m.cst(1, 'filter');
  if (w.dims.length !== 4) fail('BAD_GRAPH', `${m.where()}: filter shape ${JSON.stringify(w.dims)}, expected OHWI`);
  const [OC, KH, KW, ICg] = w.dims;
  const C = x0.pendingPad ? x0.pendingPad.x.shape[3] : x0.shape[3];
  if (C % ICg !== 0) fail('BAD_GRAPH', `${m.where()}: ${C} input channels, filter has ${ICg}`);
  const group = C / ICg;
  const sw = m.opt.i32(1, 1), sh = m.opt.i32(2, 1), fused = m.opt.u8(3, 0), dw = m.opt.i32(4, 1), dh = m.opt.i32(5, 1);
  const pad = padding(m, 0);
  const b = bias(m, 2, OC, `${m.nodeName}.bias`);
  if (m.opts.pointwise === 'dense' && KH === 1 && KW === 1 && sh === 1 && sw === 1 && group === 1 && !x0.pendingPad) {
    const wn = m.weight(w, `${m.nodeName}.weight`, [OC, ICg], 'filter');
    m.emitWithAct('Dense', [x0.name, wn, ...(b ? [b] : [])], undefined, m.opt.u8(3, 0), ['relu']);
    return;
  }
  const { input, pads } = convPads(m, x0, pad);
  const wn = m.weight(w, `${m.nodeName}.weight`, [OC, KH, KW, ICg], 'filter');
  const attrs: Record<string, unknown> = { strides: [sh, sw], pads, ...(dh !== 1 || dw !== 1 ? { dilations: [dh, dw] } : {}), ...(group !== 1 ? { group } : {}) };
  m.emitWithAct('Conv', [input.name, wn, ...(b ? [b] : [])], attrs, fused, ['relu', 'relu6']);
};

export const DEPTHWISE_CONV_2D: Handler = (m) => {
  const x0 = m.act(0, true);
  const w = m.cst(1, 'filter');
  if (w.dims.length !== 4 || w.dims[0] !== 1) fail('BAD_GRAPH', `${m.where()}: depthwise filter shape ${JSON.stringify(w.dims)}, expected [1, KH, KW, C * multiplier]`);
  const [, KH, KW, OC] = w.dims;
  const C = x0.pendingPad ? x0.pendingPad.x.shape[3] : x0.shape[3];
  const sw = m.opt.i32(1, 1), sh = m.opt.i32(2, 1), fused = m.opt.u8(4, 0), dw = m.opt.i32(5, 1), dh = m.opt.i32(6, 1);
  const pad = padding(m, 0);
  if (OC % C !== 0) fail('BAD_GRAPH', `${m.where()}: ${OC} filter channels for ${C} input channels`);
  const b = bias(m, 2, OC, `${m.nodeName}.bias`);
  const { input, pads } = convPads(m, x0, pad);
  const attrs: Record<string, unknown> = { strides: [sh, sw], pads, ...(dh !== 1 || dw !== 1 ? { dilations: [dh, dw] } : {}) };
  if (OC === C) {
    // int8 per-channel filters (along axis 3) keep their codes: the entry's axis 2 of [KH, KW, C]
    const wn = m.weight(w, `${m.nodeName}.weight`, [KH, KW, C], 'filter');
    m.emitWithAct('DepthwiseConv', [input.name, wn, ...(b ? [b] : [])], attrs, fused, ['relu', 'relu6']);
    return;
  }
  // depth multiplier > 1: a grouped Conv (group = C), weights [OC, KH, KW, 1]
  const vals = m.dequantAny(w, 'filter');
  const wn = m.f32Tensor(`${m.nodeName}.weight`, permute(vals, [KH, KW, OC], [2, 0, 1]), [OC, KH, KW, 1]);
  m.emitWithAct('Conv', [input.name, wn, ...(b ? [b] : [])], { ...attrs, group: C }, fused, ['relu', 'relu6']);
};

export const FULLY_CONNECTED: Handler = (m) => {
  let x = m.act(0);
  const w = m.cst(1, 'weights');
  if (w.dims.length !== 2) fail('BAD_GRAPH', `${m.where()}: weights shape ${JSON.stringify(w.dims)}, expected [N, K]`);
  const [N, K] = w.dims;
  if (m.opt.u8(1, 0) !== 0) unsupported('shuffled weights format');
  const keep = m.opt.bool(2, false);
  const b = bias(m, 2, N, `${m.nodeName}.bias`);
  if (x.shape[x.shape.length - 1] !== K || (!keep && x.shape.length !== 2)) {
    if (prod(x.shape) % K !== 0) fail('SHAPE_MISMATCH', `${m.where()}: input ${JSON.stringify(x.shape)} does not flatten to rows of ${K}`);
    const name = m.fresh(`${x.name}.rows`);
    m.emit('Reshape', [x.name], name, { shape: [-1, K] }, '_flatten');
    x = { kind: 'act', name, shape: [prod(x.shape) / K, K] };
  }
  const wn = m.weight(w, `${m.nodeName}.weight`, [N, K], 'weights');
  m.emitWithAct('Dense', [x.name, wn, ...(b ? [b] : [])], undefined, m.opt.u8(0, 0), ['relu']);
};

const pool = (op: 'MaxPool' | 'AveragePool'): Handler => (m) => {
  const x = m.act(0);
  const sw = m.opt.i32(1, 1), sh = m.opt.i32(2, 1), fw = m.opt.i32(3, 1), fh = m.opt.i32(4, 1);
  m.emitWithAct(op, [x.name], { kernel: [fh, fw], strides: [sh, sw], pads: padding(m, 0) }, m.opt.u8(5, 0));
};
export const MAX_POOL_2D: Handler = pool('MaxPool');
export const AVERAGE_POOL_2D: Handler = pool('AveragePool');

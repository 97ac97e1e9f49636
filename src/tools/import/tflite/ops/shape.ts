// TFLite data movement: PAD / PADV2 / MIRROR_PAD (a zero spatial PAD before a VALID conv is held
// back to fold into it), RESHAPE / SQUEEZE / EXPAND_DIMS (to the stored output shape), the resizes,
// CONCATENATION, TRANSPOSE, MEAN over H and W.

import { fail } from '../../../../runtime/errors.js';
import { prod, unsupported, type Ints } from '../../graph.js';
import type { Handler, TfliteImporter } from '../importer.js';
import { opName } from '../schema.js';
import type { Act } from '../values.js';

function padsOf(m: TfliteImporter, rank: number): { begin: Ints; end: Ints } {
  const p = m.ints(1, 'paddings');
  if (p.length !== 2 * rank) fail('BAD_GRAPH', `${m.where()}: paddings has ${p.length} values for rank ${rank}`);
  return { begin: p.filter((_, i) => i % 2 === 0), end: p.filter((_, i) => i % 2 === 1) };
}
export const PAD: Handler = (m) => {
  const x = m.act(0);
  const { begin, end } = padsOf(m, x.shape.length);
  let value = 0;
  if (m.op.inputs.length > 2 && m.op.inputs[2] >= 0) value = m.f32Of(m.cst(2, 'constant value'), 'constant value')[0];
  const out = m.tinfo(m.op.outputs[0]);
  const users = m.consumers.get(m.op.outputs[0]) ?? [];
  const spatialOnly = x.shape.length === 4 && begin[0] === 0 && end[0] === 0 && begin[3] === 0 && end[3] === 0;
  const foldable = m.opts.foldPad !== false && value === 0 && spatialOnly && users.length === 1 && !m.graphOutputs.has(m.op.outputs[0]) &&
    ['CONV_2D', 'DEPTHWISE_CONV_2D'].includes(opName(users[0].code)) && users[0].inputs[0] === m.op.outputs[0] && !m.fakeQuantOf(out);
  if (foldable) {
    const a = m.bindOut();
    a.pendingPad = { x, pads: [begin[1], begin[2], end[1], end[2]] };
    return;
  }
  m.emitWithAct('Pad', [x.name], { pads: [...begin, ...end], ...(value !== 0 ? { value } : {}) }, 0);
};
export const PADV2: Handler = PAD;
export const MIRROR_PAD: Handler = (m) => {
  const x = m.act(0);
  if (m.opt.u8(0, 0) !== 0) unsupported('SYMMETRIC mode (REFLECT is supported)');
  const { begin, end } = padsOf(m, x.shape.length);
  m.emitWithAct('Pad', [x.name], { pads: [...begin, ...end], mode: 'reflect' }, 0);
};

function reshapeTo(m: TfliteImporter, x: Act, out: Ints): void {
  if (prod(out) !== prod(x.shape)) fail('SHAPE_MISMATCH', `${m.where()}: cannot reshape ${JSON.stringify(x.shape)} to ${JSON.stringify(out)}`);
  const target = out.map((d, i) => (i === 0 && x.shape[0] === d ? 0 : d));
  m.emitWithAct('Reshape', [x.name], { shape: target }, 0);
}
export const RESHAPE: Handler = (m) => reshapeTo(m, m.act(0), m.tinfo(m.op.outputs[0]).shape);
export const SQUEEZE: Handler = RESHAPE;
export const EXPAND_DIMS: Handler = RESHAPE;

const resize = (mode: 'bilinear' | 'nearest'): Handler => (m) => {
  const x = m.act(0);
  const size = m.ints(1, 'size');
  if (size.length !== 2 || x.shape.length !== 4) fail('BAD_GRAPH', `${m.where()}: size ${JSON.stringify(size)} for input ${JSON.stringify(x.shape)}`);
  const align = m.opt.bool(mode === 'bilinear' ? 2 : 0, false), half = m.opt.bool(mode === 'bilinear' ? 3 : 1, false);
  if (align && half) unsupported('align_corners together with half_pixel_centers');
  const coordMode = align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric';
  // TF nearest: half-pixel floor((x + 0.5) * scale) = round-half-up of the half-pixel coordinate;
  // align corners rounds half away from zero; otherwise floor(x * scale).
  const nearestMode = align || half ? 'round_prefer_ceil' : 'floor';
  m.emitWithAct('Resize', [x.name], { size, mode, coordMode, ...(mode === 'nearest' ? { nearestMode } : {}) }, 0);
};
export const RESIZE_BILINEAR: Handler = resize('bilinear');
export const RESIZE_NEAREST_NEIGHBOR: Handler = resize('nearest');

export const CONCATENATION: Handler = (m) => {
  const xs = m.op.inputs.map((_, k) => m.act(k));
  m.emitWithAct('Concat', xs.map((x) => x.name), { axis: m.opt.i32(0, 0) }, m.opt.u8(1, 0));
};

export const TRANSPOSE: Handler = (m) => {
  const x = m.act(0);
  m.emitWithAct('Transpose', [x.name], { perm: m.ints(1, 'perm') }, 0);
};

export const MEAN: Handler = (m) => {
  const x = m.act(0);
  const r = x.shape.length;
  const axes = [...new Set(m.ints(1, 'axes').map((a) => (a < 0 ? a + r : a)))].sort();
  if (!(r === 4 && axes.length === 2 && axes[0] === 1 && axes[1] === 2)) unsupported(`MEAN over axes ${JSON.stringify(axes)} of a rank-${r} tensor (the spatial axes [1, 2] of NHWC are supported)`);
  const keep = m.opt.bool(0, false);
  if (keep) { m.emitWithAct('GlobalAveragePool', [x.name], undefined, 0); return; }
  const pooled = m.fresh(`${x.name}.gap`);
  m.emit('GlobalAveragePool', [x.name], pooled, undefined, '_gap');
  reshapeTo(m, { kind: 'act', name: pooled, shape: [x.shape[0], 1, 1, x.shape[3]] }, m.tinfo(m.op.outputs[0]).shape);
};

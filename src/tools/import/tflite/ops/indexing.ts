// TFLite indexing and data movement on typed values, lowered to the runtime's ops with ONNX
// semantics (src/runtime/ops/{indexing,move,linalg,shape}.ts): GATHER, GATHER_ND, SLICE,
// STRIDED_SLICE (the masks resolved at import into Slice + Squeeze + Unsqueeze), PACK, UNPACK,
// SPLIT, SPLIT_V, TILE, BATCH_MATMUL (adj_x / adj_y as a Transpose of the last two axes),
// TOPK_V2, ONE_HOT.

import { fail } from '../../../../runtime/errors.js';
import { unsupported, type Ints } from '../../graph.js';
import type { Handler, TfliteImporter } from '../importer.js';
import { i64s, intScalar } from './nd.js';

/** An end past every dimension (Slice clamps it). */
const BIG = 2 ** 31 - 1;

/** see: TFLite GATHER (axis; batch_dims 0). */
export const GATHER: Handler = (m) => {
  const x = m.tin(0, 'params'), q = m.tin(1, 'indices');
  if (m.opt.i32(1, 0) !== 0) unsupported(`batch_dims ${m.opt.i32(1, 0)} (0 is supported)`);
  m.typedEmit('Gather', [x.name, q.name], { axis: m.opt.i32(0, 0) }, [x.dtype]);
};
/** see: TFLite GATHER_ND. */
export const GATHER_ND: Handler = (m) => {
  const x = m.tin(0, 'params'), q = m.tin(1, 'indices');
  m.typedEmit('GatherND', [x.name, q.name], undefined, [x.dtype]);
};

/** see: TFLite SLICE (constant begin and size; size -1: to the end). */
export const SLICE: Handler = (m) => {
  const x = m.tin(0), b = m.ints(1, 'begin'), n = m.ints(2, 'size');
  if (b.length !== x.shape.length || n.length !== b.length) fail('BAD_GRAPH', `${m.where()}: begin ${JSON.stringify(b)} and size ${JSON.stringify(n)} for a rank-${x.shape.length} input`);
  if (b.some((v) => v < 0) || n.some((v) => v < -1)) fail('BAD_GRAPH', `${m.where()}: begin ${JSON.stringify(b)} / size ${JSON.stringify(n)} out of range`);
  const ends = n.map((s, i) => (s === -1 ? BIG : b[i] + s));
  m.typedEmit('Slice', [x.name, i64s(m, b, 'starts'), i64s(m, ends, 'ends')], undefined, [x.dtype]);
};

/** TF's strided-slice spec (see: TFLite STRIDED_SLICE; tf.strided_slice): per input axis its
 *  (start, end, step); the axes shrunk away; the positions of the output's new size-1 axes. */
export function stridedSpec(rank: number, begin: Ints, end: Ints, strides: Ints, masks: { begin: number; end: number; ellipsis: number; newAxis: number; shrink: number; offset: boolean }, where: string) {
  const n = begin.length, bit = (mask: number, i: number) => ((mask >>> i) & 1) === 1;
  if (end.length !== n || strides.length !== n) fail('BAD_GRAPH', `${where}: begin, end and strides differ in length`);
  if (strides.some((s) => s === 0)) fail('BAD_GRAPH', `${where}: a stride of 0`);
  const ell = [...Array(n).keys()].filter((i) => bit(masks.ellipsis, i));
  if (ell.length > 1) fail('BAD_GRAPH', `${where}: more than one ellipsis`);
  const starts = new Array(rank).fill(0), ends = new Array(rank).fill(BIG), steps = new Array(rank).fill(1);
  const shrink: number[] = [], newAxes: number[] = [];
  // axis: the input axis the next entry names; outPos: the output position of the next kept axis
  let axis = 0, outPos = 0;
  for (let i = 0; i < n; i++) {
    if (bit(masks.ellipsis, i)) {
      // the ellipsis covers the axes the spec entries after it do not name
      const after = [...Array(n - i - 1).keys()].map((k) => k + i + 1).filter((k) => !bit(masks.newAxis, k)).length;
      const to = rank - after;
      while (axis < to) { axis++; outPos++; }
      continue;
    }
    if (bit(masks.newAxis, i)) { newAxes.push(outPos++); continue; }
    if (axis >= rank) fail('BAD_GRAPH', `${where}: the spec names more axes than the input's ${rank}`);
    const s = strides[i];
    let b = begin[i], e = masks.offset ? begin[i] + end[i] : end[i];
    if (bit(masks.shrink, i)) {
      if (bit(masks.begin, i)) b = 0;
      starts[axis] = b; ends[axis] = b === -1 ? BIG : b + 1; steps[axis] = 1;
      shrink.push(axis++);
      continue;
    }
    if (bit(masks.begin, i)) b = s > 0 ? 0 : BIG;
    if (bit(masks.end, i)) e = s > 0 ? BIG : -BIG;
    starts[axis] = b; ends[axis] = e; steps[axis] = s;
    axis++; outPos++;
  }
  // the axes after the spec are taken whole (as with an ellipsis at the end)
  return { starts, ends, steps, shrink, newAxes };
}

/** see: TFLite STRIDED_SLICE: Slice over every axis, Squeeze of the shrunk axes, Unsqueeze of
 *  the new ones (constant begin / end / strides). */
export const STRIDED_SLICE: Handler = (m) => {
  const x = m.tin(0);
  const masks = { begin: m.opt.i32(0, 0), end: m.opt.i32(1, 0), ellipsis: m.opt.i32(2, 0), newAxis: m.opt.i32(3, 0), shrink: m.opt.i32(4, 0), offset: m.opt.bool(5, false) };
  const sp = stridedSpec(x.shape.length, m.ints(1, 'begin'), m.ints(2, 'end'), m.ints(3, 'strides'), masks, m.where());
  const steps = [i64s(m, sp.starts, 'starts'), i64s(m, sp.ends, 'ends'), i64s(m, sp.starts.map((_, i) => i), 'axes'), i64s(m, sp.steps, 'steps')];
  const tail: [string, Record<string, unknown>][] = [];
  if (sp.shrink.length) tail.push(['Squeeze', { axes: sp.shrink }]);
  if (sp.newAxes.length) tail.push(['Unsqueeze', { axes: sp.newAxes }]);
  if (!tail.length) { m.typedEmit('Slice', [x.name, ...steps], undefined, [x.dtype]); return; }
  let cur = m.tmp('Slice', [x.name, ...steps]);
  tail.slice(0, -1).forEach(([op, at]) => { cur = m.tmp(op, [cur], at); });
  const [op, at] = tail[tail.length - 1];
  m.typedEmit(op, [cur], at, [x.dtype]);
};

/** see: TFLite PACK (values_count, axis): each input unsqueezed at axis, then concatenated. */
export const PACK: Handler = (m) => {
  const xs = m.op.inputs.map((_, k) => m.tin(k));
  if (!xs.length) fail('BAD_GRAPH', `${m.where()}: no inputs`);
  if (xs.some((x) => x.dtype !== xs[0].dtype)) fail('BAD_GRAPH', `${m.where()}: inputs of types ${xs.map((x) => x.dtype).join(', ')}`);
  const r = xs[0].shape.length + 1, a0 = m.opt.i32(1, 0), a = a0 < 0 ? a0 + r : a0;
  if (!(a >= 0 && a < r)) fail('BAD_GRAPH', `${m.where()}: axis ${a0} out of range for rank ${r}`);
  if (xs.length === 1) { m.typedEmit('Unsqueeze', [xs[0].name], { axes: [a] }, [xs[0].dtype]); return; }
  const parts = xs.map((x) => m.tmp('Unsqueeze', [x.name], { axes: [a] }));
  m.typedEmit('Concat', parts, { axis: a }, [xs[0].dtype]);
};
/** see: TFLite UNPACK (num, axis): Split into num parts, each squeezed. */
export const UNPACK: Handler = (m) => {
  const x = m.tin(0), r = x.shape.length, a0 = m.opt.i32(1, 0), a = a0 < 0 ? a0 + r : a0, n = m.op.outputs.length;
  if (!(a >= 0 && a < r)) fail('BAD_GRAPH', `${m.where()}: axis ${a0} out of range for rank ${r}`);
  if (x.shape[a] >= 0 && x.shape[a] !== n) fail('SHAPE_MISMATCH', `${m.where()}: axis ${a} of size ${x.shape[a]} unpacks into ${n} outputs`);
  const parts = m.op.outputs.map(() => m.fresh(`${m.nodeName}.part`));
  m.emitN('Split', [x.name], parts, { axis: a }, '_split');
  parts.forEach((p, k) => m.typedEmit('Squeeze', [p], { axes: [a] }, [x.dtype], { at: k }));
};
/** see: TFLite SPLIT (inputs axis, value; num_splits equal parts). */
export const SPLIT: Handler = (m) => {
  const axis = intScalar(m, 0, 'axis'), x = m.tin(1, 'value');
  m.typedEmit('Split', [x.name], { axis }, m.op.outputs.map(() => x.dtype));
};
/** see: TFLite SPLIT_V (inputs value, size_splits (one may be -1), axis). */
export const SPLIT_V: Handler = (m) => {
  const x = m.tin(0, 'value'), sizes = m.ints(1, 'size_splits'), axis = intScalar(m, 2, 'axis');
  const r = x.shape.length, a = axis < 0 ? axis + r : axis;
  if (!(a >= 0 && a < r)) fail('BAD_GRAPH', `${m.where()}: axis ${axis} out of range for rank ${r}`);
  const free = sizes.filter((s) => s === -1).length, known = sizes.filter((s) => s !== -1).reduce((s, v) => s + v, 0);
  if (free > 1 || sizes.some((s) => s < -1)) fail('BAD_GRAPH', `${m.where()}: size_splits ${JSON.stringify(sizes)}`);
  if (free && !(x.shape[a] >= 0)) unsupported(`a -1 split size along axis ${a}, whose size is unknown at import`);
  const split = sizes.map((s) => (s === -1 ? x.shape[a] - known : s));
  if (split.length !== m.op.outputs.length) fail('BAD_GRAPH', `${m.where()}: ${split.length} sizes for ${m.op.outputs.length} outputs`);
  m.typedEmit('Split', [x.name], { axis: a, split }, m.op.outputs.map(() => x.dtype));
};
/** see: TFLite TILE (multiples tensor). */
export const TILE: Handler = (m) => {
  const x = m.tin(0), reps = m.tin(1, 'multiples');
  m.typedEmit('Tile', [x.name, reps.name], undefined, [x.dtype]);
};

/** see: TFLite BATCH_MATMUL (adj_x / adj_y: the operand's last two axes swapped; batch dims broadcast). */
export const BATCH_MATMUL: Handler = (m) => {
  const ab = [m.tin(0, 'x'), m.tin(1, 'y')];
  if (ab[0].dtype !== ab[1].dtype) fail('BAD_GRAPH', `${m.where()}: operands of types ${ab[0].dtype} and ${ab[1].dtype}`);
  const names = ab.map((v, k) => {
    if (v.shape.length < 2) fail('SHAPE_MISMATCH', `${m.where()}: operand ${k} of rank ${v.shape.length} (rank >= 2 expected)`);
    if (!m.opt.bool(k, false)) return v.name;
    const r = v.shape.length, perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
    return m.tmp('Transpose', [v.name], { perm }, `${m.nodeName}.adj_${k ? 'y' : 'x'}`);
  });
  m.typedEmit('MatMul', names, undefined, [ab[0].dtype]);
};

/** see: TFLite TOPK_V2 (k; along the last axis, largest first): values and int32 indices. */
export const TOPK_V2: Handler = (m) => {
  const x = m.tin(0), k = m.tin(1, 'k');
  m.typedEmit('TopK', [x.name, k.name], { axis: -1, largest: 1, sorted: 1 }, [x.dtype, 'i64'], { cast: true });
};

/** see: TFLite ONE_HOT (indices, depth, on_value, off_value; axis): OneHot with values [off, on]. */
export const ONE_HOT: Handler = (m) => {
  const q = m.tin(0, 'indices'), depth = m.tin(1, 'depth'), on = m.tin(2, 'on_value'), off = m.tin(3, 'off_value');
  if (on.dtype !== off.dtype) fail('BAD_GRAPH', `${m.where()}: on_value is ${on.dtype}, off_value ${off.dtype}`);
  const flat = (v: string) => m.tmp('Reshape', [v], { shape: [1] });
  const values = m.tmp('Concat', [flat(off.name), flat(on.name)], { axis: 0 }, `${m.nodeName}.values`);
  m.typedEmit('OneHot', [q.name, depth.name, values], { axis: m.opt.i32(0, -1) }, [on.dtype]);
};

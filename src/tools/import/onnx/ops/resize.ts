// Generic rows (../generic.ts) of the resize family: Resize (opsets 10-19), Upsample (7, 9) and
// GridSample (16) as the runtime nodes ResizeNd / GridSample (src/runtime/ops/resize.ts). The
// layout-aware Resize handler (data.ts: NHWC nearest / bilinear with constant scales or sizes)
// keeps the f32 images it takes; this row takes the rest (scales or sizes computed in the graph,
// cubic, tf_crop_and_resize, other ranks and element types, opset 10).
// Opset 10 Resize and Upsample read [X, scales] with the output index mapped by floor(o / scale)
// (asymmetric, nearest mode floor; linear asymmetric as onnxruntime reads them).
// see: ONNX Resize 10 / 11 / 13 / 18 / 19, Upsample 7 / 9, GridSample 16

import { unsupported } from '../../graph.js';
import { get } from '../../../../runtime/wasm.js';
import { scaledDims } from '../../../../runtime/ops/resize.js';
import { constInts, need, plainAttrs, type GenericRow, type In } from '../generic.js';
import type { OnnxImporter } from '../importer.js';

const floatsOf = (x: In | undefined): number[] | undefined => (x?.c && x.dtype === 'f32' ? Array.from(x.c.data as ArrayLike<number>) : undefined);

/** The output shape known at import: from constant sizes or scales, -1 where it waits for the run. */
function outShape(x: number[], axes: number[] | undefined, scales: number[] | undefined, sizes: number[] | undefined): number[] {
  const r = x.length;
  const ax = axes ? axes.map((a) => (a < 0 ? a + r : a)) : [...Array(r).keys()];
  if (ax.some((a, i) => a < 0 || a >= r || ax.indexOf(a) !== i)) unsupported(`Resize axes ${JSON.stringify(axes)} for rank ${r}`);
  const slot = (d: number) => ax.indexOf(d);
  if (sizes && sizes.length) {
    if (sizes.length !== ax.length) unsupported(`Resize sizes of ${sizes.length} values for ${ax.length} axes`);
    return x.map((d, i) => (slot(i) < 0 ? d : sizes[slot(i)]));
  }
  if (scales && scales.length) {
    if (scales.length !== ax.length) unsupported(`Resize scales of ${scales.length} values for ${ax.length} axes`);
    if (scales.some((s) => !(s > 0) || s === Infinity)) unsupported(`Resize scales ${JSON.stringify(scales)} (positive and finite expected)`);
    const known = scaledDims(get(), x.map((d) => Math.max(d, 0)), x.map((_, i) => (slot(i) < 0 ? 1 : scales[slot(i)])));
    if (!known) unsupported(`Resize scales ${JSON.stringify(scales)} give a dimension above 2^31 - 1`);
    return x.map((d, i) => (d < 0 ? -1 : known[i]));
  }
  return x.map((d, i) => (slot(i) < 0 ? d : -1));
}

/** The runtime attributes of an opset 10 Resize / Upsample: its mode on the [X, scales] layout. */
function legacyAttrs(m: OnnxImporter): Record<string, unknown> {
  const mode = m.at.s('mode', 'nearest');
  if (!['nearest', 'linear', 'bilinear'].includes(mode)) unsupported(`${m.node.op_type} mode ${JSON.stringify(mode)} (nearest, linear)`);
  const fixed = m.at.floats('scales');
  return {
    mode: mode === 'nearest' ? 'nearest' : 'linear', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor',
    ...(m.opset < 9 && m.node.op_type === 'Upsample' ? { scales: fixed ?? unsupported('Upsample 7 without its scales attribute') } : { scales_input: 1 }),
  };
}

const resize: GenericRow = {
  op: 'ResizeNd',
  infer: (ins, m) => {
    const x = need(ins, 0, 'X');
    if (x.shape.length < 1 || x.shape.length > 8) unsupported(`Resize of rank ${x.shape.length} (1 to 8)`);
    const legacy = m.opset < 11 || m.node.op_type === 'Upsample';
    const mode = m.at.s('mode', 'nearest');
    if (mode !== 'nearest' && x.dtype !== 'f32') unsupported(`${m.node.op_type} ${mode} on ${x.dtype} (f32 is supported; nearest takes any type)`);
    if (legacy) {
      const sc = m.opset < 9 && m.node.op_type === 'Upsample' ? m.at.floats('scales') : floatsOf(need(ins, 1, 'scales'));
      return [{ dtype: x.dtype, shape: outShape(x.shape, undefined, sc, undefined) }];
    }
    return [{ dtype: x.dtype, shape: outShape(x.shape, m.at.ints('axes'), floatsOf(ins[2]), constInts(ins[3])) }];
  },
  attrs: (m) => (m.opset < 11 || m.node.op_type === 'Upsample' ? legacyAttrs(m) : plainAttrs(m)),
};

export const GENERIC_RESIZE: Record<string, GenericRow> = {
  Resize: resize,
  Upsample: resize,
  GridSample: {
    infer: (ins) => {
      const x = need(ins, 0, 'X').shape, g = need(ins, 1, 'grid').shape;
      if (ins.some((v) => v && v.dtype !== 'f32')) unsupported(`GridSample of ${ins.map((v) => v?.dtype).join(' and ')} (f32 is supported)`);
      if (x.length !== 4 || g.length !== 4) unsupported(`GridSample of ${JSON.stringify(x)} with grid ${JSON.stringify(g)} (4-D expected)`);
      return [{ dtype: 'f32', shape: [x[0], x[1], g[1], g[2]] }];
    },
  },
};

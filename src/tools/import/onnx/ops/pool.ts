// Generic rows (../generic.ts) of the pooling family on NC[D]HW values (src/runtime/ops/poolnd.ts,
// roi.ts). MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool keep their NHWC handlers
// (conv.ts) where those apply; these rows take what they refuse: 1-D and 3-D windows,
// dilations, the Indices output, integer and f64 inputs, ceil_mode with count_include_pad.
// see: ONNX MaxPool 12, AveragePool 19, LpPool 18, GlobalLpPool 2, MaxUnpool 11, RoiAlign 16,
// MaxRoiPool 1, NonMaxSuppression 11

import { unsupported } from '../../graph.js';
import { poolGeometry, unpoolShape } from '../../../../runtime/ops/pool_geometry.js';
import { constInts, need, plainAttrs, type GenericRow, type Out } from '../generic.js';

const window = (op: string, outputs = 1): GenericRow => ({
  op,
  infer: (ins, m) => {
    const x = need(ins, 0, 'X');
    const g = poolGeometry(x.shape, plainAttrs(m), m.where(), op.startsWith('Global'));
    const outs: Out[] = [{ dtype: x.dtype, shape: g.outShape }];
    if (outputs === 2 && (m.node.output ?? []).length > 1) outs.push({ dtype: 'i64', shape: [...g.outShape] });
    return outs;
  },
});

export const GENERIC_POOL: Record<string, GenericRow> = {
  MaxPool: window('MaxPoolNd', 2),
  AveragePool: window('AveragePoolNd'),
  LpPool: window('LpPool'),
  GlobalMaxPool: window('GlobalMaxPoolNd'),
  GlobalAveragePool: window('GlobalAveragePoolNd'),
  GlobalLpPool: window('GlobalLpPool'),
  MaxUnpool: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'X');
      const os = ins[2];
      if (!os) return [{ dtype: x.dtype, shape: unpoolShape(x.shape, plainAttrs(m), m.where()) }];
      const v = constInts(os);
      if (v) return [{ dtype: x.dtype, shape: v }];
      if (os.shape.length !== 1 || os.shape[0] < 0) unsupported(`output_shape of shape ${JSON.stringify(os.shape)} unknown at import`);
      return [{ dtype: x.dtype, shape: new Array(os.shape[0]).fill(-1) }];
    },
  },
  RoiAlign: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'X'), r = need(ins, 1, 'rois');
      return [{ dtype: x.dtype, shape: [r.shape[0] ?? -1, x.shape[1] ?? -1, m.at.i('output_height', 1), m.at.i('output_width', 1)] }];
    },
    // before opset 16 the coordinates had no half-pixel shift (output_half_pixel)
    attrs: (m) => ({ ...(m.opset < 16 ? { coordinate_transformation_mode: 'output_half_pixel' } : {}), ...plainAttrs(m) }),
  },
  MaxRoiPool: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'X'), r = need(ins, 1, 'rois'), ps = m.at.ints('pooled_shape') ?? unsupported('pooled_shape is missing');
      return [{ dtype: x.dtype, shape: [r.shape[0] ?? -1, x.shape[1] ?? -1, ...ps] }];
    },
  },
  NonMaxSuppression: { infer: () => [{ dtype: 'i64', shape: [-1, 3] }] },
};

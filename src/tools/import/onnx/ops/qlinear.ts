// Generic rows (../generic.ts) of linear quantization on typed values: each becomes the runtime
// node of the same name (src/runtime/ops/qlinear.ts). Taken where quant.ts's handlers do not
// apply: an integer activation to dequantize, a quantized value that is a graph output, per-axis or
// blocked scales on activations, 16-bit codes. see: ONNX QuantizeLinear / DequantizeLinear 10-21,
// DynamicQuantizeLinear 11, QLinearMatMul 10, ConvInteger 10, QLinearConv 10

import { unsupported } from '../../graph.js';
import { dtypeOfId, type DType } from '../../../../runtime/dtype.js';
import { matShapes } from '../../../../runtime/ops/linalg.js';
import { convGeometry } from '../../../../runtime/ops/conv_geometry.js';
import { plainAttrs } from '../generic.js';
import { need, type GenericRow } from '../generic.js';

/** ConvInteger (w input 1, i32 out) and QLinearConv (w input 3, out the y_zero_point's type). */
const convIntRow = (wi: number, dtype: (ins: Parameters<GenericRow['infer']>[0]) => DType): GenericRow => ({
  infer: (ins, m) => {
    const x = need(ins, 0, 'x').shape, w = need(ins, wi, 'w').shape;
    if (w.some((d) => d < 0)) unsupported(`${m.node.op_type} weight of shape ${JSON.stringify(w)} unknown at import`);
    return [{ dtype: dtype(ins), shape: convGeometry(false, x, w, plainAttrs(m) as Parameters<typeof convGeometry>[2], m.where()).outShape }];
  },
});

export const GENERIC_QUANT: Record<string, GenericRow> = {
  QuantizeLinear: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'x'), od = m.at.i('output_dtype', 0);
      const t = ins[2]?.dtype ?? (od ? dtypeOfId(od) ?? unsupported(`output_dtype ${od}`) : 'u8');
      return [{ dtype: t, shape: [...x.shape] }];
    },
  },
  DequantizeLinear: { infer: (ins) => [{ dtype: 'f32', shape: [...need(ins, 0, 'x').shape] }] },
  QLinearMatMul: {
    infer: (ins, m) => {
      const t = ins[7]?.dtype ?? 'u8';
      return [{ dtype: t, shape: matShapes({ where: m.where() }, need(ins, 0, 'a').shape, need(ins, 3, 'b').shape).out }];
    },
    attrs: () => ({}),
  },
  ConvInteger: convIntRow(1, () => 'i32'),
  QLinearConv: convIntRow(3, (ins) => ins[7]?.dtype ?? 'u8'),
  DynamicQuantizeLinear: { infer: (ins) => [{ dtype: 'u8', shape: [...need(ins, 0, 'x').shape] }, { dtype: 'f32', shape: [] }, { dtype: 'u8', shape: [] }] },
};

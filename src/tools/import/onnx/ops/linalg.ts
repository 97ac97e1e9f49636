// Generic rows (../generic.ts) of the linalg family: products of two values and the N-d
// convolutions, as runtime nodes with ONNX semantics (src/runtime/ops/linalg.ts, convnd.ts).
// MatMul / Gemm / Conv keep their layout-aware handlers (nn.ts, conv.ts: a constant weight
// becomes a Dense / NHWC Conv layer with its precision map); these rows take what they refuse:
// both operands activations, batched or 1-D operands, other element types, dims unknown at
// import, 1-D and 3-D convolutions, weights computed in the graph.
// see: ONNX MatMul 13, Gemm 13, MatMulInteger 10, Einsum 12, Conv 11, ConvTranspose 11

import { unsupported } from '../../graph.js';
import type { DType } from '../../../../runtime/dtype.js';
import { matShapes } from '../../../../runtime/ops/linalg.js';
import { planEinsum } from '../../../../runtime/ops/einsum.js';
import { convGeometry } from '../../../../runtime/ops/conv_geometry.js';
import { need, plainAttrs, type GenericRow, type In } from '../generic.js';
import type { OnnxImporter } from '../importer.js';

const present = (ins: (In | undefined)[]) => ins.filter((x): x is In => !!x);

function oneType(ins: (In | undefined)[], ok: readonly DType[], op: string): DType {
  const ts = present(ins);
  const t = ts[0]?.dtype ?? unsupported(`${op} without inputs`);
  if (ts.some((x) => x.dtype !== t)) unsupported(`${op} of ${ts.map((x) => x.dtype).join(' and ')} values`);
  if (!ok.includes(t)) unsupported(`${op} on ${t} values (${ok.join(', ')} are supported)`);
  return t;
}

const where = (m: OnnxImporter) => m.where();

const convRow = (transpose: boolean): GenericRow => ({
  ...(transpose ? {} : { op: 'ConvNd' }),
  infer: (ins, m) => {
    const op = transpose ? 'ConvTranspose' : 'Conv';
    oneType(ins, ['f32'], op);
    const x = need(ins, 0, 'X').shape, w = need(ins, 1, 'W').shape;
    if (w.some((d) => d < 0)) unsupported(`${op} weight of shape ${JSON.stringify(w)} unknown at import`);
    if (x.length - 2 < 1 || x.length - 2 > 3) unsupported(`${op} over ${x.length - 2} spatial dims (1 to 3 are supported)`);
    const at = plainAttrs(m) as Parameters<typeof convGeometry>[2];
    return [{ dtype: 'f32', shape: convGeometry(transpose, x, w, at, where(m)).outShape }];
  },
});

export const GENERIC_LINALG: Record<string, GenericRow> = {
  MatMul: {
    infer: (ins, m) => {
      const t = oneType(ins, ['f32', 'f64', 'i32', 'i64'], 'MatMul');
      return [{ dtype: t, shape: matShapes({ where: where(m) }, need(ins, 0, 'A').shape, need(ins, 1, 'B').shape).out }];
    },
    attrs: () => ({}),
  },
  Gemm: {
    infer: (ins, m) => {
      oneType(ins, ['f32', 'f64'], 'Gemm');
      const a = need(ins, 0, 'A').shape, b = need(ins, 1, 'B').shape;
      if (a.length !== 2 || b.length !== 2) unsupported(`Gemm of ${JSON.stringify(a)} and ${JSON.stringify(b)} (2-D operands expected)`);
      const M = m.at.i('transA', 0) ? a[1] : a[0], N = m.at.i('transB', 0) ? b[0] : b[1];
      return [{ dtype: present(ins)[0].dtype, shape: [M, N] }];
    },
  },
  MatMulInteger: {
    infer: (ins, m) => {
      for (const [i, what] of [[0, 'A'], [1, 'B'], [2, 'a_zero_point'], [3, 'b_zero_point']] as const) {
        const x = ins[i];
        if (x && x.dtype !== 'u8' && x.dtype !== 'i8') unsupported(`MatMulInteger ${what} is ${x.dtype} (u8, i8 expected)`);
      }
      const a = need(ins, 0, 'A').shape, b = need(ins, 1, 'B').shape;
      const s = matShapes({ where: where(m) }, a, b);
      // zero points: a scalar or a vector (per row of A / per column of B); other shapes refused
      for (const [i, len] of [[2, s.M], [3, s.N]] as const) {
        const z = ins[i]?.shape;
        if (z && !(z.every((d) => d === 1) || (z.length === 1 && (z[0] === len || z[0] === -1 || len === -1)))) unsupported(`MatMulInteger zero point of shape ${JSON.stringify(z)}`);
      }
      return [{ dtype: 'i32', shape: s.out }];
    },
    attrs: () => ({}),
  },
  Einsum: {
    infer: (ins, m) => {
      const t = oneType(ins, ['f32', 'f64', 'i32', 'i64'], 'Einsum');
      const ops = present(ins);
      if (ops.length < 1 || ops.length > 2) unsupported(`Einsum of ${ops.length} operands (1 or 2 are supported)`);
      return [{ dtype: t, shape: planEinsum(m.at.s('equation', ''), ops.map((x) => x.shape), where(m)).outShape }];
    },
  },
  // see: ONNX Det 11: one value per trailing square matrix
  Det: { infer: (ins) => { const x = need(ins, 0, 'X'); return [{ dtype: oneType(ins, ['f32', 'f64'], 'Det'), shape: x.shape.slice(0, -2) }]; } },
  Conv: convRow(false),
  ConvTranspose: convRow(true),
};

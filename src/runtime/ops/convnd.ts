// Conv and ConvTranspose with ONNX semantics on NC[D]HW values of 1 to 3 spatial dims, weights
// and bias as values (activations or raw f32 stored tensors). Shapes and pads in
// conv_geometry.ts; the sums in assembly/nd/conv.ts.
// see: ONNX Conv, opset 11; ConvTranspose, opset 11

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { elements, type Builder, type OpContext } from './types.js';
import { convGeometry, type ConvAttrs } from './conv_geometry.js';

export function attrs(ctx: OpContext): ConvAttrs {
  const a = ctx.node.attrs ?? {};
  const ints = (k: string): number[] | undefined => {
    const v = a[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((d) => Number.isSafeInteger(d))) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a list of integers`);
    return v as number[];
  };
  const g = a.group ?? 1, ap = a.auto_pad ?? 'NOTSET';
  if (!Number.isSafeInteger(g)) fail('BAD_GRAPH', `${ctx.where}: attrs.group must be an integer`);
  if (typeof ap !== 'string') fail('BAD_GRAPH', `${ctx.where}: attrs.auto_pad must be a string`);
  return { auto_pad: ap, group: g as number, dilations: ints('dilations'), kernel_shape: ints('kernel_shape'), pads: ints('pads'), strides: ints('strides'),
    output_padding: ints('output_padding'), output_shape: ints('output_shape') };
}

const convLike = (transpose: boolean): Builder => (ctx) => {
  const at = attrs(ctx);
  const ins = ctx.node.inputs.filter((n, i) => i < 2 || n !== '');
  for (let i = 0; i < ins.length; i++) {
    const t = ctx.typeOf(ins[i]);
    if (t !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: ${ctx.node.op} input ${i} is ${t} (f32 is supported)`);
  }
  const geo = (x: number[], w: number[], b?: number[]) => {
    const g = convGeometry(transpose, x, w, at, ctx.where);
    if (b && (b.length !== 1 || b[0] !== g.outShape[1])) fail('SHAPE_MISMATCH', `${ctx.where}: bias ${JSON.stringify(b)} for ${g.outShape[1]} output channels`);
    return g;
  };
  const fn = transpose ? 'conv_transpose_nd_f32_f32_f32__simd128_5x8' : 'conv_nd_f32_f32_f32__simd128_5x8';
  return {
    valueInputs: ins,
    outTypes: ['f32'],
    infer: ([x, w, b]) => geo(x, w, b).outShape,
    scratch: () => 4 * 32,
    run([xp, wp, bp], [x, w, b], yp, _o, scratch) {
      const g = geo(x, w, b);
      if (elements(g.outShape) === 0) return;
      new Int32Array(heap.buffer()).set(g.params, scratch >> 2);
      const r = ctx.kernels[fn](yp, xp, wp, b ? bp : 0, scratch);
      if (r !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the parameters ${JSON.stringify([...g.params])}`);
    },
    dispose() {},
  };
};

export const convNd = convLike(false);
export const convTranspose = convLike(true);

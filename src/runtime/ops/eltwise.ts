// Element-wise f32 activations and softmax (binary operators: ./nd.ts).

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { elements, type Builder, type OpContext } from './types.js';
import { activation } from './conv.js';

// A unary op; `make` reads and checks the node's attributes once, at load.
const unaryWith = (make: (ctx: OpContext) => (x: any, xp: number, yp: number, n: number) => void): Builder => (ctx) => {
  const f = make(ctx);
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer: ([s]) => [...s],
    run([xp], [s], yp) { f(ctx.kernels, xp, yp, elements(s)); },
    dispose() {},
  };
};

const num = (ctx: OpContext, k: string, dflt: number): number => {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a number`);
  return v;
};

export const UNARY: Record<string, Builder> = {
  Relu: unaryWith(() => (x, a, b, n) => x.vrelu_f32__simd128(a, b, n)),
  Relu6: unaryWith(() => (x, a, b, n) => x.vrelu6_f32__simd128(a, b, n)),
  Clip: unaryWith((c) => { const lo = num(c, 'min', -Infinity), hi = num(c, 'max', Infinity); return (x, a, b, n) => x.vclamp_f32__simd128(a, b, n, lo, hi); }),
  LeakyRelu: unaryWith((c) => { const alpha = num(c, 'alpha', 0.01); return (x, a, b, n) => x.vlrelu_f32__simd128(a, b, n, alpha); }),
  Sigmoid: unaryWith(() => (x, a, b, n) => x.vsigmoid_f32__scalar(a, b, n)),
  Tanh: unaryWith(() => (x, a, b, n) => x.vtanh_f32__scalar(a, b, n)),
  Gelu: unaryWith(() => (x, a, b, n) => x.vgelu_f32__scalar(a, b, n)),
  HardSwish: unaryWith(() => (x, a, b, n) => x.vhswish_f32__simd128(a, b, n)),
};

export const softmax: Builder = (ctx) => {
  const axis = (ctx.node.attrs?.axis ?? -1) as number;
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer: ([s]) => {
      if (axis !== -1 && axis !== s.length - 1) fail('UNSUPPORTED_OP', `${ctx.where}: Softmax over axis ${axis}; only the last axis is supported`);
      return [...s];
    },
    run([xp], [s], yp) {
      const len = s[s.length - 1];
      ctx.kernels.softmax_f32__scalar(xp, yp, elements(s) / len, len);
    },
    dispose() {},
  };
};

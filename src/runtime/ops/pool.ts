// MaxPool, AveragePool (NHWC; attrs kernel [kh, kw], strides, pads, countIncludePad) and
// GlobalAveragePool (NHWC -> [N, 1, 1, C]).

import { fail } from '../errors.js';
import type { Builder } from './types.js';
import { geometryOf } from './conv.js';

const pool = (kind: 'max' | 'avg'): Builder => (ctx) => {
  const k = ctx.node.attrs?.kernel;
  if (!Array.isArray(k) || k.length !== 2 || !k.every((d) => Number.isSafeInteger(d) && d >= 1)) fail('BAD_GRAPH', `${ctx.where}: attrs.kernel must be [kh, kw]`);
  const [KH, KW] = k as number[];
  const geo = geometryOf(ctx, KH, KW);
  if (ctx.node.attrs?.dilations !== undefined) fail('UNSUPPORTED_OP', `${ctx.where}: dilated pooling is not supported`);
  const cip = ctx.node.attrs?.countIncludePad ? 1 : 0;
  const x = ctx.kernels;
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      if (s.length !== 4) fail('SHAPE_MISMATCH', `${ctx.where}: input must be NHWC, got ${JSON.stringify(s)}`);
      const g = geo(s[1], s[2]);
      if (g.pads.some((p, i) => p >= (i % 2 === 0 ? KH : KW))) fail('UNSUPPORTED_OP', `${ctx.where}: padding ${JSON.stringify(g.pads)} must be smaller than the ${KH}x${KW} window`);
      return [s[0], g.OH, g.OW, s[3]];
    },
    run([xp], [s], yp) {
      const g = geo(s[1], s[2]);
      const rc = kind === 'max'
        ? x.maxpool_f32__simd128(xp, s[0], s[1], s[2], s[3], KH, KW, g.sh, g.sw, g.pads[0], g.pads[1], g.pads[2], g.pads[3], yp, g.OH, g.OW)
        : x.avgpool_f32__simd128(xp, s[0], s[1], s[2], s[3], KH, KW, g.sh, g.sw, g.pads[0], g.pads[1], g.pads[2], g.pads[3], cip, yp, g.OH, g.OW);
      if (rc !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the pool kernel rejected the geometry`);
    },
    dispose() {},
  };
};

export const maxPool = pool('max');
export const avgPool = pool('avg');

export const globalAvgPool: Builder = (ctx) => ({
  valueInputs: [ctx.node.inputs[0]],
  infer([s]) {
    if (s.length !== 4) fail('SHAPE_MISMATCH', `${ctx.where}: input must be NHWC, got ${JSON.stringify(s)}`);
    return [s[0], 1, 1, s[3]];
  },
  run([xp], [s], yp) { ctx.kernels.gavgpool_f32__simd128(xp, s[0], s[1], s[2], s[3], yp); },
  dispose() {},
});

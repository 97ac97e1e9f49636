// Softmax-like ops on any axis and the normalisations with ONNX semantics, on f32 (Softmax family
// also f64). see: ONNX Softmax / LogSoftmax / Hardmax (opset 13: one axis, default -1; before 13
// attrs.coerce2d = 1: the dims from axis (default 1) on are one row), LayerNormalization (opset
// 17, outputs Y, Mean, InvStdDev), InstanceNormalization (opset 6), GroupNormalization (opset 18
// scale per group, 21 per channel), LpNormalization (opset 1), MeanVarianceNormalization (opset
// 13), LRN (opset 13). Kernels: assembly/nd/softmax.ts, assembly/nd/norm.ts; LayerNormalization's
// Y comes from layernorm_f32__simd128 (the bits of Alloy's LayerNorm).

import { fail } from '../errors.js';
import { SOFTMAX_KINDS, code } from '../tables.js';
import { dtypeId } from '../dtype.js';
import { elements, type Builder } from './types.js';
import { intAttr, intsAttr, numAttr, axisIn, typeIn, rankOk, around, putDims, status } from './reduce.js';

/** Softmax / LogSoftmax / Hardmax along attrs.axis (or over the trailing dims with coerce2d). */
export const softmaxNd = (kind: 'softmax' | 'logsoftmax' | 'hardmax'): Builder => (ctx) => {
  const k = code(SOFTMAX_KINDS, kind);
  const xName = ctx.node.inputs[0];
  const t = typeIn(ctx, xName, ['f32', 'f64']);
  const coerce = intAttr(ctx, 'coerce2d', 0) !== 0, axis = intAttr(ctx, 'axis', coerce ? 1 : -1);
  const view = (s: number[]): [number, number, number] => {
    if (s.length === 0) return [1, 1, 1];
    const a = axisIn(ctx, axis, s.length);
    return coerce ? [elements(s.slice(0, a)), elements(s.slice(a)), 1] : around(s, a);
  };
  return {
    valueInputs: [xName],
    outTypes: [t],
    infer([s]) { view(s); return [...s]; },
    run([xp], [s], yp) {
      const [outer, len, inner] = view(s);
      status(ctx, ctx.kernels.softmax_nd_any__scalar(dtypeId(t), k, yp, xp, outer, len, inner), ctx.node.op);
    },
    dispose() {},
  };
};

// epsilon and the other float attributes pass to f32 kernel parameters as they are: the
// module rounds them (the host computes nothing on them).

/** Scale / bias inputs: value names (stored f32 tensors or activations), checked for `n` elements. */
function affineInputs(ctx: Parameters<Builder>[0], from: number): string[] {
  const names = ctx.node.inputs.slice(from).filter((n) => typeof n === 'string' && n !== '');
  for (const n of names) typeIn(ctx, n, ['f32']);
  return names;
}
const count = (ctx: Parameters<Builder>[0], what: string, s: number[], ok: number[]) => {
  const n = elements(s);
  if (!ok.includes(n)) fail('SHAPE_MISMATCH', `${ctx.where}: ${what} has ${n} elements (shape ${JSON.stringify(s)}), expected ${ok.join(' or ')}`);
};

/** ONNX LayerNormalization: Y, and the optional Mean / InvStdDev (shape: dims before axis, then 1s). */
export const layerNormalization: Builder = (ctx) => {
  const [xName] = ctx.node.inputs;
  typeIn(ctx, xName, ['f32']);
  const ab = affineInputs(ctx, 1);
  if (ab.length === 0) fail('BAD_GRAPH', `${ctx.where}: LayerNormalization needs its Scale input`);
  const axis = intAttr(ctx, 'axis', -1), eps = numAttr(ctx, 'epsilon', 1e-5);
  const nOut = Math.max(1, ctx.node.outputs.length);
  const rl = (s: number[]) => { const a = axisIn(ctx, axis, s.length); return [elements(s.slice(0, a)), elements(s.slice(a)), a]; };
  return {
    valueInputs: [xName, ...ab],
    outTypes: Array(nOut).fill('f32'),
    infer(inputs) {
      const s = inputs[0], [, len, a] = rl(s);
      if (len === 0) fail('SHAPE_MISMATCH', `${ctx.where}: LayerNormalization over an empty axis (shape ${JSON.stringify(s)})`);
      inputs.slice(1).forEach((q, i) => count(ctx, i ? 'B' : 'Scale', q, [len]));
      const stat = s.map((d, i) => (i < a ? d : 1));
      return nOut === 1 ? [...s] : [[...s], ...Array(nOut - 1).fill(stat)];
    },
    run(ptrs, [s], yp, _o, _sp, outs) {
      const [rows, len] = rl(s);
      status(ctx, ctx.kernels.layernorm_f32__simd128(ptrs[0], ptrs[1], ab.length > 1 ? ptrs[2] : 0, yp, rows, len, eps), 'LayerNormalization');
      if (nOut > 1) status(ctx, ctx.kernels.layernorm_stats_f32__scalar(ptrs[0], rows, len, eps, outs[1] ?? 0, outs[2] ?? 0), 'LayerNormalization');
    },
    dispose() {},
  };
};

/** InstanceNormalization (groups = C) and GroupNormalization (attrs.num_groups). */
export const groupNorm = (instance: boolean): Builder => (ctx) => {
  const [xName] = ctx.node.inputs;
  typeIn(ctx, xName, ['f32']);
  const ab = affineInputs(ctx, 1);
  if (ab.length !== 2) fail('BAD_GRAPH', `${ctx.where}: ${ctx.node.op} needs scale and bias inputs`);
  const eps = numAttr(ctx, 'epsilon', 1e-5), G0 = instance ? 0 : intAttr(ctx, 'num_groups', 0);
  const geo = (s: number[]) => {
    if (s.length < 2) fail('SHAPE_MISMATCH', `${ctx.where}: input of shape ${JSON.stringify(s)} (N, C, ... expected)`);
    const C = s[1], G = instance ? C : G0;
    if (G < 1 || C % G !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: ${C} channels in ${G} groups`);
    return { N: s[0], C, G, S: elements(s.slice(2)) };
  };
  // GroupNormalization's scale / bias: one per group (opset 18) or one per channel (opset 21)
  const perGroup = (C: number, G: number, scale: number[]) => (!instance && elements(scale) === G && G !== C ? 1 : 0);
  return {
    valueInputs: [xName, ...ab],
    infer(inputs) {
      const { C, G } = geo(inputs[0]);
      for (const [i, q] of inputs.slice(1).entries()) count(ctx, i ? 'bias' : 'scale', q, instance ? [C] : [C, G]);
      return [...inputs[0]];
    },
    run(ptrs, [s, scale], yp) {
      const { N, C, G, S } = geo(s);
      status(ctx, ctx.kernels.groupnorm_f32__scalar(yp, ptrs[0], ptrs[1], ptrs[2], N, C, G, S, eps, perGroup(C, G, scale)), ctx.node.op);
    },
    dispose() {},
  };
};

/** LpNormalization along attrs.axis (default -1), p 1 or 2. */
export const lpNormalization: Builder = (ctx) => {
  const xName = ctx.node.inputs[0];
  typeIn(ctx, xName, ['f32']);
  const axis = intAttr(ctx, 'axis', -1), p = intAttr(ctx, 'p', 2);
  if (p !== 1 && p !== 2) fail('UNSUPPORTED_OP', `${ctx.where}: LpNormalization with p ${p} (1 or 2)`);
  return {
    valueInputs: [xName],
    infer([s]) { axisIn(ctx, axis, s.length); return [...s]; },
    run([xp], [s], yp) {
      const [o, l, i] = around(s, axisIn(ctx, axis, s.length));
      status(ctx, ctx.kernels.lpnorm_f32__scalar(p, yp, xp, o, l, i), 'LpNormalization');
    },
    dispose() {},
  };
};

/** MeanVarianceNormalization over attrs.axes (default [0, 2, 3]). */
export const meanVarianceNormalization: Builder = (ctx) => {
  const xName = ctx.node.inputs[0];
  typeIn(ctx, xName, ['f32']);
  const axes = intsAttr(ctx, 'axes') ?? [0, 2, 3];
  const maskOf = (r: number) => {
    let m = 0;
    for (const a of axes) { const k = axisIn(ctx, a, r); if (m & (1 << k)) fail('BAD_GRAPH', `${ctx.where}: axis ${a} repeated`); m |= 1 << k; }
    return m;
  };
  return {
    valueInputs: [xName],
    infer([s]) { rankOk(ctx, s); maskOf(s.length); return [...s]; },
    scratch: (inputs) => 4 * inputs[0].length + 16,
    run([xp], [s], yp, _o, sp) { status(ctx, ctx.kernels.mvn_nd_f32__scalar(yp, xp, s.length, putDims(sp, s), maskOf(s.length)), 'MeanVarianceNormalization'); },
    dispose() {},
  };
};

/** LRN across channels of N x C x ... (attrs size, alpha 1e-4, beta 0.75, bias 1). */
export const lrn: Builder = (ctx) => {
  const xName = ctx.node.inputs[0];
  typeIn(ctx, xName, ['f32']);
  const size = intAttr(ctx, 'size', 0);
  if (size < 1) fail('BAD_GRAPH', `${ctx.where}: LRN needs attrs.size >= 1`);
  const alpha = numAttr(ctx, 'alpha', 1e-4), beta = numAttr(ctx, 'beta', 0.75), bias = numAttr(ctx, 'bias', 1);
  return {
    valueInputs: [xName],
    infer([s]) { if (s.length < 2) fail('SHAPE_MISMATCH', `${ctx.where}: LRN input of shape ${JSON.stringify(s)} (N, C, ... expected)`); return [...s]; },
    run([xp], [s], yp) { status(ctx, ctx.kernels.lrn_f32__scalar(yp, xp, s[0], s[1], elements(s.slice(2)), size, alpha, beta, bias), 'LRN'); },
    dispose() {},
  };
};

// Data movement and normalisation: Transpose, Pad, Concat, PRelu, LogSoftmax, LayerNorm, Resize.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { elements, type Builder, type OpContext } from './types.js';
import { stored } from './weights.js';
import { transposeNd, concatNd, padNd } from './move.js';

// The f32 kernels keep the f32 nodes the importers' layout-aware handlers emit (attributes); other
// element types and ONNX's input form (Pad's pads as input 1) take the typed builders of move.ts.
const typed = (ctx: OpContext, names: string[]) => names.some((n) => (ctx.typeOf(n) ?? 'f32') !== 'f32');

const ints = (ctx: OpContext, k: string, len?: number): number[] => {
  const v = ctx.node.attrs?.[k];
  if (!Array.isArray(v) || !v.every((d) => Number.isSafeInteger(d)) || (len !== undefined && v.length !== len)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be ${len ?? 'a list of'} integers`);
  return v as number[];
};

// Two i32 vectors of `rank` values (dims and perm / pads) for a kernel, written into the node's
// scratch block on each run (no allocation on the run path): the scratch size, then the writer.
const intsScratch = (rank: number, second: number) => 4 * (rank + second) + 32;
function putInts(scratch: number, a: number[], b: number[]): [number, number] {
  const pa = scratch, pb = scratch + Math.ceil((a.length * 4) / 16) * 16;
  const v = new Int32Array(heap.buffer());
  v.set(a, pa >> 2); v.set(b, pb >> 2);
  return [pa, pb];
}

const rc = (ctx: OpContext, r: number) => { if (r !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the arguments`); };

export const transpose: Builder = (ctx) => {
  if (typed(ctx, ctx.node.inputs.slice(0, 1)) || ctx.node.attrs?.perm === undefined) return transposeNd(ctx);
  const perm = ints(ctx, 'perm');
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      if (perm.length !== s.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail('BAD_GRAPH', `${ctx.where}: attrs.perm ${JSON.stringify(perm)} is not a permutation of ${s.length} axes`);
      return perm.map((p) => s[p]);
    },
    scratch: ([s]) => intsScratch(s.length, perm.length),
    run([xp], [s], yp, _o, scratch) { const [d, p] = putInts(scratch, s, perm); rc(ctx, ctx.kernels.transpose_x32__simd128_4x4(xp, yp, s.length, d, p)); },
    dispose() {},
  };
};

const PAD_MODES = ['constant', 'reflect', 'edge'];
export const pad: Builder = (ctx) => {
  if (typed(ctx, ctx.node.inputs.slice(0, 1)) || ctx.node.attrs?.pads === undefined) return padNd(ctx);
  const pads = ints(ctx, 'pads');
  const mode = PAD_MODES.indexOf((ctx.node.attrs?.mode ?? 'constant') as string);
  if (mode < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.mode must be one of ${PAD_MODES.join(', ')}`);
  const value = (ctx.node.attrs?.value ?? 0) as number;
  if (typeof value !== 'number') fail('BAD_GRAPH', `${ctx.where}: attrs.value ${JSON.stringify(value)} is not a number`);
  if (pads.some((p) => p < 0)) fail('UNSUPPORTED_OP', `${ctx.where}: negative pads (cropping) are not supported`);
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      if (pads.length !== 2 * s.length) fail('BAD_GRAPH', `${ctx.where}: attrs.pads needs ${2 * s.length} values for rank ${s.length}`);
      return s.map((d, i) => d + pads[i] + pads[i + s.length]);
    },
    scratch: ([s]) => intsScratch(s.length, pads.length),
    run([xp], [s], yp, _o, scratch) { const [d, p] = putInts(scratch, s, pads); rc(ctx, ctx.kernels.pad_x32__simd128(xp, yp, s.length, d, p, mode, value)); },
    dispose() {},
  };
};

export const concat: Builder = (ctx) => {
  if (typed(ctx, ctx.node.inputs)) return concatNd(ctx);
  const axisAttr = (ctx.node.attrs?.axis ?? -1) as number;
  // an integer: a string such as "constructor" once passed the range check (NaN comparisons) and
  // became a property of the output shape
  if (!Number.isSafeInteger(axisAttr)) fail('BAD_GRAPH', `${ctx.where}: attrs.axis ${JSON.stringify(axisAttr)} is not an integer`);
  const inputs = ctx.node.inputs;
  if (inputs.length < 1) fail('BAD_GRAPH', `${ctx.where}: Concat needs inputs`);
  const axisOf = (s: number[]) => (axisAttr < 0 ? s.length + axisAttr : axisAttr);
  return {
    valueInputs: [...inputs],
    infer(shapes) {
      const a = axisOf(shapes[0]);
      if (a < 0 || a >= shapes[0].length) fail('BAD_GRAPH', `${ctx.where}: axis ${axisAttr} out of range`);
      for (const [i, s] of shapes.entries()) {
        if (s.length !== shapes[0].length || s.some((d, j) => j !== a && d !== shapes[0][j])) fail('SHAPE_MISMATCH', `${ctx.where}: input ${i} shape ${JSON.stringify(s)} does not match ${JSON.stringify(shapes[0])} off axis ${a}`);
      }
      const out = [...shapes[0]];
      out[a] = shapes.reduce((t, s) => t + s[a], 0);
      return out;
    },
    run(ptrs, shapes, yp, outShape) {
      const a = axisOf(outShape);
      const outer = elements(outShape.slice(0, a)), inner = elements(outShape.slice(a + 1));
      let off = 0;
      for (const [i, s] of shapes.entries()) {
        ctx.kernels.concat_x32__memcpy(ptrs[i], yp, outer, inner, s[a], outShape[a], off);
        off += s[a];
      }
    },
    dispose() {},
  };
};

export const prelu: Builder = (ctx) => {
  const sl = stored(ctx, ctx.node.inputs[1], 'input 1 (slope)')!;
  if (sl.entry.format !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: slope must be f32`);
  const c = elements(sl.entry.shape);
  const sp = sl.put();
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      if (c !== 1 && s[s.length - 1] !== c) fail('SHAPE_MISMATCH', `${ctx.where}: slope of ${c} values for input ${JSON.stringify(s)} (one per last-axis channel, or one)`);
      return [...s];
    },
    run([xp], [s], yp) { ctx.kernels.vprelu_f32__simd128(xp, sp, yp, elements(s), c); },
    dispose() { heap.free(sp); },
  };
};

const lastAxis = (ctx: OpContext, s: number[]) => {
  const axis = (ctx.node.attrs?.axis ?? -1) as number;
  if (axis !== -1 && axis !== s.length - 1) fail('UNSUPPORTED_OP', `${ctx.where}: only the last axis is supported (axis ${axis})`);
};

export const logSoftmax: Builder = (ctx) => ({
  valueInputs: [ctx.node.inputs[0]],
  infer([s]) { lastAxis(ctx, s); return [...s]; },
  run([xp], [s], yp) { const len = s[s.length - 1]; ctx.kernels.logsoftmax_f32__scalar(xp, yp, elements(s) / len, len); },
  dispose() {},
});

export const layerNorm: Builder = (ctx) => {
  const eps = (ctx.node.attrs?.epsilon ?? 1e-5) as number;
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) fail('BAD_GRAPH', `${ctx.where}: attrs.epsilon ${JSON.stringify(eps)} is not a finite number >= 0`);
  const g = stored(ctx, ctx.node.inputs[1], 'input 1 (scale)', true), b = stored(ctx, ctx.node.inputs[2], 'input 2 (bias)', true);
  for (const t of [g, b]) if (t && t.entry.format !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: scale and bias must be f32`);
  const gp = g ? g.put() : 0;
  let bp = 0;
  try { bp = b ? b.put() : 0; } catch (e) { heap.free(gp); throw e; }
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      lastAxis(ctx, s);
      const len = s[s.length - 1];
      for (const t of [g, b]) if (t && elements(t.entry.shape) !== len) fail('SHAPE_MISMATCH', `${ctx.where}: scale/bias must have ${len} values`);
      return [...s];
    },
    run([xp], [s], yp) { const len = s[s.length - 1]; rc(ctx, ctx.kernels.layernorm_f32__simd128(xp, gp, bp, yp, elements(s) / len, len, eps)); },
    dispose() { heap.free(gp); heap.free(bp); },
  };
};

const COORD = ['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel'];
const NEAREST = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
/** NHWC; attrs.size [OH, OW]; mode nearest | bilinear; coordMode; nearestMode. */
export const resize: Builder = (ctx) => {
  const a = ctx.node.attrs ?? {};
  const size = ints(ctx, 'size', 2);
  const mode = (a.mode ?? 'nearest') as string;
  if (mode !== 'nearest' && mode !== 'bilinear') fail('UNSUPPORTED_OP', `${ctx.where}: resize mode ${JSON.stringify(mode)} (nearest and bilinear are supported)`);
  const coord = COORD.indexOf((a.coordMode ?? 'half_pixel') as string);
  const nearest = NEAREST.indexOf((a.nearestMode ?? 'round_prefer_floor') as string);
  if (coord < 0 || nearest < 0) fail('BAD_GRAPH', `${ctx.where}: coordMode must be one of ${COORD.join(', ')}; nearestMode one of ${NEAREST.join(', ')}`);
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      if (s.length !== 4) fail('SHAPE_MISMATCH', `${ctx.where}: input must be NHWC`);
      // An empty output with a huge width would slip past the element limits while the kernel
      // still builds per-column tables: sizes must be at least 1.
      if (size[0] === 0 || size[1] === 0 || s[1] === 0 || s[2] === 0) fail('SHAPE_MISMATCH', `${ctx.where}: resize from ${s[1]}x${s[2]} to ${size[0]}x${size[1]}: an empty size is not supported`);
      return [s[0], size[0], size[1], s[3]];
    },
    run([xp], [s], yp) {
      const x = ctx.kernels;
      rc(ctx, mode === 'nearest'
        ? x.resize_nearest_x32__memcpy(xp, s[0], s[1], s[2], s[3], yp, size[0], size[1], coord, nearest)
        : x.resize_bilinear_f32__simd128(xp, s[0], s[1], s[2], s[3], yp, size[0], size[1], coord));
    },
    dispose() {},
  };
};

// Resize with ONNX semantics on typed N-d values (ResizeNd: inputs X, roi, scales, sizes in ONNX
// order, opsets 11-19; the importer maps Upsample 7 / 9 and Resize 10 onto it), and GridSample
// on NCHW f32. Shapes, checks and the kernels' parameter blocks here; the coordinates, weights
// and sums in assembly/nd/resize.ts and gridsample.ts (output dims from scales too).
// see: ONNX Resize, opset 19; Upsample, opset 9; GridSample, opset 16

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { elements, type Builder, type OpContext } from './types.js';
import { typeIn, esOf } from './move.js';
import type { Exports } from '../wasm.js';

const MODES = ['nearest', 'linear', 'cubic'];
export const RESIZE_COORD = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const NEAREST = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
const P0 = 11; // params before the dims (assembly/nd/resize.ts)

function choice(ctx: OpContext, k: string, names: string[], dflt: string): number {
  const v = ctx.node.attrs?.[k] ?? dflt, i = typeof v === 'string' ? names.indexOf(v) : -1;
  if (i < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} ${JSON.stringify(v)} is not one of ${names.join(', ')}`);
  return i;
}
function num(ctx: OpContext, k: string, dflt: number): number {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} ${JSON.stringify(v)} is not a number`);
  return v;
}
const f32Bits = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0];
const pad16 = (n: number) => Math.ceil(n / 16) * 16;

/** The work bytes resize_nd_any needs (the kernel's resizeWorkBytes, integers only). */
function workBytes(mode: number, inS: number[], outS: number[]): number {
  const K = [1, 2, 4][mode];
  let t = 0, big = 0, cur = elements(inS);
  for (let d = inS.length - 1; d >= 0; d--) {
    t += 2 * pad16(K * outS[d] * 4) + pad16(outS[d] * 4);
    cur = (cur / Math.max(inS[d], 1)) * outS[d];
    big = Math.max(big, cur);
  }
  return mode === 0 ? t : t + 2 * pad16(big * 4);
}

/** floor(dims * scales) per axis, in the module (the arithmetic on the scales' values); undefined
 *  when a dimension would pass 2^31 - 1. The importer folds constant scales with it too. */
export function scaledDims(k: Exports, dims: number[], scales: number[]): number[] | undefined {
  const r = dims.length, pd = heap.put(new Int32Array(r ? dims : [0])), ps = heap.put(new Float32Array(r ? scales : [0])), po = heap.alloc(4 * r + 16);
  try {
    return k.resize_out_dims__scalar(r, pd, ps, po) === 0 ? Array.from(new Int32Array(heap.buffer(), po, r)) : undefined;
  } finally { heap.free(pd); heap.free(ps); heap.free(po); }
}

/** ONNX Resize (opsets 11-19) on values of any element type (linear / cubic: f32). */
export const resizeNd: Builder = (ctx) => {
  const a = ctx.node.attrs ?? {};
  const names = ctx.node.inputs;
  const t = typeIn(ctx, 0);
  const mode = choice(ctx, 'mode', MODES, 'nearest'), coord = choice(ctx, 'coordinate_transformation_mode', RESIZE_COORD, 'half_pixel');
  const nm = choice(ctx, 'nearest_mode', NEAREST, 'round_prefer_floor');
  const cubicA = num(ctx, 'cubic_coeff_a', -0.75), ext = num(ctx, 'extrapolation_value', 0), exclude = num(ctx, 'exclude_outside', 0) ? 1 : 0;
  if (num(ctx, 'antialias', 0)) fail('UNSUPPORTED_OP', `${ctx.where}: Resize antialias (opset 18) is not supported`);
  if ((a.keep_aspect_ratio_policy ?? 'stretch') !== 'stretch') fail('UNSUPPORTED_OP', `${ctx.where}: Resize keep_aspect_ratio_policy ${JSON.stringify(a.keep_aspect_ratio_policy)} (only stretch is supported)`);
  if (mode !== 0 && t !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: Resize ${MODES[mode]} on ${t} (f32 is supported; nearest takes any type)`);
  if (coord === 6 && t !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: Resize tf_crop_and_resize on ${t} (f32 is supported)`);
  const axesA = a.axes;
  if (axesA !== undefined && !(Array.isArray(axesA) && axesA.every((v) => Number.isSafeInteger(v)))) fail('BAD_GRAPH', `${ctx.where}: attrs.axes must be a list of integers`);
  // roles X, roi, scales, sizes at node inputs 0-3 (opset 11+); attrs.scales_input 1: the
  // opset 10 / Upsample 9 layout [X, scales]; attrs.scales: Upsample 7's scales attribute
  const legacy = a.scales_input === 1, fixed = a.scales;
  if (a.scales_input !== undefined && !legacy) fail('BAD_GRAPH', `${ctx.where}: attrs.scales_input must be 1 when given`);
  if (fixed !== undefined && !(Array.isArray(fixed) && fixed.every((v) => typeof v === 'number'))) fail('BAD_GRAPH', `${ctx.where}: attrs.scales must be a list of numbers`);
  const inPos = legacy ? [0, -1, 1, -1] : fixed ? [0, -1, -1, -1] : [0, 1, 2, 3];
  const roles = [0, 1, 2, 3].filter((k) => k === 0 || (inPos[k] >= 0 && typeof names[inPos[k]] === 'string' && names[inPos[k]] !== ''));
  const at = (k: number) => roles.indexOf(k);
  const roleType = (k: number) => typeIn(ctx, inPos[k]);
  const roiT = at(1) >= 0 ? roleType(1) : undefined;
  if (roiT && roiT !== 'f32' && roiT !== 'f64') fail('UNSUPPORTED_OP', `${ctx.where}: roi of ${roiT} (f32, f64 are supported)`);
  if (at(2) >= 0 && roleType(2) !== 'f32') fail('BAD_GRAPH', `${ctx.where}: scales must be f32, not ${roleType(2)}`);
  if (at(3) >= 0 && !['i64', 'i32'].includes(roleType(3))) fail('BAD_GRAPH', `${ctx.where}: sizes must be i64, not ${roleType(3)}`);
  const fixedP = fixed ? heap.put(new Float32Array(fixed.length ? (fixed as number[]) : [0])) : 0;
  const es = esOf(t);

  // the resized axes (attrs.axes, opset 18) and each axis's slot in scales / sizes / roi
  const slots = (r: number): number[] => {
    if (axesA === undefined) return [...Array(r).keys()];
    const ax = (axesA as number[]).map((v) => (v < 0 ? v + r : v));
    if (ax.some((v, i) => v < 0 || v >= r || ax.indexOf(v) !== i)) fail('BAD_GRAPH', `${ctx.where}: attrs.axes ${JSON.stringify(axesA)} are not distinct axes of rank ${r}`);
    return [...Array(r).keys()].map((d) => ax.indexOf(d));
  };
  // which of scales / sizes gives the output (an empty tensor is an absent one, opsets 11 / 13)
  const source = (shapes: number[][]): 'scales' | 'sizes' => {
    if (fixed) return 'scales';
    const sz = at(3) >= 0 && elements(shapes[at(3)]) > 0, sc = at(2) >= 0 && elements(shapes[at(2)]) > 0;
    if (sz && sc) fail('BAD_GRAPH', `${ctx.where}: both scales and sizes are given (one of them must be empty or absent)`);
    if (!sz && !sc) fail('BAD_GRAPH', `${ctx.where}: neither scales nor sizes is given`);
    return sz ? 'sizes' : 'scales';
  };
  function outDims(x: number[], shapes: number[][], values: (number[] | undefined)[]): number[] {
    const r = x.length;
    if (r < 1) fail('SHAPE_MISMATCH', `${ctx.where}: Resize of a scalar`);
    if (r > 8) fail('UNSUPPORTED_OP', `${ctx.where}: Resize of rank ${r} (at most 8)`);
    const sl = slots(r), n = axesA === undefined ? r : (axesA as number[]).length, src = source(shapes);
    const v = fixed ? (fixed as number[]) : values[at(src === 'sizes' ? 3 : 2)]!;
    if ((!fixed && shapes[at(src === 'sizes' ? 3 : 2)].length !== 1) || v.length !== n) fail('SHAPE_MISMATCH', `${ctx.where}: ${src} holds ${v.length} values for ${n} resized axes`);
    if (coord === 6 && (at(1) < 0 || elements(shapes[at(1)]) !== 2 * n)) fail('BAD_GRAPH', `${ctx.where}: tf_crop_and_resize needs roi of ${2 * n} values (starts, then ends)`);
    let out: number[];
    if (src === 'sizes') {
      out = x.map((d, i) => (sl[i] < 0 ? d : v[sl[i]]));
      if (out.some((d) => !Number.isSafeInteger(d) || d < 0 || d > 2 ** 31 - 1)) fail('BAD_INPUT', `${ctx.where}: sizes ${JSON.stringify(v)} are not non-negative dimensions`);
    } else {
      if (v.some((s) => !(s > 0) || s === Infinity)) fail('BAD_INPUT', `${ctx.where}: scales ${JSON.stringify(v)} must be positive and finite`);
      const o = scaledDims(ctx.kernels, x, x.map((_, i) => (sl[i] < 0 ? 1 : v[sl[i]])));
      if (!o) fail('BAD_INPUT', `${ctx.where}: scales ${JSON.stringify(v)} give an output dimension above 2^31 - 1`);
      out = o;
    }
    out.forEach((o, i) => { if (o > 0 && x[i] === 0) fail('BAD_INPUT', `${ctx.where}: axis ${i} is empty and cannot be resized to ${o}`); });
    return out;
  }

  return {
    valueInputs: roles.map((k) => names[inPos[k]]),
    outTypes: [t],
    valueArgs: [at(2), at(3)].filter((i) => i >= 0),
    infer: (shapes, values) => outDims(shapes[0], shapes, values),
    // an empty output runs nothing: no tables for a huge width beside a 0
    scratch: ([x], [y]) => 16 + pad16(4 * (P0 + 3 * x.length)) + (y && y.length === x.length && elements(y) > 0 ? workBytes(mode, x, y) : 0),
    run(ptrs, shapes, yp, outShape, scratch) {
      const x = shapes[0], r = x.length;
      if (elements(outShape) === 0) return;
      const sl = slots(r), n = axesA === undefined ? r : (axesA as number[]).length, scalesGiven = source(shapes) === 'scales';
      const params = [r, es, mode, coord, nm, exclude, f32Bits(cubicA), f32Bits(ext), roiT === 'f64' ? 11 : roiT ? 1 : 0, scalesGiven ? 1 : 0, n, ...x, ...outShape, ...sl];
      new Int32Array(heap.buffer()).set(params, scratch >> 2);
      const work = scratch + pad16(4 * params.length);
      const wb = workBytes(mode, x, outShape);
      const st = ctx.kernels.resize_nd_any__simd128(yp, ptrs[0], scratch, scalesGiven ? (fixed ? fixedP : ptrs[at(2)]) : 0, at(1) >= 0 ? ptrs[at(1)] : 0, work, wb);
      if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the parameters (status ${st})`);
    },
    dispose() { heap.free(fixedP); },
  };
};

const GS_MODES = ['bilinear', 'nearest', 'bicubic', 'linear', 'cubic'];
const GS_PADDING = ['zeros', 'border', 'reflection'];

/** ONNX GridSample (opset 16) on NCHW f32: X [N, C, H, W], grid [N, Ho, Wo, 2] -> [N, C, Ho, Wo]. */
export const gridSample: Builder = (ctx) => {
  for (const i of [0, 1]) if (typeIn(ctx, i) !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: GridSample input ${i} is ${typeIn(ctx, i)} (f32 is supported)`);
  const mode = [0, 1, 2, 0, 2][choice(ctx, 'mode', GS_MODES, 'bilinear')], pad = choice(ctx, 'padding_mode', GS_PADDING, 'zeros');
  const align = num(ctx, 'align_corners', 0) ? 1 : 0;
  const shape = (x: number[], g: number[]) => {
    if (x.length !== 4) fail('UNSUPPORTED_OP', `${ctx.where}: GridSample of a rank-${x.length} input (4-D NCHW is supported)`);
    if (g.length !== 4 || g[0] !== x[0] || g[3] !== 2) fail('SHAPE_MISMATCH', `${ctx.where}: grid ${JSON.stringify(g)} for input ${JSON.stringify(x)} (expected [${x[0]}, H_out, W_out, 2])`);
    if ((x[2] === 0 || x[3] === 0) && elements([x[0], x[1], g[1], g[2]]) > 0) fail('BAD_INPUT', `${ctx.where}: sampling an empty image ${JSON.stringify(x)}`);
    return [x[0], x[1], g[1], g[2]];
  };
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: ['f32'],
    infer: ([x, g]) => shape(x, g),
    scratch: () => 64,
    run([xp, gp], [x, g], yp, out, scratch) {
      if (elements(out) === 0) return;
      new Int32Array(heap.buffer()).set([x[0], x[1], x[2], x[3], g[1], g[2], mode, pad, align], scratch >> 2);
      const st = ctx.kernels.gridsample_f32__scalar(yp, xp, gp, scratch);
      if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the parameters (status ${st})`);
    },
    dispose() {},
  };
};

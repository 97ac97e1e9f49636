// Data movement and conversion on typed values of any rank (0-8), ONNX semantics, inputs in ONNX
// order: Cast, CastLike, Where, Expand, Tile, Slice, Split, DepthToSpace, SpaceToDepth, and the
// typed paths of Transpose / Concat / Pad (src/runtime/ops/tensor.ts keeps their f32 kernels).
// Shape / index arithmetic here; every byte moves in the kernels of assembly/nd/ (move.ts, pad.ts,
// where.ts, cast.ts). Argument tensors (shape, repeats, starts / ends / axes / steps, split, pads)
// are valueArgs: infer() gets their values; run() reads them again from their blocks (a model
// keeps several plans, so no state is carried from infer() to run()).

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { DTYPES, dtypeOfId, view, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext, type PreparedNode } from './types.js';

const MAX_RANK = 8;
/** The element type of input i (a value or a raw-typed stored tensor). */
export function typeIn(ctx: OpContext, i: number): DType {
  const name = ctx.node.inputs[i];
  const t = name ? ctx.typeOf(name) : undefined;
  if (!t) fail('BAD_GRAPH', `${ctx.where}: input ${i} (${JSON.stringify(name ?? '')}) has no element type (a value or a stored tensor of a plain type)`);
  return t;
}
export const esOf = (t: DType): number => DTYPES[t].bytes;
/** Whether optional input i is given (ONNX: an empty name is an absent input). */
const has = (ctx: OpContext, i: number): boolean => typeof ctx.node.inputs[i] === 'string' && ctx.node.inputs[i] !== '';

/** A kernel status: 1 bad type / mode, 2 bad dims / arguments (the builder checked them: a bug if reached). */
export function status(ctx: OpContext, r: number): void {
  if (r === 1) fail('UNSUPPORTED_OP', `${ctx.where}: the kernel does not take this element type or mode`);
  if (r !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the arguments`);
}

/** i32 vectors written one after the other (16-byte aligned) into the node's scratch; their pointers. */
export function putInts(scratch: number, ...vs: number[][]): number[] {
  const view = new Int32Array(heap.buffer());
  let p = scratch;
  return vs.map((v) => { const at = p; view.set(v, at >> 2); p += Math.ceil((v.length * 4 + 4) / 16) * 16; return at; });
}
export const intsBytes = (...lens: number[]): number => lens.reduce((s, n) => s + Math.ceil((n * 4 + 4) / 16) * 16, 0) + 16;

/** The elements of value input k (an integer tensor) at run time, as numbers. */
function valuesAt(ctx: OpContext, names: string[], k: number, ptrs: number[], shapes: number[][]): number[] {
  const t = ctx.typeOf(names[k])!;
  return Array.from(view(t, heap.buffer(), ptrs[k], elements(shapes[k])) as ArrayLike<number | bigint>, Number);
}

function rankOk(ctx: OpContext, s: number[], what = 'input'): void {
  if (s.length > MAX_RANK) fail('UNSUPPORTED_OP', `${ctx.where}: ${what} of rank ${s.length} (at most ${MAX_RANK})`);
}
const intAttr = (ctx: OpContext, k: string, dflt?: number): number => {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (!Number.isSafeInteger(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} ${JSON.stringify(v)} is not an integer`);
  return v as number;
};
const intsArg = (ctx: OpContext, v: number[] | undefined, what: string): number[] => {
  if (!v || !v.every((d) => Number.isFinite(d) && Number.isInteger(d))) fail('BAD_GRAPH', `${ctx.where}: ${what} must be integers`);
  return v;
};
export const normAxis = (ctx: OpContext, a: number, r: number): number => {
  if (!(a >= -r && a < r)) fail('BAD_GRAPH', `${ctx.where}: axis ${a} out of range for rank ${r}`);
  return a < 0 ? a + r : a;
};

/** numpy multidirectional broadcasting of shapes (see: ONNX Broadcasting.md). */
export function broadcast(ctx: OpContext, shapes: number[][]): number[] {
  const r = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    let d = 1;
    for (const s of shapes) {
      const e = s[s.length - r + i] ?? 1;
      if (e !== 1 && d !== 1 && e !== d) fail('SHAPE_MISMATCH', `${ctx.where}: shapes ${shapes.map((x) => JSON.stringify(x)).join(', ')} do not broadcast`);
      if (e !== 1) d = e;
    }
    out.push(d);
  }
  return out;
}
const align = (s: number[], r: number) => [...Array(r - s.length).fill(1), ...s];

// ---------------------------------------------------------------- Cast, CastLike

function castNode(ctx: OpContext, to: DType): PreparedNode {
  const from = typeIn(ctx, 0), sat = intAttr(ctx, 'saturate', 1);
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: [to],
    infer: ([s]) => [...s],
    run([xp], [s], yp) { status(ctx, ctx.kernels.cast_any__simd128(DTYPES[from].id, DTYPES[to].id, yp, xp, elements(s), sat ? 1 : 0)); },
    dispose() {},
  };
}

/** see: ONNX Cast, opset 21 (attrs.to: an ONNX TensorProto id; saturate: float8 only). */
export const cast: Builder = (ctx) => {
  const id = intAttr(ctx, 'to');
  const to = dtypeOfId(id);
  if (!to) fail('UNSUPPORTED_OP', `${ctx.where}: Cast to element type ${id} (supported: ${Object.values(DTYPES).map((d) => `${d.name} ${d.id}`).join(', ')})`);
  return castNode(ctx, to);
};

/** see: ONNX CastLike, opset 21: to input 1's element type. */
export const castLike: Builder = (ctx) => castNode(ctx, typeIn(ctx, 1));

// ---------------------------------------------------------------- Where, Expand, Tile

/** see: ONNX Where, opset 16: y = cond ? X : Y, numpy broadcasting; cond bool. */
export const where: Builder = (ctx) => {
  if (typeIn(ctx, 0) !== 'bool') fail('BAD_GRAPH', `${ctx.where}: condition must be bool, not ${typeIn(ctx, 0)}`);
  const t = typeIn(ctx, 1);
  if (typeIn(ctx, 2) !== t) fail('BAD_GRAPH', `${ctx.where}: X is ${t} and Y ${typeIn(ctx, 2)}`);
  return {
    valueInputs: ctx.node.inputs.slice(0, 3),
    outTypes: [t],
    infer(shapes) { for (const s of shapes) rankOk(ctx, s); return broadcast(ctx, shapes); },
    scratch: (shapes) => intsBytes(4 * MAX_RANK),
    run(ptrs, shapes, yp, out, scratch) {
      const dims = [out, ...shapes.map((s) => align(s, out.length))].flat();
      const [pd] = putInts(scratch, dims);
      status(ctx, ctx.kernels.where_nd_any__simd128(esOf(t), yp, ptrs[0], ptrs[1], ptrs[2], out.length, pd));
    },
    dispose() {},
  };
};

/** see: ONNX Expand, opset 13: the output is broadcast(input shape, shape). */
export const expand: Builder = (ctx) => {
  const t = typeIn(ctx, 0);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    valueArgs: [1],
    outTypes: [t],
    infer([s], values) {
      const shape = intsArg(ctx, values[1], 'shape');
      if (shape.some((d) => d < 0)) fail('BAD_GRAPH', `${ctx.where}: shape ${JSON.stringify(shape)} has a negative dimension`);
      const out = broadcast(ctx, [s, shape]);
      rankOk(ctx, out, 'output');
      return out;
    },
    scratch: () => intsBytes(2 * MAX_RANK),
    run([xp], [s], yp, out, scratch) {
      const [pd] = putInts(scratch, [...out, ...align(s, out.length)]);
      status(ctx, ctx.kernels.expand_nd_any__simd128(esOf(t), yp, xp, out.length, pd));
    },
    dispose() {},
  };
};

/** see: ONNX Tile, opset 13: repeats has one value >= 0 per axis. */
export const tile: Builder = (ctx) => {
  const t = typeIn(ctx, 0), names = ctx.node.inputs.slice(0, 2);
  const repsOf = (s: number[], v: number[] | undefined) => {
    const reps = intsArg(ctx, v, 'repeats');
    if (reps.length !== s.length || reps.some((r) => r < 0)) fail('BAD_GRAPH', `${ctx.where}: repeats ${JSON.stringify(reps)} for an input of rank ${s.length} (one value >= 0 per axis)`);
    return reps;
  };
  return {
    valueInputs: names,
    valueArgs: [1],
    outTypes: [t],
    infer([s], values) { rankOk(ctx, s); const reps = repsOf(s, values[1]); return s.map((d, i) => d * reps[i]); },
    scratch: ([s]) => intsBytes(s.length, s.length),
    run(ptrs, shapes, yp, _o, scratch) {
      const s = shapes[0], [pd, pr] = putInts(scratch, s, repsOf(s, valuesAt(ctx, names, 1, ptrs, shapes)));
      status(ctx, ctx.kernels.tile_nd_any__simd128(esOf(t), yp, ptrs[0], s.length, pd, pr));
    },
    dispose() {},
  };
};

// ---------------------------------------------------------------- Slice, Split

/** One axis of ONNX Slice (opset 13): clamped start and the output length for (start, end, step). */
export function sliceAxis(d: number, start: number, end: number, step: number): [number, number] {
  let s = start < 0 ? start + d : start, e = end < 0 ? end + d : end;
  if (step > 0) { s = Math.min(Math.max(s, 0), d); e = Math.min(Math.max(e, 0), d); }
  else { s = Math.min(Math.max(s, 0), d - 1); e = Math.min(Math.max(e, -1), d - 1); }
  const n = Math.max(0, Math.ceil((e - s) / step));
  return [n === 0 ? 0 : s, n];
}

/** see: ONNX Slice, opset 13: starts, ends, axes (default all), steps (default 1; negative ok). */
export const slice: Builder = (ctx) => {
  const t = typeIn(ctx, 0);
  const args = [1, 2, 3, 4].filter((i) => has(ctx, i));
  // opset < 10: starts / ends / axes as attributes
  const a = ctx.node.attrs ?? {}, legacy = !has(ctx, 1) && a.starts !== undefined ? [undefined, a.starts, a.ends, a.axes] as (number[] | undefined)[] : undefined;
  if (!legacy && (!has(ctx, 1) || !has(ctx, 2))) fail('BAD_GRAPH', `${ctx.where}: Slice needs starts and ends`);
  const names = [ctx.node.inputs[0], ...args.map((i) => ctx.node.inputs[i])];
  /** starts, steps and the output shape for input shape s and the argument values */
  const plan = (s: number[], values: (number[] | undefined)[]) => {
    rankOk(ctx, s);
    const at = (i: number) => { if (legacy) return legacy[i]; const k = args.indexOf(i); return k < 0 ? undefined : values[k + 1]; };
    const b = intsArg(ctx, at(1), 'starts'), e = intsArg(ctx, at(2), 'ends');
    const axes = at(3) ? intsArg(ctx, at(3), 'axes').map((a) => normAxis(ctx, a, s.length)) : b.map((_, i) => i);
    const st = at(4) ? intsArg(ctx, at(4), 'steps') : b.map(() => 1);
    if (e.length !== b.length || axes.length !== b.length || st.length !== b.length) fail('BAD_GRAPH', `${ctx.where}: starts, ends, axes and steps differ in length`);
    if (new Set(axes).size !== axes.length) fail('BAD_GRAPH', `${ctx.where}: axes ${JSON.stringify(axes)} repeat an axis`);
    if (st.some((x) => x === 0)) fail('BAD_GRAPH', `${ctx.where}: a step of 0`);
    const out = [...s], starts = s.map(() => 0), steps = s.map(() => 1);
    axes.forEach((a, i) => { [starts[a], out[a]] = sliceAxis(s[a], b[i], e[i], st[i]); steps[a] = st[i]; });
    return { out, starts, steps };
  };
  return {
    valueInputs: names,
    valueArgs: args.map((_, k) => k + 1),
    outTypes: [t],
    infer: ([s], values) => plan(s, values).out,
    scratch: ([s]) => intsBytes(s.length, s.length, s.length, s.length),
    run(ptrs, shapes, yp, _o, scratch) {
      const s = shapes[0], p = plan(s, names.map((_, k) => (k === 0 ? undefined : valuesAt(ctx, names, k, ptrs, shapes))));
      const [pd, pb, ps, po] = putInts(scratch, s, p.starts, p.steps, p.out);
      status(ctx, ctx.kernels.slice_nd_any__simd128(esOf(t), yp, ptrs[0], s.length, pd, pb, ps, po));
    },
    dispose() {},
  };
};

/** see: ONNX Split, opset 13 / 18: split sizes (input 1), else attrs.num_outputs (the last part
 *  smaller, opset 18), else equal parts, one per output. */
export const split: Builder = (ctx) => {
  const t = typeIn(ctx, 0), nOut = ctx.node.outputs.length, splitIn = has(ctx, 1);
  const axisAttr = intAttr(ctx, 'axis', 0);
  const splitAttr = ctx.node.attrs?.split; // opset < 13
  const numOutputs = ctx.node.attrs?.num_outputs === undefined ? undefined : intAttr(ctx, 'num_outputs');
  if (nOut < 1) fail('BAD_GRAPH', `${ctx.where}: Split has no outputs`);
  return {
    valueInputs: splitIn ? ctx.node.inputs.slice(0, 2) : [ctx.node.inputs[0]],
    valueArgs: splitIn ? [1] : [],
    outTypes: Array(nOut).fill(t),
    infer([s], values) {
      rankOk(ctx, s);
      const axis = normAxis(ctx, axisAttr, s.length), d = s[axis];
      let parts: number[];
      if (splitIn) parts = intsArg(ctx, values[1], 'split');
      else if (splitAttr !== undefined) parts = intsArg(ctx, splitAttr as number[], 'attrs.split');
      else if (numOutputs !== undefined) {
        if (numOutputs !== nOut || numOutputs < 1) fail('BAD_GRAPH', `${ctx.where}: num_outputs ${numOutputs} for ${nOut} outputs`);
        const k = Math.ceil(d / nOut);
        parts = Array.from({ length: nOut }, (_, i) => Math.max(0, Math.min(k, d - i * k)));
      } else {
        if (d % nOut !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: axis ${axis} of size ${d} does not split into ${nOut} equal parts`);
        parts = Array(nOut).fill(d / nOut);
      }
      if (parts.length !== nOut || parts.some((p) => p < 0) || parts.reduce((a, b) => a + b, 0) !== d) fail('SHAPE_MISMATCH', `${ctx.where}: split ${JSON.stringify(parts)} of axis ${axis} (size ${d}) into ${nOut} outputs`);
      return parts.map((p) => s.map((x, i) => (i === axis ? p : x)));
    },
    scratch: () => intsBytes(3, 3, 3, 3),
    run([xp], [s], _y, _o, scratch, outs, outShapes) {
      // y_k = x[:, off : off + part, :] over the view [outer, d, inner]
      const axis = normAxis(ctx, axisAttr, s.length), outer = elements(s.slice(0, axis)), inner = elements(s.slice(axis + 1));
      let off = 0;
      outs.forEach((yp, k) => {
        const part = outShapes[k][axis];
        const [pd, pb, ps, po] = putInts(scratch, [outer, s[axis], inner], [0, off, 0], [1, 1, 1], [outer, part, inner]);
        status(ctx, ctx.kernels.slice_nd_any__simd128(esOf(t), yp, xp, 3, pd, pb, ps, po));
        off += part;
      });
    },
    dispose() {},
  };
};

// ---------------------------------------------------------------- DepthToSpace, SpaceToDepth

/** see: ONNX DepthToSpace, opset 13 (DCR / CRD) and SpaceToDepth, opset 13: a 6-D transpose of
 *  the 4-D NCHW input viewed with its block axes split out. */
const blocks = (toSpace: boolean): Builder => (ctx) => {
  const t = typeIn(ctx, 0), b = intAttr(ctx, 'blocksize');
  const mode = toSpace ? (ctx.node.attrs?.mode ?? 'DCR') : 'DCR';
  if (b < 1) fail('BAD_GRAPH', `${ctx.where}: blocksize ${b}`);
  if (mode !== 'DCR' && mode !== 'CRD') fail('BAD_GRAPH', `${ctx.where}: mode ${JSON.stringify(mode)} (DCR or CRD)`);
  /** the 6-D view of the input, its permutation and the output shape */
  const plan = (s: number[]): [number[], number[], number[]] => {
    if (s.length !== 4) fail('SHAPE_MISMATCH', `${ctx.where}: input ${JSON.stringify(s)} is not 4-D (N, C, H, W)`);
    const [N, C, H, W] = s;
    if (toSpace) {
      if (C % (b * b) !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: ${C} channels do not divide by blocksize^2 = ${b * b}`);
      const c = C / (b * b), out = [N, c, H * b, W * b];
      return mode === 'DCR' ? [[N, b, b, c, H, W], [0, 3, 4, 1, 5, 2], out] : [[N, c, b, b, H, W], [0, 1, 4, 2, 5, 3], out];
    }
    if (H % b !== 0 || W % b !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: ${H}x${W} does not divide by blocksize ${b}`);
    return [[N, C, H / b, b, W / b, b], [0, 3, 5, 1, 2, 4], [N, C * b * b, H / b, W / b]];
  };
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: [t],
    infer: ([s]) => plan(s)[2],
    scratch: () => intsBytes(6, 6),
    run([xp], [s], yp, _o, scratch) {
      const [v, perm] = plan(s), [pd, pp] = putInts(scratch, v, perm);
      status(ctx, ctx.kernels.transpose_nd_any__simd128(esOf(t), yp, xp, 6, pd, pp));
    },
    dispose() {},
  };
};
export const depthToSpace = blocks(true);
export const spaceToDepth = blocks(false);

// ---------------------------------------------------------------- Transpose, Concat, Pad (typed)

/** see: ONNX Transpose, opset 21 (perm default: the axes reversed). */
export const transposeNd: Builder = (ctx) => {
  const t = typeIn(ctx, 0), permA = ctx.node.attrs?.perm as number[] | undefined;
  const permOf = (s: number[]) => {
    const perm = permA === undefined ? s.map((_, i) => s.length - 1 - i) : intsArg(ctx, permA, 'attrs.perm');
    if (perm.length !== s.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail('BAD_GRAPH', `${ctx.where}: perm ${JSON.stringify(perm)} is not a permutation of ${s.length} axes`);
    return perm;
  };
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: [t],
    infer([s]) {
      rankOk(ctx, s);
      return permOf(s).map((p) => s[p]);
    },
    scratch: ([s]) => intsBytes(s.length, s.length),
    run([xp], [s], yp, _o, scratch) {
      const [pd, pp] = putInts(scratch, s, permOf(s));
      status(ctx, ctx.kernels.transpose_nd_any__simd128(esOf(t), yp, xp, s.length, pd, pp));
    },
    dispose() {},
  };
};

/** see: ONNX Concat, opset 13: any element type, inputs empty along the axis allowed. */
export const concatNd: Builder = (ctx) => {
  const inputs = ctx.node.inputs, axisAttr = intAttr(ctx, 'axis');
  if (inputs.length < 1) fail('BAD_GRAPH', `${ctx.where}: Concat needs inputs`);
  const t = typeIn(ctx, 0);
  inputs.forEach((_, i) => { if (typeIn(ctx, i) !== t) fail('BAD_GRAPH', `${ctx.where}: input ${i} is ${typeIn(ctx, i)}, input 0 ${t}`); });
  return {
    valueInputs: [...inputs],
    outTypes: [t],
    infer(shapes) {
      const r = shapes[0].length;
      rankOk(ctx, shapes[0]);
      const a = normAxis(ctx, axisAttr, r);
      for (const [i, s] of shapes.entries()) {
        if (s.length !== r || s.some((d, j) => j !== a && d !== shapes[0][j])) fail('SHAPE_MISMATCH', `${ctx.where}: input ${i} shape ${JSON.stringify(s)} does not match ${JSON.stringify(shapes[0])} off axis ${a}`);
      }
      const out = [...shapes[0]];
      out[a] = shapes.reduce((n, s) => n + s[a], 0);
      return out;
    },
    run(ptrs, shapes, yp, out) {
      const a = axisAttr < 0 ? axisAttr + out.length : axisAttr;
      const outer = elements(out.slice(0, a)), inner = elements(out.slice(a + 1));
      let off = 0;
      shapes.forEach((s, i) => { status(ctx, ctx.kernels.concat_nd_any__memcpy(esOf(t), yp, ptrs[i], outer, inner, s[a], out[a], off)); off += s[a]; });
    },
    dispose() {},
  };
};

const PAD_MODES = ['constant', 'reflect', 'edge', 'wrap'];
/** see: ONNX Pad, opset 19: pads (input 1; negative crops), constant_value (input 2, a scalar of
 *  the data's type; default 0), axes (input 3), attrs.mode constant / reflect / edge / wrap. */
export const padNd: Builder = (ctx) => {
  const t = typeIn(ctx, 0);
  const mode = PAD_MODES.indexOf((ctx.node.attrs?.mode ?? 'constant') as string);
  if (mode < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.mode must be one of ${PAD_MODES.join(', ')}`);
  if (!has(ctx, 1)) fail('BAD_GRAPH', `${ctx.where}: Pad needs pads (input 1)`);
  const hasValue = has(ctx, 2), hasAxes = has(ctx, 3);
  if (hasValue && typeIn(ctx, 2) !== t) fail('BAD_GRAPH', `${ctx.where}: constant_value is ${typeIn(ctx, 2)}, the data ${t}`);
  const names = [ctx.node.inputs[0], ctx.node.inputs[1], ...(hasAxes ? [ctx.node.inputs[3]] : []), ...(hasValue ? [ctx.node.inputs[2]] : [])];
  const zero = heap.alloc(16); // the default constant_value: 0 of any type (alloc zeroes)
  /** the full pads (begin..., end...) and the output shape for input shapes and argument values */
  const plan = (shapes: number[][], values: (number[] | undefined)[]) => {
    const s = shapes[0], r = s.length;
    rankOk(ctx, s);
    const p = intsArg(ctx, values[1], 'pads');
    const axes = hasAxes ? intsArg(ctx, values[2], 'axes').map((a) => normAxis(ctx, a, r)) : s.map((_, i) => i);
    if (p.length !== 2 * axes.length) fail('BAD_GRAPH', `${ctx.where}: ${p.length} pads for ${axes.length} axes`);
    if (hasValue && elements(shapes[names.length - 1]) !== 1) fail('BAD_GRAPH', `${ctx.where}: constant_value must hold one value`);
    const pads = Array(2 * r).fill(0);
    axes.forEach((a, i) => { pads[a] = p[i]; pads[a + r] = p[i + axes.length]; });
    const out = s.map((d, i) => d + pads[i] + pads[i + r]);
    const cropped = s.map((d, i) => d + Math.min(pads[i], 0) + Math.min(pads[i + r], 0));
    if (out.some((d) => d < 0) || cropped.some((d) => d < 0)) fail('SHAPE_MISMATCH', `${ctx.where}: pads ${JSON.stringify(pads)} crop ${JSON.stringify(s)} below zero`);
    if (mode !== 0 && cropped.some((d) => d === 0) && elements(out) > 0) fail('SHAPE_MISMATCH', `${ctx.where}: ${PAD_MODES[mode]} padding of an empty axis`);
    return { pads, out };
  };
  const args = hasAxes ? [1, 2] : [1];
  return {
    valueInputs: names,
    valueArgs: args,
    outTypes: [t],
    infer: (shapes, values) => plan(shapes, values).out,
    scratch: ([s]) => intsBytes(s.length, 2 * s.length),
    run(ptrs, shapes, yp, _o, scratch) {
      const s = shapes[0], { pads } = plan(shapes, names.map((_, k) => (args.includes(k) ? valuesAt(ctx, names, k, ptrs, shapes) : undefined)));
      const [pd, pp] = putInts(scratch, s, pads);
      status(ctx, ctx.kernels.pad_nd_any__simd128(esOf(t), yp, ptrs[0], s.length, pd, pp, mode, hasValue ? ptrs[names.length - 1] : zero));
    },
    dispose() { heap.free(zero); },
  };
};

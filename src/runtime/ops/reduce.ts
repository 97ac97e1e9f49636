// Reductions with ONNX semantics on typed values of any rank (see: ONNX ReduceSum ... ReduceSumSquare,
// opsets 11-22; ArgMax / ArgMin, opset 13; CumSum, opset 14). Axes come from attrs.axes (before
// opset 18; ReduceSum before 13) or from a second input, an i64 / i32 tensor whose values infer()
// reads (valueArgs): a stored constant or a graph value. Negative axes count from the end.
// keepdims only changes the output shape (the kernel writes the kept dims in order); empty axes
// reduce every axis unless noop_with_empty_axes, which copies the input. The kernels:
// reduce_nd_any__simd128, argmax_nd_any__scalar, cumsum_nd_any__scalar (assembly/nd/).

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { REDUCE_OPS, code } from '../tables.js';
import { dtypeBytes, dtypeId, view, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';

/** Rank the N-d kernels take (assembly/nd/iter.ts MAX_RANK). */
export const MAX_RANK = 8;

export function intAttr(ctx: OpContext, k: string, dflt: number): number {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be an integer, not ${JSON.stringify(v)}`);
  return v;
}
export function numAttr(ctx: OpContext, k: string, dflt: number): number {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a number, not ${JSON.stringify(v)}`);
  return v;
}
export function intsAttr(ctx: OpContext, k: string): number[] | undefined {
  const v = ctx.node.attrs?.[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((a) => typeof a === 'number' && Number.isSafeInteger(a))) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a list of integers`);
  return v as number[];
}
/** An axis in [-r, r) as a non-negative index, else BAD_GRAPH. */
export function axisIn(ctx: OpContext, a: number, r: number): number {
  if (!Number.isSafeInteger(a) || a < -r || a >= r) fail('BAD_GRAPH', `${ctx.where}: axis ${a} is out of range for rank ${r}`);
  return a < 0 ? a + r : a;
}
/** The element type of input `name`, one of `ok`, else UNSUPPORTED_OP. */
export function typeIn(ctx: OpContext, name: string, ok: readonly DType[]): DType {
  const t = ctx.typeOf(name);
  if (!t) fail('BAD_GRAPH', `${ctx.where}: input ${JSON.stringify(name)} is not produced before this node (or is a quantized tensor)`);
  if (!ok.includes(t)) fail('UNSUPPORTED_OP', `${ctx.where}: input ${JSON.stringify(name)} of element type ${t ?? '(unknown)'}; ${ctx.node.op} takes ${ok.join(', ')}`);
  return t;
}
/** The rank check of the N-d kernels. */
export function rankOk(ctx: OpContext, s: number[]): void {
  if (s.length > MAX_RANK) fail('UNSUPPORTED_OP', `${ctx.where}: rank ${s.length} (at most ${MAX_RANK})`);
}
/** (outer, len, inner) of shape s around axis a. */
export const around = (s: number[], a: number): [number, number, number] => [elements(s.slice(0, a)), s[a], elements(s.slice(a + 1))];
/** Writes shape s as i32s at p (the kernels' dims argument). */
export function putDims(p: number, s: number[]): number { new Int32Array(heap.buffer(), p, s.length).set(s); return p; }
/** Fails on a kernel's nonzero status (a check above should have caught it). */
export function status(ctx: OpContext, st: number, what: string): void {
  if (st === 1) fail('UNSUPPORTED_OP', `${ctx.where}: ${what}: element type or mode not supported by the kernel`);
  if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: ${what}: bad dims`);
}
/** The integers of an i64 / i32 index tensor (axes) at p: index arithmetic, read in run() as
 *  infer() read them (a plan may be reused after another plan's infer()). */
export function indexValues(t: DType, p: number, count: number): number[] {
  return Array.from(view(t, heap.buffer(), p, count) as ArrayLike<number | bigint>, Number);
}
const copyBytes = (yp: number, xp: number, n: number) => { if (yp !== xp) new Uint8Array(heap.buffer()).copyWithin(yp, xp, xp + n); };

const REDUCE: Record<string, string> = {
  ReduceSum: 'sum', ReduceMean: 'mean', ReduceMax: 'max', ReduceMin: 'min', ReduceProd: 'prod', ReduceL1: 'l1', ReduceL2: 'l2',
  ReduceLogSum: 'log_sum', ReduceLogSumExp: 'log_sum_exp', ReduceSumSquare: 'sum_square',
};
export const REDUCE_OP_NAMES = Object.keys(REDUCE);
const FLOAT_ONLY = ['l2', 'log_sum', 'log_sum_exp'];

/** The runtime op of ONNX's Reduce<Op>. */
export const reduce = (onnx: string): Builder => (ctx) => {
  const name = REDUCE[onnx], op = code(REDUCE_OPS, name);
  const [xName, axesName] = ctx.node.inputs;
  const t = typeIn(ctx, xName, FLOAT_ONLY.includes(name) ? ['f32', 'f64'] : ['f32', 'f64', 'i32', 'i64']);
  const keep = intAttr(ctx, 'keepdims', 1) !== 0, noop = intAttr(ctx, 'noop_with_empty_axes', 0) !== 0;
  const attrAxes = intsAttr(ctx, 'axes');
  const axesIn = typeof axesName === 'string' && axesName !== '';
  const axesT = axesIn ? typeIn(ctx, axesName, ['i64', 'i32']) : 'i64';
  const maskOf = (r: number, axes: number[]): number => {
    if (axes.length === 0) return noop ? -1 : (1 << r) - 1;
    let m = 0;
    for (const a of axes) {
      const k = axisIn(ctx, a, r);
      if (m & (1 << k)) fail('BAD_GRAPH', `${ctx.where}: axis ${a} repeated in ${JSON.stringify(axes)}`);
      m |= 1 << k;
    }
    return m;
  };
  return {
    valueInputs: axesIn ? [xName, axesName] : [xName],
    outTypes: [t],
    valueArgs: axesIn ? [1] : undefined,
    infer(inputs, values) {
      const s = inputs[0];
      rankOk(ctx, s);
      const m = maskOf(s.length, axesIn ? values[1] ?? [] : attrAxes ?? []);
      if (m === -1) return [...s];
      return keep ? s.map((d, i) => ((m >> i) & 1 ? 1 : d)) : s.filter((_, i) => !((m >> i) & 1));
    },
    scratch: (inputs) => 4 * inputs[0].length + 16,
    run([xp, ap], [s, as], yp, _o, sp) {
      const m = maskOf(s.length, axesIn ? indexValues(axesT, ap, elements(as)) : attrAxes ?? []);
      if (m === -1) return copyBytes(yp, xp, elements(s) * dtypeBytes(t));
      status(ctx, ctx.kernels.reduce_nd_any__simd128(dtypeId(t), op, yp, xp, s.length, putDims(sp, s), m), onnx);
    },
    dispose() {},
  };
};

/** ArgMax / ArgMin: i64 indices along attrs.axis (default 0). */
export const argExtreme = (isMin: boolean): Builder => (ctx) => {
  const xName = ctx.node.inputs[0];
  const t = typeIn(ctx, xName, ['f32', 'f64', 'i32', 'i64', 'u8', 'i8', 'u32', 'u64']);
  const axis = intAttr(ctx, 'axis', 0), keep = intAttr(ctx, 'keepdims', 1) !== 0, last = intAttr(ctx, 'select_last_index', 0) !== 0;
  return {
    valueInputs: [xName],
    outTypes: ['i64'],
    infer([s]) {
      const a = axisIn(ctx, axis, s.length);
      if (s[a] === 0) fail('SHAPE_MISMATCH', `${ctx.where}: ${ctx.node.op} along axis ${axis} of length 0 (shape ${JSON.stringify(s)})`);
      return keep ? s.map((d, i) => (i === a ? 1 : d)) : s.filter((_, i) => i !== a);
    },
    run([xp], [s], yp) {
      const [outer, len, inner] = around(s, axisIn(ctx, axis, s.length));
      status(ctx, ctx.kernels.argmax_nd_any__scalar(dtypeId(t), isMin ? 1 : 0, last ? 1 : 0, yp, xp, outer, len, inner), ctx.node.op);
    },
    dispose() {},
  };
};

/** CumSum: input 1 is the axis (a one-element i32 / i64 tensor, read by infer()). */
export const cumSum: Builder = (ctx) => {
  const [xName, axisName] = ctx.node.inputs;
  if (typeof axisName !== 'string' || axisName === '') fail('BAD_GRAPH', `${ctx.where}: CumSum needs its axis input`);
  const t = typeIn(ctx, xName, ['f32', 'f64', 'i32', 'i64']);
  const axisT = typeIn(ctx, axisName, ['i64', 'i32']);
  const excl = intAttr(ctx, 'exclusive', 0) !== 0, rev = intAttr(ctx, 'reverse', 0) !== 0;
  const axisOf = (v: number[], r: number) => {
    if (v.length !== 1) fail('BAD_GRAPH', `${ctx.where}: CumSum's axis has ${v.length} values (one expected)`);
    return axisIn(ctx, v[0], Math.max(1, r));
  };
  return {
    valueInputs: [xName, axisName],
    outTypes: [t],
    valueArgs: [1],
    infer(inputs, values) {
      axisOf(values[1] ?? [], inputs[0].length);
      return [...inputs[0]];
    },
    run([xp, ap], [s, as], yp) {
      const axis = axisOf(indexValues(axisT, ap, elements(as)), s.length);
      const [outer, len, inner] = s.length === 0 ? [1, 1, 1] : around(s, axis);
      status(ctx, ctx.kernels.cumsum_nd_any__scalar(dtypeId(t), excl ? 1 : 0, rev ? 1 : 0, yp, xp, outer, len, inner), 'CumSum');
    },
    dispose() {},
  };
};

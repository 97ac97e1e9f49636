// Shape operators: what they compute is a shape, or the same bytes under a new shape (copied into
// the output's arena slot). Any element type. see: ONNX Shape 15 / Size / Reshape 14 / Flatten 13 /
// Squeeze 13 / Unsqueeze 13 / Identity / ConstantOfShape 9 / Dropout 13 (axes and shapes as attributes, the
// form opsets < 13 use, or as inputs whose elements infer() reads).

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeBytes, isDType, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { inType } from './nd.js';

function copy(xp: number, yp: number, bytes: number): void {
  if (xp !== yp && bytes > 0) new Uint8Array(heap.buffer()).copyWithin(yp, xp, xp + bytes);
}

/** An optional input i: its name, or undefined when absent ('' or past the end). */
const opt = (ctx: OpContext, i: number): string | undefined => (ctx.node.inputs[i] ? ctx.node.inputs[i] : undefined);

/** Integers from attrs[k] (undefined when absent). */
function intsAttr(ctx: OpContext, k: string): number[] | undefined {
  const v = ctx.node.attrs?.[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((d) => Number.isSafeInteger(d))) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a list of integers`);
  return v as number[];
}

/** A builder whose output is input 0's bytes under the shape `shape` computes; extra inputs
 *  (shape / axes tensors) are valueArgs. */
function sameBytes(ctx: OpContext, extra: string | undefined, shape: (s: number[], vals: number[] | undefined) => number[]): ReturnType<Builder> {
  const t = inType(ctx, 0);
  return {
    valueInputs: extra ? [ctx.node.inputs[0], extra] : [ctx.node.inputs[0]],
    outTypes: [t],
    valueArgs: extra ? [1] : undefined,
    infer: ([s], vals) => shape(s, vals?.[1]),
    run([xp], [s], yp) { copy(xp, yp, elements(s) * dtypeBytes(t)); },
    dispose() {},
  };
}

const normAxis = (ctx: OpContext, a: number, r: number): number => {
  const x = a < 0 ? a + r : a;
  if (!Number.isSafeInteger(x) || x < 0 || x >= r) fail('BAD_GRAPH', `${ctx.where}: axis ${a} out of range for rank ${r}`);
  return x;
};

/** Target dims (attrs.shape, or input 1): 0 copies the input's dim (unless allowzero), -1 (at
 *  most one) is inferred. */
export const reshape: Builder = (ctx) => {
  const attr = intsAttr(ctx, 'shape');
  const input = opt(ctx, 1);
  if (!attr && !input) fail('BAD_GRAPH', `${ctx.where}: needs attrs.shape or a shape input`);
  const allowzero = ctx.node.attrs?.allowzero === 1;
  return sameBytes(ctx, input, (s, vals) => {
    const target = attr ?? vals!;
    if (!target.every((d) => Number.isSafeInteger(d) && d >= -1) || target.filter((d) => d === -1).length > 1) fail('BAD_GRAPH', `${ctx.where}: shape ${JSON.stringify(target)} must be integers >= -1 with at most one -1`);
    const out = target.map((d, i) => (d === 0 && !allowzero ? s[i] : d));
    if (out.some((d) => d === undefined)) fail('SHAPE_MISMATCH', `${ctx.where}: shape ${JSON.stringify(target)} copies a dimension ${JSON.stringify(s)} does not have`);
    const known = elements(out.filter((d) => d !== -1));
    const n = elements(s);
    const inferred = out.includes(-1) ? (known === 0 ? NaN : n / known) : known;
    if (!Number.isSafeInteger(inferred) || (out.includes(-1) ? known * inferred : known) !== n) fail('SHAPE_MISMATCH', `${ctx.where}: cannot reshape ${JSON.stringify(s)} to ${JSON.stringify(target)}`);
    return out.map((d) => (d === -1 ? inferred : d));
  });
};

/** attrs.axis (default 1, negative from the end): [d0..d(axis-1), rest]. */
export const flatten: Builder = (ctx) => {
  const axis = (ctx.node.attrs?.axis ?? 1) as number;
  return sameBytes(ctx, undefined, (s) => {
    const a = axis < 0 ? axis + s.length : axis;
    if (!Number.isSafeInteger(a) || a < 0 || a > s.length) fail('BAD_GRAPH', `${ctx.where}: attrs.axis ${axis} out of range for rank ${s.length}`);
    return [elements(s.slice(0, a)), elements(s.slice(a))];
  });
};

export const squeeze: Builder = (ctx) => {
  const attr = intsAttr(ctx, 'axes'), input = opt(ctx, 1);
  return sameBytes(ctx, input, (s, vals) => {
    const axes = attr ?? vals;
    if (!axes) return s.filter((d) => d !== 1);
    const drop = new Set(axes.map((a) => normAxis(ctx, a, s.length)));
    for (const a of drop) if (s[a] !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: cannot squeeze axis ${a} of ${JSON.stringify(s)} (size ${s[a]})`);
    return s.filter((_, i) => !drop.has(i));
  });
};

export const unsqueeze: Builder = (ctx) => {
  const attr = intsAttr(ctx, 'axes'), input = opt(ctx, 1);
  if (!attr && !input) fail('BAD_GRAPH', `${ctx.where}: needs attrs.axes or an axes input`);
  return sameBytes(ctx, input, (s, vals) => {
    const axes = attr ?? vals!;
    const r = s.length + axes.length;
    const at = new Set(axes.map((a) => normAxis(ctx, a, r)));
    if (at.size !== axes.length) fail('BAD_GRAPH', `${ctx.where}: axes ${JSON.stringify(axes)} repeat an axis`);
    const out: number[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) out.push(at.has(i) ? 1 : s[k++]);
    return out;
  });
};

export const identity: Builder = (ctx) => sameBytes(ctx, undefined, (s) => [...s]);

/** Writes i64 values (shape arithmetic the host owns: dims, never tensor elements). */
function putI64(p: number, v: number[]): void { new BigInt64Array(heap.buffer(), p, v.length).set(v.map(BigInt)); }

/** see: ONNX Shape 15: attrs.start / end slice the dims (negative from the end, clamped). */
export const shape: Builder = (ctx) => {
  const start = (ctx.node.attrs?.start ?? 0) as number, end = ctx.node.attrs?.end as number | undefined;
  if (!Number.isSafeInteger(start) || (end !== undefined && !Number.isSafeInteger(end))) fail('BAD_GRAPH', `${ctx.where}: attrs.start / end must be integers`);
  const dims = (s: number[]) => {
    const r = s.length, c = (x: number) => Math.min(r, Math.max(0, x < 0 ? x + r : x));
    return s.slice(c(start), c(end ?? r));
  };
  inType(ctx, 0);
  return {
    valueInputs: [ctx.node.inputs[0]], outTypes: ['i64'], shapeOnly: true,
    infer: ([s]) => [dims(s).length],
    run(_p, [s], yp) { putI64(yp, dims(s)); },
    dispose() {},
  };
};

export const size: Builder = (ctx) => {
  inType(ctx, 0);
  return {
    valueInputs: [ctx.node.inputs[0]], outTypes: ['i64'], shapeOnly: true,
    infer: () => [],
    run(_p, [s], yp) { putI64(yp, [elements(s)]); },
    dispose() {},
  };
};

/** see: ONNX ConstantOfShape 9: attrs.dtype and attrs.value (the element's little-endian bytes;
 *  default f32 0). */
export const constantOfShape: Builder = (ctx) => {
  const t = (ctx.node.attrs?.dtype ?? 'f32') as DType;
  if (!isDType(t)) fail('BAD_GRAPH', `${ctx.where}: attrs.dtype ${JSON.stringify(t)} is not an element type`);
  const bytes = (ctx.node.attrs?.value ?? new Array(dtypeBytes(t)).fill(0)) as number[];
  if (!Array.isArray(bytes) || bytes.length !== dtypeBytes(t) || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) fail('BAD_GRAPH', `${ctx.where}: attrs.value must be the ${dtypeBytes(t)} bytes of one ${t}`);
  return {
    valueInputs: [ctx.node.inputs[0]], outTypes: [t], valueArgs: [0],
    infer(_s, vals) {
      const d = vals[0]!;
      if (!d.every((x) => Number.isSafeInteger(x) && x >= 0)) fail('SHAPE_MISMATCH', `${ctx.where}: shape ${JSON.stringify(d)} has a negative or non-integer dimension`);
      return d;
    },
    run(_p, _s, yp, y) { fill(yp, bytes, elements(y)); },
    dispose() {},
  };
};

/** n copies of one element's bytes at p: doubling copies, no arithmetic on them. */
function fill(p: number, bytes: number[], count: number): void {
  const n = count * bytes.length;
  if (!n) return;
  const m = new Uint8Array(heap.buffer());
  m.set(bytes, p);
  for (let have = bytes.length; have < n; have *= 2) m.copyWithin(p + have, p, p + Math.min(have, n - have));
}

/** see: ONNX Dropout 13, inference: output = data, mask all true. With training_mode true and a
 *  nonzero ratio the output is random (a training op): refused when the plan sees those values. */
export const dropout: Builder = (ctx) => {
  const t = inType(ctx, 0);
  const ratio = opt(ctx, 1), training = opt(ctx, 2);
  const valueInputs = [ctx.node.inputs[0]];
  const ri = ratio ? valueInputs.push(ratio) - 1 : -1, ti = training ? valueInputs.push(training) - 1 : -1;
  const r0 = ctx.node.attrs?.ratio ?? 0.5;
  if (typeof r0 !== 'number') fail('BAD_GRAPH', `${ctx.where}: attrs.ratio must be a number`);
  return {
    valueInputs, outTypes: [t, 'bool'], valueArgs: [ri, ti].filter((i) => i >= 0),
    infer(shapes, vals) {
      const r = ri >= 0 ? vals[ri]![0] : r0, train = ti >= 0 ? vals[ti]![0] : 0;
      if (!(r >= 0 && r < 1)) fail('BAD_INPUT', `${ctx.where}: ratio ${r} is not in [0, 1)`);
      if (train && r !== 0) fail('UNSUPPORTED_OP', `${ctx.where}: Dropout in training mode with ratio ${r} (its output is random)`);
      return [[...shapes[0]], [...shapes[0]]];
    },
    run([xp], [s], yp, _y, _sc, outs) {
      copy(xp, yp, elements(s) * dtypeBytes(t));
      if (outs[1]) fill(outs[1], [1], elements(s));
    },
    dispose() {},
  };
};

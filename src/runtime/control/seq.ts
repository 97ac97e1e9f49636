// Sequence and optional operators (see: ONNX Sequence* / SplitToSequence / ConcatFromSequence,
// opset 11; Optional*, opsets 15 / 18): host nodes that hold tensors in lists. Splitting and
// concatenating go through the module's Split / Concat kernels (./dynop.ts).

import { fail } from '../errors.js';
import { isDType } from '../dtype.js';
import { makeHost, inType, needIn, outCount, type HostBuilder, type HostCtx } from './host.js';
import { DynOp } from './dynop.js';
import { scalar } from './flow.js';
import { vkind, typeName, tensorOf, type HTensor, type HSeq, type HOpt, type HValue } from './value.js';

const seqOf = (elem: string) => `seq<${elem}>`;
const i64 = (v: number[], shape: number[]): HTensor => tensorOf('i64', shape, new Uint8Array(BigInt64Array.from(v, BigInt).buffer));

/** An integer tensor's elements as numbers (shape arithmetic). */
function intsOf(t: HTensor, where: string): number[] {
  const b = t.bytes.slice().buffer;
  if (t.dtype === 'i64') return Array.from(new BigInt64Array(b), Number);
  if (t.dtype === 'i32') return Array.from(new Int32Array(b));
  return fail('BAD_INPUT', `${where}: split is ${t.dtype}; it must be i32 or i64`);
}

/** A position input: an integer scalar in [-n, n) (or [-n, n] where `end` allows n). */
function position(ctx: HostCtx, t: HTensor | undefined, n: number, dflt: number, end: boolean): number {
  if (!t) return dflt;
  if (t.dtype !== 'i64' && t.dtype !== 'i32') fail('BAD_INPUT', `${ctx.where}: position is ${t.dtype}; it must be i32 or i64`);
  const p = scalar(t, ctx.where, 'position'), hi = end ? n : n - 1;
  if (p < -n || p > hi) fail('BAD_INPUT', `${ctx.where}: position ${p} is outside [${-n}, ${hi}] for a sequence of ${n}`);
  return p < 0 ? p + n : p;
}

const elemOf = (ctx: HostCtx, i: number, what: string) => needIn(ctx, i, 's', what).elem;

const SequenceEmpty: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const d = ctx.node.attrs?.dtype ?? 'f32';
  if (!isDType(d)) fail('BAD_GRAPH', `${ctx.where}: dtype ${JSON.stringify(d)} is not an element type`);
  return makeHost(ctx, [seqOf(d)], () => [{ k: 's', elem: d, items: [] }]);
};

const SequenceConstruct: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  if (!ctx.node.inputs.length) fail('BAD_GRAPH', `${ctx.where}: SequenceConstruct needs at least one input`);
  const t = ctx.node.inputs.map((_, i) => needIn(ctx, i, 't', `input ${i}`).dtype);
  if (t.some((d) => d !== t[0])) fail('BAD_GRAPH', `${ctx.where}: inputs of element types ${t.join(', ')}; a sequence holds one`);
  return makeHost(ctx, [seqOf(t[0])], (ins) => [{ k: 's', elem: t[0], items: ins as HTensor[] }]);
};

const SequenceAt: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const e = elemOf(ctx, 0, 'input_sequence');
  needIn(ctx, 1, 't', 'position');
  return makeHost(ctx, [e], (ins) => { const s = ins[0] as HSeq; return [s.items[position(ctx, ins[1] as HTensor, s.items.length, 0, false)]]; });
};

const SequenceInsert: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const e = elemOf(ctx, 0, 'input_sequence');
  const t = needIn(ctx, 1, 't', 'tensor').dtype;
  if (t !== e) fail('BAD_GRAPH', `${ctx.where}: inserting a ${t} tensor into a sequence of ${e}`);
  return makeHost(ctx, [seqOf(e)], (ins) => {
    const s = ins[0] as HSeq, items = [...s.items];
    items.splice(position(ctx, ins[2] as HTensor | undefined, items.length, items.length, true), 0, ins[1] as HTensor);
    return [{ k: 's', elem: e, items }];
  });
};

const SequenceErase: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const e = elemOf(ctx, 0, 'input_sequence');
  return makeHost(ctx, [seqOf(e)], (ins) => {
    const s = ins[0] as HSeq, items = [...s.items];
    if (!items.length) fail('BAD_INPUT', `${ctx.where}: erasing from an empty sequence`);
    items.splice(position(ctx, ins[1] as HTensor | undefined, items.length, items.length - 1, false), 1);
    return [{ k: 's', elem: e, items }];
  });
};

const SequenceLength: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  elemOf(ctx, 0, 'input_sequence');
  return makeHost(ctx, ['i64'], (ins) => [i64([(ins[0] as HSeq).items.length], [])]);
};

/** see: ONNX SplitToSequence, opset 11: split (scalar: chunks of that length, the last shorter;
 *  1-D: the lengths), absent: chunks of 1, with the axis dropped unless keepdims. */
const SplitToSequence: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const e = needIn(ctx, 0, 't', 'input').dtype;
  const a = ctx.node.attrs ?? {}, axis0 = a.axis ?? 0, keep = a.keepdims ?? 1;
  if (!Number.isInteger(axis0)) fail('BAD_GRAPH', `${ctx.where}: axis must be an integer`);
  const split = new DynOp(ctx.env, 'Split', ctx.node.name);
  return makeHost(ctx, [seqOf(e)], (ins, env) => {
    const x = ins[0] as HTensor, r = x.shape.length, ax = axis0 as number;
    if (ax < -r || ax >= r) fail('BAD_INPUT', `${ctx.where}: axis ${ax} is outside [${-r}, ${r})`);
    const axis = ax < 0 ? ax + r : ax, dim = x.shape[axis];
    const s = ins[1] as HTensor | undefined;
    let sizes: number[];
    if (!s) sizes = Array(dim).fill(1);
    else if (s.shape.length === 0) {
      const c = scalar(s, ctx.where, 'split');
      if (c < 1) fail('BAD_INPUT', `${ctx.where}: split ${c} must be positive`);
      sizes = Array.from({ length: Math.ceil(dim / c) }, (_, i) => Math.min(c, dim - i * c));
    } else {
      sizes = intsOf(s, ctx.where);
      if (sizes.some((v) => v < 0) || sizes.reduce((x, y) => x + y, 0) !== dim) fail('BAD_INPUT', `${ctx.where}: split ${JSON.stringify(sizes)} does not add up to dimension ${dim}`);
    }
    if (!sizes.length) return [{ k: 's', elem: e, items: [] }];
    const parts = split.run(env, [x, i64(sizes, [sizes.length])], sizes.length, { axis });
    const drop = !s && keep === 0;
    return [{ k: 's', elem: e, items: drop ? parts.map((p) => ({ ...p, shape: p.shape.filter((_, i) => i !== axis) })) : parts }];
  }, [], () => split.dispose());
};

/** see: ONNX ConcatFromSequence, opset 11: Concat of the elements along axis, or (new_axis 1)
 *  stacked along a new axis (each element given a dimension of 1 there first). */
const ConcatFromSequence: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const e = elemOf(ctx, 0, 'input_sequence');
  const a = ctx.node.attrs ?? {}, axis = a.axis, newAxis = a.new_axis ?? 0;
  if (!Number.isInteger(axis)) fail('BAD_GRAPH', `${ctx.where}: axis is required and must be an integer`);
  const concat = new DynOp(ctx.env, 'Concat', ctx.node.name);
  return makeHost(ctx, [e], (ins, env) => {
    const items = (ins[0] as HSeq).items;
    if (!items.length) fail('BAD_INPUT', `${ctx.where}: concatenating an empty sequence`);
    const r = items[0].shape.length + (newAxis ? 1 : 0), ax = axis as number;
    if (ax < -r || ax >= r) fail('BAD_INPUT', `${ctx.where}: axis ${ax} is outside [${-r}, ${r})`);
    const at = ax < 0 ? ax + r : ax;
    const parts = newAxis ? items.map((t) => ({ ...t, shape: [...t.shape.slice(0, at), 1, ...t.shape.slice(at)] })) : items;
    return concat.run(env, parts, 1, { axis: at });
  }, [], () => concat.dispose());
};

/** see: ONNX Optional, opset 15: the input wrapped, or (no input) an empty optional of `type`. */
const Optional: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const t = inType(ctx, 0);
  const type = t ? typeName(t) : ctx.node.attrs?.type;
  const k = vkind(type);
  if (!k || k.k === 'o') fail('BAD_GRAPH', `${ctx.where}: an Optional of ${JSON.stringify(type)} (needs an input, or a tensor or sequence type)`);
  return makeHost(ctx, [`opt<${type}>`], (ins): HOpt[] => [{ k: 'o', v: (ins[0] as HTensor | HSeq | undefined) ?? null }]);
};

/** see: ONNX OptionalHasElement, opset 18: false for an empty optional or no input. */
const OptionalHasElement: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  inType(ctx, 0);
  return makeHost(ctx, ['bool'], (ins) => [tensorOf('bool', [], new Uint8Array([ins[0] && (ins[0].k !== 'o' || ins[0].v) ? 1 : 0]))]);
};

/** see: ONNX OptionalGetElement, opset 18: the value held (a tensor or sequence passes). */
const OptionalGetElement: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const t = inType(ctx, 0) ?? fail('BAD_GRAPH', `${ctx.where}: input 0 is missing`);
  return makeHost(ctx, [typeName(t.k === 'o' ? t.elem : t)], (ins) => {
    const v = ins[0]!;
    if (v.k !== 'o') return [v];
    if (!v.v) fail('BAD_INPUT', `${ctx.where}: the optional is empty`);
    return [v.v];
  });
};

/** Identity of a sequence or optional: the same value. */
const IdentityOf: HostBuilder = (ctx) => {
  outCount(ctx, 1);
  const t = inType(ctx, 0) ?? fail('BAD_GRAPH', `${ctx.where}: input 0 is missing`);
  return makeHost(ctx, [typeName(t)], (ins) => [ins[0] as HValue]);
};

export const SEQ: Record<string, HostBuilder> = {
  SequenceEmpty, SequenceConstruct, SequenceAt, SequenceInsert, SequenceErase, SequenceLength,
  SplitToSequence, ConcatFromSequence, Optional, OptionalHasElement, OptionalGetElement,
};
export { IdentityOf };

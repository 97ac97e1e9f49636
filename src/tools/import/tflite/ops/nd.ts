// TFLite operators on typed values (f32, emulated-quantized f32, and non-quantized int8 / uint8 /
// int16 / int32 / int64 / bool tensors), lowered to the runtime's ops with ONNX semantics
// (src/runtime/ops/{nd,shape,reduce,move}.ts): the element-wise binary ops with numpy
// broadcasting, comparisons, logical ops, SELECT / SELECT_V2, CAST, SHAPE, FILL, ZEROS_LIKE,
// RANGE, the reductions, ARG_MAX / ARG_MIN, CUMSUM, and the typed forms of RESHAPE / SQUEEZE /
// EXPAND_DIMS / TRANSPOSE / CONCATENATION. The f32 handlers (math.ts, shape.ts) keep the f32
// models they convert; these take the rest (see ../index.ts dispatch).

import { fail } from '../../../../runtime/errors.js';
import { DTYPES } from '../../../../runtime/dtype.js';
import { unsupported, type Ints } from '../../graph.js';
import type { Handler, TfliteImporter, TIn } from '../importer.js';

/** Both operands of a binary op, of one element type. */
function operands(m: TfliteImporter): [TIn, TIn] {
  const a = m.tin(0, 'x'), b = m.tin(1, 'y');
  if (a.dtype !== b.dtype) fail('BAD_GRAPH', `${m.where()}: operands of types ${a.dtype} and ${b.dtype}`);
  return [a, b];
}
/** The bool scalar true (a raw bundle tensor). */
const trueConst = (m: TfliteImporter): string => m.tensor(`${m.nodeName}.true`, { format: 'bool', shape: [], data: Uint8Array.of(1) });
/** An i64 constant vector (index arguments: starts, ends, axes, splits). */
export function i64s(m: TfliteImporter, v: Ints, what: string): string {
  return m.tensor(`${m.nodeName}.${what}`, { format: 'i64', shape: [v.length], data: new Uint8Array(BigInt64Array.from(v, (x) => BigInt(x)).buffer) });
}
/** The one integer of a constant scalar input. */
export function intScalar(m: TfliteImporter, k: number, what: string): number {
  const v = m.ints(k, what);
  if (v.length !== 1) fail('BAD_GRAPH', `${m.where()}: ${what} has ${v.length} values (one expected)`);
  return v[0];
}
const FUSED_OPS = new Set(['Add', 'Sub', 'Mul', 'Div']);

// see: TFLite ADD / SUB / MUL / DIV (fused activation), POW, MAXIMUM, MINIMUM, FLOOR_MOD,
// EQUAL, LESS, ..., LOGICAL_AND / OR: numpy broadcasting, one element type
const binary = (op: string, out?: 'bool', attrs?: Record<string, unknown>): Handler => (m) => {
  const [a, b] = operands(m);
  if ((op === 'And' || op === 'Or') && a.dtype !== 'bool') fail('BAD_GRAPH', `${m.where()}: operands of type ${a.dtype}; logical ops take bool`);
  m.typedEmit(op, [a.name, b.name], attrs, [out ?? a.dtype], { fused: FUSED_OPS.has(op) ? m.opt.u8(0, 0) : 0 });
};
export const ADD = binary('Add'), SUB = binary('Sub'), MUL = binary('Mul'), DIV = binary('Div');
export const POW = binary('Pow'), MAXIMUM = binary('Max'), MINIMUM = binary('Min');
// floor modulo: the result takes the divisor's sign (Alloy's Mod with fmod 0, ints and floats)
export const FLOOR_MOD = binary('Mod', undefined, { fmod: 0 });
export const EQUAL = binary('Equal', 'bool'), LESS = binary('Less', 'bool'), LESS_EQUAL = binary('LessOrEqual', 'bool');
export const GREATER = binary('Greater', 'bool'), GREATER_EQUAL = binary('GreaterOrEqual', 'bool');
export const LOGICAL_AND = binary('And', 'bool'), LOGICAL_OR = binary('Or', 'bool');

/** see: TFLite NOT_EQUAL: Equal, then Xor with true. */
export const NOT_EQUAL: Handler = (m) => {
  const [a, b] = operands(m);
  const eq = m.tmp('Equal', [a.name, b.name]);
  m.typedEmit('Xor', [eq, trueConst(m)], undefined, ['bool']);
};
/** see: TFLite LOGICAL_NOT: Xor with true. */
export const LOGICAL_NOT: Handler = (m) => {
  const x = m.tin(0);
  if (x.dtype !== 'bool') fail('BAD_GRAPH', `${m.where()}: input of type ${x.dtype}; LOGICAL_NOT takes bool`);
  m.typedEmit('Xor', [x.name, trueConst(m)], undefined, ['bool']);
};
/** see: TFLite SQUARED_DIFFERENCE: (x - y)^2 as Sub then Mul. */
export const SQUARED_DIFFERENCE: Handler = (m) => {
  const [a, b] = operands(m);
  const d = m.tmp('Sub', [a.name, b.name]);
  m.typedEmit('Mul', [d, d], undefined, [a.dtype]);
};
// see: TFLite ABS / NEG / EXP / LOG / SQRT / SIN / COS / FLOOR / CEIL / ROUND / SIGN: the runtime's
// unary ops (src/runtime/ops/unary.ts); ROUND is half to even in both
const unary = (op: string): Handler => (m) => { const x = m.tin(0); m.typedEmit(op, [x.name], undefined, [x.dtype]); };
export const ABS = unary('Abs'), NEG = unary('Neg'), EXP = unary('Exp'), LOG = unary('Log'), SQRT = unary('Sqrt');
export const SIN = unary('Sin'), COS = unary('Cos'), FLOOR = unary('Floor'), CEIL = unary('Ceil'), ROUND = unary('Round'), SIGN = unary('Sign');
/** see: TFLite RSQRT: 1 / sqrt(x), as Sqrt then Reciprocal. */
export const RSQRT: Handler = (m) => { const x = m.tin(0); const s = m.tmp('Sqrt', [x.name]); m.typedEmit('Reciprocal', [s], undefined, [x.dtype]); };
/** see: TFLite SQUARE: x * x. */
export const SQUARE: Handler = (m) => { const x = m.tin(0); m.typedEmit('Mul', [x.name, x.name], undefined, [x.dtype]); };
/** see: TFLite FLOOR_DIV: on integers floor(x / y) = (x - floormod(x, y)) / y, the division
 *  exact; on floats Floor(x / y). */
export const FLOOR_DIV: Handler = (m) => {
  const [a, b] = operands(m);
  if (a.dtype === 'bool') unsupported('FLOOR_DIV of bool');
  if (DTYPES[a.dtype].kind === 'float') { const q = m.tmp('Div', [a.name, b.name]); m.typedEmit('Floor', [q], undefined, [a.dtype]); return; }
  const r = m.tmp('Mod', [a.name, b.name], { fmod: 0 });
  const d = m.tmp('Sub', [a.name, r]);
  m.typedEmit('Div', [d, b.name], undefined, [a.dtype]);
};

/** see: TFLite SELECT (a rank-1 condition picks rows of higher-rank x, y) and SELECT_V2 (numpy
 *  broadcasting): Where. */
const select = (v2: boolean): Handler => (m) => {
  const c = m.tin(0, 'condition'), x = m.tin(1, 'x'), y = m.tin(2, 'y');
  if (c.dtype !== 'bool') fail('BAD_GRAPH', `${m.where()}: condition of type ${c.dtype} (bool expected)`);
  if (x.dtype !== y.dtype) fail('BAD_GRAPH', `${m.where()}: x is ${x.dtype} and y ${y.dtype}`);
  let cond = c.name;
  if (!v2 && c.shape.length === 1 && x.shape.length > 1) cond = m.tmp('Reshape', [c.name], { shape: [-1, ...x.shape.slice(1).map(() => 1)] });
  m.typedEmit('Where', [cond, x.name, y.name], undefined, [x.dtype]);
};
export const SELECT = select(false), SELECT_V2 = select(true);

/** see: TFLite CAST: to the output tensor's type. */
export const CAST: Handler = (m) => {
  const x = m.tin(0);
  const want = m.valueType(m.tinfo(m.op.outputs[0])) ?? unsupported('CAST to a type Alloy holds no values of');
  m.typedEmit('Cast', [x.name], { to: DTYPES[want].id }, [want]);
};
/** see: TFLite SHAPE (out_type int32 or int64): Shape, cast to the output's type. */
export const SHAPE: Handler = (m) => { m.typedEmit('Shape', [m.tin(0).name], undefined, ['i64'], { cast: true }); };
/** see: TFLite FILL (dims, a scalar value): the value expanded to dims. */
export const FILL: Handler = (m) => {
  const dims = m.tin(0, 'dims'), v = m.tin(1, 'value');
  if (v.shape.length !== 0 && !(v.shape.length === 1 && v.shape[0] === 1)) fail('BAD_GRAPH', `${m.where()}: value of shape ${JSON.stringify(v.shape)} (a scalar expected)`);
  m.typedEmit('Expand', [v.name, dims.name], undefined, [v.dtype]);
};
/** see: TFLite ZEROS_LIKE: ConstantOfShape(Shape(x)) of x's type (zero bytes). */
export const ZEROS_LIKE: Handler = (m) => {
  const x = m.tin(0);
  m.typedEmit('ConstantOfShape', [m.tmp('Shape', [x.name])], { dtype: x.dtype }, [x.dtype]);
};
/** see: TFLite RANGE (start, limit, delta scalars of one type). */
export const RANGE: Handler = (m) => {
  const [s, l, d] = [m.tin(0, 'start'), m.tin(1, 'limit'), m.tin(2, 'delta')];
  if (l.dtype !== s.dtype || d.dtype !== s.dtype) fail('BAD_GRAPH', `${m.where()}: start, limit and delta of types ${s.dtype}, ${l.dtype}, ${d.dtype}`);
  m.typedEmit('Range', [s.name, l.name, d.name], undefined, [s.dtype]);
};

// see: TFLite SUM / MEAN / REDUCE_MAX / REDUCE_MIN / REDUCE_PROD (axes tensor, keep_dims; no axes:
// the input unchanged), REDUCE_ANY / REDUCE_ALL on bool (the 0 / 1 values summed / multiplied as i32)
const reduce = (op: string): Handler => (m) => {
  const x = m.tin(0), axes = m.tin(1, 'axes');
  m.typedEmit(op, [x.name, axes.name], { keepdims: m.opt.bool(0, false) ? 1 : 0, noop_with_empty_axes: 1 }, [x.dtype]);
};
const reduceBool = (op: string): Handler => (m) => {
  const x = m.tin(0), axes = m.tin(1, 'axes');
  if (x.dtype !== 'bool') fail('BAD_GRAPH', `${m.where()}: input of type ${x.dtype} (bool expected)`);
  const ints = m.tmp('Cast', [x.name], { to: DTYPES.i32.id });
  const r = m.tmp(op, [ints, axes.name], { keepdims: m.opt.bool(0, false) ? 1 : 0, noop_with_empty_axes: 1 });
  m.typedEmit('Cast', [r], { to: DTYPES.bool.id }, ['bool']);
};
export const SUM = reduce('ReduceSum'), MEAN = reduce('ReduceMean'), REDUCE_MAX = reduce('ReduceMax');
export const REDUCE_MIN = reduce('ReduceMin'), REDUCE_PROD = reduce('ReduceProd');
export const REDUCE_ANY = reduceBool('ReduceSum'), REDUCE_ALL = reduceBool('ReduceProd');

/** see: TFLite ARG_MAX / ARG_MIN (a constant axis; output_type int32 or int64; first index of ties). */
const arg = (op: string): Handler => (m) => {
  const x = m.tin(0);
  m.typedEmit(op, [x.name], { axis: intScalar(m, 1, 'axis'), keepdims: 0 }, ['i64'], { cast: true });
};
export const ARG_MAX = arg('ArgMax'), ARG_MIN = arg('ArgMin');

/** see: TFLite CUMSUM (axis tensor; exclusive, reverse). */
export const CUMSUM: Handler = (m) => {
  const x = m.tin(0), axis = m.tin(1, 'axis');
  m.typedEmit('CumSum', [x.name, axis.name], { exclusive: m.opt.bool(0, false) ? 1 : 0, reverse: m.opt.bool(1, false) ? 1 : 0 }, [x.dtype]);
};

/** see: TFLite RESHAPE: the shape input (or options new_shape); -1 inferred, 0 a zero-size dim. */
export const RESHAPE: Handler = (m) => {
  const x = m.tin(0);
  const v = m.op.inputs.length > 1 && m.op.inputs[1] >= 0 ? m.val(1) : undefined;
  if (v?.kind === 'act') { m.typedEmit('Reshape', [x.name, m.tin(1, 'shape').name], { allowzero: 1 }, [x.dtype]); return; }
  const shape = v ? m.ints(1, 'shape') : m.opt.ints(0) ?? fail('BAD_GRAPH', `${m.where()}: no shape input and no new_shape option`);
  m.typedEmit('Reshape', [x.name], { shape, allowzero: 1 }, [x.dtype]);
};
/** see: TFLite SQUEEZE (squeeze_dims; none: every size-1 dim). */
export const SQUEEZE: Handler = (m) => {
  const x = m.tin(0), dims = m.opt.ints(0);
  m.typedEmit('Squeeze', [x.name], dims && dims.length ? { axes: dims } : undefined, [x.dtype]);
};
/** see: TFLite EXPAND_DIMS (a constant axis in [-rank - 1, rank]). */
export const EXPAND_DIMS: Handler = (m) => {
  const x = m.tin(0), a = intScalar(m, 1, 'axis'), r = x.shape.length;
  if (!(a >= -r - 1 && a <= r)) fail('BAD_GRAPH', `${m.where()}: axis ${a} out of range for rank ${r}`);
  m.typedEmit('Unsqueeze', [x.name], { axes: [a < 0 ? a + r + 1 : a] }, [x.dtype]);
};
/** see: TFLite TRANSPOSE (a constant perm). */
export const TRANSPOSE: Handler = (m) => {
  const x = m.tin(0);
  m.typedEmit('Transpose', [x.name], { perm: m.ints(1, 'perm') }, [x.dtype]);
};
/** see: TFLite CONCATENATION (axis, fused activation). */
export const CONCATENATION: Handler = (m) => {
  const xs = m.op.inputs.map((_, k) => m.tin(k));
  if (!xs.length) fail('BAD_GRAPH', `${m.where()}: no inputs`);
  if (xs.some((x) => x.dtype !== xs[0].dtype)) fail('BAD_GRAPH', `${m.where()}: inputs of types ${xs.map((x) => x.dtype).join(', ')}`);
  m.typedEmit('Concat', xs.map((x) => x.name), { axis: m.opt.i32(0, 0) }, [xs[0].dtype], { fused: m.opt.u8(1, 0) });
};

/** see: TFLite PAD / PADV2 (constant paddings [rank, 2]; PADV2's constant value of x's type). */
export const PAD: Handler = (m) => {
  const x = m.tin(0), p = m.ints(1, 'paddings'), r = x.shape.length;
  if (p.length !== 2 * r) fail('BAD_GRAPH', `${m.where()}: paddings has ${p.length} values for rank ${r}`);
  const pads = [...p.filter((_, i) => i % 2 === 0), ...p.filter((_, i) => i % 2 === 1)];
  const v = m.op.inputs.length > 2 && m.op.inputs[2] >= 0 ? m.tin(2, 'constant value') : undefined;
  if (v && v.dtype !== x.dtype) fail('BAD_GRAPH', `${m.where()}: constant value of type ${v.dtype} for ${x.dtype} data`);
  m.typedEmit('Pad', [x.name, i64s(m, pads, 'pads'), ...(v ? [v.name] : [])], undefined, [x.dtype]);
};
/** see: TFLite BROADCAST_TO (a shape tensor): Expand. */
export const BROADCAST_TO: Handler = (m) => {
  const x = m.tin(0), s = m.tin(1, 'shape');
  m.typedEmit('Expand', [x.name, s.name], undefined, [x.dtype]);
};
/** see: TFLite REVERSE_V2 (constant axes): Slice with step -1 along them. */
export const REVERSE_V2: Handler = (m) => {
  const x = m.tin(0), axes = m.ints(1, 'axes');
  const n = axes.length, big = 2 ** 31 - 1;
  m.typedEmit('Slice', [x.name, i64s(m, new Array(n).fill(-1), 'starts'), i64s(m, new Array(n).fill(-big), 'ends'), i64s(m, axes, 'axes'), i64s(m, new Array(n).fill(-1), 'steps')], undefined, [x.dtype]);
};

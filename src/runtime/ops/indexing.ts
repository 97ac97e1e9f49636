// Indexing operators on typed values of any shape, with ONNX semantics (inputs in ONNX order):
// Gather, GatherElements, GatherND, ScatterElements, ScatterND, OneHot, Trilu, Range, TopK. The
// host computes shapes and element offsets only; the kernels (assembly/nd/gather.ts, scatter.ts,
// fill.ts, topk.ts) move and combine the bytes. An index out of range is BAD_INPUT naming the node.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeBytes, dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';

const ST_RANGE = 3;

function int(ctx: OpContext, name: string, dflt: number): number {
  const v = ctx.node.attrs?.[name] ?? dflt;
  if (!Number.isSafeInteger(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${name} must be an integer`);
  return v as number;
}

function typeOf(ctx: OpContext, i: number, what: string): DType {
  const name = ctx.node.inputs[i];
  const t = name ? ctx.typeOf(name) : undefined;
  if (!t) fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) missing or of no element type`);
  return t;
}

function indexType(ctx: OpContext, i: number): number {
  const t = typeOf(ctx, i, 'indices');
  if (t !== 'i32' && t !== 'i64') fail('BAD_GRAPH', `${ctx.where}: indices must be i32 or i64, not ${t}`);
  return dtypeId(t);
}

function normAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) fail('SHAPE_MISMATCH', `${ctx.where}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** A kernel status: 3 (an index out of range) is BAD_INPUT; anything else is a bug in the checks here. */
function check(ctx: OpContext, status: number, what: string): void {
  if (status === 0) return;
  if (status === ST_RANGE) fail('BAD_INPUT', `${ctx.where}: ${what}`);
  fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the shapes (status ${status})`);
}

/** Calls f with the dims copied into a block of i32s. */
function withDims<T>(dims: number[], f: (p: number) => T): T {
  const p = heap.put(new Int32Array(dims.length ? dims : [0]));
  try { return f(p); } finally { heap.free(p); }
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const dims = (s: number[]) => JSON.stringify(s);

/** see: ONNX Gather, opset 13. attrs.axis (default 0). */
export const gather: Builder = (ctx) => {
  const t = typeOf(ctx, 0, 'data'), it = indexType(ctx, 1), es = dtypeBytes(t);
  const axisOf = (r: number) => normAxis(ctx, int(ctx, 'axis', 0), r);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: [t],
    infer([d, q]) {
      const axis = axisOf(d.length);
      return [...d.slice(0, axis), ...q, ...d.slice(axis + 1)];
    },
    run([dp, ip], [d, q], yp) {
      const axis = axisOf(d.length), A = d[axis];
      check(ctx, ctx.kernels.gather_any__memcpy(es, yp, dp, ip, it, elements(d.slice(0, axis)), A, elements(d.slice(axis + 1)), elements(q)), `an index is outside [-${A}, ${A - 1}] (axis ${axis} of ${dims(d)})`);
    },
    dispose() {},
  };
};

/** see: ONNX GatherElements, opset 13. attrs.axis (default 0). */
export const gatherElements: Builder = (ctx) => {
  const t = typeOf(ctx, 0, 'data'), it = indexType(ctx, 1), es = dtypeBytes(t);
  const axisOf = (r: number) => normAxis(ctx, int(ctx, 'axis', 0), r);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: [t],
    infer([d, q]) {
      const axis = axisOf(d.length);
      if (q.length !== d.length || q.some((n, k) => k !== axis && n > d[k])) fail('SHAPE_MISMATCH', `${ctx.where}: indices ${dims(q)} do not fit data ${dims(d)} off axis ${axis}`);
      return q;
    },
    run([dp, ip], [d, q], yp) {
      const axis = axisOf(d.length);
      check(ctx, withDims([...d, ...q], (p) => ctx.kernels.gather_elements_any__scalar(es, yp, dp, ip, it, d.length, axis, p)), `an index is outside [-${d[axis]}, ${d[axis] - 1}] (axis ${axis})`);
    },
    dispose() {},
  };
};

/** see: ONNX GatherND, opset 13. attrs.batch_dims (default 0). */
export const gatherND: Builder = (ctx) => {
  const t = typeOf(ctx, 0, 'data'), it = indexType(ctx, 1), es = dtypeBytes(t), b = int(ctx, 'batch_dims', 0);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: [t],
    infer([d, q]) {
      const k = q[q.length - 1];
      if (q.length < 1 || b < 0 || b >= Math.min(d.length, q.length) || !same(d.slice(0, b), q.slice(0, b)) || !(k >= 1 && k <= d.length - b)) {
        fail('SHAPE_MISMATCH', `${ctx.where}: indices ${dims(q)} do not index data ${dims(d)} with batch_dims ${b}`);
      }
      return [...q.slice(0, -1), ...d.slice(b + k)];
    },
    run([dp, ip], [d, q], yp) {
      const k = q[q.length - 1];
      const st = withDims(d.slice(b, b + k), (p) => ctx.kernels.gather_nd_any__memcpy(es, yp, dp, ip, it, elements(d.slice(0, b)), elements(q.slice(b, -1)), k, elements(d.slice(b + k)), p));
      check(ctx, st, `an index tuple is outside data ${dims(d)}`);
    },
    dispose() {},
  };
};

const REDUCTIONS = ['none', 'add', 'mul', 'max', 'min'];
function reduction(ctx: OpContext, t: DType): number {
  const r = ctx.node.attrs?.reduction ?? 'none', code = REDUCTIONS.indexOf(r as string);
  if (code < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.reduction ${JSON.stringify(r)} is not one of ${REDUCTIONS.join(', ')}`);
  if (code > 0 && (t === 'bool' || t === 'f16' || t === 'bf16')) fail('UNSUPPORTED_OP', `${ctx.where}: reduction ${r} on ${t}`);
  return code;
}
function scatterTypes(ctx: OpContext): { t: DType; it: number; red: number } {
  const t = typeOf(ctx, 0, 'data'), it = indexType(ctx, 1), u = typeOf(ctx, 2, 'updates');
  if (u !== t) fail('BAD_GRAPH', `${ctx.where}: updates are ${u}, data ${t}`);
  return { t, it, red: reduction(ctx, t) };
}

/** see: ONNX ScatterElements, opset 18 (Scatter, opset 9-10, is the same). attrs.axis, reduction. */
export const scatterElements: Builder = (ctx) => {
  const { t, it, red } = scatterTypes(ctx);
  const axisOf = (r: number) => normAxis(ctx, int(ctx, 'axis', 0), r);
  return {
    valueInputs: ctx.node.inputs.slice(0, 3),
    outTypes: [t],
    infer([d, q, u]) {
      const axis = axisOf(d.length);
      if (!same(q, u) || q.length !== d.length || q.some((n, k) => k !== axis && n > d[k])) fail('SHAPE_MISMATCH', `${ctx.where}: indices ${dims(q)} / updates ${dims(u)} do not fit data ${dims(d)}`);
      return d;
    },
    run([dp, ip, up], [d, q], yp) {
      const axis = axisOf(d.length);
      check(ctx, withDims([...d, ...q], (p) => ctx.kernels.scatter_elements_any__scalar(dtypeId(t), red, yp, dp, ip, up, it, d.length, axis, p)), `an index is outside [-${d[axis]}, ${d[axis] - 1}] (axis ${axis})`);
    },
    dispose() {},
  };
};

/** see: ONNX ScatterND, opset 18. attrs.reduction. */
export const scatterND: Builder = (ctx) => {
  const { t, it, red } = scatterTypes(ctx);
  return {
    valueInputs: ctx.node.inputs.slice(0, 3),
    outTypes: [t],
    infer([d, q, u]) {
      const k = q[q.length - 1];
      if (q.length < 1 || !(k >= 0 && k <= d.length) || !same(u, [...q.slice(0, -1), ...d.slice(k)])) fail('SHAPE_MISMATCH', `${ctx.where}: indices ${dims(q)} / updates ${dims(u)} do not fit data ${dims(d)}`);
      return d;
    },
    run([dp, ip, up], [d, q], yp) {
      const k = q[q.length - 1];
      check(ctx, withDims(d, (p) => ctx.kernels.scatter_nd_any__scalar(dtypeId(t), red, yp, dp, ip, up, it, elements(q.slice(0, -1)), k, d.length, p)), `an index tuple is outside data ${dims(d)}`);
    },
    dispose() {},
  };
};

/** see: ONNX OneHot, opset 11. Inputs indices, depth (a value argument), values [off, on]; attrs.axis (default -1). */
export const oneHot: Builder = (ctx) => {
  const t = typeOf(ctx, 2, 'values'), itype = dtypeId(typeOf(ctx, 0, 'indices')), es = dtypeBytes(t);
  const axisOf = (r: number) => normAxis(ctx, int(ctx, 'axis', -1), r);   // over the output's rank
  return {
    valueInputs: ctx.node.inputs.slice(0, 3),
    outTypes: [t],
    valueArgs: [1],
    infer([q, , v], values) {
      const dv = values[1];
      if (!dv || dv.length !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: depth must hold one element`);
      const depth = Math.trunc(dv[0]);   // a float depth is truncated (ONNX: cast to int)
      if (!(depth >= 1 && depth <= 2 ** 31 - 1)) fail('BAD_INPUT', `${ctx.where}: depth ${dv[0]} is not a positive size`);
      if (elements(v) !== 2) fail('SHAPE_MISMATCH', `${ctx.where}: values must hold [off, on], not ${dims(v)}`);
      const axis = axisOf(q.length + 1);
      return [...q.slice(0, axis), depth, ...q.slice(axis)];
    },
    run([ip, , vp], [q], yp, out) {
      const axis = axisOf(q.length + 1);
      const st = ctx.kernels.onehot_any__scalar(es, yp, ip, itype, elements(q.slice(0, axis)), out[axis], elements(q.slice(axis)), vp);
      if (st !== 0) fail('BAD_GRAPH', `${ctx.where}: indices of type ${typeOf(ctx, 0, 'indices')} are not supported`);
    },
    dispose() {},
  };
};

/** see: ONNX Trilu, opset 14. Inputs x, optional k (i64 scalar); attrs.upper (default 1). */
export const trilu: Builder = (ctx) => {
  const t = typeOf(ctx, 0, 'input'), es = dtypeBytes(t), upper = int(ctx, 'upper', 1) ? 1 : 0;
  const hasK = !!ctx.node.inputs[1];
  if (hasK && typeOf(ctx, 1, 'k') !== 'i64') fail('BAD_GRAPH', `${ctx.where}: k must be i64`);
  return {
    valueInputs: ctx.node.inputs.slice(0, hasK ? 2 : 1),
    outTypes: [t],
    infer([x, k]) {
      if (x.length < 2) fail('SHAPE_MISMATCH', `${ctx.where}: input of rank ${x.length} (Trilu needs rank >= 2)`);
      if (k && elements(k) !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: k must hold one element`);
      return x;
    },
    run([xp, kp], [x], yp) {
      // k is an index (a diagonal offset): clamped to i32, which keeps or clears every row alike
      let k = 0;
      if (hasK) { const v = new BigInt64Array(heap.buffer(), kp, 1)[0]; k = v > 2147483647n ? 2147483647 : v < -2147483648n ? -2147483648 : Number(v); }
      const r = x.length;
      check(ctx, ctx.kernels.trilu_any__memcpy(es, yp, xp, elements(x.slice(0, -2)), x[r - 2], x[r - 1], k, upper), 'bad shape');
    },
    dispose() {},
  };
};

/** see: ONNX Range, opset 11. Inputs start, limit, delta (scalars of one type, value arguments). */
export const range: Builder = (ctx) => {
  const t = typeOf(ctx, 0, 'start'), id = dtypeId(t);
  for (const i of [1, 2]) if (typeOf(ctx, i, 'limit / delta') !== t) fail('BAD_GRAPH', `${ctx.where}: start, limit and delta must have one type`);
  if (!['f32', 'f64', 'i16', 'i32', 'i64'].includes(t)) fail('UNSUPPORTED_OP', `${ctx.where}: Range of ${t}`);
  return {
    valueInputs: ctx.node.inputs.slice(0, 3),
    outTypes: [t],
    valueArgs: [0, 1, 2],
    infer(shapes, values) {
      if (shapes.some((s) => elements(s) !== 1)) fail('SHAPE_MISMATCH', `${ctx.where}: start, limit and delta must be scalars`);
      // the count's arithmetic runs in the module: the values go back in as their element type
      const enc = (v: number) => (t === 'i64' ? new BigInt64Array([BigInt(v)]) : t === 'f64' ? new Float64Array([v]) : t === 'f32' ? new Float32Array([v]) : t === 'i32' ? new Int32Array([v]) : new Int16Array([v]));
      const ps = values.map((v) => heap.put(new Uint8Array(enc(v![0]).buffer)));
      let n: number;
      try { n = ctx.kernels.range_count_any__scalar(id, ps[0], ps[1], ps[2]); } finally { for (const p of ps) heap.free(p); }
      if (n < 0) fail('BAD_INPUT', `${ctx.where}: delta is 0 or a value is not finite`);
      if (n > heap.MAX_BLOCK) fail('LIMIT_EXCEEDED', `${ctx.where}: ${n} elements`);
      return [n];
    },
    run([sp, , dp], _s, yp, out) { check(ctx, ctx.kernels.range_any__scalar(id, yp, sp, dp, out[0]), 'bad type'); },
    dispose() {},
  };
};

/** see: ONNX TopK, opset 11. Inputs X, K (i64, a value argument); attrs axis (-1), largest (1),
 *  sorted (1; Alloy always sorts). Outputs values and i64 indices. */
export const topK: Builder = (ctx) => {
  const t = typeOf(ctx, 0, 'X'), id = dtypeId(t), largest = int(ctx, 'largest', 1) ? 1 : 0;
  if (t === 'bool') fail('UNSUPPORTED_OP', `${ctx.where}: TopK of bool`);
  const axisOf = (r: number) => normAxis(ctx, int(ctx, 'axis', -1), r);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: [t, 'i64'],
    valueArgs: [1],
    infer([x], values) {
      const axis = axisOf(x.length);
      const kv = values[1];
      if (!kv || kv.length !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: K must hold one element`);
      if (!(kv[0] >= 0 && kv[0] <= x[axis])) fail('BAD_INPUT', `${ctx.where}: K ${kv[0]} is outside [0, ${x[axis]}] (axis ${axis} of ${dims(x)})`);
      const y = x.slice(); y[axis] = kv[0];
      return [y, y.slice()];
    },
    scratch([x]) { return 16 * x[axisOf(x.length)]; },
    run([xp], [x], _y, out, scratch, outs) {
      const axis = axisOf(x.length);
      check(ctx, ctx.kernels.topk_any__scalar(id, outs[0], outs[1], xp, elements(x.slice(0, axis)), x[axis], elements(x.slice(axis + 1)), out[axis], largest, scratch), 'bad shape');
    },
    dispose() {},
  };
};

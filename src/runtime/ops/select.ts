// Data-dependent output shapes on typed values: NonZero, Compress, Unique (ONNX semantics). Each
// is a measure() node (ops/types.ts): the plan computes its inputs first (src/runtime/plan.ts)
// and measure() counts the output with a kernel on their plan-time blocks; run() then fills the
// arena's outputs. A new count (other data) is a new plan signature.
// see: ONNX NonZero 13, Compress 11, Unique 11; kernels assembly/nd/select.ts, unique.ts

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeBytes, dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';

function typeIn(ctx: OpContext, i: number, what: string): DType {
  const name = ctx.node.inputs[i];
  const t = name ? ctx.typeOf(name) : undefined;
  if (!t) fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) missing or of no element type`);
  return t;
}

function axisOf(ctx: OpContext, rank: number): number | undefined {
  const a = ctx.node.attrs?.axis;
  if (a === undefined) return undefined;
  if (!Number.isSafeInteger(a)) fail('BAD_GRAPH', `${ctx.where}: attrs.axis must be an integer`);
  const x = (a as number) < 0 ? (a as number) + rank : (a as number);
  if (!(x >= 0 && x < rank)) fail('SHAPE_MISMATCH', `${ctx.where}: axis ${a} out of range for rank ${rank}`);
  return x;
}

/** infer() of a measure() node: its output size is only known from the inputs' elements. */
const unknown_ = (ctx: OpContext): never => fail('SHAPE_MISMATCH', `${ctx.where}: the output size is only known from the inputs (measure)`);

function status(ctx: OpContext, st: number): void {
  if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${st})`);
}

/** see: ONNX NonZero, opset 13: i64 [rank, count], the indices of the non-zero elements. */
export const nonZero: Builder = (ctx) => {
  const t = typeIn(ctx, 0, 'X'), id = dtypeId(t);
  const count = (xp: number, x: number[]) => ctx.kernels.nonzero_count_any__scalar(id, xp, elements(x));
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: ['i64'],
    infer: () => unknown_(ctx),
    measure: ([xp], [x]) => [x.length, count(xp, x)],
    run([xp], [x], yp, y) {
      const p = heap.put(new Int32Array(x.length ? x : [0]));
      try { status(ctx, ctx.kernels.nonzero_any__scalar(id, yp, xp, x.length, p, y[1])); } finally { heap.free(p); }
    },
    dispose() {},
  };
};

/** see: ONNX Compress, opset 11: the slices along axis (or elements, flattened) whose condition is true. */
export const compress: Builder = (ctx) => {
  const t = typeIn(ctx, 0, 'input'), es = dtypeBytes(t);
  if (typeIn(ctx, 1, 'condition') !== 'bool') fail('BAD_GRAPH', `${ctx.where}: condition must be bool`);
  const BOOL = dtypeId('bool');
  const geom = (x: number[]) => {
    const a = axisOf(ctx, x.length);
    return a === undefined ? { a, outer: 1, A: elements(x), inner: 1 } : { a, outer: elements(x.slice(0, a)), A: x[a], inner: elements(x.slice(a + 1)) };
  };
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: [t],
    infer: () => unknown_(ctx),
    measure([, cp], [x, c]) {
      if (c.length !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: condition ${JSON.stringify(c)} is not 1-D`);
      const g = geom(x);
      if (c[0] > g.A) fail('SHAPE_MISMATCH', `${ctx.where}: condition of length ${c[0]} is longer than the ${g.A} slices it selects from`);
      const k = ctx.kernels.nonzero_count_any__scalar(BOOL, cp, c[0]);
      if (g.a === undefined) return [k];
      const y = [...x]; y[g.a] = k; return y;
    },
    run([xp, cp], [x, c], yp) {
      const g = geom(x);
      status(ctx, ctx.kernels.compress_any__scalar(es, yp, xp, cp, c[0], g.outer, g.A, g.inner));
    },
    dispose() {},
  };
};

/** see: ONNX Unique, opset 11: outputs Y, indices, inverse_indices, counts (attrs sorted, axis). */
export const unique: Builder = (ctx) => {
  const t = typeIn(ctx, 0, 'X'), id = dtypeId(t);
  if (t === 'f16' || t === 'bf16') fail('UNSUPPORTED_OP', `${ctx.where}: Unique of ${t}`);
  const sorted = ctx.node.attrs?.sorted ?? 1;
  if (sorted !== 0 && sorted !== 1) fail('BAD_GRAPH', `${ctx.where}: attrs.sorted must be 0 or 1`);
  const nOut = ctx.node.outputs.length;
  if (nOut < 1 || nOut > 4) fail('BAD_GRAPH', `${ctx.where}: ${nOut} outputs (1 to 4 expected)`);
  const geom = (x: number[]) => {
    const a = axisOf(ctx, x.length);
    return a === undefined ? { a, outer: 1, A: elements(x), inner: 1 } : { a, outer: elements(x.slice(0, a)), A: x[a], inner: elements(x.slice(a + 1)) };
  };
  const work = (x: number[]) => 16 * geom(x).A + 16;
  const call = (xp: number, x: number[], ptrs: number[], w: number) => {
    const g = geom(x);
    const u = ctx.kernels.unique_any__scalar(id, xp, g.outer, g.A, g.inner, sorted as number, ptrs[0] ?? 0, ptrs[1] ?? 0, ptrs[2] ?? 0, ptrs[3] ?? 0, w);
    if (u < 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${u})`);
    return u;
  };
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: ([t, 'i64', 'i64', 'i64'] as DType[]).slice(0, nOut),
    infer: () => unknown_(ctx),
    measure([xp], [x], scratch) {
      const g = geom(x), u = call(xp, x, [], scratch);
      const y = g.a === undefined ? [u] : [...x.slice(0, g.a), u, ...x.slice(g.a + 1)];
      return [y, [u], [g.A], [u]].slice(0, nOut);
    },
    scratch: ([x]) => work(x),
    run([xp], [x], _y, _s, scratch, outs) { call(xp, x, outs, scratch); },
    dispose() {},
  };
};

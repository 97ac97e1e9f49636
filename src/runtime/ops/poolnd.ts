// Pooling windows with ONNX semantics on NC[D]HW typed values of 1 to 3 spatial dims:
// MaxPoolNd (optional i64 Indices output, storage_order), AveragePoolNd (count_include_pad),
// LpPool (p), and their global forms (the window is every spatial position). Shapes and pads in
// pool_geometry.ts; the windows in assembly/nd/pool.ts. MaxUnpool (scatter of the maxima back).
// see: ONNX MaxPool, opset 12; AveragePool, opset 19; LpPool, opset 18; GlobalMaxPool /
// GlobalAveragePool, opset 1; GlobalLpPool, opset 2; MaxUnpool, opset 11

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeBytes, dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { poolGeometry, unpoolShape, type PoolAttrs } from './pool_geometry.js';
import { inType } from './nd.js';

type Kind = 'max' | 'avg' | 'lp';
const MODE = { max: 0, avg: 1, lp: 3 } as const;
const TYPES: Record<Kind, readonly DType[]> = { max: ['f32', 'f64', 'i8', 'u8', 'i32', 'i64'], avg: ['f32', 'f64'], lp: ['f32', 'f64'] };
const PARAMS_BYTES = 4 * 32;

/** A kernel status of the pooling family: 3 is an index out of range (BAD_INPUT), else a bug in the checks. */
export function poolStatus(ctx: OpContext, r: number, what: string): void {
  if (r === 0) return;
  if (r === 3) fail('BAD_INPUT', `${ctx.where}: ${what}`);
  fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the parameters (status ${r})`);
}

/** Writes i32 parameters into the scratch block. */
export function putParams(p: number, v: ArrayLike<number>): void { new Int32Array(heap.buffer(), p, v.length).set(v); }

export const poolNd = (kind: Kind, global = false): Builder => (ctx) => {
  const t = inType(ctx, 0);
  if (!TYPES[kind].includes(t)) fail('UNSUPPORTED_OP', `${ctx.where}: ${ctx.node.op} on ${t} values (${TYPES[kind].join(', ')} are supported)`);
  const a = (ctx.node.attrs ?? {}) as PoolAttrs & { count_include_pad?: unknown; p?: unknown };
  const outs = ctx.node.outputs;
  if (outs.length < 1 || outs.length > (kind === 'max' && !global ? 2 : 1)) fail('BAD_GRAPH', `${ctx.where}: ${outs.length} outputs`);
  const indices = outs.length === 2 && outs[1] !== '';
  const cip = a.count_include_pad ?? 0;
  if (cip !== 0 && cip !== 1) fail('BAD_GRAPH', `${ctx.where}: count_include_pad ${JSON.stringify(cip)} (0 or 1 expected)`);
  const pn = a.p ?? 2;
  if (kind === 'lp' && !(Number.isSafeInteger(pn) && (pn as number) >= 1 && (pn as number) <= 64)) fail('UNSUPPORTED_OP', `${ctx.where}: p ${JSON.stringify(pn)} (an integer 1 to 64 is supported)`);
  const mode = kind === 'avg' && cip === 1 ? 2 : MODE[kind];
  const geo = (x: number[]) => {
    if (x.length < 3) fail('SHAPE_MISMATCH', `${ctx.where}: input of shape ${JSON.stringify(x)} (N, C and 1 to 3 spatial dims expected)`);
    return poolGeometry(x, a, ctx.where, global);
  };
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: outs.length === 2 ? [t, 'i64'] : [t],
    infer([x]) {
      const g = geo(x), s = g.outShape;
      // every output visits its whole window: bound the work (global windows: the input's size)
      if (elements(s) * elements(g.kernel) > 2 ** 32) fail('LIMIT_EXCEEDED', `${ctx.where}: ${elements(s)} outputs of ${elements(g.kernel)}-tap windows`);
      return outs.length === 2 ? [s, s] : s;
    },
    scratch: () => PARAMS_BYTES,
    run([xp], [x], yp, y, scratch, ptrs) {
      if (elements(y) === 0) return;
      const g = geo(x);
      g.params[3] = mode;
      putParams(scratch, g.params);
      poolStatus(ctx, ctx.kernels.pool_nd_f32__simd128(dtypeId(t), yp, indices ? ptrs[1] : 0, xp, scratch, pn as number), '');
    },
    dispose() {},
  };
};

/** see: ONNX MaxUnpool, opset 11: X, I (i64, flat indices into the output), optional output_shape. */
export const maxUnpool: Builder = (ctx) => {
  const t = inType(ctx, 0);
  if (inType(ctx, 1) !== 'i64') fail('BAD_GRAPH', `${ctx.where}: I must be i64, not ${ctx.typeOf(ctx.node.inputs[1])}`);
  const withShape = (ctx.node.inputs[2] ?? '') !== '';
  if (withShape && inType(ctx, 2) !== 'i64') fail('BAD_GRAPH', `${ctx.where}: output_shape must be i64`);
  const a = (ctx.node.attrs ?? {}) as PoolAttrs;
  return {
    valueInputs: ctx.node.inputs.slice(0, withShape ? 3 : 2),
    outTypes: [t],
    valueArgs: withShape ? [2] : [],
    infer([x, i], [, , os]) {
      if (x.length !== i.length || x.some((d, k) => d !== i[k])) fail('SHAPE_MISMATCH', `${ctx.where}: I ${JSON.stringify(i)} differs from X ${JSON.stringify(x)}`);
      const dflt = unpoolShape(x, a, ctx.where);
      if (!os) return dflt;
      if (os.length !== x.length || os[0] !== x[0] || os[1] !== x[1] || os.some((d) => !Number.isSafeInteger(d) || d < 0)) fail('SHAPE_MISMATCH', `${ctx.where}: output_shape ${JSON.stringify(os)} for X ${JSON.stringify(x)}`);
      return os;
    },
    scratch: () => PARAMS_BYTES,
    run([xp, ip], [x], yp, y, scratch) {
      const space = unpoolShape(x, a, ctx.where);
      putParams(scratch, [...space, ...y]);
      poolStatus(ctx, ctx.kernels.maxunpool_any__scalar(dtypeBytes(t), yp, xp, ip, elements(x), y.length, scratch), `an index in I is outside the unpooled ${JSON.stringify(space)} (or past output ${JSON.stringify(y)})`);
    },
    dispose() {},
  };
};

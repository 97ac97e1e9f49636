// Element-wise unary operators on typed values of any shape: one kernel for all of them,
// vunary_nd_any__simd128 (assembly/nd/unary.ts, op codes UNARY_OPS). see: ONNX Abs, Neg, Sign,
// Floor, Ceil, Round, Sqrt, Reciprocal, Exp, Log, Erf, Sin ... Atanh, Softplus, Softsign, Elu,
// Selu, Celu, Mish, ThresholdedRelu, HardSigmoid, Shrink, IsNaN, IsInf, Not, BitwiseNot, Clip,
// opsets 6-22. f16 / bf16 values compute in f32 (./via.ts). Clip with min / max given as tensors
// (opset 11+) is max(x, min) then min(., max) with the binary kernel, numpy's clip order.

import { fail } from '../errors.js';
import { BINARY_OPS, UNARY_OPS } from '../tables.js';
import { dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { UNARY as F32_UNARY } from './eltwise.js';
import { inType, putDims } from './nd.js';
import { computeType, via } from './via.js';

const CODE: Record<string, string> = {
  Abs: 'abs', Neg: 'neg', Sign: 'sign', Floor: 'floor', Ceil: 'ceil', Round: 'round', Sqrt: 'sqrt',
  Reciprocal: 'reciprocal', Exp: 'exp', Log: 'log', Erf: 'erf', Sin: 'sin', Cos: 'cos', Tan: 'tan',
  Asin: 'asin', Acos: 'acos', Atan: 'atan', Sinh: 'sinh', Cosh: 'cosh', Asinh: 'asinh', Acosh: 'acosh',
  Atanh: 'atanh', Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Softplus: 'softplus', Softsign: 'softsign',
  Elu: 'elu', Selu: 'selu', Celu: 'celu', Mish: 'mish', ThresholdedRelu: 'thresholdedrelu',
  HardSigmoid: 'hardsigmoid', HardSwish: 'hardswish', LeakyRelu: 'leakyrelu', Gelu: 'gelu', IsNaN: 'isnan',
  IsInf: 'isinf', Not: 'not', BitwiseNot: 'bitwisenot', Shrink: 'shrink', Clip: 'clip',
};

// The kernel's alpha / beta / gamma per op from the node's attributes, with ONNX's defaults.
const SELU_ALPHA = 1.67326319217681884765625, SELU_GAMMA = 1.05070102214813232421875;
const PARAMS: Record<string, [string, number][]> = {
  Elu: [['alpha', 1]], Celu: [['alpha', 1]], LeakyRelu: [['alpha', 0.01]], ThresholdedRelu: [['alpha', 1]],
  Selu: [['alpha', SELU_ALPHA], ['', 0], ['gamma', SELU_GAMMA]], HardSigmoid: [['alpha', 0.2], ['beta', 0.5]],
  IsInf: [['detect_negative', 1], ['detect_positive', 1]], Shrink: [['lambd', 0.5], ['bias', 0]],
  Clip: [['min', -Infinity], ['max', Infinity]],
};

function params(ctx: OpContext, op: string): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  (PARAMS[op] ?? []).forEach(([k, d], i) => {
    const v = k ? ctx.node.attrs?.[k] ?? d : d;
    if (typeof v !== 'number' || Number.isNaN(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a number`);
    out[i] = v;
  });
  if (op === 'Celu' && out[0] === 0) fail('BAD_GRAPH', `${ctx.where}: Celu alpha must not be 0`);
  return out;
}

const BOOL_OUT = new Set(['IsNaN', 'IsInf']);
// Which ops each kind of type takes (as the kernel's unaryAllowed): checked at load, and by the
// ONNX importer's rows (tools/import/onnx/ops/unary.ts) so a model is refused at import.
const INT_OPS = new Set(['Abs', 'Neg', 'Sign', 'Relu', 'Clip', 'BitwiseNot']);
const FLOATS = new Set<DType>(['f32', 'f64', 'f16', 'bf16']);
export function unaryTakes(op: string, t: DType): boolean {
  if (t === 'bool') return op === 'Not';
  if (FLOATS.has(t)) return op !== 'Not' && op !== 'BitwiseNot';
  return INT_OPS.has(op);
}

const unaryNd = (op: string): Builder => (ctx) => {
  const ins = ctx.node.inputs;
  const clipTensors = op === 'Clip' && ins.length > 1;
  if (ins.length < 1 || (ins.length > 1 && !clipTensors) || ins.length > 3) fail('BAD_GRAPH', `${ctx.where}: ${op} takes 1 input, the node has ${ins.length}`);
  const t = inType(ctx, 0);
  if (!unaryTakes(op, t)) fail('BAD_GRAPH', `${ctx.where}: ${op} does not take ${t} values`);
  let name = CODE[op];
  if (op === 'Gelu') {
    const a = ctx.node.attrs?.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') fail('BAD_GRAPH', `${ctx.where}: attrs.approximate must be "none" or "tanh"`);
    if (a === 'tanh') name = 'gelu_tanh';
  }
  const code = UNARY_OPS.indexOf(name as (typeof UNARY_OPS)[number]);
  if (code < 0) fail('UNSUPPORTED_OP', `${ctx.where}: no unary operator ${op}`);
  const [a, b, g] = params(ctx, op);
  const comp = computeType(t), id = dtypeId(comp);
  const outT: DType = BOOL_OUT.has(op) ? 'bool' : t;
  if (clipTensors) return clipNd(ctx, t);
  const v = via(ctx, [t], outT, comp);
  return {
    valueInputs: [ins[0]],
    outTypes: [outT],
    infer: ([s]) => [...s],
    scratch: ([s]) => v.bytes([s], s),
    run(ptrs, shapes, yp, y, scratch) {
      v.run(ptrs, shapes, yp, y, scratch, ([xp], cy) => {
        const r = ctx.kernels.vunary_nd_any__simd128(id, code, cy, xp, elements(y), a, b, g);
        if (r === 1) fail('UNSUPPORTED_OP', `${ctx.where}: ${op} is not defined on ${t} values`);
        if (r !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected ${t} ${op} (status ${r})`);
      });
    },
    dispose() {},
  };
};

const DIMS = 3 * 8 * 4;

/** Clip(x, min?, max?) with tensor bounds (see: ONNX Clip, opset 11-13): each bound a scalar. */
function clipNd(ctx: OpContext, t: DType): ReturnType<Builder> {
  const [x, lo = '', hi = ''] = ctx.node.inputs;
  const bounds = [lo, hi];
  bounds.forEach((n, i) => { if (n !== '' && inType(ctx, i + 1) !== t) fail('BAD_GRAPH', `${ctx.where}: Clip ${i ? 'max' : 'min'} is ${inType(ctx, i + 1)}, the input ${t}`); });
  const comp = computeType(t), id = dtypeId(comp);
  const codes = ['max', 'min'].map((n) => BINARY_OPS.indexOf(n as (typeof BINARY_OPS)[number]));
  const present = bounds.map((n) => n !== '');
  const v = via(ctx, [t, ...bounds.filter((n) => n !== '').map(() => t)], t, comp, DIMS);
  return {
    valueInputs: [x, ...bounds.filter((n) => n !== '')],
    outTypes: [t],
    infer(shapes) {
      shapes.slice(1).forEach((s, i) => { if (elements(s) !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: Clip bound ${i + 1} has shape ${JSON.stringify(s)}; it must be a scalar`); });
      return [...shapes[0]];
    },
    scratch: (shapes) => v.bytes(shapes, shapes[0]),
    run(ptrs, shapes, yp, y, scratch) {
      v.run(ptrs, shapes, yp, y, scratch, (cp, cy) => {
        let src = cp[0], k = 1;
        present.forEach((has, i) => {
          if (!has) return;
          putDims(scratch, Math.max(1, y.length), [y, y, [1]]);
          const r = ctx.kernels.vbinary_nd_any__simd128(id, codes[i], cy, src, cp[k++], Math.max(1, y.length), scratch);
          if (r !== 0) fail('UNSUPPORTED_OP', `${ctx.where}: Clip is not defined on ${t} values (status ${r})`);
          src = cy;
        });
        if (src !== cy) ctx.kernels.vunary_nd_any__simd128(id, UNARY_OPS.indexOf('clip'), cy, src, elements(y), -Infinity, Infinity, 0);
      });
    },
    dispose() {},
  };
}

/** f32 Relu / Sigmoid / Tanh / Gelu / HardSwish / LeakyRelu / Clip keep their older f32 builders
 *  (eltwise.ts: bundles written before typed values run the same kernels); other types, Gelu's
 *  tanh form and Clip with tensor bounds take the N-d one. */
const f32First = (op: string): Builder => (ctx) => {
  const t = ctx.typeOf(ctx.node.inputs[0] ?? '');
  const old = (t === undefined || t === 'f32') && ctx.node.inputs.length === 1 && (op !== 'Gelu' || (ctx.node.attrs?.approximate ?? 'none') === 'none');
  return old ? F32_UNARY[op](ctx) : unaryNd(op)(ctx);
};

export const UNARY_ND: Record<string, Builder> = Object.fromEntries(
  Object.keys(CODE).map((op) => [op, op in F32_UNARY ? f32First(op) : unaryNd(op)]));

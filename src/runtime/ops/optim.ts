// The ai.onnx.preview.training optimizers (see: ONNX Adagrad, Adam, Momentum, domain
// ai.onnx.preview.training, version 1): inputs R (learning rate, an f32 / f64 scalar), T (update
// count, an i64 scalar), then n tensors each of X, G and the optimizer's state (Adagrad: H; Adam:
// V, H; Momentum: V); outputs the n new X, then the n new states of each kind in input order.
// X / G / state tensors of one group share shape and element type (f32 / f64). Attributes as
// the spec names them, with its defaults. Kernels: adagrad / adam / momentum_any__simd128
// (assembly/nd/optim.ts).

import { fail } from '../errors.js';
import { dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { numAttr, typeIn, status } from './reduce.js';

type Kind = 'Adagrad' | 'Adam' | 'Momentum';
/** tensors per group (X, G, states) */
const PER: Record<Kind, number> = { Adagrad: 3, Adam: 4, Momentum: 3 };

function need(ctx: OpContext, k: string): number {
  if (ctx.node.attrs?.[k] === undefined) fail('BAD_GRAPH', `${ctx.where}: Momentum needs attrs.${k}`);
  return numAttr(ctx, k, 0);
}

const optimizer = (kind: Kind): Builder => (ctx) => {
  const ins = ctx.node.inputs, per = PER[kind], n = (ins.length - 2) / per;
  if (!Number.isInteger(n) || n < 1) fail('BAD_GRAPH', `${ctx.where}: ${kind} takes R, T and ${per} tensors per optimized tensor, not ${ins.length} inputs`);
  if (ctx.node.outputs.length !== n * (per - 1)) fail('BAD_GRAPH', `${ctx.where}: ${kind} of ${n} tensors has ${n * (per - 1)} outputs, not ${ctx.node.outputs.length}`);
  if (ins.some((v) => typeof v !== 'string' || v === '')) fail('BAD_GRAPH', `${ctx.where}: ${kind} has an absent input`);
  const rt = typeIn(ctx, ins[0], ['f32', 'f64']);
  typeIn(ctx, ins[1], ['i64']);
  // group g: X = ins[2 + g], G = ins[2 + n + g], state s = ins[2 + (2 + s) * n + g]
  const types: DType[] = [];
  for (let g = 0; g < n; g++) {
    const t = typeIn(ctx, ins[2 + g], ['f32', 'f64']);
    for (let j = 1; j < per; j++) if (typeIn(ctx, ins[2 + j * n + g], ['f32', 'f64']) !== t) fail('BAD_GRAPH', `${ctx.where}: ${ins[2 + j * n + g]} is not ${t} like ${ins[2 + g]}`);
    types.push(t);
  }
  const outTypes: DType[] = Array.from({ length: n * (per - 1) }, (_, k) => types[k % n]);
  const mode = ctx.node.attrs?.mode ?? 'standard';
  if (kind === 'Momentum' && mode !== 'standard' && mode !== 'nesterov') fail('BAD_GRAPH', `${ctx.where}: attrs.mode ${JSON.stringify(mode)} is not standard or nesterov`);
  const p = kind === 'Adagrad' ? [numAttr(ctx, 'decay_factor', 0), numAttr(ctx, 'epsilon', 1e-6), numAttr(ctx, 'norm_coefficient', 0)]
    : kind === 'Adam' ? [numAttr(ctx, 'alpha', 0.9), numAttr(ctx, 'beta', 0.999), numAttr(ctx, 'epsilon', 1e-6), numAttr(ctx, 'norm_coefficient', 0), numAttr(ctx, 'norm_coefficient_post', 0)]
    : [need(ctx, 'alpha'), need(ctx, 'beta'), need(ctx, 'norm_coefficient')];
  const X = ctx.kernels;
  return {
    valueInputs: [...ins],
    outTypes,
    infer(shapes) {
      for (const k of [0, 1]) if (elements(shapes[k]) !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: ${k ? 'T' : 'R'} of shape ${JSON.stringify(shapes[k])} (a scalar expected)`);
      const out: number[][] = [];
      for (let g = 0; g < n; g++) {
        const s = shapes[2 + g];
        for (let j = 1; j < per; j++) {
          const q = shapes[2 + j * n + g];
          if (q.length !== s.length || q.some((d, i) => d !== s[i])) fail('SHAPE_MISMATCH', `${ctx.where}: ${ins[2 + j * n + g]} of shape ${JSON.stringify(q)}, ${ins[2 + g]} ${JSON.stringify(s)}`);
        }
      }
      for (let k = 0; k < n * (per - 1); k++) out.push([...shapes[2 + (k % n)]]);
      return out.length === 1 ? out[0] : out;
    },
    run(ptrs, shapes, _y, _o, _s, outs) {
      const [r, t] = ptrs, rd = dtypeId(rt);
      for (let g = 0; g < n; g++) {
        const d = dtypeId(types[g]), len = elements(shapes[2 + g]), at = (j: number) => ptrs[2 + j * n + g], out = (j: number) => outs[j * n + g];
        const st = kind === 'Adagrad' ? X.adagrad_any__simd128(d, rd, len, at(0), at(1), at(2), out(0), out(1), r, t, p[0], p[1], p[2])
          : kind === 'Adam' ? X.adam_any__simd128(d, rd, len, at(0), at(1), at(2), at(3), out(0), out(1), out(2), r, t, p[0], p[1], p[2], p[3], p[4])
          : X.momentum_any__simd128(d, rd, mode === 'nesterov' ? 1 : 0, len, at(0), at(1), at(2), out(0), out(1), r, t, p[0], p[1], p[2]);
        status(ctx, st, kind);
      }
    },
    dispose() {},
  };
};

export const adagrad = optimizer('Adagrad');
export const adam = optimizer('Adam');
export const momentum = optimizer('Momentum');

// ONNX elementwise operators: activations (a Relu / Clip(0, 6) fuses into the Conv / Dense
// before it), Add / Sub / Mul / Div with a constant or a second activation (broadcast along
// trailing dims, Alloy's binary ops), and both-constant folds (integers here, floats in wasm).

import { fail } from '../../../../runtime/errors.js';
import { alloyShape, broadcastShapes, prod, unsupported, type Ints } from '../../graph.js';
import * as M from '../../math.js';
import type { Handler, OnnxImporter } from '../importer.js';
import { BATCH, intData, type Act, type Const } from '../values.js';

function unary(op: string, attrs?: (m: OnnxImporter) => Record<string, unknown> | undefined): Handler {
  return (m) => {
    const x = m.act(0);
    const y = m.out(m.output(), x.shape, x.nhwc);
    m.emit(op, [x.name], y.name, attrs?.(m));
    m.bind(m.output(), y);
  };
}

/** Relu / Relu6 into the preceding Conv / Dense when it is the only consumer. */
function fusedActivation(m: OnnxImporter, x: Act, act: 'relu' | 'relu6'): boolean {
  if (m.opts.fuse === false) return false;
  const p = m.soleProducer(x);
  if (!p || (p.entry.attrs?.activation ?? 'none') !== 'none' || (p.kind === 'dense' && act !== 'relu')) return false;
  p.entry.attrs = { ...(p.entry.attrs ?? {}), activation: act };
  m.bind(m.output(), x);
  return true;
}

export const Relu: Handler = (m) => { const x = m.act(0); if (!fusedActivation(m, x, 'relu')) unary('Relu')(m); };
export const Sigmoid: Handler = unary('Sigmoid');
export const Tanh: Handler = unary('Tanh');
export const HardSwish: Handler = unary('HardSwish');
export const LeakyRelu: Handler = unary('LeakyRelu', (m) => ({ alpha: Math.fround(m.at.f('alpha', 0.01)) }));
export const Gelu: Handler = (m) => {
  const a = m.at.s('approximate', 'none');
  if (a !== 'none') unsupported(`approximate = ${JSON.stringify(a)} (only the exact erf GELU is supported)`);
  unary('Gelu')(m);
};
export const Clip: Handler = (m) => {
  let lo = -Infinity, hi = Infinity;
  if (m.opset < 11) { lo = m.at.f('min', -Infinity); hi = m.at.f('max', Infinity); }
  else {
    const scalar = (i: number, what: string) => { const c = m.optCst(i, what); if (!c) return undefined; if (prod(c.dims) !== 1) unsupported(`${what} must be a scalar`); return m.f32Of(c, what)[0]; };
    lo = scalar(1, 'min') ?? -Infinity; hi = scalar(2, 'max') ?? Infinity;
  }
  const x = m.act(0);
  if (lo === 0 && hi === 6) { if (!fusedActivation(m, x, 'relu6')) unary('Relu6')(m); return; }
  if (lo === 0 && hi === Infinity) { if (!fusedActivation(m, x, 'relu')) unary('Relu')(m); return; }
  const attrs: Record<string, number> = {};
  if (Number.isFinite(lo)) attrs.min = Math.fround(lo);
  if (Number.isFinite(hi)) attrs.max = Math.fround(hi);
  unary('Clip', () => attrs)(m);
};
export const HardSigmoid: Handler = (m) => {
  // max(0, min(1, alpha * x + beta)): Mul, Add, Clip
  const x = m.act(0);
  const alpha = Math.fround(m.at.f('alpha', 0.2)), beta = Math.fround(m.at.f('beta', 0.5));
  const a = m.tmp(`${x.name}.hs_mul`, x.shape, x.nhwc), b = m.tmp(`${x.name}.hs_add`, x.shape, x.nhwc);
  m.emit('Mul', [x.name, m.scalarFor(x, 'alpha', alpha)], a.name);
  m.emit('Add', [a.name, m.scalarFor(x, 'beta', beta)], b.name);
  const y = m.out(m.output(), x.shape, x.nhwc);
  m.emit('Clip', [b.name], y.name, { min: 0, max: 1 });
  m.bind(m.output(), y);
};
export const Neg: Handler = (m) => m.bind(m.output(), negate(m, m.act(0)));

export const PRelu: Handler = (m) => {
  const x = m.act(0);
  const { data, shape } = m.constFor(x, m.cst(1, 'slope'), 'slope');
  const last = alloyShape(x.shape, x.nhwc).at(-1);
  if (!(data.length === 1 || (shape.length === 1 && shape[0] === last))) unsupported(`slope of shape ${JSON.stringify(m.cst(1, 'slope').dims)}: one slope per channel, or one, is supported`);
  const y = m.out(m.output(), x.shape, x.nhwc);
  m.emit('PRelu', [x.name, m.f32Tensor(`${m.nodeName}.slope`, data, shape)], y.name);
  m.bind(m.output(), y);
};

/** y = x op c, c a constant (ONNX broadcasting onto x's shape). */
export function binConst(m: OnnxImporter, op: string, x: Act, c: Const, out: string | null): Act {
  const { data, shape } = m.constFor(x, c, `constant operand of ${op}`);
  const y = out === null ? m.tmp(`${x.name}.${op.toLowerCase()}`, x.shape, x.nhwc) : m.out(out, x.shape, x.nhwc);
  m.emit(op, [x.name, m.f32Tensor(`${m.nodeName}.${op === 'Add' || op === 'Sub' ? 'shift' : 'scale'}`, data, shape)], y.name);
  return y;
}

function negate(m: OnnxImporter, x: Act): Act {
  const y = m.out(m.output(), x.shape, x.nhwc);
  m.emit('Mul', [x.name, m.scalarFor(x, 'minus_one', -1)], y.name);
  return y;
}

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div'): Handler {
  return (m) => {
    const a = m.val(0), b = m.val(1);
    if (!a || !b) fail('BAD_GRAPH', `${m.where()}: needs two inputs`);
    if (a.kind === 'qact' || b.kind === 'qact') unsupported('operand is a QuantizeLinear output not followed by DequantizeLinear');
    if (a.kind === 'const' && b.kind === 'const') return foldBinary(m, op, a, b);
    if (b.kind === 'const') return m.bind(m.output(), binConst(m, op, a as Act, b, m.output()));
    if (a.kind === 'const') {
      if (op === 'Add' || op === 'Mul') return m.bind(m.output(), binConst(m, op, b as Act, a, m.output()));
      if (op === 'Sub') return m.bind(m.output(), negate(m, binConst(m, 'Sub', b as Act, a, null))); // c - x = -(x - c), exactly
      unsupported('a constant divided by an activation');
    }
    let x = a as Act, z = b as Act;
    const shape = broadcastShapes(x.shape, z.shape);
    if (!shape) fail('BAD_GRAPH', `${m.where()}: shapes ${JSON.stringify(x.shape)} and ${JSON.stringify(z.shape)} do not broadcast`);
    const nhwc = x.shape.length === 4 && z.shape.length === 4 && (x.nhwc || z.nhwc);
    let xn = nhwc ? m.nhwc(x) : m.nchw(x), zn = nhwc ? m.nhwc(z) : m.nchw(z);
    let xs = alloyShape(x.shape, nhwc), zs = alloyShape(z.shape, nhwc);
    const suffixOf = (s: Ints, big: Ints) => { const t = [...s]; while (t.length > 1 && t[0] === 1) t.shift(); return (prod(t) === 1 || (t.length <= big.length && t.every((d, i) => d === big[big.length - t.length + i]))) ? t : null; };
    const ys = alloyShape(shape, nhwc);
    const same = (p: Ints, q: Ints) => p.length === q.length && p.every((d, i) => d === q[i]);
    let swap = false;
    let ts: Ints | null = null;
    if (same(xs, ys)) ts = suffixOf(zs, xs);
    else if (same(zs, ys)) { swap = true; ts = suffixOf(xs, zs); [x, z] = [z, x]; [xn, zn] = [zn, xn]; [xs, zs] = [zs, xs]; }
    if (!ts) unsupported(`broadcast of ${JSON.stringify(x.shape)} with ${JSON.stringify(z.shape)}: the smaller activation must match the larger one's trailing dimensions`);
    if (op === 'Div' && swap) unsupported('division broadcasting the dividend onto the divisor');
    if (ts!.length !== zs.length) { const r = m.fresh(`${zn}.flat`); m.emit('Reshape', [zn], r, { shape: ts! }); zn = r; }
    if (op === 'Sub' && swap) {
      const t = m.tmp(`${xn}.sub`, shape, nhwc);
      m.emit('Sub', [xn, zn], t.name);
      m.bind(m.output(), negate(m, t));
      return;
    }
    const y = m.out(m.output(), shape, nhwc);
    m.emit(op, [xn, zn], y.name);
    m.bind(m.output(), y);
  };
}
export const Add: Handler = binary('Add');
export const Sub: Handler = binary('Sub');
export const Mul: Handler = binary('Mul');
export const Div: Handler = binary('Div');

/** Both operands constant: integer shape arithmetic in JS; float arithmetic in wasm (same
 *  shape or a scalar operand). */
function foldBinary(m: OnnxImporter, op: string, a: Const, b: Const) {
  const shape = broadcastShapes(a.dims, b.dims);
  if (!shape) fail('BAD_GRAPH', `${m.where()}: shapes do not broadcast`);
  const ints = (c: Const) => c.dtype === 'i64' || c.dtype === 'i32';
  if (ints(a) && ints(b)) {
    const x = intData(a), y = intData(b), n = prod(shape);
    if ((x.length !== n && x.length !== 1) || (y.length !== n && y.length !== 1)) unsupported('folding integer broadcasts other than scalar');
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = x[x.length === 1 ? 0 : i], q = y[y.length === 1 ? 0 : i];
      if (p === BATCH || q === BATCH) unsupported('arithmetic on the dynamic batch size');
      out.push(op === 'Add' ? p + q : op === 'Sub' ? p - q : op === 'Mul' ? p * q : Math.trunc(p / q));
    }
    m.bind(m.output(), { kind: 'const', dims: shape, dtype: a.dtype, data: a.dtype === 'i32' ? Int32Array.from(out) : out });
    return;
  }
  const x = m.f32Of(a, 'operand 0'), y = m.f32Of(b, 'operand 1');
  if (y.length !== x.length && y.length !== 1) unsupported('folding float constants of different shapes');
  m.bind(m.output(), { kind: 'const', dims: shape, dtype: 'f32', data: M.binary(x, y, op.toLowerCase() as any) });
}

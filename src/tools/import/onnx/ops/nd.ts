// Generic rows (../generic.ts) of the operators the runtime's core has: element-wise binary ops on
// every type with numpy broadcasting, and the shape operators (see: ONNX Shape 15, Size,
// Reshape 14, Squeeze / Unsqueeze 13, Flatten 13, Identity, ConstantOfShape 9, Dropout 13).

import { unsupported, prod, type Ints } from '../../graph.js';
import { fail } from '../../../../runtime/errors.js';
import { broadcastAll, constInts, need, plainAttrs, inOf, plainInput, type GenericRow, type In } from '../generic.js';
import type { Handler } from '../importer.js';
import { tensorConst } from '../values.js';
import { constBytes } from '../../graph.js';

/** The largest rank a shape tensor computed at run time may give (the runtime's MAX_RANK). */
const MAX_RANK = 8;

const same = (ins: (In | undefined)[]) => need(ins, 0, 'input').dtype;
const elementwise = (out?: 'bool'): GenericRow => ({
  infer: (ins, m) => {
    const ts = ins.filter((x): x is In => !!x);
    if (ts.length !== 2) fail('BAD_GRAPH', `${m.where()}: ${ts.length} operands; a binary operator takes 2`);
    if (ts.some((x) => x.dtype !== ts[0].dtype)) unsupported(`operands of types ${ts.map((x) => x.dtype).join(' and ')}`);
    return [{ dtype: out ?? ts[0].dtype, shape: broadcastAll(ts.map((x) => x.shape)) }];
  },
});

const norm = (a: number, r: number) => { const x = a < 0 ? a + r : a; if (!(x >= 0 && x < r)) unsupported(`axis ${a} out of range for rank ${r}`); return x; };

/** An axes list from attrs (opset < 13) or a constant input 1; null when given at run time. */
function axes(m: Parameters<NonNullable<GenericRow['attrs']>>[0], ins: (In | undefined)[]): Ints | null | undefined {
  const a = m.at.ints('axes');
  if (a) return a;
  if (!ins[1]) return undefined;
  return constInts(ins[1]) ?? null;
}

/** The length of a shape tensor computed at run time (the output's rank): known at import, or refused. */
const rankOf = (sh: In): number => { const n = sh.shape[0] ?? 0; if (sh.shape.length !== 1 || !(Number.isInteger(n) && n >= 0 && n <= MAX_RANK)) unsupported(`a shape tensor of shape ${JSON.stringify(sh.shape)} (its length must be known at import)`); return n; };

export const GENERIC_ND: Record<string, GenericRow> = {
  // see: ONNX Pow 15: the exponent may be of another numeric type; the result has the base's
  Pow: {
    infer: (ins) => {
      const a = need(ins, 0, 'X'), b = need(ins, 1, 'Y');
      if (a.dtype === 'bool' || b.dtype === 'bool') unsupported('Pow of bool');
      return [{ dtype: a.dtype, shape: broadcastAll([a.shape, b.shape]) }];
    },
  },
  ...Object.fromEntries(['Add', 'Sub', 'Mul', 'Div', 'Mod', 'And', 'Or', 'Xor', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'].map((op) => [op, elementwise()])),
  ...Object.fromEntries(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual'].map((op) => [op, elementwise('bool')])),
  Shape: {
    infer: (ins, m) => {
      const r = need(ins, 0, 'data').shape.length, c = (x: number) => Math.min(r, Math.max(0, x < 0 ? x + r : x));
      return [{ dtype: 'i64', shape: [Math.max(0, c(m.at.i('end', r)) - c(m.at.i('start', 0)))] }];
    },
  },
  Size: { infer: () => [{ dtype: 'i64', shape: [] }] },
  Dropout: { infer: (ins) => { const x = need(ins, 0, 'data'); return [{ dtype: x.dtype, shape: [...x.shape] }, { dtype: 'bool', shape: [...x.shape] }]; } },
  Identity: { infer: (ins) => [{ dtype: same(ins), shape: [...need(ins, 0, 'input').shape] }], attrs: () => ({}) },
  Flatten: {
    infer: (ins, m) => {
      const s = need(ins, 0, 'input').shape, a0 = m.at.i('axis', 1), a = a0 < 0 ? a0 + s.length : a0;
      const p = (t: Ints) => (t.includes(-1) ? -1 : prod(t));
      return [{ dtype: same(ins), shape: [p(s.slice(0, a)), p(s.slice(a))] }];
    },
  },
  Reshape: {
    infer: (ins, m) => {
      const s = need(ins, 0, 'data').shape, sh = need(ins, 1, 'shape');
      const t = constInts(sh);
      if (!t) return [{ dtype: same(ins), shape: new Array(rankOf(sh)).fill(-1) }];
      const zero = m.at.i('allowzero', 0) === 1;
      const out = t.map((d, i) => (d === 0 && !zero ? s[i] ?? -1 : d));
      if (out.filter((d) => d === -1).length === 1 && !s.includes(-1) && t.filter((d) => d === -1).length === 1) {
        const known = prod(out.filter((d) => d !== -1));
        if (known > 0) out[out.indexOf(-1)] = prod(s) / known;
      }
      return [{ dtype: same(ins), shape: out }];
    },
    attrs: (m) => ({ allowzero: m.at.i('allowzero', 0) }),
  },
  Squeeze: {
    infer: (ins, m) => {
      const s = need(ins, 0, 'data').shape, ax = axes(m, ins);
      // axes computed at run time: the rank drops by their count, which dims go is known then
      if (ax === null) return [{ dtype: same(ins), shape: new Array(Math.max(0, s.length - rankOf(ins[1]!))).fill(-1) }];
      if (!ax) { if (s.includes(-1)) unsupported('Squeeze without axes of a shape unknown at import'); return [{ dtype: same(ins), shape: s.filter((d) => d !== 1) }]; }
      const drop = new Set(ax.map((a) => norm(a, s.length)));
      return [{ dtype: same(ins), shape: s.filter((_, i) => !drop.has(i)) }];
    },
    attrs: (m) => { const a = m.at.ints('axes'); return a ? { axes: a } : {}; },
  },
  Unsqueeze: {
    infer: (ins, m) => {
      const s = need(ins, 0, 'data').shape, ax = axes(m, ins);
      if (ax === null) return [{ dtype: same(ins), shape: new Array(s.length + rankOf(ins[1]!)).fill(-1) }];
      if (!ax) unsupported('Unsqueeze needs axes');
      const r = s.length + ax.length, at = new Set(ax.map((a) => norm(a, r)));
      const out: Ints = [];
      let k = 0;
      for (let i = 0; i < r; i++) out.push(at.has(i) ? 1 : s[k++]);
      return [{ dtype: same(ins), shape: out }];
    },
    attrs: (m) => { const a = m.at.ints('axes'); return a ? { axes: a } : {}; },
  },
  ConstantOfShape: {
    infer: (ins, m) => {
      const t = m.at.t('value');
      const dtype = t ? tensorConst(t, 'ConstantOfShape value').dtype : 'f32';
      if (dtype === 'other') unsupported('ConstantOfShape of a string value');
      const sh = need(ins, 0, 'shape');
      return [{ dtype, shape: constInts(sh) ?? new Array(rankOf(sh)).fill(-1) }];
    },
    attrs: (m) => {
      const t = m.at.t('value');
      if (!t) return { dtype: 'f32', value: [0, 0, 0, 0] };
      const c = tensorConst(t, 'ConstantOfShape value');
      if (c.dtype === 'other') return unsupported('ConstantOfShape of a string value');
      return { dtype: c.dtype, value: Array.from(constBytes(c)) };
    },
  },
};

export { plainAttrs };

/** Variadic Sum / Mean / Max / Min (see: ONNX Sum 13): a left-to-right chain of the binary op
 *  (numpy's order), Mean the Sum divided by the count. One input: an Identity. */
export const variadic = (op: 'Add' | 'Max' | 'Min', mean = false): Handler => (m) => {
  const vals = (m.node.input ?? []).map((_, i) => m.need(i));
  const ins = vals.map((v) => inOf(m, v)!);
  if (ins.some((x) => x.dtype !== ins[0].dtype)) unsupported(`operands of types ${ins.map((x) => x.dtype).join(', ')}`);
  const dtype = ins[0].dtype;
  if (mean && dtype !== 'f32' && dtype !== 'f64') unsupported(`Mean of ${dtype}`);
  let cur = plainInput(m, vals[0], `${m.nodeName}.in0`), shape = ins[0].shape;
  const steps = vals.length - 1 + (mean ? 1 : 0);
  const onnxOut = m.output(0);
  let k = 0;
  const next = (s: Ints): string => (++k === steps ? m.out(onnxOut, s, false, dtype).name : m.fresh(`${onnxOut}.${k}`));
  if (steps === 0) { const a = m.out(onnxOut, shape, false, dtype); m.emit('Identity', [cur], a.name); m.bind(onnxOut, a); return; }
  for (let i = 1; i < vals.length; i++) {
    shape = broadcastAll([shape, ins[i].shape]);
    const o = next(shape);
    m.emit(op, [cur, plainInput(m, vals[i], `${m.nodeName}.in${i}`)], o);
    cur = o;
  }
  if (mean) {
    const n = vals.length;
    const c = m.tensor(`${m.nodeName}.count`, dtype === 'f32' ? { format: 'f32', shape: [], data: new Float32Array([n]) } : { format: 'f64', shape: [], data: new Float64Array([n]) });
    const o = next(shape);
    m.emit('Div', [cur, c], o);
    cur = o;
  }
  m.bind(onnxOut, { kind: 'act', name: cur, shape, nhwc: false, conv: {}, dtype });
};

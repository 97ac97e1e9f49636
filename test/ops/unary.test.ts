// Element-wise unary ops on typed values (src/runtime/ops/unary.ts over vunary_nd_any), Clip
// with tensor bounds, Pow with mixed operand types and f16 arithmetic through f32 (ops/via.ts),
// PRelu with a broadcast slope, and the ONNX importer's constant folding through the runtime
// (src/tools/import/onnx/fold.ts). References: plain JS of each operator's definition.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { getAlloy } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { importOnnx } from '../../src/tools/import/onnx/index.ts';
import { buildModel } from '../import/onnx-build.ts';

const throwsCode = (f: () => unknown, code: string, re?: RegExp) => {
  try { f(); } catch (e: any) { assert.is(e.code, code, e.message); if (re) assert.match(e.message, re); return; }
  assert.unreachable(`expected ${code}`);
};
const bundle = (inputs: any[], outputs: any[], nodes: any[], tensors: Record<string, any> = {}) => writeBundle({ graph: { inputs, outputs, nodes }, tensors });
const one = (a: any, op: string, fmt: string, shape: number[], attrs?: Record<string, unknown>, outFmt = fmt) =>
  a.load(bundle([{ name: 'x', shape, format: fmt }], [{ name: 'y', shape, format: outFmt }], [{ name: 'n', op, inputs: ['x'], outputs: ['y'], attrs }]));
const f = Math.fround;
const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  assert.is(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w)) { assert.ok(Number.isNaN(g), `${what}[${i}]: ${g} vs NaN`); continue; }
    assert.ok(Object.is(g, w) || Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)), `${what}[${i}]: ${g} vs ${w}`);
  }
};

// awkward lengths: 1, a SIMD tile +- 1, primes
const SIZES = [1, 3, 5, 7, 13];
const values = (n: number) => Array.from({ length: n }, (_, i) => ((i * 37) % 23 - 11) / 4);

const REF: Record<string, { fn: (x: number) => number; attrs?: Record<string, number>; pos?: boolean }> = {
  Abs: { fn: Math.abs }, Neg: { fn: (x) => -x }, Floor: { fn: Math.floor }, Ceil: { fn: Math.ceil },
  Sqrt: { fn: Math.sqrt, pos: true }, Exp: { fn: Math.exp }, Log: { fn: Math.log, pos: true }, Sin: { fn: Math.sin },
  Cos: { fn: Math.cos }, Atan: { fn: Math.atan }, Sinh: { fn: Math.sinh }, Reciprocal: { fn: (x) => 1 / x },
  Softplus: { fn: (x) => Math.log(1 + Math.exp(x)) }, Softsign: { fn: (x) => x / (1 + Math.abs(x)) },
  Elu: { fn: (x) => (x < 0 ? 0.5 * (Math.exp(x) - 1) : x), attrs: { alpha: 0.5 } },
  Selu: { fn: (x) => (x <= 0 ? 2 * 1.5 * (Math.exp(x) - 1) : 2 * x), attrs: { alpha: 1.5, gamma: 2 } },
  Celu: { fn: (x) => Math.max(0, x) + Math.min(0, 2 * (Math.exp(x / 2) - 1)), attrs: { alpha: 2 } },
  HardSigmoid: { fn: (x) => Math.max(0, Math.min(1, 0.25 * x + 0.5)), attrs: { alpha: 0.25, beta: 0.5 } },
  ThresholdedRelu: { fn: (x) => (x > 1.25 ? x : 0), attrs: { alpha: 1.25 } },
  Shrink: { fn: (x) => (x < -1.5 ? x + 0.25 : x > 1.5 ? x - 0.25 : 0), attrs: { lambd: 1.5, bias: 0.25 } },
  Round: { fn: (x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; } },
  Sign: { fn: Math.sign },
  Mish: { fn: (x) => x * Math.tanh(Math.log(1 + Math.exp(x))) },
};

test('float unary ops on f32 and f64 at awkward sizes equal their definitions', async () => {
  const a = await getAlloy();
  for (const [op, r] of Object.entries(REF)) {
    for (const fmt of ['f32', 'f64'] as const) {
      for (const n of SIZES) {
        const xs = values(n).map((v) => (r.pos ? Math.abs(v) + 0.125 : v));
        const m = one(a, op, fmt, [n], r.attrs);
        const x = fmt === 'f32' ? new Float32Array(xs) : new Float64Array(xs);
        const y = m.run({ x }).y;
        assert.is(y.dtype, fmt);
        close(y.data as Float32Array, [...x].map(r.fn), fmt === 'f32' ? 3e-6 : 1e-12, `${op} ${fmt} n=${n}`);
        m.dispose();
      }
    }
  }
});

test('integer and bool unary ops; IsNaN / IsInf give bool; a type an op does not take is refused at load', async () => {
  const a = await getAlloy();
  let m = one(a, 'Abs', 'i32', [4]);
  assert.equal([...m.run({ x: new Int32Array([-3, 5, -2147483648, 0]) }).y.data], [3, 5, -2147483648, 0]);
  m.dispose();
  m = one(a, 'Neg', 'i64', [2]);
  assert.equal([...(m.run({ x: new BigInt64Array([7n, -(2n ** 40n)]) }).y.data as BigInt64Array)], [-7n, 2n ** 40n]);
  m.dispose();
  m = one(a, 'Not', 'bool', [3]);
  assert.equal([...m.run({ x: new Uint8Array([0, 1, 0]) }).y.data], [1, 0, 1]);
  m.dispose();
  m = one(a, 'IsInf', 'f32', [4], { detect_negative: 0 }, 'bool');
  assert.equal([...m.run({ x: new Float32Array([Infinity, -Infinity, NaN, 1]) }).y.data], [1, 0, 0, 0]);
  m.dispose();
  m = one(a, 'IsNaN', 'f64', [3], undefined, 'bool');
  assert.equal([...m.run({ x: new Float64Array([NaN, 0, Infinity]) }).y.data], [1, 0, 0]);
  m.dispose();
  throwsCode(() => one(a, 'Exp', 'i32', [2]), 'BAD_GRAPH', /Exp does not take i32 values/);
  throwsCode(() => one(a, 'Not', 'f32', [2]), 'BAD_GRAPH', /Not does not take f32/);
  throwsCode(() => one(a, 'Celu', 'f32', [2], { alpha: 0 }), 'BAD_GRAPH', /alpha must not be 0/);
  throwsCode(() => one(a, 'Elu', 'f32', [2], { alpha: 'x' }), 'BAD_GRAPH', /attrs.alpha must be a number/);
});

const h16 = (xs: number[]) => { const b = new Uint16Array(xs.length); const d = new DataView(b.buffer); xs.forEach((v, i) => setFloat16(d, 2 * i, v, true)); return b; };
const fromH16 = (b: Uint16Array) => { const d = new DataView(b.buffer, b.byteOffset, b.byteLength); return Array.from({ length: b.length }, (_, i) => getFloat16(d, 2 * i, true)); };
const round16 = (v: number) => fromH16(h16([v]))[0];

test('f16 values compute in f32 and round once: Sqrt, Add, Max, Mod', async () => {
  const a = await getAlloy();
  const xs = [0.1, 2, 3.3, 1000, 7e-5], ys = [3, -0.7, 3.3, 0.001, 2];
  let m = one(a, 'Sqrt', 'f16', [5]);
  assert.equal(fromH16(m.run({ x: h16(xs) }).y.data as Uint16Array), fromH16(h16(xs)).map((v) => round16(Math.sqrt(v))));
  m.dispose();
  for (const [op, fn] of [['Add', (p: number, q: number) => p + q], ['Max', Math.max], ['Mod', (p: number, q: number) => { const r = p % q; return r !== 0 && (r < 0) !== (q < 0) ? r + q : r; }]] as const) {
    m = a.load(bundle([{ name: 'x', shape: [5], format: 'f16' }, { name: 'z', shape: [5], format: 'f16' }], [{ name: 'y', shape: [5], format: 'f16' }], [{ name: 'n', op, inputs: ['x', 'z'], outputs: ['y'] }]));
    const px = fromH16(h16(xs)), pz = fromH16(h16(ys));
    const want = px.map((v, i) => round16(f((fn as (p: number, q: number) => number)(v, pz[i]))));
    assert.equal(fromH16(m.run({ x: h16(xs), z: h16(ys) }).y.data as Uint16Array), want, op);
    m.dispose();
  }
});

test('Clip with scalar tensor bounds (either one absent), on f32 and i8; a non-scalar bound is refused', async () => {
  const a = await getAlloy();
  const clip = (fmt: string, inputs: string[], tensors: Record<string, any>) => a.load(bundle([{ name: 'x', shape: [7], format: fmt }], [{ name: 'y', shape: [7], format: fmt }], [{ name: 'c', op: 'Clip', inputs, outputs: ['y'] }], tensors));
  const xs = [-5, -1.5, 0, 0.5, 2, 9, NaN];
  let m = clip('f32', ['x', 'lo', 'hi'], { lo: { format: 'f32', shape: [], data: new Float32Array([-1]) }, hi: { format: 'f32', shape: [1], data: new Float32Array([2]) } });
  close(m.run({ x: new Float32Array(xs) }).y.data as Float32Array, [-1, -1, 0, 0.5, 2, 2, NaN], 0, 'clip f32');
  m.dispose();
  m = clip('i8', ['x', '', 'hi'], { hi: { format: 'i8', shape: [], data: new Int8Array([3]) } });
  assert.equal([...m.run({ x: new Int8Array([-128, -1, 0, 2, 3, 4, 127]) }).y.data], [-128, -1, 0, 2, 3, 3, 3]);
  m.dispose();
  m = clip('i8', ['x'], {});
  assert.equal([...m.run({ x: new Int8Array([-128, 0, 127, 1, 2, 3, 4]) }).y.data], [-128, 0, 127, 1, 2, 3, 4]);
  m.dispose();
  m = clip('f32', ['x', 'lo'], { lo: { format: 'f32', shape: [2], data: new Float32Array([0, 1]) } });
  throwsCode(() => m.run({ x: new Float32Array(7) }), 'SHAPE_MISMATCH', /must be a scalar/);
  m.dispose();
  throwsCode(() => clip('f32', ['x', 'lo'], { lo: { format: 'i32', shape: [], data: new Int32Array([0]) } }), 'BAD_GRAPH', /Clip min is i32/);
});

test('Pow with an exponent of another type computes in f64; PRelu broadcasts its slope', async () => {
  const a = await getAlloy();
  let m = a.load(bundle([{ name: 'x', shape: [4], format: 'i32' }, { name: 'e', shape: [4], format: 'f32' }], [{ name: 'y', shape: [4], format: 'i32' }], [{ name: 'p', op: 'Pow', inputs: ['x', 'e'], outputs: ['y'] }]));
  assert.equal([...m.run({ x: new Int32Array([2, 3, 9, -2]), e: new Float32Array([10, 2, 0.5, 3]) }).y.data], [1024, 9, 3, -8]);
  m.dispose();
  m = a.load(bundle([{ name: 'x', shape: [3], format: 'f32' }, { name: 'e', shape: [1], format: 'i64' }], [{ name: 'y', shape: [3], format: 'f32' }], [{ name: 'p', op: 'Pow', inputs: ['x', 'e'], outputs: ['y'] }]));
  assert.equal([...m.run({ x: new Float32Array([1.5, -2, 0.1]), e: new BigInt64Array([3n]) }).y.data], [1.5 ** 3, -8, f(f(0.1) ** 3)]);
  m.dispose();
  // slope [3, 1] against x [2, 3, 2]: one slope per row of the middle axis
  m = a.load(bundle([{ name: 'x', shape: [2, 3, 2], format: 'f32' }], [{ name: 'y', shape: [2, 3, 2], format: 'f32' }], [{ name: 'p', op: 'PRelu', inputs: ['x', 's'], outputs: ['y'] }], { s: { format: 'f32', shape: [3, 1], data: new Float32Array([0.5, 2, -1]) } }));
  const xs = [-1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6], sl = [0.5, 2, -1];
  assert.equal([...m.run({ x: new Float32Array(xs) }).y.data], xs.map((v, i) => (v < 0 ? v * sl[Math.floor(i / 2) % 3] : v)));
  m.dispose();
});

test('ONNX import: typed unary rows, and Shape -> Size -> Sub -> ConstantOfShape -> Concat folds to a constant', async () => {
  const a = await getAlloy();
  const bi = importOnnx(buildModel({
    inputs: [{ name: 'x', shape: [2, 3, 4] }], outputs: [{ name: 'y' }],
    inits: [{ name: 'one', shape: [1], data: [1], type: 'int64' }, { name: 'first', shape: [1], data: [0], type: 'int64' }],
    nodes: [
      { op: 'Shape', inputs: ['x'], outputs: ['s'] },
      { op: 'Size', inputs: ['s'], outputs: ['r'] },
      { op: 'Sub', inputs: ['r', 'one'], outputs: ['k'] },
      { op: 'ConstantOfShape', inputs: ['k'], outputs: ['ones'], attrs: { value: { t: { type: 'int64', shape: [1], data: [1] } } } },
      { op: 'Slice', inputs: ['s', 'first', 'one'], outputs: ['head'] },
      { op: 'Concat', inputs: ['head', 'ones'], outputs: ['t'], attrs: { axis: 0 } },
      { op: 'Exp', inputs: ['x'], outputs: ['e'] },
      { op: 'ReduceSum', inputs: ['e'], outputs: ['rs'], attrs: { axes: [1, 2], keepdims: 1 } },
      { op: 'Reshape', inputs: ['rs', 't'], outputs: ['y'] },
    ],
  }));
  const ops = bi.graph.nodes.map((n: any) => n.op);
  for (const folded of ['Size', 'ConstantOfShape', 'Concat', 'Shape']) assert.not.ok(ops.includes(folded), `${folded} folded: ${ops}`);
  const m = a.load(writeBundle(bi));
  const xs = values(24);
  const y = m.run({ x: { data: new Float32Array(xs), shape: [2, 3, 4] } }).y;
  assert.equal(y.shape, [2, 1, 1]);
  close(y.data as Float32Array, [0, 1].map((b) => xs.slice(b * 12, b * 12 + 12).reduce((p, v) => p + Math.exp(f(v)), 0)), 1e-5, 'exp-sum');
  m.dispose();
});

test.run();

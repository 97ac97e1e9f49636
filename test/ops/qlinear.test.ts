// QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear as typed runtime nodes
// (src/runtime/ops/qlinear.ts): per tensor, per axis and blocked scales, every code type, against
// a plain JS loop of the ONNX definition (f32 division, round half to even, saturation), and the
// refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { graphOf, op, refuses, rne } from './helpers.ts';

const RANGE: Record<string, [number, number, any]> = { u8: [0, 255, Uint8Array], i8: [-128, 127, Int8Array], u16: [0, 65535, Uint16Array], i16: [-32768, 32767, Int16Array], i32: [-(2 ** 31), 2 ** 31 - 1, Int32Array] };
const randF = (n: number, seed: number, k = 40) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() % 2001) - 1000) / k); };

/** the scale index of element e of x (shape s) for axis / block (block 0: per axis; scale of 1: per tensor) */
function scaleAt(e: number, s: number[], axis: number, block: number, nScale: number): number {
  if (nScale === 1 && block === 0) return 0;
  const inner = s.slice(axis + 1).reduce((a, b) => a * b, 1), A = s[axis];
  const a = Math.floor(e / inner) % A, o = Math.floor(e / (inner * A)), i = e % inner;
  return block === 0 ? a : (o * Math.ceil(A / block) + Math.floor(a / block)) * inner + i;
}

const quantRef = (x: Float32Array, s: number[], sc: Float32Array, zp: ArrayLike<number>, t: string, axis: number, block: number) =>
  Array.from(x, (v, e) => { const k = scaleAt(e, s, axis, block, sc.length); const [lo, hi] = RANGE[t]; return Math.min(hi, Math.max(lo, rne(Math.fround(v / sc[k])) + (zp[k] ?? 0))); });

const cases: { t: string; shape: number[]; axis: number; block: number; sshape: number[] }[] = [
  { t: 'u8', shape: [1], axis: 1, block: 0, sshape: [] },
  { t: 'i8', shape: [3, 17], axis: 1, block: 0, sshape: [1] },
  { t: 'u8', shape: [2, 5, 7], axis: 1, block: 0, sshape: [5] },
  { t: 'i16', shape: [4, 3], axis: -2, block: 0, sshape: [4] },
  { t: 'u16', shape: [13], axis: 0, block: 0, sshape: [] },
  { t: 'i8', shape: [3, 11], axis: 1, block: 4, sshape: [3, 3] },
  { t: 'u8', shape: [2, 7, 3], axis: 1, block: 2, sshape: [2, 4, 3] },
];

test('QuantizeLinear then DequantizeLinear: per tensor, per axis, blocked; every code type', async () => {
  const a = await getAlloy();
  for (const [ci, c] of cases.entries()) {
    const n = c.shape.reduce((p, q) => p * q, 1), ns = c.sshape.reduce((p, q) => p * q, 1);
    const x = randF(n, ci + 1), sc = new Float32Array(ns).map((_, i) => 0.05 + 0.03 * i);
    const [lo, hi, Arr] = RANGE[c.t];
    const zp = new Arr(ns).map((_: number, i: number) => Math.min(hi, Math.max(lo, lo + 3 * i + (hi - lo) / 2 | 0)));
    const attrs = { axis: c.axis, ...(c.block ? { block_size: c.block } : {}) };
    const m = a.load(graphOf([{ name: 'x', shape: c.shape, format: 'f32' }], [{ name: 'q', shape: c.shape, format: c.t }, { name: 'y', shape: c.shape, format: 'f32' }],
      [op('QuantizeLinear', ['x', 's', 'z'], ['q'], attrs), op('DequantizeLinear', ['q', 's', 'z'], ['y'], attrs)],
      { s: { format: 'f32', shape: c.sshape, data: sc }, z: { format: c.t, shape: c.sshape, data: zp } }));
    const out = m.run({ x: { data: x, shape: c.shape } });
    const q = quantRef(x, c.shape, sc, zp, c.t, c.axis < 0 ? c.axis + c.shape.length : c.axis, c.block);
    assert.equal(Array.from(out.q.data as ArrayLike<number>), q, `case ${ci} q`);
    const y = q.map((v, e) => { const k = scaleAt(e, c.shape, c.axis < 0 ? c.axis + c.shape.length : c.axis, c.block, ns); return Math.fround(Math.fround(v - zp[k]) * sc[k]); });
    assert.equal(Array.from(out.y.data as Float32Array), y, `case ${ci} y`);
    m.dispose();
  }
});

test('QuantizeLinear without zero point (u8, or output_dtype i8); DequantizeLinear of i32 values', async () => {
  const a = await getAlloy();
  const x = new Float32Array([-3, -2.5, -0.5, 0.5, 1.5, 2.5, 300, -300, NaN]);
  const m = a.load(graphOf([{ name: 'x', shape: [9], format: 'f32' }, { name: 'c', shape: [3], format: 'i32' }],
    [{ name: 'u', shape: [9], format: 'u8' }, { name: 'i', shape: [9], format: 'i8' }, { name: 'd', shape: [3], format: 'f32' }],
    [op('QuantizeLinear', ['x', 's'], ['u']), op('QuantizeLinear', ['x', 's'], ['i'], { output_dtype: 3 }), op('DequantizeLinear', ['c', 's', 'cz'], ['d'])],
    { s: { format: 'f32', shape: [], data: new Float32Array([1]) }, cz: { format: 'i32', shape: [], data: new Int32Array([-5]) } }));
  const out = m.run({ x, c: new Int32Array([2 ** 31 - 1, -7, 0]) });
  assert.equal(Array.from(out.u.data as Uint8Array), [0, 0, 0, 0, 2, 2, 255, 0, 0]);
  assert.equal(Array.from(out.i.data as Int8Array), [-3, -2, 0, 0, 2, 2, 127, -128, 0]);
  assert.equal(Array.from(out.d.data as Float32Array), [Math.fround(2 ** 31 + 4), -2, 5]);
  m.dispose();
});

test('DynamicQuantizeLinear: scale and zero point from the data range (incl. 0), all-zero input', async () => {
  const a = await getAlloy();
  const m = a.load(graphOf([{ name: 'x', shape: [-1], format: 'f32' }], [{ name: 'y', shape: [-1], format: 'u8' }, { name: 's', shape: [], format: 'f32' }, { name: 'z', shape: [], format: 'u8' }],
    [op('DynamicQuantizeLinear', ['x'], ['y', 's', 'z'])]));
  for (const [seed, n, k] of [[1, 1, 40], [2, 31, 7], [3, 64, 300], [4, 5, -1]]) {
    const x = k < 0 ? new Float32Array(n) : seed === 2 ? randF(n, seed, k).map(Math.abs) : randF(n, seed, k);
    const out = m.run({ x });
    const lo = Math.min(0, ...x), hi = Math.max(0, ...x);
    const s = hi === lo ? 1 : Math.fround(Math.fround(hi - lo) / 255);
    const z = rne(Math.min(255, Math.max(0, Math.fround(0 - Math.fround(lo / s)))));
    assert.equal([out.s.data[0], out.z.data[0], out.s.shape, out.z.shape], [s, z, [], []], `n ${n}`);
    assert.equal(Array.from(out.y.data as Uint8Array), Array.from(x, (v) => Math.min(255, Math.max(0, rne(Math.fround(v / s)) + z))));
  }
  m.dispose();
});

test('QuantizeLinear / DequantizeLinear refusals: scale shapes, zero point types, input types', async () => {
  const a = await getAlloy();
  const s3 = { format: 'f32', shape: [3], data: new Float32Array([1, 2, 3]) };
  const m = a.load(graphOf([{ name: 'x', shape: [-1, 4], format: 'f32' }], [{ name: 'q', shape: [-1, 4], format: 'u8' }], [op('QuantizeLinear', ['x', 's'], ['q'])], { s: s3 }));
  refuses(() => m.run({ x: { data: new Float32Array(8), shape: [2, 4] } }), 'SHAPE_MISMATCH', /quantizelinear.*scale \[3\] is neither one value nor one per element of axis 1/);
  const blocked = a.load(graphOf([{ name: 'x', shape: [2, 5], format: 'f32' }], [{ name: 'q', shape: [2, 5], format: 'u8' }], [op('QuantizeLinear', ['x', 's'], ['q'], { block_size: 2 })], { s: { format: 'f32', shape: [2, 2], data: new Float32Array(4) } }));
  refuses(() => blocked.run({ x: new Float32Array(10) }), 'SHAPE_MISMATCH', /blocked scale \[2,2\] does not match input \[2,5\] with block_size 2/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3], format: 'f32' }], [{ name: 'q', shape: [3], format: 'i8' }], [op('QuantizeLinear', ['x', 's', 'z'], ['q'], { output_dtype: 3 })],
    { s: s3, z: { format: 'u8', shape: [3], data: new Uint8Array(3) } })), 'BAD_GRAPH', /output_dtype i8 differs from the zero point's type u8/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3], format: 'i32' }], [{ name: 'q', shape: [3], format: 'u8' }], [op('QuantizeLinear', ['x', 's'], ['q'])], { s: s3 })), 'UNSUPPORTED_OP', /input of type i32/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3], format: 'i64' }], [{ name: 'y', shape: [3], format: 'f32' }], [op('DequantizeLinear', ['x', 's'], ['y'])], { s: s3 })), 'UNSUPPORTED_OP', /dequantizing i64/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3], format: 'u8' }], [{ name: 'y', shape: [3], format: 'f32' }], [op('DequantizeLinear', ['x', 's', 'z'], ['y'])], { s: s3, z: { format: 'i8', shape: [3], data: new Int8Array(3) } })), 'BAD_GRAPH', /zero point of type i8 for input of type u8/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3], format: 'u8' }], [{ name: 'y', shape: [3], format: 'f32' }], [op('DequantizeLinear', ['x', 's'], ['y'])], { s: { format: 'i32', shape: [], data: new Int32Array(1) } })), 'UNSUPPORTED_OP', /scale of type i32/);
  m.dispose(); blocked.dispose();
});

test('QLinearMatMul: u8 and i8, per tensor and per row / column scales, batched, odd sizes', async () => {
  const a = await getAlloy();
  for (const [t, as, bs, perRow] of [['u8', [1, 1], [1, 1], false], ['u8', [3, 7], [7, 5], false], ['i8', [2, 5, 9], [9, 3], true], ['u8', [1, 3, 17], [2, 17, 6], true]] as [string, number[], number[], boolean][]) {
    const [lo, hi, Arr] = RANGE[t];
    const M = as.at(-2)!, K = as.at(-1)!, N = bs.at(-1)!;
    const batch = Math.max(as.length > 2 ? as[0] : 1, bs.length > 2 ? bs[0] : 1);
    const r = rng(M * 31 + N);
    const gen = (n: number) => new Arr(n).map(() => lo + (r() % (hi - lo + 1)));
    const A = gen(as.reduce((p, q) => p * q, 1)), B = gen(bs.reduce((p, q) => p * q, 1));
    const sa = new Float32Array(perRow ? M : 1).map((_, i) => 0.01 + i / 512), sb = new Float32Array(perRow ? N : 1).map((_, i) => 0.02 + i / 256), sy = new Float32Array([0.37]);
    const za = new Arr([lo + 7]), zb = new Arr([hi - 9]), zy = new Arr([(lo + hi) >> 1]);
    const ys = [batch > 1 ? [batch] : [], M, N].flat();
    const m = a.load(graphOf([{ name: 'a', shape: as, format: t }, { name: 'b', shape: bs, format: t }], [{ name: 'y', shape: ys, format: t }],
      [op('QLinearMatMul', ['a', 'sa', 'za', 'b', 'sb', 'zb', 'sy', 'zy'], ['y'])],
      { sa: { format: 'f32', shape: perRow ? [M] : [], data: sa }, sb: { format: 'f32', shape: perRow ? [N] : [], data: sb }, sy: { format: 'f32', shape: [], data: sy },
        za: { format: t, shape: [], data: za }, zb: { format: t, shape: [], data: zb }, zy: { format: t, shape: [], data: zy } }));
    const y = m.run({ a: A, b: B }).y;
    const want: number[] = [];
    for (let e = 0; e < batch; e++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      const ao = as.length > 2 && as[0] > 1 ? e * M * K : 0, bo = bs.length > 2 && bs[0] > 1 ? e * K * N : 0;
      let acc = 0;
      for (let k = 0; k < K; k++) acc += (A[ao + i * K + k] - za[0]) * (B[bo + k * N + j] - zb[0]);
      const mul = Math.fround(Math.fround(sa[perRow ? i : 0] * sb[perRow ? j : 0]) / sy[0]);
      want.push(Math.min(hi, Math.max(lo, rne(Math.fround(acc * mul)) + zy[0])));
    }
    assert.equal(y.shape, ys);
    assert.equal(Array.from(y.data as ArrayLike<number>), want, `${t} ${JSON.stringify(as)} x ${JSON.stringify(bs)}`);
    m.dispose();
  }
  const f = (n: number[]) => ({ format: 'f32', shape: n, data: new Float32Array(n.reduce((p, q) => p * q, 1)).fill(1) });
  const z = { format: 'u8', shape: [], data: new Uint8Array(1) };
  const bad = a.load(graphOf([{ name: 'a', shape: [2, 3], format: 'u8' }, { name: 'b', shape: [3, 4], format: 'u8' }], [{ name: 'y', shape: [2, 4], format: 'u8' }],
    [op('QLinearMatMul', ['a', 'sa', 'z', 'b', 'sb', 'z', 'sy', 'z'], ['y'])], { sa: f([3]), sb: f([]), sy: f([]), z }));
  refuses(() => bad.run({ a: new Uint8Array(6), b: new Uint8Array(12) }), 'SHAPE_MISMATCH', /qlinearmatmul.*a_scale of shape \[3\] \(one value or 2 expected\)/);
  refuses(() => a.load(graphOf([{ name: 'a', shape: [2, 3], format: 'u8' }, { name: 'b', shape: [3, 4], format: 'u8' }], [{ name: 'y', shape: [2, 4], format: 'u8' }],
    [op('QLinearMatMul', ['a', 'sa', 'z', 'b', 'sb', 'z', 'sy'], ['y'])], { sa: f([]), sb: f([]), sy: f([]), z })), 'BAD_GRAPH', /takes 8 inputs/);
});

// ConvInteger in 2-D (and 1-D as H = 1): sum of (x - xz) * (w - wz[oc]) over the window, padding 0
function convIntRef(x: ArrayLike<number>, xs: number[], w: ArrayLike<number>, ws: number[], xz: number, wz: ArrayLike<number>, pads: number[], strides: number[], group: number) {
  const [N, C, H, W] = xs, [OC, Cg, KH, KW] = ws, OCg = OC / group;
  const OH = Math.floor((H + pads[0] + pads[2] - KH) / strides[0]) + 1, OW = Math.floor((W + pads[1] + pads[3] - KW) / strides[1]) + 1;
  const y: number[] = [];
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let acc = 0;
    for (let ic = 0; ic < Cg; ic++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * strides[0] - pads[0] + kh, iw = ow * strides[1] - pads[1] + kw;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const c = Math.floor(oc / OCg) * Cg + ic;
      acc += (x[((n * C + c) * H + ih) * W + iw] - xz) * (w[((oc * Cg + ic) * KH + kh) * KW + kw] - wz[wz.length === 1 ? 0 : oc]);
    }
    y.push(acc);
  }
  return { y, shape: [N, OC, OH, OW] };
}

test('ConvInteger: u8 / i8, pads, strides, groups, per-channel weight zero points, odd sizes', async () => {
  const a = await getAlloy();
  for (const [tx, tw, xs, ws, pads, strides, group, perCh] of [
    ['u8', 'u8', [1, 1, 3, 3], [1, 1, 2, 2], [0, 0, 0, 0], [1, 1], 1, false],
    ['u8', 'i8', [2, 3, 7, 5], [4, 3, 3, 3], [1, 2, 1, 0], [2, 1], 1, true],
    ['i8', 'i8', [1, 4, 6, 9], [6, 2, 1, 3], [0, 1, 0, 1], [1, 3], 2, true],
  ] as [string, string, number[], number[], number[], number[], number, boolean][]) {
    const gen = (t: string, n: number, seed: number) => { const r = rng(seed); return t === 'u8' ? Uint8Array.from({ length: n }, () => r() % 256) : Int8Array.from({ length: n }, () => (r() % 256) - 128); };
    const x = gen(tx, xs.reduce((p, q) => p * q, 1), 3), w = gen(tw, ws.reduce((p, q) => p * q, 1), 4);
    const xz = gen(tx, 1, 5), wz = gen(tw, perCh ? ws[0] : 1, 6);
    const want = convIntRef(x, xs, w, ws, xz[0], wz, pads, strides, group);
    const m = a.load(graphOf([{ name: 'x', shape: xs, format: tx }], [{ name: 'y', shape: want.shape, format: 'i32' }],
      [op('ConvInteger', ['x', 'w', 'xz', 'wz'], ['y'], { pads, strides, group })],
      { w: { format: tw, shape: ws, data: w }, xz: { format: tx, shape: [], data: xz }, wz: { format: tw, shape: perCh ? [ws[0]] : [], data: wz } }));
    const y = m.run({ x }).y;
    assert.equal([y.shape, Array.from(y.data as Int32Array)], [want.shape, want.y], `${tx} x ${tw} ${JSON.stringify(xs)} * ${JSON.stringify(ws)}`);
    m.dispose();
  }
  refuses(() => a.load(graphOf([{ name: 'x', shape: [1, 1, 3, 3], format: 'f32' }], [{ name: 'y', shape: [1, 1, 2, 2], format: 'i32' }], [op('ConvInteger', ['x', 'w'], ['y'])],
    { w: { format: 'u8', shape: [1, 1, 2, 2], data: new Uint8Array(4) } })), 'UNSUPPORTED_OP', /ConvInteger x is f32/);
  const bad = a.load(graphOf([{ name: 'x', shape: [1, 1, 3, 3], format: 'u8' }], [{ name: 'y', shape: [1, 2, 2, 2], format: 'i32' }], [op('ConvInteger', ['x', 'w', 'xz'], ['y'])],
    { w: { format: 'u8', shape: [2, 1, 2, 2], data: new Uint8Array(8) }, xz: { format: 'u8', shape: [2], data: new Uint8Array(2) } }));
  refuses(() => bad.run({ x: new Uint8Array(9) }), 'SHAPE_MISMATCH', /convinteger.*x_zero_point of shape \[2\] \(one value expected\)/);
});

test('QLinearConv: u8 and i8, bias, per-channel weight scales, against ConvInteger + the requantization', async () => {
  const a = await getAlloy();
  for (const [t, xs, ws, pads, perCh, withBias] of [['u8', [1, 2, 5, 5], [3, 2, 3, 3], [1, 1, 1, 1], true, true], ['i8', [2, 1, 4, 7], [2, 1, 2, 3], [0, 0, 0, 0], false, false]] as [string, number[], number[], number[], boolean, boolean][]) {
    const [lo, hi, Arr] = RANGE[t];
    const r = rng(xs[3]);
    const gen = (n: number) => new Arr(n).map(() => lo + (r() % (hi - lo + 1)));
    const x = gen(xs.reduce((p, q) => p * q, 1)), w = gen(ws.reduce((p, q) => p * q, 1));
    const xz = new Arr([lo + 5]), wz = new Arr(perCh ? ws[0] : 1).map((_: number, i: number) => (lo + hi) / 2 + i | 0), yz = new Arr([lo + 100]);
    const sx = new Float32Array([0.02]), sw = new Float32Array(perCh ? ws[0] : 1).map((_, i) => 0.01 + i / 300), sy = new Float32Array([0.9]);
    const B = Int32Array.from({ length: ws[0] }, (_, i) => i * 997 - 1500);
    const c = convIntRef(x, xs, w, ws, xz[0], wz, pads, [1, 1], 1);
    const per = c.shape[2] * c.shape[3];
    const want = c.y.map((v, e) => {
      const oc = Math.floor(e / per) % ws[0], acc = v + (withBias ? B[oc] : 0);
      const mul = Math.fround(Math.fround(sw[perCh ? oc : 0] * sx[0]) / sy[0]);
      return Math.min(hi, Math.max(lo, rne(Math.fround(Math.fround(acc) * mul)) + yz[0]));
    });
    const f = (d: Float32Array) => ({ format: 'f32', shape: d.length > 1 ? [d.length] : [], data: d });
    const m = a.load(graphOf([{ name: 'x', shape: xs, format: t }], [{ name: 'y', shape: c.shape, format: t }],
      [op('QLinearConv', ['x', 'sx', 'xz', 'w', 'sw', 'wz', 'sy', 'yz', ...(withBias ? ['b'] : [])], ['y'], { pads })],
      { w: { format: t, shape: ws, data: w }, sx: f(sx), sw: f(sw), sy: f(sy), xz: { format: t, shape: [], data: xz }, wz: { format: t, shape: perCh ? [ws[0]] : [], data: wz },
        yz: { format: t, shape: [], data: yz }, b: { format: 'i32', shape: [ws[0]], data: B } }));
    const y = m.run({ x }).y;
    assert.equal([y.shape, Array.from(y.data as ArrayLike<number>)], [c.shape, want], `${t} ${JSON.stringify(xs)}`);
    m.dispose();
  }
  refuses(() => a.load(graphOf([{ name: 'x', shape: [1, 1, 3, 3], format: 'u8' }], [{ name: 'y', shape: [1, 1, 2, 2], format: 'u8' }], [op('QLinearConv', ['x', 's', 'z', 'w', 's', 'z', 's', 'z', 'b'], ['y'])],
    { w: { format: 'u8', shape: [1, 1, 2, 2], data: new Uint8Array(4) }, s: { format: 'f32', shape: [], data: new Float32Array([1]) }, z: { format: 'u8', shape: [], data: new Uint8Array(1) }, b: { format: 'f32', shape: [1], data: new Float32Array(1) } })),
  'BAD_GRAPH', /qlinearconv.*bias is f32 \(i32 expected\)/);
});

test.run();

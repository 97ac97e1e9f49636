// RNN / GRU / LSTM as runtime nodes with ONNX semantics (src/runtime/ops/recurrent.ts,
// assembly/nd/recurrent.ts) in tiny bundles, against a plain JS (f64) reading of the ONNX
// definitions: forward / reverse / bidirectional, layout 0 / 1, sequence_lens (0 included),
// initial_h / initial_c, peepholes, clip, every activation with alpha / beta, GRU
// linear_before_reset, LSTM input_forget, absent outputs, stored or fed weights. Sizes around the
// 4-lane cell and the 5x8 GEMM tile (H 1, 3, 4, 5, 9, 13; B 1 to 6). The SIMD kernel and its
// scalar reference (kernels: 'reference') give the same bits. Bad inputs give AlloyError codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng, throwsCode } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

type Kind = 'RNN' | 'GRU' | 'LSTM';
const G = { RNN: 1, GRU: 3, LSTM: 4 };
const randF = (n: number, seed: number, s = 0.5) => { const r = rng(seed); return new Float32Array(n).map(() => (((r() % 2001) - 1000) / 1000) * s); };

// ---- the oracle: ONNX's equations, f64, one batch row and step at a time
const ACT: Record<string, (x: number, a: number, b: number) => number> = {
  relu: (x) => Math.max(0, x), tanh: (x) => Math.tanh(x), sigmoid: (x) => 1 / (1 + Math.exp(-x)), affine: (x, a, b) => a * x + b,
  leakyrelu: (x, a) => (x >= 0 ? x : a * x), thresholdedrelu: (x, a) => (x >= a ? x : 0), scaledtanh: (x, a, b) => a * Math.tanh(b * x),
  hardsigmoid: (x, a, b) => Math.min(Math.max(a * x + b, 0), 1), elu: (x, a) => (x >= 0 ? x : a * (Math.exp(x) - 1)),
  softsign: (x) => x / (1 + Math.abs(x)), softplus: (x) => Math.log(1 + Math.exp(x)),
};
// alpha / beta consumed in order by the activations that take them (onnxruntime's reading)
const TAKES: Record<string, [number, number]> = { affine: [1, 1], leakyrelu: [1, 0], thresholdedrelu: [1, 0], scaledtanh: [1, 1], hardsigmoid: [1, 1], elu: [1, 0] };
const DFLT: Record<string, [number, number]> = { leakyrelu: [0.01, 0], hardsigmoid: [0.2, 0.5], elu: [1, 0] };

interface Spec {
  kind: Kind; T: number; B: number; I: number; H: number; direction?: string; layout?: number;
  bias?: boolean; seq?: number[]; h0?: boolean; c0?: boolean; peep?: boolean; clip?: number; lbr?: number; iforget?: number;
  acts?: string[]; alpha?: number[]; beta?: number[]; outs?: boolean[]; stored?: boolean; seed: number;
}

function oracle(s: Spec, d: Record<string, Float32Array>) {
  const { kind, T, B, I, H } = s, dirs = s.direction === 'bidirectional' ? 2 : 1, GH = G[kind] * H, L = s.layout ?? 0;
  const k = { RNN: 1, GRU: 2, LSTM: 3 }[kind];
  let names = (s.acts ?? { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] }[kind]).map((n) => n.toLowerCase());
  if (names.length === k && dirs === 2) names = [...names, ...names];
  const al = [...(s.alpha ?? [])], be = [...(s.beta ?? [])];
  const fns = names.map((n) => { const [ta, tb] = TAKES[n] ?? [0, 0], [da, db] = DFLT[n] ?? [0, 0]; const a = ta ? al.shift() ?? da : 0, b = tb ? be.shift() ?? db : 0; return (x: number) => ACT[n](x, a, b); });
  const cl = (x: number) => (s.clip === undefined ? x : Math.min(Math.max(x, -s.clip), s.clip));
  const Y = new Float64Array(T * dirs * B * H), Yh = new Float64Array(dirs * B * H), Yc = new Float64Array(dirs * B * H);
  const xAt = (t: number, b: number, i: number) => d.X[(L ? b * T + t : t * B + b) * I + i];
  const st = (dd: number, b: number) => (L ? b * dirs + dd : dd * B + b) * H;
  for (let dd = 0; dd < dirs; dd++) {
    const rev = dirs === 2 ? dd === 1 : s.direction === 'reverse';
    const f = fns[dd * k], g = fns[dd * k + 1], hf = fns[dd * k + 2];
    const W = (r: number, i: number) => d.W[(dd * GH + r) * I + i], R = (r: number, i: number) => d.R[(dd * GH + r) * H + i];
    const Wb = (r: number) => (d.B ? d.B[dd * 2 * GH + r] : 0), Rb = (r: number) => (d.B ? d.B[dd * 2 * GH + GH + r] : 0);
    const P = (r: number) => (d.P ? d.P[dd * 3 * H + r] : 0);
    for (let b = 0; b < B; b++) {
      let h = Array.from({ length: H }, (_, j) => (d.initial_h ? d.initial_h[st(dd, b) + j] : 0));
      let c = Array.from({ length: H }, (_, j) => (d.initial_c ? d.initial_c[st(dd, b) + j] : 0));
      const len = d.sequence_lens ? d.sequence_lens[b] : T;
      for (let s2 = 0; s2 < len; s2++) {
        const t = rev ? len - 1 - s2 : s2;
        const xw = (r: number) => { let v = Wb(r); for (let i = 0; i < I; i++) v += xAt(t, b, i) * W(r, i); return v; };
        const hr = (r: number, hv: number[]) => { let v = Rb(r); for (let i = 0; i < H; i++) v += hv[i] * R(r, i); return v; };
        if (kind === 'RNN') h = h.map((_, j) => f(cl(xw(j) + hr(j, h))));
        else if (kind === 'GRU') {
          const z = h.map((_, j) => f(cl(xw(j) + hr(j, h)))), r = h.map((_, j) => f(cl(xw(H + j) + hr(H + j, h))));
          const rh = h.map((v, j) => r[j] * v);
          const ht = h.map((_, j) => g(cl(s.lbr ? xw(2 * H + j) + r[j] * hr(2 * H + j, h) : xw(2 * H + j) + hr(2 * H + j, rh))));
          h = h.map((v, j) => (1 - z[j]) * ht[j] + z[j] * v);
        } else {
          const a = Array.from({ length: GH }, (_, r) => xw(r) + hr(r, h));
          const ig = c.map((cv, j) => f(cl(a[j] + P(j) * cv)));
          const fg = c.map((cv, j) => (s.iforget ? 1 - ig[j] : f(cl(a[2 * H + j] + P(2 * H + j) * cv))));
          const cg = c.map((_, j) => g(cl(a[3 * H + j])));
          c = c.map((cv, j) => fg[j] * cv + ig[j] * cg[j]);
          const og = c.map((cv, j) => f(cl(a[H + j] + P(H + j) * cv)));
          h = c.map((cv, j) => og[j] * hf(cv));
        }
        for (let j = 0; j < H; j++) Y[(L ? (b * T + t) * dirs + dd : (t * dirs + dd) * B + b) * H + j] = h[j];
      }
      for (let j = 0; j < H; j++) { Yh[st(dd, b) + j] = h[j]; Yc[st(dd, b) + j] = c[j]; }
    }
  }
  return [Y, Yh, Yc];
}

// ---- the bundle
function build(s: Spec) {
  const { kind, T, B, I, H } = s, dirs = s.direction === 'bidirectional' ? 2 : 1, GH = G[kind] * H, L = s.layout ?? 0;
  const state = L ? [B, dirs, H] : [dirs, B, H];
  const all: [string, number[], string, Float32Array | Int32Array | undefined][] = [
    ['X', L ? [B, T, I] : [T, B, I], 'f32', randF(T * B * I, s.seed, 1)], ['W', [dirs, GH, I], 'f32', randF(dirs * GH * I, s.seed + 1)],
    ['R', [dirs, GH, H], 'f32', randF(dirs * GH * H, s.seed + 2)], ['B', [dirs, 2 * GH], 'f32', s.bias ? randF(dirs * 2 * GH, s.seed + 3) : undefined],
    ['sequence_lens', [B], 'i32', s.seq ? new Int32Array(s.seq) : undefined], ['initial_h', state, 'f32', s.h0 ? randF(dirs * B * H, s.seed + 4) : undefined],
    ['initial_c', state, 'f32', s.c0 ? randF(dirs * B * H, s.seed + 5) : undefined], ['P', [dirs, 3 * H], 'f32', s.peep ? randF(dirs * 3 * H, s.seed + 6) : undefined],
  ];
  const ins = all.slice(0, kind === 'LSTM' ? 8 : 6);
  const names = ins.map(([n, , , v]) => (v ? n : ''));
  while (names.at(-1) === '') names.pop();
  const stored = (n: string) => s.stored && (n === 'W' || n === 'R' || n === 'B');
  const outShapes = [L ? [B, T, dirs, H] : [T, dirs, B, H], state, state].slice(0, kind === 'LSTM' ? 3 : 2);
  const want = (s.outs ?? outShapes.map(() => true));
  const outNames = outShapes.map((_, k) => (want[k] ? ['Y', 'Y_h', 'Y_c'][k] : ''));
  const attrs: Record<string, unknown> = { hidden_size: H };
  if (s.direction) attrs.direction = s.direction;
  if (s.layout) attrs.layout = s.layout;
  if (s.clip !== undefined) attrs.clip = s.clip;
  if (s.lbr) attrs.linear_before_reset = s.lbr;
  if (s.iforget) attrs.input_forget = s.iforget;
  if (s.acts) attrs.activations = s.acts;
  if (s.alpha) attrs.activation_alpha = s.alpha;
  if (s.beta) attrs.activation_beta = s.beta;
  const present = ins.filter(([, , , v]) => v);
  const bundle = writeBundle({
    graph: {
      inputs: present.filter(([n]) => !stored(n)).map(([name, shape, format]) => ({ name, shape, format })),
      outputs: outShapes.map((shape, k) => ({ name: outNames[k], shape, format: 'f32' })).filter((o) => o.name),
      nodes: [{ name: 'r1', op: kind, inputs: names, outputs: outNames, attrs }],
    },
    tensors: Object.fromEntries(present.filter(([n]) => stored(n)).map(([n, shape, format, v]) => [n, { format, shape, data: v! }])),
  });
  const feeds = Object.fromEntries(present.filter(([n]) => !stored(n)).map(([n, shape, , v]) => [n, { data: v!, shape }]));
  const data = Object.fromEntries(present.map(([n, , , v]) => [n, v!])) as Record<string, Float32Array>;
  return { bundle, feeds, data, outNames, outShapes };
}

const CASES: Spec[] = [
  { kind: 'RNN', T: 3, B: 2, I: 3, H: 5, bias: true, seed: 1 },
  { kind: 'RNN', T: 4, B: 4, I: 2, H: 3, direction: 'bidirectional', layout: 1, seq: [4, 1, 0, 2], h0: true, bias: true, acts: ['Relu', 'Affine'], alpha: [0.7], beta: [0.1], seed: 2 },
  { kind: 'RNN', T: 5, B: 1, I: 4, H: 9, direction: 'reverse', acts: ['Softplus'], clip: 1.5, outs: [true, false], stored: true, seed: 3 },
  { kind: 'GRU', T: 3, B: 6, I: 1, H: 9, direction: 'reverse', h0: true, bias: true, seed: 4 },
  { kind: 'GRU', T: 3, B: 6, I: 5, H: 4, lbr: 1, h0: true, bias: true, seq: [3, 2, 1, 3, 0, 2], stored: true, seed: 5 },
  { kind: 'GRU', T: 4, B: 3, I: 3, H: 5, direction: 'bidirectional', clip: 2, acts: ['HardSigmoid', 'Softsign', 'LeakyRelu', 'Elu'], alpha: [0.3, 0.2], beta: [0.4], bias: true, seed: 6 },
  { kind: 'LSTM', T: 3, B: 5, I: 4, H: 4, bias: true, h0: true, c0: true, peep: true, seq: [3, 1, 2, 0, 3], seed: 7 },
  { kind: 'LSTM', T: 2, B: 1, I: 3, H: 1, direction: 'bidirectional', layout: 1, iforget: 1, clip: 0.8, acts: ['Sigmoid', 'ScaledTanh', 'ThresholdedRelu', 'Sigmoid', 'Tanh', 'Tanh'], alpha: [1.5, 0.1], beta: [0.5], peep: true, c0: true, seed: 8 },
  { kind: 'LSTM', T: 7, B: 3, I: 17, H: 13, bias: true, direction: 'reverse', outs: [false, false, true], stored: true, seed: 9 },
  { kind: 'LSTM', T: 4, B: 2, I: 2, H: 3, layout: 1, seq: [2, 4], h0: true, outs: [true, true, false], seed: 10 },
];

test('RNN / GRU / LSTM: the ONNX equations (f64 oracle) within f32 rounding; the scalar reference the same bits', async () => {
  const a = await getAlloy();
  for (const s of CASES) {
    const { bundle, feeds, data, outNames, outShapes } = build(s);
    const want = oracle(s, data);
    const fast = a.load(bundle).run(feeds), slow = a.load(bundle, { kernels: 'reference' }).run(feeds);
    const what = JSON.stringify({ ...s, seed: undefined });
    outNames.forEach((n, k) => {
      if (!n) { assert.ok(!(n in fast)); return; }
      const got = fast[n].data as Float32Array;
      assert.equal(fast[n].shape, outShapes[k], `${what} ${n}`);
      assert.is(got.length, want[k].length, `${what} ${n}`);
      for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[k][i]) <= 3e-5 * (1 + Math.abs(want[k][i])), `${what} ${n}[${i}]: ${got[i]} vs ${want[k][i]}`);
      assert.equal(new Uint8Array(got.buffer.slice(0)), new Uint8Array((slow[n].data as Float32Array).buffer.slice(0)), `${what} ${n}: reference mode`);
    });
  }
});

test('RNN / GRU / LSTM: one model runs several sequence lengths and batches (shapes per run)', async () => {
  const a = await getAlloy();
  const m = a.load(writeBundle({
    graph: { inputs: [{ name: 'X', shape: [-1, -1, 3], format: 'f32' }], outputs: [{ name: 'Y', shape: [-1, 1, -1, 4], format: 'f32' }],
      nodes: [{ name: 'g', op: 'GRU', inputs: ['X', 'W', 'R'], outputs: ['Y'], attrs: { hidden_size: 4 } }] },
    tensors: { W: { format: 'f32', shape: [1, 12, 3], data: randF(36, 1) }, R: { format: 'f32', shape: [1, 12, 4], data: randF(48, 2) } },
  }));
  for (const [T, B] of [[1, 1], [6, 2], [0, 3], [2, 7]]) {
    const X = randF(T * B * 3, T + B, 1);
    const y = m.run({ X: { data: X, shape: [T, B, 3] } }).Y;
    const want = oracle({ kind: 'GRU', T, B, I: 3, H: 4, seed: 0 }, { X, W: randF(36, 1), R: randF(48, 2) })[0];
    assert.equal(y.shape, [T, 1, B, 4]);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs((y.data as Float32Array)[i] - want[i]) <= 3e-5, `T ${T} B ${B} [${i}]`);
  }
});

test('RNN / GRU / LSTM refusals: attributes, types, shapes, sequence lengths (code and node named)', async () => {
  const a = await getAlloy();
  const base: Spec = { kind: 'LSTM', T: 2, B: 2, I: 3, H: 2, seq: [2, 1], seed: 1 };
  const withAttrs = (attrs: Record<string, unknown>, s: Spec = base) => {
    const { feeds } = build(s);
    const names = Object.keys(feeds);
    const dirs = (attrs.direction ?? s.direction) === 'bidirectional' ? 2 : 1;
    return { feeds, bundle: writeBundle({
      graph: { inputs: names.map((n) => ({ name: n, shape: feeds[n].shape, format: n === 'sequence_lens' ? 'i32' : 'f32' })), outputs: [{ name: 'Y_h', shape: [dirs, s.B, s.H], format: 'f32' }],
        nodes: [{ name: 'r1', op: s.kind, inputs: ['X', 'W', 'R', '', ...(names.includes('sequence_lens') ? ['sequence_lens'] : [])], outputs: ['', 'Y_h'], attrs: { hidden_size: s.H, ...attrs } }] },
      tensors: {},
    }) };
  };
  const load = (attrs: Record<string, unknown>) => a.load(withAttrs(attrs).bundle);
  throwsCode(() => load({ direction: 'sideways' }), 'BAD_GRAPH', /"r1".*direction "sideways"/);
  throwsCode(() => load({ activations: ['Sigmoid', 'Swish', 'Tanh'] }), 'BAD_GRAPH', /"r1".*activation "Swish"/);
  throwsCode(() => load({ activations: ['Sigmoid', 'Tanh'] }), 'BAD_GRAPH', /"r1".*activations has 2 names, LSTM forward takes 3/);
  throwsCode(() => load({ layout: 2 }), 'BAD_GRAPH', /"r1".*layout 2/);
  throwsCode(() => load({ clip: -1 }), 'BAD_GRAPH', /"r1".*clip -1/);
  throwsCode(() => load({ activation_alpha: ['x'] }), 'BAD_GRAPH', /"r1".*activation_alpha/);
  // shapes: W for bidirectional when it holds one direction; hidden_size against R
  const bi = withAttrs({ direction: 'bidirectional' });
  throwsCode(() => a.load(bi.bundle).run(bi.feeds), 'SHAPE_MISMATCH', /"r1".*R \[1,8,2\], expected \[2,8,2\]/);
  const hs = withAttrs({ hidden_size: 3 });
  throwsCode(() => a.load(hs.bundle).run(hs.feeds), 'SHAPE_MISMATCH', /"r1".*R \[1,8,2\], expected \[1,12,3\]/);
  // a sequence length past T, a negative one
  for (const bad of [[3, 1], [-1, 2]]) {
    const m = withAttrs({});
    m.feeds.sequence_lens = { data: new Int32Array(bad), shape: [2] } as any;
    throwsCode(() => a.load(m.bundle).run(m.feeds), 'BAD_INPUT', /"r1".*sequence_lens has a value outside \[0, 2\]/);
  }
  // element types: f64 X is unsupported; i64 sequence_lens malformed
  const typed = (xf: string, sf: string) => a.load(writeBundle({
    graph: { inputs: [{ name: 'X', shape: [1, 1, 1], format: xf }, { name: 'W', shape: [1, 3, 1], format: 'f32' }, { name: 'R', shape: [1, 3, 1], format: 'f32' }, { name: 's', shape: [1], format: sf }],
      outputs: [{ name: 'Y', shape: [1, 1, 1, 1], format: 'f32' }], nodes: [{ name: 'r1', op: 'GRU', inputs: ['X', 'W', 'R', '', 's'], outputs: ['Y'], attrs: {} }] },
    tensors: {},
  }));
  throwsCode(() => typed('f64', 'i32'), 'UNSUPPORTED_OP', /"r1".*GRU on f64 values/);
  throwsCode(() => typed('f32', 'i64'), 'BAD_GRAPH', /"r1".*sequence_lens \(input 4\) is i64, i32 expected/);
  // stored weights of the wrong shape fail at load
  throwsCode(() => a.load(writeBundle({
    graph: { inputs: [{ name: 'X', shape: [1, 1, 2], format: 'f32' }], outputs: [{ name: 'Y', shape: [1, 1, 1, 2], format: 'f32' }],
      nodes: [{ name: 'r1', op: 'RNN', inputs: ['X', 'W', 'R'], outputs: ['Y'], attrs: { hidden_size: 2 } }] },
    tensors: { W: { format: 'f32', shape: [1, 2, 2], data: randF(4, 1) }, R: { format: 'f32', shape: [1, 2, 3], data: randF(6, 1) } },
  })), 'SHAPE_MISMATCH', /"r1".*R \[1,2,3\]/);
  // too many outputs, missing R
  throwsCode(() => a.load(writeBundle({
    graph: { inputs: [{ name: 'X', shape: [1, 1, 2], format: 'f32' }, { name: 'W', shape: [1, 2, 2], format: 'f32' }], outputs: [{ name: 'Y', shape: [1, 1, 1, 2], format: 'f32' }],
      nodes: [{ name: 'r1', op: 'RNN', inputs: ['X', 'W', ''], outputs: ['Y'], attrs: {} }] },
    tensors: {},
  })), 'BAD_GRAPH', /"r1".*RNN takes X, W, R/);
});

test.run();

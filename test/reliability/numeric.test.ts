// Numeric robustness: NaN, +-Inf, -0, huge and subnormal inputs through every seed model (every
// operator, every weight format, w8a8, emulated f16/bf16/f8 arithmetic). The declared policy
// (README, docs/FORMATS.md): no crash, NaNs leave the module as the canonical quiet NaN
// 0x7FC00000, and batch rows stay independent, so a NaN in one row never reaches another.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { seeds } from '../fuzz/seeds.ts';

const SPECIALS = [NaN, Infinity, -Infinity, -0, 3.4e38, -3.4e38, 1e-45, 1e-40];
const elements = (s: number[]) => s.reduce((a, b) => a * b, 1);

function canonical(data: Float32Array, where: string) {
  const u = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) assert.is(u[i], 0x7fc00000, `${where}[${i}]: NaN bits ${u[i].toString(16)}`);
}

test('special values in every seed model: no crash, canonical NaNs, rows independent', async () => {
  const alloy = await getAlloy();
  for (const s of seeds()) {
    const m = alloy.load(s.bytes);
    const rows = 3;
    const feeds: Record<string, Float32Array> = {}, clean: Record<string, Float32Array> = {};
    for (const v of m.inputs) {
      const row = elements(v.shape.slice(1));
      const x = new Float32Array(rows * row).map((_, i) => ((i * 7) % 13) / 8 - 0.75);
      // row 0: every special value; row 1: clean; row 2: all NaN
      for (let i = 0; i < row; i++) x[i] = SPECIALS[i % SPECIALS.length];
      x.fill(NaN, 2 * row, 3 * row);
      feeds[v.name] = x;
      clean[v.name] = x.slice(row, 2 * row);
    }
    const out = m.run(feeds);
    const one = m.run(clean);
    for (const o of m.outputs) {
      const t = out[o.name];
      canonical(t.data, `${s.name} ${o.name}`);
      const row = t.data.length / rows;
      assert.equal(new Uint8Array(t.data.buffer, t.data.byteOffset + row * 4, row * 4), new Uint8Array(one[o.name].data.buffer), `${s.name} ${o.name}: row 1 changed by its neighbours`);
    }
    m.dispose();
  }
});

test('signalling NaNs and NaN payloads in the input come out canonical', async () => {
  const alloy = await getAlloy();
  const m = alloy.load(seeds()[2].bytes); // two-inputs: Add, Concat, Tanh, and an input passed through
  const a = new Float32Array(6), b = new Float32Array(6);
  const ua = new Uint32Array(a.buffer), ub = new Uint32Array(b.buffer);
  ua.set([0x7f800001, 0xffc00000, 0x7fbfffff, 0xfff00001, 0x7fc00001, 0]);
  ub.set([0, 0, 0, 0, 0, 0x7fa00000]);
  const out = m.run({ a, b });
  for (const o of m.outputs) canonical(out[o.name].data, o.name);
  const y = new Uint32Array(out.y.data.buffer);
  assert.is(y[5], 0x7fc00000, 'NaN + 0 from b');
  assert.is(new Uint32Array(out.a.data.buffer)[0], 0x7fc00000, 'an input passed straight to an output is canonicalised too');
  m.dispose();
});

test('Inf through Dense relu and Softmax: IEEE results, not crashes', async () => {
  const alloy = await getAlloy();
  const m = alloy.load(seeds()[0].bytes); // Dense [[1,0,-1],[.5,.5,.5]] + b [0,1], relu, Softmax
  const r = m.run({ x: new Float32Array([Infinity, 0, 0, -Infinity, 0, 0]) });
  canonical(r.y.data, 'y');
  // row 0: h = relu([inf, inf]) -> softmax(inf, inf) = NaN; row 1: h = relu([-inf, -inf]) = [0, 0] -> [.5, .5]
  assert.ok(Number.isNaN(r.y.data[0]) && Number.isNaN(r.y.data[1]));
  assert.equal([...r.y.data.slice(2)], [0.5, 0.5]);
  m.dispose();
});

test.run();

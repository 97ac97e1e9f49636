// Radical rounding (src/tools/plan/radical.ts): the per-layer rule (level by Delta against error-min /
// error-max, direction by the secant slope against mu), the round-to-nearest twin, the maps, the
// i16 grid weights, and the executor's inputRound semantics the plan relies on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { readBundle, validatePrecisionMap } from '../../build/alloy.mjs';
import { writeBundle, packBundle, tensorValues, planHost } from '../../build/alloy-tools.mjs';
import { planRadical, meanStep, entryOf, type Level } from '../../src/tools/plan/radical.ts';
import type { Host } from '../../src/tools/plan/host.ts';
import { seededMLP, seededInputs } from '../../scripts/seeded-mlp.ts';

const host = async (): Promise<Host> => (planHost(await getAlloy()) as unknown as Host);
const LAYERS = [48, 32, 24, 10];

async function setup(n = 64) {
  const h = await host();
  const bundle = seededMLP(writeBundle as any, LAYERS, 3);
  const x = seededInputs(n, LAYERS[0], 4);
  // labels: the FP32 model's argmax, with every 5th flipped so the loss is not ~0
  const m = h.alloy.load(bundle);
  const y = m.run({ [m.inputs[0].name]: { data: x, shape: [n, LAYERS[0]] } })[m.outputs[0].name].data;
  m.dispose();
  const labels = new Float32Array(n).map((_, i) => {
    let best = 0;
    for (let j = 1; j < 10; j++) if (y[i * 10 + j] > y[i * 10 + best]) best = j;
    return i % 5 === 0 ? (best + 1) % 10 : best;
  });
  return { h, bundle, data: { x, shape: [n, LAYERS[0]], labels: { data: labels, shape: [n] } } };
}

test('the rule: level = first with Delta <= error-max; rne below error-min; direction = -sign(slope) above mu', async () => {
  const { h, bundle, data } = await setup();
  for (const [eMin, eMax, mu] of [[0, Infinity, 0], [1e-6, 5e-3, 0], [0, Infinity, 1e9], [0, 0, 0]]) {
    const r = planRadical(h, bundle, data, { levels: ['i16', 'i4', 'i8'] as Level[], errorMin: eMin, errorMax: eMax, mu });
    for (const l of r.layers) {
      const tried = (['i4', 'i8', 'i16'] as Level[]).filter((v) => l.deltas[v] !== undefined);
      // levels are tried smallest first, and stop at the first accepted
      assert.equal(tried, (['i4', 'i8', 'i16'] as Level[]).slice(0, tried.length));
      for (const v of tried.slice(0, -1)) assert.ok(l.deltas[v]! > eMax);
      if (l.level === null) { assert.ok(tried.every((v) => l.deltas[v]! > eMax)); continue; }
      const d = l.deltas[l.level]!;
      assert.ok(d <= eMax);
      if (d <= eMin) { assert.is(l.inputRound, 'rne'); assert.is(l.slope, undefined); continue; }
      assert.ok(l.step! > 0);
      assert.ok(Math.abs(l.slope! - (l.lossCeil! - l.lossFloor!) / l.step!) <= 1e-12 * Math.max(1, Math.abs(l.slope!)));
      assert.is(l.inputRound, Math.abs(l.slope!) > mu ? (l.slope! > 0 ? 'floor' : 'ceil') : 'rne');
    }
    if (eMax === 0) assert.ok(r.layers.every((l) => l.level === null || l.deltas[l.level] === 0));
    if (mu === 1e9) assert.ok(r.layers.every((l) => l.inputRound === 'rne'));
    // maps: valid, same levels, RTN twin all rne
    validatePrecisionMap(r.map, ['fc0', 'fc1', 'fc2'].concat(r.layers.map((l) => l.layer)));
    for (const l of r.layers) {
      const e = r.map.layers?.[l.layer], t = r.rtnMap.layers?.[l.layer];
      if (!l.level) { assert.is(e, undefined); continue; }
      assert.equal(e, entryOf({ level: l.level, round: l.inputRound! }));
      assert.equal(t, entryOf({ level: l.level, round: 'rne' }));
    }
    // the calibration scores are those of the returned bundles
    const ev = (b: Uint8Array) => { const m = h.alloy.load(b); try { return m.run({ [m.inputs[0].name]: { data: data.x, shape: data.shape } })[m.outputs[0].name].data; } finally { m.dispose(); } };
    if (r.layers.every((l) => l.inputRound === 'rne')) assert.equal([...ev(r.bundle)], [...ev(r.rtnBundle)]);
  }
});

test('uniform i4 with every direction chosen: the secant decision lowers the calibration loss vs its rejected direction', async () => {
  const { h, bundle, data } = await setup(96);
  const r = planRadical(h, bundle, data, { levels: ['i4'], errorMin: 0, errorMax: Infinity, mu: 0 });
  assert.ok(r.layers.every((l) => l.level === 'i4' && l.inputRound !== 'rne'));
  // each step chose the lower of the two losses it measured
  for (const l of r.layers) assert.is(l.inputRound === 'floor' ? l.lossFloor! : l.lossCeil!, Math.min(l.lossFloor!, l.lossCeil!), l.layer);
  assert.ok(r.weightBytes.planned * 8 === r.weightBytes.fp32);
  assert.ok(r.evaluations > 0 && Number.isFinite(r.calib.radical.loss) && Number.isFinite(r.calib.rtn.loss));
});

test('i16 layers: weights on the i16 per-channel grid (module quantizeAffine / dequantizeAffine), stored f32', async () => {
  const { h, bundle, data } = await setup(32);
  const r = planRadical(h, bundle, data, { levels: ['i16'], errorMin: 1, errorMax: 1, mu: 0 });
  const b = readBundle(r.bundle), b0 = readBundle(bundle);
  for (const l of r.layers) {
    assert.is(l.level, 'i16');
    assert.equal(r.map.layers![l.layer], { inputFormat: 'i16', inputRound: 'rne' });
    const node = b.header.graph.nodes.find((n: any) => n.name === l.layer)!;
    const w = tensorValues(b, node.inputs[1]), w0 = tensorValues(b0, node.inputs[1]);
    assert.is(b.header.tensors[node.inputs[1]].format, 'f32');
    const a = h.alloy;
    const want = a.dequantizeAffine('i16', a.quantizeAffine('i16', w0, { groupSize: l.K }));
    assert.equal([...w], [...want]);
  }
});

test('meanStep: the mean step amax_r / imax over elements off the grid', () => {
  const x = new Float32Array([7, 3.5, 0, -7, /* row 2 */ 0, 0, 0, 0]);
  // row 1: s = 1 (i4), only 3.5 off the grid -> 1; row 2: all zero (s = 1), on the grid
  assert.is(meanStep(x, 4, 'i4'), 1 / 8);
});

test('option checks', async () => {
  const { h, bundle, data } = await setup(8);
  assert.throws(() => planRadical(h, bundle, data, { levels: ['i2' as Level], errorMin: 0, errorMax: 1, mu: 0 }), /levels/);
  assert.throws(() => planRadical(h, bundle, data, { levels: ['i8'], errorMin: 1, errorMax: 0, mu: 0 }), /error-min/);
  assert.throws(() => planRadical(h, bundle, data, { levels: ['i8'], errorMin: 0, errorMax: 1, mu: -1 }), /mu/);
});

test.run();

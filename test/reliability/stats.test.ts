// `alloy run --stats` and the run() hook behind it (options.onNode): per node, the counts of NaN,
// +Inf, -Inf and of values at the largest finite value of the layer's emulated activation format,
// on a model fed NaN / Inf whose first layer (f16 activations) overflows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAlloy } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';

const root = new URL('../..', import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'build/alloy-cli.mjs'), ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'alloy-stats-'));

// fc1 (f16 activations): column 0 = 65504 * x0 (the f16 max exactly), column 1 = 1e5 * x0 (overflows
// to +-Inf in f16), column 2 = sum(x). relu (f16). fc2 (f32).
await getAlloy();
const bundle = writeBundle({
  graph: {
    inputs: [{ name: 'x', shape: [-1, 4], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 2], format: 'f32' }],
    nodes: [
      { name: 'fc1', op: 'Dense', inputs: ['x', 'w1', 'b1'], outputs: ['h'] },
      { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { name: 'fc2', op: 'Dense', inputs: ['r', 'w2', 'b2'], outputs: ['y'] },
    ],
  },
  tensors: {
    w1: { format: 'f32', shape: [3, 4], data: new Float32Array([65504, 0, 0, 0, 1e5, 0, 0, 0, 1, 1, 1, 1]) }, b1: { format: 'f32', shape: [3], data: new Float32Array(3) },
    w2: { format: 'f32', shape: [2, 3], data: new Float32Array([1, 0, 0, 0, 0, 0.5]) }, b2: { format: 'f32', shape: [2], data: new Float32Array(2) },
  },
  precision: { version: 1, layers: { fc1: { activations: 'f16' }, relu: { activations: 'f16' } } },
});
// row 0 overflows (+), row 1 carries a NaN, row 2 overflows (-), row 3 carries +Inf
const x = new Float32Array([1, 0, 0, 0, 1, NaN, 0, 0, -1, 0, 0, 0, 0, 0, 0, Infinity]);
// fc1 rows: [65504, +Inf, 1], [NaN x3], [-65504, -Inf, -1], [0*Inf = NaN, NaN, +Inf]
const FC1 = { nan: 5, posInf: 2, negInf: 1, atMax: 2 };
// relu rows: [65504, +Inf, 1], [NaN x3], [0, 0, 0], [NaN, NaN, +Inf]
const RELU = { nan: 5, posInf: 2, negInf: 0, atMax: 1 };

function reference(d: Float32Array) {
  let nan = 0, posInf = 0, negInf = 0;
  for (const v of d) { if (Number.isNaN(v)) nan++; else if (v === Infinity) posInf++; else if (v === -Infinity) negInf++; }
  return { nan, posInf, negInf };
}

test('run(feeds, { onNode }): every node in order, views of its output after the f16 rounding', async () => {
  const a = await getAlloy();
  const m = a.load(bundle);
  const seen: { name: string; op: string; activations: string; shape: number[]; data: number[] }[] = [];
  const out = m.run({ x: { data: x, shape: [4, 4] } }, { onNode: (n) => seen.push({ name: n.name, op: n.op, activations: n.activations, shape: n.shape, data: Array.from(n.data) }) });
  assert.equal(seen.map((s) => [s.name, s.op, s.activations]), [['fc1', 'Dense', 'f16'], ['relu', 'Relu', 'f16'], ['fc2', 'Dense', 'f32']]);
  assert.equal(seen[0].shape, [4, 3]);
  assert.equal(seen[0].data.slice(0, 3), [65504, Infinity, 1]);
  assert.equal(seen[0].data.slice(6, 9), [-65504, -Infinity, -1]);
  assert.equal(seen[2].data.map((v) => (Number.isNaN(v) ? 'NaN' : v)), Array.from(out.y.data, (v) => (Number.isNaN(v) ? 'NaN' : v)), 'last node = the output');
  // without the hook: the same outputs
  const plain = m.run({ x: { data: x, shape: [4, 4] } });
  assert.equal(new Uint8Array(plain.y.data.buffer), new Uint8Array(out.y.data.buffer));
  for (const bad of [null, 1, 'x', { onNode: 1 }]) {
    try { m.run({ x }, bad as any); assert.unreachable(`accepted ${JSON.stringify(bad)}`); } catch (e) { assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'BAD_OPTION'); }
  }
  // an exception in the hook propagates as it is; the model stays usable
  try { m.run({ x }, { onNode: () => { throw new Error('from the hook'); } }); assert.unreachable(); } catch (e) { assert.is((e as Error).message, 'from the hook'); }
  assert.equal(new Uint8Array(m.run({ x }).y.data.buffer), new Uint8Array(out.y.data.buffer));
  m.dispose();
});

test('alloy run --stats: per-node NaN / +Inf / -Inf / at-max counts (json and table)', async () => {
  writeFileSync(join(dir, 'm.alloy'), bundle);
  writeFileSync(join(dir, 'x.f32'), new Uint8Array(x.buffer));
  const r = cli(['run', join(dir, 'm.alloy'), '--input', `x=${join(dir, 'x.f32')}`, '--shape', 'x=4,4', '--stats', 'json']);
  assert.is(r.status, 0, r.stderr);
  const { stats } = JSON.parse(r.stderr);
  const pick = (s: any) => ({ nan: s.nan, posInf: s.posInf, negInf: s.negInf, atMax: s.atMax });
  assert.equal(pick(stats[0]), FC1);
  assert.equal(pick(stats[1]), RELU);
  assert.is(stats[0].max, 65504);
  assert.is(stats[2].atMax, null, 'f32 layer: no saturation count');
  // the last node's counts agree with a plain count over the output the CLI printed
  const y = JSON.parse(r.stdout).y.data.map((v: number | null) => (v === null ? NaN : v));
  const ref = reference(Float32Array.from(y));
  assert.is(stats[2].nan, ref.nan);
  // JSON cannot hold Inf: the CLI prints it as null too, so compare the non-finite total
  assert.is(stats[2].nan + stats[2].posInf + stats[2].negInf, y.filter((v: number) => !Number.isFinite(v)).length);
  const t = cli(['run', join(dir, 'm.alloy'), '--input', `x=${join(dir, 'x.f32')}`, '--shape', 'x=4,4', '--stats']);
  assert.is(t.status, 0, t.stderr);
  if (process.env.SHOW_STATS) console.log(t.stderr);
  assert.match(t.stderr, /fc1\s+Dense\s+f16\s+\[4,3\]\s+12\s+5\s+2\s+1\s+2 \(\|v\| = 65504\)/);
  assert.match(t.stderr, /first non-finite output: node 0 "fc1"/);
  assert.match(t.stderr, /first saturated output: node 0 "fc1"/);
  JSON.parse(t.stdout); // stdout stays the JSON outputs
  // --stats before the inputs (a flag followed by a positional argument)
  const u = cli(['run', join(dir, 'm.alloy'), '--shape', 'x=4,4', '--stats', `x=${join(dir, 'x.f32')}`]);
  assert.is(u.status, 0, u.stderr);
  assert.match(u.stderr, /first non-finite output/);
});

test.run();

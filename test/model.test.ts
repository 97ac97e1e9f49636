// Model: load, run with dynamic batch, input checks, graph checks, dispose and memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from './util.ts';
import { AlloyError } from '../build/alloy.mjs';
import { writeBundle } from '../build/alloy-tools.mjs';

const mk = (nodes: any[], extra: any = {}) => writeBundle({
  graph: { inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 2], format: 'f32' }], nodes, ...extra },
  tensors: { w: { format: 'f32', shape: [2, 3], data: new Float32Array([1, 0, -1, 0.5, 0.5, 0.5]) }, b: { format: 'f32', shape: [2], data: new Float32Array([0, 1]) } },
});
const mlp = () => mk([{ name: 'fc', op: 'Dense', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { activation: 'relu' } }]);

function throwsCode(f: () => unknown, code: string, re?: RegExp) {
  try { f(); } catch (e) {
    assert.instance(e, AlloyError, String(e));
    assert.is((e as AlloyError).code, code, (e as Error).message);
    if (re) assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('dense + relu gives the exact small-integer results; batch rows are independent', async () => {
  const a = await getAlloy();
  const m = a.load(mlp());
  assert.equal(m.inputs, [{ name: 'x', shape: [-1, 3], format: 'f32' }]);
  const r = m.run({ x: new Float32Array([1, 2, 3, 4, 5, 6]) });
  assert.equal(r.y.shape, [2, 2]);
  assert.equal([...r.y.data], [0, 4, 0, 8.5]);
  const one = m.run({ x: { data: new Float32Array([4, 5, 6]), shape: [1, 3] } });
  assert.equal([...one.y.data], [0, 8.5]);
  m.dispose();
});

test('input errors: missing, wrong type, wrong shape, run after dispose', async () => {
  const a = await getAlloy();
  const m = a.load(mlp());
  throwsCode(() => m.run({}), 'MISSING_INPUT', /"x"/);
  throwsCode(() => m.run({ x: [1, 2, 3] as any }), 'BAD_ARGUMENT');
  throwsCode(() => m.run({ x: new Float32Array(4) }), 'SHAPE_MISMATCH', /multiple of 3/);
  throwsCode(() => m.run({ x: { data: new Float32Array(6), shape: [2, 2] } }), 'SHAPE_MISMATCH');
  throwsCode(() => m.run({ x: new Int32Array(3) as any }), 'BAD_ARGUMENT', /Float32Array/);
  assert.equal(m.run({ x: new Float32Array(0) }).y.shape[0], 0, 'an empty batch is an empty output');
  m.dispose();
  throwsCode(() => m.run({ x: new Float32Array(3) }), 'DISPOSED');
});

test('graph errors: unknown ops listed together, dangling input, cycle, shape mismatch, bad attribute', async () => {
  const a = await getAlloy();
  throwsCode(() => a.load(mk([{ name: 'a', op: 'Foo', inputs: ['x'], outputs: ['h'] }, { name: 'b', op: 'Bar', inputs: ['h'], outputs: ['y'] }])), 'UNSUPPORTED_OP', /Foo \(a\), Bar \(b\)/);
  throwsCode(() => a.load(mk([{ name: 'r', op: 'Relu', inputs: ['nope'], outputs: ['y'] }])), 'BAD_GRAPH', /"nope"/);
  throwsCode(() => a.load(mk([{ name: 'r1', op: 'Relu', inputs: ['h2'], outputs: ['h1'] }, { name: 'r2', op: 'Relu', inputs: ['h1'], outputs: ['h2'] }])), 'BAD_GRAPH', /cycle/);
  throwsCode(() => a.load(mk([{ name: 'fc', op: 'Dense', inputs: ['x', 'b'], outputs: ['y'] }])), 'SHAPE_MISMATCH', /"b"/);
  throwsCode(() => a.load(mk([{ name: 'fc', op: 'Dense', inputs: ['x', 'w'], outputs: ['y'], attrs: { activation: 'swish' } }])), 'BAD_GRAPH', /swish/);
  throwsCode(() => a.load(mk([{ name: 'r', op: 'Relu', inputs: ['x'], outputs: ['h'] }])), 'BAD_GRAPH', /"y" is never produced/);
});

test('1,000 load/run/dispose cycles do not grow wasm memory', async () => {
  const a = await getAlloy();
  const bytes = mlp();
  const x = new Float32Array(3 * 8);
  for (let i = 0; i < 50; i++) { const m = a.load(bytes); m.run({ x }); m.dispose(); }
  const before = a.memoryBytes();
  for (let i = 0; i < 1000; i++) { const m = a.load(bytes); m.run({ x }); m.dispose(); }
  assert.is(a.memoryBytes(), before);
});

test.run();

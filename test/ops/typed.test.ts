// The typed runtime (src/runtime/model.ts, plan.ts, ops/nd.ts, ops/shape.ts): values of every
// element type, -1 dimensions anywhere, plans per input-shape signature, values that decide
// shapes (a Reshape target fed as an input), and the ONNX importer's generic path to them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { importOnnx } from '../../src/tools/import/onnx/index.ts';
import { buildModel } from '../import/onnx-build.ts';

const throwsCode = (f: () => unknown, code: string, re?: RegExp) => {
  try { f(); } catch (e: any) { assert.is(e.code, code, e.message); if (re) assert.match(e.message, re); return; }
  assert.unreachable(`expected ${code}`);
};

const bundle = (inputs: any[], outputs: any[], nodes: any[], tensors: Record<string, any> = {}) => writeBundle({ graph: { inputs, outputs, nodes }, tensors });

test('integer and boolean values: inputs, constants, broadcasting, comparison outputs', async () => {
  const a = await getAlloy();
  const m = a.load(bundle(
    [{ name: 'x', shape: [-1, 3], format: 'i32' }, { name: 'k', shape: [3], format: 'i32' }],
    [{ name: 's', shape: [-1, 3], format: 'i32' }, { name: 'eq', shape: [-1, 3], format: 'bool' }],
    [{ name: 'add', op: 'Add', inputs: ['x', 'k'], outputs: ['s'] }, { name: 'cmp', op: 'Equal', inputs: ['s', 'ten'], outputs: ['eq'] }],
    { ten: { format: 'i32', shape: [1], data: new Int32Array([10]) } }));
  assert.equal(m.inputs.map((v: any) => v.format), ['i32', 'i32']);
  const out = m.run({ x: new Int32Array([1, 2, 3, 7, 8, 9]), k: new Int32Array([9, 8, 7]) });
  assert.equal(Array.from(out.s.data), [10, 10, 10, 16, 16, 16]);
  assert.is(out.s.dtype, 'i32');
  assert.ok(out.eq.data instanceof Uint8Array);
  assert.equal([out.eq.dtype, ...out.eq.shape], ['bool', 2, 3]);
  assert.equal(Array.from(out.eq.data), [1, 1, 1, 0, 0, 0]);
  throwsCode(() => m.run({ x: new Float32Array(3), k: new Int32Array(3) }), 'BAD_ARGUMENT', /"x" is i32: pass a Int32Array/);
  throwsCode(() => m.run({ x: new Int32Array(4), k: new Int32Array(3) }), 'SHAPE_MISMATCH', /multiple of 3/);
  m.dispose();
});

test('64-bit values; f64 NaNs leave canonical; a declared output type must match', async () => {
  const a = await getAlloy();
  const m = a.load(bundle([{ name: 'x', shape: [2], format: 'i64' }], [{ name: 'y', shape: [2], format: 'i64' }], [{ name: 'mul', op: 'Mul', inputs: ['x', 'x'], outputs: ['y'] }]));
  assert.equal(Array.from(m.run({ x: new BigInt64Array([3n, -(2n ** 31n)]) }).y.data as BigInt64Array), [9n, 2n ** 62n]);
  m.dispose();
  const d = a.load(bundle([{ name: 'x', shape: [3], format: 'f64' }], [{ name: 'y', shape: [3], format: 'f64' }], [{ name: 'div', op: 'Div', inputs: ['x', 'x'], outputs: ['y'] }]));
  const y = d.run({ x: new Float64Array([0, 2, -Infinity]) }).y.data as Float64Array;
  const bits = new BigUint64Array(y.buffer);
  assert.equal([bits[0], y[1], bits[2]], [0x7ff8000000000000n, 1, 0x7ff8000000000000n]);
  d.dispose();
  throwsCode(() => a.load(bundle([{ name: 'x', shape: [3], format: 'i32' }], [{ name: 'y', shape: [3], format: 'f32' }], [{ name: 'n', op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }])), 'BAD_GRAPH', /declared "f32", produced as i32/);
  throwsCode(() => a.load(bundle([{ name: 'x', shape: [3], format: 'i32' }], [{ name: 'y', shape: [3] }], [{ name: 'r', op: 'Sigmoid', inputs: ['x'], outputs: ['y'] }])), 'BAD_GRAPH', /Sigmoid does not take i32 values/);
  throwsCode(() => a.load(bundle([{ name: 'x', shape: [3], format: 'i32' }, { name: 'z', shape: [3], format: 'i64' }], [{ name: 'y', shape: [3] }], [{ name: 'n', op: 'Add', inputs: ['x', 'z'], outputs: ['y'] }])), 'BAD_GRAPH', /i32 and i64/);
});

test('any dimension may be -1; plans are cached per input-shape signature', async () => {
  const a = await getAlloy();
  const m = a.load(bundle([{ name: 'x', shape: [2, -1], format: 'f32' }, { name: 'b', shape: [-1, 1, -1], format: 'f32' }], [{ name: 'y', shape: [-1, 2, -1], format: 'f32' }],
    [{ name: 'sub', op: 'Sub', inputs: ['x', 'b'], outputs: ['y'] }]));
  // x's one open dimension comes from its length; b has two, so it needs its shape
  const r1 = m.run({ x: new Float32Array([1, 2, 3, 4, 5, 6]), b: { data: new Float32Array([1, 10, 100]), shape: [1, 1, 3] } });
  assert.equal(r1.y.shape, [1, 2, 3]);
  assert.equal(Array.from(r1.y.data), [0, -8, -97, 3, -5, -94]);
  throwsCode(() => m.run({ x: new Float32Array(6), b: new Float32Array(3) }), 'SHAPE_MISMATCH', /2 dimensions given at run time/);
  const r2 = m.run({ x: { data: new Float32Array([1, 2]), shape: [2, 1] }, b: { data: new Float32Array([1, 2, 3, 4]), shape: [2, 1, 2] } });
  assert.equal(r2.y.shape, [2, 2, 2]);
  assert.equal(Array.from(r2.y.data), [0, -1, 1, 0, -2, -3, -1, -2]);
  // back to the first signature: its plan is reused, same answer
  assert.equal(Array.from(m.run({ x: new Float32Array([1, 2, 3, 4, 5, 6]), b: { data: new Float32Array([1, 10, 100]), shape: [1, 1, 3] } }).y.data), Array.from(r1.y.data));
  throwsCode(() => m.run({ x: { data: new Float32Array(6), shape: [2, 3] }, b: { data: new Float32Array(4), shape: [1, 1, 4] } }), 'SHAPE_MISMATCH', /do not broadcast/);
  // empty tensors are values like any other
  const e = m.run({ x: { data: new Float32Array(0), shape: [2, 0] }, b: { data: new Float32Array(0), shape: [3, 1, 0] } });
  assert.equal([e.y.shape, e.y.data.length], [[3, 2, 0], 0]);
  m.dispose();
});

test('values that decide shapes: a Reshape target fed as an input, Shape -> ConstantOfShape at plan time', async () => {
  const a = await getAlloy();
  const m = a.load(bundle([{ name: 'x', shape: [-1, 4], format: 'f32' }, { name: 't', shape: [2], format: 'i64' }],
    [{ name: 'r', shape: [-1, -1], format: 'f32' }, { name: 'z', shape: [-1, 4], format: 'i32' }, { name: 'n', shape: [], format: 'i64' }],
    [{ name: 'reshape', op: 'Reshape', inputs: ['x', 't'], outputs: ['r'] },
      { name: 'shape', op: 'Shape', inputs: ['x'], outputs: ['s'] },
      { name: 'fill', op: 'ConstantOfShape', inputs: ['s'], outputs: ['z'], attrs: { dtype: 'i32', value: [7, 0, 0, 0] } },
      { name: 'size', op: 'Size', inputs: ['x'], outputs: ['n'] }]));
  const x = new Float32Array(8).map((_, i) => i);
  const o = m.run({ x, t: new BigInt64Array([4n, -1n]) });
  assert.equal(o.r.shape, [4, 2]);
  assert.equal(Array.from(o.r.data), Array.from(x));
  assert.equal([o.z.shape, Array.from(o.z.data)], [[2, 4], new Array(8).fill(7)]);
  assert.equal(Array.from(o.n.data as BigInt64Array), [8n]);
  // the target is part of the signature: a new value, a new plan
  assert.equal(m.run({ x, t: new BigInt64Array([1n, -1n]) }).r.shape, [1, 8]);
  assert.equal(m.run({ x, t: new BigInt64Array([0n, 4n]) }).r.shape, [2, 4], 'a 0 copies the dimension');
  throwsCode(() => m.run({ x, t: new BigInt64Array([3n, -1n]) }), 'SHAPE_MISMATCH', /cannot reshape \[2,4\] to \[3,-1\]/);
  m.dispose();
});

test('ONNX: typed inputs and symbolic dims import to the generic nodes; inputShapes fixes them', async () => {
  const a = await getAlloy();
  const spec = {
    inputs: [{ name: 'ids', shape: ['batch', 'seq'], type: 'int64' as const }, { name: 'x', shape: ['batch', 'seq'] }],
    outputs: [{ name: 'y', shape: ['batch', 'seq'] }, { name: 'm', shape: ['batch', 'seq'], type: 'bool' as const }],
    inits: [{ name: 'one', shape: [], data: [1], type: 'int64' as const }, { name: 'big', shape: [1], data: [9007199254740993], type: 'int64' as const }],
    nodes: [{ op: 'Mul', inputs: ['x', 'x'], outputs: ['y'] }, { op: 'Add', inputs: ['ids', 'one'], outputs: ['ids1'] }, { op: 'Less', inputs: ['ids1', 'big'], outputs: ['m'] }],
  };
  const b = importOnnx(buildModel(spec));
  assert.equal(b.graph.inputs.map((v: any) => [v.format, v.shape]), [['i64', [-1, -1]], ['f32', [-1, -1]]]);
  const m = a.load(writeBundle(b));
  const o = m.run({ ids: { data: new BigInt64Array([1n, 2n, 3n]), shape: [1, 3] }, x: { data: new Float32Array([1, 2, 3]), shape: [1, 3] } });
  assert.equal([Array.from(o.y.data), o.m.dtype, Array.from(o.m.data)], [[1, 4, 9], 'bool', [1, 1, 1]]);
  m.dispose();
  const fixed = importOnnx(buildModel(spec), { inputShapes: { ids: [2, 5], x: [2, 5] } });
  assert.equal(fixed.graph.inputs.map((v: any) => v.shape), [[2, 5], [2, 5]]);
  throwsCode(() => importOnnx(buildModel(spec), { inputShapes: { idz: [2, 5] } }), 'BAD_OPTION', /"idz", which is no graph input/);
  throwsCode(() => importOnnx(buildModel(spec), { inputShapes: { ids: [2] } }), 'BAD_OPTION', /1 dimensions, the model's input 2/);
});

test.run();

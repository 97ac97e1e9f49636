// Resource limits: every load limit enforced and named in its error, bad limit values refused,
// the activation-arena cap (maxArenaBytes) checked before anything is allocated, and allocation
// sizes checked before they reach the module's i32 alloc().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, heap } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';

function throwsCode(f: () => unknown, code: string, re?: RegExp) {
  try { f(); } catch (e) {
    assert.instance(e, AlloyError, String((e as Error)?.stack));
    assert.is((e as AlloyError).code, code, (e as Error).message);
    if (re) assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

const relus = (n: number, tensors = n) => writeBundle({
  graph: { inputs: [{ name: 'x', shape: [-1, 4], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 4], format: 'f32' }],
    nodes: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, op: 'Relu', inputs: [i ? `h${i - 1}` : 'x'], outputs: [i === n - 1 ? 'y' : `h${i}`] })) },
  tensors: Object.fromEntries(Array.from({ length: tensors }, (_, i) => [`t${i}`, { format: 'f32', shape: [4], data: new Float32Array(4) }])),
});
const pad = (extra: number) => writeBundle({
  graph: { inputs: [{ name: 'x', shape: [-1, 4], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 4 + extra], format: 'f32' }],
    nodes: [{ name: 'p', op: 'Pad', inputs: ['x'], outputs: ['y'], attrs: { pads: [0, 0, 0, extra] } }] },
  tensors: {},
});

test('maxTensors, maxNodes, maxHeaderBytes, maxTensorElements: enforced at the boundary and named', async () => {
  const a = await getAlloy();
  const b = relus(10);
  a.load(b, { maxTensors: 10, maxNodes: 10 }).dispose();
  throwsCode(() => a.load(b, { maxTensors: 9 }), 'LIMIT_EXCEEDED', /10 tensors exceed maxTensors 9/);
  throwsCode(() => a.load(b, { maxNodes: 9 }), 'LIMIT_EXCEEDED', /10 nodes exceed maxNodes 9/);
  const h = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(16, true));
  a.load(b, { maxHeaderBytes: h }).dispose();
  throwsCode(() => a.load(b, { maxHeaderBytes: h - 1 }), 'LIMIT_EXCEEDED', /maxHeaderBytes/);
  a.load(b, { maxTensorElements: 4 }).dispose();
  throwsCode(() => a.load(b, { maxTensorElements: 3 }), 'LIMIT_EXCEEDED', /maxTensorElements/);
});

test('limit options: undefined means the default; anything but a non-negative integer is BAD_OPTION', async () => {
  const a = await getAlloy();
  const b = relus(2);
  a.load(b, { maxHeaderBytes: undefined, maxTensors: undefined, maxNodes: undefined, maxTensorElements: undefined, maxArenaBytes: undefined }).dispose();
  for (const bad of [-1, 1.5, NaN, Infinity, '1024', null, 2 ** 53]) {
    for (const k of ['maxHeaderBytes', 'maxTensors', 'maxNodes', 'maxTensorElements', 'maxArenaBytes']) {
      throwsCode(() => a.load(b, { [k]: bad } as any), 'BAD_OPTION', new RegExp(k));
    }
  }
  throwsCode(() => a.load(b, null as any), 'BAD_OPTION');
});

test('maxArenaBytes: checked per batch before allocating, LIMIT_EXCEEDED naming the limit; the model stays usable', async () => {
  const a = await getAlloy();
  const m = a.load(pad(252), { maxArenaBytes: 8192 }); // batch b: (4 + 256) * 4 * b bytes plus padding
  const before = a.memoryBytes();
  m.run({ x: new Float32Array(4 * 4) });
  assert.ok(m.arenaBytes > 0 && m.arenaBytes <= 8192, String(m.arenaBytes));
  throwsCode(() => m.run({ x: new Float32Array(4 * 64) }), 'LIMIT_EXCEEDED', /maxArenaBytes 8192/);
  const r = m.run({ x: new Float32Array(4 * 2) }); // still works at a smaller batch
  assert.equal(r.y.shape, [2, 256]);
  assert.is(a.memoryBytes(), before);
  m.dispose();
});

test('the default arena cap (1 GiB) refuses a plan just above it without allocating it', async () => {
  const a = await getAlloy();
  const m = a.load(pad(2 ** 27 - 4)); // one row: 2^27 floats = 512 MiB; batch 2: 1 GiB plus the input
  const before = a.memoryBytes();
  throwsCode(() => m.run({ x: new Float32Array(2 * 4) }), 'LIMIT_EXCEEDED', /maxArenaBytes 1073741824/);
  assert.is(a.memoryBytes(), before);
  m.dispose();
});

test('inferred shapes: above maxTensorElements is LIMIT_EXCEEDED, negative is SHAPE_MISMATCH (before any allocation)', async () => {
  const a = await getAlloy();
  const resize = (size: number[]) => writeBundle({
    graph: { inputs: [{ name: 'x', shape: [-1, 2, 2, 1], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 1, 1, 1], format: 'f32' }],
      nodes: [{ name: 'up', op: 'Resize', inputs: ['x'], outputs: ['y'], attrs: { size } }] }, tensors: {},
  });
  const x = new Float32Array(4);
  throwsCode(() => a.load(resize([2 ** 16, 2 ** 16])).run({ x }), 'LIMIT_EXCEEDED', /node "up".*maxTensorElements/);
  throwsCode(() => a.load(resize([-2, 2])).run({ x }), 'SHAPE_MISMATCH', /node "up"/);
  throwsCode(() => a.load(resize([64, 64]), { maxTensorElements: 1000 }).run({ x }), 'LIMIT_EXCEEDED', /maxTensorElements 1000|more than 1000/);
});

test('heap.alloc refuses sizes the i32 export would wrap (2^32 + 16 must not become 16)', async () => {
  await getAlloy();
  for (const n of [2 ** 32 + 16, 2 ** 31, 2 ** 30, -1, 1.5, NaN]) throwsCode(() => heap.alloc(n), 'LIMIT_EXCEEDED');
  const p = heap.alloc(64);
  assert.ok(p > 0 && p % 16 === 0);
  heap.free(p);
});

test.run();

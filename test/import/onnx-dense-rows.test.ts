// A constant-B MatMul on an activation of rank >= 3 whose leading dims (and even its last) are
// unknown at import, as transformer exports give ([B, S, H]): it becomes one Dense layer (so the
// precision map can quantize it) and matches onnxruntime-web at several (b, s); a wrong last
// dim at run time is SHAPE_MISMATCH naming the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, importModel, rand } from './onnx-helpers.ts';
import { f32 } from './onnx-build.ts';
import { getAlloy, throwsCode } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const ops = (input: { graph: { nodes: { op: string }[] } }) => input.graph.nodes.map((n) => n.op);

for (const shape of [['b', 's', 12], ['b', 's', 'h'], [2, 's', 12]] as const) {
  test(`MatMul [${shape}] x constant [12, 7] -> Dense, dynamic dims`, async () => {
    const model = buildModel({ inputs: [{ name: 'x', shape: [...shape] }], outputs: [{ name: 'y' }], inits: [f32('w', [12, 7], 3)], nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }] });
    for (const [b, s] of [[2, 1], [2, 5], [2, 17]]) {
      const r = await compare(model, { x: { data: rand(b * s * 12, b + s), shape: [b, s, 12] } }, 1e-5);
      assert.equal(ops(r.input), ['Dense']);
      assert.equal(r.out.y.shape, [b, s, 7]);
    }
    const m = (await getAlloy()).load(writeBundle(await importModel(model)));
    throwsCode(() => m.run({ x: { data: rand(2 * 3 * 5, 1), shape: [2, 3, 5] } }), 'SHAPE_MISMATCH', /12/);
    m.dispose();
  });
}

test('MatMul [b, s, 12] x constant [12, 7] then Add bias: one Dense (rank 3) and the Add', async () => {
  const model = buildModel({ inputs: [{ name: 'x', shape: ['b', 's', 12] }], outputs: [{ name: 'z' }], inits: [f32('w', [12, 7], 3), f32('c', [7], 4)], nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }, { op: 'Add', inputs: ['y', 'c'], outputs: ['z'] }] });
  const r = await compare(model, { x: { data: rand(3 * 4 * 12, 9), shape: [3, 4, 12] } }, 1e-5);
  assert.ok(ops(r.input).includes('Dense'), ops(r.input).join(' '));
});

test.run();

// Opsets 6-10 (src/tools/import/onnx/legacy.ts): an old node imports where its meaning is the
// handler's, and is refused, naming why, where it is not (opset-6 broadcast along an axis,
// training-mode BatchNormalization / Dropout, opset-10 Resize).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, importModel } from './onnx-helpers.ts';

const refusal = async (bytes: Uint8Array): Promise<string> => {
  try { await importModel(bytes); return 'imported'; } catch (e: any) { assert.is(e.name, 'AlloyError'); return `${e.code}: ${e.message}`; }
};
const addModel = (axis: number, bShape: number[]) => buildModel({
  opset: 6, inputs: [{ name: 'x', shape: [2, 3, 4] }], outputs: [{ name: 'y' }],
  inits: [{ name: 'b', shape: bShape, data: new Float32Array(bShape.reduce((a, c) => a * c, 1)).fill(1) }],
  nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'], attrs: { broadcast: 1, axis } }],
});

test('opset 6 Add with broadcast: trailing alignment imports, any other axis is refused', async () => {
  assert.is(await refusal(addModel(2, [4])), 'imported');
  assert.is(await refusal(addModel(1, [3, 4])), 'imported');
  const r = await refusal(addModel(1, [3]));
  assert.match(r, /^UNSUPPORTED_OP: .*Add .*opset 6 broadcast along axis 1/);
});

test('opset 6 BatchNormalization / Dropout in training mode: refused with the reason; opset 10 Resize imports in its own form', async () => {
  const c = (n: number) => ({ name: `c${n}`, shape: [3], data: new Float32Array([1, 2, 3]) });
  const bn = (isTest: number) => buildModel({
    opset: 6, inputs: [{ name: 'x', shape: [1, 3, 2, 2] }], outputs: [{ name: 'y' }], inits: [c(0), c(1), c(2), c(3)],
    nodes: [{ op: 'BatchNormalization', inputs: ['x', 'c0', 'c1', 'c2', 'c3'], outputs: ['y'], attrs: { is_test: isTest } }],
  });
  assert.match(await refusal(bn(0)), /is_test = 0/);
  assert.is(await refusal(bn(1)), 'imported');
  const drop = buildModel({ opset: 6, inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Dropout', inputs: ['x'], outputs: ['y'] }] });
  assert.match(await refusal(drop), /training-mode dropout/);
  const resize = buildModel({
    opset: 10, inputs: [{ name: 'x', shape: [1, 1, 2, 2] }], outputs: [{ name: 'y' }], inits: [{ name: 's', shape: [4], data: new Float32Array([1, 1, 2, 2]) }],
    nodes: [{ op: 'Resize', inputs: ['x', 's'], outputs: ['y'] }],
  });
  // read as [X, scales] by ops/resize.ts (test/import/onnx-resize.test.ts compares it with onnxruntime)
  assert.is(await refusal(resize), 'imported');
});

test.run();

// GlobalMaxPool (added by the CONTRIBUTING.md recipe "Adding an operator": a handler in
// src/tools/import/onnx/ops/conv.ts and one row in ops/index.ts; it lowers to MaxPool). Expected
// values computed here, independently: the max of each (n, c) plane of the input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, importModel, rand, runAlloy, type Spec } from './onnx-helpers.ts';
import { f32 } from './onnx-build.ts';
import { ONNX_OPS } from '../../src/tools/import/onnx/index.ts';

/** max over H x W of each (n, c) plane of NCHW x, in JS (the oracle) */
function planeMax(x: Float32Array, [N, C, H, W]: number[]): Float32Array {
  const out = new Float32Array(N * C);
  for (let p = 0; p < N * C; p++) {
    let m = -Infinity;
    for (let i = 0; i < H * W; i++) m = Math.max(m, x[p * H * W + i]);
    out[p] = m;
  }
  return out;
}

test('GlobalMaxPool is in the operator table', () => {
  assert.ok(ONNX_OPS.includes('GlobalMaxPool'));
});

test('GlobalMaxPool on a graph input (NCHW, dynamic batch) = the max of each plane; with Flatten after', async () => {
  const spec: Spec = {
    inputs: [{ name: 'x', shape: ['batch', 3, 5, 4] }], outputs: [{ name: 'y' }, { name: 'f' }],
    nodes: [
      { op: 'GlobalMaxPool', inputs: ['x'], outputs: ['y'] },
      { op: 'Flatten', inputs: ['y'], outputs: ['f'] },
    ],
  };
  const model = buildModel(spec);
  for (const B of [1, 2]) {
    const shape = [B, 3, 5, 4];
    // a plane whose max sits at each corner and inside, and an all-negative plane
    const x = rand(B * 60, 40 + B, 4);
    x[0] = 9; x[20 + 19] = 7; x[40 + 7] = 8;
    for (let i = 0; i < 20; i++) x[(B - 1) * 60 + 40 + i] = -1 - i / 8;
    const { out, input } = await runAlloy(model, { x: { data: x, shape } });
    const want = planeMax(x, shape);
    assert.equal(out.y.shape, [B, 3, 1, 1]);
    assert.equal(Array.from(out.y.data), Array.from(want)); // a max is exact: the same bits
    assert.equal(out.f.shape, [B, 3]);
    assert.equal(Array.from(out.f.data), Array.from(want));
    assert.equal(input.graph.nodes.filter((n) => n.op === 'MaxPool').map((n) => n.attrs), [{ kernel: [5, 4], strides: [1, 1], pads: [0, 0, 0, 0] }]);
  }
});

test('Conv -> GlobalMaxPool (NHWC inside: the pool reads the Conv output as it is) = onnxruntime-web', async () => {
  const spec: Spec = {
    inputs: [{ name: 'x', shape: [1, 2, 6, 6] }], outputs: [{ name: 'y' }],
    inits: [f32('w', [4, 2, 3, 3], 3)],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'GlobalMaxPool', inputs: ['c'], outputs: ['y'] },
    ],
  };
  const { input } = await compare(buildModel(spec), { x: { data: rand(72, 5), shape: [1, 2, 6, 6] } }, 1e-6);
  assert.equal(input.graph.nodes.map((n) => n.op), ['Transpose', 'Conv', 'MaxPool', 'Transpose']);
});

test('GlobalMaxPool of a rank-3 input: the n-d GlobalMaxPoolNd (= onnxruntime-web); of 4 spatial dims: UNSUPPORTED_OP naming the node', async () => {
  const spec: Spec = { inputs: [{ name: 'x', shape: [1, 3, 5] }], outputs: [{ name: 'y' }], nodes: [{ op: 'GlobalMaxPool', inputs: ['x'], outputs: ['y'], name: 'gmp' }] };
  const { input } = await compare(buildModel(spec), { x: { data: rand(15, 6), shape: [1, 3, 5] } }, 0);
  assert.equal(input.graph.nodes.map((n) => n.op), ['GlobalMaxPoolNd']);
  const six: Spec = { inputs: [{ name: 'x', shape: [1, 1, 2, 2, 2, 2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'GlobalMaxPool', inputs: ['x'], outputs: ['y'], name: 'gmp' }] };
  try { await importModel(buildModel(six)); assert.unreachable('should throw'); } catch (e: any) {
    assert.is(e.code, 'UNSUPPORTED_OP');
    assert.match(e.message, /"gmp" \(GlobalMaxPool\).*4 spatial dims \(1 to 3 are supported\)/);
  }
});

test.run();

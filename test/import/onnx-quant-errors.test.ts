// importOnnx: QDQ models (i8/u8 weights + FakeQuant activations), errors, metadata.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { buildModel, compare, importModel, rand, type Spec } from './onnx-helpers.ts';
import { codes, sc, zp8, qdqMlpSpec } from './onnx-build.ts';

const feed = (shape: number[], seed: number, scale = 1) => ({ data: rand(shape.reduce((a, b) => a * b, 1), seed, scale), shape });

test('QDQ MLP: u8 activations, int8 weights per output column (MatMul) and per tensor (Gemm); within one quantization step', async () => {
  const K = 16, N = 12, O = 6;
  const outScale = 0.02;
  const spec = qdqMlpSpec(K, N, O, outScale);
  const { input, diffs } = await compare(buildModel(spec), { x: feed([4, K], 5) }, outScale * 1.001);
  const w = Object.values(input.tensors).filter((t) => t.format === 'i8');
  assert.equal(w.length, 2, 'two i8 weight tensors');
  // per output column: one group per row of K; per tensor: one group of the whole [O, N] weight
  assert.equal(w.map((t) => t.group).sort((a, b) => a! - b!), [K, O * N]);
  assert.equal(input.graph.nodes.filter((n) => n.op === 'FakeQuant').length, 3);
  assert.ok(diffs.y.abs <= outScale * 1.001);
});

test('QDQ conv: int8 weights per output channel (axis 0), i8 activations, Relu', async () => {
  const O = 4, C = 3, outScale = 0.05;
  const spec: Spec = {
    opset: 13,
    inputs: [{ name: 'x', shape: [1, C, 6, 6] }], outputs: [{ name: 'y' }],
    inits: [
      sc('xs', 0.02), zp8('xz', 0),
      { name: 'wq', shape: [O, C, 3, 3], data: codes(O * C * 9, 7), type: 'int8' }, sc('ws', [0.004, 0.003, 0.005, 0.002]), { name: 'wz', shape: [O], data: new Int8Array(O), type: 'int8' },
      { name: 'b', shape: [O], data: rand(O, 8, 0.2) }, sc('ys', outScale), zp8('yz', 0),
    ],
    nodes: [
      { op: 'QuantizeLinear', inputs: ['x', 'xs', 'xz'], outputs: ['xq'] },
      { op: 'DequantizeLinear', inputs: ['xq', 'xs', 'xz'], outputs: ['xd'] },
      { op: 'DequantizeLinear', inputs: ['wq', 'ws', 'wz'], outputs: ['w'], attrs: { axis: 0 } },
      { op: 'Conv', inputs: ['xd', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'QuantizeLinear', inputs: ['r', 'ys', 'yz'], outputs: ['yq'] },
      { op: 'DequantizeLinear', inputs: ['yq', 'ys', 'yz'], outputs: ['y'] },
    ],
  };
  const { input } = await compare(buildModel(spec), { x: feed([1, C, 6, 6], 9) }, outScale * 1.001);
  const w = Object.values(input.tensors).find((t) => t.format === 'i8')!;
  assert.equal(w.shape, [O, 3, 3, C]);
  assert.equal(w.group, 9 * C);
});

test('unsupported operators: one UNSUPPORTED_OP error lists every one', async () => {
  const spec: Spec = {
    inputs: [{ name: 'x', shape: [2, 4] }, { name: 'z', shape: [4, 2] }], outputs: [{ name: 'y' }],
    inits: [{ name: 'k', shape: [1], data: [2], type: 'int64' }],
    nodes: [
      { op: 'Multinomial', inputs: ['x'], outputs: ['e'], name: 'sampler' },
      { op: 'MatMul', inputs: ['e', 'z'], outputs: ['mm'], name: 'batched_mm' },
      { op: 'StringNormalizer', inputs: ['x'], outputs: ['sn'], name: 'strnorm' },
      { op: 'Relu', inputs: ['mm'], outputs: ['r'] },
      { op: 'MyOp', domain: 'com.example', inputs: ['r'], outputs: ['y'], name: 'custom' },
    ],
  };
  try {
    await importModel(buildModel(spec));
    assert.unreachable('should throw');
  } catch (e: any) {
    assert.is(e.name, 'AlloyError');
    assert.is(e.code, 'UNSUPPORTED_OP');
    for (const s of ['Multinomial (sampler)', 'StringNormalizer (strnorm)', 'MyOp (custom)']) assert.ok(e.message.includes(s), `${s} in ${e.message}`);
    assert.ok(e.message.includes('4 unsupported') || e.message.includes('3 unsupported'), e.message);
  }
  // a refusal with a reason (an Einsum of three operands) is reported with it
  const spec2: Spec = { inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [3, 2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Einsum', inputs: ['a', 'b', 'b'], outputs: ['y'], name: 'mm', attrs: { equation: 'ij,jk,jk->ik' } }, { op: 'Multinomial', inputs: ['a'], outputs: ['q'], name: 'e2' }] };
  try { await importModel(buildModel(spec2)); assert.unreachable(); } catch (e: any) {
    assert.is(e.code, 'UNSUPPORTED_OP');
    assert.ok(e.message.includes('Einsum (mm): Einsum of 3 operands'), e.message);
    assert.ok(e.message.includes('Multinomial (e2)'), e.message);
  }
});

test('bad files: corrupted, truncated, empty, wrong opset -> AlloyError', async () => {
  const good = buildModel({ inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
  const cases: [string, Uint8Array, string][] = [
    ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 255), 'BAD_GRAPH'],
    ['truncated', good.subarray(0, good.length - 7), 'BAD_GRAPH'],
    ['empty', new Uint8Array(0), 'BAD_GRAPH'],
    ['opset 4 Reshape (its shape an attribute)', buildModel({ opset: 4, inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Reshape', inputs: ['x'], outputs: ['y'], attrs: { shape: [4] } }] }), 'UNSUPPORTED_OP'],
    ['opset 0', buildModel({ opset: 0, inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }), ''],
    ['opset 23', buildModel({ opset: 23, inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }), 'UNSUPPORTED_OP'],
    ['dangling input', buildModel({ inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Add', inputs: ['x', 'nowhere'], outputs: ['y'] }] }), 'BAD_GRAPH'],
    ['bad raw_data size', buildModel({ inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }], inits: [{ name: 'w', shape: [4, 4], data: new Float32Array(3) }], nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }] }), 'BAD_GRAPH'],
  ];
  const flipped = good.slice(); flipped[2] ^= 0xff; flipped[5] ^= 0x55;
  cases.push(['flipped bits', flipped, '']);
  for (const [what, bytes, code] of cases) {
    try {
      await importModel(bytes);
      assert.unreachable(`${what}: should throw`);
    } catch (e: any) {
      assert.is(e.name, 'AlloyError', `${what}: ${e.message}`);
      if (code) assert.is(e.code, code, `${what}: ${e.message}`);
    }
  }
});

test('metadata: sha256, opset, producer, names', async () => {
  const bytes = buildModel({ opset: 15, inputs: [{ name: 'x', shape: ['n', 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
  const b = await importModel(bytes);
  assert.is(b.metadata!.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.is(b.metadata!.opset, 15);
  assert.equal(b.metadata!.producer, { name: 'alloy-test', version: '1.0' });
  assert.equal(b.metadata!.inputs, ['x']);
  assert.equal(b.metadata!.outputs, ['y']);
  assert.equal(b.graph.inputs, [{ name: 'x', shape: [-1, 4], format: 'f32' }]);
});

test.run();

// The linalg family through the ONNX importer (src/tools/import/onnx/ops/linalg.ts), against
// onnxruntime-web: attention products with dynamic b and s, MatMul / Gemm with activation or
// 1-D operands, Einsum, Conv1d (ConvNd), ConvTranspose; a constant-B MatMul keeps its Dense
// layer; refusals name the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, importModel, rand, type Spec } from './onnx-helpers.ts';
import { f32 } from './onnx-build.ts';
import type { AlloyError } from '../../build/alloy.mjs';

const ops = (input: { graph: { nodes: { op: string }[] } }) => input.graph.nodes.map((n) => n.op);

test('attention: [b, h, s, d] x [b, h, d, s], then x [b, h, s, d], with b and s unknown at import', async () => {
  const spec: Spec = {
    inputs: [{ name: 'q', shape: ['b', 2, 's', 8] }, { name: 'kt', shape: ['b', 2, 8, 's'] }, { name: 'v', shape: ['b', 2, 's', 8] }], outputs: [{ name: 'y' }],
    nodes: [
      { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['sc'] },
      { op: 'MatMul', inputs: ['sc', 'v'], outputs: ['y'] },
    ],
  };
  const model = buildModel(spec);
  for (const [b, s] of [[1, 5], [2, 3], [1, 17]]) {
    const { input } = await compare(model, { q: { data: rand(b * 2 * s * 8, s), shape: [b, 2, s, 8] }, kt: { data: rand(b * 2 * 8 * s, s + 1), shape: [b, 2, 8, s] }, v: { data: rand(b * 16 * s, s + 2), shape: [b, 2, s, 8] } }, 1e-5);
    assert.equal(ops(input).filter((o) => o === 'MatMul').length, 2);
  }
});

test('MatMul with a constant 2-D B keeps the Dense layer; a 1-D B, a constant A or batched B take MatMul', async () => {
  const x = { data: rand(2 * 3 * 4, 1), shape: [2, 3, 4] };
  const dense = await compare(buildModel({ inputs: [{ name: 'x', shape: [2, 3, 4] }], outputs: [{ name: 'y' }], inits: [f32('w', [4, 5], 2)], nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }] }), { x });
  assert.equal(ops(dense.input), ['Dense']);
  for (const [w, order] of [[f32('w', [4], 3), ['x', 'w']], [f32('w', [5, 2], 4), ['w', 'x']], [f32('w', [2, 4, 6], 5), ['x', 'w']]] as const) {
    const model = buildModel({ inputs: [{ name: 'x', shape: [2, 3, 4] }], outputs: [{ name: 'y' }], inits: [w], nodes: [{ op: 'MatMul', inputs: [...order], outputs: ['y'] }] });
    const xin = order[0] === 'w' ? { data: rand(2 * 2 * 3, 6), shape: [2, 2, 3] } : x;
    const fixed = order[0] === 'w' ? buildModel({ inputs: [{ name: 'x', shape: [2, 2, 3] }], outputs: [{ name: 'y' }], inits: [f32('w', [5, 2], 4)], nodes: [{ op: 'MatMul', inputs: ['w', 'x'], outputs: ['y'] }] }) : model;
    const r = await compare(fixed, { x: xin }, 1e-5);
    assert.equal(ops(r.input), ['MatMul'], JSON.stringify(w.shape));
  }
});

test('Gemm with B an activation, transA, alpha, beta and a row C', async () => {
  const model = buildModel({
    inputs: [{ name: 'a', shape: [5, 3] }, { name: 'b', shape: [5, 4] }], outputs: [{ name: 'y' }], inits: [f32('c', [4], 7)],
    nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { transA: 1, alpha: { f: 0.5 }, beta: { f: 2 } } }],
  });
  const { input } = await compare(model, { a: { data: rand(15, 8), shape: [5, 3] }, b: { data: rand(20, 9), shape: [5, 4] } }, 1e-5);
  assert.equal(ops(input), ['Gemm']);
});

test('Einsum bhid,bhjd->bhij and ij->ji; Conv1d (ConvNd) and ConvTranspose with constant weights', async () => {
  const e = buildModel({
    inputs: [{ name: 'a', shape: [1, 2, 3, 4] }, { name: 'b', shape: [1, 2, 5, 4] }], outputs: [{ name: 'y' }, { name: 't' }],
    nodes: [{ op: 'Einsum', inputs: ['a', 'b'], outputs: ['y'], attrs: { equation: 'bhid,bhjd->bhij' } }, { op: 'Einsum', inputs: ['y'], outputs: ['t'], attrs: { equation: 'bhij->bhji' } }],
  });
  await compare(e, { a: { data: rand(24, 10), shape: [1, 2, 3, 4] }, b: { data: rand(40, 11), shape: [1, 2, 5, 4] } }, 1e-5);
  const c = buildModel({
    inputs: [{ name: 'x', shape: ['n', 4, 'len'] }], outputs: [{ name: 'y' }], inits: [f32('w', [6, 2, 3], 12), f32('bias', [6], 13), f32('wt', [6, 3, 4], 14)],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'bias'], outputs: ['h'], attrs: { group: 2, pads: [1, 1], strides: [2] } },
      { op: 'ConvTranspose', inputs: ['h', 'wt'], outputs: ['y'], attrs: { strides: [2], output_padding: [1], kernel_shape: [4] } },
    ],
  });
  for (const [n, len] of [[1, 9], [2, 16]]) {
    const { input } = await compare(c, { x: { data: rand(n * 4 * len, len), shape: [n, 4, len] } }, 1e-5);
    assert.equal(ops(input), ['ConvNd', 'ConvTranspose']);
  }
});

test('refusals: UNSUPPORTED_OP / BAD_GRAPH naming the node', async () => {
  const refuse = async (spec: Spec, code: string, re: RegExp) => {
    try { await importModel(buildModel(spec)); } catch (e) {
      assert.is((e as Error).name, 'AlloyError', String(e));   // the importer runs from source: its own AlloyError class
      assert.is((e as AlloyError).code, code, (e as Error).message);
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable(`no ${code}`);
  };
  await refuse({ inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [3, 3] }, { name: 'c', shape: [3, 3] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'Einsum', inputs: ['a', 'b', 'c'], outputs: ['y'], name: 'e3', attrs: { equation: 'ij,jk,kl->il' } }] }, 'UNSUPPORTED_OP', /e3.*3 operands/);
  await refuse({ inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [4, 5] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'], name: 'mm' }] }, 'SHAPE_MISMATCH', /3 columns/);
  await refuse({ inputs: [{ name: 'x', shape: [1, 2, 3, 3, 3, 3] }, { name: 'w', shape: [1, 2, 1, 1, 1, 1] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'], name: 'ct4' }] }, 'UNSUPPORTED_OP', /ct4.*4 spatial dims/);
});

test.run();

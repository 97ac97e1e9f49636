// The pooling family through the ONNX importer (src/tools/import/onnx/ops/pool.ts), against
// onnxruntime-web: 2-D MaxPool / AveragePool the NHWC handlers take keep their nodes; 1-D and 3-D
// windows, dilations, ceil_mode with count_include_pad, LpPool, GlobalAveragePool of rank 5,
// RoiAlign take the n-d rows; refusals name the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, importModel, rand, type Spec } from './onnx-helpers.ts';
import type { AlloyError } from '../../build/alloy.mjs';

const ops = (input: { graph: { nodes: { op: string }[] } }) => input.graph.nodes.map((n) => n.op);
const one = (op: string, x: number[], attrs: Spec['nodes'][number]['attrs'], name = 'p'): Spec =>
  ({ inputs: [{ name: 'x', shape: x }], outputs: [{ name: 'y' }], nodes: [{ op, inputs: ['x'], outputs: ['y'], name, attrs }] });
const feed = (x: number[], seed: number) => ({ x: { data: rand(x.reduce((a, b) => a * b, 1), seed), shape: x } });

test('2-D MaxPool / AveragePool the NHWC handlers take keep their nodes (bundles unchanged)', async () => {
  for (const op of ['MaxPool', 'AveragePool']) {
    const { input } = await compare(buildModel(one(op, [1, 3, 7, 6], { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 0, 1, 1] })), feed([1, 3, 7, 6], 1), 1e-6);
    assert.equal(ops(input), ['Transpose', op, 'Transpose']);
  }
});

test('1-D / 3-D windows, dilations, ceil_mode + count_include_pad, LpPool, rank-5 GlobalAveragePool: the n-d rows (= onnxruntime-web)', async () => {
  const cases: [string, number[], Spec['nodes'][number]['attrs'], string][] = [
    ['MaxPool', [2, 3, 13], { kernel_shape: [3], strides: [2], dilations: [2], pads: [2, 1] }, 'MaxPoolNd'],
    ['MaxPool', [1, 2, 5, 6, 7], { kernel_shape: [2, 3, 2], strides: [2, 2, 1], ceil_mode: 1 }, 'MaxPoolNd'],
    // (SAME with dilations: onnxruntime pads for the undilated kernel; Alloy follows the spec's dilated extent)
    ['MaxPool', [1, 2, 9], { kernel_shape: [4], strides: [2], auto_pad: 'SAME_LOWER' }, 'MaxPoolNd'],
    ['AveragePool', [1, 2, 9], { kernel_shape: [4], strides: [2], auto_pad: 'SAME_UPPER' }, 'AveragePoolNd'],
    ['AveragePool', [1, 2, 7, 8], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }, 'AveragePoolNd'],
    ['AveragePool', [2, 1, 4, 5, 6], { kernel_shape: [2, 2, 3], pads: [0, 1, 1, 1, 0, 2] }, 'AveragePoolNd'],
    ['LpPool', [1, 3, 6, 7], { kernel_shape: [2, 3], strides: [2, 2], p: 2 }, 'LpPool'],
    ['GlobalAveragePool', [2, 3, 3, 4, 5], undefined, 'GlobalAveragePoolNd'],
  ];
  for (const [op, x, attrs, want] of cases) {
    const { input } = await compare(buildModel(one(op, x, attrs)), feed(x, x.length), 1e-5);
    assert.ok(ops(input).includes(want), `${op} ${JSON.stringify(attrs)}: ${ops(input)}`);
  }
});

test('RoiAlign with rois and batch indices as inputs (= onnxruntime-web)', async () => {
  const spec: Spec = {
    inputs: [{ name: 'x', shape: [2, 3, 8, 9] }, { name: 'r', shape: [3, 4] }], outputs: [{ name: 'y' }],
    inits: [{ name: 'b', shape: [3], data: [0, 1, 1], type: 'int64' }],
    nodes: [{ op: 'RoiAlign', inputs: ['x', 'r', 'b'], outputs: ['y'], attrs: { output_height: 2, output_width: 3, sampling_ratio: 2, spatial_scale: { f: 0.5 } } }],
  };
  const r = { data: new Float32Array([1, 2, 10, 12, 0, 0, 16, 14, 3.5, 1.25, 7, 9]), shape: [3, 4] };
  const { input } = await compare(buildModel(spec), { ...feed([2, 3, 8, 9], 3), r }, 1e-5);
  assert.equal(ops(input), ['RoiAlign']);
});

test('refusals: UNSUPPORTED_OP / BAD_GRAPH / SHAPE_MISMATCH naming the node', async () => {
  const refuse = async (spec: Spec, code: string, re: RegExp) => {
    try { await importModel(buildModel(spec)); } catch (e) {
      assert.is((e as Error).name, 'AlloyError', String(e));
      assert.is((e as AlloyError).code, code, (e as Error).message);
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable(`no ${code}`);
  };
  await refuse(one('MaxPool', [1, 1, 2, 2, 2, 2], { kernel_shape: [1, 1, 1, 1] }, 'm4'), 'UNSUPPORTED_OP', /m4.*4 spatial dims/);
  await refuse(one('MaxPool', [1, 1, 5], {}, 'mk'), 'BAD_GRAPH', /mk.*kernel_shape is required/);
  await refuse(one('AveragePool', [1, 1, 5], { kernel_shape: [2], auto_pad: 'SAME' }, 'ap'), 'BAD_GRAPH', /ap.*auto_pad/);
  await refuse(one('MaxPool', [1, 1, 3], { kernel_shape: [5] }, 'big'), 'SHAPE_MISMATCH', /big.*smaller than the window/);
});

test.run();

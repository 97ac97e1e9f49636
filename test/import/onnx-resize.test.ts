// The resize family through the ONNX importer (src/tools/import/onnx/ops/resize.ts), against
// onnxruntime-web: Resize cases the NHWC handler refuses (cubic, rank 3, 2-D, runtime scales),
// opset 10 Resize, Upsample 7 / 9 and GridSample 16 become ResizeNd / GridSample nodes; the
// f32 4-D nearest / linear images with constant scales keep the NHWC Resize; refusals name the node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, importModel, rand, type Spec } from './onnx-helpers.ts';
import type { AlloyError } from '../../build/alloy.mjs';

const ops = (input: { graph: { nodes: { op: string }[] } }) => input.graph.nodes.map((n) => n.op);
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const sc = (name: string, v: number[]) => ({ name, shape: [v.length], data: new Float32Array(v) });
const i64 = (name: string, v: number[]) => ({ name, shape: [v.length], data: v, type: 'int64' as const });

function resizeSpec(xs: number[], attrs: Spec['nodes'][0]['attrs'], args: { scales?: number[]; sizes?: number[] }, opset = 13): Spec {
  return {
    opset, inputs: [{ name: 'x', shape: xs }], outputs: [{ name: 'y' }],
    inits: [...(args.scales ? [sc('scales', args.scales)] : []), ...(args.sizes ? [i64('sizes', args.sizes)] : [])],
    nodes: [{ op: 'Resize', inputs: ['x', '', args.scales ? 'scales' : '', ...(args.sizes ? ['sizes'] : [])], outputs: ['y'], attrs }],
  };
}
const feed = (xs: number[], seed: number) => ({ x: { data: rand(prod(xs), seed), shape: xs } });

test('Resize the NHWC handler refuses becomes ResizeNd (= onnxruntime): cubic, rank 3 nearest, 2-D linear align_corners, 5-D nearest', async () => {
  const cases: [number[], Spec['nodes'][0]['attrs'], { scales?: number[]; sizes?: number[] }][] = [
    [[1, 2, 4, 5], { mode: 'cubic' }, { scales: [1, 1, 1.5, 0.8] }],
    [[1, 2, 4, 5], { mode: 'cubic', cubic_coeff_a: { f: -0.5 }, exclude_outside: 1 }, { sizes: [1, 2, 7, 3] }],
    [[1, 3, 5], { mode: 'nearest', nearest_mode: 'ceil' }, { sizes: [1, 3, 9] }],
    [[5, 6], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, { sizes: [7, 4] }],
    [[1, 2, 3, 2, 4], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, { scales: [1, 1, 2, 1.5, 0.5] }],
  ];
  for (const [xs, attrs, args] of cases) {
    const { input } = await compare(buildModel(resizeSpec(xs, attrs, args)), feed(xs, xs.length), 1e-5);
    assert.ok(ops(input).includes('ResizeNd'), JSON.stringify(ops(input)));
  }
});

test('Resize with scales computed in the graph (a runtime value) and an unknown H: ResizeNd, several shapes on one model', async () => {
  const model = buildModel({
    inputs: [{ name: 'x', shape: [1, 2, 'h', 6] }, { name: 's', shape: [4] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'Resize', inputs: ['x', '', 's'], outputs: ['y'], attrs: { mode: 'linear' } }],
  });
  for (const [h, s] of [[3, [1, 1, 2, 0.5]], [5, [1, 1, 1.5, 2]]] as const) {
    const { input } = await compare(model, { x: { data: rand(12 * h, h), shape: [1, 2, h, 6] }, s: { data: new Float32Array(s), shape: [4] } }, 1e-5);
    assert.equal(ops(input), ['ResizeNd']);
  }
});

test('f32 4-D Resize with constant scales keeps the NHWC Resize', async () => {
  const xs = [1, 3, 4, 4];
  const { input } = await compare(buildModel(resizeSpec(xs, { mode: 'linear' }, { scales: [1, 1, 2, 2] })), feed(xs, 3), 1e-5);
  assert.ok(ops(input).includes('Resize') && !ops(input).includes('ResizeNd'), JSON.stringify(ops(input)));
});

test('Resize opset 10, Upsample 9 (scales input) and 7 (scales attribute): [X, scales], asymmetric (= onnxruntime)', async () => {
  const xs = [1, 2, 3, 4];
  for (const mode of ['nearest', 'linear']) {
    const r10 = buildModel({ opset: 10, inputs: [{ name: 'x', shape: xs }], outputs: [{ name: 'y' }], inits: [sc('s', [1, 1, 2, 1.5])], nodes: [{ op: 'Resize', inputs: ['x', 's'], outputs: ['y'], attrs: { mode } }] });
    assert.equal(ops((await compare(r10, feed(xs, 1), 1e-5)).input), ['ResizeNd']);
    const u9 = buildModel({ opset: 9, inputs: [{ name: 'x', shape: xs }], outputs: [{ name: 'y' }], inits: [sc('s', [1, 1, 3, 2])], nodes: [{ op: 'Upsample', inputs: ['x', 's'], outputs: ['y'], attrs: { mode } }] });
    assert.equal(ops((await compare(u9, feed(xs, 2), 1e-5)).input), ['ResizeNd']);
    const u7 = buildModel({ opset: 7, inputs: [{ name: 'x', shape: xs }], outputs: [{ name: 'y' }], nodes: [{ op: 'Upsample', inputs: ['x'], outputs: ['y'], attrs: { mode, scales: { fs: [1, 1, 2, 2] } } }] });
    assert.equal(ops((await compare(u7, feed(xs, 3), 1e-5)).input), ['ResizeNd']);
  }
});

test('GridSample 16 (= onnxruntime): bilinear / nearest / bicubic, zeros / border / reflection, align_corners', async () => {
  const xs = [2, 3, 4, 5], gs = [2, 3, 6, 2];
  const g = rand(prod(gs), 9, 1.2);
  for (const mode of ['bilinear', 'nearest', 'bicubic']) for (const padding_mode of ['zeros', 'border', 'reflection']) for (const align_corners of [0, 1]) {
    const model = buildModel({ opset: 16, inputs: [{ name: 'x', shape: xs }, { name: 'g', shape: gs }], outputs: [{ name: 'y' }], nodes: [{ op: 'GridSample', inputs: ['x', 'g'], outputs: ['y'], attrs: { mode, padding_mode, align_corners } }] });
    try {
      const { input } = await compare(model, { x: { data: rand(prod(xs), 4), shape: xs }, g: { data: g, shape: gs } }, 1e-4);
      assert.equal(ops(input), ['GridSample']);
    } catch (e) { throw new Error(`${mode} ${padding_mode} ${align_corners}: ${(e as Error).message}`); }
  }
});

test('refusals name the node: opset 10 cubic, Upsample 7 without scales, GridSample of a 5-D input', async () => {
  const cases: [Spec, RegExp][] = [
    [{ opset: 10, inputs: [{ name: 'x', shape: [1, 1, 2, 2] }], outputs: [{ name: 'y' }], inits: [sc('s', [1, 1, 2, 2])], nodes: [{ op: 'Resize', name: 'r10', inputs: ['x', 's'], outputs: ['y'], attrs: { mode: 'cubic' } }] }, /r10.*mode "cubic"/],
    [{ opset: 7, inputs: [{ name: 'x', shape: [1, 1, 2, 2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Upsample', name: 'up', inputs: ['x'], outputs: ['y'] }] }, /up.*without its scales attribute/],
    [{ opset: 13, inputs: [{ name: 'x', shape: [1, 1, 2, 2], type: 'int32' }], outputs: [{ name: 'y', type: 'int32' }], inits: [sc('s', [1, 1, 2, 2])], nodes: [{ op: 'Resize', name: 'ri', inputs: ['x', '', 's'], outputs: ['y'], attrs: { mode: 'linear' } }] }, /ri.*linear on i32/],
    [{ opset: 16, inputs: [{ name: 'x', shape: [1, 1, 2, 2, 2] }, { name: 'g', shape: [1, 2, 2, 2, 3] }], outputs: [{ name: 'y' }], nodes: [{ op: 'GridSample', name: 'gs5', inputs: ['x', 'g'], outputs: ['y'] }] }, /gs5.*4-D expected/],
  ];
  for (const [spec, re] of cases) {
    try { await importModel(buildModel(spec)); assert.unreachable('imported'); } catch (e) {
      assert.is((e as AlloyError).code, 'UNSUPPORTED_OP', (e as Error).message);
      assert.match((e as Error).message, re);
    }
  }
});

test.run();

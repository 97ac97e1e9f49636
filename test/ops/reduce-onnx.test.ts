// The reduction family through the ONNX importer (src/tools/import/onnx/ops/reduce.ts, generic
// rows): small models built here, run by Alloy and by onnxruntime-web (the independent oracle),
// at more than one shape; the existing paths (ReduceMean over H x W, Softmax on the last axis,
// LayerNormalization without its statistics) keep their Alloy nodes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, importModel, rand, runAlloy, type Spec } from '../import/onnx-helpers.ts';
import { f32, i64 } from '../import/onnx-build.ts';

const one = (op: string, shape: number[], attrs: Record<string, any> = {}, extra: { inputs?: string[]; inits?: any[]; outputs?: string[]; opset?: number } = {}): Spec => ({
  opset: extra.opset ?? 17,
  inputs: [{ name: 'x', shape }],
  outputs: (extra.outputs ?? ['y']).map((name) => ({ name })),
  inits: extra.inits ?? [],
  nodes: [{ op, inputs: ['x', ...(extra.inputs ?? [])], outputs: extra.outputs ?? ['y'], attrs }],
});
const feed = (shape: number[], seed: number) => ({ x: { data: rand(shape.reduce((a, b) => a * b, 1), seed, 3), shape } });
const ops = async (spec: Spec) => (await importModel(buildModel(spec))).graph.nodes.map((n: any) => n.op);

test('Reduce* on any axes (attrs before opset 18, a constant input from 18) against onnxruntime', async () => {
  for (const shape of [[3, 4, 5], [2, 3, 1, 7]]) {
    for (const op of ['ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp', 'ReduceMean', 'ReduceProd']) {
      for (const [axes, keepdims] of [[[1], 1], [[0, -1], 0], [[], 1]] as [number[], number][]) {
        const attrs = op === 'ReduceSum' ? { keepdims } : { keepdims, ...(axes.length ? { axes } : {}) };
        const extra = op === 'ReduceSum' && axes.length ? { inputs: ['axes'], inits: [i64('axes', axes)], opset: 13 } : { opset: 13 };
        await compare(buildModel(one(op, shape, attrs, extra)), feed(shape, 3), op === 'ReduceProd' ? 1e-4 : 2e-5);
      }
    }
    await compare(buildModel(one('ReduceMax', shape, { keepdims: 0 }, { inputs: ['axes'], inits: [i64('axes', [-2])], opset: 18 })), feed(shape, 4), 0);
  }
});

test('ArgMax / ArgMin (i64), CumSum, Hardmax, Softmax / LogSoftmax on an inner axis and before opset 13', async () => {
  const shape = [2, 3, 4], x = feed(shape, 5);
  // ArgMax / ArgMin: buildModel declares float outputs (ORT refuses them), so a JS oracle
  const xs = x.x.data;
  for (const op of ['ArgMax', 'ArgMin']) for (const [axis, keepdims, last] of [[0, 1, 0], [-1, 0, 1]]) {
    const spec = one(op, shape, { axis, keepdims, select_last_index: last });
    spec.outputs = [{ name: 'y', type: 'int64' }];
    const { out } = await runAlloy(buildModel(spec), x);
    const a = axis < 0 ? axis + 3 : axis, outer = shape.slice(0, a).reduce((p, q) => p * q, 1), len = shape[a], inner = shape.slice(a + 1).reduce((p, q) => p * q, 1);
    const want: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const v = Array.from({ length: len }, (_, k) => xs[(o * len + k) * inner + i]), e = op === 'ArgMax' ? Math.max(...v) : Math.min(...v);
      want.push(last ? v.lastIndexOf(e) : v.indexOf(e));
    }
    assert.equal(out.y.shape, keepdims ? shape.map((d, i) => (i === a ? 1 : d)) : shape.filter((_, i) => i !== a));
    assert.equal([...out.y.data].map(Number), want, `${op} axis ${axis}`);
  }
  await compare(buildModel(one('CumSum', shape, { exclusive: 1, reverse: 1 }, { inputs: ['a'], inits: [{ name: 'a', shape: [], data: [1], type: 'int64' }] })), x, 1e-6);
  for (const axis of [0, 1, -1]) await compare(buildModel(one('Hardmax', shape, { axis }, { opset: 13 })), x, 0);
  await compare(buildModel(one('Hardmax', shape, { axis: 1 }, { opset: 11 })), x, 0);
  for (const op of ['Softmax', 'LogSoftmax']) {
    await compare(buildModel(one(op, shape, { axis: 1 }, { opset: 13 })), x, 1e-5);
    await compare(buildModel(one(op, shape, { axis: 1 }, { opset: 11 })), x, 1e-5);
  }
  // the last axis keeps Alloy's Softmax node (and its bits)
  assert.equal(await ops(one('Softmax', shape, { axis: -1 }, { opset: 13 })), ['Softmax']);
  assert.equal(await ops(one('Hardmax', shape, { axis: -1 }, { opset: 13 })), ['Hardmax']);
});

test('LayerNormalization with Mean / InvStdDev; Instance / Lp / MeanVariance normalisation, LRN', async () => {
  const shape = [2, 3, 4, 5];
  for (const axis of [1, -1]) {
    const len = shape.slice(axis < 0 ? axis + 4 : axis).reduce((a, b) => a * b, 1), ns = shape.slice(axis < 0 ? axis + 4 : axis);
    const spec = one('LayerNormalization', shape, { axis, epsilon: { f: 1e-3 } }, { inputs: ['s', 'b'], inits: [f32('s', ns, 7), f32('b', ns, 8)], outputs: ['y', 'mean', 'inv'] });
    await compare(buildModel(spec), feed(shape, 9), 1e-4);
    assert.ok(len > 0);
  }
  // without the statistics it stays Alloy's LayerNorm
  assert.ok((await ops(one('LayerNormalization', [2, 6], {}, { inputs: ['s'], inits: [f32('s', [6], 7)] }))).includes('LayerNorm'));
  await compare(buildModel(one('InstanceNormalization', shape, { epsilon: { f: 1e-4 } }, { inputs: ['s', 'b'], inits: [f32('s', [3], 10), f32('b', [3], 11)] })), feed(shape, 12), 1e-4);
  for (const p of [1, 2]) await compare(buildModel(one('LpNormalization', shape, { axis: 1, p })), feed(shape, 13), 1e-5);
  await compare(buildModel(one('MeanVarianceNormalization', shape, {}, { opset: 13 })), feed(shape, 14), 1e-4);
  await compare(buildModel(one('MeanVarianceNormalization', shape, { axes: [1, 3] }, { opset: 13 })), feed(shape, 15), 1e-4);
  await compare(buildModel(one('LRN', shape, { size: 3, alpha: { f: 1e-2 }, beta: { f: 0.6 }, bias: { f: 1.5 } })), feed(shape, 16), 1e-5);
});

test('ReduceMean: over H x W it stays a GlobalAveragePool; over other axes the generic node', async () => {
  const shape = [1, 3, 4, 5];
  assert.equal(await ops(one('ReduceMean', shape, { axes: [2, 3], keepdims: 1 }, { opset: 13 })).then((o) => o.includes('GlobalAveragePool')), true);
  assert.ok((await ops(one('ReduceMean', shape, { axes: [1], keepdims: 1 }, { opset: 13 }))).includes('ReduceMean'));
  await compare(buildModel(one('ReduceMean', shape, { axes: [0, 1], keepdims: 0 }, { opset: 13 })), feed(shape, 17), 1e-5);
});

test.run();

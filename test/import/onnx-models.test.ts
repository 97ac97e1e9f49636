// importOnnx end to end: models shaped like PyTorch exports, Alloy vs onnxruntime-web.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, rand, type Node, type Spec } from './onnx-helpers.ts';
import { f32, i64, shapeSubgraphSpec } from './onnx-build.ts';
import { f16Bits } from '../util.ts';

const feed = (shape: number[], seed: number, scale = 1) => ({ data: rand(shape.reduce((a, b) => a * b, 1), seed, scale), shape });
const scalar = (name: string, v: number) => ({ name, shape: [], data: new Float32Array([v]) });

test('MLP: Gemm transB=1 + Relu + Gemm + Softmax, dynamic batch; opset 11 and 13', async () => {
  for (const opset of [11, 13]) {
    const spec: Spec = {
      opset,
      inputs: [{ name: 'input', shape: ['batch', 16] }], outputs: [{ name: 'probs', shape: ['batch', 10] }],
      inits: [f32('fc1.weight', [32, 16], 1), f32('fc1.bias', [32], 2), f32('fc2.weight', [24, 32], 3), f32('fc2.bias', [24], 4), f32('fc3.weight', [10, 24], 5), f32('fc3.bias', [10], 6)],
      nodes: [
        { op: 'Gemm', inputs: ['input', 'fc1.weight', 'fc1.bias'], outputs: ['h1'], attrs: { transB: 1, alpha: { f: 1 }, beta: { f: 1 } } },
        { op: 'Relu', inputs: ['h1'], outputs: ['a1'] },
        { op: 'Gemm', inputs: ['a1', 'fc2.weight', 'fc2.bias'], outputs: ['h2'], attrs: { transB: 1 } },
        { op: 'LeakyRelu', inputs: ['h2'], outputs: ['a2'], attrs: { alpha: { f: 0.1 } } },
        { op: 'Gemm', inputs: ['a2', 'fc3.weight', 'fc3.bias'], outputs: ['logits'], attrs: { transB: 1 } },
        { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: opset < 13 ? 1 : -1 } },
      ],
    };
    const m = buildModel(spec);
    for (const B of [1, 3]) {
      const { input } = await compare(m, { input: feed([B, 16], 10 + B) });
      assert.equal(input.graph.inputs[0].shape, [-1, 16]);
      assert.equal(input.graph.nodes.map((n) => n.op), ['Dense', 'Dense', 'LeakyRelu', 'Dense', 'Softmax']);
    }
  }
});

test('MLP variants: MatMul + Add (3-D activations), Gemm alpha/beta/transB=0, Sigmoid, Tanh, PRelu, LogSoftmax', async () => {
  const spec: Spec = {
    inputs: [{ name: 'x', shape: [2, 5, 8] }, { name: 'x2', shape: [2, 6] }], outputs: [{ name: 'y' }, { name: 'z' }],
    inits: [f32('w', [8, 12], 1), f32('b', [12], 2), f32('w2', [12, 7], 3), f32('slope', [7], 4), f32('g', [6, 3], 5), f32('c', [3], 6)],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
      { op: 'Add', inputs: ['m', 'b'], outputs: ['mb'] },
      { op: 'Tanh', inputs: ['mb'], outputs: ['t'] },
      { op: 'MatMul', inputs: ['t', 'w2'], outputs: ['m2'] },
      { op: 'PRelu', inputs: ['m2', 'slope'], outputs: ['p'] },
      { op: 'LogSoftmax', inputs: ['p'], outputs: ['y'], attrs: { axis: -1 } },
      { op: 'Gemm', inputs: ['x2', 'g', 'c'], outputs: ['gz'], attrs: { alpha: { f: 0.5 }, beta: { f: 2 } } },
      { op: 'Sigmoid', inputs: ['gz'], outputs: ['z'] },
    ],
  };
  await compare(buildModel(spec), { x: feed([2, 5, 8], 7), x2: feed([2, 6], 8) });
});

test('ResNet-style CNN: Conv+BN+Relu, residual Add, MaxPool, GlobalAveragePool, Flatten, Gemm', async () => {
  const C = 8;
  const bn = (p: string, seed: number) => [f32(`${p}.scale`, [C], seed), f32(`${p}.bias`, [C], seed + 1), f32(`${p}.mean`, [C], seed + 2, 0.2),
    { name: `${p}.var`, shape: [C], data: rand(C, seed + 3, 0.4).map((v) => v + 0.6) }];
  const spec: Spec = {
    inputs: [{ name: 'image', shape: ['N', 3, 16, 16] }], outputs: [{ name: 'logits', shape: ['N', 10] }],
    inits: [f32('conv1.w', [C, 3, 3, 3], 1), f32('conv2.w', [C, C, 3, 3], 2, 0.2), f32('conv3.w', [C, C, 3, 3], 3, 0.2), f32('conv3.b', [C], 4), f32('conv4.w', [16, C / 2, 3, 3], 5, 0.2),
      ...bn('bn1', 10), ...bn('bn2', 20), ...bn('bn3', 30), f32('fc.w', [10, 16], 40), f32('fc.b', [10], 41)],
    nodes: [
      { op: 'Conv', inputs: ['image', 'conv1.w'], outputs: ['c1'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] } },
      { op: 'BatchNormalization', inputs: ['c1', 'bn1.scale', 'bn1.bias', 'bn1.mean', 'bn1.var'], outputs: ['b1'], attrs: { epsilon: { f: 1e-5 } } },
      { op: 'Relu', inputs: ['b1'], outputs: ['r1'] },
      { op: 'Conv', inputs: ['r1', 'conv2.w'], outputs: ['c2'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['c2', 'bn2.scale', 'bn2.bias', 'bn2.mean', 'bn2.var'], outputs: ['b2'] },
      { op: 'Relu', inputs: ['b2'], outputs: ['r2'] },
      { op: 'Conv', inputs: ['r2', 'conv3.w', 'conv3.b'], outputs: ['c3'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['c3', 'bn3.scale', 'bn3.bias', 'bn3.mean', 'bn3.var'], outputs: ['b3'] },
      { op: 'Add', inputs: ['b3', 'r1'], outputs: ['res'] },
      { op: 'Relu', inputs: ['res'], outputs: ['r3'] },
      { op: 'MaxPool', inputs: ['r3'], outputs: ['p'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
      { op: 'Conv', inputs: ['p', 'conv4.w'], outputs: ['c4'], attrs: { kernel_shape: [3, 3], strides: [2, 2], group: 2, dilations: [1, 1], auto_pad: 'SAME_LOWER' } },
      { op: 'Relu', inputs: ['c4'], outputs: ['r4'] },
      { op: 'GlobalAveragePool', inputs: ['r4'], outputs: ['gap'] },
      { op: 'Flatten', inputs: ['gap'], outputs: ['flat'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['flat', 'fc.w', 'fc.b'], outputs: ['logits'], attrs: { transB: 1 } },
    ],
  };
  const m = buildModel(spec);
  const { input } = await compare(m, { image: feed([2, 3, 16, 16], 99) });
  const ops = input.graph.nodes.map((n) => n.op);
  assert.equal(ops.filter((o) => o === 'Conv').length, 4);
  assert.not.ok(ops.includes('Mul'), 'BN folded into the convs');
  assert.ok(input.graph.nodes.filter((n) => n.op === 'Conv' && n.attrs?.activation === 'relu').length >= 2, 'relu fused');
  assert.equal(ops.filter((o) => o === 'Transpose').length, 1, 'one NCHW -> NHWC transpose at the input; GAP -> Flatten needs none');
  await compare(m, { image: feed([1, 3, 16, 16], 98) });
});

test('depthwise/pointwise block: Clip(0,6), HardSwish, AveragePool, Concat, Resize, Transpose/Reshape, 4-D outputs in NCHW', async () => {
  const spec: Spec = {
    opset: 14,
    inputs: [{ name: 'x', shape: [1, 4, 8, 8] }], outputs: [{ name: 'feat' }, { name: 'up' }, { name: 'seq' }, { name: 'lin' }],
    inits: [f32('dw.w', [4, 1, 3, 3], 1), f32('dw.b', [4], 2), scalar('zero', 0), scalar('six', 6), f32('pw.w', [8, 4, 1, 1], 3), f32('pw.b', [8], 4),
      f32('pw2.w', [4, 4, 1, 1], 5), f32('chan', [12, 1, 1], 6), { name: 'scales', shape: [4], data: new Float32Array([1, 1, 2, 2]) },
      i64('seqshape', [1, -1, 12]), { name: 'roi', shape: [0], data: new Float32Array(0) }, i64('sizes', [1, 12, 6, 6])],
    nodes: [
      { op: 'Conv', inputs: ['x', 'dw.w', 'dw.b'], outputs: ['d'], attrs: { group: 4, kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Clip', inputs: ['d', 'zero', 'six'], outputs: ['d6'] },
      { op: 'Conv', inputs: ['d6', 'pw.w', 'pw.b'], outputs: ['p'], attrs: { kernel_shape: [1, 1] } },
      { op: 'HardSwish', inputs: ['p'], outputs: ['hs'] },
      { op: 'AveragePool', inputs: ['hs'], outputs: ['ap'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Conv', inputs: ['x', 'pw2.w'], outputs: ['q'], attrs: { kernel_shape: [1, 1], strides: [2, 2] } },
      { op: 'Concat', inputs: ['ap', 'q'], outputs: ['cat'], attrs: { axis: 1 } },
      { op: 'Mul', inputs: ['cat', 'chan'], outputs: ['feat'] },
      { op: 'Resize', inputs: ['feat', 'roi', 'scales'], outputs: ['up'], attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } },
      { op: 'Resize', inputs: ['feat', '', '', 'sizes'], outputs: ['lin'], attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' } },
      { op: 'Transpose', inputs: ['up'], outputs: ['t'], attrs: { perm: [0, 2, 3, 1] } },
      { op: 'Reshape', inputs: ['t', 'seqshape'], outputs: ['seq'] },
    ],
  };
  const { input } = await compare(buildModel(spec), { x: feed([1, 4, 8, 8], 11) });
  const ops = input.graph.nodes.map((n) => n.op);
  assert.ok(ops.includes('DepthwiseConv'));
  assert.ok(input.graph.nodes.some((n) => n.op === 'DepthwiseConv' && n.attrs?.activation === 'relu6'), 'Clip(0,6) fused as relu6');
});

test('Pad, standalone BatchNormalization (Mul+Add), Sub/Div by constants, constant - x, channel Softmax, ReduceMean, Dropout/Identity', async () => {
  const C = 3;
  const spec: Spec = {
    opset: 13,
    inputs: [{ name: 'x', shape: [2, C, 5, 4] }], outputs: [{ name: 'sm' }, { name: 'rm' }, { name: 'rl' }],
    inits: [i64('pads', [0, 0, 1, 2, 0, 0, 2, 1]), f32('s', [C], 1), f32('b', [C], 2), f32('mu', [C], 3), { name: 'var', shape: [C], data: new Float32Array([0.5, 1, 2]) },
      f32('w', [C, C, 1, 1], 5), scalar('two', 2), f32('row', [1, 1, 1, 7], 6)],
    nodes: [
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['xp'], attrs: { mode: 'reflect' } },
      { op: 'Conv', inputs: ['xp', 'w'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
      { op: 'Identity', inputs: ['c'], outputs: ['ci'] },
      { op: 'Sigmoid', inputs: ['ci'], outputs: ['sg'] },
      { op: 'BatchNormalization', inputs: ['sg', 's', 'b', 'mu', 'var'], outputs: ['bn'] },
      { op: 'Dropout', inputs: ['bn'], outputs: ['dr'] },
      { op: 'Sub', inputs: ['two', 'dr'], outputs: ['neg'] },
      { op: 'Div', inputs: ['neg', 'two'], outputs: ['half'] },
      { op: 'Sub', inputs: ['half', 'row'], outputs: ['h2'] },
      { op: 'Softmax', inputs: ['h2'], outputs: ['sm'], attrs: { axis: 1 } },
      { op: 'ReduceMean', inputs: ['h2'], outputs: ['rm'], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: 'ReduceMean', inputs: ['h2'], outputs: ['rl'], attrs: { axes: [-1], keepdims: 1 } },
    ],
  };
  await compare(buildModel(spec), { x: feed([2, C, 5, 4], 12) });
});

test('fp16 initializers stay f16 (Cast to float feeding Gemm and Conv)', async () => {
  const w = rand(6 * 10, 1, 0.5), cw = rand(4 * 2 * 3 * 3, 2, 0.5), cb = rand(4, 3);
  const spec: Spec = {
    inputs: [{ name: 'x', shape: [3, 10] }, { name: 'img', shape: [3, 2, 6, 6] }], outputs: [{ name: 'y' }, { name: 'z' }],
    inits: [{ name: 'w16', shape: [6, 10], data: f16Bits(w), type: 'float16' }, { name: 'cw16', shape: [4, 2, 3, 3], data: f16Bits(cw), type: 'float16' }, { name: 'cb16', shape: [4], data: f16Bits(cb), type: 'float16' }],
    nodes: [
      { op: 'Cast', inputs: ['w16'], outputs: ['w'], attrs: { to: 1 } },
      { op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attrs: { transB: 1 } },
      { op: 'Cast', inputs: ['cw16'], outputs: ['cw'], attrs: { to: 1 } },
      { op: 'Cast', inputs: ['cb16'], outputs: ['cb'], attrs: { to: 1 } },
      { op: 'Conv', inputs: ['img', 'cw', 'cb'], outputs: ['z'], attrs: { kernel_shape: [3, 3] } },
    ],
  };
  const { input } = await compare(buildModel(spec), { x: feed([3, 10], 4), img: feed([3, 2, 6, 6], 5) });
  const formats = Object.values(input.tensors).map((t) => t.format);
  assert.equal(formats.filter((f) => f === 'f16').length, 2, 'both weights stored f16');
});


test('Erf GELU patterns, Gelu (opset 20), LayerNormalization', async () => {
  const sqrt2 = { name: 'sqrt2', shape: [], data: new Float32Array([1.4142135381698608]) };
  const one = scalar('one', 1), half = scalar('half', 0.5);
  for (const form of ['a', 'b'] as const) {
    const gelu: Node[] = form === 'a'
      ? [{ op: 'Div', inputs: ['h', 'sqrt2'], outputs: ['d'] }, { op: 'Erf', inputs: ['d'], outputs: ['e'] }, { op: 'Add', inputs: ['e', 'one'], outputs: ['a'] },
        { op: 'Mul', inputs: ['h', 'a'], outputs: ['m'] }, { op: 'Mul', inputs: ['m', 'half'], outputs: ['g'] }]
      : [{ op: 'Mul', inputs: ['h', 'half'], outputs: ['hh'] }, { op: 'Div', inputs: ['h', 'sqrt2'], outputs: ['d'] }, { op: 'Erf', inputs: ['d'], outputs: ['e'] },
        { op: 'Add', inputs: ['one', 'e'], outputs: ['a'] }, { op: 'Mul', inputs: ['hh', 'a'], outputs: ['g'] }];
    const spec: Spec = {
      opset: 17,
      inputs: [{ name: 'x', shape: ['batch', 4, 16] }], outputs: [{ name: 'y' }],
      inits: [f32('w1', [16, 32], 1), f32('ln.g', [32], 2), f32('ln.b', [32], 3), f32('w2', [32, 16], 4), sqrt2, one, half],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] }, ...gelu,
        { op: 'LayerNormalization', inputs: ['g', 'ln.g', 'ln.b'], outputs: ['n'], attrs: { axis: -1, epsilon: { f: 1e-5 } } },
        { op: 'MatMul', inputs: ['n', 'w2'], outputs: ['y'] },
      ],
    };
    const { input } = await compare(buildModel(spec), { x: feed([2, 4, 16], 6, 2) });
    assert.ok(input.graph.nodes.some((n) => n.op === 'Gelu'), `form ${form} became Gelu`);
    assert.not.ok(input.graph.nodes.some((n) => n.op === 'Div'), `form ${form}: no Div left`);
  }
  const spec20: Spec = {
    opset: 20, inputs: [{ name: 'x', shape: [3, 8] }], outputs: [{ name: 'y' }],
    inits: [f32('w', [8, 8], 1)],
    nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] }, { op: 'Gelu', inputs: ['h'], outputs: ['y'] }],
  };
  await compare(buildModel(spec20), { x: feed([3, 8], 7, 3) });
});

test('Shape -> Gather -> Unsqueeze -> Concat -> Reshape is folded (dynamic batch)', async () => {
  const spec = shapeSubgraphSpec();
  const m = buildModel(spec);
  for (const B of [1, 3]) {
    const { input } = await compare(m, { x: feed([B, 2, 4, 4], 20 + B) });
    assert.equal(input.graph.nodes.find((n) => n.op === 'Reshape' && n.outputs[0] === 'flat')?.attrs?.shape, [0, -1]);
    assert.equal(input.graph.outputs[0].shape, [-1, 5]);
  }
});

test.run();

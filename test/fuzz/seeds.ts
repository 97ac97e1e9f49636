// Seed bundles for the fuzzers: small, valid, and together covering every operator, every
// quantized weight path (affine per tensor / channel / group with zero points, i4, MX, f16) and
// the precision-map paths (w8a8, emulated accumulators and activations). Deterministic bytes.
import { writeBundle, quantizeTensor } from '../../build/alloy-tools.mjs';

/** xorshift32: exact in every engine. */
export function xorshift(seed: number) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
function values(n: number, seed: number, a = 0.25): Float32Array {
  const next = xorshift(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((next() >>> 8) - 8388608) * 2 ** -23 * a;
  return out;
}
const f32 = (shape: number[], seed: number, a?: number) => ({ format: 'f32', shape, data: values(shape.reduce((p, q) => p * q, 1), seed, a) });
const node = (name: string, op: string, inputs: string[], out: string, attrs: Record<string, unknown> = {}) => ({ name, op, inputs, outputs: [out], attrs });

export interface Seed { name: string; bytes: Uint8Array }

/** Dense + relu + Softmax, the bundle of test/bundle. */
function mlp(): Uint8Array {
  return writeBundle({
    graph: {
      inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 2], format: 'f32' }],
      nodes: [node('fc', 'Dense', ['x', 'w', 'b'], 'h', { activation: 'relu' }), node('sm', 'Softmax', ['h'], 'y')],
    },
    tensors: { w: { format: 'f32', shape: [2, 3], data: new Float32Array([1, 0, -1, 0.5, 0.5, 0.5]) }, b: { format: 'f32', shape: [2], data: new Float32Array([0, 1]) } },
    metadata: { tool: 'fuzz seed' },
  });
}

/** A three-layer MLP whose weights are stored in `fmt`, with an optional precision map. */
function quantMLP(fmt: string, opts: any, precision: any): Uint8Array {
  const dims = [40, 24, 16, 4];
  const tensors: Record<string, any> = {};
  const nodes: any[] = [];
  let prev = 'x';
  for (let l = 0; l + 1 < dims.length; l++) {
    const [K, N] = [dims[l], dims[l + 1]];
    Object.assign(tensors, quantizeTensor(`w${l}`, values(N * K, 100 + l, 0.125), [N, K], fmt, opts));
    tensors[`b${l}`] = f32([N], 200 + l, 0.0625);
    const out = l + 2 === dims.length ? 'y' : `h${l}`;
    nodes.push(node(`fc${l}`, 'Dense', [prev, `w${l}`, `b${l}`], out, { activation: out === 'y' ? 'none' : 'relu' }));
    prev = out;
  }
  return writeBundle({
    graph: { inputs: [{ name: 'x', shape: [-1, dims[0]], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 4], format: 'f32' }], nodes },
    tensors, ...(precision ? { precision } : {}),
  });
}

/** Every executor operator in one small NHWC graph. */
function ops(): Uint8Array {
  const C = 4;
  const tensors: Record<string, any> = {
    c1w: f32([C, 3, 3, 2], 11), c1b: f32([C], 12), dww: f32([3, 3, C], 13), dwb: f32([C], 14), c2w: f32([C, 1, 1, C / 2], 15),
    k: f32([C], 16, 1), sl: f32([C], 17), lg: f32([C], 18, 1), lb: f32([C], 19), fw: f32([5, 4 * 4 * 2 * C], 20, 0.0625), fb: f32([5], 21),
  };
  const nodes = [
    node('c1', 'Conv', ['x', 'c1w', 'c1b'], 'a1', { pads: 'same', activation: 'relu6' }),
    node('dw', 'DepthwiseConv', ['a1', 'dww', 'dwb'], 'a2', { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] }),
    node('hs', 'HardSwish', ['a2'], 'a3'),
    node('c2', 'Conv', ['a3', 'c2w'], 'a4', { group: 2 }),
    node('mul', 'Mul', ['a4', 'k'], 'a5'),
    node('pr', 'PRelu', ['a5', 'sl'], 'a6'),
    node('ln', 'LayerNorm', ['a6', 'lg', 'lb'], 'a7', { epsilon: 1e-5 }),
    node('mp', 'MaxPool', ['a7'], 'a8', { kernel: [2, 2], strides: [2, 2] }),
    node('ap', 'AveragePool', ['a7'], 'a9', { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: false }),
    node('add', 'Add', ['a8', 'a9'], 'a10'),
    node('up', 'Resize', ['a10'], 'a11', { size: [4, 4], mode: 'bilinear', coordMode: 'half_pixel' }),
    node('sg', 'Sigmoid', ['a11'], 'a12'),
    node('th', 'Tanh', ['a11'], 'a13'),
    node('cat', 'Concat', ['a12', 'a13'], 'a14', { axis: -1 }),
    node('pad', 'Pad', ['a14'], 'a15', { pads: [0, 1, 0, 0, 0, 0, 1, 0], mode: 'reflect' }),
    node('tr', 'Transpose', ['a15'], 'a16', { perm: [0, 2, 1, 3] }),
    node('gelu', 'Gelu', ['a16'], 'a17'),
    node('crop', 'Resize', ['a17'], 'a18', { size: [4, 4], mode: 'nearest', coordMode: 'asymmetric', nearestMode: 'floor' }),
    node('fl', 'Flatten', ['a18'], 'a19'),
    node('fc', 'Dense', ['a19', 'fw', 'fb'], 'a20'),
    node('lsm', 'LogSoftmax', ['a20'], 'y'),
    node('gap', 'GlobalAveragePool', ['a7'], 'g1'),
    node('rs', 'Reshape', ['g1'], 'g2', { shape: [0, -1] }),
    node('clip', 'Clip', ['g2'], 'g3', { min: -1, max: 1 }),
    node('lr', 'LeakyRelu', ['g3'], 'g4', { alpha: 0.1 }),
    node('fq', 'FakeQuant', ['g4'], 'g5', { format: 'i8', scale: 0.0078125, zeroPoint: 3 }),
    node('sub', 'Sub', ['g5', 'g4'], 'g6'),
    node('div', 'Div', ['g6', 'k'], 'g7'),
    node('r6', 'Relu6', ['g7'], 'g8'),
    node('sm', 'Softmax', ['g8'], 'g'),
  ];
  return writeBundle({
    graph: { inputs: [{ name: 'x', shape: [-1, 8, 8, 2], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 5], format: 'f32' }, { name: 'g', shape: [-1, C], format: 'f32' }], nodes },
    tensors,
  });
}

/** Two inputs, a value-value binary op, a Concat of three, and an output that is an input. */
function twoInputs(): Uint8Array {
  return writeBundle({
    graph: {
      inputs: [{ name: 'a', shape: [-1, 6], format: 'f32' }, { name: 'b', shape: [-1, 6], format: 'f32' }],
      outputs: [{ name: 'y', shape: [-1, 18], format: 'f32' }, { name: 'a', shape: [-1, 6], format: 'f32' }],
      nodes: [node('add', 'Add', ['a', 'b'], 's'), node('cat', 'Concat', ['s', 'a', 'b'], 'c', { axis: 1 }), node('t', 'Tanh', ['c'], 'y')],
    },
    tensors: {},
  });
}

let cache: Seed[] | null = null;
/** The seed corpus (needs init() first: quantizeTensor and the checksums run in the module). */
/** Control flow: a Loop (trip count and condition stored tensors) whose body reads the outer x,
 *  then an If whose branches read the Loop's outputs (src/runtime/control/). */
function control(): Uint8Array {
  const vi = (name: string, format: string, shape: number[] = []) => ({ name, format, shape });
  return writeBundle({
    graph: {
      inputs: [vi('x', 'f32', [-1, 3])], outputs: [vi('y', 'f32', [-1, 3])],
      nodes: [
        { name: 'loop', op: 'Loop', inputs: ['M', 'c', 'x'], outputs: ['s', 'all'], attrs: { body: {
          inputs: [vi('i', 'i64'), vi('ci', 'bool'), vi('v', 'f32', [-1, 3])], outputs: [vi('co', 'bool'), vi('v2', 'f32'), vi('snap', 'f32')],
          nodes: [node('keep', 'Identity', ['ci'], 'co'), node('add', 'Add', ['v', 'x'], 'v2'), node('snap', 'Relu', ['v2'], 'snap')],
        } } },
        { name: 'if', op: 'If', inputs: ['c'], outputs: ['y'], attrs: {
          then_branch: { inputs: [], outputs: [vi('t', 'f32')], nodes: [node('t', 'Mul', ['s', 'x'], 't')] },
          else_branch: { inputs: [], outputs: [vi('e', 'f32')], nodes: [node('e', 'Identity', ['s'], 'e')] },
        } },
      ],
    },
    tensors: { M: { format: 'i64', shape: [], data: new BigInt64Array([3n]) }, c: { format: 'bool', shape: [], data: new Uint8Array([1]) } },
    metadata: { tool: 'fuzz seed' },
  });
}

export function seeds(): Seed[] {
  if (cache) return cache;
  cache = [
    { name: 'mlp', bytes: mlp() },
    { name: 'ops', bytes: ops() },
    { name: 'two-inputs', bytes: twoInputs() },
    { name: 'i8-channel-zp', bytes: quantMLP('i8', { granularity: 'channel', symmetric: false }, { version: 1, default: { weights: 'i8' } }) },
    { name: 'u8-channel', bytes: quantMLP('u8', { granularity: 'channel', symmetric: false }, null) },
    { name: 'i4-group', bytes: quantMLP('i4', { granularity: 'group', groupSize: 8 }, null) },
    { name: 'mxfp4', bytes: quantMLP('mxfp4_e2m1', undefined, null) },
    { name: 'mxfp6', bytes: quantMLP('mxfp6_e3m2', undefined, null) },
    { name: 'mxint8', bytes: quantMLP('mxint8', undefined, null) },
    { name: 'f16', bytes: quantMLP('f16', undefined, { version: 1, default: { activations: 'f16', round: 'rtz' } }) },
    { name: 'f6', bytes: quantMLP('f6_e2m3fn', undefined, null) },
    { name: 'f8-acc', bytes: quantMLP('f8_e4m3fn', undefined, { version: 1, default: { accumulator: 'f8_e5m2' } }) },
    { name: 'w8a8', bytes: quantMLP('i8', { granularity: 'channel' }, { version: 1, default: { activations: 'i8' }, layers: { fc2: { activations: 'f32' } } }) },
    { name: 'acc-bf16', bytes: quantMLP('f32', undefined, { version: 1, default: { accumulator: 'bf16', activations: 'bf16' } }) },
    { name: 'control', bytes: control() },
  ];
  return cache;
}

// The `onnx` fuzz target: ONNX ModelProto bytes -> importOnnx -> writeBundle -> alloy.load -> run.
//
// Seeds: seven small valid models built with the importer's own proto subset, shaped like the
// models of test/import/ (an MLP with dynamic batch, a CNN with BatchNormalization and a residual,
// a QDQ MLP, fp16 initializers behind Cast, a Shape -> Gather -> Unsqueeze -> Concat -> Reshape
// subgraph, a block with Pad / Resize / Transpose / Concat / Clip / HardSwish / LayerNorm /
// Slice, and cubic / tf_crop_and_resize Resize with GridSample). Input i is a pure function of
// (seed, i), like the other targets.
//
// Mutations, 1-4 stacked, on the decoded ModelProto (plain objects; re-encoded after):
//  - initializers: dims (0, -1, 2^31, 2^53, 2^63, added / dropped / swapped), data_type (every id,
//    unknown ids), raw_data (truncated, extended, dropped, moved to float_data / int32_data /
//    int64_data with the wrong count), values (NaN, +-Inf, 3.4e38, subnormals in floats; huge,
//    negative, zero in int64 shape / axes vectors; every int8 code), external data, names;
//    with a "repair" (raw_data resized to what dims and data_type need) half of the time so that
//    the mutation reaches the handlers and not only the tensor check;
//  - nodes: op_type (every handled op, unknown ones, Object.prototype names), domain, inputs and
//    outputs re-pointed / dropped / added / emptied, order swapped, nodes dropped or duplicated,
//    Constant nodes inserted;
//  - attributes: any attribute name the importer reads, with an int, ints, float, floats, string,
//    tensor or a type that does not match its field; attributes dropped or duplicated;
//  - graph inputs / outputs: dims (dim_value, dim_param, dropped, added), elem_type, names,
//    removed or duplicated; value_info;
//  - opset_import (versions 0..100, -1, domains, duplicates, none), ir_version;
//  - import options: sometimes inputShapes (odd shapes included) or fuse: false;
// then (20%) raw byte mutations of the encoded protobuf, never repaired (bit flips, 0xFF runs
// that make varints and lengths huge, truncation, insertion, deletion, duplication); 8% of the
// inputs are byte-level mutations of a seed alone.
//
// The importer is run from source (as the tests do): its arithmetic runs in its own instance of
// the module, initialised here.
import { onnxRoot } from '../../src/tools/import/onnx/proto.ts';
import { importOnnx, type ImportOptions } from '../../src/tools/import/onnx/index.ts';
import { init as initSrcWasm, get as srcExports } from '../../src/runtime/wasm.ts';
import { AlloyError as SrcAlloyError } from '../../src/runtime/errors.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';
import type { Alloy } from '../../build/alloy.mjs';
import { makeRng, mutateRaw, type Rng, type Mutated } from './mutate.ts';
import { f16Bits } from '../util.ts';
import { DT, buildModel, rand, f32, i64, sc, codes, qdqMlpSpec, shapeSubgraphSpec, type Spec } from '../import/onnx-build.ts';

await initSrcWasm(new URL('../../build/alloy.wasm', import.meta.url));

export const importerMemoryBytes = () => srcExports().memory.buffer.byteLength;

// ---------------------------------------------------------------------------------------------
// seeds

const MODEL = () => onnxRoot().lookupType('onnx.ModelProto');

// a copy: in Node, finish() gives a Buffer whose slice() is a view
const build = (s: Spec): Uint8Array => new Uint8Array(buildModel(s));


export function onnxSeeds(): { name: string; bytes: Uint8Array }[] {
  const C = 4;
  const bn = (p: string, s: number) => [f32(`${p}.scale`, [C], s), f32(`${p}.bias`, [C], s + 1), f32(`${p}.mean`, [C], s + 2, 0.2), { name: `${p}.var`, shape: [C], data: rand(C, s + 3, 0.4).map((v) => v + 0.6) }];
  const list: [string, Spec][] = [
    ['mlp', {
      opset: 13, inputs: [{ name: 'input', shape: ['batch', 8] }], outputs: [{ name: 'probs', shape: ['batch', 5] }],
      inits: [f32('fc1.weight', [12, 8], 1), f32('fc1.bias', [12], 2), f32('fc2.weight', [5, 12], 3), f32('fc2.bias', [5], 4)],
      nodes: [
        { op: 'Gemm', inputs: ['input', 'fc1.weight', 'fc1.bias'], outputs: ['h1'], attrs: { transB: 1, alpha: { f: 1 }, beta: { f: 1 } } },
        { op: 'Relu', inputs: ['h1'], outputs: ['a1'] },
        { op: 'Gemm', inputs: ['a1', 'fc2.weight', 'fc2.bias'], outputs: ['logits'], attrs: { transB: 1 } },
        { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: -1 } },
      ],
    }],
    ['cnn-bn', {
      inputs: [{ name: 'image', shape: ['N', 3, 8, 8] }], outputs: [{ name: 'logits', shape: ['N', 6] }],
      inits: [f32('conv1.w', [C, 3, 3, 3], 1), f32('conv2.w', [C, C, 3, 3], 2, 0.2), f32('conv2.b', [C], 3), ...bn('bn1', 10), ...bn('bn2', 20), f32('fc.w', [6, C], 40), f32('fc.b', [6], 41)],
      nodes: [
        { op: 'Conv', inputs: ['image', 'conv1.w'], outputs: ['c1'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] } },
        { op: 'BatchNormalization', inputs: ['c1', 'bn1.scale', 'bn1.bias', 'bn1.mean', 'bn1.var'], outputs: ['b1'], attrs: { epsilon: { f: 1e-5 } } },
        { op: 'Relu', inputs: ['b1'], outputs: ['r1'] },
        { op: 'Conv', inputs: ['r1', 'conv2.w', 'conv2.b'], outputs: ['c2'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 1, dilations: [1, 1] } },
        { op: 'BatchNormalization', inputs: ['c2', 'bn2.scale', 'bn2.bias', 'bn2.mean', 'bn2.var'], outputs: ['b2'] },
        { op: 'Add', inputs: ['b2', 'r1'], outputs: ['res'] },
        { op: 'Relu', inputs: ['res'], outputs: ['r2'] },
        { op: 'MaxPool', inputs: ['r2'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
        { op: 'GlobalAveragePool', inputs: ['p'], outputs: ['gap'] },
        { op: 'Flatten', inputs: ['gap'], outputs: ['flat'], attrs: { axis: 1 } },
        { op: 'Gemm', inputs: ['flat', 'fc.w', 'fc.b'], outputs: ['logits'], attrs: { transB: 1 } },
      ],
    }],
    ['qdq', qdqMlpSpec()],
    ['fp16', {
      inputs: [{ name: 'x', shape: ['B', 6] }, { name: 'img', shape: ['B', 2, 5, 5] }], outputs: [{ name: 'y' }, { name: 'z' }],
      inits: [{ name: 'w16', shape: [4, 6], data: f16Bits(rand(24, 1, 0.5)), type: 'float16' }, { name: 'cw16', shape: [3, 2, 3, 3], data: f16Bits(rand(54, 2, 0.5)), type: 'float16' }, { name: 'cb16', shape: [3], data: f16Bits(rand(3, 3, 0.5)), type: 'float16' }],
      nodes: [
        { op: 'Cast', inputs: ['w16'], outputs: ['w'], attrs: { to: 1 } },
        { op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attrs: { transB: 1 } },
        { op: 'Cast', inputs: ['cw16'], outputs: ['cw'], attrs: { to: 1 } },
        { op: 'Cast', inputs: ['cb16'], outputs: ['cb'], attrs: { to: 1 } },
        { op: 'Conv', inputs: ['img', 'cw', 'cb'], outputs: ['z'], attrs: { kernel_shape: [3, 3] } },
      ],
    }],
    ['shape-subgraph', shapeSubgraphSpec()],
    ['resize-nd', {
      opset: 16, inputs: [{ name: 'x', shape: [1, 2, 4, 5] }, { name: 'g', shape: [1, 3, 3, 2] }, { name: 's', shape: [4] }], outputs: [{ name: 'y' }, { name: 'z' }, { name: 'u' }],
      inits: [i64('sizes', [1, 2, 7, 3]), { name: 'roi', shape: [8], data: new Float32Array([0, 0, 0.2, 0.1, 1, 1, 0.9, 1.2]) }],
      nodes: [
        { op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['y'], attrs: { mode: 'cubic', exclude_outside: 1, cubic_coeff_a: { f: -0.5 } } },
        { op: 'Resize', inputs: ['x', 'roi', 's'], outputs: ['u'], attrs: { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: { f: 3 } } },
        { op: 'GridSample', inputs: ['x', 'g'], outputs: ['z'], attrs: { mode: 'bicubic', padding_mode: 'reflection' } },
      ],
    }],
    ['misc', {
      opset: 13, inputs: [{ name: 'x', shape: [1, 2, 4, 4] }, { name: 'v', shape: [1, 3, 8] }], outputs: [{ name: 'y' }, { name: 'z' }, { name: 'u' }],
      inits: [i64('pads', [0, 0, 1, 1, 0, 0, 1, 1]), { name: 'roi', shape: [0], data: new Float32Array(0) }, sc('scales', [1, 1, 2, 2]), f32('dw', [2, 1, 3, 3], 5),
        f32('ln.g', [8], 6), f32('ln.b', [8], 7), i64('starts', [1]), i64('ends', [3]), i64('axes', [1]), sc('lo', 0), sc('hi', 6), f32('k', [8, 4], 8), i64('sq', [0])],
      nodes: [
        { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p'], attrs: { mode: 'constant' } },
        { op: 'Conv', inputs: ['p', 'dw'], outputs: ['d'], attrs: { kernel_shape: [3, 3], group: 2 } },
        { op: 'Clip', inputs: ['d', 'lo', 'hi'], outputs: ['c'] },
        { op: 'Resize', inputs: ['c', 'roi', 'scales'], outputs: ['rs'], attrs: { mode: 'nearest' } },
        { op: 'HardSwish', inputs: ['rs'], outputs: ['hs'] },
        { op: 'AveragePool', inputs: ['hs'], outputs: ['ap'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
        { op: 'Concat', inputs: ['ap', 'x'], outputs: ['cc'], attrs: { axis: 1 } },
        { op: 'Transpose', inputs: ['cc'], outputs: ['y'], attrs: { perm: [0, 2, 3, 1] } },
        { op: 'LayerNormalization', inputs: ['v', 'ln.g', 'ln.b'], outputs: ['n'], attrs: { axis: -1, epsilon: { f: 1e-5 } } },
        { op: 'Dropout', inputs: ['n'], outputs: ['dr'] },
        { op: 'MatMul', inputs: ['dr', 'k'], outputs: ['mm'] },
        { op: 'Sigmoid', inputs: ['mm'], outputs: ['z'] },
        { op: 'Tanh', inputs: ['mm'], outputs: ['t'] },
        { op: 'ReduceMean', inputs: ['t'], outputs: ['u'], attrs: { axes: [-1], keepdims: 0 } },
      ],
    }],
    // typed values and dynamic shapes: int64 ids and a bool mask as inputs, a symbolic length,
    // shape arithmetic feeding Reshape / Expand / Range, integer and mixed-type math
    ['typed', {
      opset: 17, inputs: [{ name: 'ids', shape: ['B', 'T'], type: 'int64' }, { name: 'mask', shape: ['B', 'T'], type: 'bool' }, { name: 'x', shape: ['B', 'T', 4] }],
      outputs: [{ name: 'y' }, { name: 'cnt', type: 'int64' }, { name: 'top' }, { name: 'r', type: 'int64' }],
      inits: [f32('emb', [10, 4], 50), i64('one', [1]), i64('zero', [0]), sc('half', 0.5), { name: 'cap', shape: [], data: [9], type: 'int64' }],
      nodes: [
        { op: 'Clip', inputs: ['ids', '', 'cap'], outputs: ['cid'] },
        { op: 'Gather', inputs: ['emb', 'cid'], outputs: ['e'] },
        { op: 'Add', inputs: ['e', 'x'], outputs: ['ex'] },
        { op: 'Not', inputs: ['mask'], outputs: ['nm'] },
        { op: 'Unsqueeze', inputs: ['nm', 'one'], outputs: ['nm3'] },
        { op: 'Where', inputs: ['nm3', 'half', 'ex'], outputs: ['w'] },
        { op: 'Exp', inputs: ['w'], outputs: ['ew'] },
        { op: 'Shape', inputs: ['x'], outputs: ['xs'] },
        { op: 'Reshape', inputs: ['ew', 'xs'], outputs: ['y'] },
        { op: 'Cast', inputs: ['mask'], outputs: ['mi'], attrs: { to: 7 } },
        { op: 'ReduceSum', inputs: ['mi', 'one'], outputs: ['cnt'], attrs: { keepdims: 0 } },
        { op: 'Abs', inputs: ['ids'], outputs: ['ai'] },
        { op: 'TopK', inputs: ['w', 'one'], outputs: ['top', 'ti'], attrs: { axis: -1 } },
        { op: 'Size', inputs: ['ai'], outputs: ['n'] },
        { op: 'Range', inputs: ['zero', 'n', 'one'], outputs: ['rg'] },
        { op: 'Pow', inputs: ['rg', 'half'], outputs: ['r'] },
      ],
    }],
  ];
  return list.map(([name, s]) => ({ name, bytes: build(s) }));
}

// ---------------------------------------------------------------------------------------------
// mutator

const ONNX_OPS = ['Add', 'AveragePool', 'BatchNormalization', 'Cast', 'Clip', 'Concat', 'Constant', 'Conv', 'DequantizeLinear', 'Div', 'Dropout', 'Flatten',
  'Gather', 'Gelu', 'Gemm', 'GlobalAveragePool', 'HardSigmoid', 'HardSwish', 'Identity', 'LayerNormalization', 'LeakyRelu', 'LogSoftmax', 'MatMul', 'MaxPool',
  'Mul', 'Neg', 'PRelu', 'Pad', 'QuantizeLinear', 'ReduceMean', 'Relu', 'Reshape', 'Resize', 'Shape', 'Sigmoid', 'Slice', 'Softmax', 'Squeeze', 'Sub', 'Tanh',
  'Transpose', 'Unsqueeze', 'Erf', 'Sqrt', 'Pow', 'LSTM', 'If', 'Loop', 'ConvTranspose', 'Expand', 'ConstantOfShape', 'GridSample', 'Upsample',
  'Where', 'Equal', 'Less', 'Not', 'Abs', 'Exp', 'Log', 'Round', 'Mod', 'Range', 'Tile', 'TopK', 'CumSum', 'ArgMax', 'ReduceSum', 'Einsum', 'GatherElements',
  'ScatterND', 'OneHot', 'NonMaxSuppression', 'GRU', 'RNN', 'MaxUnpool', 'Size', 'Range', 'Trilu', 'Shrink', 'Celu', 'IsNaN'];
const ATTRS = ['allowzero', 'alpha', 'antialias', 'approximate', 'auto_pad', 'axes', 'axis', 'beta', 'block_size', 'ceil_mode', 'coordinate_transformation_mode',
  'count_include_pad', 'end', 'ends', 'epsilon', 'group', 'keep_aspect_ratio_policy', 'keepdims', 'kernel_shape', 'max', 'min', 'mode', 'nearest_mode',
  'noop_with_empty_axes', 'output_dtype', 'pads', 'perm', 'start', 'starts', 'to', 'training_mode', 'value', 'strides', 'dilations', 'transA', 'transB',
  'value_float', 'value_ints', 'value_floats', 'value_int', 'saturate', 'storage_order', 'momentum', 'spatial', 'stash_type', 'scales', 'sizes', 'cubic_coeff_a',
  'exclude_outside', 'extrapolation_value', 'padding_mode', 'align_corners'];
const ATTR_STRINGS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID', 'constant', 'reflect', 'edge', 'wrap', 'nearest', 'linear', 'cubic', 'half_pixel', 'align_corners',
  'asymmetric', 'pytorch_half_pixel', 'tf_crop_and_resize', 'half_pixel_symmetric', 'tf_half_pixel_for_nn', 'bicubic', 'border', 'reflection', 'round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil', 'none', 'tanh', 'stretch', 'not_larger', '', 'x'.repeat(200)];
const NASTY = ['', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'ghost', '\u0000', 'x'.repeat(300)];
const INTS = [0, 1, -1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 65535, 65536, 2 ** 20, 2 ** 24, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 2 ** 62, 2 ** 63, -(2 ** 63)];
const FLOATS = [0, -0, 1, -1, 0.5, 2, 1e-5, 1e-45, 1e-40, 65504, 1e30, 3.4e38, -3.4e38, NaN, Infinity, -Infinity, 1e39, 6];
const DTYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 100, -1, 2 ** 31 - 1];
const ELEM: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const arr = <T>(o: any, k: string): T[] => (Array.isArray(o[k]) ? o[k] : (o[k] = []));

function decode(bytes: Uint8Array): any {
  const T = MODEL();
  return T.toObject(T.decode(bytes), { longs: Number, defaults: false, arrays: true });
}

function valueNames(m: any): string[] {
  const g = m.graph ?? {};
  const out: string[] = [];
  for (const v of g.input ?? []) if (v?.name) out.push(v.name);
  for (const t of g.initializer ?? []) if (t?.name) out.push(t.name);
  for (const n of g.node ?? []) for (const o of n?.output ?? []) out.push(o);
  return out;
}

function randomInts(r: Rng): number[] {
  const n = r.pick([0, 1, 2, 2, 4, 4, 8, 9]);
  return Array.from({ length: n }, () => (r.chance(0.7) ? r.pick([0, 1, 2, 3, -1, -2, 4]) : r.pick(INTS)));
}
function randomBytes(r: Rng, n: number): Uint8Array { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = r.u32() & 0xff; return b; }

function randomTensor(r: Rng, names: string[]): any {
  const dt = r.pick([1, 1, 7, 7, 3, 2, 10, 6, 9, 11, r.pick(DTYPES)]);
  const dims = r.chance(0.3) ? [] : randomInts(r).slice(0, 4).map((d) => (r.chance(0.8) ? Math.abs(d) % 5 : d));
  const n = dims.reduce((a, b) => a * b, 1);
  const t: any = { dims, data_type: dt, name: r.chance(0.5) ? r.pick([...names, 'c']) : undefined };
  if (Number.isSafeInteger(n) && n >= 0 && n <= 256 && r.chance(0.8)) {
    if (dt === 7 && r.chance(0.5)) t.int64_data = Array.from({ length: n }, () => r.pick(INTS));
    else if (dt === 1 && r.chance(0.5)) t.float_data = Array.from({ length: n }, () => r.pick(FLOATS));
    else t.raw_data = randomBytes(r, n * (ELEM[dt] ?? 1));
  } else t.raw_data = randomBytes(r, r.pick([0, 1, 3, 4, 8, 16]));
  return t;
}

/** raw_data resized to what dims and data_type need (old bytes kept, new ones random). */
function repairTensor(r: Rng, t: any): void {
  const dims: number[] = t.dims ?? [];
  const n = dims.reduce((a, b) => a * b, 1);
  const e = ELEM[t.data_type];
  if (!e || !Number.isSafeInteger(n) || n < 0 || n * e > 1 << 16) return;
  const old: Uint8Array = t.raw_data ?? new Uint8Array(0);
  const b = randomBytes(r, n * e);
  b.set(old.subarray(0, Math.min(old.length, b.length)));
  t.raw_data = b;
  delete t.float_data; delete t.int32_data; delete t.int64_data; delete t.double_data;
}

function mutateTensorData(r: Rng, t: any): void {
  const raw: Uint8Array | undefined = t.raw_data;
  if (raw && raw.length) {
    const b = new Uint8Array(raw); // a copy (decoded bytes are views of the input)
    const dv = new DataView(b.buffer);
    for (let k = 1 + r.int(4); k > 0; k--) {
      if (t.data_type === 1 && b.length >= 4) dv.setFloat32(r.int(b.length >> 2) * 4, r.pick(FLOATS), true);
      else if (t.data_type === 7 && b.length >= 8) dv.setBigInt64(r.int(b.length >> 3) * 8, BigInt(r.pick(INTS.filter((x) => Number.isSafeInteger(x)))) * (r.chance(0.1) ? 1024n : 1n), true);
      else if (t.data_type === 10 && b.length >= 2) dv.setUint16(r.int(b.length >> 1) * 2, r.pick([0x7c00, 0xfc00, 0x7e00, 0x7bff, 0x0001, 0x8000, 0x7c01]), true);
      else b[r.int(b.length)] = r.pick([0, 0x7f, 0x80, 0xff, r.u32() & 0xff]);
    }
    t.raw_data = b;
  } else if (Array.isArray(t.int64_data) && t.int64_data.length) t.int64_data[r.int(t.int64_data.length)] = r.pick(INTS);
  else if (Array.isArray(t.float_data) && t.float_data.length) t.float_data[r.int(t.float_data.length)] = r.pick(FLOATS);
  else if (Array.isArray(t.int32_data) && t.int32_data.length) t.int32_data[r.int(t.int32_data.length)] = r.pick([0, -1, 127, -128, 255, 256, 0x7c00, 2 ** 31 - 1, -(2 ** 31)]);
}

function mutateInitializer(r: Rng, m: any): void {
  const inits: any[] = arr(m.graph, 'initializer');
  if (!inits.length) return;
  const t = r.pick(inits);
  switch (r.int(10)) {
    case 0: case 1: { // dims
      const d: number[] = arr(t, 'dims');
      const op = r.int(5);
      if (op === 0 && d.length) d[r.int(d.length)] = r.pick([0, 1, 2, 3, 5, -1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, -(2 ** 63), 2 ** 16]);
      else if (op === 1) d.splice(r.int(d.length + 1), 0, r.pick([1, 2, 0, 3]));
      else if (op === 2 && d.length) d.splice(r.int(d.length), 1);
      else if (op === 3 && d.length > 1) { const i = r.int(d.length), j = r.int(d.length); [d[i], d[j]] = [d[j], d[i]]; }
      else t.dims = Array.from({ length: r.pick([0, 1, 5, 9]) }, () => r.pick([1, 2, 3]));
      if (r.chance(0.5)) repairTensor(r, t);
      break;
    }
    case 2: t.data_type = r.pick(DTYPES); if (r.chance(0.5)) repairTensor(r, t); break;
    case 3: { // raw_data length
      const raw: Uint8Array = t.raw_data ?? new Uint8Array(0);
      const op = r.int(4);
      if (op === 0) t.raw_data = raw.slice(0, Math.max(0, raw.length - r.pick([1, 2, 4, 8, raw.length])));
      else if (op === 1) { const b = new Uint8Array(raw.length + r.pick([1, 4, 8, 64])); b.set(raw); t.raw_data = b; }
      else if (op === 2) delete t.raw_data;
      else t.raw_data = new Uint8Array(0);
      break;
    }
    case 4: { // stored as a typed list instead, usually with the wrong count
      const n = (t.raw_data?.length ?? 0) >> 2;
      delete t.raw_data;
      const k = r.int(3);
      const len = r.chance(0.5) ? n : r.int(n + 3);
      if (k === 0) t.float_data = Array.from({ length: len }, () => r.pick(FLOATS));
      else if (k === 1) t.int32_data = Array.from({ length: len }, () => r.pick(INTS.filter((x) => x >= -(2 ** 31) && x < 2 ** 31)));
      else t.int64_data = Array.from({ length: len }, () => r.pick(INTS));
      break;
    }
    case 5: case 6: mutateTensorData(r, t); break;
    case 7: if (r.chance(0.5)) t.data_location = r.pick([0, 1, 2]); else t.external_data = [{ key: 'location', value: r.pick(['w.bin', '../../etc/passwd', '']) }]; break;
    case 8: t.name = r.chance(0.5) ? r.pick(valueNames(m)) : r.pick(NASTY); break;
    default: if (r.chance(0.5)) inits.splice(r.int(inits.length), 1); else inits.push(structuredClone(t));
  }
}

function mutateNode(r: Rng, m: any): void {
  const nodes: any[] = arr(m.graph, 'node');
  const names = valueNames(m);
  const n = nodes.length ? r.pick(nodes) : null;
  switch (r.int(11)) {
    case 0: case 1: if (n) n.op_type = r.chance(0.85) ? r.pick(ONNX_OPS) : r.pick(NASTY); break;
    case 2: if (n) n.domain = r.pick(['', 'ai.onnx', 'com.microsoft', 'ai.onnx.ml', 'x']); break;
    case 3: case 4: if (n) { const ins = arr<string>(n, 'input'); ins[r.int(ins.length + 1)] = r.chance(0.8) ? r.pick(names) : r.pick(NASTY); } break;
    case 5: if (n) { const ins = arr<string>(n, 'input'); if (ins.length) ins.splice(r.int(ins.length), 1); } break;
    case 6: if (n) { const outs = arr<string>(n, 'output'); const op = r.int(4); if (op === 0) outs[r.int(outs.length + 1)] = r.pick([...names, ...NASTY]); else if (op === 1) n.output = []; else if (op === 2) outs.push(r.pick(['extra', ...names])); else n.output = [outs[0], outs[0]]; } break;
    case 7: if (nodes.length > 1) { const i = r.int(nodes.length), j = r.int(nodes.length); [nodes[i], nodes[j]] = [nodes[j], nodes[i]]; } break;
    case 8: if (nodes.length) nodes.splice(r.int(nodes.length), 1); break;
    case 9: if (n) nodes.splice(r.int(nodes.length + 1), 0, { ...structuredClone(n), output: r.chance(0.5) ? [`${n.output?.[0]}_copy`] : n.output }); break;
    default: { // a Constant node
      const out = r.chance(0.6) ? r.pick(names) : `k${r.int(100)}`;
      const kind = r.int(4);
      const a = kind === 0 ? { name: 'value', type: 4, t: randomTensor(r, names) } : kind === 1 ? { name: 'value_ints', type: 7, ints: randomInts(r) }
        : kind === 2 ? { name: 'value_float', type: 1, f: r.pick(FLOATS) } : { name: 'value_int', type: 2, i: r.pick(INTS) };
      nodes.splice(r.int(nodes.length + 1), 0, { op_type: 'Constant', output: [out], attribute: [a] });
    }
  }
}

function mutateAttribute(r: Rng, m: any): void {
  const nodes: any[] = m.graph.node ?? [];
  if (!nodes.length) return;
  const n = r.pick(nodes);
  const attrs: any[] = arr(n, 'attribute');
  const op = r.int(10);
  if (op === 0 && attrs.length) { attrs.splice(r.int(attrs.length), 1); return; }
  if (op === 1 && attrs.length) { attrs.push(structuredClone(r.pick(attrs))); return; }
  const existing = attrs.length && r.chance(0.5) ? r.pick(attrs) : null;
  const a: any = existing ?? { name: r.chance(0.9) ? r.pick(ATTRS) : r.pick(NASTY) };
  if (!existing) attrs.push(a);
  for (const k of ['f', 'i', 's', 't', 'floats', 'ints', 'strings']) if (r.chance(0.8)) delete a[k];
  switch (r.int(8)) {
    case 0: a.type = 2; a.i = r.chance(0.6) ? r.pick([0, 1, 2, 3, -1, -2, -5, 4]) : r.pick(INTS); break;
    case 1: case 2: a.type = 7; a.ints = randomInts(r); break;
    case 3: a.type = 1; a.f = r.pick(FLOATS); break;
    case 4: a.type = 6; a.floats = Array.from({ length: r.pick([0, 1, 2, 4]) }, () => r.pick(FLOATS)); break;
    case 5: a.type = 3; a.s = new TextEncoder().encode(r.pick(ATTR_STRINGS)); break;
    case 6: a.type = 4; a.t = randomTensor(r, valueNames(m)); break;
    default: a.type = r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 99]); // a type that does not match the field set
  }
}

function mutateGraphIo(r: Rng, m: any): void {
  const g = m.graph;
  const list: any[] = arr(g, r.chance(0.55) ? 'input' : r.chance(0.8) ? 'output' : 'value_info');
  if (!list.length) { if (r.chance(0.5)) list.push({ name: r.pick(valueNames(m)) }); return; }
  const v = r.pick(list);
  const tt = v.type?.tensor_type;
  const dims: any[] = tt?.shape?.dim ?? [];
  switch (r.int(8)) {
    case 0: case 1: if (dims.length) { const d = dims[r.int(dims.length)]; if (r.chance(0.7)) { delete d.dim_param; d.dim_value = r.pick([0, 1, 2, 3, 7, -1, -5, 2 ** 20, 2 ** 31, 2 ** 53, 2 ** 63]); } else { delete d.dim_value; d.dim_param = r.pick(['batch', 'N', '', 'h']); } } break;
    case 2: if (tt) { if (!tt.shape) tt.shape = { dim: [] }; const ds = arr<any>(tt.shape, 'dim'); if (r.chance(0.5) && ds.length) ds.splice(r.int(ds.length), 1); else ds.splice(r.int(ds.length + 1), 0, r.chance(0.5) ? { dim_value: r.pick([1, 2, 3]) } : { dim_param: 'b' }); } break;
    case 3: if (tt) { if (r.chance(0.5)) delete tt.shape; else tt.elem_type = r.pick(DTYPES); } break;
    case 4: v.name = r.chance(0.7) ? r.pick(valueNames(m)) : r.pick(NASTY); break;
    case 5: list.splice(list.indexOf(v), 1); break;
    case 6: list.push(structuredClone(v)); break;
    default: if (r.chance(0.5)) delete v.type; else v.type = { sequence_type: { elem_type: { tensor_type: { elem_type: 1 } } } };
  }
}

function mutateOpset(r: Rng, m: any): void {
  const ops: any[] = arr(m, 'opset_import');
  switch (r.int(5)) {
    case 0: case 1: if (ops.length) ops[0].version = r.chance(0.7) ? r.pick([10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 22]) : r.pick([0, 1, 7, -1, 100, 2 ** 53, 2 ** 63]); break;
    case 2: if (ops.length) ops[0].domain = r.pick(['', 'ai.onnx', 'com.microsoft', 'x']); break;
    case 3: if (r.chance(0.5)) m.opset_import = []; else ops.push({ domain: r.pick(['', 'com.microsoft']), version: r.pick([1, 13, 21, 99]) }); break;
    default: m.ir_version = r.pick([0, 1, 3, 7, 8, 10, 11, 100, -1, 2 ** 53]);
  }
}

export interface OnnxInput extends Mutated { importOptions?: ImportOptions }

/** Input `index` of the onnx target. */
const decoded = new WeakMap<Uint8Array, any>();
export function mutateOnnx(seeds: Uint8Array[], seed: number, index: number): OnnxInput {
  const r = makeRng(seed, 3, index);
  const base = seeds[r.int(seeds.length)];
  if (r.chance(0.03)) return { bytes: base }; // the seeds themselves must keep passing
  if (r.chance(0.08)) { let b = base; for (let k = 1 + r.int(4); k > 0; k--) b = mutateRaw(r, b); return { bytes: b }; }
  // decoded once per seed; each input mutates a deep copy (bytes fields become plain Uint8Arrays)
  if (!decoded.has(base)) decoded.set(base, decode(base));
  const m = structuredClone(decoded.get(base));
  for (let k = 1 + r.int(4); k > 0; k--) {
    const c = r.int(20);
    if (c < 5) mutateInitializer(r, m);
    else if (c < 10) mutateNode(r, m);
    else if (c < 15) mutateAttribute(r, m);
    else if (c < 18) mutateGraphIo(r, m);
    else mutateOpset(r, m);
  }
  let bytes: Uint8Array;
  const T = MODEL();
  try { bytes = new Uint8Array(T.encode(m).finish()); } catch { bytes = base; } // (a value protobufjs cannot encode: not expected)
  if (r.chance(0.2)) for (let k = 1 + r.int(3); k > 0; k--) bytes = mutateRaw(r, bytes);
  let importOptions: ImportOptions | undefined;
  if (r.chance(0.1)) {
    const first = m.graph?.input?.[0]?.name ?? 'x';
    importOptions = r.chance(0.3) ? { fuse: false } : { inputShapes: { [r.chance(0.8) ? first : 'ghost']: r.chance(0.7) ? [1 + r.int(3), 2, 4, 4].slice(0, 1 + r.int(4)) : randomInts(r) } };
  }
  return { bytes, importOptions };
}

// ---------------------------------------------------------------------------------------------
// oracle glue (targets.ts adds the load + run)

export const isAlloyError = (e: unknown): e is { code: string; message: string } => e instanceof AlloyError || e instanceof SrcAlloyError;

/** importOnnx (or `importer`) + writeBundle; returns the bundle, or the AlloyError's code. Other exceptions pass. */
export function importToBundle(input: OnnxInput, importer: (bytes: Uint8Array) => ReturnType<typeof importOnnx> = (b) => importOnnx(b, input.importOptions)): { bytes: Uint8Array } | { code: string } {
  let b;
  try { b = importer(input.bytes); } catch (e) { if (isAlloyError(e)) return { code: e.code }; throw Object.assign(e instanceof Error ? e : new Error(String(e)), { stage: 'import' }); }
  try { return { bytes: writeBundle(b) }; } catch (e) { if (isAlloyError(e)) return { code: e.code }; throw Object.assign(e as Error, { stage: 'writeBundle' }); }
}

export type { Alloy };


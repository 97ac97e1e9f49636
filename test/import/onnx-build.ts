// Builds ONNX ModelProto bytes (shaped like PyTorch exports) with the importer's own proto
// subset. Shared by the importer tests and the onnx fuzz target; loads no runtime.
import { onnxRoot } from '../../src/tools/import/onnx/proto.ts';
import { rng } from '../util.ts';

export const DT = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, double: 11 } as const;
export type Attr = number | number[] | string | { f: number } | { fs: number[] } | { ss: string[] } | { t: Init } | { g: GraphSpec };
/** A subgraph attribute's graph (If / Loop / Scan bodies). */
export type GraphSpec = Omit<Spec, 'opset'>;
export interface Node { op: string; inputs: string[]; outputs: string[]; name?: string; domain?: string; attrs?: Record<string, Attr> }
export interface Init { name?: string; shape: number[]; data: ArrayBufferView | number[]; type?: keyof typeof DT }
export interface Spec {
  inputs: { name: string; shape: (number | string)[]; type?: keyof typeof DT }[];
  outputs: { name: string; shape?: (number | string)[]; type?: keyof typeof DT }[];
  inits?: (Init & { name: string })[];
  nodes: Node[];
  opset?: number;
  /** the opset_import list (default: the default domain at `opset`) */
  imports?: { domain: string; version: number }[];
}

function tensorProto(t: Init) {
  const type = t.type ?? 'float';
  if (Array.isArray(t.data)) {
    if (type === 'int64') return { name: t.name, dims: t.shape, data_type: DT.int64, int64_data: t.data };
    if (type === 'float') return { name: t.name, dims: t.shape, data_type: DT.float, float_data: t.data };
    return { name: t.name, dims: t.shape, data_type: DT[type], int32_data: t.data };
  }
  const d = t.data as ArrayBufferView;
  return { name: t.name, dims: t.shape, data_type: DT[type], raw_data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

function attr(name: string, v: Attr) {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('f' in v) return { name, type: 1, f: v.f };
  if ('fs' in v) return { name, type: 6, floats: v.fs };
  if ('ss' in v) return { name, type: 8, strings: v.ss.map((x) => new TextEncoder().encode(x)) };
  if ('g' in v) return { name, type: 5, g: graphProto(v.g) };
  return { name, type: 4, t: tensorProto(v.t) };
}

const vi = (name: string, shape?: (number | string)[], t: keyof typeof DT = 'float') => ({
  name, type: { tensor_type: { elem_type: DT[t], ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}) } },
});

function graphProto(s: GraphSpec) {
  return {
    name: 'g',
    node: s.nodes.map((n, i) => ({ name: n.name ?? `/${n.op}_${i}`, op_type: n.op, input: n.inputs, output: n.outputs, ...(n.domain ? { domain: n.domain } : {}), attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)) })),
    initializer: (s.inits ?? []).map(tensorProto),
    input: s.inputs.map((v) => vi(v.name, v.shape, v.type)),
    output: s.outputs.map((v) => vi(v.name, v.shape, v.type)),
  };
}

export function buildModel(s: Spec): Uint8Array {
  const T = onnxRoot().lookupType('onnx.ModelProto');
  const opset = s.opset ?? 17;
  const msg = {
    ir_version: opset >= 21 ? 10 : 8, producer_name: 'alloy-test', producer_version: '1.0',
    opset_import: s.imports ?? [{ domain: '', version: opset }],
    graph: graphProto(s),
  };
  const err = T.verify(msg);
  if (err) throw new Error(`buildModel: ${err}`);
  return T.encode(T.fromObject(msg)).finish();
}


// ---------------------------------------------------------------------------------------------
// Initializers and the models both the importer tests and the fuzz seeds use.

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
/** Deterministic f32 values in [-scale, scale). */
export const rand = (n: number, seed: number, scale = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * scale); };
export const f32 = (name: string, shape: number[], seed: number, scale = 0.5) => ({ name, shape, data: rand(prod(shape), seed, scale) });
export const i64 = (name: string, data: number[]) => ({ name, shape: [data.length], data, type: 'int64' as const });
/** f32 scale(s): a scalar, or a vector for an array */
export const sc = (name: string, v: number[] | number) => ({ name, shape: Array.isArray(v) ? [v.length] : [], data: new Float32Array(Array.isArray(v) ? v : [v]) });
/** a scalar zero point */
export const zp8 = (name: string, v: number, type: 'int8' | 'uint8' = 'int8') => ({ name, shape: [], data: type === 'int8' ? new Int8Array([v]) : new Uint8Array([v]), type });
/** int8 codes in [lo, hi] */
export const codes = (n: number, seed: number, lo = -127, hi = 127) => { const r = rng(seed); return new Int8Array(n).map(() => lo + (r() % (hi - lo + 1))); };

/** QDQ MLP K -> N -> O: u8 activations, int8 weights per output column (MatMul, axis 1) and per
 *  tensor (Gemm, transB), FakeQuant output with scale outScale. */
export function qdqMlpSpec(K = 16, N = 12, O = 6, outScale = 0.02): Spec {
  return {
    opset: 13,
    inputs: [{ name: 'x', shape: ['batch', K] }], outputs: [{ name: 'y' }],
    inits: [
      sc('xs', 0.01), zp8('xz', 128, 'uint8'),
      { name: 'w1q', shape: [K, N], data: codes(K * N, 1), type: 'int8' }, sc('w1s', Array.from({ length: N }, (_, i) => 0.002 + i * 0.0003)), { name: 'w1z', shape: [N], data: new Int8Array(N), type: 'int8' },
      { name: 'b1', shape: [N], data: rand(N, 2, 0.1) },
      sc('hs', 0.01), zp8('hz', 0, 'uint8'),
      { name: 'w2q', shape: [O, N], data: codes(O * N, 3), type: 'int8' }, sc('w2s', 0.003), zp8('w2z', 3),
      { name: 'b2', shape: [O], data: rand(O, 4, 0.1) },
      sc('ys', outScale), zp8('yz', -5),
    ],
    nodes: [
      { op: 'QuantizeLinear', inputs: ['x', 'xs', 'xz'], outputs: ['xq'] },
      { op: 'DequantizeLinear', inputs: ['xq', 'xs', 'xz'], outputs: ['xd'] },
      { op: 'DequantizeLinear', inputs: ['w1q', 'w1s', 'w1z'], outputs: ['w1'], attrs: { axis: 1 } },
      { op: 'MatMul', inputs: ['xd', 'w1'], outputs: ['m1'] },
      { op: 'Add', inputs: ['m1', 'b1'], outputs: ['a1'] },
      { op: 'Relu', inputs: ['a1'], outputs: ['r1'] },
      { op: 'QuantizeLinear', inputs: ['r1', 'hs', 'hz'], outputs: ['hq'] },
      { op: 'DequantizeLinear', inputs: ['hq', 'hs', 'hz'], outputs: ['hd'] },
      { op: 'DequantizeLinear', inputs: ['w2q', 'w2s', 'w2z'], outputs: ['w2'] },
      { op: 'Gemm', inputs: ['hd', 'w2', 'b2'], outputs: ['g'], attrs: { transB: 1 } },
      { op: 'QuantizeLinear', inputs: ['g', 'ys', 'yz'], outputs: ['yq'] },
      { op: 'DequantizeLinear', inputs: ['yq', 'ys', 'yz'], outputs: ['y'] },
    ],
  };
}

/** Conv -> Relu, then the batch size read by Shape -> Gather -> Unsqueeze -> Concat into the
 *  shape of a Reshape (the PyTorch flatten export), then MatMul. */
export function shapeSubgraphSpec(): Spec {
  return {
    opset: 13,
    inputs: [{ name: 'x', shape: ['batch', 2, 4, 4] }], outputs: [{ name: 'y', shape: ['batch', 5] }],
    inits: [f32('cw', [3, 2, 3, 3], 1), { name: 'zero', shape: [], data: [0], type: 'int64' }, i64('ax0', [0]), i64('minus1', [-1]), f32('fc', [48, 5], 2)],
    nodes: [
      { op: 'Conv', inputs: ['x', 'cw'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'Shape', inputs: ['r'], outputs: ['s'] },
      { op: 'Gather', inputs: ['s', 'zero'], outputs: ['b'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['b', 'ax0'], outputs: ['b1'] },
      { op: 'Concat', inputs: ['b1', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['r', 'shape'], outputs: ['flat'] },
      { op: 'MatMul', inputs: ['flat', 'fc'], outputs: ['y'] },
    ],
  };
}

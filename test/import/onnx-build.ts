// Builds ONNX ModelProto bytes (shaped like PyTorch exports) with the importer's own proto
// subset. Shared by the importer tests and the onnx fuzz target; loads no runtime.
import { onnxRoot } from '../../src/import/onnx-proto.ts';

export const DT = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 } as const;
export type Attr = number | number[] | string | { f: number } | { fs: number[] } | { t: Init };
export interface Node { op: string; inputs: string[]; outputs: string[]; name?: string; domain?: string; attrs?: Record<string, Attr> }
export interface Init { name?: string; shape: number[]; data: ArrayBufferView | number[]; type?: keyof typeof DT }
export interface Spec {
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: { name: string; shape?: (number | string)[] }[];
  inits?: (Init & { name: string })[];
  nodes: Node[];
  opset?: number;
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
  return { name, type: 4, t: tensorProto(v.t) };
}

export function buildModel(s: Spec): Uint8Array {
  const T = onnxRoot().lookupType('onnx.ModelProto');
  const opset = s.opset ?? 17;
  const vi = (name: string, shape?: (number | string)[]) => ({
    name, type: { tensor_type: { elem_type: DT.float, ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}) } },
  });
  const msg = {
    ir_version: opset >= 21 ? 10 : 8, producer_name: 'alloy-test', producer_version: '1.0',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: s.nodes.map((n, i) => ({ name: n.name ?? `/${n.op}_${i}`, op_type: n.op, input: n.inputs, output: n.outputs, ...(n.domain ? { domain: n.domain } : {}), attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)) })),
      initializer: (s.inits ?? []).map(tensorProto),
      input: s.inputs.map((v) => vi(v.name, v.shape)),
      output: s.outputs.map((v) => vi(v.name, v.shape)),
    },
  };
  const err = T.verify(msg);
  if (err) throw new Error(`buildModel: ${err}`);
  return T.encode(T.fromObject(msg)).finish();
}


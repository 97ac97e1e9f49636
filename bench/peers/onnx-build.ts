// Builds small ONNX models (ModelProto bytes) in memory for the peer benchmarks and the MNIST
// training script, with protobufjs and the importer's subset of onnx.proto (src/tools/import/onnx/proto.ts;
// field numbers as in onnx/onnx.proto). Benchmark-only code.
// Initializers may be f32 (default) or raw bytes of another element type (float16, int8, uint8,
// int32, int64, int4/uint4 packed two per byte, low nibble first); nodes may name a domain
// (com.microsoft for contrib ops) and carry int, float or int-list attributes.
import { onnxRoot } from '../../src/tools/import/onnx/proto.ts';

// The importer's proto subset (upstream field numbers): one definition for importing and building.
const ModelProto = onnxRoot().lookupType('onnx.ModelProto');
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_INTS = 7;
/** TensorProto.DataType values (onnx.proto). */
export const DTYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10, uint4: 21, int4: 22 } as const;
export type DType = keyof typeof DTYPE;

export type Dim = number | string; // number: fixed size, string: symbolic (e.g. 'batch')
export interface Node { op: string; inputs: string[]; outputs: string[]; domain?: string; attrs?: Record<string, number | { f: number } | number[]> }
export interface Initializer { name: string; shape: number[]; data: ArrayBufferView; type?: DType } // type defaults to float (data a Float32Array)
export interface GraphSpec {
  inputs: { name: string; shape: Dim[] }[];
  outputs: { name: string; shape: Dim[] }[];
  initializers: Initializer[];
  nodes: Node[];
  /** default-domain opset (17 unless given; 21 for int4 DequantizeLinear) */
  opset?: number;
}

const valueInfo = (name: string, shape: Dim[]) => ({
  name,
  type: { tensor_type: { elem_type: FLOAT, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
});

/** f32-in / f32-out ONNX model: default-domain opset 17 (or g.opset; ir_version 8, or 10 from
 *  opset 21), plus com.microsoft opset 1 when a node uses it. */
export function buildModel(g: GraphSpec): Uint8Array {
  const opset = g.opset ?? 17;
  const domains = [...new Set(g.nodes.map((n) => n.domain ?? ''))].filter((d) => d !== '');
  const msg = {
    ir_version: opset >= 21 ? 10 : 8,
    producer_name: 'alloy-bench',
    opset_import: [{ domain: '', version: opset }, ...domains.map((domain) => ({ domain, version: 1 }))],
    graph: {
      name: 'g',
      node: g.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}${i}`,
        op_type: n.op,
        ...(n.domain ? { domain: n.domain } : {}),
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([name, v]) =>
          typeof v === 'number' ? { name, type: ATTR_INT, i: v } : Array.isArray(v) ? { name, type: ATTR_INTS, ints: v } : { name, type: ATTR_FLOAT, f: v.f }),
      })),
      initializer: g.initializers.map((t) => ({
        name: t.name, dims: t.shape, data_type: DTYPE[t.type ?? 'float'],
        raw_data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), // little-endian, as ONNX requires
      })),
      input: g.inputs.map((v) => valueInfo(v.name, v.shape)),
      output: g.outputs.map((v) => valueInfo(v.name, v.shape)),
    },
  };
  const err = ModelProto.verify(msg);
  if (err) throw new Error(`onnx-build: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(msg)).finish();
}

// The ONNX backend suite's files, decoded for the runner: the ModelProto fields the runner needs
// (graph input / output names and types, initializer names) and whole TensorProtos of every
// element type (raw_data or the typed *_data fields). Field numbers from onnx/onnx.proto (1.12).
// Its own schema, so the importer's subset (src/tools/import/onnx/proto.ts) stays untouched.
import protobuf from 'protobufjs';
import { getFloat16 } from '@petamoriken/float16';

const SCHEMA = `
syntax = "proto2";
package c;
message Tensor {
  repeated int64 dims = 1; optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true]; repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6; repeated int64 int64_data = 7 [packed = true]; optional string name = 8;
  optional bytes raw_data = 9; repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true]; optional int32 data_location = 14;
}
message Named { optional string name = 8; }
message Dim { optional int64 dim_value = 1; optional string dim_param = 2; }
message Shape { repeated Dim dim = 1; }
message TensorType { optional int32 elem_type = 1; optional Shape shape = 2; }
message Type {
  optional TensorType tensor_type = 1; optional Type sequence_type = 4; optional bytes map_type = 5;
  optional bytes sparse_tensor_type = 8; optional bytes optional_type = 9;
}
message ValueInfo { optional string name = 1; optional Type type = 2; }
message Node { optional string op_type = 4; optional string domain = 7; }
message Graph { repeated Node node = 1; repeated Named initializer = 5; repeated ValueInfo input = 11; repeated ValueInfo output = 12; }
message OpsetId { optional string domain = 1; optional int64 version = 2; }
message Model { optional int64 ir_version = 1; optional Graph graph = 7; repeated OpsetId opset_import = 8; }
message Sequence { optional string name = 1; optional int32 elem_type = 2; repeated Tensor tensor_values = 3; repeated Sequence sequence_values = 5; repeated Optional optional_values = 7; }
message Optional { optional string name = 1; optional int32 elem_type = 2; optional Tensor tensor_value = 3; optional Sequence sequence_value = 5; optional Optional optional_value = 7; }
`;

let root: protobuf.Root | null = null;
const type = (name: string) => (root ??= protobuf.parse(SCHEMA, { keepCase: true }).root).lookupType(`c.${name}`);

/** TensorProto.DataType: name and bytes per element (0: not fixed-size) */
export const DTYPES: Record<number, { name: string; bytes: number }> = {
  1: { name: 'float32', bytes: 4 }, 2: { name: 'uint8', bytes: 1 }, 3: { name: 'int8', bytes: 1 }, 4: { name: 'uint16', bytes: 2 },
  5: { name: 'int16', bytes: 2 }, 6: { name: 'int32', bytes: 4 }, 7: { name: 'int64', bytes: 8 }, 8: { name: 'string', bytes: 0 },
  9: { name: 'bool', bytes: 1 }, 10: { name: 'float16', bytes: 2 }, 11: { name: 'float64', bytes: 8 }, 12: { name: 'uint32', bytes: 4 },
  13: { name: 'uint64', bytes: 8 }, 14: { name: 'complex64', bytes: 8 }, 15: { name: 'complex128', bytes: 16 }, 16: { name: 'bfloat16', bytes: 2 },
  17: { name: 'float8e4m3fn', bytes: 1 }, 18: { name: 'float8e4m3fnuz', bytes: 1 }, 19: { name: 'float8e5m2', bytes: 1 }, 20: { name: 'float8e5m2fnuz', bytes: 1 },
};
export const dtypeName = (t: number) => DTYPES[t]?.name ?? `type ${t}`;

export type Values = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | string[];
/** A decoded tensor. f16 / bf16 / float8 hold their bits; bool holds 0 / 1; complex is interleaved. */
export interface Tensor { name: string; dtype: number; dims: number[]; values: Values }

const CTOR: Record<number, new (n: number) => Exclude<Values, string[]>> = {
  1: Float32Array, 2: Uint8Array, 3: Int8Array, 4: Uint16Array, 5: Int16Array, 6: Int32Array, 7: BigInt64Array, 9: Uint8Array,
  10: Uint16Array, 11: Float64Array, 12: Uint32Array, 13: BigUint64Array, 14: Float32Array, 15: Float64Array, 16: Uint16Array,
  17: Uint8Array, 18: Uint8Array, 19: Uint8Array, 20: Uint8Array,
};

interface TensorMsg {
  dims?: string[]; data_type?: number; float_data?: number[]; int32_data?: number[]; string_data?: Uint8Array[]; int64_data?: string[];
  name?: string; raw_data?: Uint8Array; double_data?: number[]; uint64_data?: string[]; data_location?: number;
}

/** Encode a TensorProto (tests): fields as in onnx.proto, int64 as numbers or strings. */
export function encodeTensor(fields: Record<string, unknown>): Uint8Array {
  const T = type('Tensor');
  return T.encode(T.fromObject(fields)).finish();
}

/** Decode TensorProto bytes. Throws Error on a malformed or inconsistent tensor. */
export function decodeTensor(bytes: Uint8Array): Tensor {
  const T = type('Tensor');
  const m = T.toObject(T.decode(bytes), { longs: String, defaults: false }) as TensorMsg;
  return tensorOf(m);
}

/** A sequence or optional value (onnx SequenceProto / OptionalProto): tensors in lists, or null
 *  for an empty optional. */
export type Value = Tensor | Value[] | null;
interface SeqMsg { elem_type?: number; tensor_values?: TensorMsg[]; sequence_values?: SeqMsg[]; optional_values?: OptMsg[] }
interface OptMsg { elem_type?: number; tensor_value?: TensorMsg; sequence_value?: SeqMsg; optional_value?: OptMsg }
// SequenceProto / OptionalProto elem_type: 1 tensor, 3 sequence, 5 optional (2 sparse, 4 map: refused)
function seqOf(m: SeqMsg): Value[] {
  const e = m.elem_type ?? 0;
  if (e === 1) return (m.tensor_values ?? []).map(tensorOf);
  if (e === 3) return (m.sequence_values ?? []).map(seqOf);
  if (e === 5) return (m.optional_values ?? []).map(optOf);
  if (e === 0) return [];
  throw new Error(`a sequence of elem_type ${e} (sparse tensors and maps are not read)`);
}
function optOf(m: OptMsg): Value {
  const e = m.elem_type ?? 0;
  if (e === 1) return m.tensor_value ? tensorOf(m.tensor_value) : null;
  if (e === 3) return m.sequence_value ? seqOf(m.sequence_value) : null;
  if (e === 5) return m.optional_value ? optOf(m.optional_value) : null;
  if (e === 0) return null;
  throw new Error(`an optional of elem_type ${e} (sparse tensors and maps are not read)`);
}
/** Decode SequenceProto (kind 'sequence') or OptionalProto (kind 'optional') bytes. */
export function decodeValue(bytes: Uint8Array, kind: 'sequence' | 'optional'): Value {
  const T = type(kind === 'sequence' ? 'Sequence' : 'Optional');
  const m = T.toObject(T.decode(bytes), { longs: String, defaults: false });
  return kind === 'sequence' ? seqOf(m as SeqMsg) : optOf(m as OptMsg);
}

function tensorOf(m: TensorMsg): Tensor {
  const dtype = m.data_type ?? 0;
  const dims = (m.dims ?? []).map(Number);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`dims ${JSON.stringify(m.dims)}`);
  if (m.data_location === 1) throw new Error('external data');
  const n = dims.reduce((a, b) => a * b, 1);
  const name = m.name ?? '';
  if (dtype === 8) {
    const s = (m.string_data ?? []).map((b) => new TextDecoder().decode(b));
    if (s.length !== n) throw new Error(`${s.length} strings for dims ${JSON.stringify(dims)}`);
    return { name, dtype, dims, values: s };
  }
  const C = CTOR[dtype];
  if (!C) throw new Error(`data_type ${dtype}`);
  const lanes = dtype === 14 || dtype === 15 ? 2 : 1;
  const out = new C(n * lanes);
  if (m.raw_data && m.raw_data.length) {
    const raw = m.raw_data;
    if (raw.byteLength !== out.byteLength) throw new Error(`raw_data has ${raw.byteLength} bytes, ${dtypeName(dtype)} ${JSON.stringify(dims)} needs ${out.byteLength}`);
    new Uint8Array(out.buffer).set(raw); // little-endian, as the format says (and this host is)
    return { name, dtype, dims, values: out };
  }
  const field: unknown[] =
    dtype === 1 || dtype === 14 ? m.float_data ?? [] :
    dtype === 11 || dtype === 15 ? m.double_data ?? [] :
    dtype === 7 ? m.int64_data ?? [] :
    dtype === 12 || dtype === 13 ? m.uint64_data ?? [] : m.int32_data ?? [];
  if (field.length !== out.length) throw new Error(`${field.length} values stored, ${dtypeName(dtype)} ${JSON.stringify(dims)} needs ${out.length}`);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) for (let i = 0; i < out.length; i++) out[i] = BigInt(field[i] as string);
  else if (dtype === 12) for (let i = 0; i < out.length; i++) out[i] = Number(field[i]);
  else (out as Float64Array).set(field as number[]); // int32_data holds small ints and f16 / bf16 / f8 bits
  return { name, dtype, dims, values: out };
}

/** The tensor's values as float64 numbers (f16 / bf16 decoded, int64 rounded), or null (strings, complex, f8). */
export function asNumbers(t: Tensor): Float64Array | null {
  const v = t.values;
  if (Array.isArray(v) || t.dtype === 14 || t.dtype === 15 || t.dtype >= 17) return null;
  const out = new Float64Array(v.length);
  if (t.dtype === 10) { const dv = new DataView(new Uint16Array(v as Uint16Array).buffer); for (let i = 0; i < v.length; i++) out[i] = getFloat16(dv, 2 * i, true); }
  else if (t.dtype === 16) { const f = new Float32Array(1), u = new Uint32Array(f.buffer); for (let i = 0; i < v.length; i++) { u[0] = (v[i] as number) << 16; out[i] = f[0]; } }
  else for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
  return out;
}

export type Kind = 'tensor' | 'sequence' | 'map' | 'sparse' | 'optional' | 'none';
export interface ValueInfo { name: string; kind: Kind; elemType: number; dims: (number | string | null)[] | null }
export interface ModelInfo { irVersion: number; opsets: Record<string, number>; inputs: ValueInfo[]; outputs: ValueInfo[]; ops: string[] }

interface TypeMsg { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: string; dim_param?: string }[] } }; sequence_type?: unknown; map_type?: unknown; sparse_tensor_type?: unknown; optional_type?: unknown }

/** The graph's inputs (initializers removed, as IR < 4 lists them too) and outputs. */
export function decodeModelInfo(bytes: Uint8Array): ModelInfo {
  const T = type('Model');
  const m = T.toObject(T.decode(bytes), { longs: String, defaults: false }) as {
    ir_version?: string; opset_import?: { domain?: string; version?: string }[];
    graph?: { node?: { op_type?: string }[]; initializer?: { name?: string }[]; input?: { name?: string; type?: TypeMsg }[]; output?: { name?: string; type?: TypeMsg }[] };
  };
  const inits = new Set((m.graph?.initializer ?? []).map((t) => t.name ?? ''));
  const info = (v: { name?: string; type?: TypeMsg }): ValueInfo => {
    const t = v.type ?? {};
    const kind: Kind = t.tensor_type ? 'tensor' : t.sequence_type ? 'sequence' : t.map_type ? 'map' : t.sparse_tensor_type ? 'sparse' : t.optional_type ? 'optional' : 'none';
    const dims = t.tensor_type?.shape ? (t.tensor_type.shape.dim ?? []).map((d) => d.dim_value !== undefined ? Number(d.dim_value) : d.dim_param ?? null) : null;
    return { name: v.name ?? '', kind, elemType: t.tensor_type?.elem_type ?? 0, dims };
  };
  const opsets: Record<string, number> = {};
  for (const o of m.opset_import ?? []) opsets[o.domain ?? ''] = Number(o.version ?? 0);
  return {
    irVersion: Number(m.ir_version ?? 0), opsets,
    inputs: (m.graph?.input ?? []).filter((v) => !inits.has(v.name ?? '')).map(info),
    outputs: (m.graph?.output ?? []).map(info),
    ops: (m.graph?.node ?? []).map((n) => n.op_type ?? ''),
  };
}

/** The model with its default-domain opset raised to `min` (a probe); every other byte kept. */
export function raiseOpset(bytes: Uint8Array, min: number): Uint8Array {
  const r = protobuf.Reader.create(bytes), O = type('OpsetId'), parts: Uint8Array[] = [];
  const opsetField = (o: object) => protobuf.Writer.create().uint32((8 << 3) | 2).bytes(O.encode(O.fromObject(o)).finish()).finish();
  let main = false;
  while (r.pos < r.len) {
    const start = r.pos, tag = r.uint32();
    if (tag === ((8 << 3) | 2)) {
      const o = O.toObject(O.decode(r.bytes()), { longs: Number }) as { domain?: string; version?: number };
      if ((o.domain ?? '') === '' || o.domain === 'ai.onnx') { main = true; o.version = Math.max(o.version ?? 0, min); }
      parts.push(opsetField(o));
    } else {
      r.skipType(tag & 7);
      parts.push(bytes.subarray(start, r.pos));
    }
  }
  if (!main) parts.push(opsetField({ domain: '', version: min }));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

// What the ONNX importer binds ONNX value names to, and how it reads them from the protobuf:
// constants (initializers, Constant nodes, folded shape arithmetic), activations (layout-tracked,
// see ../graph.ts) and quantized activations (a QuantizeLinear waiting for its DequantizeLinear).

import { fail } from '../../../runtime/errors.js';
import type { Data } from '../../permute.js';
import { ELEM_BYTES, clampInt, decodeRaw, prod, unsupported, type BaseConst, type DType, type Ints, type LayoutAct } from '../graph.js';
import { DT, AT, type NodeP, type TensorP, type AttrP } from './proto.js';
import { dtypeOfId } from '../../../runtime/dtype.js';

export interface QInfo { fmt: 'i8' | 'u8'; codes: Int8Array | Uint8Array; scale: Float32Array; zp: Int32Array; axis: number /* -1: per tensor */ }
export interface Const extends BaseConst { q?: QInfo; /** the source's little-endian element bytes, where it stored them so */ raw?: Uint8Array }
export interface Act extends LayoutAct { kind: 'act' }
export interface QAct { kind: 'qact'; x: Act; scale: number; zp: number; fmt: 'i8' | 'u8'; fq?: Act; qName: string }
export type Val = Const | Act | QAct;

/** The batch size inside folded shape vectors (Shape of a dynamic-batch tensor). */
export const BATCH = -0x7fff_fff1;
export const isBatch = (d: number) => d === -1;

export function dtypeOf(dt: number | undefined): DType {
  return (dt === undefined ? undefined : dtypeOfId(dt)) ?? 'other';
}

/** A TensorProto as a constant (data copied, little-endian as ONNX stores it). */
export function tensorConst(t: TensorP, where: string): Const {
  const dims = (t.dims ?? []).map(Number);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_GRAPH', `${where}: dims ${JSON.stringify(dims)} are not non-negative integers`);
  const n = prod(dims);
  if (n > 2 ** 30) fail('LIMIT_EXCEEDED', `${where}: ${n} elements`);
  if (t.data_location === 1) fail('BAD_GRAPH', `${where}: tensor data is stored in an external file; save the model with all tensors inside it`);
  const dtype = dtypeOf(t.data_type);
  if (dtype === 'other') return { kind: 'const', dims, dtype, data: [] };
  const raw = t.raw_data;
  if (raw && raw.byteLength > 0 || n === 0 && raw) {
    if (raw.byteLength !== n * ELEM_BYTES[dtype]) fail('BAD_GRAPH', `${where}: raw_data holds ${raw.byteLength} bytes, ${dtype} ${JSON.stringify(dims)} needs ${n * ELEM_BYTES[dtype]}`);
    return { kind: 'const', dims, dtype, data: decodeRaw(dtype, raw, clampInt)!, raw: new Uint8Array(raw) };
  }
  // see: onnx.proto TensorProto: without raw_data, values sit in the typed field of their type
  const list = (a: number[] | undefined) => {
    const v = a ?? [];
    if (v.length !== n) fail('BAD_GRAPH', `${where}: ${v.length} values stored, dims ${JSON.stringify(dims)} need ${n}`);
    return v;
  };
  switch (dtype) {
    case 'f32': return { kind: 'const', dims, dtype, data: Float32Array.from(list(t.float_data)) };
    case 'f16': return { kind: 'const', dims, dtype, data: Uint16Array.from(list(t.int32_data)) };
    case 'i8': return { kind: 'const', dims, dtype, data: Int8Array.from(list(t.int32_data)) };
    case 'u8': case 'bool': return { kind: 'const', dims, dtype, data: Uint8Array.from(list(t.int32_data)) };
    case 'i32': return { kind: 'const', dims, dtype, data: Int32Array.from(list(t.int32_data)) };
    case 'i64': return { kind: 'const', dims, dtype, data: list(t.int64_data).map(clampInt), raw: new Uint8Array(BigInt64Array.from(list(t.int64_data), (v) => BigInt(v)).buffer) };
    case 'f64': return { kind: 'const', dims, dtype, data: [...list(t.double_data)] };
    case 'bf16': case 'u16': return { kind: 'const', dims, dtype, data: Uint16Array.from(list(t.int32_data)) };
    case 'i16': return { kind: 'const', dims, dtype, data: Int16Array.from(list(t.int32_data)) };
    case 'u32': return { kind: 'const', dims, dtype, data: Uint32Array.from(list(t.uint64_data as unknown as number[]).map(Number)) };
    case 'u64': return { kind: 'const', dims, dtype, data: list(t.uint64_data as unknown as number[]).map(clampInt), raw: new Uint8Array(BigUint64Array.from(list(t.uint64_data as unknown as number[]), (v) => BigInt(v)).buffer) };
  }
  return { kind: 'const', dims, dtype: 'other', data: [] };
}

function safeInt(v: bigint | number, where: string): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x)) fail('BAD_GRAPH', `${where}: integer ${v} is outside the safe range`);
  return x;
}

const dec = new TextDecoder();
/** A node's attributes by name, with the defaults the ONNX operator spec gives. */
export class Attrs {
  private m = new Map<string, AttrP>();
  constructor(n: NodeP) { for (const a of n.attribute ?? []) if (a.name) this.m.set(a.name, a); }
  has(k: string) { return this.m.has(k); }
  i(k: string, d: number): number { const a = this.m.get(k); return a?.i !== undefined ? Number(a.i) : d; }
  f(k: string, d: number): number { const a = this.m.get(k); return a?.f !== undefined ? a.f : a?.i !== undefined ? Number(a.i) : d; }
  s(k: string, d: string): string { const a = this.m.get(k); return a?.s !== undefined ? dec.decode(a.s) : d; }
  ints(k: string, d?: Ints): Ints | undefined { const a = this.m.get(k); return a?.ints !== undefined && (a.ints.length || a.type === AT.INTS) ? a.ints.map(Number) : d; }
  floats(k: string): number[] | undefined { return this.m.get(k)?.floats; }
  t(k: string): TensorP | undefined { return this.m.get(k)?.t; }
  names() { return [...this.m.keys()]; }
}

/** The value of a Constant node (see: ONNX Constant, opset 13: exactly one value attribute). */
export function constantNode(n: NodeP): Const {
  const a = new Attrs(n);
  const where = `Constant node ${JSON.stringify(n.name ?? '')}`;
  const t = a.t('value');
  if (t) return tensorConst(t, where);
  if (a.has('value_float')) return { kind: 'const', dims: [], dtype: 'f32', data: new Float32Array([a.f('value_float', 0)]) };
  if (a.has('value_floats')) { const f = a.floats('value_floats') ?? []; return { kind: 'const', dims: [f.length], dtype: 'f32', data: Float32Array.from(f) }; }
  if (a.has('value_int')) return { kind: 'const', dims: [], dtype: 'i64', data: [a.i('value_int', 0)] };
  if (a.has('value_ints')) { const v = a.ints('value_ints', [])!; return { kind: 'const', dims: [v.length], dtype: 'i64', data: v }; }
  return unsupported(`Constant with ${a.names().join(', ') || 'no value'} (sparse and string constants are not supported)`);
}

export function intData(c: Const): number[] {
  if (c.dtype === 'i64' || c.dtype === 'i32' || c.dtype === 'i8' || c.dtype === 'u8' || c.dtype === 'bool') return Array.from(c.data as ArrayLike<number>);
  return unsupported(`folding needs integer constants (got ${c.dtype})`);
}

/** An empty container of c's kind (typed array or plain array) of n elements. */
export function makeLike(c: Const, n: number): Data {
  if (Array.isArray(c.data)) return new Array(n);
  return new (c.data.constructor as any)(n);
}

export function normAxis(a: number, r: number): number {
  const x = a < 0 ? a + r : a;
  if (!(x >= 0 && x < r)) unsupported(`axis ${a} out of range for rank ${r}`);
  return x;
}

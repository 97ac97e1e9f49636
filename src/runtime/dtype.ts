// Element types of graph values (the module's element-type table, assembly/nd/dtype.ts, through
// tables.gen.ts): name -> ONNX id, bytes, kind; the typed array run() takes and returns for each.
// f16 / bf16 values travel as their bits in a Uint16Array; bool as 0 / 1 in a Uint8Array.

import { DTYPE_NAMES, DTYPE_TABLE, FORMAT_NAMES } from './tables.js';
import { fail } from './errors.js';

export type DType = (typeof DTYPE_NAMES)[number];
export type DKind = 'float' | 'signed' | 'unsigned' | 'bool';
const KIND: readonly DKind[] = ['float', 'signed', 'unsigned', 'bool'];

export interface DTypeInfo { name: DType; id: number; bytes: number; kind: DKind }

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = Object.freeze(Object.fromEntries(DTYPE_NAMES.map((n, r) => {
  const [id, bytes, kind] = DTYPE_TABLE[r];
  return [n, Object.freeze({ name: n, id, bytes, kind: KIND[kind] })];
})) as Record<DType, DTypeInfo>);

/** Whether s names an element type (own keys only). */
export const isDType = (s: unknown): s is DType => typeof s === 'string' && Object.hasOwn(DTYPES, s);

export const dtypeBytes = (t: DType): number => DTYPES[t].bytes;
export const dtypeId = (t: DType): number => DTYPES[t].id;

/** The element type with ONNX TensorProto id `id`, or undefined. */
export const dtypeOfId = (id: number): DType | undefined => DTYPE_NAMES.find((n) => DTYPES[n].id === id);

export type TensorData = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;

const ARRAY: Record<DType, { new (b: ArrayBuffer, o: number, n: number): TensorData; name: string }> = {
  f32: Float32Array, f64: Float64Array, i64: BigInt64Array, u64: BigUint64Array, i32: Int32Array, u32: Uint32Array,
  i16: Int16Array, u16: Uint16Array, f16: Uint16Array, bf16: Uint16Array, i8: Int8Array, u8: Uint8Array, bool: Uint8Array,
};

/** The typed array class values of type t travel in, and its name (for error messages). */
export const arrayName = (t: DType): string => ARRAY[t].name;

/** Whether `data` is the typed array run() takes for values of type t. */
export const isArrayOf = (t: DType, data: unknown): data is TensorData => data instanceof (ARRAY[t] as unknown as Function) && (data as object).constructor === ARRAY[t];

/** A view of n elements of type t at byte offset p of `buffer`. */
export const view = (t: DType, buffer: ArrayBuffer, p: number, n: number): TensorData => new ARRAY[t](buffer, p, n);

/** The element type named `s`, or BAD_GRAPH naming `where`. */
export function dtypeOf(s: unknown, where: string): DType {
  if (!isDType(s)) fail('BAD_GRAPH', `${where}: element type ${JSON.stringify(s)} is not one of ${DTYPE_NAMES.join(', ')}`);
  return s;
}

/** An element type the format table has no row for (i64, f64, bool, ...): a stored tensor of it
 *  holds plain elements. Undefined for every format-table name. */
export const rawOnly = (s: unknown): DType | undefined => (isDType(s) && !(FORMAT_NAMES as readonly string[]).includes(s) ? s : undefined);

/** The element type a stored tensor is read as when a node takes it as a value: its format when
 *  that names an element type and the tensor is not quantized (no scale). */
export const storedType = (t: { format: string; scale?: string }): DType | undefined => (isDType(t.format) && t.scale === undefined ? t.format : undefined);

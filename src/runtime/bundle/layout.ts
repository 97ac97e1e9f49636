// Bundle v2 layout constants and header types (docs/BUNDLE.md is the spec).
//
//   0   8 bytes  magic  "ALLOY\0\r\n"   (the \r\n catches text-mode mangling, as PNG's does)
//   8   u32 LE   version = 2
//   12  u32 LE   flags = 0 (reserved, must be 0)
//   16  u64 LE   header length H (bytes of JSON, including trailing space padding)
//   24  H bytes  JSON header, UTF-8, padded with spaces so 24 + H is a multiple of 64
//   24+H         data: tensors at 64-byte aligned offsets, zero padding between them

export const MAGIC = new Uint8Array([0x41, 0x4c, 0x4c, 0x4f, 0x59, 0x00, 0x0d, 0x0a]);
export const VERSION = 2;
export const PREAMBLE = 24;
export const ALIGN = 64;

/** Elements of a shape (1 for a scalar []). */
export const elements = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export interface TensorEntry {
  format: string;
  shape: number[];
  /** byte offset from the start of the data section */
  offset: number;
  /** bytes stored (codes, packed for sub-byte formats) */
  bytes: number;
  /** XXH32 (seed 0) of the stored bytes, 8 lowercase hex digits */
  xxh32: string;
  /** quantized tensors: name of the f32 scale tensor (per tensor / channel / group / MX block) */
  scale?: string;
  /** affine integers: name of the i32 zero-point tensor */
  zeroPoint?: string;
  /** affine integers: elements per scale group along the flattened tensor */
  group?: number;
  /** affine integers, instead of `group`: one scale (and zero point) per index of this dimension
   *  (per-channel scales whose channel is not the first axis, e.g. depthwise [KH, KW, C]: 2) */
  axis?: number;
}

/** Weighted operators and the index of their weight input. */
export const WEIGHTED: Record<string, number> = { Dense: 1, Conv: 1, DepthwiseConv: 1 };

/** The index of an operator's weight input, or undefined (own keys only: an op named
 *  "constructor" in an unchecked bundle must not find Object.prototype's members). */
export const weightInput = (op: unknown): number | undefined => (typeof op === 'string' && Object.hasOwn(WEIGHTED, op) ? WEIGHTED[op] : undefined);

export type QuantFields = Pick<TensorEntry, 'scale' | 'zeroPoint' | 'group' | 'axis'>;

/** The quantization fields an entry (or a writer input) has, and only those: what every copy of a
 *  tensor between bundles must carry along. */
export function quantFields(t: QuantFields): QuantFields {
  const q: QuantFields = {};
  if (t.scale !== undefined) q.scale = t.scale;
  if (t.zeroPoint !== undefined) q.zeroPoint = t.zeroPoint;
  if (t.group !== undefined) q.group = t.group;
  if (t.axis !== undefined) q.axis = t.axis;
  return q;
}

export interface ValueInfo { name: string; shape: number[]; format: string }

export interface NodeEntry {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, unknown>;
}

export interface Header {
  alloy: number;
  graph: { inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeEntry[] };
  tensors: Record<string, TensorEntry>;
  precision?: unknown;
  metadata?: Record<string, unknown>;
  data: { bytes: number };
}

export const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** A tensor checksum as the header spells it: 8 lowercase hex digits. */
export const hex8 = (h: number) => (h >>> 0).toString(16).padStart(8, '0');

/** The entry of the tensor a graph names, or undefined (own keys only: a name such as
 *  "constructor" must not find Object.prototype's members). */
export const tensorEntry = (h: Pick<Header, 'tensors'>, name: unknown): TensorEntry | undefined =>
  (typeof name === 'string' && Object.hasOwn(h.tensors, name) ? h.tensors[name] : undefined);

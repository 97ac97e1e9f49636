// Values that are not tensors (see: ONNX IR, "Sequence" and "Optional" types): value types, the
// host's holding of a value between planned segments, and run()'s JS forms of each.
//
// A value type is an element type ('f32', 'i64', ...: a tensor), 'seq<T>' (a sequence of tensors
// of element type T), or 'opt<V>' (V or nothing; V a tensor or a sequence type).

import { fail } from '../errors.js';
import { isDType, isArrayOf, arrayName, view, dtypeBytes, type DType, type TensorData } from '../dtype.js';
import { elements } from '../bundle/layout.js';

export type VKind = { k: 't'; dtype: DType } | { k: 's'; elem: DType } | { k: 'o'; elem: VKind };

/** The kind of a value type string, or undefined when it is not one. */
export function vkind(s: unknown): VKind | undefined {
  // the longest type there is, 'opt<seq<bf16>>', is 14 characters: no deep recursion on a hostile header
  if (typeof s !== 'string' || s.length > 16) return undefined;
  if (isDType(s)) return { k: 't', dtype: s };
  const m = /^(seq|opt)<(.+)>$/.exec(s);
  if (!m) return undefined;
  const inner = vkind(m[2]);
  if (!inner) return undefined;
  if (m[1] === 'seq') return inner.k === 't' ? { k: 's', elem: inner.dtype } : undefined;
  return inner.k === 'o' ? undefined : { k: 'o', elem: inner };
}

/** A value type that is not a tensor's element type (a sequence or an optional). */
export const isContainer = (s: unknown): boolean => { const k = vkind(s); return k !== undefined && k.k !== 't'; };

/** A tensor as the host holds it between segments: its bytes (a copy out of wasm memory). */
export interface HTensor { k: 't'; dtype: DType; shape: number[]; bytes: Uint8Array }
export interface HSeq { k: 's'; elem: DType; items: HTensor[] }
export interface HOpt { k: 'o'; v: HTensor | HSeq | null }
export type HValue = HTensor | HSeq | HOpt;

export const tensorOf = (dtype: DType, shape: number[], bytes: Uint8Array): HTensor => ({ k: 't', dtype, shape, bytes });

/** Whether value v has value type `type`. */
export function hasType(v: HValue | undefined, type: VKind): boolean {
  if (!v) return false;
  if (type.k === 't') return v.k === 't' && v.dtype === type.dtype;
  if (type.k === 's') return v.k === 's' && v.elem === type.elem;
  return v.k === 'o' && (v.v === null || hasType(v.v, type.elem));
}

/** The JS form run() returns: a tensor { data, shape, dtype }, an array of them, or null. */
export type JsValue = { data: TensorData; shape: number[]; dtype: DType } | JsValue[] | null;

/** A JS feed (docs/ARCHITECTURE.md, "Control flow"): typed array or { data, shape } for a
 *  tensor, an array of { data, shape } for a sequence, null (or the value) for an optional. */
export function fromJs(x: unknown, type: VKind, where: string, tensor: (x: unknown, t: DType, where: string) => HTensor): HValue {
  if (type.k === 't') return tensor(x, type.dtype, where);
  if (type.k === 's') {
    if (!Array.isArray(x)) fail('BAD_ARGUMENT', `${where} is a sequence of ${type.elem} tensors: pass an array of { data: ${arrayName(type.elem)}, shape }`);
    return { k: 's', elem: type.elem, items: x.map((e, i) => tensor(e, type.elem, `${where}[${i}]`)) };
  }
  return { k: 'o', v: x === null ? null : (fromJs(x, type.elem, where, tensor) as HTensor | HSeq) };
}

/** A shaped feed with no declared shape to check against (sequence elements). */
export function looseTensor(x: unknown, t: DType, where: string): HTensor {
  const o = x as { data?: unknown; shape?: unknown };
  const data = o?.data as TensorData;
  if (!isArrayOf(t, data)) fail('BAD_ARGUMENT', `${where} is ${t}: pass { data: ${arrayName(t)}, shape }`);
  const s = o.shape;
  if (!Array.isArray(s) || s.length > 8 || !s.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('SHAPE_MISMATCH', `${where}: shape ${JSON.stringify(s)} is not a list of at most 8 non-negative integers`);
  if (elements(s) !== data.length) fail('SHAPE_MISMATCH', `${where} has ${data.length} values, its shape ${JSON.stringify(s)} needs ${elements(s)}`);
  return tensorOf(t, [...s], new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
}

/** run()'s JS form of a host value. */
export function toJs(v: HValue): JsValue {
  if (v.k === 't') {
    const n = elements(v.shape), copy = v.bytes.slice(0, n * dtypeBytes(v.dtype));
    return { data: view(v.dtype, copy.buffer as ArrayBuffer, 0, n), shape: [...v.shape], dtype: v.dtype };
  }
  if (v.k === 's') return v.items.map(toJs);
  return v.v === null ? null : toJs(v.v);
}

/** The type string of a kind. */
export const typeName = (t: VKind): string => (t.k === 't' ? t.dtype : t.k === 's' ? `seq<${t.elem}>` : `opt<${typeName(t.elem)}>`);

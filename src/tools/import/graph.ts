// The graph builder both importers (./onnx/, ./tflite/) stand on: fresh tensor and node names, the
// nodes and tensors of the bundle being built, the value each source tensor is bound to, the
// NCHW / NHWC layout of 4-D activations, constants decoded from their stored bytes, and the list
// of unsupported nodes (every refusal is collected, then reported at once: docs/ARCHITECTURE.md rule 8).
// Node; offline. The arithmetic on tensor values is ./math.ts (in the wasm module).

import { createHash } from 'node:crypto';
import { fail } from '../../runtime/errors.js';
import type { BundleInput, TensorInput } from '../bundle/write.js';
import type { NodeEntry, ValueInfo } from '../../runtime/bundle/layout.js';
import { elements } from '../../runtime/bundle/layout.js';
import { DTYPES, type DType as RtDType } from '../../runtime/dtype.js';
import { permute, type Data } from '../permute.js';
import * as M from './math.js';

export type Ints = number[];
/** An element type (src/runtime/dtype.ts), or 'other' for one Alloy has no values of (string, ...). */
export type DType = RtDType | 'other';
export const ELEM_BYTES: Record<DType, number> = { ...Object.fromEntries(Object.values(DTYPES).map((d) => [d.name, d.bytes])), other: 0 } as Record<DType, number>;
export const prod = elements;

/** A constant as both importers hold it: dims, element type and values (little-endian). */
export interface BaseConst { kind: 'const'; dims: Ints; dtype: DType; data: Data }

/** Thrown by a handler that cannot convert its node; the builder records it and goes on. */
export class Unsupported extends Error {}
export const unsupported = (why: string): never => { throw new Unsupported(why); };

/** The value of every output of a refused node (its consumers are counted, not converted). */
export const POISON = Object.freeze({ kind: 'poison' as const });

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A copy of raw into a fresh (so aligned) buffer. */
export function copyBytes(raw: Uint8Array): ArrayBuffer {
  const b = new ArrayBuffer(raw.byteLength);
  new Uint8Array(b).set(raw);
  return b;
}

/** Stored little-endian bytes as the typed values of dtype (copied); 64-bit integers through
 *  `i64`. Undefined for 'other'. */
export function decodeRaw(dtype: DType, raw: Uint8Array, i64: (v: bigint) => number): Data | undefined {
  const buf = copyBytes(raw);
  switch (dtype) {
    case 'f32': return new Float32Array(buf);
    case 'f16': case 'bf16': case 'u16': return new Uint16Array(buf);
    case 'i16': return new Int16Array(buf);
    case 'i8': return new Int8Array(buf);
    case 'u8': case 'bool': return new Uint8Array(buf);
    case 'i32': return new Int32Array(buf);
    case 'u32': return new Uint32Array(buf);
    case 'i64': return Array.from(new BigInt64Array(buf), i64);
    case 'u64': return Array.from(new BigUint64Array(buf), i64);
    case 'f64': return Array.from(new Float64Array(buf));
  }
  return undefined;
}

/** A 64-bit integer as a number for shape arithmetic: beyond +-(2^53 - 1) it is clamped there
 *  (INT64_MAX as "to the end" in Slice keeps its meaning). */
export const clampInt = (v: bigint | number): number => {
  const x = Number(v);
  return x > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : x < -Number.MAX_SAFE_INTEGER ? -Number.MAX_SAFE_INTEGER : x;
};

/** A constant's little-endian element bytes (its source bytes where kept), for a raw tensor. */
export function constBytes(c: BaseConst & { raw?: Uint8Array }): Uint8Array {
  if (c.raw) return c.raw;
  const d = c.data;
  if (!Array.isArray(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const a = c.dtype === 'i64' ? BigInt64Array.from(d, (v) => BigInt(v)) : c.dtype === 'u64' ? BigUint64Array.from(d, (v) => BigInt(v)) : c.dtype === 'f64' ? Float64Array.from(d) : unsupported(`constant of type ${c.dtype} as a tensor`);
  return new Uint8Array(a.buffer);
}

/** The f32 values of a float constant (f16 decoded exactly, in wasm); undefined for other types. */
export function floatValues(c: BaseConst): Float32Array | undefined {
  if (c.dtype === 'f32') return c.data as Float32Array;
  if (c.dtype === 'f16') return M.decodeF16(c.data as Uint16Array);
  return undefined;
}

/** Numpy broadcast of `data` (dims) to `to` (same rank; each dim equal or 1 in dims). */
export function broadcastTo(data: Float32Array, dims: Ints, to: Ints, where = `broadcast of ${JSON.stringify(dims)} to ${JSON.stringify(to)}`): Float32Array {
  const r = to.length, n = prod(to);
  const out = M.floats(n, where);
  const stride = new Array(r).fill(0);
  let s = 1;
  for (let i = r - 1; i >= 0; i--) { stride[i] = dims[i] === 1 ? 0 : s; s *= dims[i]; }
  const idx = new Array(r).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    out[o] = data[src];
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++; src += stride[k];
      if (idx[k] < to[k]) break;
      src -= stride[k] * to[k]; idx[k] = 0;
    }
  }
  return out;
}

/** `f` over the values of a constant moved so that `axis` leads (each entry of the axis one
 *  contiguous group, as the per-channel (de)quantize kernels want), moved back to `dims`. */
export function perAxis<T extends Data, U extends Data>(vals: T, dims: Ints, axis: number, f: (moved: T) => U): U {
  const perm = [axis, ...dims.map((_, i) => i).filter((i) => i !== axis)];
  const out = f(permute(vals, dims, perm));
  return permute(out, perm.map((p) => dims[p]), perm.map((_, i) => perm.indexOf(i)));
}

/** The numpy broadcast of two shapes, or null when they do not broadcast. */
export function broadcastShapes(a: Ints, b: Ints): Ints | null {
  const r = Math.max(a.length, b.length);
  const out: Ints = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return null;
  }
  return out;
}

// ----- layouts: a 4-D activation is held NCHW (ONNX axis order) or NHWC (the image kernels')

export const NCHW_TO_NHWC = [0, 2, 3, 1];
export const NHWC_TO_NCHW = [0, 3, 1, 2];
/** NCHW axis -> axis of the NHWC tensor */
export const AXIS_IN_NHWC = [0, 3, 1, 2];

/** An activation whose layout is tracked: `shape` is NCHW; `nhwc` says how the tensor `name`
 *  holds it; `conv` caches the one conversion made to the other layout. */
export interface LayoutAct { name: string; shape: Ints; nhwc: boolean; conv: { nchw?: string; nhwc?: string }; /** element type (absent: f32) */ dtype?: RtDType; /** rank unknown at import (a sequence element's; `shape` means nothing): only generic rows take it */ rankless?: boolean }

/** Alloy-order shape of an NCHW shape held in the given layout. */
export function alloyShape(shape: Ints, nhwc: boolean): Ints { return nhwc ? NCHW_TO_NHWC.map((p) => shape[p]) : [...shape]; }

// ----- the builder

/** Keys (K) name the source model's tensors (ONNX value names, TFLite tensor indices); V is the
 *  importer's value type (constants, activations). */
export class GraphBuilder<K, V> {
  vals = new Map<K, V>();
  nodes: NodeEntry[] = [];
  tensors: Record<string, TensorInput> = {};
  /** names fresh() must not hand out (the source model's own, kept for its outputs) */
  reserved = new Set<string>();
  used = new Set<string>();
  problems: string[] = [];
  skipped = 0;
  /** the node being converted: the base of the names of what it emits */
  nodeName = '';

  fresh(base: string): string {
    let n = base, i = 1;
    while (this.reserved.has(n) || this.used.has(n)) n = `${base}_${i++}`;
    this.used.add(n);
    return n;
  }

  tensor(base: string, t: TensorInput): string {
    const name = this.fresh(base);
    this.tensors[name] = t;
    return name;
  }

  f32Tensor(base: string, data: Float32Array, shape: Ints): string {
    return this.tensor(base, { format: 'f32', shape, data });
  }

  private rawNames = new WeakMap<BaseConst, string>();
  /** A constant as a raw typed bundle tensor (its element bytes), made once per constant. */
  rawConst(c: BaseConst & { raw?: Uint8Array }, base: string): string {
    let name = this.rawNames.get(c);
    if (!name) {
      if (c.dtype === 'other') unsupported('a constant of an element type Alloy has no values of (string, ...)');
      name = this.tensor(base, { format: c.dtype, shape: [...c.dims], data: constBytes(c) });
      this.rawNames.set(c, name);
    }
    return name;
  }

  /** Runs `f`; when it refuses (Unsupported), what it emitted and bound is undone and false
   *  returned. Other errors propagate. */
  tryOrUndo(f: () => void): boolean {
    const nodes = this.nodes.length, tensors = new Set(Object.keys(this.tensors)), vals = new Map(this.vals);
    try { f(); return true; } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      this.nodes.length = nodes;
      for (const k of Object.keys(this.tensors)) if (!tensors.has(k)) delete this.tensors[k];
      this.vals = vals;
      return false;
    }
  }

  emit(op: string, inputs: string[], out: string, attrs?: Record<string, unknown>, suffix = ''): NodeEntry {
    return this.emitN(op, inputs, [out], attrs, suffix);
  }

  /** A node with several outputs ('' for one nobody reads). */
  emitN(op: string, inputs: string[], outs: string[], attrs?: Record<string, unknown>, suffix = ''): NodeEntry {
    const e: NodeEntry = { name: this.fresh((this.nodeName || op) + suffix), op, inputs, outputs: outs, ...(attrs && Object.keys(attrs).length ? { attrs } : {}) };
    this.nodes.push(e);
    this.emitted(e);
    return e;
  }

  /** Called for every node emit() adds. */
  protected emitted(_e: NodeEntry): void {}

  // ----- layouts

  /** The alloy tensor holding `v` in NCHW axis order (converted once, then cached). */
  nchw(v: LayoutAct): string {
    return v.nhwc ? this.relayout(v, 'nchw') : v.name;
  }

  /** The alloy tensor holding 4-D `v` as NHWC. */
  nhwc(v: LayoutAct): string {
    if (v.shape.length !== 4) unsupported(`needs a 4-D (NCHW) input, got shape ${JSON.stringify(v.shape)}`);
    return v.nhwc ? v.name : this.relayout(v, 'nhwc');
  }

  private relayout(v: LayoutAct, to: 'nchw' | 'nhwc'): string {
    const done = v.conv[to];
    if (done) return done;
    const [, C, H, W] = v.shape;
    const name = this.fresh(`${v.name}.${to}`);
    // a permutation that moves no element (C == 1, or H == W == 1) is a Reshape, i.e. a copy
    if (C === 1 || (H === 1 && W === 1)) this.emit('Reshape', [v.name], name, { shape: to === 'nchw' ? [0, C, H, W] : [0, H, W, C] });
    else this.emit('Transpose', [v.name], name, { perm: to === 'nchw' ? NHWC_TO_NCHW : NCHW_TO_NHWC });
    return (v.conv[to] = name);
  }

  // ----- refusals

  poison(keys: K[]): void { for (const k of keys) this.vals.set(k, POISON as unknown as V); }
  isPoison(k: K): boolean { return this.vals.get(k) === (POISON as unknown); }

  /** A node no handler converts. */
  refuse(label: string, outs: K[]): void { this.problems.push(label); this.poison(outs); }

  /** A node that depends on a refused one: counted, not checked. */
  skip(outs: K[]): void { this.skipped++; this.poison(outs); }

  /** Run one node's handler; an Unsupported refusal is listed as `label: why`. Any other error
   *  (an AlloyError for a malformed model) propagates. */
  attempt(label: string, outs: K[], run: () => void): void {
    try {
      run();
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      this.problems.push(`${label}: ${e.message}`);
      this.poison(outs);
    }
  }

  /** One UNSUPPORTED_OP listing every refused node (`noun`: what the source calls them). */
  finish(noun: 'node' | 'operator'): void {
    const n = this.problems.length, s = this.skipped;
    if (n) fail('UNSUPPORTED_OP', `${n} unsupported ${noun}${n > 1 ? 's' : ''}: ${this.problems.join('; ')}${s ? ` (${s} later ${noun}${s > 1 ? 's' : ''} depending on these not checked)` : ''}`);
  }

  /** The importer's result: the graph built, its tensors, and metadata naming the source model
   *  (its sha256, `about` it, its input / output names and how their layout relates to it). */
  bundle(io: { inputs: ValueInfo[]; outputs: ValueInfo[] }, source: string, bytes: Uint8Array, about: Record<string, unknown>, layout: string, extra: Record<string, unknown> = {}): BundleInput {
    const { inputs, outputs } = io;
    return {
      graph: { inputs, outputs, nodes: this.nodes },
      tensors: this.tensors,
      metadata: { source, sha256: sha256(bytes), ...about, inputs: inputs.map((v) => v.name), outputs: outputs.map((v) => v.name), layout, ...extra },
    };
  }
}

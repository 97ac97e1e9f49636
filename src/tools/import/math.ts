// The importer's arithmetic on tensor values, done by the module (docs/ARCHITECTURE.md rule 1): f16 decode,
// affine quantize / dequantize, and the f32 + - * / that fold BatchNormalization and Gemm's
// alpha / beta. The one exception is the square root of BN's (var + eps): wasm has no exported
// sqrt, so it is Math.fround(Math.sqrt(v)) of an f32 v: Math.sqrt is the IEEE 754 double square
// root (correctly rounded), and rounding that double to f32 gives the correctly rounded f32 square
// root (double rounding is innocuous for sqrt when 53 >= 2 * 24 + 2), i.e. the same bits as wasm's
// f32.sqrt in every engine.

import { get } from '../../runtime/wasm.js';
import * as heap from '../../runtime/heap.js';
import { formatByName } from '../../runtime/formats.js';
import { roundCode } from '../../runtime/tables.js';
import { fail } from '../../runtime/errors.js';
import { DEFAULT_LIMITS } from '../../runtime/bundle/read.js';

type Typed = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array;

/** The largest constant an importer builds from an activation's shape (a scale broadcast to a
 *  normalised dimension, a constant expanded to trailing dims), checked before allocating: the
 *  runtime's default maxTensorElements (a bundle holding a larger tensor loads only with a raised
 *  limit; the importers take none). */
const MAX_BUILT_ELEMENTS = DEFAULT_LIMITS.maxTensorElements;

/** A new Float32Array of n elements filled with v; LIMIT_EXCEEDED past MAX_BUILT_ELEMENTS. */
export function floats(n: number, where: string, v = 0): Float32Array {
  if (!(n <= MAX_BUILT_ELEMENTS)) fail('LIMIT_EXCEEDED', `${where}: a constant of ${n} elements (more than ${MAX_BUILT_ELEMENTS})`);
  return Object.is(v, 0) ? new Float32Array(n) : new Float32Array(n).fill(v); // -0 is filled
}

function withPut<T>(arrays: Typed[], outBytes: number, f: (ptrs: number[], out: number) => T): T {
  const ptrs: number[] = [];
  let out = 0;
  try {
    for (const a of arrays) ptrs.push(a.byteLength ? heap.put(a) : heap.alloc(16));
    out = heap.alloc(Math.max(outBytes, 16));
    return f(ptrs, out);
  } finally {
    for (const p of ptrs) heap.free(p);
    heap.free(out);
  }
}

export const OP = { add: 0, sub: 1, mul: 2, div: 3 } as const;

/** y[i] = a[i] op b[i % b.length] (b.length divides a.length), in wasm f32. */
export function binary(a: Float32Array, b: Float32Array, op: keyof typeof OP): Float32Array {
  const n = a.length;
  if (n === 0) return new Float32Array(0);
  return withPut([a, b], n * 4, ([ap, bp], y) => {
    if (get().vbinary_f32__simd128(ap, bp, y, n, b.length, OP[op], 0) !== 0) throw new Error('vbinary_f32__simd128 rejected its arguments');
    return heap.f32(y, n).slice();
  });
}

/** Rows of a row-major [rows, n / rows] matrix times one factor per row. */
export function scaleRows(a: Float32Array, rows: number, s: Float32Array): Float32Array {
  const out = new Float32Array(a.length), len = a.length / rows;
  for (let r = 0; r < rows; r++) out.set(binary(a.subarray(r * len, (r + 1) * len), s.subarray(r, r + 1), 'mul'), r * len);
  return out;
}

/** f32 square root of f32 values (see the header). */
export function sqrt(a: Float32Array): Float32Array {
  return a.map((v) => Math.fround(Math.sqrt(v)));
}

export function decodeF16(codes: Uint16Array): Float32Array {
  const n = codes.length;
  if (n === 0) return new Float32Array(0);
  const id = formatByName('f16').id;
  return withPut([codes], n * 4, ([cp], y) => { get().cvt_fmt_f32__simd128(id, cp, y, n); return heap.f32(y, n).slice(); });
}

/** (code - zp[g]) * scale[g] per contiguous group of `group` elements. */
export function dequant(fmt: 'i8' | 'u8', codes: Int8Array | Uint8Array, group: number, scales: Float32Array, zps: Int32Array): Float32Array {
  const n = codes.length;
  if (n === 0) return new Float32Array(0);
  const id = formatByName(fmt).id;
  return withPut([codes, scales, zps], n * 4, ([cp, sp, zp], y) => { get().dequant_int_f32__simd128(id, cp, y, n, group, sp, zp); return heap.f32(y, n).slice(); });
}

/** clamp(rne(x / scale[g]) + zp[g]) per contiguous group. */
export function quant(fmt: 'i8' | 'u8', values: Float32Array, group: number, scales: Float32Array, zps: Int32Array): Int8Array | Uint8Array {
  const n = values.length;
  const id = formatByName(fmt).id;
  const out = fmt === 'i8' ? new Int8Array(n) : new Uint8Array(n);
  if (n === 0) return out;
  return withPut([values, scales, zps], n, ([vp, sp, zp], y) => { get().quant_f32_int__simd128(id, vp, y, n, group, sp, zp, roundCode('rne'), 0, 0, 0); out.set(heap.u8(y, n)); return out; });
}

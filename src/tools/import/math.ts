// The importer's arithmetic on tensor values, done by the module (docs/ARCHITECTURE.md rule 1): f16 decode,
// affine quantize / dequantize, and the f32 + - * / that fold BatchNormalization and Gemm's
// alpha / beta; the column abs-max and SmoothQuant scales of src/tools/bundle/smooth.ts. The one exception is the square root of BN's (var + eps): wasm has no exported
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

type Typed = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int32Array;

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

/** Copies `arrays` into the module, allocates `outBytes` (and `scratchBytes`), runs f, frees
 *  every block whatever happens. */
export function withPut<T>(arrays: Typed[], outBytes: number, f: (ptrs: number[], out: number, scratch: number) => T, scratchBytes = 0): T {
  const ptrs: number[] = [];
  let out = 0, scratch = 0;
  try {
    for (const a of arrays) ptrs.push(a.byteLength ? heap.put(a) : heap.alloc(16));
    out = heap.alloc(Math.max(outBytes, 16));
    if (scratchBytes > 0) scratch = heap.alloc(scratchBytes);
    return f(ptrs, out, scratch);
  } finally {
    for (const p of ptrs) heap.free(p);
    heap.free(out); heap.free(scratch);
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

/** SHAPE_MISMATCH unless a holds rows x cols values (cols >= 1). */
export function checkRows(a: { length: number }, rows: number, cols: number, what: string): void {
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 1 || a.length !== rows * cols) fail('SHAPE_MISMATCH', `${what}: ${a.length} values are not ${rows} rows of ${cols}`);
}

/** max_i |x_ij| per column j; `acc` carries a running max over batches (absmax_cols_f32__scalar) */
export function absmaxCols(x: Float32Array, rows: number, cols: number, acc?: Float32Array): Float32Array {
  checkRows(x, rows, cols, 'absmax');
  if (acc && acc.length !== cols) fail('SHAPE_MISMATCH', `absmax: ${acc.length} running values for ${cols} columns`);
  return withPut([x], cols * 4, ([px], out) => {
    if (acc) heap.f32(out, cols).set(acc);
    get().absmax_cols_f32__scalar(px, rows, cols, acc ? 1 : 0, out);
    return heap.f32(out, cols).slice();
  });
}

/** s_j = xmax_j^alpha / wmax_j^(1 - alpha) (SmoothQuant: Xiao et al. 2023), smooth_scales_f32__scalar */
export function smoothScales(xmax: Float32Array, wmax: Float32Array, alpha: number): Float32Array {
  if (xmax.length !== wmax.length) fail('SHAPE_MISMATCH', `smooth scales: ${xmax.length} activation and ${wmax.length} weight channels`);
  if (!(alpha >= 0 && alpha <= 1)) fail('BAD_OPTION', `smooth scales: alpha ${alpha} is not in [0, 1]`);
  const n = xmax.length;
  return withPut([xmax, wmax], n * 4, ([px, pw], out) => { get().smooth_scales_f32__scalar(px, pw, n, alpha, out); return heap.f32(out, n).slice(); });
}

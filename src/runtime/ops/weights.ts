// Stored tensors into wasm memory, in the form a kernel wants. Decoding is done by the module.

import { get } from '../wasm.js';
import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { formatByName, type FormatRow } from '../formats.js';
import { WEIGHT_FORMATS } from '../precision.js';
import { elements, type OpContext, type Weight } from './types.js';

export function stored(ctx: OpContext, name: string | undefined, what: string, optional = false): Weight | undefined {
  if (name === undefined || name === '') { if (optional) return undefined; fail('BAD_GRAPH', `${ctx.where}: ${what} is missing`); }
  const w = ctx.weights.get(name);
  if (!w) fail('BAD_GRAPH', `${ctx.where}: ${what} ${JSON.stringify(name)} must be a stored tensor`);
  return w;
}

/** A weighted operator's weight input: a stored tensor in one of the weight formats (the ones a
 *  precision map may name). Others (e8m0fnu, i16, i32) are BAD_TENSOR on every kernel path alike. */
export function weightOf(ctx: OpContext, name: string | undefined): Weight {
  const w = stored(ctx, name, 'input 1 (weights)')!;
  if (!(WEIGHT_FORMATS as readonly string[]).includes(w.entry.format)) fail('BAD_TENSOR', `${ctx.where}: weight ${JSON.stringify(name)} is ${JSON.stringify(w.entry.format)}; weights are one of ${WEIGHT_FORMATS.join(', ')}`);
  return w;
}

/** Unpacked codes of a tensor, one per byte (u16 for 16-bit formats); i4 sign-extended to i8.
 *  The block holds at least `size` bytes (the rest uninitialised: room to pack in place). */
export function codesPtr(w: Weight, size = 0): { ptr: number; f: FormatRow; n: number } {
  const f = formatByName(w.entry.format);
  const n = elements(w.entry.shape);
  const bits = f.kind === 'mx' ? formatByName(f.element).bits : f.bits;
  const x = get();
  if (bits === 4 || bits === 6) {
    const src = w.put();
    let dst = 0;
    try { dst = heap.alloc(Math.max(n, size), false); } finally { if (!dst) heap.free(src); }
    (bits === 4 ? x.unpack4 : x.unpack6)(src, dst, n);
    heap.free(src);
    if (f.name === 'i4') x.sext4(dst, n);
    return { ptr: dst, f, n };
  }
  return { ptr: w.put(size), f, n };
}

/** The scale (and zero point) tensors named by a quantized tensor, checked against its shape. */
export function scalesOf(ctx: OpContext, name: string, w: Weight, anyAxis = false): { scales: number; zps: number; group: number } {
  const f = formatByName(w.entry.format);
  const n = elements(w.entry.shape);
  const where = `${ctx.where}: tensor ${JSON.stringify(name)}`;
  if (f.kind === 'int') {
    // per-index scales along axis 0 are row groups; another axis only where the caller handles it
    const axis = w.entry.axis;
    if (axis !== undefined && axis !== 0 && !anyAxis) fail('BAD_TENSOR', `${where}: scales along axis ${axis}; ${ctx.node.op} takes per-row (axis 0) or grouped scales`);
    const group = axis === undefined ? w.entry.group ?? n : axis === 0 ? n / Math.max(w.entry.shape[0], 1) : elements(w.entry.shape.slice(axis + 1));
    if (!Number.isSafeInteger(group) || group < 1) fail('BAD_TENSOR', `${where}: group ${JSON.stringify(group)} is not a positive integer`);
    const s = w.entry.scale !== undefined ? ctx.weights.get(w.entry.scale) : undefined;
    const count = axis !== undefined ? w.entry.shape[axis] : Math.ceil(n / group);
    if (!s || s.entry.format !== 'f32' || elements(s.entry.shape) !== count) fail('BAD_TENSOR', `${where}: needs an f32 scale tensor of ${count} values (entry "scale")`);
    const z = w.entry.zeroPoint !== undefined ? ctx.weights.get(w.entry.zeroPoint) : undefined;
    if (w.entry.zeroPoint !== undefined && (!z || z.entry.format !== 'i32' || elements(z.entry.shape) !== count)) fail('BAD_TENSOR', `${where}: zero point tensor must be i32 with ${count} values`);
    // A NaN or infinite scale would turn the whole group into NaN at every run: reject it here,
    // naming the tensor and the value (a check on the stored bits, no arithmetic: exponent all
    // ones). Done on the aligned copy: an Int32Array loop is cheaper cold than DataView calls.
    const scales = s.put();
    const bits = new Int32Array(heap.buffer(), scales, s.bytes.byteLength >> 2);
    for (let i = 0; i < bits.length; i++) {
      if ((bits[i] & 0x7f800000) === 0x7f800000) {
        const v = heap.f32(scales, bits.length)[i];
        heap.free(scales);
        fail('BAD_TENSOR', `${where}: scale tensor ${JSON.stringify(w.entry.scale)} value ${i} is ${v}; scales must be finite`);
      }
    }
    let zps = 0;
    try { zps = z ? z.put() : 0; } catch (e) { heap.free(scales); throw e; }
    // All-zero zero points (ONNX QDQ often stores them) are dropped: the kernels' symmetric paths
    // skip the subtraction, with the same results.
    if (zps && !new Int32Array(heap.buffer(), zps, count).some((v) => v !== 0)) { heap.free(zps); zps = 0; }
    return { scales, zps, group };
  }
  if (f.kind === 'mx') {
    const K = w.entry.shape[w.entry.shape.length - 1] ?? 1;
    const want = (n / Math.max(K, 1)) * Math.ceil(K / 32);
    const s = w.entry.scale !== undefined ? ctx.weights.get(w.entry.scale) : undefined;
    if (!s || s.entry.format !== 'e8m0fnu' || elements(s.entry.shape) !== want) fail('BAD_TENSOR', `${where}: needs an e8m0fnu scale tensor of ${want} values, blocks of 32 along the last axis (entry "scale")`);
    return { scales: s.put(), zps: 0, group: 32 };
  }
  return { scales: 0, zps: 0, group: n };
}

/** Scales of a [rows, K] integer weight as per-row groups: a group spanning whole rows (per
 *  tensor, or several rows) has its scale and zero point repeated for each of its rows, so row
 *  kernels see one group size that divides K. Frees and replaces the blocks it expands. */
export function scalesPerRow(s: { scales: number; zps: number; group: number }, rows: number, K: number): { scales: number; zps: number; group: number } {
  if (s.group <= K || s.group % K !== 0) return s;
  const per = s.group / K, groups = Math.ceil(rows / per);
  const expand = (p: number, bytes: (ptr: number, n: number) => Int32Array | Float32Array) => {
    if (!p) return 0;
    const src = bytes(p, groups).slice();
    const q = heap.alloc(rows * 4);
    const dst = bytes(q, rows);
    for (let r = 0; r < rows; r++) dst[r] = src[Math.floor(r / per)];
    heap.free(p);
    return q;
  };
  return {
    scales: expand(s.scales, (p, n) => heap.f32(p, n)),
    zps: expand(s.zps, (p, n) => new Int32Array(heap.buffer(), p, n)),
    group: K,
  };
}

/** A tensor's exact f32 values (dequantized: affine (q - zp) * s, MX element * X), in a block of
 *  at least `size` bytes (the rest uninitialised: room to pack in place). */
export function f32Ptr(ctx: OpContext, name: string, w: Weight, size = 0): number {
  const f = formatByName(w.entry.format);
  const n = elements(w.entry.shape);
  if (f.name === 'f32') return w.put(size);
  const x = ctx.kernels;
  const c = codesPtr(w);
  let out = 0;
  try { out = heap.alloc(Math.max(n * 4, size), false); } finally { if (!out) heap.free(c.ptr); }
  try {
    if (f.kind === 'float') x.cvt_fmt_f32__simd128(f.id, c.ptr, out, n);
    else if (f.kind === 'int') {
      const s = scalesOf(ctx, name, w, true);
      const axis = w.entry.axis ?? 0;
      // scales along `axis`: each [D, inner] slice of the [outer, D, inner] view has groups of inner
      const span = axis === 0 ? n : w.entry.shape[axis] * s.group;
      const cb = f.bits >= 8 ? f.bits / 8 : 1; // bytes per code in memory (i4 codes are unpacked)
      for (let o = 0; o < n; o += span) x.dequant_int_f32__simd128(f.id, c.ptr + o * cb, out + o * 4, span, s.group, s.scales, s.zps);
      heap.free(s.scales); heap.free(s.zps);
    } else if (f.kind === 'mx') {
      const s = scalesOf(ctx, name, w);
      const K = w.entry.shape[w.entry.shape.length - 1], rows = n / K, nb = Math.ceil(K / 32);
      for (let r = 0; r < rows; r++) x.cvt_mx_f32__lut(f.id, s.scales + r * nb, c.ptr + r * K, out + r * K * 4, K);
      heap.free(s.scales);
    } else fail('BAD_TENSOR', `${ctx.where}: tensor ${JSON.stringify(name)} of format ${f.name} cannot be a weight`);
  } catch (e) {
    heap.free(out);
    throw e;
  } finally {
    heap.free(c.ptr);
  }
  return out;
}

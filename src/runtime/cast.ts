// Host API of the casts: encode / decode any format, quantize / dequantize MX blocks.
// All arithmetic happens in the module; this file checks arguments and moves bytes.

import { get, guard } from './wasm.js';
import * as heap from './heap.js';
import { fail } from './errors.js';
import { formatByName, codeBytes, type FormatRow } from './formats.js';
import { ROUNDING, OVERFLOW, code, type Rounding, type OverflowPolicy } from './tables.js';

export { ROUNDING, OVERFLOW, type Rounding, type OverflowPolicy };

export interface CastOptions {
  /** rounding mode, default 'rne' */
  round?: Rounding;
  /** overflow policy, default 'saturate' */
  overflow?: OverflowPolicy;
  /** stochastic rounding: 64-bit seed of the counter-based generator (number or bigint) */
  seed?: number | bigint;
  /** stochastic rounding: one uint32 random word per element, instead of a seed */
  random?: Uint32Array;
  /** use the scalar reference instead of the SIMD path (tests and benchmarks) */
  reference?: boolean;
}

export interface ResolvedOptions { mode: number; ovf: number; seedLo: number; seedHi: number; random?: Uint32Array; reference: boolean }

export function resolveOptions(opts: CastOptions | undefined, n: number, where: string): ResolvedOptions {
  const o = opts ?? {};
  if (typeof o !== 'object') fail('BAD_OPTION', `${where}: options must be an object`);
  const round = o.round ?? 'rne';
  const mode = code(ROUNDING, round);
  if (mode < 0) fail('BAD_OPTION', `${where}: options.round ${JSON.stringify(round)} is not one of ${ROUNDING.join(', ')}`);
  const overflow = o.overflow ?? 'saturate';
  const ovf = code(OVERFLOW, overflow);
  if (ovf < 0) fail('BAD_OPTION', `${where}: options.overflow ${JSON.stringify(overflow)} is not one of ${OVERFLOW.join(', ')}`);
  let seed = 0n;
  if (o.seed !== undefined) {
    if (typeof o.seed === 'bigint') seed = o.seed;
    else if (Number.isSafeInteger(o.seed)) seed = BigInt(o.seed);
    else fail('BAD_OPTION', `${where}: options.seed must be an integer or a bigint`);
    seed = BigInt.asUintN(64, seed);
  }
  if (o.random !== undefined) {
    if (!(o.random instanceof Uint32Array)) fail('BAD_OPTION', `${where}: options.random must be a Uint32Array`);
    if (o.random.length < n) fail('BAD_OPTION', `${where}: options.random has ${o.random.length} words for ${n} values`);
    if (round !== 'stochastic') fail('BAD_OPTION', `${where}: options.random is only used with round: 'stochastic'`);
  }
  if (o.seed !== undefined && round !== 'stochastic') fail('BAD_OPTION', `${where}: options.seed is only used with round: 'stochastic'`);
  return { mode, ovf, seedLo: Number(seed & 0xffffffffn), seedHi: Number(seed >> 32n), random: o.random, reference: !!o.reference };
}

function checkValues(values: unknown, where: string): Float32Array {
  if (!(values instanceof Float32Array)) fail('BAD_ARGUMENT', `${where}: values must be a Float32Array`);
  return values;
}

function scalarFormat(format: string, where: string): FormatRow {
  const f = formatByName(format, where);
  if (f.kind === 'mx') fail('BAD_ARGUMENT', `${where}: ${f.name} is a block format; use quantizeMX / dequantizeMX`);
  return f;
}

/** One code per element: Uint8Array for formats of 8 bits or fewer (code in the low bits),
 *  Uint16Array for 16-bit formats, Uint32Array for f32 and i32. */
export function encode(format: string, values: Float32Array, opts?: CastOptions): Uint8Array | Uint16Array | Uint32Array {
  const where = `encode(${JSON.stringify(format)})`;
  const f = scalarFormat(format, where);
  const v = checkValues(values, where);
  const o = resolveOptions(opts, v.length, where);
  const n = v.length, w = codeBytes(f);
  const x = get();
  return heap.withBlocks([n * 4, n * w, o.random ? n * 4 : 0], ([src, dst, rnd]) => {
    heap.f32(src, n).set(v);
    if (o.random) new Uint32Array(heap.buffer(), rnd, n).set(o.random.subarray(0, n));
    const fn = o.reference ? x.cvt_f32_fmt__scalar : x.cvt_f32_fmt__simd128;
    guard(where, () => fn(f.id, src, dst, n, o.mode, o.ovf, o.random ? rnd : 0, o.seedLo, o.seedHi));
    const buf = heap.buffer();
    return w === 1 ? new Uint8Array(buf, dst, n).slice() : w === 2 ? new Uint16Array(buf, dst, n).slice() : new Uint32Array(buf, dst, n).slice();
  });
}

export function decode(format: string, codes: Uint8Array | Uint16Array | Uint32Array, opts?: { reference?: boolean }): Float32Array {
  const where = `decode(${JSON.stringify(format)})`;
  const f = scalarFormat(format, where);
  const w = codeBytes(f);
  const ok = w === 1 ? codes instanceof Uint8Array : w === 2 ? codes instanceof Uint16Array : codes instanceof Uint32Array;
  if (!ok) fail('BAD_ARGUMENT', `${where}: codes must be a ${w === 1 ? 'Uint8Array' : w === 2 ? 'Uint16Array' : 'Uint32Array'}`);
  const n = codes.length;
  const x = get();
  return heap.withBlocks([n * w, n * 4], ([src, dst]) => {
    heap.u8(src, n * w).set(new Uint8Array(codes.buffer, codes.byteOffset, n * w));
    guard(where, () => (opts?.reference ? x.cvt_fmt_f32__scalar : x.cvt_fmt_f32__simd128)(f.id, src, dst, n));
    return heap.f32(dst, n).slice();
  });
}

function mxFormat(format: string, where: string): FormatRow {
  const f = formatByName(format, where);
  if (f.kind !== 'mx') fail('BAD_ARGUMENT', `${where}: ${f.name} is not an MX block format`);
  return f;
}

export interface MXBlocks { scales: Uint8Array; elements: Uint8Array }

/** Quantize to an MX format: one e8m0fnu scale per 32 values, one element code per value
 *  (codes unpacked, one per byte; see pack() for storage). */
export function quantizeMX(format: string, values: Float32Array, opts?: CastOptions): MXBlocks {
  const where = `quantizeMX(${JSON.stringify(format)})`;
  const f = mxFormat(format, where);
  const v = checkValues(values, where);
  const o = resolveOptions(opts, v.length, where);
  const n = v.length, nb = Math.ceil(n / f.block);
  const x = get();
  return heap.withBlocks([n * 4, nb, n, o.random ? n * 4 : 0], ([src, sc, el, rnd]) => {
    heap.f32(src, n).set(v);
    if (o.random) new Uint32Array(heap.buffer(), rnd, n).set(o.random.subarray(0, n));
    const fn = o.reference ? x.cvt_f32_mx__scalar : x.cvt_f32_mx__simd128;
    guard(where, () => fn(f.id, src, n, sc, el, o.mode, o.ovf, o.random ? rnd : 0, o.seedLo, o.seedHi));
    return { scales: heap.u8(sc, nb).slice(), elements: heap.u8(el, n).slice() };
  });
}

export function dequantizeMX(format: string, blocks: MXBlocks): Float32Array {
  const where = `dequantizeMX(${JSON.stringify(format)})`;
  const f = mxFormat(format, where);
  if (!blocks || !(blocks.scales instanceof Uint8Array) || !(blocks.elements instanceof Uint8Array)) {
    fail('BAD_ARGUMENT', `${where}: expected { scales: Uint8Array, elements: Uint8Array }`);
  }
  const n = blocks.elements.length, nb = Math.ceil(n / f.block);
  if (blocks.scales.length !== nb) fail('SHAPE_MISMATCH', `${where}: ${n} elements need ${nb} scales, got ${blocks.scales.length}`);
  const x = get();
  return heap.withBlocks([nb, n, n * 4], ([sc, el, dst]) => {
    heap.u8(sc, nb).set(blocks.scales);
    heap.u8(el, n).set(blocks.elements);
    guard(where, () => x.cvt_mx_f32__lut(f.id, sc, el, dst, n));
    return heap.f32(dst, n).slice();
  });
}

export interface AffineOptions {
  /** consecutive elements sharing one scale: n (per tensor, default), a row length (per
   *  channel of an [out, ...] weight) or a block size */
  groupSize?: number;
  /** symmetric (zero point 0, default) or asymmetric */
  symmetric?: boolean;
  round?: Rounding;
  seed?: number | bigint;
  random?: Uint32Array;
  /** given scales (one per group) instead of scales from the data */
  scales?: Float32Array;
  zeroPoints?: Int32Array;
}

export interface AffineQuantized { codes: Int8Array | Uint8Array | Int16Array; scales: Float32Array; zeroPoints: Int32Array; groupSize: number }

const AFFINE = ['i8', 'u8', 'i4', 'i16'];

/** Affine integer quantization (docs/FORMATS.md "Integers"): scales (and zero points) per group
 *  from the data, or given; codes one per element (i4 as sign-extended bytes). */
export function quantizeAffine(format: string, values: Float32Array, opts: AffineOptions = {}): AffineQuantized {
  const where = `quantizeAffine(${JSON.stringify(format)})`;
  const f = formatByName(format, where);
  if (!AFFINE.includes(f.name)) fail('BAD_ARGUMENT', `${where}: affine quantization targets ${AFFINE.join(', ')}`);
  const v = checkValues(values, where);
  const n = v.length;
  const group = opts.groupSize ?? n;
  if (!Number.isSafeInteger(group) || group < 1) fail('BAD_OPTION', `${where}: options.groupSize must be a positive integer`);
  const groups = Math.ceil(n / group);
  const symmetric = opts.symmetric ?? true;
  if (symmetric && f.name === 'u8') fail('BAD_OPTION', `${where}: u8 is unsigned; use symmetric: false`);
  if (opts.scales && opts.scales.length !== groups) fail('SHAPE_MISMATCH', `${where}: options.scales has ${opts.scales.length} entries for ${groups} groups`);
  if (opts.zeroPoints && opts.zeroPoints.length !== groups) fail('SHAPE_MISMATCH', `${where}: options.zeroPoints has ${opts.zeroPoints.length} entries for ${groups} groups`);
  const o = resolveOptions({ round: opts.round, seed: opts.seed, random: opts.random }, n, where);
  const w = f.bits > 8 ? 2 : 1;
  const x = get();
  return heap.withBlocks([n * 4, n * w, groups * 4, groups * 4, o.random ? n * 4 : 0], ([src, dst, sc, zp, rnd]) => {
    heap.f32(src, n).set(v);
    if (opts.scales) heap.f32(sc, groups).set(opts.scales);
    if (opts.zeroPoints) new Int32Array(heap.buffer(), zp, groups).set(opts.zeroPoints);
    if (!opts.scales) guard(where, () => x.affine_params(f.id, src, n, group, symmetric ? 1 : 0, sc, zp));
    if (o.random) new Uint32Array(heap.buffer(), rnd, n).set(o.random.subarray(0, n));
    guard(where, () => x.quant_f32_int__simd128(f.id, src, dst, n, group, sc, zp, o.mode, o.random ? rnd : 0, o.seedLo, o.seedHi));
    const buf = heap.buffer();
    const codes = w === 2 ? new Int16Array(buf, dst, n).slice() : f.name === 'u8' ? new Uint8Array(buf, dst, n).slice() : new Int8Array(buf, dst, n).slice();
    return { codes, scales: heap.f32(sc, groups).slice(), zeroPoints: new Int32Array(buf, zp, groups).slice(), groupSize: group };
  });
}

export function dequantizeAffine(format: string, q: AffineQuantized): Float32Array {
  const where = `dequantizeAffine(${JSON.stringify(format)})`;
  const f = formatByName(format, where);
  if (!AFFINE.includes(f.name)) fail('BAD_ARGUMENT', `${where}: affine quantization targets ${AFFINE.join(', ')}`);
  const n = q?.codes?.length ?? 0;
  const group = q?.groupSize;
  if (!Number.isSafeInteger(group) || group < 1) fail('BAD_ARGUMENT', `${where}: groupSize must be a positive integer`);
  const groups = Math.ceil(n / group);
  if (!(q.scales instanceof Float32Array) || q.scales.length !== groups) fail('SHAPE_MISMATCH', `${where}: need ${groups} scales`);
  const w = f.bits > 8 ? 2 : 1;
  const x = get();
  return heap.withBlocks([n * w, groups * 4, groups * 4, n * 4], ([src, sc, zp, dst]) => {
    heap.u8(src, n * w).set(new Uint8Array(q.codes.buffer, q.codes.byteOffset, n * w));
    heap.f32(sc, groups).set(q.scales);
    if (q.zeroPoints) new Int32Array(heap.buffer(), zp, groups).set(q.zeroPoints);
    guard(where, () => x.dequant_int_f32__simd128(f.id, src, dst, n, group, sc, q.zeroPoints ? zp : 0));
    return heap.f32(dst, n).slice();
  });
}

/** Sub-byte storage: 4-bit codes two per byte (element 2k in the low nibble), 6-bit codes four
 *  per three bytes; other widths are returned as they are. */
export function pack(format: string, codes: Uint8Array): Uint8Array {
  const where = `pack(${JSON.stringify(format)})`;
  const f = formatByName(format, where);
  const bits = f.kind === 'mx' ? formatByName(f.element).bits : f.bits;
  if (!(codes instanceof Uint8Array)) fail('BAD_ARGUMENT', `${where}: codes must be a Uint8Array`);
  if (bits !== 4 && bits !== 6) return codes.slice();
  const n = codes.length, x = get(), out = x.packed_bytes(bits, n);
  return heap.withBlocks([n, out], ([src, dst]) => {
    heap.u8(src, n).set(codes);
    (bits === 4 ? x.pack4 : x.pack6)(src, dst, n);
    return heap.u8(dst, out).slice();
  });
}

export function unpack(format: string, packed: Uint8Array, n: number): Uint8Array {
  const where = `unpack(${JSON.stringify(format)})`;
  const f = formatByName(format, where);
  const bits = f.kind === 'mx' ? formatByName(f.element).bits : f.bits;
  if (!(packed instanceof Uint8Array)) fail('BAD_ARGUMENT', `${where}: packed must be a Uint8Array`);
  if (bits !== 4 && bits !== 6) return packed.slice(0, n);
  const x = get(), need = x.packed_bytes(bits, n);
  if (!Number.isSafeInteger(n) || n < 0 || packed.length < need) fail('SHAPE_MISMATCH', `${where}: ${n} codes need ${need} bytes, got ${packed.length}`);
  return heap.withBlocks([need, n], ([src, dst]) => {
    heap.u8(src, need).set(packed.subarray(0, need));
    (bits === 4 ? x.unpack4 : x.unpack6)(src, dst, n);
    return heap.u8(dst, n).slice();
  });
}

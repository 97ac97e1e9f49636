// Bundle reader. Validates instead of trusting (the safetensors idea): every size and offset is
// checked before it is used, and every problem is an AlloyError naming the byte or the field.

import { MAGIC, VERSION, PREAMBLE, ALIGN, align, type Header, type TensorEntry } from './layout.js';
import { TensorCheck } from './hash.js';
import { AlloyError, fail } from '../errors.js';
import { formatByName, type FormatRow } from '../formats.js';
import { rawOnly, dtypeBytes } from '../dtype.js';

export interface Limits {
  /** largest JSON header, bytes */
  maxHeaderBytes: number;
  /** most elements in one tensor */
  maxTensorElements: number;
  /** most tensors */
  maxTensors: number;
  /** most graph nodes */
  maxNodes: number;
  /** most subgraph body runs (Loop / Scan / SequenceMap iterations, all loops together) in one run() */
  maxIterations: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxHeaderBytes: 16 << 20,
  maxTensorElements: 1 << 28,
  maxTensors: 100_000,
  maxNodes: 100_000,
  maxIterations: 1 << 16,
};

export interface Bundle { header: Header; data: Uint8Array }

/** Bytes that n elements of a format occupy in a bundle (sub-byte formats packed). */
export function storedBytes(f: FormatRow, n: number): number {
  if (f.bits === 4) return Math.ceil(n / 2);
  if (f.bits === 6) return Math.ceil(n / 4) * 3;
  return n * Math.ceil(f.bits / 8);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkShape(shape: unknown, where: string, maxElements: number, allowDynamic = false): number {
  if (!Array.isArray(shape) || shape.length > 8) fail('BAD_TENSOR', `${where}: shape must be an array of at most 8 dimensions`);
  let n = 1;
  for (let i = 0; i < shape.length; i++) { // indexed: cheaper than an entries() iterator, cold
    const d = shape[i];
    if (allowDynamic && d === -1) continue;
    if (!Number.isSafeInteger(d) || d < 0) fail('BAD_TENSOR', `${where}: dimension ${i} is ${JSON.stringify(d)}, not a non-negative integer`);
    n *= d;
    if (n > maxElements) fail('LIMIT_EXCEEDED', `${where}: more than ${maxElements} elements (limit maxTensorElements)`);
  }
  return n;
}

/** The limits in force: defaults for those not given (or given as undefined); a given limit must
 *  be a non-negative integer. */
export function resolveLimits(limits: Partial<Limits> = {}): Limits {
  const L = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = (limits as Record<string, unknown>)?.[k];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || (v as number) < 0) fail('BAD_OPTION', `load(): options.${k} ${JSON.stringify(v)} is not a non-negative integer`);
    L[k] = v as number;
  }
  return L;
}

/** A bundle read and validated, every tensor's checksum included (the one part that needs the
 *  module: XXH32 runs there). The graph is load()'s to check (bundle/graph.ts, with the operators). */
export function readBundle(bytes: Uint8Array, limits: Partial<Limits> = {}): Bundle {
  const b = readHeader(bytes, limits);
  new TensorCheck(b.data, b.header.tensors).rest();
  return b;
}

export const isChecksumError = (e: unknown) => e instanceof AlloyError && e.code === 'BAD_CHECKSUM';

/** The preamble, the header and every tensor entry, validated with the format facts alone (no
 *  instance): readBundle without the graph and the checksums. load() checks those itself, the
 *  checksums first, on the copies it makes anyway. */
export function readHeader(bytes: Uint8Array, limits: Partial<Limits> = {}): Bundle {
  const L = resolveLimits(limits);
  if (!(bytes instanceof Uint8Array)) fail('BAD_ARGUMENT', 'load(): bundle must be a Uint8Array or ArrayBuffer');
  if (bytes.length < PREAMBLE) fail('BUNDLE_TRUNCATED', `bundle is ${bytes.length} bytes, shorter than the ${PREAMBLE}-byte preamble`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) fail('BAD_MAGIC', `byte ${i}: not an Alloy bundle (magic "ALLOY\\0\\r\\n" expected)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== VERSION) fail('BAD_VERSION', `byte 8: bundle version ${version}, this reader knows ${VERSION}${version < VERSION ? ' (write the bundle again from the source model with this version: alloy import)' : ''}`);
  if (dv.getUint32(12, true) !== 0) fail('BAD_HEADER', 'byte 12: reserved flags must be 0');
  const hlen = dv.getBigUint64(16, true);
  if (hlen > BigInt(L.maxHeaderBytes)) fail('LIMIT_EXCEEDED', `byte 16: header length ${hlen} exceeds maxHeaderBytes ${L.maxHeaderBytes}`);
  const h = Number(hlen);
  if ((PREAMBLE + h) % ALIGN !== 0) fail('BAD_HEADER', `byte 16: header length ${h} does not end on a ${ALIGN}-byte boundary`);
  if (PREAMBLE + h > bytes.length) fail('BUNDLE_TRUNCATED', `header of ${h} bytes runs past the end of the ${bytes.length}-byte bundle`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + h)));
  } catch (e) {
    return fail('BAD_HEADER', `bytes ${PREAMBLE}..${PREAMBLE + h}: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObj(header) || header.alloy !== VERSION) fail('BAD_HEADER', `header: field "alloy" must be ${VERSION}`);
  if (!isObj(header.data) || !Number.isSafeInteger(header.data.bytes) || header.data.bytes < 0) fail('BAD_HEADER', 'header.data.bytes must be a non-negative integer');
  const dataStart = PREAMBLE + h;
  const dataBytes = header.data.bytes;
  if (dataStart + dataBytes > bytes.length) fail('BUNDLE_TRUNCATED', `data section of ${dataBytes} bytes at byte ${dataStart} runs past the end (${bytes.length} bytes)`);
  if (dataStart + dataBytes < bytes.length) fail('BAD_OFFSET', `${bytes.length - dataStart - dataBytes} unexpected bytes after the data section (byte ${dataStart + dataBytes})`);
  const data = bytes.subarray(dataStart, dataStart + dataBytes);

  // Tensors: known formats, checked shapes, offsets in order, aligned, inside the data, no
  // overlap, and nothing but zero padding shorter than the alignment between them.
  if (!isObj(header.tensors)) fail('BAD_HEADER', 'header.tensors must be an object');
  const names = Object.keys(header.tensors);
  if (names.length > L.maxTensors) fail('LIMIT_EXCEEDED', `${names.length} tensors exceed maxTensors ${L.maxTensors}`);
  const list: [string, TensorEntry][] = [];
  for (const name of names) {
    const t = header.tensors[name] as TensorEntry;
    const where = `tensor ${JSON.stringify(name)}`;
    if (!isObj(t)) fail('BAD_TENSOR', `${where}: entry must be an object`);
    // A raw element type the format table has no row for (i64, f64, bool, ...): plain
    // little-endian elements, never quantized.
    const raw = rawOnly(t.format);
    const f = raw ? null : formatByName(t.format, `${where} format`);
    const n = checkShape(t.shape, where, L.maxTensorElements);
    if (!Number.isSafeInteger(t.offset) || t.offset < 0 || t.offset % ALIGN !== 0) fail('BAD_OFFSET', `${where}: offset ${JSON.stringify(t.offset)} is not a non-negative multiple of ${ALIGN}`);
    if (!Number.isSafeInteger(t.bytes) || t.bytes < 0) fail('BAD_TENSOR', `${where}: bytes ${JSON.stringify(t.bytes)} is not a non-negative integer`);
    const want = !f ? n * dtypeBytes(raw!) : f.kind === 'mx' ? storedBytes(formatByName(f.element), n) : storedBytes(f, n);
    if (t.bytes !== want) fail('BAD_TENSOR', `${where}: ${t.bytes} bytes stored, ${t.format} ${JSON.stringify(t.shape)} needs ${want}`);
    if (!f && (t.scale !== undefined || t.zeroPoint !== undefined || t.group !== undefined || t.axis !== undefined)) fail('BAD_TENSOR', `${where}: a ${t.format} tensor holds plain elements and takes no scale, zeroPoint, group or axis`);
    // references to other tensors must name one (own keys: "constructor" is no tensor)
    if (t.scale !== undefined && (typeof t.scale !== 'string' || !Object.hasOwn(header.tensors, t.scale))) fail('BAD_TENSOR', `${where}: scale tensor ${JSON.stringify(t.scale)} (entry "scale") is not a tensor of this bundle`);
    if (t.zeroPoint !== undefined && (typeof t.zeroPoint !== 'string' || !Object.hasOwn(header.tensors, t.zeroPoint))) fail('BAD_TENSOR', `${where}: zero point tensor ${JSON.stringify(t.zeroPoint)} (entry "zeroPoint") is not a tensor of this bundle`);
    if (t.group !== undefined && (!Number.isSafeInteger(t.group) || t.group < 1)) fail('BAD_TENSOR', `${where}: group ${JSON.stringify(t.group)} is not a positive integer`);
    if (f && t.axis !== undefined && (f.kind !== 'int' || !Number.isSafeInteger(t.axis) || t.axis < 0 || t.axis >= t.shape.length || t.group !== undefined)) {
      fail('BAD_TENSOR', `${where}: axis ${JSON.stringify(t.axis)} must index one of the ${t.shape.length} dimensions of an affine integer tensor, and excludes "group"`);
    }
    if (typeof t.xxh32 !== 'string' || !/^[0-9a-f]{8}$/.test(t.xxh32)) fail('BAD_TENSOR', `${where}: xxh32 ${JSON.stringify(t.xxh32)} is not 8 lowercase hex digits`);
    if (t.offset + t.bytes > dataBytes) fail('BAD_OFFSET', `${where}: bytes ${t.offset}..${t.offset + t.bytes} lie outside the ${dataBytes}-byte data section`);
    list.push([name, t]);
  }
  list.sort((a, b) => a[1].offset - b[1].offset);
  let end = 0;
  for (const [name, t] of list) {
    if (t.offset < end) fail('BAD_OFFSET', `tensor ${JSON.stringify(name)}: offset ${t.offset} overlaps the previous tensor (ends at ${end})`);
    if (t.offset - end >= ALIGN) fail('BAD_OFFSET', `tensor ${JSON.stringify(name)}: hole of ${t.offset - end} bytes before offset ${t.offset}`);
    for (let i = end; i < t.offset; i++) if (data[i] !== 0) fail('BAD_OFFSET', `data byte ${i}: padding before tensor ${JSON.stringify(name)} is not zero`);
    end = t.offset + t.bytes;
  }
  if (dataBytes !== end) fail('BAD_OFFSET', `data section is ${dataBytes} bytes but its tensors end at ${end}`);
  return { header, data };
}

// A seeded, structure-aware mutator for Alloy bundles. Input number i of a run is a pure function
// of (seed, target, i): the watchdog and the regression tools rebuild any input from its index.
//
// Mutations, stacked 1-4 per input:
//  - header JSON: any field replaced by an "interesting" value (0, -1, 2^31, 2^32, 2^53, -0, 0.5,
//    names of other tensors / nodes / formats / operators, "__proto__", "constructor", wrong types),
//    keys deleted, array elements dropped / duplicated / swapped (nodes out of order, cycles);
//  - targeted: tensor shapes, formats, offsets, names; graph inputs / outputs; node ops, inputs,
//    outputs and attributes; the embedded precision map;
//  - optional repair after a header mutation (bytes recomputed from shape and format, the data
//    relaid out, data.bytes and the tensor checksums fixed) so that mutations reach the loader and the kernels
//    and not only the first reader check;
//  - data: special f32 values (NaN, +-Inf, -0, 3.4e38, subnormals) and random bytes written into a
//    tensor, with its checksum repaired;
//  - raw bytes (applied last, never repaired): bit flips, interesting bytes, u64 header-length
//    overwrite, truncation, insertion, deletion, chunk duplication.

import { PREAMBLE, ALIGN, hex8 } from '../../src/runtime/bundle/layout.ts';

export interface Rng { u32(): number; int(n: number): number; chance(p: number): boolean; pick<T>(a: readonly T[]): T }

export function makeRng(seed: number, stream: number, index: number): Rng {
  // splitmix32-style mix of the three numbers, then xorshift32.
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(index + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d); h ^= h >>> 15; h = Math.imul(h, 0x846ca68b); h ^= h >>> 16;
  let s = h >>> 0 || 1;
  const u32 = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const int = (n: number) => (n <= 0 ? 0 : Math.floor((u32() / 4294967296) * n));
  return { u32, int, chance: (p) => u32() / 4294967296 < p, pick: (a) => a[int(a.length)] };
}

export { PREAMBLE, ALIGN };
const enc = new TextEncoder(), dec = new TextDecoder();

export interface Parsed { pre: Uint8Array; header: any; data: Uint8Array }

export function parse(bytes: Uint8Array): Parsed {
  const h = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(16, true));
  return { pre: bytes.slice(0, PREAMBLE), header: JSON.parse(dec.decode(bytes.subarray(PREAMBLE, PREAMBLE + h))), data: bytes.slice(PREAMBLE + h) };
}

export function serialize(p: Parsed): Uint8Array {
  const json = enc.encode(JSON.stringify(p.header) ?? 'null');
  const padded = Math.ceil((PREAMBLE + json.length) / ALIGN) * ALIGN - PREAMBLE;
  const out = new Uint8Array(PREAMBLE + padded + p.data.length);
  out.set(p.pre);
  out.fill(0x20, PREAMBLE, PREAMBLE + padded);
  out.set(json, PREAMBLE);
  new DataView(out.buffer).setBigUint64(16, BigInt(padded), true);
  out.set(p.data, PREAMBLE + padded);
  return out;
}

/** What the mutator needs to know about the runtime: format names and bits, operator names,
 *  and XXH32 (the module's, so the fuzzer checks the same function the reader uses). */
export interface World {
  formats: { name: string; bits: number; kind: string; element: string }[];
  ops: string[];
  xxh32(data: Uint8Array): number;
}

export function storedBytes(w: World, format: string, n: number): number {
  let f = w.formats.find((x) => x.name === format);
  if (!f) return n;
  if (f.kind === 'mx') f = w.formats.find((x) => x.name === f!.element) ?? f;
  if (f.bits === 4) return Math.ceil(n / 2);
  if (f.bits === 6) return Math.ceil(n / 4) * 3;
  return n * Math.ceil(f.bits / 8);
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const elements = (s: unknown) => (Array.isArray(s) ? s.reduce((a: number, b: any) => a * (typeof b === 'number' ? b : NaN), 1) : NaN);

/** Rebuild the data section from the header: each tensor's bytes recomputed from its shape and
 *  format, its old bytes carried over, offsets laid out in order, data.bytes and the tensors' xxh32 set. */
export function repair(w: World, p: Parsed, fixBytes = true): void {
  const h = p.header;
  if (!isObj(h) || !isObj(h.tensors)) return;
  const list: [string, any, number, number][] = [];
  for (const [name, t] of Object.entries(h.tensors)) {
    if (!isObj(t)) continue;
    const oldOff = Number.isSafeInteger(t.offset) && t.offset >= 0 ? t.offset : 0;
    const oldBytes = Number.isSafeInteger(t.bytes) && t.bytes >= 0 ? t.bytes : 0;
    const n = elements(t.shape);
    if (fixBytes && Number.isSafeInteger(n) && n >= 0 && n <= 1 << 22) t.bytes = storedBytes(w, t.format, n);
    if (!Number.isSafeInteger(t.bytes) || t.bytes < 0 || t.bytes > 1 << 24) return; // cannot lay this out
    list.push([name, t, oldOff, oldBytes]);
  }
  list.sort((a, b) => a[2] - b[2]);
  let off = 0;
  const place: [any, number, number, number][] = [];
  for (const [, t, oldOff, oldBytes] of list) {
    off = Math.ceil(off / ALIGN) * ALIGN;
    place.push([t, off, oldOff, oldBytes]);
    off += t.bytes;
  }
  const data = new Uint8Array(off);
  for (const [t, o, oldOff, oldBytes] of place) {
    t.offset = o;
    const src = p.data.subarray(Math.min(oldOff, p.data.length), Math.min(oldOff + Math.min(oldBytes, t.bytes), p.data.length));
    data.set(src, o);
  }
  p.data = data;
  if (!isObj(h.data)) h.data = {};
  h.data.bytes = data.length;
  fixHashes(w, p);
}

/** Each tensor entry whose bytes lie inside the data gets the XXH32 of those bytes. */
export function fixHashes(w: World, p: Parsed): void {
  if (!isObj(p.header) || !isObj(p.header.tensors)) return;
  for (const t of Object.values(p.header.tensors)) {
    if (!isObj(t) || !Number.isSafeInteger(t.offset) || !Number.isSafeInteger(t.bytes) || t.offset < 0 || t.bytes < 0 || t.offset + t.bytes > p.data.length) continue;
    t.xxh32 = hex8(w.xxh32(p.data.subarray(t.offset, t.offset + t.bytes)));
  }
}

const INTERESTING_NUMBERS = [0, -0, 1, -1, 2, 3, 7, 8, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 1023, 1024, 4096, 65535, 65536,
  2 ** 24, 2 ** 28, 2 ** 30, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 16, 2 ** 53 - 1, 2 ** 53, 2 ** 64, 1e308, -1e308,
  0.5, -0.5, 1.5, 1e-45, 5e-324, -(2 ** 31), -(2 ** 53)];
const NASTY_STRINGS = ['', '__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', 'x'.repeat(300), '\u0000', 'f32 ', 'F32', 'f7', '\ud800'];
const ATTR_KEYS = ['activation', 'strides', 'pads', 'dilations', 'group', 'kernel', 'countIncludePad', 'axis', 'shape', 'perm', 'mode', 'value',
  'epsilon', 'size', 'coordMode', 'nearestMode', 'min', 'max', 'alpha', 'format', 'scale', 'zeroPoint'];
const ATTR_STRINGS = ['none', 'relu', 'relu6', 'same', 'valid', 'constant', 'reflect', 'edge', 'nearest', 'bilinear', 'half_pixel', 'align_corners',
  'asymmetric', 'pytorch_half_pixel', 'round_prefer_floor', 'floor', 'ceil', 'i8', 'u8', 'swish'];
const PRECISION_VALUES: Record<string, unknown[]> = {
  weights: ['f32', 'f16', 'bf16', 'f8_e4m3fn', 'i8', 'u8', 'i4', 'mxfp4_e2m1', 'mxint8'],
  granularity: ['tensor', 'channel', 'group', 'block'],
  groupSize: [1, 8, 32],
  activations: ['f32', 'f16', 'bf16', 'i8'],
  accumulator: ['f32', 'i32', 'f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'],
  round: ['rne', 'rna', 'rtz', 'floor', 'ceil'],
};
const PRECISION_INVALID = ['f64', 'row', 0, -1, 1.5, 2 ** 53, 'u8', 'stochastic', null, '', 'I8'];

function names(h: any): { tensors: string[]; values: string[]; nodes: string[] } {
  const tensors = isObj(h?.tensors) ? Object.keys(h.tensors) : [];
  const values: string[] = [], nodes: string[] = [];
  const g = h?.graph;
  if (isObj(g)) {
    for (const v of Array.isArray(g.inputs) ? g.inputs : []) if (typeof v?.name === 'string') values.push(v.name);
    for (const n of Array.isArray(g.nodes) ? g.nodes : []) {
      if (typeof n?.name === 'string') nodes.push(n.name);
      for (const o of Array.isArray(n?.outputs) ? n.outputs : []) if (typeof o === 'string') values.push(o);
    }
  }
  return { tensors, values, nodes };
}

function interesting(r: Rng, w: World, h: any, old: unknown): unknown {
  const nm = names(h);
  switch (r.int(12)) {
    case 0: case 1: return r.pick(INTERESTING_NUMBERS);
    case 2: if (typeof old === 'number') { const d = r.pick([1, -1, 2, -2, 64, -64, 16, 4]); return r.chance(0.3) ? old * d : old + d; } return r.pick(INTERESTING_NUMBERS);
    case 3: return r.pick([...nm.tensors, ...nm.values, ...nm.nodes, 'x']);
    case 4: return r.pick(w.formats).name;
    case 5: return r.pick(w.ops);
    case 6: return r.pick(NASTY_STRINGS);
    case 7: return r.pick([null, true, false, [], {}, [1], ['x'], { a: 1 }]);
    case 8: { const n = r.int(9); return Array.from({ length: n }, () => r.pick([0, 1, 2, 3, 4, -1, 64, 2 ** 20, 2 ** 31])); }
    case 9: return r.pick(ATTR_STRINGS);
    case 10: return String(old);
    default: return Array.isArray(old) ? [...old, ...old] : r.pick(INTERESTING_NUMBERS);
  }
}

/** Every container path in the header, to pick a random place from. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 12 || out.length > 4000) return out;
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([...at, i]); paths(x, [...at, i], out, depth + 1); });
  else if (isObj(v)) for (const k of Object.keys(v)) { out.push([...at, k]); paths(v[k], [...at, k], out, depth + 1); }
  return out;
}
function parentOf(root: any, path: (string | number)[]): any {
  let o = root;
  for (const k of path.slice(0, -1)) o = o?.[k];
  return o;
}

function mutateAnyField(r: Rng, w: World, h: any): void {
  const all = paths(h);
  if (!all.length) return;
  const path = r.pick(all);
  const parent = parentOf(h, path);
  const k = path[path.length - 1];
  if (parent === null || typeof parent !== 'object') return;
  const choice = r.int(10);
  if (choice === 0) { if (Array.isArray(parent)) parent.splice(k as number, 1); else delete parent[k]; }
  else if (choice === 1 && Array.isArray(parent)) parent.splice(k as number, 0, structuredClone(parent[k as number]));
  else if (choice === 2 && Array.isArray(parent) && parent.length > 1) { const j = r.int(parent.length); [parent[k as number], parent[j]] = [parent[j], parent[k as number]]; }
  else if (choice === 3 && isObj(parent)) parent[r.pick([...NASTY_STRINGS, ...ATTR_KEYS, 'scale', 'zeroPoint', 'group', 'extra'])] = interesting(r, w, h, undefined);
  else parent[k] = interesting(r, w, h, parent[k]);
}

function mutateTensor(r: Rng, w: World, h: any): boolean {
  if (!isObj(h.tensors)) return false;
  const keys = Object.keys(h.tensors);
  if (!keys.length) return false;
  const name = r.pick(keys), t = h.tensors[name];
  if (!isObj(t)) return false;
  switch (r.int(9)) {
    case 0: case 1: { // shape
      if (!Array.isArray(t.shape)) t.shape = [];
      const s = t.shape;
      const op = r.int(5);
      if (op === 0 && s.length) s[r.int(s.length)] = r.pick([0, 1, 2, 3, 5, 31, 32, 33, 64, 2 ** 31, 2 ** 32, -1, 2 ** 26]);
      else if (op === 1) s.splice(r.int(s.length + 1), 0, r.pick([1, 2, 0, 3]));
      else if (op === 2 && s.length) s.splice(r.int(s.length), 1);
      else if (op === 3 && s.length) { const i = r.int(s.length), j = r.int(s.length); [s[i], s[j]] = [s[j], s[i]]; }
      else t.shape = Array.from({ length: r.pick([0, 1, 2, 9, 12]) }, () => r.pick([1, 2, 2 ** 16, 2 ** 31]));
      return true;
    }
    case 2: t.format = r.chance(0.85) ? r.pick(w.formats).name : r.pick(NASTY_STRINGS); return true;
    case 3: { // offsets: swap, shift, unalign, point past the end
      const other = h.tensors[r.pick(keys)];
      const op = r.int(4);
      if (op === 0 && isObj(other)) [t.offset, other.offset] = [other.offset, t.offset];
      else if (op === 1) t.offset = (t.offset ?? 0) + r.pick([-64, 64, 128, -128, 1, -1, 4]);
      else if (op === 2) t.offset = h.data?.bytes ?? 0;
      else t.bytes = (t.bytes ?? 0) + r.pick([-1, 1, 64, -64]);
      return false; // no repair: the point is a broken layout
    }
    case 4: { const to = r.pick([...keys, 'new', '__proto__', '']); if (to !== name) { h.tensors[to] = t; delete h.tensors[name]; } return true; }
    case 5: delete h.tensors[name]; return true;
    case 6: t.scale = r.pick([...keys, undefined, 'nope']); return true;
    case 7: t.group = r.pick([1, 2, 8, 32, 0, -1, 1.5, 2 ** 31, undefined]); return true;
    default: t.zeroPoint = r.pick([...keys, undefined]); return true;
  }
}

function mutateGraph(r: Rng, w: World, h: any): void {
  const g = h.graph;
  if (!isObj(g)) return;
  const nodes: any[] = Array.isArray(g.nodes) ? g.nodes : (g.nodes = []);
  const nm = names(h);
  const anyName = () => r.pick([...nm.values, ...nm.tensors, 'ghost', '']);
  const pickN = nodes.length ? nodes[r.int(nodes.length)] : null;
  const n = isObj(pickN) ? pickN : null;
  switch (r.int(12)) {
    case 0: if (nodes.length > 1) { const i = r.int(nodes.length), j = r.int(nodes.length); [nodes[i], nodes[j]] = [nodes[j], nodes[i]]; } break; // out of order / cycle
    case 1: if (nodes.length) nodes.splice(r.int(nodes.length), 1); break;
    case 2: if (n) nodes.splice(r.int(nodes.length + 1), 0, { ...structuredClone(n), name: `${n.name}_copy`, outputs: [r.chance(0.5) ? `${n.outputs?.[0]}_copy` : n.outputs?.[0]] }); break;
    case 3: if (n) n.op = r.chance(0.9) ? r.pick(w.ops) : r.pick(NASTY_STRINGS); break;
    case 4: case 5: if (n && Array.isArray(n.inputs)) { const i = r.int(n.inputs.length + 1); n.inputs[i] = anyName(); } break;
    case 6: if (n && Array.isArray(n.inputs) && n.inputs.length) n.inputs.splice(r.int(n.inputs.length), 1); break;
    case 7: if (n) n.outputs = r.pick([[anyName()], [], [n.outputs?.[0], 'extra'], 'y', [n.name]]); break;
    case 8: case 9: if (n) { if (!isObj(n.attrs)) n.attrs = {}; const k = r.pick(ATTR_KEYS); n.attrs[k] = r.chance(0.5) ? interesting(r, w, h, n.attrs[k]) : r.pick(ATTR_STRINGS); } break;
    case 10: { // graph inputs / outputs
      const list = r.chance(0.5) ? g.inputs : g.outputs;
      if (!Array.isArray(list) || !list.length) break;
      const v = list[r.int(list.length)];
      if (!isObj(v)) break;
      const op = r.int(5);
      if (op === 0 && Array.isArray(v.shape) && v.shape.length) v.shape[r.int(v.shape.length)] = r.pick([-1, 0, 1, 2, 2 ** 20, 2 ** 31, 2 ** 53, 3]);
      else if (op === 1 && Array.isArray(v.shape)) v.shape.splice(r.int(v.shape.length + 1), r.int(2), r.pick([-1, 1, 4]));
      else if (op === 2) v.format = r.pick(['f32', 'f16', 'i8', 'nope']);
      else if (op === 3) v.name = anyName();
      else list.push(structuredClone(v));
      break;
    }
    default: if (n) n.name = r.pick([...nm.nodes, 'fresh', '__proto__', 'constructor', '']);
  }
}

/** A random precision map: mostly well-formed, with the usual mutations on top. */
export function randomPrecisionMap(r: Rng, w: World, nodeNames: string[]): any {
  const entry = () => {
    const e: Record<string, unknown> = {};
    for (const k of Object.keys(PRECISION_VALUES)) if (r.chance(k === 'weights' || k === 'granularity' || k === 'groupSize' ? 0.1 : 0.35)) e[k] = r.chance(0.95) ? r.pick(PRECISION_VALUES[k]) : r.pick(PRECISION_INVALID);
    return e;
  };
  const m: any = { version: 1 };
  if (r.chance(0.7)) m.default = entry();
  if (r.chance(0.6)) {
    m.layers = {};
    for (let i = r.int(4); i >= 0; i--) m.layers[r.chance(0.85) && nodeNames.length ? r.pick(nodeNames) : r.pick(['nope', '__proto__', 'constructor'])] = entry();
  }
  if (r.chance(0.25)) mutateAnyField(r, w, m);
  if (r.chance(0.05)) return r.pick([null, [], 'i8', 1, { version: 2 }]);
  return m;
}

function mutateData(r: Rng, w: World, p: Parsed): void {
  const h = p.header;
  const ts = isObj(h?.tensors) ? Object.values(h.tensors).filter((t: any) => isObj(t) && Number.isSafeInteger(t.offset) && Number.isSafeInteger(t.bytes) && t.offset >= 0 && t.bytes > 0 && t.offset + t.bytes <= p.data.length) : [];
  if (!ts.length) return;
  const t: any = r.pick(ts);
  const dv = new DataView(p.data.buffer, p.data.byteOffset + t.offset, t.bytes);
  for (let k = 1 + r.int(4); k > 0; k--) {
    if (t.bytes >= 4 && r.chance(0.6)) {
      const v = r.pick([NaN, Infinity, -Infinity, -0, 3.4e38, -3.4e38, 1e-45, 1e-40, 0, 65504, 1e30]);
      const at = r.int(t.bytes >> 2) * 4;
      if (r.chance(0.2)) dv.setUint32(at, 0x7fa00001 | (r.u32() & 0x8000_0000), true); // signalling NaN with a payload
      else dv.setFloat32(at, v, true);
    } else dv.setUint8(r.int(t.bytes), r.pick([0, 0xff, 0x7f, 0x80, 0x7e, 0xfe, r.u32() & 0xff]));
  }
  fixHashes(w, p);
}

export function mutateRaw(r: Rng, b: Uint8Array): Uint8Array {
  const op = r.int(8);
  if (b.length === 0) return new Uint8Array([r.u32() & 0xff]);
  const at = r.int(b.length);
  switch (op) {
    case 0: { const c = b.slice(); c[at] ^= 1 << r.int(8); return c; }
    case 1: { const c = b.slice(); c[at] = r.pick([0, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x7b, 0x7d, 0x5b, 0x2c, 0x30]); return c; }
    case 2: { // header length field
      const c = b.slice();
      if (c.length < 24) return c;
      new DataView(c.buffer).setBigUint64(16, BigInt(r.pick([0, 8, 40, 104, 2 ** 20, 2 ** 24 + 40, 2 ** 32 + 40])) + (r.chance(0.2) ? 2n ** 63n : 0n), true);
      return c;
    }
    case 3: return b.slice(0, at);
    case 4: { const n = r.pick([1, 4, 8, 63, 64, 65]); const c = new Uint8Array(b.length + n); c.set(b.subarray(0, at)); for (let i = 0; i < n; i++) c[at + i] = r.u32() & 0xff; c.set(b.subarray(at), at + n); return c; }
    case 5: { const n = Math.min(r.pick([1, 8, 64, 200]), b.length - at); const c = new Uint8Array(b.length - n); c.set(b.subarray(0, at)); c.set(b.subarray(at + n), at); return c; }
    case 6: { const n = Math.min(r.pick([8, 64, 256]), b.length - at); const c = new Uint8Array(b.length + n); c.set(b.subarray(0, at + n)); c.set(b.subarray(at), at + n); return c; }
    default: { const c = b.slice(); for (let i = 0; i < 8; i++) c[r.int(c.length)] = r.u32() & 0xff; return c; }
  }
}

export interface Mutated { bytes: Uint8Array; precision?: unknown }

/** Input `index` of the bundle target: a seed bundle, mutated. */
export function mutateBundle(w: World, seeds: Uint8Array[], seed: number, index: number): Mutated {
  const r = makeRng(seed, 1, index);
  const base = seeds[r.int(seeds.length)];
  if (r.chance(0.04)) return { bytes: base }; // the seeds themselves must keep passing
  const p = parse(base);
  p.header = structuredClone(p.header);
  let wantRepair = false;
  for (let k = 1 + r.int(4); k > 0; k--) {
    const c = r.int(12);
    if (!isObj(p.header)) break;
    if (c < 3) { mutateAnyField(r, w, p.header); wantRepair ||= r.chance(0.5); }
    else if (c < 6) wantRepair = mutateTensor(r, w, p.header) || wantRepair;
    else if (c < 9) { mutateGraph(r, w, p.header); }
    else if (c === 9) { p.header.precision = randomPrecisionMap(r, w, names(p.header).nodes); }
    else if (c === 10) mutateData(r, w, p);
    else wantRepair = true;
  }
  if (wantRepair && r.chance(0.8)) repair(w, p, r.chance(0.9));
  else if (r.chance(0.3)) fixHashes(w, p);
  let bytes = serialize(p);
  if (r.chance(0.2)) for (let k = 1 + r.int(3); k > 0; k--) bytes = mutateRaw(r, bytes);
  return { bytes };
}

/** Input `index` of the precision target: a valid seed bundle and a random precision map, given
 *  either as the load option (session override) or embedded in the bundle. */
export function mutatePrecision(w: World, seeds: Uint8Array[], seed: number, index: number): Mutated & { embed: boolean; map: unknown; nodeNames: string[] } {
  const r = makeRng(seed, 2, index);
  const base = seeds[r.int(seeds.length)];
  const p = parse(base);
  const nodeNames = names(p.header).nodes;
  const map = randomPrecisionMap(r, w, nodeNames);
  const embed = r.chance(0.5);
  if (!embed) return { bytes: base, precision: map, embed, map, nodeNames };
  p.header = structuredClone(p.header);
  p.header.precision = map;
  if (r.chance(0.2)) mutateGraph(r, w, p.header);
  return { bytes: serialize(p), embed, map, nodeNames };
}

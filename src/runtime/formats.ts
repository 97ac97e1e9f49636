// The format table as the host sees it, read from the module (assembly/formats/table.ts is the
// only place format facts are written down).

import { get } from './wasm.js';
import { fail } from './errors.js';

export type FormatKind = 'float' | 'int' | 'scale' | 'mx';

/** A row of the format table: what the runtime itself needs (sizes, kinds, names). */
export interface FormatRow {
  id: number;
  name: string;
  kind: FormatKind;
  /** storage bits of one element code */
  bits: number;
  exponentBits: number;
  mantissaBits: number;
  bias: number;
  signed: boolean;
  /** elements sharing one block scale (1: none) */
  block: number;
  /** name of the block-scale format, or null */
  scale: string | null;
  /** MX: the element format's name; others: own name */
  element: string;
  /** distance from 1 to the next larger value (floats) */
  epsilon: number;
  /** integers: range */
  intMin?: number;
  intMax?: number;
}

/** A row with the values the module decodes: what `alloy.formats` / `alloy.format()` give. */
export interface FormatInfo extends FormatRow {
  hasInf: boolean;
  hasNaN: boolean;
  /** largest finite value */
  max: number;
  /** smallest positive normal (floats), or 1 (integers) */
  minNormal: number;
  /** smallest positive subnormal (floats with subnormals), else minNormal */
  minSubnormal: number;
}

const KINDS: FormatKind[] = ['float', 'int', 'scale', 'mx'];

interface Table {
  exports: unknown;
  names: string[];
  t: Int32Array;
  cols: number;
  /** id by name, valid ids only */
  ids: Map<string, number>;
  rows: (FormatInfo | undefined)[];
  list: FormatInfo[] | null;
  decoded: boolean;
}
let cache: Table | null = null;

// load() reads the table's columns in one view; a row becomes an object when first asked for
// (a bundle names two or three formats). The decoded values (max, min normal, min subnormal,
// inf/NaN) are filled in, in the same objects, when the public API first hands the table out: the
// runtime never reads them, and at cold start they were most of the table's cost (~1 ms: the
// reference decoder compiled, alloc/free per value). Until then they hold placeholders, and the
// runtime sees the objects as FormatRow.
function load(): Table {
  const x = get();
  if (cache && cache.exports === x) return cache;
  const names = String.fromCharCode(...new Uint16Array(x.memory.buffer, x.fmt_names_ptr() >>> 0, x.fmt_names_len())).split(' ');
  const count = x.fmt_count(), cols = x.fmt_cols();
  const t = new Int32Array(x.memory.buffer, x.fmt_table_ptr() >>> 0, count * cols).slice();
  const ids = new Map<string, number>();
  for (let id = 0; id < count; id++) if (t[id * cols] >= 0) ids.set(names[id], id);
  cache = { exports: x, names, t, cols, ids, rows: [], list: null, decoded: false };
  return cache;
}

function row(c: Table, id: number): FormatInfo {
  const old = c.rows[id];
  if (old) return old;
  const { t, names } = c, o = id * c.cols;
  const kind = KINDS[t[o]], eb = t[o + 2], mb = t[o + 3];
  const info: FormatInfo = {
    id, name: names[id], kind, bits: t[o + 1], exponentBits: eb, mantissaBits: mb, bias: t[o + 4], signed: t[o + 6] === 1,
    hasInf: false, hasNaN: false,
    block: t[o + 7], scale: t[o + 8] >= 0 ? names[t[o + 8]] : null, element: names[kind === 'mx' ? t[o + 9] : id],
    max: NaN, minNormal: NaN, minSubnormal: NaN,
    epsilon: kind === 'int' || (kind === 'mx' && eb === 0) ? (kind === 'mx' ? 1 / 64 : 1) : 2 ** -mb,
  };
  if (kind === 'int' || id === 21) { info.intMin = t[o + 11]; info.intMax = t[o + 12]; }
  return (c.rows[id] = info);
}

/** Every row, in id order. */
function all(): FormatInfo[] {
  const c = load();
  if (!c.list) c.list = [...c.ids.values()].map((id) => row(c, id));
  return c.list;
}

/** The table with its decoded values. */
function decoded(): FormatInfo[] {
  const list = all();
  const c = load();
  if (c.decoded) return list;
  const x = get();
  const src = x.alloc(4), dst = x.alloc(4);
  const decode = (id: number, code: number) => {
    new Uint32Array(x.memory.buffer, src, 1)[0] = code >>> 0; // little-endian: low bytes first
    x.cvt_fmt_f32__scalar(id, src, dst, 1);
    return new Float32Array(x.memory.buffer, dst, 1)[0];
  };
  try {
    for (const f of list) {
      const elemId = f.kind === 'mx' ? formatByName(f.element).id : f.id;
      const eb = f.exponentBits, mb = f.mantissaBits;
      if (f.kind === 'int' || (f.kind === 'mx' && eb === 0)) {
        f.max = f.kind === 'mx' ? decode(elemId, f.intMax!) / 64 : f.intMax!;
        f.minNormal = f.kind === 'mx' ? 1 / 64 : 1;
        f.minSubnormal = f.minNormal;
      } else {
        f.max = decode(elemId, x.fmt_max_code(elemId));
        f.minNormal = eb === 8 && mb === 0 ? decode(elemId, 0) : decode(elemId, 1 << mb);
        f.minSubnormal = mb === 0 ? f.minNormal : decode(elemId, 1);
      }
      f.hasInf = x.fmt_inf_code(elemId) >= 0;
      f.hasNaN = x.fmt_nan_code(elemId) >= 0;
    }
  } finally {
    x.free(src); x.free(dst);
  }
  c.decoded = true;
  return list;
}

/** The whole table, decoded values included (public API). */
export function formats(): FormatInfo[] {
  return decoded();
}

/** One format with its decoded values (public API). */
export function formatInfo(name: string): FormatInfo {
  decoded();
  return formatByName(name) as FormatInfo;
}

export function formatByName(name: string, where = 'format'): FormatRow {
  const c = load();
  const id = c.ids.get(name);
  if (id === undefined) fail('UNKNOWN_FORMAT', `${where}: unknown format ${JSON.stringify(name)}; known: ${[...c.ids.keys()].join(', ')}`);
  return row(c, id);
}

/** Bytes of one stored code (before sub-byte packing). */
export function codeBytes(f: FormatRow): 1 | 2 | 4 {
  return f.bits <= 8 ? 1 : f.bits <= 16 ? 2 : 4;
}

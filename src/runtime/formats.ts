// The format table as the host sees it: rows from the module's table (assembly/formats/table.ts
// is the only place format facts are written down; tables.ts holds the generated copy).

import { get } from './wasm.js';
import { fail } from './errors.js';
import { FORMAT_NAMES, FORMAT_TABLE, KINDS, cell } from './tables.js';

export type FormatKind = (typeof KINDS)[number];

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

interface Table {
  /** id by name, valid ids only */
  ids: Map<string, number>;
  rows: (FormatInfo | undefined)[];
  list: FormatInfo[] | null;
  decoded: boolean;
}
let cache: Table | null = null;

// The rows come from the pure copy of the module's table (tables.ts): no instance needed, so the
// bundle reader runs without one. A row becomes an object when first asked for (a bundle names two
// or three formats). The decoded values (max, min normal, min subnormal, inf/NaN) are filled in, in
// the same objects, when the public API first hands the table out: the runtime never reads them,
// and at cold start they were most of the table's cost (~1 ms: the reference decoder compiled,
// alloc/free per value). Until then they hold placeholders, and the runtime sees them as FormatRow.
function load(): Table {
  if (cache) return cache;
  const ids = new Map<string, number>();
  for (let id = 0; id < FORMAT_TABLE.length; id++) if (cell(id, 'kind') >= 0) ids.set(FORMAT_NAMES[id], id);
  cache = { ids, rows: [], list: null, decoded: false };
  return cache;
}

// MX integer elements are fixed point with one integer bit besides the sign (OCP MX v1.0 5.3:
// mxint8 is 1.6): 2^-(bits - 2) per code step.
const mxIntStep = (elem: number) => 2 ** -(cell(elem, 'bits') - 2);

function row(c: Table, id: number): FormatInfo {
  const old = c.rows[id];
  if (old) return old;
  const kind = KINDS[cell(id, 'kind')], eb = cell(id, 'ebits'), mb = cell(id, 'mbits');
  const elem = cell(id, 'elem'), scale = cell(id, 'scale');
  // integers, and MX blocks of integers: a range, and a fixed step
  const integral = kind === 'int' || (kind === 'mx' && KINDS[cell(elem, 'kind')] === 'int');
  const info: FormatInfo = {
    id, name: FORMAT_NAMES[id], kind, bits: cell(id, 'bits'), exponentBits: eb, mantissaBits: mb, bias: cell(id, 'bias'), signed: cell(id, 'signed') === 1,
    hasInf: false, hasNaN: false,
    block: cell(id, 'block'), scale: scale >= 0 ? FORMAT_NAMES[scale] : null, element: FORMAT_NAMES[elem],
    max: NaN, minNormal: NaN, minSubnormal: NaN,
    epsilon: integral ? (kind === 'mx' ? mxIntStep(elem) : 1) : 2 ** -mb,
  };
  if (integral) { info.intMin = cell(id, 'imin'); info.intMax = cell(id, 'imax'); }
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
      if (f.intMax !== undefined) {
        f.max = f.kind === 'mx' ? decode(elemId, f.intMax) * f.epsilon : f.intMax;
        f.minNormal = f.epsilon;
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

// The format table as the host sees it, read from the module (assembly/formats/table.ts is the
// only place format facts are written down).

import { get } from './wasm.js';
import { fail } from './errors.js';

export type FormatKind = 'float' | 'int' | 'scale' | 'mx';

export interface FormatInfo {
  id: number;
  name: string;
  kind: FormatKind;
  /** storage bits of one element code */
  bits: number;
  exponentBits: number;
  mantissaBits: number;
  bias: number;
  signed: boolean;
  hasInf: boolean;
  hasNaN: boolean;
  /** elements sharing one block scale (1: none) */
  block: number;
  /** name of the block-scale format, or null */
  scale: string | null;
  /** MX: the element format's name; others: own name */
  element: string;
  /** largest finite value */
  max: number;
  /** smallest positive normal (floats), or 1 (integers) */
  minNormal: number;
  /** smallest positive subnormal (floats with subnormals), else minNormal */
  minSubnormal: number;
  /** distance from 1 to the next larger value (floats) */
  epsilon: number;
  /** integers: range */
  intMin?: number;
  intMax?: number;
}

const KINDS: FormatKind[] = ['float', 'int', 'scale', 'mx'];
let cache: { list: FormatInfo[]; byName: Map<string, FormatInfo>; exports: unknown } | null = null;

function decodeOne(x: any, id: number, code: number): number {
  const src = x.alloc(4), dst = x.alloc(4);
  try {
    new Uint32Array(x.memory.buffer, src, 1)[0] = code >>> 0; // little-endian: low bytes first
    x.cast_decode_ref(id, src, dst, 1);
    return new Float32Array(x.memory.buffer, dst, 1)[0];
  } finally {
    x.free(src); x.free(dst);
  }
}

function load(): NonNullable<typeof cache> {
  const x = get();
  if (cache && cache.exports === x) return cache;
  const names = String.fromCharCode(...new Uint16Array(x.memory.buffer, x.fmt_names_ptr() >>> 0, x.fmt_names_len())).split(' ');
  const list: FormatInfo[] = [];
  const count = x.fmt_count();
  for (let id = 0; id < count; id++) {
    const c = (k: number) => x.fmt_col(id, k) as number;
    if (c(0) < 0) continue;
    const kind = KINDS[c(0)];
    const [bits, eb, mb, bias, signed, block, scale, elem] = [c(1), c(2), c(3), c(4), c(6), c(7), c(8), c(9)];
    const elemId = kind === 'mx' ? elem : id;
    let max: number, minNormal: number, minSub: number, eps: number;
    if (kind === 'int' || (kind === 'mx' && eb === 0)) {
      const lo = c(11), hi = c(12);
      max = kind === 'mx' ? decodeOne(x, elemId, hi) / 64 : hi;
      minNormal = kind === 'mx' ? 1 / 64 : 1;
      minSub = minNormal;
      eps = minNormal;
    } else {
      max = decodeOne(x, elemId, x.fmt_max_code(elemId));
      minNormal = eb === 8 && mb === 0 ? decodeOne(x, elemId, 0) : decodeOne(x, elemId, 1 << mb);
      minSub = mb === 0 ? minNormal : decodeOne(x, elemId, 1);
      eps = 2 ** -mb;
    }
    const info: FormatInfo = {
      id, name: names[id], kind, bits, exponentBits: eb, mantissaBits: mb, bias, signed: signed === 1,
      hasInf: x.fmt_inf_code(elemId) >= 0, hasNaN: x.fmt_nan_code(elemId) >= 0,
      block, scale: scale >= 0 ? names[scale] : null, element: names[elemId],
      max, minNormal, minSubnormal: minSub, epsilon: eps,
    };
    if (kind === 'int' || id === 21) { info.intMin = c(11); info.intMax = c(12); }
    list.push(info);
  }
  cache = { list, byName: new Map(list.map((f) => [f.name, f])), exports: x };
  return cache;
}

export function formats(): FormatInfo[] {
  return load().list;
}

export function formatByName(name: string, where = 'format'): FormatInfo {
  const f = load().byName.get(name);
  if (!f) fail('UNKNOWN_FORMAT', `${where}: unknown format ${JSON.stringify(name)}; known: ${load().list.map((f) => f.name).join(', ')}`);
  return f;
}

export function formatById(id: number, where = 'format'): FormatInfo {
  const f = load().list.find((f) => f.id === id);
  if (!f) fail('UNKNOWN_FORMAT', `${where}: unknown format id ${id}`);
  return f;
}

/** Bytes of one stored code (before sub-byte packing). */
export function codeBytes(f: FormatInfo): 1 | 2 | 4 {
  return f.bits <= 8 ? 1 : f.bits <= 16 ? 2 : 4;
}

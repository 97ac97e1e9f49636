// Independent oracle for Alloy's casts, written from the written spec (see docs/ARCHITECTURE.md), not
// from assembly/formats. Every format's value set is enumerated from its code layout; a value is
// rounded by finding its two representable neighbours lo <= |x| <= hi and choosing one by mode.
//
// Exactness: every value handled here is a JS double. All format values, f32 inputs, their
// midpoints (lo + hi) / 2 and the MX-scaled values v * 2^-k are exact doubles (at most 25
// significant bits, exponents far inside the double range). Adjacent values of a binary float
// format differ by a power of two q, and |x| - lo < q is a difference of two multiples of
// 2^min(lsb(x), lsb(q)) with fewer than 53 significant bits, so (|x| - lo) / q * 2^32 is exact and
// floor() of it is the exact F. Comparisons of doubles are exact. The oracle also asserts the
// invariants it relies on (lo <= |x| <= hi, hi - lo a power of two) where cheap.

export const MODES = ['rne', 'rna', 'rtz', 'floor', 'ceil', 'stochastic'] as const;
export type Mode = (typeof MODES)[number];
export const OVERFLOWS = ['saturate', 'ieee'] as const;
export type Ovf = (typeof OVERFLOWS)[number];

// ---------------------------------------------------------------------------------------------
// f32 <-> bits
const cvF = new Float32Array(1);
const cvU = new Uint32Array(cvF.buffer);
export function f32FromBits(b: number): number { cvU[0] = b >>> 0; return cvF[0]; }
export function bitsOfF32(x: number): number { cvF[0] = x; return cvU[0]; }
/** f32 bits of an exactly f32-representable double (throws otherwise); NaN -> 0x7FC00000 | sign. */
export function exactF32Bits(x: number, negNaN = false): number {
  if (Number.isNaN(x)) return (0x7FC00000 | (negNaN ? 0x80000000 : 0)) >>> 0;
  cvF[0] = x;
  if (cvF[0] !== x) throw new Error(`oracle: ${x} is not an f32`);
  return cvU[0];
}
export const hex = (v: number, w = 8) => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(w, '0');

/** Exact floor(log2(x)) of a positive finite double. */
export function flog2(x: number): number {
  let e = Math.floor(Math.log2(x));
  while (2 ** e > x) e--;
  while (2 ** (e + 1) <= x) e++;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Format descriptions, from the spec text.
export type Special = 'ieee' | 'fn' | 'finite';
export interface FloatSpec { name: string; E: number; M: number; bias: number; special: Special }
export const FLOAT_SPECS: Record<string, FloatSpec> = {
  f16: { name: 'f16', E: 5, M: 10, bias: 15, special: 'ieee' },
  bf16: { name: 'bf16', E: 8, M: 7, bias: 127, special: 'ieee' },
  f8_e4m3fn: { name: 'f8_e4m3fn', E: 4, M: 3, bias: 7, special: 'fn' },
  f8_e5m2: { name: 'f8_e5m2', E: 5, M: 2, bias: 15, special: 'ieee' },
  f8_e3m4: { name: 'f8_e3m4', E: 3, M: 4, bias: 3, special: 'ieee' },
  f6_e2m3fn: { name: 'f6_e2m3fn', E: 2, M: 3, bias: 1, special: 'finite' },
  f6_e3m2fn: { name: 'f6_e3m2fn', E: 3, M: 2, bias: 3, special: 'finite' },
  f4_e2m1fn: { name: 'f4_e2m1fn', E: 2, M: 1, bias: 1, special: 'finite' },
};
export interface IntSpec { name: string; bits: number; min: number; max: number }
export const INT_SPECS: Record<string, IntSpec> = {
  i16: { name: 'i16', bits: 16, min: -32768, max: 32767 },
  i8: { name: 'i8', bits: 8, min: -128, max: 127 },
  u8: { name: 'u8', bits: 8, min: 0, max: 255 },
  i4: { name: 'i4', bits: 4, min: -8, max: 7 },
  i32: { name: 'i32', bits: 32, min: -2147483648, max: 2147483647 },
};
export const FLOAT_NAMES = Object.keys(FLOAT_SPECS);
export const INT_NAMES = Object.keys(INT_SPECS);
/** All scalar formats of 16 bits or fewer. */
export const SMALL_FORMATS = [...FLOAT_NAMES, 'e8m0fnu', 'i16', 'i8', 'u8', 'i4'];
export function bitsOf(name: string): number {
  if (name in FLOAT_SPECS) { const s = FLOAT_SPECS[name]; return 1 + s.E + s.M; }
  if (name in INT_SPECS) return INT_SPECS[name].bits;
  if (name === 'e8m0fnu') return 8;
  if (name === 'f32') return 32;
  throw new Error('oracle: unknown format ' + name);
}

// ---------------------------------------------------------------------------------------------
// Decoding (value of a code), straight from the field layout.
/** Value of a float code: a double, +-Infinity, or NaN (then `nanSign` says its sign). */
export function floatValue(s: FloatSpec, code: number): number {
  const { E, M, bias, special } = s;
  const sign = (code >>> (E + M)) & 1;
  const ef = (code >>> M) & ((1 << E) - 1);
  const m = code & ((1 << M) - 1);
  const topE = (1 << E) - 1;
  if (special === 'ieee' && ef === topE) return m === 0 ? (sign ? -Infinity : Infinity) : NaN;
  if (special === 'fn' && ef === topE && m === (1 << M) - 1) return NaN;
  const mag = ef === 0 ? m * 2 ** (1 - bias - M) : ((1 << M) + m) * 2 ** (ef - bias - M);
  return sign ? -mag : mag;
}

export interface FloatTable {
  spec: FloatSpec;
  /** finite magnitudes, ascending, strictly increasing */
  values: Float64Array;
  /** magnitude code of values[i] */
  codes: Int32Array;
  max: number; maxCode: number; signBit: number;
  nanCode: number; infCode: number; // magnitude codes, -1 if none
  emin: number; // exponent of the smallest normal
  etop: number; // floor(log2(max))
}
const tables = new Map<string, FloatTable>();
export function floatTable(name: string): FloatTable {
  let t = tables.get(name);
  if (t) return t;
  const spec = FLOAT_SPECS[name];
  if (!spec) throw new Error('oracle: not a float format ' + name);
  const vals: number[] = [], codes: number[] = [];
  let infCode = -1;
  for (let c = 0; c < 1 << (spec.E + spec.M); c++) {
    const v = floatValue(spec, c);
    if (Number.isNaN(v)) continue;
    if (v === Infinity) { infCode = c; continue; }
    vals.push(v); codes.push(c);
  }
  // Canonical NaN: IEEE quiet NaN (top mantissa bit only) / FN: S.1..1.1..1 / none.
  const nanCode = spec.special === 'ieee' ? (((1 << spec.E) - 1) << spec.M) | (1 << (spec.M - 1))
    : spec.special === 'fn' ? (1 << (spec.E + spec.M)) - 1 : -1;
  // Sort by value (codes of a sign-magnitude float are already in value order; check, don't assume).
  const idx = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
  const values = Float64Array.from(idx.map((i) => vals[i]));
  const codeArr = Int32Array.from(idx.map((i) => codes[i]));
  for (let i = 1; i < values.length; i++) if (!(values[i] > values[i - 1])) throw new Error(`oracle: ${name} values not distinct`);
  const max = values[values.length - 1];
  t = {
    spec, values, codes: codeArr, max, maxCode: codeArr[codeArr.length - 1], signBit: 1 << (spec.E + spec.M),
    nanCode, infCode, emin: 1 - spec.bias, etop: flog2(max),
  };
  tables.set(name, t);
  return t;
}

/** Expected f32 bits of decode(format, code). */
export function decodeOracle(name: string, code: number): number {
  if (name in FLOAT_SPECS) {
    const s = FLOAT_SPECS[name];
    const v = floatValue(s, code);
    return exactF32Bits(v, ((code >>> (s.E + s.M)) & 1) === 1);
  }
  if (name === 'e8m0fnu') return code === 0xFF ? 0x7FC00000 : exactF32Bits(2 ** (code - 127));
  if (name in INT_SPECS) {
    const s = INT_SPECS[name];
    let v: number;
    if (s.bits === 32) v = code | 0;
    else { v = code & ((1 << s.bits) - 1); if (s.min < 0 && v >= 2 ** (s.bits - 1)) v -= 2 ** s.bits; }
    return bitsOfF32(Math.fround(v)); // exact up to 2^24; i32 beyond rounds (RNE) like any f32 conversion
  }
  if (name === 'f32') return code >>> 0;
  throw new Error('oracle: unknown format ' + name);
}

// ---------------------------------------------------------------------------------------------
// Rounding between two neighbours.
const TWO32 = 4294967296;
/** Choose lo or hi for |x| = ax with lo <= ax <= hi. `loEven`: lo is the even one of the pair. */
export function choose(ax: number, lo: number, hi: number, loEven: boolean, neg: boolean, mode: Mode, r: number): number {
  if (!(lo <= ax && ax <= hi && lo < hi)) throw new Error(`oracle: bad neighbours ${lo} <= ${ax} <= ${hi}`);
  if (ax === lo) return lo;
  if (ax === hi) return hi;
  switch (mode) {
    case 'rne': case 'rna': {
      const mid = (lo + hi) / 2;
      if (ax < mid) return lo;
      if (ax > mid) return hi;
      return mode === 'rna' ? hi : loEven ? lo : hi;
    }
    case 'rtz': return lo;
    case 'floor': return neg ? hi : lo;
    case 'ceil': return neg ? lo : hi;
    case 'stochastic': {
      const q = hi - lo;
      const d = ax - lo;
      if (2 ** flog2(q) !== q || lo + d !== ax) throw new Error('oracle: inexact stochastic step');
      const F = Math.floor((d / q) * TWO32);
      return F > (r >>> 0) ? hi : lo;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding. Inputs are described as (neg, ax) with ax = |x| a double (NaN / Infinity allowed).

function overflowMag(t: FloatTable, mode: Mode, ovf: Ovf, neg: boolean, isInf: boolean): number {
  if (ovf === 'saturate') return t.maxCode;
  const toInf = isInf || mode === 'rne' || mode === 'rna' || mode === 'stochastic' || (mode === 'floor' && neg) || (mode === 'ceil' && !neg);
  if (!toInf) return t.maxCode;
  if (t.infCode >= 0) return t.infCode;
  if (t.nanCode >= 0) return t.nanCode;
  return t.maxCode;
}

/** Float code of sign * ax. */
export function encodeFloatAbs(name: string, neg: boolean, ax: number, mode: Mode, ovf: Ovf, r = 0): number {
  const t = floatTable(name);
  const sb = neg ? t.signBit : 0;
  if (Number.isNaN(ax)) return t.nanCode >= 0 ? t.nanCode | sb : 0;
  if (ax === Infinity) return overflowMag(t, mode, ovf, neg, true) | sb;
  const { values, codes } = t;
  let lo: number, hi: number, loEven: boolean, loCode: number, hiCode: number;
  if (ax <= t.max) {
    // largest i with values[i] <= ax
    let a = 0, b = values.length - 1;
    while (a < b) { const m = (a + b + 1) >> 1; if (values[m] <= ax) a = m; else b = m - 1; }
    lo = values[a]; loCode = codes[a];
    if (lo === ax) return loCode | sb;
    hi = values[a + 1]; hiCode = codes[a + 1];
    loEven = (loCode & 1) === 0;
  } else {
    // Beyond max: the grid of an unbounded exponent range.
    const e = Math.max(flog2(ax), t.etop);
    const q = 2 ** (e - t.spec.M);
    const k = Math.floor(ax / q);
    lo = k * q; hi = (k + 1) * q; loEven = k % 2 === 0;
    loCode = lo === t.max ? t.maxCode : -1; hiCode = -1;
    if (lo === ax) return lo <= t.max ? loCode | sb : overflowMag(t, mode, ovf, neg, false) | sb;
  }
  const v = choose(ax, lo, hi, loEven, neg, mode, r);
  if (v > t.max) return overflowMag(t, mode, ovf, neg, false) | sb;
  return (v === lo ? loCode : hiCode) | sb;
}

export function encodeE8m0Abs(neg: boolean, ax: number, mode: Mode, ovf: Ovf, r = 0): number {
  if (Number.isNaN(ax)) return 0xFF;
  if (neg || ax === 0) return ovf === 'saturate' ? 0x00 : 0xFF;
  if (ax === Infinity) return ovf === 'saturate' ? 0xFE : 0xFF;
  if (ax < 2 ** -127) return 0x00;
  const e = flog2(ax);
  const lo = 2 ** e, hi = 2 ** (e + 1);
  // nearest: ties up in the linear domain, for both rne and rna
  const m: Mode = mode === 'rne' ? 'rna' : mode;
  const v = choose(ax, lo, hi, false, false, m, r);
  const ev = v === lo ? e : e + 1;
  if (ev > 127) return ovf === 'saturate' ? 0xFE : 0xFF;
  return ev + 127;
}

/** Integer value (before clamping) of sign * ax rounded by mode; NaN gives 0. */
export function roundIntAbs(neg: boolean, ax: number, mode: Mode, r = 0): number {
  if (Number.isNaN(ax)) return 0;
  if (ax === Infinity) return neg ? -Infinity : Infinity;
  const lo = Math.floor(ax);
  const v = lo === ax ? lo : choose(ax, lo, lo + 1, lo % 2 === 0, neg, mode, r);
  return neg ? -v : v;
}

export function encodeIntAbs(name: string, neg: boolean, ax: number, mode: Mode, r = 0): number {
  const s = INT_SPECS[name];
  let v = roundIntAbs(neg, ax, mode, r);
  v = Math.min(Math.max(v, s.min), s.max);
  if (Object.is(v, -0)) v = 0;
  return s.bits === 32 ? v >>> 0 : v & ((1 << s.bits) - 1);
}

/** Expected code of encode(name, f32FromBits(bits)). */
export function encodeOracle(name: string, bits: number, mode: Mode, ovf: Ovf, r = 0): number {
  bits >>>= 0;
  const neg = bits >>> 31 === 1;
  const a = bits & 0x7FFFFFFF;
  const ax = a > 0x7F800000 ? NaN : Math.abs(f32FromBits(a));
  if (name in FLOAT_SPECS) return encodeFloatAbs(name, neg, ax, mode, ovf, r);
  if (name === 'e8m0fnu') return encodeE8m0Abs(neg, ax, mode, ovf, r);
  if (name in INT_SPECS) return encodeIntAbs(name, neg, ax, mode, r);
  if (name === 'f32') return bits;
  throw new Error('oracle: unknown format ' + name);
}

// ---------------------------------------------------------------------------------------------
// The random words of stochastic rounding: splitmix64 finalizer, BigInt.
const M64 = (1n << 64n) - 1n;
export function splitmixWord(seed: bigint, i: number | bigint): number {
  let z = (BigInt.asUintN(64, seed) + (BigInt(i) + 1n) * 0x9E3779B97F4A7C15n) & M64;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M64;
  z = z ^ (z >> 31n);
  return Number(z >> 32n);
}
export function splitmixWords(seed: bigint, n: number, first = 0): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = splitmixWord(seed, first + i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// MX (OCP MX v1.0 as specified in the brief).
export interface MXSpec { name: string; elem: string | null; emax: number }
export const MX_SPECS: Record<string, MXSpec> = {
  mxfp8_e4m3: { name: 'mxfp8_e4m3', elem: 'f8_e4m3fn', emax: 8 },
  mxfp8_e5m2: { name: 'mxfp8_e5m2', elem: 'f8_e5m2', emax: 15 },
  mxfp6_e2m3: { name: 'mxfp6_e2m3', elem: 'f6_e2m3fn', emax: 2 },
  mxfp6_e3m2: { name: 'mxfp6_e3m2', elem: 'f6_e3m2fn', emax: 4 },
  mxfp4_e2m1: { name: 'mxfp4_e2m1', elem: 'f4_e2m1fn', emax: 2 },
  mxint8: { name: 'mxint8', elem: null, emax: 0 },
};
export const MX_NAMES = Object.keys(MX_SPECS);

/** Expected quantizeMX output. words(i) gives element i's random word (stochastic only). */
export function quantizeMXOracle(name: string, values: Float32Array, mode: Mode, ovf: Ovf, words?: (i: number) => number): { scales: Uint8Array; elements: Uint8Array } {
  const s = MX_SPECS[name];
  const n = values.length, nb = Math.ceil(n / 32);
  const scales = new Uint8Array(nb), elements = new Uint8Array(n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let b = 0; b < nb; b++) {
    const start = b * 32, end = Math.min(n, start + 32);
    let amax = 0, special = false;
    for (let i = start; i < end; i++) {
      const a = bits[i] & 0x7FFFFFFF;
      if (a >= 0x7F800000) special = true;
      else amax = Math.max(amax, f32FromBits(a));
    }
    if (special) { scales[b] = 0xFF; continue; } // elements stay 0
    let k: number;
    if (amax === 0) k = -127;
    else k = Math.min(Math.max(flog2(amax) - s.emax, -127), 127);
    scales[b] = k + 127;
    for (let i = start; i < end; i++) {
      const neg = bits[i] >>> 31 === 1;
      const ax = Math.abs(f32FromBits(bits[i] & 0x7FFFFFFF)) * 2 ** -k; // exact (double)
      const r = mode === 'stochastic' ? words!(i) : 0;
      if (s.elem === null) {
        const q = Math.min(Math.max(roundIntAbs(neg, ax * 64, mode, r), -127), 127);
        elements[i] = q & 0xFF;
      } else {
        elements[i] = encodeFloatAbs(s.elem, neg, ax, mode, ovf, r);
      }
    }
  }
  return { scales, elements };
}

/** Expected dequantizeMX output bits (NaN: 0x7FC00000 with either sign allowed by the caller). */
export function dequantizeMXOracle(name: string, scales: Uint8Array, elements: Uint8Array): Float32Array {
  const s = MX_SPECS[name];
  const out = new Float32Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const sc = scales[i >> 5];
    if (sc === 0xFF) { out[i] = NaN; continue; }
    const X = 2 ** (sc - 127);
    let ev: number;
    if (s.elem === null) { const c = elements[i]; ev = (c >= 128 ? c - 256 : c) / 64; }
    else ev = floatValue(FLOAT_SPECS[s.elem], elements[i]);
    out[i] = Math.fround(ev * X); // f32 product: the exact product rounded once to f32
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Affine integer quantization.
export function affineOracle(name: string, x: number, scale: number, zp: number, mode: Mode, r = 0): number {
  const s = INT_SPECS[name];
  const q = Math.fround(x / scale); // = IEEE f32 division for f32 x and scale
  let v = Number.isNaN(q) ? 0 : roundIntAbs(q < 0 || Object.is(q, -0), Math.abs(q), mode, r);
  v = Math.min(Math.max(v + zp, s.min), s.max);
  return v === 0 ? 0 : v;
}

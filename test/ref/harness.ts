// Test plumbing around the oracle: run a cast through both module paths, compare with the oracle,
// collect mismatches and report a few of them in hex.
import * as assert from 'uvu/assert';
import {
  MODES, OVERFLOWS, type Mode, type Ovf, encodeOracle, hex, bitsOf, f32FromBits, bitsOfF32,
  floatTable, FLOAT_SPECS, INT_SPECS,
} from './oracle.ts';

export { MODES, OVERFLOWS };

/** Collects mismatches; `done()` fails the test with the first few, in hex. */
export class Diffs {
  count = 0;
  cases = 0;
  samples: string[] = [];
  constructor(readonly label: string, readonly keep = 6) {}
  add(msg: () => string) {
    this.count++;
    if (this.samples.length < this.keep) this.samples.push(msg());
  }
  done(log = true) {
    if (log) console.log(`  [${this.label}] ${this.cases} comparisons, ${this.count} mismatches`);
    assert.ok(this.cases > 0, `${this.label}: nothing was compared`);
    if (this.count) {
      const text = `${this.label}: ${this.count} of ${this.cases} comparisons differ; first ${this.samples.length}:\n    ` + this.samples.join('\n    ');
      console.log(text);
      assert.is(this.count, 0, text);
    }
  }
}

export const codeHexWidth = (fmt: string) => Math.ceil(bitsOf(fmt) / 4);

export interface EncodeOpts { random?: Uint32Array; seed?: number | bigint }

/** encode through the SIMD (default) path and the reference path. */
export function encodeBoth(a: any, fmt: string, vals: Float32Array, mode: Mode, ovf: Ovf, extra: EncodeOpts = {}) {
  const o: any = { round: mode, overflow: ovf };
  if (mode === 'stochastic') {
    if (extra.random) o.random = extra.random;
    else if (extra.seed !== undefined) o.seed = extra.seed;
  }
  const simd = a.encode(fmt, vals, o);
  const ref = a.encode(fmt, vals, { ...o, reference: true });
  return { simd, ref };
}

/**
 * Encode `vals` in every mode x overflow policy through both paths and compare with the oracle.
 * Stochastic uses `words` as the `random` option when given, else `seed` with `seedWords`.
 */
export function checkEncodeAll(
  a: any, fmt: string, vals: Float32Array, d: Diffs,
  st: { words?: Uint32Array; seed?: bigint; seedWords?: Uint32Array } = {},
  modes: readonly Mode[] = MODES, ovfs: readonly Ovf[] = OVERFLOWS,
) {
  const bits = new Uint32Array(vals.buffer, vals.byteOffset, vals.length);
  const w = codeHexWidth(fmt);
  for (const mode of modes) {
    for (const ovf of ovfs) {
      let words: Uint32Array | undefined;
      let extra: EncodeOpts = {};
      if (mode === 'stochastic') {
        if (st.words) { words = st.words; extra = { random: st.words }; }
        else if (st.seed !== undefined && st.seedWords) { words = st.seedWords; extra = { seed: st.seed }; }
        else { words = new Uint32Array(vals.length); extra = { random: words }; } // r = 0
      }
      const { simd, ref } = encodeBoth(a, fmt, vals, mode, ovf, extra);
      for (let i = 0; i < vals.length; i++) {
        const r = words ? words[i] : 0;
        const exp = encodeOracle(fmt, bits[i], mode, ovf, r);
        d.cases += 2;
        if (ref[i] !== exp) d.add(() => `${fmt} ${mode}/${ovf} ref  x=${hex(bits[i])} (${f32FromBits(bits[i])})${mode === 'stochastic' ? ` r=${hex(r)}` : ''} expected ${hex(exp, w)} got ${hex(ref[i], w)}`);
        if (simd[i] !== exp) d.add(() => `${fmt} ${mode}/${ovf} simd x=${hex(bits[i])} (${f32FromBits(bits[i])})${mode === 'stochastic' ? ` r=${hex(r)}` : ''} expected ${hex(exp, w)} got ${hex(simd[i], w)}`);
      }
    }
  }
}

// f32 neighbours by bit pattern (toward +inf / -inf), for finite values.
export function nextUp(x: number): number {
  if (x === 0) return f32FromBits(1);
  const b = bitsOfF32(x);
  return f32FromBits(x > 0 ? b + 1 : b - 1);
}
export function nextDown(x: number): number { return -nextUp(-x); }

/** Sorted non-negative finite values of a scalar format, and (floats) the next grid value above max. */
export function valueSet(fmt: string): { values: number[]; beyond: number | null } {
  if (fmt in FLOAT_SPECS) {
    const t = floatTable(fmt);
    return { values: Array.from(t.values), beyond: t.max + 2 ** (t.etop - t.spec.M) };
  }
  if (fmt === 'e8m0fnu') {
    const v: number[] = [];
    for (let c = 0; c < 255; c++) v.push(2 ** (c - 127));
    return { values: v, beyond: null };
  }
  const s = INT_SPECS[fmt];
  const v: number[] = [];
  for (let i = Math.max(s.min, 0); i <= s.max; i++) v.push(i);
  return { values: v, beyond: s.max + 1 };
}

/** Special and boundary inputs common to every format (f32 bit patterns). */
export const SPECIAL_BITS: number[] = [
  0x00000000, 0x80000000, 0x7F800000, 0xFF800000, // zeros, infinities
  0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FA00000, 0xFFD23456, // NaNs
  0x00000001, 0x80000001, 0x00000002, 0x007FFFFF, 0x807FFFFF, 0x00400000, 0x00400001, 0x003FFFFF, 0x00000003, // f32 subnormals
  0x00800000, 0x80800000, 0x00800001, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F000000, 0x7EFFFFFF, // normal extremes
  0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40000000,
];

/**
 * Boundary inputs of a format: for each pair of adjacent representable values lo < hi (and the pair
 * max / next-grid-value-above-max), the exact midpoint when it is an f32, the midpoint +-1 f32 ulp,
 * lo +-1 ulp and hi +-1 ulp; both signs. Pairs can be sampled (every `stride`-th pair).
 */
export function boundaryInputs(fmt: string, stride = 1): Float32Array {
  const { values, beyond } = valueSet(fmt);
  const v = beyond !== null ? [...values, beyond] : values; // beyond may be 2^128 (bf16): only its f32 neighbours are used
  const out: number[] = [];
  const push = (x: number) => { if (Number.isFinite(x)) { out.push(x, -x); } };
  for (let i = 0; i + 1 < v.length; i += stride) {
    const lo = v[i], hi = v[i + 1];
    const mid = (lo + hi) / 2;
    if (Math.fround(mid) === mid) push(mid);
    const fm = Math.fround(mid);
    push(nextUp(fm)); push(nextDown(fm));
    push(nextUp(lo)); if (lo > 0) push(nextDown(lo));
    push(nextUp(hi)); push(nextDown(hi));
  }
  return Float32Array.from(out);
}

/** Overflow-boundary inputs: around max, the overflow midpoint, and beyond; both signs. */
export function overflowInputs(fmt: string): Float32Array {
  const { values, beyond } = valueSet(fmt);
  const max = values[values.length - 1];
  const out: number[] = [];
  const add = (x: number) => { const f = Math.fround(x); if (Number.isFinite(f)) out.push(f, -f, nextUp(f), -nextUp(f), nextDown(f), -nextDown(f)); };
  add(max);
  if (beyond !== null) { add((max + beyond) / 2); add(beyond); add((beyond + beyond + beyond - max) / 2); add(2 * beyond); add(beyond * 1024); }
  add(max * 1.5); add(max * 2); add(max * 4); add(3.4028234663852886e38);
  return Float32Array.from(out);
}

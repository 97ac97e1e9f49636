// Random test inputs (deterministic).
import { rng } from '../util.ts';
import { FLOAT_SPECS, INT_SPECS, floatTable, f32FromBits } from './oracle.ts';

/** n random f32 inputs for `fmt`: half uniform random bit patterns (every class: NaN, inf,
 *  subnormal, huge), half spread over the format's own range (exponents from below its smallest
 *  subnormal to above its max, random mantissa bits, random sign). */
export function randomInputs(fmt: string, n: number, seed: number): Float32Array {
  const g = rng(seed);
  const bits = new Uint32Array(n);
  let lo: number, hi: number;
  if (fmt in FLOAT_SPECS) { const t = floatTable(fmt); lo = t.emin - t.spec.M - 3; hi = t.etop + 3; }
  else if (fmt === 'e8m0fnu') { lo = -130; hi = 128; }
  else if (fmt in INT_SPECS) { const s = INT_SPECS[fmt]; lo = -3; hi = Math.min(Math.ceil(Math.log2(Math.max(s.max, -s.min))) + 2, 127); }
  else { lo = -149; hi = 127; }
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) { bits[i] = g(); continue; }
    const e = lo + (g() % (hi - lo + 1));
    const be = Math.min(Math.max(e + 127, 0), 254);
    // fewer mantissa bits now and then, so exact values, ties and near-ties are common
    let m = g() & 0x7FFFFF;
    const k = g() % 4;
    if (k === 0) m &= 0x7FF000; else if (k === 1) m &= 0x7FFF00 | (g() & 1 ? 0xFF : 0);
    bits[i] = ((g() & 1) << 31 | be << 23 | m) >>> 0;
  }
  return new Float32Array(bits.buffer);
}

export function randomWords(n: number, seed: number): Uint32Array {
  const g = rng(seed), w = new Uint32Array(n);
  for (let i = 0; i < n; i++) w[i] = g();
  return w;
}

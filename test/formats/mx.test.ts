// MX block formats against the oracle: quantize (default SIMD path and reference) in every mode and
// overflow policy, over blocks of every kind (random spreads, NaN/Inf, all zeros, f32 subnormals,
// amax near f32 max, amax at binade edges, partial last blocks); dequantize exhaustively.
import { test } from 'uvu';
import { getAlloy, rng } from '../util.ts';
import {
  MX_NAMES, MODES, OVERFLOWS, quantizeMXOracle, dequantizeMXOracle, splitmixWords, hex, f32FromBits, MX_SPECS, FLOAT_SPECS,
} from '../ref/oracle.ts';
import { Diffs } from '../ref/harness.ts';
import { randomWords } from '../ref/inputs.ts';

/** A mix of blocks, n values in all (the last block may be partial). */
function mxInputs(n: number, seed: number): Float32Array {
  const g = rng(seed);
  const bits = new Uint32Array(n);
  const rnd = (lo: number, hi: number) => lo + (g() % (hi - lo + 1));
  for (let b = 0; b * 32 < n; b++) {
    const s = b * 32, e = Math.min(n, s + 32);
    const kind = b % 12;
    const base = rnd(1, 254); // biased exponent of the block
    for (let i = s; i < e; i++) {
      const sign = (g() & 1) << 31;
      let m = g() & 0x7FFFFF;
      if (g() % 3 === 0) m &= 0x7F0000; // short mantissas: exact values and ties are common
      let ex: number;
      switch (kind) {
        case 0: ex = Math.min(Math.max(base - rnd(0, 12), 0), 254); break;           // ordinary spread
        case 1: ex = Math.min(Math.max(base - rnd(0, 40), 0), 254); break;           // wide spread (underflow)
        case 2: ex = 0; break;                                                       // f32 subnormals
        case 3: ex = rnd(250, 254); break;                                           // near f32 max
        case 4: ex = rnd(0, 3); break;                                               // around 2^-126
        case 5: ex = base; m = (g() & 1) ? 0x7FFFFF : (g() & 0x7F) << 16 | 0xFFFF; break; // amax mantissa near 2
        case 6: ex = base; m = 0; break;                                             // powers of two
        case 7: ex = 0; m = 0; break;                                                // all (signed) zeros
        default: ex = rnd(0, 254); break;                                            // anything
      }
      bits[i] = (sign | ex << 23 | m) >>> 0;
    }
    if (kind === 8) bits[rnd(s, e - 1)] = 0x7FC00000 | (g() & 1) << 31;             // NaN in block
    if (kind === 9) bits[rnd(s, e - 1)] = (g() & 1) ? 0x7F800000 : 0xFF800000;      // Inf in block
    if (kind === 10) bits[rnd(s, e - 1)] = 0x7F800001;                              // signalling NaN
    if (kind === 11) bits[s] = 0x7F7FFFFF;                                          // f32 max
  }
  return new Float32Array(bits.buffer);
}

const LENGTHS = [32 * 240, 32 * 7 + 13, 1, 31, 33, 65];
const SEED = 0xDEADBEEFCAFEn;

for (const fmt of MX_NAMES) {
  test(`mx quantize ${fmt}: every mode and overflow policy, SIMD == reference == oracle`, async () => {
    const a = await getAlloy();
    const d = new Diffs(`mx quantize ${fmt}`);
    LENGTHS.forEach((n, k) => {
      const vals = mxInputs(n, 11 + k * 7 + fmt.length);
      const bits = new Uint32Array(vals.buffer);
      const seedWords = splitmixWords(SEED, n);
      for (const mode of MODES) for (const ovf of OVERFLOWS) {
        for (const useRandom of mode === 'stochastic' ? [false, true] : [false]) {
          const words = useRandom ? randomWords(n, 3 + n) : seedWords;
          const o: any = { round: mode, overflow: ovf };
          if (mode === 'stochastic') { if (useRandom) o.random = words; else o.seed = SEED; }
          const exp = quantizeMXOracle(fmt, vals, mode, ovf, (i) => words[i]);
          for (const reference of [false, true]) {
            const got = a.quantizeMX(fmt, vals, { ...o, reference });
            const tag = `${fmt} n=${n} ${mode}/${ovf}${useRandom ? ' random' : ''} ${reference ? 'ref' : 'simd'}`;
            for (let b = 0; b < exp.scales.length; b++) {
              d.cases++;
              if (got.scales[b] !== exp.scales[b]) d.add(() => `${tag} block ${b} scale expected ${hex(exp.scales[b], 2)} got ${hex(got.scales[b], 2)}`);
            }
            for (let i = 0; i < n; i++) {
              d.cases++;
              if (got.elements[i] !== exp.elements[i]) d.add(() => `${tag} i=${i} x=${hex(bits[i])} (${f32FromBits(bits[i])}) scale ${hex(exp.scales[i >> 5], 2)} expected ${hex(exp.elements[i], 2)} got ${hex(got.elements[i], 2)}`);
            }
          }
        }
      }
    });
    d.done();
  });
}

test('mx dequantize: every scale x every element code, and dequantize(quantize(x))', async () => {
  const a = await getAlloy();
  const d = new Diffs('mx dequantize');
  const cmp = (tag: string, got: Float32Array, exp: Float32Array) => {
    const gb = new Uint32Array(got.buffer, got.byteOffset, got.length), eb = new Uint32Array(exp.buffer, exp.byteOffset, exp.length);
    for (let i = 0; i < got.length; i++) {
      d.cases++;
      // NaN results: the canonical quiet NaN (either sign: f32 products of a NaN keep no defined sign)
      const ok = Number.isNaN(exp[i]) ? (gb[i] & 0x7FFFFFFF) === 0x7FC00000 : gb[i] === eb[i];
      if (!ok) d.add(() => `${tag} i=${i} expected ${hex(eb[i])} got ${hex(gb[i])}`);
    }
  };
  for (const fmt of MX_NAMES) {
    const s = MX_SPECS[fmt];
    const ncodes = s.elem ? 2 ** (1 + FLOAT_SPECS[s.elem].E + FLOAT_SPECS[s.elem].M) : 256;
    const per = Math.max(1, ncodes / 32);
    const scales = new Uint8Array(256 * per), elements = new Uint8Array(256 * per * 32);
    for (let sc = 0; sc < 256; sc++) for (let j = 0; j < per; j++) {
      scales[sc * per + j] = sc;
      for (let k = 0; k < 32; k++) elements[(sc * per + j) * 32 + k] = (j * 32 + k) % ncodes;
    }
    cmp(`${fmt} dequant exhaustive`, a.dequantizeMX(fmt, { scales, elements }), dequantizeMXOracle(fmt, scales, elements));
    const vals = mxInputs(32 * 12 + 5, 99);
    const q = a.quantizeMX(fmt, vals);
    cmp(`${fmt} dequant(quant)`, a.dequantizeMX(fmt, q), dequantizeMXOracle(fmt, q.scales, q.elements));
  }
  d.done();
});

test.run();

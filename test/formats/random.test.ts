// Random inputs: 200k f32 per format (half uniform bit patterns, half in the format's range), every
// mode and both overflow policies, SIMD (default) == reference == oracle. Stochastic uses the seeded
// generator (words checked against a BigInt splitmix64) and, at awkward sizes, the `random` option.
// Then awkward lengths (1, 3, 7, 15, 17, 31, 33, 1023) at several offsets: SIMD == reference == oracle.
import { test } from 'uvu';
import { getAlloy } from '../util.ts';
import { splitmixWords, MODES, OVERFLOWS, encodeOracle, hex, f32FromBits } from '../ref/oracle.ts';
import { Diffs, checkEncodeAll, encodeBoth, codeHexWidth } from '../ref/harness.ts';
import { randomInputs, randomWords } from '../ref/inputs.ts';

const N = 200_000;
const SEED = 0x0123456789ABCDEFn;
const FORMATS = (process.env.ALLOY_RANDOM_FORMATS ?? 'f16,bf16,f8_e4m3fn,f8_e5m2,f8_e3m4,f6_e2m3fn,f6_e3m2fn,f4_e2m1fn,e8m0fnu,i16,i8,u8,i4,i32,f32').split(',');
let seedWords: Uint32Array | null = null;

FORMATS.forEach((fmt, k) => {
  test(`random ${fmt}: ${N} inputs x 6 modes x 2 overflow policies, SIMD == reference == oracle`, async () => {
    const a = await getAlloy();
    seedWords ??= splitmixWords(SEED, N);
    const vals = randomInputs(fmt, N, 1000 + k);
    const d = new Diffs(`random ${fmt}`);
    if (fmt === 'f32') {
      // f32 -> f32 is the identity on the bits (NaN payloads included) in both paths
      const bits = new Uint32Array(vals.buffer);
      for (const mode of MODES) for (const ovf of OVERFLOWS) {
        const { simd, ref } = encodeBoth(a, fmt, vals, mode, ovf, { seed: SEED });
        for (let i = 0; i < N; i++) {
          d.cases += 2;
          if (ref[i] !== bits[i]) d.add(() => `f32 ${mode}/${ovf} ref x=${hex(bits[i])} got ${hex(ref[i])}`);
          if (simd[i] !== bits[i]) d.add(() => `f32 ${mode}/${ovf} simd x=${hex(bits[i])} got ${hex(simd[i])}`);
        }
      }
    } else {
      checkEncodeAll(a, fmt, vals, d, { seed: SEED, seedWords });
    }
    d.done();
  });
});

const SIZES = [1, 3, 7, 15, 17, 31, 33, 1023];
test('awkward sizes: SIMD == reference == oracle for every format, mode, overflow policy', async () => {
  const a = await getAlloy();
  const d = new Diffs('awkward sizes');
  const seedWords = splitmixWords(77n, 1100);
  FORMATS.filter((f) => f !== 'f32').forEach((fmt, k) => {
    const all = randomInputs(fmt, 4096, 5000 + k);
    const w = codeHexWidth(fmt);
    for (const L of SIZES) for (const off of [0, 1, 5]) {
      const vals = all.slice(off, off + L);
      const bits = new Uint32Array(vals.buffer);
      for (const mode of MODES) for (const ovf of OVERFLOWS) {
        for (const useRandom of mode === 'stochastic' ? [false, true] : [false]) {
          const words = useRandom ? randomWords(L, L * 31 + off) : seedWords;
          const { simd, ref } = encodeBoth(a, fmt, vals, mode, ovf, useRandom ? { random: words } : { seed: 77n });
          for (let i = 0; i < L; i++) {
            const exp = encodeOracle(fmt, bits[i], mode, ovf, mode === 'stochastic' ? words[i] : 0);
            d.cases += 2;
            const tag = `${fmt} n=${L} ${mode}/${ovf}${useRandom ? ' random' : ''} i=${i} x=${hex(bits[i])} (${f32FromBits(bits[i])})`;
            if (ref[i] !== exp) d.add(() => `${tag} ref expected ${hex(exp, w)} got ${hex(ref[i], w)}`);
            if (simd[i] !== exp) d.add(() => `${tag} simd expected ${hex(exp, w)} got ${hex(simd[i], w)}`);
          }
        }
      }
    }
  });
  d.done();
});

test.run();

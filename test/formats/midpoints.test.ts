// Rounding boundaries of every format of 8 bits or fewer (all pairs of adjacent values, and the pair
// max / first value beyond max): midpoints, +-1 f32 ulp around them and around lo and hi; overflow
// boundaries; specials and f32 subnormal inputs. Every mode, both overflow policies, SIMD and
// reference, against the oracle.
import { test } from 'uvu';
import { getAlloy, rng } from '../util.ts';
import { Diffs, checkEncodeAll, boundaryInputs, overflowInputs, SPECIAL_BITS } from '../ref/harness.ts';

const SMALL = ['f8_e4m3fn', 'f8_e5m2', 'f8_e3m4', 'f6_e2m3fn', 'f6_e3m2fn', 'f4_e2m1fn', 'e8m0fnu', 'i8', 'u8', 'i4', 'i16'];

function words(n: number, seed: number) {
  const g = rng(seed), w = new Uint32Array(n);
  for (let i = 0; i < n; i++) w[i] = g();
  return w;
}

for (const fmt of SMALL) {
  test(`midpoints ${fmt}: all adjacent pairs, +-1 ulp, overflow, specials`, async () => {
    const a = await getAlloy();
    const sp = new Float32Array(Uint32Array.from(SPECIAL_BITS).buffer);
    const parts = [boundaryInputs(fmt), overflowInputs(fmt), sp];
    const n = parts.reduce((s, p) => s + p.length, 0);
    const vals = new Float32Array(n);
    let o = 0;
    for (const p of parts) { vals.set(p, o); o += p.length; }
    const d = new Diffs(`midpoints ${fmt} (${n} inputs)`);
    checkEncodeAll(a, fmt, vals, d, { words: words(n, 1234) });
    // stochastic again with r = 0 (goes away whenever F > 0) and r = 0xFFFFFFFF (never goes away)
    checkEncodeAll(a, fmt, vals, d, { words: new Uint32Array(n) }, ['stochastic']);
    checkEncodeAll(a, fmt, vals, d, { words: new Uint32Array(n).fill(0xFFFFFFFF) }, ['stochastic']);
    d.done();
  });
}

test.run();

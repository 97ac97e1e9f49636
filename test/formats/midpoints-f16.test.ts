// Rounding boundaries of f16: every pair of adjacent values (31744 pairs incl. max / 2^16).
import { test } from 'uvu';
import { getAlloy, rng } from '../util.ts';
import { Diffs, checkEncodeAll, boundaryInputs, overflowInputs } from '../ref/harness.ts';

test('midpoints f16: all adjacent pairs, +-1 ulp, overflow', async () => {
  const a = await getAlloy();
  const b = boundaryInputs('f16'), ov = overflowInputs('f16');
  const vals = new Float32Array(b.length + ov.length);
  vals.set(b); vals.set(ov, b.length);
  const g = rng(99), w = new Uint32Array(vals.length);
  for (let i = 0; i < w.length; i++) w[i] = g();
  const d = new Diffs(`midpoints f16 (${vals.length} inputs)`);
  checkEncodeAll(a, 'f16', vals, d, { words: w });
  d.done();
});

test.run();

// Rounding boundaries of bf16: every pair of adjacent values (32640 pairs incl. max / 2^128 (not an f32: its midpoint with max is)).
import { test } from 'uvu';
import { getAlloy, rng } from '../util.ts';
import { Diffs, checkEncodeAll, boundaryInputs, overflowInputs } from '../ref/harness.ts';

test('midpoints bf16: all adjacent pairs, +-1 ulp, overflow', async () => {
  const a = await getAlloy();
  const b = boundaryInputs('bf16'), ov = overflowInputs('bf16');
  const vals = new Float32Array(b.length + ov.length);
  vals.set(b); vals.set(ov, b.length);
  const g = rng(98), w = new Uint32Array(vals.length);
  for (let i = 0; i < w.length; i++) w[i] = g();
  const d = new Diffs(`midpoints bf16 (${vals.length} inputs)`);
  checkEncodeAll(a, 'bf16', vals, d, { words: w });
  d.done();
});

test.run();

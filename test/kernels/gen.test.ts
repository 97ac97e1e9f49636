// The generated microkernel regions (scripts/gen-kernels.mjs: `// @gen` ... `// @end` in
// assembly/) are fresh: regenerating changes nothing, and a hand edit inside one is caught.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { generate, expand } from '../../scripts/gen-kernels.mjs';

const root = new URL('../..', import.meta.url).pathname;

test('every generated region is what the templates emit', () => {
  assert.equal(generate(true), []);
});

test('the GEMM bodies are generated: the 4x8 tiles (f32, decode, int, w8a8), the 5x8 kernel and the 1x8 / 1x16 / 1x32 row paths', () => {
  const want: Record<string, number> = {
    'assembly/kernels/dense_f32.ts': 3, 'assembly/kernels/pointwise.ts': 2, 'assembly/kernels/conv2d.ts': 4,
    'assembly/kernels/dense_fused.ts': 4, 'assembly/kernels/dense_q.ts': 4, 'assembly/kernels/dense_w8a8.ts': 3,
  };
  for (const [f, n] of Object.entries(want)) assert.is((readFileSync(root + f, 'utf8').match(/\/\/ @gen /g) ?? []).length, n, f);
});

test('a hand edit inside a region is stale', () => {
  const s = readFileSync(root + 'assembly/kernels/pointwise.ts', 'utf8');
  const edited = s.replace('a00 = f32x4.add(a00, f32x4.mul(v0, w0));', 'a00 = f32x4.add(f32x4.mul(v0, w0), a00);');
  assert.is.not(edited, s);
  assert.is(expand(edited), s);
});

test.run();

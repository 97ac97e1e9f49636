// The planner's module metrics (assembly/kernels/metrics.ts through src/tools/plan/modmetrics.ts)
// against independent f64 loops written here from the definitions, at awkward sizes (1, 3, 7, 33,
// 257 columns; zero rows; padding weights), and the text data loader (src/tools/plan/text.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../util.ts';
import { init } from '../../src/runtime/wasm.ts';
import { AlloyError } from '../../src/runtime/errors.ts';
import { cosineRows, klRows, nllRows, stats } from '../../src/tools/plan/modmetrics.ts';
import { absmaxCols, smoothScales } from '../../src/tools/import/math.ts';
import { klDivergence, perplexity, cosineStats, metric } from '../../src/tools/plan/metrics.ts';
import { readTextRows, textDataset } from '../../src/tools/plan/text.ts';

await init(new URL('../../build/alloy.wasm', import.meta.url));
const rand = (n: number, seed: number, a = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a); };
const close = (a: number, b: number, eps: number, m = '') => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${m}: ${a} vs ${b}`);
const logSoftmax = (x: ArrayLike<number>, o: number, d: number) => {
  let m = -Infinity; for (let j = 0; j < d; j++) m = Math.max(m, x[o + j]);
  let s = 0; for (let j = 0; j < d; j++) s += Math.exp(x[o + j] - m);
  return Array.from({ length: d }, (_, j) => Math.max(Math.log(1e-12), x[o + j] - m - Math.log(s)));
};
const SIZES = [[1, 1], [3, 7], [5, 33], [2, 257], [4, 3]];

test('cosine_rows: f64 cosine per row; zero rows give 1 (both) and 0 (one)', () => {
  for (const [rows, cols] of SIZES) {
    const a = rand(rows * cols, rows + cols), b = rand(rows * cols, rows * cols + 5);
    const c = cosineRows(a, b, rows, cols);
    for (let r = 0; r < rows; r++) {
      let d = 0, p = 0, q = 0;
      for (let j = 0; j < cols; j++) { const u = a[r * cols + j], v = b[r * cols + j]; d += u * v; p += u * u; q += v * v; }
      close(c[r], d / Math.sqrt(p * q), 1e-12, `${rows}x${cols} row ${r}`);
    }
  }
  const z = new Float32Array(6), o = Float32Array.from([0, 0, 0, 1, 2, 3]);
  assert.equal([...cosineRows(z, z, 2, 3)], [1, 1]);
  assert.equal([...cosineRows(z, o, 2, 3)], [1, 0]);
  const s = cosineStats({ data: Float32Array.from([1, 0, 1, 1]), rows: 2, cols: 2 }, { data: Float32Array.from([1, 0, 1, 0]), rows: 2, cols: 2 });
  close(s.mean, (1 + Math.SQRT1_2) / 2, 1e-12); close(s.min, Math.SQRT1_2, 1e-12);
});

test('kl_rows: KL(softmax r || softmax y) per row, and on probabilities', () => {
  for (const [rows, cols] of SIZES) {
    const y = rand(rows * cols, 3 * rows + cols, 4), r = rand(rows * cols, 7 * rows + cols, 4);
    const k = klRows(y, r, rows, cols, false);
    for (let i = 0; i < rows; i++) {
      const ly = logSoftmax(y, i * cols, cols), lr = logSoftmax(r, i * cols, cols);
      let s = 0; for (let j = 0; j < cols; j++) { const p = Math.exp(lr[j]); if (p > 1e-12) s += p * (lr[j] - ly[j]); }
      close(k[i], s, 1e-9, `${rows}x${cols} row ${i}`);
    }
    assert.ok(klRows(r, r, rows, cols, false).every((v) => v === 0), 'KL to itself');
  }
  // probabilities: [0.5, 0.5] vs [0.25, 0.75]: 0.5 ln 2 + 0.5 ln(2/3); a zero reference term is skipped
  close(klRows(Float32Array.from([0.25, 0.75, 0.5, 0.5]), Float32Array.from([0.5, 0.5, 1, 0]), 2, 2, true)[0], 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-7);
  close(klRows(Float32Array.from([0.5, 0.5]), Float32Array.from([1, 0]), 1, 2, true)[0], Math.log(2), 1e-7);
});

test('next-token KL on [n, S, V] logits: per token, weighted by the mask', () => {
  const n = 2, S = 3, V = 5;
  const y = rand(n * S * V, 1, 3), r = rand(n * S * V, 2, 3), w = Float32Array.from([1, 1, 0, 1, 0, 0]);
  const per = klRows(y, r, n * S, V, false);
  const want = (per[0] + per[1] + per[3]) / 3;
  close(klDivergence({ data: y, rows: n, cols: S * V, last: V }, { data: r, rows: n, cols: S * V, last: V }, 'logits', w), want, 1e-12);
  close(metric('kl', { data: y, rows: n, cols: S * V, last: V }, { data: r, rows: n, cols: S * V, last: V }, undefined, { outputKind: 'logits', tokenWeights: w }), want, 1e-12);
});

test('nll_rows and perplexity: -log p(label), unlabelled rows skipped, a label past the classes refused', () => {
  // logits [0, ln 2]: p = [1/3, 2/3]
  const y = Float32Array.from([0, Math.log(2), 0, Math.log(2), 5, 1]);
  const r = nllRows(y, Int32Array.from([1, 0, -1]), 3, 2, false);
  assert.is(r.count, 2);
  close(r.nll[0], -Math.log(2 / 3), 1e-7); close(r.nll[1], -Math.log(1 / 3), 1e-7); assert.is(r.nll[2], 0);
  const ppl = perplexity({ data: y, rows: 1, cols: 6, last: 2 }, { data: Float32Array.from([1, 0, -1]), shape: [1, 3] }, 'logits');
  close(ppl, Math.exp((-Math.log(2 / 3) - Math.log(1 / 3)) / 2), 1e-7);
  try { nllRows(y, Int32Array.from([2, 0, 0]), 3, 2, false); assert.unreachable(); } catch (e) { assert.ok(e instanceof AlloyError && e.code === 'BAD_ARGUMENT', String(e)); }
  for (const [rows, cols] of SIZES) {
    const z = rand(rows * cols, rows + 11 * cols, 5), lab = Int32Array.from({ length: rows }, (_, i) => (i * 7) % cols);
    const q = nllRows(z, lab, rows, cols, false);
    for (let i = 0; i < rows; i++) close(q.nll[i], -logSoftmax(z, i * cols, cols)[lab[i]], 1e-9, `${rows}x${cols}`);
  }
});

test('stats: weighted mean / min / max / sum over rows with weight > 0, exp(mean)', () => {
  const v = Float64Array.from([1, 2, 3, 10]);
  const s = stats(v, Float32Array.from([1, 1, 2, 0]));
  assert.equal([s.mean, s.min, s.max, s.sum, s.weight], [9 / 4, 1, 3, 9, 4]);
  close(s.expMean, Math.exp(9 / 4), 1e-15);
  assert.equal([stats(v).mean, stats(v).min, stats(v).max], [4, 1, 10]);
});

test('absmax_cols (running over batches) and smooth scales xmax^a / wmax^(1-a), 1 where either is 0', () => {
  for (const [rows, cols] of SIZES) {
    const x = rand(rows * cols, rows * 3 + cols, 2);
    const m = absmaxCols(x, rows, cols);
    for (let j = 0; j < cols; j++) { let t = 0; for (let i = 0; i < rows; i++) t = Math.max(t, Math.abs(x[i * cols + j])); assert.is(m[j], t); }
    const x2 = rand(rows * cols, 99, 3), m2 = absmaxCols(x2, rows, cols, m);
    for (let j = 0; j < cols; j++) { let t = m[j]; for (let i = 0; i < rows; i++) t = Math.max(t, Math.abs(x2[i * cols + j])); assert.is(m2[j], t); }
  }
  const s = smoothScales(Float32Array.from([4, 0, 50, 1]), Float32Array.from([1, 2, 0.5, 0]), 0.5);
  assert.equal([...s], [2, 1, 10, 1]);
  close(smoothScales(Float32Array.from([8]), Float32Array.from([2]), 0.75)[0], 8 ** 0.75 / 2 ** 0.25, 1e-7);
  try { smoothScales(new Float32Array(1), new Float32Array(1), 1.5); assert.unreachable(); } catch (e) { assert.ok(e instanceof AlloyError && e.code === 'BAD_OPTION'); }
});

test('text rows: padding, mask, next-token labels, inputs by role; refusals name the file', () => {
  const inputs = [{ name: 'input_ids', shape: [-1, -1], format: 'i64' }, { name: 'attention_mask', shape: [-1, -1], format: 'i64' }, { name: 'token_type_ids', shape: [-1, -1], format: 'i32' }];
  const dir = mkdtempSync(join(tmpdir(), 'alloy-text-'));
  const f = join(dir, 'rows.json');
  writeFileSync(f, JSON.stringify([[5, 6, 7], [8, 9]]));
  const d = textDataset(readTextRows(f, inputs), inputs, { padId: 0 });
  assert.equal(d.feeds!.map((x) => x.name), ['input_ids', 'attention_mask', 'token_type_ids']);
  assert.equal([...d.feeds![0].data as BigInt64Array].map(Number), [5, 6, 7, 8, 9, 0]);
  assert.equal([...d.feeds![1].data as BigInt64Array].map(Number), [1, 1, 1, 1, 1, 0]);
  assert.ok(d.feeds![2].data instanceof Int32Array && d.feeds![2].data.every((v) => v === 0));
  assert.equal([...d.labels!.data], [6, 7, -1, 9, -1, -1]);
  assert.equal([...d.tokenWeights!], [1, 1, 1, 1, 1, 0]);
  writeFileSync(f, JSON.stringify({ ids: [[1, 2]], mask: [[1]] }));
  try { textDataset(readTextRows(f, inputs), inputs, { where: f }); assert.unreachable(); } catch (e) { assert.ok(e instanceof AlloyError && /mask row 0 has 1 values/.test((e as Error).message), String(e)); }
  writeFileSync(f, JSON.stringify({ tokens: [[1]] }));
  try { readTextRows(f, inputs); assert.unreachable(); } catch (e) { assert.ok(e instanceof AlloyError && e.code === 'BAD_ARGUMENT' && (e as Error).message.includes(f)); }
  try { textDataset({ ids: [[1, 2, 3]] }, [{ name: 'ids', shape: [-1, 2], format: 'i64' }], { where: 'x.json' }); assert.unreachable(); } catch (e) { assert.match((e as Error).message, /takes sequences of 2/); }
});

test.run();

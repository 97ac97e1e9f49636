// Planner metrics on hand-computed cases (src/tools/plan/metrics.ts: host-side statistics; cosine
// and kl run in the module, src/tools/plan/modmetrics.ts, so the source's instance is started).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { top1, crossEntropy, klDivergence, cosine, mse, nme, pck, metric, degradation, allowed, logProbs, classes } from '../../src/tools/plan/metrics.ts';
import { spearman } from '../../src/tools/plan/rng.ts';
import { init } from '../../src/runtime/wasm.ts';

await init(new URL('../../build/alloy.wasm', import.meta.url));

const close = (a: number, b: number, eps = 1e-9, m = '') => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${m} ${a} vs ${b}`);
const out = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0].length });

test('top1: argmax against labels, one-hot labels, and the reference', () => {
  const y = out([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]]);
  assert.is(top1(y, Int32Array.from([1, 0, 0, 2])), 0.75);
  assert.equal([...classes(2, { data: Float32Array.from([0, 0, 1, 0, 1, 0]), shape: [2, 3] }, y)], [2, 1]);
  const ref = out([[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]]);
  assert.is(metric('top1', y, ref, undefined), 0.75);
});

test('cross-entropy: hard labels and soft reference; logits go through log-softmax', () => {
  const p = out([[0.5, 0.25, 0.25], [0.125, 0.125, 0.75]]);
  close(crossEntropy(p, Int32Array.from([0, 2])), -(Math.log(0.5) + Math.log(0.75)) / 2);
  // logits [0, ln 2]: softmax = [1/3, 2/3]
  const z = out([[0, Math.log(2)]]);
  close(crossEntropy(z, Int32Array.from([1])), -Math.log(2 / 3), 1e-7);
  close(Math.exp(logProbs(z)[0]), 1 / 3, 1e-7);
  // soft targets: H(r, p) = -sum r log p
  const r = out([[0.5, 0.5, 0], [0, 0, 1]]);
  close(metric('ce', p, r, undefined), -(0.5 * Math.log(0.5) + 0.5 * Math.log(0.25) + Math.log(0.75)) / 2);
});

test('KL divergence: zero to itself, hand value otherwise, zero-probability reference terms ignored', () => {
  const r = out([[0.5, 0.5, 0]]), p = out([[0.25, 0.5, 0.25]]);
  close(klDivergence(r, r), 0);
  close(klDivergence(p, r), 0.5 * Math.log(0.5 / 0.25));
});

test('cosine similarity and mse', () => {
  const a = out([[1, 0], [1, 1], [0, 0]]), b = out([[0, 1], [2, 2], [0, 0]]);
  close(cosine(a, b), (0 + 1 + 1) / 3);
  close(mse(a, b.data), (1 + 1 + 1 + 1) / 6);
});

test('NME with the bounding-box diagonal and a given norm; PCK@t', () => {
  // two landmarks (0,0) and (3,4): bbox diagonal 5; predictions off by (0,1) and (0.3, 0.4)
  const g = Float32Array.from([0, 0, 3, 4]);
  const y = out([[0, 1, 3.3, 4.4]]);
  close(nme(y, g), (1 + 0.5) / 2 / 5, 1e-6);
  close(nme(y, g, { norm: 10 }), (1 + 0.5) / 2 / 10, 1e-6);
  close(pck(y, g, { pckThreshold: 0.11 }), 0.5); // 0.5 <= 0.55, 1 > 0.55
  close(pck(y, g, { pckThreshold: 0.2 }), 1);
  close(nme(out([[0, 0, 0, 1, 1, 1]]), Float32Array.from([0, 0, 0, 1, 1, 1]), { landmarkDims: 3 }), 0);
});

test('degradation direction, tolerances, Spearman', () => {
  assert.is(degradation('top1', 0.9, 0.95), 0.95 - 0.9);
  assert.is(degradation('ce', 0.5, 0.25), 0.25);
  close(allowed({ value: 0.01, relative: true }, 0.8), 0.008);
  assert.is(allowed({ value: 0.01, relative: false }, 0.8), 0.01);
  assert.throws(() => allowed({ value: 0.1, relative: true }, 0), /baseline/);
  close(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  close(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  close(spearman([1, 2, 3], [1, 1, 2]), Math.sqrt(3) / 2);
});

test.run();

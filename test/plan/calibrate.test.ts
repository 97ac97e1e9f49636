// Calibration range methods on synthetic distributions: percentile / MSE / KL clip rare outliers,
// min/max does not; granularities; asymmetric ranges.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rangeOf, tensorRanges, qparams, klThresholdBins } from '../../src/tools/plan/calibrate.ts';
import { xorshift32 } from '../../src/tools/plan/rng.ts';

/** n samples of N(0, 1) (Box-Muller over the seeded generator) plus `outliers` values of +-50 */
function gaussian(n: number, seed: number, outliers = 0, at = 50): Float32Array {
  const next = xorshift32(seed);
  const u = () => ((next() >>> 8) + 0.5) / 2 ** 24;
  const x = new Float32Array(n + outliers);
  for (let i = 0; i < n; i++) x[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  for (let i = 0; i < outliers; i++) x[n + i] = i % 2 ? -at : at;
  return x;
}

test('min/max keeps the outliers; percentile, MSE and KL clip them', () => {
  const x = gaussian(100_000, 3, 6);
  assert.is(rangeOf(x, { method: 'minmax' }).max, 50);
  const p = rangeOf(x, { method: 'percentile', percentile: 99.9 }).max;
  assert.ok(p > 3 && p < 3.6, `percentile 99.9 of |N(0,1)| ~ 3.29: ${p}`);
  // MSE weighs clipping error against rounding error: 6 values at 50 cost more clipped than the
  // coarser step costs the bulk, so it keeps them; one value at 10 is clipped.
  assert.ok(rangeOf(x, { method: 'mse' }).max > 40);
  const m = rangeOf(gaussian(100_000, 3, 1, 10), { method: 'mse' }).max;
  assert.ok(m > 3 && m < 9, `mse ${m}`);
  const k = rangeOf(x, { method: 'kl' }).max;
  assert.ok(k > 2 && k < 10, `kl ${k}`);
});

test('without outliers every method stays near the data range', () => {
  const x = gaussian(50_000, 5);
  const mm = rangeOf(x, { method: 'minmax' }).max;
  for (const method of ['percentile', 'mse', 'kl'] as const) {
    const r = rangeOf(x, { method });
    assert.ok(r.max <= mm && r.max > 0.4 * mm, `${method}: ${r.max} vs ${mm}`);
    assert.is(r.min, -r.max);
  }
});

test('KL threshold on a uniform histogram keeps (nearly) every bin', () => {
  const h = new Float64Array(2048).fill(10);
  assert.ok(klThresholdBins(h) > 1900);
  // a spike of outliers far out: the threshold stays in the bulk
  const h2 = new Float64Array(2048);
  for (let i = 0; i < 200; i++) h2[i] = 1000 - 4 * i;
  h2[2047] = 3;
  assert.ok(klThresholdBins(h2) < 400);
});

test('asymmetric ranges follow a one-sided distribution', () => {
  const x = gaussian(20_000, 7).map((v) => Math.abs(v) + 1); // values in [1, ~5]
  const mm = rangeOf(x, { method: 'minmax', symmetric: false });
  assert.ok(mm.min >= 1 && mm.min < 1.01);
  const p = rangeOf(x, { method: 'percentile', symmetric: false, percentile: 99 });
  assert.ok(p.min > 1 && p.max < mm.max, JSON.stringify(p));
  const e = rangeOf(x, { method: 'mse', symmetric: false });
  assert.ok(e.min >= 0.9 && e.max <= mm.max, JSON.stringify(e));
  const q = qparams(mm, false);
  assert.ok(Math.abs(q.zeroPoint - (Math.round(-mm.min / q.scale) - 128)) === 0);
});

test('per-channel and per-block granularity over the last axis', () => {
  // 4 channels, channel c scaled by c + 1
  const rows = 1000, C = 4, base = gaussian(rows * C, 9);
  const x = base.map((v, i) => v * ((i % C) + 1));
  const ch = tensorRanges(x, C, { method: 'minmax', granularity: 'channel' });
  assert.is(ch.length, 4);
  for (let c = 1; c < C; c++) assert.ok(ch[c].max > ch[c - 1].max);
  const bl = tensorRanges(x, C, { method: 'minmax', granularity: 'block', block: 2 });
  assert.is(bl.length, 2);
  assert.is(bl[0].max, Math.max(ch[0].max, ch[1].max));
  assert.is(tensorRanges(x, C, { method: 'minmax' }).length, 1);
});

test.run();

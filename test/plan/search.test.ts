// Greedy, binary and Pareto searches on a toy whose answer is known: additive degradations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { greedy, binary, pareto, paretoFront, type SearchProblem, type Assign } from '../../src/tools/plan/search.ts';

// 5 layers, bytes f32 = 4 per param; degradation = sum of per-(layer, format) terms
const PARAMS: Record<string, number> = { a: 100, b: 400, c: 200, d: 50, e: 300 };
const BYTES: Record<string, number> = { f16: 2, i8: 1, i4: 0.5 };
const DEG: Record<string, Record<string, number>> = {
  a: { f16: 0.001, i8: 0.01, i4: 0.2 },
  b: { f16: 0.002, i8: 0.02, i4: 0.05 },
  c: { f16: 0.0005, i8: 0.3, i4: 0.9 },
  d: { f16: 0.0001, i8: 0.005, i4: 0.03 },
  e: { f16: 0.003, i8: 0.04, i4: 0.5 },
};

function toy(allowedDeg: number, formats = ['f16', 'i8', 'i4']): SearchProblem & { runs: number } {
  const p = {
    runs: 0,
    layers: Object.keys(PARAMS),
    candidates: formats,
    cost: (l: string, c: string | null) => PARAMS[l] * (c ? BYTES[c] : 4),
    sensitivity: (l: string, c: string) => DEG[l][c],
    evaluate: (a: Assign) => { p.runs++; return Object.entries(a).reduce((s, [l, c]) => s + DEG[l][c], 0); },
    allowed: allowedDeg,
  };
  return p;
}

test('greedy: levels from expensive to cheap, most tolerant layers first, stop at the first break', () => {
  // f16: all five (sum .0066). i8 in order d, a, b, e, c: .0115, .0205, .0385, .0755, then c breaks.
  // i4 on {d, a, b, e} in order d (.03), b (.05), a (.2), e (.5): d -> .0755 - .005 + .03 = .1005.
  const r = greedy(toy(0.1));
  assert.equal(r.assign, { a: 'i8', b: 'i8', c: 'f16', d: 'i8', e: 'i8' });
  assert.ok(Math.abs(r.degradation - 0.0755) < 1e-12);
  const r2 = greedy(toy(0.105)); // d takes i4, then b breaks (.1305)
  assert.equal(r2.assign, { a: 'i8', b: 'i8', c: 'f16', d: 'i4', e: 'i8' });
  assert.ok(Math.abs(r2.degradation - 0.1005) < 1e-12);
});

test('binary: the same prefix as greedy in fewer evaluations on a monotone toy', () => {
  const g = toy(0.1), b = toy(0.1);
  const rg = greedy(g), rb = binary(b);
  assert.equal(rb.assign, rg.assign);
  assert.ok(b.runs < g.runs, `${b.runs} vs ${g.runs}`);
});

test('nothing fits: the model stays as it is', () => {
  const r = greedy(toy(0.00001));
  assert.equal(r.assign, {});
  assert.equal(binary(toy(0.00001)).assign, {});
});

test('Pareto front is exact (brute force over all 4^5 assignments) and the answer is the cheapest within tolerance', () => {
  const p = toy(0.1);
  const opts = [null, 'f16', 'i8', 'i4'];
  const all: { cost: number; deg: number }[] = [];
  for (let k = 0; k < 4 ** 5; k++) {
    const a: Assign = {};
    let x = k;
    for (const l of p.layers) { const c = opts[x % 4]; x = Math.floor(x / 4); if (c) a[l] = c; }
    all.push({ cost: p.layers.reduce((s, l) => s + p.cost(l, a[l] ?? null), 0), deg: p.evaluate(a) });
  }
  const brute = all.filter((q) => !all.some((o) => (o.cost <= q.cost && o.deg < q.deg - 1e-15) || (o.cost < q.cost && o.deg <= q.deg + 1e-15)));
  const front = paretoFront(p);
  const key = (c: number, d: number) => `${c}:${d.toFixed(12)}`;
  assert.equal(new Set(front.map((f) => key(f.cost, f.proxy))), new Set(brute.map((b) => key(b.cost, b.deg))));
  const best = Math.min(...all.filter((q) => q.deg <= 0.1).map((q) => q.cost));
  const r = pareto(toy(0.1), 1000);
  assert.is(r.cost, best);
  assert.ok(r.degradation <= 0.1);
  // with few evaluated points the answer is still within tolerance, never cheaper than the optimum
  const r4 = pareto(toy(0.1), 4);
  assert.ok(r4.degradation <= 0.1 && r4.cost >= best);
});

test.run();

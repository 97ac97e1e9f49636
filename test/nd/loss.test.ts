// nll_loss_any__scalar and the optimizers of assembly/nd/optim.ts.
// 1. NLL against a float64 JS oracle of the ONNX definition (reductions none / sum / mean,
//    weights, ignore_index incl. negative and > 2^31), f32 / f64 with i32 / i64 targets, at
//    awkward sizes; an out-of-range target gives status 3.
// 2. adagrad / adam / momentum: *__simd128 equals *__scalar bit for bit at sizes 1, tile - 1,
//    tile, tile + 1 and primes (f32 and f64), and both follow a float64 oracle of the update rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { LOSS_REDUCTIONS } from '../../src/runtime/tables.gen.ts';
import { nllOracle } from '../ref/signal.ts';

const X = () => wasm() as any;
const RED = Object.fromEntries(LOSS_REDUCTIONS.map((n, i) => [n, i])) as Record<string, number>;
function rand(count: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return new Float64Array(count).map(() => (((r() % 2001) - 1000) / 512) * scale);
}
/** Runs f(ptrs..., outs...) with the inputs copied in; returns the outputs' bytes and the status. */
function run(inputs: ArrayBufferView[], outBytes: number[], f: (p: number[], o: number[]) => number) {
  const ps = inputs.map((a) => heap.put(a as any)), os = outBytes.map((b) => heap.alloc(b + 16));
  try {
    for (const [k, o] of os.entries()) heap.u8(o, outBytes[k] + 16).fill(0xcd);
    const status = f(ps, os);
    const raw = os.map((o, k) => heap.u8(o, outBytes[k] + 16).slice());
    raw.forEach((r, k) => assert.ok(r.subarray(outBytes[k]).every((v) => v === 0xcd), 'wrote past the output'));
    return { status, raw: raw.map((r, k) => r.subarray(0, outBytes[k])) };
  } finally { for (const p of [...ps, ...os]) heap.free(p); }
}
const close = (got: ArrayLike<number>, want: number[], tol: number, where: string) => {
  assert.is(got.length, want.length, `${where}: length`);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) { assert.ok(Number.isNaN(got[i]), `${where} [${i}]`); continue; }
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${where} [${i}]: ${got[i]} vs ${want[i]}`);
  }
};
const typed = (f64: boolean, v: ArrayLike<number>) => (f64 ? Float64Array.from(v) : Float32Array.from(v));
const asNum = (f64: boolean, b: Uint8Array) => (f64 ? new Float64Array(b.slice().buffer) : new Float32Array(b.slice().buffer));

test('nll_loss_any__scalar against a float64 oracle: reductions, weights, ignore_index, f32 / f64, i32 / i64 targets', async () => {
  await getAlloy();
  for (const [N, C, D] of [[1, 1, 1], [3, 5, 1], [2, 4, 3], [1, 7, 17], [5, 3, 4], [2, 33, 2]]) {
    for (const f64 of [false, true]) for (const i64 of [false, true]) for (const red of LOSS_REDUCTIONS) for (const [wOn, ii] of [[false, undefined], [true, undefined], [true, 1], [false, -1], [true, 2 ** 33 + 1]] as [boolean, number | undefined][]) {
      if (!i64 && ii !== undefined && ii > 2 ** 31) continue;   // an i32 target cannot hold it
      const r = rng(N * 100 + C * 10 + D);
      const t = Array.from({ length: N * D }, (_, k) => (ii !== undefined && k % 3 === 1 ? ii : r() % C));
      const x = typed(f64, rand(N * C * D, C + D, 4)), w = wOn ? typed(f64, rand(C, 7).map((v) => Math.abs(v) + 0.25)) : null;
      const tgt = i64 ? new BigInt64Array(t.map(BigInt)) : new Int32Array(t);
      const bits = ii === undefined ? [0, 0, 0] : [Number(BigInt.asIntN(32, BigInt(ii))), Number(BigInt.asIntN(32, BigInt(ii) >> 32n)), 1];
      const count = red === 'none' ? N * D : 1, es = f64 ? 8 : 4;
      const ins: ArrayBufferView[] = [x, tgt, ...(w ? [w] : [])];
      const got = run(ins, [count * es], ([px, pt, pw], [y]) => X().nll_loss_any__scalar(f64 ? 11 : 1, i64 ? 7 : 6, RED[red], y, px, pt, pw ?? 0, N, C, D, bits[0], bits[1], bits[2]));
      assert.is(got.status, 0);
      close(asNum(f64, got.raw[0]), nllOracle(x, t, w, N, C, D, red, ii).loss, f64 ? 1e-12 : 2e-6, `${[N, C, D]} f64 ${f64} i64 ${i64} ${red} w ${wOn} ii ${ii}`);
    }
  }
  // every target ignored: mean is 0 / 0
  const allIgnored = run([new Float32Array(6), new Int32Array([4, 4])], [4], ([px, pt], [y]) => X().nll_loss_any__scalar(1, 6, RED.mean, y, px, pt, 0, 2, 3, 1, 4, 0, 1));
  assert.ok(Number.isNaN(new Float32Array(allIgnored.raw[0].slice().buffer)[0]));
  const st = (t: number[], extra: number[] = [0, 0, 0]) => run([new Float32Array(6), new Int32Array(t)], [8], ([px, pt], [y]) => X().nll_loss_any__scalar(1, 6, RED.none, y, px, pt, 0, 2, 3, 1, ...extra)).status;
  assert.is(st([0, 3]), 3, 'target C');
  assert.is(st([-1, 0]), 3, 'negative target, not ignored');
  assert.is(st([-1, 0], [-1, -1, 1]), 0, 'negative target, ignored');
  assert.is(run([new Float32Array(1), new Int32Array(1)], [4], ([px, pt], [y]) => X().nll_loss_any__scalar(6, 6, 0, y, px, pt, 0, 1, 1, 1, 0, 0, 0)).status, 1);
  assert.is(run([new Float32Array(1), new Int32Array(1)], [4], ([px, pt], [y]) => X().nll_loss_any__scalar(1, 6, 3, y, px, pt, 0, 1, 1, 1, 0, 0, 0)).status, 1);
  assert.is(run([new Float32Array(1), new Int32Array(1)], [4], ([px, pt], [y]) => X().nll_loss_any__scalar(1, 6, 0, y, px, pt, 0, -1, 1, 1, 0, 0, 0)).status, 2);
});

// ----- optimizers

interface Opt { name: string; state: number; call: (k: string, d: number, n: number, p: number[], o: number[], r: number, t: number) => number; oracle: (x: number, g: number, s: number[], r: number, t: number) => number[] }
// the attributes are f32 (ONNX FLOAT): the oracle takes them as the module gets them
const P = Object.fromEntries(Object.entries({ decay: 0.25, eps: 1e-3, norm: 0.01, alpha: 0.9, beta: 0.75, post: 0.125 }).map(([k, v]) => [k, Math.fround(v)])) as Record<string, number>;
const OPTS: Opt[] = [
  { name: 'adagrad', state: 1, call: (k, d, n, [x, g, h], [xo, ho], r, t) => X()[k](d, d, n, x, g, h, xo, ho, r, t, P.decay, P.eps, P.norm),
    oracle: (x, g, [h], r, t) => { const rr = r / (1 + t * P.decay), gr = P.norm * x + g, hn = h + gr * gr; return [x - (rr * gr) / (Math.sqrt(hn) + P.eps), hn]; } },
  { name: 'adam', state: 2, call: (k, d, n, [x, g, v, h], [xo, vo, ho], r, t) => X()[k](d, d, n, x, g, v, h, xo, vo, ho, r, t, P.alpha, P.beta, P.eps, P.norm, P.post),
    oracle: (x, g, [v, h], r, t) => {
      const gr = P.norm * x + g, vn = P.alpha * v + (1 - P.alpha) * gr, hn = P.beta * h + (1 - P.beta) * gr * gr;
      const ra = t > 0 ? (r * Math.sqrt(1 - P.beta ** t)) / (1 - P.alpha ** t) : r;
      return [(1 - P.post) * (x - ra * (vn / (Math.sqrt(hn) + P.eps))), vn, hn];
    } },
  ...[0, 1].map((nest): Opt => ({ name: 'momentum', state: 1, call: (k, d, n, [x, g, v], [xo, vo], r, t) => X()[k](d, d, nest, n, x, g, v, xo, vo, r, t, P.alpha, P.beta, P.norm),
    oracle: (x, g, [v], r, t) => { const gr = P.norm * x + g, vn = P.alpha * v + (t > 0 ? P.beta : 1) * gr; return [x - r * (nest ? gr + P.alpha * vn : vn), vn]; } })),
];

test('adagrad / adam / momentum (standard, nesterov): SIMD == scalar bit for bit, both follow a float64 oracle', async () => {
  await getAlloy();
  for (const o of OPTS) for (const f64 of [false, true]) for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 17, 31]) for (const tv of [0, 3]) {
    const es = f64 ? 8 : 4, d = f64 ? 11 : 1;
    const x = typed(f64, rand(n, n + 1)), g = typed(f64, rand(n, n + 2));
    const states = Array.from({ length: o.state }, (_, k) => typed(f64, rand(n, n + 3 + k).map((v) => (k === o.state - 1 && o.name !== 'momentum' ? Math.abs(v) : v))));
    const r = typed(f64, [0.125]), t = new BigInt64Array([BigInt(tv)]);
    const outs = Array(1 + o.state).fill(n * es);
    const res = ['simd128', 'scalar'].map((isa) => run([x, g, ...states, r, t], outs, (p, os) => o.call(`${o.name}_any__${isa}`, d, n, p.slice(0, -2), os, p[p.length - 2], p[p.length - 1])));
    for (const q of res) assert.is(q.status, 0);
    res[0].raw.forEach((b, k) => assert.equal(b, res[1].raw[k], `${o.name} f64 ${f64} n ${n}: output ${k} SIMD != scalar`));
    for (let i = 0; i < n; i++) {
      const want = o.oracle(x[i], g[i], states.map((s) => s[i]), 0.125, tv);
      want.forEach((wv, k) => close([asNum(f64, res[1].raw[k])[i]], [wv], f64 ? 1e-12 : 1e-5, `${o.name} f64 ${f64} n ${n} t ${tv} out ${k} [${i}]`));
    }
  }
  // in place (outputs on their inputs), and the statuses
  const x = new Float32Array([1, 2, 3, 4, 5]), g = new Float32Array([0.5, -1, 2, 0, 1]), h = new Float32Array([1, 1, 1, 1, 1]);
  const want = Array.from(x, (v, i) => OPTS[0].oracle(v, g[i], [h[i]], 0.5, 1));
  const px = heap.put(x), pg = heap.put(g), ph = heap.put(h), pr = heap.put(new Float32Array([0.5])), pt = heap.put(new BigInt64Array([1n]));
  try {
    assert.is(X().adagrad_any__simd128(1, 1, 5, px, pg, ph, px, ph, pr, pt, P.decay, P.eps, P.norm), 0);
    close(heap.f32(px, 5), want.map((w) => w[0]), 1e-5, 'in place x');
    close(heap.f32(ph, 5), want.map((w) => w[1]), 1e-5, 'in place h');
    assert.is(X().adagrad_any__simd128(6, 1, 5, px, pg, ph, px, ph, pr, pt, 0, 0, 0), 1);
    assert.is(X().adam_any__scalar(1, 7, 5, px, pg, ph, ph, px, ph, ph, pr, pt, 0, 0, 0, 0, 0), 1);
    assert.is(X().momentum_any__simd128(1, 1, 0, -1, px, pg, ph, px, ph, pr, pt, 0, 0, 0), 2);
  } finally { for (const p of [px, pg, ph, pr, pt]) heap.free(p); }
});

test.run();

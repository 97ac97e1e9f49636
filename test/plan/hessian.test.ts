// Sensitivities through the built host: the Hutchinson estimator against the exact Hessian of a
// model whose loss is quadratic in a layer's weights, the in-place weight patcher, and the
// Spearman agreement of the forward-only estimates with the measured perturbation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { readBundle, validatePrecisionMap } from '../../build/alloy.mjs';
import { writeBundle, packBundle, tensorValues, planHost } from '../../build/alloy-tools.mjs';
import { Evaluator, hutchinson, plan } from '../../src/tools/plan/planner.ts';
import { WeightPatcher, type Host } from '../../src/tools/plan/host.ts';
import { xorshift32, rademacher } from '../../src/tools/plan/rng.ts';
import { seededMLP, seededInputs } from '../../scripts/seeded-mlp.ts';
import { init as initSrc } from '../../src/runtime/wasm.ts';

// the planner's cosine / KL run in the tools' instance of the module (src/tools/plan/modmetrics.ts)
await initSrc(new URL('../../build/alloy.wasm', import.meta.url));

const rand = (n: number, seed: number, a = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a); };
const host = async (): Promise<Host> => (planHost(await getAlloy()) as unknown as Host);

const K = 12, N = 5, S = 16;
function linear(): Uint8Array {
  return writeBundle({
    graph: { inputs: [{ name: 'x', shape: [-1, K], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, N], format: 'f32' }],
      nodes: [{ name: 'fc', op: 'Dense', inputs: ['x', 'fc.w', 'fc.b'], outputs: ['y'], attrs: { activation: 'none' } }] },
    tensors: { 'fc.w': { format: 'f32', shape: [N, K], data: rand(N * K, 3, 0.5) }, 'fc.b': { format: 'f32', shape: [N], data: rand(N, 4, 0.1) } },
  });
}

test('Hutchinson on a quadratic loss: each finite-difference term equals v^T H v, the mean approaches tr(H)', async () => {
  // y = W x + b, loss = mean over the n x N outputs of (y - y_fp32)^2: H = 2/(n N) sum_s x_s x_s^T per
  // output row, so v^T H v = 2/(n N) sum_s sum_j (sum_k v_jk x_sk)^2 and tr(H) = 2/n sum_s |x_s|^2.
  const h = await host();
  const x = rand(S * K, 7);
  const bytes = linear();
  const ev = new Evaluator(h, { x, shape: [S, K] }, { metric: 'mse' });
  ev.setReference(bytes);
  assert.is(ev.loss0, 0);
  const samples = 64, seed = 11;
  const r = hutchinson(h, ev, new WeightPatcher(bytes, h.xxh32), 'fc.w', samples, 1e-2, seed);
  const next = xorshift32(seed);
  for (let t = 0; t < samples; t++) {
    const v = rademacher(N * K, next);
    let q = 0;
    for (let s = 0; s < S; s++) for (let j = 0; j < N; j++) { let d = 0; for (let k = 0; k < K; k++) d += v[j * K + k] * x[s * K + k]; q += d * d; }
    q *= 2 / (S * N);
    assert.ok(Math.abs(r.estimates[t] - q) < 2e-3 * q, `sample ${t}: ${r.estimates[t]} vs exact ${q}`);
  }
  let trace = 0;
  for (let i = 0; i < x.length; i++) trace += x[i] * x[i];
  trace *= 2 / S;
  assert.ok(Math.abs(r.trace - trace) < 4 * r.stderr + 1e-9, `trace ${r.trace} ± ${r.stderr} vs exact ${trace}`);
  assert.ok(Math.abs(r.trace - trace) < 0.2 * trace);
});

test('weight patcher: unchanged bundle is byte-identical; a patch changes the output; restore brings it back', async () => {
  const h = await host();
  const bytes = linear();
  const p = new WeightPatcher(bytes, h.xxh32);
  assert.equal([...p.bundle()], [...bytes]);
  const x = rand(2 * K, 5);
  const run = (b: Uint8Array) => { const m = h.alloy.load(b); const y = m.run({ x }).y.data; m.dispose(); return [...y]; };
  const y0 = run(bytes);
  const w = p.values('fc.w').map((v) => v * 2);
  p.set('fc.w', w);
  assert.not.equal(run(p.bundle()), y0);
  p.restore('fc.w');
  assert.equal(run(p.bundle()), y0);
});

test('weight patcher on a bundle from another writer (pretty-printed header): patched bundles load and pass readBundle', async () => {
  const h = await host();
  const compact = linear();
  const hl = Number(new DataView(compact.buffer, compact.byteOffset).getBigUint64(16, true));
  const pretty = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(compact.subarray(24, 24 + hl))), null, 2));
  const H = Math.ceil((24 + pretty.length) / 64) * 64 - 24;
  const bytes = new Uint8Array(24 + H + compact.length - 24 - hl).fill(0x20, 24, 24 + H);
  bytes.set(compact.subarray(0, 24)); new DataView(bytes.buffer).setBigUint64(16, BigInt(H), true);
  bytes.set(pretty, 24); bytes.set(compact.subarray(24 + hl), 24 + H);
  const x = rand(2 * K, 5);
  const run = (b: Uint8Array) => { const m = h.alloy.load(b); const y = m.run({ x }).y.data; m.dispose(); return [...y]; };
  const y0 = run(bytes);
  const p = new WeightPatcher(bytes, h.xxh32);
  p.set('fc.w', p.values('fc.w').map((v) => v * 2));
  const patched = p.bundle();
  assert.is(patched.length, bytes.length);
  assert.ok(readBundle(patched));
  assert.not.equal(run(patched), y0);
  p.restore('fc.w');
  assert.equal(run(p.bundle()), y0);
});

test('on a seeded MLP the Hessian (hawq) and secant estimates rank like the measured perturbation', async () => {
  const h = await host();
  const bundle = seededMLP(writeBundle as any, [32, 24, 16, 12, 10], 5);
  const r = plan(h, bundle, { x: seededInputs(64, 32, 9), shape: [64, 32] }, {
    metric: 'kl', tolerance: { value: 1e-3, relative: false }, formats: ['f16', 'i8', 'i4'], search: 'greedy',
    hutchinson: { samples: 8, hRel: 1e-2, seed: 1 }, latency: null,
  });
  const hawq = r.correlations['hawq vs perturb (layer x format)'], sec = r.correlations['secant vs perturb (layer x format)'];
  console.log(`  spearman hawq vs perturb ${hawq.toFixed(3)}, secant vs perturb ${sec.toFixed(3)}`);
  assert.ok(hawq > 0.5, `hawq ${hawq}`);
  assert.ok(sec > 0.8, `secant ${sec}`);
  for (const l of r.layers) assert.ok(l.hessianTrace! > 0, `${l.layer}: trace ${l.hessianTrace}`);
  assert.ok(r.after.ok);
});

test('Evaluator: a sample count that is not a multiple of the batch gives every row (regression)', async () => {
  const h = await host();
  const { seededMLP, seededInputs } = await import('../../scripts/seeded-mlp.ts');
  const bundle = seededMLP(writeBundle as any, [16, 12, 10], 5);
  const n = 70;                                   // 64 + 6: two batches of different sizes
  const x = seededInputs(n, 16, 9);
  const ev = new Evaluator(h, { x, shape: [n, 16] }, { metric: 'kl' });
  const out = [...ev.outputs(bundle).values()][0];
  const m = h.alloy.load(bundle);
  const direct = m.run({ x }).probs.data;
  m.dispose();
  assert.is(out.data.length, n * 10);
  assert.equal([...new Uint32Array(out.data.buffer, out.data.byteOffset, out.data.length)], [...new Uint32Array(direct.buffer, direct.byteOffset, direct.length)]);
});

test.run();

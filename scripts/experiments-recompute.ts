// Experiment A (docs/EXPERIMENTS.md, "Componentwise accumulation (A)"): held-out MNIST accuracy
// and loss against the recomputed fraction, over a sweep of tau, for f16 / bf16 / f8_e4m3fn
// accumulation with f32 recomputation, next to uniform low-precision and uniform f32.
//   node --import tsx scripts/experiments-recompute.ts [--quick] [--models relu,tanh] [--json out.json]
// --quick: the first 500 held-out images (stratified order is by class, so take every 4th).
import { writeFileSync } from 'node:fs';
import { loadMnist } from './mnist-data.ts';
import { host, mnistBundle, logits, scores, arg, flag, f4, f5 } from './experiments-common.ts';

/** cost of a low-precision MAC relative to an f32 MAC (docs/EXPERIMENTS.md) */
export const RHO: Record<string, number> = { f16: 0.5, bf16: 0.5, f8_e4m3fn: 0.25, f8_e5m2: 0.25 };
const TAUS = [1, 4, 16, 64, 256, 1024, 4096, 16384];

const h = await host();
const { test } = loadMnist();
const quick = flag('quick');
const idx = Array.from({ length: test.n }, (_, i) => i).filter((i) => !quick || i % 4 === 0);
const n = idx.length;
const X = new Float32Array(n * 784), Y = new Uint8Array(n);
idx.forEach((s, i) => { X.set(test.images.subarray(s * 784, (s + 1) * 784), i * 784); Y[i] = test.labels[s]; });
const accs = arg('accs', 'f16,bf16,f8_e4m3fn').split(',');
const taus = quick ? [1, 16, 256, 4096] : TAUS;
const rows: any[] = [];
const t0 = performance.now();
for (const which of arg('models', 'relu,tanh').split(',') as ('relu' | 'tanh')[]) {
  const bytes = mnistBundle(h, which);
  const run = (precision: any) => {
    const m = h.alloy.load(bytes, precision ? { precision } : {});
    try { return { ...scores(logits(m, X, n), Y), stats: m.recomputeStats() }; } finally { m.dispose(); }
  };
  const f32 = run(null);
  rows.push({ model: which, acc: 'f32', tau: null, ...f32, fraction: 1, macFraction: 1, cost: 1 });
  console.log(`\n## ${which} (${n} held-out images)\n`);
  console.log('| accumulator | tau | recomputed (outputs) | recomputed (MACs) | per layer | cost / f32 | accuracy | loss |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(`| f32 (uniform) | - | - | - | - | 1 | ${f4(f32.acc)} | ${f5(f32.loss)} |`);
  for (const acc of accs) {
    const low = run({ version: 1, default: { accumulator: acc } });
    rows.push({ model: which, acc, tau: 'none', ...low, fraction: 0, macFraction: 0, cost: RHO[acc] });
    console.log(`| ${acc} (uniform) | - | 0 | 0 | - | ${RHO[acc]} | ${f4(low.acc)} | ${f5(low.loss)} |`);
    for (const tau of taus) {
      const r = run({ version: 1, default: { accumulator: acc, recompute: { tau, format: 'f32' } } });
      const outs = r.stats.reduce((s, c) => s + c.outputs, 0), re = r.stats.reduce((s, c) => s + c.recomputed, 0);
      const macs = r.stats.reduce((s, c) => s + c.outputs * c.K, 0), remacs = r.stats.reduce((s, c) => s + c.recomputed * c.K, 0);
      const fr = re / outs, mf = remacs / macs, cost = RHO[acc] + mf;
      const per = r.stats.map((c) => (c.recomputed / c.outputs * 100).toFixed(1)).join(' / ');
      rows.push({ model: which, acc, tau, loss: r.loss, acc1: r.acc, fraction: fr, macFraction: mf, cost, perLayer: r.stats });
      console.log(`| ${acc} + f32 | ${tau} | ${(fr * 100).toFixed(2)}% | ${(mf * 100).toFixed(2)}% | ${per} | ${cost.toFixed(3)} | ${f4(r.acc)} | ${f5(r.loss)} |`);
    }
  }
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
const out = arg('json', '');
if (out) writeFileSync(out, JSON.stringify(rows, null, 1));

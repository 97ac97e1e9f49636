// Experiment B (docs/EXPERIMENTS.md, "Radical rounding (B)"): the radical layout (src/tools/plan/
// radical.ts) planned on calibration images from TRAIN, then loss and accuracy on the held-out
// TEST split against FP32 and against round-to-nearest at the same levels. Also every uniform
// level with a radical direction for every layer (error-min 0, error-max inf) against its RTN.
//   node --import tsx scripts/experiments-radical.ts [--quick] [--models relu,tanh] [--calib 512]
//        [--levels i4,i8,i16] [--error-min 1e-5] [--error-max 7e-3] [--mu 0]
// --quick: 128 calibration images, every 4th held-out image.
import { loadMnist, calibration } from './mnist-data.ts';
import { host, mnistBundle, logits, scores, arg, flag, f4, f5 } from './experiments-common.ts';
import { planRadical, type Level } from '../src/tools/plan/radical.ts';

const h = await host();
const quick = flag('quick');
const { test } = loadMnist();
const idx = Array.from({ length: test.n }, (_, i) => i).filter((i) => !quick || i % 4 === 0);
const n = idx.length;
const X = new Float32Array(n * 784), Y = new Uint8Array(n);
idx.forEach((s, i) => { X.set(test.images.subarray(s * 784, (s + 1) * 784), i * 784); Y[i] = test.labels[s]; });
const cal = calibration(Number(arg('calib', quick ? '128' : '512')), 1);
const data = { x: cal.images, shape: [cal.n, 784], labels: { data: Float32Array.from(cal.labels), shape: [cal.n] } };
const levels = arg('levels', 'i4,i8,i16').split(',') as Level[];
const eMin = Number(arg('error-min', '1e-5')), eMax = Number(arg('error-max', '7e-3')), mu = Number(arg('mu', '0'));
const t0 = performance.now();

const heldOut = (bytes: Uint8Array) => { const m = h.alloy.load(bytes); try { return scores(logits(m, X, n), Y); } finally { m.dispose(); } };
const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

for (const which of arg('models', 'relu,tanh').split(',') as ('relu' | 'tanh')[]) {
  const bytes = mnistBundle(h, which);
  console.log(`\n## ${which}: calibration ${cal.n} TRAIN images, held-out ${n} TEST images\n`);
  console.log('| layout | levels (per layer) | input rounding | weights | calib loss | held-out loss | held-out acc | loss - FP32 |');
  console.log('|---|---|---|---|---|---|---|---|');
  const configs: [string, Level[], number, number][] = [[`mixed (error ${eMin}..${eMax}, mu ${mu})`, levels, eMin, eMax]];
  for (const L of levels) configs.push([`uniform ${L}`, [L], 0, Infinity]);
  let fp32Done = false;
  for (const [name, lv, lo, hi] of configs) {
    const r = planRadical(h, bytes, data, { levels: lv, errorMin: lo, errorMax: hi, mu });
    const f = heldOut(r.fp32Bundle), rad = heldOut(r.bundle), rtn = heldOut(r.rtnBundle);
    if (!fp32Done) { console.log(`| FP32 | - | - | ${kb(r.weightBytes.fp32)} | ${f5(r.calib.fp32.loss)} | ${f5(f.loss)} | ${f4(f.acc)} | 0 |`); fp32Done = true; }
    const lvls = r.layers.map((l) => l.level ?? 'f32').join(' ');
    const rounds = r.layers.map((l) => l.inputRound ?? '-').join(' ');
    console.log(`| ${name}, RTN | ${lvls} | rne | ${kb(r.weightBytes.planned)} | ${f5(r.calib.rtn.loss)} | ${f5(rtn.loss)} | ${f4(rtn.acc)} | ${(rtn.loss - f.loss).toFixed(5)} |`);
    console.log(`| ${name}, radical | ${lvls} | ${rounds} | ${kb(r.weightBytes.planned)} | ${f5(r.calib.radical.loss)} | ${f5(rad.loss)} | ${f4(rad.acc)} | ${(rad.loss - f.loss).toFixed(5)} |`);
    if (flag('verbose')) for (const l of r.layers) console.error(JSON.stringify(l));
  }
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);

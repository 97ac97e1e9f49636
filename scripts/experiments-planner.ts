// Planner experiments on the MNIST MLP 784-512-256-128-64-10 (docs/EXPERIMENTS.md, "Planner on
// the MNIST MLP"). Run: node --import tsx scripts/experiments-planner.ts [--quick]
//   [--calib N] [--seed S] [--out DIR] [--no-cli] [--json FILE]
//
// Every model output is computed by the module (build/alloy.wasm, through src/runtime/index.ts); the plan
// is computed by src/tools/plan/planner.ts `plan()` (the function `alloy plan` calls) with the CLI's
// defaults; this script only counts, averages and prints.
//
// Data (scripts/mnist-data.ts): calibration = `calibration(N, seed)`, N images of the TRAIN split
// (default 2000, --quick 500, seed 1); evaluation = the 2004 held-out TEST images, never given to
// the planner. Tolerance: top-1, relative 0.5 % (allowed degradation = 0.005 x baseline top-1).
//
// Tables:
//   1. FP32 / all-f16 / all-i8 (per channel) / all-i4 (groups of 16; and per channel) / planned
//      (greedy, binary, pareto; formats f16,i8,i4 and f16,i8,i4:g16): held-out top-1 and CE, bytes, batch-1
//      latency (median after warm-up, this process), per-layer map.
//   2. The three sensitivities per layer and format (perturbation, Hessian trace / HAWQ,
//      secant / first order), their per-format ranks and the Spearman correlations between them.
//   3. The planned maps' degradation on calibration (where they were chosen) and on held-out data.
// Full mode also writes the calibration set as .npy, imports the model with the built CLI and runs
// the equivalent `alloy plan` command, checking that it writes the same map (skip: --no-cli).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { init, readBundle, type PrecisionMap } from '../src/runtime/index.ts';
import { writeBundle, packBundle, planHost } from '../src/tools/index.ts';
import { importOnnx } from '../src/tools/import/onnx/index.ts';
import type { Host } from '../src/tools/plan/host.ts';
import { plan, medianLatency, type PlanOptions, type PlanResult, type Dataset } from '../src/tools/plan/planner.ts';
import { top1, crossEntropy, type Outputs } from '../src/tools/plan/metrics.ts';
import { spearman } from '../src/tools/plan/rng.ts';
import { writeNpy } from '../src/tools/io/npy.ts';
import { loadMnist, calibration, IMAGE } from './mnist-data.ts';

const T0 = performance.now();
const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const flag = (k: string) => argv.includes(`--${k}`);
const arg = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d; };
const QUICK = flag('quick');
const N_CALIB = Number(arg('calib', QUICK ? '500' : '2000'));
const SEED = Number(arg('seed', '1'));
const OUT = arg('out', join(tmpdir(), 'alloy-experiments-planner'));
const RUN_CLI = !QUICK && !flag('no-cli');
const TOL = { value: 0.005, relative: true };
const HUTCH = 8; // the CLI default (--hutchinson 8, --h-rel 0.01)
const LAT = QUICK ? { warmupMs: 300, runs: 101 } : { warmupMs: 1500, runs: 401 };
const elapsed = () => ((performance.now() - T0) / 1000).toFixed(1) + ' s';
const log = (s: string) => process.stderr.write(`[${elapsed()}] ${s}\n`);

// ---- host, model, data ---------------------------------------------------------------------------
const alloy = await init(readFileSync(root + 'build/alloy.wasm'));
const host: Host = planHost(alloy);
const onnx = new Uint8Array(readFileSync(root + 'models/mnist-mlp.onnx'));
const f32 = writeBundle(importOnnx(onnx)); // what `alloy import models/mnist-mlp.onnx -o X.alloy` writes
const denseNames = readBundle(f32).header.graph.nodes.filter((n) => n.op === 'Dense').map((n) => n.name);
const { test } = loadMnist();
const cal = calibration(N_CALIB, SEED);
const calData: Dataset = { x: cal.images, shape: [cal.n, IMAGE], labels: { data: Float32Array.from(cal.labels), shape: [cal.n] } };
const testCls = Int32Array.from(test.labels);
log(`model ${onnx.length} B, Dense layers ${denseNames.join(' ')}; calibration ${cal.n} TRAIN images (seed ${SEED}); held-out ${test.n}`);

/** held-out (or any split) top-1 and cross-entropy of a bundle, computed from the module's logits */
function evaluate(bytes: Uint8Array, x: Float32Array, cls: Int32Array): { acc: number; ce: number; correct: number } {
  const m = alloy.load(bytes);
  try {
    const n = cls.length, out = new Float32Array(n * 10);
    for (let s = 0; s < n; s += 256) {
      const b = Math.min(256, n - s);
      out.set(m.run({ [m.inputs[0].name]: { data: x.subarray(s * IMAGE, (s + b) * IMAGE), shape: [b, IMAGE] } })[m.outputs[0].name].data, s * 10);
    }
    const y: Outputs = { data: out, rows: n, cols: 10 };
    const acc = top1(y, cls);
    return { acc, ce: crossEntropy(y, cls, 'logits'), correct: Math.round(acc * n) };
  } finally { m.dispose(); }
}

const latData: Dataset = { x: test.images.subarray(0, IMAGE), shape: [1, IMAGE] };
const latencyUs = (bytes: Uint8Array) => 1000 * medianLatency(host, bytes, latData, LAT.warmupMs, LAT.runs);

// ---- the plans -----------------------------------------------------------------------------------
// Two candidate sets: `f16,i8,i4` as written (the planner's i4 is per output channel), and
// `f16,i8,i4:g16` (i4 in groups of 16, as the all-i4 row). Each with the three searches.
const CONFIGS = [['f16', 'i8', 'i4'], ['f16', 'i8', 'i4:g16']];
const SEARCHES = ['greedy', 'binary', 'pareto'] as const;
const baseOpts: Omit<PlanOptions, 'formats' | 'search'> = {
  metric: 'top1', tolerance: TOL, rankBy: 'perturb',
  hutchinson: { samples: HUTCH, hRel: 1e-2, seed: SEED }, secant: true,
  calibration: null, // activation ranges do not enter the map (docs/PLANNER.md)
  paretoPoints: 16, batch: 64, latency: null, // latency measured below, same settings for every row
};
interface Planned { formats: string[]; search: string; metric: 'top1' | 'ce'; p: PlanResult; seconds: number }
const planned: Planned[] = [];
for (const formats of CONFIGS) {
  for (const search of SEARCHES) {
    const t = performance.now();
    // Greedy computes all three sensitivities; binary / pareto rank by the perturbation only (the
    // default --rank-by), which is deterministic and the same as greedy's, so their Hessian /
    // secant passes (which cannot change the map) are skipped.
    const p = search === 'greedy' ? plan(host, f32, calData, { ...baseOpts, formats, search }) : plan(host, f32, calData, { ...baseOpts, formats, search, hutchinson: { samples: 0 }, secant: false });
    planned.push({ formats, search, metric: 'top1', p, seconds: (performance.now() - t) / 1000 });
    log(`plan ${formats.join(',')} ${search}: ${planned.at(-1)!.seconds.toFixed(1)} s, ${p.evaluations} model runs`);
  }
}
const full = planned.filter((x) => x.search === 'greedy'); // the ones with all three sensitivities
// The perturbation measured in a smooth metric: `alloy plan --metric ce --tolerance 0.005 --relative`
// (greedy). Its per-layer degradations are what --metric ce ranks by; attached to the top-1 rows
// as `ceDeg` for table 2. Its map is reported too (held-out CE tolerance below table 3).
const cePlanned: Planned[] = [];
for (const x of full) {
  const t = performance.now();
  const p = plan(host, f32, calData, { ...baseOpts, metric: 'ce', formats: x.formats, search: 'greedy', hutchinson: { samples: 0 }, secant: false });
  cePlanned.push({ formats: x.formats, search: 'greedy', metric: 'ce', p, seconds: (performance.now() - t) / 1000 });
  p.layers.forEach((l, li) => { for (const f of x.formats) (x.p.layers[li].byFormat[f] as any).ceDeg = l.byFormat[f].degradation; });
  log(`plan --metric ce ${x.formats.join(',')} greedy: ${cePlanned.at(-1)!.seconds.toFixed(1)} s, ${p.evaluations} model runs`);
}

// ---- table 1 --------------------------------------------------------------------------------------
const all = (e: PrecisionMap['default']): PrecisionMap => ({ version: 1, default: e });
const fixed: [string, PrecisionMap | null][] = [
  ['FP32', null],
  ['all f16', all({ weights: 'f16' })],
  ['all i8 (per channel)', all({ weights: 'i8', granularity: 'channel' })],
  ['all i4 (groups of 16)', all({ weights: 'i4', granularity: 'group', groupSize: 16 })],
  ['all i4 (per channel)', all({ weights: 'i4', granularity: 'channel' })],
];
interface Row { label: string; bytes: Uint8Array; map: Record<string, string>; plans: Planned[] }
const short = (e: any) => !e?.weights || e.weights === 'f32' ? 'f32' : e.weights + (e.granularity === 'group' ? `:g${e.groupSize}` : e.granularity === 'tensor' ? ':tensor' : '');
const rows: Row[] = fixed.map(([label, map]) => ({ label, bytes: map ? writeBundle(packBundle(f32, map).input) : f32, map: Object.fromEntries(denseNames.map((n) => [n, map ? short(map.default) : 'f32'])), plans: [] }));
for (const formats of CONFIGS) {
  const group: Row[] = [];
  for (const x of planned.filter((q) => q.formats === formats)) {
    const map = Object.fromEntries(denseNames.map((n) => [n, x.p.result.assign[n] ?? 'f32']));
    const same = group.find((r) => JSON.stringify(r.map) === JSON.stringify(map));
    if (same) { same.plans.push(x); continue; }
    group.push({ label: '', bytes: x.p.packed, map, plans: [x] });
  }
  for (const r of group) r.label = `planned ${formats.join(',')}, ${r.plans.map((x) => x.search).join(' = ')}`;
  rows.push(...group);
}
for (const x of cePlanned) rows.push({ label: `planned --metric ce, ${x.formats.join(',')}, greedy`, bytes: x.p.packed, map: Object.fromEntries(denseNames.map((n) => [n, x.p.result.assign[n] ?? 'f32'])), plans: [x] });
const testCalCls = Int32Array.from(cal.labels);
const evals = rows.map((r) => evaluate(r.bytes, test.images, testCls));
const calEvals = rows.map((r) => evaluate(r.bytes, cal.images, testCalCls));
log('held-out evaluation done; latency');
// Latency: ROUNDS rounds over all rows (interleaved, so drift on a shared machine hits every row),
// each a fresh load, warm-up and median of runs (medianLatency of src/tools/plan/planner.ts); the
// median of the rounds' medians.
const ROUNDS = QUICK ? 2 : 5;
const latR: number[][] = rows.map(() => []);
for (let k = 0; k < ROUNDS; k++) rows.forEach((r, i) => latR[i].push(latencyUs(r.bytes)));
const lat = latR.map((v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; });
log('latency done');

const md = (head: string[], body: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const pct = (v: number) => (100 * v).toFixed(2) + '%';
const base = evals[0], calBase = calEvals[0];
const g0 = full[0].p;
const dims = new Map(g0.layers.map((l) => { const sh = readBundle(f32).header.tensors[l.weight].shape; return [l.layer, sh.join('×')]; }));
const out: string[] = [];
out.push(`MNIST MLP 784-512-256-128-64-10 (models/mnist-mlp.onnx, imported: Dense+ReLU layers ${denseNames.map((n, i) => `${n} = fc${i + 1}`).join(', ')}). Held-out: ${test.n} TEST digits. Calibration: ${cal.n} TRAIN digits, calibration(${cal.n}, ${SEED}). Node ${process.versions.node}${QUICK ? ', --quick' : ''}.`);
out.push(`Tolerance: top-1, relative 0.5% -> allowed degradation 0.005 x ${g0.baseline.toFixed(4)} (calibration baseline) = ${g0.allowed.toFixed(6)}, i.e. ${(g0.allowed * cal.n).toFixed(2)} of ${cal.n} calibration digits.`);
out.push('');
out.push('### Table 1: held-out accuracy, loss, size, latency');
out.push('');
out.push(md(['precision', 'top-1 (held-out)', 'Δ top-1', 'cross-entropy', 'bundle bytes', 'vs FP32', 'batch-1 latency', ...denseNames.map((n, i) => `fc${i + 1}`)], rows.map((r, i) => [
  r.label, `${pct(evals[i].acc)} (${evals[i].correct}/${test.n})`, i ? `${((evals[i].acc - base.acc) * 100).toFixed(2)} pp` : '-', evals[i].ce.toFixed(4),
  r.bytes.length.toLocaleString('en-US'), pct(r.bytes.length / f32.length), `${lat[i].toFixed(0)} µs`, ...denseNames.map((n) => r.map[n]),
])));
out.push('');
out.push(`Latency: batch 1 (first held-out image), ${ROUNDS} interleaved rounds over the rows, each round a fresh load, ${LAT.warmupMs} ms of warm-up and the median of ${LAT.runs} runs (medianLatency of src/tools/plan/planner.ts); the table gives the median of the rounds (per-round medians: ${rows.map((r, i) => latR[i].map((v) => v.toFixed(0)).join('/')).join('; ')} µs).`);

// ---- table 2 --------------------------------------------------------------------------------------
out.push('');
out.push('### Table 2: sensitivities per layer and format (calibration set)');
out.push('');
// formats: f16, i8 from the first config, then each config's own i4 (f16 / i8 rows are identical in both)
const sensCols: { f: string; p: PlanResult }[] = [];
for (const x of full) for (const f of x.formats) if (!sensCols.some((c) => c.f === f)) sensCols.push({ f, p: x.p });
const rankIn = (vals: number[]) => { // 1 = least sensitive (ascending, as the search orders layers); ties share the average rank
  const o = vals.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(vals.length);
  for (let i = 0; i < o.length;) { let j = i; while (j + 1 < o.length && o[j + 1][0] === o[i][0]) j++; for (let k = i; k <= j; k++) r[o[k][1]] = (i + j) / 2 + 1; i = j + 1; }
  return r;
};
const e3 = (v: number | undefined) => (v === undefined ? '' : v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toPrecision(3) : v.toExponential(2));
const rk = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
type Kind = 'perturb' | 'perturbCe' | 'hessian' | 'secant' | 'curvature';
const val = (k: Kind, b: PlanResult['layers'][number]['byFormat'][string]) => (k === 'perturb' ? b.degradation : k === 'perturbCe' ? (b as any).ceDeg ?? NaN : k === 'hessian' ? b.hawq ?? NaN : k === 'secant' ? b.secant ?? NaN : b.curvature ?? NaN);
const ranks = new Map<string, Record<Kind, number[]>>();
for (const { f, p } of sensCols) ranks.set(f, Object.fromEntries((['perturb', 'perturbCe', 'hessian', 'secant', 'curvature'] as Kind[]).map((k) => [k, rankIn(p.layers.map((l) => val(k, l.byFormat[f])))])) as any);
const sensRows: string[][] = [];
for (const [li, l] of g0.layers.entries()) {
  for (const [fi, { f, p }] of sensCols.entries()) {
    const b = p.layers[li].byFormat[f], r = ranks.get(f)!;
    sensRows.push([fi === 0 ? `fc${li + 1} ${l.layer} [${dims.get(l.layer)}]` : '', fi === 0 ? `${e3(l.hessianTrace)} ± ${e3(l.hessianStdErr)}` : '', f, b.bytes.toLocaleString('en-US'),
      `${e3(b.degradation)} (${Math.round(b.degradation * cal.n)})`, e3((b as any).ceDeg), e3(b.hawq), e3(b.secant), e3(b.firstOrder), e3(b.curvature),
      `${rk(r.perturb[li])} / ${rk(r.perturbCe[li])} / ${rk(r.hessian[li])} / ${rk(r.secant[li])}`]);
  }
}
out.push(md(['layer [out×in]', 'tr(H) ± s.e.', 'format', 'weight bytes', '(a) perturbation: Δ top-1 (digits)', '(a′) perturbation: Δ CE', '(b) HAWQ ½·tr(H)/n·‖Δw‖²', '(c) secant L(w+Δw) − L₀', 'first order g·Δw', 'curvature ΔwᵀHΔw', 'rank a / a′ / b / c'], sensRows));
out.push('');
out.push(`L = cross-entropy with the labels on the ${cal.n} calibration digits (L₀ = ${calEvals[0].ce.toFixed(5)}); tr(H) by Hutchinson with ${HUTCH} Rademacher vectors, h = 0.01·rms(w) (the CLI defaults). (a) is the planner's default ranking for \`--metric top1\`: the model with only that layer packed in the format, Δ top-1 on the calibration digits; (a′) is the same measurement in cross-entropy (what \`--metric ce\` ranks by); (c) writes that layer's decoded quantised weights as f32 into the FP32 model, so it is the same perturbation as (a′) run through the f32 kernel instead of the quantised one. Ranks within a format over the 5 layers, 1 = least sensitive (the order in which the search moves layers), ties averaged.`);

const pairs: [Kind, Kind][] = [['perturb', 'hessian'], ['perturb', 'secant'], ['perturbCe', 'hessian'], ['perturbCe', 'secant'], ['hessian', 'secant'], ['perturb', 'perturbCe'], ['hessian', 'curvature']];
const kname = (k: Kind) => ({ perturb: '(a) perturb Δtop-1', perturbCe: '(a′) perturb ΔCE', hessian: '(b) HAWQ', secant: '(c) secant', curvature: 'measured curvature ΔwᵀHΔw' })[k];
const corr = (a: Kind, b: Kind, cols: typeof sensCols) => {
  const xs: number[] = [], ys: number[] = [];
  for (const { f, p } of cols) for (const l of p.layers) { xs.push(val(a, l.byFormat[f])); ys.push(val(b, l.byFormat[f])); }
  return spearman(xs, ys);
};
const fc = (v: number) => (Number.isNaN(v) ? 'n/a (all tied)' : v.toFixed(2));
out.push('');
out.push('Spearman rank correlations (average ranks for ties; spearman() of src/tools/plan/rng.ts):');
out.push('');
out.push(md(['pair', `all ${g0.layers.length * sensCols.length} (layer × format)`, ...sensCols.map(({ f }) => `${f} (${g0.layers.length} layers)`)],
  pairs.map(([a, b]) => [`${kname(a)} vs ${kname(b)}`, fc(corr(a, b, sensCols)), ...sensCols.map((c) => fc(corr(a, b, [c])))])));
out.push('');
for (const x of full) out.push(`Planner's own correlations (report / CLI output), formats ${x.formats.join(',')}: ${Object.entries(x.p.correlations).map(([k, v]) => `${k} ${fc(v)}`).join('; ')}.`);

// ---- table 3 --------------------------------------------------------------------------------------
out.push('');
out.push('### Table 3: tolerance on calibration (where the map was chosen) and on held-out data');
out.push('');
const t3: string[][] = [];
for (const [i, r] of rows.entries()) {
  const dCal = calBase.acc - calEvals[i].acc, aCal = TOL.value * calBase.acc;
  const dTest = base.acc - evals[i].acc, aTest = TOL.value * base.acc;
  if (i === 0 || r.plans.some((x) => x.metric === 'ce')) continue;
  t3.push([r.label, `${pct(calEvals[i].acc)}`, `${(dCal * 100).toFixed(2)} pp (${Math.round(dCal * cal.n)})`, dCal <= aCal + 1e-12 ? 'yes' : 'no',
    `${pct(evals[i].acc)}`, `${(dTest * 100).toFixed(2)} pp (${Math.round(dTest * test.n)})`, dTest <= aTest + 1e-12 ? 'yes' : `**no**, by ${((dTest - aTest) * 100).toFixed(2)} pp (${((dTest - aTest) * test.n).toFixed(1)} digits)`]);
}
out.push(`Baselines (FP32): calibration ${pct(calBase.acc)} (${calBase.correct}/${cal.n}), allowed Δ 0.005 × ${calBase.acc.toFixed(4)} = ${(TOL.value * calBase.acc * 100).toFixed(3)} pp (${(TOL.value * calBase.acc * cal.n).toFixed(2)} digits); held-out ${pct(base.acc)} (${base.correct}/${test.n}), allowed Δ 0.005 × ${base.acc.toFixed(4)} = ${(TOL.value * base.acc * 100).toFixed(3)} pp (${(TOL.value * base.acc * test.n).toFixed(2)} digits).`);
out.push('');
out.push(md(['map', 'top-1 calibration', 'Δ calibration (digits)', 'within', 'top-1 held-out', 'Δ held-out (digits)', 'within'], t3));
for (const x of cePlanned) {
  const i = rows.findIndex((r) => r.plans.includes(x));
  const dCal = calEvals[i].ce - calBase.ce, dTest = evals[i].ce - base.ce;
  out.push('');
  out.push(`\`--metric ce\` plan, ${x.formats.join(',')} (allowed CE increase 0.005 × CE₀): calibration CE ${calBase.ce.toFixed(5)} → ${calEvals[i].ce.toFixed(5)} (Δ ${dCal.toExponential(2)}, allowed ${(TOL.value * calBase.ce).toExponential(2)}, ${dCal <= TOL.value * calBase.ce ? 'within' : 'NOT within'}); held-out CE ${base.ce.toFixed(5)} → ${evals[i].ce.toFixed(5)} (Δ ${dTest.toExponential(2)}, allowed ${(TOL.value * base.ce).toExponential(2)}, ${dTest <= TOL.value * base.ce ? 'within' : `NOT within, over by ${(dTest - TOL.value * base.ce).toExponential(2)}`}); held-out top-1 ${pct(evals[i].acc)}.`);
}
for (const x of planned) {
  const i = rows.findIndex((r) => r.plans.includes(x));
  if (Math.abs(x.p.after.metric - calEvals[i].acc) > 1e-12) out.push(`\nNOTE: ${x.formats.join(',')} ${x.search}: planner's calibration top-1 ${x.p.after.metric} differs from this script's ${calEvals[i].acc}.`);
}
// Would the absolute reading (0.005 = 0.5 pp) change any decision? Only a step with a degradation in (relative, absolute] could.
const rel = g0.allowed, abs = TOL.value;
const between = planned.flatMap((x) => x.p.result.steps.filter((s) => s.degradation > rel + 1e-12 && s.degradation <= abs + 1e-12).map((s) => `${x.formats.join(',')} ${x.search}: ${s.note}`));
out.push('');
out.push(`Absolute reading (allowed 0.005 = 0.5 pp, ${(abs * cal.n).toFixed(2)} digits, instead of ${(rel * cal.n).toFixed(2)}): ${between.length ? `these evaluated steps lie between the two limits, so the absolute reading could change the map: ${between.join('; ')}` : 'no evaluated search step lies between the two limits, so every search takes the same decisions and returns the same maps'}.`);

// ---- search steps ----------------------------------------------------------------------------------
out.push('');
out.push('Search steps (calibration degradation: top-1 in digits, CE as a number; ✓ within tolerance):');
out.push('');
for (const x of [...planned, ...cePlanned]) out.push(`- ${x.metric === 'ce' ? '--metric ce ' : ''}${x.formats.join(',')} ${x.search} (${x.p.result.steps.length} evaluations): ` + x.p.result.steps.map((st) => `${st.note ?? ''} ${x.metric === 'ce' ? st.degradation.toExponential(1) : Math.round(st.degradation * cal.n)}${st.ok ? '✓' : '✗'}`).join(', '));

// ---- the equivalent CLI command ---------------------------------------------------------------------
mkdirSync(OUT, { recursive: true });
const stem = `calib-${cal.n}-seed${SEED}`;
const mFile = join(OUT, 'mnist-mlp.alloy');
writeFileSync(join(OUT, `${stem}.npy`), writeNpy({ data: cal.images, shape: [cal.n, IMAGE] }));
writeFileSync(join(OUT, `${stem}-labels.npy`), writeNpy({ data: Float32Array.from(cal.labels), shape: [cal.n] }));
const tag = (formats: string[]) => formats.join(',').replace(/[,:]/g, '-');
const planArgs = (formats: string[], search: string) => ['plan', mFile, '--calib', join(OUT, `${stem}.npy`), '--labels', join(OUT, `${stem}-labels.npy`),
  '--metric', 'top1', '--tolerance', '0.005', '--relative', '--formats', formats.join(','), '--search', search, '--samples', String(cal.n), '--seed', String(SEED),
  '-o', join(OUT, `map-${tag(formats)}-${search}.json`), '--report', join(OUT, `report-${tag(formats)}-${search}.html`)];
out.push('');
out.push(`Equivalent CLI (this script writes the calibration digits and labels as .npy to ${OUT}; \`--samples ${cal.n}\` equal to the file's rows keeps every row, in order; \`--seed\` also seeds the Hutchinson vectors):`);
out.push('');
out.push('```');
out.push(`node build/alloy-cli.mjs import models/mnist-mlp.onnx -o ${mFile}`);
for (const x of planned) out.push(`node build/alloy-cli.mjs ${planArgs(x.formats, x.search).join(' ')}`);
for (const x of cePlanned) out.push(`node build/alloy-cli.mjs ${planArgs(x.formats, x.search).join(' ').replace('--metric top1', '--metric ce').replace(/map-/, 'map-ce-').replace(/report-/, 'report-ce-')}`);
out.push('```');
let cliNote = 'CLI check skipped (--quick or --no-cli).';
if (RUN_CLI) {
  const cli = (a: string[]) => spawnSync(process.execPath, [root + 'build/alloy-cli.mjs', ...a], { encoding: 'utf8' });
  const im = cli(['import', root + 'models/mnist-mlp.onnx', '-o', mFile]);
  if (im.status !== 0) throw new Error('alloy import failed: ' + im.stderr);
  const notes = [`\`alloy import\` wrote ${Buffer.compare(readFileSync(mFile), Buffer.from(f32)) === 0 ? 'the same bytes as' : 'DIFFERENT bytes from'} importOnnx + writeBundle`];
  for (const x of full) {
    log(`running the CLI: plan ${x.formats.join(',')} greedy`);
    const t = performance.now();
    const pr = cli(planArgs(x.formats, 'greedy'));
    const secs = (performance.now() - t) / 1000;
    const cliMap = pr.status === 0 || pr.status === 4 ? readFileSync(join(OUT, `map-${tag(x.formats)}-greedy.json`), 'utf8') : '';
    const same = cliMap === JSON.stringify(x.p.map, null, 2) + '\n';
    const said = pr.stdout.split('\n').filter((l) => /^(top1|size):/.test(l)).join(' / ');
    notes.push(`\`--formats ${x.formats.join(',')} --search greedy\`: exit ${pr.status}, ${secs.toFixed(1)} s, map ${same ? 'identical to' : 'DIFFERENT from'} this script's (CLI: ${said})` + (pr.status !== 0 && pr.status !== 4 ? ` stderr: ${pr.stderr.slice(-300)}` : ''));
  }
  cliNote = 'CLI check (build/alloy-cli.mjs): ' + notes.join('; ') + '.';
}
out.push('');
out.push(cliNote);
for (const x of full) {
  out.push('');
  out.push(`Planned map, formats ${x.formats.join(',')}, greedy (map.json):`);
  out.push('');
  out.push('```json');
  out.push(JSON.stringify(x.p.map));
  out.push('```');
}
out.push('');
out.push(`Run time: ${elapsed()} in all; plans: ${[...planned, ...cePlanned].map((x) => `${x.metric === 'ce' ? '--metric ce ' : ''}${x.formats.join(',')} ${x.search} ${x.seconds.toFixed(1)} s (${x.p.evaluations} model runs)`).join(', ')}.`);
console.log(out.join('\n'));

const jf = arg('json', '');
if (jf) writeFileSync(jf, JSON.stringify({ quick: QUICK, calib: cal.n, seed: SEED,
  rows: rows.map((r, i) => ({ label: r.label, map: r.map, bytes: r.bytes.length, test: evals[i], calib: calEvals[i], latencyUs: lat[i], latencyRoundsUs: latR[i] })),
  plans: [...planned, ...cePlanned].map((x) => ({ metric: x.metric, formats: x.formats, search: x.search, seconds: x.seconds, layers: x.p.layers, correlations: x.p.correlations, assign: x.p.result.assign, steps: x.p.result.steps, baseline: x.p.baseline, allowed: x.p.allowed, after: x.p.after })) }, null, 1));

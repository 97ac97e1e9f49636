// `alloy plan`: calibrate, measure per-layer sensitivities and search a precision map that keeps
// a metric within a tolerance; writes the map (for `alloy pack`) and a self-contained HTML report.
import { readBundle, AlloyError, type Alloy } from '../../runtime/index.js';
import { writeBundle, planHost } from '../index.js';
import { readHeader } from '../../runtime/bundle/read.js';
import { bundleInput, type Host } from '../plan/host.js';
import { plan, type PlanOptions, type SensitivityKind } from '../plan/planner.js';
import { loadInputs, loadLabels, subset, type ImageOptions } from '../plan/data.js';
import { readTextRows, textDataset } from '../plan/text.js';
import type { Dataset } from '../plan/planner.js';
import { METRICS, type MetricName, type MetricOptions } from '../plan/metrics.js';
import { htmlReport, layerTableRows, fmtNum } from '../plan/report.js';
import type { CalibMethod, CalibGranularity } from '../plan/calibrate.js';
import { table } from './formats.js';
import { progress } from './progress.js';
import { parseFlags, stringFlag, numberFlag } from './flags.js';
import { COMMANDS } from './commands.js';
import { readBytes, writeOut } from './files.js';
import { planRadical, RADICAL_LEVELS, type Level } from '../plan/radical.js';

const bad = (m: string): never => { throw new AlloyError('BAD_ARGUMENT', `alloy plan: ${m}`); };
const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export function planCommand(alloy: Alloy, argv: string[]): number {
  const { pos, flags } = parseFlags(argv, COMMANDS.plan.flags, 'plan');
  if (flags.help) { console.log(COMMANDS.plan.usage); return 0; }
  if (pos.length !== 1) bad(`give one MODEL.alloy (got ${pos.length}); alloy plan --help lists every option`);
  const str = (k: string, d?: string) => stringFlag(flags, k, d, 'alloy plan');
  const num = (k: string, d: number) => numberFlag(flags, k, d, 'alloy plan');
  const list = (k: string) => str(k)?.split(',').map(Number);
  const calibPath = str('calib') ?? bad('--calib DATA is required');
  const metricName = (str('metric', 'top1') as MetricName);
  if (!METRICS.includes(metricName)) bad(`--metric ${metricName}: one of ${METRICS.join(', ')}`);
  const search = str('search', 'greedy') as PlanOptions['search'];
  if (!['greedy', 'binary', 'pareto'].includes(search)) bad(`--search ${search}: greedy, binary or pareto`);
  const rankBy = str('rank-by', 'perturb') as SensitivityKind;
  if (!['perturb', 'hessian', 'secant'].includes(rankBy)) bad(`--rank-by ${rankBy}: perturb, hessian or secant`);
  const bytes = readBytes(pos[0]);

  const host: Host = planHost(alloy);
  const scheme = str('scheme', 'search');
  if (scheme !== 'search' && scheme !== 'radical') bad(`--scheme ${scheme}: search or radical`);
  const graphInputs = readHeader(bytes).header.graph.inputs; // plan() reads and checks the whole bundle
  const samples = num('samples', 256), seed = num('seed', 1);
  // text models (integer inputs, e.g. ids + mask): token-id rows feed every input (../plan/text.ts)
  let total = 0; // samples in the file (--norm FILE is subset alike)
  const text = graphInputs.length > 1 || graphInputs.some((i) => i.format !== 'f32');
  if (text && scheme === 'radical') bad('--scheme radical takes a model of one f32 input');
  if (text && typeof flags.labels === 'string') bad('--labels: text data carries its labels as "labels" rows in the JSON (default: the next tokens)');
  const data: Dataset = text ? textDataset(readTextRows(calibPath, graphInputs), graphInputs, { samples, seed, padId: num('pad-id', 0), where: calibPath }) : imageOrTensorData();
  function imageOrTensorData(): Dataset {
    if (graphInputs.length !== 1) bad(`the model has ${graphInputs.length} inputs; calibration data feeds one`);
    const inputShape = graphInputs[0].shape;

    const size = str('size')?.split(/[x,]/).map(Number);
    const img: ImageOptions & { shape?: number[] } = {
      layout: str('layout') as any, height: size?.[0], width: size?.[1], channels: flags.channels ? num('channels', 1) : undefined,
      mean: list('mean'), std: list('std'), scale: flags.scale ? num('scale', 1 / 255) : undefined, shape: list('shape'),
    };
    const all = loadInputs(calibPath, inputShape, img);
    const labels = typeof flags.labels === 'string' ? loadLabels(flags.labels) : undefined;
    total = all.shape[0];
    return subset(all.x, all.shape, labels, samples, seed);
  }

  if (scheme === 'radical') {
    const levels = (str('levels', 'i4,i8,i16') as string).split(',') as Level[];
    for (const l of levels) if (!RADICAL_LEVELS.includes(l)) bad(`--levels ${l}: one of ${RADICAL_LEVELS.join(', ')}`);
    const r = planRadical(host, bytes, data, { levels, errorMin: num('error-min', 1e-5), errorMax: num('error-max', 7e-3), mu: num('mu', 0), batch: num('batch', 64) });
    console.log(table([['layer', ...levels.map((l) => `Δ ${l}`), 'level', 'input round', 'slope'], ...r.layers.map((l) => [l.layer, ...levels.map((v) => (l.deltas[v] === undefined ? '' : fmtNum(l.deltas[v]!))), l.level ?? 'f32', l.inputRound ?? '-', l.slope === undefined ? '' : fmtNum(l.slope)])]));
    console.log(`calibration loss: fp32 ${fmtNum(r.calib.fp32.loss)}, round-to-nearest ${fmtNum(r.calib.rtn.loss)}, radical ${fmtNum(r.calib.radical.loss)}; top1 ${fmtNum(r.calib.fp32.top1)} / ${fmtNum(r.calib.rtn.top1)} / ${fmtNum(r.calib.radical.top1)}`);
    console.log(`weights: ${kb(r.weightBytes.fp32)} -> ${kb(r.weightBytes.planned)}; ${r.evaluations} model runs in ${r.seconds.toFixed(1)} s`);
    const o = str('o');
    if (o) { writeOut(o, JSON.stringify(r.map, null, 2) + '\n'); console.log(`wrote ${o}`); }
    const bo = str('bundle-out');
    if (bo) { writeOut(bo, r.bundle); console.log(`wrote ${bo}`); }
    return 0;
  }

  const mo: MetricOptions = { landmarkDims: num('landmark-dims', 2), pckThreshold: num('pck', 0.1), outputKind: str('output-kind', 'auto') as any };
  const norm = str('norm');
  if (norm !== undefined) mo.norm = Number.isFinite(Number(norm)) ? Number(norm) : Float64Array.from(subset(loadLabels(norm).data, [total], undefined, samples, seed).x);

  const bar = progress('plan');
  let phase = '';
  const opts: PlanOptions = {
    metric: metricName, metricOptions: mo,
    tolerance: { value: num('tolerance', 0.01), relative: flags.relative === true },
    formats: (str('formats', 'f16,i8,i4') as string).split(',').filter(Boolean),
    search, rankBy,
    hutchinson: { samples: num('hutchinson', 8), hRel: num('h-rel', 1e-2), seed },
    secant: !flags['no-secant'],
    calibration: flags['no-calibration'] ? null : { method: str('calib-method', 'percentile') as CalibMethod, granularity: str('calib-granularity', 'tensor') as CalibGranularity, block: num('block', 32), percentile: num('percentile', 99.99), symmetric: !flags.asymmetric },
    paretoPoints: num('pareto-points', 16), batch: num('batch', 64),
    latency: flags['no-latency'] ? null : { warmupMs: num('warmup-ms', 500), runs: num('runs', 21) },
    onProgress: (p, d, t, w) => { if (p !== phase) { phase = p; bar.phase(p); } bar.tick(d, t, w); },
  };
  if (!['minmax', 'percentile', 'mse', 'kl'].includes(opts.calibration?.method ?? 'minmax')) bad('--calib-method: minmax, percentile, mse or kl');
  const r = plan(host, bytes, data, opts);
  bar.end();

  const lt = layerTableRows(r);
  console.log(table([lt.head.slice(0, 6).concat(r.formats.map((f) => `${f} Δ`)), ...lt.rows.map((row) => row.slice(0, 6).concat(r.formats.map((_, i) => row[7 + i * 5])))]));
  for (const [k, v] of Object.entries(r.correlations)) console.log(`spearman ${k}: ${fmtNum(v)}`);
  const chosen = r.layers.map((l) => `${l.layer}=${r.result.assign[l.layer] ?? 'f32'}`).join(' ');
  console.log(`${search}: ${chosen}`);
  console.log(`${metricName}: baseline ${fmtNum(r.baseline)}, planned ${fmtNum(r.after.metric)}, degradation ${fmtNum(r.after.degradation)} (allowed ${fmtNum(r.allowed)}) ${r.after.ok ? 'OK' : 'OUT OF TOLERANCE'}`);
  if (r.cosine) console.log(`cosine to fp32: mean ${fmtNum(r.cosine.mean)}, min ${fmtNum(r.cosine.min)}`);
  if (r.smooth?.length) console.log(`smoothed (SmoothQuant): ${r.smooth.map((x) => `${x.layer} alpha ${x.alpha} ${x.folded}`).join('; ')} — in the bundle --bundle-out writes (alloy pack of the map alone does not smooth)`);
  console.log(`size: ${kb(r.size.before)} -> ${kb(r.size.after)}${r.latency ? `; latency ${r.latency.beforeMs.toFixed(3)} -> ${r.latency.afterMs.toFixed(3)} ms` : ''}; ${r.evaluations} model runs in ${r.seconds.toFixed(1)} s`);

  const o = str('o');
  if (o) { writeOut(o, JSON.stringify(r.map, null, 2) + '\n'); console.log(`wrote ${o}`); }
  const rep = str('report');
  if (rep) { writeOut(rep, htmlReport(r, { model: pos[0], calib: calibPath, command: `alloy plan ${argv.join(' ')}` })); console.log(`wrote ${rep}`); }
  const co = str('calib-out');
  if (co && r.calibration) { writeOut(co, JSON.stringify(r.calibration, null, 1) + '\n'); console.log(`wrote ${co}`); }
  const bo = str('bundle-out');
  if (bo) {
    const input = bundleInput(readBundle(r.packed));
    input.metadata = { ...input.metadata, calibration: r.calibration ?? null, plan: { metric: metricName, baseline: r.baseline, after: r.after.metric, tolerance: opts.tolerance, search } };
    writeOut(bo, writeBundle(input));
    console.log(`wrote ${bo}`);
  }
  return r.after.ok ? 0 : 4;
}

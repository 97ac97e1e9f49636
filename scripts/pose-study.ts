// The pose study (docs/POSE.md): MediaPipe pose_landmark_lite imported from TFLite, Alloy FP32 vs
// LiteRT.js, per-layer sensitivity to f16 arithmetic along the landmark path, precision maps under
// a few tolerances, an i8-weight sensitivity pass and plan, and the table FP32 / mixed f16 /
// all-f16 / i8 / mixed i8+f16.
//
//   node --import tsx scripts/pose-study.ts [lite|full] [--quick] [--json OUT.json]
//   node --import tsx scripts/pose-study.ts --make-fixtures   (re-creates test/fixtures/pose/*.png)
//
// Inputs: the committed photographs test/fixtures/pose/{astronaut,camera}.png (256x256, from
// scikit-image's public-domain data, see test/fixtures/pose/README.md) and their mirror images:
// 4 inputs, RGB / 255 in [0, 1] as the model expects.
// Landmarks: Identity [1, 195] = 39 x (x, y, z, visibility, presence); the 33 body points' (x, y)
// in input pixels are scored. NME = mean point distance / diagonal of the bounding box of the 33
// reference points; PCK@t = fraction of points within t * diagonal. Reference: Alloy FP32 (for the
// maps) and LiteRT.js (for Alloy FP32).

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PNG } from 'pngjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIX = path.join(root, 'test/fixtures/pose');
export const POSE_IMAGES = ['astronaut', 'camera'] as const;

/** scikit-image data (512x512) -> 256x256 RGB PNG: mean of each 2x2 block, rounded half up. */
function makeFixtures(): void {
  const src = '/usr/lib/python3/dist-packages/skimage/data';
  mkdirSync(FIX, { recursive: true });
  for (const name of POSE_IMAGES) {
    const png = PNG.sync.read(readFileSync(path.join(src, `${name}.png`)));
    if (png.width !== 512 || png.height !== 512) throw new Error(`${name}.png is ${png.width}x${png.height}, expected 512x512`);
    const out = new PNG({ width: 256, height: 256 });
    for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) for (let c = 0; c < 4; c++) {
      let s = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) s += png.data[((2 * y + dy) * 512 + 2 * x + dx) * 4 + c];
      out.data[(y * 256 + x) * 4 + c] = c === 3 ? 255 : (s + 2) >> 2;
    }
    writeFileSync(path.join(FIX, `${name}.png`), PNG.sync.write(out, { colorType: 2 }));
    console.log(`wrote test/fixtures/pose/${name}.png`);
  }
}

/** A fixture as the model input [1, 256, 256, 3] (RGB / 255), optionally mirrored left-right. */
export function loadPoseImage(name: string, mirror = false): Float32Array {
  const png = PNG.sync.read(readFileSync(path.join(FIX, `${name}.png`)));
  const x = new Float32Array(256 * 256 * 3);
  for (let y = 0; y < 256; y++) for (let i = 0; i < 256; i++) {
    const sx = mirror ? 255 - i : i;
    for (let c = 0; c < 3; c++) x[(y * 256 + i) * 3 + c] = png.data[(y * 256 + sx) * 4 + c] / 255;
  }
  return x;
}

export const poseInputs = () => POSE_IMAGES.flatMap((n) => [{ name: n, data: loadPoseImage(n) }, { name: `${n} (mirrored)`, data: loadPoseImage(n, true) }]);

/** (x, y) of the 33 body landmarks from Identity [1, 195]. */
export const body = (id: Float32Array) => Float32Array.from({ length: 66 }, (_, k) => id[Math.floor(k / 2) * 5 + (k % 2)]);

/** Per image: mean distance / bbox diagonal of the reference, and the distances / diagonal. */
export function landmarkErrors(y: Float32Array, ref: Float32Array): { nme: number; rel: number[] } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k < 33; k++) { x0 = Math.min(x0, ref[2 * k]); x1 = Math.max(x1, ref[2 * k]); y0 = Math.min(y0, ref[2 * k + 1]); y1 = Math.max(y1, ref[2 * k + 1]); }
  const d = Math.hypot(x1 - x0, y1 - y0);
  const rel = Array.from({ length: 33 }, (_, k) => Math.hypot(y[2 * k] - ref[2 * k], y[2 * k + 1] - ref[2 * k + 1]) / d);
  return { nme: rel.reduce((a, b) => a + b, 0) / 33, rel };
}
type Scored = { s: ReturnType<typeof score> };

/** Each layer changed alone, its score, least sensitive first (by NME). */
function sensitivity<L extends { name: string; op: string }>(layers: L[], evalOne: (n: L) => Scored) {
  return layers.map((n) => ({ name: n.name, op: n.op, ...evalOne(n).s })).sort((a, b) => a.nme - b.nme);
}

/** The longest prefix of `order` (least sensitive first) whose evaluation keeps NME <= tol and
 *  PCK@1% >= 99%: a binary search over the prefix length, as the planner's `binary` search. */
function longestPrefix<T, E extends Scored>(order: T[], evalPrefix: (prefix: T[]) => E, tol: number): { k: number; e: E } {
  let lo = 0, hi = order.length, best = evalPrefix([]);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const e = evalPrefix(order.slice(0, mid));
    if (e.s.nme <= tol && e.s.pck1 >= 0.99) { lo = mid; best = e; } else hi = mid - 1;
  }
  return { k: lo, e: best };
}

export function score(ys: Float32Array[], refs: Float32Array[]) {
  const all = ys.map((y, i) => landmarkErrors(y, refs[i]));
  const rel = all.flatMap((a) => a.rel);
  return {
    nme: all.reduce((a, b) => a + b.nme, 0) / all.length,
    maxRel: Math.max(...rel),
    pck1: rel.filter((r) => r <= 0.01).length / rel.length,
    pck2: rel.filter((r) => r <= 0.02).length / rel.length,
  };
}

/** Nodes whose output reaches each graph output (backwards over the graph). */
export function reach(nodes: { name: string; inputs: string[]; outputs: string[] }[], outputs: string[]): Map<string, Set<string>> {
  const producer = new Map<string, (typeof nodes)[number]>();
  for (const n of nodes) producer.set(n.outputs[0], n);
  const r = new Map<string, Set<string>>();
  for (const o of outputs) {
    const seen = new Set<string>();
    const stack = [o];
    while (stack.length) {
      const v = stack.pop()!;
      const p = producer.get(v);
      if (!p || seen.has(p.name)) continue;
      seen.add(p.name);
      stack.push(...p.inputs);
    }
    r.set(o, seen);
  }
  return r;
}

const fmtPct = (v: number) => `${(100 * v).toFixed(1)}%`;
const fmtE = (v: number) => v.toExponential(2);

/** The per-layer sensitivity plot (standalone SVG): NME vs FP32 with one landmark-path layer
 *  changed at a time, in graph order: f16 arithmetic and i8 weights. */
export async function sensitivitySvg(order: string[], f16: { name: string; nme: number }[], i8: { name: string; nme: number }[], title: string): Promise<string> {
  const { svgPlot } = await import('../src/tools/plan/report.ts');
  const at = (rows: { name: string; nme: number }[]) => rows.map((r) => [order.indexOf(r.name), Math.max(r.nme, 1e-9)] as [number, number]).filter(([i]) => i >= 0).sort((a, b) => a[0] - b[0]);
  const svg = svgPlot([
    { name: 'f16 arithmetic', line: true, points: at(f16) },
    { name: 'i8 weights', points: at(i8) },
  ], { title, xLabel: `landmark-path layer (graph order, 0 = ${order[0]}, ${order.length - 1} = ${order[order.length - 1]})`, yLabel: 'landmark NME vs FP32', logY: true, width: 760, height: 340 });
  return svg.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" ');
}

async function study(variant: 'lite' | 'full', quick: boolean, jsonOut?: string) {
  const { init } = await import('../src/runtime/index.ts');
  const { writeBundle, packBundle } = await import('../src/tools/index.ts');
  const { importTflite } = await import('../src/tools/import/tflite/index.ts');
  const { liteRtModel, poseModelPath, race } = await import('../bench/litert.ts');
  const alloy = await init(readFileSync(path.join(root, 'build/alloy.wasm')));
  const log = (s: string) => console.log(s);
  const bytes = new Uint8Array(readFileSync(poseModelPath(variant)));
  const shape = [1, 256, 256, 3];
  const inputs = poseInputs();
  const res: Record<string, unknown> = { model: `pose_landmark_${variant}`, inputs: inputs.map((i) => i.name) };

  // 1. FP32 vs LiteRT
  const convB = writeBundle(importTflite(bytes));
  const denseIn = importTflite(bytes, { pointwise: 'dense' });
  const denseB = writeBundle(denseIn);
  const lt = await liteRtModel(bytes);
  const ltOut: Float32Array[][] = [];
  for (const x of inputs) ltOut.push(await lt.run(x.data, shape));
  const runAll = (bundle: Uint8Array, precision?: unknown) => {
    const m = alloy.load(bundle, precision ? { precision: precision as any } : {});
    try {
      return inputs.map((x) => m.run({ [m.inputs[0].name]: { data: x.data, shape } }));
    } finally { m.dispose(); }
  };
  const names = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3', 'Identity_4'];
  const f32conv = runAll(convB), f32dense = runAll(denseB);
  const vsLt: Record<string, unknown>[] = [];
  for (const [label, outs] of [['Conv 1x1', f32conv], ['Dense 1x1', f32dense]] as const) {
    const s = score(outs.map((o) => body(o.Identity.data)), ltOut.map((o) => body(o[0])));
    const maxAbs = names.map((n, k) => Math.max(...outs.map((o, i) => { let m = 0; const a = o[n].data, b = ltOut[i][k]; for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j])); return m; })));
    vsLt.push({ pointwise: label, nme: s.nme, maxRel: s.maxRel, maxAbs: Object.fromEntries(names.map((n, k) => [n, maxAbs[k]])) });
    log(`Alloy FP32 (${label}) vs LiteRT.js: landmark NME ${fmtE(s.nme)}, max point error ${fmtE(s.maxRel)} of the bbox diagonal; max |diff| ${names.map((n, k) => `${n} ${fmtE(maxAbs[k])}`).join(', ')}`);
  }
  res.fp32VsLiteRt = vsLt;
  const refs = f32dense.map((o) => body(o.Identity.data));
  const flagRef = f32dense.map((o) => o.Identity_1.data[0]);
  log(`pose flag (Identity_1, sigmoid) per input: ${flagRef.map((v) => v.toFixed(3)).join(', ')}`);

  // 2. the landmark path
  const g = denseIn.graph;
  const r = reach(g.nodes, names);
  const LAYER_OPS = new Set(['Conv', 'DepthwiseConv', 'Dense']);
  const lm = g.nodes.filter((n) => r.get('Identity')!.has(n.name) && LAYER_OPS.has(n.op));
  const only = (o: string) => g.nodes.filter((n) => LAYER_OPS.has(n.op) && r.get(o)!.has(n.name) && !r.get('Identity')!.has(n.name) && !r.get('Identity_1')!.has(n.name) && !r.get('Identity_4')!.has(n.name));
  const segOnly = only('Identity_2').filter((n) => !r.get('Identity_3')!.has(n.name)), heatOnly = only('Identity_3').filter((n) => !r.get('Identity_2')!.has(n.name));
  const both = only('Identity_2').filter((n) => r.get('Identity_3')!.has(n.name));
  log(`layers (Conv / DepthwiseConv / Dense): ${g.nodes.filter((n) => LAYER_OPS.has(n.op)).length}; on the landmark path ${lm.length}; feeding only segmentation ${segOnly.length}, only heatmaps ${heatOnly.length}, both of those but not landmarks ${both.length}`);
  res.paths = { landmark: lm.map((n) => n.name), segmentationOnly: segOnly.map((n) => n.name), heatmapOnly: heatOnly.map((n) => n.name), segAndHeatOnly: both.map((n) => n.name) };

  // f16 arithmetic: f16 activations and the emulated f16 accumulator (Dense, Conv, DepthwiseConv;
  // a grouped Conv, absent from these models, has no emulated accumulator)
  const f16 = (n: { op: string; attrs?: Record<string, unknown> }) => ((n.attrs?.group ?? 1) === 1 ? { activations: 'f16', accumulator: 'f16' } : { activations: 'f16' });
  const evalMap = (layers: typeof lm, bundle = denseB, extra?: Record<string, unknown>) => {
    const map = { version: 1, ...(extra ?? {}), layers: Object.fromEntries(layers.map((n) => [n.name, f16(n)])) };
    const outs = runAll(bundle, map);
    return { map, s: score(outs.map((o) => body(o.Identity.data)), refs), flag: outs.map((o) => o.Identity_1.data[0]) };
  };

  // 3. per-layer sensitivity
  const t0 = performance.now();
  const probed = quick ? lm.filter((_, i) => i % 4 === 0) : lm;
  const sens = sensitivity(probed, (n) => evalMap([n]));
  log(`sensitivity: ${sens.length} layers in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  res.sensitivity = sens;
  log('most sensitive: ' + sens.slice(-6).reverse().map((s) => `${s.name} (${s.op}) ${fmtE(s.nme)}`).join(', '));

  // 4. maps: the longest prefix of the layers sorted by sensitivity within each tolerance
  const order = sens.map((s) => lm.find((n) => n.name === s.name)!);
  const tols = [0.0005, 0.001, 0.002];
  const plans: { tol: number; k: number; frac: number; nme: number; pck1: number; pck2: number; map: unknown }[] = [];
  for (const tol of tols) {
    const { k, e } = longestPrefix(order, (prefix) => evalMap(prefix), tol);
    plans.push({ tol, k, frac: k / lm.length, nme: e.s.nme, pck1: e.s.pck1, pck2: e.s.pck2, map: e.map });
    log(`tolerance NME <= ${tol}: ${k} / ${lm.length} landmark-path layers in f16 (${fmtPct(k / lm.length)}), NME ${fmtE(e.s.nme)}, PCK@1% ${fmtPct(e.s.pck1)}, PCK@2% ${fmtPct(e.s.pck2)}`);
  }
  res.plans = plans.map(({ map, ...p }) => p);
  const chosen = plans.filter((p) => p.frac >= 0.4).sort((a, b) => a.tol - b.tol)[0] ?? plans[plans.length - 1];
  writeFileSync(path.join(root, `build/pose-${variant}-mixed-f16.json`), JSON.stringify(chosen.map, null, 1));
  res.chosen = { tol: chosen.tol, map: chosen.map };

  // 5. i8 weights (f32 arithmetic): per-layer sensitivity of the landmark-path Conv / Dense layers
  //    (each alone with i8 per-output-channel weights, round to nearest, no calibration; the rest
  //    keep the model's f16 weights), then the longest prefix by sensitivity within a tolerance.
  //    Depthwise weights get one scale per channel (the last axis of [KH, KW, C]). Layers off the
  //    landmark path keep f16 in the mixed map (quantising them would cost the landmarks nothing
  //    and change only the masks).
  const i8Of = (names: string[]) => ({ version: 1, layers: Object.fromEntries(names.map((n) => [n, { weights: 'i8', granularity: 'channel' }])) });
  const i8Bundle = (names: string[]) => writeBundle(packBundle(denseB, i8Of(names) as any).input);
  const evalI8 = (names: string[], precision?: unknown) => {
    const bundle = i8Bundle(names);
    const outs = runAll(bundle, precision);
    return { bundle, s: score(outs.map((o) => body(o.Identity.data)), refs) };
  };
  const t1 = performance.now();
  const sensI8 = sensitivity(probed, (n) => evalI8([n.name]));
  log(`i8 sensitivity: ${sensI8.length} layers in ${((performance.now() - t1) / 1000).toFixed(0)} s; most sensitive: ` + sensI8.slice(-6).reverse().map((s) => `${s.name} ${fmtE(s.nme)}`).join(', '));
  res.sensitivityI8 = sensI8;
  // Weight rounding to i8 moves the landmarks far more than f16 arithmetic does, so its plans use
  //  looser tolerances; the table takes the loosest one that keeps PCK@1% >= 99%.
  const plans8: { tol: number; k: number; names: string[]; e: ReturnType<typeof evalI8> }[] = [];
  for (const tol of [0.002, 0.005]) {
    const names8 = sensI8.map((x) => x.name);
    const { k, e } = longestPrefix(names8, (prefix) => evalI8(prefix), tol);
    plans8.push({ tol, k, names: names8.slice(0, k), e });
    log(`i8 plan (NME <= ${tol}, PCK@1% >= 99%): ${k} / ${lm.length} landmark-path layers in i8 (${fmtPct(k / lm.length)}), NME ${fmtE(e.s.nme)}, PCK@1% ${fmtPct(e.s.pck1)}, PCK@2% ${fmtPct(e.s.pck2)}, bundle ${e.bundle.length} bytes`);
  }
  res.plansI8 = plans8.map((p) => ({ tol: p.tol, k: p.k, of: lm.length, layers: p.names, nme: p.e.s.nme, pck1: p.e.s.pck1, pck2: p.e.s.pck2, bytes: p.e.bundle.length }));
  const plan8 = plans8[plans8.length - 1];

  const svg = await sensitivitySvg(lm.map((n) => n.name), sens, sensI8, `pose_landmark_${variant}: one layer changed at a time`);
  const svgPath = quick ? path.join(root, `build/pose-${variant}-sensitivity.svg`) : path.join(root, `docs/pose-${variant}-sensitivity.svg`);
  writeFileSync(svgPath, svg);
  log(`sensitivity plot: ${path.relative(root, svgPath)}`);

  // 6. the table
  const allF16 = { version: 1, default: { activations: 'f16' }, layers: Object.fromEntries(g.nodes.filter((n) => LAYER_OPS.has(n.op)).map((n) => [n.name, f16(n)])) };
  const i8B = i8Bundle(g.nodes.filter((n) => LAYER_OPS.has(n.op)).map((n) => n.name));
  const mixedI8B = plan8.e.bundle;
  const rows: { name: string; bundle: Uint8Array; precision?: unknown; note: string }[] = [
    { name: 'FP32 (Conv 1x1, fused ReLU6)', bundle: convB, note: 'f16 weights from the model, f32 arithmetic' },
    { name: 'FP32 (1x1 as Dense)', bundle: denseB, note: 'the bundle the maps apply to' },
    { name: `mixed f16 (tol ${chosen.tol})`, bundle: denseB, precision: chosen.map, note: `${chosen.k} / ${lm.length} landmark-path layers f16` },
    { name: 'all-f16', bundle: denseB, precision: allF16, note: 'every node f16 activations, every layer f16 accumulation' },
    { name: 'i8 weights', bundle: i8B, note: 'every Conv/DepthwiseConv/Dense i8 per output channel; f32 arithmetic' },
    { name: `mixed i8 + f16 weights (tol ${plan8.tol})`, bundle: mixedI8B, note: `${plan8.k} / ${lm.length} landmark-path layers i8, the rest f16 weights; f32 arithmetic` },
    { name: 'mixed i8 + f16 weights, mixed f16 arithmetic', bundle: mixedI8B, precision: chosen.map, note: 'the i8 plan and the f16 plan together' },
  ];
  const table: Record<string, unknown>[] = [];
  for (const row of rows) {
    const outs = runAll(row.bundle, row.precision);
    const s = score(outs.map((o) => body(o.Identity.data)), refs);
    table.push({ name: row.name, note: row.note, nme: s.nme, pck1: s.pck1, pck2: s.pck2, bytes: row.bundle.length });
  }
  // latency: every row and LiteRT.js in one race (time-based warm-up, interleaved samples, medians)
  const models = rows.map((row) => alloy.load(row.bundle, row.precision ? { precision: row.precision as any } : {}));
  const x = inputs[0].data;
  const fns = [lt.runner(x, shape), ...models.map((m) => async () => m.run({ [m.inputs[0].name]: { data: x, shape } }))];
  const rc = await race(fns, 2000, quick ? 11 : 21, 200);
  models.forEach((m) => m.dispose());
  table.forEach((t, i) => { t.ms = rc.ms[i + 1]; t.vsLiteRt = rc.ratioTo0[i + 1]; });
  res.liteRtMs = rc.ms[0];
  res.table = table;
  log(`\n| variant | NME | PCK@1% | PCK@2% | latency (ms) | vs LiteRT.js | bundle | note |\n|---|---|---|---|---|---|---|---|`);
  log(`| LiteRT.js 1 thread (XNNPACK) | | | | ${rc.ms[0].toFixed(1)} | 1.00 | ${bytes.length} (.tflite) | |`);
  for (const t of table) log(`| ${t.name} | ${fmtE(t.nme as number)} | ${fmtPct(t.pck1 as number)} | ${fmtPct(t.pck2 as number)} | ${(t.ms as number).toFixed(1)} | ${(t.vsLiteRt as number).toFixed(2)} | ${t.bytes} | ${t.note} |`);
  lt.dispose();
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(res, null, 1));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  if (args.includes('--make-fixtures')) makeFixtures();
  else {
    const j = args.indexOf('--json');
    await study((args.find((a) => a === 'lite' || a === 'full') ?? 'lite') as 'lite' | 'full', args.includes('--quick'), j >= 0 ? args[j + 1] : undefined);
  }
}

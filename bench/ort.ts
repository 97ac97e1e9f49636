// Peer benchmark: Alloy vs onnxruntime-web (wasm backend, one thread, SIMD) in one Node process, on the
// same shapes and the same weights. Run alone: `node --import tsx bench/ort.ts [gemm] [mlp] [mlp-q] [cnn]`.
//
// Sections: gemm (raw f32 GEMM), mlp (seeded MLP, f32), mlp-q (the MLP with f16 / i8 / i4 weights
// and w8a8, each against the fastest equivalent ORT graph: where several ONNX forms express the
// same arithmetic, each is screened briefly and the fastest is raced; see bench/models.ts), cnn
// (conv-conv-maxpool-dense, f32, NHWC in Alloy vs NCHW in ORT).
//
// Method: per case, both sides are built, their outputs compared, then a time-based warm-up (>= 2 s,
// alternating Alloy and ORT calls: V8 tiers up both wasm modules late), then samples alternating
// Alloy and ORT (the order flips every sample). Each sample times `inner` awaited calls; the report
// gives medians. ORT's session.run is async, so Alloy's synchronous call is awaited the same way, and
// Alloy also copies the input into wasm memory and the output out of it, as session.run does.
import { init } from '../build/alloy.mjs';
import { writeBundle, quantizeTensor } from '../build/alloy-tools.mjs';
import { _exports, _heap } from '../build/alloy-internal.mjs';
import * as ort from 'onnxruntime-web';
import { seededMLP, seededInputs, xorshift32, uniform, initScale, MLP_LAYERS } from '../scripts/seeded-mlp.ts';
import { buildModel, type Node } from './peers/onnx-build.ts';
import { mlpWeights, mlpFlops, mlpPair, ORT_FORMS, cnnPair, cnnInputs, cnnFlops, CNN, type MlpVariant, type Quantize } from './models.ts';
import { raceN, median, maxAbsDiff } from './race.ts';

export type Section = 'gemm' | 'mlp' | 'mlp-q' | 'cnn';
export const SECTIONS: Section[] = ['gemm', 'mlp', 'mlp-q', 'cnn'];

export interface Row {
  section: Section; case: string; alloyMs: number; ortMs: number; ratio: number;
  gflopsAlloy?: number; gflopsOrt?: number; maxAbsDiff?: number;
  samples?: number; inner?: number;
  variant?: string; batch?: number;
  ortForm?: string;                              // the ONNX form raced (mlp-q)
  screened?: { form: string; ms: number }[];     // every form tried, median ms of the short screening
  alloyErrF32?: number; ortErrF32?: number;      // max abs diff of each side against the f32 model's output (mlp-q)
  alloyF32Ms?: number; vsAlloyF32?: number;      // mlp-q: Alloy's f32 model in the same race, and the paired ratio quantized / f32
}

export interface OrtBenchOptions {
  sections?: Section[];
  variants?: MlpVariant[]; // mlp-q variants (default f16, f16-decoded, i8, w8a8, i4)
  gemmSizes?: number[];    // square M=N=K
  batches?: number[];      // MLP batch sizes
  warmMs?: number;         // per case, >= 2000
  samples?: number;        // >= 21
  sampleMs?: number;       // target duration of one sample per side (sets `inner`)
  screenMs?: number;       // mlp-q: per ORT form, warm-up and then timing of the screening (each)
  log?: (s: string) => void;
}

type Fn = () => Promise<unknown>;



/** Alloy vs one peer: medians, and the paired ratio Alloy / peer. */
async function race(alloy: Fn, peer: Fn, warmMs: number, samples: number, sampleMs: number) {
  const r = await raceN([alloy, peer], warmMs, samples, sampleMs);
  return { alloyMs: r.ms[0], ortMs: r.ms[1], ratio: r.paired(0, 1), inner: r.inner, warmCalls: r.warmCalls };
}

let ortReady = false;
function setupOrt() {
  if (ortReady) return;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;            // fixed-width SIMD128 (the only wasm build shipped is ort-wasm-simd-threaded)
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = new URL('../node_modules/onnxruntime-web/dist/', import.meta.url).href; // local files, no network
  ort.env.logLevel = 'warning';
  ortReady = true;
}
const sessionOpts: ort.InferenceSession.SessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 };

async function gemmCase(n: number, o: Required<OrtBenchOptions>): Promise<Row> {
  const [M, N, K] = [n, n, n];
  const next = xorshift32(1000 + n);
  const W = uniform(N * K, initScale(K), next);   // [N, K] row-major
  const X = uniform(M * K, 1, next);              // [M, K]
  const flops = 2 * M * N * K;

  // Alloy: raw exports. Weight packed once (like ORT's prepack of a constant B).
  const x = _exports();
  const wp = _heap.alloc(N * K * 4), packed = _heap.alloc(x.packed_f32_bytes(N, K)), xp = _heap.alloc(M * K * 4), yp = _heap.alloc(M * N * 4);
  _heap.f32(wp, N * K).set(W);
  x.pack_w_f32(wp, N, K, packed);
  _heap.free(wp);
  let yAlloy = new Float32Array(0);
  const alloy = async () => {
    _heap.f32(xp, M * K).set(X);
    x.gemm_f32_f32_f32__simd128_5x8(xp, M, K, packed, 0, N, yp, 0);
    yAlloy = _heap.f32(yp, M * N).slice();
  };

  // ORT: Gemm(x, W, transB=1), W an initializer.
  const bytes = buildModel({
    inputs: [{ name: 'x', shape: [M, K] }], outputs: [{ name: 'y', shape: [M, N] }],
    initializers: [{ name: 'W', shape: [N, K], data: W }],
    nodes: [{ op: 'Gemm', inputs: ['x', 'W'], outputs: ['y'], attrs: { transB: 1 } }],
  });
  const sess = await ort.InferenceSession.create(bytes, sessionOpts);
  const feeds = { x: new ort.Tensor('float32', X, [M, K]) };
  let yOrt = new Float32Array(0);
  const peer = async () => { yOrt = (await sess.run(feeds)).y.data as Float32Array; };

  await alloy(); await peer();
  const diff = maxAbsDiff(yAlloy, yOrt);
  try {
    const r = await race(alloy, peer, o.warmMs, o.samples, o.sampleMs);
    return {
      section: 'gemm', case: `GEMM f32 ${M}x${N}x${K}`, alloyMs: r.alloyMs, ortMs: r.ortMs, ratio: r.ratio,
      gflopsAlloy: flops / (r.alloyMs * 1e6), gflopsOrt: flops / (r.ortMs * 1e6), maxAbsDiff: diff, samples: o.samples, inner: r.inner,
    };
  } finally {
    for (const p of [packed, xp, yp]) _heap.free(p);
    await sess.release();
  }
}

function mlpOnnx(layers = MLP_LAYERS): Uint8Array {
  const w = mlpWeights(layers);
  const nodes: Node[] = [];
  let prev = 'x';
  w.forEach((l, i) => {
    const last = i + 1 === w.length;
    const z = last ? 'logits' : `z${i + 1}`;
    nodes.push({ op: 'Gemm', inputs: [prev, `fc${i + 1}.weight`, `fc${i + 1}.bias`], outputs: [z], attrs: { transB: 1 } });
    if (!last) { nodes.push({ op: 'Relu', inputs: [z], outputs: [`h${i + 1}`] }); prev = `h${i + 1}`; }
  });
  nodes.push({ op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: -1 } });
  return buildModel({
    inputs: [{ name: 'x', shape: ['batch', layers[0]] }],
    outputs: [{ name: 'probs', shape: ['batch', layers[layers.length - 1]] }],
    initializers: w.flatMap((l, i) => [
      { name: `fc${i + 1}.weight`, shape: [l.N, l.K], data: l.W },
      { name: `fc${i + 1}.bias`, shape: [l.N], data: l.b },
    ]),
    nodes,
  });
}

async function mlpCases(o: Required<OrtBenchOptions>, alloyApi: Awaited<ReturnType<typeof init>>): Promise<Row[]> {
  const layers = MLP_LAYERS;
  const flops = mlpFlops(layers);
  const model = alloyApi.load(seededMLP(writeBundle));
  const sess = await ort.InferenceSession.create(mlpOnnx(layers), sessionOpts);
  const rows: Row[] = [];
  try {
    for (const B of o.batches) {
      const X = seededInputs(B, layers[0]);
      const feeds = { x: new ort.Tensor('float32', X, [B, layers[0]]) };
      let pa = new Float32Array(0), po = new Float32Array(0);
      const alloy = async () => { pa = model.run({ x: X }).probs.data; };
      const peer = async () => { po = (await sess.run(feeds)).probs.data as Float32Array; };
      await alloy(); await peer();
      const diff = maxAbsDiff(pa, po);
      const r = await race(alloy, peer, o.warmMs, o.samples, o.sampleMs);
      rows.push({
        section: 'mlp', variant: 'f32', batch: B, case: `MLP ${layers.join('-')} f32, batch ${B}`, alloyMs: r.alloyMs, ortMs: r.ortMs, ratio: r.ratio,
        gflopsAlloy: (B * flops) / (r.alloyMs * 1e6), gflopsOrt: (B * flops) / (r.ortMs * 1e6), maxAbsDiff: diff, samples: o.samples, inner: r.inner,
      });
      o.log(`  ${rows.at(-1)!.case}: done`);
    }
  } finally {
    model.dispose();
    await sess.release();
  }
  return rows;
}


/** Brief interleaved screening of equivalent ORT sessions (warm-up, then timing, screenMs each):
 *  median ms per call of each. */
async function screen(fns: Fn[], screenMs: number): Promise<number[]> {
  const times: number[][] = fns.map(() => []);
  for (const phase of ['warm', 'time']) {
    const end = performance.now() + screenMs * fns.length;
    while (performance.now() < end) {
      for (let i = 0; i < fns.length; i++) {
        const t0 = performance.now(); await fns[i](); const dt = performance.now() - t0;
        if (phase === 'time') times[i].push(dt);
      }
    }
  }
  return times.map(median);
}

/** The MLP with quantized weights (and w8a8), each batch against the fastest equivalent ORT form. */
async function mlpQCases(o: Required<OrtBenchOptions>, alloyApi: Awaited<ReturnType<typeof init>>): Promise<Row[]> {
  const layers = MLP_LAYERS, flops = mlpFlops(layers);
  const rows: Row[] = [];
  const ref = alloyApi.load(seededMLP(writeBundle));   // f32 reference outputs
  try {
    for (const v of o.variants) {
      const pair = mlpPair(writeBundle, quantizeTensor as unknown as Quantize, v, layers);
      const model = alloyApi.load(pair.bundle, pair.options ?? {});
      const sessions: { form: string; sess: ort.InferenceSession }[] = [];
      try {
        for (const form of ORT_FORMS[v]) {
          try { sessions.push({ form, sess: await ort.InferenceSession.create(pair.onnx(form), sessionOpts) }); } catch (e) {
            o.log(`  MLP ${v}: ORT cannot load form ${form}: ${String((e as Error).message ?? e).slice(0, 200)}`);
          }
        }
        for (const B of o.batches) {
          const X = seededInputs(B, layers[0]);
          const pf = ref.run({ x: X }).probs.data;
          const feeds = { x: new ort.Tensor('float32', X, [B, layers[0]]) };
          let pa = new Float32Array(0), po = new Float32Array(0);
          const alloy = async () => { pa = model.run({ x: X }).probs.data; };
          await alloy();
          const base: Row = {
            section: 'mlp-q', variant: v, batch: B, case: `MLP ${v === 'w8a8' ? 'w8a8 (i8 weights, i8 activations)' : v === 'f16-decoded' ? 'f16 weights held as f32 (decodeWeights)' : `${v} weights`}, batch ${B}`,
            alloyMs: NaN, ortMs: NaN, ratio: NaN, alloyErrF32: maxAbsDiff(pa, pf),
          };
          if (sessions.length === 0) { rows.push({ ...base, ortForm: 'none (ORT cannot run it)' }); continue; }
          const peers = sessions.map(({ sess }) => async () => { po = (await sess.run(feeds)).probs.data as Float32Array; });
          let best = 0, screened: { form: string; ms: number }[] = [];
          if (sessions.length > 1) {
            const ms = await screen(peers, o.screenMs);
            screened = sessions.map((s, i) => ({ form: s.form, ms: ms[i] }));
            best = ms.indexOf(Math.min(...ms));
            o.log(`  MLP ${v} batch ${B}: ORT forms ${screened.map((s) => `${s.form} ${(s.ms * 1000).toFixed(0)} us`).join(', ')}`);
          }
          const peer = peers[best];
          await peer();
          const diff = maxAbsDiff(pa, po), ortErr = maxAbsDiff(po, pf);
          // Three-way race: the quantized Alloy model, ORT, and Alloy's f32 model (for the in-race
          // "Alloy / Alloy f32" ratio).
          const alloyF32 = async () => { ref.run({ x: X }); };
          const r3 = await raceN([alloy, peer, alloyF32], o.warmMs, o.samples, o.sampleMs);
          const r = { alloyMs: r3.ms[0], ortMs: r3.ms[1], ratio: r3.paired(0, 1), inner: r3.inner };
          rows.push({
            ...base, alloyMs: r.alloyMs, ortMs: r.ortMs, ratio: r.ratio, alloyF32Ms: r3.ms[2], vsAlloyF32: r3.paired(0, 2),
            gflopsAlloy: (B * flops) / (r.alloyMs * 1e6), gflopsOrt: (B * flops) / (r.ortMs * 1e6),
            maxAbsDiff: diff, ortErrF32: ortErr, samples: o.samples, inner: r.inner, ortForm: sessions[best].form, screened,
          });
          o.log(`  ${rows.at(-1)!.case}: done`);
        }
      } finally {
        model.dispose();
        for (const s of sessions) await s.sess.release();
      }
    }
  } finally {
    ref.dispose();
  }
  return rows;
}

/** The CNN, f32: Alloy NHWC, ORT NCHW (the 28x28x1 input is the same bytes in both layouts). */
async function cnnCases(o: Required<OrtBenchOptions>, alloyApi: Awaited<ReturnType<typeof init>>): Promise<Row[]> {
  const { bundle, onnx } = cnnPair(writeBundle);
  const model = alloyApi.load(bundle);
  const sess = await ort.InferenceSession.create(onnx, sessionOpts);
  const flops = cnnFlops();
  const rows: Row[] = [];
  try {
    for (const B of o.batches) {
      const X = cnnInputs(B);
      const xa = { data: X, shape: [B, CNN.H, CNN.W, CNN.C] };
      const feeds = { x: new ort.Tensor('float32', X, [B, CNN.C, CNN.H, CNN.W]) };
      let pa = new Float32Array(0), po = new Float32Array(0);
      const alloy = async () => { pa = model.run({ x: xa }).logits.data; };
      const peer = async () => { po = (await sess.run(feeds)).logits.data as Float32Array; };
      await alloy(); await peer();
      const diff = maxAbsDiff(pa, po);
      if (!(diff < 1e-4)) o.log(`  WARNING: CNN batch ${B}: Alloy and ORT logits differ by ${diff}`);
      const r = await race(alloy, peer, o.warmMs, o.samples, o.sampleMs);
      rows.push({
        section: 'cnn', variant: 'f32', batch: B, case: `CNN 28x28x1 conv32-conv64-pool-fc10 f32, batch ${B}`, alloyMs: r.alloyMs, ortMs: r.ortMs, ratio: r.ratio,
        gflopsAlloy: (B * flops) / (r.alloyMs * 1e6), gflopsOrt: (B * flops) / (r.ortMs * 1e6), maxAbsDiff: diff, samples: o.samples, inner: r.inner,
      });
      o.log(`  ${rows.at(-1)!.case}: done`);
    }
  } finally {
    model.dispose();
    await sess.release();
  }
  return rows;
}

export async function ortBench(opts: OrtBenchOptions = {}): Promise<Row[]> {
  const o: Required<OrtBenchOptions> = {
    sections: SECTIONS, variants: ['f16', 'f16-decoded', 'i8', 'w8a8', 'i4'], gemmSizes: [256, 1024], batches: [1, 32],
    warmMs: 2500, samples: 31, sampleMs: 20, screenMs: 400, log: () => {}, ...opts,
  };
  if (o.warmMs < 2000 || o.samples < 21) throw new Error('ortBench: methodology needs warmMs >= 2000 and samples >= 21');
  const alloyApi = await init();
  setupOrt();
  const rows: Row[] = [];
  if (o.sections.includes('gemm')) {
    for (const n of o.gemmSizes) { rows.push(await gemmCase(n, o)); o.log(`  ${rows.at(-1)!.case}: done`); }
  }
  if (o.sections.includes('mlp')) rows.push(...(await mlpCases(o, alloyApi)));
  if (o.sections.includes('mlp-q')) rows.push(...(await mlpQCases(o, alloyApi)));
  if (o.sections.includes('cnn')) rows.push(...(await cnnCases(o, alloyApi)));
  return rows;
}

const TITLES: Record<Section, string> = {
  gemm: 'GEMM f32 (raw kernels)',
  mlp: 'MLP 784-512-256-128-64-10, f32',
  'mlp-q': 'MLP 784-512-256-128-64-10, quantized weights (same codes and scales on both sides)',
  cnn: 'CNN 28x28x1: conv3x3 1->32 relu, conv3x3 32->64 relu, maxpool 2x2/2, dense 9216->10; f32',
};

/** Markdown: one table per section present (with a heading each when `headings`). */
export function ortTable(rows: Row[], headings = rows.some((r) => r.section !== rows[0].section)): string {
  const f = (v: number | undefined, d = 1) => (v === undefined || Number.isNaN(v) ? '' : v.toFixed(d));
  const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : v < 1 ? `${(v * 1000).toFixed(1)} us` : `${v.toFixed(2)} ms`);
  const e = (v: number | undefined) => (v === undefined ? '' : v.toExponential(2));
  const out: string[] = [];
  for (const sec of SECTIONS) {
    const rs = rows.filter((r) => r.section === sec);
    if (!rs.length) continue;
    if (headings) out.push(`### ${TITLES[sec]}\n`);
    if (sec !== 'mlp-q') {
      out.push(
        '| case | Alloy | ORT-web | Alloy / ORT (latency) | Alloy GFLOP/s | ORT GFLOP/s | max abs diff |',
        '|---|---:|---:|---:|---:|---:|---:|',
        ...rs.map((r) => `| ${r.case} | ${ms(r.alloyMs)} | ${ms(r.ortMs)} | ${f(r.ratio, 2)} | ${f(r.gflopsAlloy)} | ${f(r.gflopsOrt)} | ${e(r.maxAbsDiff)} |`),
      );
    } else {
      out.push(
        '| case | Alloy | Alloy f32 (same race) | Alloy / Alloy f32 | ORT-web | ORT form | Alloy / ORT (latency) | max abs diff Alloy-ORT | Alloy vs f32 model | ORT vs f32 model |',
        '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
        ...rs.map((r) => `| ${r.case} | ${ms(r.alloyMs)} | ${r.alloyF32Ms === undefined ? '' : ms(r.alloyF32Ms)} | ${f(r.vsAlloyF32, 2)} | ${ms(r.ortMs)} | ${r.ortForm ?? ''} | ${f(r.ratio, 2)} | ${e(r.maxAbsDiff)} | ${e(r.alloyErrF32)} | ${e(r.ortErrF32)} |`),
      );
      const sc = rs.filter((r) => r.screened?.length);
      if (sc.length) {
        out.push('', 'ORT forms screened (median of a short interleaved run; the fastest was raced):', '');
        for (const r of sc) out.push(`- ${r.case}: ${r.screened!.map((s) => `${s.form} ${ms(s.ms)}`).join(', ')}`);
      }
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

// Run alone: node --import tsx bench/ort.ts [gemm] [mlp] [mlp-q] [cnn]
// (The name test keeps this block quiet when the module is bundled into build/bench.mjs.)
if (/[\\/]ort\.[cm]?[jt]s$/.test(process.argv[1] ?? '') && import.meta.url === new URL(process.argv[1], 'file://').href) {
  const { cpus, loadavg } = await import('node:os');
  const load0 = loadavg()[0].toFixed(2);
  const want = process.argv.slice(2).filter((s): s is Section => (SECTIONS as string[]).includes(s));
  const t0 = performance.now();
  const rows = await ortBench({ ...(want.length ? { sections: want } : {}), log: (s) => console.error(s) });
  console.log(`## Alloy vs onnxruntime-web ${ort.env.versions.web} (wasm, 1 thread, SIMD)\n`);
  console.log(`Node ${process.versions.node} (V8 ${process.versions.v8}), ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${load0} at the start, ${loadavg()[0].toFixed(2)} at the end. Latencies: medians of ${rows.find((r) => r.samples)?.samples} interleaved samples after >= 2.5 s warm-up per case; ratios: medians of per-round paired ratios (< 1: Alloy is faster).\n`);
  console.log(ortTable(rows));
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

// Peer benchmark: Alloy vs onnxruntime-web (wasm backend, one thread, SIMD) in one Node process, on the
// same shapes and the same weights. Run alone: `node --import tsx bench/ort.ts [gemm] [mlp]`.
//
// Method: per case, both sides are built, their outputs compared, then a time-based warm-up (>= 2 s,
// alternating Alloy and ORT calls: V8 tiers up both wasm modules late), then samples alternating
// Alloy and ORT (the order flips every sample). Each sample times `inner` awaited calls; the report
// gives medians. ORT's session.run is async, so Alloy's synchronous call is awaited the same way, and
// Alloy also copies the input into wasm memory and the output out of it, as session.run does.
import { init, writeBundle, _exports, _heap } from '../build/alloy.mjs';
import * as ort from 'onnxruntime-web';
import { seededMLP, seededInputs, xorshift32, uniform, initScale, MLP_LAYERS } from '../scripts/seeded-mlp.ts';
import { buildModel, type Node } from './peers/onnx-build.ts';

export interface Row {
  case: string; alloyMs: number; ortMs: number; ratio: number;
  gflopsAlloy?: number; gflopsOrt?: number; maxAbsDiff?: number;
  samples?: number; inner?: number;
}

export interface OrtBenchOptions {
  sections?: ('gemm' | 'mlp')[];
  gemmSizes?: number[];    // square M=N=K
  batches?: number[];      // MLP batch sizes
  warmMs?: number;         // per case, >= 2000
  samples?: number;        // >= 21
  sampleMs?: number;       // target duration of one sample per side (sets `inner`)
  log?: (s: string) => void;
}

type Fn = () => Promise<unknown>;

const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`output lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i] - b[i]); if (!(d <= m)) m = d; } // NaN propagates
  return m;
}

/** Warm up alternately for >= warmMs, then `samples` alternating samples; returns median ms per call. */
async function race(alloy: Fn, peer: Fn, warmMs: number, samples: number, sampleMs: number) {
  let na = 0, np = 0, ta = 0, tp = 0;
  const end = performance.now() + warmMs;
  while (performance.now() < end) {
    let t0 = performance.now(); await alloy(); ta += performance.now() - t0; na++;
    t0 = performance.now(); await peer(); tp += performance.now() - t0; np++;
  }
  // One `inner` for both sides (the slower side's per-call time decides), so both are sampled alike.
  const perCall = Math.max(ta / na, tp / np);
  const inner = Math.max(1, Math.round(sampleMs / perCall));
  const sa: number[] = [], sp: number[] = [];
  const sample = async (f: Fn, out: number[]) => {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) await f();
    out.push((performance.now() - t0) / inner);
  };
  for (let s = 0; s < samples; s++) {
    if (s & 1) { await sample(peer, sp); await sample(alloy, sa); } else { await sample(alloy, sa); await sample(peer, sp); }
  }
  return { alloyMs: median(sa), ortMs: median(sp), inner, warmCalls: na };
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
    x.dense_f32(xp, M, K, packed, 0, N, yp, 0);
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
      case: `GEMM f32 ${M}x${N}x${K}`, alloyMs: r.alloyMs, ortMs: r.ortMs, ratio: r.alloyMs / r.ortMs,
      gflopsAlloy: flops / (r.alloyMs * 1e6), gflopsOrt: flops / (r.ortMs * 1e6), maxAbsDiff: diff, samples: o.samples, inner: r.inner,
    };
  } finally {
    for (const p of [packed, xp, yp]) _heap.free(p);
    await sess.release();
  }
}

/** The seeded MLP's weights, regenerated in the order seededMLP draws them: per layer W [N,K], bias [N]. */
function mlpWeights(layers = MLP_LAYERS, seed = 1) {
  const next = xorshift32(seed);
  const out: { W: Float32Array; b: Float32Array; N: number; K: number }[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const [K, N] = [layers[l], layers[l + 1]];
    const W = uniform(N * K, initScale(K), next);
    const b = uniform(N, 2 ** -4, next);
    out.push({ W, b, N, K });
  }
  return out;
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
  let flops = 0;
  for (let l = 0; l + 1 < layers.length; l++) flops += 2 * layers[l] * layers[l + 1];
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
        case: `MLP ${layers.join('-')} f32, batch ${B}`, alloyMs: r.alloyMs, ortMs: r.ortMs, ratio: r.alloyMs / r.ortMs,
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
    sections: ['gemm', 'mlp'], gemmSizes: [256, 1024], batches: [1, 32],
    warmMs: 2500, samples: 31, sampleMs: 20, log: () => {}, ...opts,
  };
  if (o.warmMs < 2000 || o.samples < 21) throw new Error('ortBench: methodology needs warmMs >= 2000 and samples >= 21');
  const alloyApi = await init();
  setupOrt();
  const rows: Row[] = [];
  if (o.sections.includes('gemm')) {
    for (const n of o.gemmSizes) { rows.push(await gemmCase(n, o)); o.log(`  ${rows.at(-1)!.case}: done`); }
  }
  if (o.sections.includes('mlp')) rows.push(...(await mlpCases(o, alloyApi)));
  return rows;
}

export function ortTable(rows: Row[]): string {
  const f = (v: number | undefined, d = 1) => (v === undefined ? '' : v.toFixed(d));
  const ms = (v: number) => (v < 1 ? `${(v * 1000).toFixed(1)} us` : `${v.toFixed(2)} ms`);
  const lines = [
    '| case | Alloy | ORT-web | Alloy / ORT (latency) | Alloy GFLOP/s | ORT GFLOP/s | max abs diff |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.case} | ${ms(r.alloyMs)} | ${ms(r.ortMs)} | ${r.ratio.toFixed(2)} | ${f(r.gflopsAlloy)} | ${f(r.gflopsOrt)} | ${r.maxAbsDiff === undefined ? '' : r.maxAbsDiff.toExponential(2)} |`),
  ];
  return lines.join('\n');
}

// Run alone: node --import tsx bench/ort.ts [gemm] [mlp]
// (The name test keeps this block quiet when the module is bundled into build/bench.mjs.)
if (/[\\/]ort\.[cm]?[jt]s$/.test(process.argv[1] ?? '') && import.meta.url === new URL(process.argv[1], 'file://').href) {
  const { cpus } = await import('node:os');
  const want = process.argv.slice(2).filter((s): s is 'gemm' | 'mlp' => s === 'gemm' || s === 'mlp');
  const t0 = performance.now();
  const rows = await ortBench({ ...(want.length ? { sections: want } : {}), log: (s) => console.error(s) });
  console.log(`## Alloy vs onnxruntime-web ${ort.env.versions.web} (wasm, 1 thread, SIMD)\n`);
  console.log(`Node ${process.versions.node} (V8 ${process.versions.v8}), ${cpus()[0]?.model ?? 'unknown CPU'}. Medians of ${rows[0]?.samples} interleaved samples after >= 2.5 s warm-up per case; ratio < 1 means Alloy is faster.\n`);
  console.log(ortTable(rows));
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

// `npm run bench encoder-q`: a text encoder at sequence 128, batch 1 and 8 — Alloy f32, Alloy with
// a planned precision map (i8 / i4 / w8a8 Dense layers), onnxruntime-web f32 (wasm, one thread,
// graphOptimizationLevel all) — in one process, raced (bench/race.ts: >= 2 s round-robin warm-up,
// then interleaved samples; medians and paired ratios). The planned bundle's cosine to Alloy f32
// (mean / min over the batch's pooled embeddings) is computed by the module's
// cosine_rows_f32__scalar / stats_f64__scalar.
//
// Files (environment variables, defaults under models/text/):
//   ENCODER_ONNX     encoder.onnx            the model onnxruntime-web runs
//   ENCODER_F32      encoder.alloy           `alloy import encoder.onnx -o encoder.alloy`
//   ENCODER_PLANNED  encoder.planned.alloy   `alloy plan ... --bundle-out` or `alloy pack --map`
//   ENCODER_ROWS     (optional) token-id rows (.json, src/tools/plan/text.ts): the first rows, cut or
//                    padded (mask 0) to 128 tokens; without it ids are (i * 7919) mod 1000, mask 1.
// Inputs are fed by name like the planner's text data: *mask* -> mask, *type* -> zeros, else ids.
import { readFileSync, existsSync } from 'node:fs';
import type { Alloy } from './alloy.mjs';
import { _exports, _heap } from './alloy-internal.mjs';
import * as ort from 'onnxruntime-web';
import { raceN } from './race.ts';

const S = 128;
const env = (k: string, d: string) => process.env[k] ?? d;

export interface EncoderRow { batch: number; alloyF32Ms: number; plannedMs: number; ortMs: number; planned_f32: number; planned_ort: number; f32_ort: number; cosMean: number; cosMin: number; bytesF32: number; bytesPlanned: number }

function cosine(a: Float32Array, b: Float32Array, rows: number): { mean: number; min: number } {
  const x = _exports() as any, cols = a.length / rows;
  const pa = _heap.put(a), pb = _heap.put(b), out = _heap.alloc(rows * 8 + 16), st = _heap.alloc(64);
  try {
    x.cosine_rows_f32__scalar(pa, pb, rows, cols, out);
    x.stats_f64__scalar(out, 0, rows, st);
    const s = new Float64Array(_heap.buffer(), st, 6);
    return { mean: s[0], min: s[1] };
  } finally { for (const p of [pa, pb, out, st]) _heap.free(p); }
}

function feedsFor(names: { name: string; format: string }[], B: number): Record<string, { data: BigInt64Array | Int32Array; shape: number[] }> {
  const rowsPath = process.env.ENCODER_ROWS;
  const rows: number[][] | undefined = rowsPath ? (() => { const j = JSON.parse(readFileSync(rowsPath, 'utf8')); return Array.isArray(j) ? j : j.ids ?? j.input_ids; })() : undefined;
  const ids = new Array(B * S).fill(0), mask = new Array(B * S).fill(0);
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) {
    const r = rows?.[b % rows.length];
    if (r ? s < r.length : true) { ids[b * S + s] = r ? r[s] : ((b * S + s) * 7919) % 1000; mask[b * S + s] = 1; }
  }
  const out: Record<string, { data: BigInt64Array | Int32Array; shape: number[] }> = {};
  for (const { name, format } of names) {
    const src = /mask/i.test(name) ? mask : /type|segment/i.test(name) ? mask.map(() => 0) : ids;
    out[name] = { data: format === 'i32' ? Int32Array.from(src) : BigInt64Array.from(src, BigInt), shape: [B, S] };
  }
  return out;
}

export async function encoderBench(alloy: Alloy, batches = [1, 8]): Promise<EncoderRow[] | string> {
  const onnxPath = env('ENCODER_ONNX', 'models/text/encoder.onnx'), f32Path = env('ENCODER_F32', 'models/text/encoder.alloy'), plannedPath = env('ENCODER_PLANNED', 'models/text/encoder.planned.alloy');
  for (const p of [onnxPath, f32Path, plannedPath]) if (!existsSync(p)) return `skipped: ${p} not found (see bench/encoder-q.ts for the files it needs)`;
  const f32Bytes = new Uint8Array(readFileSync(f32Path)), plannedBytes = new Uint8Array(readFileSync(plannedPath));
  const mf = alloy.load(f32Bytes), mp = alloy.load(plannedBytes);
  ort.env.wasm.numThreads = 1; ort.env.wasm.proxy = false; ort.env.logLevel = 'error';
  ort.env.wasm.wasmPaths = new URL('../node_modules/onnxruntime-web/dist/', import.meta.url).href;
  const sess = await ort.InferenceSession.create(new Uint8Array(readFileSync(onnxPath)), { executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out: EncoderRow[] = [];
  try {
    for (const B of batches) {
      const feeds = feedsFor(mf.inputs as any, B);
      const of: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) of[k] = new ort.Tensor(v.data instanceof Int32Array ? 'int32' : 'int64', v.data, v.shape);
      const name = mf.outputs[0].name;
      const yf = mf.run(feeds as any)[name].data as Float32Array, yp = mp.run(feeds as any)[name].data as Float32Array;
      const c = cosine(yp, yf, B);
      const r = await raceN([() => mf.run(feeds as any), () => mp.run(feeds as any), () => sess.run(of)], 2000, B === 1 ? 21 : 11, B === 1 ? 150 : 400);
      out.push({ batch: B, alloyF32Ms: r.ms[0], plannedMs: r.ms[1], ortMs: r.ms[2], planned_f32: r.paired(1, 0), planned_ort: r.paired(1, 2), f32_ort: r.paired(0, 2), cosMean: c.mean, cosMin: c.min, bytesF32: f32Bytes.length, bytesPlanned: plannedBytes.length });
    }
  } finally { mf.dispose(); mp.dispose(); await sess.release(); }
  return out;
}

export function encoderTable(rows: EncoderRow[] | string): string {
  if (typeof rows === 'string') return rows;
  const head = '| batch x seq | Alloy f32 | Alloy planned | ORT f32 | planned / Alloy f32 | planned / ORT f32 | Alloy f32 / ORT f32 | cosine planned vs f32 (mean / min) |\n|---|---:|---:|---:|---:|---:|---:|---:|';
  const body = rows.map((r) => `| ${r.batch} x ${S} | ${r.alloyF32Ms.toFixed(2)} ms | ${r.plannedMs.toFixed(2)} ms | ${r.ortMs.toFixed(2)} ms | ${r.planned_f32.toFixed(2)}x | ${r.planned_ort.toFixed(2)}x | ${r.f32_ort.toFixed(2)}x | ${r.cosMean.toFixed(5)} / ${r.cosMin.toFixed(5)} |`).join('\n');
  const sz = rows[0] ? `\nBundle: f32 ${rows[0].bytesF32} B, planned ${rows[0].bytesPlanned} B (${(rows[0].bytesPlanned / rows[0].bytesF32).toFixed(3)}x).\n` : '';
  return `${head}\n${body}\n${sz}`;
}

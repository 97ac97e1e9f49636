// Helpers for the ONNX importer tests: build ModelProto bytes (shaped like PyTorch exports) with
// the importer's own proto subset, run them in onnxruntime-web (wasm, one thread, local files),
// import them into Alloy and run the bundle.
import * as ort from 'onnxruntime-web';
import { importOnnx, type ImportOptions } from '../../src/tools/import/onnx/index.ts';
import { init as initSrcWasm } from '../../src/runtime/wasm.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { getAlloy } from '../util.ts';

export { DT, buildModel, rand, type Attr, type Node, type Init, type Spec } from './onnx-build.ts';
import { rand } from './onnx-build.ts';

let ortReady = false;
export async function runOrt(model: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>): Promise<Record<string, { data: Float32Array; shape: number[] }>> {
  if (!ortReady) {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url).href;
    ort.env.logLevel = 'error';
    ortReady = true;
  }
  const sess = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', v.data, v.shape);
    const r = await sess.run(f);
    const out: Record<string, { data: Float32Array; shape: number[] }> = {};
    for (const [k, v] of Object.entries(r)) out[k] = { data: v.data as Float32Array, shape: [...v.dims] };
    return out;
  } finally {
    await sess.release();
  }
}

let srcReady = false;
/** importOnnx (from source; it runs its arithmetic in its own instance of the module). */
export async function importModel(model: Uint8Array, opts?: ImportOptions) {
  if (!srcReady) { await initSrcWasm(new URL('../../build/alloy.wasm', import.meta.url)); srcReady = true; }
  return importOnnx(model, opts);
}

export async function runAlloy(model: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>, opts?: ImportOptions) {
  const input = await importModel(model, opts);
  const a = await getAlloy();
  const m = a.load(writeBundle(input));
  try {
    return { out: m.run(feeds), input };
  } finally {
    m.dispose();
  }
}


/** max |a - b| / max(|b|, 1) and max |a - b| */
export function diff(a: Float32Array, b: Float32Array): { rel: number; abs: number } {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} vs ${b.length}`);
  let rel = 0, abs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= abs)) abs = d;
    const r = d / Math.max(Math.abs(b[i]), 1);
    if (!(r <= rel)) rel = r;
  }
  return { rel, abs };
}

/** Run both, compare every output; returns the measured diffs per output. */
export async function compare(model: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>, tol: number | ((name: string) => number) = 1e-5, opts?: ImportOptions) {
  const ref = await runOrt(model, feeds);
  const { out, input } = await runAlloy(model, feeds, opts);
  const diffs: Record<string, { rel: number; abs: number }> = {};
  for (const [k, v] of Object.entries(ref)) {
    const got = out[k];
    if (!got) throw new Error(`Alloy has no output ${k}`);
    if (JSON.stringify(got.shape) !== JSON.stringify(v.shape)) throw new Error(`output ${k}: shape ${JSON.stringify(got.shape)} vs ORT ${JSON.stringify(v.shape)}`);
    const d = diff(got.data, v.data);
    const t = typeof tol === 'number' ? tol : tol(k);
    if (!(d.rel <= t)) throw new Error(`output ${k}: Alloy vs ORT differ by ${d.rel.toExponential(3)} relative (${d.abs.toExponential(3)} abs), tolerance ${t}`);
    diffs[k] = d;
  }
  if (process.env.ONNX_DIFFS) console.log(JSON.stringify(diffs));
  return { diffs, input, ref, out };
}

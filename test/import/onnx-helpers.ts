// Helpers for the ONNX importer tests: build ModelProto bytes (shaped like PyTorch exports) with
// the importer's own proto subset, run them in onnxruntime-web (wasm, one thread, local files),
// import them into Alloy and run the bundle.
import * as ort from 'onnxruntime-web';
import { onnxRoot } from '../../src/import/onnx-proto.ts';
import { importOnnx, type ImportOptions } from '../../src/import/onnx.ts';
import { init as initSrcWasm } from '../../src/wasm.ts';
import { writeBundle } from '../../build/alloy.mjs';
import { getAlloy, rng } from '../util.ts';

export const DT = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 } as const;
type Attr = number | number[] | string | { f: number } | { fs: number[] } | { t: Init };
export interface Node { op: string; inputs: string[]; outputs: string[]; name?: string; domain?: string; attrs?: Record<string, Attr> }
export interface Init { name?: string; shape: number[]; data: ArrayBufferView | number[]; type?: keyof typeof DT }
export interface Spec {
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: { name: string; shape?: (number | string)[] }[];
  inits?: (Init & { name: string })[];
  nodes: Node[];
  opset?: number;
}

function tensorProto(t: Init) {
  const type = t.type ?? 'float';
  if (Array.isArray(t.data)) {
    if (type === 'int64') return { name: t.name, dims: t.shape, data_type: DT.int64, int64_data: t.data };
    if (type === 'float') return { name: t.name, dims: t.shape, data_type: DT.float, float_data: t.data };
    return { name: t.name, dims: t.shape, data_type: DT[type], int32_data: t.data };
  }
  const d = t.data as ArrayBufferView;
  return { name: t.name, dims: t.shape, data_type: DT[type], raw_data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

function attr(name: string, v: Attr) {
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('f' in v) return { name, type: 1, f: v.f };
  if ('fs' in v) return { name, type: 6, floats: v.fs };
  return { name, type: 4, t: tensorProto(v.t) };
}

export function buildModel(s: Spec): Uint8Array {
  const T = onnxRoot().lookupType('onnx.ModelProto');
  const opset = s.opset ?? 17;
  const vi = (name: string, shape?: (number | string)[]) => ({
    name, type: { tensor_type: { elem_type: DT.float, ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}) } },
  });
  const msg = {
    ir_version: opset >= 21 ? 10 : 8, producer_name: 'alloy-test', producer_version: '1.0',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: s.nodes.map((n, i) => ({ name: n.name ?? `/${n.op}_${i}`, op_type: n.op, input: n.inputs, output: n.outputs, ...(n.domain ? { domain: n.domain } : {}), attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)) })),
      initializer: (s.inits ?? []).map(tensorProto),
      input: s.inputs.map((v) => vi(v.name, v.shape)),
      output: s.outputs.map((v) => vi(v.name, v.shape)),
    },
  };
  const err = T.verify(msg);
  if (err) throw new Error(`buildModel: ${err}`);
  return T.encode(T.fromObject(msg)).finish();
}

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

export const rand = (n: number, seed: number, scale = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * scale); };

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

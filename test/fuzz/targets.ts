// Fuzz targets and the oracle. An input passes when it ends in an AlloyError with a known code,
// or in a valid run (outputs of the declared shapes, NaNs canonical); it fails on any other
// exception (TypeError, RangeError, a raw WebAssembly.RuntimeError, ...), on taking more than
// 1 s, on wasm memory above the cap, or when the canary model stops giving its golden bytes
// (a sign that an earlier input wrote where it must not).
import { AlloyError, validatePrecisionMap, readBundle } from '../../build/alloy.mjs';
import { _exports } from '../../build/alloy-internal.mjs';
import type { Alloy } from '../../build/alloy.mjs';
import { seeds } from './seeds.ts';
import { mutateBundle, mutatePrecision, makeRng, type World, type Mutated } from './mutate.ts';
import { onnxSeeds, mutateOnnx, importToBundle, isAlloyError, importerMemoryBytes, type OnnxInput } from './onnx.ts';
import { tfliteSeeds, mutateTflite, importTflite } from './tflite.ts';

/** Load limits for fuzzing: small enough that no input can reach the memory cap. */
export const FUZZ_LIMITS = { maxHeaderBytes: 1 << 20, maxTensorElements: 1 << 20, maxTensors: 2000, maxNodes: 2000, maxArenaBytes: 64 << 20, maxIterations: 1 << 10 };
export const MEMORY_CAP = 512 << 20;
export const TIME_CAP_MS = 1000;
export const CODES = new Set(['BAD_ARGUMENT', 'UNKNOWN_FORMAT', 'BAD_OPTION', 'WASM_TRAP', 'BAD_MAGIC', 'BAD_VERSION', 'BUNDLE_TRUNCATED', 'BAD_HEADER',
  'BAD_TENSOR', 'BAD_OFFSET', 'BAD_CHECKSUM', 'BAD_GRAPH', 'UNSUPPORTED_OP', 'SHAPE_MISMATCH', 'MISSING_INPUT', 'LIMIT_EXCEEDED', 'BAD_PRECISION_MAP',
  // a run-time value an operator cannot take (a Loop's trip count of shape [0], an index out of range)
  'BAD_INPUT']);
/** Codes that a fuzzed input may produce, but that point at a kernel reading or writing out of
 *  bounds: counted and reported, and the runner saves the input. */
export const SUSPICIOUS = new Set(['WASM_TRAP']);
export const OPS = ['Dense', 'Conv', 'DepthwiseConv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Sub', 'Mul', 'Div', 'Relu', 'Relu6', 'Clip',
  'LeakyRelu', 'Sigmoid', 'Tanh', 'Gelu', 'HardSwish', 'Softmax', 'Reshape', 'Flatten', 'Transpose', 'Pad', 'Concat', 'PRelu', 'LogSoftmax', 'LayerNorm',
  'Resize', 'FakeQuant', 'ResizeNd', 'GridSample'];

export class FuzzFailure extends Error {
  constructor(readonly kind: 'exception' | 'slow' | 'memory' | 'canary' | 'output' | 'hang', message: string, readonly cause?: unknown) { super(`${kind}: ${message}`); }
}

export function world(alloy: Alloy): World {
  const x = _exports();
  const xxh32 = (d: Uint8Array) => {
    const p = x.alloc(d.length);
    try { new Uint8Array(x.memory.buffer, p, d.length).set(d); return x.xxh32(p, d.length, 0) >>> 0; } finally { x.free(p); }
  };
  return { formats: alloy.formats.map((f) => ({ name: f.name, bits: f.bits, kind: f.kind, element: f.element })), ops: OPS, xxh32 };
}

/** digest: FNV-1a over the output bits (the decodeWeights differential compares it). */
export type Outcome = { ok: true; runs: number; digest?: number; kernels?: string[] } | { ok: false; code: string };

const elements = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Random elements of an input's element type (f32: small values and a few specials). */
function feedData(t: string, n: number, r: ReturnType<typeof makeRng>): any {
  if (t === 'f32') {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = ((r.u32() >>> 8) - 8388608) * 2 ** -22;
    if (n && r.chance(0.2)) data[r.int(n)] = r.pick([NaN, Infinity, -Infinity, 3.4e38, -0]);
    return data;
  }
  const T: Record<string, any> = { f64: Float64Array, i64: BigInt64Array, u64: BigUint64Array, i32: Int32Array, u32: Uint32Array, i16: Int16Array, u16: Uint16Array, f16: Uint16Array, bf16: Uint16Array, i8: Int8Array, u8: Uint8Array, bool: Uint8Array };
  const data = new T[t](n);
  const big = t === 'i64' || t === 'u64';
  for (let i = 0; i < n; i++) { const v = t === 'bool' ? r.int(2) : r.int(9) - (t[0] === 'u' ? 0 : 4); data[i] = big ? BigInt(v) : v; }
  return data;
}

/** Load, run once with inputs that match the declared shapes, check the outputs, dispose. */
export function execute(alloy: Alloy, bytes: Uint8Array, options: Record<string, unknown>, feedSeed: number): Outcome {
  let model: any;
  try {
    model = alloy.load(bytes, { ...FUZZ_LIMITS, ...options });
    const r = makeRng(feedSeed, 7, 0);
    const batch = 1 + r.int(6); // 4 and more: the kernels' 4-row tiles
    const feeds: Record<string, any> = {};
    for (const v of model.inputs) {
      const shape = v.shape.map((d: number, i: number) => (d === -1 ? (i === 0 ? batch : 1 + r.int(4)) : d));
      const n = elements(shape);
      if (!Number.isSafeInteger(n) || n > 1 << 20) return { ok: true, runs: 0 }; // a valid model whose input we will not build
      const data = feedData(v.format, n, r);
      const dyn = v.shape.filter((d: number) => d === -1).length;
      feeds[v.name] = dyn > 1 || r.chance(0.7) ? { data, shape } : data;
    }
    const out = model.run(feeds);
    let digest = 0x811c9dc5;
    for (const o of model.outputs) {
      const t = out[o.name];
      if (!t || !ArrayBuffer.isView(t.data) || t.dtype !== o.format || !Array.isArray(t.shape) || elements(t.shape) !== (t.data as any).length) throw new FuzzFailure('output', `output ${JSON.stringify(o.name)} missing, of the wrong type or of the wrong size`);
      if (t.dtype === 'f32') {
        const f = t.data as Float32Array, w = new Uint32Array(f.buffer, f.byteOffset, f.length);
        for (let i = 0; i < w.length; i++) if (f[i] !== f[i] && w[i] !== 0x7fc00000) throw new FuzzFailure('output', `output ${JSON.stringify(o.name)}[${i}] is a NaN with bits ${w[i].toString(16)}, not the canonical 7fc00000`);
      }
      const b = t.data as ArrayBufferView;
      const u = b.byteLength % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < u.length; i++) digest = Math.imul(digest ^ u[i], 0x01000193);
    }
    return { ok: true, runs: 1, digest: digest >>> 0, kernels: model.layers.flatMap((l: any) => (l.kernel ? [l.kernel] : [])) };
  } catch (e) {
    if (e instanceof FuzzFailure) throw e;
    if ((e instanceof AlloyError || isAlloyError(e)) && CODES.has((e as AlloyError).code)) return { ok: false, code: (e as AlloyError).code };
    throw new FuzzFailure('exception', `${(e as Error)?.name}: ${(e as Error)?.message}`, e);
  } finally {
    try { model?.dispose(); } catch (e) { throw new FuzzFailure('exception', `dispose(): ${(e as Error)?.message}`, e); }
  }
}

/** execute() three ways: as given, with decodeWeights, and with kernels: 'reference' (every kernel
 *  call to its scalar reference). Each must give the same outcome: the same error code, or the
 *  same output bits. A differential oracle. */
export function executeVariants(alloy: Alloy, bytes: Uint8Array, options: Record<string, unknown>, feedSeed: number): Outcome {
  const a = execute(alloy, bytes, options, feedSeed);
  const say = (o: Outcome) => (o.ok ? (o.runs ? `outputs with digest ${o.digest}` : 'no run') : `error ${o.code}`);
  for (const variant of [{ decodeWeights: true }, { kernels: 'reference' }]) {
    const b = execute(alloy, bytes, { ...options, ...variant }, feedSeed);
    const same = a.ok ? b.ok && b.digest === a.digest : !b.ok && b.code === a.code;
    if (!same) throw new FuzzFailure('output', `${JSON.stringify(variant)} gave ${say(b)}, the default load ${say(a)}`);
    // the option took effect: the weighted layers ran on references (equal bits alone would not show it)
    const fast = b.ok && 'kernels' in variant ? b.kernels?.find((k) => !k.endsWith('__scalar')) : undefined;
    if (fast) throw new FuzzFailure('output', `{"kernels":"reference"} ran ${fast}`);
  }
  return a;
}

export interface Target {
  name: string;
  /** the input number `index` (bytes and load options) */
  input(seed: number, index: number): Mutated;
  /** run one input through the oracle; returns the outcome or throws FuzzFailure */
  run(input: Mutated, seed: number, index: number): Outcome;
}

export function targets(alloy: Alloy): Record<string, Target> {
  const w = world(alloy);
  const seedBytes = seeds().map((s) => s.bytes);
  const onnxSeedBytes = onnxSeeds().map((s) => s.bytes);
  const tfliteSeedBytes = tfliteSeeds().map((s) => s.bytes);
  return {
    bundle: {
      name: 'bundle',
      input: (seed, index) => mutateBundle(w, seedBytes, seed, index),
      run(input, seed, index) {
        // readBundle alone first (it is public), then the full load + run.
        try { readBundle(input.bytes, FUZZ_LIMITS); } catch (e) {
          if (!(e instanceof AlloyError)) throw new FuzzFailure('exception', `readBundle: ${(e as Error)?.name}: ${(e as Error)?.message}`, e);
        }
        return executeVariants(alloy, input.bytes, {}, seed ^ index);
      },
    },
    precision: {
      name: 'precision',
      input: (seed, index) => mutatePrecision(w, seedBytes, seed, index),
      run(input, seed, index) {
        const m = input as ReturnType<typeof mutatePrecision>;
        try { validatePrecisionMap(m.map, m.nodeNames); } catch (e) {
          if (!(e instanceof AlloyError) || (e as AlloyError).code !== 'BAD_PRECISION_MAP') throw new FuzzFailure('exception', `validatePrecisionMap: ${(e as Error)?.name}: ${(e as Error)?.message}`, e);
        }
        return executeVariants(alloy, input.bytes, input.precision === undefined ? {} : { precision: input.precision }, seed ^ index);
      },
    },
    onnx: {
      name: 'onnx',
      input: (seed, index) => mutateOnnx(onnxSeedBytes, seed, index),
      run: (input, seed, index) => runOnnx(alloy, input as OnnxInput, seed ^ index),
    },
    tflite: {
      name: 'tflite',
      input: (seed, index) => mutateTflite(tfliteSeedBytes, seed, index),
      run: (input, seed, index) => runTflite(alloy, input, seed ^ index),
    },
  };
}

/** The onnx target's oracle: importOnnx + writeBundle end in an AlloyError with a known code or a
 *  bundle, which then goes through execute() (load + run + output checks). The importer's own
 *  instance of the module must stay under the memory cap too. */
export function runOnnx(alloy: Alloy, input: OnnxInput, feedSeed: number): Outcome {
  let r;
  try { r = importToBundle(input); } catch (e) {
    throw new FuzzFailure('exception', `${(e as any)?.stage ?? 'import'}: ${(e as Error)?.name}: ${(e as Error)?.message}`, e);
  }
  if (importerMemoryBytes() > MEMORY_CAP) throw new FuzzFailure('memory', `importer wasm memory ${importerMemoryBytes()} bytes`);
  if ('code' in r) {
    if (!CODES.has(r.code)) throw new FuzzFailure('exception', `importer AlloyError with an unexpected code ${r.code}`);
    return { ok: false, code: r.code };
  }
  return executeVariants(alloy, r.bytes, {}, feedSeed);
}

/** The tflite target's oracle: as runOnnx, with importTflite. */
export function runTflite(alloy: Alloy, input: Mutated, feedSeed: number): Outcome {
  let r;
  try { r = importToBundle(input, (b) => importTflite(b)); } catch (e) {
    throw new FuzzFailure('exception', `${(e as any)?.stage ?? 'import'}: ${(e as Error)?.name}: ${(e as Error)?.message}`, e);
  }
  if (importerMemoryBytes() > MEMORY_CAP) throw new FuzzFailure('memory', `importer wasm memory ${importerMemoryBytes()} bytes`);
  if ('code' in r) {
    if (!CODES.has(r.code)) throw new FuzzFailure('exception', `importer AlloyError with an unexpected code ${r.code}`);
    return { ok: false, code: r.code };
  }
  return executeVariants(alloy, r.bytes, {}, feedSeed);
}

/** Golden output of a seed model; checked every so often to catch heap corruption. */
export function canary(alloy: Alloy): () => void {
  const bytes = seeds()[1].bytes; // the all-operator graph
  const x = new Float32Array(2 * 8 * 8 * 2).map((_, i) => ((i * 37) % 17) / 8 - 1);
  const once = () => { const m = alloy.load(bytes); try { const r = m.run({ x }); return [...new Uint8Array(r.y.data.buffer), ...new Uint8Array(r.g.data.buffer)].join(','); } finally { m.dispose(); } };
  const golden = once();
  return () => { if (once() !== golden) throw new FuzzFailure('canary', 'the canary model no longer gives its golden output (heap corruption?)'); };
}

export interface Stats { target: string; inputs: number; ok: number; runs: number; codes: Record<string, number>; failures: { index: number; kind: string; message: string }[]; ms: number; slowestMs: number; slowestIndex: number; memoryBytes: number }

/** Run inputs [start, start + count) of a target in this thread, within `budgetMs` if given.
 *  `progress` is told the index before each input (the watchdog reads it). */
export function fuzz(alloy: Alloy, target: Target, seed: number, start: number, count: number, opts: { budgetMs?: number; progress?: (i: number) => void; onFailure?: (f: { index: number; kind: string; message: string; input: Mutated }) => void } = {}): Stats {
  const check = canary(alloy);
  const st: Stats = { target: target.name, inputs: 0, ok: 0, runs: 0, codes: {}, failures: [], ms: 0, slowestMs: 0, slowestIndex: -1, memoryBytes: 0 };
  const t0 = performance.now();
  for (let i = start; i < start + count; i++) {
    if (opts.budgetMs !== undefined && performance.now() - t0 > opts.budgetMs) break;
    opts.progress?.(i);
    const input = target.input(seed, i);
    const a = performance.now();
    let failure: FuzzFailure | null = null;
    try {
      const o = target.run(input, seed, i);
      if (o.ok) { st.ok++; st.runs += o.runs; } else st.codes[o.code] = (st.codes[o.code] ?? 0) + 1;
    } catch (e) {
      failure = e instanceof FuzzFailure ? e : new FuzzFailure('exception', String(e), e);
    }
    const ms = performance.now() - a;
    if (ms > st.slowestMs) { st.slowestMs = ms; st.slowestIndex = i; }
    if (!failure && ms > TIME_CAP_MS) failure = new FuzzFailure('slow', `took ${ms.toFixed(0)} ms`);
    if (!failure && alloy.memoryBytes() > MEMORY_CAP) failure = new FuzzFailure('memory', `wasm memory ${alloy.memoryBytes()} bytes`);
    if (!failure && i % 500 === 0) { try { check(); } catch (e) { failure = e as FuzzFailure; } }
    if (failure) {
      const f = { index: i, kind: failure.kind, message: failure.message + ((failure.cause as Error)?.stack ? `\n${(failure.cause as Error).stack!.split('\n').slice(0, 6).join('\n')}` : '') };
      st.failures.push(f);
      opts.onFailure?.({ ...f, input });
      if (failure.kind === 'memory' || failure.kind === 'canary') break; // the instance cannot be trusted any more
    }
    st.inputs++;
  }
  st.ms = performance.now() - t0;
  st.memoryBytes = alloy.memoryBytes();
  return st;
}

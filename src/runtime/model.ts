// A loaded bundle: validated graph of typed values, weights and constants in wasm memory, and per
// input-shape signature a memory plan (./plan.ts) that places every value in one arena by its
// lifetime.

import { get, guard, type Exports } from './wasm.js';
import * as heap from './heap.js';
import { fail } from './errors.js';
import { readHeader, isChecksumError, resolveLimits, DEFAULT_LIMITS, type Limits } from './bundle/read.js';
import { TensorCheck } from './bundle/hash.js';
import { GraphCheck } from './bundle/graph.js';
import { elements, weightInput, tensorEntry } from './bundle/layout.js';
import { isArrayOf, arrayName, view, dtypeBytes as dtypeSize, type DType, type TensorData } from './dtype.js';
import { analyse, PlanCache, runSteps, copyOut, type Graph, type Const, type NodeOutput } from './plan.js';
import type { ValueInfo } from './bundle/layout.js';
import type { Weight } from './ops/index.js';
import { referenceView } from './kernels.js';
import { validatePrecisionMap, resolve, checkOverride, type PrecisionMap } from './precision.js';
// control flow and non-tensor values (docs/ARCHITECTURE.md, "Control flow and sequences")
import { buildNodes, isHost, type Built, type Rec, type BuildEnv } from './build.js';
import { Program, type Env } from './control/program.js';
import { vkind, isContainer, fromJs, looseTensor, toJs, tensorOf, type HValue, type JsValue } from './control/value.js';

export type { NodeOutput } from './plan.js';

export interface LoadOptions extends Partial<Limits> {
  /** override activations / accumulator / rounding per layer (weights stay as stored) */
  precision?: PrecisionMap;
  /** largest activation arena plus scratch for one batch size, bytes (1 GiB by default) */
  maxArenaBytes?: number;
  /** Dense weights in float and MX formats (f16, bf16, fp8, fp6, fp4, MX*) decoded to f32 once,
   *  here, as conv layers always do: the same output bits (the decode is the kernels' own, and
   *  exact), the speed of f32 weights, 2-8x their weight memory. Affine integer weights are never
   *  decoded: their kernels apply the scale to each group's sum, which decoded weights would not
   *  reproduce bit for bit. Default false. */
  decodeWeights?: boolean;
  /** 'reference': every kernel call goes to its scalar reference (src/runtime/kernels.ts), on unpacked
   *  weights: the outputs must be the same bits as 'fast' (the default), many times slower. For
   *  checking a result, and for the fuzzers' differential oracle. */
  kernels?: 'fast' | 'reference';
}

const LOAD_OPTIONS = new Set(['precision', 'maxArenaBytes', 'decodeWeights', 'kernels', ...Object.keys(DEFAULT_LIMITS)]);

export const DEFAULT_MAX_ARENA_BYTES = 2 ** 30;
/** Memory plans kept per model (one per input-shape signature; the least recently used goes). */
const PLAN_CACHE = 4;

export interface TensorOut { data: TensorData; shape: number[]; dtype: DType }
/** An input: its elements in the typed array of its element type (Float32Array for f32,
 *  BigInt64Array for i64, Uint8Array for bool and u8, Uint16Array holding f16 / bf16 bits, ...),
 *  with its shape unless the input has at most one dimension given at run time. */
export type Feed = TensorData | { data: TensorData; shape: number[] };

export interface RunOptions {
  /** called after every node, for each of its outputs, in graph order (statistics, debugging).
   *  It must not call this model's run(). Its exceptions propagate out of run(). */
  onNode?: (node: NodeOutput) => void;
}

export class Model {
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  readonly metadata: Record<string, unknown>;
  /** Per node: its weights' stored format, the format they are held in at run time ('f32' where
   *  decoded at load) and the module export that reads them (the kernel path: 'gemm_fused_f32_f32__simd128_4x8',
   *  'conv2d_f32_f32_f32__scalar', ...), null without weights; the activation and accumulator formats the
   *  precision map resolves to, as this model runs them. */
  layers: { name: string; op: string; weights: string | null; weightsHeld: string | null; kernel: string | null; activations: string; accumulator: string }[] = [];
  readonly precision: unknown;
  private nodes: Rec[] = [];
  private consts = new Map<string, Const>();
  private g: Graph | null = null;
  private plans: PlanCache | null = null;
  /** a graph with control flow or sequences / optionals runs as a Program (control/program.ts);
   *  `built` holds its nodes until it is made */
  private prog: Program | null = null;
  private built: Built[] = [];
  private maxIterations = 0;
  private disposed = false;
  /** the exports run() calls (the reference kernels with kernels: 'reference') */
  private kernels: Exports;

  constructor(bytes: Uint8Array | ArrayBuffer, options: LoadOptions = {}) {
    // A plain Uint8Array view: subarray() of a Node Buffer runs Node's own JavaScript, cold at load.
    const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes instanceof Uint8Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    if (typeof options !== 'object' || options === null) fail('BAD_OPTION', 'load(): options must be an object');
    // A misspelt option would otherwise be ignored without a word.
    for (const k of Object.keys(options)) if (!LOAD_OPTIONS.has(k)) fail('BAD_OPTION', `load(): unknown option ${JSON.stringify(k)} (known: ${[...LOAD_OPTIONS].join(', ')})`);
    const decodeWeights = options.decodeWeights ?? false;
    if (typeof decodeWeights !== 'boolean') fail('BAD_OPTION', `load(): options.decodeWeights ${JSON.stringify(decodeWeights)} is not a boolean`);
    const mode = options.kernels ?? 'fast';
    if (mode !== 'fast' && mode !== 'reference') fail('BAD_OPTION', `load(): options.kernels ${JSON.stringify(mode)} is not 'fast' or 'reference'`);
    const reference = mode === 'reference';
    this.kernels = reference ? referenceView(get()) : get();
    const limits = resolveLimits(options);
    const maxArena = options.maxArenaBytes === undefined ? DEFAULT_MAX_ARENA_BYTES : options.maxArenaBytes;
    if (!Number.isSafeInteger(maxArena) || maxArena < 0) fail('BAD_OPTION', `load(): options.maxArenaBytes ${JSON.stringify(maxArena)} is not a non-negative integer`);
    const { header, data } = readHeader(u8, limits);
    // Tensor checksums are taken on the copies the operators make (TensorCheck), and all of them
    // are checked before anything else is reported: corrupt data fails with BAD_CHECKSUM whatever
    // else is wrong.
    const check = new TensorCheck(data, header.tensors);
    try {
      // The reader's graph checks (bundle/graph.ts), interleaved with the operator builders.
      const graph = new GraphCheck(header, limits), g = graph.graph;
      this.metadata = header.metadata ?? {};
      const nodeNames = g.nodes.map((n) => n?.name);
      const map = header.precision == null ? null : validatePrecisionMap(header.precision, nodeNames, 'bundle precision map');
      const override = options.precision == null ? null : validatePrecisionMap(options.precision, nodeNames, 'load() options.precision');
      if (override) checkOverride(override);
      this.precision = header.precision ?? null;
      const x = this.kernels;
      const weights = new Map<string, Weight>();
      for (const [name, t] of Object.entries(header.tensors)) {
        weights.set(name, { entry: t, bytes: data.subarray(t.offset, t.offset + t.bytes), put: (size) => check.copy(name, size) });
      }

      this.inputs = graph.inputs();

      // Nodes must be in topological order: every input already known (this also rules out cycles).
      this.maxIterations = limits.maxIterations;
      const env: BuildEnv = { header, weights, limits, map, override, decodeWeights, reference, kernels: x, consts: this.consts, maxArenaBytes: maxArena };
      this.built = buildNodes(env, graph, g.nodes, (node, _i, b) => {
        const precision = isHost(b) ? resolve(map, node.name, override) : b.precision;
        const prep = isHost(b) ? undefined : b.prep;
        const wIdx = weightInput(node.op), w = wIdx !== undefined ? tensorEntry(header, node.inputs[wIdx]) : undefined;
        this.layers.push({ name: node.name, op: node.op, weights: w ? w.format : null, weightsHeld: w ? prep?.weightsHeld ?? null : null, kernel: w ? prep?.kernel ?? null : null, activations: precision.activations, accumulator: precision.accumulator });
      });
      this.outputs = graph.outputs();
      check.rest();
      if (this.built.some(isHost) || [...this.inputs, ...this.outputs].some((v) => isContainer(v.format))) {
        this.prog = new Program(env, this.built, this.inputs.map((v) => v.name), this.outputs.map((v) => v.name), graph.typeOf);
        this.built = [];
        return;
      }
      this.nodes = this.built as Rec[];
      this.built = [];
      const types = new Map(graph.types);
      for (const [name, c] of this.consts) types.set(name, c.dtype);
      // the slots of outputs nobody reads ('') are typed like any output
      for (const n of this.nodes) n.outs.forEach((o, k) => { if (o.startsWith('\u0000')) types.set(o, n.types[k] ?? 'f32'); });
      const ins = this.inputs.map((v) => ({ name: v.name, dtype: v.format as DType }));
      const { planNodes, keyInputs } = analyse({ nodes: this.nodes, consts: this.consts, inputs: ins });
      this.g = { nodes: this.nodes, inputs: ins, outputs: this.outputs.map((v) => v.name), consts: this.consts, types, planNodes, keyInputs, maxTensorElements: limits.maxTensorElements, maxArenaBytes: maxArena };
      this.plans = new PlanCache(this.g, PLAN_CACHE);
    } catch (e) {
      this.dispose();
      if (!isChecksumError(e)) check.rest();
      throw e;
    }
  }

  /** Per Dense layer with `recompute` (docs/EXPERIMENTS.md, section A): runs, outputs computed
   *  and outputs recomputed in f32 since load or the last reset. */
  recomputeStats(): import('./ops/dense.js').RecomputeCounter[] {
    return this.nodes.flatMap((n) => (n.prep.recompute ? [{ ...n.prep.recompute }] : []));
  }

  resetRecomputeStats(): void {
    for (const n of this.nodes) if (n.prep.recompute) Object.assign(n.prep.recompute, { runs: 0, outputs: 0, recomputed: 0 });
  }

  /** Bytes of the activation arena of the last run (0 before the first). */
  get arenaBytes(): number { return this.prog ? this.prog.bytes : this.plans?.plans[this.plans.plans.length - 1]?.bytes ?? 0; }

  /** A feed's shape: given, or from its length when at most one dimension is -1. */
  private feedShape(v: ValueInfo, f: Feed, data: TensorData, where: string): number[] {
    const given = ArrayBuffer.isView(f) ? null : (f as { shape: unknown }).shape;
    if (given != null) {
      const ok = Array.isArray(given) && given.length === v.shape.length &&
        given.every((d, i) => Number.isSafeInteger(d) && d >= 0 && (v.shape[i] === -1 || d === v.shape[i]));
      if (!ok) fail('SHAPE_MISMATCH', `${where} has shape ${JSON.stringify(given)}, expected ${JSON.stringify(v.shape)} (-1: any size)`);
      if (elements(given as number[]) !== data.length) fail('SHAPE_MISMATCH', `${where} has ${data.length} values, its shape ${JSON.stringify(given)} needs ${elements(given as number[])}`);
      return [...(given as number[])];
    }
    const dyn = v.shape.filter((d) => d === -1).length;
    if (dyn > 1) fail('SHAPE_MISMATCH', `${where}: shape ${JSON.stringify(v.shape)} has ${dyn} dimensions given at run time: pass { data, shape }`);
    const fixed = elements(v.shape.filter((d) => d !== -1));
    const d = dyn ? data.length / fixed : fixed;
    if (!Number.isInteger(d) || (dyn ? d * fixed : fixed) !== data.length) fail('SHAPE_MISMATCH', `${where} has ${data.length} values, expected ${dyn ? 'a multiple of ' : ''}${fixed} matching ${JSON.stringify(v.shape)}`);
    return v.shape.map((s) => (s === -1 ? d : s));
  }

  run(feeds: Record<string, Feed>, options?: RunOptions): Record<string, TensorOut> {
    if (this.disposed) fail('DISPOSED', 'run(): this model was disposed');
    if (typeof feeds !== 'object' || feeds === null) fail('BAD_ARGUMENT', 'run(): feeds must be an object { inputName: TypedArray | { data, shape } }');
    if (options !== undefined && (typeof options !== 'object' || options === null)) fail('BAD_OPTION', 'run(): options must be an object');
    const onNode = options?.onNode;
    if (onNode !== undefined && typeof onNode !== 'function') fail('BAD_OPTION', 'run(): options.onNode must be a function');
    if (this.prog) return this.runProgram(feeds, onNode) as Record<string, TensorOut>;
    const shapes = new Map<string, number[]>();
    const bytes = new Map<string, Uint8Array>();
    for (const v of this.inputs) {
      const where = `run(): input ${JSON.stringify(v.name)}`;
      const f = feeds[v.name];
      if (f === undefined) fail('MISSING_INPUT', `${where} is missing`);
      const t = v.format as DType;
      const data = (ArrayBuffer.isView(f) ? f : (f as { data?: unknown })?.data) as TensorData;
      if (!isArrayOf(t, data)) fail('BAD_ARGUMENT', `${where} is ${t}: pass a ${arrayName(t)} or { data: ${arrayName(t)}, shape }`);
      shapes.set(v.name, this.feedShape(v, f, data, where));
      bytes.set(v.name, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    const plan = this.plans!.get(shapes, bytes);
    const at = plan.at;
    const mem = new Uint8Array(heap.buffer());
    for (const [name, b] of bytes) mem.set(b, at(name));
    const x = this.kernels;
    runSteps(this.nodes, plan, x, onNode);
    const out: Record<string, TensorOut> = {};
    for (const v of this.outputs) {
      const shape = plan.shapes.get(v.name)!, t = v.format as DType;
      const copy = copyOut(x, t, at(v.name), shape);
      out[v.name] = { data: view(t, copy.buffer as ArrayBuffer, 0, elements(shape)), shape: [...shape], dtype: t };
    }
    return out;
  }

  /** run() of a graph with control flow or non-tensor values: a tensor output as TensorOut, a
   *  sequence as an array of them, an optional as one or null. */
  private runProgram(feeds: Record<string, unknown>, onNode?: (o: NodeOutput) => void): Record<string, JsValue> {
    const vals = this.inputs.map((v): HValue => {
      const where = `run(): input ${JSON.stringify(v.name)}`;
      const f = feeds[v.name];
      if (f === undefined) fail('MISSING_INPUT', `${where} is missing`);
      const k = vkind(v.format)!;
      if (k.k !== 't') return fromJs(f, k, where, looseTensor);
      const data = (ArrayBuffer.isView(f) ? f : (f as { data?: unknown })?.data) as TensorData;
      if (!isArrayOf(k.dtype, data)) fail('BAD_ARGUMENT', `${where} is ${k.dtype}: pass a ${arrayName(k.dtype)} or { data: ${arrayName(k.dtype)}, shape }`);
      return tensorOf(k.dtype, this.feedShape(v, f as Feed, data, where), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    // the root scope: stored tensors read as values
    const root: Env = {
      get: (n) => {
        const c = this.consts.get(n);
        if (!c) throw new Error(`run: value ${n} is not in scope`); // graph validation rules this out
        return tensorOf(c.dtype, c.shape, heap.u8(c.ptr, elements(c.shape) * dtypeSize(c.dtype)).slice());
      },
      x: this.kernels, onNode, budget: { left: this.maxIterations, max: this.maxIterations },
    };
    const outs = this.prog!.run(root, vals);
    const out: Record<string, JsValue> = {};
    this.outputs.forEach((v, i) => { out[v.name] = toJs(outs[i]); });
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const n of this.nodes) n.prep.dispose();
    this.nodes = [];
    for (const b of this.built) (isHost(b) ? b : b.prep).dispose();
    this.built = [];
    this.prog?.dispose();
    this.prog = null;
    for (const c of this.consts.values()) heap.free(c.ptr);
    this.consts.clear();
    this.plans?.dispose();
    this.plans = null;
  }
}

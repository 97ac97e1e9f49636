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
import { isArrayOf, arrayName, view, dtypeBytes, type DType, type TensorData } from './dtype.js';
import { makePlan, freePlan, analyse, type Graph, type NodeRec, type Plan, type Const } from './plan.js';
import type { ValueInfo } from './bundle/layout.js';
import { OPS, type Weight } from './ops/index.js';
import { referenceView } from './kernels.js';
import { validatePrecisionMap, resolve, checkOverride, type PrecisionMap, type ResolvedPrecision } from './precision.js';
import { formatByName } from './formats.js';
import { roundCode, OVERFLOW } from './tables.js';

// Emulated activations overflow as f16 hardware does (to inf).
const IEEE_OVERFLOW = OVERFLOW.indexOf('ieee');

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

/** One node's output, as `run()` just computed it (after the emulated f16 / bf16 rounding). */
export interface NodeOutput {
  name: string;
  op: string;
  /** the output value's name */
  output: string;
  shape: number[];
  dtype: DType;
  /** the layer's activation format: 'f32', 'f16', 'bf16' (emulated) or 'i8' */
  activations: string;
  /** a view of the output in wasm memory: valid only during the callback, do not keep or write it */
  data: TensorData;
}
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
  private nodes: (NodeRec & { precision: ResolvedPrecision })[] = [];
  private consts = new Map<string, Const>();
  private g: Graph | null = null;
  private plans: Plan[] = [];
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
      // Own keys only: "constructor" or "toString" must not find Object.prototype's functions.
      const builder = (op: unknown) => (typeof op === 'string' && Object.hasOwn(OPS, op) ? OPS[op] : undefined);
      const unsupported: string[] = [];
      for (const node of g.nodes) if (!builder(node?.op)) unsupported.push(`${node?.op} (${node?.name})`);
      if (unsupported.length) fail('UNSUPPORTED_OP', `unsupported operators: ${unsupported.join(', ')}`);
      for (let i = 0; i < g.nodes.length; i++) {
        const node = g.nodes[i];
        const where = graph.node(i);
        const precision = resolve(map, node.name, override);
        const prep = guard(where, () => builder(node.op)!({ node, weights, precision, where, decodeWeights, reference, kernels: x, typeOf: graph.typeOf }));
        const types = prep.outTypes ?? ['f32'];
        try {
          graph.reads(where, prep.valueInputs);
          // a builder without outTypes is an f32 operator: f32 in, f32 out
          if (!prep.outTypes) for (const v of prep.valueInputs) if (graph.typeOf(v) !== 'f32') fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v)} is ${graph.typeOf(v)}; ${node.op} takes f32`);
          graph.produces(where, node.outputs, types);
          // stored tensors read as values: one block each, shared by every reader
          for (const v of prep.valueInputs) {
            const w = weights.get(v);
            if (w && !this.consts.has(v)) this.consts.set(v, { ptr: w.put(), shape: [...w.entry.shape], dtype: graph.typeOf(v)! });
          }
        } catch (e) { prep.dispose(); throw e; }
        // an output nobody reads ('') still needs a slot: a name no value can have
        const outs = node.outputs.map((o, k) => o || `\u0000${i}.${k}`);
        // Emulated f16 / bf16 activations round f32 outputs (IEEE overflow, as f16 hardware would).
        const a = precision.activations;
        const roundFmt = types[0] === 'f32' && (a === 'f16' || a === 'bf16') ? formatByName(a).id : 0;
        this.nodes.push({ name: node.name, op: node.op, outs, types, prep, precision, where: `node ${JSON.stringify(node.name)}`, roundFmt, round: roundCode(precision.round) });
        const wIdx = weightInput(node.op), w = wIdx !== undefined ? tensorEntry(header, node.inputs[wIdx]) : undefined;
        this.layers.push({ name: node.name, op: node.op, weights: w ? w.format : null, weightsHeld: w ? prep.weightsHeld ?? null : null, kernel: w ? prep.kernel ?? null : null, activations: precision.activations, accumulator: precision.accumulator });
      }
      this.outputs = graph.outputs();
      check.rest();
      const types = new Map(graph.types);
      for (const [name, c] of this.consts) types.set(name, c.dtype);
      // the slots of outputs nobody reads ('') are typed like any output
      for (const n of this.nodes) n.outs.forEach((o, k) => { if (o.startsWith('\u0000')) types.set(o, n.types[k] ?? 'f32'); });
      const ins = this.inputs.map((v) => ({ name: v.name, dtype: v.format as DType }));
      const { planNodes, keyInputs } = analyse({ nodes: this.nodes, consts: this.consts, inputs: ins });
      this.g = { nodes: this.nodes, inputs: ins, outputs: this.outputs.map((v) => v.name), consts: this.consts, types, planNodes, keyInputs, maxTensorElements: limits.maxTensorElements, maxArenaBytes: maxArena };
    } catch (e) {
      this.dispose();
      if (!isChecksumError(e)) check.rest();
      throw e;
    }
  }

  /** The plan for these input shapes (and key-input elements), cached per signature. */
  private planFor(shapes: Map<string, number[]>, feeds: Map<string, Uint8Array>): Plan {
    const g = this.g!;
    const keyVals = [...g.keyInputs].map((n) => Array.from(feeds.get(n)!));
    const key = JSON.stringify([[...shapes.values()], keyVals]);
    const i = this.plans.findIndex((p) => p.key === key);
    if (i >= 0) { const p = this.plans[i]; this.plans.splice(i, 1); this.plans.push(p); return p; }
    if (this.plans.length >= PLAN_CACHE) freePlan(this.plans.shift()!);
    const p = makePlan(g, key, shapes, feeds);
    this.plans.push(p);
    return p;
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
  get arenaBytes(): number { return this.plans[this.plans.length - 1]?.bytes ?? 0; }

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
    const plan = this.planFor(shapes, bytes);
    const at = plan.at;
    const mem = new Uint8Array(heap.buffer());
    for (const [name, b] of bytes) mem.set(b, at(name));
    const x = this.kernels;
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i], s = plan.steps[i];
      guard(n.where, () => {
        n.prep.run(s.ins, s.inShapes, s.outs[0], s.outShapes[0], plan.scratch, s.outs, s.outShapes);
        if (n.roundFmt) x.round_f32_fmt__simd128(n.roundFmt, s.outs[0], s.outs[0], s.outN, n.round, IEEE_OVERFLOW);
      });
      if (onNode) {
        n.outs.forEach((o, k) => {
          if (o.startsWith('\u0000')) return;
          const sh = s.outShapes[k];
          onNode({ name: n.name, op: n.op, output: o, shape: [...sh], dtype: n.types[k], activations: n.precision.activations, data: view(n.types[k], heap.buffer(), s.outs[k], elements(sh)) });
        });
      }
    }
    const out: Record<string, TensorOut> = {};
    for (const v of this.outputs) {
      const shape = plan.shapes.get(v.name)!, t = v.format as DType;
      const n = elements(shape), p = at(v.name);
      // wasm lets an engine choose NaN payloads: canonical NaNs leave the module
      if (t === 'f32') x.canonicalize_nan(p, n);
      else if (t === 'f64') x.canonicalize_nan_f64(p, n);
      const copy = new Uint8Array(n * dtypeBytes(t));
      copy.set(new Uint8Array(heap.buffer(), p, copy.length));
      out[v.name] = { data: view(t, copy.buffer, 0, n), shape: [...shape], dtype: t };
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const n of this.nodes) n.prep.dispose();
    this.nodes = [];
    for (const c of this.consts.values()) heap.free(c.ptr);
    this.consts.clear();
    for (const p of this.plans) freePlan(p);
    this.plans = [];
  }
}

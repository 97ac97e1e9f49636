// A loaded bundle: validated graph, weights in wasm memory, and per batch size a memory plan
// that places every intermediate tensor in one arena by its lifetime.

import { get, guard, type Exports } from './wasm.js';
import * as heap from './heap.js';
import { fail } from './errors.js';
import { readHeader, isChecksumError, resolveLimits, DEFAULT_LIMITS, type Limits } from './bundle/read.js';
import { TensorCheck } from './bundle/hash.js';
import { GraphCheck } from './bundle/graph.js';
import { elements, weightInput, tensorEntry } from './bundle/layout.js';
import type { ValueInfo } from './bundle/layout.js';
import { OPS, type PreparedNode, type Weight } from './ops/index.js';
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

export interface TensorOut { data: Float32Array; shape: number[] }
export type Feed = Float32Array | { data: Float32Array; shape: number[] };

/** One node's output, as `run()` just computed it (after the emulated f16 / bf16 rounding). */
export interface NodeOutput {
  name: string;
  op: string;
  /** the output value's name */
  output: string;
  shape: number[];
  /** the layer's activation format: 'f32', 'f16', 'bf16' (emulated) or 'i8' */
  activations: string;
  /** a view of the output in wasm memory: valid only during the callback, do not keep or write it */
  data: Float32Array;
}
export interface RunOptions {
  /** called after every node, in graph order (statistics, debugging). It must not call this
   *  model's run(). Its exceptions propagate out of run(). */
  onNode?: (node: NodeOutput) => void;
}

/** One node's run arguments for a batch size, computed once by planFor (run() only reads them). */
interface Step { inPtrs: number[]; inShapes: number[][]; out: number; outShape: number[]; outN: number; roundFmt: number; round: number; where: string }
interface Plan { batch: number; arena: number; shapes: Map<string, number[]>; bytes: number; scratch: number; steps: Step[]; at: (value: string) => number }


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
  private nodes: { name: string; op: string; out: string; prep: PreparedNode; precision: ResolvedPrecision }[] = [];
  private plan: Plan | null = null;
  private disposed = false;
  private maxTensorElements: number;
  private maxArenaBytes: number;
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
    this.maxArenaBytes = maxArena;
    this.maxTensorElements = limits.maxTensorElements;
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
        const prep = guard(where, () => builder(node.op)!({ node, weights, precision, where, decodeWeights, reference, kernels: x }));
        let out: string;
        try { graph.reads(where, prep.valueInputs); out = graph.produces(where, node.outputs[0]); } catch (e) { prep.dispose(); throw e; }
        this.nodes.push({ name: node.name, op: node.op, out, prep, precision });
        const wIdx = weightInput(node.op), w = wIdx !== undefined ? tensorEntry(header, node.inputs[wIdx]) : undefined;
        this.layers.push({ name: node.name, op: node.op, weights: w ? w.format : null, weightsHeld: w ? prep.weightsHeld ?? null : null, kernel: w ? prep.kernel ?? null : null, activations: precision.activations, accumulator: precision.accumulator });
      }
      this.outputs = graph.outputs();
      check.rest();
    } catch (e) {
      this.dispose();
      if (!isChecksumError(e)) check.rest();
      throw e;
    }
  }

  /** Shapes of every value for a given batch, and an arena layout by lifetimes (first fit). */
  private planFor(batch: number): Plan {
    if (this.plan && this.plan.batch === batch) return this.plan;
    if (this.plan) { heap.free(this.plan.arena); heap.free(this.plan.scratch); this.plan = null; }
    const shapes = new Map<string, number[]>();
    for (const v of this.inputs) shapes.set(v.name, v.shape.map((d, i) => (i === 0 && d === -1 ? batch : d)));
    const lastUse = new Map<string, number>();
    this.nodes.forEach((n, i) => {
      const s = n.prep.infer(n.prep.valueInputs.map((v) => shapes.get(v)!));
      this.checkValue(s, `node ${JSON.stringify(n.name)}: output ${JSON.stringify(n.out)}`);
      shapes.set(n.out, s);
      for (const v of n.prep.valueInputs) lastUse.set(v, i);
    });
    const end = this.nodes.length;
    for (const v of this.outputs) lastUse.set(v.name, end);
    const born = new Map<string, number>();
    for (const v of this.inputs) born.set(v.name, -1);
    this.nodes.forEach((n, i) => born.set(n.out, i));
    // First fit over live intervals, in order of birth.
    const live: { off: number; size: number; until: number }[] = [];
    const offsets = new Map<string, number>();
    let top = 0;
    for (const [name, b] of [...born.entries()].sort((a, c) => a[1] - c[1])) {
      const size = heap.pad16(elements(shapes.get(name)!) * 4);
      const until = lastUse.get(name) ?? b;
      const busy = live.filter((l) => l.until >= b).sort((a, c) => a.off - c.off);
      let off = 0;
      for (const l of busy) { if (off + size <= l.off) break; off = Math.max(off, l.off + l.size); }
      offsets.set(name, off);
      live.push({ off, size, until });
      top = Math.max(top, off + size);
    }
    let scratchBytes = 0;
    for (const n of this.nodes) if (n.prep.scratch) scratchBytes = Math.max(scratchBytes, n.prep.scratch(n.prep.valueInputs.map((v) => shapes.get(v)!)));
    if (!(top + scratchBytes <= this.maxArenaBytes)) fail('LIMIT_EXCEEDED', `run(): batch ${batch} needs an activation arena of ${top} bytes plus ${scratchBytes} bytes of scratch, above maxArenaBytes ${this.maxArenaBytes}`);
    const arena = heap.alloc(top);
    let scratch = 0;
    try { scratch = scratchBytes ? heap.alloc(scratchBytes) : 0; } catch (e) { heap.free(arena); throw e; }
    const at = (name: string) => arena + offsets.get(name)!;
    const steps = this.nodes.map((n): Step => {
      const outShape = shapes.get(n.out)!, a = n.precision.activations;
      return {
        inPtrs: n.prep.valueInputs.map(at), inShapes: n.prep.valueInputs.map((v) => shapes.get(v)!),
        out: at(n.out), outShape, outN: elements(outShape),
        // emulated f16 / bf16 activations: the format the output is rounded to (0: none)
        roundFmt: a === 'f16' || a === 'bf16' ? formatByName(a).id : 0, round: roundCode(n.precision.round),
        where: `node ${JSON.stringify(n.name)}`,
      };
    });
    this.plan = { batch, arena, shapes, bytes: top + scratchBytes, scratch, steps, at };
    return this.plan;
  }

  /** An inferred shape: non-negative integer dimensions, at most maxTensorElements elements. */
  private checkValue(s: unknown, where: string): void {
    if (!Array.isArray(s) || s.length > 8) fail('SHAPE_MISMATCH', `${where}: inferred shape ${JSON.stringify(s)} is not a list of at most 8 dimensions`);
    let n = 1;
    for (const d of s) {
      if (!Number.isSafeInteger(d) || d < 0) fail('SHAPE_MISMATCH', `${where}: inferred shape ${JSON.stringify(s)} has a dimension that is not a non-negative integer`);
      n *= d;
      if (n > this.maxTensorElements) fail('LIMIT_EXCEEDED', `${where}: inferred shape ${JSON.stringify(s)} has more than ${this.maxTensorElements} elements (limit maxTensorElements)`);
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
  get arenaBytes(): number { return this.plan?.bytes ?? 0; }

  run(feeds: Record<string, Feed>, options?: RunOptions): Record<string, TensorOut> {
    if (this.disposed) fail('DISPOSED', 'run(): this model was disposed');
    if (typeof feeds !== 'object' || feeds === null) fail('BAD_ARGUMENT', 'run(): feeds must be an object { inputName: Float32Array | { data, shape } }');
    if (options !== undefined && (typeof options !== 'object' || options === null)) fail('BAD_OPTION', 'run(): options must be an object');
    const onNode = options?.onNode;
    if (onNode !== undefined && typeof onNode !== 'function') fail('BAD_OPTION', 'run(): options.onNode must be a function');
    let batch = -1;
    const datas = new Map<string, Float32Array>();
    for (const v of this.inputs) {
      const f = feeds[v.name];
      if (f === undefined) fail('MISSING_INPUT', `run(): input ${JSON.stringify(v.name)} is missing`);
      const data = f instanceof Float32Array ? f : f?.data;
      if (!(data instanceof Float32Array)) fail('BAD_ARGUMENT', `run(): input ${JSON.stringify(v.name)} must be a Float32Array or { data: Float32Array, shape }`);
      const fixed = elements(v.shape.slice(1));
      const shape = f instanceof Float32Array ? null : f.shape;
      let b: number;
      if (shape) {
        const ok = Array.isArray(shape) && shape.length === v.shape.length &&
          shape.every((d, i) => Number.isSafeInteger(d) && (i === 0 && v.shape[0] === -1 ? d >= 1 : d === v.shape[i]));
        if (!ok) fail('SHAPE_MISMATCH', `run(): input ${JSON.stringify(v.name)} has shape ${JSON.stringify(shape)}, expected ${JSON.stringify(v.shape)}`);
        b = shape[0];
      } else {
        b = v.shape[0] === -1 ? data.length / fixed : v.shape[0];
      }
      if (!Number.isInteger(b) || b < 1 || b * fixed !== data.length) fail('SHAPE_MISMATCH', `run(): input ${JSON.stringify(v.name)} has ${data.length} values, expected a multiple of ${fixed} matching ${JSON.stringify(v.shape)}`);
      if (batch >= 0 && b !== batch) fail('SHAPE_MISMATCH', `run(): input ${JSON.stringify(v.name)} has batch ${b}, other inputs ${batch}`);
      batch = b;
      datas.set(v.name, data);
    }
    const plan = this.planFor(batch);
    const at = plan.at;
    for (const [name, data] of datas) heap.f32(at(name), data.length).set(data);
    const x = this.kernels;
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i], s = plan.steps[i];
      guard(s.where, () => {
        n.prep.run(s.inPtrs, s.inShapes, s.out, s.outShape, plan.scratch);
        // Emulated f16 / bf16 activations: the layer's output rounded to the format (IEEE
        // overflow, as f16 hardware would), so the next layer reads exactly representable values.
        if (s.roundFmt) x.round_f32_fmt__simd128(s.roundFmt, s.out, s.out, s.outN, s.round, IEEE_OVERFLOW);
      });
      if (onNode) onNode({ name: n.name, op: n.op, output: n.out, shape: [...s.outShape], activations: n.precision.activations, data: heap.f32(s.out, s.outN) });
    }
    const out: Record<string, TensorOut> = {};
    for (const v of this.outputs) {
      const shape = plan.shapes.get(v.name)!;
      const n = elements(shape);
      x.canonicalize_nan(at(v.name), n);
      out[v.name] = { data: heap.f32(at(v.name), n).slice(), shape: [...shape] };
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const n of this.nodes) n.prep.dispose();
    this.nodes = [];
    if (this.plan) { heap.free(this.plan.arena); heap.free(this.plan.scratch); }
    this.plan = null;
  }
}

// Memory plans: per input-shape signature (the feeds' shapes, and the elements of the few inputs
// whose values decide shapes, e.g. a Reshape target fed as an input), the shape of every value
// and an arena placing each by its lifetime (first fit). Values whose elements some infer()
// needs (valueArgs) are computed here first, by running the nodes that produce them on blocks
// of their own; the same nodes run again in the arena at run time. A node whose output shapes
// depend on its input elements (measure(), e.g. NonMaxSuppression) has every input computed the
// same way and its shapes measured from them in the module.

import * as heap from './heap.js';
import { xxh32 } from './bundle/hash.js';
import { fail } from './errors.js';
import { elements } from './bundle/layout.js';
import { dtypeBytes, view, type DType, type TensorData } from './dtype.js';
import type { PreparedNode } from './ops/index.js';
import { guard, type Exports } from './wasm.js';
import { OVERFLOW } from './tables.js';

// Emulated activations overflow as f16 hardware does (to inf).
const IEEE_OVERFLOW = OVERFLOW.indexOf('ieee');

export interface NodeRec { name: string; op: string; outs: string[]; types: DType[]; prep: PreparedNode; where: string; roundFmt: number; round: number }
export interface Const { ptr: number; shape: number[]; dtype: DType }

/** What a plan is computed from: fixed at load. */
export interface Graph {
  nodes: NodeRec[];
  inputs: { name: string; dtype: DType }[];
  outputs: string[];
  consts: Map<string, Const>;
  types: Map<string, DType>;
  /** nodes whose outputs some infer() reads, and the graph inputs whose elements it reads */
  planNodes: Set<number>;
  keyInputs: Set<string>;
  maxTensorElements: number;
  maxArenaBytes: number;
}

export interface Step { ins: number[]; inShapes: number[][]; outs: number[]; outShapes: number[][]; outN: number }
export interface Plan { key: string; arena: number; scratch: number; bytes: number; shapes: Map<string, number[]>; steps: Step[]; at: (value: string) => number }

/** The elements of a value as numbers (i64 / u64 through Number: shape arithmetic only). */
export function readValues(t: DType, ptr: number, n: number): number[] {
  return Array.from(view(t, heap.buffer(), ptr, n) as ArrayLike<number | bigint>, Number);
}

/** An inferred shape: at most 8 non-negative integer dimensions, at most maxTensorElements elements. */
export function checkShape(s: unknown, where: string, max: number): number[] {
  if (!Array.isArray(s) || s.length > 8) fail('SHAPE_MISMATCH', `${where}: inferred shape ${JSON.stringify(s)} is not a list of at most 8 dimensions`);
  let n = 1;
  for (const d of s) {
    if (!Number.isSafeInteger(d) || d < 0) fail('SHAPE_MISMATCH', `${where}: inferred shape ${JSON.stringify(s)} has a dimension that is not a non-negative integer`);
    n *= d;
    if (n > max) fail('LIMIT_EXCEEDED', `${where}: inferred shape ${JSON.stringify(s)} has more than ${max} elements (limit maxTensorElements)`);
  }
  return s as number[];
}

/** The output shapes of node n for these input shapes and values (or, for a measure() node, its
 *  inputs' plan-time pointers). */
function inferNode(g: Graph, n: NodeRec, inShapes: number[][], vals: (number[] | undefined)[], measure?: () => number[] | number[][]): number[][] {
  const r = measure ? measure() : n.prep.infer(inShapes, vals);
  const outs = n.outs.length > 1 ? (r as number[][]) : [r as number[]];
  if (!Array.isArray(outs) || outs.length !== n.outs.length) fail('SHAPE_MISMATCH', `${n.where}: inferred ${Array.isArray(outs) ? outs.length : 'no'} output shapes for ${n.outs.length} outputs`);
  return outs.map((s, k) => checkShape(s, `${n.where}: output ${JSON.stringify(n.outs[k])}`, g.maxTensorElements));
}

const bytesOf = (g: Graph, name: string, shape: number[]) => heap.pad16(elements(shape) * dtypeBytes(g.types.get(name)!));

/** Shapes, plan-time values and the arena for one signature. `feeds`: the input bytes by name
 *  (the key inputs' elements are read from them). */
export function makePlan(g: Graph, key: string, inShapes: Map<string, number[]>, feeds: Map<string, Uint8Array>): Plan {
  const shapes = new Map(inShapes);
  for (const [name, c] of g.consts) shapes.set(name, c.shape);
  // plan-time blocks: key inputs and the outputs of planNodes
  const temp = new Map<string, number>();
  const tempBlocks: number[] = [];
  const block = (bytes: number) => { const p = heap.alloc(bytes); tempBlocks.push(p); return p; };
  const ptrOf = (v: string) => g.consts.get(v)?.ptr ?? temp.get(v) ?? 0;
  const valuesOf = (v: string): number[] => {
    const p = g.consts.get(v)?.ptr ?? temp.get(v);
    if (p === undefined) throw new Error(`plan: value ${v} has no plan-time block`); // the load-time analysis rules this out
    return readValues(g.types.get(v)!, p, elements(shapes.get(v)!));
  };
  try {
    for (const name of g.keyInputs) {
      const b = feeds.get(name)!;
      const p = block(heap.pad16(b.byteLength));
      heap.u8(p, b.byteLength).set(b);
      temp.set(name, p);
    }
    const all: number[][][] = [];
    g.nodes.forEach((n, i) => {
      const ins = n.prep.valueInputs;
      const inS = ins.map((v) => shapes.get(v)!);
      const vals = ins.map((v, k) => (n.prep.valueArgs?.includes(k) ? valuesOf(v) : undefined));
      const measure = n.prep.measure && (() => {
        const sb = n.prep.scratch ? n.prep.scratch(inS, []) : 0;   // outputs not known yet
        return n.prep.measure!(ins.map(ptrOf), inS, sb ? block(sb) : 0);
      });
      const outS = inferNode(g, n, inS, vals, measure);
      n.outs.forEach((o, k) => shapes.set(o, outS[k]));
      all.push(outS);
      if (g.planNodes.has(i)) {
        const outs = n.outs.map((o, k) => { const p = block(bytesOf(g, o, outS[k])); temp.set(o, p); return p; });
        const sb = n.prep.scratch ? n.prep.scratch(inS, outS) : 0;
        const scratch = sb ? block(sb) : 0;
        n.prep.run(ins.map(ptrOf), inS, outs[0], outS[0], scratch, outs, outS);
      }
    });
  } finally {
    for (const p of tempBlocks) heap.free(p);
  }
  return layout(g, key, shapes);
}

/** First fit over live intervals, in order of birth; constants keep their own blocks. */
function layout(g: Graph, key: string, shapes: Map<string, number[]>): Plan {
  const lastUse = new Map<string, number>();
  const born = new Map<string, number>();
  for (const v of g.inputs) born.set(v.name, -1);
  g.nodes.forEach((n, i) => {
    for (const v of n.prep.valueInputs) lastUse.set(v, i);
    for (const o of n.outs) born.set(o, i);
  });
  const end = g.nodes.length;
  for (const v of g.outputs) lastUse.set(v, end);
  const live: { off: number; size: number; until: number }[] = [];
  const offsets = new Map<string, number>();
  let top = 0;
  for (const [name, b] of [...born.entries()].sort((a, c) => a[1] - c[1])) {
    const size = bytesOf(g, name, shapes.get(name)!);
    const until = lastUse.get(name) ?? b;
    const busy = live.filter((l) => l.until >= b).sort((a, c) => a.off - c.off);
    let off = 0;
    for (const l of busy) { if (off + size <= l.off) break; off = Math.max(off, l.off + l.size); }
    offsets.set(name, off);
    live.push({ off, size, until });
    top = Math.max(top, off + size);
  }
  let scratchBytes = 0;
  for (const n of g.nodes) if (n.prep.scratch) scratchBytes = Math.max(scratchBytes, n.prep.scratch(n.prep.valueInputs.map((v) => shapes.get(v)!), n.outs.map((o) => shapes.get(o)!)));
  if (!(top + scratchBytes <= g.maxArenaBytes)) fail('LIMIT_EXCEEDED', `run(): these input shapes need an activation arena of ${top} bytes plus ${scratchBytes} bytes of scratch, above maxArenaBytes ${g.maxArenaBytes}`);
  const arena = heap.alloc(top);
  let scratch = 0;
  try { scratch = scratchBytes ? heap.alloc(scratchBytes) : 0; } catch (e) { heap.free(arena); throw e; }
  const at = (name: string) => g.consts.get(name)?.ptr ?? arena + offsets.get(name)!;
  const steps = g.nodes.map((n): Step => {
    const outShapes = n.outs.map((o) => shapes.get(o)!);
    return { ins: n.prep.valueInputs.map(at), inShapes: n.prep.valueInputs.map((v) => shapes.get(v)!), outs: n.outs.map(at), outShapes, outN: elements(outShapes[0]) };
  });
  return { key, arena, scratch, bytes: top + scratchBytes, shapes, steps, at };
}

export function freePlan(p: Plan): void { heap.free(p.arena); heap.free(p.scratch); }

/** Load-time analysis: which nodes must run at plan time and which graph inputs' elements are
 *  part of the signature, so that every valueArgs value is known when its reader infers. */
export function analyse(g: Pick<Graph, 'nodes' | 'consts' | 'inputs'>): { planNodes: Set<number>; keyInputs: Set<string> } {
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => n.outs.forEach((o) => producer.set(o, i)));
  const inputs = new Set(g.inputs.map((v) => v.name));
  const planNodes = new Set<number>(), keyInputs = new Set<string>();
  const stack: string[] = [];
  for (const n of g.nodes) {
    for (const k of n.prep.valueArgs ?? []) stack.push(n.prep.valueInputs[k]);
    if (n.prep.measure) stack.push(...n.prep.valueInputs);
  }
  while (stack.length) {
    const v = stack.pop()!;
    if (g.consts.has(v)) continue;
    if (inputs.has(v)) { keyInputs.add(v); continue; }
    const j = producer.get(v);
    if (j === undefined || planNodes.has(j)) continue;
    planNodes.add(j);
    const p = g.nodes[j].prep;
    if (!p.shapeOnly) stack.push(...p.valueInputs);
  }
  return { planNodes, keyInputs };
}

const sameBytes = (a: Uint8Array[], b: Uint8Array[]): boolean =>
  a.length === b.length && a.every((x, k) => x.length === b[k].length && x.every((v, j) => v === b[k][j]));

/** Plans kept per input-shape signature (key inputs' elements included), least recent dropped. */
export class PlanCache {
  plans: Plan[] = [];
  constructor(private g: Graph, private size: number) {}
  /** the key inputs' bytes each plan was made for (the key holds only their hashes) */
  private bytes = new WeakMap<Plan, Uint8Array[]>();
  get(shapes: Map<string, number[]>, feeds: Map<string, Uint8Array>): Plan {
    // key inputs by length and XXH32, then compared byte for byte on a hit: a large key input
    // (a NonZero's data, a fuzzed scales tensor) costs one pass, not a JSON array of its bytes
    const keyBytes = [...this.g.keyInputs].map((n) => feeds.get(n)!);
    const key = JSON.stringify([[...shapes.values()], keyBytes.map((b) => [b.length, xxh32(b)])]);
    const i = this.plans.findIndex((p) => p.key === key && sameBytes(this.bytes.get(p)!, keyBytes));
    if (i >= 0) { const p = this.plans[i]; this.plans.splice(i, 1); this.plans.push(p); return p; }
    if (this.plans.length >= this.size) freePlan(this.plans.shift()!);
    const p = makePlan(this.g, key, shapes, feeds);
    this.bytes.set(p, keyBytes.map((b) => b.slice()));
    this.plans.push(p);
    return p;
  }
  dispose(): void { for (const p of this.plans) freePlan(p); this.plans = []; }
}

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

/** Runs a plan's nodes in order (inputs already in the arena); `onNode` after each. */
export function runSteps(nodes: (NodeRec & { precision: { activations: string } })[], plan: Plan, x: Exports, onNode?: (o: NodeOutput) => void): void {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i], s = plan.steps[i];
    guard(n.where, () => {
      n.prep.run(s.ins, s.inShapes, s.outs[0], s.outShapes[0], plan.scratch, s.outs, s.outShapes);
      // emulated f16 / bf16 activations round f32 outputs (IEEE overflow, as f16 hardware would)
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
}

/** A copy of a value out of wasm memory, NaNs canonicalised (wasm lets an engine choose NaN
 *  payloads: canonical NaNs leave the module). */
export function copyOut(x: Exports, t: DType, p: number, shape: number[]): Uint8Array<ArrayBuffer> {
  const n = elements(shape);
  if (t === 'f32') x.canonicalize_nan(p, n);
  else if (t === 'f64') x.canonicalize_nan_f64(p, n);
  const copy = new Uint8Array(n * dtypeBytes(t));
  copy.set(new Uint8Array(heap.buffer(), p, copy.length));
  return copy;
}

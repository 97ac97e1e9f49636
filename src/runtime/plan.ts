// Memory plans: per input-shape signature (the feeds' shapes, and the elements of the few inputs
// whose values decide shapes, e.g. a Reshape target fed as an input), the shape of every value
// and an arena placing each by its lifetime (first fit). Values whose elements some infer()
// needs (valueArgs) are computed here first, by running the nodes that produce them on blocks
// of their own; the same nodes run again in the arena at run time. Data-dependent output shapes
// (NonZero, Compress, Unique) use the same path: the op lists the inputs its output size depends
// on in valueArgs, so they are plan-time values (their graph inputs part of the signature) and
// infer() counts the output with a kernel on their plan-time blocks.

import * as heap from './heap.js';
import { fail } from './errors.js';
import { elements } from './bundle/layout.js';
import { dtypeBytes, view, type DType } from './dtype.js';
import type { PreparedNode } from './ops/index.js';

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

/** The output shapes of node n for these input shapes and values. */
function inferNode(g: Graph, n: NodeRec, inShapes: number[][], vals: (number[] | undefined)[], ptrs: number[]): number[][] {
  const r = n.prep.infer(inShapes, vals, ptrs);
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
      // valueArgs inputs also by their plan-time blocks: a data-dependent op (NonZero, Unique,
      // Compress) counts its output there with a kernel
      const outS = inferNode(g, n, inS, vals, ins.map((v, k) => (n.prep.valueArgs?.includes(k) ? ptrOf(v) : 0)));
      n.outs.forEach((o, k) => shapes.set(o, outS[k]));
      all.push(outS);
      if (g.planNodes.has(i)) {
        const outs = n.outs.map((o, k) => { const p = block(bytesOf(g, o, outS[k])); temp.set(o, p); return p; });
        const sb = n.prep.scratch ? n.prep.scratch(inS) : 0;
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
  for (const n of g.nodes) if (n.prep.scratch) scratchBytes = Math.max(scratchBytes, n.prep.scratch(n.prep.valueInputs.map((v) => shapes.get(v)!)));
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
  for (const n of g.nodes) for (const k of n.prep.valueArgs ?? []) stack.push(n.prep.valueInputs[k]);
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

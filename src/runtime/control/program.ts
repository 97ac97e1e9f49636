// A graph with control flow or non-tensor values, as it runs (docs/ARCHITECTURE.md, "Control
// flow and sequences"): its nodes cut into segments of tensor operators, each planned by
// src/runtime/plan.ts like a graph of its own (one plan cache per segment, per input-shape
// signature), and host nodes between them (If, Loop, Scan, sequences, optionals) that run on
// values held by the host. A host node's outputs have shapes known only once it has run; the
// segment after it is planned from them. Values cross segments as copies out of wasm memory.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { GraphCheck } from '../bundle/graph.js';
import type { Graph as BodyGraph } from '../bundle/graph.js';
import { analyse, PlanCache, runSteps, copyOut, type Graph, type NodeOutput } from '../plan.js';
import type { Exports } from '../wasm.js';
import type { DType } from '../dtype.js';
import { buildNodes, isHost, type Built, type BuildEnv, type Rec } from '../build.js';
import { isContainer, tensorOf, type HValue, type HTensor } from './value.js';
import type { HostCtx, HostNode } from './host.js';

/** What a running program reads values from: its own, then its enclosing scopes'. */
export interface Env {
  get(name: string): HValue;
  x: Exports;
  onNode?: (o: NodeOutput) => void;
  /** body runs left in this run() (limit maxIterations): a loop that never ends must end in an error */
  budget: { left: number; max: number };
}

/** Plans kept per segment. */
const SEGMENT_PLANS = 4;
/** Subgraphs nested deeper than this are refused (LIMIT_EXCEEDED), before recursion can overflow. */
export const MAX_DEPTH = 16;

/** A run of tensor operators, planned as one graph. */
class Segment {
  private cache: PlanCache;
  constructor(readonly nodes: Rec[], readonly inputs: { name: string; dtype: DType }[], readonly outputs: string[], private types: Map<string, DType>, g: Graph) {
    this.cache = new PlanCache(g, SEGMENT_PLANS);
  }

  run(env: Env, set: (name: string, v: HValue) => void): void {
    const shapes = new Map<string, number[]>(), bytes = new Map<string, Uint8Array>();
    for (const v of this.inputs) {
      const t = env.get(v.name) as HTensor;
      shapes.set(v.name, t.shape);
      bytes.set(v.name, t.bytes);
    }
    const plan = this.cache.get(shapes, bytes);
    const mem = new Uint8Array(heap.buffer());
    for (const [name, b] of bytes) mem.set(b, plan.at(name));
    runSteps(this.nodes, plan, env.x, env.onNode);
    for (const o of this.outputs) {
      const t = this.types.get(o)!, shape = plan.shapes.get(o)!;
      set(o, tensorOf(t, [...shape], copyOut(env.x, t, plan.at(o), shape)));
    }
  }

  get bytes(): number { return this.cache.plans[this.cache.plans.length - 1]?.bytes ?? 0; }
  dispose(): void { this.cache.dispose(); for (const n of this.nodes) n.prep.dispose(); }
}

/** A built graph as segments and host nodes; `inputs` are its formal inputs (a body's, or the
 *  model's), `free` the values it reads from enclosing scopes. */
export class Program {
  readonly items: (Segment | HostNode)[] = [];
  readonly free: string[];
  constructor(env: BuildEnv, built: Built[], readonly inputs: string[], readonly outputs: string[], typeOf: (n: string) => string | undefined) {
    const produced = new Set(inputs);
    const reads = (b: Built) => (isHost(b) ? b.valueInputs : b.prep.valueInputs);
    const outsOf = (b: Built) => (isHost(b) ? b.outs.filter((o) => o) : b.outs);
    // the last item reading each value (program outputs: past the end)
    const cut: Built[][] = [];
    for (const b of built) {
      if (isHost(b)) { cut.push([b]); continue; }
      const last = cut[cut.length - 1];
      if (last && !isHost(last[0])) last.push(b); else cut.push([b]);
    }
    const readLater = cut.map((_, i) => new Set([...cut.slice(i + 1).flat().flatMap(reads), ...outputs]));
    const free = new Set<string>();
    const isFree = (v: string) => v && !produced.has(v) && !env.weights.has(v);
    cut.forEach((group, gi) => {
      for (const b of group) {
        for (const v of reads(b)) if (isFree(v)) free.add(v);
        for (const o of outsOf(b)) produced.add(o);
      }
      if (isHost(group[0])) { this.items.push(group[0]); return; }
      const nodes = group as Rec[];
      const inside = new Set(nodes.flatMap((n) => n.outs));
      const ins = [...new Set(nodes.flatMap((n) => n.prep.valueInputs))].filter((v) => !inside.has(v) && !env.weights.has(v));
      const types = new Map<string, DType>();
      for (const v of [...ins, ...inside]) {
        const by = nodes.find((n) => n.outs.includes(v));
        const t = by ? by.types[by.outs.indexOf(v)] : typeOf(v)!; // unread outputs ('') have no name the scope knows
        if (isContainer(t)) fail('BAD_GRAPH', `${nodes.find((n) => n.prep.valueInputs.includes(v))?.where ?? 'a node'}: input ${JSON.stringify(v)} is a ${t}; the operator takes tensors`);
        types.set(v, t as DType);
      }
      for (const [name, c] of env.consts) types.set(name, c.dtype);
      const inputsT = ins.map((name) => ({ name, dtype: types.get(name)! }));
      const outs = [...inside].filter((o) => readLater[gi].has(o));
      const { planNodes, keyInputs } = analyse({ nodes, consts: env.consts, inputs: inputsT });
      const g: Graph = { nodes, inputs: inputsT, outputs: outs, consts: env.consts, types, planNodes, keyInputs, maxTensorElements: env.limits.maxTensorElements, maxArenaBytes: env.maxArenaBytes };
      this.items.push(new Segment(nodes, inputsT, outs, types, g));
    });
    for (const o of outputs) if (isFree(o)) free.add(o);
    this.free = [...free];
  }

  /** Runs the program on its formal inputs; its outputs, in order. */
  run(outer: Env, formals: HValue[]): HValue[] {
    const own = new Map<string, HValue>();
    this.inputs.forEach((n, i) => own.set(n, formals[i]));
    const env: Env = { get: (n) => own.get(n) ?? outer.get(n), x: outer.x, onNode: outer.onNode, budget: outer.budget };
    const set = (n: string, v: HValue) => own.set(n, v);
    for (const it of this.items) {
      if (it instanceof Segment) it.run(env, set);
      else {
        const outs = it.run(env);
        it.outs.forEach((o, k) => { if (o) own.set(o, outs[k]); });
      }
    }
    return this.outputs.map((o) => env.get(o));
  }

  /** Bytes of the arenas last planned (the largest segment's). */
  get bytes(): number { return Math.max(0, ...this.items.map((it) => (it instanceof Segment ? it.bytes : it.bytes?.() ?? 0))); }

  dispose(): void { for (const it of this.items) it.dispose(); }
}

/** A graph body's validation scope: names resolve in the body first, then in the enclosing
 *  scope (outer values produced before the node, and stored tensors); no body name may shadow
 *  an enclosing one (the importer makes every name unique). */
class ScopeCheck extends GraphCheck {
  constructor(ctx: HostCtx, body: BodyGraph, private outer: (n: string) => DType | undefined) {
    super({ ...ctx.env.header, graph: body }, ctx.env.limits);
  }
  typeOf = (name: string): DType | undefined => this.types.get(name) ?? this.outer(name);
  produces(where: string, outs: unknown[], types: DType[]): void {
    for (const o of outs) if (typeof o === 'string' && o && this.outer(o)) fail('BAD_GRAPH', `${where}: output ${JSON.stringify(o)} shadows a value of an enclosing graph`);
    super.produces(where, outs, types);
  }
}

let bodies = 0;

/** The body in attribute `attr` of a control node, validated and built like the main graph, as a
 *  Program; its input and output types. */
export function compileBody(ctx: HostCtx, attr: string): { prog: Program; inTypes: string[]; outTypes: string[] } {
  const where = `${ctx.where}: attribute ${attr}`;
  if (ctx.depth >= MAX_DEPTH) fail('LIMIT_EXCEEDED', `${where}: subgraphs nested more than ${MAX_DEPTH} deep`);
  const body = ctx.node.attrs?.[attr] as BodyGraph | undefined;
  if (!body || typeof body !== 'object' || !Array.isArray(body.inputs) || !Array.isArray(body.outputs) || !Array.isArray(body.nodes)) fail('BAD_GRAPH', `${where}: a subgraph needs inputs, outputs and nodes arrays`);
  const check = new ScopeCheck(ctx, body, ctx.graph.typeOf);
  let ins;
  try { ins = check.inputs(); } catch (e) { throw rewhere(e, where); }
  for (const v of ins) if (ctx.graph.typeOf(v.name)) fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v.name)} shadows a value of an enclosing graph`);
  const scope = `${++bodies}/`;
  let built: Built[];
  try { built = buildNodes({ ...ctx.env, depth: ctx.depth + 1 }, check, body.nodes, undefined, scope); } catch (e) { throw rewhere(e, where); }
  try {
    let outs;
    try { outs = check.outputs(); } catch (e) { throw rewhere(e, where); }
    const prog = new Program(ctx.env, built, ins.map((v) => v.name), outs.map((v) => v.name), check.typeOf);
    return { prog, inTypes: ins.map((v) => v.format), outTypes: outs.map((v) => v.format) };
  } catch (e) {
    for (const b of built) (isHost(b) ? b : b.prep).dispose();
    throw e;
  }
}

/** A graph error of a body, with the control node and attribute named first. */
function rewhere(e: unknown, where: string): unknown {
  const a = e as { code?: string; message?: string };
  if (e instanceof Error && a.code) { e.message = `${a.code}: ${where}: ${a.message!.slice(a.code.length + 2)}`; }
  return e;
}

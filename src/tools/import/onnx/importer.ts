// The ONNX importer's state over the shared graph builder (../graph.ts): the node being converted
// and its attributes, reading its inputs as activations or constants, ONNX broadcasting of
// constants onto NHWC / NCHW activations, and the bookkeeping that lets an activation or a
// BatchNormalization fold into the Conv / Dense before it.

import { fail } from '../../../runtime/errors.js';
import type { NodeEntry } from '../../../runtime/bundle/layout.js';
import { permute } from '../../permute.js';
import { GraphBuilder, NCHW_TO_NHWC, alloyShape, broadcastShapes, broadcastTo, floatValues, unsupported, type Ints } from '../graph.js';
import type { GraphP, NodeP } from './proto.js';
import type { DType } from '../../../runtime/dtype.js';
import { isBatch, type Act, type Attrs, type Const, type Val } from './values.js';

export interface ImportOptions {
  /** shapes for graph inputs whose dimensions (other than the first, batch) are symbolic */
  inputShapes?: Record<string, number[]>;
  /** fuse Relu / Clip(0, 6) into the Conv / Dense before them (default true) */
  fuse?: boolean;
}

/** A Conv / DepthwiseConv / Dense node whose weights a following op may fold into. */
export interface Producer { entry: NodeEntry; kind: 'conv' | 'dw' | 'dense'; w: string; b?: string; rows: number }

/** The shape of a one-value constant broadcast onto activation x: [1], or [] for a rank-0 x (a
 *  [1] would widen the result to rank 1 where ONNX keeps rank 0). */
const scalarShape = (x: Act): Ints => (x.shape.length ? [1] : []);

export class OnnxImporter extends GraphBuilder<string, Val> {
  consumers = new Map<string, number>();
  graphOutputs = new Set<string>();
  producers = new Map<string, Producer>();
  /** alloy tensor name -> ONNX value names bound to it */
  aliases = new Map<string, string[]>();
  /** alloy tensor name -> ONNX uses of its aliases that do not read it */
  absorbed = new Map<string, number>();
  opset = 0;
  /** converts a graph's nodes (set by ./index.ts; subgraph bodies call it, ./ops/control.ts) */
  walk!: (im: OnnxImporter, g: GraphP) => void;
  /** opset_import versions of the domains other than the default one */
  domains = new Map<string, number>();
  node!: NodeP;
  at!: Attrs;
  constructor(readonly opts: ImportOptions) { super(); }

  /** A new activation for ONNX output `onnx` (alloy tensor named after it where possible). */
  out(onnx: string, shape: Ints, nhwc: boolean, dtype: DType = 'f32'): Act {
    const name = !this.used.has(onnx) && !(nhwc && this.graphOutputs.has(onnx)) ? (this.used.add(onnx), onnx) : this.fresh(`${onnx}.${nhwc ? 'nhwc' : 'out'}`);
    return { kind: 'act', name, shape, nhwc, conv: {}, dtype };
  }

  tmp(base: string, shape: Ints, nhwc: boolean): Act {
    return { kind: 'act', name: this.fresh(base), shape, nhwc, conv: {} };
  }

  bind(onnx: string, v: Val) {
    if (v.kind === 'act') {
      const l = this.aliases.get(v.name) ?? []; l.push(onnx); this.aliases.set(v.name, l);
      // an alias of the node's own input (Identity, a folded BN, a fused Relu): that use of the
      // input is absorbed, not a read of the tensor
      if ((this.node?.input ?? []).some((i) => i && this.vals.get(i) === v)) this.absorbed.set(v.name, (this.absorbed.get(v.name) ?? 0) + 1);
    }
    this.vals.set(onnx, v);
  }

  // ----- inputs of the current node

  val(i: number): Val | undefined {
    const name = this.node.input?.[i];
    if (name === undefined || name === '') return undefined;
    const v = this.vals.get(name);
    if (!v) fail('BAD_GRAPH', `${this.where()}: input ${JSON.stringify(name)} is not produced before this node (graph not topologically sorted, or a dangling name)`);
    return v;
  }
  /** A required input (a missing or empty name is BAD_GRAPH, not a TypeError in the handler). */
  need(i: number): Val {
    const v = this.val(i);
    if (!v) fail('BAD_GRAPH', `${this.where()}: input ${i} is missing`);
    return v;
  }
  where() { return `node ${JSON.stringify(this.nodeName)} (${this.node.op_type})`; }
  act(i: number): Act {
    const v = this.val(i);
    if (!v) fail('BAD_GRAPH', `${this.where()}: input ${i} is missing`);
    if (v.kind === 'qact') unsupported(`input ${i} is a QuantizeLinear output not followed by DequantizeLinear`);
    if (v.kind !== 'act') unsupported(`input ${i} is a constant where an activation is expected`);
    return v as Act;
  }
  cst(i: number, what: string): Const {
    const v = this.val(i);
    if (!v) fail('BAD_GRAPH', `${this.where()}: ${what} (input ${i}) is missing`);
    if (v.kind !== 'const') unsupported(`${what} (input ${i}) is not a constant`);
    return v as Const;
  }
  optCst(i: number, what: string): Const | undefined { return this.val(i) === undefined ? undefined : this.cst(i, what); }
  ints(i: number, what: string): Ints {
    const c = this.cst(i, what);
    if (c.dtype !== 'i64' && c.dtype !== 'i32') unsupported(`${what} must be an integer tensor`);
    return Array.from(c.data as ArrayLike<number>);
  }
  /** The ONNX name of the node's output i ('' when absent). */
  output(i = 0): string { return this.node.output?.[i] ?? ''; }
  /** Refuses a node whose optional outputs from `from` on are read (Alloy does not compute them). */
  unusedOutputs(from: number, what: string): void {
    for (const o of (this.node.output ?? []).slice(from)) if (o && ((this.consumers.get(o) ?? 0) > 0 || this.graphOutputs.has(o))) unsupported(`output ${what} is used`);
  }

  // ----- constant helpers

  f32Of(c: Const, what: string): Float32Array {
    return floatValues(c) ?? unsupported(`${what} must be a float tensor (got ${c.dtype})`);
  }

  /** A float constant into alloy layout next to activation x (ONNX broadcasting), reduced to the
   *  trailing dims Alloy's binary ops broadcast along. */
  /** An f32 scalar constant to combine with activation x in an f32 binary op (named
   *  `<node>.<base>`). */
  scalarFor(x: Act, base: string, v: number): string {
    return this.f32Tensor(`${this.nodeName}.${base}`, new Float32Array([v]), scalarShape(x));
  }

  constFor(x: Act, c: Const, what: string): { data: Float32Array; shape: Ints } {
    let cd = [...c.dims];
    let data = this.f32Of(c, what);
    while (cd.length > x.shape.length && cd[0] === 1) cd.shift();
    if (cd.length > x.shape.length) unsupported(`${what} ${JSON.stringify(c.dims)} has more dimensions than the activation ${JSON.stringify(x.shape)}`);
    while (cd.length < x.shape.length) cd.unshift(1);
    if (!broadcastShapes(x.shape, cd) || broadcastShapes(x.shape, cd)!.some((d, i) => d !== x.shape[i])) unsupported(`${what} ${JSON.stringify(c.dims)} would broadcast the activation ${JSON.stringify(x.shape)} to a larger shape`);
    let xs = x.shape;
    if (x.nhwc) { data = permute(data, cd, NCHW_TO_NHWC); cd = NCHW_TO_NHWC.map((p) => cd[p]); xs = alloyShape(x.shape, true); }
    let k = 0;
    while (k < cd.length && cd[k] === 1) k++;
    if (k === cd.length) return { data: data.subarray(0, 1), shape: scalarShape(x) };
    const tail = cd.slice(k), want = xs.slice(k);
    if (want.some(isBatch)) unsupported(`${what} ${JSON.stringify(c.dims)} varies along the batch dimension`);
    if (tail.some((d, i) => d !== want[i])) data = broadcastTo(data, tail, want);
    return { data, shape: want };
  }

  // ----- fusion bookkeeping

  /** The producer of x when x's alloy tensor feeds only the current node and is no graph output. */
  soleProducer(x: Act): Producer | undefined {
    const p = this.producers.get(x.name);
    if (!p || x.conv.nchw || x.conv.nhwc) return undefined;
    const names = this.aliases.get(x.name) ?? [];
    if (names.some((n) => this.graphOutputs.has(n))) return undefined;
    const uses = names.reduce((s, n) => s + (this.consumers.get(n) ?? 0), 0) - (this.absorbed.get(x.name) ?? 0);
    return uses === 1 ? p : undefined;
  }
}

/** A converter of one ONNX operator: reads m.node, emits nodes, binds its outputs. */
export type Handler = (m: OnnxImporter) => void;

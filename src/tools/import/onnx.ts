// ONNX -> Alloy bundle input (Node; offline). `writeBundle(importOnnx(bytes))` gives a bundle.
//
// Layout: ONNX is NCHW, Alloy's image kernels are NHWC. Graph inputs and outputs keep the ONNX
// model's own layout and shapes (a 4-D input is fed NCHW, a 4-D output comes back NCHW); inside,
// every 4-D activation lives in whichever layout its producer gives (Conv / pools / Resize give
// NHWC) and is converted lazily, once, where a consumer needs the other one: a Transpose, or a
// Reshape (a copy) when the permutation does not move any element (C == 1 or H == W == 1, e.g.
// GlobalAveragePool -> Flatten). Layout-free ops (activations, Add/Mul..., Concat, Pad, Transpose,
// channel Softmax) work on NHWC directly with remapped axes and constants.
//
// Weights: Conv OIHW -> OHWI, depthwise [C,1,kh,kw] -> [kh,kw,C]; Gemm / MatMul -> Dense [N, K];
// f16 initializers stay f16; DequantizeLinear(int8/uint8 const) weights stay i8/u8 codes with
// their scales and zero points (per tensor, or per output channel); QuantizeLinear ->
// DequantizeLinear on activations becomes FakeQuant. BatchNormalization folds into the Conv /
// Dense before it (f32 weights), else becomes Mul + Add. All arithmetic on tensor values is done
// by the wasm module (./math.ts); the importer itself only moves bytes and does integer shape
// arithmetic (Shape / Gather / Unsqueeze / Concat / Slice ... feeding Reshape are folded here).
//
// Needs the module initialised (`await init()`), as the arithmetic runs in it.

import { createHash } from 'node:crypto';
import { AlloyError, fail } from '../../runtime/errors.js';
import type { BundleInput, TensorInput } from '../bundle/write.js';
import type { NodeEntry, ValueInfo } from '../../runtime/bundle/layout.js';
import { decodeModel, DT, AT, type ModelP, type NodeP, type TensorP, type AttrP, type ValueInfoP } from './onnx-proto.js';
import * as M from './math.js';

export interface ImportOptions {
  /** shapes for graph inputs whose dimensions (other than the first, batch) are symbolic */
  inputShapes?: Record<string, number[]>;
  /** fuse Relu / Clip(0, 6) into the Conv / Dense before them (default true) */
  fuse?: boolean;
}

// ---------------------------------------------------------------------------------------------
// values

type Ints = number[];
type DType = 'f32' | 'f16' | 'i8' | 'u8' | 'i32' | 'i64' | 'bool' | 'f64' | 'other';
import { permute, type Data } from '../permute.js';
import { elements } from '../../runtime/bundle/layout.js';

interface QInfo { fmt: 'i8' | 'u8'; codes: Int8Array | Uint8Array; scale: Float32Array; zp: Int32Array; axis: number /* -1: per tensor */ }
interface Const { kind: 'const'; dims: Ints; dtype: DType; data: Data; q?: QInfo }
interface Act { kind: 'act'; name: string; shape: Ints; nhwc: boolean; conv: { nchw?: string; nhwc?: string } }
interface QAct { kind: 'qact'; x: Act; scale: number; zp: number; fmt: 'i8' | 'u8'; fq?: Act; qName: string }
type Val = Const | Act | QAct;

/** The batch size inside folded shape vectors (Shape of a dynamic-batch tensor). */
const BATCH = -0x7fff_fff1;
const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
/** ONNX (NCHW) axis -> axis of the NHWC tensor */
const AXIS_IN_NHWC = [0, 3, 1, 2];

const prod = elements;
const isBatch = (d: number) => d === -1;

class Unsupported extends Error {}
const unsupported = (why: string): never => { throw new Unsupported(why); };

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function dtypeOf(dt: number | undefined): DType {
  switch (dt) {
    case DT.FLOAT: return 'f32';
    case DT.FLOAT16: return 'f16';
    case DT.INT8: return 'i8';
    case DT.UINT8: return 'u8';
    case DT.INT32: return 'i32';
    case DT.INT64: return 'i64';
    case DT.BOOL: return 'bool';
    case DT.DOUBLE: return 'f64';
    default: return 'other';
  }
}

const ELEM_BYTES: Record<DType, number> = { f32: 4, f16: 2, i8: 1, u8: 1, i32: 4, i64: 8, bool: 1, f64: 8, other: 0 };

function copyBytes(raw: Uint8Array): ArrayBuffer {
  const b = new ArrayBuffer(raw.byteLength);
  new Uint8Array(b).set(raw);
  return b;
}

/** A TensorProto as a constant (data copied, little-endian as ONNX stores it). */
function tensorConst(t: TensorP, where: string): Const {
  const dims = (t.dims ?? []).map(Number);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_GRAPH', `${where}: dims ${JSON.stringify(dims)} are not non-negative integers`);
  const n = prod(dims);
  if (n > 2 ** 30) fail('LIMIT_EXCEEDED', `${where}: ${n} elements`);
  if (t.data_location === 1) fail('BAD_GRAPH', `${where}: tensor data is stored in an external file; save the model with all tensors inside it`);
  const dtype = dtypeOf(t.data_type);
  if (dtype === 'other') return { kind: 'const', dims, dtype, data: [] };
  const raw = t.raw_data;
  if (raw && raw.byteLength > 0 || n === 0 && raw) {
    if (raw.byteLength !== n * ELEM_BYTES[dtype]) fail('BAD_GRAPH', `${where}: raw_data holds ${raw.byteLength} bytes, ${dtype} ${JSON.stringify(dims)} needs ${n * ELEM_BYTES[dtype]}`);
    const buf = copyBytes(raw);
    switch (dtype) {
      case 'f32': return { kind: 'const', dims, dtype, data: new Float32Array(buf) };
      case 'f16': return { kind: 'const', dims, dtype, data: new Uint16Array(buf) };
      case 'i8': return { kind: 'const', dims, dtype, data: new Int8Array(buf) };
      case 'u8': case 'bool': return { kind: 'const', dims, dtype, data: new Uint8Array(buf) };
      case 'i32': return { kind: 'const', dims, dtype, data: new Int32Array(buf) };
      case 'i64': return { kind: 'const', dims, dtype, data: Array.from(new BigInt64Array(buf), (v) => safeInt(v, where)) };
      case 'f64': return { kind: 'const', dims, dtype, data: Array.from(new Float64Array(buf)) };
    }
  }
  const list = (a: number[] | undefined) => {
    const v = a ?? [];
    if (v.length !== n) fail('BAD_GRAPH', `${where}: ${v.length} values stored, dims ${JSON.stringify(dims)} need ${n}`);
    return v;
  };
  switch (dtype) {
    case 'f32': return { kind: 'const', dims, dtype, data: Float32Array.from(list(t.float_data)) };
    case 'f16': return { kind: 'const', dims, dtype, data: Uint16Array.from(list(t.int32_data)) };
    case 'i8': return { kind: 'const', dims, dtype, data: Int8Array.from(list(t.int32_data)) };
    case 'u8': case 'bool': return { kind: 'const', dims, dtype, data: Uint8Array.from(list(t.int32_data)) };
    case 'i32': return { kind: 'const', dims, dtype, data: Int32Array.from(list(t.int32_data)) };
    case 'i64': return { kind: 'const', dims, dtype, data: list(t.int64_data).map((v) => safeInt(v, where)) };
    case 'f64': return { kind: 'const', dims, dtype, data: [...list(t.double_data)] };
  }
  return { kind: 'const', dims, dtype: 'other', data: [] };
}

function safeInt(v: bigint | number, where: string): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x)) fail('BAD_GRAPH', `${where}: integer ${v} is outside the safe range`);
  return x;
}


/** Numpy broadcast of `data` (dims) to `to` (same rank; each dim equal or 1 in dims). */
function broadcastTo(data: Float32Array, dims: Ints, to: Ints): Float32Array {
  const r = to.length, n = prod(to);
  const out = M.floats(n, `broadcast of ${JSON.stringify(dims)} to ${JSON.stringify(to)}`);
  const stride = new Array(r).fill(0);
  let s = 1;
  for (let i = r - 1; i >= 0; i--) { stride[i] = dims[i] === 1 ? 0 : s; s *= dims[i]; }
  const idx = new Array(r).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    out[o] = data[src];
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++; src += stride[k];
      if (idx[k] < to[k]) break;
      src -= stride[k] * to[k]; idx[k] = 0;
    }
  }
  return out;
}

function broadcastShapes(a: Ints, b: Ints): Ints | null {
  const r = Math.max(a.length, b.length);
  const out: Ints = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// attributes

const dec = new TextDecoder();
class Attrs {
  private m = new Map<string, AttrP>();
  constructor(n: NodeP) { for (const a of n.attribute ?? []) if (a.name) this.m.set(a.name, a); }
  has(k: string) { return this.m.has(k); }
  i(k: string, d: number): number { const a = this.m.get(k); return a?.i !== undefined ? Number(a.i) : d; }
  f(k: string, d: number): number { const a = this.m.get(k); return a?.f !== undefined ? a.f : a?.i !== undefined ? Number(a.i) : d; }
  s(k: string, d: string): string { const a = this.m.get(k); return a?.s !== undefined ? dec.decode(a.s) : d; }
  ints(k: string, d?: Ints): Ints | undefined { const a = this.m.get(k); return a?.ints !== undefined && (a.ints.length || a.type === AT.INTS) ? a.ints.map(Number) : d; }
  floats(k: string): number[] | undefined { return this.m.get(k)?.floats; }
  t(k: string): TensorP | undefined { return this.m.get(k)?.t; }
  names() { return [...this.m.keys()]; }
}

// ---------------------------------------------------------------------------------------------

interface Producer { entry: NodeEntry; kind: 'conv' | 'dw' | 'dense'; w: string; b?: string; rows: number }

class Importer {
  vals = new Map<string, Val>();
  nodes: NodeEntry[] = [];
  tensors: Record<string, TensorInput> = {};
  reserved = new Set<string>();
  used = new Set<string>();
  problems: string[] = [];
  consumers = new Map<string, number>();
  graphOutputs = new Set<string>();
  producers = new Map<string, Producer>();
  /** alloy tensor name -> ONNX value names bound to it */
  aliases = new Map<string, string[]>();
  /** alloy tensor name -> ONNX uses of its aliases that do not read it */
  absorbed = new Map<string, number>();
  opset = 0;
  skipped = 0;
  node!: NodeP;
  nodeName = '';
  at!: Attrs;
  constructor(readonly opts: ImportOptions) {}

  fresh(base: string): string {
    let n = base, i = 1;
    while (this.reserved.has(n) || this.used.has(n)) n = `${base}_${i++}`;
    this.used.add(n);
    return n;
  }

  tensor(base: string, t: TensorInput): string {
    const name = this.fresh(base);
    this.tensors[name] = t;
    return name;
  }

  f32Tensor(base: string, data: Float32Array, shape: Ints): string {
    return this.tensor(base, { format: 'f32', shape, data });
  }

  emit(op: string, inputs: string[], out: string, attrs?: Record<string, unknown>): NodeEntry {
    const e: NodeEntry = { name: this.fresh(this.nodeName || op), op, inputs, outputs: [out], ...(attrs && Object.keys(attrs).length ? { attrs } : {}) };
    this.nodes.push(e);
    return e;
  }

  /** A new activation for ONNX output `onnx` (alloy tensor named after it where possible). */
  out(onnx: string, shape: Ints, nhwc: boolean): Act {
    const name = !this.used.has(onnx) && !(nhwc && this.graphOutputs.has(onnx)) ? (this.used.add(onnx), onnx) : this.fresh(`${onnx}.${nhwc ? 'nhwc' : 'out'}`);
    return { kind: 'act', name, shape, nhwc, conv: {} };
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

  // ----- layouts

  /** The alloy tensor holding `v` in ONNX axis order. */
  nchw(v: Act): string {
    if (!v.nhwc) return v.name;
    if (v.conv.nchw) return v.conv.nchw;
    const [, C, H, W] = v.shape;
    const name = this.fresh(`${v.name}.nchw`);
    if (C === 1 || (H === 1 && W === 1)) this.emit('Reshape', [v.name], name, { shape: [0, C, H, W] });
    else this.emit('Transpose', [v.name], name, { perm: NHWC_TO_NCHW });
    return (v.conv.nchw = name);
  }

  /** The alloy tensor holding 4-D `v` as NHWC. */
  nhwc(v: Act): string {
    if (v.shape.length !== 4) unsupported(`needs a 4-D (NCHW) input, got shape ${JSON.stringify(v.shape)}`);
    if (v.nhwc) return v.name;
    if (v.conv.nhwc) return v.conv.nhwc;
    const [, C, H, W] = v.shape;
    const name = this.fresh(`${v.name}.nhwc`);
    if (C === 1 || (H === 1 && W === 1)) this.emit('Reshape', [v.name], name, { shape: [0, H, W, C] });
    else this.emit('Transpose', [v.name], name, { perm: NCHW_TO_NHWC });
    return (v.conv.nhwc = name);
  }

  /** Alloy-order shape of v in the given layout. */
  static alloyShape(shape: Ints, nhwc: boolean): Ints { return nhwc ? NCHW_TO_NHWC.map((p) => shape[p]) : [...shape]; }

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

  // ----- constant helpers

  f32Of(c: Const, what: string): Float32Array {
    if (c.dtype === 'f32') return c.data as Float32Array;
    if (c.dtype === 'f16') return M.decodeF16(c.data as Uint16Array);
    return unsupported(`${what} must be a float tensor (got ${c.dtype})`);
  }

  /** A float constant into alloy layout next to activation x (ONNX broadcasting), reduced to the
   *  trailing dims Alloy's binary ops broadcast along. */
  constFor(x: Act, c: Const, what: string): { data: Float32Array; shape: Ints } {
    let cd = [...c.dims];
    let data = this.f32Of(c, what);
    while (cd.length > x.shape.length && cd[0] === 1) cd.shift();
    if (cd.length > x.shape.length) unsupported(`${what} ${JSON.stringify(c.dims)} has more dimensions than the activation ${JSON.stringify(x.shape)}`);
    while (cd.length < x.shape.length) cd.unshift(1);
    if (!broadcastShapes(x.shape, cd) || broadcastShapes(x.shape, cd)!.some((d, i) => d !== x.shape[i])) unsupported(`${what} ${JSON.stringify(c.dims)} would broadcast the activation ${JSON.stringify(x.shape)} to a larger shape`);
    let xs = x.shape;
    if (x.nhwc) { data = permute(data, cd, NCHW_TO_NHWC); cd = NCHW_TO_NHWC.map((p) => cd[p]); xs = Importer.alloyShape(x.shape, true); }
    let k = 0;
    while (k < cd.length && cd[k] === 1) k++;
    if (k === cd.length) return { data: data.subarray(0, 1), shape: [1] };
    const tail = cd.slice(k), want = xs.slice(k);
    if (want.some(isBatch)) unsupported(`${what} ${JSON.stringify(c.dims)} varies along the batch dimension`);
    if (tail.some((d, i) => d !== want[i])) data = broadcastTo(data, tail, want);
    return { data, shape: want };
  }

  // ----- the ops

  run(model: ModelP) {
    const g = model.graph!;
    const inits = new Set<string>();
    for (const [i, t] of (g.initializer ?? []).entries()) {
      const name = t.name ?? '';
      if (!name) fail('BAD_GRAPH', `initializer ${i} has no name`);
      this.vals.set(name, tensorConst(t, `initializer ${JSON.stringify(name)}`));
      inits.add(name);
      this.reserved.add(name);
    }
    for (const n of g.node ?? []) for (const o of [...(n.input ?? []), ...(n.output ?? [])]) if (o) this.reserved.add(o);
    for (const n of g.node ?? []) for (const i of n.input ?? []) if (i) this.consumers.set(i, (this.consumers.get(i) ?? 0) + 1);
    for (const o of g.output ?? []) { if (!o.name) fail('BAD_GRAPH', 'a graph output has no name'); this.graphOutputs.add(o.name); this.reserved.add(o.name); }

    const inputs: ValueInfo[] = [];
    for (const v of g.input ?? []) {
      if (!v.name) fail('BAD_GRAPH', 'a graph input has no name');
      if (inits.has(v.name)) continue; // IR < 4: initializers are listed as inputs too
      const shape = this.inputShape(v);
      const act: Act = { kind: 'act', name: v.name, shape, nhwc: false, conv: {} };
      this.used.add(v.name);
      this.bind(v.name, act);
      inputs.push({ name: v.name, shape, format: 'f32' });
    }

    const nodes = rewritePatterns(g.node ?? [], this.consumers, this.graphOutputs, (n) => this.peekConst(n, g));
    for (const [i, n] of nodes.entries()) {
      this.node = n;
      this.nodeName = n.name || `${n.op_type}_${i}`;
      this.at = new Attrs(n);
      const outs = n.output ?? [];
      if (!n.op_type) fail('BAD_GRAPH', `node ${i} has no op_type`);
      const domain = n.domain ?? '';
      const label = `${n.op_type} (${this.nodeName})`;
      const poisoned = (n.input ?? []).some((x) => x && this.vals.get(x) === POISON);
      if (domain !== '' && domain !== 'ai.onnx') { this.problems.push(`${label}: operator domain ${JSON.stringify(domain)}`); this.poison(outs); continue; }
      if (!Object.hasOwn(HANDLERS, n.op_type)) { this.problems.push(label); this.poison(outs); continue; }
      if (poisoned) { this.skipped++; this.poison(outs); continue; }
      for (const x of n.input ?? []) if (x && !this.vals.has(x)) fail('BAD_GRAPH', `${this.where()}: input ${JSON.stringify(x)} is not produced before this node (graph not topologically sorted, or a dangling name)`);
      try {
        HANDLERS[n.op_type](this);
        for (const o of outs.slice(0, 1)) if (o && !this.vals.has(o)) fail('BAD_GRAPH', `${this.where()}: produced no output`);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        this.problems.push(`${label}: ${e.message}`);
        this.poison(outs);
      }
    }

    const outputs: ValueInfo[] = [];
    for (const o of g.output ?? []) {
      const v = this.vals.get(o.name!);
      if (v === POISON) continue;
      if (!v) fail('BAD_GRAPH', `graph output ${JSON.stringify(o.name)} is never produced`);
      if (v.kind !== 'act') { this.problems.push(`graph output ${JSON.stringify(o.name)}: is a constant (or a quantized value), not computed from the inputs`); continue; }
      this.nodeName = `output ${o.name}`;
      if (v.nhwc) this.emit('Transpose', [v.name], o.name!, { perm: NHWC_TO_NCHW });
      else if (v.name !== o.name) this.emit('Reshape', [v.name], o.name!, { shape: v.shape.map(() => 0) });
      outputs.push({ name: o.name!, shape: [...v.shape], format: 'f32' });
    }
    if (this.problems.length) fail('UNSUPPORTED_OP', `${this.problems.length} unsupported node${this.problems.length > 1 ? 's' : ''}: ${this.problems.join('; ')}${this.skipped ? ` (${this.skipped} later node${this.skipped > 1 ? 's' : ''} depending on these not checked)` : ''}`);
    return { inputs, outputs };
  }

  poison(outs: string[]) { for (const o of outs) if (o) this.vals.set(o, POISON); }

  /** For pattern matching before conversion: a scalar constant's value (initializer or Constant). */
  peekConst(name: string, g: NonNullable<ModelP['graph']>): number | undefined {
    let c = this.vals.get(name);
    if (!c) {
      const n = (g.node ?? []).find((m) => m.op_type === 'Constant' && m.output?.[0] === name);
      if (!n) return undefined;
      try { c = constantNode(n); } catch { return undefined; }
    }
    if (c.kind !== 'const' || prod(c.dims) !== 1) return undefined;
    if (c.dtype === 'f32' || c.dtype === 'f64') return (c.data as ArrayLike<number>)[0];
    if (c.dtype === 'f16') return M.decodeF16(c.data as Uint16Array)[0];
    return undefined;
  }

  inputShape(v: ValueInfoP): Ints {
    const t = v.type?.tensor_type;
    if (!t) fail('BAD_GRAPH', `graph input ${JSON.stringify(v.name)}: not a tensor`);
    if (t.elem_type !== DT.FLOAT) throw new AlloyError('UNSUPPORTED_OP', `graph input ${JSON.stringify(v.name)} has element type ${t.elem_type}; Alloy inputs are float32`);
    const fixed = this.opts.inputShapes?.[v.name!];
    if (fixed) {
      if (!Array.isArray(fixed) || !fixed.every((d, i) => Number.isSafeInteger(d) && (d >= 1 || (i === 0 && d === -1)))) fail('BAD_OPTION', `inputShapes[${JSON.stringify(v.name)}] must be positive integers (-1 allowed first)`);
      return [...fixed];
    }
    if (!t.shape) fail('BAD_GRAPH', `graph input ${JSON.stringify(v.name)} has no shape; give it with options.inputShapes`);
    return (t.shape.dim ?? []).map((d, i) => {
      const n = d.dim_value !== undefined ? Number(d.dim_value) : undefined;
      if (n !== undefined && n > 0) return n;
      if (i === 0) return -1;
      return fail('BAD_GRAPH', `graph input ${JSON.stringify(v.name)}: dimension ${i} is ${d.dim_param !== undefined ? `symbolic (${JSON.stringify(d.dim_param)})` : 'unknown'}; only the first (batch) dimension may be dynamic; give a shape with options.inputShapes`);
    });
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

const POISON: Val = { kind: 'const', dims: [], dtype: 'other', data: [] };

function constantNode(n: NodeP): Const {
  const a = new Attrs(n);
  const where = `Constant node ${JSON.stringify(n.name ?? '')}`;
  const t = a.t('value');
  if (t) return tensorConst(t, where);
  if (a.has('value_float')) return { kind: 'const', dims: [], dtype: 'f32', data: new Float32Array([a.f('value_float', 0)]) };
  if (a.has('value_floats')) { const f = a.floats('value_floats') ?? []; return { kind: 'const', dims: [f.length], dtype: 'f32', data: Float32Array.from(f) }; }
  if (a.has('value_int')) return { kind: 'const', dims: [], dtype: 'i64', data: [a.i('value_int', 0)] };
  if (a.has('value_ints')) { const v = a.ints('value_ints', [])!; return { kind: 'const', dims: [v.length], dtype: 'i64', data: v }; }
  return unsupported(`Constant with ${a.names().join(', ') || 'no value'} (sparse and string constants are not supported)`);
}

// ---------------------------------------------------------------------------------------------
// pattern rewrites before conversion: the Erf GELU and HardSigmoid * x.

function rewritePatterns(nodes: NodeP[], consumers: Map<string, number>, outputs: Set<string>, scalar: (name: string) => number | undefined): NodeP[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const users = new Map<string, number[]>();
  nodes.forEach((n, i) => (n.input ?? []).forEach((x) => x && users.set(x, [...(users.get(x) ?? []), i])));
  const single = (v: string) => (consumers.get(v) ?? 0) === 1 && !outputs.has(v);
  const userOf = (v: string) => (single(v) ? users.get(v)![0] : -1);
  const near = (v: number | undefined, want: number, tol = 1e-5) => v !== undefined && Math.abs(v - want) <= tol * Math.abs(want);
  /** Binary node i with inputs {v, c} where c is a scalar constant: returns [other, constant]. */
  const withConst = (i: number, op: string): [string, number][] => {
    const n = nodes[i];
    if (!n || n.op_type !== op || (n.domain ?? '') !== '' || (n.input ?? []).length !== 2) return [];
    const [a, b] = n.input!;
    const r: [string, number][] = [];
    const cb = scalar(b), ca = scalar(a);
    if (cb !== undefined) r.push([a, cb]);
    if (op !== 'Div' && op !== 'Sub' && ca !== undefined) r.push([b, ca]);
    return r;
  };
  const removed = new Set<number>();
  const replace = new Map<number, NodeP>();
  nodes.forEach((e, ei) => {
    if (e.op_type === 'Erf' && (e.domain ?? '') === '') {
      const inp = e.input?.[0] ?? '';
      const pi = producer.get(inp);
      if (pi === undefined || !single(inp)) return;
      const div = withConst(pi, 'Div').find(([, c]) => near(c, Math.SQRT2));
      const mul = withConst(pi, 'Mul').find(([, c]) => near(c, Math.SQRT1_2));
      const x = (div ?? mul)?.[0];
      if (!x) return;
      const ai = userOf(e.output![0]);
      const add = withConst(ai, 'Add').find(([v, c]) => v === e.output![0] && near(c, 1));
      if (!add) return;
      const aOut = nodes[ai].output![0];
      const m1 = userOf(aOut);
      const n1 = nodes[m1];
      if (!n1 || n1.op_type !== 'Mul' || n1.input?.length !== 2) return;
      const other = n1.input[0] === aOut ? n1.input[1] : n1.input[0];
      let chain: number[] | null = null, y = '';
      if (other === x) {
        const m2 = userOf(n1.output![0]);
        if (withConst(m2, 'Mul').some(([v, c]) => v === n1.output![0] && near(c, 0.5))) { chain = [pi, ei, ai, m1, m2]; y = nodes[m2].output![0]; }
      } else if (near(scalar(other), 0.5)) {
        const m2 = userOf(n1.output![0]);
        const n2 = nodes[m2];
        if (n2 && n2.op_type === 'Mul' && n2.input?.length === 2 && n2.input.includes(x) && n2.input.includes(n1.output![0])) { chain = [pi, ei, ai, m1, m2]; y = n2.output![0]; }
      } else {
        const hi = producer.get(other);
        if (hi !== undefined && single(other) && withConst(hi, 'Mul').some(([v, c]) => v === x && near(c, 0.5))) { chain = [pi, ei, ai, hi, m1]; y = n1.output![0]; }
      }
      if (!chain || chain.some((k) => removed.has(k))) return;
      const last = Math.max(...chain);
      for (const k of chain) removed.add(k);
      replace.set(last, { op_type: 'Gelu', name: e.name || `gelu_${ei}`, input: [x], output: [y], attribute: [] });
    }
    if (e.op_type === 'HardSigmoid' && (e.domain ?? '') === '') {
      const a = new Attrs(e);
      if (!near(a.f('alpha', 0.2), 1 / 6) || !near(a.f('beta', 0.5), 0.5)) return;
      const x = e.input?.[0] ?? '';
      const mi = userOf(e.output?.[0] ?? '');
      const m = nodes[mi];
      if (!m || m.op_type !== 'Mul' || m.input?.length !== 2 || !m.input.includes(x) || !m.input.includes(e.output![0]) || removed.has(mi) || removed.has(ei)) return;
      removed.add(ei); removed.add(mi);
      replace.set(mi, { op_type: 'HardSwish', name: e.name || `hardswish_${ei}`, input: [x], output: [m.output![0]], attribute: [] });
    }
  });
  const out: NodeP[] = [];
  nodes.forEach((n, i) => { if (replace.has(i)) out.push(replace.get(i)!); else if (!removed.has(i)) out.push(n); });
  // The consumer counts of the values inside a replaced chain no longer matter; the new nodes'
  // inputs gain no consumers they did not have (x fed the chain's first node at least once).
  return out;
}

// ---------------------------------------------------------------------------------------------
// handlers

type Handler = (m: Importer) => void;
const HANDLERS: Record<string, Handler> = {};
const outName = (m: Importer, i = 0) => m.node.output?.[i] ?? '';
const unusedOutputs = (m: Importer, from: number, what: string) => {
  for (const o of (m.node.output ?? []).slice(from)) if (o && ((m.consumers.get(o) ?? 0) > 0 || m.graphOutputs.has(o))) unsupported(`output ${what} is used`);
};

function normAxis(a: number, r: number): number {
  const x = a < 0 ? a + r : a;
  if (!(x >= 0 && x < r)) unsupported(`axis ${a} out of range for rank ${r}`);
  return x;
}

// --- constants and shape folding

HANDLERS.Constant = (m) => m.bind(outName(m), constantNode(m.node));

HANDLERS.Identity = (m) => {
  const v = m.val(0);
  if (!v) fail('BAD_GRAPH', `${m.where()}: input missing`);
  m.bind(outName(m), v);
};
HANDLERS.Dropout = (m) => { unusedOutputs(m, 1, 'mask'); HANDLERS.Identity(m); };

HANDLERS.Shape = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('input is quantized');
  const r = dims.length;
  let s = m.at.i('start', 0), e = m.at.has('end') ? m.at.i('end', r) : r;
  s = Math.min(Math.max(s < 0 ? s + r : s, 0), r); e = Math.min(Math.max(e < 0 ? e + r : e, 0), r);
  const out = dims.slice(s, Math.max(s, e)).map((d) => (d === -1 ? BATCH : d));
  m.bind(outName(m), { kind: 'const', dims: [out.length], dtype: 'i64', data: out });
};

function intData(c: Const): number[] {
  if (c.dtype === 'i64' || c.dtype === 'i32' || c.dtype === 'i8' || c.dtype === 'u8' || c.dtype === 'bool') return Array.from(c.data as ArrayLike<number>);
  return unsupported(`folding needs integer constants (got ${c.dtype})`);
}

function makeLike(c: Const, n: number): Data {
  if (Array.isArray(c.data)) return new Array(n);
  return new (c.data.constructor as any)(n);
}

HANDLERS.Gather = (m) => {
  const d = m.need(0);
  if (d.kind !== 'const') unsupported('data is an activation (only constant folding of Gather is supported)');
  const data = d as Const;
  const idx = m.ints(1, 'indices'), idims = m.cst(1, 'indices').dims;
  const r = data.dims.length;
  const axis = normAxis(m.at.i('axis', 0), r);
  const outer = prod(data.dims.slice(0, axis)), len = data.dims[axis], inner = prod(data.dims.slice(axis + 1));
  const out = makeLike(data, outer * idx.length * inner) as any;
  for (let o = 0; o < outer; o++) for (let j = 0; j < idx.length; j++) {
    let k = idx[j]; if (k < 0) k += len;
    if (!(k >= 0 && k < len)) fail('BAD_GRAPH', `${m.where()}: index ${idx[j]} out of range ${len}`);
    for (let i = 0; i < inner; i++) out[(o * idx.length + j) * inner + i] = (data.data as any)[(o * len + k) * inner + i];
  }
  m.bind(outName(m), { kind: 'const', dims: [...data.dims.slice(0, axis), ...idims, ...data.dims.slice(axis + 1)], dtype: data.dtype, data: out });
};

function axesArg(m: Importer, attrFromOpset: number): Ints | undefined {
  if (m.opset < attrFromOpset) return m.at.ints('axes');
  return m.val(1) === undefined ? undefined : m.ints(1, 'axes');
}

function reshapeAct(m: Importer, x: Act, shape: Ints): Act {
  if (shape.filter(isBatch).length > 1) unsupported('more than one dynamic dimension');
  const y = m.out(outName(m), shape, false);
  m.emit('Reshape', [m.nchw(x)], y.name, { shape });
  return y;
}

HANDLERS.Unsqueeze = (m) => {
  const v = m.need(0);
  const axes = axesArg(m, 13);
  if (!axes) fail('BAD_GRAPH', `${m.where()}: axes missing`);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const r = dims.length + axes.length;
  const ax = axes.map((a) => normAxis(a, r)).sort((a, b) => a - b);
  const out = [...dims];
  for (const a of ax) out.splice(a, 0, 1);
  if (v.kind === 'const') m.bind(outName(m), { ...v, dims: out });
  else m.bind(outName(m), reshapeAct(m, v as Act, out));
};

HANDLERS.Squeeze = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const axes = axesArg(m, 13);
  const ax = axes ? axes.map((a) => normAxis(a, dims.length)) : dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  for (const a of ax) if (dims[a] !== 1) unsupported(`axis ${a} has size ${dims[a]}, not 1`);
  const out = dims.filter((_, i) => !ax.includes(i));
  if (v.kind === 'const') m.bind(outName(m), { ...v, dims: out });
  else m.bind(outName(m), reshapeAct(m, v as Act, out));
};

HANDLERS.Cast = (m) => {
  const v = m.need(0);
  const to = m.at.i('to', 0);
  if (v.kind === 'act') {
    // Alloy computes in f32; a cast between float types of an activation is the identity here.
    if (to !== DT.FLOAT && to !== DT.FLOAT16 && to !== DT.DOUBLE) unsupported(`cast of an activation to type ${to}`);
    m.bind(outName(m), v);
    return;
  }
  if (v.kind !== 'const') unsupported('quantized input');
  const c = v as Const;
  const t = dtypeOf(to);
  const isInt = (d: DType) => d === 'i64' || d === 'i32' || d === 'i8' || d === 'u8' || d === 'bool';
  if (t === c.dtype || ((t === 'f32' || t === 'f16') && (c.dtype === 'f32' || c.dtype === 'f16'))) { m.bind(outName(m), c); return; }
  if (isInt(c.dtype) && (t === 'i64' || t === 'i32')) { const d = intData(c); m.bind(outName(m), { kind: 'const', dims: c.dims, dtype: t, data: t === 'i32' ? Int32Array.from(d) : d }); return; }
  if (isInt(c.dtype) && t === 'f32') {
    const d = intData(c);
    if (d.some((x) => Math.abs(x) > 2 ** 24 || x === BATCH)) unsupported('cast of integers beyond 2^24 (or of the dynamic batch size) to float');
    m.bind(outName(m), { kind: 'const', dims: c.dims, dtype: 'f32', data: Float32Array.from(d) }); // exact
    return;
  }
  unsupported(`constant cast from ${c.dtype} to type ${to}`);
};

HANDLERS.Slice = (m) => {
  const v = m.need(0);
  if (v.kind !== 'const') unsupported('data is an activation (only constant folding of Slice is supported)');
  const c = v as Const;
  let starts: Ints, ends: Ints, axes: Ints | undefined, steps: Ints | undefined;
  if (m.opset < 10) { starts = m.at.ints('starts', [])!; ends = m.at.ints('ends', [])!; axes = m.at.ints('axes'); }
  else { starts = m.ints(1, 'starts'); ends = m.ints(2, 'ends'); axes = m.val(3) ? m.ints(3, 'axes') : undefined; steps = m.val(4) ? m.ints(4, 'steps') : undefined; }
  if (c.dims.length !== 1) unsupported('folding Slice of a constant of rank other than 1');
  const ax = axes ?? starts.map((_, i) => i);
  if (ax.length !== 1 || normAxis(ax[0], 1) !== 0) unsupported('Slice axes');
  const n = c.dims[0], step = steps?.[0] ?? 1;
  if (step === 0) fail('BAD_GRAPH', `${m.where()}: step 0`);
  const clampI = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  let s = starts[0] < 0 ? starts[0] + n : starts[0], e = ends[0] < 0 ? ends[0] + n : ends[0];
  const out: number[] = [];
  const src = Array.from(c.data as ArrayLike<number>);
  if (step > 0) { s = clampI(s, 0, n); e = clampI(e, 0, n); for (let i = s; i < e; i += step) out.push(src[i]); }
  else { s = clampI(s, -1, n - 1); e = clampI(e, -1, n - 1); for (let i = s; i > e; i += step) out.push(src[i]); }
  m.bind(outName(m), { kind: 'const', dims: [out.length], dtype: c.dtype, data: c.dtype === 'i64' ? out : (Array.isArray(c.data) ? out : new (c.data.constructor as any)(out)) });
};

// --- elementwise

function unary(op: string, attrs?: (m: Importer) => Record<string, unknown> | undefined): Handler {
  return (m) => {
    const x = m.act(0);
    const y = m.out(outName(m), x.shape, x.nhwc);
    m.emit(op, [x.name], y.name, attrs?.(m));
    m.bind(outName(m), y);
  };
}

/** Relu / Relu6 into the preceding Conv / Dense when it is the only consumer. */
function fusedActivation(m: Importer, x: Act, act: 'relu' | 'relu6'): boolean {
  if (m.opts.fuse === false) return false;
  const p = m.soleProducer(x);
  if (!p || (p.entry.attrs?.activation ?? 'none') !== 'none' || (p.kind === 'dense' && act !== 'relu')) return false;
  p.entry.attrs = { ...(p.entry.attrs ?? {}), activation: act };
  m.bind(outName(m), x);
  return true;
}

HANDLERS.Relu = (m) => { const x = m.act(0); if (!fusedActivation(m, x, 'relu')) unary('Relu')(m); };
HANDLERS.Sigmoid = unary('Sigmoid');
HANDLERS.Tanh = unary('Tanh');
HANDLERS.HardSwish = unary('HardSwish');
HANDLERS.LeakyRelu = unary('LeakyRelu', (m) => ({ alpha: Math.fround(m.at.f('alpha', 0.01)) }));
HANDLERS.Gelu = (m) => {
  const a = m.at.s('approximate', 'none');
  if (a !== 'none') unsupported(`approximate = ${JSON.stringify(a)} (only the exact erf GELU is supported)`);
  unary('Gelu')(m);
};
HANDLERS.Clip = (m) => {
  let lo = -Infinity, hi = Infinity;
  if (m.opset < 11) { lo = m.at.f('min', -Infinity); hi = m.at.f('max', Infinity); }
  else {
    const scalar = (i: number, what: string) => { const c = m.optCst(i, what); if (!c) return undefined; if (prod(c.dims) !== 1) unsupported(`${what} must be a scalar`); return m.f32Of(c, what)[0]; };
    lo = scalar(1, 'min') ?? -Infinity; hi = scalar(2, 'max') ?? Infinity;
  }
  const x = m.act(0);
  if (lo === 0 && hi === 6) { if (!fusedActivation(m, x, 'relu6')) unary('Relu6')(m); return; }
  if (lo === 0 && hi === Infinity) { if (!fusedActivation(m, x, 'relu')) unary('Relu')(m); return; }
  const attrs: Record<string, number> = {};
  if (Number.isFinite(lo)) attrs.min = Math.fround(lo);
  if (Number.isFinite(hi)) attrs.max = Math.fround(hi);
  unary('Clip', () => attrs)(m);
};
HANDLERS.HardSigmoid = (m) => {
  // max(0, min(1, alpha * x + beta)): Mul, Add, Clip
  const x = m.act(0);
  const alpha = Math.fround(m.at.f('alpha', 0.2)), beta = Math.fround(m.at.f('beta', 0.5));
  const a = m.tmp(`${x.name}.hs_mul`, x.shape, x.nhwc), b = m.tmp(`${x.name}.hs_add`, x.shape, x.nhwc);
  m.emit('Mul', [x.name, m.f32Tensor(`${m.nodeName}.alpha`, new Float32Array([alpha]), [1])], a.name);
  m.emit('Add', [a.name, m.f32Tensor(`${m.nodeName}.beta`, new Float32Array([beta]), [1])], b.name);
  const y = m.out(outName(m), x.shape, x.nhwc);
  m.emit('Clip', [b.name], y.name, { min: 0, max: 1 });
  m.bind(outName(m), y);
};
HANDLERS.Neg = (m) => {
  const x = m.act(0);
  const y = m.out(outName(m), x.shape, x.nhwc);
  m.emit('Mul', [x.name, m.f32Tensor(`${m.nodeName}.minus_one`, new Float32Array([-1]), [1])], y.name);
  m.bind(outName(m), y);
};

HANDLERS.PRelu = (m) => {
  const x = m.act(0);
  const { data, shape } = m.constFor(x, m.cst(1, 'slope'), 'slope');
  const last = Importer.alloyShape(x.shape, x.nhwc).at(-1);
  if (!(data.length === 1 || (shape.length === 1 && shape[0] === last))) unsupported(`slope of shape ${JSON.stringify(m.cst(1, 'slope').dims)}: one slope per channel, or one, is supported`);
  const y = m.out(outName(m), x.shape, x.nhwc);
  m.emit('PRelu', [x.name, m.f32Tensor(`${m.nodeName}.slope`, data, shape)], y.name);
  m.bind(outName(m), y);
};

/** y = x op c, c a constant (ONNX broadcasting onto x's shape). */
function binConst(m: Importer, op: string, x: Act, c: Const, out: string | null): Act {
  const { data, shape } = m.constFor(x, c, `constant operand of ${op}`);
  const y = out === null ? m.tmp(`${x.name}.${op.toLowerCase()}`, x.shape, x.nhwc) : m.out(out, x.shape, x.nhwc);
  m.emit(op, [x.name, m.f32Tensor(`${m.nodeName}.${op === 'Add' || op === 'Sub' ? 'shift' : 'scale'}`, data, shape)], y.name);
  return y;
}

function negate(m: Importer, x: Act): Act {
  const y = m.out(outName(m), x.shape, x.nhwc);
  m.emit('Mul', [x.name, m.f32Tensor(`${m.nodeName}.minus_one`, new Float32Array([-1]), [1])], y.name);
  return y;
}

function binary(op: 'Add' | 'Sub' | 'Mul' | 'Div'): Handler {
  return (m) => {
    const a = m.val(0), b = m.val(1);
    if (!a || !b) fail('BAD_GRAPH', `${m.where()}: needs two inputs`);
    if (a.kind === 'qact' || b.kind === 'qact') unsupported('operand is a QuantizeLinear output not followed by DequantizeLinear');
    if (a.kind === 'const' && b.kind === 'const') return foldBinary(m, op, a, b);
    if (b.kind === 'const') return m.bind(outName(m), binConst(m, op, a as Act, b, outName(m)));
    if (a.kind === 'const') {
      if (op === 'Add' || op === 'Mul') return m.bind(outName(m), binConst(m, op, b as Act, a, outName(m)));
      if (op === 'Sub') return m.bind(outName(m), negate(m, binConst(m, 'Sub', b as Act, a, null))); // c - x = -(x - c), exactly
      unsupported('a constant divided by an activation');
    }
    let x = a as Act, z = b as Act;
    const shape = broadcastShapes(x.shape, z.shape);
    if (!shape) fail('BAD_GRAPH', `${m.where()}: shapes ${JSON.stringify(x.shape)} and ${JSON.stringify(z.shape)} do not broadcast`);
    const nhwc = x.shape.length === 4 && z.shape.length === 4 && (x.nhwc || z.nhwc);
    let xn = nhwc ? m.nhwc(x) : m.nchw(x), zn = nhwc ? m.nhwc(z) : m.nchw(z);
    let xs = Importer.alloyShape(x.shape, nhwc), zs = Importer.alloyShape(z.shape, nhwc);
    const suffixOf = (s: Ints, big: Ints) => { const t = [...s]; while (t.length > 1 && t[0] === 1) t.shift(); return (prod(t) === 1 || (t.length <= big.length && t.every((d, i) => d === big[big.length - t.length + i]))) ? t : null; };
    const ys = Importer.alloyShape(shape, nhwc);
    const same = (p: Ints, q: Ints) => p.length === q.length && p.every((d, i) => d === q[i]);
    let swap = false;
    let ts: Ints | null = null;
    if (same(xs, ys)) ts = suffixOf(zs, xs);
    else if (same(zs, ys)) { swap = true; ts = suffixOf(xs, zs); [x, z] = [z, x]; [xn, zn] = [zn, xn]; [xs, zs] = [zs, xs]; }
    if (!ts) unsupported(`broadcast of ${JSON.stringify(x.shape)} with ${JSON.stringify(z.shape)}: the smaller activation must match the larger one's trailing dimensions`);
    if (op === 'Div' && swap) unsupported('division broadcasting the dividend onto the divisor');
    if (ts!.length !== zs.length) { const r = m.fresh(`${zn}.flat`); m.emit('Reshape', [zn], r, { shape: ts! }); zn = r; }
    if (op === 'Sub' && swap) {
      const t = m.tmp(`${xn}.sub`, shape, nhwc);
      m.emit('Sub', [xn, zn], t.name);
      m.bind(outName(m), negate(m, t));
      return;
    }
    const y = m.out(outName(m), shape, nhwc);
    m.emit(op, [xn, zn], y.name);
    m.bind(outName(m), y);
  };
}
HANDLERS.Add = binary('Add');
HANDLERS.Sub = binary('Sub');
HANDLERS.Mul = binary('Mul');
HANDLERS.Div = binary('Div');

/** Both operands constant: integer shape arithmetic in JS; float arithmetic in wasm (same
 *  shape or a scalar operand). */
function foldBinary(m: Importer, op: string, a: Const, b: Const) {
  const shape = broadcastShapes(a.dims, b.dims);
  if (!shape) fail('BAD_GRAPH', `${m.where()}: shapes do not broadcast`);
  const ints = (c: Const) => c.dtype === 'i64' || c.dtype === 'i32';
  if (ints(a) && ints(b)) {
    const x = intData(a), y = intData(b), n = prod(shape);
    if ((x.length !== n && x.length !== 1) || (y.length !== n && y.length !== 1)) unsupported('folding integer broadcasts other than scalar');
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = x[x.length === 1 ? 0 : i], q = y[y.length === 1 ? 0 : i];
      if (p === BATCH || q === BATCH) unsupported('arithmetic on the dynamic batch size');
      out.push(op === 'Add' ? p + q : op === 'Sub' ? p - q : op === 'Mul' ? p * q : Math.trunc(p / q));
    }
    m.bind(outName(m), { kind: 'const', dims: shape, dtype: a.dtype, data: a.dtype === 'i32' ? Int32Array.from(out) : out });
    return;
  }
  const x = m.f32Of(a, 'operand 0'), y = m.f32Of(b, 'operand 1');
  if (y.length !== x.length && y.length !== 1) unsupported('folding float constants of different shapes');
  m.bind(outName(m), { kind: 'const', dims: shape, dtype: 'f32', data: M.binary(x, y, op.toLowerCase() as any) });
}

// --- softmax, norms

function softmaxLike(op: 'Softmax' | 'LogSoftmax'): Handler {
  return (m) => {
    const x = m.act(0);
    const r = x.shape.length;
    const axis = normAxis(m.at.i('axis', m.opset < 13 ? 1 : -1), r);
    if (axis === r - 1) {
      const y = m.out(outName(m), x.shape, false);
      m.emit(op, [m.nchw(x)], y.name);
      return m.bind(outName(m), y);
    }
    if (m.opset >= 13 && r === 4 && axis === 1 && x.nhwc) {
      const y = m.out(outName(m), x.shape, true);
      m.emit(op, [x.name], y.name);
      return m.bind(outName(m), y);
    }
    if (m.opset < 13) {
      // coerced to 2-D: softmax over the flattened dims axis..r-1
      if (axis === 0 && x.shape[0] === -1) unsupported('softmax over the batch dimension');
      const lead = x.shape.slice(0, axis).map((d, i) => (i === 0 && d === -1 ? 0 : d));
      const f = m.fresh(`${x.name}.flat`), s = m.fresh(`${x.name}.${op.toLowerCase()}`);
      m.emit('Reshape', [m.nchw(x)], f, { shape: [...lead, -1] });
      m.emit(op, [f], s);
      const y = m.out(outName(m), x.shape, false);
      m.emit('Reshape', [s], y.name, { shape: x.shape.map((d, i) => (i === 0 && d === -1 ? 0 : d)) });
      return m.bind(outName(m), y);
    }
    // opset >= 13, an inner axis: move it last and back
    const perm = [...Array(r).keys()].filter((i) => i !== axis).concat([axis]);
    const inv = perm.map((_, i) => perm.indexOf(i));
    const t = m.fresh(`${x.name}.t`), s = m.fresh(`${x.name}.${op.toLowerCase()}`);
    m.emit('Transpose', [m.nchw(x)], t, { perm });
    m.emit(op, [t], s);
    const y = m.out(outName(m), x.shape, false);
    m.emit('Transpose', [s], y.name, { perm: inv });
    m.bind(outName(m), y);
  };
}
HANDLERS.Softmax = softmaxLike('Softmax');
HANDLERS.LogSoftmax = softmaxLike('LogSoftmax');

HANDLERS.LayerNormalization = (m) => {
  unusedOutputs(m, 1, 'Mean / InvStdDev');
  const x = m.act(0);
  const r = x.shape.length;
  const axis = normAxis(m.at.i('axis', -1), r);
  const normDims = x.shape.slice(axis);
  if (normDims.some(isBatch)) unsupported('normalisation over the batch dimension');
  const len = prod(normDims);
  const pick = (i: number, what: string) => {
    const c = m.optCst(i, what);
    if (!c) return undefined;
    const d = m.f32Of(c, what);
    if (d.length === len) return d;
    if (d.length === 1) return M.floats(len, `${m.nodeName}: ${what}`, d[0]);
    return unsupported(`${what} of shape ${JSON.stringify(c.dims)} for normalised dims ${JSON.stringify(normDims)}`);
  };
  const scale = pick(1, 'scale'), bias = pick(2, 'bias');
  const ins = [''];
  if (scale) ins.push(m.f32Tensor(`${m.nodeName}.scale`, scale, [len]));
  if (bias) { if (!scale) ins.push(m.f32Tensor(`${m.nodeName}.scale`, M.floats(len, `${m.nodeName}: scale`, 1), [len])); ins.push(m.f32Tensor(`${m.nodeName}.bias`, bias, [len])); }
  const eps = Math.fround(m.at.f('epsilon', 1e-5));
  const y = m.out(outName(m), x.shape, false);
  if (axis === r - 1) {
    ins[0] = m.nchw(x);
    m.emit('LayerNorm', ins, y.name, { epsilon: eps });
  } else {
    const lead = x.shape.slice(0, axis).map((d, i) => (i === 0 && d === -1 ? 0 : d));
    const f = m.fresh(`${x.name}.flat`), s = m.fresh(`${x.name}.ln`);
    m.emit('Reshape', [m.nchw(x)], f, { shape: [...lead, len] });
    ins[0] = f;
    m.emit('LayerNorm', ins, s, { epsilon: eps });
    m.emit('Reshape', [s], y.name, { shape: x.shape.map((d, i) => (i === 0 && d === -1 ? 0 : d)) });
  }
  m.bind(outName(m), y);
};

HANDLERS.BatchNormalization = (m) => {
  if (m.at.i('training_mode', 0) !== 0) unsupported('training_mode = 1');
  unusedOutputs(m, 1, 'running mean / var');
  const x = m.act(0);
  const C = x.shape[1];
  const get = (i: number, what: string) => { const d = m.f32Of(m.cst(i, what), what); if (d.length !== C) fail('BAD_GRAPH', `${m.where()}: ${what} has ${d.length} values for ${C} channels`); return d; };
  const gamma = get(1, 'scale'), beta = get(2, 'B'), mean = get(3, 'input_mean'), vr = get(4, 'input_var');
  const eps = Math.fround(m.at.f('epsilon', 1e-5));
  // s = gamma / sqrt(var + eps); shift = beta - mean * s (each one f32 operation, in wasm)
  const s = M.binary(gamma, M.sqrt(M.binary(vr, new Float32Array([eps]), 'add')), 'div');
  const p = m.soleProducer(x);
  const pw = p && m.tensors[p.w];
  if (p && pw && pw.format === 'f32' && (p.entry.attrs?.activation ?? 'none') === 'none' && p.rows === C) {
    const w = pw.data as Float32Array;
    pw.data = p.kind === 'dw' ? M.binary(w, s, 'mul') : M.scaleRows(w, C, s);
    const b0 = p.b ? (m.tensors[p.b].data as Float32Array) : new Float32Array(C);
    const nb = M.binary(M.binary(M.binary(b0, mean, 'sub'), s, 'mul'), beta, 'add');
    if (p.b) m.tensors[p.b].data = nb;
    else { p.b = m.f32Tensor(`${p.entry.name}.bias`, nb, [C]); p.entry.inputs[2] = p.b; }
    m.bind(outName(m), x);
    return;
  }
  const shift = M.binary(beta, M.binary(mean, s, 'mul'), 'sub');
  const dims = [C, ...x.shape.slice(2).map(() => 1)];
  const t = binConst(m, 'Mul', x, { kind: 'const', dims, dtype: 'f32', data: s }, null);
  m.bind(outName(m), binConst(m, 'Add', t, { kind: 'const', dims, dtype: 'f32', data: shift }, outName(m)));
};

// --- dense

interface WeightOut { name: string }

/** Store a Dense weight [N, K] from a constant given as [N, K] (nk) or [K, N] (!nk). */
function denseWeight(m: Importer, c: Const, nk: boolean, alpha: number): { w: string; N: number; K: number } {
  if (c.dims.length !== 2) unsupported(`weight of rank ${c.dims.length} (a 2-D constant is supported)`);
  const [N, K] = nk ? c.dims : [c.dims[1], c.dims[0]];
  const base = `${m.nodeName}.weight`;
  if (c.q && alpha === 1) {
    const q = c.q;
    const perTensor = q.axis < 0;
    const perN = !perTensor && (nk ? q.axis === 0 : q.axis === 1);
    if (perTensor || perN) {
      const codes = nk ? q.codes : permute(q.codes, c.dims, [1, 0]);
      // per tensor: one group of N * K (the Dense op gives each row the tensor's scale)
      const groups = perTensor ? 1 : N;
      const t: TensorInput = { format: q.fmt, shape: [N, K], data: codes as Int8Array | Uint8Array, group: perTensor ? N * K : K };
      const w = m.fresh(base);
      t.scale = m.f32Tensor(`${w}.scale`, q.scale.subarray(0, groups), [groups]);
      const zp = q.zp.subarray(0, groups);
      if (zp.some((z) => z !== 0) || q.fmt === 'u8') t.zeroPoint = m.tensor(`${w}.zero_point`, { format: 'i32', shape: [groups], data: zp });
      m.tensors[w] = t;
      return { w, N, K };
    }
  }
  if (c.dtype === 'f16' && alpha === 1) return { w: m.tensor(base, { format: 'f16', shape: [N, K], data: nk ? c.data as Uint16Array : permute(c.data as Uint16Array, c.dims, [1, 0]) }), N, K };
  let d = m.f32Of(c, 'weight');
  if (!nk) d = permute(d, c.dims, [1, 0]);
  if (alpha !== 1) d = M.binary(d, new Float32Array([alpha]), 'mul');
  return { w: m.f32Tensor(base, d, [N, K]), N, K };
}

function registerDense(m: Importer, e: NodeEntry, w: string, b: string | undefined, N: number) {
  m.producers.set(e.outputs[0], { entry: e, kind: 'dense', w, b, rows: N });
}

HANDLERS.Gemm = (m) => {
  let a = m.act(0);
  const bv = m.val(1);
  if (bv?.kind !== 'const') unsupported('input B is an activation (only a constant weight is supported)');
  const B = bv as Const;
  const transA = m.at.i('transA', 0), transB = m.at.i('transB', 0);
  const alpha = Math.fround(m.at.f('alpha', 1)), beta = Math.fround(m.at.f('beta', 1));
  if (a.shape.length !== 2) unsupported(`input A of rank ${a.shape.length}`);
  let an = m.nchw(a);
  let M0 = a.shape[0];
  if (transA) {
    if (a.shape.some(isBatch)) unsupported('transA with a dynamic dimension');
    const t = m.fresh(`${an}.T`);
    m.emit('Transpose', [an], t, { perm: [1, 0] });
    an = t; M0 = a.shape[1];
  }
  const { w, N, K } = denseWeight(m, B, transB === 1, alpha);
  const Kin = transA ? a.shape[0] : a.shape[1];
  if (K !== Kin) fail('BAD_GRAPH', `${m.where()}: A has ${Kin} columns, B has ${K} rows`);
  const cv = m.val(2);
  let bias: string | undefined;
  let after: Const | null = null;
  if (cv) {
    if (cv.kind !== 'const') unsupported('C is an activation');
    const C = cv as Const;
    let d = m.f32Of(C, 'C');
    const eff = [...C.dims]; while (eff.length && eff[0] === 1) eff.shift();
    if (beta !== 1) d = M.binary(d, new Float32Array([beta]), 'mul');
    if (d.length === 1) bias = m.f32Tensor(`${m.nodeName}.bias`, M.floats(N, `${m.nodeName}: C`, d[0]), [N]);
    else if (eff.length === 1 && eff[0] === N) bias = m.f32Tensor(`${m.nodeName}.bias`, d, [N]);
    else after = { kind: 'const', dims: C.dims, dtype: 'f32', data: d };
  }
  const shape = [M0, N];
  const y = after ? m.tmp(`${outName(m)}.mm`, shape, false) : m.out(outName(m), shape, false);
  const e = m.emit('Dense', bias ? [an, w, bias] : [an, w], y.name);
  registerDense(m, e, w, bias, N);
  m.bind(outName(m), after ? binConst(m, 'Add', y, after, outName(m)) : y);
};

HANDLERS.MatMul = (m) => {
  const av = m.val(0), bv = m.val(1);
  if (av?.kind !== 'act') unsupported(av?.kind === 'const' ? 'input A is a constant (constant x activation is not supported)' : 'input A is quantized');
  if (bv?.kind !== 'const') unsupported('both inputs are activations (batched activation x activation MatMul is not supported)');
  const a = av as Act, B = bv as Const;
  if (B.dims.length !== 2) unsupported(`constant B of rank ${B.dims.length}`);
  if (a.shape.length < 2) unsupported('input A of rank 1');
  const { w, N, K } = denseWeight(m, B, false, 1);
  if (a.shape.at(-1) !== K) fail('BAD_GRAPH', `${m.where()}: A ${JSON.stringify(a.shape)} and B ${JSON.stringify(B.dims)} do not match`);
  const y = m.out(outName(m), [...a.shape.slice(0, -1), N], false);
  const e = m.emit('Dense', [m.nchw(a), w], y.name);
  registerDense(m, e, w, undefined, N);
  m.bind(outName(m), y);
};

// --- convolution and pooling

function spatial(m: Importer, H: number, W: number, k: Ints, strides: Ints, dil: Ints): { pads: Ints; OH: number; OW: number } {
  const autoPad = m.at.s('auto_pad', 'NOTSET');
  const ek = [0, 1].map((i) => dil[i] * (k[i] - 1) + 1);
  const dims = [H, W];
  let pads: Ints;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = [0, 0, 0, 0];
    for (let i = 0; i < 2; i++) {
      const o = Math.ceil(dims[i] / strides[i]);
      const total = Math.max(0, (o - 1) * strides[i] + ek[i] - dims[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + 2] = total - pads[i];
    }
  } else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'NOTSET') {
    pads = m.at.ints('pads', [0, 0, 0, 0])!;
    if (pads.length !== 4 || pads.some((p) => !(p >= 0))) unsupported(`pads ${JSON.stringify(pads)}`);
  } else return fail('BAD_GRAPH', `${m.where()}: auto_pad ${JSON.stringify(autoPad)}`);
  const out = [0, 1].map((i) => Math.floor((dims[i] + pads[i] + pads[i + 2] - ek[i]) / strides[i]) + 1);
  if (!(out[0] >= 1 && out[1] >= 1)) fail('BAD_GRAPH', `${m.where()}: input ${H}x${W} is smaller than the kernel`);
  // ceil_mode: the extra output row / column reads padding past the end (pooling only)
  if (m.at.i('ceil_mode', 0) === 1) {
    for (let i = 0; i < 2; i++) {
      let o = Math.ceil((dims[i] + pads[i] + pads[i + 2] - ek[i]) / strides[i]) + 1;
      if ((o - 1) * strides[i] >= dims[i] + pads[i]) o--; // the last window must start inside the input or the leading padding
      const need = (o - 1) * strides[i] + ek[i] - (dims[i] + pads[i] + pads[i + 2]);
      if (need > 0) pads[i + 2] += need;
      out[i] = o;
    }
  }
  return { pads, OH: out[0], OW: out[1] };
}

function pair(m: Importer, k: string, d: number): Ints {
  const v = m.at.ints(k, [d, d])!;
  if (v.length !== 2) unsupported(`${k} ${JSON.stringify(v)} (2-D only)`);
  return v;
}

HANDLERS.Conv = (m) => {
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (2-D convolution on NCHW input is supported)`);
  const W = m.cst(1, 'weight');
  if (W.dims.length !== 4) unsupported(`weight of rank ${W.dims.length}`);
  const [O, Ig, kh, kw] = W.dims;
  const [, C, H, Wd] = x.shape;
  const group = m.at.i('group', 1);
  if (Ig * group !== C || O % group !== 0) fail('BAD_GRAPH', `${m.where()}: weight ${JSON.stringify(W.dims)} with group ${group} does not fit ${C} input channels`);
  const ks = m.at.ints('kernel_shape');
  if (ks && (ks[0] !== kh || ks[1] !== kw)) fail('BAD_GRAPH', `${m.where()}: kernel_shape ${JSON.stringify(ks)} differs from the weight's ${kh}x${kw}`);
  const strides = pair(m, 'strides', 1), dil = pair(m, 'dilations', 1);
  const { pads, OH, OW } = spatial(m, H, Wd, [kh, kw], strides, dil);
  const q = W.q;
  const depthwise = group === C && Ig === 1 && O === C && group > 1 && !(q && q.axis >= 0);
  const base = `${m.nodeName}.weight`;
  let wName: string;
  if (q && (q.axis < 0 || q.axis === 0)) {
    const codes = depthwise ? permute(q.codes, [O, kh, kw], [1, 2, 0]) : permute(q.codes, W.dims, [0, 2, 3, 1]);
    const n = codes.length;
    wName = m.fresh(base);
    const t: TensorInput = { format: q.fmt, shape: depthwise ? [kh, kw, C] : [O, kh, kw, Ig], data: codes as Int8Array | Uint8Array, group: q.axis < 0 ? n : n / O };
    t.scale = m.f32Tensor(`${wName}.scale`, q.scale, [q.scale.length]);
    if (q.zp.some((z) => z !== 0) || q.fmt === 'u8') t.zeroPoint = m.tensor(`${wName}.zero_point`, { format: 'i32', shape: [q.zp.length], data: q.zp });
    m.tensors[wName] = t;
  } else if (W.dtype === 'f16' && !q) {
    const d = W.data as Uint16Array;
    wName = m.tensor(base, depthwise ? { format: 'f16', shape: [kh, kw, C], data: permute(d, [O, kh, kw], [1, 2, 0]) } : { format: 'f16', shape: [O, kh, kw, Ig], data: permute(d, W.dims, [0, 2, 3, 1]) });
  } else {
    const d = m.f32Of(W, 'weight');
    wName = depthwise ? m.f32Tensor(base, permute(d, [O, kh, kw], [1, 2, 0]), [kh, kw, C]) : m.f32Tensor(base, permute(d, W.dims, [0, 2, 3, 1]), [O, kh, kw, Ig]);
  }
  const Bc = m.optCst(2, 'bias');
  let bName: string | undefined;
  if (Bc) { const b = m.f32Of(Bc, 'bias'); if (b.length !== O) fail('BAD_GRAPH', `${m.where()}: bias has ${b.length} values for ${O} outputs`); bName = m.f32Tensor(`${m.nodeName}.bias`, b, [O]); }
  const y = m.out(outName(m), [x.shape[0], O, OH, OW], true);
  const attrs: Record<string, unknown> = { strides, pads, dilations: dil };
  if (!depthwise && group > 1) attrs.group = group;
  const e = m.emit(depthwise ? 'DepthwiseConv' : 'Conv', bName ? [m.nhwc(x), wName, bName] : [m.nhwc(x), wName], y.name, attrs);
  m.producers.set(y.name, { entry: e, kind: depthwise ? 'dw' : 'conv', w: wName, b: bName, rows: O });
  m.bind(outName(m), y);
};

function pool(kind: 'MaxPool' | 'AveragePool'): Handler {
  return (m) => {
    if (kind === 'MaxPool') unusedOutputs(m, 1, 'Indices');
    const x = m.act(0);
    if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (2-D pooling is supported)`);
    const k = m.at.ints('kernel_shape');
    if (!k || k.length !== 2) unsupported('kernel_shape must be 2-D');
    const strides = pair(m, 'strides', 1), dil = pair(m, 'dilations', 1);
    if (dil[0] !== 1 || dil[1] !== 1) unsupported('dilated pooling');
    const cip = kind === 'AveragePool' ? m.at.i('count_include_pad', 0) : 0;
    if (cip && m.at.i('ceil_mode', 0)) unsupported('ceil_mode with count_include_pad');
    const [N, C, H, W] = x.shape;
    const { pads, OH, OW } = spatial(m, H, W, k!, strides, dil);
    if (pads[0] >= k![0] || pads[2] >= k![0] || pads[1] >= k![1] || pads[3] >= k![1]) unsupported(`padding ${JSON.stringify(pads)} not smaller than the window`);
    const y = m.out(outName(m), [N, C, OH, OW], true);
    m.emit(kind, [m.nhwc(x)], y.name, { kernel: k, strides, pads, ...(cip ? { countIncludePad: true } : {}) });
    m.bind(outName(m), y);
  };
}
HANDLERS.MaxPool = pool('MaxPool');
HANDLERS.AveragePool = pool('AveragePool');

HANDLERS.GlobalAveragePool = (m) => {
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length}`);
  const y = m.out(outName(m), [x.shape[0], x.shape[1], 1, 1], true);
  m.emit('GlobalAveragePool', [m.nhwc(x)], y.name);
  m.bind(outName(m), y);
};

HANDLERS.ReduceMean = (m) => {
  const x = m.act(0);
  const r = x.shape.length;
  const keep = m.at.i('keepdims', 1);
  let axes = m.opset < 18 ? m.at.ints('axes') : m.val(1) ? m.ints(1, 'axes') : undefined;
  if (!axes || axes.length === 0) {
    if (m.opset >= 18 && m.at.i('noop_with_empty_axes', 0)) { m.bind(outName(m), x); return; }
    axes = [...Array(r).keys()];
  }
  const ax = axes.map((a) => normAxis(a, r)).sort((a, b) => a - b);
  const outShape = keep ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i));
  if (r === 4 && ax.length === 2 && ax[0] === 2 && ax[1] === 3) {
    const g = keep ? m.out(outName(m), outShape, true) : m.tmp(`${x.name}.gap`, [x.shape[0], x.shape[1], 1, 1], true);
    m.emit('GlobalAveragePool', [m.nhwc(x)], g.name);
    if (keep) return m.bind(outName(m), g);
    const y = m.out(outName(m), outShape, false);
    m.emit('Flatten', [g.name], y.name, { axis: 1 });
    return m.bind(outName(m), y);
  }
  if (ax.length === 1 && ax[0] === r - 1) {
    const K = x.shape[r - 1];
    if (isBatch(K)) unsupported('mean over the batch dimension');
    const a = m.fresh(`${x.name}.rows`), g = m.fresh(`${x.name}.mean`);
    m.emit('Reshape', [m.nchw(x)], a, { shape: [-1, K, 1, 1] });
    m.emit('GlobalAveragePool', [a], g);
    const y = m.out(outName(m), outShape, false);
    const target = outShape.length ? outShape : [1];
    if (target.filter(isBatch).length > 1) unsupported('more than one dynamic dimension');
    m.emit('Reshape', [g], y.name, { shape: target });
    return m.bind(outName(m), y);
  }
  unsupported(`ReduceMean over axes ${JSON.stringify(axes)} (over H and W of 4-D input, or the last axis, is supported)`);
};

// --- data movement

HANDLERS.Flatten = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const r = dims.length;
  let axis = m.at.i('axis', 1); if (axis < 0) axis += r;
  if (axis < 0 || axis > r) fail('BAD_GRAPH', `${m.where()}: axis out of range`);
  const head = dims.slice(0, axis), tail = dims.slice(axis);
  if (tail.some(isBatch)) unsupported('flattening the batch dimension into the columns');
  const lead = head.some(isBatch) ? (prod(head.filter((d) => !isBatch(d))) === 1 ? -1 : unsupported('flattening the batch dimension with other dimensions')) : prod(head);
  const out = [lead, prod(tail)];
  if (v.kind === 'const') return m.bind(outName(m), { ...v, dims: out });
  const y = m.out(outName(m), out, false);
  m.emit('Flatten', [m.nchw(v as Act)], y.name, { axis });
  m.bind(outName(m), y);
};

HANDLERS.Reshape = (m) => {
  const v = m.need(0);
  const target = m.ints(1, 'shape');
  const allowzero = m.at.i('allowzero', 0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  if (allowzero && target.includes(0)) unsupported('allowzero with a 0 in the shape');
  if (target.filter((d) => d === -1).length > 1) fail('BAD_GRAPH', `${m.where()}: more than one -1 in the shape`);
  const t = target.map((d, i) => (d === BATCH ? (i === 0 && dims[0] === -1 ? 0 : unsupported('the dynamic batch size lands off the first dimension')) : d));
  const resolved = t.map((d, i) => (d === 0 ? dims[i] : d));
  if (resolved.some((d) => d === undefined)) fail('BAD_GRAPH', `${m.where()}: a 0 in the shape has no input dimension to copy`);
  const batchIn = dims.some(isBatch);
  const inKnown = prod(dims.filter((d) => !isBatch(d)));
  const out = [...resolved];
  const inf = t.indexOf(-1);
  const batchCopied = batchIn && t[0] === 0 && dims[0] === -1;
  const known = prod(resolved.filter((d, i) => i !== inf && !(i === 0 && batchCopied)));
  if (inf >= 0) {
    if (!batchIn) out[inf] = inKnown / known;
    else if (batchCopied) out[inf] = inKnown / known;
    else if (inf === 0 && inKnown === known) out[0] = -1;
    else unsupported('a reshape that moves the dynamic batch dimension');
    if (!Number.isInteger(out[inf]) && out[inf] !== -1) fail('BAD_GRAPH', `${m.where()}: cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(target)}`);
  } else if (batchIn && !batchCopied) unsupported('a fixed shape for a tensor with a dynamic batch dimension');
  else if (batchIn && prod(out.slice(1)) !== inKnown) fail('BAD_GRAPH', `${m.where()}: cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(target)}`);
  if (!batchIn && prod(out) !== inKnown) fail('BAD_GRAPH', `${m.where()}: cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(target)}`);
  if (v.kind === 'const') return m.bind(outName(m), { ...v, dims: out });
  const y = m.out(outName(m), out, false);
  m.emit('Reshape', [m.nchw(v as Act)], y.name, { shape: t });
  m.bind(outName(m), y);
};

HANDLERS.Transpose = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const r = dims.length;
  const perm = m.at.ints('perm', [...Array(r).keys()].reverse())!;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail('BAD_GRAPH', `${m.where()}: perm ${JSON.stringify(perm)}`);
  const out = perm.map((p) => dims[p]);
  if (v.kind === 'const') return m.bind(outName(m), { ...(v as Const), dims: out, data: permute((v as Const).data, dims, perm), q: undefined });
  const x = v as Act;
  // on an NHWC tensor: compose with NHWC -> NCHW
  const p = x.nhwc ? perm.map((k) => AXIS_IN_NHWC[k]) : perm;
  if (p.every((k, i) => k === i)) return m.bind(outName(m), { kind: 'act', name: x.name, shape: out, nhwc: false, conv: {} });
  const y = m.out(outName(m), out, false);
  m.emit('Transpose', [x.name], y.name, { perm: p });
  m.bind(outName(m), y);
};

HANDLERS.Concat = (m) => {
  const vs = (m.node.input ?? []).map((_, i) => m.need(i));
  if (!vs.length) fail('BAD_GRAPH', `${m.where()}: no inputs`);
  const r = (vs[0].kind === 'const' ? vs[0].dims : vs[0].kind === 'act' ? vs[0].shape : []).length;
  const axis = normAxis(m.at.i('axis', 0), r);
  if (vs.every((v) => v.kind === 'const')) {
    const cs = vs as Const[];
    if (cs.some((c) => c.dims.length !== r || c.dims.some((d, i) => i !== axis && d !== cs[0].dims[i]))) fail('BAD_GRAPH', `${m.where()}: constant inputs of shapes ${cs.map((c) => JSON.stringify(c.dims)).join(', ')} do not concatenate along axis ${axis}`);
    const outer = prod(cs[0].dims.slice(0, axis));
    const parts = cs.map((c) => ({ c, len: prod(c.dims.slice(axis)) }));
    const total = parts.reduce((s, p) => s + p.len, 0);
    const isF = (c: Const) => c.dtype === 'f32' || c.dtype === 'f16';
    if (cs.some((c) => c.dtype !== cs[0].dtype && !(isF(c) && isF(cs[0])))) unsupported('constants of different types');
    const floats = cs.some((c) => c.dtype !== cs[0].dtype);
    const out: any = floats ? new Float32Array(outer * total) : makeLike(cs[0], outer * total);
    for (let o = 0; o < outer; o++) {
      let off = 0;
      for (const { c, len } of parts) {
        const src: any = floats ? m.f32Of(c, 'operand') : c.data;
        for (let i = 0; i < len; i++) out[o * total + off + i] = src[o * len + i];
        off += len;
      }
    }
    const dims = [...cs[0].dims]; dims[axis] = cs.reduce((s, c) => s + c.dims[axis], 0);
    return m.bind(outName(m), { kind: 'const', dims, dtype: floats ? 'f32' : cs[0].dtype, data: out });
  }
  if (vs.some((v) => v.kind !== 'act')) unsupported('a mix of constants and activations');
  const xs = vs as Act[];
  const nhwc = r === 4 && xs.some((x) => x.nhwc);
  const out = [...xs[0].shape]; out[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const y = m.out(outName(m), out, nhwc);
  m.emit('Concat', xs.map((x) => (nhwc ? m.nhwc(x) : m.nchw(x))), y.name, { axis: nhwc ? AXIS_IN_NHWC[axis] : axis });
  m.bind(outName(m), y);
};

HANDLERS.Pad = (m) => {
  const x = m.act(0);
  const r = x.shape.length;
  const mode = m.at.s('mode', 'constant');
  if (!['constant', 'reflect', 'edge'].includes(mode)) unsupported(`mode ${JSON.stringify(mode)}`);
  let pads: Ints, value = 0;
  if (m.opset < 11) { pads = m.at.ints('pads', [])!; value = m.at.f('value', 0); }
  else {
    pads = m.ints(1, 'pads');
    const cv = m.optCst(2, 'constant_value');
    if (cv) value = m.f32Of(cv, 'constant_value')[0] ?? 0;
    const axes = m.val(3) ? m.ints(3, 'axes').map((a) => normAxis(a, r)) : undefined;
    if (axes) {
      const full = new Array(2 * r).fill(0);
      axes.forEach((a, i) => { full[a] = pads[i]; full[a + r] = pads[i + axes.length]; });
      pads = full;
    }
  }
  if (pads.length !== 2 * r) fail('BAD_GRAPH', `${m.where()}: ${pads.length} pads for rank ${r}`);
  if (pads.some((p) => p < 0)) unsupported('negative pads (cropping)');
  if (x.shape[0] === -1 && (pads[0] || pads[r])) unsupported('padding the dynamic batch dimension');
  const out = x.shape.map((d, i) => (d === -1 ? -1 : d + pads[i] + pads[i + r]));
  const nhwc = r === 4 && x.nhwc;
  const p = nhwc ? [...NCHW_TO_NHWC.map((k) => pads[k]), ...NCHW_TO_NHWC.map((k) => pads[k + 4])] : pads;
  const y = m.out(outName(m), out, nhwc);
  m.emit('Pad', [x.name], y.name, { pads: p, mode, value: Math.fround(value) });
  m.bind(outName(m), y);
};

HANDLERS.Resize = (m) => {
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (4-D NCHW images are supported)`);
  const mode = m.at.s('mode', 'nearest');
  const coord = m.at.s('coordinate_transformation_mode', 'half_pixel');
  const nearest = m.at.s('nearest_mode', 'round_prefer_floor');
  if (mode !== 'nearest' && mode !== 'linear') unsupported(`mode ${JSON.stringify(mode)}`);
  if (!['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel'].includes(coord)) unsupported(`coordinate_transformation_mode ${JSON.stringify(coord)}`);
  if (m.at.i('antialias', 0)) unsupported('antialias');
  const axesA = m.at.ints('axes');
  const [N, C, H, W] = x.shape;
  const sizesC = m.optCst(3, 'sizes'), scalesC = m.optCst(2, 'scales');
  const expand = (v: number[], dflt: number) => { if (!axesA) return v; const full = [dflt, dflt, dflt, dflt]; axesA.forEach((a, i) => (full[normAxis(a, 4)] = v[i])); return full; };
  let OH: number, OW: number;
  if (sizesC && prod(sizesC.dims) > 0) {
    if (m.at.s('keep_aspect_ratio_policy', 'stretch') !== 'stretch') unsupported('keep_aspect_ratio_policy');
    const s = expand(intData(sizesC), -2);
    const sz = s.map((d, i) => (d === -2 ? x.shape[i] : d));
    if ((sz[0] !== N && N !== -1) || sz[1] !== C) unsupported('resizing the batch or channel dimension');
    [OH, OW] = [sz[2], sz[3]];
  } else if (scalesC && prod(scalesC.dims) > 0) {
    const s = expand(Array.from(m.f32Of(scalesC, 'scales')), 1);
    if (s[0] !== 1 || s[1] !== 1) unsupported('resizing the batch or channel dimension');
    OH = Math.floor(Math.fround(H * s[2])); OW = Math.floor(Math.fround(W * s[3]));
    // Alloy's kernel uses scale = OL / L (as onnxruntime does for sizes); given scales must agree
    if (Math.fround(OH / H) !== Math.fround(s[2]) || Math.fround(OW / W) !== Math.fround(s[3])) unsupported(`scales ${JSON.stringify(s)} do not give whole output sizes (${H}x${W} -> ${OH}x${OW})`);
  } else return fail('BAD_GRAPH', `${m.where()}: needs scales or sizes`);
  const y = m.out(outName(m), [N, C, OH, OW], true);
  m.emit('Resize', [m.nhwc(x)], y.name, { size: [OH, OW], mode: mode === 'linear' ? 'bilinear' : 'nearest', coordMode: coord, ...(mode === 'nearest' ? { nearestMode: nearest } : {}) });
  m.bind(outName(m), y);
};

// --- quantization

function qParams(m: Importer, si: number, zi: number): { scale: Float32Array; zp: Int32Array; fmt: 'i8' | 'u8' | 'i32' | null; sdims: Ints } {
  const sc = m.cst(si, 'scale');
  const scale = m.f32Of(sc, 'scale');
  const zc = m.optCst(zi, 'zero_point');
  let fmt: 'i8' | 'u8' | 'i32' | null = null;
  let zp = new Int32Array(scale.length);
  if (zc) {
    if (zc.dtype === 'i8' || zc.dtype === 'u8' || zc.dtype === 'i32') fmt = zc.dtype;
    else unsupported(`zero point of type ${zc.dtype} (int8 and uint8 are supported)`);
    zp = Int32Array.from(zc.data as ArrayLike<number>);
    if (zp.length !== scale.length) fail('BAD_GRAPH', `${m.where()}: ${zp.length} zero points for ${scale.length} scales`);
  }
  if (m.at.i('block_size', 0) > 0) unsupported('blocked quantization (block_size)');
  return { scale, zp, fmt, sdims: sc.dims };
}

HANDLERS.QuantizeLinear = (m) => {
  const v = m.need(0);
  const { scale, zp, fmt: zf, sdims } = qParams(m, 1, 2);
  const od = m.at.i('output_dtype', 0);
  const fmt = zf ?? (od === DT.INT8 ? 'i8' : od === 0 || od === DT.UINT8 ? 'u8' : unsupported(`output type ${od}`));
  if (fmt === 'i32') unsupported('int32 quantization');
  if (v.kind === 'act') {
    if (scale.length !== 1) unsupported('per-axis quantization of an activation');
    m.bind(outName(m), { kind: 'qact', x: v, scale: scale[0], zp: zp[0], fmt, qName: outName(m) });
    return;
  }
  if (v.kind !== 'const') unsupported('input is already quantized');
  const c = v as Const;
  const r = c.dims.length;
  const axis = scale.length === 1 && prod(sdims) === 1 ? -1 : normAxis(m.at.i('axis', 1), r);
  const vals = m.f32Of(c, 'input');
  let codes: Int8Array | Uint8Array;
  if (axis < 0) codes = M.quant(fmt, vals, Math.max(vals.length, 1), scale, zp);
  else {
    const perm = [axis, ...[...Array(r).keys()].filter((i) => i !== axis)];
    const moved = permute(vals, c.dims, perm);
    const q = M.quant(fmt, moved, Math.max(moved.length / c.dims[axis], 1), scale, zp);
    codes = permute(q, perm.map((p) => c.dims[p]), perm.map((_, i) => perm.indexOf(i)));
  }
  m.bind(outName(m), { kind: 'const', dims: c.dims, dtype: fmt, data: codes });
};

HANDLERS.DequantizeLinear = (m) => {
  const v = m.need(0);
  const { scale, zp, sdims } = qParams(m, 1, 2);
  if (v.kind === 'qact') {
    const q = v as QAct;
    if (scale.length !== 1 || scale[0] !== q.scale || zp[0] !== q.zp) unsupported('DequantizeLinear parameters differ from its QuantizeLinear\'s');
    if (!q.fq) {
      const y = m.out(outName(m), q.x.shape, q.x.nhwc);
      m.emit('FakeQuant', [q.x.name], y.name, { scale: q.scale, zeroPoint: q.zp, format: q.fmt });
      q.fq = y;
    }
    m.bind(outName(m), q.fq);
    return;
  }
  if (v.kind === 'act') unsupported('dequantizing an integer activation (only QuantizeLinear -> DequantizeLinear pairs and constant weights are supported)');
  const c = v as Const;
  const r = c.dims.length;
  const axis = scale.length === 1 && prod(sdims) <= 1 ? -1 : normAxis(m.at.i('axis', 1), r);
  if (axis >= 0 && c.dims[axis] !== scale.length) fail('BAD_GRAPH', `${m.where()}: ${scale.length} scales for axis ${axis} of ${JSON.stringify(c.dims)}`);
  if (c.dtype === 'i32') {
    // int32 (bias) codes: (q - zp) * s; the integer -> f32 conversion is exact below 2^24
    const d = Array.from(c.data as Int32Array);
    if (d.some((x, i) => Math.abs(x - zp[axis < 0 ? 0 : Math.floor(i / (prod(c.dims) / scale.length)) % scale.length]) > 2 ** 24)) unsupported('int32 values beyond 2^24');
    if (axis > 0 && r > 1) unsupported('per-axis int32 dequantization off the first axis');
    const group = axis < 0 ? d.length : d.length / scale.length;
    const centred = Float32Array.from(d, (x, i) => x - zp[Math.floor(i / Math.max(group, 1))]);
    const out = new Float32Array(d.length);
    for (let g = 0; g * group < d.length; g++) out.set(M.binary(centred.subarray(g * group, (g + 1) * group), scale.subarray(axis < 0 ? 0 : g, (axis < 0 ? 0 : g) + 1), 'mul'), g * group);
    m.bind(outName(m), { kind: 'const', dims: c.dims, dtype: 'f32', data: out });
    return;
  }
  if (c.dtype !== 'i8' && c.dtype !== 'u8') unsupported(`input of type ${c.dtype} (int8, uint8 and int32 constants are supported)`);
  const fmt = c.dtype;
  const codes = c.data as Int8Array | Uint8Array;
  let data: Float32Array;
  if (axis < 0) data = M.dequant(fmt, codes, Math.max(codes.length, 1), scale, zp);
  else {
    const perm = [axis, ...[...Array(r).keys()].filter((i) => i !== axis)];
    const moved = permute(codes, c.dims, perm);
    const f = M.dequant(fmt, moved, Math.max(moved.length / c.dims[axis], 1), scale, zp);
    data = permute(f, perm.map((p) => c.dims[p]), perm.map((_, i) => perm.indexOf(i)));
  }
  m.bind(outName(m), { kind: 'const', dims: c.dims, dtype: 'f32', data, q: { fmt, codes, scale, zp, axis } });
};

// ---------------------------------------------------------------------------------------------

/** Convert an ONNX model (ModelProto bytes) to Alloy bundle input; see the header for the layout
 *  conventions. Throws AlloyError: BAD_GRAPH for malformed files, UNSUPPORTED_OP listing every
 *  node that cannot be converted. The module must be initialised (`await init()`). */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): BundleInput {
  if (!(bytes instanceof Uint8Array)) fail('BAD_ARGUMENT', 'importOnnx(): bytes must be a Uint8Array');
  let model: ModelP;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    return fail('BAD_GRAPH', `not an ONNX model: the protobuf does not decode (${(e as Error).message})`);
  }
  if (!model.graph) fail('BAD_GRAPH', 'not an ONNX model: ModelProto has no graph');
  if (!model.ir_version) fail('BAD_GRAPH', 'not an ONNX model: ModelProto has no ir_version');
  const ops = model.opset_import ?? [];
  const main = ops.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const opset = Number(main?.version ?? (model.ir_version < 3 ? 1 : 0));
  if (!opset) fail('BAD_GRAPH', 'ModelProto has no default-domain opset_import');
  if (opset < 11 || opset > 21) fail('UNSUPPORTED_OP', `opset ${opset}: opsets 11 to 21 are supported`);
  const im = new Importer(opts);
  im.opset = opset;
  const { inputs, outputs } = im.run(model);
  return {
    graph: { inputs, outputs, nodes: im.nodes },
    tensors: im.tensors,
    metadata: {
      source: 'onnx',
      sha256: sha256(bytes),
      opset,
      irVersion: Number(model.ir_version),
      producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
      graphName: model.graph.name ?? '',
      inputs: inputs.map((v) => v.name),
      outputs: outputs.map((v) => v.name),
      layout: 'inputs and outputs keep the ONNX model\'s layout (4-D tensors NCHW); NHWC inside',
    },
  };
}

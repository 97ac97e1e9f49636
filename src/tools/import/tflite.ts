// TFLite -> Alloy bundle input (Node; offline). `writeBundle(importTflite(bytes))` gives a bundle.
//
// TFLite is NHWC with OHWI conv weights and [1, KH, KW, C] depthwise weights, Alloy's own layout:
// activations, inputs and outputs keep the model's shapes and no transposes are inserted.
// The file is read by ./tflite-schema.ts (FlatBuffers via the `flatbuffers` package, field ids of
// the official schema.fbs). Subgraph 0 is converted.
//
// Constants: f32 / f16 / i8 / u8 / i32 / i64 buffers. DEQUANTIZE of a constant is folded: fp16
// weights stay f16 in the bundle (decoded to f32 exactly at load, as LiteRT does), int8 / uint8
// weights with per-tensor or per-output-channel scales stay i8 / u8 codes with their f32 scales
// (and i32 zero points when not all 0). Biases and other operands become f32 (decoded in wasm).
// Quantized activations (full-integer models): a tensor of type INT8 / UINT8 that is an operator
// output is emulated in f32 with a FakeQuant (its scale / zero point) after the operator;
// QUANTIZE is a FakeQuant, DEQUANTIZE of an activation an alias. Integer arithmetic of the
// int8 kernels (requantization multipliers) is not reproduced bit for bit.
//
// Fusions and rewrites: the fused activation (RELU, RELU6) of CONV_2D / DEPTHWISE_CONV_2D and of
// ADD / SUB / MUL / DIV goes into the kernel; other fused activations become a node after the op.
// A zero PAD over H and W whose
// only consumer is a VALID conv / depthwise conv folds into the conv's pads. A 1x1 stride-1
// CONV_2D can be emitted as Dense over the channel axis (`pointwise: 'dense'`), which lets the
// precision map give it an emulated accumulator (Conv has f32 accumulation only).
//
// Errors: BAD_GRAPH for malformed files; one UNSUPPORTED_OP listing every operator that cannot be
// converted (later operators that depend only on those are counted, not listed).
// Needs the module initialised (`await init()`), as the arithmetic on weights runs in it.

import { createHash } from 'node:crypto';
import { AlloyError, fail } from '../../runtime/errors.js';
import type { BundleInput, TensorInput } from '../bundle/write.js';
import type { NodeEntry, ValueInfo } from '../../runtime/bundle/layout.js';
import { readModel, opName, TT, TT_NAMES, type ModelT, type OperatorT, type Options, type TensorT, type Quant } from './tflite-schema.js';
import * as M from './math.js';

export interface TfliteImportOptions {
  /** 1x1 stride-1 CONV_2D as Conv (default) or as Dense over the channel axis */
  pointwise?: 'conv' | 'dense';
  /** fold a zero spatial PAD into the VALID conv after it (default true) */
  foldPad?: boolean;
}

type Ints = number[];
type DType = 'f32' | 'f16' | 'i8' | 'u8' | 'i32' | 'i64' | 'bool' | 'other';
import { permute, type Data } from '../permute.js';
import { elements } from '../../runtime/bundle/layout.js';
interface Const { kind: 'const'; dims: Ints; dtype: DType; data: Data; quant: Quant | null }
interface Act { kind: 'act'; name: string; shape: Ints; pendingPad?: { x: Act; pads: Ints } }
type Val = Const | Act;
const POISON = { kind: 'poison' } as const;

const prod = elements;
const ACT_FN = ['none', 'relu', 'relu_n1_to_1', 'relu6', 'tanh', 'sign_bit'];
const SHORT: Record<string, string> = { CONV_2D: 'conv', DEPTHWISE_CONV_2D: 'dwconv', FULLY_CONNECTED: 'fc', MAX_POOL_2D: 'maxpool', AVERAGE_POOL_2D: 'avgpool', RESIZE_BILINEAR: 'resize', RESIZE_NEAREST_NEIGHBOR: 'resize', CONCATENATION: 'concat', LOGISTIC: 'sigmoid' };

class Unsupported extends Error {}
const unsupported = (why: string): never => { throw new Unsupported(why); };

/** One zero point per scale: as stored, or the single one given (or 0) repeated. */
function zeroPoints(q: Quant, s: number, what: string): Int32Array {
  if (q.zeroPoint.length === s) return Int32Array.from(q.zeroPoint);
  if (q.zeroPoint.length <= 1) return new Int32Array(s).fill(q.zeroPoint[0] ?? 0);
  return unsupported(`${what}: ${q.zeroPoint.length} zero points for ${s} scales`);
}

const NO_OPTIONS: Options = { i32: (_i, d) => d, u8: (_i, d) => d, bool: (_i, d) => d, f32: (_i, d) => d, ints: () => null };

function copyOf<T extends Data>(ctor: { new(b: ArrayBuffer): T }, raw: Uint8Array): T {
  const b = new ArrayBuffer(raw.byteLength);
  new Uint8Array(b).set(raw);
  return new ctor(b);
}


class Importer {
  vals = new Map<number, Val | typeof POISON>();
  nodes: NodeEntry[] = [];
  tensors: Record<string, TensorInput> = {};
  used = new Set<string>();
  problems: string[] = [];
  skipped = 0;
  consumers = new Map<number, OperatorT[]>();
  graphOutputs = new Set<number>();
  /** alloy node name -> TFLite output tensor name */
  sources: Record<string, string> = {};
  op!: OperatorT;
  opt: Options = NO_OPTIONS;
  nodeName = '';
  constructor(readonly model: ModelT, readonly g: ModelT['subgraphs'][number], readonly opts: TfliteImportOptions) {}

  fresh(base: string): string {
    let n = base, i = 1;
    while (this.used.has(n)) n = `${base}_${i++}`;
    this.used.add(n);
    return n;
  }
  tensor(base: string, t: TensorInput): string { const name = this.fresh(base); this.tensors[name] = t; return name; }
  f32Tensor(base: string, data: Float32Array, shape: Ints): string { return this.tensor(base, { format: 'f32', shape, data }); }
  emit(op: string, inputs: string[], out: string, attrs?: Record<string, unknown>, suffix = ''): NodeEntry {
    const e: NodeEntry = { name: this.fresh(this.nodeName + suffix), op, inputs, outputs: [out], ...(attrs && Object.keys(attrs).length ? { attrs } : {}) };
    this.nodes.push(e);
    const t = this.g.tensors[this.op?.outputs[0]];
    if (t) this.sources[e.name] = t.name;
    return e;
  }
  where() { return `operator ${this.op.index} ${opName(this.op.code)} (${this.nodeName})`; }
  tinfo(i: number): TensorT {
    const t = this.g.tensors[i];
    if (!t) fail('BAD_GRAPH', `tflite: tensor index ${i} out of range (${this.g.tensors.length} tensors)`);
    return t;
  }

  // ----- values

  constOf(t: TensorT): Const | null {
    const buf = this.model.buffers[t.buffer];
    if (!buf || t.buffer === 0) return null;
    if (t.sparse) unsupported(`tensor ${JSON.stringify(t.name)} is sparse`);
    const dims = [...t.shape];
    if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('BAD_GRAPH', `tflite: tensor ${JSON.stringify(t.name)}: shape ${JSON.stringify(dims)}`);
    const n = prod(dims);
    const check = (bytes: number) => { if (buf.byteLength !== n * bytes) fail('BAD_GRAPH', `tflite: tensor ${JSON.stringify(t.name)} holds ${buf.byteLength} bytes, ${TT_NAMES[t.type]} ${JSON.stringify(dims)} needs ${n * bytes}`); };
    const c = (dtype: DType, data: Data): Const => ({ kind: 'const', dims, dtype, data, quant: t.quant });
    switch (t.type) {
      case TT.FLOAT32: check(4); return c('f32', copyOf(Float32Array, buf));
      case TT.FLOAT16: check(2); return c('f16', copyOf(Uint16Array, buf));
      case TT.INT8: check(1); return c('i8', copyOf(Int8Array, buf));
      case TT.UINT8: check(1); return c('u8', copyOf(Uint8Array, buf));
      case TT.BOOL: check(1); return c('bool', copyOf(Uint8Array, buf));
      case TT.INT32: check(4); return c('i32', copyOf(Int32Array, buf));
      case TT.INT64: {
        check(8);
        const v = new BigInt64Array(copyOf(Uint8Array, buf).buffer);
        return c('i64', Array.from(v, (x) => { const y = Number(x); if (!Number.isSafeInteger(y)) fail('BAD_GRAPH', `tflite: tensor ${JSON.stringify(t.name)}: integer ${x} outside the safe range`); return y; }));
      }
      default: return c('other', []);
    }
  }

  val(k: number): Val | undefined {
    const i = this.op.inputs[k];
    if (i === undefined || i < 0) return undefined;
    const v = this.vals.get(i);
    if (v === undefined) {
      const c = this.constOf(this.tinfo(i));
      if (c) { this.vals.set(i, c); return c; }
      fail('BAD_GRAPH', `${this.where()}: input tensor ${i} ${JSON.stringify(this.tinfo(i).name)} is neither a constant nor produced before this operator`);
    }
    return v as Val;
  }
  /** An activation input (a pending PAD is materialised unless `keepPad`). */
  act(k: number, keepPad = false): Act {
    const v = this.val(k);
    if (!v) fail('BAD_GRAPH', `${this.where()}: input ${k} is missing`);
    if (v.kind !== 'act') unsupported(`input ${k} is a constant where an activation is expected`);
    const a = v as Act;
    if (a.pendingPad && !keepPad) this.materialize(a);
    return a;
  }
  cst(k: number, what: string): Const {
    const v = this.val(k);
    if (!v) fail('BAD_GRAPH', `${this.where()}: ${what} (input ${k}) is missing`);
    if (v.kind !== 'const') unsupported(`${what} (input ${k}) is not a constant`);
    return v as Const;
  }
  ints(k: number, what: string): Ints {
    const c = this.cst(k, what);
    if (c.dtype !== 'i32' && c.dtype !== 'i64') unsupported(`${what} must be an integer tensor, got ${c.dtype}`);
    return Array.from(c.data as ArrayLike<number>);
  }
  /** The f32 values of a float or (de)quantized constant. */
  f32Of(c: Const, what: string): Float32Array {
    if (c.dtype === 'f32') return c.data as Float32Array;
    if (c.dtype === 'f16') return M.decodeF16(c.data as Uint16Array);
    if ((c.dtype === 'i8' || c.dtype === 'u8') && c.quant) {
      if (c.quant.scale.length > 1 && c.quant.axis !== 0) return this.dequantAny(c, what);
      const { codes, group, scale, zp } = this.affineGroups(c, what);
      return M.dequant(c.dtype, codes, group, scale, zp);
    }
    if (c.dtype === 'i32' && c.quant) {
      // int32 biases of integer models: q * scale[channel] (zero point 0). Int32 -> f32 is the
      // IEEE conversion (round to nearest even), the bits of wasm's f32.convert_i32_s.
      const f = Float32Array.from(c.data as Int32Array);
      const rows = c.quant.scale.length === 1 ? 1 : c.dims[c.quant.axis] ?? 1;
      if (c.quant.scale.length !== rows || (rows > 1 && c.quant.axis !== 0)) unsupported(`${what}: int32 quantization along axis ${c.quant.axis}`);
      return rows === 1 ? M.binary(f, c.quant.scale, 'mul') : M.scaleRows(f, rows, c.quant.scale);
    }
    return unsupported(`${what} must be a float (or quantized) tensor, got ${c.dtype}`);
  }
  /** Contiguous scale groups of an affine constant (per tensor or along axis 0). */
  affineGroups(c: Const, what: string): { codes: Int8Array | Uint8Array; group: number; scale: Float32Array; zp: Int32Array; axis: number } {
    const q = c.quant!;
    const n = prod(c.dims), s = q.scale.length;
    const zps = zeroPoints(q, s, what);
    if (s === 1) return { codes: c.data as Int8Array, group: n, scale: q.scale, zp: zps, axis: -1 };
    if (c.dims[q.axis] !== s) fail('BAD_GRAPH', `tflite: ${what}: ${s} scales along axis ${q.axis} of ${JSON.stringify(c.dims)}`);
    if (q.axis === 0) return { codes: c.data as Int8Array, group: n / s, scale: q.scale, zp: zps, axis: 0 };
    return unsupported(`${what}: per-channel scales along axis ${q.axis} (stored codes need axis 0)`);
  }

  /** A weight constant as a bundle tensor: f32 / f16 as stored, i8 / u8 per tensor or per output
   *  channel (axis 0: row groups; another axis, e.g. depthwise [1, KH, KW, C] along 3: the entry's
   *  `axis` in `dims`) with scales; anything else as f32 values. `dims` reshapes (same order). */
  weight(c: Const, base: string, dims: Ints, what: string): string {
    const q = c.quant;
    if ((c.dtype === 'i8' || c.dtype === 'u8') && q && q.scale.length > 1 && q.axis !== 0 && c.dims[q.axis] === q.scale.length) {
      const D = c.dims[q.axis], inner = prod(c.dims.slice(q.axis + 1));
      const j = dims.findIndex((d, i) => d === D && prod(dims.slice(i + 1)) === inner);
      if (j >= 0) return this.affineTensor(base, c.dtype, dims, c.data as Int8Array, q.scale, zeroPoints(q, D, what), { axis: j });
    }
    if (c.dtype === 'f32') return this.f32Tensor(base, c.data as Float32Array, dims);
    if (c.dtype === 'f16') return this.tensor(base, { format: 'f16', shape: dims, data: c.data as Uint16Array });
    if ((c.dtype === 'i8' || c.dtype === 'u8') && c.quant && (c.quant.scale.length === 1 || c.quant.axis === 0)) {
      const g = this.affineGroups(c, what);
      return this.affineTensor(base, c.dtype, dims, g.codes, g.scale, g.zp, { group: g.group });
    }
    return this.f32Tensor(base, this.dequantAny(c, what), dims);
  }
  /** Affine integer codes as a bundle tensor with its scale tensor, and its zero-point tensor when
   *  any zero point is non-zero; scales per row group or along an axis. */
  affineTensor(base: string, format: 'i8' | 'u8', dims: Ints, codes: Int8Array | Uint8Array, scales: Float32Array, zp: Int32Array, place: { group: number } | { axis: number }): string {
    const scale = this.f32Tensor(`${base}.scale`, scales, [scales.length]);
    const zero = zp.some((z) => z !== 0) ? this.tensor(`${base}.zero_point`, { format: 'i32', shape: [zp.length], data: zp }) : undefined;
    return this.tensor(base, { format, shape: dims, data: codes, scale, ...place, ...(zero ? { zeroPoint: zero } : {}) });
  }
  /** f32 values of any float / affine constant, per-channel on any axis included. */
  dequantAny(c: Const, what: string): Float32Array {
    const q = c.quant;
    if ((c.dtype === 'i8' || c.dtype === 'u8') && q && q.scale.length > 1 && q.axis !== 0) {
      const n = prod(c.dims), s = q.scale.length;
      if (c.dims[q.axis] !== s) fail('BAD_GRAPH', `tflite: ${what}: ${s} scales along axis ${q.axis} of ${JSON.stringify(c.dims)}`);
      const zp = zeroPoints(q, s, what);
      const perm = [q.axis, ...c.dims.map((_, i) => i).filter((i) => i !== q.axis)];
      const vals = M.dequant(c.dtype, permute(c.data as Int8Array, c.dims, perm), n / s, q.scale, zp);
      return permute(vals, perm.map((p) => c.dims[p]), perm.map((_, i) => perm.indexOf(i)));
    }
    return this.f32Of(c, what);
  }

  /** The alloy name for TFLite tensor `i` produced by the current operator. */
  outName(i: number): string {
    const t = this.tinfo(i);
    if (this.graphOutputs.has(i) && !this.used.has(t.name)) { this.used.add(t.name); return t.name; }
    return this.fresh(`t${i}`);
  }
  /** Bind the operator's output k to a new activation; returns its alloy name. */
  bindOut(shape?: Ints, k = 0): Act {
    const i = this.op.outputs[k];
    const a: Act = { kind: 'act', name: this.outName(i), shape: shape ?? [...this.tinfo(i).shape] };
    this.vals.set(i, a);
    return a;
  }

  /** An op, then its fused activation (and a FakeQuant when the output tensor is quantized). */
  emitWithAct(op: string, inputs: string[], attrs: Record<string, unknown> | undefined, fused: number, kernelActs: string[] = []): Act {
    const out = this.bindOut();
    const t = this.tinfo(this.op.outputs[0]);
    const fq = this.fakeQuantOf(t);
    const fn = ACT_FN[fused] ?? unsupported(`fused activation ${fused}`);
    if (fn === 'sign_bit') unsupported('fused activation SIGN_BIT');
    const inKernel = fn === 'none' || kernelActs.includes(fn);
    const after: [string, Record<string, unknown> | undefined][] = [];
    if (!inKernel) after.push(fn === 'relu' ? ['Relu', undefined] : fn === 'relu6' ? ['Relu6', undefined] : fn === 'tanh' ? ['Tanh', undefined] : ['Clip', { min: -1, max: 1 }]);
    if (fq) after.push(['FakeQuant', fq]);
    let cur = after.length ? this.fresh(`${out.name}.pre`) : out.name;
    this.emit(op, inputs, cur, { ...(attrs ?? {}), ...(inKernel && fn !== 'none' ? { activation: fn } : {}) });
    for (const [k, [aop, aat]] of after.entries()) {
      const next = k === after.length - 1 ? out.name : this.fresh(`${out.name}.${aop}`);
      this.emit(aop, [cur], next, aat, `_${aop.toLowerCase()}`);
      cur = next;
    }
    return out;
  }
  fakeQuantOf(t: TensorT): Record<string, unknown> | null {
    if (t.type !== TT.INT8 && t.type !== TT.UINT8) return null;
    if (!t.quant || t.quant.scale.length !== 1) unsupported(`quantized activation ${JSON.stringify(t.name)} without one scale`);
    return { format: t.type === TT.INT8 ? 'i8' : 'u8', scale: t.quant!.scale[0], zeroPoint: t.quant!.zeroPoint[0] ?? 0 };
  }

  materialize(a: Act): void {
    const p = a.pendingPad!;
    delete a.pendingPad;
    const [t, l, b, r] = p.pads;
    this.nodes.push({ name: this.fresh(`${a.name}.pad`), op: 'Pad', inputs: [p.x.name], outputs: [a.name], attrs: { pads: [0, t, l, 0, 0, b, r, 0] } });
  }

  // ----- the run

  run(): { inputs: ValueInfo[]; outputs: ValueInfo[] } {
    const g = this.g;
    for (const o of g.operators) for (const i of o.inputs) if (i >= 0) { const l = this.consumers.get(i) ?? []; l.push(o); this.consumers.set(i, l); }
    for (const i of g.outputs) { this.tinfo(i); this.graphOutputs.add(i); }
    for (const i of g.outputs) this.used.add(`reserved:${this.tinfo(i).name}`);
    const inputs: ValueInfo[] = [];
    for (const i of g.inputs) {
      const t = this.tinfo(i);
      if (this.constOf(t)) continue;
      if (t.type !== TT.FLOAT32) throw new AlloyError('UNSUPPORTED_OP', `graph input ${JSON.stringify(t.name)} has type ${TT_NAMES[t.type] ?? t.type}; Alloy inputs are float32`);
      const shape = t.shape.map((d, k) => (k === 0 && t.signature?.[0] === -1 ? -1 : d));
      if (!shape.every((d, k) => Number.isSafeInteger(d) && (d >= 1 || (k === 0 && d === -1)))) fail('BAD_GRAPH', `graph input ${JSON.stringify(t.name)}: shape ${JSON.stringify(t.shape)}`);
      const name = this.fresh(t.name || `input_${i}`);
      this.vals.set(i, { kind: 'act', name, shape });
      inputs.push({ name, shape, format: 'f32' });
    }
    for (const op of g.operators) {
      this.op = op;
      const name = opName(op.code);
      this.nodeName = `${SHORT[name] ?? name.toLowerCase()}_${op.index}`;
      this.opt = op.options ?? NO_OPTIONS;
      const label = `${name === 'CUSTOM' ? `CUSTOM ${JSON.stringify(op.custom)}` : name} (operator ${op.index})`;
      const ins = op.inputs.filter((i) => i >= 0);
      if (ins.some((i) => this.vals.get(i) === POISON)) { this.skipped++; this.poison(op); continue; }
      if (!Object.hasOwn(HANDLERS, name)) { this.problems.push(label); this.poison(op); continue; }
      try {
        HANDLERS[name](this);
        for (const o of op.outputs.slice(0, 1)) if (!this.vals.has(o)) fail('BAD_GRAPH', `${this.where()}: produced no output`);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        this.problems.push(`${label}: ${e.message}`);
        this.poison(op);
      }
    }
    const outputs: ValueInfo[] = [];
    for (const i of g.outputs) {
      const t = this.tinfo(i);
      const v = this.vals.get(i);
      if (v === POISON) continue;
      if (!v) fail('BAD_GRAPH', `graph output ${JSON.stringify(t.name)} is never produced`);
      if (v.kind !== 'act') { this.problems.push(`graph output ${JSON.stringify(t.name)}: is a constant, not computed from the inputs`); continue; }
      if (v.pendingPad) { this.op = { index: -1, code: 0, custom: '', inputs: [], outputs: [i], options: null }; this.materialize(v); }
      let name = v.name;
      if (name !== t.name) {
        const want = this.used.has(t.name) ? this.fresh(`${t.name}.out`) : (this.used.add(t.name), t.name);
        this.nodes.push({ name: this.fresh(`output_${want}`), op: 'Reshape', inputs: [v.name], outputs: [want], attrs: { shape: v.shape.map(() => 0) } });
        name = want;
      }
      outputs.push({ name, shape: [...v.shape], format: 'f32' });
    }
    if (this.problems.length) fail('UNSUPPORTED_OP', `${this.problems.length} unsupported operator${this.problems.length > 1 ? 's' : ''}: ${this.problems.join('; ')}${this.skipped ? ` (${this.skipped} later operator${this.skipped > 1 ? 's' : ''} depending on these not checked)` : ''}`);
    return { inputs, outputs };
  }
  poison(op: OperatorT) { for (const o of op.outputs) this.vals.set(o, POISON); }
}

// ---------------------------------------------------------------------------------------------
// handlers

type Handler = (m: Importer) => void;
const HANDLERS: Record<string, Handler> = Object.create(null);

function padding(m: Importer, id: number): 'same' | 'valid' {
  const p = m.opt.u8(id, 0);
  if (p === 0) return 'same';
  if (p === 1) return 'valid';
  return unsupported(`padding ${p}`);
}

/** Conv pads from the padding option and a folded PAD before it. */
function convPads(m: Importer, x: Act, pad: 'same' | 'valid'): { input: Act; pads: 'same' | 'valid' | Ints } {
  if (x.pendingPad && pad === 'valid') return { input: x.pendingPad.x, pads: x.pendingPad.pads };
  if (x.pendingPad) m.materialize(x);
  return { input: x, pads: pad };
}

function bias(m: Importer, k: number, n: number, base: string): string | undefined {
  const v = m.val(k);
  if (!v) return undefined;
  if (v.kind !== 'const') unsupported(`bias (input ${k}) is not a constant`);
  const c = v as Const;
  if (prod(c.dims) !== n) fail('BAD_GRAPH', `${m.where()}: bias has ${prod(c.dims)} values, ${n} expected`);
  return m.f32Tensor(base, m.f32Of(c, 'bias'), [n]);
}

HANDLERS.CONV_2D = (m) => {
  const x0 = m.act(0, true);
  const w = m.cst(1, 'filter');
  if (w.dims.length !== 4) fail('BAD_GRAPH', `${m.where()}: filter shape ${JSON.stringify(w.dims)}, expected OHWI`);
  const [OC, KH, KW, ICg] = w.dims;
  const C = x0.pendingPad ? x0.pendingPad.x.shape[3] : x0.shape[3];
  if (C % ICg !== 0) fail('BAD_GRAPH', `${m.where()}: ${C} input channels, filter has ${ICg}`);
  const group = C / ICg;
  const sw = m.opt.i32(1, 1), sh = m.opt.i32(2, 1), fused = m.opt.u8(3, 0), dw = m.opt.i32(4, 1), dh = m.opt.i32(5, 1);
  const pad = padding(m, 0);
  const b = bias(m, 2, OC, `${m.nodeName}.bias`);
  if (m.opts.pointwise === 'dense' && KH === 1 && KW === 1 && sh === 1 && sw === 1 && group === 1 && !x0.pendingPad) {
    const wn = m.weight(w, `${m.nodeName}.weight`, [OC, ICg], 'filter');
    m.emitWithAct('Dense', [x0.name, wn, ...(b ? [b] : [])], undefined, m.opt.u8(3, 0), ['relu']);
    return;
  }
  const { input, pads } = convPads(m, x0, pad);
  const wn = m.weight(w, `${m.nodeName}.weight`, [OC, KH, KW, ICg], 'filter');
  const attrs: Record<string, unknown> = { strides: [sh, sw], pads, ...(dh !== 1 || dw !== 1 ? { dilations: [dh, dw] } : {}), ...(group !== 1 ? { group } : {}) };
  m.emitWithAct('Conv', [input.name, wn, ...(b ? [b] : [])], attrs, fused, ['relu', 'relu6']);
};

HANDLERS.DEPTHWISE_CONV_2D = (m) => {
  const x0 = m.act(0, true);
  const w = m.cst(1, 'filter');
  if (w.dims.length !== 4 || w.dims[0] !== 1) fail('BAD_GRAPH', `${m.where()}: depthwise filter shape ${JSON.stringify(w.dims)}, expected [1, KH, KW, C * multiplier]`);
  const [, KH, KW, OC] = w.dims;
  const C = x0.pendingPad ? x0.pendingPad.x.shape[3] : x0.shape[3];
  const sw = m.opt.i32(1, 1), sh = m.opt.i32(2, 1), fused = m.opt.u8(4, 0), dw = m.opt.i32(5, 1), dh = m.opt.i32(6, 1);
  const pad = padding(m, 0);
  if (OC % C !== 0) fail('BAD_GRAPH', `${m.where()}: ${OC} filter channels for ${C} input channels`);
  const b = bias(m, 2, OC, `${m.nodeName}.bias`);
  const { input, pads } = convPads(m, x0, pad);
  const attrs: Record<string, unknown> = { strides: [sh, sw], pads, ...(dh !== 1 || dw !== 1 ? { dilations: [dh, dw] } : {}) };
  if (OC === C) {
    // int8 per-channel filters (along axis 3) keep their codes: the entry's axis 2 of [KH, KW, C]
    const wn = m.weight(w, `${m.nodeName}.weight`, [KH, KW, C], 'filter');
    m.emitWithAct('DepthwiseConv', [input.name, wn, ...(b ? [b] : [])], attrs, fused, ['relu', 'relu6']);
    return;
  }
  // depth multiplier > 1: a grouped Conv (group = C), weights [OC, KH, KW, 1]
  const vals = m.dequantAny(w, 'filter');
  const wn = m.f32Tensor(`${m.nodeName}.weight`, permute(vals, [KH, KW, OC], [2, 0, 1]), [OC, KH, KW, 1]);
  m.emitWithAct('Conv', [input.name, wn, ...(b ? [b] : [])], { ...attrs, group: C }, fused, ['relu', 'relu6']);
};

HANDLERS.FULLY_CONNECTED = (m) => {
  let x = m.act(0);
  const w = m.cst(1, 'weights');
  if (w.dims.length !== 2) fail('BAD_GRAPH', `${m.where()}: weights shape ${JSON.stringify(w.dims)}, expected [N, K]`);
  const [N, K] = w.dims;
  if (m.opt.u8(1, 0) !== 0) unsupported('shuffled weights format');
  const keep = m.opt.bool(2, false);
  const b = bias(m, 2, N, `${m.nodeName}.bias`);
  if (x.shape[x.shape.length - 1] !== K || (!keep && x.shape.length !== 2)) {
    if (prod(x.shape) % K !== 0) fail('SHAPE_MISMATCH', `${m.where()}: input ${JSON.stringify(x.shape)} does not flatten to rows of ${K}`);
    const name = m.fresh(`${x.name}.rows`);
    m.emit('Reshape', [x.name], name, { shape: [-1, K] }, '_flatten');
    x = { kind: 'act', name, shape: [prod(x.shape) / K, K] };
  }
  const wn = m.weight(w, `${m.nodeName}.weight`, [N, K], 'weights');
  m.emitWithAct('Dense', [x.name, wn, ...(b ? [b] : [])], undefined, m.opt.u8(0, 0), ['relu']);
};

const pool = (op: 'MaxPool' | 'AveragePool'): Handler => (m) => {
  const x = m.act(0);
  const sw = m.opt.i32(1, 1), sh = m.opt.i32(2, 1), fw = m.opt.i32(3, 1), fh = m.opt.i32(4, 1);
  m.emitWithAct(op, [x.name], { kernel: [fh, fw], strides: [sh, sw], pads: padding(m, 0) }, m.opt.u8(5, 0));
};
HANDLERS.MAX_POOL_2D = pool('MaxPool');
HANDLERS.AVERAGE_POOL_2D = pool('AveragePool');

/** Constant operand of a binary op: f32 values reduced to the trailing dims Alloy broadcasts. */
function operand(m: Importer, x: Act, c: Const, what: string): string {
  let data = m.dequantAny(c, what);
  let dims = [...c.dims];
  while (dims.length && dims[0] === 1) dims.shift();
  const n = prod(dims);
  if (n === 1) return m.f32Tensor(`${m.nodeName}.${what}`, data.subarray(0, 1), [1]);
  const xs = x.shape;
  const suffix = dims.length <= xs.length && dims.every((d, i) => d === xs[xs.length - dims.length + i]);
  if (!suffix) {
    // broadcast along inner axes (e.g. [C, 1]): expand the constant to the activation's trailing
    // dims from its first non-1 dim
    while (dims.length < xs.length) dims.unshift(1);
    let k = 0;
    while (dims[k] === 1) k++;
    const want = xs.slice(k), have = dims.slice(k);
    if (have.some((d, i) => d !== 1 && d !== want[i])) unsupported(`${what} ${JSON.stringify(c.dims)} does not broadcast onto ${JSON.stringify(xs)}`);
    const out = M.floats(prod(want), `${what} broadcast to ${JSON.stringify(want)}`);
    const st: number[] = new Array(want.length).fill(0);
    let s = 1;
    for (let i = want.length - 1; i >= 0; i--) { st[i] = have[i] === 1 ? 0 : s; s *= have[i]; }
    for (let o = 0; o < out.length; o++) {
      let r = o, src = 0;
      for (let i = want.length - 1; i >= 0; i--) { src += (r % want[i]) * st[i]; r = Math.floor(r / want[i]); }
      out[o] = data[src];
    }
    data = out; dims = want;
  }
  return m.f32Tensor(`${m.nodeName}.${what}`, data, dims);
}

const binary = (op: 'Add' | 'Sub' | 'Mul' | 'Div'): Handler => (m) => {
  const a = m.val(0), b = m.val(1);
  if (!a || !b) fail('BAD_GRAPH', `${m.where()}: needs two inputs`);
  const fused = m.opt.u8(0, 0);
  const commutes = op === 'Add' || op === 'Mul';
  if (a.kind === 'const' && b.kind === 'const') unsupported('both operands are constants');
  if (a.kind === 'const') {
    if (!commutes) unsupported(`constant first operand of ${op}`);
    const x = m.act(1);
    m.emitWithAct(op, [x.name, operand(m, x, a as Const, 'operand')], undefined, fused, ['relu', 'relu6']);
    return;
  }
  const x = m.act(0);
  if (b.kind === 'const') { m.emitWithAct(op, [x.name, operand(m, x, b as Const, 'operand')], undefined, fused, ['relu', 'relu6']); return; }
  const y = m.act(1);
  const fits = (p: Ints, q: Ints) => prod(q) === 1 || (q.length <= p.length && q.every((d, i) => d === p[p.length - q.length + i]));
  const strip = (s: Ints) => { const t = [...s]; while (t.length > 1 && t[0] === 1) t.shift(); return t; };
  if (fits(x.shape, y.shape)) m.emitWithAct(op, [x.name, y.name], undefined, fused, ['relu', 'relu6']);
  else if (commutes && fits(y.shape, x.shape)) m.emitWithAct(op, [y.name, x.name], undefined, fused, ['relu', 'relu6']);
  else if (fits(x.shape, strip(y.shape))) m.emitWithAct(op, [x.name, reshaped(m, y, strip(y.shape))], undefined, fused, ['relu', 'relu6']);
  else if (commutes && fits(y.shape, strip(x.shape))) m.emitWithAct(op, [y.name, reshaped(m, x, strip(x.shape))], undefined, fused, ['relu', 'relu6']);
  else unsupported(`operands ${JSON.stringify(x.shape)} and ${JSON.stringify(y.shape)} (the second must match the first's trailing dimensions)`);
};
function reshaped(m: Importer, x: Act, shape: Ints): string {
  if (shape.length === x.shape.length) return x.name;
  const name = m.fresh(`${x.name}.r`);
  m.emit('Reshape', [x.name], name, { shape }, '_bcast');
  return name;
}
HANDLERS.ADD = binary('Add');
HANDLERS.SUB = binary('Sub');
HANDLERS.MUL = binary('Mul');
HANDLERS.DIV = binary('Div');

const unary = (op: string, attrs?: (m: Importer) => Record<string, unknown>): Handler => (m) => {
  const x = m.act(0);
  m.emitWithAct(op, [x.name], attrs?.(m), 0);
};
HANDLERS.LOGISTIC = unary('Sigmoid');
HANDLERS.TANH = unary('Tanh');
HANDLERS.RELU = unary('Relu');
HANDLERS.RELU6 = unary('Relu6');
HANDLERS.RELU_N1_TO_1 = unary('Clip', () => ({ min: -1, max: 1 }));
HANDLERS.HARD_SWISH = unary('HardSwish');
HANDLERS.LEAKY_RELU = unary('LeakyRelu', (m) => ({ alpha: Math.fround(m.opt.f32(0, 0.2)) }));
HANDLERS.GELU = (m) => { if (m.opt.bool(0, false)) unsupported('approximate (tanh) GELU; only the exact erf GELU is supported'); unary('Gelu')(m); };
HANDLERS.LOG_SOFTMAX = unary('LogSoftmax', () => ({ axis: -1 }));
HANDLERS.SOFTMAX = (m) => {
  const x = m.act(0);
  const beta = m.opt.f32(0, 1);
  if (beta === 1) { m.emitWithAct('Softmax', [x.name], { axis: -1 }, 0); return; }
  const scaled = m.fresh(`${x.name}.beta`);
  m.emit('Mul', [x.name, m.f32Tensor(`${m.nodeName}.beta`, new Float32Array([beta]), [1])], scaled, undefined, '_beta');
  m.emitWithAct('Softmax', [scaled], { axis: -1 }, 0);
};
HANDLERS.PRELU = (m) => {
  const x = m.act(0);
  const a = m.cst(1, 'alpha');
  const vals = m.dequantAny(a, 'alpha');
  const C = x.shape[x.shape.length - 1];
  const dims = a.dims.filter((d) => d !== 1);
  if (!(prod(a.dims) === 1 || (dims.length === 1 && dims[0] === C && a.dims[a.dims.length - 1] === C))) unsupported(`alpha ${JSON.stringify(a.dims)}: one value per last-axis channel (or one) is supported`);
  m.emitWithAct('PRelu', [x.name, m.f32Tensor(`${m.nodeName}.alpha`, vals, [prod(a.dims)])], undefined, 0);
};

function padsOf(m: Importer, rank: number): { begin: Ints; end: Ints } {
  const p = m.ints(1, 'paddings');
  if (p.length !== 2 * rank) fail('BAD_GRAPH', `${m.where()}: paddings has ${p.length} values for rank ${rank}`);
  return { begin: p.filter((_, i) => i % 2 === 0), end: p.filter((_, i) => i % 2 === 1) };
}
HANDLERS.PAD = (m) => {
  const x = m.act(0);
  const { begin, end } = padsOf(m, x.shape.length);
  let value = 0;
  if (m.op.inputs.length > 2 && m.op.inputs[2] >= 0) value = m.f32Of(m.cst(2, 'constant value'), 'constant value')[0];
  const out = m.tinfo(m.op.outputs[0]);
  const users = m.consumers.get(m.op.outputs[0]) ?? [];
  const spatialOnly = x.shape.length === 4 && begin[0] === 0 && end[0] === 0 && begin[3] === 0 && end[3] === 0;
  const foldable = m.opts.foldPad !== false && value === 0 && spatialOnly && users.length === 1 && !m.graphOutputs.has(m.op.outputs[0]) &&
    ['CONV_2D', 'DEPTHWISE_CONV_2D'].includes(opName(users[0].code)) && users[0].inputs[0] === m.op.outputs[0] && !m.fakeQuantOf(out);
  if (foldable) {
    const a = m.bindOut();
    a.pendingPad = { x, pads: [begin[1], begin[2], end[1], end[2]] };
    return;
  }
  m.emitWithAct('Pad', [x.name], { pads: [...begin, ...end], ...(value !== 0 ? { value } : {}) }, 0);
};
HANDLERS.PADV2 = HANDLERS.PAD;
HANDLERS.MIRROR_PAD = (m) => {
  const x = m.act(0);
  if (m.opt.u8(0, 0) !== 0) unsupported('SYMMETRIC mode (REFLECT is supported)');
  const { begin, end } = padsOf(m, x.shape.length);
  m.emitWithAct('Pad', [x.name], { pads: [...begin, ...end], mode: 'reflect' }, 0);
};

function reshapeTo(m: Importer, x: Act, out: Ints): void {
  if (prod(out) !== prod(x.shape)) fail('SHAPE_MISMATCH', `${m.where()}: cannot reshape ${JSON.stringify(x.shape)} to ${JSON.stringify(out)}`);
  const target = out.map((d, i) => (i === 0 && x.shape[0] === d ? 0 : d));
  m.emitWithAct('Reshape', [x.name], { shape: target }, 0);
}
HANDLERS.RESHAPE = (m) => reshapeTo(m, m.act(0), m.tinfo(m.op.outputs[0]).shape);
HANDLERS.SQUEEZE = HANDLERS.RESHAPE;
HANDLERS.EXPAND_DIMS = HANDLERS.RESHAPE;

const resize = (mode: 'bilinear' | 'nearest'): Handler => (m) => {
  const x = m.act(0);
  const size = m.ints(1, 'size');
  if (size.length !== 2 || x.shape.length !== 4) fail('BAD_GRAPH', `${m.where()}: size ${JSON.stringify(size)} for input ${JSON.stringify(x.shape)}`);
  const align = m.opt.bool(mode === 'bilinear' ? 2 : 0, false), half = m.opt.bool(mode === 'bilinear' ? 3 : 1, false);
  if (align && half) unsupported('align_corners together with half_pixel_centers');
  const coordMode = align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric';
  // TF nearest: half-pixel floor((x + 0.5) * scale) = round-half-up of the half-pixel coordinate;
  // align corners rounds half away from zero; otherwise floor(x * scale).
  const nearestMode = align || half ? 'round_prefer_ceil' : 'floor';
  m.emitWithAct('Resize', [x.name], { size, mode, coordMode, ...(mode === 'nearest' ? { nearestMode } : {}) }, 0);
};
HANDLERS.RESIZE_BILINEAR = resize('bilinear');
HANDLERS.RESIZE_NEAREST_NEIGHBOR = resize('nearest');

HANDLERS.CONCATENATION = (m) => {
  const xs = m.op.inputs.map((_, k) => m.act(k));
  m.emitWithAct('Concat', xs.map((x) => x.name), { axis: m.opt.i32(0, 0) }, m.opt.u8(1, 0));
};

HANDLERS.TRANSPOSE = (m) => {
  const x = m.act(0);
  m.emitWithAct('Transpose', [x.name], { perm: m.ints(1, 'perm') }, 0);
};

HANDLERS.MEAN = (m) => {
  const x = m.act(0);
  const r = x.shape.length;
  const axes = [...new Set(m.ints(1, 'axes').map((a) => (a < 0 ? a + r : a)))].sort();
  if (!(r === 4 && axes.length === 2 && axes[0] === 1 && axes[1] === 2)) unsupported(`MEAN over axes ${JSON.stringify(axes)} of a rank-${r} tensor (the spatial axes [1, 2] of NHWC are supported)`);
  const keep = m.opt.bool(0, false);
  if (keep) { m.emitWithAct('GlobalAveragePool', [x.name], undefined, 0); return; }
  const pooled = m.fresh(`${x.name}.gap`);
  m.emit('GlobalAveragePool', [x.name], pooled, undefined, '_gap');
  reshapeTo(m, { kind: 'act', name: pooled, shape: [x.shape[0], 1, 1, x.shape[3]] }, m.tinfo(m.op.outputs[0]).shape);
};

HANDLERS.DEQUANTIZE = (m) => {
  const v = m.val(0);
  if (!v) fail('BAD_GRAPH', `${m.where()}: input missing`);
  if (v.kind === 'const') {
    const c = v as Const;
    if (c.dtype !== 'f16' && !((c.dtype === 'i8' || c.dtype === 'u8') && c.quant)) unsupported(`DEQUANTIZE of a ${c.dtype} constant${c.quant ? '' : ' without quantization'}`);
    m.vals.set(m.op.outputs[0], c); // folded: consumers read the stored codes (see weight())
    return;
  }
  // an emulated quantized activation already holds its dequantized values
  const a = m.act(0);
  if (m.graphOutputs.has(m.op.outputs[0])) { m.emitWithAct('Reshape', [a.name], { shape: a.shape.map(() => 0) }, 0); return; }
  m.vals.set(m.op.outputs[0], a);
};

HANDLERS.QUANTIZE = (m) => {
  const x = m.act(0);
  const fq = m.fakeQuantOf(m.tinfo(m.op.outputs[0]));
  if (!fq) unsupported(`QUANTIZE to ${TT_NAMES[m.tinfo(m.op.outputs[0]).type]}`);
  const out = m.bindOut();
  m.emit('FakeQuant', [x.name], out.name, fq!);
};

// ---------------------------------------------------------------------------------------------

/** The TFLite operators this importer converts (builtin names). */
export const TFLITE_OPS = Object.keys(HANDLERS).sort();

/** Convert a TFLite model (.tflite bytes) to Alloy bundle input. Throws AlloyError: BAD_GRAPH for
 *  malformed files, UNSUPPORTED_OP listing every operator that cannot be converted. The module
 *  must be initialised (`await init()`). */
export function importTflite(bytes: Uint8Array, opts: TfliteImportOptions = {}): BundleInput {
  if (!(bytes instanceof Uint8Array)) fail('BAD_ARGUMENT', 'importTflite(): bytes must be a Uint8Array');
  const model = readModel(bytes);
  if (model.subgraphs.length < 1) fail('BAD_GRAPH', 'tflite: the model has no subgraph');
  const im = new Importer(model, model.subgraphs[0], opts);
  const { inputs, outputs } = im.run();
  // drop tensors no node reads (folded constants are only emitted when used, so this is a check)
  return {
    graph: { inputs, outputs, nodes: im.nodes },
    tensors: im.tensors,
    metadata: {
      source: 'tflite',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      schemaVersion: model.version,
      description: model.description,
      subgraph: model.subgraphs[0].name,
      inputs: inputs.map((v) => v.name),
      outputs: outputs.map((v) => v.name),
      layout: 'NHWC as in the TFLite model',
      /** alloy node -> the TFLite tensor it computes (for precision maps and reports) */
      tfliteTensors: im.sources,
    },
  };
}

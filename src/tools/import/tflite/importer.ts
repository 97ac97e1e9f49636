// The TFLite importer's state over the shared graph builder (../graph.ts): the operator being
// converted and its options, reading its inputs (constants decoded from the model's buffers on
// first use), weights kept as stored codes with their scales, fused activations and the
// FakeQuant of quantized outputs, and the PAD held back to fold into the conv after it.

import { fail } from '../../../runtime/errors.js';
import type { NodeEntry } from '../../../runtime/bundle/layout.js';
import { ELEM_BYTES, GraphBuilder, decodeRaw, floatValues, perAxis, prod, unsupported, type Ints } from '../graph.js';
import { DTYPES, type DType } from '../../../runtime/dtype.js';
import * as M from '../math.js';
import { opName, TT, TT_NAMES, type ModelT, type OperatorT, type Options, type TensorT } from './schema.js';
import { zeroPoints, type Act, type Const, type Val } from './values.js';

export interface TfliteImportOptions {
  /** 1x1 stride-1 CONV_2D as Conv (default) or as Dense over the channel axis */
  pointwise?: 'conv' | 'dense';
  /** fold a zero spatial PAD into the VALID conv after it (default true) */
  foldPad?: boolean;
}

const ACT_FN = ['none', 'relu', 'relu_n1_to_1', 'relu6', 'tanh', 'sign_bit'];
/** ActivationFunctionType name; SIGN_BIT and unknown codes are refused. */
function actName(fused: number): string {
  const fn = ACT_FN[fused] ?? unsupported(`fused activation ${fused}`);
  if (fn === 'sign_bit') unsupported('fused activation SIGN_BIT');
  return fn;
}
/** The nodes of a fused activation run after the op. */
function activationNodes(fn: string): [string, Record<string, unknown> | undefined][] {
  if (fn === 'none') return [];
  return [fn === 'relu' ? ['Relu', undefined] : fn === 'relu6' ? ['Relu6', undefined] : fn === 'tanh' ? ['Tanh', undefined] : ['Clip', { min: -1, max: 1 }]];
}
/** TensorType -> element type of a non-quantized value */
const VALUE_TYPE: Partial<Record<number, DType>> = { [TT.FLOAT32]: 'f32', [TT.INT8]: 'i8', [TT.UINT8]: 'u8', [TT.BOOL]: 'bool', [TT.INT16]: 'i16', [TT.INT32]: 'i32', [TT.INT64]: 'i64' };
/** A typed operator's input as it reads. */
export interface TIn { name: string; dtype: DType; shape: Ints; c?: Const }

export const NO_OPTIONS: Options = { i32: (_i, d) => d, u8: (_i, d) => d, bool: (_i, d) => d, f32: (_i, d) => d, ints: () => null };
/** TensorType -> element type of a constant (the types a buffer is read as) */
const DTYPE_OF: Partial<Record<number, DType | 'other'>> = { [TT.FLOAT32]: 'f32', [TT.FLOAT16]: 'f16', [TT.INT8]: 'i8', [TT.UINT8]: 'u8', [TT.BOOL]: 'bool', [TT.INT32]: 'i32', [TT.INT64]: 'i64' };

export class TfliteImporter extends GraphBuilder<number, Val> {
  consumers = new Map<number, OperatorT[]>();
  graphOutputs = new Set<number>();
  /** alloy node name -> TFLite output tensor name */
  sources: Record<string, string> = {};
  op!: OperatorT;
  opt: Options = NO_OPTIONS;
  constructor(readonly model: ModelT, readonly g: ModelT['subgraphs'][number], readonly opts: TfliteImportOptions) { super(); }

  protected override emitted(e: NodeEntry): void {
    const t = this.g.tensors[this.op?.outputs[0]];
    if (t) this.sources[e.name] = t.name;
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
    const dtype = DTYPE_OF[t.type] ?? 'other';
    if (dtype === 'other') return { kind: 'const', dims, dtype, data: [], quant: t.quant };
    const n = prod(dims);
    if (buf.byteLength !== n * ELEM_BYTES[dtype]) fail('BAD_GRAPH', `tflite: tensor ${JSON.stringify(t.name)} holds ${buf.byteLength} bytes, ${TT_NAMES[t.type]} ${JSON.stringify(dims)} needs ${n * ELEM_BYTES[dtype]}`);
    const data = decodeRaw(dtype, buf, (x) => { const y = Number(x); if (!Number.isSafeInteger(y)) fail('BAD_GRAPH', `tflite: tensor ${JSON.stringify(t.name)}: integer ${x} outside the safe range`); return y; })!;
    return { kind: 'const', dims, dtype, data, quant: t.quant };
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
    const f = floatValues(c);
    if (f) return f;
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
      return perAxis(c.data as Int8Array, c.dims, q.axis, (moved) => M.dequant(c.dtype as 'i8' | 'u8', moved, n / s, q.scale, zp));
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
    const fn = actName(fused);
    const inKernel = fn === 'none' || kernelActs.includes(fn);
    const after = inKernel ? [] : activationNodes(fn);
    if (fq) after.push(['FakeQuant', fq]);
    this.emitChain(op, inputs, { ...(attrs ?? {}), ...(inKernel && fn !== 'none' ? { activation: fn } : {}) }, out.name, after);
    return out;
  }
  /** op into `out`, through the single-input nodes of `after` in order. */
  private emitChain(op: string, inputs: string[], attrs: Record<string, unknown> | undefined, out: string, after: [string, Record<string, unknown> | undefined][]): void {
    const cur = after.length ? this.fresh(`${out}.pre`) : out;
    this.emit(op, inputs, cur, attrs);
    this.chainFrom(cur, out, after);
  }
  private chainFrom(cur: string, out: string, after: [string, Record<string, unknown> | undefined][]): void {
    for (const [k, [aop, aat]] of after.entries()) {
      const next = k === after.length - 1 ? out : this.fresh(`${out}.${aop}`);
      this.emit(aop, [cur], next, aat, `_${aop.toLowerCase()}`);
      cur = next;
    }
  }

  // ----- typed values (non-quantized integer / bool tensors; ops with ONNX semantics)

  /** The element type tensor t's values have in Alloy (quantized INT8 / UINT8 are emulated in
   *  f32); undefined for a type Alloy holds no values of. */
  valueType(t: TensorT): DType | undefined {
    if ((t.type === TT.INT8 || t.type === TT.UINT8) && t.quant) return 'f32';
    return VALUE_TYPE[t.type];
  }
  /** Input k of a typed operator: its bundle name, element type and shape. A quantized or f16
   *  constant is given as its f32 values, another constant as a raw typed tensor. */
  tin(k: number, what = `input ${k}`): TIn {
    const v = this.val(k);
    if (!v) fail('BAD_GRAPH', `${this.where()}: ${what} (input ${k}) is missing`);
    if (v.kind === 'act') {
      const a = v as Act;
      if (a.pendingPad) this.materialize(a);
      return { name: a.name, dtype: a.dtype ?? 'f32', shape: a.shape };
    }
    const c = v as Const;
    const base = `${this.nodeName}.${what.replace(/\W+/g, '_')}`;
    if (c.quant || c.dtype === 'f16') return { name: this.f32Tensor(base, this.dequantAny(c, what), [...c.dims]), dtype: 'f32', shape: c.dims, c };
    if (c.dtype === 'other') unsupported(`${what} is a constant of type ${TT_NAMES[this.tinfo(this.op.inputs[k]).type]}`);
    return { name: this.rawConst(c, base), dtype: c.dtype as DType, shape: c.dims, c };
  }
  /** The node's outputs computed as `types`: each bound to an activation of its declared type;
   *  where `cast` allows, a declared type that differs is reached by a Cast (else BAD_GRAPH). A
   *  fused activation (f32 only) and the FakeQuant of a quantized output follow the node. */
  typedEmit(op: string, inputs: string[], attrs: Record<string, unknown> | undefined, types: DType[], opt: { cast?: boolean; fused?: number; at?: number } = {}): Act[] {
    const chains: [string, Record<string, unknown> | undefined][][] = [];
    const at = opt.at ?? 0;
    const acts = types.map((dt, j) => {
      const k = at + j;
      const t = this.tinfo(this.op.outputs[k]);
      const want = this.valueType(t) ?? unsupported(`output ${k} of type ${TT_NAMES[t.type] ?? t.type}`);
      const after: [string, Record<string, unknown> | undefined][] = [];
      if (want !== dt) {
        if (!opt.cast) fail('BAD_GRAPH', `${this.where()}: output ${k} ${JSON.stringify(t.name)} is declared ${TT_NAMES[t.type]}; the operator computes ${dt}`);
        after.push(['Cast', { to: DTYPES[want].id }]);
      }
      const fn = actName(j === 0 ? opt.fused ?? 0 : 0);
      if (fn !== 'none') {
        if (want !== 'f32') unsupported(`fused activation ${fn} on ${want}`);
        after.push(...activationNodes(fn));
      }
      const fq = want === 'f32' ? this.fakeQuantOf(t) : null;
      if (fq) after.push(['FakeQuant', fq]);
      chains.push(after);
      const a = this.bindOut(undefined, k);
      if (want !== 'f32') a.dtype = want;
      return a;
    });
    const names = acts.map((a, k) => (chains[k].length ? this.fresh(`${a.name}.pre`) : a.name));
    this.emitN(op, inputs, names, attrs);
    chains.forEach((after, k) => this.chainFrom(names[k], acts[k].name, after));
    return acts;
  }
  /** A value computed inside a lowering (not a TFLite tensor): a fresh name. */
  tmp(op: string, inputs: string[], attrs?: Record<string, unknown>, base = `${this.nodeName}.${op.toLowerCase()}`): string {
    const name = this.fresh(base);
    this.emit(op, inputs, name, attrs, `_${op.toLowerCase()}`);
    return name;
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
}

/** A converter of one TFLite builtin operator: reads m.op / m.opt, emits nodes, binds outputs. */
export type Handler = (m: TfliteImporter) => void;

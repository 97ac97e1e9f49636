// ONNX operators that become a runtime node of the same name with ONNX semantics: inputs in ONNX
// order and NCHW layout (activations converted back where held NHWC), constants as raw typed
// tensors (their source bytes), absent optional inputs and outputs as '', attributes as JSON.
// Each row gives the outputs' element types and shapes (-1: a dimension unknown at import), so
// later handlers see typed, shaped activations. Adding one: a row here (or in a family file) with
// the runtime builder of the same op (src/runtime/ops/), see CONTRIBUTING.md.

import { unsupported, type Ints } from '../graph.js';
import type { DType } from '../../../runtime/dtype.js';
import { AT } from './proto.js';
import type { OnnxImporter } from './importer.js';
import type { Const, Val } from './values.js';
import { foldGeneric } from './fold.js';

/** An input as a row sees it: element type, ONNX-order shape, and the constant when it is one. */
export interface In { dtype: DType; shape: Ints; c?: Const }
export interface Out { dtype: DType; shape: Ints }

export interface GenericRow {
  /** the runtime op (default: the ONNX op_type) */
  op?: string;
  /** output types and shapes from the inputs (undefined: an absent optional input) */
  infer(ins: (In | undefined)[], m: OnnxImporter): Out[];
  /** the runtime node's attributes (default: every ONNX attribute of a plain kind, by name) */
  attrs?(m: OnnxImporter, ins: (In | undefined)[]): Record<string, unknown>;
}

const dec = new TextDecoder();
/** Every int / float / string / ints / floats / strings attribute by name. */
export function plainAttrs(m: OnnxImporter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of m.node.attribute ?? []) {
    if (!a.name) continue;
    switch (a.type) {
      case AT.INT: out[a.name] = Number(a.i ?? 0); break;
      case AT.FLOAT: out[a.name] = a.f ?? 0; break;
      case AT.STRING: out[a.name] = dec.decode(a.s ?? new Uint8Array()); break;
      case AT.INTS: out[a.name] = (a.ints ?? []).map(Number); break;
      case AT.FLOATS: out[a.name] = [...(a.floats ?? [])]; break;
      case AT.STRINGS: out[a.name] = (a.strings ?? []).map((s) => dec.decode(s)); break;
      default: unsupported(`attribute ${a.name} of type ${a.type}`);
    }
  }
  return out;
}

/** How input i reads: undefined when absent. */
export function inOf(m: OnnxImporter, v: Val | undefined): In | undefined {
  if (!v) return undefined;
  if (v.kind === 'act') return { dtype: v.dtype ?? 'f32', shape: v.shape };
  if (v.kind === 'qact') return unsupported('a QuantizeLinear output not followed by DequantizeLinear');
  if (v.dtype === 'other') unsupported('an input of an element type Alloy has no values of (string, ...)');
  return { dtype: v.dtype, shape: v.dims, c: v };
}

/** The bundle name holding input value v in ONNX order: an NCHW activation or a raw tensor. */
export function plainInput(m: OnnxImporter, v: Val | undefined, base: string): string {
  if (!v) return '';
  if (v.kind === 'act') return m.nchw(v);
  if (v.kind !== 'const') return unsupported('a quantized value as a plain input');
  return m.rawConst(v, base);
}

/** Emits the current node as its generic runtime node and binds its outputs; a node of constants
 *  only is run at import instead (./fold.ts) and its outputs bound as constants. */
export function emitGeneric(m: OnnxImporter, row: GenericRow): void {
  const n = m.node;
  const vals = (n.input ?? []).map((_, i) => m.val(i));
  const ins = vals.map((v) => inOf(m, v));
  const outs = row.infer(ins, m);
  const onnxOuts = n.output ?? [];
  const attrs = row.attrs ? row.attrs(m, ins) : plainAttrs(m);
  if (vals.every((v) => !v || v.kind === 'const')) {
    const folded = foldGeneric(row.op ?? n.op_type!, vals as (Const | undefined)[], outs, outs.map((_, k) => !!onnxOuts[k]), attrs);
    if (folded) { folded.forEach((c, k) => { if (c && onnxOuts[k]) m.bind(onnxOuts[k], c); }); return; }
  }
  const names = (n.input ?? []).map((x, i) => plainInput(m, vals[i], x || `${m.nodeName}.in${i}`));
  // trailing absent inputs are dropped; inner ones stay '' so positions keep their meaning
  while (names.length && names[names.length - 1] === '') names.pop();
  const acts = outs.map((o, k) => (onnxOuts[k] ? m.out(onnxOuts[k], o.shape, false, o.dtype) : undefined));
  m.emitN(row.op ?? n.op_type!, names, acts.map((a) => a?.name ?? ''), attrs);
  acts.forEach((a, k) => { if (a) m.bind(onnxOuts[k], a); });
}

// ----- shape helpers rows share

/** The numpy broadcast of shapes with -1 for unknown dims (a known non-1 dim wins). */
export function broadcastAll(shapes: Ints[]): Ints {
  const r = Math.max(0, ...shapes.map((s) => s.length));
  const out: Ints = [];
  for (let i = 0; i < r; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - r + i] ?? 1;
      if (x === 1) continue;
      if (x === -1) { if (d === 1) d = -1; continue; }
      if (d !== 1 && d !== -1 && d !== x) unsupported(`shapes ${shapes.map((t) => JSON.stringify(t)).join(' and ')} do not broadcast`);
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** The integer elements of a constant input (undefined unless it is one). */
export const constInts = (x: In | undefined): number[] | undefined =>
  x?.c && (x.dtype === 'i64' || x.dtype === 'i32') ? Array.from(x.c.data as ArrayLike<number>) : undefined;

export const need = (ins: (In | undefined)[], i: number, what: string): In => ins[i] ?? unsupported(`${what} (input ${i}) is missing`);

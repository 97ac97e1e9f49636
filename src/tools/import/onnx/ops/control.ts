// ONNX control flow and non-tensor values: If, Loop, Scan, SequenceMap (subgraph bodies, from
// AttributeProto.g, converted recursively with outer-scope names resolved), sequence and
// optional operators. Each becomes the runtime node of the same name (src/runtime/control/);
// bodies go in the node's attributes as { inputs, outputs, nodes } (docs/BUNDLE.md, "Subgraphs").
// Sequences and optionals are activations whose `dtype` is a value type ('seq<f32>', 'opt<i64>',
// src/runtime/control/value.ts) and whose `shape` is their elements' shape as far as known.

import { fail } from '../../../../runtime/errors.js';
import { dtypeOfId, type DType } from '../../../../runtime/dtype.js';
import { vkind, isContainer } from '../../../../runtime/control/value.js';
import type { ValueInfo, NodeEntry } from '../../../../runtime/bundle/layout.js';
import { unsupported, type Ints } from '../../graph.js';
import { OnnxImporter, type Handler } from '../importer.js';
import { plainInput } from '../generic.js';
import { tensorConst } from '../values.js';
import type { GraphP, NodeP, TypeP } from '../proto.js';

/** The value type of a TypeProto: an element type, 'seq<T>' or 'opt<V>'; undefined when it has
 *  none of these (a map, or no type given). */
export function valueType(t: TypeP | undefined, where: string): string | undefined {
  if (t?.tensor_type) {
    const d = t.tensor_type.elem_type === undefined ? undefined : dtypeOfId(t.tensor_type.elem_type);
    return d ?? unsupported(`${where}: element type ${t.tensor_type.elem_type}, which Alloy has no values of`);
  }
  if (t?.sequence_type) {
    const e = valueType(t.sequence_type.elem_type, where);
    if (!e || isContainer(e)) unsupported(`${where}: a sequence of ${e ?? 'an unknown type'} (sequences hold tensors)`);
    return `seq<${e}>`;
  }
  if (t?.optional_type) {
    const e = valueType(t.optional_type.elem_type, where);
    if (!e || e.startsWith('opt<')) unsupported(`${where}: an optional of ${e ?? 'an unknown type'}`);
    return `opt<${e}>`;
  }
  return undefined;
}

/** Every name a node's subgraphs read (their nodes' inputs and outputs, nested ones too): uses of
 *  outer values the enclosing graph must count. */
export function subgraphReads(n: NodeP): string[] {
  const out: string[] = [];
  for (const a of n.attribute ?? []) for (const g of [a.g, ...((a.graphs ?? []) as GraphP[])]) {
    if (!g) continue;
    for (const b of g.node ?? []) out.push(...(b.input ?? []), ...subgraphReads(b));
    for (const o of g.output ?? []) if (o.name) out.push(o.name);
  }
  return out;
}

/** A value's type and shape as known at import; `rankless`: not even its rank (a sequence's
 *  elements, when nothing declares them) */
interface Hint { dtype: string; shape: Ints; rankless?: boolean }
interface Body { graph: { inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeEntry[] }; outs: Hint[] }

/** How input i reads as a value: its value type and shape (constants as tensors). */
function hintOf(m: OnnxImporter, i: number): Hint | undefined {
  const v = m.val(i);
  if (!v) return undefined;
  if (v.kind === 'act') return { dtype: v.dtype ?? 'f32', shape: v.shape, rankless: v.rankless };
  if (v.kind === 'const' && v.dtype !== 'other') return { dtype: v.dtype, shape: v.dims };
  return unsupported(`input ${i} is a quantized value or of a type Alloy has no values of`);
}
const needHint = (m: OnnxImporter, i: number, what: string) => hintOf(m, i) ?? fail('BAD_GRAPH', `${m.where()}: ${what} (input ${i}) is missing`);
const open = (h: Hint): Hint => ({ ...h, shape: h.shape.map(() => -1) });

/** Converts subgraph attribute `attr` of the current node: `hints` type its formal inputs (a
 *  declared type must agree); outer values resolve in the enclosing scope by name. */
function subgraph(m: OnnxImporter, attr: string, hints: Hint[]): Body {
  const where = `${m.where()}: ${attr}`;
  const g = (m.node.attribute ?? []).find((a) => a.name === attr)?.g;
  if (!g) fail('BAD_GRAPH', `${where}: the subgraph attribute is missing`);
  const sub = new OnnxImporter(m.opts);
  sub.opset = m.opset;
  // one name space and one tensor table for every graph of the model
  sub.tensors = m.tensors; sub.used = m.used; sub.reserved = m.reserved;
  // outer values, each with layout conversions of its own (a conversion made in the body stays there)
  for (const [k, v] of m.vals) sub.vals.set(k, v.kind === 'act' ? { ...v, conv: {} } : v);
  for (const [i, t] of (g.initializer ?? []).entries()) sub.vals.set(t.name || fail('BAD_GRAPH', `${where}: initializer ${i} has no name`), tensorConst(t, `${where} initializer ${JSON.stringify(t.name)}`));
  const formals = g.input ?? [];
  if (formals.length !== hints.length) fail('BAD_GRAPH', `${where}: the body has ${formals.length} inputs, the operator gives it ${hints.length}`);
  const inputs: ValueInfo[] = formals.map((v, i) => {
    if (!v.name) fail('BAD_GRAPH', `${where}: input ${i} has no name`);
    const declared = valueType(v.type, `${where} input ${JSON.stringify(v.name)}`);
    if (declared && declared !== hints[i].dtype) fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v.name)} is declared ${declared}, the operator gives ${hints[i].dtype}`);
    const dims = v.type?.tensor_type?.shape?.dim;
    const shape = dims ? dims.map((d) => (d.dim_value !== undefined && d.dim_param === undefined && Number(d.dim_value) >= 0 ? Number(d.dim_value) : -1)) : hints[i].shape;
    const a = sub.out(v.name, shape, false, hints[i].dtype as DType);
    if (!dims && hints[i].rankless) a.rankless = true;
    sub.bind(v.name, a);
    return { name: a.name, shape: isContainer(a.dtype) ? [] : [...shape], format: hints[i].dtype };
  });
  for (const o of g.output ?? []) if (o.name) sub.graphOutputs.add(o.name);
  m.walk(sub, g);
  const made = new Set(sub.nodes.flatMap((n) => n.outputs));
  const outputs: ValueInfo[] = [], outs: Hint[] = [];
  for (const o of g.output ?? []) {
    if (!o.name) fail('BAD_GRAPH', `${where}: an output has no name`);
    if (sub.isPoison(o.name)) continue;
    const v = sub.vals.get(o.name) ?? fail('BAD_GRAPH', `${where}: output ${JSON.stringify(o.name)} is never produced`);
    const h: Hint = v.kind === 'const' ? (v.dtype === 'other' ? unsupported(`${where}: output ${o.name} is of a type Alloy has no values of`) : { dtype: v.dtype, shape: v.dims }) : v.kind === 'act' ? { dtype: v.dtype ?? 'f32', shape: v.shape, rankless: v.rankless } : unsupported(`${where}: output ${o.name} is a quantized value`);
    let name = v.kind === 'act' ? sub.nchw(v) : plainInput(sub, v, `${o.name}.const`);
    // a body output must be produced in the body: outer values, inputs and constants are copied
    if (!made.has(name)) { const a = sub.out(`${o.name}.out`, h.shape, false, h.dtype as DType); a.rankless = h.rankless; sub.nodeName = `${attr} output ${o.name}`; sub.emit('Identity', [name], a.name); name = a.name; }
    outputs.push({ name, shape: isContainer(h.dtype) ? [] : [...h.shape], format: h.dtype });
    outs.push(h);
  }
  if (sub.problems.length) unsupported(`${attr}: ${sub.problems.join('; ')}`);
  return { graph: { inputs, outputs, nodes: sub.nodes }, outs };
}

/** Emits the current node as runtime op `op` (inputs in ONNX order), binding outputs typed by `outs`. */
function emitHost(m: OnnxImporter, outs: Hint[], attrs: Record<string, unknown>): void {
  const n = m.node;
  const names = (n.input ?? []).map((x, i) => plainInput(m, m.val(i), x || `${m.nodeName}.in${i}`));
  while (names.length && names[names.length - 1] === '') names.pop();
  const onnxOuts = n.output ?? [];
  if (onnxOuts.length > outs.length) fail('BAD_GRAPH', `${m.where()}: ${onnxOuts.length} outputs, the operator produces ${outs.length}`);
  const acts = outs.map((o, k) => (onnxOuts[k] ? { ...m.out(onnxOuts[k], o.shape, false, o.dtype as DType), ...(o.rankless ? { rankless: true } : {}) } : undefined));
  m.emitN(n.op_type!, names, acts.map((a) => a?.name ?? ''), attrs);
  acts.forEach((a, k) => { if (a) m.bind(onnxOuts[k], a); });
}

/** Two branches' output hints as one: equal types, dims kept where they agree. */
function merge(a: Hint, b: Hint, what: string): Hint {
  if (a.dtype !== b.dtype) fail('BAD_GRAPH', `${what}: ${a.dtype} against ${b.dtype}`);
  if (a.rankless || b.rankless || a.shape.length !== b.shape.length) return { dtype: a.dtype, shape: [], rankless: true };
  return { dtype: a.dtype, shape: a.shape.map((d, i) => (d === b.shape[i] ? d : -1)) };
}

const ints = (m: OnnxImporter, k: string, n: number) => m.at.ints(k) ?? Array(n).fill(0);

// see: ONNX If, opsets 1-19
export const If: Handler = (m) => {
  const t = subgraph(m, 'then_branch', []), e = subgraph(m, 'else_branch', []);
  if (t.outs.length !== e.outs.length) fail('BAD_GRAPH', `${m.where()}: then_branch gives ${t.outs.length} outputs, else_branch ${e.outs.length}`);
  emitHost(m, t.outs.map((o, k) => merge(o, e.outs[k], `${m.where()}: output ${k}`)), { then_branch: t.graph, else_branch: e.graph });
};

// see: ONNX Loop, opsets 11-19 (carried values may change shape between iterations)
export const Loop: Handler = (m) => {
  const carried = (m.node.input ?? []).slice(2).map((_, j) => needHint(m, 2 + j, `loop-carried value ${j}`));
  const b = subgraph(m, 'body', [{ dtype: 'i64', shape: [] }, { dtype: 'bool', shape: [] }, ...carried.map(open)]);
  const n = carried.length;
  // a carried sequence's elements are what the body inserts: their rank is not known here
  const out = (h: Hint, k: number) => (vkind(h.dtype)?.k === 't' ? open(h) : { ...merge(h, b.outs[1 + k] ?? h, `${m.where()}: carried value ${k}`), rankless: true });
  emitHost(m, [...carried.map(out), ...b.outs.slice(n + 1).map((h) => ({ dtype: h.dtype, shape: [-1, ...h.shape], rankless: h.rankless }))], { body: b.graph });
};

// see: ONNX Scan, opsets 9-19; opset 8: a batch axis first on every input and output, input 0
// sequence_lens (refused when given), scan axis 1, `directions` (runtime attrs.batched)
export const Scan: Handler = (m) => {
  const batched = m.opset < 9, first = batched ? 1 : 0;
  if (batched && m.val(0)) unsupported('Scan (opset 8) with sequence_lens');
  const strip = (h: Hint): Hint => (batched ? { ...h, shape: h.shape.slice(1) } : h);
  const all = (m.node.input ?? []).slice(first).map((_, i) => strip(needHint(m, first + i, `input ${first + i}`)));
  const M = m.at.i('num_scan_inputs', 0), N = all.length - M;
  if (M < 1 || N < 0) fail('BAD_GRAPH', `${m.where()}: num_scan_inputs ${M} must be 1 to ${all.length}`);
  const axes = ints(m, 'scan_input_axes', M);
  const slices = all.slice(N).map((h, j) => { const r = h.shape.length, a = axes[j] < 0 ? axes[j] + r : axes[j]; return { dtype: h.dtype, shape: h.shape.filter((_, i) => i !== a) }; });
  const b = subgraph(m, 'body', [...all.slice(0, N), ...slices]);
  const outAxes = ints(m, 'scan_output_axes', b.outs.length - N);
  const outs = b.outs.slice(N).map((h, k) => { const s = [...h.shape], r = s.length + 1, a = outAxes[k] < 0 ? outAxes[k] + r : outAxes[k]; s.splice(a, 0, -1); return { dtype: h.dtype, shape: s }; });
  const attrs: Record<string, unknown> = { body: b.graph, num_scan_inputs: M };
  for (const k of ['scan_input_axes', 'scan_input_directions', 'scan_output_axes', 'scan_output_directions']) if (m.at.has(k)) attrs[k] = m.at.ints(k, []);
  if (batched) { attrs.batched = true; if (m.at.has('directions')) attrs.scan_input_directions = m.at.ints('directions', []); }
  const unbatch = (h: Hint): Hint => (batched ? { ...h, shape: [-1, ...h.shape] } : h);
  emitHost(m, [...all.slice(0, N), ...outs].map(unbatch), attrs);
};

/** A sequence's element type and shape hint. */
function elemOf(m: OnnxImporter, i: number): Hint {
  const h = needHint(m, i, 'input_sequence'), k = vkind(h.dtype);
  if (k?.k !== 's') fail('BAD_GRAPH', `${m.where()}: input ${i} is ${h.dtype}, not a sequence`);
  return { dtype: k.elem, shape: h.shape, rankless: h.rankless };
}
const seq = (h: Hint): Hint => ({ dtype: `seq<${h.dtype}>`, shape: h.shape, rankless: h.rankless });

// see: ONNX SequenceMap, opset 17
export const SequenceMap: Handler = (m) => {
  const hints = (m.node.input ?? []).map((_, i) => { const h = needHint(m, i, `input ${i}`); return vkind(h.dtype)?.k === 's' ? elemOf(m, i) : h; });
  const b = subgraph(m, 'body', hints);
  emitHost(m, b.outs.map(seq), { body: b.graph });
};

export const SequenceEmpty: Handler = (m) => {
  const d = dtypeOfId(m.at.i('dtype', 1)) ?? unsupported(`dtype ${m.at.i('dtype', 1)}, which Alloy has no values of`);
  emitHost(m, [{ dtype: `seq<${d}>`, shape: [], rankless: true }], { dtype: d });
};
export const SequenceConstruct: Handler = (m) => {
  const hs = (m.node.input ?? []).map((_, i) => needHint(m, i, `input ${i}`));
  if (!hs.length) fail('BAD_GRAPH', `${m.where()}: needs at least one input`);
  emitHost(m, [seq(hs.reduce((a, b) => merge(a, b, `${m.where()}: inputs`)))], {});
};
export const SequenceAt: Handler = (m) => emitHost(m, [elemOf(m, 0)], {});
export const SequenceInsert: Handler = (m) => {
  const e = elemOf(m, 0), t = needHint(m, 1, 'tensor');
  // into an empty sequence of unknown elements: one element known
  emitHost(m, [seq(e.rankless ? { ...t, dtype: e.dtype, rankless: true } : merge(e, t, `${m.where()}: the tensor inserted`))], {});
};
export const SequenceErase: Handler = (m) => emitHost(m, [seq(elemOf(m, 0))], {});
export const SequenceLength: Handler = (m) => { elemOf(m, 0); emitHost(m, [{ dtype: 'i64', shape: [] }], {}); };
export const SplitToSequence: Handler = (m) => {
  const x = needHint(m, 0, 'input'), axis = m.at.i('axis', 0), keep = m.at.i('keepdims', 1), r = x.shape.length;
  if (x.rankless) return emitHost(m, [seq(x)], { axis, keepdims: keep });
  const a = axis < 0 ? axis + r : axis;
  const shape = x.shape.map((d, i) => (i === a ? -1 : d));
  if (!m.val(1) && keep === 0) shape.splice(a, 1);
  emitHost(m, [seq({ dtype: x.dtype, shape })], { axis, keepdims: keep });
};
export const ConcatFromSequence: Handler = (m) => {
  const e = elemOf(m, 0), axis = m.at.i('axis', 0), newAxis = m.at.i('new_axis', 0);
  if (!m.at.has('axis')) fail('BAD_GRAPH', `${m.where()}: attribute axis is required`);
  if (e.rankless) return emitHost(m, [e], { axis, new_axis: newAxis });
  const s = [...e.shape], r = s.length + newAxis, a = axis < 0 ? axis + r : axis;
  if (newAxis) s.splice(a, 0, -1); else if (a >= 0 && a < s.length) s[a] = -1;
  emitHost(m, [{ dtype: e.dtype, shape: s }], { axis, new_axis: newAxis });
};
export const Optional: Handler = (m) => {
  const h = hintOf(m, 0);
  const tp = (m.node.attribute ?? []).find((a) => a.name === 'type')?.tp;
  const type = h?.dtype ?? valueType(tp, m.where()) ?? fail('BAD_GRAPH', `${m.where()}: an Optional needs an input or a type attribute`);
  emitHost(m, [{ dtype: `opt<${type}>`, shape: h?.shape ?? [], rankless: h ? h.rankless : true }], h ? {} : { type });
};
export const OptionalHasElement: Handler = (m) => emitHost(m, [{ dtype: 'bool', shape: [] }], {});
export const OptionalGetElement: Handler = (m) => {
  const h = needHint(m, 0, 'input'), k = vkind(h.dtype);
  emitHost(m, [{ ...h, dtype: k?.k === 'o' ? h.dtype.slice(4, -1) : h.dtype }], {});
};

export const CONTROL_OPS = {
  If, Loop, Scan, SequenceMap, SequenceEmpty, SequenceConstruct, SequenceAt, SequenceInsert, SequenceErase,
  SequenceLength, SplitToSequence, ConcatFromSequence, Optional, OptionalHasElement, OptionalGetElement,
};

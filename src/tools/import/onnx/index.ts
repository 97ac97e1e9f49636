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
// by the wasm module (../math.ts); the importer itself only moves bytes and does integer shape
// arithmetic (Shape / Gather / Unsqueeze / Concat / Slice ... feeding Reshape are folded here).
//
// Needs the module initialised (`await init()`), as the arithmetic runs in it.
//
// This file: parse, opset checks, the graph walk and dispatch to the operator table (./ops/);
// values in ./values.ts, the importer's state in ./importer.ts over the shared ../graph.ts.

import { AlloyError, fail } from '../../../runtime/errors.js';
import type { BundleInput } from '../../bundle/write.js';
import type { ValueInfo } from '../../../runtime/bundle/layout.js';
import { NHWC_TO_NCHW, prod, unsupported, type Ints } from '../graph.js';
import * as M from '../math.js';
import { decodeModel, DT, type ModelP, type ValueInfoP } from './proto.js';
import { OnnxImporter, type ImportOptions } from './importer.js';
import { Attrs, constantNode, tensorConst, type Act } from './values.js';
import { rewritePatterns } from './patterns.js';
import { HANDLERS, GENERIC, TYPED } from './ops/index.js';
import { TRAINING_DOMAIN, TRAINING_OPS } from './ops/loss.js';
import { emitGeneric, plainInput } from './generic.js';
import { dtypeOfId, type DType } from '../../../runtime/dtype.js';
import { adaptLegacy, checkLegacy } from './legacy.js';
import { subgraphReads, valueType, CONTROL_OPS } from './ops/control.js';

export type { ImportOptions } from './importer.js';

/** The ONNX operators this importer converts (default-domain op_type names). */
export const ONNX_OPS = [...new Set([...Object.keys(HANDLERS), ...Object.keys(GENERIC)])].sort();

function run(im: OnnxImporter, model: ModelP): { inputs: ValueInfo[]; outputs: ValueInfo[] } {
  const g = model.graph!;
  const inits = new Set<string>();
  for (const [i, t] of (g.initializer ?? []).entries()) {
    const name = t.name ?? '';
    if (!name) fail('BAD_GRAPH', `initializer ${i} has no name`);
    im.vals.set(name, tensorConst(t, `initializer ${JSON.stringify(name)}`));
    inits.add(name);
    im.reserved.add(name);
  }
  for (const o of g.output ?? []) { if (!o.name) fail('BAD_GRAPH', 'a graph output has no name'); im.graphOutputs.add(o.name); im.reserved.add(o.name); }

  const inputs: ValueInfo[] = [];
  for (const v of g.input ?? []) {
    if (!v.name) fail('BAD_GRAPH', 'a graph input has no name');
    if (inits.has(v.name)) continue; // IR < 4: initializers are listed as inputs too
    const { shape, dtype, rankless } = inputShape(im, v);
    const act: Act = { kind: 'act', name: v.name, shape, nhwc: false, conv: {}, dtype, ...(rankless ? { rankless } : {}) };
    im.used.add(v.name);
    im.bind(v.name, act);
    inputs.push({ name: v.name, shape, format: dtype });
  }

  for (const k of Object.keys(im.opts.inputShapes ?? {})) if (!inputs.some((v) => v.name === k)) fail('BAD_OPTION', `inputShapes names ${JSON.stringify(k)}, which is no graph input (inputs: ${inputs.map((v) => v.name).join(', ')})`);

  walk(im, g);

  const outputs: ValueInfo[] = [];
  for (const o of g.output ?? []) {
    if (im.isPoison(o.name!)) continue;
    const v = im.vals.get(o.name!);
    if (!v) fail('BAD_GRAPH', `graph output ${JSON.stringify(o.name)} is never produced`);
    if (v.kind === 'const' && v.dtype !== 'other') {
      // an output that folded to a constant (Constant, Shape of a known shape): a stored tensor
      // copied out by an Identity, so run() still returns it
      im.nodeName = `output ${o.name}`;
      const et = o.type?.tensor_type?.elem_type;
      if (et !== undefined && et !== 0 && dtypeOfId(et) !== v.dtype) { im.problems.push(`graph output ${JSON.stringify(o.name)} has element type ${et}; the constant is ${v.dtype}`); continue; }
      im.emit('Identity', [plainInput(im, v, `${o.name}.value`)], o.name!);
      outputs.push({ name: o.name!, shape: [...v.dims], format: v.dtype });
      continue;
    }
    if (v.kind !== 'act') { im.problems.push(`graph output ${JSON.stringify(o.name)}: is a quantized value or a string constant, not a tensor Alloy computes`); continue; }
    // an output computed as another type than the model declares would come back silently retyped
    const et = o.type?.tensor_type?.elem_type, dt = v.dtype ?? 'f32';
    if (et !== undefined && et !== 0 && dtypeOfId(et) !== dt) { im.problems.push(`graph output ${JSON.stringify(o.name)} has element type ${et}; Alloy computes it as ${dt}`); continue; }
    // outputs keep the model's layout (NCHW) and name
    im.nodeName = `output ${o.name}`;
    if (v.nhwc) im.emit('Transpose', [v.name], o.name!, { perm: NHWC_TO_NCHW });
    else if (v.name !== o.name) im.emit(dt === 'f32' ? 'Reshape' : 'Identity', [v.name], o.name!, dt === 'f32' ? { shape: v.shape.map(() => 0) } : undefined);
    outputs.push({ name: o.name!, shape: [...v.shape], format: dt });
  }
  im.finish('node');
  return { inputs, outputs };
}

/** Converts a graph's nodes (the main graph's or a subgraph body's, ./ops/control.ts) in order:
 *  names reserved, uses counted (those inside subgraphs too), patterns rewritten, each node
 *  dispatched to its handler or generic row. */
export function walk(im: OnnxImporter, g: NonNullable<ModelP['graph']>): void {
  im.walk = walk;
  for (const n of g.node ?? []) for (const o of [...(n.input ?? []), ...(n.output ?? [])]) if (o) im.reserved.add(o);
  for (const n of g.node ?? []) for (const i of [...(n.input ?? []), ...subgraphReads(n)]) if (i) im.consumers.set(i, (im.consumers.get(i) ?? 0) + 1);
  const nodes = rewritePatterns(g.node ?? [], im.consumers, im.graphOutputs, (n) => peekConst(im, n, g));
  for (const [i, n] of nodes.entries()) {
    im.node = n;
    im.nodeName = n.name || `${n.op_type}_${i}`;
    im.at = new Attrs(n);
    const outs = (n.output ?? []).filter((o) => o);
    if (!n.op_type) fail('BAD_GRAPH', `node ${i} has no op_type`);
    const domain = n.domain ?? '';
    const label = `${n.op_type} (${im.nodeName})`;
    const poisoned = (n.input ?? []).some((x) => x && im.isPoison(x));
    const std = domain === '' || domain === 'ai.onnx';
    // see: ONNX ai.onnx.preview.training, version 1: its optimizers, and no other domain
    if (!std && !(domain === TRAINING_DOMAIN && TRAINING_OPS.has(n.op_type) && im.domains.get(domain) === 1)) { im.refuse(`${label}: operator domain ${JSON.stringify(domain)}${im.domains.has(domain) ? ` version ${im.domains.get(domain)}` : ''}`, outs); continue; }
    if (std && TRAINING_OPS.has(n.op_type)) { im.refuse(`${label}: not an operator of the default domain (${TRAINING_DOMAIN} has it)`, outs); continue; }
    if (std && !im.opset) fail('BAD_GRAPH', `${im.where()}: a default-domain node, but the model has no default-domain opset_import`);
    const handler = Object.hasOwn(HANDLERS, n.op_type) ? HANDLERS[n.op_type] : undefined;
    const row = Object.hasOwn(GENERIC, n.op_type) ? GENERIC[n.op_type] : undefined;
    if (!handler && !row) { im.refuse(label, outs); continue; }
    if (poisoned) { im.skip(outs); continue; }
    for (const x of n.input ?? []) if (x && !im.vals.has(x)) fail('BAD_GRAPH', `${im.where()}: input ${JSON.stringify(x)} is not produced before this node (graph not topologically sorted, or a dangling name)`);
    im.attempt(label, outs, () => {
      checkLegacy(im);
      adaptLegacy(im);
      dispatch(im, handler, row);
      for (const o of (n.output ?? []).slice(0, 1)) if (o && !im.vals.has(o)) fail('BAD_GRAPH', `${im.where()}: produced no output`);
    });
  }
}

/** For pattern matching before conversion: a scalar constant's value (initializer or Constant). */
function peekConst(im: OnnxImporter, name: string, g: NonNullable<ModelP['graph']>): number | undefined {
  let c = im.vals.get(name);
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

function inputShape(im: OnnxImporter, v: ValueInfoP): { shape: Ints; dtype: DType; rankless?: boolean } {
  const t = v.type?.tensor_type;
  // a sequence or optional: its value type ('seq<f32>', ...); its elements' shapes come with the feed
  const vt = t ? undefined : valueType(v.type, `graph input ${JSON.stringify(v.name)}`);
  if (vt) return { shape: [], dtype: vt as DType, rankless: true };
  if (!t) throw new AlloyError('UNSUPPORTED_OP', `graph input ${JSON.stringify(v.name)}: not a tensor, sequence or optional (maps are not supported)`);
  const dtype = t.elem_type === undefined ? undefined : dtypeOfId(t.elem_type);
  if (!dtype) throw new AlloyError('UNSUPPORTED_OP', `graph input ${JSON.stringify(v.name)} has element type ${t.elem_type}, which Alloy has no values of (string, complex, float8 ...)`);
  const fixed = im.opts.inputShapes?.[v.name!];
  if (fixed) {
    if (!Array.isArray(fixed) || !fixed.every((d) => Number.isSafeInteger(d) && d >= -1)) fail('BAD_OPTION', `inputShapes[${JSON.stringify(v.name)}] must be non-negative integers (-1: given at run time)`);
    const rank = t.shape?.dim?.length;
    if (t.shape && rank !== fixed.length) fail('BAD_OPTION', `inputShapes[${JSON.stringify(v.name)}] has ${fixed.length} dimensions, the model's input ${rank}`);
    (t.shape?.dim ?? []).forEach((d, i) => {
      const n = d.dim_value !== undefined && d.dim_param === undefined ? Number(d.dim_value) : undefined;
      if (n !== undefined && n >= 0 && fixed[i] !== n) fail('BAD_OPTION', `inputShapes[${JSON.stringify(v.name)}] gives dimension ${i} as ${fixed[i]}, the model fixes it at ${n}`);
    });
    return { shape: [...fixed], dtype };
  }
  if (!t.shape) fail('BAD_GRAPH', `graph input ${JSON.stringify(v.name)} has no shape; give it with options.inputShapes`);
  // a symbolic or unknown dimension is given at run time (-1)
  return { shape: (t.shape.dim ?? []).map((d) => (d.dim_value !== undefined && Number(d.dim_value) >= 0 && d.dim_param === undefined ? Number(d.dim_value) : -1)), dtype };
}

/** The layout-aware handler where it applies (f32 inputs, dims known but the batch), else the
 *  generic row; a handler that refuses falls back on the row, its partial output rolled back. */
function dispatch(im: OnnxImporter, handler: ((m: OnnxImporter) => void) | undefined, row: Parameters<typeof emitGeneric>[1] | undefined): void {
  if (handler && Object.hasOwn(CONTROL_OPS, im.node.op_type!)) return handler(im);
  const acts = (im.node.input ?? []).map((_, i) => im.val(i)).filter((v): v is Act => v?.kind === 'act');
  // an input of a rank unknown at import (a sequence element): no handler may fold on its shape
  const rankless = acts.find((a) => a.rankless);
  if (rankless) {
    if (!row || im.node.op_type === 'Identity') return handler ? handler(im) : unsupported(`input ${JSON.stringify(rankless.name)} has a rank unknown at import`);
    emitGeneric(im, row);
    for (const o of im.node.output ?? []) { const v = o ? im.vals.get(o) : undefined; if (v?.kind === 'act') v.rankless = true; }
    return;
  }
  if (handler && TYPED.has(im.node.op_type!)) return handler(im);
  const typed = acts.find((a) => (a.dtype ?? 'f32') !== 'f32');
  // MatMul on a constant weight becomes a Dense, which reads its input as rows of the weight's K
  // (checked at run time): its other dims may be unknown (a transformer's [B, S, H], dynamic B, S)
  const rowsOnly = im.node.op_type === 'MatMul' && im.val(1)?.kind === 'const';
  const open = rowsOnly ? undefined : acts.find((a) => a.shape.some((d, i) => d === -1 && i > 0));
  if (handler && !((typed || open) && row)) {
    if (typed) unsupported(`input ${JSON.stringify(typed.name)} is ${typed.dtype}; this operator takes f32`);
    if (open) unsupported(`input ${JSON.stringify(open.name)} has shape ${JSON.stringify(open.shape)}: a dimension other than the first is unknown at import (give it with --input-shape)`);
    if (!row) return handler(im);
    if (im.tryOrUndo(() => handler(im))) return;
  }
  emitGeneric(im, row!);
}

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
  // a model of other domains only (the training optimizers) may have no default-domain import;
  // its nodes are checked one by one (run())
  const others = new Map(ops.filter((o) => o !== main && o.domain).map((o) => [o.domain!, Number(o.version ?? 0)]));
  if (!opset && others.size === 0) fail('BAD_GRAPH', 'ModelProto has no default-domain opset_import');
  if (opset && (opset < 1 || opset > 22)) fail('UNSUPPORTED_OP', `opset ${opset}: opsets 1 to 22 are supported`);
  const im = new OnnxImporter(opts);
  im.opset = opset;
  im.domains = others;
  const about = {
    opset,
    irVersion: Number(model.ir_version),
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
    graphName: model.graph.name ?? '',
  };
  return im.bundle(run(im, model), 'onnx', bytes, about, 'inputs and outputs keep the ONNX model\'s layout (4-D tensors NCHW); NHWC inside');
}

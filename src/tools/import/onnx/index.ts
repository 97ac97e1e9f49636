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
import { NHWC_TO_NCHW, prod, type Ints } from '../graph.js';
import * as M from '../math.js';
import { decodeModel, DT, type ModelP, type ValueInfoP } from './proto.js';
import { OnnxImporter, type ImportOptions } from './importer.js';
import { Attrs, constantNode, tensorConst, type Act } from './values.js';
import { rewritePatterns } from './patterns.js';
import { HANDLERS } from './ops/index.js';
import { checkLegacy } from './legacy.js';

export type { ImportOptions } from './importer.js';

/** The ONNX operators this importer converts (default-domain op_type names). */
export const ONNX_OPS = Object.keys(HANDLERS).sort();

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
  for (const n of g.node ?? []) for (const o of [...(n.input ?? []), ...(n.output ?? [])]) if (o) im.reserved.add(o);
  for (const n of g.node ?? []) for (const i of n.input ?? []) if (i) im.consumers.set(i, (im.consumers.get(i) ?? 0) + 1);
  for (const o of g.output ?? []) { if (!o.name) fail('BAD_GRAPH', 'a graph output has no name'); im.graphOutputs.add(o.name); im.reserved.add(o.name); }

  const inputs: ValueInfo[] = [];
  for (const v of g.input ?? []) {
    if (!v.name) fail('BAD_GRAPH', 'a graph input has no name');
    if (inits.has(v.name)) continue; // IR < 4: initializers are listed as inputs too
    const shape = inputShape(im, v);
    const act: Act = { kind: 'act', name: v.name, shape, nhwc: false, conv: {} };
    im.used.add(v.name);
    im.bind(v.name, act);
    inputs.push({ name: v.name, shape, format: 'f32' });
  }

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
    if (domain !== '' && domain !== 'ai.onnx') { im.refuse(`${label}: operator domain ${JSON.stringify(domain)}`, outs); continue; }
    if (!Object.hasOwn(HANDLERS, n.op_type)) { im.refuse(label, outs); continue; }
    if (poisoned) { im.skip(outs); continue; }
    for (const x of n.input ?? []) if (x && !im.vals.has(x)) fail('BAD_GRAPH', `${im.where()}: input ${JSON.stringify(x)} is not produced before this node (graph not topologically sorted, or a dangling name)`);
    im.attempt(label, outs, () => {
      checkLegacy(im);
      HANDLERS[n.op_type!](im);
      for (const o of (n.output ?? []).slice(0, 1)) if (o && !im.vals.has(o)) fail('BAD_GRAPH', `${im.where()}: produced no output`);
    });
  }

  const outputs: ValueInfo[] = [];
  for (const o of g.output ?? []) {
    if (im.isPoison(o.name!)) continue;
    const v = im.vals.get(o.name!);
    if (!v) fail('BAD_GRAPH', `graph output ${JSON.stringify(o.name)} is never produced`);
    if (v.kind !== 'act') { im.problems.push(`graph output ${JSON.stringify(o.name)}: is a constant (or a quantized value), not computed from the inputs`); continue; }
    // run() returns float32: an output declared as another type would come back silently retyped
    const et = o.type?.tensor_type?.elem_type;
    if (et !== undefined && et !== DT.FLOAT) { im.problems.push(`graph output ${JSON.stringify(o.name)} has element type ${et}; Alloy outputs are float32`); continue; }
    // outputs keep the model's layout (NCHW) and name
    im.nodeName = `output ${o.name}`;
    if (v.nhwc) im.emit('Transpose', [v.name], o.name!, { perm: NHWC_TO_NCHW });
    else if (v.name !== o.name) im.emit('Reshape', [v.name], o.name!, { shape: v.shape.map(() => 0) });
    outputs.push({ name: o.name!, shape: [...v.shape], format: 'f32' });
  }
  im.finish('node');
  return { inputs, outputs };
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

function inputShape(im: OnnxImporter, v: ValueInfoP): Ints {
  const t = v.type?.tensor_type;
  if (!t) fail('BAD_GRAPH', `graph input ${JSON.stringify(v.name)}: not a tensor`);
  if (t.elem_type !== DT.FLOAT) throw new AlloyError('UNSUPPORTED_OP', `graph input ${JSON.stringify(v.name)} has element type ${t.elem_type}; Alloy inputs are float32`);
  const fixed = im.opts.inputShapes?.[v.name!];
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
  if (opset < 6 || opset > 22) fail('UNSUPPORTED_OP', `opset ${opset}: opsets 6 to 22 are supported`);
  const im = new OnnxImporter(opts);
  im.opset = opset;
  const about = {
    opset,
    irVersion: Number(model.ir_version),
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
    graphName: model.graph.name ?? '',
  };
  return im.bundle(run(im, model), 'onnx', bytes, about, 'inputs and outputs keep the ONNX model\'s layout (4-D tensors NCHW); NHWC inside');
}

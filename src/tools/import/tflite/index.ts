// TFLite -> Alloy bundle input (Node; offline). `writeBundle(importTflite(bytes))` gives a bundle.
//
// TFLite is NHWC with OHWI conv weights and [1, KH, KW, C] depthwise weights, Alloy's own layout:
// activations, inputs and outputs keep the model's shapes and no transposes are inserted.
// The file is read by ./schema.ts (FlatBuffers via the `flatbuffers` package, field ids of
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
// Typed values: non-quantized INT8 / UINT8 / INT16 / INT32 / INT64 / BOOL tensors are values of
// their type; operators on them (and f32 cases the f32 handlers refuse) take the TYPED table,
// lowered to the runtime's ONNX-semantics ops (./ops/nd.ts, ./ops/indexing.ts; docs/TFLITE.md).
//
// Errors: BAD_GRAPH for malformed files; one UNSUPPORTED_OP listing every operator that cannot be
// converted (later operators that depend only on those are counted, not listed).
// Needs the module initialised (`await init()`), as the arithmetic on weights runs in it.
//
// This file: the graph walk and dispatch to the operator table (./ops/); the importer's state in
// ./importer.ts over the shared ../graph.ts.

import { AlloyError, fail } from '../../../runtime/errors.js';
import type { BundleInput } from '../../bundle/write.js';
import type { ValueInfo } from '../../../runtime/bundle/layout.js';
import { readModel, opName, TT_NAMES } from './schema.js';
import { NO_OPTIONS, TfliteImporter, type TfliteImportOptions } from './importer.js';
import { HANDLERS, TYPED } from './ops/index.js';
import { unsupported } from '../graph.js';
import type { Act } from './values.js';

export type { TfliteImportOptions } from './importer.js';

const SHORT: Record<string, string> = { CONV_2D: 'conv', DEPTHWISE_CONV_2D: 'dwconv', FULLY_CONNECTED: 'fc', MAX_POOL_2D: 'maxpool', AVERAGE_POOL_2D: 'avgpool', RESIZE_BILINEAR: 'resize', RESIZE_NEAREST_NEIGHBOR: 'resize', CONCATENATION: 'concat', LOGISTIC: 'sigmoid' };

function run(im: TfliteImporter): { inputs: ValueInfo[]; outputs: ValueInfo[] } {
  const g = im.g;
  for (const o of g.operators) for (const i of o.inputs) if (i >= 0) { const l = im.consumers.get(i) ?? []; l.push(o); im.consumers.set(i, l); }
  for (const i of g.outputs) { im.tinfo(i); im.graphOutputs.add(i); }
  for (const i of g.outputs) im.used.add(`reserved:${im.tinfo(i).name}`);
  const inputs: ValueInfo[] = [];
  for (const i of g.inputs) {
    const t = im.tinfo(i);
    if (im.constOf(t)) continue;
    const dtype = t.quant ? undefined : im.valueType(t);
    if (!dtype) throw new AlloyError('UNSUPPORTED_OP', `graph input ${JSON.stringify(t.name)} has type ${TT_NAMES[t.type] ?? t.type}${t.quant ? ' (quantized)' : ''}; Alloy inputs are float32, or non-quantized int8 / uint8 / int16 / int32 / int64 / bool`);
    const shape = t.shape.map((d, k) => (k === 0 && t.signature?.[0] === -1 ? -1 : d));
    if (!shape.every((d, k) => Number.isSafeInteger(d) && (d >= 1 || (k === 0 && d === -1)))) fail('BAD_GRAPH', `graph input ${JSON.stringify(t.name)}: shape ${JSON.stringify(t.shape)}`);
    const name = im.fresh(t.name || `input_${i}`);
    im.vals.set(i, { kind: 'act', name, shape, ...(dtype !== 'f32' ? { dtype } : {}) });
    inputs.push({ name, shape, format: dtype });
  }
  for (const op of g.operators) {
    im.op = op;
    const name = opName(op.code);
    im.nodeName = `${SHORT[name] ?? name.toLowerCase()}_${op.index}`;
    im.opt = op.options ?? NO_OPTIONS;
    const label = `${name === 'CUSTOM' ? `CUSTOM ${JSON.stringify(op.custom)}` : name} (operator ${op.index})`;
    const ins = op.inputs.filter((i) => i >= 0);
    if (ins.some((i) => im.isPoison(i))) { im.skip(op.outputs); continue; }
    if (!Object.hasOwn(HANDLERS, name) && !Object.hasOwn(TYPED, name)) { im.refuse(label, op.outputs); continue; }
    im.attempt(label, op.outputs, () => {
      dispatch(im, name);
      for (const o of op.outputs.slice(0, 1)) if (!im.vals.has(o)) fail('BAD_GRAPH', `${im.where()}: produced no output`);
    });
  }
  const outputs: ValueInfo[] = [];
  for (const i of g.outputs) {
    const t = im.tinfo(i);
    if (im.isPoison(i)) continue;
    const v = im.vals.get(i);
    if (!v) fail('BAD_GRAPH', `graph output ${JSON.stringify(t.name)} is never produced`);
    if (v.kind !== 'act') { im.problems.push(`graph output ${JSON.stringify(t.name)}: is a constant, not computed from the inputs`); continue; }
    if (v.pendingPad) { im.op = { index: -1, code: 0, custom: '', inputs: [], outputs: [i], options: null }; im.materialize(v); }
    let name = v.name;
    if (name !== t.name) {
      const want = im.used.has(t.name) ? im.fresh(`${t.name}.out`) : (im.used.add(t.name), t.name);
      im.nodes.push({ name: im.fresh(`output_${want}`), op: 'Reshape', inputs: [v.name], outputs: [want], attrs: { shape: v.shape.map(() => 0) } });
      name = want;
    }
    outputs.push({ name, shape: [...v.shape], format: v.dtype ?? 'f32' });
  }
  im.finish('operator');
  return { inputs, outputs };
}

/** The f32 handler where it applies (f32 inputs and outputs), else the typed one; an f32 handler
 *  that refuses falls back on the typed one, its partial output undone. */
function dispatch(im: TfliteImporter, name: string): void {
  const f32 = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  const typed = Object.hasOwn(TYPED, name) ? TYPED[name] : undefined;
  const ins = im.op.inputs.map((i) => (i >= 0 ? im.vals.get(i) : undefined));
  const act = ins.find((v): v is Act => v?.kind === 'act' && (v as Act).dtype !== undefined);
  // an output of a typed value type (a FLOAT16 or other output keeps the f32 handlers' old reading)
  const out = im.op.outputs.filter((o) => o >= 0).map((o) => im.tinfo(o)).find((t) => (im.valueType(t) ?? 'f32') !== 'f32');
  // a PAD held back for a conv is materialised in place by act(): no undo past it
  const padded = ins.some((v) => v?.kind === 'act' && (v as Act).pendingPad);
  if (!typed || !f32 || (padded && !act && !out)) {
    if (f32 && act) unsupported(`input ${JSON.stringify(act.name)} is ${act.dtype}; this operator takes f32`);
    if (f32 && out) unsupported(`output ${JSON.stringify(out.name)} is ${TT_NAMES[out.type] ?? out.type}; this operator computes f32`);
    return (f32 ?? typed)!(im);
  }
  if (!act && !out) {
    if (im.tryOrUndo(() => f32(im))) return;
    const kept = new Set(im.nodes.map((n) => n.name));
    for (const k of Object.keys(im.sources)) if (!kept.has(k)) delete im.sources[k];
  }
  typed(im);
}

/** The TFLite operators this importer converts (builtin names). */
export const TFLITE_OPS = [...new Set([...Object.keys(HANDLERS), ...Object.keys(TYPED)])].sort();

/** Convert a TFLite model (.tflite bytes) to Alloy bundle input. Throws AlloyError: BAD_GRAPH for
 *  malformed files, UNSUPPORTED_OP listing every operator that cannot be converted. The module
 *  must be initialised (`await init()`). */
export function importTflite(bytes: Uint8Array, opts: TfliteImportOptions = {}): BundleInput {
  if (!(bytes instanceof Uint8Array)) fail('BAD_ARGUMENT', 'importTflite(): bytes must be a Uint8Array');
  const model = readModel(bytes);
  if (model.subgraphs.length < 1) fail('BAD_GRAPH', 'tflite: the model has no subgraph');
  const im = new TfliteImporter(model, model.subgraphs[0], opts);
  const about = { schemaVersion: model.version, description: model.description, subgraph: model.subgraphs[0].name };
  // tfliteTensors: alloy node -> the TFLite tensor it computes (for precision maps and reports)
  return im.bundle(run(im), 'tflite', bytes, about, 'NHWC as in the TFLite model', { tfliteTensors: im.sources });
}

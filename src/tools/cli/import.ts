// `alloy import MODEL.onnx -o OUT.alloy`
import { readBytes, writeOut } from './files.js';
import type { Alloy } from '../../runtime/index.js';
import { writeBundle } from '../bundle/write.js';
import { importOnnx } from '../import/onnx/index.js';
import { importTflite } from '../import/tflite/index.js';
import { AlloyError } from '../../runtime/errors.js';

export function importCommand(alloy: Alloy, pos: string[], flags: Record<string, string | true>): number {
  if (pos.length !== 1 || typeof flags.o !== 'string') throw new AlloyError('BAD_ARGUMENT', 'usage: alloy import MODEL.onnx|MODEL.tflite -o OUT.alloy');
  const lower = pos[0].toLowerCase();
  if (!lower.endsWith('.onnx') && !lower.endsWith('.tflite')) throw new AlloyError('BAD_ARGUMENT', `${pos[0]}: only .onnx and .tflite models are imported by this build`);
  const bytes = readBytes(pos[0]);
  const t0 = performance.now();
  const shapes = inputShapes(flags['input-shape']);
  if (shapes && lower.endsWith('.tflite')) throw new AlloyError('BAD_ARGUMENT', 'alloy import: --input-shape applies to ONNX models (TFLite tensors have fixed shapes)');
  const input = lower.endsWith('.tflite') ? importTflite(bytes) : importOnnx(bytes, shapes ? { inputShapes: shapes } : {});
  const out = writeBundle(input);
  const model = alloy.load(out); // validate the result before writing it
  model.dispose();
  writeOut(flags.o, out);
  console.log(`imported ${pos[0]} (${bytes.length} bytes, ${input.graph.nodes.length} nodes) -> ${flags.o} (${out.length} bytes) in ${(performance.now() - t0).toFixed(0)} ms`);
  return 0;
}

/** `name=1,3,640,640` lines (one per --input-shape) as ImportOptions.inputShapes. */
export function inputShapes(v: string | true | undefined): Record<string, number[]> | undefined {
  if (v === undefined) return undefined;
  if (v === true) throw new AlloyError('BAD_ARGUMENT', 'alloy import: --input-shape needs name=d0,d1,...');
  const out: Record<string, number[]> = {};
  for (const line of v.split('\n')) {
    const eq = line.lastIndexOf('=');
    const name = line.slice(0, eq), dims = line.slice(eq + 1).split(',').map((d) => d.trim());
    if (eq <= 0 || !dims.every((d) => /^(-1|\d+)$/.test(d))) throw new AlloyError('BAD_ARGUMENT', `alloy import: --input-shape ${JSON.stringify(line)}: expected name=d0,d1,... (non-negative integers, -1 for a dimension given at run time)`);
    if (Object.hasOwn(out, name)) throw new AlloyError('BAD_ARGUMENT', `alloy import: --input-shape gives ${JSON.stringify(name)} twice`);
    out[name] = dims.map(Number);
  }
  return out;
}

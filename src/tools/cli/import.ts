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
  const input = lower.endsWith('.tflite') ? importTflite(bytes) : importOnnx(bytes);
  const out = writeBundle(input);
  const model = alloy.load(out); // validate the result before writing it
  model.dispose();
  writeOut(flags.o, out);
  console.log(`imported ${pos[0]} (${bytes.length} bytes, ${input.graph.nodes.length} nodes) -> ${flags.o} (${out.length} bytes) in ${(performance.now() - t0).toFixed(0)} ms`);
  return 0;
}

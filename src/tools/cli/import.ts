// `alloy import MODEL.onnx -o OUT.alloy`
import { readFileSync, writeFileSync } from 'node:fs';
import type { Alloy } from '../../runtime/index.js';
import { writeBundle } from '../bundle/write.js';
import { importOnnx } from '../import/onnx/index.js';
import { importTflite } from '../import/tflite/index.js';
import { AlloyError } from '../../runtime/errors.js';

export function importCommand(alloy: Alloy, pos: string[], flags: Record<string, string | true>): number {
  if (pos.length !== 1 || typeof flags.o !== 'string') throw new AlloyError('BAD_ARGUMENT', 'usage: alloy import MODEL.onnx|MODEL.tflite -o OUT.alloy');
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(pos[0])); } catch (e) { throw new AlloyError('BAD_ARGUMENT', `cannot read ${pos[0]}: ${(e as Error).message}`); }
  const lower = pos[0].toLowerCase();
  if (!lower.endsWith('.onnx') && !lower.endsWith('.tflite')) throw new AlloyError('BAD_ARGUMENT', `${pos[0]}: only .onnx and .tflite models are imported by this build`);
  const t0 = performance.now();
  const input = lower.endsWith('.tflite') ? importTflite(bytes) : importOnnx(bytes);
  const out = writeBundle(input);
  const model = alloy.load(out); // validate the result before writing it
  model.dispose();
  writeFileSync(flags.o, out);
  console.log(`imported ${pos[0]} (${bytes.length} bytes, ${input.graph.nodes.length} nodes) -> ${flags.o} (${out.length} bytes) in ${(performance.now() - t0).toFixed(0)} ms`);
  return 0;
}

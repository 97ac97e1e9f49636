// `npm run demo`: build if needed (done by the npm script), load the seeded MLP bundle, run 64
// inputs, print a few outputs, the SHA-256 of all output bytes, and batch-1 / batch-64 latency.
import { init, writeBundle } from './alloy.mjs';
import { seededMLP, seededInputs, MLP_LAYERS } from '../scripts/seeded-mlp.ts';
import { warmup, medianMs, sha256Hex } from '../scripts/timing.ts';

const alloy = await init();
const bundle = seededMLP(writeBundle);
const model = alloy.load(bundle);
const dim = MLP_LAYERS[0];
const xs = seededInputs(64, dim);
const out = model.run({ x: xs });
const probs = out.probs.data;
console.log(`model    ${(model.metadata as any).model}, bundle ${bundle.length} bytes, wasm memory ${alloy.memoryBytes()} bytes`);
console.log('outputs  (first 4 of 64 inputs: top class, probability)');
for (let r = 0; r < 4; r++) {
  const row = probs.subarray(r * 10, r * 10 + 10);
  let best = 0;
  for (let i = 1; i < 10; i++) if (row[i] > row[best]) best = i;
  console.log(`  input ${r}: class ${best}  p=${row[best].toFixed(6)}`);
}
console.log(`sha256   ${await sha256Hex(new Uint8Array(probs.buffer, probs.byteOffset, probs.byteLength))}  (64 x 10 f32 outputs)`);
const one = xs.subarray(0, dim);
warmup(() => model.run({ x: one }), 2000);
const t1 = medianMs(() => model.run({ x: one }), 51, 20);
const t64 = medianMs(() => model.run({ x: xs }), 21, 2);
console.log(`latency  batch 1: ${(t1 * 1000).toFixed(1)} us   batch 64: ${t64.toFixed(3)} ms  (median, after 2 s warm-up, Node ${process.versions.node})`);
model.dispose();

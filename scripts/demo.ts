// `npm run demo`: the shipped MNIST MLP (models/mnist-mlp.onnx, trained by scripts/train-mnist.ts)
// imported, packed in f32, f16, i8, i4 and one mixed precision map (the f16 bundle also loaded with
// decodeWeights: the same hash, f32 speed), and measured on the 2,004
// held-out digits (never used for training): accuracy, bundle size, batch-1 latency and the
// SHA-256 of all held-out outputs.
import { readFileSync } from 'node:fs';
import { init, type PrecisionMap } from '../src/runtime/index.ts';
import { writeBundle, packBundle } from '../src/tools/index.ts';
import { importOnnx } from '../src/tools/import/onnx/index.ts';
import { loadMnist } from './mnist-data.ts';
import { warmup, medianMs, sha256Hex } from './timing.ts';

const MODEL = new URL('../models/mnist-mlp.onnx', import.meta.url);
const alloy = await init();
const onnx = new Uint8Array(readFileSync(MODEL));
const f32 = writeBundle(importOnnx(onnx));
const { test } = loadMnist();

const maps: [string, PrecisionMap | null, { decodeWeights?: boolean }?][] = [
  ['f32', null],
  ['f16', { version: 1, default: { weights: 'f16' } }],
  ['f16, decoded at load', { version: 1, default: { weights: 'f16' } }, { decodeWeights: true }],
  ['i8', { version: 1, default: { weights: 'i8', granularity: 'channel' } }],
  ['i4 (groups of 16)', { version: 1, default: { weights: 'i4', granularity: 'group', groupSize: 16 } }],
  ['mixed: i8 + w8a8, last layer f16', { version: 1, default: { weights: 'i8', granularity: 'channel', activations: 'i8' }, layers: {} }],
];
// The mixed map keeps the last Dense (the logits) in f16 weights with f32 activations.
const dense = JSON.parse(new TextDecoder().decode(f32.subarray(24, 24 + Number(new DataView(f32.buffer).getBigUint64(16, true))))).graph.nodes.filter((n: any) => n.op === 'Dense');
maps[5][1]!.layers![dense[dense.length - 1].name] = { weights: 'f16', activations: 'f32', accumulator: 'f32' };

const rows: string[][] = [['precision', 'held-out accuracy', 'bundle', 'vs f32', 'batch-1 latency', 'output sha256 (first 16)']];
for (const [label, map, options] of maps) {
  const bundle = map ? writeBundle(packBundle(f32, map).input) : f32;
  const model = alloy.load(bundle, options ?? {});
  const inName = model.inputs[0].name, outName = model.outputs[0].name;
  const out = model.run({ [inName]: { data: test.images, shape: [test.n, 784] } })[outName].data;
  let correct = 0;
  for (let i = 0; i < test.n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (out[i * 10 + c] > out[i * 10 + best]) best = c;
    if (best === test.labels[i]) correct++;
  }
  const one = { [inName]: { data: test.images.subarray(0, 784), shape: [1, 784] } };
  warmup(() => model.run(one), 1500);
  const t = medianMs(() => model.run(one), 31, 10);
  const hash = await sha256Hex(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  rows.push([label, `${((100 * correct) / test.n).toFixed(2)}%`, `${(bundle.length / 1024).toFixed(0)} KiB`, `${((100 * bundle.length) / f32.length).toFixed(1)}%`, `${(t * 1000).toFixed(1)} us`, hash.slice(0, 16)]);
  model.dispose();
}
const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`MNIST MLP 784-512-256-128-64-10 (models/mnist-mlp.onnx, ${onnx.length} bytes), ${test.n} held-out digits, Node ${process.versions.node}\n`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
console.log('\nLatency: median of batch-1 runs after a 1.5 s warm-up. Hash: SHA-256 of all held-out logits (f32 bytes).');

// `npm run bench [section...]`: sections peak, casts, conv, spatial (depthwise conv), checksum, mlp, ort
// (Alloy vs onnxruntime-web; or ort:gemm, ort:mlp, ort:mlp-q, ort:cnn for one part), tfjs (Alloy vs
// TensorFlow.js's wasm backend), encoder-q (a text encoder f32 / planned vs onnxruntime-web, seq 128,
// batch 1 and 8: bench/encoder-q.ts). Prints markdown tables with medians.
import { init } from './alloy.mjs';
import { writeBundle, packBundle } from './alloy-tools.mjs';
import { _exports, _heap } from './alloy-internal.mjs';
import { castBench } from './casts.ts';
import { seededMLP, seededInputs } from '../scripts/seeded-mlp.ts';
import { warmup, medianMs } from '../scripts/timing.ts';
import { cpus } from 'node:os';
import { ortBench, ortTable, type Section } from './ort.ts';
import { tfjsBench, tfjsTable } from './tfjs.ts';
import { mlpFlops } from './models.ts';
import { peakBench } from './peak.ts';
import { convBench, convTable } from './conv.ts';
import { benchDepthwise } from './spatial.ts';
import { encoderBench, encoderTable } from './encoder-q.ts';

const want = process.argv.slice(2);
const on = (s: string) => want.length === 0 || want.includes(s);
const alloy = await init();
console.log(`# Alloy benchmarks\n\nNode ${process.versions.node} (V8 ${process.versions.v8}), ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, one thread. Medians.\n`);

if (on('peak')) {
  const p = await peakBench();
  console.log(`## wasm SIMD128 peak (one thread)\n\n| probe | rate |\n|---|---:|\n| f32 mul+add, 12 chains | ${p.f32Gflops.toFixed(1)} GFLOP/s |\n| i8 dot (i16 dot + i32 add, GEMM inner loop) | ${p.i8Gops.toFixed(1)} GOP/s |\n`);
}

if (on('casts')) {
  const rows = castBench();
  console.log('## Casts (GB/s of f32, 2^18 values, RNE, saturate)\n');
  console.log('| cast | SIMD | scalar ref | plain JS | SIMD / JS |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.cast} | ${r.simd.toFixed(2)} | ${r.scalar.toFixed(2)} | ${r.js.toFixed(2)} | ${(r.simd / r.js).toFixed(1)}x |`);
  console.log('\n(i8 and mxfp4 decode have one implementation: the scalar column repeats it.)\n');
}

if (on('conv')) {
  console.log('## Convolution kernels on pose_landmark_lite shapes (f32, GMAC/s)\n');
  console.log(convTable(await convBench()) + '\n');
}

if (on('spatial')) {
  console.log('## Depthwise conv f32 on the pose_landmark_lite shapes (SIMD vs scalar reference)\n');
  await benchDepthwise(console.log);
  console.log('');
}

if (on('checksum')) {
  // The tensor checksum load() takes (XXH32, assembly/util/xxh32.ts) against xxhash-wasm's h32Raw
  // (scalar wasm, the same hash) on the f32 MNIST bundle's size, after a time-based warm-up.
  const { default: xxhash } = await import('xxhash-wasm');
  const { h32Raw } = await xxhash();
  const x = _exports(), n = 2_300_032;
  const bytes = new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 24);
  const p = _heap.alloc(n, false);
  _heap.u8(p, n).set(bytes);
  if ((x.xxh32(p, n, 0) >>> 0) !== (h32Raw(bytes, 0) >>> 0)) throw new Error('xxh32 differs from xxhash-wasm');
  const ours = () => x.xxh32(p, n, 0), peer = () => h32Raw(bytes, 0);
  warmup(() => { ours(); peer(); }, 2000);
  const a = medianMs(ours, 31, 4), b = medianMs(peer, 31, 4);
  console.log('## Tensor checksum, XXH32 of 2.3 MB (synthetic bytes, the size of the f32 MNIST bundle\'s weights)\n');
  console.log('| implementation | time | GB/s |\n|---|---:|---:|');
  console.log(`| Alloy xxh32 (SIMD lanes) | ${(a * 1000).toFixed(0)} us | ${(n / a / 1e6).toFixed(1)} |`);
  console.log(`| xxhash-wasm h32Raw | ${(b * 1000).toFixed(0)} us | ${(n / b / 1e6).toFixed(1)} |`);
  console.log(`\nAlloy / xxhash-wasm time: ${(a / b).toFixed(2)}x\n`);
  _heap.free(p);
}

if (on('mlp')) {
  // f32, then the same MLP packed with weight-only formats (f32 activations and accumulation).
  const f32 = seededMLP(writeBundle);
  const variants: [string, Uint8Array, { decodeWeights?: boolean }][] = [['f32', f32, {}]];
  for (const [label, layer] of [['f16 weights', { weights: 'f16' }], ['i8 weights (per channel)', { weights: 'i8', granularity: 'channel' }],
    ['i4 weights (groups of 16)', { weights: 'i4', granularity: 'group', groupSize: 16 }]] as const) {
    variants.push([label, writeBundle(packBundle(f32, { version: 1, default: layer }).input), {}]);
  }
  variants.splice(2, 0, ['f16 weights held as f32 (decodeWeights)', variants[1][1], { decodeWeights: true }]);
  const x1 = seededInputs(1, 784), x32 = seededInputs(32, 784);
  const flops = mlpFlops();
  console.log('## MLP 784-512-256-128-64-10 (seeded weights), f32 activations\n');
  console.log('| weights | batch 1 | GFLOP/s | batch 32 | GFLOP/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [label, bytes, options] of variants) {
    const model = alloy.load(bytes, options);
    const r1 = () => model.run({ x: x1 }), r32 = () => model.run({ x: x32 });
    warmup(() => { r1(); r32(); }, label === 'f32' ? 3000 : 2000);
    const t1 = medianMs(r1, 41, 20), t32 = medianMs(r32, 21, 4);
    console.log(`| ${label} | ${(t1 * 1000).toFixed(1)} us | ${(flops / (t1 * 1e6)).toFixed(1)} | ${(t32 * 1000).toFixed(1)} us | ${((32 * flops) / (t32 * 1e6)).toFixed(1)} |`);
    model.dispose();
  }
  console.log('');
}

const ortSections = want.filter((s) => s.startsWith('ort:')).map((s) => s.slice(4)) as Section[];
if (on('ort') || ortSections.length) {
  console.log('## Alloy vs onnxruntime-web (wasm, 1 thread), same shapes and weights\n');
  console.log(ortTable(await ortBench(ortSections.length ? { sections: ortSections } : {})));
}

if (on('encoder-q')) {
  console.log('## Text encoder, seq 128: Alloy f32 / planned vs onnxruntime-web f32 (wasm, 1 thread)\n');
  console.log(encoderTable(await encoderBench(alloy)));
}

if (on('tfjs')) {
  console.log('## Alloy vs TensorFlow.js (tfjs-backend-wasm 4.22, SIMD, 1 thread), same weights\n');
  console.log(tfjsTable(await tfjsBench()));
  console.log('');
}

// Peer benchmark: Alloy vs TensorFlow.js (@tensorflow/tfjs-backend-wasm, SIMD, one thread) in one
// Node process, on the same weights: the seeded MLP (f32, softmax output) and the seeded CNN (NHWC
// on both sides). Each side copies the input in and the output out on every call (tfjs: tensor
// creation and dataSync()). tfjs runs its fused kernels: matMul with bias and relu, conv2d with
// bias and relu. Its weights are given as [K, N]: in tfjs-backend-wasm 4.22 the fused matMul with
// transposeB returned wrong values here (max abs error 1.0 on the first MLP layer, against 2e-7
// for matMul + add), while [K, N] weights give the right ones. Timing: the interleaved race of
// bench/race.ts (>= 2.5 s warm-up, medians, paired ratios).
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { init } from '../build/alloy.mjs';
import { writeBundle } from '../build/alloy-tools.mjs';
import { seededMLP, seededInputs, MLP_LAYERS } from '../scripts/seeded-mlp.ts';
import { mlpWeights, mlpFlops, cnnPair, cnnWeights, cnnInputs, cnnFlops, CNN } from './models.ts';
import { raceN, maxAbsDiff } from './race.ts';

export interface TfjsRow { case: string; alloyMs: number; tfjsMs: number; ratio: number; gflopsAlloy: number; gflopsTfjs: number; maxAbsDiff: number }


/** OHWI -> HWIO (tfjs conv2d filters). */
function ohwiToHwio(w: Float32Array, O: number, H: number, W: number, I: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < O; o++) for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) for (let i = 0; i < I; i++) out[((h * W + x) * I + i) * O + o] = w[((o * H + h) * W + x) * I + i];
  return out;
}

export async function tfjsBench(o: { warmMs?: number; samples?: number; sampleMs?: number; batches?: number[] } = {}): Promise<TfjsRow[]> {
  const warmMs = o.warmMs ?? 2500, samples = o.samples ?? 31, sampleMs = o.sampleMs ?? 20, batches = o.batches ?? [1, 32];
  setWasmPaths(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname); // local files, no network
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  const alloy = await init();
  const rows: TfjsRow[] = [];
  const race = async (label: string, flops: number, ours: () => Float32Array, theirs: () => Float32Array) => {
    const diff = maxAbsDiff(ours(), theirs());
    // f32 on both sides: a larger difference is a wrong graph (as tfjs's transposeB was), not noise
    if (!(diff <= 1e-5)) throw new Error(`${label}: Alloy and tfjs outputs differ by ${diff}`);
    const r = await raceN([ours, theirs], warmMs, samples, sampleMs);
    rows.push({ case: label, alloyMs: r.ms[0], tfjsMs: r.ms[1], ratio: r.paired(0, 1), gflopsAlloy: flops / (r.ms[0] * 1e6), gflopsTfjs: flops / (r.ms[1] * 1e6), maxAbsDiff: diff });
  };

  // MLP 784-512-256-128-64-10, f32, softmax output
  const mlp = alloy.load(seededMLP(writeBundle));
  const w = mlpWeights(MLP_LAYERS).map((l) => ({ W: tf.tidy(() => tf.transpose(tf.tensor2d(l.W, [l.N, l.K]))) as tf.Tensor2D, b: tf.tensor1d(l.b) }));
  for (const B of batches) {
    const X = seededInputs(B, MLP_LAYERS[0]);
    const theirs = () => tf.tidy(() => {
      let h: tf.Tensor2D = tf.tensor2d(X, [B, MLP_LAYERS[0]]);
      w.forEach((l, i) => { h = tf.fused.matMul({ a: h, b: l.W, bias: l.b, activation: i + 1 < w.length ? 'relu' : 'linear' }); });
      return tf.softmax(h).dataSync() as Float32Array;
    });
    await race(`MLP ${MLP_LAYERS.join('-')} f32, batch ${B}`, B * mlpFlops(), () => mlp.run({ x: X }).probs.data, theirs);
  }
  mlp.dispose();
  for (const l of w) { l.W.dispose(); l.b.dispose(); }

  // CNN 28x28x1: conv3x3 1->32 relu, conv3x3 32->64 relu, maxpool 2x2/2, dense 9216->10
  const { H, W: Wd, C, C1, C2, K, classes } = CNN;
  const cw = cnnWeights();
  const cnn = alloy.load(cnnPair(writeBundle).bundle);
  const t = {
    w1: tf.tensor4d(ohwiToHwio(cw.w1, C1, K, K, C), [K, K, C, C1]), b1: tf.tensor1d(cw.b1),
    w2: tf.tensor4d(ohwiToHwio(cw.w2, C2, K, K, C1), [K, K, C1, C2]), b2: tf.tensor1d(cw.b2),
    wf: tf.tidy(() => tf.transpose(tf.tensor2d(cw.wf, [classes, cw.F]))) as tf.Tensor2D, bf: tf.tensor1d(cw.bf),
  };
  for (const B of batches) {
    const X = cnnInputs(B);
    const theirs = () => tf.tidy(() => {
      const x = tf.tensor4d(X, [B, H, Wd, C]);
      const c1 = tf.fused.conv2d({ x, filter: t.w1, strides: 1, pad: 'valid', bias: t.b1, activation: 'relu' });
      const c2 = tf.fused.conv2d({ x: c1, filter: t.w2, strides: 1, pad: 'valid', bias: t.b2, activation: 'relu' });
      const p = tf.maxPool(c2, 2, 2, 'valid');
      const f = tf.reshape(p, [B, cw.F]) as tf.Tensor2D;            // NHWC flatten: h, w, c as in Alloy
      return tf.fused.matMul({ a: f, b: t.wf, bias: t.bf }).dataSync() as Float32Array;
    });
    await race(`CNN 28x28x1 conv32-conv64-pool-fc10 f32, batch ${B}`, B * cnnFlops(), () => cnn.run({ x: { data: X, shape: [B, H, Wd, C] } }).logits.data, theirs);
  }
  cnn.dispose();
  for (const v of Object.values(t)) v.dispose();
  return rows;
}

export function tfjsTable(rows: TfjsRow[]): string {
  const ms = (v: number) => (v < 1 ? `${(v * 1000).toFixed(1)} us` : `${v.toFixed(2)} ms`);
  return ['| case | Alloy | tfjs-wasm | Alloy / tfjs (latency) | Alloy GFLOP/s | tfjs GFLOP/s | max abs diff |', '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.case} | ${ms(r.alloyMs)} | ${ms(r.tfjsMs)} | ${r.ratio.toFixed(2)} | ${r.gflopsAlloy.toFixed(1)} | ${r.gflopsTfjs.toFixed(1)} | ${r.maxAbsDiff.toExponential(2)} |`)].join('\n');
}

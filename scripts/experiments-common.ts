// Shared by scripts/experiments-*.ts: the host from src/ (one module instance, so the Dense
// recompute counters of src/runtime/ops/dense.ts are visible), the MNIST models as bundles, losses.
// Node only; run with `node --import tsx`.
import { readFileSync, existsSync } from 'node:fs';
import { init, type Alloy } from '../src/runtime/index.ts';
import { planHost } from '../src/tools/index.ts';
import { importOnnx } from '../src/tools/import/onnx/index.ts';
import { bundleInput, type Host } from '../src/tools/plan/host.ts';
import { crossEntropy, top1, type Outputs } from '../src/tools/plan/metrics.ts';

const root = new URL('..', import.meta.url).pathname;

export async function host(): Promise<Host> {
  const alloy: Alloy = await init(readFileSync(root + 'build/alloy.wasm'));
  return planHost(alloy);
}

export const MODELS = { relu: 'models/mnist-mlp.onnx', tanh: 'models/mnist-mlp-tanh.onnx' } as const;

/** The ONNX model as a bundle (importOnnx + writeBundle), with Dense -> Tanh / Sigmoid / Gelu
 *  folded into the Dense (attrs.activation), so a recompute layer sees its activation; the
 *  outputs are bit-identical to the unfolded graph (test/emulate/recompute.test.ts). */
export function mnistBundle(h: Host, which: keyof typeof MODELS): Uint8Array {
  const path = root + MODELS[which];
  if (!existsSync(path)) throw new Error(`${MODELS[which]} is missing: node --import tsx scripts/train-mnist.ts${which === 'tanh' ? ' --activation tanh' : ''}`);
  return fuseActivations(h, h.writeBundle(importOnnx(new Uint8Array(readFileSync(path)))));
}

export function fuseActivations(h: Host, bytes: Uint8Array): Uint8Array {
  const b = h.readBundle(bytes);
  const inp = bundleInput(b);
  const nodes = b.header.graph.nodes.map((n) => ({ ...n }));
  const outs = new Set(b.header.graph.outputs.map((o) => o.name));
  const FOLD: Record<string, string> = { Tanh: 'tanh', Sigmoid: 'sigmoid', Gelu: 'gelu' };
  const drop = new Set<number>();
  for (let i = 0; i < nodes.length; i++) {
    const d = nodes[i];
    if (d.op !== 'Dense' || (d.attrs?.activation ?? 'none') !== 'none' || outs.has(d.outputs[0])) continue;
    const users = nodes.map((n, j) => [n, j] as const).filter(([n]) => n.inputs.includes(d.outputs[0]));
    if (users.length !== 1 || !FOLD[users[0][0].op]) continue;
    const [a, j] = users[0];
    d.attrs = { ...(d.attrs ?? {}), activation: FOLD[a.op] };
    d.outputs = [a.outputs[0]];
    drop.add(j);
  }
  return h.writeBundle({ ...inp, graph: { ...b.header.graph, nodes: nodes.filter((_, j) => !drop.has(j)) } });
}

/** logits of a loaded model over images [n, 784] */
export function logits(m: any, x: Float32Array, n: number, batch = 256): Outputs {
  const out = new Float32Array(n * 10);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    out.set(m.run({ input: { data: x.subarray(s * 784, (s + b) * 784), shape: [b, 784] } }).logits.data, s * 10);
  }
  return { data: out, rows: n, cols: 10 };
}

export function scores(y: Outputs, labels: Uint8Array): { loss: number; acc: number } {
  const cls = Int32Array.from(labels.subarray(0, y.rows));
  return { loss: crossEntropy(y, cls, 'logits'), acc: top1(y, cls) };
}

export const arg = (name: string, d: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : d; };
export const flag = (name: string) => process.argv.includes(`--${name}`);
export const f4 = (v: number) => v.toFixed(4);
export const f5 = (v: number) => v.toFixed(5);

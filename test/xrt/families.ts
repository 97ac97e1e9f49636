// Cross-runtime case of the typed operator families: unary math (Exp, Erf, Sin, Softplus, Round
// on f32, Abs on i64, Sqrt on f16 through f32), Resize (linear, N-d), MaxPool / AveragePool on
// NCHW with ceil_mode, a GRU, NonMaxSuppression (a data-dependent output length), an If whose
// branch decides the output shape, and a NegativeLogLikelihoodLoss: their output bytes at two
// input-shape signatures. The libm functions and the FFT-free kernels are compiled into the
// module, so the bits must not depend on the engine.

import { sha256, rng, symmetric, bytesOf, type CaseResult } from './corpus.ts';

type Alloy = any;
type WriteBundle = (input: any) => Uint8Array;

const vi = (name: string, format: string, shape: number[]) => ({ name, format, shape });
const n = (name: string, op: string, inputs: string[], outputs: string[], attrs: any = {}) => ({ name, op, inputs, outputs, attrs });

export async function caseFamilies(alloy: Alloy, writeBundle: WriteBundle): Promise<CaseResult> {
  const next = rng(0xfa);
  const seeded = (k: number, a: number) => new Float32Array(k).map(() => symmetric(next, a));
  const H = 5;
  const nodes = [
    n('exp', 'Exp', ['x'], ['e']), n('erf', 'Erf', ['e'], ['e2']), n('sin', 'Sin', ['x'], ['s']), n('sp', 'Softplus', ['s'], ['s2']),
    n('rd', 'Round', ['s2'], ['r']), n('abs', 'Abs', ['i'], ['ia']), n('sqrt', 'Sqrt', ['h'], ['hs']),
    n('rs', 'ResizeNd', ['x', '', 'scales'], ['z'], { mode: 'linear' }),
    n('mp', 'MaxPoolNd', ['z'], ['mp', 'mi'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
    n('ap', 'AveragePoolNd', ['z'], ['ap'], { kernel_shape: [2, 3], pads: [1, 1, 0, 0], count_include_pad: 0 }),
    n('gru', 'GRU', ['seq', 'gw', 'gr', 'gb'], ['gy', 'gh'], { hidden_size: H, direction: 'bidirectional', linear_before_reset: 1 }),
    n('nms', 'NonMaxSuppression', ['boxes', 'scores', 'maxk', 'iou'], ['sel']),
    n('if', 'If', ['c'], ['br'], {
      then_branch: { inputs: [], outputs: [vi('t', 'f32', [])], nodes: [n('t', 'Erf', ['x'], ['t'])] },
      else_branch: { inputs: [], outputs: [vi('u', 'f32', [])], nodes: [n('u', 'ReduceSum', ['x'], ['u'], { keepdims: 0 })] },
    }),
    n('nll', 'NegativeLogLikelihoodLoss', ['lp', 'tg'], ['loss'], { reduction: 'mean' }),
  ];
  const outs = ['e2', 'r', 'ia', 'hs', 'mp', 'mi', 'ap', 'gy', 'gh', 'sel', 'br', 'loss'];
  const bundle = writeBundle({
    graph: {
      inputs: [vi('x', 'f32', [-1, 2, 4, 5]), vi('i', 'i64', [-1]), vi('h', 'f16', [-1]), vi('seq', 'f32', [-1, 2, 3]), vi('boxes', 'f32', [1, -1, 4]),
        vi('scores', 'f32', [1, 1, -1]), vi('c', 'bool', [1]), vi('lp', 'f32', [-1, 4]), vi('tg', 'i64', [-1])],
      outputs: outs.map((name) => ({ name, shape: [-1] })),
      nodes,
    },
    tensors: {
      scales: { format: 'f32', shape: [4], data: new Float32Array([1, 1, 1.5, 0.75]) },
      gw: { format: 'f32', shape: [2, 3 * H, 3], data: seeded(2 * 3 * H * 3, 0.5) }, gr: { format: 'f32', shape: [2, 3 * H, H], data: seeded(2 * 3 * H * H, 0.5) },
      gb: { format: 'f32', shape: [2, 6 * H], data: seeded(2 * 6 * H, 0.25) },
      maxk: { format: 'i64', shape: [1], data: new BigInt64Array([3n]) }, iou: { format: 'f32', shape: [1], data: new Float32Array([0.5]) },
    },
  });
  const model = alloy.load(bundle);
  try {
    const chunks: Uint8Array[] = [];
    for (const b of [1, 3]) {
      const boxes = new Float32Array(b * 2 * 4).map((_, k) => ((next() % 64) / 8) + (k % 4 >= 2 ? 4 : 0));
      const r = model.run({
        x: { data: seeded(b * 40, 2), shape: [b, 2, 4, 5] }, i: new BigInt64Array(b + 2).map(() => BigInt((next() % 2001) - 1000)),
        h: new Uint16Array(b + 3).map(() => 0x3c00 + (next() % 0x800)), seq: { data: seeded(b * 6, 1), shape: [b, 2, 3] },
        boxes: { data: boxes, shape: [1, b * 2, 4] }, scores: { data: seeded(b * 2, 1), shape: [1, 1, b * 2] }, c: new Uint8Array([b & 1]),
        lp: { data: seeded(b * 4, 4), shape: [b, 4] }, tg: new BigInt64Array(b).map(() => BigInt(next() % 4)),
      });
      for (const k of outs) chunks.push(new Uint8Array(new Int32Array(r[k].shape).buffer), bytesOf(r[k].data));
    }
    return { case: 'families', sha256: await sha256(chunks) };
  } finally {
    model.dispose();
  }
}

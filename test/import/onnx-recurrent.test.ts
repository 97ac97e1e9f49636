// RNN / GRU / LSTM imported from ONNX (src/tools/import/onnx/ops/recurrent.ts) and run, against
// onnxruntime-web on the same models: weights as initializers, sequence_lens as an int32
// initializer, bidirectional / reverse, clip, activation lists with alpha / beta,
// linear_before_reset, input_forget, peepholes, Y / Y_h / Y_c each used or not (onnxruntime
// refuses layout 1: test/nd/recurrent.test.ts and the suite's batchwise cases cover it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, compare, rand, type Attr, type Spec } from './onnx-helpers.ts';
import { f32 } from './onnx-build.ts';

const G = { RNN: 1, GRU: 3, LSTM: 4 } as const;
const feed = (shape: number[], seed: number) => ({ data: rand(shape.reduce((a, b) => a * b, 1), seed), shape });

function spec(op: keyof typeof G, T: number, B: number, I: number, H: number, dirs: number, attrs: Record<string, Attr>, o: { seq?: number[]; h0?: boolean; c0?: boolean; peep?: boolean; outs: string[] }): Spec {
  const L = attrs.layout === 1, GH = G[op] * H, state = L ? [B, dirs, H] : [dirs, B, H];
  const inits = [f32('W', [dirs, GH, I], 1), f32('R', [dirs, GH, H], 2), f32('B', [dirs, 2 * GH], 3)];
  const inputs: Spec['inputs'] = [{ name: 'X', shape: L ? [B, T, I] : [T, B, I] }];
  if (o.seq) inits.push({ name: 'sl', shape: [B], data: new Int32Array(o.seq), type: 'int32' } as any);
  if (o.h0) inputs.push({ name: 'h0', shape: state });
  if (o.c0) inputs.push({ name: 'c0', shape: state });
  if (o.peep) inits.push(f32('P', [dirs, 3 * H], 4));
  const ins = ['X', 'W', 'R', 'B', o.seq ? 'sl' : '', o.h0 ? 'h0' : '', ...(op === 'LSTM' ? [o.c0 ? 'c0' : '', o.peep ? 'P' : ''] : [])];
  while (ins.at(-1) === '') ins.pop();
  const shapes: Record<string, number[]> = { Y: L ? [B, T, dirs, H] : [T, dirs, B, H], Y_h: state, Y_c: state };
  const outs = ['Y', 'Y_h', 'Y_c'].slice(0, op === 'LSTM' ? 3 : 2).map((n) => (o.outs.includes(n) ? n : ''));
  while (outs.at(-1) === '') outs.pop();
  return { opset: 14, inputs, inits, outputs: o.outs.map((n) => ({ name: n, shape: shapes[n] })), nodes: [{ op, inputs: ins, outputs: outs, attrs: { hidden_size: H, ...attrs } }] };
}

const CASES: [string, Spec, Record<string, number[]>][] = [
  ['RNN bidirectional, Relu / Tanh, clip', spec('RNN', 4, 3, 5, 6, 2, { direction: 'bidirectional', activations: { ss: ['Relu', 'Tanh'] }, clip: { f: 0.9 } }, { h0: true, outs: ['Y', 'Y_h'] }), { X: [4, 3, 5], h0: [2, 3, 6] }],
  ['RNN reverse, sequence_lens', spec('RNN', 5, 2, 3, 4, 1, { direction: 'reverse' }, { seq: [5, 3], outs: ['Y_h'] }), { X: [5, 2, 3] }],
  ['GRU linear_before_reset, HardSigmoid / Softsign with alpha / beta', spec('GRU', 3, 2, 4, 5, 1, { linear_before_reset: 1, activations: { ss: ['HardSigmoid', 'Softsign'] }, activation_alpha: { fs: [0.25] }, activation_beta: { fs: [0.45] } }, { h0: true, outs: ['Y', 'Y_h'] }), { X: [3, 2, 4], h0: [1, 2, 5] }],
  ['GRU bidirectional, sequence_lens', spec('GRU', 4, 3, 3, 7, 2, { direction: 'bidirectional' }, { seq: [4, 2, 3], outs: ['Y', 'Y_h'] }), { X: [4, 3, 3] }],
  ['LSTM peepholes, initial states, sequence_lens, Y_c', spec('LSTM', 3, 2, 4, 5, 1, {}, { h0: true, c0: true, peep: true, seq: [3, 2], outs: ['Y', 'Y_h', 'Y_c'] }), { X: [3, 2, 4], h0: [1, 2, 5], c0: [1, 2, 5] }],
  ['LSTM bidirectional, input_forget, clip', spec('LSTM', 3, 2, 3, 4, 2, { direction: 'bidirectional', input_forget: 1, clip: { f: 1.2 } }, { outs: ['Y_h', 'Y_c'] }), { X: [3, 2, 3] }],
];

for (const [name, s, shapes] of CASES) {
  test(`ONNX ${name}: Alloy = onnxruntime-web within 1e-5`, async () => {
    const feeds = Object.fromEntries(Object.entries(shapes).map(([k, sh], i) => [k, feed(sh, 10 + i)]));
    const { input } = await compare(buildModel(s), feeds, 1e-5);
    assert.ok(input.graph.nodes.some((n) => ['RNN', 'GRU', 'LSTM'].includes(n.op)));
  });
}

test.run();

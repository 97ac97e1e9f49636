// PyTorch's own ONNX exports of a bidirectional GRU (batch_first, linear_before_reset, initial_h
// from ConstantOfShape) and a 2-layer LSTM (Y squeezed into the next layer, Y_h concatenated),
// imported and run: Alloy's outputs against PyTorch's (models/torch/*.json, written by
// scripts/export-torch-models.py; CI reads the committed files and needs no PyTorch).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { importModel, diff } from './onnx-helpers.ts';
import { getAlloy } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const dir = new URL('../../models/torch/', import.meta.url);
type Case = { inputs: { shape: number[]; data: number[] }[]; output: { shape: number[]; data: number[] } };

for (const [name, op] of [['gru-bidir-opset14', 'GRU'], ['lstm-2layer-opset14', 'LSTM']] as const) {
  test(`${name}: PyTorch export imported, ${op} nodes, every case within 1e-4 of PyTorch; reference kernels give the same bits`, async () => {
    const ref = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as { inputs: string[]; cases: Case[] };
    const input = await importModel(new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))));
    assert.ok(input.graph.nodes.some((n) => n.op === op), JSON.stringify(input.graph.nodes.map((n) => n.op)));
    const a = await getAlloy();
    const bundle = writeBundle(input);
    const fast = a.load(bundle), slow = a.load(bundle, { kernels: 'reference' });
    try {
      assert.ok(ref.cases.length >= 2);
      for (const c of ref.cases) {
        const feeds = Object.fromEntries(ref.inputs.map((n, i) => [n, { data: new Float32Array(c.inputs[i].data), shape: c.inputs[i].shape }]));
        const y = fast.run(feeds).y, z = slow.run(feeds).y;
        assert.equal(y.shape, c.output.shape);
        const d = diff(y.data as Float32Array, new Float32Array(c.output.data));
        assert.ok(d.rel <= 1e-4, `${name} ${JSON.stringify(c.inputs[0].shape)}: ${d.rel} relative`);
        assert.equal(new Uint8Array((y.data as Float32Array).buffer.slice(0)), new Uint8Array((z.data as Float32Array).buffer.slice(0)), 'reference mode');
      }
    } finally { fast.dispose(); slow.dispose(); }
  });
}

test.run();

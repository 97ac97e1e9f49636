// PyTorch 1.13's own ONNX exports (scripts/export-torch-models.py; the files and PyTorch's outputs
// are committed under models/torch/, so CI needs no PyTorch): a feature normaliser built from
// ReduceMean / Sub / Pow / Sqrt / Div with a broadcast of two activations and a channel-gating Mul
// (opsets 11 and 17), an embedding bag over int64 ids and mask (opset 13), and a CNN at opset 9.
// Each is imported with its dynamic dimensions symbolic and run at every exported shape: within
// 1e-4 relative (atol 1e-6) of PyTorch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { importModel, diff } from './onnx-helpers.ts';
import { getAlloy } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const dir = new URL('../../models/torch/', import.meta.url);
type T = { dtype: string; shape: number[]; data: number[] };
type Ref = { about: string; opset: number; inputs: string[]; cases: { inputs: T[]; output: T }[] };

const feed = (t: T) => ({ data: t.dtype === 'int64' ? BigInt64Array.from(t.data, (v) => BigInt(v)) : new Float32Array(t.data), shape: t.shape });

for (const name of ['featnorm-opset11', 'featnorm-opset17', 'embed-opset13', 'cnn-opset9']) {
  test(`${name}: PyTorch export imports and matches PyTorch within 1e-4 at every exported shape`, async () => {
    const ref = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Ref;
    const m = (await getAlloy()).load(writeBundle(await importModel(new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))))));
    try {
      assert.ok(ref.cases.length >= 2, 'two shapes at least');
      const shapes = new Set<string>();
      for (const c of ref.cases) {
        const out = Object.values(m.run(Object.fromEntries(ref.inputs.map((n, i) => [n, feed(c.inputs[i])]))))[0];
        assert.equal(out.shape, c.output.shape, `${name} output shape`);
        const want = new Float32Array(c.output.data), got = out.data as Float32Array;
        const d = diff(got, want);
        const ok = got.every((g, i) => Math.abs(g - want[i]) <= 1e-6 + 1e-4 * Math.abs(want[i]));
        assert.ok(ok, `${name} ${JSON.stringify(c.inputs[0].shape)}: max rel ${d.rel}`);
        shapes.add(JSON.stringify(c.inputs[0].shape));
      }
      assert.ok(shapes.size >= 2, 'the dynamic dimensions took two values');
    } finally { m.dispose(); }
  });
}

test.run();

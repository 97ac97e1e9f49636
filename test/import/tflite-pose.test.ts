// MediaPipe pose_landmark_lite / _full (the @mediapipe/pose package) imported from TFLite: Alloy FP32
// against LiteRT.js on the committed photographs (test/fixtures/pose) and their mirror images.
// Target: every body landmark within 1e-4 of the bounding-box diagonal of LiteRT's 33 points.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { importTflite } from '../../src/tools/import/tflite/index.ts';
import { init as initSrcWasm } from '../../src/runtime/wasm.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { getAlloy } from '../util.ts';
import { liteRtModel, poseModelPath } from '../../bench/litert.ts';
import { poseInputs, body, landmarkErrors } from '../../scripts/pose-study.ts';

const shape = [1, 256, 256, 3];
const NAMES = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3', 'Identity_4'];

for (const variant of ['lite', 'full'] as const) {
  test(`pose_landmark_${variant}: Alloy FP32 = LiteRT.js (landmarks <= 1e-4 of the bbox diagonal)`, async () => {
    const alloy = await getAlloy();
    await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
    const bytes = new Uint8Array(readFileSync(poseModelPath(variant)));
    const bi = importTflite(bytes);
    assert.equal(bi.graph.inputs, [{ name: 'input_1', shape, format: 'f32' }]);
    assert.equal(bi.graph.outputs.map((o) => o.name), NAMES);
    assert.equal([...new Set(bi.graph.nodes.map((n) => n.op))].sort(), ['Add', 'Conv', 'DepthwiseConv', 'MaxPool', 'Reshape', 'Resize', 'Sigmoid']);
    const m = alloy.load(writeBundle(bi));
    const lt = await liteRtModel(bytes);
    try {
      for (const x of poseInputs()) {
        const out = m.run({ input_1: { data: x.data, shape } });
        const ref = await lt.run(x.data, shape);
        const e = landmarkErrors(body(out.Identity.data), body(ref[0]));
        assert.ok(Math.max(...e.rel) <= 1e-4, `${x.name}: worst landmark ${Math.max(...e.rel)} of the diagonal`);
        // the other heads: close relative to their range; the segmentation logits (|v| up to ~2000,
        // long sums with cancellation) are compared as the mask they give, sigmoid(v), within 5e-3
        // (measured: <= 2e-3, at the mask boundary)
        const sig = (v: Float32Array) => v.map((z) => 1 / (1 + Math.exp(-z)));
        NAMES.forEach((n, k) => {
          const a = n === 'Identity_2' ? sig(out[n].data) : out[n].data, r = n === 'Identity_2' ? sig(ref[k]) : ref[k];
          let md = 0, mr = 0;
          for (let i = 0; i < a.length; i++) { md = Math.max(md, Math.abs(a[i] - r[i])); mr = Math.max(mr, Math.abs(r[i])); }
          assert.ok(md <= (n === 'Identity_2' ? 5e-3 : 1e-3 * mr + 1e-5), `${x.name} ${n}: max |diff| ${md}, max |ref| ${mr}`);
        });
      }
    } finally { m.dispose(); lt.dispose(); }
  });
}

test.run();

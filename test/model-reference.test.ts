// Two load options that must not change a bit: `kernels: 'reference'` (every kernel call goes to
// its scalar reference, on unpacked weights) and `decodeWeights: true`. Each reproduces the
// golden hashes of the cross-runtime corpus (test/golden/xrt.json, test/xrt/corpus.ts): the MLP,
// every operator, 13 precision variants, recomputation and every convolution path. (The casts
// and mx cases do not load models: the option does not reach them.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getAlloy } from './util.ts';
import { writeBundle, quantizeTensor, AlloyError } from '../build/alloy.mjs';
import { runCorpus } from './xrt/corpus.ts';

const golden: Record<string, string> = JSON.parse(readFileSync(new URL('./golden/xrt.json', import.meta.url), 'utf8')).cases;
const MODEL_CASES = ['mlp-784-512-256-128-64-10', 'ops', 'mixed-precision-mlp', 'recompute-mlp', 'conv-paths'];

// The weighted layers' kernels the corpus reaches, per option (Model.layers[i].kernel).
const REFERENCE = ['conv2d_f32_ref', 'dense_acc_ref', 'dense_f32_ref', 'dense_recompute_ref', 'dense_w8a8_ref', 'dense_wq_ref', 'depthwise_acc_ref', 'depthwise_conv2d_f32_ref'];
const FAST = ['conv2d_f32', 'conv2d_narrow_f32', 'dense_acc', 'dense_f32', 'dense_recompute', 'dense_w8a8', 'dense_wf', 'dense_wqp', 'depthwise_acc', 'depthwise_conv2d_f32', 'pointwise_f32'];

for (const [label, extra, want] of [['kernels: reference', { kernels: 'reference' }, REFERENCE], ['decodeWeights', { decodeWeights: true }, FAST]] as const) {
  test(`${label}: the corpus's model cases give the golden hashes`, async () => {
    const a = await getAlloy();
    const used = new Set<string>();
    const alloy = { ...a, load: (b: Uint8Array, o: object = {}) => {
      const m = a.load(b, { ...o, ...extra });
      for (const l of m.layers) if (l.kernel) used.add(l.kernel);
      return m;
    } };
    const results = await runCorpus(alloy, writeBundle, quantizeTensor);
    for (const c of MODEL_CASES) {
      const r = results.find((x: any) => x.case === c)!;
      assert.ok(r.ok !== false, `${c}: ${r.detail}`);
      assert.is(r.sha256, golden[c], c);
    }
    assert.equal([...used].sort(), [...want], 'the kernels the option ran');
  });
}

test('load(): kernels must be fast or reference', async () => {
  const a = await getAlloy();
  const b = writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, 2], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 2], format: 'f32' }], nodes: [{ name: 'r', op: 'Relu', inputs: ['x'], outputs: ['y'] }] }, tensors: {} });
  for (const k of ['slow', 1, 'Reference']) {
    try { a.load(b, { kernels: k as any }); assert.unreachable(String(k)); } catch (e) {
      assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'BAD_OPTION');
    }
  }
  assert.equal([...a.load(b, { kernels: 'reference' }).run({ x: new Float32Array([-1, 2]) }).y.data], [0, 2]);
});

test.run();

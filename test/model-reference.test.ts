// Two load options that must not change a bit: `kernels: 'reference'` (every kernel call goes to
// its scalar reference, on unpacked weights) and `decodeWeights: true`. Each reproduces the
// golden hashes of the cross-runtime corpus (test/golden/xrt.json, test/xrt/corpus.ts): the MLP,
// every operator, 13 precision variants, recomputation and every convolution path. (The casts
// and mx cases do not load models: the option does not reach them.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getAlloy } from './util.ts';
import { AlloyError } from '../build/alloy.mjs';
import { writeBundle, quantizeTensor } from '../build/alloy-tools.mjs';
import { _exports, KERNELS } from '../build/alloy-internal.mjs';
import { kernels, SAME_LAYOUT } from '../src/runtime/ops/kernels.ts';
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

test('every kernel the operators call that has a scalar reference is replaced by it in reference mode', async () => {
  const x = _exports();
  const view = kernels(true, x);
  assert.is(kernels(false, x), x);
  for (const k of SAME_LAYOUT) {
    const ref = KERNELS.find((e) => e.export === k)?.ref;
    assert.ok(ref && typeof x[ref] === 'function', `${k}: ${ref}`);
    assert.is(view[k], x[ref], k);
  }
  // The source of the operators and the executor: each kernel it names with a reference must be
  // swapped (SAME_LAYOUT), or its reference must be named there too (the weighted operators'
  // reference paths). pointwise_f32's stand-in is conv2d_f32_ref (Conv's reference path).
  const src = ['ops/dense.ts', 'ops/conv.ts', 'ops/eltwise.ts', 'ops/pool.ts', 'ops/tensor.ts', 'ops/quant.ts', 'ops/shape.ts', 'ops/weights.ts', 'model.ts']
    .map((f) => readFileSync(new URL(`../src/runtime/${f}`, import.meta.url), 'utf8')).join('\n');
  const STAND_IN: Record<string, string> = { pointwise_f32: 'conv2d_f32_ref' };
  for (const e of KERNELS) {
    if (!e.ref || !new RegExp(`\\b${e.export}\\b`).test(src)) continue;
    const ok = SAME_LAYOUT.includes(e.export) || new RegExp(`\\b${STAND_IN[e.export] ?? e.ref}\\b`).test(src);
    assert.ok(ok, `${e.export} is called by the operators, its reference ${e.ref} is not`);
  }
});

test('layers too large for a fast path fail alike with the reference kernels (a review found each differing)', async () => {
  const a = await getAlloy();
  const vals = (n: number) => new Float32Array(n).map((_, i) => ((i * 7919) % 97) / 97 - 0.5);
  const conv = (xShape: number[], wShape: number[], attrs: object) => writeBundle({
    graph: { inputs: [{ name: 'x', shape: xShape, format: 'f32' }], outputs: [{ name: 'y', shape: [], format: 'f32' }], nodes: [{ name: 'c', op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs }] },
    tensors: { w: { format: 'f32', shape: wShape, data: vals(wShape.reduce((p, q) => p * q, 1)) } },
  });
  const outcome = (b: Uint8Array, xShape: number[], opts: object) => {
    try { return a.load(b, opts).run({ x: { data: vals(xShape.reduce((p, q) => p * q, 1)), shape: xShape } }).y.data.join(); } catch (e) { return (e as AlloyError).code ?? String(e); }
  };
  const cases: [string, Uint8Array, number[], object, string][] = [
    // strides past i32 were truncated in the call (the fast GEMM ran; the reference refused)
    ['stride 2^32 + 1', conv([1, 3, 3, 2], [8, 1, 1, 2], { strides: [2 ** 32 + 1, 1] }), [1, 3, 3, 2], {}, 'BAD_GRAPH'],
    // the narrow kernel's zero-bordered planes overflowed its 32-bit offsets (wrong output, or a trap)
    ['narrow planes past 2^30 bytes', conv([1, 2, 2, 1], [1, 1, 1, 1], { strides: [2 ** 30, 1], pads: [2 ** 28, 0, 2 ** 28, 0] }), [1, 2, 2, 1], {}, 'LIMIT_EXCEEDED'],
    // the fast path's im2col scratch counts against maxArenaBytes in both modes
    ['scratch over maxArenaBytes', conv([1, 3, 3, 1024], [8, 3, 3, 1024], {}), [1, 3, 3, 1024], { maxArenaBytes: 4 << 20 }, 'LIMIT_EXCEEDED'],
  ];
  for (const [what, b, xShape, opts, want] of cases) {
    assert.is(outcome(b, xShape, opts), want, `${what}, fast`);
    assert.is(outcome(b, xShape, { ...opts, kernels: 'reference' }), want, `${what}, reference`);
  }
});

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

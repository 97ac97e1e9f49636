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
import { _exports, KERNELS, referenceView, isReference, row } from '../build/alloy-internal.mjs';
import { runCorpus } from './xrt/corpus.ts';

const golden: Record<string, string> = JSON.parse(readFileSync(new URL('./golden/xrt.json', import.meta.url), 'utf8')).cases;
const MODEL_CASES = ['mlp-784-512-256-128-64-10', 'ops', 'mixed-precision-mlp', 'recompute-mlp', 'conv-paths'];

// The weighted layers' kernels the corpus reaches, per option (Model.layers[i].kernel).
const REFERENCE = ['conv2d_f32_f32_f32__scalar', 'gemm_f32_f32_emu__scalar', 'gemm_f32_f32_f32__scalar', 'gemm_f32_f32_emu_recompute__scalar', 'gemm_i8_i8_i32__scalar', 'gemm_any_f32_f32__scalar', 'dwconv_f32_f32_emu__scalar', 'dwconv_f32_f32_f32__scalar'];
const FAST = ['conv2d_f32_f32_f32__simd128_4x8', 'conv2d_f32_f32_f32__simd128_16x1', 'gemm_f32_f32_emu__simd128_4x8', 'gemm_f32_f32_f32__simd128_5x8', 'gemm_f32_f32_emu_recompute__simd128_4x8', 'gemm_i8_i8_i32__simd128_4x8', 'gemm_fused_f32_f32__simd128_4x8', 'gemm_int_f32_f32__simd128_4x8', 'dwconv_f32_f32_emu__simd128_4', 'dwconv_f32_f32_f32__simd128_4x4', 'conv1x1_f32_f32_f32__simd128_4x8'];

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
    assert.equal([...used].sort(), [...want].sort(), 'the kernels the option ran');
  });
}

test('reference mode: every kernel the operators call is a reference, or swapped for one (plain layout), or chosen by select()', async () => {
  const x = _exports() as any;
  const view = referenceView(x) as any;
  for (const k of KERNELS as any[]) {
    if (isReference(k)) { assert.is(view[k.name], x[k.name], k.name); continue; }
    if (view[k.name] !== x[k.name]) { assert.is(k.packer, null, k.name); assert.is(view[k.name], x[k.ref], k.name); }
  }
  // The operators' and the executor's source: a non-reference kernel named there must be swapped
  // by the view, or reached through select() (the weighted operators; never named there).
  const src = ['ops/dense.ts', 'ops/conv.ts', 'ops/eltwise.ts', 'ops/pool.ts', 'ops/tensor.ts', 'ops/quant.ts', 'ops/shape.ts', 'ops/weights.ts', 'ops/nd.ts', 'ops/move.ts', 'model.ts']
    .map((f) => readFileSync(new URL(`../src/runtime/${f}`, import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')).join('\n');
  // the fast kernels a weighted operator names to call what select() chose (same arguments)
  const CHOSEN = new Set(['gemm_fused_f32_f32__simd128_4x8', 'gemm_any_f32_f32__simd128_4x8', 'gemm_int_f32_f32__simd128_4x8']);
  for (const e of KERNELS as any[]) {
    if (isReference(e) || !new RegExp(`\\b${e.name}\\b`).test(src)) continue;
    assert.ok(view[e.name] === x[e.ref] || CHOSEN.has(e.name), `${e.name} is called by the operators and not replaced in reference mode`);
  }
  assert.ok(row('gemm_any_f32_f32__scalar'));
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

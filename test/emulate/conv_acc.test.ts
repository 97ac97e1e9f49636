// Conv (groups 1) with an emulated accumulator = gemm_f32_f32_emu__simd128_4x8's definition on the im2col rows: a
// Conv node and a Dense node fed the same rows (built here in JS) give the same bits, for 1x1 and
// 3x3 kernels, strides 1 and 2, padding, relu / relu6, every emulated accumulator, and shapes
// whose OC <= 4 (which take another kernel in f32). DepthwiseConv: dwconv_f32_f32_emu__simd128_4 equals its scalar
// reference bit for bit (and the f32 kernel with the f32 "accumulator"); grouped Conv refuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng, wasm, heap } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';

const rand = (n: number, seed: number, a = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a); };
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/** im2col of one NHWC batch: rows [N*OH*OW, K*K*C] in (kh, kw, c) order, zeros outside. */
function im2col(x: Float32Array, N: number, H: number, W: number, C: number, K: number, s: number, pt: number, pl: number, OH: number, OW: number) {
  const rows = new Float32Array(N * OH * OW * K * K * C);
  let o = 0;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    for (let kh = 0; kh < K; kh++) for (let kw = 0; kw < K; kw++) {
      const ih = oh * s - pt + kh, iw = ow * s - pl + kw;
      for (let c = 0; c < C; c++) rows[o++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((n * H + ih) * W + iw) * C + c] : 0;
    }
  }
  return rows;
}

test('Conv with an emulated accumulator equals Dense (gemm_f32_f32_emu__simd128_4x8) on its im2col rows, bit for bit', async () => {
  const alloy = await getAlloy();
  let seed = 1, cases = 0;
  for (const acc of ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2']) for (const [K, s, p] of [[1, 1, 0], [3, 1, 1], [3, 2, 1], [3, 2, 0]]) for (const [C, OC] of [[3, 8], [8, 1], [5, 17]]) {
    const act = ['none', 'relu', 'relu6'][cases % 3];
    cases++;
    const [N, H, W] = [2, 7, 6];
    const OH = Math.floor((H + 2 * p - K) / s) + 1, OW = Math.floor((W + 2 * p - K) / s) + 1;
    // f8 sums saturate fast: keep the values small for them
    const a = acc.startsWith('f8') ? 0.25 : 2;
    const x = rand(N * H * W * C, seed++, a), w = rand(OC * K * K * C, seed++, a), b = rand(OC, seed++, a);
    const precision = { version: 1, default: { accumulator: acc } };
    const conv = writeBundle({
      graph: { inputs: [{ name: 'x', shape: [-1, H, W, C], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, OH, OW, OC], format: 'f32' }],
        nodes: [{ name: 'c', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { strides: [s, s], pads: [p, p, p, p], activation: act } }] },
      tensors: { w: { format: 'f32', shape: [OC, K, K, C], data: w }, b: { format: 'f32', shape: [OC], data: b } }, precision,
    });
    const Kd = K * K * C;
    const dense = writeBundle({
      graph: { inputs: [{ name: 'x', shape: [-1, Kd], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, OC], format: 'f32' }],
        nodes: [{ name: 'd', op: 'Dense', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { activation: act === 'none' ? 'none' : 'relu' } }] },
      tensors: { w: { format: 'f32', shape: [OC, Kd], data: w }, b: { format: 'f32', shape: [OC], data: b } }, precision,
    });
    const mc = alloy.load(conv), md = alloy.load(dense);
    const got = mc.run({ x: { data: x, shape: [N, H, W, C] } }).y.data;
    const rows = im2col(x, N, H, W, C, K, s, p, p, OH, OW);
    const want = md.run({ x: { data: rows, shape: [N * OH * OW, Kd] } }).y.data.map((v) => (act === 'relu6' ? Math.min(v, 6) : v));
    mc.dispose(); md.dispose();
    assert.equal(bits(got), bits(want), `${acc} k${K} s${s} p${p} ${C}->${OC} ${act}`);
  }
  assert.ok(cases >= 48);
});

test('dwconv_f32_f32_emu__simd128_4 == dwconv_f32_f32_emu__scalar bitwise (f16 / bf16 / f8 / f32, relu / relu6, padding, strides, dilation, NaN / Inf)', async () => {
  await getAlloy();
  const x = wasm();
  const isNaN32 = (v: number) => (v & 0x7fffffff) > 0x7f800000;
  let seed = 100, cases = 0;
  for (const accFmt of [0, 1, 2, 3, 4, 5]) for (const [H, W, K, s, p, d] of [[5, 7, 3, 1, 1, 1], [6, 6, 3, 2, 1, 1], [7, 5, 5, 1, 2, 1], [9, 9, 3, 1, 2, 2], [1, 1, 1, 1, 0, 1], [4, 4, 3, 2, 0, 1]]) for (const C of [1, 3, 4, 6, 9]) {
    const act = cases % 3, N = cases % 4 === 0 ? 2 : 1, withBias = cases % 5 !== 0;
    cases++;
    const OH = Math.floor((H + 2 * p - d * (K - 1) - 1) / s) + 1, OW = Math.floor((W + 2 * p - d * (K - 1) - 1) / s) + 1;
    const a = accFmt >= 3 ? 0.5 : 4;
    const xs = rand(N * H * W * C, seed++, a), ws = rand(K * K * C, seed++, a), bs = rand(C, seed++, a);
    if (cases % 7 === 0) { xs[0] = NaN; ws[ws.length - 1] = Infinity; xs[xs.length - 1] = 7e4; }
    const px = heap.put(xs), pw = heap.put(ws), pb = withBias ? heap.put(bs) : 0;
    const len = N * OH * OW * C, y1 = heap.alloc(len * 4), y2 = heap.alloc(len * 4);
    const geo = [K, K, s, s, p, p, p, p, d, d] as const;
    assert.is(x.dwconv_f32_f32_emu__simd128_4(px, N, H, W, C, pw, pb, ...geo, y1, OH, OW, act, accFmt), 0);
    assert.is(x.dwconv_f32_f32_emu__scalar(px, N, H, W, C, pw, pb, ...geo, y2, OH, OW, act, accFmt), 0);
    const a1 = new Uint32Array(heap.buffer(), y1, len), a2 = new Uint32Array(heap.buffer(), y2, len);
    for (let i = 0; i < len; i++) {
      // NaN bits are defined for the emulated formats (0x7FC00000); f32 leaves them to the engine
      if (a1[i] !== a2[i] && !(accFmt === 0 && isNaN32(a1[i]) && isNaN32(a2[i]))) assert.unreachable(`acc ${accFmt} ${H}x${W}x${C} k${K} s${s} p${p} d${d} act${act}: output ${i} ${a1[i].toString(16)} vs ref ${a2[i].toString(16)}`);
    }
    if (accFmt === 0 && cases % 7 !== 0) {   // the f32 "accumulator" is the f32 kernel
      const y3 = heap.alloc(len * 4);
      assert.is(x.dwconv_f32_f32_f32__scalar(px, N, H, W, C, pw, pb, ...geo, y3, OH, OW, act), 0);
      assert.equal([...new Uint32Array(heap.buffer(), y3, len)], [...new Uint32Array(heap.buffer(), y2, len)]);
      heap.free(y3);
    }
    for (const q of [px, pw, pb, y1, y2]) heap.free(q);
  }
  assert.ok(cases >= 180);
  const p0 = heap.alloc(64);
  assert.is(x.dwconv_f32_f32_emu__simd128_4(p0, 1, 2, 2, 1, p0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, p0, 2, 2, 0, 6), 1);   // f6: no NaN, refused
  assert.is(x.dwconv_f32_f32_emu__simd128_4(p0, 1, 2, 2, 1, p0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, p0, 2, 2, 3, 1), 1);   // act 3
  heap.free(p0);
});

test('DepthwiseConv takes an emulated accumulator; a grouped Conv refuses it (BAD_PRECISION_MAP)', async () => {
  const alloy = await getAlloy();
  const x = wasm();
  const C = 4;
  const graph = (op: string, attrs: any) => ({
    inputs: [{ name: 'x', shape: [-1, 5, 5, C], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 5, 5, C], format: 'f32' }],
    nodes: [{ name: 'n', op, inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: 'same', ...attrs } }],
  });
  const wd = rand(9 * C, 5, 2), xs = rand(2 * 25 * C, 6, 2);
  const m = alloy.load(writeBundle({ graph: graph('DepthwiseConv', { activation: 'relu6' }), tensors: { w: { format: 'f32', shape: [3, 3, C], data: wd } }, precision: { version: 1, default: { accumulator: 'bf16' } } }));
  const got = m.run({ x: { data: xs, shape: [2, 5, 5, C] } }).y.data;
  m.dispose();
  const px = heap.put(xs), pw = heap.put(wd), py = heap.alloc(2 * 25 * C * 4);
  assert.is(x.dwconv_f32_f32_emu__scalar(px, 2, 5, 5, C, pw, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, py, 5, 5, 2, 2), 0);
  assert.equal(bits(got), bits(heap.f32(py, 2 * 25 * C)));
  for (const q of [px, pw, py]) heap.free(q);
  const grouped = writeBundle({ graph: graph('Conv', { group: 2 }), tensors: { w: { format: 'f32', shape: [C, 3, 3, 2], data: rand(C * 18, 5) } }, precision: { version: 1, default: { accumulator: 'f16' } } });
  try { alloy.load(grouped); assert.unreachable('grouped'); } catch (e) {
    assert.instance(e, AlloyError);
    assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
    assert.match((e as Error).message, /grouped Conv accumulates in f32 only/);
  }
});

test.run();

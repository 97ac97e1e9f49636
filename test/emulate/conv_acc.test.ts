// Conv (groups 1) with an emulated accumulator = dense_acc's definition on the im2col rows: a
// Conv node and a Dense node fed the same rows (built here in JS) give the same bits, for 1x1 and
// 3x3 kernels, strides 1 and 2, padding, relu / relu6, every emulated accumulator, and shapes
// whose OC <= 4 (which take another kernel in f32). DepthwiseConv and grouped Conv refuse it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { writeBundle, AlloyError } from '../../build/alloy.mjs';

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

test('Conv with an emulated accumulator equals Dense (dense_acc) on its im2col rows, bit for bit', async () => {
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

test('DepthwiseConv and grouped Conv refuse an emulated accumulator (BAD_PRECISION_MAP)', async () => {
  const alloy = await getAlloy();
  const C = 4;
  const graph = (op: string, attrs: any, wShape: number[]) => ({
    inputs: [{ name: 'x', shape: [-1, 5, 5, C], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 5, 5, C], format: 'f32' }],
    nodes: [{ name: 'n', op, inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: 'same', ...attrs } }],
  });
  for (const [op, attrs, shape] of [['DepthwiseConv', {}, [3, 3, C]], ['Conv', { group: 2 }, [C, 3, 3, 2]]] as const) {
    const bundle = writeBundle({ graph: graph(op, attrs, shape as any), tensors: { w: { format: 'f32', shape: shape as any, data: rand((shape as number[]).reduce((p, q) => p * q, 1), 5) } }, precision: { version: 1, default: { accumulator: 'f16' } } });
    try { alloy.load(bundle); assert.unreachable(op); } catch (e) {
      assert.instance(e, AlloyError);
      assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
      assert.match((e as Error).message, /accumulate in f32 only/);
    }
  }
});

test.run();

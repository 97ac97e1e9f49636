// max/avg/global-avg pooling (NHWC, SIMD over channels) equal their scalar references bit for bit;
// max pooling equals the f64 maximum exactly; averages are within
// (taps+1) * 2^-23 * sum|x| / count + 2^-24 * |avg| of the f64 average (summation bound, then one
// division).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

function rand(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23);
}
const outDim = (size: number, k: number, s: number, p0: number, p1: number) => Math.floor((size + p0 + p1 - k) / s) + 1;

function sameBits(p1: number, p2: number, len: number, what: string) {
  const a = new Uint32Array(heap.buffer(), p1, len), b = new Uint32Array(heap.buffer(), p2, len);
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) assert.unreachable(`${what} output ${i}: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
}

const Cs = [1, 3, 4, 7, 8, 9, 16, 17];

test('max_pool2d / avg_pool2d (both count modes) == refs bitwise and near f64', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 1, cases = 0;
  for (const [H, W] of [[1, 1], [3, 5], [7, 7]]) for (const K of [1, 2, 3, 5]) for (const s of [1, 2]) for (const p of [0, 1, 2]) {
    if (p >= K) continue;
    const pad = p === 2 && K === 3 ? [2, 0, 1, 2] : [p, p, p, p];     // padT, padL, padB, padR
    const OH = outDim(H, K, s, pad[0], pad[2]), OW = outDim(W, K, s, pad[1], pad[3]);
    if (OH < 1 || OW < 1) continue;
    for (const C of Cs) for (const mode of [0, 1, 2]) {
      const N = cases % 2 + 1;
      cases++;
      const xs = rand(N * H * W * C, seed++);
      const px = heap.put(xs), ylen = N * OH * OW * C;
      const y1 = heap.alloc(ylen * 4), y2 = heap.alloc(ylen * 4);
      const geo = [N, H, W, C, K, K, s, s, ...pad] as const;
      if (mode === 0) {
        assert.is(x.maxpool_f32__simd128(px, ...geo, y1, OH, OW), 0);
        assert.is(x.maxpool_f32__scalar(px, ...geo, y2, OH, OW), 0);
      } else {
        assert.is(x.avgpool_f32__simd128(px, ...geo, mode - 1, y1, OH, OW), 0);
        assert.is(x.avgpool_f32__scalar(px, ...geo, mode - 1, y2, OH, OW), 0);
      }
      const what = `mode ${mode} N=${N} ${H}x${W}x${C} k${K} s${s} p${pad}`;
      sameBits(y1, y2, ylen, what);
      const y = heap.f32(y1, ylen);
      for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) {
        let m = -Infinity, sum = 0, abs = 0, cnt = 0, cntPad = 0;
        for (let kh = 0; kh < K; kh++) for (let kw = 0; kw < K; kw++) {
          const ih = oh * s - pad[0] + kh, iw = ow * s - pad[1] + kw;
          if (ih < H + pad[2] && iw < W + pad[3]) cntPad++;
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          const v = xs[((n * H + ih) * W + iw) * C + c];
          m = Math.max(m, v); sum += v; abs += Math.abs(v); cnt++;
        }
        const got = y[((n * OH + oh) * OW + ow) * C + c];
        if (mode === 0) { if (got !== m) assert.unreachable(`${what}: max ${got} vs ${m}`); continue; }
        const count = mode === 2 ? cntPad : cnt;
        assert.ok(mode === 1 || count === K * K);
        const want = sum / count;
        const bound = ((cnt + 1) * 2 ** -23 * abs) / count + 2 ** -24 * Math.abs(want) + 1e-30;
        if (!(Math.abs(got - want) <= bound)) assert.unreachable(`${what}: avg ${got} vs f64 ${want}`);
      }
      for (const q of [px, y1, y2]) heap.free(q);
    }
  }
  assert.ok(cases > 300);
});

test('gavgpool_f32__simd128 == ref bitwise and near f64', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 900;
  for (const [H, W] of [[1, 1], [3, 5], [7, 7], [14, 14]]) for (const C of [...Cs, 32, 33]) for (const N of [1, 2]) {
    const xs = rand(N * H * W * C, seed++);
    const px = heap.put(xs), y1 = heap.alloc(N * C * 4), y2 = heap.alloc(N * C * 4);
    assert.is(x.gavgpool_f32__simd128(px, N, H, W, C, y1), 0);
    assert.is(x.gavgpool_f32__scalar(px, N, H, W, C, y2), 0);
    sameBits(y1, y2, N * C, `gap ${N}x${H}x${W}x${C}`);
    const y = heap.f32(y1, N * C);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
      let sum = 0, abs = 0;
      for (let i = 0; i < H * W; i++) { const v = xs[(n * H * W + i) * C + c]; sum += v; abs += Math.abs(v); }
      const want = sum / (H * W), bound = ((H * W + 1) * 2 ** -23 * abs) / (H * W) + 2 ** -24 * Math.abs(want) + 1e-30;
      if (!(Math.abs(y[n * C + c] - want) <= bound)) assert.unreachable(`gap ${H}x${W}x${C}: ${y[n * C + c]} vs ${want}`);
    }
    for (const q of [px, y1, y2]) heap.free(q);
  }
});

test('max pooling propagates NaN like wasm max; pads >= kernel and wrong output sizes are rejected', async () => {
  await getAlloy();
  const x = wasm();
  const v = new Float32Array([NaN, 1, -0, 0, -Infinity, -Infinity, 2, 3, 4, 5, 6, 7]);  // 1x3x1x4 after reshape: H=3 W=1 C=4
  const px = heap.put(v), y1 = heap.alloc(16), y2 = heap.alloc(16);
  assert.is(x.maxpool_f32__simd128(px, 1, 3, 1, 4, 3, 1, 1, 1, 0, 0, 0, 0, y1, 1, 1), 0);
  assert.is(x.maxpool_f32__scalar(px, 1, 3, 1, 4, 3, 1, 1, 1, 0, 0, 0, 0, y2, 1, 1), 0);
  const got = heap.f32(y1, 4);
  assert.ok(Number.isNaN(got[0]));
  assert.equal([...got.slice(1)], [5, 6, 7]);
  assert.equal([...new Uint32Array(heap.buffer(), y1 + 4, 3)], [...new Uint32Array(heap.buffer(), y2 + 4, 3)]);
  assert.is(x.maxpool_f32__simd128(px, 1, 3, 1, 4, 2, 1, 1, 1, 2, 0, 0, 0, y1, 3, 1), 1);   // padT >= KH
  assert.is(x.avgpool_f32__simd128(px, 1, 3, 1, 4, 2, 1, 1, 1, 0, 0, 0, 0, 0, y1, 3, 1), 1);   // wrong OH
  for (const q of [px, y1, y2]) heap.free(q);
});

test.run();

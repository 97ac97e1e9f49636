// conv2d_f32 (SIMD 4x8, packed OHWI) and depthwise_conv2d_f32 (SIMD over channels) equal their
// scalar references bit for bit, and are within a summation bound of an f64 reference, at channel
// counts below, equal to, divisible by and above the tiles, for 1x1/3x5/7x7 inputs, 1x1/3x3/5x5
// kernels, stride 1/2, padding 0/1/2 (also asymmetric), dilation 1/2, groups 1/2, N = 1/2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

function rand(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23);
}
const outDim = (size: number, k: number, s: number, p0: number, p1: number, d: number) =>
  Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;
const act64 = (v: number, act: number) => (act === 0 ? v : act === 1 ? Math.max(v, 0) : Math.min(Math.max(v, 0), 6));

type Geo = { H: number; W: number; K: number; s: number; pad: [number, number, number, number]; d: number };
const geos: Geo[] = [];
for (const [H, W] of [[1, 1], [3, 5], [7, 7]]) for (const K of [1, 3, 5]) for (const s of [1, 2])
  for (const p of [0, 1, 2]) for (const d of [1, 2]) {
    if (p > 0 && K === 1 && d === 2) continue;                 // keep the count down
    const pad: [number, number, number, number] = p === 2 && K === 3 ? [2, 1, 0, 2] : [p, p, p, p];   // one asymmetric set
    if (outDim(H, K, s, pad[0], pad[2], d) < 1 || outDim(W, K, s, pad[1], pad[3], d) < 1) continue;
    geos.push({ H, W, K, s, pad, d });
  }

// f64 reference (OHWI weights, zero padding) and the bound |y - f64| <= (terms+1) * 2^-23 * sum|terms|
// (the recursive summation bound, Higham 2002 §3.1, with u = 2^-24 doubled for the products).
function check64(y: Float32Array, xs: Float32Array, ws: Float32Array, bs: Float32Array | null, N: number, H: number, W: number,
  C: number, OC: number, KH: number, KW: number, g: Geo, groups: number, OH: number, OW: number, act: number, what: string) {
  const ICg = C / groups, OCg = OC / groups;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let oc = 0; oc < OC; oc++) {
    const gi = Math.floor(oc / OCg);
    let s = 0, abs = 0;
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * g.s - g.pad[0] + kh * g.d, iw = ow * g.s - g.pad[1] + kw * g.d;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      for (let ic = 0; ic < ICg; ic++) {
        const t = xs[((n * H + ih) * W + iw) * C + gi * ICg + ic] * ws[((oc * KH + kh) * KW + kw) * ICg + ic];
        s += t; abs += Math.abs(t);
      }
    }
    if (bs) { s += bs[oc]; abs += Math.abs(bs[oc]); }
    const bound = (KH * KW * ICg + 1) * 2 ** -23 * abs + 1e-30;
    const got = y[((n * OH + oh) * OW + ow) * OC + oc];
    if (!(Math.abs(got - act64(s, act)) <= bound)) assert.unreachable(`${what} out ${n},${oh},${ow},${oc}: ${got} vs f64 ${act64(s, act)}`);
  }
}

function sameBits(p1: number, p2: number, len: number, what: string) {
  const a = new Uint32Array(heap.buffer(), p1, len), b = new Uint32Array(heap.buffer(), p2, len);
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) assert.unreachable(`${what} output ${i}: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
}

// [C, OC] pairs per group count (per-group channels cover 1, 3, 7, 8, 9, 16, 17).
const pairs: Record<number, [number, number][]> = {
  1: [[1, 1], [3, 7], [8, 8], [9, 17], [16, 9], [17, 16], [7, 3]],
  2: [[2, 2], [6, 14], [16, 16], [18, 34], [34, 18]],
};

test(`conv2d_f32 == conv2d_f32_ref bitwise and near f64, ${geos.length} geometries`, async () => {
  await getAlloy();
  const x = wasm();
  let seed = 1, cases = 0;
  for (const g of geos) for (const groups of [1, 2]) for (const [C, OC] of pairs[groups]) {
    const N = (cases % 3 === 2) ? 2 : 1, act = cases % 3, withBias = cases % 4 !== 3;
    cases++;
    const { H, W, K } = g;
    const OH = outDim(H, K, g.s, g.pad[0], g.pad[2], g.d), OW = outDim(W, K, g.s, g.pad[1], g.pad[3], g.d);
    const ICg = C / groups;
    const xs = rand(N * H * W * C, seed++), ws = rand(OC * K * K * ICg, seed++), bs = withBias ? rand(OC, seed++) : null;
    const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
    const pp = heap.alloc(x.packed_conv_f32_bytes(OC, K, K, ICg, groups));
    const ylen = N * OH * OW * OC;
    const y1 = heap.alloc(ylen * 4), y2 = heap.alloc(ylen * 4);
    x.pack_conv_w_f32(pw, OC, K, K, ICg, groups, pp);
    const args = [N, H, W, C] as const;
    const tail = [OC, K, K, g.s, g.s, ...g.pad, g.d, g.d, groups] as const;
    assert.is(x.conv2d_f32(px, ...args, pp, pb, ...tail, y1, OH, OW, act), 0);
    assert.is(x.conv2d_f32_ref(px, ...args, pw, pb, ...tail, y2, OH, OW, act), 0);
    const what = `N=${N} ${H}x${W}x${C} -> ${OC} k${K} s${g.s} p${g.pad} d${g.d} g${groups} act${act}`;
    sameBits(y1, y2, ylen, what);
    check64(heap.f32(y1, ylen), xs, ws, bs, N, H, W, C, OC, K, K, g, groups, OH, OW, act, what);
    for (const p of [px, pw, pb, pp, y1, y2]) heap.free(p);
  }
  assert.ok(cases > 500);
});

test('conv2d_f32 rejects inconsistent shapes and writes nothing', async () => {
  await getAlloy();
  const x = wasm();
  const px = heap.alloc(4 * 4 * 4 * 4), pw = heap.alloc(9 * 16), y = heap.alloc(64);
  const bad = [
    [4, 4, 4, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, 3, 3],   // OH should be 2
    [4, 4, 4, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 3, 2, 2],   // C % groups
    [4, 4, 4, 4, 3, 3, 0, 1, 0, 0, 0, 0, 1, 1, 1, 2, 2],   // stride 0
    [4, 2, 2, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0],   // kernel larger than the input
  ];
  for (const [C, H, W, OC, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, G, OH, OW] of bad) {
    assert.is(x.conv2d_f32(px, 1, H, W, C, pw, 0, OC, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, G, y, OH, OW, 0), 1);
    assert.is(x.conv2d_f32_ref(px, 1, H, W, C, pw, 0, OC, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, G, y, OH, OW, 0), 1);
    assert.is(x.depthwise_conv2d_f32(px, 1, H, W, C, pw, 0, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, y, OH, OW, 0), G === 3 ? 0 : 1);
  }
  assert.is(x.conv2d_f32(px, 1, 4, 4, 4, pw, 0, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, y, 2, 2, 3), 1);   // unknown act
  for (const p of [px, pw, y]) heap.free(p);
});

test(`depthwise_conv2d_f32 == _ref bitwise and near f64, ${geos.length} geometries`, async () => {
  await getAlloy();
  const x = wasm();
  let seed = 5000, cases = 0;
  for (const g of geos) for (const C of [1, 3, 4, 7, 8, 9, 16, 17, 33]) {
    const N = (cases % 3 === 1) ? 2 : 1, act = cases % 3, withBias = cases % 4 !== 2;
    cases++;
    const { H, W, K } = g;
    const OH = outDim(H, K, g.s, g.pad[0], g.pad[2], g.d), OW = outDim(W, K, g.s, g.pad[1], g.pad[3], g.d);
    const xs = rand(N * H * W * C, seed++), ws = rand(K * K * C, seed++), bs = withBias ? rand(C, seed++) : null;
    const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
    const ylen = N * OH * OW * C;
    const y1 = heap.alloc(ylen * 4), y2 = heap.alloc(ylen * 4);
    const geo = [K, K, g.s, g.s, ...g.pad, g.d, g.d] as const;
    assert.is(x.depthwise_conv2d_f32(px, N, H, W, C, pw, pb, ...geo, y1, OH, OW, act), 0);
    assert.is(x.depthwise_conv2d_f32_ref(px, N, H, W, C, pw, pb, ...geo, y2, OH, OW, act), 0);
    const what = `dw N=${N} ${H}x${W}x${C} k${K} s${g.s} p${g.pad} d${g.d} act${act}`;
    sameBits(y1, y2, ylen, what);
    // The f64 check reuses the grouped-conv oracle: depthwise = groups C, OHWI weights [C, K, K, 1].
    const wOHWI = new Float32Array(C * K * K);
    for (let c = 0; c < C; c++) for (let t = 0; t < K * K; t++) wOHWI[c * K * K + t] = ws[t * C + c];
    check64(heap.f32(y1, ylen), xs, wOHWI, bs, N, H, W, C, C, K, K, g, C, OH, OW, act, what);
    for (const p of [px, pw, pb, y1, y2]) heap.free(p);
  }
});

test('conv2d_f32 with groups = C equals depthwise_conv2d_f32 bit for bit', async () => {
  await getAlloy();
  const x = wasm();
  const N = 1, H = 7, W = 7, C = 17, K = 3;
  const xs = rand(H * W * C, 77), wd = rand(K * K * C, 78), bs = rand(C, 79);
  const wo = new Float32Array(C * K * K);
  for (let c = 0; c < C; c++) for (let t = 0; t < K * K; t++) wo[c * K * K + t] = wd[t * C + c];
  const px = heap.put(xs), pd = heap.put(wd), po = heap.put(wo), pb = heap.put(bs);
  const pp = heap.alloc(x.packed_conv_f32_bytes(C, K, K, 1, C));
  x.pack_conv_w_f32(po, C, K, K, 1, C, pp);
  const y1 = heap.alloc(H * W * C * 4), y2 = heap.alloc(H * W * C * 4);
  assert.is(x.conv2d_f32(px, N, H, W, C, pp, pb, C, K, K, 1, 1, 1, 1, 1, 1, 1, 1, C, y1, H, W, 2), 0);
  assert.is(x.depthwise_conv2d_f32(px, N, H, W, C, pd, pb, K, K, 1, 1, 1, 1, 1, 1, 1, 1, y2, H, W, 2), 0);
  sameBits(y1, y2, H * W * C, 'grouped vs depthwise');
  for (const p of [px, pd, po, pb, pp, y1, y2]) heap.free(p);
});

test.run();

// conv2d_f32_f32_f32__simd128_4x8 (SIMD 4x8, packed OHWI) and dwconv_f32_f32_f32__simd128_4x4 (SIMD over channels) equal their
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

// Bit equality; NaN equals NaN whatever its sign or payload (wasm leaves NaN bits to the engine,
// and the executor canonicalises them at the outputs).
function sameBits(p1: number, p2: number, len: number, what: string) {
  const a = new Uint32Array(heap.buffer(), p1, len), b = new Uint32Array(heap.buffer(), p2, len);
  const isNaN32 = (v: number) => (v & 0x7fffffff) > 0x7f800000;
  for (let i = 0; i < len; i++) if (a[i] !== b[i] && !(isNaN32(a[i]) && isNaN32(b[i]))) assert.unreachable(`${what} output ${i}: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
}

// [C, OC] pairs per group count (per-group channels cover 1, 3, 7, 8, 9, 16, 17).
const pairs: Record<number, [number, number][]> = {
  1: [[1, 1], [3, 7], [8, 8], [9, 17], [16, 9], [17, 16], [7, 3]],
  2: [[2, 2], [6, 14], [16, 16], [18, 34], [34, 18]],
};

test(`conv2d_f32_f32_f32__simd128_4x8 == conv2d_f32_f32_f32__scalar bitwise and near f64, ${geos.length} geometries`, async () => {
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
    assert.is(x.conv2d_f32_f32_f32__simd128_4x8(px, ...args, pp, pb, ...tail, y1, OH, OW, act), 0);
    assert.is(x.conv2d_f32_f32_f32__scalar(px, ...args, pw, pb, ...tail, y2, OH, OW, act), 0);
    const what = `N=${N} ${H}x${W}x${C} -> ${OC} k${K} s${g.s} p${g.pad} d${g.d} g${groups} act${act}`;
    sameBits(y1, y2, ylen, what);
    check64(heap.f32(y1, ylen), xs, ws, bs, N, H, W, C, OC, K, K, g, groups, OH, OW, act, what);
    for (const p of [px, pw, pb, pp, y1, y2]) heap.free(p);
  }
  assert.ok(cases > 500);
});

test('conv2d_f32_f32_f32__simd128_4x8 rejects inconsistent shapes and writes nothing', async () => {
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
    assert.is(x.conv2d_f32_f32_f32__simd128_4x8(px, 1, H, W, C, pw, 0, OC, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, G, y, OH, OW, 0), 1);
    assert.is(x.conv2d_f32_f32_f32__scalar(px, 1, H, W, C, pw, 0, OC, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, G, y, OH, OW, 0), 1);
    assert.is(x.dwconv_f32_f32_f32__simd128_4x4(px, 1, H, W, C, pw, 0, KH, KW, sH, sW, pT, pL, pB, pR, dH, dW, y, OH, OW, 0), G === 3 ? 0 : 1);
  }
  assert.is(x.conv2d_f32_f32_f32__simd128_4x8(px, 1, 4, 4, 4, pw, 0, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, y, 2, 2, 3), 1);   // unknown act
  for (const p of [px, pw, y]) heap.free(p);
});

test(`dwconv_f32_f32_f32__simd128_4x4 == _ref bitwise and near f64, ${geos.length} geometries`, async () => {
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
    assert.is(x.dwconv_f32_f32_f32__simd128_4x4(px, N, H, W, C, pw, pb, ...geo, y1, OH, OW, act), 0);
    assert.is(x.dwconv_f32_f32_f32__scalar(px, N, H, W, C, pw, pb, ...geo, y2, OH, OW, act), 0);
    const what = `dw N=${N} ${H}x${W}x${C} k${K} s${g.s} p${g.pad} d${g.d} act${act}`;
    sameBits(y1, y2, ylen, what);
    // The f64 check reuses the grouped-conv oracle: depthwise = groups C, OHWI weights [C, K, K, 1].
    const wOHWI = new Float32Array(C * K * K);
    for (let c = 0; c < C; c++) for (let t = 0; t < K * K; t++) wOHWI[c * K * K + t] = ws[t * C + c];
    check64(heap.f32(y1, ylen), xs, wOHWI, bs, N, H, W, C, C, K, K, g, C, OH, OW, act, what);
    for (const p of [px, pw, pb, y1, y2]) heap.free(p);
  }
});

test('conv2d_f32_f32_f32__simd128_4x8 with groups = C equals dwconv_f32_f32_f32__simd128_4x4 bit for bit', async () => {
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
  assert.is(x.conv2d_f32_f32_f32__simd128_4x8(px, N, H, W, C, pp, pb, C, K, K, 1, 1, 1, 1, 1, 1, 1, 1, C, y1, H, W, 2), 0);
  assert.is(x.dwconv_f32_f32_f32__simd128_4x4(px, N, H, W, C, pd, pb, K, K, 1, 1, 1, 1, 1, 1, 1, 1, y2, H, W, 2), 0);
  sameBits(y1, y2, H * W * C, 'grouped vs depthwise');
  for (const p of [px, pd, po, pb, pp, y1, y2]) heap.free(p);
});

test('conv1x1_f32_f32_f32__simd128_4x8 (1x1 conv / im2col rows) == conv1x1_f32_f32_f32__scalar == conv2d_f32_f32_f32__scalar bitwise, across its pixel blocks', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 9000, cases = 0;
  // P crosses the 4-row tiles and (K = 8: 512-row, K = 3: 1364-row) pixel blocks; K and N around 4 and 8.
  for (const P of [1, 2, 3, 4, 5, 7, 13, 517, 1371]) for (const K of [1, 3, 4, 7, 8, 9, 17, 64, 300]) for (const N of [1, 3, 8, 9, 17, 40]) {
    if (P * K * N > 3e6) continue;
    const act = cases % 3, withBias = cases % 4 !== 1;
    cases++;
    const xs = rand(P * K, seed++), ws = rand(N * K, seed++), bs = withBias ? rand(N, seed++) : null;
    const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
    const pp = heap.alloc(x.packed_f32_bytes(N, K));
    x.pack_w_f32(pw, N, K, pp);
    const y1 = heap.alloc(P * N * 4), y2 = heap.alloc(P * N * 4), y3 = heap.alloc(P * N * 4);
    x.conv1x1_f32_f32_f32__simd128_4x8(px, P, K, pp, pb, N, y1, act);
    x.conv1x1_f32_f32_f32__scalar(px, P, K, pw, pb, N, y2, act);
    assert.is(x.conv2d_f32_f32_f32__scalar(px, 1, 1, P, K, pw, pb, N, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, y3, 1, P, act), 0);
    const what = `pointwise P=${P} K=${K} N=${N} act${act}`;
    sameBits(y1, y2, P * N, what);
    sameBits(y2, y3, P * N, what + ' (conv ref)');
    for (const p of [px, pw, pb, pp, y1, y2, y3]) heap.free(p);
  }
  assert.ok(cases > 300);
});

test('im2col_x32__simd128 in chunks + conv1x1_f32_f32_f32__simd128_4x8 == conv2d_f32_f32_f32__scalar bitwise (vector tap copies, padding, chunk starts)', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 12000, cases = 0;
  for (const g of geos) for (const C of [1, 3, 4, 5, 8, 9]) {
    const N = cases % 2 ? 2 : 1, OC = [1, 5, 8, 11][cases % 4], act = cases % 3;
    cases++;
    const { H, W, K } = g;
    const OH = outDim(H, K, g.s, g.pad[0], g.pad[2], g.d), OW = outDim(W, K, g.s, g.pad[1], g.pad[3], g.d);
    const Kd = K * K * C, P = N * OH * OW, rows = 1 + (cases % 7);   // chunks start mid-row and mid-image
    const xs = rand(N * H * W * C, seed++), ws = rand(OC * Kd, seed++), bs = rand(OC, seed++);
    const px = heap.put(xs), pw = heap.put(ws), pb = heap.put(bs);
    const pp = heap.alloc(x.packed_f32_bytes(OC, Kd));
    x.pack_w_f32(pw, OC, Kd, pp);
    const col = heap.alloc(rows * Kd * 4), y1 = heap.alloc(P * OC * 4), y2 = heap.alloc(P * OC * 4);
    for (let p0 = 0; p0 < P; p0 += rows) {
      const p1 = Math.min(P, p0 + rows);
      x.im2col_x32__simd128(px, N, H, W, C, K, K, g.s, g.s, g.pad[0], g.pad[1], g.d, g.d, OH, OW, p0, p1, col);
      x.conv1x1_f32_f32_f32__simd128_4x8(col, p1 - p0, Kd, pp, pb, OC, y1 + p0 * OC * 4, act);
    }
    assert.is(x.conv2d_f32_f32_f32__scalar(px, N, H, W, C, pw, pb, OC, K, K, g.s, g.s, ...g.pad, g.d, g.d, 1, y2, OH, OW, act), 0);
    sameBits(y1, y2, P * OC, `im2col N=${N} ${H}x${W}x${C} -> ${OC} k${K} s${g.s} p${g.pad} d${g.d} rows${rows}`);
    for (const p of [px, pw, pb, pp, col, y1, y2]) heap.free(p);
  }
  assert.ok(cases > 200);
});

test('conv2d_f32_f32_f32__simd128_16x1 (OC <= 4, planar, 16 and 4 pixels per step) == conv2d_f32_f32_f32__scalar bitwise', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 15000, cases = 0;
  const narrowGeos: Geo[] = geos.filter((g) => g.s === 1 || g.K > 1).concat([
    { H: 5, W: 37, K: 3, s: 1, pad: [1, 1, 1, 1], d: 1 }, { H: 4, W: 33, K: 3, s: 1, pad: [0, 2, 1, 0], d: 2 },
    { H: 6, W: 16, K: 1, s: 1, pad: [0, 0, 0, 0], d: 1 }, { H: 3, W: 40, K: 5, s: 1, pad: [2, 2, 2, 2], d: 1 },
  ]);
  for (const g of narrowGeos) for (const C of [1, 3, 4, 5, 8, 12]) for (const OC of [1, 2, 3, 4]) {
    if ((C + OC + cases) % 2 === 1 && g.W < 16) { cases++; continue; }   // keep the count down on small inputs
    const N = cases % 3 === 1 ? 2 : 1, act = cases % 3, withBias = cases % 4 !== 0;
    const sH = g.s;   // the narrow kernel strides along H only
    cases++;
    const { H, W, K } = g;
    const OH = outDim(H, K, sH, g.pad[0], g.pad[2], g.d), OW = outDim(W, K, 1, g.pad[1], g.pad[3], g.d);
    const xs = rand(N * H * W * C, seed++), ws = rand(OC * K * K * C, seed++), bs = withBias ? rand(OC, seed++) : null;
    if (cases % 29 === 0) { ws[0] = Infinity; xs[xs.length - 1] = NaN; }   // padded taps: 0 * inf = NaN, as in the reference
    const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
    const sc = heap.alloc(x.conv_narrow_scratch_bytes(H, W, C, K, K, g.pad[0], g.pad[1], g.pad[2], g.pad[3], g.d, g.d, OW));
    const ylen = N * OH * OW * OC;
    const y1 = heap.alloc(ylen * 4), y2 = heap.alloc(ylen * 4);
    assert.is(x.conv2d_f32_f32_f32__simd128_16x1(px, N, H, W, C, pw, pb, OC, K, K, sH, ...g.pad, g.d, g.d, y1, OH, OW, act, sc), 0);
    assert.is(x.conv2d_f32_f32_f32__scalar(px, N, H, W, C, pw, pb, OC, K, K, sH, 1, ...g.pad, g.d, g.d, 1, y2, OH, OW, act), 0);
    sameBits(y1, y2, ylen, `narrow N=${N} ${H}x${W}x${C} -> ${OC} k${K} sH${sH} p${g.pad} d${g.d} act${act}`);
    for (const p of [px, pw, pb, sc, y1, y2]) heap.free(p);
  }
  assert.ok(cases > 300);
  const px = heap.alloc(64), y = heap.alloc(64);
  assert.is(x.conv2d_f32_f32_f32__simd128_16x1(px, 1, 2, 2, 1, px, 0, 5, 1, 1, 1, 0, 0, 0, 0, 1, 1, y, 2, 2, 0, y), 1);   // OC > 4
  assert.is(x.conv2d_f32_f32_f32__simd128_16x1(px, 1, 2, 2, 1, px, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, y, 2, 3, 0, y), 1);   // OW wrong
  heap.free(px); heap.free(y);
});

test.run();

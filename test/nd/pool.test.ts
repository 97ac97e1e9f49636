// The pooling kernels (assembly/nd/pool.ts, roi.ts, nms.ts):
// 1. pool_nd_f32__simd128 equals pool_nd_any__scalar byte for byte (f32 max / average / average
//    with the pads counted) at output widths 1, 3, 4, 5, 7, 17 (the SIMD tile 4 and around it),
//    strides 1-3, dilations, pads, ceil-mode geometries, 1-3 spatial dims; both equal a plain JS
//    window loop of the ONNX definition (max exact; averages summed in the same order with
//    Math.fround: exact; Lp within tolerance; Indices exact, both storage orders).
// 2. Integer and f64 max; bad parameters and types: a status, nothing computed.
// 3. maxunpool / roi_align / max_roi_pool / nms statuses on bad dims and out-of-range indices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

import { prod, outDims, poolOracle as oracle, type Geo } from '../ref/pool.ts';

function params(g: Geo, mode: number, order: number): Int32Array {
  return new Int32Array([g.ins.length, g.N, g.C, mode, order, ...g.ins.flatMap((v, i) => [v, g.outs[i], g.k[i], g.s[i], g.d[i], g.pb[i], g.pe[i]])]);
}

type Arr = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;
function runPool(fn: string, dtype: number, x: Arr, g: Geo, mode: number, withIdx: boolean, order = 0, p = 2): { status: number; y: Uint8Array; idx: BigInt64Array } {
  const X = wasm() as any, n = prod([g.N, g.C, ...g.outs]), es = x.BYTES_PER_ELEMENT;
  const px = heap.put(new Uint8Array(x.buffer, x.byteOffset, x.byteLength) as any), pp = heap.put(params(g, mode, order) as any);
  const py = heap.alloc(n * es + 16), pi = withIdx ? heap.alloc(n * 8 + 16) : 0;
  try {
    const status = X[fn](dtype, py, pi, px, pp, p);
    return { status, y: heap.u8(py, n * es).slice(), idx: pi ? new BigInt64Array(heap.u8(pi, n * 8).slice().buffer) : new BigInt64Array(0) };
  } finally { for (const q of [px, pp, py, pi]) if (q) heap.free(q); }
}

function randGeo(r: () => number, nsp: number, ow: number): Geo {
  for (;;) {
    const pick = (a: number[]) => a[r() % a.length];
    const k = Array.from({ length: nsp }, () => pick([1, 2, 3])), s = Array.from({ length: nsp }, () => pick([1, 1, 2, 3]));
    const d = Array.from({ length: nsp }, () => pick([1, 1, 2]));
    const pb = k.map((kk) => r() % kk), pe = k.map((kk) => r() % kk);
    const ceil = r() % 3 === 0;
    // the last dim sized so that the output width is about ow
    const ins = Array.from({ length: nsp }, (_, i) => (i === nsp - 1 ? (ow - 1) * s[i] + d[i] * (k[i] - 1) + 1 - pb[i] - pe[i] + (r() % s[i]) : 1 + (r() % 5)));
    const base = { N: 1 + (r() % 2), C: 1 + (r() % 3), ins, k, s, d, pb, pe };
    if (ins.some((v, i) => v < 1 || v + pb[i] + pe[i] < d[i] * (k[i] - 1) + 1)) continue;
    return { ...base, outs: outDims(base, ceil) };
  }
}

test('pool_nd_f32__simd128 == pool_nd_any__scalar == the JS window loop: f32 max / avg / avg with pads, 1-3 spatial dims, widths around the tile', async () => {
  await getAlloy();
  const r = rng(7);
  let cases = 0;
  for (const nsp of [1, 2, 3]) for (const ow of [1, 3, 4, 5, 7, 17]) for (let rep = 0; rep < 3; rep++) {
    const g = randGeo(r, nsp, ow);
    const x = new Float32Array(g.N * g.C * prod(g.ins)).map(() => ((r() % 2001) - 1000) / 64);
    for (const mode of [0, 1, 2]) {
      const a = runPool('pool_nd_f32__simd128', 1, x, g, mode, false), b = runPool('pool_nd_any__scalar', 1, x, g, mode, false);
      assert.is(a.status, 0); assert.is(b.status, 0);
      assert.equal(a.y, b.y, `SIMD vs scalar ${JSON.stringify(g)} mode ${mode}`);
      const want = oracle(x, g, mode, 2, 0).y;
      const got = new Float32Array(a.y.buffer);
      for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) assert.unreachable(`${JSON.stringify(g)} mode ${mode} [${i}]: ${got[i]} vs ${want[i]}`);
      cases++;
    }
  }
  assert.ok(cases >= 150);
});

test('pool_nd: Indices (row- and column-major), Lp, f64 / i8 / u8 / i32 max against the JS window loop', async () => {
  await getAlloy();
  const r = rng(11);
  for (const nsp of [1, 2, 3]) for (const ow of [1, 4, 6]) {
    const g = randGeo(r, nsp, ow), n = g.N * g.C * prod(g.ins);
    const xf = new Float32Array(n).map(() => (r() % 41) - 20);   // small integers: ties
    for (const order of [0, 1]) {
      const want = oracle(xf, g, 0, 2, order);
      for (const fn of ['pool_nd_f32__simd128', 'pool_nd_any__scalar']) {
        const a = runPool(fn, 1, xf, g, 0, true, order);
        assert.is(a.status, 0);
        assert.equal(Array.from(new Float32Array(a.y.buffer)), want.y);
        assert.equal(Array.from(a.idx, Number), want.idx, `${fn} indices order ${order} ${JSON.stringify(g)}`);
      }
    }
    for (const p of [1, 2, 3]) {
      const a = runPool('pool_nd_f32__simd128', 1, xf, g, 3, false, 0, p), want = oracle(xf, g, 3, p, 0).y;
      const got = new Float32Array(a.y.buffer);
      want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-5 * (1 + Math.abs(w)), `Lp p=${p} [${i}]: ${got[i]} vs ${w}`));
    }
    const want = oracle(xf, g, 0, 2, 0).y;
    for (const [dt, T] of [[11, Float64Array], [3, Int8Array], [6, Int32Array]] as const) {
      const a = runPool('pool_nd_f32__simd128', dt, new T(Array.from(xf)), g, 0, false);
      assert.is(a.status, 0);
      assert.equal(Array.from(new T(a.y.buffer)), want, `dtype ${dt}`);
    }
    const xu = new Uint8Array(Array.from(xf, (v) => v + 100));
    const a = runPool('pool_nd_any__scalar', 2, xu, g, 0, false);
    assert.equal(Array.from(a.y), want.map((v) => v + 100), 'u8');
  }
});

test('pool_nd: bad parameters and types give a status', async () => {
  await getAlloy();
  const g: Geo = { N: 1, C: 1, ins: [4], k: [2], s: [1], d: [1], pb: [0], pe: [0], outs: [3] };
  const x = new Float32Array(4);
  for (const fn of ['pool_nd_f32__simd128', 'pool_nd_any__scalar']) {
    assert.is(runPool(fn, 3, new Int8Array(4), g, 1, false).status, 1, 'avg on i8');
    assert.is(runPool(fn, 1, x, g, 1, true).status, 1, 'indices with avg');
    assert.is(runPool(fn, 16, x, g, 0, false).status, 1, 'bf16');
    assert.is(runPool(fn, 1, x, { ...g, k: [0] }, 0, false).status, 2, 'kernel 0');
    assert.is(runPool(fn, 1, x, { ...g, s: [0] }, 0, false).status, 2, 'stride 0');
    assert.is(runPool(fn, 1, x, { ...g, pb: [-1] }, 0, false).status, 2, 'negative pad');
    assert.is(runPool(fn, 1, x, g, 4, false).status, 2, 'mode 4');
  }
});

test('maxunpool / roi_align / max_roi_pool / nms: statuses on bad dims and out-of-range indices', async () => {
  await getAlloy();
  const X = wasm() as any;
  const px = heap.put(new Float32Array(16) as any), py = heap.alloc(256), pd = heap.put(new Int32Array([1, 1, 2, 2, 1, 1, 3, 3]) as any);
  const bad = heap.put(new BigInt64Array([0n, 4n]) as any), far = heap.put(new BigInt64Array([0n, 3n]) as any), neg = heap.put(new BigInt64Array([-1n]) as any);
  try {
    assert.is(X.maxunpool_any__scalar(4, py, px, bad, 2, 4, pd), 3, 'index past the index space');
    assert.is(X.maxunpool_any__scalar(4, py, px, far, 2, 4, pd), 0, 'last index of the space');
    assert.is(X.maxunpool_any__scalar(3, py, px, far, 2, 4, pd), 1, 'element size 3');
    const p = heap.put(new Int32Array([1, 1, 4, 4, 1, 2, 2, 0, 0, 1]) as any);
    assert.is(X.roi_align_f32__scalar(py, px, px, neg, p, 1), 3, 'batch index -1');
    assert.is(X.roi_align_f32__scalar(py, px, px, far, p, 1), 0);
    heap.free(p);
    const q = heap.put(new Int32Array([1, 1, 4, 4, 1, 2, 0]) as any);
    assert.is(X.max_roi_pool_f32__scalar(py, px, px, q, 1), 2, 'pooled width 0');
    heap.free(q);
    const rois = heap.put(new Float32Array([1, 0, 0, 1, 1]) as any), q2 = heap.put(new Int32Array([1, 1, 4, 4, 1, 2, 2]) as any);
    assert.is(X.max_roi_pool_f32__scalar(py, px, rois, q2, 1), 3, 'batch 1 of 1');
    heap.free(rois); heap.free(q2);
    const n = heap.put(new Int32Array([1, 1, -1, 0, 0]) as any);
    assert.is(X.nms_f32__scalar(py, px, px, 0, 0, 0, n, py), -2, 'negative box count');
    heap.free(n);
  } finally { for (const q of [px, py, pd, bad, far, neg]) heap.free(q); }
});

test.run();

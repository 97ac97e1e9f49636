// The pooling family as runtime nodes with ONNX semantics (src/runtime/ops/poolnd.ts, roi.ts), in
// tiny bundles, against plain JS readings of the definitions: MaxPoolNd with Indices, AveragePoolNd
// (3-D, ceil_mode with count_include_pad, SAME_LOWER), LpPool, Global*Pool on 1-D / 3-D values,
// MaxUnpool (output_shape as a graph input), RoiAlign, MaxRoiPool, NonMaxSuppression (thresholds
// as graph inputs, several batches and classes, output lengths that change with the data on one
// model: the measure() plan step). Reference mode gives the same bits; refusals give their codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng, throwsCode } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { prod, outDims, poolOracle, type Geo } from '../ref/pool.ts';

type IO = { name: string; shape: number[]; format?: string };
function bundle(nodes: any[], inputs: IO[], outputs: IO[], tensors: Record<string, any> = {}) {
  return writeBundle({ graph: { inputs: inputs.map((i) => ({ format: 'f32', ...i })), outputs: outputs.map((o) => ({ format: 'f32', ...o })), nodes }, tensors });
}
const randF = (n: number, seed: number) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() % 2001) - 1000) / 128); };
const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  assert.is(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(Number(got[i]) - want[i]) <= tol * (1 + Math.abs(want[i])), `${what} [${i}]: ${got[i]} vs ${want[i]}`);
};
const same = (a: ArrayBufferView, b: ArrayBufferView) => assert.equal(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

test('MaxPoolNd / AveragePoolNd / LpPool on 1-3 spatial dims with pads, strides, dilations, ceil_mode, count_include_pad; Indices', async () => {
  const a = await getAlloy();
  const cases: { x: number[]; k: number[]; s: number[]; d: number[]; pads: number[]; ceil: number }[] = [
    { x: [1, 2, 11], k: [3], s: [2], d: [1], pads: [1, 2], ceil: 1 },
    { x: [2, 3, 7, 5], k: [2, 3], s: [1, 2], d: [2, 1], pads: [1, 0, 0, 2], ceil: 0 },
    { x: [1, 2, 5, 6, 7], k: [2, 2, 3], s: [2, 1, 2], d: [1, 1, 1], pads: [0, 1, 1, 1, 0, 1], ceil: 1 },
    { x: [1, 1, 17], k: [4], s: [1], d: [1], pads: [0, 0], ceil: 0 },
  ];
  for (const c of cases) {
    const nsp = c.k.length;
    const base = { N: c.x[0], C: c.x[1], ins: c.x.slice(2), k: c.k, s: c.s, d: c.d, pb: c.pads.slice(0, nsp), pe: c.pads.slice(nsp) };
    const g: Geo = { ...base, outs: outDims(base, c.ceil === 1) };
    const ys = [c.x[0], c.x[1], ...g.outs];
    const attrs = { kernel_shape: c.k, strides: c.s, pads: c.pads, ceil_mode: c.ceil };
    const x = randF(prod(c.x), nsp);
    const feeds = { x: { data: x, shape: c.x } };
    const mp = bundle([{ name: 'mp', op: 'MaxPoolNd', inputs: ['x'], outputs: ['y', 'i'], attrs: { ...attrs, dilations: c.d } }], [{ name: 'x', shape: c.x }], [{ name: 'y', shape: ys }, { name: 'i', shape: ys, format: 'i64' }]);
    const out = a.load(mp).run(feeds), ref = a.load(mp, { kernels: 'reference' }).run(feeds);
    const want = poolOracle(x, g, 0, 2, 0);
    assert.equal(out.y.shape, ys);
    assert.equal(Array.from(out.y.data as Float32Array), want.y, `max ${JSON.stringify(c)}`);
    assert.equal(Array.from(out.i.data as BigInt64Array, Number), want.idx, 'indices');
    same(out.y.data as Float32Array, ref.y.data as Float32Array);
    const gd = { ...g, d: c.d.map(() => 1) };
    const bd = { ...base, d: c.d.map(() => 1) };
    gd.outs = outDims(bd, c.ceil === 1);
    for (const cip of [0, 1]) {
      const ap = bundle([{ name: 'ap', op: 'AveragePoolNd', inputs: ['x'], outputs: ['y'], attrs: { ...attrs, count_include_pad: cip } }], [{ name: 'x', shape: c.x }], [{ name: 'y', shape: [c.x[0], c.x[1], ...gd.outs] }]);
      const y = a.load(ap).run(feeds).y, yr = a.load(ap, { kernels: 'reference' }).run(feeds).y;
      assert.equal(Array.from(y.data as Float32Array), poolOracle(x, gd, cip ? 2 : 1, 2, 0).y, `avg cip ${cip} ${JSON.stringify(c)}`);
      same(y.data as Float32Array, yr.data as Float32Array);
    }
    const lp = bundle([{ name: 'lp', op: 'LpPool', inputs: ['x'], outputs: ['y'], attrs: { ...attrs, ceil_mode: 0, p: 3 } }], [{ name: 'x', shape: c.x }], [{ name: 'y', shape: [c.x[0], c.x[1], ...outDims(bd, false)] }]);
    close(a.load(lp).run(feeds).y.data as Float32Array, poolOracle(x, { ...gd, outs: outDims(bd, false) }, 3, 3, 0).y, 1e-5, 'LpPool p 3');
  }
});

test('MaxPoolNd: u8 and i64 values, SAME_LOWER / SAME_UPPER pads, storage_order 1 Indices', async () => {
  const a = await getAlloy();
  const shape = [1, 2, 4, 5], x = new Uint8Array(prod(shape)).map((_, i) => (i * 37) % 251);
  for (const ap of ['SAME_UPPER', 'SAME_LOWER']) {
    // out = ceil(in / stride); total pad = (out - 1) * stride + k - in, the odd one at the end (UPPER) or start
    const outs = [2, 3], tot = [(2 - 1) * 2 + 3 - 4, (3 - 1) * 2 + 3 - 5];
    const pb = tot.map((t) => (ap === 'SAME_UPPER' ? Math.floor(t / 2) : t - Math.floor(t / 2)));
    const g: Geo = { N: 1, C: 2, ins: [4, 5], k: [3, 3], s: [2, 2], d: [1, 1], pb, pe: tot.map((t, i) => t - pb[i]), outs };
    const m = a.load(bundle([{ name: 'mp', op: 'MaxPoolNd', inputs: ['x'], outputs: ['y', 'i'], attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: ap, storage_order: 1 } }],
      [{ name: 'x', shape, format: 'u8' }], [{ name: 'y', shape: [1, 2, ...outs], format: 'u8' }, { name: 'i', shape: [1, 2, ...outs], format: 'i64' }]));
    const out = m.run({ x: { data: x, shape } }), want = poolOracle(x, g, 0, 2, 1);
    assert.equal(Array.from(out.y.data as Uint8Array), want.y, ap);
    assert.equal(Array.from(out.i.data as BigInt64Array, Number), want.idx, `${ap} column-major indices`);
  }
  const xi = new BigInt64Array([5n, -3n, 9n, 9007199254740993n, 2n, -7n]);
  const y = a.load(bundle([{ name: 'mp', op: 'MaxPoolNd', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2], strides: [2] } }], [{ name: 'x', shape: [1, 1, 6], format: 'i64' }], [{ name: 'y', shape: [1, 1, 3], format: 'i64' }]))
    .run({ x: { data: xi, shape: [1, 1, 6] } }).y;
  assert.equal(Array.from(y.data as BigInt64Array), [5n, 9007199254740993n, 2n]);
});

test('Global*Pool n-d: GlobalMaxPoolNd / GlobalAveragePoolNd / GlobalLpPool on 1-D and 3-D values, dynamic dims', async () => {
  const a = await getAlloy();
  for (const shape of [[2, 3, 7], [1, 2, 3, 4, 5]]) {
    const x = randF(prod(shape), 3), sp = prod(shape.slice(2)), outs = [shape[0], shape[1], ...shape.slice(2).map(() => 1)];
    const dyn = shape.map((d, i) => (i >= 2 ? -1 : d));
    const m = a.load(bundle([
      { name: 'gm', op: 'GlobalMaxPoolNd', inputs: ['x'], outputs: ['m'] },
      { name: 'ga', op: 'GlobalAveragePoolNd', inputs: ['x'], outputs: ['v'] },
      { name: 'gl', op: 'GlobalLpPool', inputs: ['x'], outputs: ['l'], attrs: { p: 2 } },
    ], [{ name: 'x', shape: dyn }], [{ name: 'm', shape: outs }, { name: 'v', shape: outs }, { name: 'l', shape: outs }]));
    const out = m.run({ x: { data: x, shape } });
    const wm: number[] = [], wa: number[] = [], wl: number[] = [];
    for (let c = 0; c < shape[0] * shape[1]; c++) {
      const v = Array.from(x.subarray(c * sp, (c + 1) * sp));
      let s = 0; for (const e of v) s = Math.fround(s + e);
      wm.push(Math.max(...v)); wa.push(Math.fround(s / sp)); wl.push(Math.sqrt(v.reduce((q, e) => q + e * e, 0)));
    }
    assert.equal(out.m.shape, outs);
    assert.equal(Array.from(out.m.data as Float32Array), wm);
    assert.equal(Array.from(out.v.data as Float32Array), wa);
    close(out.l.data as Float32Array, wl, 1e-5, 'GlobalLpPool');
  }
});

test('MaxUnpool: default shape and output_shape as a graph input (indices keep their place in the default output)', async () => {
  const a = await getAlloy();
  const x = new Float32Array([1, 2, 3, 4]), ind = new BigInt64Array([5n, 7n, 13n, 15n]);
  const node = (ins: string[]) => [{ name: 'u', op: 'MaxUnpool', inputs: ins, outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }];
  const io = [{ name: 'x', shape: [1, 1, 2, 2] }, { name: 'i', shape: [1, 1, 2, 2], format: 'i64' }];
  const y = a.load(bundle(node(['x', 'i']), io, [{ name: 'y', shape: [1, 1, 4, 4] }])).run({ x: { data: x, shape: [1, 1, 2, 2] }, i: { data: ind, shape: [1, 1, 2, 2] } }).y;
  const want = new Array(16).fill(0); [5, 7, 13, 15].forEach((p, k) => { want[p] = k + 1; });
  assert.equal(Array.from(y.data as Float32Array), want);
  const m = a.load(bundle(node(['x', 'i', 's']), [...io, { name: 's', shape: [4], format: 'i64' }], [{ name: 'y', shape: [1, 1, -1, -1] }]));
  const feeds = (s: bigint[]) => ({ x: { data: x, shape: [1, 1, 2, 2] }, i: { data: ind, shape: [1, 1, 2, 2] }, s: { data: new BigInt64Array(s), shape: [4] } });
  const y5 = m.run(feeds([1n, 1n, 5n, 5n])).y;
  assert.equal(y5.shape, [1, 1, 5, 5]);
  const w5 = new Array(25).fill(0); [[1, 1], [1, 3], [3, 1], [3, 3]].forEach(([r, c], k) => { w5[r * 5 + c] = k + 1; });
  assert.equal(Array.from(y5.data as Float32Array), w5);
  throwsCode(() => m.run(feeds([1n, 1n, 3n, 3n])), 'BAD_INPUT', /"u".*outside/);
  throwsCode(() => m.run(feeds([1n, 2n, 4n, 4n])), 'SHAPE_MISMATCH', /output_shape/);
  throwsCode(() => a.load(bundle(node(['x', 'i']), io, [{ name: 'y', shape: [1, 1, 4, 4] }])).run({ x: { data: x, shape: [1, 1, 2, 2] }, i: { data: new BigInt64Array([0n, 1n, 2n, 16n]), shape: [1, 1, 2, 2] } }), 'BAD_INPUT', /outside/);
});

// RoiAlign, avg / max, half_pixel / output_half_pixel: the definition read sample by sample (f64)
function roiAlignRef(x: Float32Array, [N, C, H, W]: number[], rois: number[], b: number[], oh: number, ow: number, sr: number, scale: number, max: boolean, half: boolean): number[] {
  void N;
  const y: number[] = [], off = half ? 0.5 : 0;
  for (let r = 0; r < b.length; r++) {
    const [x1, y1, x2, y2] = rois.slice(4 * r, 4 * r + 4).map((v) => v * scale - off);
    let rw = x2 - x1, rh = y2 - y1;
    if (!half) { rw = Math.max(rw, 1); rh = Math.max(rh, 1); }
    const bh = rh / oh, bw = rw / ow, gh = sr || Math.ceil(rh / oh), gw = sr || Math.ceil(rw / ow);
    const at = (c: number, yy: number, xx: number) => x[((b[r] * C + c) * H + yy) * W + xx];
    for (let c = 0; c < C; c++) for (let ph = 0; ph < oh; ph++) for (let pw = 0; pw < ow; pw++) {
      let acc = max ? -Infinity : 0;
      for (let iy = 0; iy < gh; iy++) for (let ix = 0; ix < gw; ix++) {
        let yy = y1 + ph * bh + (iy + 0.5) * bh / gh, xx = x1 + pw * bw + (ix + 0.5) * bw / gw, v = 0;
        if (!(yy < -1 || yy > H || xx < -1 || xx > W)) {
          yy = Math.max(yy, 0); xx = Math.max(xx, 0);
          let yl = Math.floor(yy), xl = Math.floor(xx), yh = yl + 1, xh = xl + 1;
          if (yl >= H - 1) { yl = yh = H - 1; yy = yl; }
          if (xl >= W - 1) { xl = xh = W - 1; xx = xl; }
          const ly = yy - yl, lx = xx - xl;
          const t = [(1 - ly) * (1 - lx) * at(c, yl, xl), (1 - ly) * lx * at(c, yl, xh), ly * (1 - lx) * at(c, yh, xl), ly * lx * at(c, yh, xh)];
          v = max ? Math.max(...t) : t[0] + t[1] + t[2] + t[3];
        }
        acc = max ? Math.max(acc, v) : acc + v;
      }
      y.push(max ? acc : acc / Math.max(gh * gw, 1));
    }
  }
  return y;
}

test('RoiAlign: avg / max, half_pixel / output_half_pixel, fixed and adaptive sampling, rois past the edges', async () => {
  const a = await getAlloy();
  const xs = [2, 3, 7, 9], x = randF(prod(xs), 5);
  const rois = [0, 0, 8, 6, 1.5, 2.25, 4, 5.5, -2, -1, 3, 2, 6, 4, 12, 9, 1, 1, 1.2, 1.1], b = [0, 1, 1, 0, 1];
  for (const [mode, ctm, sr, scale] of [['avg', 'half_pixel', 2, 1], ['avg', 'output_half_pixel', 0, 0.5], ['max', 'half_pixel', 0, 1], ['max', 'output_half_pixel', 3, 0.75]] as const) {
    const m = a.load(bundle([{ name: 'ra', op: 'RoiAlign', inputs: ['x', 'r', 'b'], outputs: ['y'], attrs: { mode, coordinate_transformation_mode: ctm, sampling_ratio: sr, spatial_scale: scale, output_height: 3, output_width: 2 } }],
      [{ name: 'x', shape: xs }, { name: 'r', shape: [5, 4] }, { name: 'b', shape: [5], format: 'i64' }], [{ name: 'y', shape: [5, 3, 3, 2] }]));
    const y = m.run({ x: { data: x, shape: xs }, r: { data: new Float32Array(rois), shape: [5, 4] }, b: { data: new BigInt64Array(b.map(BigInt)), shape: [5] } }).y;
    close(y.data as Float32Array, roiAlignRef(x, xs, rois, b, 3, 2, sr, scale, mode === 'max', ctm === 'half_pixel'), 1e-5, `${mode} ${ctm}`);
    throwsCode(() => m.run({ x: { data: x, shape: xs }, r: { data: new Float32Array(rois), shape: [5, 4] }, b: { data: new BigInt64Array([0n, 1n, 2n, 0n, 0n]), shape: [5] } }), 'BAD_INPUT', /"ra".*batch index/);
  }
});

test('MaxRoiPool: rounded corners, bins clipped to the image, empty bins 0', async () => {
  const a = await getAlloy();
  const xs = [2, 2, 6, 8], x = randF(prod(xs), 9), [, C, H, W] = xs;
  const rois = [0, 0, 0, 7, 5, 1, 2.5, 1.4, 5.6, 3.5, 1, 6, 4, 12, 9, 0, -3, -3, -1, -1];
  const m = a.load(bundle([{ name: 'rp', op: 'MaxRoiPool', inputs: ['x', 'r'], outputs: ['y'], attrs: { pooled_shape: [2, 3], spatial_scale: 1 } }],
    [{ name: 'x', shape: xs }, { name: 'r', shape: [4, 5] }], [{ name: 'y', shape: [4, 2, 2, 3] }]));
  const y = m.run({ x: { data: x, shape: xs }, r: { data: new Float32Array(rois), shape: [4, 5] } }).y;
  const rnd = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5), want: number[] = [];
  for (let r = 0; r < 4; r++) {
    const [bi, x1, y1, x2, y2] = rois.slice(5 * r, 5 * r + 5);
    const sw = rnd(x1), sh = rnd(y1), rw = Math.max(rnd(x2) - sw + 1, 1), rh = Math.max(rnd(y2) - sh + 1, 1);
    for (let c = 0; c < C; c++) for (let ph = 0; ph < 2; ph++) for (let pw = 0; pw < 3; pw++) {
      const clip = (v: number, n: number) => Math.min(Math.max(v, 0), n);
      const h0 = clip(Math.floor(ph * rh / 2) + sh, H), h1 = clip(Math.ceil((ph + 1) * rh / 2) + sh, H);
      const w0 = clip(Math.floor(pw * rw / 3) + sw, W), w1 = clip(Math.ceil((pw + 1) * rw / 3) + sw, W);
      let mx = h1 <= h0 || w1 <= w0 ? 0 : -Infinity;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) mx = Math.max(mx, x[((bi * C + c) * H + h) * W + w]);
      want.push(mx);
    }
  }
  assert.equal(Array.from(y.data as Float32Array), want);
  throwsCode(() => m.run({ x: { data: x, shape: xs }, r: { data: new Float32Array(rois.map((v, i) => (i === 15 ? 2 : v))), shape: [4, 5] } }), 'BAD_INPUT', /"rp".*batch index/);
});

// NonMaxSuppression read from its definition: per batch and class, scores above the threshold by
// score (ties: lower index), greedy IoU suppression
function nmsRef(boxes: number[], scores: number[], B: number, K: number, n: number, maxOut: number, iou: number, smin: number | undefined, center: boolean): number[] {
  const out: number[] = [];
  const corners = (b: number, i: number) => {
    const v = boxes.slice((b * n + i) * 4, (b * n + i) * 4 + 4);
    if (center) return [v[0] - v[2] / 2, v[0] + v[2] / 2, v[1] - v[3] / 2, v[1] + v[3] / 2];
    return [Math.min(v[1], v[3]), Math.max(v[1], v[3]), Math.min(v[0], v[2]), Math.max(v[0], v[2])];
  };
  const iouOf = (p: number[], q: number[]) => {
    const inter = Math.max(Math.min(p[1], q[1]) - Math.max(p[0], q[0]), 0) * Math.max(Math.min(p[3], q[3]) - Math.max(p[2], q[2]), 0);
    const a1 = (p[1] - p[0]) * (p[3] - p[2]), a2 = (q[1] - q[0]) * (q[3] - q[2]);
    return inter > 0 && a1 > 0 && a2 > 0 ? inter / (a1 + a2 - inter) : 0;
  };
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) {
    const sc = scores.slice((b * K + k) * n, (b * K + k + 1) * n);
    const cand = [...sc.keys()].filter((i) => smin === undefined || sc[i] > smin).sort((i, j) => sc[j] - sc[i] || i - j);
    const kept: number[] = [];
    for (const i of cand) {
      if (kept.length >= maxOut) break;
      if (kept.some((j) => iouOf(corners(b, i), corners(b, j)) > iou)) continue;
      kept.push(i); out.push(b, k, i);
    }
  }
  return out;
}

test('NonMaxSuppression: thresholds as graph inputs, two batches and three classes, output length from the data (measure), center boxes', async () => {
  const a = await getAlloy();
  const B = 2, K = 3, n = 11, r = rng(21);
  const boxes = Array.from({ length: B * n * 4 }, () => Math.fround((r() % 40) / 4)), center = [false, true];
  for (const cb of center) {
    const m = a.load(bundle([{ name: 'nms', op: 'NonMaxSuppression', inputs: ['b', 's', 'm', 'i', 't'], outputs: ['y'], attrs: { center_point_box: cb ? 1 : 0 } }],
      [{ name: 'b', shape: [B, n, 4] }, { name: 's', shape: [B, K, n] }, { name: 'm', shape: [1], format: 'i64' }, { name: 'i', shape: [1] }, { name: 't', shape: [1] }],
      [{ name: 'y', shape: [-1, 3], format: 'i64' }]));
    const lens = new Set<number>();
    for (const [seed, maxOut, iou, smin] of [[1, 4, 0.3, 0.2], [2, 11, 0.5, 0], [3, 2, 0, 0.6], [4, 0, 0.5, 0], [1, 100, 0.9, -1]] as const) {
      const rs = rng(seed), scores = Array.from({ length: B * K * n }, () => Math.fround((rs() % 10) / 10));
      const y = m.run({ b: { data: new Float32Array(boxes), shape: [B, n, 4] }, s: { data: new Float32Array(scores), shape: [B, K, n] }, m: { data: new BigInt64Array([BigInt(maxOut)]), shape: [1] },
        i: { data: new Float32Array([iou]), shape: [1] }, t: { data: new Float32Array([smin]), shape: [1] } }).y;
      const want = nmsRef(boxes, scores, B, K, n, Math.min(maxOut, n), Math.fround(iou), Math.fround(smin), cb);
      assert.equal(y.shape, [want.length / 3, 3]);
      assert.equal(Array.from(y.data as BigInt64Array, Number), want, `seed ${seed} center ${cb}`);
      lens.add(want.length);
    }
    assert.ok(lens.size >= 3, 'the output length changes with the data');
  }
  // absent optional inputs: max_output_boxes_per_class 0 (nothing selected)
  const m0 = a.load(bundle([{ name: 'nms', op: 'NonMaxSuppression', inputs: ['b', 's'], outputs: ['y'] }], [{ name: 'b', shape: [1, -1, 4] }, { name: 's', shape: [1, 1, -1] }], [{ name: 'y', shape: [-1, 3], format: 'i64' }]));
  assert.equal(m0.run({ b: { data: new Float32Array(8), shape: [1, 2, 4] }, s: { data: new Float32Array([1, 2]), shape: [1, 1, 2] } }).y.shape, [0, 3]);
  throwsCode(() => m0.run({ b: { data: new Float32Array(12), shape: [1, 3, 4] }, s: { data: new Float32Array([1, 2]), shape: [1, 1, 2] } }), 'SHAPE_MISMATCH', /"nms".*boxes/);
});

test('refusals: types, attributes, shapes name the node', async () => {
  const a = await getAlloy();
  const one = (op: string, attrs: any, x: IO, outs: IO[] = [{ name: 'y', shape: [1, 1, 1] }], extra: IO[] = []) =>
    () => a.load(bundle([{ name: 'p', op, inputs: ['x', ...extra.map((e) => e.name)], outputs: outs.map((o) => o.name), attrs }], [x, ...extra], outs));
  throwsCode(one('AveragePoolNd', { kernel_shape: [2] }, { name: 'x', shape: [1, 1, 4], format: 'i8' }), 'UNSUPPORTED_OP', /"p".*i8/);
  throwsCode(one('MaxPoolNd', { kernel_shape: [2] }, { name: 'x', shape: [1, 1, 4], format: 'f16' }), 'UNSUPPORTED_OP', /f16/);
  throwsCode(one('LpPool', { kernel_shape: [2], p: 0 }, { name: 'x', shape: [1, 1, 4] }), 'UNSUPPORTED_OP', /p 0/);
  const run = (op: string, attrs: any, shape: number[]) => () => a.load(bundle([{ name: 'p', op, inputs: ['x'], outputs: ['y'], attrs }], [{ name: 'x', shape: shape.map(() => -1) }], [{ name: 'y', shape: shape.map(() => -1) }])).run({ x: { data: new Float32Array(prod(shape)), shape } });
  throwsCode(run('MaxPoolNd', {}, [1, 1, 4]), 'BAD_GRAPH', /"p".*kernel_shape is required/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [2, 2] }, [1, 1, 4]), 'BAD_GRAPH', /kernel_shape/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [2], auto_pad: 'SAME' }, [1, 1, 4]), 'BAD_GRAPH', /auto_pad/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [5] }, [1, 1, 4]), 'SHAPE_MISMATCH', /smaller than the window/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [1, 1, 1, 1] }, [1, 1, 2, 2, 2, 2]), 'UNSUPPORTED_OP', /4 spatial dims/);
  throwsCode(run('AveragePoolNd', { kernel_shape: [2], count_include_pad: 2 }, [1, 1, 4]), 'BAD_GRAPH', /count_include_pad/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [2], strides: [0] }, [1, 1, 4]), 'BAD_GRAPH', /must be positive/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [2 ** 25], pads: [2 ** 25, 0] }, [1, 1, 4]), 'UNSUPPORTED_OP', /2\^24 taps/);
  throwsCode(run('MaxPoolNd', { kernel_shape: [2], pads: [2 ** 25, 0] }, [1, 1, 4]), 'UNSUPPORTED_OP', /pads/);
  throwsCode(run('RoiAlign', { mode: 'median' }, [1, 1, 4, 4]), 'BAD_GRAPH', /mode/);
  // a roi of 1e30 pixels with adaptive sampling: refused, not looped over
  const ra = a.load(bundle([{ name: 'ra', op: 'RoiAlign', inputs: ['x', 'r', 'b'], outputs: ['y'] }], [{ name: 'x', shape: [1, 1, 4, 4] }, { name: 'r', shape: [1, 4] }, { name: 'b', shape: [1], format: 'i64' }], [{ name: 'y', shape: [1, 1, 1, 1] }]));
  throwsCode(() => ra.run({ x: { data: new Float32Array(16), shape: [1, 1, 4, 4] }, r: { data: new Float32Array([0, 0, 1e30, 1e30]), shape: [1, 4] }, b: { data: new BigInt64Array(1), shape: [1] } }), 'BAD_INPUT', /"ra".*2\^32 samples/);
  throwsCode(run('MaxRoiPool', { pooled_shape: [0, 1] }, [1, 1, 4, 4]), 'BAD_GRAPH', /pooled_shape/);
});

test.run();

// Resize (the runtime op ResizeNd, ONNX semantics, assembly/nd/resize.ts) and GridSample
// (assembly/nd/gridsample.ts) in tiny bundles:
// 1. against plain JS oracles written from the definitions (the onnx reference's
//    interpolate_nd_with_x recursion: per point, neighbours chosen by distance on the edge-padded
//    axis; GridSample per point and tap), over every mode, coordinate transformation, nearest
//    mode, cubic a / exclude_outside, tf_crop_and_resize with roi and extrapolation, attrs.axes,
//    at awkward sizes (1, 3, 4, 5, 17 inner elements: the SIMD tails), ranks 1-5;
// 2. resize_nd_any__simd128 == resize_nd_any__scalar bit for bit (kernels: 'reference');
// 3. nearest on i64 / u8 / f64 values (bits copied); every refusal's code and message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng, throwsCode } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const randF = (n: number, seed: number) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() % 2001) - 1000) / 256); };
type Feed = { data: any; shape: number[] };

// ---------------------------------------------------------------- the Resize oracle (f64)
interface Opts { mode: string; coord: string; nearest: string; a: number; exclude: boolean; ext: number }
const DEF: Opts = { mode: 'nearest', coord: 'half_pixel', nearest: 'round_prefer_floor', a: -0.75, exclude: false, ext: 0 };

function coeffs(ratio: number, o: Opts): number[] {
  if (o.mode === 'linear') return [1 - ratio, ratio];
  if (o.mode === 'cubic') {
    const A = o.a, r = ratio;
    return [((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A, ((A + 2) * r - (A + 3)) * r * r + 1,
      ((A + 2) * (1 - r) - (A + 3)) * (1 - r) * (1 - r) + 1, ((A * (2 - r) - 5 * A) * (2 - r) + 8 * A) * (2 - r) - 4 * A];
  }
  if (ratio === 1) return [0, 1];
  const m = o.nearest;
  return m === 'round_prefer_floor' ? [+(ratio <= 0.5), +(ratio > 0.5)] : m === 'round_prefer_ceil' ? [+(ratio < 0.5), +(ratio >= 0.5)] : m === 'floor' ? [1, 0] : [0, 1];
}

/** One axis: data (length n) sampled at output index x, scale s, roi [st, en]. */
function interp1(data: number[], s: number, x: number, o: Opts, roi: [number, number], outInt: number): number {
  const n = data.length, L = s * n;
  let xo: number;
  switch (o.coord) {
    case 'align_corners': xo = L === 1 ? 0 : (x * (n - 1)) / (L - 1); break;
    case 'asymmetric': xo = x / s; break;
    case 'tf_half_pixel_for_nn': xo = (x + 0.5) / s; break;
    case 'pytorch_half_pixel': xo = L === 1 ? -0.5 : (x + 0.5) / s - 0.5; break;
    case 'half_pixel_symmetric': xo = (n / 2) * (1 - outInt / L) + (x + 0.5) / s - 0.5; break;
    case 'tf_crop_and_resize':
      xo = (L === 1 ? ((roi[1] - roi[0]) * (n - 1)) / 2 : (x * (roi[1] - roi[0]) * (n - 1)) / (L - 1)) + roi[0] * (n - 1);
      if (xo < 0 || xo > n - 1) return o.ext;
      break;
    default: xo = (x + 0.5) / s - 0.5;
  }
  const ratio = Number.isInteger(xo) ? 1 : xo - Math.floor(xo);
  const c = coeffs(ratio, o), k = c.length, pad = Math.ceil(k / 2);
  // the k indices of the edge-padded axis closest to xo (ties: the lower)
  const idx = Array.from({ length: n + 2 * pad }, (_, p) => p - pad).sort((p, q) => Math.abs(xo - p) - Math.abs(xo - q) || p - q).slice(0, k).sort((p, q) => p - q);
  if (o.exclude) { idx.forEach((i, j) => { if (i < 0 || i >= n) c[j] = 0; }); const t = c.reduce((u, v) => u + v, 0); for (let j = 0; j < k; j++) c[j] /= t; }
  return idx.reduce((acc, i, j) => acc + c[j] * data[Math.min(Math.max(i, 0), n - 1)], 0);
}

/** Resize x (dims d) to out with scales s per axis (outer axes resample the inner results). */
function oracle(x: ArrayLike<number>, d: number[], out: number[], s: number[], o: Opts, roi?: number[]): number[] {
  const r = d.length, st = d.map((_, i) => prod(d.slice(i + 1)));
  const at = (base: number, ax: number, pt: number[]): number => {
    if (ax === r) return Number(x[base]);
    const col = Array.from({ length: d[ax] }, (_, i) => at(base + i * st[ax], ax + 1, pt));
    return interp1(col, s[ax], pt[ax], o, roi ? [roi[ax], roi[r + ax]] : [0, 1], out[ax]);
  };
  return Array.from({ length: prod(out) }, (_, e) => { const pt = out.map(() => 0); for (let i = r - 1; i >= 0; i--) { pt[i] = e % out[i]; e = Math.floor(e / out[i]); } return at(0, 0, pt); });
}

// ---------------------------------------------------------------- bundles
function resizeModel(xs: number[], fmt: string, attrs: Record<string, unknown>, args: { roi?: number[]; scales?: number[]; sizes?: number[] }, stored = false) {
  const inputs: any[] = [{ name: 'x', shape: xs, format: fmt }], tensors: Record<string, any> = {};
  const add = (name: string, format: string, data: ArrayBufferView, n: number) => { if (stored) tensors[name] = { format, shape: [n], data }; else inputs.push({ name, shape: [-1], format }); };
  if (args.roi) add('roi', 'f32', new Float32Array(args.roi), args.roi.length);
  if (args.scales) add('scales', 'f32', new Float32Array(args.scales), args.scales.length);
  if (args.sizes) add('sizes', 'i64', new BigInt64Array(args.sizes.map(BigInt)), args.sizes.length);
  const node = { name: 'rs', op: 'ResizeNd', inputs: ['x', args.roi ? 'roi' : '', args.scales ? 'scales' : '', args.sizes ? 'sizes' : ''].filter((n, i, all) => n || all.slice(i).some((m) => m)), outputs: ['y'], attrs };
  return writeBundle({ graph: { inputs, outputs: [{ name: 'y', shape: xs.map(() => -1), format: fmt }], nodes: [node] }, tensors });
}
function feedsOf(x: Feed, args: { roi?: number[]; scales?: number[]; sizes?: number[] }): Record<string, Feed> {
  const f: Record<string, Feed> = { x };
  if (args.roi) f.roi = { data: new Float32Array(args.roi), shape: [args.roi.length] };
  if (args.scales) f.scales = { data: new Float32Array(args.scales), shape: [args.scales.length] };
  if (args.sizes) f.sizes = { data: new BigInt64Array(args.sizes.map(BigInt)), shape: [args.sizes.length] };
  return f;
}

async function checkResize(xs: number[], o: Opts, args: { roi?: number[]; scales?: number[]; sizes?: number[] }, what: string, stored = false) {
  const a = await getAlloy();
  const attrs = { mode: o.mode, coordinate_transformation_mode: o.coord, nearest_mode: o.nearest, cubic_coeff_a: o.a, exclude_outside: o.exclude ? 1 : 0, extrapolation_value: o.ext };
  const m = resizeModel(xs, 'f32', attrs, args, stored);
  const x = randF(prod(xs), xs.length * 31 + prod(xs));
  const feeds = stored ? { x: { data: x, shape: xs } } : feedsOf({ data: x, shape: xs }, args);
  const y = a.load(m).run(feeds).y, yr = a.load(m, { kernels: 'reference' }).run(feeds).y;
  const out = args.sizes ?? xs.map((d, i) => Math.floor(d * Math.fround(args.scales![i])));
  const s = args.sizes ? out.map((v, i) => v / xs[i]) : args.scales!.map(Math.fround);
  const want = oracle(x, xs, out, s, o, args.roi?.map(Math.fround));
  assert.equal(y.shape, out, what);
  const got = y.data as Float32Array;
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 2e-5 * (1 + Math.abs(want[i])), `${what} [${i}]: ${got[i]} vs ${want[i]}`);
  assert.equal(new Uint8Array(got.buffer.slice(0)), new Uint8Array((yr.data as Float32Array).buffer.slice(0)), `${what}: reference mode`);
}

const COORDS = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn'];

test('Resize nearest: every coordinate transformation x nearest mode, scales and sizes, 2-D and 4-D (= the oracle; reference mode: the same bits)', async () => {
  for (const coord of COORDS) for (const nearest of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
    const o = { ...DEF, coord, nearest };
    await checkResize([1, 2, 4, 5], o, { scales: [1, 1, 1.75, 0.6] }, `${coord} ${nearest} scales`);
    await checkResize([3, 7], o, { sizes: [8, 17] }, `${coord} ${nearest} sizes`);
  }
});

test('Resize linear and cubic: every coordinate transformation, up and down, inner sizes 1 / 3 / 4 / 5 / 17, ranks 1-5', async () => {
  const shapes: [number[], number[]][] = [[[17], [2.5]], [[5, 4], [0.6, 3.25]], [[2, 3, 4, 17], [1, 1, 1.5, 0.5]], [[1, 3, 5, 4, 3], [1, 1, 2, 0.75, 1.4]], [[2, 3, 5], [1.8, 0.4, 1]], [[1, 1, 1, 9], [1, 1, 3, 1]]];
  for (const mode of ['linear', 'cubic']) for (const coord of COORDS) for (const [xs, sc] of shapes) await checkResize(xs, { ...DEF, mode, coord }, { scales: sc }, `${mode} ${coord} ${JSON.stringify(xs)} x ${JSON.stringify(sc)}`);
  for (const [xs, sz] of [[[4, 4], [9, 10]], [[1, 2, 5, 5], [1, 2, 3, 1]], [[3, 1], [7, 1]], [[4, 5], [1, 1]]] as const) {
    for (const coord of COORDS) for (const mode of ['linear', 'cubic']) await checkResize([...xs], { ...DEF, mode, coord }, { sizes: [...sz] }, `${mode} ${coord} sizes ${JSON.stringify(sz)}`);
  }
});

test('resize_nd_any__simd128 == resize_nd_any__scalar bit for bit: inner runs and last-axis outputs of 1, 3, 4, 5, 7, 8, 9, 13, 17', async () => {
  const a = await getAlloy();
  for (const mode of ['linear', 'cubic']) for (const n of [1, 3, 4, 5, 7, 8, 9, 13, 17]) {
    for (const [xs, sizes] of [[[3, n], [5, n]], [[2, n + 2], [2, n]], [[n, 6], [n, n + 3]]]) {
      const m = resizeModel(xs, 'f32', { mode }, { sizes }), feeds = feedsOf({ data: randF(prod(xs), n), shape: xs }, { sizes });
      const y = a.load(m).run(feeds).y.data as Float32Array, yr = a.load(m, { kernels: 'reference' }).run(feeds).y.data as Float32Array;
      assert.equal(new Uint8Array(y.buffer.slice(0)), new Uint8Array(yr.buffer.slice(0)), `${mode} ${JSON.stringify(xs)} -> ${JSON.stringify(sizes)}`);
    }
  }
});

test('Resize cubic: cubic_coeff_a, exclude_outside; values given as stored tensors', async () => {
  for (const a of [-0.5, -0.75, -0.3]) for (const exclude of [false, true]) {
    await checkResize([1, 1, 4, 6], { ...DEF, mode: 'cubic', a, exclude }, { scales: [1, 1, 2, 0.8] }, `a ${a} exclude ${exclude}`);
    await checkResize([1, 1, 4, 6], { ...DEF, mode: 'cubic', a, exclude }, { sizes: [1, 1, 9, 5] }, `a ${a} exclude ${exclude} stored`, true);
  }
});

test('Resize tf_crop_and_resize: roi, extrapolation_value (extrapolated inner values mix along outer axes, as the reference)', async () => {
  for (const mode of ['nearest', 'linear', 'cubic']) {
    await checkResize([1, 1, 4, 4], { ...DEF, mode, coord: 'tf_crop_and_resize', ext: 10 }, { roi: [0, 0, 0.4, 0.6, 1, 1, 1.2, 1.7], sizes: [1, 1, 3, 3] }, `${mode} crop`);
    await checkResize([2, 5, 7], { ...DEF, mode, coord: 'tf_crop_and_resize', ext: -2 }, { roi: [0, -0.3, 0.1, 1, 1.1, 0.9], sizes: [2, 6, 5] }, `${mode} crop, outside on two axes`);
    await checkResize([6, 5], { ...DEF, mode, coord: 'tf_crop_and_resize' }, { roi: [0.2, 0.5, 0.7, 0.5], sizes: [1, 4] }, `${mode} crop to one row`);
  }
});

test('Resize attrs.axes (opset 18): scales / sizes / roi of the listed axes only', async () => {
  const a = await getAlloy();
  const xs = [2, 3, 4, 5], x = randF(prod(xs), 3);
  const m = a.load(resizeModel(xs, 'f32', { mode: 'linear', axes: [3, -2] }, { scales: [0.6, 1.5] }));
  const y = m.run(feedsOf({ data: x, shape: xs }, { scales: [0.6, 1.5] })).y;
  const want = oracle(x, xs, [2, 3, 6, 3], [1, 1, 1.5, Math.fround(0.6)], { ...DEF, mode: 'linear' });
  assert.equal(y.shape, [2, 3, 6, 3]);
  want.forEach((w, i) => assert.ok(Math.abs((y.data as Float32Array)[i] - w) < 1e-5, `[${i}]`));
});

test('Resize nearest on i64 / u8 / f64 / f16 values copies the elements', async () => {
  const a = await getAlloy();
  const xs = [2, 3, 5], sizes = [3, 7, 4];
  const src = Array.from({ length: prod(xs) }, (_, i) => i * 7 - 40);
  const want = oracle(src, xs, sizes, sizes.map((v, i) => v / xs[i]), DEF);
  const kinds: [string, (v: number[]) => any][] = [['i64', (v) => new BigInt64Array(v.map(BigInt))], ['u8', (v) => new Uint8Array(v.map((u) => u & 255))], ['f64', (v) => new Float64Array(v)], ['i32', (v) => new Int32Array(v)]];
  for (const [fmt, mk] of kinds) {
    const y = a.load(resizeModel(xs, fmt, { mode: 'nearest' }, { sizes })).run(feedsOf({ data: mk(src), shape: xs }, { sizes })).y;
    assert.is(y.dtype, fmt);
    assert.equal([...(y.data as any)].map(Number), [...mk(want)].map(Number), fmt);
  }
});

test('Resize refusals: bad attributes, modes on other types, scales and sizes together or of the wrong length, bad values, empty axes', async () => {
  const a = await getAlloy();
  const xs = [1, 1, 2, 2], x = { data: randF(4, 1), shape: xs };
  throwsCode(() => a.load(resizeModel(xs, 'f32', { mode: 'area' }, { scales: [1, 1, 2, 2] })), 'BAD_GRAPH', /"rs".*attrs\.mode "area"/);
  throwsCode(() => a.load(resizeModel(xs, 'f32', { coordinate_transformation_mode: 'corners' }, { scales: [1, 1, 2, 2] })), 'BAD_GRAPH', /coordinate_transformation_mode/);
  throwsCode(() => a.load(resizeModel(xs, 'f32', { mode: 'linear', antialias: 1 }, { scales: [1, 1, 2, 2] })), 'UNSUPPORTED_OP', /antialias/);
  throwsCode(() => a.load(resizeModel(xs, 'f32', { keep_aspect_ratio_policy: 'not_larger' }, { sizes: [1, 1, 3, 3] })), 'UNSUPPORTED_OP', /keep_aspect_ratio_policy/);
  throwsCode(() => a.load(resizeModel(xs, 'i32', { mode: 'linear' }, { scales: [1, 1, 2, 2] })), 'UNSUPPORTED_OP', /linear on i32/);
  throwsCode(() => a.load(resizeModel(xs, 'f32', { axes: [0, 0] }, { scales: [1, 1] })).run(feedsOf(x, { scales: [1, 1] })), 'BAD_GRAPH', /axes/);
  const both = a.load(resizeModel(xs, 'f32', {}, { scales: [1, 1, 2, 2], sizes: [1, 1, 4, 4] }));
  throwsCode(() => both.run(feedsOf(x, { scales: [1, 1, 2, 2], sizes: [1, 1, 4, 4] })), 'BAD_GRAPH', /both scales and sizes/);
  throwsCode(() => both.run(feedsOf(x, { scales: [], sizes: [] })), 'BAD_GRAPH', /neither scales nor sizes/);
  const sc = a.load(resizeModel(xs, 'f32', {}, { scales: [1, 1, 2, 2] }));
  throwsCode(() => sc.run(feedsOf(x, { scales: [1, 2, 2] })), 'SHAPE_MISMATCH', /scales holds 3 values for 4/);
  throwsCode(() => sc.run(feedsOf(x, { scales: [1, 1, -2, 2] })), 'BAD_INPUT', /positive and finite/);
  throwsCode(() => sc.run(feedsOf(x, { scales: [1, 1, NaN, 2] })), 'BAD_INPUT', /positive and finite/);
  throwsCode(() => sc.run(feedsOf(x, { scales: [1, 1, 3e9, 2] })), 'BAD_INPUT', /above 2\^31/);
  const sz = a.load(resizeModel([1, 0, 2], 'f32', {}, { sizes: [1, 2, 2] }));
  throwsCode(() => sz.run(feedsOf({ data: new Float32Array(0), shape: [1, 0, 2] }, { sizes: [1, 2, 2] })), 'BAD_INPUT', /axis 1 is empty/);
  throwsCode(() => sz.run(feedsOf({ data: new Float32Array(0), shape: [1, 0, 2] }, { sizes: [1, -2, 2] })), 'BAD_INPUT', /non-negative/);
  const crop = a.load(resizeModel(xs, 'f32', { coordinate_transformation_mode: 'tf_crop_and_resize' }, { sizes: [1, 1, 3, 3] }));
  throwsCode(() => crop.run(feedsOf(x, { sizes: [1, 1, 3, 3] })), 'BAD_GRAPH', /tf_crop_and_resize needs roi of 8 values/);
  // an empty output is fine, also beside a huge width (no tables are built for it)
  assert.equal(sc.run(feedsOf(x, { scales: [1, 1, 0.1, 2] })).y.shape, [1, 1, 0, 4]);
  const wide = a.load(resizeModel(xs, 'f32', { mode: 'cubic' }, { sizes: [1, 1, 0, 2] }));
  assert.equal(wide.run(feedsOf(x, { sizes: [1, 1, 0, 2 ** 28] })).y.shape, [1, 1, 0, 2 ** 28]);
});

// ---------------------------------------------------------------- GridSample
function gsOracle(x: Float32Array, [N, C, H, W]: number[], g: Float32Array, Ho: number, Wo: number, mode: string, pad: string, align: boolean): number[] {
  const reflect = (v: number, lo: number, hi: number) => {
    const rg = hi - lo;
    if (rg <= 0) return lo;
    while (v < lo || v > hi) v = v < lo ? 2 * lo - v : 2 * hi - v;
    return v;
  };
  const coord = (gv: number, L: number) => {
    let v = align ? ((gv + 1) / 2) * (L - 1) : ((gv + 1) * L - 1) / 2;
    if (mode === 'bicubic') return v; // bicubic pads each tap only
    if (pad === 'border') v = Math.min(Math.max(v, 0), L - 1);
    if (pad === 'reflection') v = align ? reflect(v, 0, L - 1) : reflect(v, -0.5, L - 0.5);
    return v;
  };
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let k = 0; k < Ho * Wo; k++) {
    const px = coord(g[(n * Ho * Wo + k) * 2], W), py = coord(g[(n * Ho * Wo + k) * 2 + 1], H);
    const pix = (ix: number, iy: number) => {
      if (ix < 0 || ix >= W || iy < 0 || iy >= H) {
        if (pad === 'zeros') return 0;
        if (pad === 'border') { ix = Math.min(Math.max(ix, 0), W - 1); iy = Math.min(Math.max(iy, 0), H - 1); }
        else { ix = Math.trunc(align ? reflect(ix, 0, W - 1) : reflect(ix, -0.5, W - 0.5)); iy = Math.trunc(align ? reflect(iy, 0, H - 1) : reflect(iy, -0.5, H - 0.5)); }
      }
      return x[((n * C + c) * H + iy) * W + ix];
    };
    if (mode === 'nearest') {
      const rne = (v: number) => { const f = Math.floor(v), d = v - f; return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f; };
      out.push(pix(rne(px), rne(py)));
    } else if (mode === 'bilinear') {
      const x0 = Math.floor(px), y0 = Math.floor(py), dx = px - x0, dy = py - y0;
      out.push((pix(x0, y0) * (1 - dx) + pix(x0 + 1, y0) * dx) * (1 - dy) + (pix(x0, y0 + 1) * (1 - dx) + pix(x0 + 1, y0 + 1) * dx) * dy);
    } else {
      const cc = (t: number) => coeffs(t, { ...DEF, mode: 'cubic' });
      const x0 = Math.floor(px), y0 = Math.floor(py), cx = cc(px - x0), cy = cc(py - y0);
      let s = 0;
      for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) s += cy[j] * cx[i] * pix(x0 - 1 + i, y0 - 1 + j);
      out.push(s);
    }
  }
  return out;
}

function gsModel(xs: number[], gs: number[], attrs: Record<string, unknown>, fmt = 'f32') {
  return writeBundle({ graph: { inputs: [{ name: 'x', shape: xs, format: fmt }, { name: 'g', shape: gs, format: 'f32' }], outputs: [{ name: 'y', shape: [-1, -1, -1, -1], format: 'f32' }], nodes: [{ name: 'gs', op: 'GridSample', inputs: ['x', 'g'], outputs: ['y'], attrs }] }, tensors: {} });
}

test('GridSample: bilinear / nearest / bicubic x zeros / border / reflection x align_corners (= the oracle)', async () => {
  const a = await getAlloy();
  for (const [xs, Ho, Wo] of [[[2, 3, 5, 7], 4, 6], [[1, 2, 1, 4], 3, 1], [[1, 1, 6, 1], 2, 5]] as const) {
    const x = randF(prod(xs), 5), r = rng(prod(xs));
    const g = new Float32Array(xs[0] * Ho * Wo * 2).map(() => ((r() % 2001) - 1000) / 400);
    for (const mode of ['bilinear', 'nearest', 'bicubic']) for (const pad of ['zeros', 'border', 'reflection']) for (const align of [0, 1]) {
      const y = a.load(gsModel([...xs], [xs[0], Ho, Wo, 2], { mode, padding_mode: pad, align_corners: align })).run({ x: { data: x, shape: [...xs] }, g: { data: g, shape: [xs[0], Ho, Wo, 2] } }).y;
      const want = gsOracle(x, [...xs], g, Ho, Wo, mode, pad, !!align), what = `${JSON.stringify(xs)} ${mode} ${pad} ${align}`;
      assert.equal(y.shape, [xs[0], xs[1], Ho, Wo], what);
      want.forEach((w, i) => assert.ok(Math.abs((y.data as Float32Array)[i] - w) <= 1e-4 * (1 + Math.abs(w)), `${what} [${i}]: ${(y.data as Float32Array)[i]} vs ${w}`));
    }
  }
});

test('GridSample: opset 20 mode names; a NaN grid point gives NaN; refusals', async () => {
  const a = await getAlloy();
  const x = { data: randF(12, 2), shape: [1, 1, 3, 4] }, g = { data: new Float32Array([0.1, 0.2, NaN, 0, -0.4, 0.9]), shape: [1, 1, 3, 2] };
  const lin = a.load(gsModel([1, 1, 3, 4], [1, 1, 3, 2], { mode: 'linear' })).run({ x, g }).y.data as Float32Array;
  const bil = a.load(gsModel([1, 1, 3, 4], [1, 1, 3, 2], { mode: 'bilinear' })).run({ x, g }).y.data as Float32Array;
  assert.equal([...lin], [...bil]);
  assert.ok(Number.isNaN(bil[1]) && !Number.isNaN(bil[0]));
  const cub = a.load(gsModel([1, 1, 3, 4], [1, 1, 3, 2], { mode: 'cubic' })).run({ x, g }).y.data as Float32Array;
  assert.ok(Math.abs(cub[2] - gsOracle(x.data, [1, 1, 3, 4], g.data, 1, 3, 'bicubic', 'zeros', false)[2]) < 1e-5);
  throwsCode(() => a.load(gsModel([1, 1, 3, 4], [1, 1, 3, 2], { padding_mode: 'wrap' })), 'BAD_GRAPH', /"gs".*padding_mode "wrap"/);
  throwsCode(() => a.load(gsModel([1, 1, 3, 4], [1, 1, 3, 2], {}, 'i32')), 'UNSUPPORTED_OP', /input 0 is i32/);
  const m = a.load(gsModel([-1, -1, -1, -1], [-1, -1, -1, -1], {}));
  throwsCode(() => a.load(gsModel([-1, -1, -1], [-1, -1, -1, -1], {})).run({ x: { data: randF(12, 2), shape: [1, 12, 1] }, g }), 'UNSUPPORTED_OP', /rank-3/);
  throwsCode(() => m.run({ x, g: { data: new Float32Array(9), shape: [1, 1, 3, 3] } }), 'SHAPE_MISMATCH', /grid \[1,1,3,3\]/);
  throwsCode(() => m.run({ x: { data: new Float32Array(0), shape: [1, 1, 0, 4] }, g }), 'BAD_INPUT', /empty image/);
});

test.run();

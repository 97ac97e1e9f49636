// Resize (NHWC) nearest and bilinear.
//  1. Exact: each kernel equals a JS replica of the documented f32 formulas (Math.fround after every
//     operation), bit for bit; the bilinear SIMD kernel equals its scalar reference bit for bit.
//  2. Spec: against the ONNX Resize definition evaluated in f64 (coordinates and blend in f64).
//     Nearest: the same source pixel, except where the f64 coordinate lies within 1e-5 of a
//     rounding boundary (ties / integers), where f32 coordinate rounding may pick the neighbour.
//     Bilinear: |err| <= 4u * (|v00|+|v01|+|v10|+|v11|) + dX * (|v01-v00| + |v11-v10|)
//     + dY * (|v10-v00| + |v11-v01|), u = 2^-24: at most four roundings on the blend path
//     (weights exact-ish: 1-d is one rounding), and dX = 6u * (|xo| + 1), the f32 error of the
//     source coordinate (scale division, add, divide, subtract) moved through the slope.
//  3. ONNX's own test vectors (resize_upsample_sizes_nearest, resize_upsample_scales_linear and
//     its align_corners variant).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const u = 2 ** -24;
const fr = Math.fround;
function rand(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -21);
}

// f32 replica of the kernel's coordinate formula.
function coord32(o: number, L: number, OL: number, mode: number): number {
  const scale = fr(OL / L);
  if (mode === 1) return OL === 1 ? 0 : fr(fr(o * (L - 1)) / (OL - 1));
  if (mode === 2) return fr(o / scale);
  if (mode === 3 && OL <= 1) return 0;
  return fr(fr(fr(o + 0.5) / scale) - 0.5);
}
// ONNX spec, f64 (scale = output / input when sizes are given).
function coord64(o: number, L: number, OL: number, mode: number): number {
  const scale = OL / L;
  if (mode === 1) return OL === 1 ? 0 : (o * (L - 1)) / (OL - 1);
  if (mode === 2) return o / scale;
  if (mode === 3 && OL <= 1) return 0;
  return (o + 0.5) / scale - 0.5;
}
function nearest(xo: number, L: number, mode: number): number {
  let i: number;
  if (mode === 0) i = xo === Math.floor(xo) + 0.5 ? Math.floor(xo) : Math.round(xo);       // round_prefer_floor
  else if (mode === 1) i = xo === Math.floor(xo) + 0.5 ? Math.ceil(xo) : Math.round(xo);   // round_prefer_ceil
  else if (mode === 2) i = Math.floor(xo);
  else i = Math.ceil(xo);
  return Math.min(Math.max(i, 0), L - 1);
}
const nearBoundary = (xo: number, mode: number) => {
  const f = xo - Math.floor(xo);
  return mode <= 1 ? Math.abs(f - 0.5) < 1e-5 : Math.min(f, 1 - f) < 1e-5;
};

const geoms: [number, number, number, number][] = [   // H, W, OH, OW
  [1, 1, 3, 2], [2, 3, 4, 6], [3, 5, 7, 9], [5, 7, 3, 4], [7, 7, 2, 13], [4, 4, 4, 4], [6, 5, 1, 1], [3, 2, 10, 5],
];
const Cs = [1, 3, 4, 5, 8, 17];

test('resize_nearest_x32__memcpy: == f32 replica bit for bit, == ONNX f64 spec off rounding boundaries', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 1, runs = 0, boundary = 0;
  for (const [H, W, OH, OW] of geoms) for (const C of Cs) for (const cm of [0, 1, 2, 3]) for (const nm of [0, 1, 2, 3]) {
    const N = 1 + (runs % 2); runs++;
    const xs = rand(N * H * W * C, seed++), on = N * OH * OW * C;
    const px = heap.put(xs), py = heap.alloc(on * 4);
    assert.is(x.resize_nearest_x32__memcpy(px, N, H, W, C, py, OH, OW, cm, nm), 0);
    const y = new Uint32Array(heap.buffer(), py, on), xb = new Uint32Array(xs.buffer);
    const what = `N${N} ${H}x${W}->${OH}x${OW} C${C} coord ${cm} nearest ${nm}`;
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      const ih = nearest(coord32(oh, H, OH, cm), H, nm), iw = nearest(coord32(ow, W, OW, cm), W, nm);
      const h64 = coord64(oh, H, OH, cm), w64 = coord64(ow, W, OW, cm);
      if (nearest(h64, H, nm) !== ih && !nearBoundary(h64, nm)) assert.unreachable(`${what}: oh ${oh} f32 row ${ih} vs ONNX ${nearest(h64, H, nm)}`);
      if (nearest(w64, W, nm) !== iw && !nearBoundary(w64, nm)) assert.unreachable(`${what}: ow ${ow} f32 col ${iw} vs ONNX ${nearest(w64, W, nm)}`);
      if (nearest(h64, H, nm) !== ih || nearest(w64, W, nm) !== iw) boundary++;
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
        const got = y[((n * OH + oh) * OW + ow) * C + c], want = xb[((n * H + ih) * W + iw) * C + c];
        if (got !== want) assert.unreachable(`${what} [${n},${oh},${ow},${c}]: ${got.toString(16)} vs ${want.toString(16)}`);
      }
    }
    heap.free(px); heap.free(py);
  }
  assert.ok(boundary < runs, `${boundary} boundary picks`);
  const p = heap.alloc(64);
  assert.is(x.resize_nearest_x32__memcpy(p, 1, 1, 1, 1, p, 1, 1, 4, 0), 1);
  assert.is(x.resize_nearest_x32__memcpy(p, 1, 1, 1, 1, p, 1, 1, 0, 4), 1);
  assert.is(x.resize_nearest_x32__memcpy(p, 1, 0, 1, 1, p, 1, 1, 0, 0), 1);
  assert.is(x.resize_nearest_x32__memcpy(p, 1, 1, 1, 0, p, 1, 1, 0, 0), 1);
  heap.free(p);
});

test('resize_bilinear_f32__simd128: SIMD == ref bitwise == f32 replica, and within the bound of the ONNX f64 spec', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 700, runs = 0;
  for (const [H, W, OH, OW] of geoms) for (const C of Cs) for (const cm of [0, 1, 2, 3]) {
    const N = 1 + (runs % 2); runs++;
    const xs = rand(N * H * W * C, seed++), on = N * OH * OW * C;
    const px = heap.put(xs), y1 = heap.alloc(on * 4), y2 = heap.alloc(on * 4);
    assert.is(x.resize_bilinear_f32__simd128(px, N, H, W, C, y1, OH, OW, cm), 0);
    assert.is(x.resize_bilinear_f32__scalar(px, N, H, W, C, y2, OH, OW, cm), 0);
    const what = `N${N} ${H}x${W}->${OH}x${OW} C${C} coord ${cm}`;
    const a = new Uint32Array(heap.buffer(), y1, on), b = new Uint32Array(heap.buffer(), y2, on);
    for (let i = 0; i < on; i++) if (a[i] !== b[i]) assert.unreachable(`${what} [${i}]: simd != ref`);
    const y = heap.f32(y1, on);
    const X = (n: number, h: number, w: number, c: number) => xs[((n * H + h) * W + w) * C + c];
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      // f32 replica
      const yc = Math.min(Math.max(coord32(oh, H, OH, cm), 0), H - 1), xc = Math.min(Math.max(coord32(ow, W, OW, cm), 0), W - 1);
      const y0 = Math.floor(yc), y1_ = Math.min(y0 + 1, H - 1), dy = fr(yc - y0);
      const x0 = Math.floor(xc), x1 = Math.min(x0 + 1, W - 1), dx = fr(xc - x0);
      // ONNX f64: neighbours with edge padding, weights from the unclamped coordinate
      const h64 = coord64(oh, H, OH, cm), w64 = coord64(ow, W, OW, cm);
      const hf = Math.floor(h64), wf = Math.floor(w64), ry = h64 - hf, rx = w64 - wf;
      const cl = (i: number, L: number) => Math.min(Math.max(i, 0), L - 1);
      const dX = 6 * u * (Math.abs(w64) + 1), dY = 6 * u * (Math.abs(h64) + 1);
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
        const v00 = X(n, y0, x0, c), v01 = X(n, y0, x1, c), v10 = X(n, y1_, x0, c), v11 = X(n, y1_, x1, c);
        const top = fr(fr(v00 * fr(1 - dx)) + fr(v01 * dx)), bot = fr(fr(v10 * fr(1 - dx)) + fr(v11 * dx));
        const want32 = fr(fr(top * fr(1 - dy)) + fr(bot * dy));
        const got = y[((n * OH + oh) * OW + ow) * C + c];
        if (!Object.is(got, want32)) assert.unreachable(`${what} [${n},${oh},${ow},${c}]: ${got} vs f32 replica ${want32}`);
        const a00 = X(n, cl(hf, H), cl(wf, W), c), a01 = X(n, cl(hf, H), cl(wf + 1, W), c);
        const a10 = X(n, cl(hf + 1, H), cl(wf, W), c), a11 = X(n, cl(hf + 1, H), cl(wf + 1, W), c);
        const want = (a00 * (1 - rx) + a01 * rx) * (1 - ry) + (a10 * (1 - rx) + a11 * rx) * ry;
        const tol = 4 * u * (Math.abs(a00) + Math.abs(a01) + Math.abs(a10) + Math.abs(a11))
          + dX * (Math.abs(a01 - a00) + Math.abs(a11 - a10)) + dY * (Math.abs(a10 - a00) + Math.abs(a11 - a01));
        if (!(Math.abs(got - want) <= tol)) assert.unreachable(`${what} [${n},${oh},${ow},${c}]: ${got} vs ONNX f64 ${want} (tol ${tol})`);
      }
    }
    for (const p of [px, y1, y2]) heap.free(p);
  }
  const p = heap.alloc(64);
  assert.is(x.resize_bilinear_f32__simd128(p, 1, 1, 1, 1, p, 1, 1, 4), 1);
  assert.is(x.resize_bilinear_f32__scalar(p, -1, 1, 1, 1, p, 1, 1, 0), 1);
  heap.free(p);
});

test('ONNX Resize test vectors (nearest sizes 2x2->7x8; linear 2x2->4x4 half_pixel and align_corners)', async () => {
  await getAlloy();
  const x = wasm();
  const px = heap.put(new Float32Array([1, 2, 3, 4])), py = heap.alloc(56 * 4);
  assert.is(x.resize_nearest_x32__memcpy(px, 1, 2, 2, 1, py, 7, 8, 0, 0), 0);
  const top = [1, 1, 1, 1, 2, 2, 2, 2], bottom = [3, 3, 3, 3, 4, 4, 4, 4];
  assert.equal(Array.from(heap.f32(py, 56)), [...top, ...top, ...top, ...top, ...bottom, ...bottom, ...bottom]);
  const lin: [number, number[]][] = [
    [0, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]],
    [1, [1, 1.3333333, 1.6666667, 2, 1.6666667, 2, 2.3333333, 2.6666667, 2.3333333, 2.6666667, 3, 3.3333333, 3, 3.3333333, 3.6666667, 4]],
  ];
  for (const [cm, want] of lin) {
    assert.is(x.resize_bilinear_f32__simd128(px, 1, 2, 2, 1, py, 4, 4, cm), 0);
    const got = heap.f32(py, 16);
    want.forEach((w, i) => { if (!(Math.abs(got[i] - w) <= 1e-6)) assert.unreachable(`coord ${cm} [${i}]: ${got[i]} vs ${w}`); });
  }
  heap.free(px); heap.free(py);
});

test.run();

// Data movement (Transpose, Pad, Concat) is exact: outputs are compared bit for bit against JS
// references written from the ONNX operator spec, on random 32-bit patterns (NaN payloads and -0
// included), and the fast paths against their scalar _ref. PRelu: SIMD == ref bitwise and equal
// to Math.fround(x * slope) for x < 0 (one rounding), x itself otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const prod = (a: number[]) => a.reduce((p, v) => p * v, 1);
function randBits(n: number, seed: number): Uint32Array {
  const r = rng(seed);
  return new Uint32Array(n).map(() => r());
}
function u32(p: number, n: number) { return new Uint32Array(heap.buffer(), p, n); }
function same(got: Uint32Array, want: Uint32Array, what: string) {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) assert.unreachable(`${what} [${i}]: ${got[i].toString(16)} want ${want[i].toString(16)}`);
}
const i32 = (a: number[]) => heap.put(new Int32Array(a.length ? a : [0]));

// ONNX Transpose: output axis j has input axis perm[j].
function transposeJS(x: Uint32Array, dims: number[], perm: number[]): Uint32Array {
  const r = dims.length, od = perm.map((p) => dims[p]), n = prod(dims);
  const st = new Array(r).fill(1);
  for (let i = r - 2; i >= 0; i--) st[i] = st[i + 1] * dims[i + 1];
  const y = new Uint32Array(n), idx = new Array(r).fill(0);
  for (let o = 0; o < n; o++) {
    let rem = o;
    for (let j = r - 1; j >= 0; j--) { idx[j] = rem % od[j]; rem = Math.floor(rem / od[j]); }
    let s = 0;
    for (let j = 0; j < r; j++) s += idx[j] * st[perm[j]];
    y[o] = x[s];
  }
  return y;
}

function runTranspose(dims: number[], perm: number[], seed: number) {
  const x = wasm(), n = prod(dims);
  const xs = randBits(n, seed), px = heap.put(xs), pd = i32(dims), pp = i32(perm);
  const y1 = heap.alloc(n * 4), y2 = heap.alloc(n * 4);
  const what = `transpose ${JSON.stringify(dims)} perm ${JSON.stringify(perm)}`;
  assert.is(x.transpose_x32__simd128_4x4(px, y1, dims.length, pd, pp), 0, what);
  assert.is(x.transpose_x32__scalar(px, y2, dims.length, pd, pp), 0, what);
  const want = transposeJS(xs, dims, perm);
  same(u32(y1, n), want, what);
  same(u32(y2, n), want, what + ' ref');
  for (const p of [px, pd, pp, y1, y2]) heap.free(p);
}

function shuffle(a: number[], r: () => number) {
  for (let i = a.length - 1; i > 0; i--) { const j = r() % (i + 1); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

test('transpose_x32__simd128_4x4: 2-D, last-two-axes, NCHW<->NHWC fast paths and random perms of rank 0..6 == ONNX, bit exact', async () => {
  await getAlloy();
  let seed = 1, cases = 0;
  for (const R of [1, 2, 3, 4, 5, 8, 9, 17]) for (const C of [1, 3, 4, 5, 8, 13, 33]) { runTranspose([R, C], [1, 0], seed++); cases++; }
  for (const B of [1, 3]) for (const [R, C] of [[4, 4], [5, 7], [16, 9], [3, 20]]) { runTranspose([B, R, C], [0, 2, 1], seed++); runTranspose([2, B, R, C], [0, 1, 3, 2], seed++); cases += 2; }
  for (const N of [1, 2]) for (const [H, W] of [[1, 1], [3, 5], [7, 7], [4, 8]]) for (const C of [1, 3, 4, 5, 8, 17]) {
    runTranspose([N, C, H, W], [0, 2, 3, 1], seed++);   // NCHW -> NHWC
    runTranspose([N, H, W, C], [0, 3, 1, 2], seed++);   // NHWC -> NCHW
    cases += 2;
  }
  runTranspose([64, 96], [1, 0], seed++);
  runTranspose([], [], seed++);
  const r = rng(77);
  for (let k = 0; k < 300; k++) {
    const rank = 1 + (k % 6);
    const dims = Array.from({ length: rank }, () => 1 + (r() % (rank > 4 ? 3 : 5)));
    const perm = shuffle([...Array(rank).keys()], r);
    runTranspose(dims, perm, seed++);
    cases++;
  }
  // a zero-sized axis writes nothing and succeeds
  const x = wasm(), pd = i32([2, 0, 3]), pp = i32([2, 0, 1]), p = heap.alloc(64);
  assert.is(x.transpose_x32__simd128_4x4(p, p, 3, pd, pp), 0);
  heap.free(pd); heap.free(pp);
  // bad arguments: not a permutation, rank 7, negative dim
  for (const [dims, perm] of [[[2, 3], [0, 0]], [[2, 3], [0, 2]], [[1, 1, 1, 1, 1, 1, 1], [0, 1, 2, 3, 4, 5, 6]], [[2, -1], [1, 0]]] as number[][][]) {
    const a = i32(dims), b = i32(perm);
    assert.is(x.transpose_x32__simd128_4x4(p, p, dims.length, a, b), 1);
    assert.is(x.transpose_x32__scalar(p, p, dims.length, a, b), 1);
    heap.free(a); heap.free(b);
  }
  heap.free(p);
  assert.ok(cases > 400);
});

// ONNX Pad (opset 11+, non-negative pads) as numpy.pad: constant / reflect / edge. Reflection is
// done by repeated mirroring (numpy's behaviour for pads larger than the axis).
function padJS(x: Uint32Array, dims: number[], pads: number[], mode: number, valueBits: number): Uint32Array {
  const r = dims.length, od = dims.map((d, i) => d + pads[i] + pads[r + i]), n = prod(od);
  const st = new Array(r).fill(1);
  for (let i = r - 2; i >= 0; i--) st[i] = st[i + 1] * dims[i + 1];
  const y = new Uint32Array(n);
  for (let o = 0; o < n; o++) {
    let rem = o, s = 0, constant = false;
    for (let i = r - 1; i >= 0; i--) {
      let k = (rem % od[i]) - pads[i];
      rem = Math.floor(rem / od[i]);
      const d = dims[i];
      if (k < 0 || k >= d) {
        if (mode === 0) { constant = true; continue; }
        if (mode === 2) k = k < 0 ? 0 : d - 1;
        else if (d === 1) k = 0;
        else while (k < 0 || k >= d) k = k < 0 ? -k : 2 * (d - 1) - k;
      }
      s += k * st[i];
    }
    y[o] = constant ? valueBits : x[s];
  }
  return y;
}

test('pad_x32__simd128: constant / reflect / edge, ranks 1..5, pads up to 2x the axis == numpy.pad, bit exact', async () => {
  await getAlloy();
  const x = wasm();
  const r = rng(5);
  let seed = 100, cases = 0;
  const value = -2.5, vbits = new Uint32Array(new Float32Array([value]).buffer)[0];
  const run = (dims: number[], pads: number[], mode: number) => {
    const od = dims.map((d, i) => d + pads[i] + pads[dims.length + i]), n = prod(dims), on = prod(od);
    const xs = randBits(n, seed++), px = heap.put(xs), pd = i32(dims), pp = i32(pads);
    const y1 = heap.alloc(on * 4), y2 = heap.alloc(on * 4);
    const what = `pad ${JSON.stringify(dims)} pads ${JSON.stringify(pads)} mode ${mode}`;
    assert.is(x.pad_x32__simd128(px, y1, dims.length, pd, pp, mode, value), 0, what);
    assert.is(x.pad_x32__scalar(px, y2, dims.length, pd, pp, mode, value), 0, what);
    const want = padJS(xs, dims, pads, mode, vbits);
    same(u32(y1, on), want, what);
    same(u32(y2, on), want, what + ' ref');
    for (const p of [px, pd, pp, y1, y2]) heap.free(p);
    cases++;
  };
  // NHWC spatial padding with awkward channel counts
  for (const C of [1, 3, 4, 5, 8, 17]) for (const mode of [0, 1, 2]) {
    run([1, 5, 3, C], [0, 1, 2, 0, 0, 2, 1, 0], mode);
    run([2, 4, 4, C], [0, 3, 3, 0, 0, 3, 3, 0], mode);           // pad = size - 1
  }
  for (let k = 0; k < 240; k++) {
    const rank = 1 + (k % 5), mode = k % 3;
    const dims = Array.from({ length: rank }, () => 1 + (r() % 4));
    const pads = Array.from({ length: 2 * rank }, (_, i) => r() % (2 * dims[i % rank] + 1));
    run(dims, pads, mode);
  }
  run([7], [0, 0], 1);
  run([3, 0, 2], [1, 1, 0, 0, 2, 1], 0);                          // empty input, constant mode
  // bad: negative pad, unknown mode, reflect/edge of an empty axis, rank 0 / 7
  const p = heap.alloc(4096);
  const bad: [number[], number[], number][] = [[[2, 2], [0, -1, 0, 0], 0], [[2], [1, 1], 3], [[0, 2], [1, 0, 0, 0], 1], [[0], [1, 0], 2], [[], [], 0], [[1, 1, 1, 1, 1, 1, 1], new Array(14).fill(0), 0]];
  for (const [dims, pads, mode] of bad) {
    const a = i32(dims), b = i32(pads);
    assert.is(x.pad_x32__simd128(p, p, dims.length, a, b, mode, 0), 1, JSON.stringify([dims, pads, mode]));
    assert.is(x.pad_x32__scalar(p, p, dims.length, a, b, mode, 0), 1);
    heap.free(a); heap.free(b);
  }
  heap.free(p);
  assert.ok(cases > 250);
});

test('concat_x32__memcpy: inputs of [outer, axis_k, inner] concatenated along the middle axis == JS, bit exact', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 900;
  for (const outer of [1, 2, 5]) for (const inner of [1, 3, 4, 17]) for (const axes of [[1], [2, 3], [1, 4, 1, 7], [0, 5]]) {
    const axisOut = axes.reduce((a, b) => a + b, 0), on = outer * axisOut * inner;
    const py = heap.alloc(on * 4), want = new Uint32Array(on);
    let off = 0;
    for (const a of axes) {
      const xs = randBits(outer * a * inner, seed++), px = heap.put(xs.length ? xs : new Uint32Array(1));
      assert.is(x.concat_x32__memcpy(px, py, outer, inner, a, axisOut, off), 0);
      for (let o = 0; o < outer; o++) for (let k = 0; k < a; k++) for (let i = 0; i < inner; i++) want[(o * axisOut + off + k) * inner + i] = xs[(o * a + k) * inner + i];
      off += a;
      heap.free(px);
    }
    same(u32(py, on), want, `concat outer ${outer} inner ${inner} axes ${axes}`);
    heap.free(py);
  }
  const p = heap.alloc(64);
  assert.is(x.concat_x32__memcpy(p, p, 1, 1, 3, 4, 2), 1);    // 2 + 3 > 4
  assert.is(x.concat_x32__memcpy(p, p, -1, 1, 1, 1, 0), 1);
  assert.is(x.concat_x32__memcpy(p, p, 1, 1, 1, 1, -1), 1);
  heap.free(p);
});

test('vprelu_f32__simd128: scalar and per-channel slope, SIMD == ref bitwise, == fround(x * slope) for x < 0', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 1200;
  const specials = [0, -0, NaN, Infinity, -Infinity, -1e-45, 1e-45, -3.4e38];
  for (const c of [1, 3, 4, 5, 8, 17]) for (const rows of [1, 2, 7]) {
    const n = rows * c, r = rng(seed++);
    const xs = new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -20);
    for (let i = 0; i < Math.min(n, specials.length); i += 2) xs[i] = specials[i];
    const sl = new Float32Array(c).map(() => ((r() >>> 8) - 8388608) * 2 ** -24);
    const px = heap.put(xs), ps = heap.put(sl), y1 = heap.alloc(n * 4), y2 = heap.alloc(n * 4);
    assert.is(x.vprelu_f32__simd128(px, ps, y1, n, c), 0);
    assert.is(x.vprelu_f32__scalar(px, ps, y2, n, c), 0);
    const a = u32(y1, n), b = u32(y2, n), y = heap.f32(y1, n);
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      if (Number.isNaN(v)) { assert.ok(Number.isNaN(y[i]) && Number.isNaN(heap.f32(y2, n)[i])); continue; }
      if (a[i] !== b[i]) assert.unreachable(`prelu c=${c} [${i}] simd != ref`);
      const want = v >= 0 ? v : Math.fround(v * sl[i % c]);      // ONNX: x >= 0 ? x : slope * x
      if (!Object.is(y[i], want)) assert.unreachable(`prelu c=${c} x=${v} slope=${sl[i % c]}: ${y[i]} want ${want}`);
    }
    assert.is(x.vprelu_f32__simd128(px, ps, px, n, c), 0);              // in place
    same(u32(px, n).filter((_, i) => !Number.isNaN(xs[i])), b.filter((_, i) => !Number.isNaN(xs[i])), `prelu c=${c} in place`);
    for (const p of [px, ps, y1, y2]) heap.free(p);
  }
  const p = heap.alloc(64);
  assert.is(x.vprelu_f32__simd128(p, p, p, 6, 4), 1);
  assert.is(x.vprelu_f32__simd128(p, p, p, 6, 0), 1);
  heap.free(p);
});

test.run();

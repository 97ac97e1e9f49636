// Normalisations over the last axis against f64 references written from the ONNX spec
// (LogSoftmax, LayerNormalization, folded BatchNormalization), with bounds derived from the f32
// operation order documented in assembly/kernels/norm.ts (u = 2^-24, unit roundoff):
//   log_softmax: |err| <= u * (2|x-m| + |y| + 2|l| + 2(len+2) + max|x-m|)
//     (x - m rounding; exp < 1 ulp and left-to-right summation give a relative error of the sum
//      of at most (len+1)u, i.e. (len+1)u absolute after log; log itself < 1 ulp; the final
//      subtraction; and the rounding of each exp argument x-m, relative u*|x-m| per term)
//   layer_norm: |err| <= |g| * (dm / r + |t| * (er + 3u)) + u * (|t g| + |y|), where
//     dm = u * (len * mean|x| + |mean|) bounds the error of the mean (left-to-right sum, one
//     division), er = ((len + 5) / 2 + 1) * u the relative error of r = sqrt(var + eps) (sum of
//     squares of nonnegative terms, squares and differences rounded, division, add, sqrt),
//     t = (x - mean) / r; the rest is the rounding of the multiply and add.
//   batch_norm: exactly fround(fround(x * scale) + shift).
// SIMD kernels equal their scalar references bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const u = 2 ** -24;
function rand(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * scale + offset);
}
function sameBits(p1: number, p2: number, n: number, what: string) {
  const a = new Uint32Array(heap.buffer(), p1, n), b = new Uint32Array(heap.buffer(), p2, n);
  const nan = (v: number) => (v & 0x7fffffff) > 0x7f800000;
  for (let i = 0; i < n; i++) if (a[i] !== b[i] && !(nan(a[i]) && nan(b[i]))) assert.unreachable(`${what} [${i}]: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
}
const LENS = [1, 3, 4, 5, 8, 17, 100, 1000];

test('logsoftmax_f32__scalar == ONNX LogSoftmax (f64) within the summation bound; special rows', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 1, checked = 0;
  for (const len of LENS) for (const rows of [1, 3]) for (const scale of [1, 8, 40]) {
    const n = rows * len, xs = rand(n, seed++, scale, scale === 40 ? 20 : 0);
    const px = heap.put(xs), py = heap.alloc(n * 4);
    x.logsoftmax_f32__scalar(px, py, rows, len);
    const y = heap.f32(py, n);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(xs.subarray(r * len, (r + 1) * len));
      const m = Math.max(...row);
      const l = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      const maxd = Math.max(...row.map((v) => m - v));
      for (let i = 0; i < len; i++) {
        const want = row[i] - m - l, got = y[r * len + i];
        const tol = u * (2 * (m - row[i]) + Math.abs(want) + 2 * Math.abs(l) + 2 * (len + 2) + maxd);
        if (!(Math.abs(got - want) <= tol)) assert.unreachable(`len ${len} scale ${scale} [${r},${i}]: ${got} vs ${want} (tol ${tol})`);
        checked++;
      }
    }
    // in place gives the same bits
    const copy = heap.f32(py, n).slice();
    x.logsoftmax_f32__scalar(px, px, rows, len);
    assert.equal(Array.from(heap.f32(px, n)), Array.from(copy));
    heap.free(px); heap.free(py);
  }
  // a single element gives exactly 0; -inf entries give -inf; +inf or NaN in a row give NaN
  const sp = new Float32Array([5, 1, -Infinity, 2, Infinity, 0, NaN, 1]);
  const px = heap.put(sp), py = heap.alloc(32);
  x.logsoftmax_f32__scalar(px, py, 1, 1);
  assert.is(heap.f32(py, 1)[0], 0);
  x.logsoftmax_f32__scalar(px + 4, py, 1, 3);
  const y = heap.f32(py, 3);
  assert.is(y[1], -Infinity);
  assert.ok(Math.abs(y[0] - (1 - 2 - Math.log(Math.exp(-1) + 1))) < 1e-6 && Math.abs(y[2] - -Math.log(Math.exp(-1) + 1)) < 1e-6);
  x.logsoftmax_f32__scalar(px + 16, py, 2, 2);
  assert.ok(heap.f32(py, 4).every(Number.isNaN));
  heap.free(px); heap.free(py);
  assert.ok(checked > 5000);
});

test('layernorm_f32__simd128 == ref bitwise and == ONNX LayerNormalization (f64) within the bound; gamma/beta optional', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 500, checked = 0;
  for (const len of LENS) for (const rows of [1, 4]) for (const [scale, offset] of [[1, 0], [4, 3], [0.01, 100]]) for (const gb of [0, 1, 2, 3]) {
    const n = rows * len, xs = rand(n, seed++, scale, offset);
    const g = rand(len, seed++, 2), b = rand(len, seed++, 1);
    const px = heap.put(xs), pg = gb & 1 ? heap.put(g) : 0, pb = gb & 2 ? heap.put(b) : 0;
    const y1 = heap.alloc(n * 4), y2 = heap.alloc(n * 4), eps = 1e-5;
    assert.is(x.layernorm_f32__simd128(px, pg, pb, y1, rows, len, eps), 0);
    assert.is(x.layernorm_f32__scalar(px, pg, pb, y2, rows, len, eps), 0);
    const what = `len ${len} rows ${rows} x~${offset}±${scale} gamma ${!!pg} beta ${!!pb}`;
    sameBits(y1, y2, n, what);
    const y = heap.f32(y1, n);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(xs.subarray(r * len, (r + 1) * len));
      const mean = row.reduce((s, v) => s + v, 0) / len;
      const vr = row.reduce((s, v) => s + (v - mean) ** 2, 0) / len;
      const sd = Math.sqrt(vr + Math.fround(eps));
      const absMean = row.reduce((s, v) => s + Math.abs(v), 0) / len;
      const dm = u * (len * absMean + Math.abs(mean)) * 1.01;
      const er = ((len + 5) / 2 + 1) * u * 1.01;
      for (let i = 0; i < len; i++) {
        const gi = pg ? g[i] : 1, bi = pb ? b[i] : 0;
        const t = (row[i] - mean) / sd, want = t * gi + bi, got = y[r * len + i];
        const tol = Math.abs(gi) * (dm / sd + Math.abs(t) * (er + 3 * u)) + u * (Math.abs(t * gi) + Math.abs(want));
        if (!(Math.abs(got - want) <= tol)) assert.unreachable(`${what} [${r},${i}]: ${got} vs ${want} (tol ${tol})`);
        checked++;
      }
    }
    assert.is(x.layernorm_f32__simd128(px, pg, pb, px, rows, len, eps), 0);   // in place
    sameBits(px, y2, n, what + ' in place');
    for (const p of [px, pg, pb, y1, y2]) heap.free(p);
  }
  // constant row -> exactly 0 (+beta); len 1 likewise
  const px = heap.put(new Float32Array([3, 3, 3, 3, 3, 7])), pb = heap.put(new Float32Array([0.5, -1, 2, 0, 0, 0])), py = heap.alloc(32);
  x.layernorm_f32__simd128(px, 0, pb, py, 1, 5, 1e-5);
  assert.equal(Array.from(heap.f32(py, 5)), [0.5, -1, 2, 0, 0]);
  x.layernorm_f32__simd128(px + 20, 0, 0, py, 1, 1, 1e-5);
  assert.is(heap.f32(py, 1)[0], 0);
  assert.is(x.layernorm_f32__simd128(px, 0, 0, py, 1, 0, 1e-5), 1);
  assert.is(x.layernorm_f32__scalar(px, 0, 0, py, -1, 4, 1e-5), 1);
  for (const p of [px, pb, py]) heap.free(p);
  assert.ok(checked > 30000);
});

test('batchnorm_f32__simd128 (folded, NHWC channels): SIMD == ref bitwise == fround(fround(x*s)+b)', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 2000;
  for (const c of [1, 3, 4, 5, 8, 17]) for (const rows of [1, 2, 9]) {
    const n = rows * c, xs = rand(n, seed++, 8), s = rand(c, seed++, 3), b = rand(c, seed++, 2);
    const px = heap.put(xs), ps = heap.put(s), pb = heap.put(b), y1 = heap.alloc(n * 4), y2 = heap.alloc(n * 4);
    assert.is(x.batchnorm_f32__simd128(px, ps, pb, y1, n, c), 0);
    assert.is(x.batchnorm_f32__scalar(px, ps, pb, y2, n, c), 0);
    sameBits(y1, y2, n, `bn c=${c} rows=${rows}`);
    const y = heap.f32(y1, n);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.fround(xs[i] * s[i % c]) + b[i % c]);
      if (!Object.is(y[i], want)) assert.unreachable(`bn c=${c} [${i}]: ${y[i]} vs ${want}`);
    }
    for (const p of [px, ps, pb, y1, y2]) heap.free(p);
  }
  const p = heap.alloc(64);
  assert.is(x.batchnorm_f32__simd128(p, p, p, p, 6, 4), 1);
  assert.is(x.batchnorm_f32__scalar(p, p, p, p, 6, 0), 1);
  heap.free(p);
});

test.run();

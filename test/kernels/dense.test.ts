// gemm_f32_f32_f32__simd128_5x8 (SIMD, 4x8 tiles) equals its scalar reference bit for bit at sizes equal to,
// divisible by, below and above the tile, and is close to an f64 reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

function rand(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23);
}

const Ms = [1, 2, 3, 4, 5, 8, 13];
const Ks = [1, 3, 4, 7, 16, 33];
const Ns = [1, 3, 7, 8, 9, 16, 17, 31, 32, 33, 40, 65];

for (const act of [0, 1]) {
  test(`gemm_f32_f32_f32__simd128_5x8 == gemm_f32_f32_f32__scalar bitwise, activation ${act ? 'relu' : 'none'}, ${Ms.length * Ks.length * Ns.length} shapes`, async () => {
    await getAlloy();
    const x = wasm();
    let seed = 1;
    for (const M of Ms) for (const K of Ks) for (const N of Ns) {
      const xs = rand(M * K, seed++), ws = rand(N * K, seed++), bs = rand(N, seed++);
      const px = heap.put(xs), pw = heap.put(ws), pb = heap.put(bs);
      const pp = heap.alloc(x.packed_f32_bytes(N, K));
      const y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4);
      x.pack_w_f32(pw, N, K, pp);
      x.gemm_f32_f32_f32__simd128_5x8(px, M, K, pp, pb, N, y1, act);
      x.gemm_f32_f32_f32__scalar(px, M, K, pw, pb, N, y2, act);
      const a = new Uint32Array(heap.buffer(), y1, M * N), b = new Uint32Array(heap.buffer(), y2, M * N);
      for (let i = 0; i < M * N; i++) {
        if (a[i] !== b[i]) assert.unreachable(`M=${M} K=${K} N=${N} output ${i}: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
      }
      // Against f64: |err| <= K * 2^-23 * sum|x w| (summation bound, see Higham 2002 §3.1).
      const f = new Float32Array(heap.buffer(), y1, M * N);
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
        let s = 0, abs = 0;
        for (let k = 0; k < K; k++) { s += xs[m * K + k] * ws[n * K + k]; abs += Math.abs(xs[m * K + k] * ws[n * K + k]); }
        s += bs[n]; abs += Math.abs(bs[n]);
        if (act) s = Math.max(s, 0);
        const bound = (K + 1) * 2 ** -23 * abs + 1e-30;
        if (Math.abs(f[m * N + n] - s) > bound) assert.unreachable(`M=${M} K=${K} N=${N}: ${f[m * N + n]} vs f64 ${s}`);
      }
      for (const p of [px, pw, pb, pp, y1, y2]) heap.free(p);
    }
  });
}

// The blocked path (M >= 5): 5x8 tiles, kc-slices of <= 256 (K = 257 gives two of 132 and 125),
// mc-blocks of 16384 / kc floats rounded down to 5 rows (K = 256: 60 rows; K = 16: 1020 rows).
// Sizes at, below and above each boundary, with and without bias, through gemm_f32_f32_f32__simd128_5x8 and through
// gemm_f32_f32_f32__simd128_5x8_panels on a middle range of panels.
function blockedCase(M: number, K: number, N: number, act: number, withBias: boolean, seed: number, panels?: [number, number]) {
  const x = wasm();
  const xs = rand(M * K, seed), ws = rand(N * K, seed + 1), bs = rand(N, seed + 2);
  const px = heap.put(xs), pw = heap.put(ws), pb = withBias ? heap.put(bs) : 0;
  const pp = heap.alloc(x.packed_f32_bytes(N, K));
  const y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4);
  x.pack_w_f32(pw, N, K, pp);
  x.gemm_f32_f32_f32__scalar(px, M, K, pw, pb, N, y2, act);
  if (panels) {
    const [p0, p1] = panels;
    new Uint32Array(heap.buffer(), y1, M * N).fill(0xdeadbeef);
    x.gemm_f32_f32_f32__simd128_5x8_panels(px, M, K, pp + p0 * K * 8 * 4, pb, N, y1, act, p0, p1);
    const a = new Uint32Array(heap.buffer(), y1, M * N), b = new Uint32Array(heap.buffer(), y2, M * N);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      const inside = n >= p0 * 8 && n < Math.min(p1 * 8, N);
      const want = inside ? b[m * N + n] : 0xdeadbeef;
      if (a[m * N + n] !== want) assert.unreachable(`panels ${p0}..${p1} M=${M} K=${K} N=${N} (${m},${n}): ${a[m * N + n].toString(16)} want ${want.toString(16)}`);
    }
  } else {
    x.gemm_f32_f32_f32__simd128_5x8(px, M, K, pp, pb, N, y1, act);
    const a = new Uint32Array(heap.buffer(), y1, M * N), b = new Uint32Array(heap.buffer(), y2, M * N);
    for (let i = 0; i < M * N; i++) {
      if (a[i] !== b[i]) assert.unreachable(`M=${M} K=${K} N=${N} act=${act} bias=${withBias} output ${i}: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
    }
  }
  for (const p of [px, pw, pb, pp, y1, y2]) if (p) heap.free(p);
}

test('gemm_f32_f32_f32__simd128_5x8 blocked path == gemm_f32_f32_f32__scalar bitwise at tile, kc-slice and mc-block boundaries', async () => {
  await getAlloy();
  let seed = 9000;
  const shapes: [number, number, number][] = [];
  for (const M of [5, 6, 9, 10, 11]) for (const K of [0, 1, 4, 5, 255, 256, 257, 515]) for (const N of [7, 8, 9, 17]) shapes.push([M, K, N]);
  for (const M of [59, 60, 61, 65, 121]) for (const K of [255, 256, 257]) shapes.push([M, K, 9]);
  for (const M of [1019, 1020, 1021, 1031]) shapes.push([M, 16, 9]);
  shapes.push([64, 1024, 24], [33, 769, 40], [200, 600, 10]);
  for (const [M, K, N] of shapes) {
    for (const act of [0, 1]) blockedCase(M, K, N, act, true, seed++ * 3);
    blockedCase(M, K, N, 0, false, seed++ * 3);
  }
});

test('gemm_f32_f32_f32__simd128_5x8_panels (blocked path) writes exactly its columns, bit-identical to the reference', async () => {
  await getAlloy();
  let seed = 7000;
  for (const [M, K, N, p0, p1] of [[5, 3, 40, 1, 4], [13, 257, 33, 2, 5], [64, 300, 65, 0, 9], [7, 16, 17, 2, 3], [3, 9, 40, 1, 3]] as const) {
    for (const act of [0, 1]) blockedCase(M, K, N, act, true, seed++ * 3, [p0, p1]);
  }
});

test('gemm_f32_f32_f32__simd128_5x8 without bias adds +0 like the reference (-0 sums become +0)', async () => {
  await getAlloy();
  const x = wasm();
  const px = heap.put(new Float32Array([-0])), pw = heap.put(new Float32Array([1]));
  const pp = heap.alloc(x.packed_f32_bytes(1, 1)), y1 = heap.alloc(4), y2 = heap.alloc(4);
  x.pack_w_f32(pw, 1, 1, pp);
  x.gemm_f32_f32_f32__simd128_5x8(px, 1, 1, pp, 0, 1, y1, 0);
  x.gemm_f32_f32_f32__scalar(px, 1, 1, pw, 0, 1, y2, 0);
  assert.is(new Uint32Array(heap.buffer(), y1, 1)[0], new Uint32Array(heap.buffer(), y2, 1)[0]);
  for (const p of [px, pw, pp, y1, y2]) heap.free(p);
});

test('softmax rows sum to 1 and NaNs are canonicalised', async () => {
  await getAlloy();
  const x = wasm();
  const v = new Float32Array([1, 2, 3, -1000, 0, 1000, 5, 5, 5]);
  const p = heap.put(v), q = heap.alloc(v.byteLength);
  x.softmax_f32__scalar(p, q, 3, 3);
  const o = heap.f32(q, 9);
  for (let r = 0; r < 3; r++) assert.ok(Math.abs(o[3 * r] + o[3 * r + 1] + o[3 * r + 2] - 1) < 1e-6);
  assert.is(o[5], 1);
  const nanBits = new Uint32Array([0xffc00001, 0x7f800001, 0x3f800000, 0xff800000, 0x7fffffff]);
  const pn = heap.put(nanBits);
  x.canonicalize_nan(pn, 5);
  assert.equal([...new Uint32Array(heap.buffer(), pn, 5)], [0x7fc00000, 0x7fc00000, 0x3f800000, 0xff800000, 0x7fc00000]);
  heap.free(p); heap.free(q); heap.free(pn);
});

test.run();

// softmax_nd_any__scalar and the normalisations of assembly/nd/norm.ts.
// 1. softmax / logsoftmax with inner = 1 give the bytes of the last-axis kernels
//    (softmax_f32__scalar, logsoftmax_f32__scalar) at awkward lengths.
// 2. Every kernel against a float64 JS oracle of the ONNX definition, within f32 tolerance, at
//    awkward sizes (1, 3, 4, 5, 7, 17, 33); bad arguments give a status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { SOFTMAX_KINDS } from '../../src/runtime/tables.gen.ts';

const KIND = Object.fromEntries(SOFTMAX_KINDS.map((n, i) => [n, i])) as Record<string, number>;
const X = () => wasm() as any;
function rand(count: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return new Float32Array(count).map(() => (((r() % 2001) - 1000) / 256) * scale);
}
/** Runs f(ptrs..., y) with the inputs copied in; returns y's `count` elements (f32 or f64). */
function run(inputs: ArrayBufferView[], count: number, f: (p: number[], y: number) => number, f64 = false) {
  const ps = inputs.map((a) => heap.put(a as any)), bytes = count * (f64 ? 8 : 4), y = heap.alloc(bytes + 16);
  try {
    heap.u8(y, bytes + 16).fill(0xcd);
    const status = f(ps, y);
    const raw = heap.u8(y, bytes + 16).slice();
    assert.ok(raw.subarray(bytes).every((v) => v === 0xcd), 'wrote past the output');
    return { status, raw: raw.subarray(0, bytes), v: f64 ? new Float64Array(raw.buffer, 0, count) : new Float32Array(raw.buffer, 0, count) };
  } finally { for (const p of [...ps, y]) heap.free(p); }
}
const close = (got: ArrayLike<number>, want: number[], tol: number, where: string) => {
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) { assert.ok(Number.isNaN(got[i]), `${where} [${i}]`); continue; }
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${where} [${i}]: ${got[i]} vs ${want[i]}`);
  }
};
const SHAPES = [[1, 1, 1], [3, 5, 1], [1, 7, 4], [2, 17, 3], [1, 33, 5], [4, 4, 4], [2, 1, 7]];

test('softmax_nd_any__scalar on the last axis gives the bytes of softmax_f32__scalar / logsoftmax_f32__scalar', async () => {
  await getAlloy();
  for (const [rows, len] of [[1, 1], [3, 3], [2, 4], [5, 5], [1, 7], [3, 17], [2, 33]]) {
    const x = rand(rows * len, 2300 + len, 8);
    for (const [kind, old] of [['softmax', 'softmax_f32__scalar'], ['logsoftmax', 'logsoftmax_f32__scalar']]) {
      const a = run([x], rows * len, ([p], y) => X().softmax_nd_any__scalar(1, KIND[kind], y, p, rows, len, 1));
      const b = run([x], rows * len, ([p], y) => (X()[old](p, y, rows, len), 0));
      assert.is(a.status, 0);
      assert.equal(a.raw, b.raw, `${kind} ${rows}x${len}`);
    }
  }
});

test('softmax / logsoftmax / hardmax on any axis against a float64 oracle, f32 and f64', async () => {
  await getAlloy();
  for (const f64 of [false, true]) for (const [outer, len, inner] of SHAPES) {
    const x32 = rand(outer * len * inner, 2310 + len * inner, 6), x = f64 ? Float64Array.from(x32) : x32;
    if (len > 2) x[inner] = x[0];                                    // a tie for hardmax
    for (const kind of SOFTMAX_KINDS) {
      const got = run([x], x.length, ([p], y) => X().softmax_nd_any__scalar(f64 ? 11 : 1, KIND[kind], y, p, outer, len, inner), f64);
      assert.is(got.status, 0);
      const want = new Array<number>(x.length);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        const idx = Array.from({ length: len }, (_, k) => (o * len + k) * inner + i), v = idx.map((j) => x[j]);
        const m = Math.max(...v), s = v.reduce((a, b) => a + Math.exp(b - m), 0), first = v.indexOf(m);
        idx.forEach((j, k) => { want[j] = kind === 'softmax' ? Math.exp(v[k] - m) / s : kind === 'logsoftmax' ? v[k] - m - Math.log(s) : k === first ? 1 : 0; });
      }
      close(got.v, want, 1e-5, `${kind} f64 ${f64} ${[outer, len, inner]}`);
    }
  }
  const bad = (args: number[]) => run([new Float32Array(4)], 4, ([p], y) => X().softmax_nd_any__scalar(args[0], args[1], y, p, args[2], args[3], args[4])).status;
  assert.is(bad([6, 0, 1, 4, 1]), 1); assert.is(bad([1, 3, 1, 4, 1]), 1); assert.is(bad([1, 0, 1, -4, 1]), 2); assert.is(bad([1, 0, 1, 0, 1]), 0);
});

// mean and 1 / sqrt(var + eps) of a list (the oracle of every statistics-based kernel)
const stats = (v: number[], eps: number) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length, q = v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
  return { m, inv: 1 / Math.sqrt(q + eps), sd: Math.sqrt(q) };
};

test('groupnorm_f32__scalar: group / instance normalisation, scale per channel or per group', async () => {
  await getAlloy();
  for (const [N, C, G, S] of [[1, 1, 1, 1], [2, 4, 2, 5], [1, 6, 3, 7], [3, 3, 3, 17], [1, 8, 1, 4], [2, 5, 5, 33]]) {
    const x = rand(N * C * S, 2320 + S, 4), eps = 1e-5;
    for (const perGroup of [0, 1]) {
      const k = perGroup ? G : C, sc = rand(k, 2321), bi = rand(k, 2322);
      const got = run([x, sc, bi], x.length, ([px, ps, pb], y) => X().groupnorm_f32__scalar(y, px, ps, pb, N, C, G, S, eps, perGroup));
      assert.is(got.status, 0);
      const want = new Array<number>(x.length), cg = C / G;
      for (let n = 0; n < N; n++) for (let g = 0; g < G; g++) {
        const b = (n * C + g * cg) * S, v = [...x.subarray(b, b + cg * S)], { m, inv } = stats(v, eps);
        v.forEach((xv, j) => { const ch = g * cg + Math.floor(j / S); want[b + j] = (xv - m) * inv * sc[perGroup ? g : ch] + bi[perGroup ? g : ch]; });
      }
      close(got.v, want, 2e-5, `groupnorm ${[N, C, G, S]} perGroup ${perGroup}`);
    }
  }
  for (const [N, C, G, S] of [[1, 4, 3, 2], [1, 0, 1, 2], [1, 4, 0, 2], [-1, 4, 2, 2]]) {
    assert.is(run([new Float32Array(8)], 8, ([p], y) => X().groupnorm_f32__scalar(y, p, p, p, N, C, G, S, 1e-5, 0)).status, 1, `${[N, C, G, S]}`);
  }
});

test('layernorm_stats_f32__scalar: the mean and inverse std of layernorm_f32__simd128 rows', async () => {
  await getAlloy();
  for (const [rows, len] of [[1, 1], [3, 4], [5, 7], [2, 33], [7, 17]]) {
    const x = rand(rows * len, 2330 + len, 3), eps = 1e-3;
    const both = run([x], 2 * rows, ([p], y) => X().layernorm_stats_f32__scalar(p, rows, len, eps, y, y + 4 * rows));
    assert.is(both.status, 0);
    const want = Array.from({ length: rows }, (_, r) => stats([...x.subarray(r * len, (r + 1) * len)], eps));
    close(both.v.subarray(0, rows), want.map((s) => s.m), 1e-5, `mean ${rows}x${len}`);
    close(both.v.subarray(rows), want.map((s) => s.inv), 1e-5, `invstd ${rows}x${len}`);
    const onlyMean = run([x], rows, ([p], y) => X().layernorm_stats_f32__scalar(p, rows, len, eps, y, 0));
    assert.equal(onlyMean.raw, both.raw.subarray(0, 4 * rows));
  }
  assert.is(run([new Float32Array(4)], 1, ([p], y) => X().layernorm_stats_f32__scalar(p, 1, 0, 1e-5, y, 0)).status, 1);
});

test('lpnorm_f32__scalar: p 1 and 2 along any axis', async () => {
  await getAlloy();
  for (const [outer, len, inner] of SHAPES) for (const p of [1, 2]) {
    const x = rand(outer * len * inner, 2340 + len, 2);
    const got = run([x], x.length, ([px], y) => X().lpnorm_f32__scalar(p, y, px, outer, len, inner));
    assert.is(got.status, 0);
    const want = new Array<number>(x.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const idx = Array.from({ length: len }, (_, k) => (o * len + k) * inner + i);
      const nrm = p === 1 ? idx.reduce((a, j) => a + Math.abs(x[j]), 0) : Math.sqrt(idx.reduce((a, j) => a + x[j] ** 2, 0));
      idx.forEach((j) => { want[j] = x[j] / nrm; });
    }
    close(got.v, want, 1e-5, `lpnorm p ${p} ${[outer, len, inner]}`);
  }
  assert.is(run([new Float32Array(4)], 4, ([px], y) => X().lpnorm_f32__scalar(3, y, px, 1, 4, 1)).status, 1);
});

test('lrn_f32__scalar: cross-channel window (clipped), alpha / size, pow beta', async () => {
  await getAlloy();
  for (const [N, C, S] of [[1, 1, 1], [2, 5, 3], [1, 7, 4], [1, 17, 5], [2, 3, 33]]) for (const size of [1, 2, 3, 5]) {
    const x = rand(N * C * S, 2350 + C, 2), alpha = 1e-3, beta = 0.75, bias = 1;
    const got = run([x], x.length, ([px], y) => X().lrn_f32__scalar(y, px, N, C, S, size, alpha, beta, bias));
    assert.is(got.status, 0);
    const want = new Array<number>(x.length);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let s = 0; s < S; s++) {
      let q = 0;
      for (let j = Math.max(0, c - Math.floor((size - 1) / 2)); j <= Math.min(C - 1, c + Math.ceil((size - 1) / 2)); j++) q += x[(n * C + j) * S + s] ** 2;
      const p = (n * C + c) * S + s;
      want[p] = x[p] / (bias + (alpha / size) * q) ** beta;
    }
    close(got.v, want, 1e-5, `lrn ${[N, C, S]} size ${size}`);
  }
  assert.is(run([new Float32Array(4)], 4, ([px], y) => X().lrn_f32__scalar(y, px, 1, 4, 1, 0, 1, 1, 1)).status, 1);
});

test('mvn_nd_f32__scalar: (x - mean) / (std + 1e-9) over every axes mask of rank 1-4', async () => {
  await getAlloy();
  for (const shape of [[7], [3, 5], [2, 3, 4], [2, 3, 1, 5], [3, 1, 4, 17]]) {
    const total = shape.reduce((a, b) => a * b, 1), x = rand(total, 2360 + total, 5);
    for (let mask = 1; mask < 1 << shape.length; mask++) {
      const got = run([x, new Int32Array([...shape, 0])], total, ([px, pd], y) => X().mvn_nd_f32__scalar(y, px, shape.length, pd, mask));
      assert.is(got.status, 0);
      // groups by the kept multi-index
      const grp = new Map<number, number[]>();
      for (let e = 0; e < total; e++) {
        let rem = e, o = 0;
        for (let i = shape.length - 1, so = 1; i >= 0; i--) { const k = rem % shape[i]; rem = Math.floor(rem / shape[i]); if (!((mask >> i) & 1)) { o += k * so; so *= shape[i]; } }
        if (!grp.has(o)) grp.set(o, []);
        grp.get(o)!.push(e);
      }
      const want = new Array<number>(total);
      for (const idx of grp.values()) { const { m, sd } = stats(idx.map((j) => x[j]), 0); idx.forEach((j) => { want[j] = (x[j] - m) / (sd + 1e-9); }); }
      // a group of one element is 0 / 1e-9 = 0
      close(got.v, want, 1e-4, `mvn ${JSON.stringify(shape)} mask ${mask}`);
    }
  }
  assert.is(run([new Float32Array(4), new Int32Array([4, 0])], 4, ([px, pd], y) => X().mvn_nd_f32__scalar(y, px, 1, pd, 2)).status, 2);
});

test.run();

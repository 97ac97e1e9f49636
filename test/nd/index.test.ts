// The indexing kernels (assembly/nd/gather.ts, scatter.ts, fill.ts, topk.ts) against a JS oracle
// written from the ONNX spec, at awkward sizes (1, 3, 4, 5, 7, 17, 33) and ranks 1-5, every
// element size, i32 and i64 indices, negative indices; each __memcpy kernel equals its __scalar
// reference byte for byte; an out-of-range index gives status 3 and writes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const SIZES = [1, 3, 4, 5, 7, 17, 33];
const ES = [1, 2, 4, 8];
const I32 = 6, I64 = 7;
const x = () => wasm() as any;
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const GUARD = 16;

/** Runs fn with the inputs copied in and the outputs (0xcd-filled, GUARD spare bytes) allocated. */
function run(ins: Uint8Array[], outs: number[], f: (p: number[], o: number[]) => number): { status: number; outs: Uint8Array[] } {
  const p = ins.map((a) => heap.put(a.byteLength ? a : new Uint8Array(1)));
  const o = outs.map((n) => heap.alloc(n + GUARD));
  try {
    o.forEach((q, i) => heap.u8(q, outs[i] + GUARD).fill(0xcd));
    const status = f(p, o);
    return { status, outs: o.map((q, i) => heap.u8(q, outs[i] + GUARD).slice()) };
  } finally { for (const q of [...p, ...o]) heap.free(q); }
}
const untouched = (b: Uint8Array) => b.every((v) => v === 0xcd);
const bytes = (n: number, r: () => number) => new Uint8Array(n).map(() => r() & 255);
const dimsOf = (d: number[]) => new Uint8Array(new Int32Array(d.length ? d : [0]).buffer);
function idxBytes(v: number[], t: number): Uint8Array {
  return t === I64 ? new Uint8Array(new BigInt64Array(v.map(BigInt)).buffer) : new Uint8Array(new Int32Array(v).buffer);
}
function shape(r: () => number, rank: number, cap = 1500): number[] {
  const s: number[] = [];
  let t = 1;
  for (let i = 0; i < rank; i++) { let d = SIZES[r() % SIZES.length]; while (t * d > cap) d = SIZES[r() % 3]; s.push(d); t *= d; }
  return s;
}
/** Random indices in [-n, n) (negative ones count from the end). */
const indices = (r: () => number, count: number, n: number) => Array.from({ length: count }, () => (r() % (2 * n)) - n);
const wrapI = (v: number, n: number) => (v < 0 ? v + n : v);

test('gather_any__memcpy == gather_any__scalar == oracle: ranks 1-5, every axis, element size, index type', async () => {
  await getAlloy();
  const r = rng(901);
  let cases = 0;
  for (let c = 0; c < 160; c++) {
    const rank = 1 + (c % 5), ds = shape(r, rank), axis = r() % rank, es = ES[c % 4], it = (c >> 2) & 1 ? I64 : I32;
    const outer = prod(ds.slice(0, axis)), A = ds[axis], inner = prod(ds.slice(axis + 1));
    const nidx = SIZES[r() % 5], iv = indices(r, nidx, A), data = bytes(prod(ds) * es, r);
    const want = new Uint8Array(outer * nidx * inner * es);
    for (let o = 0; o < outer; o++) for (let j = 0; j < nidx; j++) {
      const src = ((o * A + wrapI(iv[j], A)) * inner) * es;
      want.set(data.subarray(src, src + inner * es), ((o * nidx + j) * inner) * es);
    }
    for (const k of ['gather_any__memcpy', 'gather_any__scalar']) {
      const g = run([data, idxBytes(iv, it)], [want.length], ([d, i], [y]) => x()[k](es, y, d, i, it, outer, A, inner, nidx));
      assert.is(g.status, 0, k);
      assert.equal(g.outs[0].subarray(0, want.length), want, `${k} ${ds} axis ${axis} es ${es}`);
      assert.ok(untouched(g.outs[0].subarray(want.length)), 'wrote past the output');
      // one index out of range (A or -A-1): status 3, nothing written
      const bad = iv.slice(); bad[r() % nidx] = r() & 1 ? A : -A - 1;
      const b = run([data, idxBytes(bad, it)], [want.length], ([d, i], [y]) => x()[k](es, y, d, i, it, outer, A, inner, nidx));
      assert.is(b.status, 3);
      assert.ok(untouched(b.outs[0]));
    }
    cases++;
  }
  // embedding lookup: f32 table [50, 33], i64 ids [2, 7]
  const table = new Float32Array(50 * 33).map((_, i) => i * 0.5), ids = [0, 49, -1, 3, 17, 17, 2, 5, 6, 7, 8, 9, 10, 11];
  const g = run([new Uint8Array(table.buffer), idxBytes(ids, I64)], [14 * 33 * 4], ([d, i], [y]) => x().gather_any__memcpy(4, y, d, i, I64, 1, 50, 33, 14));
  const got = new Float32Array(g.outs[0].buffer, 0, 14 * 33);
  for (let j = 0; j < 14; j++) for (let h = 0; h < 33; h++) assert.is(got[j * 33 + h], table[wrapI(ids[j], 50) * 33 + h]);
  console.log(`  [gather] ${cases} cases`);
});

test('gather_elements_any__scalar == oracle; index dims above data dims (off the axis) are refused', async () => {
  await getAlloy();
  const r = rng(902);
  for (let c = 0; c < 120; c++) {
    const rank = 1 + (c % 5), ds = shape(r, rank, 800), axis = r() % rank, es = ES[c % 4], it = (c >> 2) & 1 ? I64 : I32;
    const qs = ds.map((d, k) => (k === axis ? SIZES[r() % 5] : 1 + (r() % d)));
    const total = prod(qs), iv = indices(r, total, ds[axis]), data = bytes(prod(ds) * es, r);
    const want = new Uint8Array(total * es);
    for (let e = 0; e < total; e++) {
      let rem = e, off = 0, st = 1;
      for (let k = rank - 1; k >= 0; k--) { const cc = rem % qs[k]; rem = Math.floor(rem / qs[k]); off += (k === axis ? wrapI(iv[e], ds[axis]) : cc) * st; st *= ds[k]; }
      want.set(data.subarray(off * es, off * es + es), e * es);
    }
    const call = (iv2: number[], q = qs) => run([data, idxBytes(iv2, it), dimsOf([...ds, ...q])], [want.length], ([d, i, dm], [y]) => x().gather_elements_any__scalar(es, y, d, i, it, rank, axis, dm));
    const g = call(iv);
    assert.is(g.status, 0);
    assert.equal(g.outs[0].subarray(0, want.length), want, `${ds} ${qs} axis ${axis}`);
    assert.ok(untouched(g.outs[0].subarray(want.length)));
    const bad = iv.slice(); bad[r() % total] = r() & 1 ? ds[axis] : -ds[axis] - 1;
    const b = call(bad);
    assert.is(b.status, 3); assert.ok(untouched(b.outs[0]));
    if (rank > 1) {
      const k = (axis + 1) % rank, q2 = qs.slice(); q2[k] = ds[k] + 1;
      const d2 = call(iv, q2);
      assert.is(d2.status, 2); assert.ok(untouched(d2.outs[0]));
    }
  }
});

test('gather_nd_any__memcpy == gather_nd_any__scalar == oracle: batch dims, k, negative indices', async () => {
  await getAlloy();
  const r = rng(903);
  for (let c = 0; c < 150; c++) {
    const rank = 1 + (c % 5), ds = shape(r, rank, 1000), b = r() % rank, k = 1 + (r() % (rank - b)), es = ES[c % 4], it = (c >> 2) & 1 ? I64 : I32;
    const B = prod(ds.slice(0, b)), kd = ds.slice(b, b + k), inner = prod(ds.slice(b + k)), N = SIZES[r() % 4];
    const iv: number[] = [];
    for (let t = 0; t < B * N; t++) for (let j = 0; j < k; j++) iv.push((r() % (2 * kd[j])) - kd[j]);
    const data = bytes(prod(ds) * es, r), want = new Uint8Array(B * N * inner * es), per = prod(kd) * inner;
    for (let t = 0; t < B * N; t++) {
      let off = Math.floor(t / N) * per, st = per;
      for (let j = 0; j < k; j++) { st /= kd[j]; off += wrapI(iv[t * k + j], kd[j]) * st; }
      want.set(data.subarray(off * es, (off + inner) * es), t * inner * es);
    }
    for (const fn of ['gather_nd_any__memcpy', 'gather_nd_any__scalar']) {
      const call = (v: number[]) => run([data, idxBytes(v, it), dimsOf(kd)], [want.length], ([d, i, dm], [y]) => x()[fn](es, y, d, i, it, B, N, k, inner, dm));
      const g = call(iv);
      assert.is(g.status, 0, fn);
      assert.equal(g.outs[0].subarray(0, want.length), want, `${fn} ${ds} b ${b} k ${k}`);
      assert.ok(untouched(g.outs[0].subarray(want.length)));
      const bad = iv.slice(), j = r() % bad.length; bad[j] = r() & 1 ? kd[j % k] : -kd[j % k] - 1;
      const e = call(bad);
      assert.is(e.status, 3); assert.ok(untouched(e.outs[0]));
    }
  }
});

// Typed views and the oracle's reductions (none, add, mul, max, min) for the scatter tests.
const TYPES: Record<number, { es: number; view: (b: ArrayBuffer) => any; gen: (r: () => number) => any; big?: boolean }> = {
  1: { es: 4, view: (b) => new Float32Array(b), gen: (r) => ((r() % 41) - 20) / 4 },
  11: { es: 8, view: (b) => new Float64Array(b), gen: (r) => ((r() % 41) - 20) / 8 },
  6: { es: 4, view: (b) => new Int32Array(b), gen: (r) => (r() | 0) >> (r() % 32) },
  7: { es: 8, view: (b) => new BigInt64Array(b), gen: (r) => BigInt.asIntN(64, (BigInt(r()) << 32n) | BigInt(r())) >> BigInt(r() % 64), big: true },
  2: { es: 1, view: (b) => new Uint8Array(b), gen: (r) => r() & 255 },
  3: { es: 1, view: (b) => new Int8Array(b), gen: (r) => ((r() & 255) << 24) >> 24 },
  4: { es: 2, view: (b) => new Uint16Array(b), gen: (r) => r() & 0xffff },
};
function reduce(dt: number, red: number, a: any, b: any): any {
  if (red === 0) return b;
  if (TYPES[dt].big) return red === 1 ? BigInt.asIntN(64, a + b) : red === 2 ? BigInt.asIntN(64, a * b) : red === 3 ? (a > b ? a : b) : a < b ? a : b;
  if (red === 1) return a + b; // the typed array's store rounds (f32) or wraps (integers)
  if (red === 2) return dt === 6 ? Math.imul(a, b) : a * b;
  return red === 3 ? Math.max(a, b) : Math.min(a, b);
}
function typedData(dt: number, n: number, r: () => number): Uint8Array {
  const t = TYPES[dt], v = t.view(new ArrayBuffer(n * t.es));
  for (let i = 0; i < n; i++) v[i] = t.gen(r);
  return new Uint8Array(v.buffer);
}

test('scatter_elements_any__scalar == oracle: reductions none / add / mul / max / min, repeated indices in order', async () => {
  await getAlloy();
  const r = rng(904);
  for (let c = 0; c < 200; c++) {
    const dt = +Object.keys(TYPES)[c % 7], red = (c >> 3) % 5, t = TYPES[dt], it = c & 1 ? I64 : I32;
    const rank = 1 + (r() % 5), ds = shape(r, rank, 600), axis = r() % rank;
    const qs = ds.map((d, k) => (k === axis ? SIZES[r() % 5] : 1 + (r() % d))), total = prod(qs);
    const iv = indices(r, total, ds[axis]), data = typedData(dt, prod(ds), r), upd = typedData(dt, total, r);
    const want = t.view(data.slice().buffer), uv = t.view(upd.slice().buffer);
    for (let e = 0; e < total; e++) {
      let rem = e, off = 0, st = 1;
      for (let k = rank - 1; k >= 0; k--) { const cc = rem % qs[k]; rem = Math.floor(rem / qs[k]); off += (k === axis ? wrapI(iv[e], ds[axis]) : cc) * st; st *= ds[k]; }
      want[off] = reduce(dt, red, want[off], uv[e]);
    }
    const call = (v: number[]) => run([data, idxBytes(v, it), upd, dimsOf([...ds, ...qs])], [data.length], ([d, i, u, dm], [y]) => x().scatter_elements_any__scalar(dt, red, y, d, i, u, it, rank, axis, dm));
    const g = call(iv);
    assert.is(g.status, 0);
    assert.equal(g.outs[0].subarray(0, data.length), new Uint8Array(want.buffer), `dt ${dt} red ${red} ${ds} ${qs} axis ${axis}`);
    assert.ok(untouched(g.outs[0].subarray(data.length)));
    const bad = iv.slice(); bad[r() % total] = r() & 1 ? ds[axis] : -ds[axis] - 1;
    const b = call(bad);
    assert.is(b.status, 3); assert.ok(untouched(b.outs[0]));
  }
  // in place (y == data), and the types that take reduction none only
  const d = new Float32Array([1, 2, 3, 4]), p = heap.put(d), pi = heap.put(new Int32Array([3, -4])), pu = heap.put(new Float32Array([10, 20])), pd = heap.put(new Int32Array([4, 2]));
  try {
    assert.is(x().scatter_elements_any__scalar(1, 1, p, p, pi, pu, I32, 1, 0, pd), 0);
    assert.equal([...heap.f32(p, 4)], [21, 2, 3, 14]);
    for (const dt of [9, 10, 16]) { assert.is(x().scatter_elements_any__scalar(dt, 1, p, p, pi, pu, I32, 1, 0, pd), 1); assert.is(x().scatter_elements_any__scalar(dt, 0, p, p, pi, pu, I32, 1, 0, pd), 0); }
    assert.is(x().scatter_elements_any__scalar(1, 5, p, p, pi, pu, I32, 1, 0, pd), 1);
    assert.is(x().scatter_elements_any__scalar(1, 0, p, p, pi, pu, 1, 1, 0, pd), 1);
    assert.is(x().scatter_elements_any__scalar(1, 0, p, p, pi, pu, I32, 1, 1, pd), 2);
  } finally { for (const q of [p, pi, pu, pd]) heap.free(q); }
});

test('scatter_nd_any__scalar == oracle: slices of every rank, reductions, repeated tuples in order', async () => {
  await getAlloy();
  const r = rng(905);
  for (let c = 0; c < 200; c++) {
    const dt = +Object.keys(TYPES)[c % 7], red = (c >> 3) % 5, t = TYPES[dt], it = c & 1 ? I64 : I32;
    const rank = 1 + (r() % 5), ds = shape(r, rank, 600), k = 1 + (r() % rank), M = SIZES[r() % 4], inner = prod(ds.slice(k));
    const iv: number[] = [];
    for (let m = 0; m < M; m++) for (let j = 0; j < k; j++) iv.push((r() % (2 * ds[j])) - ds[j]);
    const data = typedData(dt, prod(ds), r), upd = typedData(dt, M * inner, r);
    const want = t.view(data.slice().buffer), uv = t.view(upd.slice().buffer);
    for (let m = 0; m < M; m++) {
      let off = 0, st = prod(ds);
      for (let j = 0; j < k; j++) { st /= ds[j]; off += wrapI(iv[m * k + j], ds[j]) * st; }
      for (let i = 0; i < inner; i++) want[off + i] = reduce(dt, red, want[off + i], uv[m * inner + i]);
    }
    const call = (v: number[]) => run([data, idxBytes(v, it), upd, dimsOf(ds)], [data.length], ([d, i, u, dm], [y]) => x().scatter_nd_any__scalar(dt, red, y, d, i, u, it, M, k, rank, dm));
    const g = call(iv);
    assert.is(g.status, 0);
    assert.equal(g.outs[0].subarray(0, data.length), new Uint8Array(want.buffer), `dt ${dt} red ${red} ${ds} k ${k}`);
    assert.ok(untouched(g.outs[0].subarray(data.length)));
    const bad = iv.slice(), j = r() % bad.length; bad[j] = r() & 1 ? ds[j % k] : -ds[j % k] - 1;
    const b = call(bad);
    assert.is(b.status, 3); assert.ok(untouched(b.outs[0]));
  }
});

test('onehot_any__scalar == oracle: index types (integers, floats truncated), negative, out of range = off', async () => {
  await getAlloy();
  const r = rng(906);
  const enc: Record<number, (v: number[]) => Uint8Array> = {
    6: (v) => idxBytes(v, I32), 7: (v) => idxBytes(v, I64), 1: (v) => new Uint8Array(new Float32Array(v.map((q) => q + (q < 0 ? -0.5 : 0.5))).buffer),
    11: (v) => new Uint8Array(new Float64Array(v.map((q) => q + (q < 0 ? -0.25 : 0.75))).buffer), 3: (v) => new Uint8Array(new Int8Array(v).buffer),
  };
  for (let c = 0; c < 100; c++) {
    const itype = +Object.keys(enc)[c % 5], es = ES[(c >> 2) % 4], outer = SIZES[r() % 6], inner = SIZES[r() % 5], depth = SIZES[r() % 7];
    const iv = Array.from({ length: outer * inner }, () => (r() % (2 * depth + 6)) - depth - 3);
    const vals = bytes(2 * es, r), want = new Uint8Array(outer * depth * inner * es);
    for (let o = 0; o < outer; o++) for (let d = 0; d < depth; d++) for (let i = 0; i < inner; i++) {
      const v = iv[o * inner + i], hit = v >= -depth && v < depth && wrapI(v, depth) === d;
      want.set(vals.subarray(hit ? es : 0, hit ? 2 * es : es), ((o * depth + d) * inner + i) * es);
    }
    const g = run([enc[itype](iv), vals], [want.length], ([i, v], [y]) => x().onehot_any__scalar(es, y, i, itype, outer, depth, inner, v));
    assert.is(g.status, 0);
    assert.equal(g.outs[0].subarray(0, want.length), want, `itype ${itype} ${outer} ${depth} ${inner}`);
    assert.ok(untouched(g.outs[0].subarray(want.length)));
  }
  // NaN / huge float indices: off everywhere; bad element size / index type: status 1
  const g = run([new Uint8Array(new Float32Array([NaN, 1e30, -1e30]).buffer), new Uint8Array([0, 1])], [9], ([i, v], [y]) => x().onehot_any__scalar(1, y, i, 1, 3, 3, 1, v));
  assert.equal([...g.outs[0].subarray(0, 9)], new Array(9).fill(0));
  assert.is(run([new Uint8Array(4), new Uint8Array(4)], [4], ([i, v], [y]) => x().onehot_any__scalar(3, y, i, 6, 1, 1, 1, v)).status, 1);
  assert.is(run([new Uint8Array(4), new Uint8Array(4)], [4], ([i, v], [y]) => x().onehot_any__scalar(1, y, i, 10, 1, 1, 1, v)).status, 1);
});

test('trilu_any__memcpy == trilu_any__scalar == oracle: upper / lower, every k, in place', async () => {
  await getAlloy();
  const r = rng(907);
  for (let c = 0; c < 160; c++) {
    const es = ES[c % 4], batch = SIZES[r() % 4], rows = SIZES[r() % 7], cols = SIZES[r() % 7], upper = (c >> 2) & 1;
    const ks = [0, 1, -1, rows, -rows, cols + 3, -rows - 5, 2147483647, -2147483648, (r() % 11) - 5];
    const k = ks[c % ks.length], data = bytes(batch * rows * cols * es, r), want = new Uint8Array(data.length);
    for (let b = 0; b < batch; b++) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      const e = ((b * rows + i) * cols + j) * es;
      if (upper ? j - i >= k : j - i <= k) want.set(data.subarray(e, e + es), e);
    }
    for (const fn of ['trilu_any__memcpy', 'trilu_any__scalar']) {
      const g = run([data], [data.length], ([d], [y]) => x()[fn](es, y, d, batch, rows, cols, k, upper));
      assert.is(g.status, 0);
      assert.equal(g.outs[0].subarray(0, data.length), want, `${fn} ${batch}x${rows}x${cols} k ${k} upper ${upper}`);
      assert.ok(untouched(g.outs[0].subarray(data.length)));
      const p = heap.put(data);
      try { assert.is(x()[fn](es, p, p, batch, rows, cols, k, upper), 0); assert.equal(heap.u8(p, data.length).slice(), want, 'in place'); } finally { heap.free(p); }
    }
  }
  assert.is(x().trilu_any__memcpy(3, 0, 0, 1, 1, 1, 0, 1), 1);
  assert.is(x().trilu_any__scalar(4, 0, 0, 1, -1, 1, 0, 1), 2);
});

test('range_count_any__scalar / range_any__scalar == oracle (ONNX Range: start + i * delta)', async () => {
  await getAlloy();
  const cases: [number, number, number, number, number[]][] = [
    // dtype, start, limit, delta, expected values
    [1, 1, 5, 2, [1, 3]], [1, 10, 3, -3, [10, 7, 4]], [1, 10, 6, -3, [10, 7]], [1, 0, 1, 0.25, [0, 0.25, 0.5, 0.75]], [1, 0.5, 0.5, 1, []], [1, 3, 1, 1, []],
    [11, -1, 1.1, 0.5, [-1, -0.5, 0, 0.5, 1]], [6, 1, 10, 3, [1, 4, 7]], [6, 10, 6, -3, [10, 7]], [6, -5, 5, 5, [-5, 0]], [6, 0, 0, 1, []],
    [7, 2, 13, 5, [2, 7, 12]], [7, 3, -4, -2, [3, 1, -1, -3]], [5, -3, 3, 2, [-3, -1, 1]], [3, -128, 127, 100, [-128, -28, 72]],
  ];
  const ctor: Record<number, any> = { 1: Float32Array, 11: Float64Array, 6: Int32Array, 7: BigInt64Array, 5: Int16Array, 3: Int8Array };
  for (const [dt, s, l, d, want] of cases) {
    const C = ctor[dt], enc = (v: number) => new Uint8Array(new C([dt === 7 ? BigInt(v) : v]).buffer);
    const cnt = run([enc(s), enc(l), enc(d)], [], ([ps, pl, pd]) => x().range_count_any__scalar(dt, ps, pl, pd)).status;
    assert.is(cnt, want.length, `count ${dt} ${s} ${l} ${d}`);
    const g = run([enc(s), enc(d)], [want.length * C.BYTES_PER_ELEMENT], ([ps, pd], [y]) => x().range_any__scalar(dt, y, ps, pd, cnt));
    assert.is(g.status, 0);
    const got = [...new C(g.outs[0].buffer, 0, want.length)].map(Number);
    assert.equal(got, want.map((v) => (dt === 1 ? Math.fround(v) : v)), `values ${dt} ${s} ${l} ${d}`);
    assert.ok(untouched(g.outs[0].subarray(want.length * C.BYTES_PER_ELEMENT)));
  }
  const f = (v: number) => new Uint8Array(new Float32Array([v]).buffer), i64 = (v: bigint) => new Uint8Array(new BigInt64Array([v]).buffer);
  const count = (dt: number, a: Uint8Array, b: Uint8Array, c: Uint8Array) => run([a, b, c], [], ([p, q, s]) => x().range_count_any__scalar(dt, p, q, s)).status;
  assert.is(count(1, f(0), f(1), f(0)), -1, 'delta 0');
  assert.is(count(1, f(0), f(Infinity), f(1)), -1, 'infinite limit');
  assert.is(count(1, f(0), f(NaN), f(1)), -1, 'NaN');
  assert.is(count(7, i64(0n), i64(5n), i64(0n)), -1, 'integer delta 0');
  assert.is(count(7, i64(-(2n ** 63n)), i64(2n ** 63n - 1n), i64(1n)), -1, 'limit - start overflows');
  assert.is(count(7, i64(0n), i64(-(2n ** 63n)), i64(-1n)), 2 ** 63, 'MIN / -1 does not trap');
  assert.is(count(9, f(0), f(1), f(1)), -2, 'bool');
  assert.is(x().range_any__scalar(9, 0, 0, 0, 1), 1);
});

// TopK oracle: a stable sort (Array.prototype.sort is stable) by value, NaN above every number.
function topkOracle(vals: number[], k: number, largest: boolean): number[] {
  const rank = (v: number) => (Number.isNaN(v) ? Infinity : v), nan = (v: number) => Number.isNaN(v);
  const ix = vals.map((_, i) => i).sort((a, b) => {
    const va = vals[a], vb = vals[b];
    if (nan(va) || nan(vb)) return nan(va) === nan(vb) ? 0 : (nan(va) ? -1 : 1) * (largest ? 1 : -1);
    return largest ? rank(vb) - rank(va) : rank(va) - rank(vb);
  });
  return ix.slice(0, k);
}

test('topk_any__scalar == oracle: largest / smallest, ties in index order, NaN, every k, lanes', async () => {
  await getAlloy();
  const r = rng(908);
  const gens: Record<number, { C: any; g: () => number }> = {
    1: { C: Float32Array, g: () => (r() % 9 === 0 ? NaN : ((r() % 13) - 6) / 2) }, 11: { C: Float64Array, g: () => ((r() % 13) - 6) / 4 },
    6: { C: Int32Array, g: () => (r() % 7) - 3 }, 2: { C: Uint8Array, g: () => r() % 5 }, 5: { C: Int16Array, g: () => (r() % 9) - 4 },
    7: { C: BigInt64Array, g: () => (r() % 7) - 3 }, 13: { C: BigUint64Array, g: () => r() % 4 },
  };
  for (let c = 0; c < 140; c++) {
    const dt = +Object.keys(gens)[c % 7], { C, g } = gens[dt], big = dt === 7 || dt === 13;
    const outer = SIZES[r() % 4], n = SIZES[r() % 7], inner = SIZES[r() % 3], k = [0, 1, n, r() % (n + 1)][c % 4], largest = (c >> 3) & 1;
    const vals = Array.from({ length: outer * n * inner }, g);
    const xs = new C(vals.map((v) => (big ? BigInt(dt === 13 ? v : v) : v)));
    if (dt === 13) for (let i = 0; i < xs.length; i++) if (r() % 5 === 0) xs[i] = 2n ** 64n - 1n - BigInt(r() % 3); // above i64's range
    const es = C.BYTES_PER_ELEMENT, yvB = outer * k * inner * es, yiB = outer * k * inner * 8;
    const res = run([new Uint8Array(xs.buffer), new Uint8Array(16 * n)], [yvB, yiB], ([px, s], [yv, yi]) => x().topk_any__scalar(dt, yv, yi, px, outer, n, inner, k, largest, s));
    assert.is(res.status, 0);
    const gv = new C(res.outs[0].buffer, 0, outer * k * inner), gi = new BigInt64Array(res.outs[1].buffer, 0, outer * k * inner);
    for (let o = 0; o < outer; o++) for (let l = 0; l < inner; l++) {
      const lane = Array.from({ length: n }, (_, j) => xs[(o * n + j) * inner + l]);
      const want = big ? lane.map((_, i) => i).sort((a, b) => { const d = largest ? lane[b] - lane[a] : lane[a] - lane[b]; return d > 0n ? 1 : d < 0n ? -1 : 0; }).slice(0, k) : topkOracle(lane, k, !!largest);
      for (let q = 0; q < k; q++) {
        assert.is(Number(gi[(o * k + q) * inner + l]), want[q], `dt ${dt} ${outer}x${n}x${inner} k ${k} largest ${largest}`);
        assert.ok(Object.is(gv[(o * k + q) * inner + l], lane[want[q]]) || gv[(o * k + q) * inner + l] === lane[want[q]]);
      }
    }
    assert.ok(untouched(res.outs[0].subarray(yvB)) && untouched(res.outs[1].subarray(yiB)));
  }
  // f16 / bf16 compare by value (bits: 0x3c00 = 1, 0xbc00 = -1, 0x4000 = 2, 0x8000 = -0, 0x7e00 = NaN)
  const h = new Uint16Array([0x3c00, 0xbc00, 0x4000, 0x8000, 0x7e00, 0x0000]);
  const t = run([new Uint8Array(h.buffer), new Uint8Array(16 * 6)], [12, 48], ([px, s], [yv, yi]) => x().topk_any__scalar(10, yv, yi, px, 1, 6, 1, 6, 1, s));
  assert.equal([...new BigInt64Array(t.outs[1].buffer, 0, 6)].map(Number), [4, 2, 0, 3, 5, 1], 'f16: NaN, 2, 1, -0 == 0 in index order, -1');
  const bf = new Uint16Array([0x3f80, 0xbf80, 0x4000]);
  const t2 = run([new Uint8Array(bf.buffer), new Uint8Array(48)], [6, 24], ([px, s], [yv, yi]) => x().topk_any__scalar(16, yv, yi, px, 1, 3, 1, 3, 0, s));
  assert.equal([...new BigInt64Array(t2.outs[1].buffer, 0, 3)].map(Number), [1, 0, 2], 'bf16 smallest');
  assert.is(x().topk_any__scalar(9, 0, 0, 0, 1, 1, 1, 1, 1, 0), 1, 'bool');
  assert.is(x().topk_any__scalar(1, 0, 0, 0, 1, 3, 1, 4, 1, 0), 2, 'k > n');
});

test('bad element sizes, index types and dims: a status, nothing written', async () => {
  await getAlloy();
  const z = new Uint8Array(64), dm = dimsOf([4, 4]);
  const s = (f: (p: number[], y: number) => number) => { const g = run([z, z, dm], [16], ([a, b, c], [y]) => f([a, b, c], y)); assert.ok(untouched(g.outs[0])); return g.status; };
  assert.is(s(([d, i], y) => x().gather_any__memcpy(3, y, d, i, I32, 1, 4, 1, 2)), 1);
  assert.is(s(([d, i], y) => x().gather_any__scalar(4, y, d, i, 1, 1, 4, 1, 2)), 1);
  assert.is(s(([d, i], y) => x().gather_any__memcpy(4, y, d, i, I32, -1, 4, 1, 2)), 2);
  assert.is(s(([d, i], y) => x().gather_any__memcpy(4, y, d, i, I32, 1, 0, 1, 2)), 3, 'an empty axis has no valid index');
  assert.is(s(([d, i, c], y) => x().gather_elements_any__scalar(4, y, d, i, I32, 2, 2, c)), 2);
  assert.is(s(([d, i, c], y) => x().gather_elements_any__scalar(4, y, d, i, I32, 9, 0, c)), 2);
  assert.is(s(([d, i, c], y) => x().gather_nd_any__memcpy(4, y, d, i, I32, 1, 1, 9, 1, c)), 2);
  assert.is(s(([d, i, c], y) => x().scatter_nd_any__scalar(1, 0, y, d, i, d, I32, 1, 3, 2, c)), 2, 'k > rank');
  assert.is(s(([d, i, c], y) => x().scatter_nd_any__scalar(99, 0, y, d, i, d, I32, 1, 1, 2, c)), 1);
});

test.run();

// Data movement kernels on typed N-d tensors (assembly/nd/move.ts, pad.ts, where.ts): Transpose,
// Slice, Expand, Tile, Pad, Concat, Where.
// 1. Each __simd128 / __memcpy kernel equals its __scalar reference byte for byte over random
//    shapes of rank 0-6 with awkward sizes (1, 3, 4, 5, 7, 17, 33), every element size (1, 2, 4, 8).
// 2. Both equal an independent JS oracle (index arithmetic written from the ONNX / numpy definition).
// 3. Bad element size / dims / arguments: a status, nothing written; nothing written past y.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const SIZES = [1, 3, 4, 5, 7, 17, 33];
const ES = [1, 2, 4, 8];
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const x = () => wasm() as any;

function shape(r: () => number, rank: number, cap = 3000): number[] {
  const out: number[] = [];
  let t = 1;
  for (let i = 0; i < rank; i++) { let d = SIZES[r() % SIZES.length]; while (t * d > cap) d = SIZES[r() % 3]; out.push(d); t *= d; }
  return out;
}
const bytes = (n: number, r: () => number) => { const b = new Uint8Array(n + 16); for (let i = 0; i < n; i++) b[i] = r() & 0xff; return b; };
const strides = (d: number[]) => { const s = d.map(() => 1); for (let i = d.length - 2; i >= 0; i--) s[i] = s[i + 1] * d[i + 1]; return s; };
/** Multi-index of element o of dims d (outermost first). */
const unravel = (o: number, d: number[]) => { const k = d.map(() => 0); for (let i = d.length - 1; i >= 0; i--) { k[i] = o % d[i]; o = Math.floor(o / d[i]); } return k; };

/** Calls kernel fn with the buffers (copied in) and i32 arrays; returns status and y (with its 16 spare bytes). */
function call(fn: string, yBytes: number, bufs: Uint8Array[], ints: number[][], pre: number[], post: (p: number[], q: number[]) => number[]): { status: number; y: Uint8Array } {
  const pb = bufs.map((b) => heap.put(b)), pi = ints.map((a) => heap.put(new Int32Array([...a, 0])));
  const py = heap.alloc(yBytes + 16);
  try {
    heap.u8(py, yBytes + 16).fill(0xcd);
    const status = x()[fn](...pre, py, ...post(pb, pi));
    return { status, y: heap.u8(py, yBytes + 16).slice() };
  } finally { for (const p of [...pb, ...pi, py]) heap.free(p); }
}

/** Oracle output: element o of y copies x element src(o), or the bytes of `value` when src < 0. */
function gatherOracle(es: number, n: number, xb: Uint8Array, src: (o: number) => number, value?: Uint8Array): Uint8Array {
  const y = new Uint8Array(n * es);
  for (let o = 0; o < n; o++) { const s = src(o); for (let k = 0; k < es; k++) y[o * es + k] = s < 0 ? value![k] : xb[s * es + k]; }
  return y;
}

type Case = { name: string; yBytes: number; bufs: Uint8Array[]; ints: number[][]; args: (p: number[], q: number[]) => number[]; want: Uint8Array | null; pre?: number[] };

function checkPair(simd: string, ref: string, es: number, c: Case, label: string) {
  const a = call(simd, c.yBytes, c.bufs, c.ints, c.pre ?? [es], c.args), b = call(ref, c.yBytes, c.bufs, c.ints, c.pre ?? [es], c.args);
  const want = c.want;
  if (want === null) {
    assert.is(a.status, 2, `${simd} ${label}: refused`); assert.is(b.status, 2, `${ref} ${label}: refused`);
    assert.ok(a.y.every((v) => v === 0xcd) && b.y.every((v) => v === 0xcd), `${label}: wrote when refusing`);
    return;
  }
  assert.is(a.status, 0, `${simd} ${label}`); assert.is(b.status, 0, `${ref} ${label}`);
  assert.equal(a.y, b.y, `${simd} == ${ref} ${label}`);
  assert.equal(a.y.subarray(0, c.yBytes), want, `${simd} == oracle ${label}`);
  assert.ok(a.y.subarray(c.yBytes).every((v) => v === 0xcd), `${simd} ${label}: wrote past y`);
}

function sweep(simd: string, ref: string, seed: number, count: number, make: (r: () => number, es: number, rank: number) => Case) {
  const r = rng(seed);
  let n = 0;
  for (const es of ES) for (let rank = 0; rank <= 6; rank++) for (let k = 0; k < count; k++) {
    const c = make(r, es, rank);
    checkPair(simd, ref, es, c, `es ${es} rank ${rank} ${c.name}`);
    n++;
  }
  console.log(`  [${simd}] ${n} cases`);
}

test('transpose_nd_any: every permutation kind, element size and rank', async () => {
  await getAlloy();
  sweep('transpose_nd_any__simd128', 'transpose_nd_any__scalar', 11, 6, (r, es, rank) => {
    const d = shape(r, rank), perm = d.map((_, i) => i);
    for (let i = rank - 1; i > 0; i--) { const j = r() % (i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
    const xb = bytes(prod(d) * es, r), s = strides(d), od = perm.map((p) => d[p]);
    const want = gatherOracle(es, prod(d), xb, (o) => unravel(o, od).reduce((a, k, j) => a + k * s[perm[j]], 0));
    return { name: `${d} perm ${perm}`, yBytes: prod(d) * es, bufs: [xb], ints: [d, perm], args: ([p], [pd, pp]) => [p, rank, pd, pp], want };
  });
});

test('slice_nd_any: positive and negative steps, empty outputs; out-of-range starts refused', async () => {
  await getAlloy();
  sweep('slice_nd_any__simd128', 'slice_nd_any__scalar', 12, 6, (r, es, rank) => {
    const d = shape(r, rank), st: number[] = [], sp: number[] = [], yd: number[] = [];
    for (const n of d) {
      const step = [1, 1, 2, -1, -2, 3, -5][r() % 7], start = r() % n;
      const room = step > 0 ? Math.floor((n - 1 - start) / step) + 1 : Math.floor(start / -step) + 1;
      st.push(start); sp.push(step); yd.push(r() % 5 === 0 ? 0 : 1 + (r() % room));
    }
    const bad = rank > 0 && r() % 8 === 0;
    if (bad) { for (let j = 0; j < rank; j++) yd[j] ||= 1; const i = r() % rank; if (r() & 1) st[i] = d[i]; else yd[i] += Math.ceil(d[i] / Math.abs(sp[i])) + 1; }
    const xb = bytes(prod(d) * es, r), s = strides(d);
    const want = bad ? null : gatherOracle(es, prod(yd), xb, (o) => unravel(o, yd).reduce((a, k, i) => a + (st[i] + k * sp[i]) * s[i], 0));
    return { name: `${d} starts ${st} steps ${sp} -> ${yd}`, yBytes: prod(yd) * es, bufs: [xb], ints: [d, st, sp, yd], args: ([p], [a, b, c, e]) => [p, rank, a, b, c, e], want };
  });
});

test('expand_nd_any: every broadcast pattern; incompatible dims refused', async () => {
  await getAlloy();
  sweep('expand_nd_any__simd128', 'expand_nd_any__scalar', 13, 6, (r, es, rank) => {
    const d = shape(r, rank), xd = d.map((v) => (r() % 2 ? 1 : v));
    const bad = rank > 0 && r() % 8 === 0 && d.some((v) => v > 1);
    if (bad) { const i = d.findIndex((v) => v > 1); xd[i] = d[i] + 1; }
    const xb = bytes(prod(xd) * es, r), s = strides(xd);
    const want = bad ? null : gatherOracle(es, prod(d), xb, (o) => unravel(o, d).reduce((a, k, i) => a + (xd[i] === 1 ? 0 : k * s[i]), 0));
    return { name: `${xd} -> ${d}`, yBytes: prod(d) * es, bufs: [xb], ints: [[...d, ...xd]], args: ([p], [q]) => [p, rank, q], want };
  });
});

test('tile_nd_any: repeats 0-3 on every axis; negative repeats refused', async () => {
  await getAlloy();
  sweep('tile_nd_any__simd128', 'tile_nd_any__scalar', 14, 6, (r, es, rank) => {
    const d = shape(r, rank, 400), reps = d.map(() => [1, 2, 3, 1, 0][r() % (r() % 6 === 0 ? 5 : 4)]);
    const bad = rank > 0 && r() % 10 === 0;
    if (bad) reps[r() % rank] = -1;
    const od = d.map((v, i) => v * reps[i]), xb = bytes(prod(d) * es, r), s = strides(d);
    const want = bad ? null : gatherOracle(es, prod(od), xb, (o) => unravel(o, od).reduce((a, k, i) => a + (k % d[i]) * s[i], 0));
    return { name: `${d} x ${reps}`, yBytes: bad ? 64 : prod(od) * es, bufs: [xb], ints: [d, reps], args: ([p], [a, b]) => [p, rank, a, b], want };
  });
});

// numpy.pad's index maps, written as the iterative definitions (independent of the kernel's closed forms)
function padIndex(i: number, d: number, mode: number): number {
  if (i >= 0 && i < d) return i;
  if (mode === 0) return -1;
  if (mode === 2) return i < 0 ? 0 : d - 1;
  if (mode === 3) return ((i % d) + d) % d;
  if (d === 1) return 0;
  while (i < 0 || i >= d) i = i < 0 ? -i : 2 * (d - 1) - i;
  return i;
}

test('pad_nd_any: constant / reflect / edge / wrap, negative pads (crop first, as the ONNX reference)', async () => {
  await getAlloy();
  for (let mode = 0; mode < 4; mode++) {
    sweep('pad_nd_any__simd128', 'pad_nd_any__scalar', 15 + mode, 3, (r, es, rank) => {
      const d = shape(r, rank, 600), pb = d.map(() => (r() % 7) - 2), pe = d.map(() => (r() % 7) - 2);
      const dc = d.map((v, i) => v + Math.min(pb[i], 0) + Math.min(pe[i], 0)), od = d.map((v, i) => v + pb[i] + pe[i]);
      const n = prod(od), empty = dc.some((v) => v === 0);
      const bad = dc.some((v) => v < 0) || od.some((v) => v < 0) || (mode !== 0 && empty && n > 0);
      const xb = bytes(prod(d) * es, r), s = strides(d), value = bytes(es, r);
      const want = bad ? null : gatherOracle(es, n, xb, (o) => {
        const k = unravel(o, od);
        let src = 0;
        for (let i = 0; i < rank; i++) {
          const q = padIndex(k[i] - Math.max(pb[i], 0), dc[i], mode);
          if (q < 0) return -1;
          src += (q + Math.max(-pb[i], 0)) * s[i];
        }
        return src;
      }, value);
      return { name: `mode ${mode} ${d} pads ${pb} ${pe}`, yBytes: bad ? 64 : n * es, bufs: [xb, value], ints: [d, [...pb, ...pe]],
        args: ([p, v], [a, b]) => [p, rank, a, b, mode, v], want };
    });
  }
});

test('concat_nd_any: inputs placed along the axis at their offsets, empty parts, overflowing offsets refused', async () => {
  await getAlloy();
  const r = rng(19);
  let n = 0;
  for (const es of ES) for (let k = 0; k < 40; k++) {
    const outer = [0, 1, 3, 5][r() % 4], inner = SIZES[r() % 5], axisOut = SIZES[r() % 6], axisIn = r() % (axisOut + 1), off = r() % (axisOut - axisIn + 1);
    const bad = k % 10 === 9;
    const xb = bytes(outer * axisIn * inner * es, r), yb = outer * axisOut * inner * es;
    // untouched elements keep 0xcd: the oracle starts from the filled buffer
    const want = new Uint8Array(yb).fill(0xcd);
    for (let o = 0; o < outer; o++) for (let i = 0; i < axisIn * inner * es; i++) want[(o * axisOut + off) * inner * es + i] = xb[o * axisIn * inner * es + i];
    const c: Case = { name: `${outer}x${axisIn}/${axisOut}x${inner} at ${off}`, yBytes: yb, bufs: [xb], ints: [], want: bad ? null : want,
      args: ([p]) => [p, outer, inner, axisIn, axisOut, bad ? axisOut - axisIn + 1 : off] };
    checkPair('concat_nd_any__memcpy', 'concat_nd_any__scalar', es, c, c.name);
    n++;
  }
  console.log(`  [concat_nd_any__memcpy] ${n} cases`);
});

test('where_nd_any: cond / a / b broadcast to the output, nonzero cond bytes are true', async () => {
  await getAlloy();
  sweep('where_nd_any__simd128', 'where_nd_any__scalar', 20, 8, (r, es, rank) => {
    const d = shape(r, rank), shrink = () => d.map((v) => (r() % 3 === 0 ? 1 : v));
    const cd = shrink(), ad = shrink(), bd = shrink();
    const bad = rank > 0 && r() % 10 === 0 && d.some((v) => v > 1);
    if (bad) { const i = d.findIndex((v) => v > 1); ad[i] = d[i] + 2; }
    const cb = bytes(prod(cd), r).map((v) => (v % 3 === 0 ? 0 : v % 5 === 0 ? 1 : v)), ab = bytes(prod(ad) * es, r), bb = bytes(prod(bd) * es, r);
    const off = (k: number[], sd: number[]) => { const s = strides(sd); return k.reduce((a, v, i) => a + (sd[i] === 1 ? 0 : v * s[i]), 0); };
    const want = bad ? null : (() => {
      const y = new Uint8Array(prod(d) * es);
      for (let o = 0; o < prod(d); o++) {
        const k = unravel(o, d), c = cb[off(k, cd)] !== 0, src = c ? ab : bb, so = off(k, c ? ad : bd);
        for (let j = 0; j < es; j++) y[o * es + j] = src[so * es + j];
      }
      return y;
    })();
    return { name: `${d} cond ${cd} a ${ad} b ${bd}`, yBytes: bad ? 64 : prod(d) * es, bufs: [cb, ab, bb], ints: [[...d, ...cd, ...ad, ...bd]],
      args: ([c, a, b], [q]) => [c, a, b, rank, q], want };
  });
});

test('bad element sizes and ranks: status 1 / 2, nothing written', async () => {
  await getAlloy();
  const z = new Uint8Array(64);
  const un = (y: Uint8Array) => y.every((v) => v === 0xcd);
  for (const es of [0, 3, 5, 16, -4]) {
    for (const [fn, ints, args] of [
      ['transpose_nd_any__simd128', [[2, 2], [1, 0]], ([p]: number[], [a, b]: number[]) => [p, 2, a, b]],
      ['slice_nd_any__simd128', [[4], [0], [1], [4]], ([p]: number[], [a, b, c, e]: number[]) => [p, 1, a, b, c, e]],
      ['expand_nd_any__simd128', [[4, 1]], ([p]: number[], [a]: number[]) => [p, 1, a]],
      ['tile_nd_any__simd128', [[4], [1]], ([p]: number[], [a, b]: number[]) => [p, 1, a, b]],
      ['pad_nd_any__simd128', [[4], [0, 0]], ([p]: number[], [a, b]: number[]) => [p, 1, a, b, 0, p]],
    ] as const) {
      const { status, y } = call(fn, 16, [z], ints as any, [es], args as any);
      assert.is(status, 1, `${fn} es ${es}`); assert.ok(un(y));
    }
  }
  // a bad permutation, rank 9, a pad mode past wrap, a step of 0
  assert.is(call('transpose_nd_any__simd128', 16, [z], [[2, 2], [0, 0]], [4], ([p], [a, b]) => [p, 2, a, b]).status, 2);
  assert.is(call('transpose_nd_any__simd128', 16, [z], [[1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]], [4], ([p], [a, b]) => [p, 9, a, b]).status, 2);
  assert.is(call('pad_nd_any__simd128', 16, [z], [[4], [0, 0]], [4], ([p], [a, b]) => [p, 1, a, b, 4, p]).status, 1);
  assert.is(call('slice_nd_any__simd128', 16, [z], [[4], [0], [0], [2]], [4], ([p], [a, b, c, e]) => [p, 1, a, b, c, e]).status, 2);
  // rank 8 views coalesce (tile doubles the rank to 16)
  const d8 = [2, 1, 2, 1, 2, 1, 2, 1], reps = [1, 2, 1, 2, 1, 2, 1, 2];
  const { status, y } = call('tile_nd_any__simd128', 256 * 4, [new Uint8Array(new Int32Array([...Array(16).keys()]).buffer)], [d8, reps], [4], ([p], [a, b]) => [p, 8, a, b]);
  assert.is(status, 0);
  assert.equal([...new Int32Array(y.buffer, 0, 8)], [0, 0, 1, 1, 0, 0, 1, 1]);
});

test.run();

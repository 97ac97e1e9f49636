// The linalg operators as runtime nodes with ONNX semantics (src/runtime/ops/linalg.ts, convnd.ts),
// in tiny bundles: MatMul (1-D operands, batch broadcasting, f64 / i32 / i64, attention shapes
// with dynamic b and s), Gemm (transA / transB, alpha, beta, every C broadcast), MatMulInteger
// (zero points), Einsum, ConvNd (ONNX Conv, 1-D and 3-D) and ConvTranspose (pads, strides,
// output_padding, output_shape, auto_pad, groups). Each against a plain JS loop of the
// definition; reference mode gives the same bits; bad inputs give AlloyError codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng, throwsCode } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const randF = (n: number, seed: number) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() % 2001) - 1000) / 512); };

type T = { format: string; shape: number[]; data: ArrayBufferView };
function bundle(nodes: any[], inputs: { name: string; shape: number[]; format?: string }[], outputs: { name: string; shape: number[]; format?: string }[], tensors: Record<string, T> = {}) {
  return writeBundle({
    graph: { inputs: inputs.map((i) => ({ format: 'f32', ...i })), outputs: outputs.map((o) => ({ format: 'f32', ...o })), nodes },
    tensors,
  });
}

// numpy matmul in float64 (the oracle)
function npMatmul(a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[]): { y: number[]; shape: number[] } {
  const A = as.length === 1 ? [1, as[0]] : as, B = bs.length === 1 ? [bs[0], 1] : bs;
  const M = A.at(-2)!, K = A.at(-1)!, N = B.at(-1)!;
  const r = Math.max(A.length, B.length) - 2;
  const ab = [...new Array(r - (A.length - 2)).fill(1), ...A.slice(0, -2)], bb = [...new Array(r - (B.length - 2)).fill(1), ...B.slice(0, -2)];
  const batch = ab.map((d, i) => Math.max(d, bb[i]));
  const y: number[] = [];
  for (let e = 0; e < prod(batch); e++) {
    let rem = e, ao = 0, bo = 0, sa = 1, sb = 1;
    for (let i = r - 1; i >= 0; i--) { const k = rem % batch[i]; rem = Math.floor(rem / batch[i]); if (ab[i] !== 1) ao += k * sa; if (bb[i] !== 1) bo += k * sb; sa *= ab[i]; sb *= bb[i]; }
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ao * M * K + m * K + k] * b[bo * K * N + k * N + n];
      y.push(s);
    }
  }
  return { y, shape: [...batch, ...(as.length === 1 ? [] : [M]), ...(bs.length === 1 ? [] : [N])] };
}
const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  assert.is(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(Number(got[i]) - want[i]) <= tol * (1 + Math.abs(want[i])), `${what} [${i}]: ${got[i]} vs ${want[i]}`);
};

test('MatMul: 1-D operands, batch broadcasting, both operands activations (= numpy within f32 rounding; reference mode: the same bits)', async () => {
  const a = await getAlloy();
  const cases: [number[], number[]][] = [[[3, 4], [4, 5]], [[4], [4, 5]], [[3, 4], [4]], [[7], [7]], [[2, 1, 3, 17], [5, 17, 4]], [[5, 4], [2, 3, 4, 6]], [[2, 3, 5, 33], [2, 3, 33, 7]], [[1, 0, 4], [4, 3]]];
  for (const [as, bs] of cases) {
    const want = npMatmul(randF(prod(as), 1), as, randF(prod(bs), 2), bs);
    const m = bundle([{ name: 'mm', op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }], [{ name: 'a', shape: as }, { name: 'b', shape: bs }], [{ name: 'y', shape: want.shape }]);
    const feeds = { a: { data: randF(prod(as), 1), shape: as }, b: { data: randF(prod(bs), 2), shape: bs } };
    const out = a.load(m).run(feeds).y, ref = a.load(m, { kernels: 'reference' }).run(feeds).y;
    assert.equal(out.shape, want.shape, JSON.stringify([as, bs]));
    close(out.data as Float32Array, want.y, 1e-5, JSON.stringify([as, bs]));
    assert.equal(new Uint8Array((out.data as Float32Array).buffer.slice(0)), new Uint8Array((ref.data as Float32Array).buffer.slice(0)), 'reference mode');
  }
});

test('MatMul: attention shapes [b, h, s, d] x [b, h, d, s] with dynamic b and s, several shapes on one model', async () => {
  const a = await getAlloy();
  const m = a.load(bundle([{ name: 'qk', op: 'MatMul', inputs: ['q', 'kt'], outputs: ['s'] }, { name: 'sv', op: 'MatMul', inputs: ['s', 'v'], outputs: ['y'] }],
    [{ name: 'q', shape: [-1, 2, -1, 8] }, { name: 'kt', shape: [-1, 2, 8, -1] }, { name: 'v', shape: [-1, 2, -1, 8] }], [{ name: 'y', shape: [-1, 2, -1, 8] }]));
  for (const [b, s] of [[1, 5], [2, 17], [1, 1], [3, 4]]) {
    const q = randF(b * 2 * s * 8, s), kt = randF(b * 2 * 8 * s, s + 1), v = randF(b * 2 * s * 8, s + 2);
    const y = m.run({ q: { data: q, shape: [b, 2, s, 8] }, kt: { data: kt, shape: [b, 2, 8, s] }, v: { data: v, shape: [b, 2, s, 8] } }).y;
    const sc = npMatmul(q, [b, 2, s, 8], kt, [b, 2, 8, s]);
    const want = npMatmul(sc.y, sc.shape, v, [b, 2, s, 8]);
    assert.equal(y.shape, [b, 2, s, 8]);
    close(y.data as Float32Array, want.y, 1e-4, `b ${b} s ${s}`);
  }
});

test('MatMul on f64, i32, i64 values (the einsum kernel for integers: wrapping, exact)', async () => {
  const a = await getAlloy();
  const as = [2, 3, 4], bs = [4, 5];
  const r = rng(7), av = Array.from({ length: 24 }, () => (r() % 19) - 9), bv = Array.from({ length: 20 }, () => (r() % 19) - 9);
  const want = npMatmul(av, as, bv, bs);
  for (const [fmt, mk] of [['f64', (v: number[]) => new Float64Array(v)], ['i32', (v: number[]) => new Int32Array(v)], ['i64', (v: number[]) => new BigInt64Array(v.map(BigInt))]] as const) {
    const m = a.load(bundle([{ name: 'mm', op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }], [{ name: 'a', shape: as, format: fmt }], [{ name: 'y', shape: want.shape, format: fmt }],
      { b: { format: fmt, shape: bs, data: mk(bv) } }));
    const y = m.run({ a: { data: mk(av) as any, shape: as } }).y;
    assert.is(y.dtype, fmt);
    assert.equal([...(y.data as any)].map(Number), want.y, fmt);
  }
});

test('Gemm: transA / transB, alpha, beta, C of every broadcast shape, A and B activations', async () => {
  const a = await getAlloy();
  const [M, K, N] = [3, 5, 4];
  for (const [tA, tB, alpha, beta, cs] of [[0, 0, 1, 1, null], [1, 0, 0.5, 1, [N]], [0, 1, 1, 2, [M, 1]], [1, 1, -1.5, 0.25, [M, N]], [0, 0, 2, 3, []], [0, 0, 1, 1, [1, N]], [0, 0, 1, 0, [1]]] as const) {
    const as = tA ? [K, M] : [M, K], bs = tB ? [N, K] : [K, N];
    const A = randF(M * K, 3), B = randF(K * N, 4), C = cs ? randF(prod(cs as number[]), 5) : null;
    const want: number[] = [];
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[tA ? k * M + m : m * K + k] * B[tB ? n * K + k : k * N + n];
      let c = 0;
      if (C) { const c2 = [...new Array(2 - cs!.length).fill(1), ...cs!]; c = C[(c2[0] === 1 ? 0 : m) * c2[1] + (c2[1] === 1 ? 0 : n)]; }
      want.push(alpha * s + beta * c);
    }
    const inputs = [{ name: 'A', shape: as }, { name: 'B', shape: bs }, ...(C ? [{ name: 'C', shape: [...cs!] }] : [])];
    const m = a.load(bundle([{ name: 'g', op: 'Gemm', inputs: inputs.map((i) => i.name), outputs: ['y'], attrs: { transA: tA, transB: tB, alpha, beta } }], inputs, [{ name: 'y', shape: [M, N] }]));
    const y = m.run({ A: { data: A, shape: as }, B: { data: B, shape: bs }, ...(C ? { C: { data: C, shape: [...cs!] } } : {}) }).y;
    assert.equal(y.shape, [M, N]);
    close(y.data as Float32Array, want, 1e-5, JSON.stringify({ tA, tB, alpha, beta, cs }));
  }
});

test('MatMulInteger: u8 x i8 with per-tensor and per-row / per-column zero points -> i32, exact', async () => {
  const a = await getAlloy();
  const [M, K, N] = [3, 7, 5], r = rng(9);
  const A = new Uint8Array(M * K).map(() => r() & 255), B = new Int8Array(K * N).map(() => (r() & 255) - 128);
  for (const [az, bz] of [[null, null], [new Uint8Array([128]), new Int8Array([-3])], [new Uint8Array([1, 2, 3]), new Int8Array([1, -2, 3, -4, 5])]] as const) {
    const want: number[] = [];
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (A[m * K + k] - (az ? az[az.length === 1 ? 0 : m] : 0)) * (B[k * N + n] - (bz ? bz[bz.length === 1 ? 0 : n] : 0));
      want.push(s);
    }
    const tensors: Record<string, T> = {};
    if (az) tensors.az = { format: 'u8', shape: az.length === 1 ? [] : [M], data: az };
    if (bz) tensors.bz = { format: 'i8', shape: bz.length === 1 ? [] : [N], data: bz };
    const m = a.load(bundle([{ name: 'q', op: 'MatMulInteger', inputs: ['A', 'B', ...(az ? ['az', 'bz'] : [])], outputs: ['y'] }],
      [{ name: 'A', shape: [M, K], format: 'u8' }, { name: 'B', shape: [K, N], format: 'i8' }], [{ name: 'y', shape: [M, N], format: 'i32' }], tensors));
    const y = m.run({ A: { data: A, shape: [M, K] }, B: { data: B, shape: [K, N] } }).y;
    assert.is(y.dtype, 'i32');
    assert.equal([...(y.data as Int32Array)], want);
  }
});

test('Einsum: batched matmul (fast path) and general equations (= the JS loop)', async () => {
  const a = await getAlloy();
  for (const [eq, shapes, out] of [['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]], [2, 3, 5]], ['bhid,bhjd->bhij', [[1, 2, 3, 4], [1, 2, 5, 4]], [1, 2, 3, 5]], ['ij->ji', [[3, 4]], [4, 3]], ['i,i->', [[6], [6]], []], ['bii->bi', [[2, 3, 3]], [2, 3]]] as const) {
    const ins = shapes.map((s, i) => ({ name: `x${i}`, shape: [...s] }));
    const vals = shapes.map((s, i) => randF(prod([...s]), 10 + i));
    const m = a.load(bundle([{ name: 'e', op: 'Einsum', inputs: ins.map((i) => i.name), outputs: ['y'], attrs: { equation: eq } }], ins, [{ name: 'y', shape: [...out] }]));
    const y = m.run(Object.fromEntries(ins.map((x, i) => [x.name, { data: vals[i], shape: x.shape }]))).y;
    assert.equal(y.shape, [...out], eq);
    // the JS loop: every assignment of every label
    const [lhs, rhs] = eq.split('->'), terms = lhs.split(','), labs = [...new Set(lhs.replace(',', ''))];
    const size = (l: string) => { for (const [i, t] of terms.entries()) if (t.includes(l)) return shapes[i][t.indexOf(l)]; return 1; };
    const want = new Array(prod([...out])).fill(0);
    const ix = labs.map(() => 0), sz = labs.map(size);
    for (let e = 0; e < prod(sz); e++) {
      let rem = e;
      for (let i = labs.length - 1; i >= 0; i--) { ix[i] = rem % sz[i]; rem = Math.floor(rem / sz[i]); }
      const v = (l: string) => ix[labs.indexOf(l)];
      let p = 1;
      terms.forEach((t, i) => { p *= vals[i][[...t].reduce((acc, l, j) => acc * shapes[i][j] + v(l), 0)]; });
      want[[...rhs].reduce((acc, l, j) => acc * out[j] + v(l), 0)] += p;
    }
    close(y.data as Float32Array, want, 1e-5, eq);
  }
});

// The ONNX definitions as scatter loops (each input element times each weight, added where it lands).
function convRef(transpose: boolean, x: Float32Array, xs: number[], w: Float32Array, ws: number[], b: Float32Array | null, ys: number[], s: number[], d: number[], pb: number[], group: number): number[] {
  const nsp = xs.length - 2, [N, C] = xs, OC = ys[1], Cg = C / group, OCg = OC / group;
  const y = new Array(prod(ys)).fill(0), osz = prod(ys.slice(2)), isz = prod(xs.slice(2)), ksz = prod(ws.slice(2));
  const unflat = (i: number, sh: number[]) => { const r: number[] = []; for (let j = sh.length - 1; j >= 0; j--) { r.unshift(i % sh[j]); i = Math.floor(i / sh[j]); } return r; };
  const flat = (v: number[], sh: number[]) => v.reduce((a, e, j) => a * sh[j] + e, 0);
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = Math.floor(oc / OCg);
    for (let ic = 0; ic < Cg; ic++) for (let kk = 0; kk < ksz; kk++) {
      const k = unflat(kk, ws.slice(2));
      const wv = transpose ? w[((g * Cg + ic) * OCg + (oc % OCg)) * ksz + kk] : w[(oc * Cg + ic) * ksz + kk];
      if (!transpose) {
        for (let o = 0; o < osz; o++) {
          const ov = unflat(o, ys.slice(2)), iv = ov.map((e, j) => e * s[j] - pb[j] + k[j] * d[j]);
          if (iv.some((e, j) => e < 0 || e >= xs[2 + j])) continue;
          y[(n * OC + oc) * osz + o] += x[(n * C + g * Cg + ic) * isz + flat(iv, xs.slice(2))] * wv;
        }
      } else {
        for (let i = 0; i < isz; i++) {
          const iv = unflat(i, xs.slice(2)), ov = iv.map((e, j) => e * s[j] - pb[j] + k[j] * d[j]);
          if (ov.some((e, j) => e < 0 || e >= ys[2 + j])) continue;
          y[(n * OC + oc) * osz + flat(ov, ys.slice(2))] += x[(n * C + g * Cg + ic) * isz + i] * wv;
        }
      }
    }
    if (b) for (let o = 0; o < osz; o++) y[(n * OC + oc) * osz + o] += b[oc];
  }
  void nsp;
  return y;
}

test('ConvNd (ONNX Conv) 1-D / 3-D and ConvTranspose 1-D / 2-D: pads, strides, dilations, groups, output_padding, output_shape, auto_pad', async () => {
  const a = await getAlloy();
  const cases: { t: boolean; xs: number[]; ws: number[]; attrs: Record<string, unknown>; ys: number[]; pb: number[]; bias?: boolean }[] = [
    { t: false, xs: [2, 4, 17], ws: [6, 2, 3], attrs: { group: 2, pads: [1, 2], strides: [2], dilations: [2] }, ys: [2, 6, 8], pb: [1], bias: true },
    { t: false, xs: [1, 2, 5, 4, 3], ws: [3, 2, 3, 2, 1], attrs: { auto_pad: 'SAME_UPPER' }, ys: [1, 3, 5, 4, 3], pb: [1, 0, 0] },
    { t: true, xs: [1, 3, 5], ws: [3, 2, 3], attrs: { strides: [2], output_padding: [1] }, ys: [1, 2, 12], pb: [0], bias: true },
    { t: true, xs: [1, 2, 3, 3], ws: [2, 3, 3, 3], attrs: { strides: [3, 2], pads: [1, 2, 1, 2] }, ys: [1, 3, 7, 3], pb: [1, 2] },
    { t: true, xs: [1, 1, 3, 3], ws: [1, 2, 3, 3], attrs: { strides: [3, 2], output_shape: [10, 8] }, ys: [1, 2, 10, 8], pb: [0, 0] },
    { t: true, xs: [1, 1, 3, 3], ws: [1, 2, 3, 3], attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' }, ys: [1, 2, 6, 6], pb: [0, 0] },
    { t: true, xs: [2, 4, 3, 2], ws: [4, 1, 2, 2], attrs: { group: 2, strides: [2, 1], dilations: [1, 2] }, ys: [2, 2, 6, 4], pb: [0, 0], bias: true },
  ];
  for (const c of cases) {
    const nsp = c.xs.length - 2, s = (c.attrs.strides as number[]) ?? new Array(nsp).fill(1), d = (c.attrs.dilations as number[]) ?? new Array(nsp).fill(1);
    const x = randF(prod(c.xs), 20), w = randF(prod(c.ws), 21), b = c.bias ? randF(c.ys[1], 22) : null;
    const ins = [{ name: 'x', shape: c.xs }, { name: 'w', shape: c.ws }, ...(b ? [{ name: 'b', shape: [c.ys[1]] }] : [])];
    const m = bundle([{ name: 'c', op: c.t ? 'ConvTranspose' : 'ConvNd', inputs: ins.map((i) => i.name), outputs: ['y'], attrs: c.attrs }], ins, [{ name: 'y', shape: c.ys }]);
    const feeds = { x: { data: x, shape: c.xs }, w: { data: w, shape: c.ws }, ...(b ? { b: { data: b, shape: [c.ys[1]] } } : {}) };
    const y = a.load(m).run(feeds).y, ref = a.load(m, { kernels: 'reference' }).run(feeds).y;
    const what = JSON.stringify(c);
    assert.equal(y.shape, c.ys, what);
    close(y.data as Float32Array, convRef(c.t, x, c.xs, w, c.ws, b, c.ys, s, d, c.pb, (c.attrs.group as number) ?? 1), 1e-5, what);
    assert.equal([...(y.data as Float32Array)], [...(ref.data as Float32Array)], `reference mode: ${what}`);
  }
});

test('bad inputs: shape mismatches, types, attributes -> AlloyError codes', async () => {
  const a = await getAlloy();
  const mm = (as: number[], bs: number[]) => bundle([{ name: 'mm', op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }], [{ name: 'a', shape: as }, { name: 'b', shape: bs }], [{ name: 'y', shape: [-1] }]);
  throwsCode(() => a.load(mm([3, 4], [5, 6])).run({ a: { data: new Float32Array(12), shape: [3, 4] }, b: { data: new Float32Array(30), shape: [5, 6] } }), 'SHAPE_MISMATCH', /4 columns/);
  throwsCode(() => a.load(mm([2, 3, 4], [3, 4, 2])).run({ a: { data: new Float32Array(24), shape: [2, 3, 4] }, b: { data: new Float32Array(24), shape: [3, 4, 2] } }), 'SHAPE_MISMATCH', /broadcast/);
  const m16 = bundle([{ name: 'mm', op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }], [{ name: 'a', shape: [2, 2], format: 'f16' }, { name: 'b', shape: [2, 2], format: 'f16' }], [{ name: 'y', shape: [2, 2], format: 'f16' }]);
  throwsCode(() => a.load(m16), 'UNSUPPORTED_OP', /f16/);
  const g = bundle([{ name: 'g', op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'] }], [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [3, 4] }, { name: 'c', shape: [3] }], [{ name: 'y', shape: [2, 4] }]);
  throwsCode(() => a.load(g).run({ a: new Float32Array(6), b: { data: new Float32Array(12), shape: [3, 4] }, c: new Float32Array(3) }), 'SHAPE_MISMATCH', /broadcast/);
  const e = (eq: string) => bundle([{ name: 'e', op: 'Einsum', inputs: ['a'], outputs: ['y'], attrs: { equation: eq } }], [{ name: 'a', shape: [2, 3] }], [{ name: 'y', shape: [-1] }]);
  throwsCode(() => a.load(e('ij->k')).run({ a: { data: new Float32Array(6), shape: [2, 3] } }), 'BAD_GRAPH', /names no input dim/);
  throwsCode(() => a.load(e('ijk->i')).run({ a: { data: new Float32Array(6), shape: [2, 3] } }), 'SHAPE_MISMATCH', /rank 2/);
  const conv = (attrs: Record<string, unknown>, ws = [4, 2, 3]) => bundle([{ name: 'c', op: 'ConvNd', inputs: ['x', 'w'], outputs: ['y'], attrs }], [{ name: 'x', shape: [1, 2, 5] }, { name: 'w', shape: ws }], [{ name: 'y', shape: [-1, -1, -1] }]);
  const feeds = (ws = [4, 2, 3]) => ({ x: { data: new Float32Array(10), shape: [1, 2, 5] }, w: { data: new Float32Array(prod(ws)), shape: ws } });
  throwsCode(() => a.load(conv({ strides: [0] })).run(feeds()), 'BAD_GRAPH', /strides/);
  throwsCode(() => a.load(conv({ auto_pad: 'SAME' })).run(feeds()), 'BAD_GRAPH', /auto_pad/);
  throwsCode(() => a.load(conv({}, [4, 3, 3])).run(feeds([4, 3, 3])), 'SHAPE_MISMATCH', /input channels/);
  throwsCode(() => a.load(conv({}, [4, 2, 9])).run(feeds([4, 2, 9])), 'SHAPE_MISMATCH', /smaller than the kernel/);
  throwsCode(() => a.load(conv({ pads: [1] })).run(feeds()), 'BAD_GRAPH', /pads/);
});

test.run();

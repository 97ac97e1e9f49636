// The linalg kernels (assembly/nd/matmul.ts, matmul_int.ts, conv.ts):
// 1. matmul_f32_f32_f32__simd128_5x8 equals matmul_f32_f32_f32__scalar byte for byte at awkward M, K, N
//    (1, 3, 4, 5, 7, 17, 33), every transpose flag and batch broadcast pattern; both equal a JS
//    oracle summing in the same order with Math.fround, and a float64 oracle within tolerance.
// 2. matmul_f64_f64_f64__scalar against a float64 oracle (same order: exact); matmul_x8_x8_i32__scalar
//    against an integer oracle with every zero-point form.
// 3. conv_nd / conv_transpose_nd (__simd128_5x8 == __scalar bytes) at 1-3 spatial dims, strides, dilations, pads, groups: against a
//    gather oracle (same order, fround: exact) and, for ConvTranspose, a scatter oracle (tolerance).
// 4. einsum_nd_any__scalar through planEinsum on the common equations, diagonals, broadcasting
//    ellipses, against a brute-force oracle over the joint label space (small integers: exact).
// 5. Bad sizes, flags, types, dims, parameters: a status, nothing written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { planEinsum, einsumAsMatmul } from '../../src/runtime/ops/einsum.ts';

const SIZES = [1, 3, 4, 5, 7, 17, 33];
const f = Math.fround;
const prod = (s: number[]) => s.reduce((x, y) => x * y, 1);

function run(fn: string, args: (number | Uint8Array | { out: number })[]): { status: number; outs: Uint8Array[] } {
  const x = wasm(), ptrs: number[] = [], outs: { p: number; n: number }[] = [];
  try {
    const vals = args.map((a) => {
      if (typeof a === 'number') return a;
      if (a instanceof Uint8Array) { const p = a.length ? heap.put(a) : heap.alloc(0); ptrs.push(p); return p; }
      const p = heap.alloc(a.out + 16); ptrs.push(p); heap.u8(p, a.out + 16).fill(0xcd); outs.push({ p, n: a.out + 16 }); return p;
    });
    const status = x[fn](...vals);
    return { status, outs: outs.map((o) => heap.u8(o.p, o.n).slice()) };
  } finally { for (const p of ptrs) heap.free(p); }
}
const bytes = (a: Float32Array | Float64Array | Int32Array | Int8Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const randF32 = (n: number, r: () => number) => new Float32Array(n).map(() => ((r() % 2001) - 1000) / 256);

interface MM { M: number; K: number; N: number; flags: number; out: number[]; a: number[]; b: number[] }

function randomMM(r: () => number): MM {
  const pick = () => SIZES[r() % SIZES.length];
  const M = pick(), K = pick(), N = pick(), rank = r() % 4;
  const out: number[] = [];
  for (let i = 0; i < rank; i++) out.push([1, 2, 3][r() % 3]);
  const shrink = (d: number) => (r() % 3 === 0 ? 1 : d);
  return { M, K, N, flags: r() & 3, out, a: out.map(shrink), b: out.map(shrink) };
}

// The batch offsets of output batch e in a and b (numpy broadcasting).
function offsets(c: MM, e: number): [number, number] {
  let rem = e, ao = 0, bo = 0, sa = 1, sb = 1;
  for (let i = c.out.length - 1; i >= 0; i--) {
    const k = rem % c.out[i]; rem = Math.floor(rem / c.out[i]);
    if (c.a[i] !== 1) ao += k * sa;
    if (c.b[i] !== 1) bo += k * sb;
    sa *= c.a[i]; sb *= c.b[i];
  }
  return [ao, bo];
}

function oracleMM(c: MM, A: ArrayLike<number>, B: ArrayLike<number>, round: (v: number) => number): number[] {
  const { M, K, N, flags } = c, y: number[] = [];
  for (let e = 0; e < prod(c.out); e++) {
    const [ao, bo] = offsets(c, e);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const x = A[ao * M * K + (flags & 1 ? k * M + m : m * K + k)], w = B[bo * K * N + (flags & 2 ? n * K + k : k * N + n)];
        acc = round(acc + round(x * w));
      }
      y.push(acc);
    }
  }
  return y;
}

const mmArgs = (c: MM, A: Uint8Array, B: Uint8Array, size: number) =>
  [{ out: prod(c.out) * c.M * c.N * size }, A, B, c.M, c.K, c.N, c.flags, c.out.length, bytes(new Int32Array([...c.out, ...c.a, ...c.b, 0]))];

test('matmul_f32_f32_f32__simd128_5x8 equals matmul_f32_f32_f32__scalar and the oracles, every size, flag and broadcast', async () => {
  await getAlloy();
  const r = rng(2201);
  let cases = 0;
  for (let t = 0; t < 300; t++) {
    const c = randomMM(r);
    const A = randF32(prod(c.a) * c.M * c.K, r), B = randF32(prod(c.b) * c.K * c.N, r);
    const fast = run('matmul_f32_f32_f32__simd128_5x8', mmArgs(c, bytes(A), bytes(B), 4));
    const ref = run('matmul_f32_f32_f32__scalar', mmArgs(c, bytes(A), bytes(B), 4));
    const what = JSON.stringify(c);
    assert.is(fast.status, 0, what); assert.is(ref.status, 0, what);
    assert.equal(fast.outs[0], ref.outs[0], what);
    const n = prod(c.out) * c.M * c.N;
    assert.ok(fast.outs[0].subarray(n * 4).every((v) => v === 0xcd), `wrote past the output: ${what}`);
    const got = new Float32Array(fast.outs[0].buffer, 0, n);
    assert.equal([...got], oracleMM(c, A, B, f), what);
    const wide = oracleMM(c, A, B, (v) => v);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(got[i] - wide[i]) <= 1e-5 * (1 + Math.abs(wide[i])) * c.K, `${what} [${i}]`);
    cases++;
  }
  // stacked batches sharing B, a repeated B batch, a large product through the blocked path
  for (const c of [
    { M: 5, K: 17, N: 9, flags: 0, out: [3, 2], a: [3, 2], b: [1, 1] },
    { M: 4, K: 3, N: 33, flags: 0, out: [2, 3], a: [1, 3], b: [2, 1] },
    { M: 70, K: 300, N: 41, flags: 2, out: [2], a: [2], b: [1] },
    { M: 33, K: 0, N: 7, flags: 0, out: [2], a: [2], b: [2] },
    { M: 3, K: 0, N: 5, flags: 1, out: [], a: [], b: [] },
  ] as MM[]) {
    const A = randF32(prod(c.a) * c.M * c.K, r), B = randF32(prod(c.b) * c.K * c.N, r);
    const fast = run('matmul_f32_f32_f32__simd128_5x8', mmArgs(c, bytes(A), bytes(B), 4));
    const ref = run('matmul_f32_f32_f32__scalar', mmArgs(c, bytes(A), bytes(B), 4));
    assert.equal(fast.outs[0], ref.outs[0], JSON.stringify(c));
    assert.equal([...new Float32Array(fast.outs[0].buffer, 0, prod(c.out) * c.M * c.N)], oracleMM(c, A, B, f));
  }
  console.log(`  [matmul_f32_f32_f32__simd128_5x8] ${cases} random cases`);
});

test('matmul_f64_f64_f64__scalar: the float64 oracle bit for bit', async () => {
  await getAlloy();
  const r = rng(2202);
  for (let t = 0; t < 60; t++) {
    const c = randomMM(r);
    const A = new Float64Array(prod(c.a) * c.M * c.K).map(() => ((r() % 20001) - 10000) / 777);
    const B = new Float64Array(prod(c.b) * c.K * c.N).map(() => ((r() % 20001) - 10000) / 333);
    const { status, outs } = run('matmul_f64_f64_f64__scalar', mmArgs(c, bytes(A), bytes(B), 8));
    assert.is(status, 0);
    assert.equal([...new Float64Array(outs[0].buffer, 0, prod(c.out) * c.M * c.N)], oracleMM(c, A, B, (v) => v), JSON.stringify(c));
  }
});

test('matmul_x8_x8_i32__simd128_4x8 == matmul_x8_x8_i32__scalar == oracle: u8 / i8 operands, per-tensor / per-row / per-column zero points', async () => {
  await getAlloy();
  const r = rng(2203);
  for (let t = 0; t < 150; t++) {
    const c = { ...randomMM(r), flags: 0 };
    const adt = 2 + (r() & 1), bdt = 2 + (r() & 1);
    const mk = (dt: number, n: number) => (dt === 3 ? new Int8Array(n) : new Uint8Array(n)).map(() => r() & 255);
    const A = mk(adt, prod(c.a) * c.M * c.K), B = mk(bdt, prod(c.b) * c.K * c.N);
    const nazp = [0, 1, c.M][r() % 3], nbzp = [0, 1, c.N][r() % 3];
    const az = mk(adt, nazp), bz = mk(bdt, nbzp);
    const args = [{ out: prod(c.out) * c.M * c.N * 4 }, bytes(A), adt, bytes(B), bdt, bytes(az), nazp, bytes(bz), nbzp,
      c.M, c.K, c.N, c.out.length, bytes(new Int32Array([...c.out, ...c.a, ...c.b, 0]))];
    const { status, outs } = run('matmul_x8_x8_i32__scalar', args), fast = run('matmul_x8_x8_i32__simd128_4x8', args);
    assert.is(status, 0); assert.is(fast.status, 0);
    assert.equal(fast.outs[0], outs[0], 'simd128 == scalar');
    const want: number[] = [];
    for (let e = 0; e < prod(c.out); e++) {
      const [ao, bo] = offsets(c, e);
      for (let m = 0; m < c.M; m++) for (let n = 0; n < c.N; n++) {
        let acc = 0;
        for (let k = 0; k < c.K; k++) acc += (A[ao * c.M * c.K + m * c.K + k] - (nazp ? az[nazp === 1 ? 0 : m] : 0)) * (B[bo * c.K * c.N + k * c.N + n] - (nbzp ? bz[nbzp === 1 ? 0 : n] : 0));
        want.push(acc);
      }
    }
    assert.equal([...new Int32Array(outs[0].buffer, 0, want.length)], want, JSON.stringify({ c, adt, bdt, nazp, nbzp }));
  }
});

interface CV { nsp: number; N: number; C: number; OC: number; G: number; ins: number[]; outs: number[]; k: number[]; s: number[]; d: number[]; pad: number[] }
const params = (c: CV) => bytes(new Int32Array([c.nsp, c.N, c.C, c.OC, c.G, ...c.ins.flatMap((_, i) => [c.ins[i], c.outs[i], c.k[i], c.s[i], c.d[i], c.pad[i]])]));

function randomConv(r: () => number, transpose: boolean): CV {
  const nsp = 1 + (r() % 3), G = [1, 1, 2, 3][r() % 4];
  const C = G * (1 + (r() % 3)), OC = G * (1 + (r() % 3));
  const ins: number[] = [], outs: number[] = [], k: number[] = [], s: number[] = [], d: number[] = [], pad: number[] = [];
  for (let i = 0; i < nsp; i++) {
    const n = [1, 3, 4, 5, 7][r() % (nsp === 3 ? 3 : 5)], kk = 1 + (r() % 3), ss = 1 + (r() % 2), dd = 1 + (r() % 2), p = r() % 3;
    ins.push(n); k.push(kk); s.push(ss); d.push(dd); pad.push(p);
    const ext = dd * (kk - 1) + 1;
    outs.push(transpose ? Math.max(1, (n - 1) * ss + ext - 2 * p + (r() % 2)) : Math.max(1, Math.floor((n + 2 * p - ext) / ss) + 1));
  }
  return { nsp, N: 1 + (r() % 2), C, OC, G, ins, outs, k, s, d, pad };
}

// Multi-index helpers over row-major shapes.
const idx = (shape: number[], ix: number[]) => ix.reduce((a, v, i) => a * shape[i] + v, 0);
function* each(shape: number[]): Generator<number[]> {
  const ix = shape.map(() => 0);
  if (shape.some((v) => v === 0)) return;
  for (;;) {
    yield ix.slice();
    let i = shape.length - 1;
    while (i >= 0 && ++ix[i] === shape[i]) ix[i--] = 0;
    if (i < 0) return;
  }
}

function oracleConv(c: CV, X: Float32Array, W: Float32Array, bias: Float32Array | null, transpose: boolean, round: (v: number) => number): number[] {
  const Cg = c.C / c.G, OCg = c.OC / c.G, y: number[] = [];
  for (let n = 0; n < c.N; n++) for (let oc = 0; oc < c.OC; oc++) {
    const g = Math.floor(oc / OCg);
    for (const o of each(c.outs)) {
      let acc = 0;
      for (let ic = 0; ic < Cg; ic++) for (const kk of each(c.k)) {
        const i = o.map((v, j) => (transpose ? (v + c.pad[j] - kk[j] * c.d[j]) / c.s[j] : v * c.s[j] - c.pad[j] + kk[j] * c.d[j]));
        if (i.some((v, j) => !Number.isInteger(v) || v < 0 || v >= c.ins[j])) continue;
        const cin = g * Cg + ic;
        const xv = X[idx([c.N, c.C, ...c.ins], [n, cin, ...i])];
        const wv = transpose ? W[idx([c.C, OCg, ...c.k], [cin, oc % OCg, ...kk])] : W[idx([c.OC, Cg, ...c.k], [oc, ic, ...kk])];
        acc = round(acc + round(xv * wv));
      }
      y.push(bias ? round(acc + bias[oc]) : acc);
    }
  }
  return y;
}

// ConvTranspose the way its definition reads: each input element scattered into the output.
function scatterConvT(c: CV, X: Float32Array, W: Float32Array, bias: Float32Array | null): number[] {
  const Cg = c.C / c.G, OCg = c.OC / c.G, osz = prod(c.outs), y = new Array(c.N * c.OC * osz).fill(0);
  for (let n = 0; n < c.N; n++) for (let cin = 0; cin < c.C; cin++) for (const i of each(c.ins)) for (let j = 0; j < OCg; j++) for (const kk of each(c.k)) {
    const o = i.map((v, t) => v * c.s[t] - c.pad[t] + kk[t] * c.d[t]);
    if (o.some((v, t) => v < 0 || v >= c.outs[t])) continue;
    const oc = Math.floor(cin / Cg) * OCg + j;
    y[(n * c.OC + oc) * osz + idx(c.outs, o)] += X[idx([c.N, c.C, ...c.ins], [n, cin, ...i])] * W[idx([c.C, OCg, ...c.k], [cin, j, ...kk])];
  }
  if (bias) for (let i = 0; i < y.length; i++) y[i] += bias[Math.floor(i / osz) % c.OC];
  return y;
}

for (const transpose of [false, true]) {
  const fn = transpose ? 'conv_transpose_nd_f32_f32_f32__scalar' : 'conv_nd_f32_f32_f32__scalar', simd = fn.replace('__scalar', '__simd128_5x8');
  test(`${simd} == ${fn}: 1-3 spatial dims, strides, dilations, pads, groups against the oracles`, async () => {
    await getAlloy();
    const r = rng(transpose ? 2205 : 2204);
    // a large case: several panel blocks, K above a kc-slice, the blocked GEMM path
    const big: CV = transpose ? { nsp: 2, N: 1, C: 40, OC: 12, G: 1, ins: [9, 11], outs: [19, 23], k: [3, 3], s: [2, 2], d: [1, 1], pad: [1, 0] }
      : { nsp: 2, N: 2, C: 64, OC: 16, G: 2, ins: [20, 21], outs: [20, 21], k: [3, 3], s: [1, 1], d: [1, 1], pad: [1, 1] };
    for (let t = 0; t < 121; t++) {
      const c = t === 120 ? big : randomConv(r, transpose);
      const X = randF32(c.N * c.C * prod(c.ins), r);
      const W = randF32((transpose ? c.C * (c.OC / c.G) : c.OC * (c.C / c.G)) * prod(c.k), r);
      const bias = r() & 1 ? randF32(c.OC, r) : null;
      const ny = c.N * c.OC * prod(c.outs);
      const args = [{ out: ny * 4 }, bytes(X), bytes(W), bias ? bytes(bias) : 0, params(c)];
      const { status, outs } = run(fn, args), fast = run(simd, args);
      const what = JSON.stringify(c);
      assert.is(status, 0, what); assert.is(fast.status, 0, what);
      assert.equal(fast.outs[0], outs[0], `${simd} == ${fn}: ${what}`);
      assert.ok(outs[0].subarray(ny * 4).every((v) => v === 0xcd), `wrote past the output: ${what}`);
      if (c === big) continue;   // the big case: SIMD == scalar only (the oracles are slow)
      const got = [...new Float32Array(outs[0].buffer, 0, ny)];
      assert.equal(got, oracleConv(c, X, W, bias, transpose, f), what);
      if (transpose) {
        const s = scatterConvT(c, X, W, bias);
        for (let i = 0; i < ny; i++) assert.ok(Math.abs(got[i] - s[i]) <= 1e-4 * (1 + Math.abs(s[i])), `${what} [${i}] ${got[i]} vs ${s[i]}`);
      }
    }
  });
}

// Brute force: every assignment of every label; the output sums each product.
function oracleEinsum(eq: string, shapes: number[][], ops: number[][]): { shape: number[]; y: number[] } {
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const E = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? shapes[i].length - (t.length - 3) : 0)));
  const expand = (t: string, rank: number) => t.replace('...', Array.from({ length: t.includes('...') ? rank - (t.length - 3) : 0 }, (_, j) => String.fromCharCode(48 + E - (rank - (t.length - 3)) + j)).join(''));
  const ts = terms.map((t, i) => expand(t, shapes[i].length));
  const ell = Array.from({ length: E }, (_, j) => String.fromCharCode(48 + j)).join('');
  const outT = rhs !== undefined ? rhs.replace('...', ell) : ell + [...new Set(ts.join(''))].filter((c) => /[A-Za-z]/.test(c) && ts.join('').split(c).length === 2).sort().join('');
  const sizes = new Map<string, number>();
  ts.forEach((t, i) => [...t].forEach((c, j) => sizes.set(c, Math.max(sizes.get(c) ?? 1, shapes[i][j]))));
  const labs = [...sizes.keys()], shape = [...outT].map((c) => sizes.get(c)!);
  const y = new Array(prod(shape)).fill(0);
  for (const ix of each(labs.map((l) => sizes.get(l)!))) {
    const v = (c: string) => ix[labs.indexOf(c)];
    let p = 1;
    ts.forEach((t, i) => { p *= ops[i][idx(shapes[i], [...t].map((c, j) => (shapes[i][j] === 1 ? 0 : v(c))))]; });
    y[idx(shape, [...outT].map(v))] += p;
  }
  return { shape, y };
}

test('einsum_nd_any__scalar: common equations, diagonals, ellipses, implicit outputs, every type', async () => {
  await getAlloy();
  const r = rng(2206);
  const cases: [string, number[][]][] = [
    ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]], ['bhid,bhjd->bhij', [[2, 3, 5, 4], [2, 3, 7, 4]]], ['ij,jk', [[3, 4], [4, 5]]],
    ['i,i', [[7], [7]]], ['ij->ji', [[3, 5]]], ['ij->', [[3, 5]]], ['bii->bi', [[2, 4, 4]]], ['ii', [[5, 5]]], ['i,j->ij', [[3], [4]]],
    ['...ij,...jk->...ik', [[2, 1, 3, 4], [3, 4, 2]]], ['...ii->...i', [[3, 5, 5]]], ['ij...->j', [[2, 3, 4, 5]]], ['ba', [[3, 2]]],
    ['abc,cd->abd', [[1, 3, 17], [17, 5]]], ['bhqk,bhkd->bhqd', [[1, 2, 5, 33], [1, 2, 33, 3]]],
  ];
  const types: [number, (n: number[]) => Uint8Array, (b: Uint8Array, n: number) => number[], number][] = [
    [1, (v) => bytes(new Float32Array(v)), (b, n) => [...new Float32Array(b.buffer, 0, n)], 4],
    [11, (v) => bytes(new Float64Array(v)), (b, n) => [...new Float64Array(b.buffer, 0, n)], 8],
    [6, (v) => bytes(new Int32Array(v)), (b, n) => [...new Int32Array(b.buffer, 0, n)], 4],
    [7, (v) => bytes(new BigInt64Array(v.map(BigInt))), (b, n) => [...new BigInt64Array(b.buffer, 0, n)].map(Number), 8],
  ];
  for (const [eq, shapes] of cases) for (const [dt, enc, dec, size] of types) {
    const ops = shapes.map((s) => Array.from({ length: prod(s) }, () => (r() % 9) - 4));
    const want = oracleEinsum(eq, shapes, ops);
    const plan = planEinsum(eq, shapes, 'test');
    assert.equal(plan.outShape, want.shape, eq);
    const n = prod(plan.outShape);
    const { status, outs } = run('einsum_nd_any__scalar', [dt, { out: n * size }, enc(ops[0]), ops[1] ? enc(ops[1]) : 0, plan.rows.length, plan.nout, bytes(new Int32Array(plan.rows.flat()))]);
    assert.is(status, 0, eq);
    assert.equal(dec(outs[0], n), want.y, `${eq} dtype ${dt}`);
    assert.ok(outs[0].subarray(n * size).every((v) => v === 0xcd), `wrote past the output: ${eq}`);
  }
  for (const [eq, shapes, code] of [['ij,jk', [[3, 4], [5, 6]], 'SHAPE_MISMATCH'], ['ij', [[3]], 'SHAPE_MISMATCH'], ['ij,jk->ik', [[3, 4]], 'BAD_GRAPH'],
    ['i1', [[3, 3]], 'BAD_GRAPH'], ['ij->ii', [[3, 3]], 'BAD_GRAPH'], ['ij->k', [[3, 3]], 'BAD_GRAPH'], ['......', [[3]], 'BAD_GRAPH']] as [string, number[][], string][]) {
    try { planEinsum(eq, shapes, 'node 0'); assert.unreachable(eq); } catch (e: any) { assert.is(e.code, code, `${eq}: ${e.message}`); }
  }
  const bad = run('einsum_nd_any__scalar', [1, { out: 16 }, new Uint8Array(16), 0, 1, 2, bytes(new Int32Array([2, 1, 0, 1]))]);
  assert.is(bad.status, 2); assert.ok(bad.outs[0].every((v) => v === 0xcd));
  assert.is(run('einsum_nd_any__scalar', [9, { out: 16 }, new Uint8Array(16), 0, 0, 0, new Uint8Array(4)]).status, 1);
});

test('einsumAsMatmul: batched-matmul equations give the einsum kernel\'s bits through matmul_f32_f32_f32__simd128_5x8', async () => {
  await getAlloy();
  const r = rng(2207);
  for (const [eq, flags] of [['bij,bjk->bik', 0], ['bhid,bhjd->bhij', 2], ['ij,jk->ik', 0], ['bji,bjk->bik', 1], ['kb,nk->bn', 3]] as const) {
    assert.equal(einsumAsMatmul(eq), { flags }, eq);
    for (let t = 0; t < 8; t++) {
      const pick = () => SIZES[r() % SIZES.length];
      const M = pick(), K = pick(), N = pick(), B = [1, 2, 3][r() % 3], H = 2;
      const rank = eq.split(',')[0].length, batch = rank === 4 ? [B, H] : rank === 3 ? [B] : [];
      const a = [...batch, ...(flags & 1 ? [K, M] : [M, K])], b = [...batch, ...(flags & 2 ? [N, K] : [K, N])];
      const A = randF32(prod(a), r), Bv = randF32(prod(b), r);
      const plan = planEinsum(eq, [a, b], 'test');
      const n = prod(plan.outShape);
      const viaEinsum = run('einsum_nd_any__scalar', [1, { out: n * 4 }, bytes(A), bytes(Bv), plan.rows.length, plan.nout, bytes(new Int32Array(plan.rows.flat()))]);
      const viaMatmul = run('matmul_f32_f32_f32__simd128_5x8', [{ out: n * 4 }, bytes(A), bytes(Bv), M, K, N, flags, batch.length, bytes(new Int32Array([...batch, ...batch, ...batch, 0]))]);
      assert.is(viaEinsum.status, 0); assert.is(viaMatmul.status, 0);
      assert.equal(viaMatmul.outs[0], viaEinsum.outs[0], `${eq} ${JSON.stringify([a, b])}`);
    }
  }
  for (const eq of ['bij,bjk->bki', 'ij,jk', 'bii,bij->bij', 'ij,ij->ij', 'i,i->', 'bij,cjk->bik', '...ij,...jk->...ik']) assert.is(einsumAsMatmul(eq), null, eq);
});

test('bad sizes, flags, types, dims and parameters: a status, nothing written', async () => {
  await getAlloy();
  const z = new Uint8Array(64), dims = (v: number[]) => bytes(new Int32Array([...v, 0]));
  const untouched = (o: Uint8Array) => o.every((v) => v === 0xcd);
  for (const fn of ['matmul_f32_f32_f32__simd128_5x8', 'matmul_f32_f32_f32__scalar', 'matmul_f64_f64_f64__scalar']) {
    for (const [M, K, N, flags, rank, d, want] of [[-1, 2, 2, 0, 0, [], 1], [2, 2, 2, 4, 0, [], 1], [2, 2, 2, 0, 1, [2, 3, 2], 2], [2, 2, 2, 0, 9, new Array(27).fill(1), 2]] as const) {
      const { status, outs } = run(fn, [{ out: 32 }, z, z, M, K, N, flags, rank, dims([...d])]);
      assert.is(status, want, `${fn} ${M} ${K} ${N} ${flags} ${rank}`);
      assert.ok(untouched(outs[0]));
    }
  }
  for (const [adt, bdt, nazp, nbzp] of [[1, 2, 0, 0], [2, 6, 0, 0], [2, 2, 3, 0], [3, 3, 0, 5]]) {
    for (const fn of ['matmul_x8_x8_i32__scalar', 'matmul_x8_x8_i32__simd128_4x8']) {
      const { status, outs } = run(fn, [{ out: 16 }, z, adt, z, bdt, z, nazp, z, nbzp, 2, 2, 2, 0, dims([])]);
      assert.is(status, 1); assert.ok(untouched(outs[0]));
    }
  }
  const good: CV = { nsp: 1, N: 1, C: 2, OC: 2, G: 1, ins: [4], outs: [4], k: [1], s: [1], d: [1], pad: [0] };
  for (const bad of [{ nsp: 0 }, { nsp: 4 }, { G: 0 }, { G: 2, C: 3 }, { G: 2, OC: 3 }, { k: [0] }, { s: [0] }, { d: [0] }, { ins: [-1] }, { N: -1 }] as Partial<CV>[]) {
    const c = { ...good, ...bad };
    const p = c.nsp === 4 || c.nsp === 0 ? bytes(new Int32Array([c.nsp, 1, 2, 2, 1, ...new Array(24).fill(1)])) : params(c);
    for (const fn of ['conv_nd_f32_f32_f32__scalar', 'conv_transpose_nd_f32_f32_f32__scalar', 'conv_nd_f32_f32_f32__simd128_5x8', 'conv_transpose_nd_f32_f32_f32__simd128_5x8']) {
      const { status, outs } = run(fn, [{ out: 32 }, z, z, 0, p]);
      assert.is(status, 1, `${fn} ${JSON.stringify(bad)}`); assert.ok(untouched(outs[0]));
    }
  }
});

test.run();

// gemm_f32_f32_emu_recompute__simd128_4x8 (assembly/emulate/recompute.ts): SIMD == scalar reference bit for bit; every
// output is either gemm_f32_f32_emu__simd128_4x8's (kept) or gemm_f32_f32_f32__scalar's (recomputed), bit for bit, and the choice
// is exactly the documented rule (kappa_ip * kappa_act > tau, or not finite); kappa_act against its
// closed forms; the Dense executor path (precision map recompute, tanh / sigmoid / gelu
// activations, inputRound) and the per-layer recompute counters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';

const ACC_ID: Record<string, number> = { f32: 0, f16: 1, bf16: 2, f8_e4m3fn: 3, f8_e5m2: 4, f8_e3m4: 5 };
const ACCS = ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'];
const hex = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');
const f32bits = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0];

/** uniform in [-a, a) with 24 significant bits */
function rand(n: number, seed: number, a = 1): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a);
}

interface Out { y: Uint32Array; count: number }
function run(fmt: string, xs: Float32Array, M: number, K: number, ws: Float32Array, bs: Float32Array | null, N: number, act: number, kact: number, tau: number) {
  const x = wasm();
  const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
  const pp = heap.alloc(x.packed_f32_bytes(N, K) + 16);
  const n = M * N;
  const ptrs = [1, 2, 3, 4, 5, 6, 7].map(() => heap.alloc(n * 4 + 16));
  const [y1, y2, t1, t2, yf, ya, sa] = ptrs;
  const u = (p: number) => new Uint32Array(heap.buffer(), p, n).slice();
  try {
    x.pack_w_f32(pw, N, K, pp);
    const c1 = x.gemm_f32_f32_emu_recompute__simd128_4x8(px, M, K, pp, pb, N, y1, act, ACC_ID[fmt], kact, tau, t1);
    const c2 = x.gemm_f32_f32_emu_recompute__scalar(px, M, K, pw, pb, N, y2, act, ACC_ID[fmt], kact, tau, t2);
    x.gemm_f32_f32_f32__scalar(px, M, K, pw, pb, N, yf, act);
    x.gemm_f32_f32_emu__scalar(px, M, K, pw, pb, N, ya, 0, ACC_ID[fmt], sa);
    const pre = new Float32Array(heap.buffer(), ya, n).slice(), abs = new Float32Array(heap.buffer(), sa, n).slice();
    // kappa_act of the low-precision pre-activation values, from the module
    x.kappa_act_f32__scalar(kact, ya, t2, n);
    const ka = new Float32Array(heap.buffer(), t2, n).slice();
    return { simd: { y: u(y1), count: c1 } as Out, ref: { y: u(y2), count: c2 } as Out, f32: u(yf), pre, abs, ka };
  } finally {
    for (const p of [px, pw, pb, pp, ...ptrs]) if (p) heap.free(p);
  }
}

/** The rule of the header, in JS with Math.fround for every f32 operation. */
function expectRecompute(v: number, s: number, ka: number, tau: number): boolean {
  if (!Number.isFinite(v)) return true;
  const kip = s === 0 ? 1 : Math.fround(s / Math.abs(v));
  return !(Math.fround(kip * ka) <= Math.fround(tau));
}

const Ms = [1, 3, 4, 5, 9], Ks = [0, 1, 7, 33, 100], Ns = [1, 7, 8, 9, 17];
const TAUS = [0, 1, 8, 64, 1e30];

for (const fmt of ACCS) {
  test(`gemm_f32_f32_emu_recompute__simd128_4x8 == ref bitwise; kept == gemm_f32_f32_emu__simd128_4x8, recomputed == gemm_f32_f32_f32__scalar; the rule; acc ${fmt}`, async () => {
    await getAlloy();
    let seed = 7 + ACC_ID[fmt] * 1000, variant = 0, recomputed = 0, kept = 0;
    for (const M of Ms) for (const K of Ks) for (const N of Ns) {
      const v = variant++;
      const kact = v % 5, act = kact === 1 ? 1 : 0, tau = TAUS[(v >> 1) % TAUS.length];
      const bs = v & 1 ? rand(N, seed++, 0.25) : null;
      const xs = rand(M * K, seed++, fmt.startsWith('f8') ? 4 : 1), ws = rand(N * K, seed++, 0.5);
      const r = run(fmt, xs, M, K, ws, bs, N, act, kact, tau);
      const where = `${fmt} M=${M} K=${K} N=${N} act=${act} kact=${kact} tau=${tau} bias=${!!bs}`;
      assert.is(r.simd.count, r.ref.count, `${where}: count`);
      let count = 0;
      for (let i = 0; i < M * N; i++) {
        if (r.simd.y[i] !== r.ref.y[i]) assert.unreachable(`${where} y[${i}]: simd ${hex(r.simd.y[i])} ref ${hex(r.ref.y[i])}`);
        const re = expectRecompute(r.pre[i], r.abs[i], r.ka[i], tau);
        let want: number;
        if (re) { count++; want = r.f32[i]; }
        else {
          const pv = f32bits(r.pre[i]);
          want = act && pv >>> 31 ? 0 : pv;
        }
        if (r.ref.y[i] !== want) assert.unreachable(`${where} y[${i}]: ${hex(r.ref.y[i])}, expected ${re ? 'gemm_f32_f32_f32__scalar' : 'gemm_f32_f32_emu__simd128_4x8'} ${hex(want)}`);
      }
      assert.is(r.ref.count, count, `${where}: recomputed count`);
      recomputed += count; kept += M * N - count;
    }
    // the sweep exercises both branches
    assert.ok(recomputed > 100 && kept > 100, `recomputed ${recomputed}, kept ${kept}`);
  });
}

test('tau = 0 with the identity recomputes everything (== gemm_f32_f32_f32__scalar); a huge tau keeps gemm_f32_f32_emu__simd128_4x8 where finite and nonzero', async () => {
  await getAlloy();
  const [M, K, N] = [6, 50, 19];
  const xs = rand(M * K, 5), ws = rand(N * K, 6, 0.5), bs = rand(N, 7, 0.1);
  const all = run('bf16', xs, M, K, ws, bs, N, 0, 0, 0);
  assert.is(all.ref.count, M * N);
  assert.equal([...all.ref.y], [...all.f32]);
  const none = run('bf16', xs, M, K, ws, bs, N, 0, 0, 1e30);
  assert.is(none.ref.count, 0);
  assert.equal([...none.ref.y], [...new Uint32Array(none.pre.buffer)]);
});

test('relu: components with a negative low-precision value are never recomputed (kappa_act 0)', async () => {
  await getAlloy();
  const [M, K, N] = [4, 64, 24];
  const r = run('f8_e4m3fn', rand(M * K, 11, 2), M, K, rand(N * K, 12, 0.5), null, N, 1, 1, 0);
  let neg = 0;
  for (let i = 0; i < M * N; i++) if (r.pre[i] < 0) { neg++; assert.is(r.ref.y[i], 0); }
  assert.ok(neg > 10);
  assert.is(r.ref.count, M * N - neg); // tau 0: every v >= 0 (v == 0 gives kappa NaN) is recomputed
});

test('kappa_act closed forms: identity, relu, tanh, sigmoid, gelu (f64 oracle, rel 1e-5)', async () => {
  await getAlloy();
  const x = wasm();
  const vs = new Float32Array([-30, -8, -3, -1.5, -0.25, -1e-3, 0, 1e-3, 0.25, 1.5, 3, 8, 30]);
  const Phi = (v: number) => { // f64 normal cdf through the complementary error function (oracle: series/fraction-free, by Simpson on phi)
    const phi = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
    if (v < -8) { let f = -v; for (let k = 80; k >= 1; k--) f = -v + k / f; return phi(v) / f; }
    const a = -12, n = 20000, h = (v - a) / n; let s = phi(a) + phi(v);
    for (let i = 1; i < n; i++) s += (i & 1 ? 4 : 2) * phi(a + i * h);
    return (s * h) / 3;
  };
  const oracle: Record<number, (v: number) => number> = {
    0: () => 1,
    1: (v) => (v > 0 ? 1 : 0),
    2: (v) => (v === 0 ? 1 : Math.abs((v * (1 - Math.tanh(v) ** 2)) / Math.tanh(v))),
    3: (v) => Math.abs(v) / (1 + Math.exp(v)),
    4: (v) => (v === 0 ? 1 : Math.abs(1 + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI) / Phi(v))),
  };
  const pv = heap.put(vs), py = heap.alloc(vs.length * 4 + 16);
  try {
    for (let k = 0; k <= 4; k++) {
      x.kappa_act_f32__scalar(k, pv, py, vs.length);
      const got = new Float32Array(heap.buffer(), py, vs.length);
      for (let i = 0; i < vs.length; i++) {
        const want = oracle[k](vs[i]);
        const tol = 1e-5 * Math.max(1, Math.abs(want)) + (k === 2 && Math.abs(vs[i]) >= 8 ? 1e-5 : 0);
        assert.ok(Math.abs(got[i] - want) <= tol, `kact ${k} v=${vs[i]}: ${got[i]} vs ${want}`);
      }
    }
  } finally { heap.free(pv); heap.free(py); }
});

test('bad arguments give -1: relu without kact relu, kact out of range, negative / NaN tau, f6 accumulator', async () => {
  await getAlloy();
  const x = wasm();
  const p = heap.alloc(256);
  try {
    for (const [act, acc, kact, tau] of [[1, 1, 0, 1], [0, 1, 1, 1], [0, 1, 5, 1], [0, 1, 0, -1], [0, 1, 0, NaN], [0, 6, 0, 1], [2, 1, 2, 1]]) {
      assert.is(x.gemm_f32_f32_emu_recompute__simd128_4x8(p, 1, 1, p, 0, 1, p, act, acc, kact, tau, p), -1, `${act} ${acc} ${kact} ${tau}`);
      assert.is(x.gemm_f32_f32_emu_recompute__scalar(p, 1, 1, p, 0, 1, p, act, acc, kact, tau, p), -1);
    }
  } finally { heap.free(p); }
});

// ---- the executor -----------------------------------------------------------------------------

const DIMS = [30, 24, 16, 10];
function mlp(acts: string[], precision?: unknown, split = false) {
  const tensors: Record<string, any> = {};
  const nodes: any[] = [];
  let prev = 'x';
  for (let l = 0; l + 1 < DIMS.length; l++) {
    const [K, N] = [DIMS[l], DIMS[l + 1]];
    tensors[`fc${l}.w`] = { format: 'f32', shape: [N, K], data: rand(N * K, 40 + l, 0.6) };
    tensors[`fc${l}.b`] = { format: 'f32', shape: [N], data: rand(N, 50 + l, 0.1) };
    const out = l + 2 === DIMS.length ? 'y' : `h${l}`;
    if (split && acts[l] !== 'none' && acts[l] !== 'relu') {
      nodes.push({ name: `fc${l}`, op: 'Dense', inputs: [prev, `fc${l}.w`, `fc${l}.b`], outputs: [`${out}_pre`], attrs: { activation: 'none' } });
      nodes.push({ name: `act${l}`, op: acts[l][0].toUpperCase() + acts[l].slice(1), inputs: [`${out}_pre`], outputs: [out] });
    } else nodes.push({ name: `fc${l}`, op: 'Dense', inputs: [prev, `fc${l}.w`, `fc${l}.b`], outputs: [out], attrs: { activation: acts[l] } });
    prev = out;
  }
  return writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, DIMS[0]], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 10], format: 'f32' }], nodes }, tensors, precision });
}
const X = rand(7 * DIMS[0], 77, 2);
const yOf = (m: any) => [...new Uint32Array(m.run({ x: X }).y.data.buffer)];

test('Dense activation tanh / sigmoid / gelu == Dense then the Tanh / Sigmoid / Gelu node, bit for bit', async () => {
  const a = await getAlloy();
  for (const acts of [['tanh', 'sigmoid', 'none'], ['gelu', 'tanh', 'sigmoid'], ['relu', 'gelu', 'tanh']]) {
    assert.equal(yOf(a.load(mlp(acts))), yOf(a.load(mlp(acts, undefined, true))), acts.join(','));
  }
});

test('precision map recompute: tau 0 == the f32 model; large tau == plain emulated accumulation; for tanh and relu', async () => {
  const a = await getAlloy();
  for (const acts of [['tanh', 'tanh', 'none'], ['relu', 'relu', 'none'], ['sigmoid', 'gelu', 'none']]) {
    const f32 = yOf(a.load(mlp(acts)));
    for (const acc of ['f16', 'bf16', 'f8_e4m3fn']) {
      const p0 = { version: 1, default: { accumulator: acc, recompute: { tau: 0, format: 'f32' } } };
      // tau 0 recomputes every component whose kappa_act is nonzero; with the identity last layer
      // and tanh / sigmoid / gelu before it, that is all of them (relu kills kappa where v < 0).
      if (acts[0] !== 'relu') assert.equal(yOf(a.load(mlp(acts), { precision: p0 as any })), f32, `${acts} ${acc} tau 0`);
      const big = { version: 1, default: { accumulator: acc, recompute: { tau: 1e30 } } };
      const plain = { version: 1, default: { accumulator: acc } };
      // (f8 sums that come out exactly 0 or non-finite are recomputed at any tau: kappa is NaN)
      if (acc !== 'f8_e4m3fn') assert.equal(yOf(a.load(mlp(acts), { precision: big as any })), yOf(a.load(mlp(acts), { precision: plain as any })), `${acts} ${acc} tau big`);
    }
  }
});

test('precision map validation: recompute and inputRound fields', async () => {
  const a = await getAlloy();
  const bad = (precision: unknown, re: RegExp) => {
    try { a.load(mlp(['relu', 'relu', 'none']), { precision: precision as any }); assert.unreachable('accepted'); }
    catch (e) { assert.instance(e, AlloyError); assert.match((e as Error).message, re); }
  };
  bad({ version: 1, default: { accumulator: 'f32', recompute: { tau: 1 } } }, /recompute follows an emulated accumulator/);
  bad({ version: 1, default: { accumulator: 'f16', recompute: { tau: -1 } } }, /tau/);
  bad({ version: 1, default: { accumulator: 'f16', recompute: { tau: 1, format: 'f16' } } }, /format/);
  bad({ version: 1, default: { accumulator: 'f16', recompute: { tau: 1, extra: 1 } } }, /unknown field/);
  bad({ version: 1, default: { recompute: { tau: 1 } } }, /recompute follows an emulated accumulator/); // resolved accumulator f32
  bad({ version: 1, default: { inputRound: 'rna' } }, /inputRound/);
  bad({ version: 1, default: { inputRound: 'floor' } }, /inputRound needs inputFormat/); // f32 weights
  bad({ version: 1, default: { inputFormat: 'i2' as any } }, /inputFormat/);
});

test('inputRound: the input fake-quantized per row (affine_params / quant_f32_int__simd128 / dequant_int_f32__simd128) before the kernel', async () => {
  const a = await getAlloy();
  const x = wasm();
  for (const [lvl, mode, id] of [['i4', 'floor', 3], ['i8', 'ceil', 4], ['i16', 'rne', 0]] as const) {
    // a one-layer model on x, against a one-layer model on x fake-quantized by the same exports
    const fid = a.format(lvl).id;
    const M = 7, K = DIMS[0];
    const px = heap.put(X), pc = heap.alloc(M * K * 2 + 16), ps = heap.alloc(M * 4 + 16), pq = heap.alloc(M * K * 4 + 16);
    x.affine_params(fid, px, M * K, K, 1, ps, 0);
    x.quant_f32_int__simd128(fid, px, pc, M * K, K, ps, 0, id, 0, 0, 0);
    x.dequant_int_f32__simd128(fid, pc, pq, M * K, K, ps, 0);
    const xq = new Float32Array(heap.buffer(), pq, M * K).slice();
    for (const p of [px, pc, ps, pq]) heap.free(p);
    const one = (w: Float32Array) => writeBundle({
      graph: { inputs: [{ name: 'x', shape: [-1, K], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 5], format: 'f32' }], nodes: [{ name: 'fc', op: 'Dense', inputs: ['x', 'w'], outputs: ['y'], attrs: { activation: 'tanh' } }] },
      tensors: { w: { format: 'f32', shape: [5, K], data: w } },
    });
    const w = rand(5 * K, 3);
    const got = a.load(one(w), { precision: { version: 1, default: { inputRound: mode, inputFormat: lvl } } as any }).run({ x: X }).y.data;
    const want = a.load(one(w)).run({ x: xq }).y.data;
    assert.equal([...got], [...want], `${lvl} ${mode}`);
    if (mode !== 'rne') assert.not.equal([...got], [...a.load(one(w)).run({ x: X }).y.data]);
  }
});

test('recompute counters (model.recomputeStats): per layer outputs and recomputed, per model, resettable', async () => {
  const a = await getAlloy();
  const map = { version: 1, default: { accumulator: 'f16', recompute: { tau: 4, format: 'f32' } } };
  const m = a.load(mlp(['tanh', 'relu', 'none']), { precision: map as any });
  const other = a.load(mlp(['tanh', 'relu', 'none']), { precision: map as any });
  m.run({ x: X }); m.run({ x: X });
  other.run({ x: X });
  const st = m.recomputeStats();
  assert.equal(st.map((s) => s.layer), ['fc0', 'fc1', 'fc2']);
  for (const s of st) {
    assert.is(s.runs, 2);
    assert.is(s.outputs, 2 * 7 * s.N);
    assert.ok(s.recomputed >= 0 && s.recomputed <= s.outputs && s.recomputed % 2 === 0);
  }
  assert.ok(st.some((s) => s.recomputed > 0));
  assert.equal(other.recomputeStats().map((s) => s.runs), [1, 1, 1], 'counters belong to their model');
  m.resetRecomputeStats();
  assert.equal(m.recomputeStats().map((s) => s.outputs), [0, 0, 0]);
  m.dispose(); other.dispose();
});

test.run();

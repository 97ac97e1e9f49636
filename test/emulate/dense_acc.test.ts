// gemm_f32_f32_emu__simd128_4x8 (SIMD, 4x8 tiles) == gemm_f32_f32_emu__scalar bit for bit; gemm_f32_f32_emu__scalar == an independent JS
// emulation (oracle rounding, Math.fround for the f32 ops); accFmt f32 == gemm_f32_f32_f32__scalar; the
// double-rounding definition pinned by counterexamples; f16 accumulation of 1.0s stops at 2048.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { encodeFloatAbs, floatValue, FLOAT_SPECS, exactF32Bits } from '../ref/oracle.ts';

const ACC = ['f32', 'f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'] as const;
const ACC_ID: Record<string, number> = { f32: 0, f16: 1, bf16: 2, f8_e4m3fn: 3, f8_e5m2: 4, f8_e3m4: 5 };
const hex = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** Round a double that is an f32 value to the format (rne, ieee overflow), as a double; f32 is the identity. */
function roundTo(fmt: string, v: number): number {
  if (fmt === 'f32') return v;
  const s = FLOAT_SPECS[fmt];
  if (Number.isNaN(v)) return NaN;
  const code = encodeFloatAbs(fmt, v < 0 || Object.is(v, -0), Math.abs(v), 'rne', 'ieee');
  return floatValue(s, code);
}

/** Expected outputs (f32 bits) of the definition in assembly/emulate/dense_acc.ts. */
function emulate(fmt: string, xs: Float32Array, M: number, K: number, ws: Float32Array, bs: Float32Array | null, N: number, act: number) {
  const y = new Uint32Array(M * N), s = new Uint32Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let acc = 0, abs = 0;
    for (let k = 0; k < K; k++) {
      const p = Math.fround(xs[m * K + k] * ws[n * K + k]);
      acc = roundTo(fmt, Math.fround(acc + p));
      abs = Math.fround(abs + Math.abs(p));
    }
    const b = bs ? bs[n] : 0;
    let v = roundTo(fmt, Math.fround(acc + b));
    abs = Math.fround(abs + Math.abs(b));
    if (act && !(Number.isNaN(v))) v = v < 0 || Object.is(v, -0) ? 0 : v;
    y[m * N + n] = exactF32Bits(v);
    s[m * N + n] = exactF32Bits(abs);
  }
  return { y, s };
}

/** Random f32 data: f16-valued (11 significant bits) magnitudes around 2^[-6, 2] times `scale`. */
function data(n: number, seed: number, scale: number, specials = false): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = r();
    const mant = 1024 + (w & 1023), e = ((w >>> 10) % 9) - 16;
    out[i] = (w >>> 31 ? -1 : 1) * mant * 2 ** e * scale;
    if ((w >>> 20 & 31) === 0) out[i] = 0; // some zeros (and -0 products)
  }
  if (specials && n > 3) { out[1] = Infinity; out[n - 2] = NaN; out[n - 1] = -Infinity; }
  return out;
}

interface Run { y: Uint32Array; s: Uint32Array | null }
function runBoth(fmt: string, xs: Float32Array, M: number, K: number, ws: Float32Array, bs: Float32Array | null, N: number, act: number, withAbs: boolean): { simd: Run; ref: Run } {
  const x = wasm();
  const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
  const pp = heap.alloc(x.packed_f32_bytes(N, K) + 16);
  const n = M * N;
  const y1 = heap.alloc(n * 4 + 16), y2 = heap.alloc(n * 4 + 16), s1 = withAbs ? heap.alloc(n * 4 + 16) : 0, s2 = withAbs ? heap.alloc(n * 4 + 16) : 0;
  try {
    x.pack_w_f32(pw, N, K, pp);
    assert.is(x.gemm_f32_f32_emu__simd128_4x8(px, M, K, pp, pb, N, y1, act, ACC_ID[fmt], s1), 0);
    assert.is(x.gemm_f32_f32_emu__scalar(px, M, K, pw, pb, N, y2, act, ACC_ID[fmt], s2), 0);
    const u = (p: number) => new Uint32Array(heap.buffer(), p, n).slice();
    return { simd: { y: u(y1), s: withAbs ? u(s1) : null }, ref: { y: u(y2), s: withAbs ? u(s2) : null } };
  } finally {
    for (const p of [px, pw, pb, pp, y1, y2, s1, s2]) if (p) heap.free(p);
  }
}

const Ms = [1, 3, 4, 5], Ks = [1, 7, 16, 33, 100], Ns = [1, 7, 8, 9, 17];

for (const fmt of ACC) {
  test(`gemm_f32_f32_emu__simd128_4x8 == gemm_f32_f32_emu__scalar bitwise, and == JS emulation, acc ${fmt}, ${Ms.length * Ks.length * Ns.length} shapes x bias/relu/absOut`, async () => {
    await getAlloy();
    let seed = 1 + ACC_ID[fmt] * 100000;
    let variant = 0;
    for (const M of Ms) for (const K of Ks) for (const N of Ns) {
      // Rotate through the 8 combinations of bias / relu / absOut and 2 data scales (1 and 2^8:
      // the larger one overflows the f8 accumulators and, with K = 100, reaches f16's top binades).
      for (let c = 0; c < 4; c++) {
        const v = variant++;
        const withBias = (v & 1) !== 0, act = (v >> 1) & 1, withAbs = ((v >> 2) & 1) !== 0;
        const scale = (v >> 3) & 1 ? 256 : 1;
        const xs = data(M * K, seed++, scale), ws = data(N * K, seed++, 1), bs = withBias ? data(N, seed++, scale) : null;
        const { simd, ref } = runBoth(fmt, xs, M, K, ws, bs, N, act, withAbs);
        const exp = emulate(fmt, xs, M, K, ws, bs, N, act);
        const where = `acc ${fmt} M=${M} K=${K} N=${N} bias=${withBias} relu=${act} abs=${withAbs} scale=${scale}`;
        for (let i = 0; i < M * N; i++) {
          if (simd.y[i] !== ref.y[i]) assert.unreachable(`${where} y[${i}]: simd ${hex(simd.y[i])} ref ${hex(ref.y[i])}`);
          if (ref.y[i] !== exp.y[i]) assert.unreachable(`${where} y[${i}]: ref ${hex(ref.y[i])} JS emulation ${hex(exp.y[i])}`);
          if (withAbs) {
            if (simd.s![i] !== ref.s![i]) assert.unreachable(`${where} s[${i}]: simd ${hex(simd.s![i])} ref ${hex(ref.s![i])}`);
            if (ref.s![i] !== exp.s[i]) assert.unreachable(`${where} s[${i}]: ref ${hex(ref.s![i])} JS ${hex(exp.s[i])}`);
          }
        }
      }
    }
  });
}

test('gemm_f32_f32_emu__simd128_4x8: inf / NaN inputs, f8_e3m4 accumulator, larger shapes: SIMD == ref == JS, NaN outputs canonical', async () => {
  await getAlloy();
  let seed = 999;
  let sawNan = 0;
  for (const fmt of ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2', 'f8_e3m4']) {
    for (const [M, K, N] of [[5, 9, 17], [8, 64, 40], [13, 3, 33]]) {
      for (const specials of [false, true]) {
        const xs = data(M * K, seed++, 1, specials), ws = data(N * K, seed++, 0.25, specials), bs = data(N, seed++, 1);
        for (const act of [0, 1]) {
          const { simd, ref } = runBoth(fmt, xs, M, K, ws, bs, N, act, true);
          const exp = emulate(fmt, xs, M, K, ws, bs, N, act);
          for (let i = 0; i < M * N; i++) {
            const where = `acc ${fmt} M=${M} K=${K} N=${N} specials=${specials} relu=${act} output ${i}`;
            if (simd.y[i] !== ref.y[i] || ref.y[i] !== exp.y[i]) assert.unreachable(`${where}: simd ${hex(simd.y[i])} ref ${hex(ref.y[i])} JS ${hex(exp.y[i])}`);
            if (simd.s![i] !== ref.s![i] || ref.s![i] !== exp.s[i]) assert.unreachable(`${where} abs: simd ${hex(simd.s![i])} ref ${hex(ref.s![i])} JS ${hex(exp.s[i])}`);
            if ((simd.y[i] & 0x7FFFFFFF) > 0x7F800000) { sawNan++; assert.is(simd.y[i], 0x7FC00000, where); }
          }
        }
      }
    }
  }
  assert.ok(sawNan > 0, 'the special inputs produced NaN outputs');
});

test('gemm_f32_f32_emu__simd128_4x8 accFmt f32 == gemm_f32_f32_f32__scalar (and gemm_f32_f32_f32__simd128_5x8) bitwise', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 4242;
  for (const M of [1, 3, 4, 5, 9]) for (const K of [1, 7, 16, 33, 100]) for (const N of [1, 7, 8, 9, 17, 40]) for (const act of [0, 1]) {
    const r = rng(seed++);
    const rnd = (n: number) => new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23);
    const xs = rnd(M * K), ws = rnd(N * K), bs = rnd(N);
    const px = heap.put(xs), pw = heap.put(ws), pb = heap.put(bs), pp = heap.alloc(x.packed_f32_bytes(N, K));
    const y0 = heap.alloc(M * N * 4), y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4), y3 = heap.alloc(M * N * 4);
    x.pack_w_f32(pw, N, K, pp);
    x.gemm_f32_f32_f32__scalar(px, M, K, pw, pb, N, y0, act);
    x.gemm_f32_f32_f32__simd128_5x8(px, M, K, pp, pb, N, y3, act);
    x.gemm_f32_f32_emu__simd128_4x8(px, M, K, pp, pb, N, y1, act, 0, 0);
    x.gemm_f32_f32_emu__scalar(px, M, K, pw, pb, N, y2, act, 0, 0);
    const u = (p: number) => [...new Uint32Array(heap.buffer(), p, M * N)];
    const e = u(y0);
    assert.equal(u(y1), e, `simd M=${M} K=${K} N=${N}`);
    assert.equal(u(y2), e, `ref M=${M} K=${K} N=${N}`);
    assert.equal(u(y3), e);
    for (const p of [px, pw, pb, pp, y0, y1, y2, y3]) heap.free(p);
  }
});

test('f16 accumulation of 4096 ones stops at 2048 (2048 + 1 ties back to 2048); bf16 at 256; f32 and abs reach 4096', async () => {
  await getAlloy();
  const x = wasm();
  const K = 4096, N = 9, M = 5;
  const px = heap.put(new Float32Array(M * K).fill(1)), pw = heap.put(new Float32Array(N * K).fill(1));
  const pp = heap.alloc(x.packed_f32_bytes(N, K));
  x.pack_w_f32(pw, N, K, pp);
  const y = heap.alloc(M * N * 4), s = heap.alloc(M * N * 4);
  const expect: Record<string, number> = { f32: 4096, f16: 2048, bf16: 256, f8_e5m2: 8, f8_e4m3fn: 16 };
  for (const [fmt, want] of Object.entries(expect)) {
    for (const simd of [true, false]) {
      const rc = simd ? x.gemm_f32_f32_emu__simd128_4x8(px, M, K, pp, 0, N, y, 0, ACC_ID[fmt], s) : x.gemm_f32_f32_emu__scalar(px, M, K, pw, 0, N, y, 0, ACC_ID[fmt], s);
      assert.is(rc, 0);
      const out = heap.f32(y, M * N);
      for (let i = 0; i < M * N; i++) assert.is(out[i], want, `${fmt} ${simd ? 'simd' : 'ref'} output ${i}`);
      const abs = heap.f32(s, M * N);
      for (let i = 0; i < M * N; i++) assert.is(abs[i], 4096);
    }
  }
  for (const p of [px, pw, pp, y, s]) heap.free(p);
});

/** One output round(round(a) + xv * wv) through gemm_f32_f32_emu__scalar, K = 2 (x = [a, xv], w = [1, wv]). */
function twoStep(fmt: string, a: number, xv: number, wv: number): number {
  const x = wasm();
  const px = heap.put(new Float32Array([a, xv])), pw = heap.put(new Float32Array([1, wv])), py = heap.alloc(4);
  assert.is(x.gemm_f32_f32_emu__scalar(px, 1, 2, pw, 0, 1, py, 0, ACC_ID[fmt], 0), 0);
  const v = heap.f32(py, 1)[0];
  heap.free(px); heap.free(pw); heap.free(py);
  return v;
}

test('double rounding is the definition: f16 and bf16 counterexamples to "round the exact sum once"', async () => {
  await getAlloy();
  // f16: a = 1, p = 1055*2^-16 * 994*2^-15 = 2^-11 + 94*2^-31 (operands are f16 values; the
  // product has 21 significant bits). Exact 1 + p is above the midpoint 1 + 2^-11: rounded once, 1 + 2^-10.
  // fl32(1 + p) = 1 + 2^-11 exactly (94*2^-31 < half an f32 ulp), a tie, which goes to even: 1.
  const p16 = Math.fround(1055 * 2 ** -16 * (994 * 2 ** -15));
  assert.is(p16, 2 ** -11 + 94 * 2 ** -31);
  assert.is(roundTo('f16', 1 + p16), 1 + 2 ** -10); // once (1 + p16 is exact in f64)
  assert.is(twoStep('f16', 1, 1055 * 2 ** -16, 994 * 2 ** -15), 1);
  // bf16: a = 2^-20, p = 3 * 87 = 261, the midpoint of bf16 260 and 262. Exact sum above it: 262 once;
  // fl32(261 + 2^-20) = 261, a tie, to even: 260.
  assert.is(roundTo('bf16', 261 + 2 ** -20), 262);
  assert.is(twoStep('bf16', 2 ** -20, 3, 87), 260);
});

test('double rounding differs from rounding once only when fl32(acc + p) is a midpoint of the format (random f16 / bf16 operands)', async () => {
  await getAlloy();
  const x = wasm();
  for (const fmt of ['f16', 'bf16']) {
    const s = FLOAT_SPECS[fmt];
    const r = rng(fmt === 'f16' ? 31 : 32);
    // Values of the format, normal, exponents in a band so products stay normal in f32.
    const val = (eLo: number, eHi: number) => {
      const w = r();
      const mant = (1 << s.M) + (w & ((1 << s.M) - 1));
      const e = eLo + ((w >>> 12) % (eHi - eLo + 1));
      return (w >>> 31 ? -1 : 1) * mant * 2 ** (e - s.M);
    };
    // Rows: x = [a, xv], columns: w = [1, wv]; output (m, n) = R(fl32(R(a) + xv * wv)), R(a) = a.
    const M = 300, N = 300;
    const xs = new Float32Array(M * 2), ws = new Float32Array(N * 2);
    for (let m = 0; m < M; m++) { xs[2 * m] = val(-6, 6); xs[2 * m + 1] = val(-8, 2); }
    for (let n = 0; n < N; n++) { ws[2 * n] = 1; ws[2 * n + 1] = val(-8, 2); }
    const px = heap.put(xs), pw = heap.put(ws), py = heap.alloc(M * N * 4);
    assert.is(x.gemm_f32_f32_emu__scalar(px, M, 2, pw, 0, N, py, 0, ACC_ID[fmt], 0), 0);
    const y = heap.f32(py, M * N).slice();
    heap.free(px); heap.free(pw); heap.free(py);
    let checked = 0;
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      const a = xs[2 * m], p = xs[2 * m + 1] * ws[2 * n + 1];
      assert.is(Math.fround(p), p, 'the product is exact in f32');
      const S = a + p;
      if (S - a !== p || S - p !== a) continue; // the exact sum is not a double: skip
      checked++;
      const once = roundTo(fmt, S), f = Math.fround(S), twice = roundTo(fmt, f);
      assert.is(y[m * N + n], twice, `gemm_f32_f32_emu__scalar follows the definition: ${a} + ${p}`);
      if (once !== twice) {
        assert.ok(f !== S, `fl32(${a} + ${p}) is inexact`);
        assert.is(f, (once + twice) / 2, `fl32(${a} + ${p}) is the midpoint of ${once} and ${twice}`);
      }
    }
    assert.ok(checked > 80000, `${fmt}: ${checked} exact sums checked`);
  }
});

test('gemm_f32_f32_emu__simd128_4x8: unsupported arguments give -1', async () => {
  await getAlloy();
  const x = wasm();
  for (const bad of [6, 7, 8, 9, 10, 15, 16, 22, -1]) {
    assert.is(x.gemm_f32_f32_emu__simd128_4x8(0, 0, 0, 0, 0, 0, 0, 0, bad, 0), -1, `accFmt ${bad}`);
    assert.is(x.gemm_f32_f32_emu__scalar(0, 0, 0, 0, 0, 0, 0, 0, bad, 0), -1, `accFmt ${bad}`);
  }
  assert.is(x.gemm_f32_f32_emu__simd128_4x8(0, 0, 0, 0, 0, 0, 0, 2, 1, 0), -1, 'act 2');
  assert.is(x.gemm_f32_f32_emu__simd128_4x8(0, 0, 0, 0, 0, 0, 0, 0, 5, 0), 0, 'empty, f8_e3m4');
});

test.run();

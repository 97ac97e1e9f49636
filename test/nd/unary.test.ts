// vunary_nd_any__simd128 (assembly/nd/unary.ts): element-wise unary ops on every element type.
// 1. vunary_nd_any__simd128 equals its reference vunary_nd_any__scalar byte for byte (NaNs canonical) at awkward
//    sizes (0, 1, 3, 4, 5, 7, 17, 33, 100) for every (type, op), on data mixing special values
//    (NaN, +-inf, +-0, denormals, huge), in place too; nothing written past n.
// 2. Semantics against an independent JS oracle: exact for the IEEE ops and integers, a few ulp
//    for transcendental ones (JS Math in f64; erf by an exact BigInt series).
// 3. Bad op / type / n: status codes, nothing written.
// Op codes come from the module's name list (UNARY_OPS), as the host reads them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { UNARY_OPS } from '../../src/runtime/tables.ts';

const DT = { f32: 1, u8: 2, i8: 3, u16: 4, i16: 5, i32: 6, i64: 7, bool: 9, f64: 11, u32: 12, u64: 13 } as const;
type DName = keyof typeof DT;
const BYTES: Record<DName, number> = { f32: 4, u8: 1, i8: 1, u16: 2, i16: 2, i32: 4, i64: 8, bool: 1, f64: 8, u32: 4, u64: 8 };
const OP = Object.fromEntries(UNARY_OPS.map((n, i) => [n, i])) as Record<string, number>;
const INT_OPS = ['abs', 'neg', 'sign', 'relu', 'clip', 'bitwisenot'];
const FLOAT_OPS = UNARY_OPS.filter((n) => n !== 'not' && n !== 'bitwisenot');
const opsFor = (t: DName): string[] => (t === 'f32' || t === 'f64' ? FLOAT_OPS : t === 'bool' ? ['not'] : INT_OPS);
const toBool = (op: string) => op === 'isnan' || op === 'isinf';
const SIZES = [0, 1, 3, 4, 5, 7, 17, 33, 100];
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, 5e-324, -2.2e-308, 3e38, -3e38, 1e300, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 3, -3, 88.7, -104];
/** default parameters per op (alpha, beta, gamma), as the ONNX defaults */
const PARAMS: Record<string, [number, number, number]> = {
  elu: [1, 0, 0], celu: [1, 0, 0], selu: [1.67326319217681884765625, 0, 1.05070102214813232421875], leakyrelu: [0.01, 0, 0],
  thresholdedrelu: [1, 0, 0], hardsigmoid: [0.2, 0.5, 0], clip: [-1.5, 2, 0], isinf: [1, 1, 0],
};
const params = (op: string) => PARAMS[op] ?? [0, 0, 0];

function randomBytes(t: DName, n: number, r: () => number): Uint8Array {
  const out = new Uint8Array(n * BYTES[t] + 16);
  if (t === 'bool') { for (let i = 0; i < n; i++) out[i] = r() & 1; return out; }
  if (t === 'f32' || t === 'f64') {
    const f = t === 'f32' ? new Float32Array(out.buffer, 0, n) : new Float64Array(out.buffer, 0, n);
    for (let i = 0; i < n; i++) { const k = r() % 4; f[i] = k === 0 ? SPECIAL[r() % SPECIAL.length] : k === 1 ? ((r() % 20001) - 10000) / 1000 : ((r() % 2001) - 1000) / 64; }
    return out;
  }
  for (let i = 0; i < n * BYTES[t]; i++) out[i] = r() & 0xff;
  return out;
}

function call(fn: string, dt: number, op: number, n: number, xB: Uint8Array, yBytes: number, p: number[], inPlace = false): { status: number; y: Uint8Array } {
  const x = wasm();
  const px = heap.put(xB), py = inPlace ? px : heap.alloc(yBytes + 16);
  try {
    if (!inPlace) heap.u8(py, yBytes + 16).fill(0xcd);
    const status = x[fn](dt, op, py, px, n, p[0], p[1], p[2]);
    return { status, y: heap.u8(py, yBytes + 16).slice() };
  } finally { heap.free(px); if (!inPlace) heap.free(py); }
}

/** The output bytes with every NaN made the canonical quiet NaN: wasm leaves a NaN result's sign
 *  and payload to the engine (V8's scalar f32.max gives 0xffc00000 where f32x4.max gives
 *  0x7fc00000), and the runtime canonicalises NaNs at its outputs (docs/ARCHITECTURE.md rule 2). */
function canon(t: DName, op: string, y: Uint8Array, n: number): Uint8Array {
  const c = y.slice();
  if ((t !== 'f32' && t !== 'f64') || toBool(op)) return c;
  const v = t === 'f32' ? new Float32Array(c.buffer, 0, n) : new Float64Array(c.buffer, 0, n);
  for (let i = 0; i < n; i++) if (isNaN(v[i])) v[i] = NaN;
  return c;
}

test('vunary_nd_any__simd128 equals vunary_nd_any__scalar on every type and op, at awkward sizes and on special values', async () => {
  await getAlloy();
  const r = rng(2203);
  let cases = 0;
  for (const t of Object.keys(DT) as DName[]) {
    for (const op of opsFor(t)) {
      for (const n of SIZES) {
        const xB = randomBytes(t, n, r), yBytes = n * (toBool(op) ? 1 : BYTES[t]);
        const fast = call('vunary_nd_any__simd128', DT[t], OP[op], n, xB, yBytes, params(op));
        const ref = call('vunary_nd_any__scalar', DT[t], OP[op], n, xB, yBytes, params(op));
        assert.is(fast.status, 0, `${t} ${op} n=${n}`);
        assert.is(ref.status, 0);
        assert.equal(canon(t, op, fast.y, n), canon(t, op, ref.y, n), `${t} ${op} n=${n}`);
        assert.ok(fast.y.subarray(yBytes).every((v) => v === 0xcd), `${t} ${op}: wrote past the output`);
        if (!toBool(op)) {
          const inPlace = call('vunary_nd_any__simd128', DT[t], OP[op], n, xB, yBytes, params(op), true);
          assert.equal(canon(t, op, inPlace.y, n).subarray(0, yBytes), canon(t, op, ref.y, n).subarray(0, yBytes), `${t} ${op} n=${n} in place`);
        }
        cases++;
      }
    }
  }
  console.log(`  [vunary_nd_any__simd128] ${cases} cases`);
});

// ---- the oracle ----
const f = Math.fround;
const isNaNv = Number.isNaN;
/** distance in units in the last place (f32 or f64); 0 for equal values incl. +-0 and NaN / NaN */
function ulps(a: number, b: number, f32: boolean): number {
  if (isNaNv(a) || isNaNv(b)) return isNaNv(a) && isNaNv(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const ord = (v: number) => {
    if (f32) { const i = new Int32Array(new Float32Array([v]).buffer)[0]; return BigInt(i < 0 ? -(i & 0x7fffffff) : i); }
    const i = new BigInt64Array(new Float64Array([v]).buffer)[0]; return i < 0n ? -(i & 0x7fffffffffffffffn) : i;
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

// erf by its Maclaurin series in BigInt fixed point (scale 2^260): exact to far below an f64 ulp
// for |t| < 6.5; beyond, erf is +-1 in f64. Independent of the module's series / continued fraction.
const SCALE = 260n;
const TWO_OVER_SQRTPI = 112837916709551257389615890312154517168810125865799771368817144342128493688298683n; // 2/sqrt(pi) * 10^80
function erfFixed(t: number): bigint {  // erf(t) * 2^SCALE
  if (t === 0) return 0n;
  // t = M * 2^E exactly
  let E = 0, m = Math.abs(t);
  while (!Number.isInteger(m)) { m *= 2; E--; }
  const M = BigInt(m);
  const one = 1n << SCALE;
  // ratio = sum (-1)^n t^(2n) / (n! (2n+1)), term_n = term_{n-1} * (-t^2) / n
  let term = one, sum = one;
  for (let n = 1n; n < 2000n; n++) {
    term = -(term * M * M) >> BigInt(-2 * E);
    term /= n;
    if (term === 0n) break;
    sum += term / (2n * n + 1n);
  }
  // erf = 2/sqrt(pi) * t * ratio
  let v = (sum * TWO_OVER_SQRTPI) / 10n ** 80n;
  v = (v * M) >> BigInt(-E);
  return t < 0 ? -v : v;
}
const fromFixed = (v: bigint) => Number(v) / 2 ** Number(SCALE);
function erfOracle(t: number): number {
  if (isNaNv(t)) return NaN;
  if (Math.abs(t) >= 6.5) return Math.sign(t);
  if (Math.abs(t) < 1e-30) return t * 1.1283791670955126;  // below the fixed point's range; the series' first term
  return fromFixed(erfFixed(t));
}
function onePlusErfOracle(t: number): number {
  if (t <= -6.5) return 0;                                  // callers keep x where this is exact enough
  if (t >= 6.5) return 2;
  if (isNaNv(t)) return NaN;
  return fromFixed((1n << SCALE) + erfFixed(t));
}

const sigm = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
/** op -> [oracle in f64, ulp tolerance f32, ulp tolerance f64]; tolerance 0 = the exact f32/f64 result */
type Oracle = [(x: number, a: number, b: number, g: number, r: (v: number) => number) => number, number, number];
const ORACLE: Record<string, Oracle> = {
  abs: [(x) => Math.abs(x), 0, 0], neg: [(x) => -x, 0, 0], sign: [(x) => (x > 0 ? 1 : x < 0 ? -1 : x), 0, 0],
  floor: [(x) => Math.floor(x), 0, 0], ceil: [(x) => Math.ceil(x), 0, 0],
  round: [(x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }, 0, 0],   // half to even
  sqrt: [(x) => Math.sqrt(x), 0, 0], reciprocal: [(x) => 1 / x, 0, 0],
  exp: [Math.exp, 1, 2], log: [Math.log, 1, 2], erf: [erfOracle, 1, 4], sin: [Math.sin, 1, 2], cos: [Math.cos, 1, 2], tan: [Math.tan, 2, 2],
  asin: [Math.asin, 1, 2], acos: [Math.acos, 1, 2], atan: [Math.atan, 1, 2], sinh: [Math.sinh, 2, 2], cosh: [Math.cosh, 2, 2],
  asinh: [Math.asinh, 2, 2], acosh: [Math.acosh, 2, 2], atanh: [Math.atanh, 2, 2],
  relu: [(x) => (isNaNv(x) ? x : Math.max(x, 0)), 0, 0], sigmoid: [sigm, 2, 4], tanh: [Math.tanh, 2, 2], softplus: [softplus, 2, 4],
  softsign: [(x, a, b, g, r) => r(x / r(1 + Math.abs(x))), 0, 0],
  elu: [(x, a) => (x < 0 ? a * Math.expm1(x) : x), 2, 4],
  selu: [(x, a, b, g) => (x <= 0 ? g * a * Math.expm1(x) : g * x), 3, 4],
  celu: [(x, a) => (isNaNv(x) ? x : Math.max(x, 0) + Math.min(0, a * Math.expm1(x / a))), 2, 4],
  mish: [(x) => (x === -Infinity ? -0 : x * Math.tanh(softplus(x))), 3, 4],
  thresholdedrelu: [(x, a) => (x > a ? x : 0), 0, 0],
  hardsigmoid: [(x, a, b, g, r) => (isNaNv(x) ? x : Math.max(0, Math.min(1, r(r(a * x) + b)))), 0, 0],
  hardswish: [(x, a, b, g, r) => (isNaNv(x) ? x : r(x * r(Math.min(Math.max(r(x + 3), 0), 6) / 6))), 0, 0],
  leakyrelu: [(x, a, b, g, r) => (x < 0 ? r(a * x) : x), 0, 0],
  gelu: [(x) => (x === Infinity ? x : x === -Infinity ? -0 : 0.5 * x * onePlusErfOracle(x * Math.SQRT1_2)), 2, 16],   // f64: 1 + erf cancels near x = -1.4
  gelu_tanh: [(x) => (x === Infinity ? x : x === -Infinity ? -0 : 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))), 4, 16],
  clip: [(x, a, b) => (isNaNv(x) ? x : Math.min(Math.max(x, a), b)), 0, 0],
};

function floatInputs(r: () => number, op: string): number[] {
  const xs = [...SPECIAL];
  for (let i = 0; i < 300; i++) xs.push(((r() % 200001) - 100000) / 10000, ((r() % 2001) - 1000) / 2048, (r() % 1000) / 1000);
  // gelu's f64 oracle (1 + erf) has no relative accuracy below about -9: keep it to its range
  return op === 'gelu' ? xs.filter((x) => !(x < -9)) : xs;
}

for (const t of ['f32', 'f64'] as const) {
  test(`${t} semantics against the oracle (exact ops exact, transcendental within a few ulp)`, async () => {
    await getAlloy();
    const r = rng(t === 'f32' ? 77 : 78);
    const isF32 = t === 'f32', rnd = isF32 ? f : (v: number) => v;
    // (a result below the smallest normal may lose its digits: absolute tolerance there)
    for (const [op, [fn, tol32, tol64]] of Object.entries(ORACLE)) {
      const xs = floatInputs(r, op).map(rnd);
      const Arr = isF32 ? Float32Array : Float64Array;
      const xB = new Uint8Array(new Arr(xs).buffer);
      const p = params(op).map(rnd);
      const { status, y } = call('vunary_nd_any__simd128', DT[t], OP[op], xs.length, xB, xs.length * BYTES[t], p);
      assert.is(status, 0, op);
      const got = new Arr(y.buffer, 0, xs.length);
      const tol = isF32 ? tol32 : tol64;
      let worst = 0;
      for (let i = 0; i < xs.length; i++) {
        const want = rnd(fn(xs[i], p[0], p[1], p[2], rnd)), g = got[i];
        const d = ulps(g, want, isF32);
        if (tol === 0) assert.ok(Object.is(g, want) || (isNaNv(g) && isNaNv(want)) || (g === 0 && want === 0 && op !== 'neg' && op !== 'abs'), `${t} ${op}(${xs[i]}) = ${g}, want ${want}`);
        else assert.ok(d <= tol || Math.abs(g - want) <= (isF32 ? 2 ** -126 : 2 ** -1022), `${t} ${op}(${xs[i]}) = ${g}, want ${want} (${d} ulp)`);
        worst = Math.max(worst, d);
      }
    }
  });
}

test('IsNaN / IsInf give bool bytes; detect_negative / detect_positive', async () => {
  await getAlloy();
  const xs = new Float32Array([NaN, Infinity, -Infinity, 0, -1, 3e38]);
  const xB = new Uint8Array(xs.buffer);
  const run = (op: string, p: number[], dt = 1, b = xB) => [...call('vunary_nd_any__simd128', dt, OP[op], 6, b, 6, p).y.subarray(0, 6)];
  assert.equal(run('isnan', [0, 0, 0]), [1, 0, 0, 0, 0, 0]);
  assert.equal(run('isinf', [1, 1, 0]), [0, 1, 1, 0, 0, 0]);
  assert.equal(run('isinf', [0, 1, 0]), [0, 1, 0, 0, 0, 0]);
  assert.equal(run('isinf', [1, 0, 0]), [0, 0, 1, 0, 0, 0]);
  assert.equal(run('isnan', [0, 0, 0], 11, new Uint8Array(new Float64Array([NaN, Infinity, -Infinity, 0, -1, 1e300]).buffer)), [1, 0, 0, 0, 0, 0]);
});

test('integer semantics: wrapping Abs / Neg, Sign, Relu, BitwiseNot, saturated Clip bounds; bool Not', async () => {
  await getAlloy();
  const MIN = -2147483648;
  const I32 = (v: number[]) => new Uint8Array(new Int32Array(v).buffer);
  const run = (op: string, v: number[], p = [0, 0, 0]) => [...new Int32Array(call('vunary_nd_any__simd128', 6, OP[op], v.length, I32(v), v.length * 4, p).y.buffer, 0, v.length)];
  const v = [MIN, -7, -1, 0, 1, 5, 2147483647];
  assert.equal(run('abs', v), [MIN, 7, 1, 0, 1, 5, 2147483647]);
  assert.equal(run('neg', v), [MIN, 7, 1, 0, -1, -5, -2147483647]);
  assert.equal(run('sign', v), [-1, -1, -1, 0, 1, 1, 1]);
  assert.equal(run('relu', v), [0, 0, 0, 0, 1, 5, 2147483647]);
  assert.equal(run('bitwisenot', v), v.map((x) => ~x));
  assert.equal(run('clip', v, [-3, 4, 0]), [-3, -3, -1, 0, 1, 4, 4]);
  assert.equal(run('clip', v, [-Infinity, Infinity, 0]), v);
  assert.equal(run('clip', v, [-1e30, 2.9, 0]), [MIN, -7, -1, 0, 1, 2, 2]);   // truncated toward zero
  assert.equal(run('clip', v, [5, 2, 0]), [2, 2, 2, 2, 2, 2, 2]);              // min > max: max (numpy clip)
  // narrow and unsigned types
  const u8 = (op: string, b: number[], p = [0, 0, 0], dt = 2) => [...call('vunary_nd_any__simd128', dt, OP[op], b.length, new Uint8Array(b), b.length, p).y.subarray(0, b.length)];
  assert.equal(u8('abs', [0, 200, 255]), [0, 200, 255]);
  assert.equal(u8('neg', [0, 1, 200]), [0, 255, 56]);
  assert.equal(u8('clip', [0, 100, 255], [-5, 300, 0]), [0, 100, 255]);
  assert.equal(u8('clip', [0, 100, 255], [10, 20, 0]), [10, 20, 20]);
  assert.equal(u8('abs', [0x80, 0xff, 0x05], [0, 0, 0], 3), [0x80, 1, 5]);   // i8: abs(-128) = -128
  assert.equal(u8('clip', [0x80, 0xff, 0x7f], [-200, 200, 0], 3), [0x80, 0xff, 0x7f]);
  assert.equal(u8('not', [0, 1, 1, 0], [0, 0, 0], 9), [1, 0, 0, 1]);
  // 64-bit through BigInt
  const I64 = (b: bigint[]) => new Uint8Array(new BigInt64Array(b).buffer);
  const y = call('vunary_nd_any__simd128', 7, OP.neg, 3, I64([-(2n ** 63n), 5n, -(2n ** 40n)]), 24, [0, 0, 0]).y;
  assert.equal([...new BigInt64Array(y.buffer, 0, 3)], [-(2n ** 63n), -5n, 2n ** 40n]);
  const c = call('vunary_nd_any__simd128', 13, OP.clip, 3, I64([0n, 2n ** 62n, -1n]), 24, [1, 2 ** 63, 0]).y;   // u64: -1n is 2^64 - 1
  assert.equal([...new BigUint64Array(c.buffer, 0, 3)], [1n, 2n ** 62n, 2n ** 63n]);
});

test('bad op, type or n: a status, nothing written', async () => {
  await getAlloy();
  const z = new Uint8Array(32);
  const untouched = (y: Uint8Array) => y.every((v) => v === 0xcd);
  // not on f32, bitwisenot on f64, exp on i32, abs on bool, f16 / bf16 / unknown types, op out of range
  for (const [dt, op] of [[1, OP.not], [11, OP.bitwisenot], [6, OP.exp], [9, OP.abs], [10, OP.abs], [16, OP.relu], [99, 0], [1, UNARY_OPS.length], [1, -1]]) {
    const { status, y } = call('vunary_nd_any__simd128', dt, op, 4, z, 16, [0, 0, 0]);
    assert.is(status, 1, `dtype ${dt} op ${op}`);
    assert.ok(untouched(y));
    assert.is(call('vunary_nd_any__scalar', dt, op, 4, z, 16, [0, 0, 0]).status, 1);
  }
  const { status, y } = call('vunary_nd_any__simd128', 1, OP.abs, -4, z, 16, [0, 0, 0]);
  assert.is(status, 2);
  assert.ok(untouched(y));
});

test.run();

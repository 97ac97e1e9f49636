// cast_any__scalar (assembly/nd/cast.ts), ONNX Cast between every pair of element types (and the
// float8 ids 17 / 19), against an independent oracle: the spec-text float decoder / encoder of
// test/ref/oracle.ts (which rounds an exact double), @petamoriken/float16 for f16, BigInt for
// 64-bit integers, Math.fround for f32.
// 1. Every code of every 8 / 16-bit source to every destination, saturate 0 and 1.
// 2. 32 / 64-bit sources: random values and the edges (double rounding, saturation, NaN, -0).
// 3. cast_any__simd128 equals the scalar reference byte for byte (random bytes: NaN payloads too).
// 4. Unknown types and n < 0: a status, nothing written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Float16Array } from '@petamoriken/float16';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { FLOAT_SPECS, floatValue, encodeFloatAbs } from '../ref/oracle.ts';

const T = { f32: 1, u8: 2, i8: 3, u16: 4, i16: 5, i32: 6, i64: 7, bool: 9, f16: 10, f64: 11, u32: 12, u64: 13, bf16: 16, f8_e4m3fn: 17, f8_e5m2: 19 } as const;
type N = keyof typeof T;
const BYTES: Record<N, number> = { f32: 4, u8: 1, i8: 1, u16: 2, i16: 2, i32: 4, i64: 8, bool: 1, f16: 2, f64: 8, u32: 4, u64: 8, bf16: 2, f8_e4m3fn: 1, f8_e5m2: 1 };
const INT_BITS: Partial<Record<N, [number, boolean]>> = { u8: [8, false], i8: [8, true], u16: [16, false], i16: [16, true], i32: [32, true], u32: [32, false], i64: [64, true], u64: [64, false] };
const NARROW = ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'] as const;
const NAMES = Object.keys(T) as N[];

/** A source element: a float (value, sign bit; NaN allowed) or an integer (BigInt). */
type Val = { f: number; neg: boolean } | { i: bigint };

// Round m > 0 to odd at 53 bits (sticky), so Number() of it is exact and rounds like m at <= 51 bits.
function odd53(m: bigint): bigint {
  const len = m.toString(2).length;
  if (len <= 53) return m;
  const sh = BigInt(len - 53), q = m >> sh;
  return ((m & ((1n << sh) - 1n)) !== 0n ? q | 1n : q) << sh;
}

const F16 = new Float16Array(1), F16B = new Uint16Array(F16.buffer);
/** Expected bytes of val cast to `to`. */
function expect(val: Val, to: N, sat: boolean): Uint8Array {
  const out = new Uint8Array(BYTES[to]), dv = new DataView(out.buffer);
  if (to === 'bool') { out[0] = 'i' in val ? +(val.i !== 0n) : +(val.f !== 0); return out; }
  const ib = INT_BITS[to];
  if (ib) {
    const [bits, signed] = ib;
    let b: bigint;
    if ('i' in val) b = val.i;
    else if (Number.isNaN(val.f)) b = 0n;
    else {
      const lo = signed ? -(2n ** BigInt(bits - 1)) : 0n, hi = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
      b = val.f === Infinity ? hi : val.f === -Infinity ? lo : BigInt(Math.trunc(val.f));
      b = b < lo ? lo : b > hi ? hi : b;
    }
    return new Uint8Array(new BigUint64Array([BigInt.asUintN(64, b)]).buffer).slice(0, BYTES[to]);
  }
  // float destinations: an exact double (or NaN / inf) and its sign
  let v: number, neg: boolean;
  if ('i' in val) { const m = val.i < 0n ? -val.i : val.i; v = Number(odd53(m)) * (val.i < 0n ? -1 : 1); neg = val.i < 0n; }
  else { v = val.f; neg = val.neg; }
  if (to === 'f64') { if (Number.isNaN(v)) dv.setBigUint64(0, (neg ? 1n << 63n : 0n) | 0x7FF8000000000000n, true); else dv.setFloat64(0, 'i' in val ? Number(val.i) : v, true); return out; }
  if (to === 'f32') { if (Number.isNaN(v)) dv.setUint32(0, ((neg ? 0x80000000 : 0) | 0x7FC00000) >>> 0, true); else dv.setFloat32(0, v, true); return out; }
  const ovf = sat && to.startsWith('f8') ? 'saturate' : 'ieee';
  const code = encodeFloatAbs(to, neg, Math.abs(v), 'rne', ovf);
  if (to === 'f16' && !Number.isNaN(v) && Math.abs(v) <= 65520 && Math.fround(v) === v) {
    // second opinion for f16 from @petamoriken/float16 (exact f32 inputs only: it rounds through f32)
    F16[0] = v;
    const alt = F16B[0];
    assert.is(code, alt, `oracles disagree on f16 of ${v}`);
  }
  if (BYTES[to] === 2) dv.setUint16(0, code, true); else out[0] = code;
  return out;
}

/** The value of source code c (an integer of the source's width). */
function decodeSrc(from: N, c: number): Val {
  if (from === 'bool') return { i: c !== 0 ? 1n : 0n };
  const ib = INT_BITS[from];
  if (ib) return { i: ib[1] ? BigInt.asIntN(ib[0], BigInt(c)) : BigInt(c) };
  const s = FLOAT_SPECS[from];
  return { f: floatValue(s, c), neg: ((c >>> (s.E + s.M)) & 1) === 1 };
}

function run(from: N, to: N, src: Uint8Array, n: number, sat: number): { status: number; y: Uint8Array } {
  const x = wasm() as any, px = heap.put(src), yb = n * BYTES[to], py = heap.alloc(yb + 16);
  try {
    heap.u8(py, yb + 16).fill(0xcd);
    const status = x.cast_any__scalar(T[from], T[to], py, px, n, sat);
    return { status, y: heap.u8(py, yb + 16).slice() };
  } finally { heap.free(px); heap.free(py); }
}

function check(from: N, to: N, src: Uint8Array, vals: Val[], label: (i: number) => string) {
  // saturate matters for float8 destinations only: the other cases run once
  for (const sat of to.startsWith('f8') ? [0, 1] : [0]) {
    const { status, y } = run(from, to, src, vals.length, sat);
    assert.is(status, 0, `${from} -> ${to}`);
    const w = BYTES[to];
    assert.ok(y.subarray(vals.length * w).every((v) => v === 0xcd), `${from} -> ${to}: wrote past y`);
    for (let i = 0; i < vals.length; i++) {
      const got = y.subarray(i * w, i * w + w);
      const want = from === to ? src.subarray(i * w, i * w + w) : expect(vals[i], to, sat === 1);
      if (!got.every((b, k) => b === want[k])) assert.equal([...got], [...want], `${from} -> ${to} sat ${sat}: ${label(i)}`);
    }
  }
}

test('every code of every 8 / 16-bit source to every element type', async () => {
  await getAlloy();
  let n = 0;
  for (const from of NAMES.filter((t) => BYTES[t] <= 2)) {
    const w = BYTES[from], count = 1 << (8 * w);
    const src = new Uint8Array(count * w + 16);
    for (let c = 0; c < count; c++) { src[c * w] = c & 0xff; if (w === 2) src[c * w + 1] = c >> 8; }
    const vals = [...Array(count).keys()].map((c) => decodeSrc(from, c));
    for (const to of NAMES) { check(from, to, src, vals, (i) => `code 0x${i.toString(16)}`); n += count; }
  }
  console.log(`  [cast_any__scalar] ${n} conversions from 8 / 16-bit sources`);
});

function f32Src(values: number[]): Uint8Array { const b = new Uint8Array(values.length * 4 + 16); new Float32Array(b.buffer, 0, values.length).set(values); return b; }
function f64Src(values: number[]): Uint8Array { const b = new Uint8Array(values.length * 8 + 16); new Float64Array(b.buffer, 0, values.length).set(values); return b; }

test('f32 and f64 sources: random values, ties, overflow, saturation, NaN, -0', async () => {
  await getAlloy();
  const r = rng(77), u = new Uint32Array(2), f = new Float64Array(u.buffer), f32 = new Float32Array(u.buffer, 0, 1);
  const edges = [0, -0, NaN, -NaN, Infinity, -Infinity, 0.5, -0.5, 1.5, -1.5, 2.5, 127.9, 128, -128.5, 255.5, 256, -1, 65504, 65519.99, 65520, 1e10, -1e10,
    2147483647, 2147483648, -2147483649, 4294967296, 9.3e18, -9.3e18, 1.9e19, 448, 464, 480, 57344, 61440, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -140];
  const f32v = [...edges.map(Math.fround)];
  for (let i = 0; i < 4000; i++) { u[0] = r(); f32v.push(f32[0]); }
  for (let i = 0; i < 2000; i++) f32v.push(Math.fround((((r() % 200001) - 100000) / 64) * 2 ** ((r() % 40) - 20)));
  const f64v = [...edges, 1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -11, 1 - 2 ** -54, 65504 + 15.999999, 2 ** 24 + 2 ** 16 + 2 ** -20, -(1 + 2 ** -8 + 2 ** -30), 1e300, -1e-300];
  for (let i = 0; i < 4000; i++) { u[0] = r(); u[1] = r(); f64v.push(f[0]); }
  for (let i = 0; i < 2000; i++) f64v.push((((r() % 2000001) - 1000000) / 1024) * 2 ** ((r() % 60) - 30));
  const v32 = f32v.map((v) => ({ f: v, neg: Object.is(v, -0) || v < 0 })), v64 = f64v.map((v) => ({ f: v, neg: Object.is(v, -0) || v < 0 }));
  // NaN signs come from the bits: read them back from the buffers
  const b32 = f32Src(f32v), b64 = f64Src(f64v);
  const d32 = new DataView(b32.buffer), d64 = new DataView(b64.buffer);
  v32.forEach((v, i) => { if (Number.isNaN(v.f)) v.neg = d32.getUint32(i * 4, true) >>> 31 === 1; });
  v64.forEach((v, i) => { if (Number.isNaN(v.f)) v.neg = d64.getUint32(i * 8 + 4, true) >>> 31 === 1; });
  for (const to of NAMES) {
    check('f32', to, b32, v32, (i) => `${f32v[i]}`);
    check('f64', to, b64, v64, (i) => `${f64v[i]}`);
  }
});

test('32 / 64-bit integer sources: wrap, exact rounding to every float type (no double rounding)', async () => {
  await getAlloy();
  const r = rng(78);
  const big = (): bigint => (BigInt(r()) << 32n) | BigInt(r());
  const special = [0n, 1n, -1n, 2n ** 24n + 1n, 2n ** 24n + 2n ** 16n + 1n, -(2n ** 24n + 2n ** 16n + 1n), 2n ** 60n + 2n ** 52n + 1n, 65519n, 65520n, 2n ** 31n - 1n, -(2n ** 31n),
    2n ** 32n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 255n, 256n, -129n, 448n, 464n, 57344n, 61440n];
  for (const [from, bits, signed] of [['i32', 32, true], ['u32', 32, false], ['i64', 64, true], ['u64', 64, false]] as const) {
    const ints = special.map((v) => (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)));
    for (let i = 0; i < 3000; i++) { const v = big() >> BigInt(r() % 64); ints.push(signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)); }
    const w = bits / 8, src = new Uint8Array(ints.length * w + 16), dv = new DataView(src.buffer);
    ints.forEach((v, i) => (w === 8 ? dv.setBigUint64(i * 8, BigInt.asUintN(64, v), true) : dv.setUint32(i * 4, Number(BigInt.asUintN(32, v)), true)));
    const vals = ints.map((v) => ({ i: v }));
    for (const to of NAMES) check(from, to, src, vals, (i) => `${ints[i]}`);
  }
  // the double-rounding cases by hand: 2^24 + 2^16 + 1 -> bf16 rounds up (through f32 RNE it would not)
  const { y } = run('i64', 'bf16', new Uint8Array(new BigInt64Array([2n ** 24n + 2n ** 16n + 1n, 2n ** 60n + 2n ** 52n + 1n, 0n]).buffer), 2, 0);
  assert.equal([...new Uint16Array(y.buffer, 0, 2)], [0x4B81, 0x5D81]);
});

test('cast_any__simd128 equals cast_any__scalar on random bytes, every pair, awkward sizes', async () => {
  await getAlloy();
  const r = rng(79), x = wasm() as any;
  let n = 0;
  for (const from of NAMES) for (const to of NAMES) for (const len of [1, 3, 4, 5, 7, 8, 17, 33, 100]) for (const sat of [0, 1]) {
    const src = new Uint8Array(len * BYTES[from] + 16).map(() => r() & 0xff), yb = len * BYTES[to];
    const px = heap.put(src), pa = heap.alloc(yb + 16), pb = heap.alloc(yb + 16);
    try {
      heap.u8(pa, yb + 16).fill(0xcd); heap.u8(pb, yb + 16).fill(0xcd);
      assert.is(x.cast_any__simd128(T[from], T[to], pa, px, len, sat), 0);
      assert.is(x.cast_any__scalar(T[from], T[to], pb, px, len, sat), 0);
      assert.equal(heap.u8(pa, yb + 16).slice(), heap.u8(pb, yb + 16).slice(), `${from} -> ${to} n ${len} sat ${sat}`);
    } finally { heap.free(px); heap.free(pa); heap.free(pb); }
    n++;
  }
  console.log(`  [cast_any__simd128] ${n} cases`);
});

test('unknown types and negative counts: a status, nothing written', async () => {
  await getAlloy();
  const z = new Uint8Array(32);
  for (const [a, b] of [[0, 1], [1, 8], [14, 1], [1, 18], [20, 1], [99, 1], [1, -1]]) {
    const x = wasm() as any, px = heap.put(z), py = heap.alloc(32);
    heap.u8(py, 32).fill(0xcd);
    for (const k of ['cast_any__simd128', 'cast_any__scalar']) assert.is(x[k](a, b, py, px, 4, 0), 1, `${k} ${a} -> ${b}`);
    assert.is(x.cast_any__simd128(1, 6, py, px, -1, 0), 2);
    assert.is(x.cast_any__scalar(1, 6, py, px, -1, 0), 2);
    assert.ok(heap.u8(py, 32).every((v) => v === 0xcd));
    heap.free(px); heap.free(py);
  }
});

test.run();

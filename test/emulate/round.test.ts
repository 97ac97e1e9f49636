// round_f32_fmt__simd128 (SIMD rne for f16 / bf16 / f8 / f6 / f4, bulk casts otherwise) equals
// decode(encode(x)) through the public API bit for bit: every f16 and bf16 code and every
// rounding boundary of those formats, random f32 bit patterns for the 8-bit and smaller formats.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { boundaryInputs, overflowInputs, SPECIAL_BITS } from '../ref/harness.ts';

const FMT: Record<string, number> = {
  f32: 0, f16: 1, bf16: 2, f8_e4m3fn: 3, f8_e5m2: 4, f8_e3m4: 5, f6_e2m3fn: 6, f6_e3m2fn: 7, f4_e2m1fn: 8,
  e8m0fnu: 9, i16: 10, i8: 11, u8: 12, i4: 13, i32: 14,
};
const MODES = ['rne', 'rna', 'rtz', 'floor', 'ceil'] as const;
const OVFS = ['saturate', 'ieee'] as const;
const hex = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** All codes of a 16-bit format decoded, boundary and overflow inputs, specials: as f32 bits. */
async function inputs16(fmt: string): Promise<Uint32Array> {
  const a = await getAlloy();
  const codes = new Uint16Array(65536).map((_, i) => i);
  const vals = a.decode(fmt, codes, { reference: true });
  const b = boundaryInputs(fmt), o = overflowInputs(fmt);
  const out = new Float32Array(vals.length + b.length + o.length + SPECIAL_BITS.length);
  out.set(vals); out.set(b, vals.length); out.set(o, vals.length + b.length);
  new Uint32Array(out.buffer).set(SPECIAL_BITS, vals.length + b.length + o.length);
  return new Uint32Array(out.buffer);
}

function randomInputs(n: number, seed: number, fmt: string): Uint32Array {
  const r = rng(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // Half fully random patterns, half with the exponent near the format's range.
    const w = r();
    out[i] = i & 1 ? w : ((w & 0x807FFFFF) | (((w >>> 23) % 48 + 100) << 23)) >>> 0;
  }
  const b = new Uint32Array(boundaryInputs(fmt).buffer), o = new Uint32Array(overflowInputs(fmt).buffer);
  const all = new Uint32Array(n + b.length + o.length + SPECIAL_BITS.length);
  all.set(out); all.set(b, n); all.set(o, n + b.length); all.set(SPECIAL_BITS, n + b.length + o.length);
  return all;
}

/** round_f32_fmt__simd128(fmt) on `bits` (at a 4-byte offset, so loads are unaligned) vs the API's encode+decode
 *  (reference casts); also round_f32_fmt__scalar, and in place. */
async function check(fmt: string, bits: Uint32Array, mode: (typeof MODES)[number], ovf: (typeof OVFS)[number]) {
  const a = await getAlloy();
  const x = wasm();
  const n = bits.length;
  const id = FMT[fmt];
  const m = MODES.indexOf(mode), o = OVFS.indexOf(ovf);
  const expected = new Uint32Array(a.decode(fmt, a.encode(fmt, new Float32Array(bits.buffer, bits.byteOffset, n), { round: mode, overflow: ovf, reference: true }) as any, { reference: true }).buffer);
  const src = heap.alloc(n * 4 + 16), dst = heap.alloc(n * 4 + 16), dst2 = heap.alloc(n * 4 + 16);
  try {
    new Uint32Array(heap.buffer(), src + 4, n).set(bits);
    assert.is(x.round_f32_fmt__simd128(id, src + 4, dst + 4, n, m, o), 0);
    assert.is(x.round_f32_fmt__scalar(id, src + 4, dst2 + 4, n, m, o), 0);
    const got = new Uint32Array(heap.buffer(), dst + 4, n), ref = new Uint32Array(heap.buffer(), dst2 + 4, n);
    for (let i = 0; i < n; i++) {
      if (got[i] !== expected[i] || ref[i] !== expected[i]) {
        assert.unreachable(`${fmt} ${mode} ${ovf}: input ${hex(bits[i])}: simd ${hex(got[i])} ref ${hex(ref[i])} encode+decode ${hex(expected[i])}`);
      }
    }
    // In place, aligned, with a length that leaves a tail.
    const k = Math.max(0, n - 5);
    new Uint32Array(heap.buffer(), src, k).set(bits.subarray(0, k));
    assert.is(x.round_f32_fmt__simd128(id, src, src, k, m, o), 0);
    const inPlace = new Uint32Array(heap.buffer(), src, k);
    for (let i = 0; i < k; i++) if (inPlace[i] !== expected[i]) assert.unreachable(`${fmt} ${mode} ${ovf} in place: input ${hex(bits[i])}: ${hex(inPlace[i])} vs ${hex(expected[i])}`);
  } finally {
    heap.free(src); heap.free(dst); heap.free(dst2);
  }
}

for (const fmt of ['f16', 'bf16']) {
  test(`round_f32_fmt__simd128 ${fmt} == decode(encode()) for every code, every rounding boundary, 5 modes x 2 overflow policies`, async () => {
    const bits = await inputs16(fmt);
    for (const mode of MODES) for (const ovf of OVFS) await check(fmt, bits, mode, ovf);
  });
}

test('round_f32_fmt__simd128 f8 / f6 / f4 == decode(encode()) on random f32 bit patterns and boundaries', async () => {
  let seed = 7;
  for (const fmt of ['f8_e4m3fn', 'f8_e5m2', 'f8_e3m4', 'f6_e2m3fn', 'f6_e3m2fn', 'f4_e2m1fn']) {
    const bits = randomInputs(100003, seed++, fmt);
    for (const mode of MODES) for (const ovf of OVFS) await check(fmt, bits, mode, ovf);
  }
});

test('round_f32_fmt__simd128 integer / e8m0 / f32 formats go through the bulk casts, equal to decode(encode())', async () => {
  let seed = 70;
  for (const fmt of ['i16', 'i8', 'u8', 'i4', 'i32', 'e8m0fnu']) {
    const r = rng(seed++);
    const bits = new Uint32Array(3001);
    for (let i = 0; i < bits.length; i++) bits[i] = i < SPECIAL_BITS.length ? SPECIAL_BITS[i] : (r() & 0x80FFFFFF) | ((((r() >>> 8) % 40) + 110) << 23);
    for (const mode of MODES) for (const ovf of OVFS) await check(fmt, bits, mode, ovf);
  }
  // f32: the identity, NaN payloads included (as encode + decode).
  const x = wasm();
  const v = new Uint32Array([0x7FA00001, 0xFFFFFFFF, 0x80000000, 0x00000001, 0x3F800001]);
  const p = heap.put(v), q = heap.alloc(v.byteLength);
  assert.is(x.round_f32_fmt__simd128(0, p, q, v.length, 3, 0), 0);
  assert.equal([...new Uint32Array(heap.buffer(), q, v.length)], [...v]);
  heap.free(p); heap.free(q);
});

test('round_f32_fmt__simd128: known values and unsupported arguments', async () => {
  await getAlloy();
  const x = wasm();
  const v = new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65519, 65520, -65520, 2 ** -25, -(2 ** -25), 3 * 2 ** -26, 1e-30, -1e-30, 3.0e38]);
  const p = heap.put(v), q = heap.alloc(v.byteLength + 16);
  assert.is(x.round_f32_fmt__simd128(1, p, q, v.length, 0, 1), 0); // f16, rne, ieee
  const out = [...heap.f32(q, v.length)];
  assert.equal(out.map((z) => Object.is(z, -0) ? '-0' : z), [1, 1 + 2 ** -9, 65504, Infinity, -Infinity, 0, '-0', 2 ** -24, 0, '-0', Infinity]);
  assert.is(x.round_f32_fmt__simd128(1, p, q, v.length, 0, 0), 0); // saturate
  assert.equal([...heap.f32(q, 5)].slice(2), [65504, 65504, -65504]);
  assert.is(x.round_f32_fmt__simd128(1, p, q, v.length, 5, 0), -1); // stochastic: not here
  assert.is(x.round_f32_fmt__simd128(16, p, q, v.length, 0, 0), -1); // MX
  assert.is(x.round_f32_fmt__simd128(15, p, q, v.length, 0, 0), -1); // hole
  assert.is(x.round_f32_fmt__simd128(1, p, q, v.length, 0, 2), -1);
  assert.is(x.round_f32_fmt__simd128(1, p, q, -1, 0, 0), -1);
  heap.free(p); heap.free(q);
});

test.run();

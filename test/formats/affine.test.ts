// Affine integer quantization (raw exports): quant_f32_int__simd128 (SIMD) == quant_f32_int__scalar == oracle for
// i8 / u8 / i4 / i16, per tensor / per channel / per group, with and without zero points, every
// mode (stochastic by seed and by random words), awkward sizes; dequant_int_f32__simd128; pack4/unpack4 and
// pack6/unpack6 round trips and layout at odd lengths (and no writes past the end).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wasm, heap, rng, getAlloy } from '../util.ts';
import { MODES, INT_SPECS, affineOracle, splitmixWords, hex, f32FromBits, bitsOfF32, type Mode } from '../ref/oracle.ts';
import { Diffs } from '../ref/harness.ts';
import { randomWords } from '../ref/inputs.ts';

const IDS: Record<string, number> = { i16: 10, i8: 11, u8: 12, i4: 13 };
const MODE_ID: Record<Mode, number> = { rne: 0, rna: 1, rtz: 2, floor: 3, ceil: 4, stochastic: 5 };
const SEED = 0x9999_1234_5678n;
const seedLo = Number(SEED & 0xFFFFFFFFn) | 0, seedHi = Number(SEED >> 32n) | 0;

function withHeap<T>(f: (put: (a: ArrayBufferView) => number, alloc: (n: number) => number) => T): T {
  const ptrs: number[] = [];
  try {
    return f((a) => { const p = heap.put(a as any); ptrs.push(p); return p; }, (n) => { const p = heap.alloc(Math.max(n, 16)); ptrs.push(p); return p; });
  } finally { for (const p of ptrs) heap.free(p); }
}
function readCodes(fmt: string, p: number, n: number): number[] {
  const buf = heap.buffer();
  if (fmt === 'i16') return Array.from(new Int16Array(buf, p, n));
  if (fmt === 'u8') return Array.from(new Uint8Array(buf, p, n));
  return Array.from(new Int8Array(buf, p, n)); // i8, and i4 (stored as a sign-extended byte)
}

/** Inputs for one group with scale s and zero point zp: in range, ties, beyond the range, specials. */
function groupInputs(g: () => number, n: number, s: number, fmt: string): number[] {
  const { min, max } = INT_SPECS[fmt];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = g() % 10;
    let x: number;
    if (k < 5) x = ((g() / 2 ** 32) * (max - min + 8) + min - 4) * s;              // around the range
    else if (k < 7) x = (Math.floor((g() / 2 ** 32) * (max - min)) + min + 0.5) * s; // a tie (when exact)
    else if (k === 7) x = ((g() / 2 ** 32) - 0.5) * 1e6 * s;                          // far outside
    else if (k === 8) x = f32FromBits(g());                                           // any bit pattern
    else x = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38][g() % 8];
    out.push(Math.fround(x));
  }
  return out;
}

function runAffine(fmt: string, n: number, group: number, withZp: boolean, seed: number, d: Diffs, sizeTag = '') {
  const x = wasm();
  const g = rng(seed);
  const { min, max } = INT_SPECS[fmt];
  const ng = Math.ceil(n / group);
  const scales = new Float32Array(ng), zps = new Int32Array(ng);
  const vals: number[] = [];
  for (let j = 0; j < ng; j++) {
    const k = g() % 16;
    scales[j] = k === 0 ? 2 ** -140 : k === 1 ? 1e30 : k === 2 ? 0 : k === 3 ? -0.5 : Math.fround(2 ** ((g() % 20) - 12) * (1 + (g() & 0xFFFF) / 65536));
    zps[j] = withZp ? min + (g() % (max - min + 1)) : 0;
    vals.push(...groupInputs(g, Math.min(group, n - j * group), scales[j], fmt));
  }
  const src = Float32Array.from(vals);
  const srcBits = new Uint32Array(src.buffer);
  const wide = fmt === 'i16';
  for (const mode of MODES) {
    for (const useRandom of mode === 'stochastic' ? [false, true] : [false]) {
      const words = useRandom ? randomWords(n, seed + 17) : splitmixWords(SEED, n);
      const [simd, ref] = withHeap((put, alloc) => {
        const ps = put(src), psc = put(scales), pz = withZp ? put(zps) : 0, pr = useRandom ? put(words) : 0;
        const out: number[][] = [];
        for (const fn of [x.quant_f32_int__simd128, x.quant_f32_int__scalar]) {
          const dst = alloc(n * (wide ? 2 : 1) + 16);
          fn(IDS[fmt], ps, dst, n, group, psc, pz, MODE_ID[mode], pr, seedLo, seedHi);
          out.push(readCodes(fmt, dst, n));
        }
        return out;
      });
      for (let i = 0; i < n; i++) {
        const j = Math.floor(i / group);
        const r = mode === 'stochastic' ? words[i] : 0;
        const exp = affineOracle(fmt, src[i], scales[j], zps[j], mode, r);
        const tag = () => `${fmt}${sizeTag} n=${n} group=${group}${withZp ? ' zp' : ''} ${mode}${useRandom ? ' random' : ''} i=${i} x=${hex(srcBits[i])} (${src[i]}) s=${scales[j]} zp=${zps[j]}${mode === 'stochastic' ? ` r=${hex(r)}` : ''} expected ${exp}`;
        d.cases += 2;
        if (ref[i] !== exp) d.add(() => `${tag()} ref got ${ref[i]}`);
        if (simd[i] !== exp) d.add(() => `${tag()} simd got ${simd[i]}`);
      }
    }
  }
  // dequant_int_f32__simd128: (code - zp) * s as an f32 product
  const codes = Array.from({ length: n }, () => min + (g() % (max - min + 1)));
  const got = withHeap((put, alloc) => {
    const pc = put(wide ? Int16Array.from(codes) : fmt === 'u8' ? Uint8Array.from(codes) : Int8Array.from(codes));
    const psc = put(scales), pz = withZp ? put(zps) : 0, dst = alloc(n * 4);
    x.dequant_int_f32__simd128(IDS[fmt], pc, dst, n, group, psc, pz);
    return new Uint32Array(heap.buffer(), dst, n).slice();
  });
  for (let i = 0; i < n; i++) {
    const j = Math.floor(i / group);
    const exp = bitsOfF32(Math.fround((codes[i] - zps[j]) * scales[j]));
    d.cases++;
    if (got[i] !== exp) d.add(() => `dequant ${fmt} i=${i} code ${codes[i]} s=${scales[j]} zp=${zps[j]} expected ${hex(exp)} got ${hex(got[i])}`);
  }
}

for (const fmt of ['i8', 'u8', 'i4', 'i16']) {
  test(`affine ${fmt}: per tensor / channel / group, zero points, every mode, SIMD == reference == oracle`, async () => {
    await getAlloy();
    const d = new Diffs(`affine ${fmt}`);
    let seed = 1;
    for (const [n, group] of [[4096, 4096], [4096, 64], [37 * 40, 37], [1000, 32], [999, 8], [1001, 5], [640, 1], [17, 17]]) {
      for (const withZp of [false, true]) runAffine(fmt, n, group, withZp, seed++, d);
    }
    for (const n of [1, 3, 7, 15, 17, 31, 33, 1023]) for (const group of [n, 4, 9]) runAffine(fmt, n, group, true, seed++, d, ' awkward');
    d.done();
  });
}

test('pack4/unpack4 and pack6/unpack6: layout and round trip at odd lengths, no writes past the end', async () => {
  await getAlloy();
  const x = wasm();
  const g = rng(5);
  let cases = 0;
  for (const bits of [4, 6]) {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 15, 16, 17, 31, 33, 63, 65, 1023]) {
      const codes = Uint8Array.from({ length: n }, () => g() & 0xFF); // high bits must be ignored
      const bytes = bits === 4 ? (n + 1) >> 1 : ((n + 3) >> 2) * 3;
      assert.is(x.packed_bytes(bits, n), bytes, `packed_bytes(${bits}, ${n})`);
      // independent layout: element i at bit offset i*bits, little-endian
      const want = new Uint8Array(bytes);
      for (let i = 0; i < n; i++) {
        const v = codes[i] & ((1 << bits) - 1), off = i * bits;
        want[off >> 3] |= (v << (off & 7)) & 0xFF;
        if ((off & 7) + bits > 8) want[(off >> 3) + 1] |= v >> (8 - (off & 7));
      }
      withHeap((put, alloc) => {
        const ps = put(codes), pd = alloc(bytes + 32), pu = alloc(n + 32);
        new Uint8Array(heap.buffer(), pd, bytes + 32).fill(0xA5);
        new Uint8Array(heap.buffer(), pu, n + 32).fill(0x5A);
        (bits === 4 ? x.pack4 : x.pack6)(ps, pd, n);
        const packed = new Uint8Array(heap.buffer(), pd, bytes + 32).slice();
        assert.equal(Array.from(packed.subarray(0, bytes)), Array.from(want), `pack${bits} layout n=${n}`);
        assert.ok(packed.subarray(bytes).every((b) => b === 0xA5), `pack${bits} n=${n} wrote past ${bytes} bytes`);
        (bits === 4 ? x.unpack4 : x.unpack6)(pd, pu, n);
        const un = new Uint8Array(heap.buffer(), pu, n + 32).slice();
        assert.equal(Array.from(un.subarray(0, n)), Array.from(codes, (c) => c & ((1 << bits) - 1)), `unpack${bits} n=${n}`);
        assert.ok(un.subarray(n).every((b) => b === 0x5A), `unpack${bits} n=${n} wrote past ${n} bytes`);
      });
      cases++;
    }
  }
  console.log(`  [pack/unpack] ${cases} lengths`);
});


test('affine: zero points across the whole i32 range (SIMD == reference; oracle where |zp| <= 2^31 - 2^17)', async () => {
  await getAlloy();
  const x = wasm();
  const d = new Diffs('affine extreme zero points');
  const zpsList = [2 ** 30, 2 ** 30 - 1, 2 ** 30 - 200, -(2 ** 30), -(2 ** 30) + 100, 2 ** 30 + 5, -(2 ** 30) - 5, 2 ** 31 - 2 ** 17, -(2 ** 31) + 2 ** 17, 2 ** 31 - 1, -(2 ** 31), 40000, -40000, 1e9, -1e9];
  const qs = [2 ** 30, -(2 ** 30), 2 ** 30 + 128, -(2 ** 30) - 128, 1e9, -1e9, 2e9, -2e9, 3e9, -3e9, 5, -5, 0, 1.5e9, -1.5e9, 1073741696];
  for (const fmt of ['i8', 'u8', 'i4', 'i16']) for (const zp of zpsList) {
    const n = 64;
    const src = Float32Array.from({ length: n }, (_, i) => qs[i % qs.length] + (i >= qs.length ? -zp : 0));
    const [simd, ref] = withHeap((put, alloc) => {
      const ps = put(src), psc = put(Float32Array.of(1)), pz = put(Int32Array.of(zp));
      return [x.quant_f32_int__simd128, x.quant_f32_int__scalar].map((fn) => { const dst = alloc(n * 2 + 16); fn(IDS[fmt], ps, dst, n, n, psc, pz, 0, 0, 0, 0); return readCodes(fmt, dst, n); });
    });
    for (let i = 0; i < n; i++) {
      const exp = affineOracle(fmt, src[i], 1, zp, 'rne');
      d.cases += 2;
      if (simd[i] !== ref[i]) d.add(() => `${fmt} zp=${zp} x=${src[i]} simd ${simd[i]} != ref ${ref[i]}`);
      if (ref[i] !== exp) d.add(() => `${fmt} zp=${zp} x=${src[i]} expected ${exp} ref got ${ref[i]}`);
    }
  }
  d.done();
});

test.run();

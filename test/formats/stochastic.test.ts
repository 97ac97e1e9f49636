// Stochastic rounding: exact thresholds with the `random` option (F == r stays, F == r + 1 goes away),
// the counter-based generator against a BigInt splitmix64, seed handling, and a statistical test
// (the mean of many stochastic roundings converges to x).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap } from '../util.ts';
import {
  SMALL_FORMATS, FLOAT_SPECS, encodeOracle, decodeOracle, splitmixWords, hex, f32FromBits, bitsOfF32, flog2,
} from '../ref/oracle.ts';
import { Diffs, codeHexWidth } from '../ref/harness.ts';
import { randomInputs } from '../ref/inputs.ts';

// Exact F = floor((|x| - lo) / (hi - lo) * 2^32) with BigInt (independent of the oracle's doubles).
function big(v: number): bigint { // v * 2^1300 as an exact BigInt, v >= 0 a finite double
  if (v === 0) return 0n;
  const e = flog2(v);
  const m = v / 2 ** (e - 52); // integer < 2^53, exact
  return BigInt(m) << BigInt(e - 52 + 1300);
}
function exactF(ax: number, lo: number, hi: number): number {
  return Number(((big(ax) - big(lo)) << 32n) / (big(hi) - big(lo)));
}
const valueOf = (fmt: string, code: number) => Math.abs(f32FromBits(decodeOracle(fmt, code)));

test('stochastic thresholds: r = F stays, r = F - 1 goes away (every format <= 16 bits, SIMD and reference)', async () => {
  const a = await getAlloy();
  const d = new Diffs('stochastic thresholds');
  SMALL_FORMATS.forEach((fmt, k) => {
    if (fmt === 'e8m0fnu' ) return; // below, with its own neighbours
    const cand = randomInputs(fmt, 20000, 300 + k);
    const xs: number[] = [], Fs: number[] = [], loC: number[] = [], hiC: number[] = [];
    for (const x of cand) {
      if (!Number.isFinite(x) || xs.length >= 3000) continue;
      const b = bitsOfF32(x);
      const cLo = encodeOracle(fmt, b, 'rtz', 'saturate');
      const cHi = encodeOracle(fmt, b, 'stochastic', 'saturate', 0);  // F > 0 always goes away
      const lo = valueOf(fmt, cLo), hi = valueOf(fmt, cHi);
      if (!(lo < Math.abs(x) && Math.abs(x) < hi)) continue; // exact, or at/over the saturation bound
      const F = exactF(Math.abs(x), lo, hi);
      if (F === 0) continue;
      xs.push(x); Fs.push(F); loC.push(cLo); hiC.push(cHi);
    }
    assert.ok(xs.length > 500, `${fmt}: enough inexact inputs`);
    const vals = Float32Array.from(xs);
    const w = codeHexWidth(fmt);
    for (const [delta, want] of [[0, loC], [-1, hiC]] as const) {
      const random = Uint32Array.from(Fs, (F) => F + delta);
      for (const reference of [false, true]) {
        const got = a.encode(fmt, vals, { round: 'stochastic', random, reference });
        for (let i = 0; i < xs.length; i++) {
          d.cases++;
          if (got[i] !== want[i]) d.add(() => `${fmt} ${reference ? 'ref' : 'simd'} x=${hex(bitsOfF32(xs[i]))} (${xs[i]}) F=${hex(Fs[i])} r=${hex(random[i])} expected ${hex(want[i], w)} got ${hex(got[i], w)}`);
        }
      }
    }
  });
  // e8m0: lo = 2^e, hi = 2^(e+1); also the top binade (hi = 2^128 overflows)
  const xs = [3, 1.25, 1 + 2 ** -23, 2 ** 127 * 1.75, 2 ** -127 * 1.5, 2 ** -100 * 1.0000001];
  for (const x of xs) {
    const ax = Math.fround(x), e = flog2(ax);
    const F = exactF(ax, 2 ** e, 2 ** (e + 1));
    for (const reference of [false, true]) for (const ovf of ['saturate', 'ieee'] as const) {
      const stay = a.encode('e8m0fnu', Float32Array.of(ax), { round: 'stochastic', random: Uint32Array.of(F), reference, overflow: ovf })[0];
      const away = a.encode('e8m0fnu', Float32Array.of(ax), { round: 'stochastic', random: Uint32Array.of(F - 1), reference, overflow: ovf })[0];
      d.cases += 2;
      if (stay !== e + 127) d.add(() => `e8m0fnu x=${ax} F=${hex(F)} r=F expected ${hex(e + 127, 2)} got ${hex(stay, 2)}`);
      const up = e + 1 > 127 ? (ovf === 'saturate' ? 0xFE : 0xFF) : e + 128;
      if (away !== up) d.add(() => `e8m0fnu x=${ax} F=${hex(F)} r=F-1 ${ovf} expected ${hex(up, 2)} got ${hex(away, 2)}`);
    }
  }
  // above max (hi is the first value beyond max): e4m3fn 456 -> lo 448, hi 480 (NaN under ieee)
  for (const [fmt, x, lo, hiSat, hiIeee] of [['f8_e4m3fn', 456, 0x7E, 0x7E, 0x7F], ['f16', 65504 + 8, 0x7BFF, 0x7BFF, 0x7C00], ['f6_e2m3fn', 7.75, 0x1F, 0x1F, 0x1F], ['f8_e5m2', 57344 + 4096, 0x7B, 0x7B, 0x7C]] as const) {
    const t = FLOAT_SPECS[fmt];
    const max = valueOf(fmt, lo), q = 2 ** (flog2(max) - t.M);
    const F = exactF(x, max, max + q);
    for (const reference of [false, true]) for (const [ovf, hi] of [['saturate', hiSat], ['ieee', hiIeee]] as const) {
      const stay = a.encode(fmt, Float32Array.of(x), { round: 'stochastic', random: Uint32Array.of(F), reference, overflow: ovf })[0];
      const away = a.encode(fmt, Float32Array.of(x), { round: 'stochastic', random: Uint32Array.of(F - 1), reference, overflow: ovf })[0];
      d.cases += 2;
      if (stay !== lo) d.add(() => `${fmt} top x=${x} r=F ${ovf} expected ${hex(lo, 2)} got ${hex(stay, 2)}`);
      if (away !== hi) d.add(() => `${fmt} top x=${x} r=F-1 ${ovf} expected ${hex(hi, 2)} got ${hex(away, 2)}`);
    }
  }
  d.done();
});

test('generator: random_fill and seeded encodes equal a BigInt splitmix64', async () => {
  const a = await getAlloy();
  const x = wasm();
  const d = new Diffs('generator');
  const seeds = [0n, 1n, 0xFFFFFFFFn, 0x100000000n, 0x0123456789ABCDEFn, (1n << 64n) - 1n, 0x8000000000000000n];
  for (const seed of seeds) for (const first of [0, 1, 7, 1000, 123456]) {
    const n = 257;
    const p = heap.alloc(n * 4);
    try {
      x.random_fill(p, n, Number(seed & 0xFFFFFFFFn) | 0, Number(seed >> 32n) | 0, first);
      const got = new Uint32Array(heap.buffer(), p, n).slice();
      const exp = splitmixWords(seed, n, first);
      for (let i = 0; i < n; i++) { d.cases++; if (got[i] !== exp[i]) d.add(() => `random_fill seed=${seed} i=${first + i} expected ${hex(exp[i])} got ${hex(got[i])}`); }
    } finally { heap.free(p); }
  }
  // the seed option: number and bigint agree, bigints are taken mod 2^64 (-1n == 2^64 - 1)
  const vals = randomInputs('f8_e4m3fn', 1000, 42);
  const bits = new Uint32Array(vals.buffer);
  for (const [s, canon] of [[12345, 12345n], [12345n, 12345n], [-1n, (1n << 64n) - 1n], [(1n << 64n) + 3n, 3n], [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)]] as const) {
    const w = splitmixWords(canon, vals.length);
    for (const reference of [false, true]) {
      const got = a.encode('f8_e4m3fn', vals, { round: 'stochastic', seed: s, reference });
      for (let i = 0; i < vals.length; i++) {
        const exp = encodeOracle('f8_e4m3fn', bits[i], 'stochastic', 'saturate', w[i]);
        d.cases++;
        if (got[i] !== exp) d.add(() => `seed ${String(s)} i=${i} x=${hex(bits[i])} expected ${hex(exp, 2)} got ${hex(got[i], 2)}`);
      }
    }
  }
  // no seed given: seed 0
  const w0 = splitmixWords(0n, vals.length);
  const got0 = a.encode('f8_e4m3fn', vals, { round: 'stochastic' });
  for (let i = 0; i < vals.length; i++) { d.cases++; const exp = encodeOracle('f8_e4m3fn', bits[i], 'stochastic', 'saturate', w0[i]); if (got0[i] !== exp) d.add(() => `default seed i=${i} expected ${hex(exp, 2)} got ${hex(got0[i], 2)}`); }
  d.done();
});

test('statistics: the mean of 100k stochastic roundings of x is x (within 5 standard errors)', async () => {
  const a = await getAlloy();
  const N = 100_000;
  const cases: [string, number][] = [
    ['f16', 1 + 2 ** -10 / 3], ['f16', -3.3e-6], ['bf16', 0.1], ['f8_e4m3fn', 0.3952], ['f8_e4m3fn', -300],
    ['f8_e5m2', 1000.7], ['f8_e3m4', 0.07], ['f6_e2m3fn', 5.3], ['f6_e3m2fn', -0.1], ['f4_e2m1fn', 4.9], ['f4_e2m1fn', 0.1],
    ['e8m0fnu', 3.1], ['i8', 2.3], ['i8', -100.9], ['u8', 17.01], ['i4', -3.5], ['i16', 1234.567],
  ];
  cases.forEach(([fmt, x0], k) => {
    const x = Math.fround(x0);
    const vals = new Float32Array(N).fill(x);
    for (const reference of [false, true]) {
      const codes = a.encode(fmt, vals, { round: 'stochastic', seed: 1000 + k, reference }) as any;
      const dec = a.decode(fmt, codes);
      let sum = 0;
      for (const v of dec) sum += v;
      const mean = sum / N;
      const lo = Math.min(...dec), hi = Math.max(...dec);
      const p = (x - lo) / (hi - lo);
      const se = (hi - lo) * Math.sqrt(p * (1 - p) / N);
      assert.ok(hi > lo, `${fmt} ${x}: both neighbours occur`);
      assert.ok(Math.abs(mean - x) <= 5 * se, `${fmt} x=${x} ${reference ? 'ref' : 'simd'}: mean ${mean} vs x, |diff| ${Math.abs(mean - x)} > 5 se ${5 * se}`);
    }
  });
  console.log(`  [statistics] ${cases.length} values x ${N} samples x 2 paths`);
});

test.run();

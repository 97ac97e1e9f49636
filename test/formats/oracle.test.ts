// The oracle itself, on values worked out by hand from the spec (and published constants).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeOracle, decodeOracle, bitsOfF32, floatTable, splitmixWord, flog2, hex, quantizeMXOracle,
  affineOracle, encodeFloatAbs,
} from '../ref/oracle.ts';

const enc = (fmt: string, x: number, mode: any = 'rne', ovf: any = 'saturate', r = 0) => encodeOracle(fmt, bitsOfF32(Math.fround(x)), mode, ovf, r);
const is = (got: number, exp: number, what: string) => assert.is(got, exp, `${what}: expected ${hex(exp, 4)} got ${hex(got, 4)}`);

test('oracle: f16 known values', () => {
  is(enc('f16', 0.3952), 0x3653, 'f16(0.3952)');
  is(enc('f16', 1), 0x3C00, 'f16(1)');
  is(enc('f16', -2), 0xC000, 'f16(-2)');
  is(enc('f16', 65504), 0x7BFF, 'f16 max');
  is(enc('f16', 65519, 'rne', 'ieee'), 0x7BFF, 'f16(65519) just below the overflow midpoint');
  is(enc('f16', 65520, 'rne', 'ieee'), 0x7C00, 'f16(65520, rne, ieee) = inf');
  is(enc('f16', 65520, 'rne', 'saturate'), 0x7BFF, 'f16(65520, rne, saturate) = max');
  is(enc('f16', 65520, 'rtz', 'ieee'), 0x7BFF, 'f16(65520, rtz, ieee) = max');
  is(enc('f16', -1e6, 'floor', 'ieee'), 0xFC00, 'f16(-1e6, floor, ieee) = -inf');
  is(enc('f16', -1e6, 'ceil', 'ieee'), 0xFBFF, 'f16(-1e6, ceil, ieee) = -max');
  is(enc('f16', 1e6, 'ceil', 'ieee'), 0x7C00, 'f16(1e6, ceil, ieee) = inf');
  is(enc('f16', 1e6, 'floor', 'ieee'), 0x7BFF, 'f16(1e6, floor, ieee) = max');
  is(enc('f16', 2 ** -24), 0x0001, 'smallest subnormal');
  is(enc('f16', 2 ** -25), 0x0000, 'half the smallest subnormal ties to even 0');
  is(enc('f16', 2 ** -25, 'rna'), 0x0001, 'rna ties away');
  is(enc('f16', -(2 ** -26)), 0x8000, '-tiny keeps its sign');
  is(enc('f16', 2 ** -26, 'ceil'), 0x0001, 'ceil of tiny');
  is(enc('f16', -(2 ** -26), 'floor'), 0x8001, 'floor of -tiny');
  is(enc('f16', 1 + 2 ** -11), 0x3C00, 'tie to even (down)');
  is(enc('f16', 1 + 3 * 2 ** -11), 0x3C02, 'tie to even (up)');
  is(enc('f16', NaN), 0x7E00, 'NaN');
  is(encodeOracle('f16', 0xFFC00001, 'rne', 'saturate'), 0xFE00, '-NaN keeps sign');
  is(enc('f16', Infinity, 'rne', 'saturate'), 0x7BFF, '+inf saturates');
  is(enc('f16', -Infinity, 'rtz', 'ieee'), 0xFC00, '-inf stays -inf under ieee in any mode');
  is(decodeOracle('f16', 0x3653), bitsOfF32(0.39526367), 'decode 0x3653');
  is(decodeOracle('f16', 0xFE01), 0xFFC00000, 'decode -NaN canonical');
  is(decodeOracle('f16', 0x0001), bitsOfF32(2 ** -24), 'decode min subnormal');
});

test('oracle: f8 / f6 / f4 known values', () => {
  is(enc('f8_e4m3fn', 0.3952), 0x2D, 'e4m3fn(0.3952)');
  is(enc('f8_e4m3fn', 448), 0x7E, 'e4m3fn max');
  is(enc('f8_e4m3fn', 464), 0x7E, 'e4m3fn 464 ties to even 448');
  is(enc('f8_e4m3fn', 465, 'rne', 'ieee'), 0x7F, 'e4m3fn 465 rounds to 480 > max -> NaN under ieee');
  is(enc('f8_e4m3fn', -465, 'rne', 'ieee'), 0xFF, 'e4m3fn -465 -> -NaN');
  is(enc('f8_e4m3fn', 465, 'rne', 'saturate'), 0x7E, 'e4m3fn 465 saturates');
  is(enc('f8_e4m3fn', 1000, 'rtz', 'ieee'), 0x7E, 'e4m3fn rtz overflow -> max');
  is(enc('f8_e4m3fn', 2 ** -9), 0x01, 'e4m3fn min subnormal');
  is(enc('f8_e4m3fn', NaN), 0x7F, 'e4m3fn NaN');
  is(enc('f8_e5m2', 57344), 0x7B, 'e5m2 max');
  is(enc('f8_e5m2', 61440, 'rne', 'ieee'), 0x7C, 'e5m2 midpoint to 2^16 ties to even (inf)');
  is(enc('f8_e5m2', 61439, 'rne', 'ieee'), 0x7B, 'e5m2 below the midpoint');
  is(enc('f8_e5m2', NaN), 0x7E, 'e5m2 NaN');
  is(enc('f8_e3m4', 15.5), 0x6F, 'e3m4 max');
  is(enc('f8_e3m4', NaN), 0x78, 'e3m4 NaN');
  is(enc('f8_e3m4', 100, 'rne', 'ieee'), 0x70, 'e3m4 inf');
  is(enc('f6_e2m3fn', 7.5), 0x1F, 'e2m3 max');
  is(enc('f6_e2m3fn', 100, 'rne', 'ieee'), 0x1F, 'e2m3 has no inf/NaN: saturates');
  is(enc('f6_e2m3fn', NaN), 0x00, 'e2m3 NaN -> +0');
  is(enc('f6_e2m3fn', -0.01), 0x20, 'e2m3 -tiny -> -0');
  is(enc('f6_e3m2fn', 28), 0x1F, 'e3m2 max');
  is(enc('f6_e3m2fn', 2 ** -4), 0x01, 'e3m2 min subnormal');
  const f4 = Array.from(floatTable('f4_e2m1fn').values);
  assert.equal(f4, [0, 0.5, 1, 1.5, 2, 3, 4, 6]);
  is(enc('f4_e2m1fn', 5), 0x06, 'f4 5 ties to even 4');
  is(enc('f4_e2m1fn', 2.5), 0x04, 'f4 2.5 ties to even 2');
  is(enc('f4_e2m1fn', 2.5, 'rna'), 0x05, 'f4 2.5 rna -> 3');
  is(enc('f4_e2m1fn', -7), 0x0F, 'f4 -7 -> -6');
  is(enc('f4_e2m1fn', 0.25), 0x00, 'f4 0.25 ties to even 0');
  is(enc('f4_e2m1fn', 0.75), 0x02, 'f4 0.75 ties to even 1');
  assert.equal(Array.from(floatTable('f8_e4m3fn').values).length, 127);
  assert.equal(floatTable('f8_e5m2').max, 57344);
  assert.equal(floatTable('f8_e3m4').max, 15.5);
  assert.equal(floatTable('f6_e2m3fn').max, 7.5);
  assert.equal(floatTable('f6_e3m2fn').max, 28);
  assert.equal(floatTable('bf16').max, 3.3895313892515355e38);
});

test('oracle: bf16, e8m0, ints', () => {
  is(enc('bf16', 1 + 2 ** -8), 0x3F80, 'bf16 tie to even');
  is(enc('bf16', 1 + 2 ** -8, 'rna'), 0x3F81, 'bf16 tie away');
  is(enc('bf16', 1 + 3 * 2 ** -8), 0x3F82, 'bf16 tie to even up');
  is(encodeOracle('bf16', 0x7F7FFFFF, 'rne', 'ieee'), 0x7F80, 'bf16 f32max -> inf');
  is(encodeOracle('bf16', 0x7F7FFFFF, 'rne', 'saturate'), 0x7F7F, 'bf16 f32max saturates');
  is(encodeOracle('bf16', 0x00008000, 'rne', 'saturate'), 0x0000, 'bf16 subnormal tie to 0');
  is(encodeOracle('bf16', 0x00018000, 'rne', 'saturate'), 0x0002, 'bf16 subnormal tie to even 2');
  is(enc('e8m0fnu', 1), 127, 'e8m0 1');
  is(enc('e8m0fnu', 1.5), 128, 'e8m0 1.5 ties up');
  is(enc('e8m0fnu', 1.4999), 127, 'e8m0 below 1.5');
  is(enc('e8m0fnu', 1.5, 'rtz'), 127, 'e8m0 rtz');
  is(enc('e8m0fnu', 1.01, 'ceil'), 128, 'e8m0 ceil');
  is(enc('e8m0fnu', 0), 0, 'e8m0 0 saturate');
  is(enc('e8m0fnu', 0, 'rne', 'ieee'), 0xFF, 'e8m0 0 ieee');
  is(enc('e8m0fnu', -4, 'rne', 'ieee'), 0xFF, 'e8m0 negative ieee');
  is(enc('e8m0fnu', 2 ** 127), 0xFE, 'e8m0 2^127');
  is(enc('e8m0fnu', 1.5 * 2 ** 127), 0xFE, 'e8m0 overflow saturates');
  is(enc('e8m0fnu', 1.5 * 2 ** 127, 'rne', 'ieee'), 0xFF, 'e8m0 overflow ieee');
  is(enc('e8m0fnu', 2 ** -127), 0x00, 'e8m0 2^-127');
  is(enc('e8m0fnu', 2 ** -149, 'ceil'), 0x00, 'e8m0 below 2^-127');
  is(decodeOracle('e8m0fnu', 0), 0x00400000, 'e8m0 decode 0 = 2^-127');
  is(decodeOracle('e8m0fnu', 0xFF), 0x7FC00000, 'e8m0 decode NaN');
  is(enc('i8', 127.5), 127, 'i8 clamp');
  is(enc('i8', -128.5), 0x80, 'i8 -128.5 ties to even -128');
  is(enc('i8', 2.5), 2, 'i8 ties to even');
  is(enc('i8', -2.5, 'rna'), 0xFD, 'i8 rna -3');
  is(enc('i8', -2.1, 'floor'), 0xFD, 'i8 floor');
  is(enc('i4', 7.5), 7, 'i4 clamp');
  is(enc('i4', -9), 8, 'i4 -8');
  is(enc('u8', -3), 0, 'u8 clamp');
  is(enc('u8', NaN), 0, 'NaN -> 0');
  is(enc('i16', -Infinity), 0x8000, 'i16 -inf');
  is(decodeOracle('i4', 0xF), bitsOfF32(-1), 'i4 decode');
});

test('oracle: splitmix64 against published SplitMix64 outputs', () => {
  // SplitMix64 seeded with 0 (Vigna's reference splitmix64.c): 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F
  assert.is(splitmixWord(0n, 0), 0xE220A839);
  assert.is(splitmixWord(0n, 1), 0x6E789E6A);
  assert.is(splitmixWord(0n, 2), 0x06C45D18);
  // seed wraps mod 2^64
  assert.is(splitmixWord((1n << 64n) + 5n, 3), splitmixWord(5n, 3));
});

test('oracle: stochastic thresholds, flog2, MX, affine', () => {
  // x = 1 + 2^-12 in f16: lo = 1, hi = 1 + 2^-10, F = 2^30
  const x = bitsOfF32(1 + 2 ** -12);
  is(encodeOracle('f16', x, 'stochastic', 'saturate', 2 ** 30), 0x3C00, 'F == r stays');
  is(encodeOracle('f16', x, 'stochastic', 'saturate', 2 ** 30 - 1), 0x3C01, 'F == r + 1 goes away');
  is(encodeFloatAbs('f8_e4m3fn', false, 456, 'stochastic', 'saturate', 0), 0x7E, 'stochastic above max saturates');
  is(encodeFloatAbs('f8_e4m3fn', false, 456, 'stochastic', 'ieee', 0), 0x7F, 'stochastic above max (hi = 480) -> NaN');
  is(encodeFloatAbs('f8_e4m3fn', false, 456, 'stochastic', 'ieee', 0xFFFFFFFF), 0x7E, 'stochastic above max stays at 448');
  assert.is(flog2(2 ** -149), -149);
  assert.is(flog2(3 * 2 ** -149), -148);
  assert.is(flog2(2 ** 128 - 2 ** 104), 127);
  assert.is(flog2(0.9999999999999999), -1);
  // MX: amax 6 -> floor(log2) 2, e2m1 emax 2 -> X = 1
  const q = quantizeMXOracle('mxfp4_e2m1', new Float32Array([6, -3, 0.25, 0.75]), 'rne', 'saturate');
  assert.equal(Array.from(q.scales), [127]);
  assert.equal(Array.from(q.elements), [0x7, 0xD, 0x0, 0x2]);
  const q8 = quantizeMXOracle('mxint8', new Float32Array([1, -0.5, 1.9999]), 'rne', 'saturate');
  assert.equal(Array.from(q8.scales), [127]);
  assert.equal(Array.from(q8.elements), [64, 0xE0, 127]);
  const qn = quantizeMXOracle('mxfp8_e4m3', new Float32Array([1, NaN]), 'rne', 'saturate');
  assert.equal(Array.from(qn.scales), [0xFF]);
  assert.equal(Array.from(qn.elements), [0, 0]);
  assert.is(affineOracle('i8', 1, 0.1, 3, 'rne'), 13);
  assert.is(affineOracle('u8', -100, 0.1, 3, 'rne'), 0);
  assert.is(affineOracle('i4', NaN, 0.1, 2, 'rne'), 2);
});

test.run();

// Host API of affine quantization and sub-byte packing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';

test('quantizeAffine per channel, symmetric: scales amax/127, round trip within half a step', async () => {
  const a = await getAlloy();
  const v = new Float32Array([0.5, -1, 0.25, 0.125, 8, -2, 1, 4]);
  const q = a.quantizeAffine('i8', v, { groupSize: 4 });
  assert.equal([...q.scales], [Math.fround(1 / 127), Math.fround(8 / 127)]);
  assert.equal([...q.zeroPoints], [0, 0]);
  assert.equal([...q.codes].slice(0, 2), [64, -127]);
  const back = a.dequantizeAffine('i8', q);
  for (let i = 0; i < v.length; i++) assert.ok(Math.abs(back[i] - v[i]) <= q.scales[i >> 2] / 2 + 1e-7, `${i}: ${back[i]} vs ${v[i]}`);
});

test('quantizeAffine asymmetric u8 covers [min, max] with a zero point', async () => {
  const a = await getAlloy();
  const v = new Float32Array([0, 1, 2, 3, 4, 5.1]);
  const q = a.quantizeAffine('u8', v, { symmetric: false });
  assert.is(q.zeroPoints[0], 0);
  assert.is(q.codes[5], 255);
  const w = new Float32Array([-1, 0, 3]);
  const q2 = a.quantizeAffine('u8', w, { symmetric: false });
  assert.is(q2.codes[0], 0);
  assert.is(q2.codes[2], 255);
  assert.is(q2.codes[1], q2.zeroPoints[0]);
});

test('given scales, stochastic rounding with a seed is reproducible', async () => {
  const a = await getAlloy();
  const v = new Float32Array(100).map((_, i) => i / 7);
  const o = { scales: Float32Array.of(0.5), round: 'stochastic' as const, seed: 9n };
  const q = a.quantizeAffine('i8', v, o).codes;
  assert.equal(q, a.quantizeAffine('i8', v, o).codes);
  // and the seed and the mode are used: another seed, and round to nearest, give other codes
  assert.not.equal(q, a.quantizeAffine('i8', v, { ...o, seed: 10n }).codes);
  assert.not.equal(q, a.quantizeAffine('i8', v, { scales: o.scales, round: 'rne' }).codes);
});

test('pack / unpack 4- and 6-bit codes', async () => {
  const a = await getAlloy();
  const c4 = new Uint8Array([1, 2, 3, 15, 7]);
  const p4 = a.pack('f4_e2m1fn', c4);
  assert.equal([...p4], [0x21, 0xf3, 0x07]);
  assert.equal(a.unpack('i4', p4, 5), c4);
  const c6 = new Uint8Array([63, 1, 2, 3, 4, 5]);
  const p6 = a.pack('mxfp6_e2m3', c6);
  assert.is(p6.length, 6);
  assert.equal(a.unpack('f6_e3m2fn', p6, 6), c6);
  assert.equal(a.pack('i8', new Uint8Array([1, 2])), new Uint8Array([1, 2]));
});

test('errors name the argument', async () => {
  const a = await getAlloy();
  const codeOf = (f: () => unknown) => { try { f(); } catch (e) { assert.instance(e, AlloyError); return (e as AlloyError).code; } return 'none'; };
  assert.is(codeOf(() => a.quantizeAffine('f16', new Float32Array(2))), 'BAD_ARGUMENT');
  assert.is(codeOf(() => a.quantizeAffine('u8', new Float32Array(2))), 'BAD_OPTION');
  assert.is(codeOf(() => a.quantizeAffine('i8', new Float32Array(4), { groupSize: 0 })), 'BAD_OPTION');
  assert.is(codeOf(() => a.quantizeAffine('i8', new Float32Array(4), { groupSize: 2, scales: Float32Array.of(1) })), 'SHAPE_MISMATCH');
  assert.is(codeOf(() => a.unpack('i4', new Uint8Array(1), 5)), 'SHAPE_MISMATCH');
});

test.run();

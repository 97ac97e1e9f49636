// Bad arguments to the cast API: each throws an AlloyError with a stable code, and nothing else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlloyError } from '../../build/alloy.mjs';
import { getAlloy } from '../util.ts';

function throwsCode(f: () => unknown, code: string, what: string) {
  try { f(); } catch (e: any) {
    assert.ok(e instanceof AlloyError, `${what}: expected an AlloyError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.is(e.code, code, `${what}: code ${e.code} (${e.message})`);
    return;
  }
  assert.unreachable(`${what}: did not throw`);
}

test('cast API errors: AlloyError with a code', async () => {
  const a = await getAlloy();
  const v = new Float32Array([1, 2, 3]);
  throwsCode(() => a.encode('f17', v), 'UNKNOWN_FORMAT', 'encode unknown format');
  throwsCode(() => a.decode('nope', new Uint8Array(1)), 'UNKNOWN_FORMAT', 'decode unknown format');
  throwsCode(() => a.quantizeMX('mxfp3', v), 'UNKNOWN_FORMAT', 'quantizeMX unknown format');
  throwsCode(() => a.format('F16'), 'UNKNOWN_FORMAT', 'format() is case sensitive');
  throwsCode(() => a.encode('f16', v, { round: 'nearest' as any }), 'BAD_OPTION', 'bad round');
  throwsCode(() => a.encode('f16', v, { overflow: 'wrap' as any }), 'BAD_OPTION', 'bad overflow');
  throwsCode(() => a.encode('f16', v, { round: 'stochastic', seed: 1.5 }), 'BAD_OPTION', 'non-integer seed');
  throwsCode(() => a.encode('f16', v, { round: 'stochastic', seed: 2 ** 60 }), 'BAD_OPTION', 'unsafe-integer seed');
  throwsCode(() => a.encode('f16', v, { round: 'stochastic', random: new Uint32Array(2) }), 'BAD_OPTION', 'random too short');
  throwsCode(() => a.encode('f16', v, { round: 'stochastic', random: new Int32Array(3) as any }), 'BAD_OPTION', 'random not a Uint32Array');
  throwsCode(() => a.encode('f16', v, { round: 'rne', random: new Uint32Array(3) }), 'BAD_OPTION', 'random without stochastic');
  throwsCode(() => a.encode('f16', v, { round: 'rne', seed: 3 }), 'BAD_OPTION', 'seed without stochastic');
  throwsCode(() => a.encode('f16', v, 'rne' as any), 'BAD_OPTION', 'options not an object');
  throwsCode(() => a.quantizeMX('mxfp8_e4m3', v, { round: 'stochastic', random: new Uint32Array(1) }), 'BAD_OPTION', 'MX random too short');
  throwsCode(() => a.encode('f16', [1, 2, 3] as any), 'BAD_ARGUMENT', 'values not a Float32Array');
  throwsCode(() => a.encode('f16', new Float64Array(3) as any), 'BAD_ARGUMENT', 'values a Float64Array');
  throwsCode(() => a.decode('f8_e4m3fn', new Uint16Array(2)), 'BAD_ARGUMENT', 'decode f8 with Uint16Array');
  throwsCode(() => a.decode('f16', new Uint8Array(2)), 'BAD_ARGUMENT', 'decode f16 with Uint8Array');
  throwsCode(() => a.decode('f32', new Uint16Array(2)), 'BAD_ARGUMENT', 'decode f32 with Uint16Array');
  throwsCode(() => a.decode('i4', new Int8Array(2) as any), 'BAD_ARGUMENT', 'decode i4 with Int8Array');
  throwsCode(() => a.encode('mxfp4_e2m1', v), 'BAD_ARGUMENT', 'encode an MX format');
  throwsCode(() => a.decode('mxint8', new Uint8Array(2)), 'BAD_ARGUMENT', 'decode an MX format');
  throwsCode(() => a.quantizeMX('f16', v), 'BAD_ARGUMENT', 'quantizeMX a scalar format');
  throwsCode(() => a.dequantizeMX('f16', { scales: new Uint8Array(1), elements: new Uint8Array(3) }), 'BAD_ARGUMENT', 'dequantizeMX a scalar format');
  throwsCode(() => a.dequantizeMX('mxfp4_e2m1', { scales: new Uint8Array(2), elements: new Uint8Array(3) }), 'SHAPE_MISMATCH', 'dequantizeMX scale count');
  throwsCode(() => a.dequantizeMX('mxfp4_e2m1', { scales: [1] as any, elements: new Uint8Array(3) }), 'BAD_ARGUMENT', 'dequantizeMX scales not bytes');
  throwsCode(() => a.quantizeMX('mxint8', [1] as any), 'BAD_ARGUMENT', 'quantizeMX values not a Float32Array');
  // empty inputs are fine
  assert.is(a.encode('f16', new Float32Array(0)).length, 0);
  assert.is(a.decode('f16', new Uint16Array(0)).length, 0);
  assert.is(a.quantizeMX('mxint8', new Float32Array(0)).scales.length, 0);
});

test.run();

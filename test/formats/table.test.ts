// The host's format table (a.formats) agrees with the oracle's reading of the spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { FLOAT_SPECS, INT_SPECS, MX_SPECS, floatTable } from '../ref/oracle.ts';

const IDS: Record<string, number> = {
  f32: 0, f16: 1, bf16: 2, f8_e4m3fn: 3, f8_e5m2: 4, f8_e3m4: 5, f6_e2m3fn: 6, f6_e3m2fn: 7, f4_e2m1fn: 8, e8m0fnu: 9,
  i16: 10, i8: 11, u8: 12, i4: 13, i32: 14, mxfp8_e4m3: 16, mxfp8_e5m2: 17, mxfp6_e2m3: 18, mxfp6_e3m2: 19, mxfp4_e2m1: 20, mxint8: 21,
};

test('format table: ids, bits, layout, max / min normal / min subnormal / epsilon, inf / NaN', async () => {
  const a = await getAlloy();
  assert.equal(a.formats.map((f) => f.name).sort(), Object.keys(IDS).sort());
  for (const f of a.formats) {
    assert.is(f.id, IDS[f.name], `${f.name} id`);
    const fl = FLOAT_SPECS[f.name] ?? (MX_SPECS[f.name]?.elem ? FLOAT_SPECS[MX_SPECS[f.name].elem!] : undefined);
    if (fl) {
      const t = floatTable(fl.name);
      assert.is(f.exponentBits, fl.E, `${f.name} E`); assert.is(f.mantissaBits, fl.M, `${f.name} M`); assert.is(f.bias, fl.bias, `${f.name} bias`);
      assert.is(f.max, t.max, `${f.name} max`);
      assert.is(f.minSubnormal, t.values[1], `${f.name} min subnormal`);
      assert.is(f.minNormal, 2 ** (1 - fl.bias), `${f.name} min normal`);
      assert.is(f.epsilon, 2 ** -fl.M, `${f.name} epsilon`);
      assert.is(f.hasInf, fl.special === 'ieee', `${f.name} hasInf`);
      assert.is(f.hasNaN, fl.special !== 'finite', `${f.name} hasNaN`);
      assert.is(f.bits, f.kind === 'mx' ? 1 + fl.E + fl.M : 1 + fl.E + fl.M, `${f.name} bits`);
      assert.is(f.signed, true);
    }
    if (f.name in INT_SPECS) {
      const s = INT_SPECS[f.name];
      assert.is(f.kind, 'int'); assert.is(f.bits, s.bits); assert.is(f.intMin, s.min); assert.is(f.intMax, s.max); assert.is(f.max, s.max);
      assert.is(f.hasInf, false); assert.is(f.hasNaN, false);
    }
    if (f.kind === 'mx') { assert.is(f.block, 32, `${f.name} block`); assert.is(f.scale, 'e8m0fnu', `${f.name} scale`); }
  }
  const e = a.format('e8m0fnu');
  assert.is(e.max, 2 ** 127); assert.is(e.minNormal, 2 ** -127); assert.is(e.hasNaN, true); assert.is(e.hasInf, false); assert.is(e.signed, false);
  const m = a.format('mxint8');
  assert.is(m.max, 127 / 64); assert.is(m.element, 'i8'); assert.is(m.intMin, -127); assert.is(m.intMax, 127);
  assert.is(a.format('f32').max, 3.4028234663852886e38);
});

test.run();

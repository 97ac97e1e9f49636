// Exhaustive re-encode: every code's decoded value, encoded again in every rounding mode and both
// overflow policies, SIMD (default) and reference paths. Finite codes must come back unchanged;
// NaN / inf codes must give what the oracle says (canonical NaN with sign; inf or max).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { SMALL_FORMATS, MODES, OVERFLOWS, bitsOf, decodeOracle, encodeOracle, hex, f32FromBits } from '../ref/oracle.ts';
import { Diffs, encodeBoth, codeHexWidth } from '../ref/harness.ts';

for (const fmt of SMALL_FORMATS) {
  test(`re-encode ${fmt}: every code's value, 6 modes x 2 overflow policies x 2 paths`, async () => {
    const a = await getAlloy();
    const n = 2 ** bitsOf(fmt), w = codeHexWidth(fmt);
    const bits = new Uint32Array(n);
    for (let c = 0; c < n; c++) bits[c] = decodeOracle(fmt, c);
    const vals = new Float32Array(bits.buffer);
    // the decoded values must be exactly what the module decodes (checked in decode.test.ts); here
    // feed them back. Stochastic with random words that would round any inexact value away.
    const random = new Uint32Array(n); // r = 0: F > 0 goes away, so an exact value must have F = 0
    const d = new Diffs(`re-encode ${fmt}`);
    let finite = 0;
    for (const mode of MODES) for (const ovf of OVERFLOWS) {
      const { simd, ref } = encodeBoth(a, fmt, vals, mode, ovf, { random });
      for (let c = 0; c < n; c++) {
        const x = f32FromBits(bits[c]);
        const isFinite = Number.isFinite(x);
        // Ints: -0 cannot occur; u8/i4 etc codes map 1:1. e8m0: 0xFF is NaN. Floats: -0 code keeps its sign.
        let exp = isFinite ? c : encodeOracle(fmt, bits[c], mode, ovf, 0);
        if (isFinite && mode === 'rne' && ovf === 'saturate') finite++;
        const orc = encodeOracle(fmt, bits[c], mode, ovf, 0);
        if (orc !== exp) throw new Error(`oracle does not round-trip ${fmt} code ${hex(c, w)}: ${hex(orc, w)}`);
        d.cases += 2;
        if (ref[c] !== exp) d.add(() => `${fmt} ${mode}/${ovf} ref  code ${hex(c, w)} x=${hex(bits[c])} expected ${hex(exp, w)} got ${hex(ref[c], w)}`);
        if (simd[c] !== exp) d.add(() => `${fmt} ${mode}/${ovf} simd code ${hex(c, w)} x=${hex(bits[c])} expected ${hex(exp, w)} got ${hex(simd[c], w)}`);
      }
    }
    assert.ok(finite > 0);
    d.done();
  });
}

test.run();

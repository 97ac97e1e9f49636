// f16 against an outside implementation: npm @petamoriken/float16 (getFloat16 / setFloat16 on a
// DataView, round-to-nearest-even to half, IEEE overflow to infinity).
import { test } from 'uvu';
import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { getAlloy } from '../util.ts';
import { hex, bitsOfF32 } from '../ref/oracle.ts';
import { Diffs } from '../ref/harness.ts';
import { randomInputs } from '../ref/inputs.ts';

const dv = new DataView(new ArrayBuffer(4));

test('f16 decode: all 65536 codes equal @petamoriken/float16 getFloat16', async () => {
  const a = await getAlloy();
  const codes = new Uint16Array(65536).map((_, i) => i);
  const d = new Diffs('float16 decode');
  for (const reference of [false, true]) {
    const out = a.decode('f16', codes, { reference } as any) as Float32Array;
    for (let c = 0; c < 65536; c++) {
      dv.setUint16(0, c);
      const v = getFloat16(dv, 0);
      d.cases++;
      const ok = Number.isNaN(v) ? Number.isNaN(out[c]) : Object.is(v, out[c]);
      if (!ok) d.add(() => `f16 decode ${reference ? 'ref' : 'simd'} code ${hex(c, 4)} float16 ${v} got ${out[c]}`);
    }
  }
  d.done();
});

test('f16 encode (rne, ieee overflow): 400k random f32 equal @petamoriken/float16 setFloat16', async () => {
  const a = await getAlloy();
  const d = new Diffs('float16 encode');
  for (const seed of [1, 2]) {
    const vals = randomInputs('f16', 200_000, 7000 + seed);
    for (const reference of [false, true]) {
      const got = a.encode('f16', vals, { round: 'rne', overflow: 'ieee', reference });
      for (let i = 0; i < vals.length; i++) {
        const x = vals[i];
        if (Number.isNaN(x)) continue; // NaN payload/sign handling is the oracle's business
        setFloat16(dv, 0, x);
        const exp = dv.getUint16(0);
        d.cases++;
        if (got[i] !== exp) d.add(() => `f16 rne/ieee ${reference ? 'ref' : 'simd'} x=${hex(bitsOfF32(x))} (${x}) float16 ${hex(exp, 4)} got ${hex(got[i], 4)}`);
      }
    }
  }
  d.done();
});

test.run();

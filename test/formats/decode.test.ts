// Exhaustive decode: every code of every format of <= 16 bits, SIMD/LUT path and reference path,
// bit for bit against the oracle (NaN codes: canonical 0x7FC00000 with the code's sign).
import { test } from 'uvu';
import { getAlloy, rng } from '../util.ts';
import { SMALL_FORMATS, bitsOf, decodeOracle, hex } from '../ref/oracle.ts';
import { Diffs } from '../ref/harness.ts';

function allCodes(fmt: string): Uint8Array | Uint16Array {
  const n = 2 ** bitsOf(fmt);
  const a = bitsOf(fmt) > 8 ? new Uint16Array(n) : new Uint8Array(n);
  for (let c = 0; c < n; c++) a[c] = c;
  return a;
}

for (const fmt of SMALL_FORMATS) {
  test(`decode ${fmt}: all ${2 ** bitsOf(fmt)} codes, default and reference`, async () => {
    const a = await getAlloy();
    const codes = allCodes(fmt);
    const d = new Diffs(`decode ${fmt}`);
    for (const reference of [false, true]) {
      // whole range, then shifted / odd-length windows (SIMD tails)
      const windows: [number, number][] = [[0, codes.length], [1, codes.length], [3, 3 + 17], [5, 5 + 1], [9, 9 + 7]];
      for (const [s, e] of windows) {
        const sub = codes.slice(s, Math.min(e, codes.length));
        const out = a.decode(fmt, sub, { reference } as any) as Float32Array;
        const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
        for (let i = 0; i < sub.length; i++) {
          const exp = decodeOracle(fmt, sub[i]);
          d.cases++;
          if (bits[i] !== exp) d.add(() => `${fmt} ${reference ? 'ref' : 'simd'} code ${hex(sub[i], 4)} expected ${hex(exp)} got ${hex(bits[i])}`);
        }
      }
    }
    d.done();
  });
}

test('decode i32 and f32: 200k random codes, default and reference', async () => {
  const a = await getAlloy();
  const g = rng(77);
  const codes = new Uint32Array(200_001).map(() => g());
  codes.set([0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x01000001, 0x7F800000, 0xFF800000, 0x00000001, 0x80000000]);
  const d = new Diffs('decode i32/f32');
  for (const fmt of ['i32', 'f32']) for (const reference of [false, true]) {
    const out = a.decode(fmt, codes, { reference } as any) as Float32Array;
    const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < codes.length; i++) {
      if (fmt === 'f32' && (codes[i] & 0x7FFFFFFF) > 0x7F800000) continue; // f32 NaN payloads: not specified
      const exp = decodeOracle(fmt, codes[i]);
      d.cases++;
      if (bits[i] !== exp) d.add(() => `${fmt} ${reference ? 'ref' : 'simd'} code ${hex(codes[i])} expected ${hex(exp)} got ${hex(bits[i])}`);
    }
  }
  d.done();
});

test.run();

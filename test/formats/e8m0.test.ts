// e8m0fnu, case by case from the spec, with hand-written expected codes (the generic exhaustive,
// midpoint and random tests include e8m0 too).
import { test } from 'uvu';
import { getAlloy } from '../util.ts';
import { hex, bitsOfF32, f32FromBits, encodeOracle } from '../ref/oracle.ts';
import { Diffs, MODES } from '../ref/harness.ts';

type Row = [string, number, Record<string, number>]; // label, f32 bits, expected per "mode/ovf" (key '*' = all)
const all = (sat: number, ieee: number) => Object.fromEntries(MODES.flatMap((m) => [[`${m}/saturate`, sat], [`${m}/ieee`, ieee]]));
const perMode = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).flatMap(([k, v]) => [[`${k}/saturate`, v], [`${k}/ieee`, v]]));
const B = (x: number) => bitsOfF32(Math.fround(x));

const rows: Row[] = [
  ['+0', 0x00000000, all(0x00, 0xFF)],
  ['-0', 0x80000000, all(0x00, 0xFF)],
  ['-1', B(-1), all(0x00, 0xFF)],
  ['-inf', 0xFF800000, all(0x00, 0xFF)],
  ['+inf', 0x7F800000, all(0xFE, 0xFF)],
  ['NaN', 0x7FC00000, all(0xFF, 0xFF)],
  ['-NaN', 0xFFC00001, all(0xFF, 0xFF)],
  ['1', B(1), all(127, 127)],
  ['2^127', B(2 ** 127), all(0xFE, 0xFE)],
  ['2^-127', 0x00400000, all(0x00, 0x00)],
  ['2^-126', 0x00800000, all(0x01, 0x01)],
  ['2^-149 (below 2^-127)', 0x00000001, all(0x00, 0x00)],
  ['0x003FFFFF (below 2^-127)', 0x003FFFFF, all(0x00, 0x00)],
  ['1.5 (tie: up in both nearest modes)', B(1.5), perMode({ rne: 128, rna: 128, rtz: 127, floor: 127, ceil: 128 })],
  ['1.4999999', B(1.4999999), perMode({ rne: 127, rna: 127, rtz: 127, floor: 127, ceil: 128 })],
  ['3 = 1.5 * 2 (tie)', B(3), perMode({ rne: 129, rna: 129, rtz: 128, floor: 128, ceil: 129 })],
  ['1.5 * 2^-127 (f32 subnormal tie)', 0x00600000, perMode({ rne: 1, rna: 1, rtz: 0, floor: 0, ceil: 1 })],
  ['2^-127 + 1 ulp', 0x00400001, perMode({ rne: 0, rna: 0, rtz: 0, floor: 0, ceil: 1 })],
  ['f32 max', 0x7F7FFFFF, { ...perMode({ rtz: 0xFE, floor: 0xFE }), 'rne/saturate': 0xFE, 'rne/ieee': 0xFF, 'rna/saturate': 0xFE, 'rna/ieee': 0xFF, 'ceil/saturate': 0xFE, 'ceil/ieee': 0xFF }],
  ['1.5 * 2^127', B(1.5 * 2 ** 127), { ...perMode({ rtz: 0xFE, floor: 0xFE }), 'rne/saturate': 0xFE, 'rne/ieee': 0xFF, 'rna/saturate': 0xFE, 'rna/ieee': 0xFF, 'ceil/saturate': 0xFE, 'ceil/ieee': 0xFF }],
  ['2^127 + 1 ulp', B(2 ** 127) + 1, { ...perMode({ rne: 0xFE, rna: 0xFE, rtz: 0xFE, floor: 0xFE }), 'ceil/saturate': 0xFE, 'ceil/ieee': 0xFF }],
];

test('e8m0fnu: specials, zero/negatives, ties up, subnormals, overflow (hand-written expectations)', async () => {
  const a = await getAlloy();
  const d = new Diffs('e8m0 cases');
  for (const [label, bits, exp] of rows) {
    for (const [key, want] of Object.entries(exp)) {
      const [mode, ovf] = key.split('/');
      const orc = encodeOracle('e8m0fnu', bits, mode as any, ovf as any, mode === 'stochastic' ? 0x80000000 : 0);
      if (orc !== want) throw new Error(`oracle disagrees with the hand-written e8m0 case ${label} ${key}: ${hex(orc, 2)} vs ${hex(want, 2)}`);
      for (const reference of [false, true]) {
        const o: any = { round: mode, overflow: ovf, reference };
        if (mode === 'stochastic') o.random = Uint32Array.of(0x80000000);
        const got = a.encode('e8m0fnu', new Float32Array(Uint32Array.of(bits).buffer), o)[0];
        d.cases++;
        if (got !== want) d.add(() => `e8m0fnu ${label} x=${hex(bits)} ${key} ${reference ? 'ref' : 'simd'} expected ${hex(want, 2)} got ${hex(got, 2)}`);
      }
    }
  }
  // decode: 2^(c-127) for every code, 0xFF NaN
  const dec = a.decode('e8m0fnu', new Uint8Array(256).map((_, i) => i));
  for (let c = 0; c < 256; c++) {
    const want = c === 255 ? 0x7FC00000 : bitsOfF32(2 ** (c - 127));
    const got = bitsOfF32(dec[c]);
    d.cases++;
    if (c === 255 ? !Number.isNaN(dec[c]) || (new Uint32Array(dec.buffer)[c] !== want) : got !== want) d.add(() => `e8m0 decode ${hex(c, 2)} expected ${hex(want)} got ${hex(new Uint32Array(dec.buffer)[c])}`);
  }
  void f32FromBits;
  d.done();
});

test.run();

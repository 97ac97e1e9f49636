// `alloy formats` and `alloy cast`.
import type { Alloy } from '../../runtime/index.js';
import { AlloyError } from '../../runtime/errors.js';

const pad = (s: string, n: number) => s.padEnd(n);
const num = (v: number) => (Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'inf' : '-inf') : Math.abs(v) !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6) ? v.toExponential(6) : String(v));

export function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => pad(c, w[i])).join('  ').trimEnd()).join('\n');
}

export function formatsCommand(alloy: Alloy): number {
  const rows = [['id', 'name', 'kind', 'bits', 'e', 'm', 'bias', 'max', 'min normal', 'min subnormal', 'epsilon', 'inf', 'NaN', 'block']];
  for (const f of alloy.formats) {
    const isInt = f.kind === 'int';
    rows.push([String(f.id), f.name, f.kind, String(f.bits), isInt ? '-' : String(f.exponentBits), isInt ? '-' : String(f.mantissaBits), isInt ? '-' : String(f.bias),
      isInt ? `${f.intMin}..${f.intMax}` : num(f.max), num(f.minNormal), num(f.minSubnormal), num(f.epsilon), f.hasInf ? 'yes' : 'no', f.hasNaN ? 'yes' : 'no',
      f.block > 1 ? `${f.block} x ${f.scale}` : '-']);
  }
  console.log(table(rows));
  return 0;
}

export function castCommand(alloy: Alloy, pos: string[], flags: Record<string, string | true>): number {
  if (pos.length !== 1) throw new AlloyError('BAD_ARGUMENT', 'cast: give exactly one value, e.g. alloy cast 0.3952 --to f8_e4m3fn');
  const text = pos[0];
  const x = Math.fround(text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));
  if (Number.isNaN(x) && text !== 'nan') throw new AlloyError('BAD_ARGUMENT', `cast: ${JSON.stringify(text)} is not a number`);
  const opts: any = { round: flags.round ?? 'rne', overflow: flags.overflow ?? 'saturate' };
  if (flags.seed !== undefined) opts.seed = BigInt(flags.seed as string);
  const targets = flags.to ? [alloy.format(String(flags.to))] : alloy.formats.filter((f) => f.kind !== 'mx' && f.name !== 'f32');
  const rows = [['format', 'code', 'sign', 'exponent', 'mantissa', 'value', 'error', 'rel. error']];
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0];
  console.log(`input ${num(x)} (f32 0x${bits.toString(16).padStart(8, '0')}), round ${opts.round}, overflow ${opts.overflow}`);
  for (const f of targets) {
    if (f.kind === 'mx') {
      const q = alloy.quantizeMX(f.name, new Float32Array([x]), opts);
      const v = alloy.dequantizeMX(f.name, q)[0];
      rows.push([f.name, `scale 0x${q.scales[0].toString(16).padStart(2, '0')} elem 0x${q.elements[0].toString(16).padStart(2, '0')}`, '', '', '', num(v), num(v - x), x ? num(Math.abs((v - x) / x)) : '-']);
      continue;
    }
    const code = alloy.encode(f.name, new Float32Array([x]), opts)[0];
    const v = alloy.decode(f.name, f.bits <= 8 ? new Uint8Array([code]) : f.bits <= 16 ? new Uint16Array([code]) : new Uint32Array([code]))[0];
    const hex = `0x${code.toString(16).padStart(Math.ceil(f.bits / 4), '0')}`;
    let s = '', e = '', m = '';
    if (f.kind === 'float' || f.kind === 'scale') {
      const eb = f.exponentBits, mb = f.mantissaBits;
      if (f.signed) s = String((code >>> (eb + mb)) & 1);
      e = ((code >>> mb) & ((1 << eb) - 1)).toString(2).padStart(eb, '0');
      m = mb ? (code & ((1 << mb) - 1)).toString(2).padStart(mb, '0') : '';
    }
    const err = v - x;
    rows.push([f.name, hex, s, e, m, num(v), Number.isFinite(err) ? num(err) : '-', x && Number.isFinite(err) ? num(Math.abs(err / x)) : '-']);
  }
  console.log(table(rows));
  return 0;
}

// Command-line flags, one parser for every command: `--name value`, `--name=value`, `-o FILE`,
// switches that never take a value (`--json`; `--json=false` turns one off), and flags whose value
// is optional and one of a few words (`--stats [json|table]`).

import { AlloyError } from '../../runtime/errors.js';

export type Flags = Record<string, string | true>;

/** Flags that never take a value: the argument after one is always positional. */
const SWITCHES = new Set(['help', 'json', 'decode-weights', 'reference', 'relative', 'asymmetric', 'no-secant', 'no-latency', 'no-calibration']);
/** Flags whose value is optional, with the values they take. */
const OPTIONAL: Record<string, string[]> = { stats: ['json', 'table'] };

export function parseFlags(argv: string[]): { pos: string[]; flags: Flags } {
  const pos: string[] = [];
  const flags: Flags = {};
  const isValue = (s: string | undefined) => s !== undefined && !s.startsWith('--') && s !== '-o';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') {
      if (!isValue(argv[i + 1])) throw new AlloyError('BAD_ARGUMENT', '-o needs a file name');
      flags.o = argv[++i];
      continue;
    }
    if (!a.startsWith('--')) { pos.push(a); continue; }
    const eq = a.indexOf('=');
    const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const v = eq < 0 ? undefined : a.slice(eq + 1);
    if (SWITCHES.has(k)) {
      if (v === undefined || v === 'true') flags[k] = true;
      else if (v === 'false') delete flags[k];
      else throw new AlloyError('BAD_ARGUMENT', `--${k} takes no value (or =true, =false), got ${JSON.stringify(v)}`);
    } else if (v !== undefined) flags[k] = v;
    else if (Object.hasOwn(OPTIONAL, k)) flags[k] = OPTIONAL[k].includes(argv[i + 1]) ? argv[++i] : true;
    else flags[k] = isValue(argv[i + 1]) ? argv[++i] : true;
  }
  return { pos, flags };
}

/** A flag's string value, or `dflt`; a flag given without its value is BAD_ARGUMENT. */
export function stringFlag(flags: Flags, k: string, dflt: string | undefined, cmd: string): string | undefined {
  const v = flags[k];
  if (v === true) throw new AlloyError('BAD_ARGUMENT', `${cmd}: --${k} needs a value`);
  return v ?? dflt;
}

/** A flag's number, or `dflt`; with `intMin` it must be an integer of at least that. */
export function numberFlag(flags: Flags, k: string, dflt: number, cmd: string, intMin?: number): number {
  const v = stringFlag(flags, k, undefined, cmd);
  if (v === undefined) return dflt;
  const n = Number(v);
  const ok = v.trim() !== '' && Number.isFinite(n) && (intMin === undefined || (Number.isInteger(n) && n >= intMin));
  if (!ok) throw new AlloyError('BAD_ARGUMENT', `${cmd}: --${k} ${v} is not ${intMin === undefined ? 'a number' : `an integer >= ${intMin}`}`);
  return n;
}

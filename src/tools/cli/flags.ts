// Command-line flags, one strict parser for every command: `--name value`, `--name=value`, `-o FILE`,
// switches that never take a value (`--json`; `--json=false` turns one off), and flags whose value
// is optional and one of a few words (`--stats [json|table]`). Each command declares its flags
// (commands.ts); any other flag is BAD_ARGUMENT naming the closest known one. Not util.parseArgs:
// it has no optional values (`--stats` / `--stats json`) and no suggestions.

import { AlloyError } from '../../runtime/errors.js';

export type Flags = Record<string, string | true>;

/** 'value': needs one; 'switch': never takes one; a word list: an optional value among them. */
/** 'repeat': a value flag that may be given several times (the values joined by '\n'). */
export type FlagKind = 'value' | 'repeat' | 'switch' | readonly string[];

/** Edit distance (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The known flag closest to `name` (as `--x` or `-o`), or undefined when none is near. */
export function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined, d = Infinity;
  for (const k of known) { const e = distance(name, k); if (e < d) { d = e; best = k; } }
  return best !== undefined && d <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

const dash = (k: string) => (k.length === 1 ? `-${k}` : `--${k}`);

/** Parse `argv` for command `cmd` with its flag table (`help` is always known). */
export function parseFlags(argv: string[], known: Record<string, FlagKind>, cmd: string): { pos: string[]; flags: Flags } {
  const spec: Record<string, FlagKind> = { help: 'switch', ...known };
  const pos: string[] = [];
  const flags: Flags = {};
  const isValue = (s: string | undefined) => s !== undefined && !(s.startsWith('-') && s.length > 1 && !/^-[\d.]/.test(s));
  const unknown = (k: string): never => {
    const near = closest(k, Object.keys(spec));
    throw new AlloyError('BAD_ARGUMENT', `alloy ${cmd}: unknown flag ${dash(k)}${near ? ` (did you mean ${dash(near)}?)` : ''}; alloy ${cmd} --help lists its flags`);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { pos.push(...argv.slice(i + 1)); break; }
    if (a === '-h') { flags.help = true; continue; }
    let k: string, v: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      k = eq < 0 ? a.slice(2) : a.slice(2, eq);
      v = eq < 0 ? undefined : a.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(a)) { k = a.slice(1); v = undefined; }
    else { pos.push(a); continue; }
    const kind = Object.hasOwn(spec, k) ? spec[k] : unknown(k);
    if (kind === 'switch') {
      if (v === undefined || v === 'true') flags[k] = true;
      else if (v === 'false') delete flags[k];
      else throw new AlloyError('BAD_ARGUMENT', `alloy ${cmd}: ${dash(k)} takes no value (or =true, =false), got ${JSON.stringify(v)}`);
    } else if (kind === 'repeat') {
      const x = v ?? (isValue(argv[i + 1]) ? argv[++i] : undefined);
      if (x === undefined) throw new AlloyError('BAD_ARGUMENT', `alloy ${cmd}: ${dash(k)} needs a value`);
      flags[k] = typeof flags[k] === 'string' ? `${flags[k]}\n${x}` : x;
    } else if (v !== undefined) flags[k] = v;
    else if (kind !== 'value') flags[k] = kind.includes(argv[i + 1]) ? argv[++i] : true;
    else if (isValue(argv[i + 1])) flags[k] = argv[++i];
    else throw new AlloyError('BAD_ARGUMENT', `alloy ${cmd}: ${dash(k)} needs a value`);
  }
  for (const [k, kind] of Object.entries(spec)) {
    const v = flags[k];
    if (Array.isArray(kind) && typeof v === 'string' && !kind.includes(v)) throw new AlloyError('BAD_ARGUMENT', `alloy ${cmd}: ${dash(k)} ${v}: one of ${kind.join(', ')}`);
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

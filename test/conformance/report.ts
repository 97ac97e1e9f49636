// The suite's cases, the expectations file, and the tables (per suite, per operator, reasons).
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelInfo, dtypeName } from './proto.ts';
import { BUG_CLASSES, type Result, type FailClass } from './case.ts';

export const DATA = process.env.ONNX_TESTDATA ?? '/usr/share/libonnx-testdata/data';
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;
export const EXPECTED = new URL('./expected.json', import.meta.url).pathname;

export interface Case { key: string; suite: string; name: string; dir: string }

/** Every case of the four suites, sorted by key "suite/test_name". */
export function listCases(root = DATA): Case[] {
  const out: Case[] = [];
  for (const suite of SUITES) {
    const d = join(root, suite);
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d).sort()) if (existsSync(join(d, name, 'model.onnx'))) out.push({ key: `${suite}/${name}`, suite, name, dir: join(d, name) });
  }
  return out;
}

/** The `real` suite: how many of its models are here (the package ships only their download URLs). */
export function realModels(root = DATA): { listed: number; present: number } {
  const d = join(root, 'real');
  if (!existsSync(d)) return { listed: 0, present: 0 };
  const names = readdirSync(d);
  return { listed: names.length, present: names.filter((n) => existsSync(join(d, n, 'model.onnx'))).length };
}

/** Operator family of a node test: the op of its single-node model (test_x_expanded: that of
 *  test_x), else the op most of its nodes are, else the name's first word. */
export function families(cases: Case[]): Map<string, string> {
  const ops = new Map<string, string[]>();
  for (const c of cases) if (c.suite === 'node') { try { ops.set(c.name, decodeModelInfo(readFileSync(join(c.dir, 'model.onnx'))).ops); } catch { ops.set(c.name, []); } }
  const single = (name: string) => { const o = ops.get(name); return o && o.length && o.every((x) => x === o[0]) ? o[0] : undefined; };
  const known = new Map<string, string>();
  for (const c of cases) { const op = single(c.name); if (op) known.set(op.toLowerCase(), op); }
  const out = new Map<string, string>();
  for (const c of cases) {
    if (c.suite !== 'node') continue;
    const word = c.name.replace(/^test_/, '').split('_')[0];
    out.set(c.key, single(c.name.replace(/_expanded$/, '')) ?? single(c.name) ?? known.get(word) ?? word);
  }
  return out;
}

const MAX_REASON = 200;
/** The expectations file's entry for a result. */
export function entry(r: Result): string {
  if (r.status === 'pass') return 'pass';
  const s = `${r.cls}: ${r.reason}`;
  return s.length > MAX_REASON ? `${s.slice(0, MAX_REASON - 1)}…` : s;
}
export const entryClass = (e: string) => (e === 'pass' ? 'pass' : e.slice(0, e.indexOf(':'))) as FailClass | 'pass';

/** The distinct problems a failure names, normalised so that cases group (names and sizes out). */
export function reasons(r: Result): string[] {
  if (r.status === 'pass') return [];
  let m = r.reason.replace(/ \(\d+ later nodes? depending on these not checked\)$/, '');
  const list = m.match(/^UNSUPPORTED_OP: \d+ unsupported nodes?: (.*)$/);
  const items = list ? splitTop(list[1]).map((x) => `UNSUPPORTED_OP: ${x}`) : [m];
  return [...new Set(items.map((x) => `${r.cls}: ${normalise(x)}`))];
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '[') depth++;
    else if (s[i] === ')' || s[i] === ']') depth--;
    else if (depth === 0 && s.startsWith('; ', i)) { out.push(s.slice(start, i)); start = i + 2; }
  }
  out.push(s.slice(start));
  return out;
}

function normalise(x: string): string {
  return x
    .replace(/^(UNSUPPORTED_OP: )([A-Za-z]\w*) \([^()]*\)(:|$)/, (_, c, op, colon) => colon ? `${c}${op}:` : `${c}unsupported operator ${op}`)
    .replace(/node "[^"]*" \((\w+)\)/g, '$1')
    .replace(/((?:graph )?(?:input|output)) "[^"]*"/g, '$1')
    .replace(/has element type (\d+); Alloy inputs are float32/, (_, t) => `has element type ${t} (${dtypeName(+t)})`)
    .replace(/broadcast of \[[^\]]*\] with \[[^\]]*\]/g, 'broadcast of [...] with [...]')
    .replace(/ \(test_data_set_\d+\)/g, '')
    .replace(/(run\(\): input has) .*$/, (_, a) => `${a} ${x.replace(/^.*?run\(\): input "[^"]*" has /, '').replace(/\d+/g, 'N')}`);
}

export interface Counts { cases: number; pass: number }
const add = (m: Map<string, Counts>, k: string, pass: boolean) => { const c = m.get(k) ?? { cases: 0, pass: 0 }; c.cases++; if (pass) c.pass++; m.set(k, c); };

export interface Summary {
  total: Counts; suites: Map<string, Counts>; ops: Map<string, Counts>; classes: Map<string, number>;
  reasons: { reason: string; cases: number; sole: number }[]; bugs: [string, Result][];
  /** per suite: reason -> cases */
  suiteReasons: Map<string, Map<string, number>>;
}

export function summarise(cases: Case[], results: Map<string, Result>, fam: Map<string, string>): Summary {
  const suites = new Map<string, Counts>(), ops = new Map<string, Counts>(), classes = new Map<string, number>();
  const rs = new Map<string, { cases: number; sole: number }>();
  const total = { cases: 0, pass: 0 };
  const bugs: [string, Result][] = [];
  const suiteReasons = new Map<string, Map<string, number>>();
  for (const c of cases) {
    const r = results.get(c.key)!;
    const ok = r.status === 'pass';
    total.cases++; if (ok) total.pass++;
    add(suites, c.suite, ok);
    if (fam.has(c.key)) add(ops, fam.get(c.key)!, ok);
    const cls = r.status === 'pass' ? 'pass' : r.cls;
    classes.set(cls, (classes.get(cls) ?? 0) + 1);
    if (r.status === 'fail' && BUG_CLASSES.includes(r.cls)) bugs.push([c.key, r]);
    const list = reasons(r);
    for (const x of list) { const e = rs.get(x) ?? { cases: 0, sole: 0 }; e.cases++; if (list.length === 1) e.sole++; rs.set(x, e); }
    const sr = suiteReasons.get(c.suite) ?? new Map<string, number>();
    for (const x of list) sr.set(x, (sr.get(x) ?? 0) + 1);
    suiteReasons.set(c.suite, sr);
  }
  const reasonList = [...rs].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.cases - a.cases || b.sole - a.sole || (a.reason < b.reason ? -1 : 1));
  return { total, suites, ops, classes, reasons: reasonList, bugs, suiteReasons };
}

const pct = (c: Counts) => `${c.pass}/${c.cases}`;

/** Plain-text tables for the console. */
export function textReport(s: Summary, top = 30): string {
  const L: string[] = [];
  L.push(`ONNX backend suite (libonnx-testdata): ${s.total.pass} of ${s.total.cases} cases pass`);
  for (const [k, c] of s.suites) L.push(`  ${k.padEnd(20)} ${pct(c).padStart(9)}`);
  L.push(`by result: ${[...s.classes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  L.push('node tests per operator (pass/cases):');
  const ops = [...s.ops].sort((a, b) => (a[0].toLowerCase() < b[0].toLowerCase() ? -1 : 1)).map(([k, c]) => `${k} ${pct(c)}`);
  for (let i = 0; i < ops.length; i += 5) L.push(`  ${ops.slice(i, i + 5).map((x) => x.padEnd(32)).join('').trimEnd()}`);
  L.push(`top ${top} failure reasons (cases naming it; cases where it is the only one):`);
  for (const r of s.reasons.slice(0, top)) L.push(`  ${String(r.cases).padStart(4)} ${String(r.sole).padStart(4)}  ${r.reason}`);
  if (s.bugs.length) { L.push(`BUGS (wrong answers, crashes, hangs): ${s.bugs.length}`); for (const [k, r] of s.bugs) L.push(`  ${k}: ${entry(r)}`); }
  else L.push('no wrong answers, crashes or hangs');
  return L.join('\n');
}

/** Cases refused only for their opset, and what the importer does with them at opset 11. */
export interface Probe { cases: number; summary: Summary }
export const OPSET_WALL = /^UNSUPPORTED_OP: opset \d+:/;

export function probeText(p: Probe, top = 15): string {
  const s = p.summary;
  const L = [`probe (not a test): the ${p.cases} cases refused for their opset, imported as opset 11 (semantics may differ): ${s.total.pass} pass`];
  L.push(`  by result: ${[...s.classes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const r of s.reasons.slice(0, top)) L.push(`  ${String(r.cases).padStart(4)} ${String(r.sole).padStart(4)}  ${r.reason}`);
  for (const [k, r] of s.bugs) L.push(`  ${r.status === 'fail' && r.cls === 'wrong' ? 'wrong (altered model)' : 'BUG'}: ${k}: ${entry(r)}`);
  return L.join('\n');
}

/** docs/CONFORMANCE.md */
export function markdownReport(s: Summary, real: { listed: number; present: number }, probe?: Probe): string {
  const L: string[] = [];
  L.push('# ONNX backend conformance', '');
  L.push('The ONNX project\'s backend test suite (Debian `libonnx-testdata`, onnx 1.12), run by',
    '`test/conformance/` as part of `npm test`: each case\'s `model.onnx` goes through `importOnnx`,',
    '`writeBundle`, `load` and `run` on every `test_data_set_*`, and is compared with its `output_*.pb`',
    'with the ONNX runner\'s rule (same shape and element type, NaN where NaN, |got - want| <= 1e-7 + 1e-3 |want|).',
    'Every case\'s result is committed in `test/conformance/expected.json`; `npm test` fails on any change',
    '(a regression, or an improvement not yet written down) and on any wrong answer, crash or hang.', '');
  L.push('```sh', 'apt-get install -y libonnx-testdata', 'node --import tsx test/conformance/run.ts            # tables; exit 1 on a difference from expected.json',
    'node --import tsx test/conformance/run.ts --update   # rewrite expected.json and this page', '```', '');
  L.push(`Generated by \`run.ts --update\`. **${s.total.pass} of ${s.total.cases} cases pass.**`, '');
  L.push('| suite | pass | cases |', '|---|---:|---:|');
  for (const [k, c] of s.suites) L.push(`| ${k} | ${c.pass} | ${c.cases} |`);
  L.push(`| all | ${s.total.pass} | ${s.total.cases} |`, '');
  L.push(`The \`real\` suite (${real.listed} models) is left out: the package lists only their download URLs (${real.present} present here).`, '');
  L.push('Results by class: ' + [...s.classes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') + '.',
    'import / load / run: an AlloyError from that step; feed: an input `run()` cannot take; type: right values',
    'in another element type than the model declares (`run()` returns float32); wrong, crash, timeout: bugs.', '');
  L.push('## Failure reasons', '', 'A case counts once for each distinct problem its error names (importOnnx lists every unsupported node);',
    '"only" counts the cases where it is the sole problem named. Names and sizes are normalised out.',
    'An opset or graph-input element-type refusal stops the import at once: what lies behind it is not listed.', '');
  L.push('| cases | only | reason |', '|---:|---:|---|');
  for (const r of s.reasons) L.push(`| ${r.cases} | ${r.sole} | ${r.reason.replace(/\|/g, '\\|')} |`);
  L.push('', '### Per suite (other than node)', '');
  for (const [suite, m] of s.suiteReasons) {
    if (suite === 'node') continue;
    L.push(`- ${suite}: ${[...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r, n]) => `${n} ${r}`).join('; ')}`);
  }
  if (probe) {
    const p = probe.summary;
    L.push('', '## Behind the opset wall (a probe, not a test)', '',
      `${probe.cases} cases are refused for their opset alone (below 11). \`run.ts --update\` also imports them with the`,
      'opset raised to 11, which is not their meaning (Slice, Pad, Upsample, BatchNormalization... changed), to show',
      `what comes next: ${p.total.pass} would pass as they are; by result: ${[...p.classes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}.`,
      'Wrong answers here are not bugs (the model was altered).', '');
    L.push('| suite | pass | cases |', '|---|---:|---:|');
    for (const [k, c] of p.suites) L.push(`| ${k} | ${c.pass} | ${c.cases} |`);
    L.push('', '| cases | only | reason |', '|---:|---:|---|');
    for (const r of p.reasons) L.push(`| ${r.cases} | ${r.sole} | ${r.reason.replace(/\|/g, '\\|')} |`);
  }
  L.push('', '## Node tests per operator', '', 'Family: the operator of the test\'s model (`*_expanded` tests count with their operator).', '');
  L.push('| operator | pass | cases |', '|---|---:|---:|');
  for (const [k, c] of [...s.ops].sort((a, b) => (a[0].toLowerCase() < b[0].toLowerCase() ? -1 : 1))) L.push(`| ${k} | ${c.pass} | ${c.cases} |`);
  L.push('');
  return L.join('\n');
}

export interface Diff { regressions: string[]; improvements: string[]; changed: string[]; missing: string[]; stale: string[]; bugs: string[] }

/** Differences between the expectations file and this run. */
export function diffExpected(expected: Record<string, string>, results: Map<string, Result>): Diff {
  const d: Diff = { regressions: [], improvements: [], changed: [], missing: [], stale: [], bugs: [] };
  for (const [k, r] of results) {
    const got = entry(r), want = expected[k];
    if (r.status === 'fail' && BUG_CLASSES.includes(r.cls)) d.bugs.push(`${k}: ${got}`);
    if (want === undefined) d.missing.push(`${k}: ${got}`);
    else if (want === 'pass' && got !== 'pass') d.regressions.push(`${k}: ${got}`);
    else if (want !== 'pass' && got === 'pass') d.improvements.push(`${k}: was ${want}`);
    else if (want !== got) d.changed.push(`${k}: ${got} (was ${want})`);
  }
  for (const k of Object.keys(expected)) if (!results.has(k)) d.stale.push(k);
  return d;
}

export function diffText(d: Diff): string {
  const L: string[] = [];
  const part = (title: string, xs: string[]) => { if (xs.length) L.push(`${title} (${xs.length}):`, ...xs.slice(0, 50).map((x) => `  ${x}`), ...(xs.length > 50 ? [`  ... ${xs.length - 50} more`] : [])); };
  part('wrong answers, crashes and hangs (bugs; never expected)', d.bugs);
  part('regressions: expected to pass, now fail', d.regressions);
  part('improvements: now pass; run `node --import tsx test/conformance/run.ts --update`', d.improvements);
  part('failing differently than expected.json says', d.changed);
  part('cases not in expected.json', d.missing);
  part('cases in expected.json that the suite does not have', d.stale);
  return L.join('\n');
}
export const clean = (d: Diff) => Object.values(d).every((x) => x.length === 0);

// The ONNX backend suite runner: `node --import tsx test/conformance/run.ts [--update]
// [--filter REGEX] [--jobs N] [--timeout SECONDS] [--list] [--probe]`. Prints the tables; exits 1
// when the results differ from expected.json (or on any wrong answer, crash or hang). --update
// rewrites expected.json and docs/CONFORMANCE.md from this run (whole suite only). --list prints
// every case; --probe re-imports the cases refused for their opset as opset 11 (a look, not a test).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runPool } from './pool.ts';
import { DATA, EXPECTED, listCases, realModels, families, summarise, textReport, markdownReport, diffExpected, diffText, clean, entry, probeText, OPSET_WALL, type Probe } from './report.ts';

const args = process.argv.slice(2);
const opt = (k: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
const update = args.includes('--update');
const filter = opt('--filter');

if (!existsSync(`${DATA}/node`)) {
  if (process.env.CI === 'true') { console.error(`conformance: ${DATA} is missing (CI=true): apt-get install -y libonnx-testdata`); process.exit(1); }
  console.log('skip: libonnx-testdata not installed (apt-get install -y libonnx-testdata)');
  process.exit(0);
}
if (update && filter) { console.error('--update rewrites the whole file: drop --filter'); process.exit(2); }

const all = listCases();
const cases = filter ? all.filter((c) => new RegExp(filter).test(c.key)) : all;
const t0 = performance.now();
const results = await runPool(cases.map((c) => c.dir), { jobs: Number(opt('--jobs') ?? 2), timeoutMs: 1000 * Number(opt('--timeout') ?? 20) });
const secs = (performance.now() - t0) / 1000;
const byKey = new Map(cases.map((c) => [c.key, results.get(c.dir)!]));
const summary = summarise(cases, byKey, families(cases));
if (args.includes('--list')) for (const [k, r] of byKey) console.log(`${k}: ${entry(r)}`);
console.log(textReport(summary));
const real = realModels();
console.log(`real: ${real.listed} models, ${real.present} with a model.onnx here (the package ships download URLs only): left out`);
console.log(`${cases.length} cases in ${secs.toFixed(1)} s`);

// the probe: cases refused for their opset alone, imported as opset 11 (--update, --probe)
let probe: Probe | undefined;
if (update || args.includes('--probe')) {
  const walled = cases.filter((c) => { const r = byKey.get(c.key)!; return r.status === 'fail' && r.cls === 'import' && OPSET_WALL.test(r.reason); });
  const pr = await runPool(walled.map((c) => c.dir), { jobs: Number(opt('--jobs') ?? 2), timeoutMs: 1000 * Number(opt('--timeout') ?? 20), minOpset: 11 });
  probe = { cases: walled.length, summary: summarise(walled, new Map(walled.map((c) => [c.key, pr.get(c.dir)!])), new Map()) };
  console.log(probeText(probe));
}

if (update) {
  const out: Record<string, string> = {};
  for (const [k, r] of [...byKey].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[k] = entry(r);
  writeFileSync(EXPECTED, `${JSON.stringify(out, null, 1)}\n`);
  writeFileSync(new URL('../../docs/CONFORMANCE.md', import.meta.url), markdownReport(summary, real, probe));
  console.log(`wrote ${EXPECTED} and docs/CONFORMANCE.md`);
  process.exit(summary.bugs.length ? 1 : 0);
}
const expected: Record<string, string> = existsSync(EXPECTED) ? JSON.parse(readFileSync(EXPECTED, 'utf8')) : {};
const scoped = filter ? Object.fromEntries(Object.entries(expected).filter(([k]) => byKey.has(k))) : expected;
const d = diffExpected(scoped, byKey);
if (clean(d)) { console.log('conformance: every case as expected.json says'); process.exit(0); }
console.log(diffText(d));
process.exit(1);

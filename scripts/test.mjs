// `npm test`: the uvu unit suites (test/**/*.test.ts, run through tsx), then the cross-runtime
// harness (test/xrt/run.ts). Ends with one plain line: `N passed, N failed[, N skipped]`.
// Arguments filter the unit test files by a regular expression; `--no-xrt` skips the harness.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const noXrt = args.includes('--no-xrt');
const filter = args.find((a) => !a.startsWith('--'));
// A filter names test files only: data files under test/ (fixtures, goldens) must never match.
const pattern = filter === undefined ? '\\.test\\.ts$' : filter.endsWith('.test.ts$') ? filter : `(${filter}).*\\.test\\.ts$`;
let passed = 0, failed = 0, skipped = 0;

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 1 << 28 });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  return r;
}

// --expose-gc: the soak test checks the JS heap after a forced collection.
const unit = run(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), 'test', pattern, '-i', 'xrt', '-c', 'false']);
const num = (label) => Number((unit.stdout.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? NaN);
const total = num('Total'), ok = num('Passed'), skip = num('Skipped');
if (Number.isNaN(total)) { failed += 1; console.log('unit tests: the uvu run printed no summary (crashed?)'); }
else {
  // A test that cannot run here (e.g. no Chromium) prints one `skip: why` line and returns: it is
  // a skip, not a pass. uvu's progress dots may stand before it on the same line.
  const said = (unit.stdout.match(/(?:^|[ \t])skip: /gm) ?? []).length;
  passed += ok - said; skipped += skip + said; failed += total - ok - skip;
}
if (unit.status !== 0 && total === ok + skip) failed += 1;

if (!noXrt && existsSync(join(root, 'test/xrt/run.ts'))) {
  const x = run(process.execPath, ['--import', 'tsx', join(root, 'test/xrt/run.ts')]);
  const m = x.stdout.match(/^xrt: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m);
  if (!m) { failed += 1; console.log('xrt: the harness printed no summary (crashed?)'); }
  else { passed += +m[1]; failed += +m[2]; skipped += +(m[3] ?? 0); if (x.status !== 0 && +m[2] === 0) failed += 1; }
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);

// The ONNX backend suite (libonnx-testdata) against the committed test/conformance/expected.json:
// fails on a regression, on an improvement not written down, on any other change of a case's
// result, and on any wrong answer, crash or hang whatever the file says. Regenerate the file with
// `node --import tsx test/conformance/run.ts --update`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { runPool } from './pool.ts';
import { DATA, EXPECTED, listCases, diffExpected, diffText, clean, entryClass } from './report.ts';

const expected: Record<string, string> = JSON.parse(readFileSync(EXPECTED, 'utf8'));

test('expected.json: sorted keys, one entry per case, pass or a known class with a reason', () => {
  const keys = Object.keys(expected);
  assert.equal(keys, [...keys].sort());
  assert.ok(keys.length > 1000, `${keys.length} cases`);
  for (const [k, v] of Object.entries(expected)) {
    assert.ok(/^(node|pytorch-converted|pytorch-operator|simple)\/test_\w+$/.test(k), k);
    const cls = entryClass(v);
    assert.ok(['pass', 'import', 'load', 'feed', 'run', 'data', 'type'].includes(cls), `${k}: ${v}`); // never wrong / crash / timeout
    if (cls !== 'pass') assert.ok(v.length > cls.length + 3, `${k}: no reason`);
  }
});

test('ONNX backend suite: every case as expected.json says, no wrong answer, crash or hang', async () => {
  if (!existsSync(`${DATA}/node`)) {
    if (process.env.CI === 'true') assert.unreachable(`${DATA} is missing (CI=true): apt-get install -y libonnx-testdata`);
    console.log('skip: libonnx-testdata not installed (apt-get install -y libonnx-testdata)');
    return;
  }
  const cases = listCases();
  const results = await runPool(cases.map((c) => c.dir), { jobs: 2, timeoutMs: 20_000 });
  const byKey = new Map(cases.map((c) => [c.key, results.get(c.dir)!]));
  const d = diffExpected(expected, byKey);
  const pass = [...byKey.values()].filter((r) => r.status === 'pass').length;
  console.log(`conformance: ${pass} of ${cases.length} ONNX backend cases pass`);
  assert.ok(clean(d), `\n${diffText(d)}`);
});

test.run();

// The imported bundles are pinned: for every case of ./golden-cases.ts, the sha256 of
// writeBundle(import(model)) or the refusal's code and message equals test/import/golden.json,
// which was written by the importer before it was split by operator family (issue 20). A change
// meant to alter the importers' output rewrites it deliberately: ALLOY_UPDATE_GOLDEN=1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { importOnnx } from '../../src/tools/import/onnx/index.ts';
import { importTflite } from '../../src/tools/import/tflite/index.ts';
import { init as initSrcWasm } from '../../src/runtime/wasm.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { cases } from './golden-cases.ts';
import { getAlloy } from '../util.ts';

const GOLDEN = new URL('./golden.json', import.meta.url);

test('imported bundles and refusals equal test/import/golden.json', async () => {
  await getAlloy(); // writeBundle (the built tools) runs in the built host's instance
  await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const got: Record<string, unknown> = {};
  for (const c of cases()) {
    try {
      const bi = c.kind === 'onnx' ? importOnnx(c.bytes, c.opts) : importTflite(c.bytes, c.opts);
      got[c.name] = { sha256: createHash('sha256').update(writeBundle(bi)).digest('hex') };
    } catch (e: any) {
      got[c.name] = { code: e.code ?? e.name, message: e.message };
    }
  }
  if (process.env.ALLOY_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, JSON.stringify(got, null, 2) + '\n');
  const want = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  assert.ok(Object.values(want).some((v: any) => v.sha256) && Object.values(want).some((v: any) => v.code === 'UNSUPPORTED_OP'), 'the golden file pins both bundles and refusals');
  assert.equal(got, want);
});

test.run();

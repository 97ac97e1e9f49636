// The default build must be deterministic: SIMD128 and the AssemblyScript defaults only, and no
// opcode from relaxed-simd (implementation-defined results) or any later proposal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const wasmOpt = join(root, 'node_modules/.bin/wasm-opt');
const wasm = join(root, 'build/alloy.wasm');
const ALLOWED = ['--enable-simd', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-bulk-memory'];

test('alloy.wasm validates with only SIMD128 + AssemblyScript default features', () => {
  const r = spawnSync(wasmOpt, [wasm, '--mvp-features', ...ALLOWED, '--print-features', '-o', '/dev/null'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('validation fails when SIMD is disabled (the check can fail)', () => {
  const r = spawnSync(wasmOpt, [wasm, '--mvp-features', ...ALLOWED.filter((f) => f !== '--enable-simd'), '-o', '/dev/null'], { encoding: 'utf8' });
  assert.is.not(r.status, 0);
});

test('no relaxed-simd opcodes in the text form', () => {
  const r = spawnSync(join(root, 'node_modules/.bin/wasm-dis'), [wasm, '--all-features'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout, /relaxed/);
});

test.run();

// The kernel registry (src/runtime/registry.ts) and the module agree: nothing unlisted, nothing missing,
// names follow the convention, each listed test file exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { getAlloy, wasm } from '../util.ts';
import { KERNELS, HELPERS } from '../../build/alloy-internal.mjs';

const root = new URL('../..', import.meta.url).pathname;

test('every kernel export is registered, and every registered export exists', async () => {
  await getAlloy();
  const x = wasm();
  const exported = Object.keys(x).filter((k) => typeof x[k] === 'function' && !k.startsWith('__'));
  const listed = new Set(KERNELS.flatMap((k: any) => [k.export, k.ref].filter(Boolean)));
  const unlisted = exported.filter((k) => !listed.has(k) && !HELPERS.has(k));
  assert.equal(unlisted, [], `exports missing from src/runtime/registry.ts: ${unlisted.join(', ')}`);
  for (const k of KERNELS as any[]) {
    assert.type(x[k.export], 'function', `${k.name}: export ${k.export} missing`);
    if (k.ref) assert.type(x[k.ref], 'function', `${k.name}: reference ${k.ref} missing`);
    assert.ok(existsSync(root + k.test), `${k.name}: test file ${k.test} missing`);
  }
});

test('kernel names follow <op>_<types>__<isa>[_<tile>]', () => {
  const names = new Set<string>();
  for (const k of KERNELS as any[]) {
    assert.match(k.name, /^[a-z0-9]+(_[a-z0-9{},]+)*__(simd128|scalar|lut|memcpy)(_[0-9x]+)?(_panels)?$/, k.name);
    assert.not.ok(names.has(k.name), `duplicate ${k.name}`);
    names.add(k.name);
  }
});

test.run();

// The kernel table (src/runtime/kernels.ts) and the module agree: nothing unlisted, nothing
// missing, one name per kernel following the convention, every row with a reference row, each
// listed test file present.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { getAlloy, wasm } from '../util.ts';
import { KERNELS, HELPERS, row, isReference } from '../../build/alloy-internal.mjs';

const root = new URL('../..', import.meta.url).pathname;

test('every export is a table row or a helper, and every row is exported', async () => {
  await getAlloy();
  const x = wasm() as any;
  const exported = Object.keys(x).filter((k) => typeof x[k] === 'function' && !k.startsWith('__'));
  const listed = new Set<string>([...KERNELS.map((k: any) => k.name), ...HELPERS]);
  const unlisted = exported.filter((k) => !listed.has(k));
  assert.equal(unlisted, [], `exports missing from src/runtime/kernels.ts: ${unlisted.join(', ')}`);
  for (const k of KERNELS as any[]) {
    assert.type(x[k.name], 'function', `${k.name}: export missing`);
    assert.ok(existsSync(root + k.test), `${k.name}: test file ${k.test} missing`);
    if (k.packer) assert.ok((HELPERS as readonly string[]).includes(k.packer), `${k.name}: packer ${k.packer} is not a helper`);
  }
});

test('every row has a scalar reference row; a kernel that is its own reference is scalar and says so', () => {
  for (const k of KERNELS as any[]) {
    const r = row(k.ref);
    assert.ok(isReference(r), `${k.name}: its reference ${k.ref} is not a reference row`);
    assert.ok(/__scalar(_|$)/.test(r.name) || r.note, `${k.name}: reference ${r.name} is not scalar and has no note`);
    if (k.ref === k.name) assert.ok(/__scalar$/.test(k.name) || k.note, `${k.name}: its own reference but not named __scalar: the row must say why (note)`);
  }
});

test('kernel names follow <op>_<types>__<isa>[_<tile>]; the assembly function has the same name', () => {
  const names = new Set<string>();
  const src = readFileSync(root + 'assembly/index.ts', 'utf8');
  for (const k of KERNELS as any[]) {
    assert.match(k.name, /^[a-z0-9]+(_[a-z0-9]+)*__(simd128|scalar|lut|memcpy)(_[0-9x]+)?(_panels)?$/, k.name);
    assert.not.ok(names.has(k.name), `duplicate ${k.name}`);
    assert.match(src, new RegExp(`\\b${k.name}\\b`), `${k.name}: not exported by name from assembly/index.ts`);
    names.add(k.name);
  }
});

test.run();

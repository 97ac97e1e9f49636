// How the built runtime's errors print (build/alloy.mjs, minified as shipped): the code once, the
// class name kept, and WASM_UNAVAILABLE saying how to pass the module. In child processes: init()
// succeeds once per process, and these need one that has not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const host = join(new URL('../..', import.meta.url).pathname, 'build/alloy.mjs');
const node = (code: string) => spawnSync(process.execPath, ['--input-type=module', '-e', `import * as A from ${JSON.stringify(host)};\n${code}`], { encoding: 'utf8' });

test('an uncaught AlloyError prints its name and its code once', () => {
  const r = node(`await A.init(new Uint8Array([0, 97, 115, 109]));`);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^AlloyError: WASM_UNAVAILABLE: could not instantiate alloy\.wasm: /m);
  // from the error line on (Node first quotes the throwing source line, minified here)
  const printed = r.stderr.slice(r.stderr.search(/^AlloyError: /m));
  assert.is(printed.split('WASM_UNAVAILABLE').length - 1, 1, printed);
  assert.not.match(printed, /code: '/);
  const i = node(`const e = new A.AlloyError('BAD_MAGIC', 'bytes 0..4: x'); const { inspect } = await import('node:util');
console.log(JSON.stringify([e instanceof A.AlloyError, e instanceof Error, e.code, e.name, String(e), inspect(e).split('BAD_MAGIC').length - 1]));`);
  assert.is(i.status, 0, i.stderr);
  assert.equal(JSON.parse(i.stdout), [true, true, 'BAD_MAGIC', 'AlloyError', 'AlloyError: BAD_MAGIC: bytes 0..4: x', 1]);
});

test('WASM_UNAVAILABLE: a 404 says so, and every such error says how to pass the module', () => {
  const r = node(`try { await A.init(new Response('not here', { status: 404 })); } catch (e) { console.log(e.code + ' | ' + e.message); }`);
  assert.match(r.stdout, /^WASM_UNAVAILABLE \| WASM_UNAVAILABLE: could not fetch alloy\.wasm \(HTTP 404\)\. Pass the module to init\(\): .*alloy-runtime\/alloy\.wasm.*docs\/PACKAGE\.md/);
  const u = node(`try { await A.init(new URL('file:///nonexistent/alloy.wasm')); } catch (e) { console.log(e.code + ' | ' + e.message); }`);
  assert.match(u.stdout, /^WASM_UNAVAILABLE \| .*ENOENT.*Pass the module to init\(\)/);
  // and the module still loads afterwards in the same process (the failed attempt is not cached)
  const ok = node(`try { await A.init(new Response('x', { status: 500 })); } catch {} const a = await A.init(); console.log(a.formats.length > 10);`);
  assert.is(ok.stdout.trim(), 'true', ok.stderr);
});

test.run();

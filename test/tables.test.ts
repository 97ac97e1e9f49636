// The host's copy of the module's tables (src/runtime/tables.gen.ts) is what the module holds,
// and the host restates none of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
// @ts-ignore: a plain .mjs script
import { generate } from '../scripts/gen-tables.mjs';
import { checkModule, FORMAT_NAMES, ROUNDING, ACTIVATIONS } from '../src/runtime/tables.ts';
import { WEIGHT_FORMATS } from '../src/runtime/precision.ts';

const root = new URL('..', import.meta.url).pathname;
const wasm = readFileSync(join(root, 'build/alloy.wasm'));

test('tables.gen.ts is fresh: generated from build/alloy.wasm', () => {
  assert.is(readFileSync(join(root, 'src/runtime/tables.gen.ts'), 'utf8'), generate(wasm), 'run node scripts/gen-tables.mjs');
});

test('checkModule accepts the built module and refuses a changed table', () => {
  const x: any = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { abort() {}, seed: () => 0 } }).exports;
  checkModule(x);
  const t = new Int32Array(x.memory.buffer, x.fmt_table_ptr() >>> 0, 1);
  t[0] = 9;
  try { checkModule(x); assert.unreachable(); } catch (e: any) { assert.is(e.code, 'WASM_UNAVAILABLE'); }
});

test('weight formats derive from the table', () => {
  assert.equal([...WEIGHT_FORMATS], ['f32', 'f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2', 'f8_e3m4', 'f6_e2m3fn', 'f6_e3m2fn', 'f4_e2m1fn', 'i8', 'u8', 'i4',
    'mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp4_e2m1', 'mxint8']);
  assert.ok(FORMAT_NAMES.length > 20 && ROUNDING.length === 6 && ACTIVATIONS.length === 3);
});

// The code lists, spelt out as literals, appear in the module and tables.gen.ts only.
test('no host source restates a code list', () => {
  const lists = [/'rne', 'rna'/, /rne: 0/, /'none', 'relu', 'relu6'/, /'none', 'relu', 'tanh'/, /'saturate', 'ieee'/, /id === 21/, /t\[o \+ \d+\]/, /\[-128, 127\]/];
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []; });
  for (const f of walk(join(root, 'src/runtime'))) {
    if (f.endsWith('tables.gen.ts')) continue;
    const s = readFileSync(f, 'utf8');
    for (const re of lists) assert.not.ok(re.test(s), `${f} restates ${re}`);
  }
});

// A fresh process that never calls init(): readHeader runs on format facts alone.
test('readHeader validates a header with no instance', () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { readHeader } from './src/runtime/bundle/read.ts';
    import { get } from './src/runtime/wasm.ts';
    const codes = [];
    try { get(); } catch (e) { codes.push(e.code); }
    for (const f of ['limit-ok', 'format-unknown-name', 'bytes-mismatch', 'offset-hole']) {
      try { readHeader(new Uint8Array(readFileSync('test/fixtures/malicious/' + f + '.alloy'))); codes.push('ok'); } catch (e) { codes.push(e.code); }
    }
    console.log(JSON.stringify(codes));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), ['NOT_INITIALIZED', 'ok', 'UNKNOWN_FORMAT', 'BAD_TENSOR', 'BAD_OFFSET']);
});

test.run();

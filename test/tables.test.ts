// The host's copy of the module's tables (src/runtime/tables.gen.ts) is what the module holds,
// and the host restates none of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-ignore: a plain .mjs script
import { generate } from '../scripts/gen-tables.mjs';
import { checkModule, FORMAT_NAMES, ROUNDING, ACTIVATIONS } from '../src/runtime/tables.ts';
import { WEIGHT_FORMATS } from '../src/runtime/precision.ts';
import { readHeader } from '../src/runtime/bundle/read.ts';
import { get } from '../src/runtime/wasm.ts';
import type { AlloyError } from '../src/runtime/errors.ts';

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
  const lists = [/'rne', 'rna'/, /rne: 0/, /'none', 'relu', 'relu6'/, /'none', 'relu', 'tanh'/, /'saturate', 'ieee'/, /id === 21/, /t\[o \+ \d+\]/];
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []; });
  for (const f of walk(join(root, 'src/runtime'))) {
    if (f.endsWith('tables.gen.ts')) continue;
    const s = readFileSync(f, 'utf8');
    for (const re of lists) assert.not.ok(re.test(s), `${f} restates ${re}`);
  }
});

// This file's src/runtime modules are their own instances (the other suites use build/), and
// nothing here calls init(): readHeader runs on format facts alone.
test('readHeader validates a header with no instance', () => {
  assert.throws(() => get(), (e: AlloyError) => e.code === 'NOT_INITIALIZED');
  const dir = join(root, 'test/fixtures/malicious');
  const { header } = readHeader(new Uint8Array(readFileSync(join(dir, 'limit-ok.alloy'))));
  assert.ok(Object.keys(header.tensors).length > 0);
  for (const [f, want] of [['format-unknown-name.alloy', 'UNKNOWN_FORMAT'], ['bytes-mismatch.alloy', 'BAD_TENSOR'], ['offset-hole.alloy', 'BAD_OFFSET']]) {
    assert.throws(() => readHeader(new Uint8Array(readFileSync(join(dir, f)))), (e: AlloyError) => e.code === want, f);
  }
});

test.run();

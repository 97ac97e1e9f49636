// The malicious-bundle corpus (test/fixtures/malicious/, made by its generate.ts): every file ends
// in the AlloyError code its manifest names (from load(), or from run() for the entries that
// give an input shape), and the ones marked "ok" load and run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getAlloy } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';

const dir = new URL('../fixtures/malicious/', import.meta.url);
const manifest: { file: string; what: string; code: string; match?: string; options?: Record<string, unknown>; run?: Record<string, number[]> }[] =
  JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'));
const elements = (s: number[]) => s.reduce((a, b) => a * b, 1);

test('the corpus covers every attack of the issue', () => {
  const files = manifest.map((c) => c.file).join(' ');
  for (const k of ['header-size-bomb', 'shape-product-overflow', 'offset-overlap', 'offset-swapped', 'offset-hole', 'format-unknown-name', 'format-numeric-id',
    'scale-nan', 'scale-inf', 'graph-cycle', 'graph-dangling-input', 'graph-dangling-weight', 'wrong-checksum', 'truncated-after-header', 'arena-bomb']) {
    assert.ok(files.includes(k), k);
  }
  assert.ok(manifest.filter((c) => c.file.startsWith('truncated-')).length >= 10);
});

for (const c of manifest) {
  test(`${c.file}: ${c.what} -> ${c.code}`, async () => {
    const alloy = await getAlloy();
    const bytes = new Uint8Array(readFileSync(new URL(c.file, dir)));
    let model: any;
    try {
      model = alloy.load(bytes, c.options ?? {});
      const feeds: Record<string, Float32Array | { data: Float32Array; shape: number[] }> = {};
      for (const v of model.inputs) {
        const shape = c.run?.[v.name] ?? v.shape.map((d: number) => (d === -1 ? 2 : d));
        feeds[v.name] = { data: new Float32Array(elements(shape)).fill(0.25), shape };
      }
      const out = model.run(feeds);
      // a bundle that loads and runs gives well-formed outputs: one per graph output, sized by its
      // shape, NaN only as the canonical 0x7FC00000
      assert.equal(Object.keys(out).sort(), model.outputs.map((v: { name: string }) => v.name).sort(), c.file);
      for (const [name, o] of Object.entries(out) as [string, { data: Float32Array; shape: number[] }][]) {
        assert.is(o.data.length, elements(o.shape), `${c.file}: ${name}`);
        const u = new Uint32Array(o.data.buffer, o.data.byteOffset, o.data.length);
        for (let i = 0; i < u.length; i++) if (Number.isNaN(o.data[i]) && u[i] !== 0x7fc00000) assert.unreachable(`${c.file}: ${name}[${i}] NaN bits ${u[i].toString(16)}`);
      }
    } catch (e) {
      assert.instance(e, AlloyError, `${c.file}: ${(e as Error)?.stack}`);
      assert.is((e as AlloyError).code, c.code, (e as Error).message);
      if (c.match) assert.match((e as Error).message, new RegExp(c.match), (e as Error).message);
      if (c.run) assert.ok(model, `${c.file}: expected the error from run(), it came from load(): ${(e as Error).message}`);
      return;
    } finally {
      model?.dispose();
    }
    assert.is(c.code, 'ok', `${c.file}: loaded and ran; expected ${c.code}`);
  });
}

test.run();

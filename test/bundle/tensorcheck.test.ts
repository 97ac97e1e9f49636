// TensorCheck (src/runtime/bundle/hash.ts), the checksums load() takes on the tensor copies it makes: for
// random layouts and any subset of the tensors copied in any order, any number of times, every
// copy holds the tensor's bytes, a corrupt tensor fails on its first copy or in rest() naming
// it, and an intact bundle passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { rng } from '../util.ts';
import { init } from '../../src/runtime/wasm.ts';
import * as heap from '../../src/runtime/heap.ts';
import { TensorCheck, xxh32 } from '../../src/runtime/bundle/hash.ts';
import { hex8 } from '../../src/runtime/bundle/layout.ts';
import { AlloyError } from '../../src/runtime/errors.ts';
import type { TensorEntry } from '../../src/runtime/bundle/layout.ts';

test('TensorCheck: random layouts, subsets and orders of copies; corruption found where it lies', async () => {
  await init(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const r = rng(2024);
  for (let round = 0; round < 200; round++) {
    const count = 1 + (r() % 9);
    const tensors: Record<string, TensorEntry> = {};
    let end = 0;
    for (let i = 0; i < count; i++) {
      const offset = Math.ceil(end / 64) * 64;
      const big = r() % 10 === 0;
      const bytes = r() % 7 === 0 ? 0 : big ? 70_000 + (r() % 70_000) : r() % 300;
      tensors[`t${i}`] = { format: 'u8', shape: [bytes], offset, bytes, xxh32: '' };
      end = offset + bytes;
    }
    const data = new Uint8Array(end);
    for (const t of Object.values(tensors)) {
      for (let i = 0; i < t.bytes; i++) data[t.offset + i] = r() & 0xff;
      t.xxh32 = hex8(xxh32(data.subarray(t.offset, t.offset + t.bytes)));
    }
    // one round in three: one byte of a non-empty tensor corrupted after hashing
    const victims = Object.keys(tensors).filter((n) => tensors[n].bytes > 0);
    const bad = victims.length && r() % 3 === 0 ? victims[r() % victims.length] : null;
    if (bad) data[tensors[bad].offset + (r() % tensors[bad].bytes)] ^= 1 << (r() % 8);
    const check = new TensorCheck(data, tensors);
    const names = Object.keys(tensors).filter(() => r() % 4 !== 0);
    for (let i = names.length - 1; i > 0; i--) { const j = r() % (i + 1); [names[i], names[j]] = [names[j], names[i]]; }
    if (names.length && r() % 3 === 0) names.push(names[0]); // the same tensor twice
    let failed: string | null = null;
    const fails = (f: () => void) => {
      try { f(); return null; } catch (e) {
        assert.instance(e, AlloyError);
        assert.is((e as AlloyError).code, 'BAD_CHECKSUM');
        return (e as AlloyError).message;
      }
    };
    for (const n of names) {
      const t = tensors[n];
      const size = r() % 2 ? 0 : t.bytes + (r() % 100);
      let p = 0;
      const msg = fails(() => { p = check.copy(n, size); });
      if (msg) { failed = msg; assert.is(n, bad, `round ${round}: ${msg}`); break; }
      const got = heap.u8(p, t.bytes), want = data.subarray(t.offset, t.offset + t.bytes);
      for (let i = 0; i < t.bytes; i++) if (got[i] !== want[i]) assert.unreachable(`round ${round}: ${n} byte ${i}`);
      heap.free(p);
    }
    if (!failed) failed = fails(() => check.rest());
    if (bad) assert.ok(failed?.includes(`tensor "${bad}": XXH32 of its ${tensors[bad].bytes} bytes is `), `round ${round}: ${failed}`);
    else assert.is(failed, null, `round ${round}`);
  }
});

test('TensorCheck: a copy that fails its checksum frees its block (300 failing copies of a 1 MB tensor)', async () => {
  const x = await init(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const n = 1 << 20;
  const data = new Uint8Array(n).map((_, i) => i & 0xff);
  const t: TensorEntry = { format: 'u8', shape: [n], offset: 0, bytes: n, xxh32: hex8(xxh32(data) ^ 1) };
  const before = x.memory.buffer.byteLength;
  for (let i = 0; i < 300; i++) {
    const check = new TensorCheck(data, { t });
    try { check.copy('t', n + 64); assert.unreachable('no BAD_CHECKSUM'); } catch (e) { assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'BAD_CHECKSUM'); }
  }
  assert.ok(x.memory.buffer.byteLength - before <= 4 * n, `wasm memory grew by ${x.memory.buffer.byteLength - before} bytes`);
});

test.run();

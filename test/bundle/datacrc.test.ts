// DataCrc (src/bundle/crc.ts), the checksum load() takes on the tensor copies it makes: for random
// layouts (64-byte aligned tensors, zero padding, empty tensors) and any subset of the tensors
// copied in any order, any number of times, its value is zlib's CRC-32 of the whole data section,
// and every copy holds the tensor's bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc } from 'node:zlib';
import { rng } from '../util.ts';
import { init } from '../../src/wasm.ts';
import * as heap from '../../src/heap.ts';
import { DataCrc } from '../../src/bundle/crc.ts';
import type { TensorEntry } from '../../src/bundle/layout.ts';

test('DataCrc == zlib.crc32 for random layouts, subsets and orders of copies', async () => {
  await init(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const r = rng(2024);
  for (let round = 0; round < 300; round++) {
    const count = 1 + (r() % 9);
    const tensors: Record<string, TensorEntry> = {};
    let end = 0;
    for (let i = 0; i < count; i++) {
      const offset = Math.ceil(end / 64) * 64;
      const big = r() % 10 === 0;
      const bytes = r() % 7 === 0 ? 0 : big ? 70_000 + (r() % 70_000) : r() % 300;
      tensors[`t${i}`] = { format: 'u8', shape: [bytes], offset, bytes };
      end = offset + bytes;
    }
    const data = new Uint8Array(end);
    for (const t of Object.values(tensors)) for (let i = 0; i < t.bytes; i++) data[t.offset + i] = r() & 0xff;
    const sum = new DataCrc(data, tensors);
    const names = Object.keys(tensors).filter(() => r() % 4 !== 0);
    for (let i = names.length - 1; i > 0; i--) { const j = r() % (i + 1); [names[i], names[j]] = [names[j], names[i]]; }
    if (names.length && r() % 3 === 0) names.push(names[0]); // the same tensor twice
    for (const n of names) {
      const t = tensors[n];
      const size = r() % 2 ? 0 : t.bytes + (r() % 100);
      const p = sum.copy(t.offset, t.bytes, size);
      const got = heap.u8(p, t.bytes), want = data.subarray(t.offset, t.offset + t.bytes);
      for (let i = 0; i < t.bytes; i++) if (got[i] !== want[i]) assert.unreachable(`round ${round}: ${n} byte ${i}`);
      heap.free(p);
    }
    assert.is(sum.value(), zlibCrc(data), `round ${round}: ${count} tensors, copied ${names.join(' ')}`);
    assert.is(sum.value(), zlibCrc(data), `round ${round}: value() again`);
  }
});

test.run();

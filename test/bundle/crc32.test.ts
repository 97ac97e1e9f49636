// The bundle checksum equals zlib's CRC-32 (an independent implementation) at every length
// around the 8-byte step, and continues across chunks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 as zlibCrc } from 'node:zlib';
import { getAlloy, wasm, heap } from '../util.ts';

test('crc32 == zlib.crc32 for lengths 0..70 and 100k, and in chunks', async () => {
  await getAlloy();
  const x = wasm();
  for (const n of [...Array(71).keys(), 100_003]) {
    const b = new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 24);
    const p = heap.put(b);
    assert.is(x.crc32(0, p, n) >>> 0, zlibCrc(b), `length ${n}`);
    if (n > 10) assert.is(x.crc32(x.crc32(0, p, 5), p + 5, n - 5) >>> 0, zlibCrc(b), `chunked ${n}`);
    heap.free(p);
  }
});

test.run();

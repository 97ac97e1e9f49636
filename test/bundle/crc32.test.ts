// The bundle checksum equals zlib's CRC-32 (an independent implementation) at every length
// around the 8-byte step, continues across chunks, and crc32_combine joins pieces (what load()
// uses to check the data from the copies it makes, in any order).
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

test('crc32_combine(crc(A), crc(B), |B|) == crc(A B) at every split, and empty pieces', async () => {
  await getAlloy();
  const x = wasm();
  for (const n of [0, 1, 2, 7, 8, 9, 64, 65, 1000, 70_001]) {
    const b = new Uint8Array(n).map((_, i) => (i * 2246822519 + 7) >>> 24);
    const p = heap.put(b);
    const splits = n <= 70 ? [...Array(n + 1).keys()] : [0, 1, 63, 64, 65, n >> 1, n - 8, n - 1, n];
    for (const s of splits) {
      const a = x.crc32(0, p, s) >>> 0, c = x.crc32(0, p + s, n - s) >>> 0;
      assert.is(x.crc32_combine(a, c, n - s) >>> 0, zlibCrc(b), `length ${n} split ${s}`);
    }
    heap.free(p);
  }
  assert.is(x.crc32_combine(0x12345678, 0, 0) >>> 0, 0x12345678);
});

test.run();

// CRC-32 of a byte array, computed by the module (assembly/util/crc32.ts), in chunks so a large
// bundle never needs a second full copy in wasm memory.

import { get } from '../wasm.js';
import * as heap from '../heap.js';

const CHUNK = 1 << 16; // small calls let V8 tier the loop up early (cold start)

export function crc32(bytes: Uint8Array): number {
  const x = get();
  return heap.withBlocks([Math.min(CHUNK, bytes.length)], ([p]) => {
    let c = 0;
    for (let o = 0; o < bytes.length; o += CHUNK) {
      const part = bytes.subarray(o, Math.min(o + CHUNK, bytes.length));
      heap.u8(p, part.length).set(part);
      c = x.crc32(c, p, part.length) >>> 0;
    }
    return c >>> 0;
  });
}

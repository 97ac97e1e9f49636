// Tensor checksums: XXH32 of each tensor's stored bytes (assembly/util/xxh32.ts), as 8 lowercase
// hex digits in its header entry. load() checks each tensor on the copy it makes into wasm memory
// (TensorCheck); the rest go through xxh32() in chunks, so a large tensor never needs a second
// full copy in wasm memory.

import { get } from '../wasm.js';
import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { hex8, type TensorEntry } from './layout.js';

const CHUNK = 1 << 16; // a multiple of 16: whole XXH32 stripes

/** XXH32 (seed 0) of `bytes`. */
export function xxh32(bytes: Uint8Array): number {
  const x = get();
  const n = bytes.length;
  return heap.withBlocks([Math.min(CHUNK, n) + 32], ([p]) => {
    if (n <= CHUNK) { heap.u8(p, n).set(bytes); return x.xxh32(p, n, 0) >>> 0; }
    const state = p + CHUNK;
    x.xxh32_start(state, 0);
    let o = 0;
    for (; n - o > CHUNK; o += CHUNK) { heap.u8(p, CHUNK).set(bytes.subarray(o, o + CHUNK)); x.xxh32_update(state, p, CHUNK); }
    const last = n - o, body = last & ~15;
    heap.u8(p, last).set(bytes.subarray(o));
    x.xxh32_update(state, p, body);
    return x.xxh32_digest(state, p + body, last - body, n) >>> 0;
  });
}


/** Fails with BAD_CHECKSUM unless `hash` is the XXH32 the entry of tensor `name` states. */
function checkHash(name: string, t: TensorEntry, hash: number): void {
  const hex = hex8(hash);
  if (hex !== t.xxh32) fail('BAD_CHECKSUM', `tensor ${JSON.stringify(name)}: XXH32 of its ${t.bytes} bytes is ${hex}, header says ${t.xxh32}`);
}

/** Each tensor checked once, on the first copy load() makes of it into wasm memory (the bytes the
 *  kernels will read: no separate pass); rest() checks those never copied. The bundle must have
 *  passed readHeader (tensors inside the data). */
export class TensorCheck {
  private checked = new Set<string>();

  constructor(private data: Uint8Array, private tensors: Record<string, TensorEntry>) {}

  /** A new block of max(bytes, size) bytes holding tensor `name` at its start (the rest
   *  uninitialised); BAD_CHECKSUM (and no block) if it is the first copy and the hash differs. */
  copy(name: string, size = 0): number {
    const t = this.tensors[name];
    const p = heap.alloc(Math.max(t.bytes, size), false);
    heap.u8(p, t.bytes).set(this.data.subarray(t.offset, t.offset + t.bytes));
    if (!this.checked.has(name)) {
      try { checkHash(name, t, get().xxh32(p, t.bytes, 0)); } catch (e) { heap.free(p); throw e; }
      this.checked.add(name);
    }
    return p;
  }

  /** Checks every tensor not yet checked. */
  rest(): void {
    for (const name of Object.keys(this.tensors)) {
      if (this.checked.has(name)) continue;
      const t = this.tensors[name];
      checkHash(name, t, xxh32(this.data.subarray(t.offset, t.offset + t.bytes)));
      this.checked.add(name);
    }
  }
}

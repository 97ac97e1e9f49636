// CRC-32 of a byte array, computed by the module (assembly/util/crc32.ts), in chunks so a large
// bundle never needs a second full copy in wasm memory.

import { get } from '../wasm.js';
import * as heap from '../heap.js';
import type { TensorEntry } from './layout.js';

const CHUNK = 1 << 16;

/** CRC-32 of `bytes`, continuing from `crc` (0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (bytes.length === 0) return crc >>> 0;
  return heap.withBlocks([Math.min(CHUNK, bytes.length)], ([p]) => stream(bytes, crc, p));
}

function stream(bytes: Uint8Array, crc: number, p: number): number {
  const x = get();
  let c = crc;
  for (let o = 0; o < bytes.length; o += CHUNK) {
    const part = bytes.subarray(o, Math.min(o + CHUNK, bytes.length));
    heap.u8(p, part.length).set(part);
    c = x.crc32(c, p, part.length) >>> 0;
  }
  return c >>> 0;
}

/** The CRC-32 of a bundle's data section, taken on the copies load() makes: each tensor copied
 *  into wasm memory is checksummed there, on the bytes the kernels will read (one copy per byte,
 *  no separate pass). Tensors copied in data order extend a running CRC; one copied ahead is kept
 *  aside and joined with crc32_combine when the running CRC reaches it; value() streams what was
 *  never copied. The bundle must have passed readHeader (tensors in bounds, no overlap, padding
 *  shorter than the alignment and zero). */
export class DataCrc {
  private starts: number[] = [];
  private ends: number[] = [];
  private next = 0; // index of the first tensor not yet in `crc`
  private crc = 0;  // CRC-32 of data[0, at)
  private at = 0;
  private early = new Map<number, { crc: number; len: number }>();
  private zeros = 0; // a zeroed block for the padding between tensors

  constructor(private data: Uint8Array, tensors: Record<string, TensorEntry>) {
    const list = Object.values(tensors).filter((t) => t.bytes > 0).sort((a, b) => a.offset - b.offset);
    for (const t of list) { this.starts.push(t.offset); this.ends.push(t.offset + t.bytes); }
  }

  /** A new block of max(len, size) bytes holding data[offset, offset + len) at its start (the
   *  rest uninitialised). `offset`, `len`: a tensor's. */
  copy(offset: number, len: number, size = 0): number {
    const p = heap.alloc(Math.max(len, size), false);
    heap.u8(p, len).set(this.data.subarray(offset, offset + len));
    if (len > 0 && offset >= this.at && !this.early.has(offset)) {
      const x = get();
      if (offset === this.starts[this.next]) {
        this.crc = x.crc32(this.padded(offset), p, len) >>> 0;
        this.at = offset + len;
        this.next++;
        this.absorb();
      } else this.early.set(offset, { crc: x.crc32(0, p, len) >>> 0, len });
    }
    return p;
  }

  /** The running CRC continued over the zero padding up to `offset`. */
  private padded(offset: number): number {
    if (offset === this.at) return this.crc;
    this.zeros ||= heap.alloc(64);
    return get().crc32(this.crc, this.zeros, offset - this.at) >>> 0;
  }

  private absorb(): void {
    const x = get();
    for (let e; this.next < this.starts.length && (e = this.early.get(this.starts[this.next])); this.next++) {
      this.crc = x.crc32_combine(this.padded(this.starts[this.next]), e.crc, e.len) >>> 0;
      this.at = this.starts[this.next] + e.len;
    }
  }

  /** The CRC-32 of the whole data section. */
  value(): number {
    try {
      for (;;) {
        this.absorb();
        if (this.next >= this.starts.length) break;
        let j = this.next;
        while (j < this.starts.length && !this.early.has(this.starts[j])) j++;
        const to = j < this.starts.length ? this.starts[j] : this.data.length;
        this.crc = crc32(this.data.subarray(this.at, to), this.crc);
        this.at = to;
        this.next = j;
      }
      if (this.at < this.data.length) { this.crc = crc32(this.data.subarray(this.at), this.crc); this.at = this.data.length; }
      return this.crc;
    } finally {
      heap.free(this.zeros);
      this.zeros = 0;
    }
  }
}

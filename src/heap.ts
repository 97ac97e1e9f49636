// Moving bytes in and out of the module's memory. Views are made fresh on every call because
// memory.grow detaches the old buffer.

import { get } from './wasm.js';
import { fail } from './errors.js';

type Typed = Float32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export function alloc(bytes: number): number {
  const p = get().alloc(bytes) >>> 0;
  if (p === 0 || p % 16 !== 0) fail('LIMIT_EXCEEDED', `could not allocate ${bytes} bytes in wasm memory`);
  return p;
}

export function free(ptr: number): void {
  if (ptr) get().free(ptr);
}

export function buffer(): ArrayBuffer {
  return get().memory.buffer;
}

/** Copy a typed array into a new block; returns its pointer. */
export function put(a: Typed): number {
  const p = alloc(a.byteLength);
  new Uint8Array(buffer(), p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return p;
}

export function f32(ptr: number, n: number): Float32Array { return new Float32Array(buffer(), ptr, n); }
export function u8(ptr: number, n: number): Uint8Array { return new Uint8Array(buffer(), ptr, n); }
export function u16(ptr: number, n: number): Uint16Array { return new Uint16Array(buffer(), ptr, n); }

/** Run f with temporary blocks, freeing them whatever happens. */
export function withBlocks<T>(sizes: number[], f: (ptrs: number[]) => T): T {
  const ptrs: number[] = [];
  try {
    for (const s of sizes) ptrs.push(alloc(s));
    return f(ptrs);
  } finally {
    for (const p of ptrs) free(p);
  }
}

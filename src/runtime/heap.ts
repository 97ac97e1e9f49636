// Moving bytes in and out of the module's memory. Views are made fresh on every call because
// memory.grow detaches the old buffer.

import { get } from './wasm.js';
import { AlloyError, fail, detail } from './errors.js';

type Typed = Float32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** Bytes rounded up to 16 plus 16 spare: a block or sub-block that SIMD kernels may read past. */
export const pad16 = (n: number) => Math.ceil(n / 16) * 16 + 16;

/** The largest block the module's allocator (TLSF, 32-bit) can hand out, less the padding. */
export const MAX_BLOCK = 2 ** 30 - 64;

/** `bytes` if a block can hold them, else LIMIT_EXCEEDED (naming `where`). The module's size
 *  functions saturate at 2^31 - 1 rather than wrap, so their answers can be checked here. The
 *  export takes an i32: 2^32 + 16 would silently become 16. */
export function checkBlock(bytes: number, where = 'wasm memory'): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_BLOCK) fail('LIMIT_EXCEEDED', `${where}: could not allocate ${bytes} bytes (blocks hold at most ${MAX_BLOCK})`);
  return bytes;
}

/** A zeroed block, or with `zero` false one whose bytes the caller overwrites at once (only the
 *  16 spare bytes are zeroed: zero-filling fresh memory costs as much as the copy into it). */
export function alloc(bytes: number, zero = true): number {
  checkBlock(bytes);
  let p: number;
  try {
    const x = get();
    p = (zero ? x.alloc(bytes) : x.alloc_uninit(bytes)) >>> 0;
  } catch (e) {
    if (e instanceof AlloyError || e instanceof WebAssembly.RuntimeError) fail('LIMIT_EXCEEDED', `could not allocate ${bytes} bytes in wasm memory (${detail(e)})`);
    throw e;
  }
  if (p === 0 || p % 16 !== 0) fail('LIMIT_EXCEEDED', `could not allocate ${bytes} bytes in wasm memory`);
  return p;
}

export function free(ptr: number): void {
  if (ptr) get().free(ptr);
}

export function buffer(): ArrayBuffer {
  return get().memory.buffer;
}

/** Copy a typed array into a new block of at least `size` bytes (the rest uninitialised, for the
 *  caller to fill); returns its pointer. */
export function put(a: Typed, size = 0): number {
  const p = alloc(Math.max(a.byteLength, size), false);
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

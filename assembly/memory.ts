// Raw memory for the host: 16-byte aligned blocks with 16 spare bytes after the requested size
// (the padding contract of docs/ARCHITECTURE.md rule 7: kernels may read past the end, never write).
// Blocks come from the AssemblyScript TLSF allocator (runtime "minimal"), so freeing returns them.

export function alloc(bytes: i32): usize {
  if (bytes < 0) return 0;
  const p = heap.alloc(<usize>bytes + 16);
  memory.fill(p, 0, <usize>bytes + 16);
  return p;
}

// The same block without zeroing the requested bytes, for data the caller overwrites at once
// (bundle tensors copied in, packed weights): memory.fill of a fresh block costs as much as the
// copy. The 16 spare bytes are still zeroed, so reads past the end see the same bytes as ever.
export function alloc_uninit(bytes: i32): usize {
  if (bytes < 0) return 0;
  const p = heap.alloc(<usize>bytes + 16);
  memory.fill(p + <usize>bytes, 0, 16);
  return p;
}

export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

// Bytes of linear memory, for leak checks.
export function memory_bytes(): i32 { return <i32>memory.size() << 16; }

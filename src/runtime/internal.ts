// Internals for tests, benchmarks and the tools (not a stable API, not in the package's public
// entry): the raw module exports, the helpers that move bytes in and out of its memory, and the
// kernel table. Built as build/alloy-internal.mjs, sharing its module instance with alloy.mjs.
export { get as _exports } from './wasm.js';
export * as _heap from './heap.js';
export { KERNELS, HELPERS, GEMM_K, select, referenceView, row, isReference, type KernelRow, type KernelName, type Facts } from './kernels.js';
export type { RecomputeCounter } from './ops/dense.js';

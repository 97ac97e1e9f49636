// Timing helpers for the demo and the benchmarks: a time-based warm-up (V8 tiers wasm up late),
// then the median of repeated samples.
export function warmup(f: () => void, ms = 2000): void {
  const end = performance.now() + ms;
  while (performance.now() < end) f();
}

/** Median milliseconds per call; each sample runs f `inner` times. */
export function medianMs(f: () => void, samples = 31, inner = 1): number {
  const t: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    t.push((performance.now() - t0) / inner);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

// SHA-256 hex of bytes: the one the edge examples use (web-standard crypto.subtle).
export { sha256Hex } from '../examples/shared/api.mjs';

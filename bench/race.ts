// The interleaved race every peer benchmark uses: a time-based warm-up, then rounds that sample
// each contender once, next to each other; medians and paired ratios.

export type Fn = () => unknown;

export const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

/** Warm up round-robin for >= warmMs, then `samples` rounds in which every function is sampled
 *  once (the order rotates every round; with two functions it flips). Each sample times `inner`
 *  awaited calls. Returns the median ms per call of each function, and `paired(i, j)`: the median
 *  over rounds of t_i / t_j, samples taken next to each other, so a load change on the machine that
 *  lasts longer than a round cancels out. */
export async function raceN(fns: Fn[], warmMs: number, samples: number, sampleMs: number) {
  const n = fns.length, tot = new Array(n).fill(0);
  let calls = 0;
  const end = performance.now() + warmMs;
  while (performance.now() < end) {
    for (let i = 0; i < n; i++) { const t0 = performance.now(); await fns[i](); tot[i] += performance.now() - t0; }
    calls++;
  }
  // One `inner` for all (the slowest per-call time decides), so all are sampled alike.
  const perCall = Math.max(...tot.map((t) => t / calls));
  const inner = Math.max(1, Math.round(sampleMs / perCall));
  const t: number[][] = fns.map(() => []);
  for (let s = 0; s < samples; s++) {
    for (let r = 0; r < n; r++) {
      const i = (s + r) % n;
      const t0 = performance.now();
      for (let k = 0; k < inner; k++) await fns[i]();
      t[i].push((performance.now() - t0) / inner);
    }
  }
  const paired = (a: number, b: number) => median(t[a].map((v, s) => v / t[b][s]));
  return { ms: t.map(median), paired, inner, warmCalls: calls };
}

/** Largest |a[i] - b[i]| (NaN propagates): how far a peer's output is from Alloy's. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`output lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i] - b[i]); if (!(d <= m)) m = d; }
  return m;
}

// Seeded randomness for the planner: xorshift32 (exact in every JS engine).

export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** n distinct indices of [0, total), chosen by a seeded Fisher-Yates shuffle (j = u mod (i+1)),
 *  returned in ascending order. n >= total returns every index. */
export function sampleIndices(total: number, n: number, seed: number): number[] {
  const idx = Array.from({ length: total }, (_, i) => i);
  if (n >= total) return idx;
  const next = xorshift32(seed);
  for (let i = total - 1; i > 0; i--) { const j = next() % (i + 1); [idx[i], idx[j]] = [idx[j], idx[i]]; }
  return idx.slice(0, n).sort((a, b) => a - b);
}

/** Rademacher vector: each entry +1 or -1 with probability 1/2 (bit 16 of the generator). */
export function rademacher(n: number, next: () => number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (next() >>> 16) & 1 ? 1 : -1;
  return v;
}

/** Spearman rank correlation (average ranks for ties); NaN with fewer than 2 points. */
export function spearman(a: number[], b: number[]): number {
  const n = a.length;
  if (n < 2 || b.length !== n) return NaN;
  const rank = (x: number[]) => {
    const o = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(n);
    for (let i = 0; i < n;) {
      let j = i;
      while (j + 1 < n && o[j + 1][0] === o[i][0]) j++;
      for (let k = i; k <= j; k++) r[o[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a), rb = rank(b);
  const ma = ra.reduce((s, v) => s + v, 0) / n, mb = rb.reduce((s, v) => s + v, 0) / n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) { num += (ra[i] - ma) * (rb[i] - mb); da += (ra[i] - ma) ** 2; db += (rb[i] - mb) ** 2; }
  return da && db ? num / Math.sqrt(da * db) : NaN;
}

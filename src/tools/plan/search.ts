// Searches over per-layer formats. Pure bookkeeping: the measured degradation comes from the
// `evaluate` callback (the real model, run by the module), sensitivities order the layers.
//
// Levels: the candidate formats sorted by their total cost over all layers, most expensive first
// (e.g. f16, i8, i4). A level is tried only on the layers that took the level before it (the first
// level on every layer): a layer that breaks the tolerance in f16 is not tried in i4.
//   greedy  per level: layers by ascending sensitivity (most tolerant first); move each to the
//           level's format, evaluate the whole assignment; keep it while the degradation stays
//           within the allowed one, stop the level at the first break.
//   binary  per level: the same order; the largest prefix k whose move keeps the tolerance, by
//           binary search over k (assumes a longer prefix never degrades less): ~log2(L) runs.
//   pareto  every layer may take any format: the exact Pareto front of (cost, sum of the layers'
//           sensitivities, clamped at 0) by dynamic programming over layers with dominated states
//           pruned, then up to `points` evenly spaced front points evaluated for real; the answer
//           is the cheapest evaluated point within tolerance.

export type Assign = Record<string, string>;

export interface SearchProblem {
  layers: string[];
  candidates: string[];
  /** cost of a layer in a candidate (null: as the model is) */
  cost(layer: string, cand: string | null): number;
  sensitivity(layer: string, cand: string): number;
  /** measured degradation of the whole model under an assignment (missing layers: as they are) */
  evaluate(assign: Assign): number;
  /** the largest allowed degradation */
  allowed: number;
}

export interface Step { assign: Assign; degradation: number; cost: number; ok: boolean; note?: string }
export interface FrontPoint { cost: number; proxy: number; assign: Assign; degradation?: number; ok?: boolean }
export interface SearchResult { assign: Assign; degradation: number; cost: number; steps: Step[]; front?: FrontPoint[] }

export const totalCost = (p: SearchProblem, a: Assign) => p.layers.reduce((s, l) => s + p.cost(l, a[l] ?? null), 0);

export function levels(p: SearchProblem): string[] {
  const total = (c: string) => p.layers.reduce((s, l) => s + p.cost(l, c), 0);
  return [...p.candidates].sort((a, b) => total(b) - total(a));
}

function record(p: SearchProblem, steps: Step[], a: Assign, note?: string): Step {
  const d = p.evaluate(a);
  const s = { assign: { ...a }, degradation: d, cost: totalCost(p, a), ok: d <= p.allowed, note };
  steps.push(s);
  return s;
}

/** The layers that level c makes cheaper than their current level, least sensitive first. */
function cheaper(p: SearchProblem, eligible: string[], cur: Assign, c: string): string[] {
  return eligible.filter((l) => p.cost(l, c) < p.cost(l, cur[l] ?? null)).sort((a, b) => p.sensitivity(a, c) - p.sensitivity(b, c));
}

export function greedy(p: SearchProblem): SearchResult {
  const steps: Step[] = [];
  let cur: Assign = {};
  let eligible = [...p.layers];
  let curDeg = record(p, steps, cur, 'start').degradation;
  for (const c of levels(p)) {
    const order = cheaper(p, eligible, cur, c);
    const took: string[] = [];
    for (const l of order) {
      const next = { ...cur, [l]: c };
      const s = record(p, steps, next, `${l} -> ${c}`);
      if (!s.ok) break;
      cur = next; curDeg = s.degradation; took.push(l);
    }
    eligible = took;
    if (!eligible.length) break;
  }
  return { assign: cur, degradation: curDeg, cost: totalCost(p, cur), steps };
}

export function binary(p: SearchProblem): SearchResult {
  const steps: Step[] = [];
  let cur: Assign = {};
  let eligible = [...p.layers];
  let curDeg = record(p, steps, cur, 'start').degradation;
  for (const c of levels(p)) {
    const order = cheaper(p, eligible, cur, c);
    const withPrefix = (k: number) => { const a = { ...cur }; for (const l of order.slice(0, k)) a[l] = c; return a; };
    let lo = 0, hi = order.length, loDeg = curDeg;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const s = record(p, steps, withPrefix(mid), `${c}: first ${mid} of ${order.length}`);
      if (s.ok) { lo = mid; loDeg = s.degradation; } else hi = mid - 1;
    }
    cur = withPrefix(lo); curDeg = loDeg;
    eligible = order.slice(0, lo);
    if (!eligible.length) break;
  }
  return { assign: cur, degradation: curDeg, cost: totalCost(p, cur), steps };
}

/** Exact Pareto front of (cost, proxy) over all per-layer choices (at most maxStates kept). */
export function paretoFront(p: SearchProblem, maxStates = 2000): FrontPoint[] {
  let states: { cost: number; proxy: number; picks: (string | null)[] }[] = [{ cost: 0, proxy: 0, picks: [] }];
  for (const l of p.layers) {
    const opts: { c: string | null; cost: number; proxy: number }[] = [{ c: null, cost: p.cost(l, null), proxy: 0 }];
    for (const c of p.candidates) opts.push({ c, cost: p.cost(l, c), proxy: Math.max(0, p.sensitivity(l, c)) });
    const next = states.flatMap((s) => opts.map((o) => ({ cost: s.cost + o.cost, proxy: s.proxy + o.proxy, picks: [...s.picks, o.c] })));
    next.sort((a, b) => a.cost - b.cost || a.proxy - b.proxy);
    const kept: typeof next = [];
    let best = Infinity;
    for (const s of next) if (s.proxy < best) { kept.push(s); best = s.proxy; }
    states = kept.length > maxStates ? Array.from({ length: maxStates }, (_, i) => kept[Math.round((i * (kept.length - 1)) / (maxStates - 1))]) : kept;
  }
  return states.map((s) => {
    const assign: Assign = {};
    s.picks.forEach((c, i) => { if (c !== null) assign[p.layers[i]] = c; });
    return { cost: s.cost, proxy: s.proxy, assign };
  });
}

export function pareto(p: SearchProblem, points = 16): SearchResult {
  const front = paretoFront(p);
  const steps: Step[] = [];
  const pick = new Set<number>();
  const n = front.length, k = Math.min(points, n);
  for (let i = 0; i < k; i++) pick.add(k === 1 ? n - 1 : Math.round((i * (n - 1)) / (k - 1)));
  for (const i of [...pick].sort((a, b) => a - b)) {
    const s = record(p, steps, front[i].assign, `front point ${i + 1} of ${n}`);
    front[i].degradation = s.degradation; front[i].ok = s.ok;
  }
  const ok = front.filter((f) => f.ok).sort((a, b) => a.cost - b.cost);
  const best = ok[0] ?? { assign: {}, degradation: p.evaluate({}), cost: totalCost(p, {}) };
  return { assign: best.assign, degradation: best.degradation!, cost: best.cost, steps, front };
}

// The ONNX backend runner's check (onnx/backend/test/runner: assert_allclose), for one output:
// same shape, NaN where NaN is expected, the same infinities, |got - want| <= atol + rtol * |want|.

export interface Tolerance { rtol: number; atol: number }
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-7 };

const fmt = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x));
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** null when `got` matches, else why not (the worst element for a value mismatch). */
export function mismatch(got: ArrayLike<number>, gotShape: readonly number[], want: ArrayLike<number>, wantShape: readonly number[], tol: Tolerance = DEFAULT_TOLERANCE): string | null {
  if (!same(gotShape, wantShape)) return `shape ${JSON.stringify(gotShape)}, expected ${JSON.stringify(wantShape)}`;
  if (got.length !== want.length) return `${got.length} values, expected ${want.length}`;
  let worst = -1, worstErr = -1, bad = 0, special: string | null = null;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g) || !Number.isFinite(w) || !Number.isFinite(g)) {
      if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
      bad++;
      special ??= `element ${i} is ${fmt(g)}, expected ${fmt(w)}`;
      continue;
    }
    const err = Math.abs(g - w);
    if (err <= tol.atol + tol.rtol * Math.abs(w)) continue;
    bad++;
    if (err > worstErr) { worstErr = err; worst = i; }
  }
  if (!bad) return null;
  const n = `${bad} of ${want.length} elements differ`;
  if (worst < 0) return `${n}: ${special}`;
  return `${n}, max abs error ${worstErr.toExponential(2)} at element ${worst} (${fmt(got[worst])}, expected ${fmt(want[worst])})${special ? `; ${special}` : ''}`;
}

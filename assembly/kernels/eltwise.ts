// Elementwise f32 kernels: binary ops with broadcast of the second operand, and activations.
// Every SIMD kernel has a scalar _ref doing the same f32 operations in the same order (tests
// compare bit for bit). Kernels read up to 12 bytes past their inputs and never write past n.
// In-place use (y == a or y == x) is allowed.
//
// vbinary_f32__simd128(a, b, y, n, bn, op, act) -> 0 | 1: y[i] = act(a[i] op b[i % bn]), op 0 add, 1 sub,
//   2 mul, 3 div; act 0 none, 1 relu = max(v, 0), 2 relu6 = min(max(v, 0), 6) (the same
//   operations as vrelu_f32__simd128 / vrelu6_f32__simd128, so fusing changes no bit). b is broadcast along the leading
//   dims of a: bn == n (same shape), bn == 1 (scalar), bn == C (per channel over NHWC), or any bn
//   dividing n (b's shape = trailing dims of a).
//   Returns 1 (nothing written) when bn < 1, n % bn != 0, op or act is unknown.
// vrelu6_f32__simd128(x, y, n)                 y = min(max(x, 0), 6)
// vclamp_f32__simd128(x, y, n, lo, hi)         y = min(max(x, lo), hi)          (wasm min/max: NaN propagates)
// vlrelu_f32__simd128(x, y, n, alpha)     y = x < 0 ? alpha * x : x
// vhswish_f32__simd128(x, y, n)             y = x * (min(max(x + 3, 0), 6) / 6): exactly x for x >= 3, -0/+0
//                                    for x <= -3, and no overflow for huge x (x * 6 / 6 would)
// and vrelu6_f32__scalar, vclamp_f32__scalar, vlrelu_f32__scalar, vhswish_f32__scalar.
// Scalar only (no SIMD path, so no _ref):
// vsigmoid_f32__scalar(x, y, n)               x >= 0: 1 / (1 + Mathf.exp(-x)); else e / (1 + e), e = Mathf.exp(x)
//                                    (f32; Mathf.exp is AssemblyScript's port of musl expf)
// vtanh_f32__scalar(x, y, n)                  y = Mathf.tanh(x)
// vgelu_f32__scalar(x, y, n)                  y = f32(0.5 * x * (1 + erf(x / sqrt 2))), computed in f64 and
//   rounded once (AssemblyScript has no erf): erf by its Maclaurin series for |t| < 2, erfc by its
//   continued fraction (80 terms, evaluated backwards) times Math.exp(-t*t) for |t| >= 2; relative
//   error about 1e-15 before the final rounding, so the result is within 1 ulp of the true GELU.
// All transcendentals are compiled into this module: the same bits in every engine.

export const OP_ADD = 0;
export const OP_SUB = 1;
export const OP_MUL = 2;
export const OP_DIV = 3;

// @ts-ignore: decorator
@inline function vop(a: v128, b: v128, op: i32): v128 {
  if (op == OP_ADD) return f32x4.add(a, b);
  if (op == OP_SUB) return f32x4.sub(a, b);
  if (op == OP_MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline function sop(a: f32, b: f32, op: i32): f32 {
  if (op == OP_ADD) return a + b;
  if (op == OP_SUB) return a - b;
  if (op == OP_MUL) return a * b;
  return a / b;
}

// The activation after the op: none, or a clamp to [0, hi] (hi = +inf for relu: max(v, 0)).
// @ts-ignore: decorator
@inline function vact(v: v128, clamp: bool, hi: v128): v128 {
  return clamp ? f32x4.min(f32x4.max(v, f32x4.splat(0)), hi) : v;
}
// @ts-ignore: decorator
@inline function sact(v: f32, clamp: bool, hi: f32): f32 {
  return clamp ? min<f32>(max<f32>(v, 0), hi) : v;
}

// One specialised loop per op and clamp (both compile-time constants after inlining).
// @ts-ignore: decorator
@inline function binaryLoop(a: usize, b: usize, y: usize, n: i32, bn: i32, op: i32, clamp: bool, hi: f32): void {
  const hv = f32x4.splat(hi);
  if (bn == 1) {
    const bv = v128.load32_splat(b);
    const bs = load<f32>(b);
    let i = 0;
    for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), vact(vop(v128.load(a + (<usize>i << 2)), bv, op), clamp, hv));
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), sact(sop(load<f32>(a + (<usize>i << 2)), bs, op), clamp, hi));
    return;
  }
  for (let r = 0; r < n; r += bn) {
    const ar = a + (<usize>r << 2), yr = y + (<usize>r << 2);
    let j = 0;
    for (; j + 4 <= bn; j += 4) {
      const o = <usize>j << 2;
      v128.store(yr + o, vact(vop(v128.load(ar + o), v128.load(b + o), op), clamp, hv));
    }
    for (; j < bn; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, sact(sop(load<f32>(ar + o), load<f32>(b + o), op), clamp, hi));
    }
  }
}

// @ts-ignore: decorator
@inline function binaryOp(a: usize, b: usize, y: usize, n: i32, bn: i32, op: i32, act: i32): void {
  if (act == 0) binaryLoop(a, b, y, n, bn, op, false, 0);
  else binaryLoop(a, b, y, n, bn, op, true, act == 1 ? Infinity : 6);
}

export function vbinary_f32__simd128(a: usize, b: usize, y: usize, n: i32, bn: i32, op: i32, act: i32): i32 {
  if (n < 0 || bn < 1 || n % bn != 0 || op < OP_ADD || op > OP_DIV || act < 0 || act > 2) return 1;
  if (op == OP_ADD) binaryOp(a, b, y, n, bn, OP_ADD, act);
  else if (op == OP_SUB) binaryOp(a, b, y, n, bn, OP_SUB, act);
  else if (op == OP_MUL) binaryOp(a, b, y, n, bn, OP_MUL, act);
  else binaryOp(a, b, y, n, bn, OP_DIV, act);
  return 0;
}

export function vbinary_f32__scalar(a: usize, b: usize, y: usize, n: i32, bn: i32, op: i32, act: i32): i32 {
  if (n < 0 || bn < 1 || n % bn != 0 || op < OP_ADD || op > OP_DIV || act < 0 || act > 2) return 1;
  for (let i = 0; i < n; i++) {
    let v = sop(load<f32>(a + (<usize>i << 2)), load<f32>(b + (<usize>(i % bn) << 2)), op);
    if (act != 0) { v = max<f32>(v, 0); if (act == 2) v = min<f32>(v, 6); }
    store<f32>(y + (<usize>i << 2), v);
  }
  return 0;
}

// clamp: the one SIMD loop behind relu6 and clamp.
export function vclamp_f32__simd128(x: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  const l = f32x4.splat(lo), h = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), f32x4.min(f32x4.max(v128.load(x + (<usize>i << 2)), l), h));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), min<f32>(max<f32>(load<f32>(x + (<usize>i << 2)), lo), hi));
}

export function vclamp_f32__scalar(x: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), min<f32>(max<f32>(load<f32>(x + (<usize>i << 2)), lo), hi));
}

export function vrelu6_f32__simd128(x: usize, y: usize, n: i32): void { vclamp_f32__simd128(x, y, n, 0, 6); }
export function vrelu6_f32__scalar(x: usize, y: usize, n: i32): void { vclamp_f32__scalar(x, y, n, 0, 6); }

export function vlrelu_f32__simd128(x: usize, y: usize, n: i32, alpha: f32): void {
  const av = f32x4.splat(alpha), z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    v128.store(y + (<usize>i << 2), v128.bitselect(f32x4.mul(v, av), v, f32x4.lt(v, z)));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? alpha * v : v);
  }
}

export function vlrelu_f32__scalar(x: usize, y: usize, n: i32, alpha: f32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? alpha * v : v);
  }
}

export function vhswish_f32__simd128(x: usize, y: usize, n: i32): void {
  const three = f32x4.splat(3), six = f32x4.splat(6), z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const r = f32x4.min(f32x4.max(f32x4.add(v, three), z), six);
    v128.store(y + (<usize>i << 2), f32x4.mul(v, f32x4.div(r, six)));
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), hardswish1(load<f32>(x + (<usize>i << 2))));
}

// @ts-ignore: decorator
@inline export function hardswish1(v: f32): f32 {
  return v * (min<f32>(max<f32>(v + 3, 0), 6) / 6);
}

export function vhswish_f32__scalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), hardswish1(load<f32>(x + (<usize>i << 2))));
}

// One element of vsigmoid_f32__scalar (also nd/unary.ts's f32 Sigmoid: the same bits).
export function sigmoid1(v: f32): f32 {
  if (v >= 0) return <f32>1 / (<f32>1 + Mathf.exp(-v));
  const e = Mathf.exp(v);
  return e / (<f32>1 + e);   // no overflow, tiny tails kept
}

export function vsigmoid_f32__scalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), sigmoid1(load<f32>(x + (<usize>i << 2))));
}

export function vtanh_f32__scalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), Mathf.tanh(load<f32>(x + (<usize>i << 2))));
}

const TWO_OVER_SQRTPI: f64 = 1.1283791670955126;
const ONE_OVER_SQRTPI: f64 = 0.5641895835477563;
const SQRT1_2: f64 = 0.7071067811865476;

// erf(t) for |t| < 2: (2/sqrt(pi)) * sum_n (-1)^n t^(2n+1) / (n! (2n+1)), until the term is
// below 1e-17 of the sum (at most 60 terms).
function erfSeries(t: f64): f64 {
  const t2 = t * t;
  let term = t, sum = t;
  for (let n = 1; n < 60; n++) {
    term *= -t2 / <f64>n;
    const c = term / <f64>(2 * n + 1);
    sum += c;
    if (Math.abs(c) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRTPI * sum;
}

// erfc(t) for t >= 2: exp(-t^2)/sqrt(pi) / (t + (1/2)/(t + 1/(t + (3/2)/(t + ...)))).
function erfcFrac(t: f64): f64 {
  let f = t;
  for (let k = 80; k >= 1; k--) f = t + (<f64>k * 0.5) / f;
  return Math.exp(-t * t) * ONE_OVER_SQRTPI / f;
}

// 1 + erf(t) = erfc(-t), accurate relative to its value for every t (also the GELU condition
// number in emulate/recompute.ts).
export function onePlusErf(t: f64): f64 {
  if (t != t) return t;
  if (t <= -2) return erfcFrac(-t);
  if (t >= 2) return 2 - erfcFrac(t);
  return 1 + erfSeries(t);
}

// erf(t) in f64 (nd/unary.ts's Erf): for |t| < 1 the series of positive terms
// (2/sqrt(pi)) exp(-t^2) sum_n 2^n t^(2n+1) / (1 3 5 ... (2n+1)) (no cancellation, unlike
// erfSeries; t^2 split exactly, Dekker; see: A&S 7.1.6), else +-(1 - erfc(|t|)) by the
// continued fraction (240 terms below 1.5, where 80 do not converge to an ulp).
export function erf64(t: f64): f64 {
  if (t != t) return t;
  const at = Math.abs(t);
  if (at >= 1) { const r = 1 - erfc64(at); return t < 0 ? -r : r; }
  const e = expNegSq(t), hi = t * t;
  let term = t, sum = t;
  for (let n = 1; n < 80; n++) {
    term *= 2 * hi / <f64>(2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRTPI * (e * sum);
}

// exp(-t^2) with t^2 split exactly (Dekker): exp's argument error would cost t^2 ulp.
function expNegSq(t: f64): f64 {
  const c = 134217729.0 * t, th = c - (c - t), tl = t - th;
  const hi = t * t, lo = ((th * th - hi) + 2 * th * tl) + tl * tl;
  return Math.exp(-hi) * (1 - lo);
}

// erfc(t), t >= 1, for f64 results: erfcFrac's fraction times expNegSq.
function erfc64(t: f64): f64 {
  if (t > 27) return 0;   // below the smallest f64 (and no inf - inf in the split)
  let f = t;
  for (let k = t < 1.5 ? 240 : 80; k >= 1; k--) f = t + (<f64>k * 0.5) / f;
  return expNegSq(t) * ONE_OVER_SQRTPI / f;
}

// 1 + erf(t) for f64 results (nd/unary.ts's f64 Gelu): erfc(-t) directly where erf is near -1.
function onePlusErf64(t: f64): f64 {
  if (t != t) return t;
  if (t <= -1) return erfc64(-t);
  return 1 + erf64(t);
}

// GELU in f64 from erf64 (nd/unary.ts's f64 Gelu).
export function gelu64acc(v: f64): f64 {
  return v == Infinity ? v : v == -Infinity ? -0.0 : 0.5 * v * onePlusErf64(v * SQRT1_2);
}

// GELU of one value in f64 (exact erf form; vgelu_f32__scalar rounds it to f32).
export function gelu64(v: f64): f64 {
  return v == Infinity ? v : v == -Infinity ? -0.0 : 0.5 * v * onePlusErf(v * SQRT1_2);
}

export function vgelu_f32__scalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), <f32>gelu64(<f64>load<f32>(x + (<usize>i << 2))));
}

// The ai.onnx.preview.training optimizers' update rules, element-wise over n values of dtype
// (f32 / f64); r: the learning rate R (a scalar of rdtype, f32 / f64), t: the update count T (one
// i64). Outputs may alias their inputs. Per element, in this order (no FMA):
//   adagrad (see: ONNX Adagrad, ai.onnx.preview.training 1):
//     rr = r / (1 + t * decay); gr = norm * x + g; h' = h + gr * gr; x' = x - (rr * gr) / (sqrt(h') + eps)
//   adam (see: ONNX Adam, ai.onnx.preview.training 1):
//     gr = norm * x + g; v' = alpha * v + (1 - alpha) * gr; h' = beta * h + (1 - beta) * (gr * gr)
//     ra = t > 0 ? r * sqrt(1 - beta^t) / (1 - alpha^t) : r; x' = (1 - post) * (x - ra * (v' / (sqrt(h') + eps)))
//   momentum (see: ONNX Momentum, ai.onnx.preview.training 1): gr = norm * x + g;
//     v' = alpha * v + (t > 0 ? beta : 1) * gr; standard: x' = x - r * v'; nesterov: x' = x - r * (gr + alpha * v')
// The per-call scalars (rr, ra, 1 - alpha ...) are computed in f64 and rounded once to dtype.
// *__simd128: f32x4 / f64x2 lanes with the same operations in the same order, then the scalar
// function on the tail: equal to *__scalar bit for bit. Status 0 ok, 1 dtype, 2 n < 0.

import { DT_F32, DT_F64 } from "./dtype";

// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i32): usize { return p + (<usize>i << alignof<T>()); }
// @ts-ignore: decorator
@inline function vsplat<T>(a: T): v128 { return sizeof<T>() == 4 ? f32x4.splat(<f32>a) : f64x2.splat(<f64>a); }
// @ts-ignore: decorator
@inline function vadd<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.add(a, b) : f64x2.add(a, b); }
// @ts-ignore: decorator
@inline function vsub<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.sub(a, b) : f64x2.sub(a, b); }
// @ts-ignore: decorator
@inline function vmul<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.mul(a, b) : f64x2.mul(a, b); }
// @ts-ignore: decorator
@inline function vdiv<T>(a: v128, b: v128): v128 { return sizeof<T>() == 4 ? f32x4.div(a, b) : f64x2.div(a, b); }
// @ts-ignore: decorator
@inline function vsqrt<T>(a: v128): v128 { return sizeof<T>() == 4 ? f32x4.sqrt(a) : f64x2.sqrt(a); }
// @ts-ignore: decorator
@inline function sqrtT<T>(a: T): T { return sizeof<T>() == 4 ? <T>Mathf.sqrt(<f32>a) : <T>Math.sqrt(<f64>a); }

/** R as f64 (0 on an unknown type: the callers check it first). */
function rate(r: usize, rdtype: i32): f64 { return rdtype == DT_F32 ? <f64>load<f32>(r) : load<f64>(r); }
const okTypes = (dtype: i32, rdtype: i32, n: i32): i32 => ((dtype != DT_F32 && dtype != DT_F64) || (rdtype != DT_F32 && rdtype != DT_F64) ? 1 : n < 0 ? 2 : 0);

// ----- Adagrad

function adagrad<T>(simd: bool, n: i32, x: usize, g: usize, h: usize, xo: usize, ho: usize, rr: T, eps: T, norm: T): void {
  let i = 0;
  if (simd) {
    const L = 16 / sizeof<T>(), vr = vsplat<T>(rr), ve = vsplat<T>(eps), vn = vsplat<T>(norm);
    for (; i + L <= n; i += L) {
      const xv = v128.load(el<T>(x, i)), gr = vadd<T>(vmul<T>(vn, xv), v128.load(el<T>(g, i)));
      const hn = vadd<T>(v128.load(el<T>(h, i)), vmul<T>(gr, gr));
      v128.store(el<T>(xo, i), vsub<T>(xv, vdiv<T>(vmul<T>(vr, gr), vadd<T>(vsqrt<T>(hn), ve))));
      v128.store(el<T>(ho, i), hn);
    }
  }
  for (; i < n; i++) {
    const xv = load<T>(el<T>(x, i)), gr = norm * xv + load<T>(el<T>(g, i));
    const hn = load<T>(el<T>(h, i)) + gr * gr;
    store<T>(el<T>(xo, i), xv - (rr * gr) / (sqrtT<T>(hn) + eps));
    store<T>(el<T>(ho, i), hn);
  }
}

function adagradAny(simd: bool, dtype: i32, rdtype: i32, n: i32, x: usize, g: usize, h: usize, xo: usize, ho: usize, r: usize, t: usize, decay: f32, eps: f32, norm: f32): i32 {
  const st = okTypes(dtype, rdtype, n);
  if (st != 0) return st;
  const rr = rate(r, rdtype) / (1 + <f64>load<i64>(t) * <f64>decay);
  if (dtype == DT_F32) adagrad<f32>(simd, n, x, g, h, xo, ho, <f32>rr, eps, norm);
  else adagrad<f64>(simd, n, x, g, h, xo, ho, rr, eps, norm);
  return 0;
}

export function adagrad_any__simd128(dtype: i32, rdtype: i32, n: i32, x: usize, g: usize, h: usize, xo: usize, ho: usize, r: usize, t: usize, decay: f32, eps: f32, norm: f32): i32 {
  return adagradAny(true, dtype, rdtype, n, x, g, h, xo, ho, r, t, decay, eps, norm);
}
export function adagrad_any__scalar(dtype: i32, rdtype: i32, n: i32, x: usize, g: usize, h: usize, xo: usize, ho: usize, r: usize, t: usize, decay: f32, eps: f32, norm: f32): i32 {
  return adagradAny(false, dtype, rdtype, n, x, g, h, xo, ho, r, t, decay, eps, norm);
}

// ----- Adam

function adam<T>(simd: bool, n: i32, x: usize, g: usize, v: usize, h: usize, xo: usize, vo: usize, ho: usize, ra: T, alpha: T, beta: T, eps: T, norm: T, post: T): void {
  const a1: T = <T>1 - alpha, b1: T = <T>1 - beta, p1: T = <T>1 - post;
  let i = 0;
  if (simd) {
    const L = 16 / sizeof<T>(), vra = vsplat<T>(ra), va = vsplat<T>(alpha), vb = vsplat<T>(beta), ve = vsplat<T>(eps), vn = vsplat<T>(norm);
    const va1 = vsplat<T>(a1), vb1 = vsplat<T>(b1), vp1 = vsplat<T>(p1);
    for (; i + L <= n; i += L) {
      const xv = v128.load(el<T>(x, i)), gr = vadd<T>(vmul<T>(vn, xv), v128.load(el<T>(g, i)));
      const vn2 = vadd<T>(vmul<T>(va, v128.load(el<T>(v, i))), vmul<T>(va1, gr));
      const hn = vadd<T>(vmul<T>(vb, v128.load(el<T>(h, i))), vmul<T>(vb1, vmul<T>(gr, gr)));
      const xn = vsub<T>(xv, vmul<T>(vra, vdiv<T>(vn2, vadd<T>(vsqrt<T>(hn), ve))));
      v128.store(el<T>(xo, i), vmul<T>(vp1, xn));
      v128.store(el<T>(vo, i), vn2);
      v128.store(el<T>(ho, i), hn);
    }
  }
  for (; i < n; i++) {
    const xv = load<T>(el<T>(x, i)), gr = norm * xv + load<T>(el<T>(g, i));
    const vn2 = alpha * load<T>(el<T>(v, i)) + a1 * gr;
    const hn = beta * load<T>(el<T>(h, i)) + b1 * (gr * gr);
    const xn = xv - ra * (vn2 / (sqrtT<T>(hn) + eps));
    store<T>(el<T>(xo, i), p1 * xn);
    store<T>(el<T>(vo, i), vn2);
    store<T>(el<T>(ho, i), hn);
  }
}

function adamAny(simd: bool, dtype: i32, rdtype: i32, n: i32, x: usize, g: usize, v: usize, h: usize, xo: usize, vo: usize, ho: usize, r: usize, t: usize, alpha: f32, beta: f32, eps: f32, norm: f32, post: f32): i32 {
  const st = okTypes(dtype, rdtype, n);
  if (st != 0) return st;
  const tt = <f64>load<i64>(t);
  let ra = rate(r, rdtype);
  if (tt > 0) ra = ra * Math.sqrt(1 - Math.pow(<f64>beta, tt)) / (1 - Math.pow(<f64>alpha, tt));
  if (dtype == DT_F32) adam<f32>(simd, n, x, g, v, h, xo, vo, ho, <f32>ra, alpha, beta, eps, norm, post);
  else adam<f64>(simd, n, x, g, v, h, xo, vo, ho, ra, alpha, beta, eps, norm, post);
  return 0;
}

export function adam_any__simd128(dtype: i32, rdtype: i32, n: i32, x: usize, g: usize, v: usize, h: usize, xo: usize, vo: usize, ho: usize, r: usize, t: usize, alpha: f32, beta: f32, eps: f32, norm: f32, post: f32): i32 {
  return adamAny(true, dtype, rdtype, n, x, g, v, h, xo, vo, ho, r, t, alpha, beta, eps, norm, post);
}
export function adam_any__scalar(dtype: i32, rdtype: i32, n: i32, x: usize, g: usize, v: usize, h: usize, xo: usize, vo: usize, ho: usize, r: usize, t: usize, alpha: f32, beta: f32, eps: f32, norm: f32, post: f32): i32 {
  return adamAny(false, dtype, rdtype, n, x, g, v, h, xo, vo, ho, r, t, alpha, beta, eps, norm, post);
}

// ----- Momentum (standard and Nesterov)

function momentum<T>(simd: bool, nesterov: bool, n: i32, x: usize, g: usize, v: usize, xo: usize, vo: usize, r: T, alpha: T, beta: T, norm: T): void {
  let i = 0;
  if (simd) {
    const L = 16 / sizeof<T>(), vr = vsplat<T>(r), va = vsplat<T>(alpha), vb = vsplat<T>(beta), vn = vsplat<T>(norm);
    for (; i + L <= n; i += L) {
      const xv = v128.load(el<T>(x, i)), gr = vadd<T>(vmul<T>(vn, xv), v128.load(el<T>(g, i)));
      const vn2 = vadd<T>(vmul<T>(va, v128.load(el<T>(v, i))), vmul<T>(vb, gr));
      v128.store(el<T>(xo, i), vsub<T>(xv, vmul<T>(vr, nesterov ? vadd<T>(gr, vmul<T>(va, vn2)) : vn2)));
      v128.store(el<T>(vo, i), vn2);
    }
  }
  for (; i < n; i++) {
    const xv = load<T>(el<T>(x, i)), gr = norm * xv + load<T>(el<T>(g, i));
    const vn2 = alpha * load<T>(el<T>(v, i)) + beta * gr;
    store<T>(el<T>(xo, i), xv - r * (nesterov ? gr + alpha * vn2 : vn2));
    store<T>(el<T>(vo, i), vn2);
  }
}

function momentumAny(simd: bool, dtype: i32, rdtype: i32, nesterov: i32, n: i32, x: usize, g: usize, v: usize, xo: usize, vo: usize, r: usize, t: usize, alpha: f32, beta: f32, norm: f32): i32 {
  const st = okTypes(dtype, rdtype, n);
  if (st != 0) return st;
  const rr = rate(r, rdtype), b: f32 = load<i64>(t) > 0 ? beta : 1;
  if (dtype == DT_F32) momentum<f32>(simd, nesterov != 0, n, x, g, v, xo, vo, <f32>rr, alpha, b, norm);
  else momentum<f64>(simd, nesterov != 0, n, x, g, v, xo, vo, rr, alpha, b, norm);
  return 0;
}

export function momentum_any__simd128(dtype: i32, rdtype: i32, nesterov: i32, n: i32, x: usize, g: usize, v: usize, xo: usize, vo: usize, r: usize, t: usize, alpha: f32, beta: f32, norm: f32): i32 {
  return momentumAny(true, dtype, rdtype, nesterov, n, x, g, v, xo, vo, r, t, alpha, beta, norm);
}
export function momentum_any__scalar(dtype: i32, rdtype: i32, nesterov: i32, n: i32, x: usize, g: usize, v: usize, xo: usize, vo: usize, r: usize, t: usize, alpha: f32, beta: f32, norm: f32): i32 {
  return momentumAny(false, dtype, rdtype, nesterov, n, x, g, v, xo, vo, r, t, alpha, beta, norm);
}

// ONNX Resize on N-d tensors (rank 1-8), as the onnx reference defines it: each output coordinate
// maps to a source coordinate per axis (f64), the taps around it are weighted per axis, and the
// axes are resized one after another from the last to the first (the reference's recursion:
// inner axes first; an extrapolated inner value is mixed in along outer axes).
// see: ONNX Resize, opsets 11-19; onnx/backend/test/case/node/resize.py (interpolate_1d_with_x)
//
//   resize_nd_any__simd128(y, x, params, scales, roi, work, workBytes) -> 0 | 1 | 2
//   resize_nd_any__scalar(...)  the reference: the same taps, weights and sums, one lane at a time
// params (i32): rank, es, mode (0 nearest, 1 linear, 2 cubic), coord (RS_COORD order below),
//   nearest mode (0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil), exclude_outside,
//   cubic_coeff_a (f32 bits), extrapolation_value (f32 bits), roi type (0 none, 1 f32, 11 f64),
//   scales given (0 / 1), nAxes, then in dims[rank], out dims[rank], slot[rank] (the axis's
//   position in scales / roi, -1: not resized; roi holds starts[nAxes] then ends[nAxes]).
// Per axis: scale s = scales[slot] (given) or out / in, the resized length L = s * in (a float,
// as the reference), the source coordinate xo of output index o:
//   0 half_pixel (o + 0.5) / s - 0.5        1 half_pixel_symmetric: the same, shifted by
//   in / 2 * (1 - out / L)                   2 pytorch_half_pixel: L == 1 ? -0.5 : half_pixel
//   3 align_corners L == 1 ? 0 : o * (in - 1) / (L - 1)     4 asymmetric o / s
//   5 tf_half_pixel_for_nn (o + 0.5) / s     6 tf_crop_and_resize from roi [st, en]:
//   (L == 1 ? (en - st) * (in - 1) / 2 : o * (en - st) * (in - 1) / (L - 1)) + st * (in - 1),
//   outside [0, in - 1] the output is extrapolation_value.
// Taps (indices clamped to [0, in - 1], the reference's edge padding), with f = ceil(xo) - 1 and
// r = xo - f in (0, 1]: nearest one tap (xo itself when whole, else f or f + 1 by the mode);
// linear f, f + 1 weighted 1 - r, r; cubic f - 1 .. f + 2 weighted by the Keys kernel with a
// (exclude_outside: taps outside the input get 0, the rest renormalised). Linear / cubic on f32
// (es 4): dst = w0 * v0 + w1 * v1 + ... in tap order, f32, no FMA; nearest copies elements of
// es = 1, 2, 4, 8 bytes. An axis whose taps are the identity is skipped.
// Returns 1 on bad params (nothing written), 2 when workBytes is below resizeWorkBytes.

import { MAXR } from "./move";

const IN = new StaticArray<i64>(MAXR);
const OUT = new StaticArray<i64>(MAXR);
const CUR = new StaticArray<i64>(MAXR);
const TAB = new StaticArray<usize>(MAXR);  // per axis: idx i32[K * out], w f32[K * out], flag i32[out]
const SC = new StaticArray<f64>(MAXR);
const ST = new StaticArray<i64>(MAXR);     // x's dense strides (nearest)
const OD = new StaticArray<i64>(MAXR);     // odometer

// @ts-ignore: decorator
@inline function pi(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function pad16(n: i64): i64 { return (n + 15) & ~15; }

function taps(mode: i32): i32 { return mode == 0 ? 1 : mode == 1 ? 2 : 4; }

/** Bytes of work the call needs: per axis its table, then two f32 buffers for the passes. */
export function resizeWorkBytes(params: usize): i64 {
  const r = pi(params, 0), K = taps(pi(params, 2));
  let t: i64 = 0, big: i64 = 0, cur: i64 = 1;
  for (let d = 0; d < r; d++) cur *= <i64>pi(params, 11 + d);
  for (let d = r - 1; d >= 0; d--) {
    const o = <i64>pi(params, 11 + r + d);
    t += 2 * pad16(<i64>K * o * 4) + pad16(o * 4);
    cur = cur / max<i64>(<i64>pi(params, 11 + d), 1) * o;
    if (cur > big) big = cur;
  }
  return pi(params, 2) == 0 ? t : t + 2 * pad16(big * 4);
}

function roiAt(roi: usize, type: i32, i: i32): f64 {
  return type == 11 ? load<f64>(roi + (<usize>i << 3)) : <f64>load<f32>(roi + (<usize>i << 2));
}

// The source coordinate of output index o on axis d (in, out, scale s).
function coord(params: usize, d: i32, o: i64, roi: usize): f64 {
  const r = pi(params, 0), cm = pi(params, 3), slot = pi(params, 11 + 2 * r + d);
  const inL = <f64>unchecked(IN[d]), s = unchecked(SC[d]), L = s * inL, fo = <f64>o;
  if (cm == 3) return L == 1.0 ? 0.0 : fo * (inL - 1.0) / (L - 1.0);
  if (cm == 4) return fo / s;
  if (cm == 5) return (fo + 0.5) / s;
  if (cm == 2 && L == 1.0) return -0.5;
  if (cm == 6) {
    const n = pi(params, 10), rt = pi(params, 8);
    const st = slot >= 0 && rt != 0 ? roiAt(roi, rt, slot) : 0.0, en = slot >= 0 && rt != 0 ? roiAt(roi, rt, n + slot) : 1.0;
    const x = L == 1.0 ? (en - st) * (inL - 1.0) / 2.0 : fo * (en - st) * (inL - 1.0) / (L - 1.0);
    return x + st * (inL - 1.0);
  }
  const hp = (fo + 0.5) / s - 0.5;
  if (cm == 1) { const c = inL / 2.0; return c * (1.0 - <f64>unchecked(OUT[d]) / L) + hp; }
  return hp;
}

// @ts-ignore: decorator
@inline function clampI(i: i64, n: i64): i32 { return <i32>(i < 0 ? 0 : i >= n ? n - 1 : i); }

// The Keys kernel's two pieces: near (distance t in [0, 1]) and far (t in [1, 2]).
// @ts-ignore: decorator
@inline export function near(t: f64, a: f64): f64 { return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0; }
// @ts-ignore: decorator
@inline export function far(t: f64, a: f64): f64 { return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a; }

// Fills axis d's table at tab; true when the taps are the identity (the axis can be skipped).
function table(params: usize, d: i32, tab: usize, roi: usize): bool {
  const mode = pi(params, 2), K = taps(mode), nm = pi(params, 4), ex = pi(params, 5) != 0;
  const a = <f64>reinterpret<f32>(pi(params, 6));
  const n = unchecked(IN[d]), on = unchecked(OUT[d]);
  const iw = tab, ww = tab + <usize>pad16(<i64>K * on * 4), fw = ww + <usize>pad16(<i64>K * on * 4);
  let ident = n == on;
  for (let o: i64 = 0; o < on; o++) {
    let x = coord(params, d, o, roi);
    const out = pi(params, 3) == 6 && !(x >= 0.0 && x <= <f64>(n - 1));
    // far outside, every tap clamps to one edge: bounded so the integer conversion is exact
    x = isFinite(x) ? min(max(x, -8.0), <f64>n + 8.0) : 0.0;
    store<i32>(fw + <usize>(o << 2), out ? 1 : 0);
    if (out) ident = false;
    const f = Math.ceil(x) - 1.0, rr = x - f;
    const fi = <i64>f;
    if (mode == 0) {
      let i: i64;
      if (rr == 1.0) i = fi + 1;
      else if (nm == 0) i = rr > 0.5 ? fi + 1 : fi;
      else if (nm == 1) i = rr >= 0.5 ? fi + 1 : fi;
      else i = nm == 2 ? fi : fi + 1;
      const c = clampI(i, n);
      store<i32>(iw + <usize>(o << 2), c);
      store<f32>(ww + <usize>(o << 2), 1);
      if (c != <i32>o) ident = false;
      continue;
    }
    let w0: f64, w1: f64, w2: f64 = 0, w3: f64 = 0;
    const base = mode == 1 ? fi : fi - 1;
    if (mode == 1) { w0 = 1.0 - rr; w1 = rr; }
    else { w0 = far(rr + 1.0, a); w1 = near(rr, a); w2 = near(1.0 - rr, a); w3 = far(2.0 - rr, a); }
    if (ex) {
      if (base < 0 || base >= n) w0 = 0;
      if (base + 1 < 0 || base + 1 >= n) w1 = 0;
      if (K == 4 && (base + 2 < 0 || base + 2 >= n)) w2 = 0;
      if (K == 4 && (base + 3 < 0 || base + 3 >= n)) w3 = 0;
      const sum = w0 + w1 + w2 + w3;
      w0 /= sum; w1 /= sum; w2 /= sum; w3 /= sum;
    }
    for (let k = 0; k < K; k++) {
      const c = clampI(base + k, n), w = <f32>(k == 0 ? w0 : k == 1 ? w1 : k == 2 ? w2 : w3);
      store<i32>(iw + <usize>((<i64>k * on + o) << 2), c);
      store<f32>(ww + <usize>((<i64>k * on + o) << 2), w);
      if (w != (c == <i32>o ? <f32>1 : <f32>0)) ident = false;
    }
  }
  return ident;
}

// Checks params and fills IN / OUT / SC; the output count or -1.
function setup(params: usize, scales: usize): i64 {
  const r = pi(params, 0), es = pi(params, 1), mode = pi(params, 2);
  if (r < 1 || r > MAXR || !(es == 1 || es == 2 || es == 4 || es == 8) || mode < 0 || mode > 2 || (mode != 0 && es != 4)) return -1;
  if (pi(params, 3) < 0 || pi(params, 3) > 6 || pi(params, 4) < 0 || pi(params, 4) > 3 || (pi(params, 3) == 6 && es != 4)) return -1;
  const n = pi(params, 10), rt = pi(params, 8);
  if (rt != 0 && rt != 1 && rt != 11) return -1;
  let t: i64 = 1, ti: i64 = 1;
  for (let d = 0; d < r; d++) {
    const i = <i64>pi(params, 11 + d), o = <i64>pi(params, 11 + r + d), slot = pi(params, 11 + 2 * r + d);
    if (i < 0 || o < 0 || slot < -1 || slot >= n) return -1;
    unchecked(IN[d] = i); unchecked(OUT[d] = o);
    let s: f64 = pi(params, 9) != 0 ? (slot >= 0 ? <f64>load<f32>(scales + (<usize>slot << 2)) : 1.0) : <f64>o / <f64>i;
    if (!(s > 0.0) || !isFinite(s)) { if (o != 0) return -1; s = 1.0; }
    unchecked(SC[d] = s);
    t *= o; ti *= i;
    if (t * <i64>es > 0xFFFFFFFF || ti * <i64>es > 0xFFFFFFFF) return -1;
  }
  if (t > 0 && ti == 0) return -1;
  return t;
}

// Nearest: each output element is one input element (offsets summed per axis).
function nearest(params: usize, y: usize, x: usize, ext: f32): void {
  const r = pi(params, 0), es = pi(params, 1);
  let s: i64 = 1;
  for (let d = r - 1; d >= 0; d--) { unchecked(ST[d] = s); s *= unchecked(IN[d]); unchecked(OD[d] = 0); }
  const last = r - 1, on = unchecked(OUT[last]);
  const liw = unchecked(TAB[last]), lfw = liw + <usize>(2 * pad16(on * 4));
  let rows: i64 = 1;
  for (let d = 0; d < last; d++) rows *= unchecked(OUT[d]);
  let dst = y;
  for (let row: i64 = 0; row < rows; row++) {
    let base: i64 = 0, outside = false;
    for (let d = 0; d < last; d++) {
      const od = unchecked(OD[d]), tw = unchecked(TAB[d]), ond = unchecked(OUT[d]);
      base += <i64>load<i32>(tw + <usize>(od << 2)) * unchecked(ST[d]);
      if (load<i32>(tw + <usize>(2 * pad16(ond * 4)) + <usize>(od << 2)) != 0) outside = true;
    }
    for (let o: i64 = 0; o < on; o++) {
      if (outside || load<i32>(lfw + <usize>(o << 2)) != 0) store<f32>(dst, ext);
      else {
        const src = x + <usize>((base + <i64>load<i32>(liw + <usize>(o << 2))) * <i64>es);
        if (es == 4) store<u32>(dst, load<u32>(src));
        else if (es == 8) store<u64>(dst, load<u64>(src));
        else if (es == 2) store<u16>(dst, load<u16>(src));
        else store<u8>(dst, load<u8>(src));
      }
      dst += <usize>es;
    }
    for (let d = last - 1; d >= 0; d--) { const v = unchecked(OD[d]) + 1; if (v < unchecked(OUT[d])) { unchecked(OD[d] = v); break; } unchecked(OD[d] = 0); }
  }
}

// One output element of a pass at tap column o: the weighted sum over K rows of src.
// @ts-ignore: decorator
@inline function sum1(src: usize, iw: usize, ww: usize, K: i32, on: i64, o: i64, inner: i64, i: i64): f32 {
  let acc: f32 = load<f32>(ww + <usize>(o << 2)) * load<f32>(src + <usize>((<i64>load<i32>(iw + <usize>(o << 2)) * inner + i) << 2));
  for (let k = 1; k < K; k++) {
    const q = <usize>((<i64>k * on + o) << 2);
    acc += load<f32>(ww + q) * load<f32>(src + <usize>((<i64>load<i32>(iw + q) * inner + i) << 2));
  }
  return acc;
}

// One pass along axis d: src [outer, in, inner] -> dst [outer, out, inner].
function pass(src: usize, dst: usize, tab: usize, K: i32, outer: i64, n: i64, on: i64, inner: i64, ext: f32, simd: bool): void {
  const iw = tab, ww = tab + <usize>pad16(<i64>K * on * 4), fw = ww + <usize>pad16(<i64>K * on * 4);
  for (let ou: i64 = 0; ou < outer; ou++) {
    const s = src + <usize>(ou * n * inner * 4), dr = dst + <usize>(ou * on * inner * 4);
    if (simd && inner == 1) {
      let o: i64 = 0;
      for (; o + 4 <= on; o += 4) {
        if (v128.any_true(v128.load(fw + <usize>(o << 2)))) break;
        let acc = f32x4.mul(v128.load(ww + <usize>(o << 2)), gather4(s, iw + <usize>(o << 2)));
        for (let k = 1; k < K; k++) {
          const q = <usize>((<i64>k * on + o) << 2);
          acc = f32x4.add(acc, f32x4.mul(v128.load(ww + q), gather4(s, iw + q)));
        }
        v128.store(dr + <usize>(o << 2), acc);
      }
      for (; o < on; o++) store<f32>(dr + <usize>(o << 2), load<i32>(fw + <usize>(o << 2)) != 0 ? ext : sum1(s, iw, ww, K, on, o, 1, 0));
      continue;
    }
    for (let o: i64 = 0; o < on; o++) {
      const row = dr + <usize>(o * inner * 4);
      if (load<i32>(fw + <usize>(o << 2)) != 0) { for (let i: i64 = 0; i < inner; i++) store<f32>(row + <usize>(i << 2), ext); continue; }
      let i: i64 = 0;
      if (simd) {
        for (; i + 4 <= inner; i += 4) {
          let acc = f32x4.mul(f32x4.splat(load<f32>(ww + <usize>(o << 2))), v128.load(s + <usize>((<i64>load<i32>(iw + <usize>(o << 2)) * inner + i) << 2)));
          for (let k = 1; k < K; k++) {
            const q = <usize>((<i64>k * on + o) << 2);
            acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(ww + q)), v128.load(s + <usize>((<i64>load<i32>(iw + q) * inner + i) << 2))));
          }
          v128.store(row + <usize>(i << 2), acc);
        }
      }
      for (; i < inner; i++) store<f32>(row + <usize>(i << 2), sum1(s, iw, ww, K, on, o, inner, i));
    }
  }
}

// @ts-ignore: decorator
@inline function gather4(s: usize, ip: usize): v128 {
  let v = f32x4.splat(load<f32>(s + (<usize>load<i32>(ip) << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(s + (<usize>load<i32>(ip, 4) << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(s + (<usize>load<i32>(ip, 8) << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(s + (<usize>load<i32>(ip, 12) << 2)));
}

function resize(y: usize, x: usize, params: usize, scales: usize, roi: usize, work: usize, workBytes: i32, simd: bool): i32 {
  const total = setup(params, scales);
  if (total < 0) return 1;
  if (<i64><u32>workBytes < resizeWorkBytes(params)) return 2;
  if (total == 0) return 0;
  const r = pi(params, 0), mode = pi(params, 2), K = taps(mode), es = pi(params, 1);
  const ext = reinterpret<f32>(pi(params, 7));
  let p = work, mask = 0;
  for (let d = r - 1; d >= 0; d--) {
    unchecked(TAB[d] = p);
    if (!table(params, d, p, roi)) mask |= 1 << d;
    const on = unchecked(OUT[d]);
    p += <usize>(2 * pad16(<i64>K * on * 4) + pad16(on * 4));
  }
  if (mode == 0) { nearest(params, y, x, ext); return 0; }
  if (mask == 0) { memory.copy(y, x, <usize>(total * <i64>es)); return 0; }
  let big: i64 = 0, cur: i64 = 1;
  for (let d = 0; d < r; d++) { unchecked(CUR[d] = unchecked(IN[d])); cur *= unchecked(IN[d]); }
  for (let d = r - 1; d >= 0; d--) { cur = cur / max<i64>(unchecked(IN[d]), 1) * unchecked(OUT[d]); if (cur > big) big = cur; }
  const bufA = p, bufB = p + <usize>pad16(big * 4);
  let src = x, flip = false;
  for (let d = r - 1; d >= 0; d--) {
    if ((mask & (1 << d)) == 0) continue;
    let outer: i64 = 1, inner: i64 = 1;
    for (let j = 0; j < d; j++) outer *= unchecked(CUR[j]);
    for (let j = d + 1; j < r; j++) inner *= unchecked(CUR[j]);
    const lastPass = (mask & ((1 << d) - 1)) == 0;
    const dst = lastPass ? y : flip ? bufB : bufA;
    pass(src, dst, unchecked(TAB[d]), K, outer, unchecked(CUR[d]), unchecked(OUT[d]), inner, ext, simd);
    unchecked(CUR[d] = unchecked(OUT[d]));
    src = dst; flip = !flip;
  }
  return 0;
}

export function resize_nd_any__simd128(y: usize, x: usize, params: usize, scales: usize, roi: usize, work: usize, workBytes: i32): i32 {
  return resize(y, x, params, scales, roi, work, workBytes, true);
}

export function resize_nd_any__scalar(y: usize, x: usize, params: usize, scales: usize, roi: usize, work: usize, workBytes: i32): i32 {
  return resize(y, x, params, scales, roi, work, workBytes, false);
}

/** Output dims from scales (Resize / Upsample given scales): floor(in * scale) in f64, as the
 *  reference's numpy does. 0 ok, 1 a scale negative or not finite, or a dim above 2^31 - 1. */
export function resize_out_dims__scalar(n: i32, dims: usize, scales: usize, out: usize): i32 {
  for (let i = 0; i < n; i++) {
    const s = <f64>load<f32>(scales + (<usize>i << 2)), v = Math.floor(<f64>pi(dims, i) * s);
    if (!(s >= 0.0) || !(v < 2147483648.0)) return 1;
    store<i32>(out + (<usize>i << 2), <i32>v);
  }
  return 0;
}

// N-d pooling windows on NC[D]HW values with 1 to 3 spatial dims (see: ONNX MaxPool, opset 12;
// AveragePool, opset 19; LpPool, opset 18; Global*Pool, opset 1):
//   pool_nd_any__scalar(dtype, y, idx, x, p, pnorm) -> 0 ok | 1 bad type for the mode | 2 bad p
//   pool_nd_f32__simd128(dtype, y, idx, x, p, pnorm) -> the same (SIMD on f32 max / avg rows)
// p: i32s [nsp, N, C, mode, storage_order, then per spatial dim (outermost first): in, out, k,
// stride, dilation, pad_begin, pad_end]. mode: 0 max, 1 average over the taps inside x, 2 average
// over the taps inside the padded x (count_include_pad), 3 Lp norm (pnorm). x [N, C, in...],
// y [N, C, out...]; idx (max only, 0: none): the i64 flat index into x of each output's max
// (storage_order 1: the spatial part column-major).
// Window of output o along a dim: taps o * stride - pad_begin + j * dilation, j < k; taps outside
// x are skipped (never read). Order per output: taps row-major over (kd, kh, kw); max:
// m = max(m, v) from -inf (wasm max: NaN propagates) or the type's minimum, the index moving on
// v > m (or the first NaN); average: s = s + v from 0 in the element type, then one division by
// the count; Lp: s = s + |v|^p, then s^(1 / p). Max takes f32 f64 i8 u8 i32 i64; the others f32
// f64. The SIMD kernel takes rows of 4 neighbouring outputs whose taps along the innermost dim all
// lie inside x (a lane per output, the same taps in the same order): the same bits; the rest goes
// through the scalar per-output code.

import { DT_F32, DT_F64, DT_I8, DT_U8, DT_I32, DT_I64 } from "./dtype";

export const PM_MAX = 0, PM_AVG = 1, PM_AVG_PAD = 2, PM_LP = 3;
const COLS = 7, HEAD = 5;
// per dim (3, leading ones unit): in, out, k, stride, dilation, pad_begin, pad_end
const GP: StaticArray<i32> = new StaticArray<i32>(3 * COLS);
let gN = 0, gC = 0, gMode = 0, gOrder = 0;

// @ts-ignore: decorator
@inline function gp(d: i32, c: i32): i32 { return unchecked(GP[d * COLS + c]); }

function readPool(p: usize): bool {
  const nsp = load<i32>(p);
  if (nsp < 1 || nsp > 3) return false;
  gN = load<i32>(p + 4); gC = load<i32>(p + 8); gMode = load<i32>(p + 12); gOrder = load<i32>(p + 16);
  if (gN < 0 || gC < 0 || gMode < 0 || gMode > 3 || gOrder < 0 || gOrder > 1) return false;
  for (let d = 0; d < 3; d++) {
    const s = d - (3 - nsp);
    for (let c = 0; c < COLS; c++) {
      const v = s < 0 ? (c >= 5 ? 0 : 1) : load<i32>(p + 4 * (HEAD + s * COLS + c));
      unchecked(GP[d * COLS + c] = v);
    }
    if (gp(d, 0) < 0 || gp(d, 1) < 0 || gp(d, 2) < 1 || gp(d, 3) < 1 || gp(d, 4) < 1 || gp(d, 5) < 0 || gp(d, 6) < 0) return false;
  }
  return true;
}

function typeOk(dtype: i32, mode: i32): bool {
  if (dtype == DT_F32 || dtype == DT_F64) return true;
  return mode == PM_MAX && (dtype == DT_I8 || dtype == DT_U8 || dtype == DT_I32 || dtype == DT_I64);
}

// @ts-ignore: decorator
@inline function lowest<T>(): T {
  if (isFloat<T>()) return <T>-Infinity;
  if (sizeof<T>() == 1) return isSigned<T>() ? <T>-128 : <T>0;
  return sizeof<T>() == 8 ? <T>i64.MIN_VALUE : <T>i32.MIN_VALUE;
}

// @ts-ignore: decorator
@inline function powT<T>(a: T, b: T): T { return sizeof<T>() == 4 ? <T>Mathf.pow(<f32>a, <f32>b) : <T>Math.pow(<f64>a, <f64>b); }

// Output (nc, od, oh, ow) of one window, written to y (and idx).
// @ts-ignore: decorator
@inline function one<T>(y: usize, idx: usize, x: usize, nc: i64, od: i32, oh: i32, ow: i32, pn: T): void {
  const ID = gp(0, 0), IH = gp(1, 0), IW = gp(2, 0);
  const xb = x + <usize>(nc * ID * IH * IW * sizeof<T>());
  let acc: T = gMode == PM_MAX ? lowest<T>() : <T>0, best: T = acc;
  let arg: i64 = -1, cnt: i64 = 0, cntPad: i64 = 0;
  for (let kd = 0; kd < gp(0, 2); kd++) {
    const id = od * gp(0, 3) - gp(0, 5) + kd * gp(0, 4);
    const pd = id >= -gp(0, 5) && id < ID + gp(0, 6), ind = id >= 0 && id < ID;
    for (let kh = 0; kh < gp(1, 2); kh++) {
      const ih = oh * gp(1, 3) - gp(1, 5) + kh * gp(1, 4);
      const ph = pd && ih >= -gp(1, 5) && ih < IH + gp(1, 6), inh = ind && ih >= 0 && ih < IH;
      for (let kw = 0; kw < gp(2, 2); kw++) {
        const iw = ow * gp(2, 3) - gp(2, 5) + kw * gp(2, 4);
        if (ph && iw >= -gp(2, 5) && iw < IW + gp(2, 6)) cntPad++;
        if (!(inh && iw >= 0 && iw < IW)) continue;
        const e = (<i64>id * IH + ih) * IW + iw;
        const v = load<T>(xb + <usize>(e * sizeof<T>()));
        cnt++;
        if (gMode == PM_MAX) {
          acc = isFloat<T>() ? max<T>(acc, v) : (v > acc ? v : acc);
          if (idx != 0 && (arg < 0 || v > best || (v != v && best == best))) { best = v; arg = gOrder == 0 ? e : (<i64>iw * IH + ih) * ID + id; }
        } else if (gMode == PM_LP) acc = <T>(acc + powT<T>(abs<T>(v), pn));
        else acc = <T>(acc + v);
      }
    }
  }
  if (gMode == PM_AVG) acc = <T>(acc / <T>cnt);
  else if (gMode == PM_AVG_PAD) acc = <T>(acc / <T>cntPad);
  else if (gMode == PM_LP) acc = powT<T>(acc, <T>1 / pn);
  const o = ((nc * gp(0, 1) + od) * gp(1, 1) + oh) * gp(2, 1) + ow;
  store<T>(y + <usize>(o * sizeof<T>()), acc);
  if (idx != 0) store<i64>(idx + <usize>(o << 3), arg < 0 ? -1 : nc * ID * IH * IW + arg);
}

function scalarT<T>(y: usize, idx: usize, x: usize, pn: T): void {
  const NC = <i64>gN * gC;
  for (let nc: i64 = 0; nc < NC; nc++) {
    for (let od = 0; od < gp(0, 1); od++) for (let oh = 0; oh < gp(1, 1); oh++) for (let ow = 0; ow < gp(2, 1); ow++) one<T>(y, idx, x, nc, od, oh, ow, pn);
  }
}

function dispatch(dtype: i32, y: usize, idx: usize, x: usize, pnorm: f32): void {
  if (dtype == DT_F32) scalarT<f32>(y, idx, x, pnorm);
  else if (dtype == DT_F64) scalarT<f64>(y, idx, x, <f64>pnorm);
  else if (dtype == DT_I8) scalarT<i8>(y, idx, x, 0);
  else if (dtype == DT_U8) scalarT<u8>(y, idx, x, 0);
  else if (dtype == DT_I32) scalarT<i32>(y, idx, x, 0);
  else scalarT<i64>(y, idx, x, 0);
}

export function pool_nd_any__scalar(dtype: i32, y: usize, idx: usize, x: usize, p: usize, pnorm: f32): i32 {
  if (!readPool(p)) return 2;
  if (!typeOk(dtype, gMode) || (idx != 0 && gMode != PM_MAX)) return 1;
  dispatch(dtype, y, idx, x, pnorm);
  return 0;
}

// 4 outputs ow0..ow0+3 of row (nc, od, oh), every tap along w inside x.
// @ts-ignore: decorator
@inline function four(y: usize, x: usize, nc: i64, od: i32, oh: i32, ow0: i32): void {
  const ID = gp(0, 0), IH = gp(1, 0), IW = gp(2, 0), SW = gp(2, 3), KW = gp(2, 2), DW = gp(2, 4);
  const xb = x + <usize>(nc * ID * IH * IW << 2);
  let acc = f32x4.splat(gMode == PM_MAX ? -Infinity : 0);
  let cnt: i64 = 0, cntPad: i64 = 0;
  for (let kd = 0; kd < gp(0, 2); kd++) {
    const id = od * gp(0, 3) - gp(0, 5) + kd * gp(0, 4);
    const pd = id >= -gp(0, 5) && id < ID + gp(0, 6), ind = id >= 0 && id < ID;
    for (let kh = 0; kh < gp(1, 2); kh++) {
      const ih = oh * gp(1, 3) - gp(1, 5) + kh * gp(1, 4);
      if (pd && ih >= -gp(1, 5) && ih < IH + gp(1, 6)) cntPad += KW;
      if (!(ind && ih >= 0 && ih < IH)) continue;
      cnt += KW;
      const row = xb + <usize>(((<i64>id * IH + ih) * IW) << 2);
      for (let kw = 0; kw < KW; kw++) {
        const p0 = row + (<usize>(ow0 * SW - gp(2, 5) + kw * DW) << 2);
        let v: v128;
        if (SW == 1) v = v128.load(p0);
        else {
          const st = <usize>SW << 2;
          v = f32x4.splat(load<f32>(p0));
          v = f32x4.replace_lane(v, 1, load<f32>(p0 + st));
          v = f32x4.replace_lane(v, 2, load<f32>(p0 + 2 * st));
          v = f32x4.replace_lane(v, 3, load<f32>(p0 + 3 * st));
        }
        acc = gMode == PM_MAX ? f32x4.max(acc, v) : f32x4.add(acc, v);
      }
    }
  }
  if (gMode == PM_AVG) acc = f32x4.div(acc, f32x4.splat(<f32>cnt));
  else if (gMode == PM_AVG_PAD) acc = f32x4.div(acc, f32x4.splat(<f32>cntPad));
  const o = ((nc * gp(0, 1) + od) * gp(1, 1) + oh) * gp(2, 1) + ow0;
  v128.store(y + <usize>(o << 2), acc);
}

export function pool_nd_f32__simd128(dtype: i32, y: usize, idx: usize, x: usize, p: usize, pnorm: f32): i32 {
  if (!readPool(p)) return 2;
  if (!typeOk(dtype, gMode) || (idx != 0 && gMode != PM_MAX)) return 1;
  if (dtype != DT_F32 || idx != 0 || gMode == PM_LP) { dispatch(dtype, y, idx, x, pnorm); return 0; }
  const OW = gp(2, 1), SW = gp(2, 3), PB = gp(2, 5), IW = gp(2, 0), ext = (gp(2, 2) - 1) * gp(2, 4);
  // outputs [lo, hi) have every w tap inside x: ow * SW >= PB and ow * SW - PB + ext < IW
  const lo = min((PB + SW - 1) / SW, OW);
  const hi = IW - 1 - ext + PB >= 0 ? max(lo, min(OW, (IW - 1 - ext + PB) / SW + 1)) : lo;
  const NC = <i64>gN * gC;
  for (let nc: i64 = 0; nc < NC; nc++) {
    for (let od = 0; od < gp(0, 1); od++) for (let oh = 0; oh < gp(1, 1); oh++) {
      let ow = 0;
      for (; ow < lo; ow++) one<f32>(y, 0, x, nc, od, oh, ow, 0);
      for (; ow + 4 <= hi; ow += 4) four(y, x, nc, od, oh, ow);
      for (; ow < OW; ow++) one<f32>(y, 0, x, nc, od, oh, ow, 0);
    }
  }
  return 0;
}

// maxunpool_any__scalar(esize, y, x, ind, n, rank, dims) -> 0 | 1 bad element size / dims | 3 an
// index outside the index space (nothing written). dims: rank i32s of the index space (the
// default output, [N, C, (in - 1) * stride + k - pads...]) then rank i32s of y. y = 0, then for
// j < n in order (a later j wins): the element at ind[j]'s multi-index in the index space
// (i64, flat over the whole of it) = x[j]; a multi-index past y's dims is out of range.
// see: ONNX MaxUnpool, opset 11 (output_shape pads the default output at the end)
export function maxunpool_any__scalar(esize: i32, y: usize, x: usize, ind: usize, n: i32, rank: i32, dims: usize): i32 {
  if (!(esize == 1 || esize == 2 || esize == 4 || esize == 8) || n < 0 || rank < 1 || rank > 8) return 1;
  let space: i64 = 1, total: i64 = 1;
  for (let i = 0; i < rank; i++) {
    const a = load<i32>(dims + (<usize>i << 2)), b = load<i32>(dims + (<usize>(rank + i) << 2));
    if (a < 0 || b < 0) return 1;
    space *= a; total *= b;
  }
  for (let pass = 0; pass < 2; pass++) {
    if (pass == 1) memory.fill(y, 0, <usize>total * esize);
    for (let j = 0; j < n; j++) {
      let t = load<i64>(ind + (<usize>j << 3));
      if (t < 0 || t >= space) return 3;
      let o: i64 = 0, st: i64 = 1;
      for (let i = rank - 1; i >= 0; i--) {
        const a = <i64>load<i32>(dims + (<usize>i << 2)), b = <i64>load<i32>(dims + (<usize>(rank + i) << 2));
        const k = t % a; t /= a;
        if (k >= b) return 3;
        o += k * st; st *= b;
      }
      if (pass == 1) memory.copy(y + <usize>o * esize, x + (<usize>j) * esize, <usize>esize);
    }
  }
  return 0;
}

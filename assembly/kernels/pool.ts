// Pooling over NHWC f32 tensors (see conv2d.ts for the layout), SIMD over channels.
//
// maxpool_f32__simd128: m = -inf; for kh, for kw over the taps inside the input: m = max(m, x)
//   (wasm max: NaN propagates, max(-0, +0) = +0). Padding never wins (it is -inf, i.e. skipped).
// avgpool_f32__simd128: s = 0; for kh, for kw over the taps inside the input: s += x; then
//   y = s / count, one f32 division (not s * (1/count), which rounds twice). count is the number
//   of taps inside the input, or with countIncludePad != 0 the number of taps inside the padded
//   input (= KH*KW here, as there is no ceil mode).
// gavgpool_f32__simd128: y[n, c] = (sum over h, then w, ascending, starting at 0) / (H*W).
// Pads must be smaller than the kernel (ONNX), so every window has at least one real tap.
//
// Exported signatures (all i32):
//   maxpool_f32__simd128(x, N, H, W, C, KH, KW, strideH, strideW, padT, padL, padB, padR, y, OH, OW) -> 0 | 1
//   avgpool_f32__simd128(x, N, H, W, C, KH, KW, strideH, strideW, padT, padL, padB, padR,
//                  countIncludePad, y, OH, OW) -> 0 | 1
//   gavgpool_f32__simd128(x, N, H, W, C, y)  (y is [N, C])  -> 0 | 1
// and the same with _ref (scalar, same order). 1 = CONV_BAD_ARGS (inconsistent shapes, nothing
// written). Kernels read up to 12 bytes past the last channel of a pixel (padding contract).

import { CONV_BAD_ARGS, conv_out_dim } from "./conv2d";

function bad(N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32, padT: i32, padL: i32,
  padB: i32, padR: i32, OH: i32, OW: i32): bool {
  if (N < 0 || C < 1 || padT >= KH || padB >= KH || padL >= KW || padR >= KW) return true;
  return conv_out_dim(H, KH, sH, padT, padB, 1) != OH || conv_out_dim(W, KW, sW, padL, padR, 1) != OW;
}

// @ts-ignore: decorator
@inline function storeLanes(y: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) { v128.store(y, v); return; }
  const tmp = memory.data(16, 16);
  v128.store(tmp, v);
  memory.copy(y, tmp, <usize>lanes << 2);
}

// Shared driver: mode 0 max, 1 avg (exclusive), 2 avg (count_include_pad).
function pool(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, mode: i32, y: usize, OH: i32, OW: i32): void {
  const ninf = f32x4.splat(-Infinity), z = f32x4.splat(0);
  const all = count(KH, KW);             // count_include_pad: every window lies in the padded input
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) {
    const ih0 = oh * sH - padT;
    const h0 = max(ih0, 0), h1 = min(ih0 + KH, H);
    for (let ow = 0; ow < OW; ow++) {
      const iw0 = ow * sW - padL;
      const w0 = max(iw0, 0), w1 = min(iw0 + KW, W);
      const cv = f32x4.splat(mode == 2 ? all : count(h1 - h0, w1 - w0));
      const yp = y + (<usize>(((n * OH + oh) * OW + ow) * C) << 2);
      let c = 0;
      for (; c + 8 <= C; c += 8) {
        let a0 = mode == 0 ? ninf : z, a1 = a0;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) {
          const xp = x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2);
          if (mode == 0) { a0 = f32x4.max(a0, v128.load(xp)); a1 = f32x4.max(a1, v128.load(xp, 16)); }
          else { a0 = f32x4.add(a0, v128.load(xp)); a1 = f32x4.add(a1, v128.load(xp, 16)); }
        }
        if (mode != 0) { a0 = f32x4.div(a0, cv); a1 = f32x4.div(a1, cv); }
        v128.store(yp + (<usize>c << 2), a0); v128.store(yp + (<usize>c << 2), a1, 16);
      }
      for (; c < C; c += 4) {
        let a = mode == 0 ? ninf : z;
        for (let ih = h0; ih < h1; ih++) for (let iw = w0; iw < w1; iw++) {
          const v = v128.load(x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2));
          a = mode == 0 ? f32x4.max(a, v) : f32x4.add(a, v);
        }
        if (mode != 0) a = f32x4.div(a, cv);
        storeLanes(yp + (<usize>c << 2), a, C - c);
      }
    }
  }
}

function poolRef(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, mode: i32, y: usize, OH: i32, OW: i32): void {
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    // The window's rows [ih0, ih0 + KH) and columns; only its taps inside the input are visited
    // (a window may be far larger than the input). Pads are smaller than the kernel and there is
    // no ceil mode, so every window lies inside the padded input: count_include_pad is KH * KW.
    const ih0 = oh * sH - padT, iw0 = ow * sW - padL;
    for (let c = 0; c < C; c++) {
      let a: f32 = mode == 0 ? -Infinity : 0;
      for (let ih = max(ih0, 0); ih < min(ih0 + KH, H); ih++) {
        for (let iw = max(iw0, 0); iw < min(iw0 + KW, W); iw++) {
          const v = load<f32>(x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2));
          a = mode == 0 ? max<f32>(a, v) : a + v;
        }
      }
      if (mode == 1) a = a / count(min(ih0 + KH, H) - max(ih0, 0), min(iw0 + KW, W) - max(iw0, 0));
      if (mode == 2) a = a / count(KH, KW);
      store<f32>(y + (<usize>(((n * OH + oh) * OW + ow) * C + c) << 2), a);
    }
  }
}

// A tap count as the f32 divisor: the product in 64 bits (a window of 65536 x 65536 taps holds
// 2^32), one rounding to f32.
// @ts-ignore: decorator
@inline function count(rows: i32, cols: i32): f32 {
  return <f32>(<i64>rows * <i64>cols);
}

export function maxpool_f32__simd128(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, y: usize, OH: i32, OW: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, OH, OW)) return CONV_BAD_ARGS;
  pool(x, N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, 0, y, OH, OW);
  return 0;
}

export function maxpool_f32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, y: usize, OH: i32, OW: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, OH, OW)) return CONV_BAD_ARGS;
  poolRef(x, N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, 0, y, OH, OW);
  return 0;
}

export function avgpool_f32__simd128(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, countIncludePad: i32, y: usize, OH: i32, OW: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, OH, OW)) return CONV_BAD_ARGS;
  pool(x, N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, countIncludePad != 0 ? 2 : 1, y, OH, OW);
  return 0;
}

export function avgpool_f32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, padB: i32, padR: i32, countIncludePad: i32, y: usize, OH: i32, OW: i32): i32 {
  if (bad(N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, OH, OW)) return CONV_BAD_ARGS;
  poolRef(x, N, H, W, C, KH, KW, sH, sW, padT, padL, padB, padR, countIncludePad != 0 ? 2 : 1, y, OH, OW);
  return 0;
}

export function gavgpool_f32__simd128(x: usize, N: i32, H: i32, W: i32, C: i32, y: usize): i32 {
  if (N < 0 || H < 1 || W < 1 || C < 1) return CONV_BAD_ARGS;
  const HW = H * W;
  const cv = f32x4.splat(<f32>HW);
  for (let n = 0; n < N; n++) {
    const xn = x + (<usize>(n * HW * C) << 2), yn = y + (<usize>(n * C) << 2);
    let c = 0;
    for (; c + 16 <= C; c += 16) {
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let xp = xn + (<usize>c << 2);
      for (let i = 0; i < HW; i++) {
        a0 = f32x4.add(a0, v128.load(xp)); a1 = f32x4.add(a1, v128.load(xp, 16));
        a2 = f32x4.add(a2, v128.load(xp, 32)); a3 = f32x4.add(a3, v128.load(xp, 48));
        xp += <usize>C << 2;
      }
      const yp = yn + (<usize>c << 2);
      v128.store(yp, f32x4.div(a0, cv)); v128.store(yp, f32x4.div(a1, cv), 16);
      v128.store(yp, f32x4.div(a2, cv), 32); v128.store(yp, f32x4.div(a3, cv), 48);
    }
    for (; c < C; c += 4) {
      let a = f32x4.splat(0);
      let xp = xn + (<usize>c << 2);
      for (let i = 0; i < HW; i++) { a = f32x4.add(a, v128.load(xp)); xp += <usize>C << 2; }
      storeLanes(yn + (<usize>c << 2), f32x4.div(a, cv), C - c);
    }
  }
  return 0;
}

export function gavgpool_f32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, y: usize): i32 {
  if (N < 0 || H < 1 || W < 1 || C < 1) return CONV_BAD_ARGS;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    let s: f32 = 0;
    for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) s += load<f32>(x + (<usize>(((n * H + h) * W + w) * C + c) << 2));
    store<f32>(y + (<usize>(n * C + c) << 2), s / <f32>(H * W));
  }
  return 0;
}

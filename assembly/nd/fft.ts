// Discrete Fourier transforms in f64 (inputs f32 / f64, outputs rounded once to the input type):
//   dft_any__simd128(dtype, inverse, y, x, outer, len, inner, cin, n, outLen, scratch) -> status
//     x: outer x len x inner x cin (cin 1: real, 2: complex); y: outer x outLen x inner x 2. Each
//     line along `len` is cut or zero-padded to n, transformed, and its first outLen bins written
//     (see: ONNX DFT, opset 17: dft_length n, onesided outLen = n / 2 + 1; inverse divides by n).
//   stft_any__simd128(dtype, y, x, window, batch, sigLen, cin, step, frameLen, frames, bins, scratch)
//     x: batch x sigLen x cin; frame f of batch b is x[b, f * step + k] * window[k], k < frameLen
//     (window 0: all ones); y: batch x frames x bins x 2 (see: ONNX STFT, opset 17).
//   fft_scratch_bytes(n): the scratch either kernel needs for transforms of length n.
// X[k] = sum_j x[j] e^(-+2 pi i jk / n). A power-of-two n takes an iterative radix-2 FFT; any
// other n Bluestein's chirp-z form (x[j] w[j] convolved with conj w by power-of-two FFTs of
// m >= 2n - 1 points, w[j] = e^(-+pi i j^2 / n), j^2 taken mod 2n in integers). Twiddles come
// from Math.cos / Math.sin (the module's own, the same bits everywhere). *__simd128 holds a
// complex number as one f64x2: the products and sums of *__scalar in the same order (a complex
// product re = ar * br - ai * bi, im = ai * br + ar * bi), so the same bits. Status: 0 ok,
// 1 dtype, 2 dims.

import { DT_F32, DT_F64 } from "./dtype";

// @ts-ignore: decorator
@inline function cx(p: usize, i: i64): usize { return p + (<usize>i << 4); }
// @ts-ignore: decorator
@inline function el<T>(p: usize, i: i64): usize { return p + (<usize>i << alignof<T>()); }

function isPow2(n: i64): bool { return n > 0 && (n & (n - 1)) == 0; }
function pow2Above(n: i64): i64 { let m: i64 = 1; while (m < n) m <<= 1; return m; }
/** The FFT length: n itself, or Bluestein's m. */
function fftLen(n: i64): i64 { return isPow2(n) ? n : pow2Above(2 * n - 1); }

/** Bytes of scratch for transforms of length n (0 when n < 1 or too large). */
export function fft_scratch_bytes(n: i32): i32 {
  if (n < 1 || n > (1 << 24)) return 0;
  const m = fftLen(n);
  // line (m), twiddles (m / 2 + 1), and for Bluestein the chirp (n) and its transform (m)
  const cells = isPow2(n) ? m + m / 2 + 1 : 2 * m + m / 2 + 1 + n;
  return <i32>(cells * 16 + 16);
}

// The plan in scratch: line | twiddles | chirp | chirp transform.
let LINE: usize = 0, TW: usize = 0, CH: usize = 0, CHF: usize = 0, M: i64 = 0, N: i64 = 0, INV = false;

/** Complex product of the f64 pairs at a and b into (PR, PI). */
let PR: f64 = 0, PI: f64 = 0;
// @ts-ignore: decorator
@inline function cmul(ar: f64, ai: f64, br: f64, bi: f64): void { PR = ar * br - ai * bi; PI = ai * br + ar * bi; }
// @ts-ignore: decorator
@inline function vcmul(a: v128, b: v128): v128 {
  // [ar * br, ai * br] + [-(ai * bi), ar * bi]
  const t1 = f64x2.mul(a, f64x2.splat(f64x2.extract_lane(b, 0)));
  const t2 = f64x2.mul(v128.shuffle<f64>(a, a, 1, 0), f64x2.splat(f64x2.extract_lane(b, 1)));
  return f64x2.add(t1, f64x2.mul(t2, f64x2.replace_lane(f64x2.splat(1), 0, -1)));
}

/** Bit-reversal permutation and in-place radix-2 butterflies on m points at p (forward twiddles
 *  in TW; the sign of their imaginary parts flipped when INV). */
function fft(simd: bool, p: usize, m: i64): void {
  for (let i: i64 = 1, j: i64 = 0; i < m; i++) {
    let bit = m >> 1;
    for (; (j & bit) != 0; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { const a = v128.load(cx(p, i)); v128.store(cx(p, i), v128.load(cx(p, j))); v128.store(cx(p, j), a); }
  }
  const sgn: f64 = INV ? -1 : 1;
  for (let len: i64 = 2; len <= m; len <<= 1) {
    const half = len >> 1, step = M / len;
    for (let i: i64 = 0; i < m; i += len) {
      for (let k: i64 = 0; k < half; k++) {
        const wr = load<f64>(cx(TW, k * step)), wi = sgn * load<f64>(cx(TW, k * step), 8);
        const a = cx(p, i + k), b = cx(p, i + k + half);
        if (simd) {
          const u = v128.load(a), v = vcmul(v128.load(b), f64x2.replace_lane(f64x2.splat(wr), 1, wi));
          v128.store(a, f64x2.add(u, v));
          v128.store(b, f64x2.sub(u, v));
        } else {
          cmul(load<f64>(b), load<f64>(b, 8), wr, wi);
          const ur = load<f64>(a), ui = load<f64>(a, 8);
          store<f64>(a, ur + PR); store<f64>(a, ui + PI, 8);
          store<f64>(b, ur - PR); store<f64>(b, ui - PI, 8);
        }
      }
    }
  }
}

/** Lays out the plan for length n at scratch: twiddles e^(-2 pi i k / m), and Bluestein's chirp. */
function prepare(simd: bool, scratch: usize, n: i64, inverse: bool): void {
  N = n; M = fftLen(n); INV = inverse;
  LINE = scratch; TW = cx(LINE, M);
  for (let k: i64 = 0; k <= M / 2; k++) {
    const a = (-2 * Math.PI * <f64>k) / <f64>M;
    store<f64>(cx(TW, k), Math.cos(a)); store<f64>(cx(TW, k), Math.sin(a), 8);
  }
  if (isPow2(n)) return;
  CH = cx(TW, M / 2 + 1); CHF = cx(CH, n);
  const s: f64 = inverse ? 1 : -1;
  for (let j: i64 = 0; j < n; j++) {
    const a = (s * Math.PI * <f64>((j * j) % (2 * n))) / <f64>n;
    store<f64>(cx(CH, j), Math.cos(a)); store<f64>(cx(CH, j), Math.sin(a), 8);
  }
  // conj(chirp) at 0..n-1 and mirrored at m-n+1..m-1, zeros between; then its forward transform
  memory.fill(CHF, 0, <usize>(M << 4));
  for (let j: i64 = 0; j < n; j++) {
    const r = load<f64>(cx(CH, j)), i = -load<f64>(cx(CH, j), 8);
    store<f64>(cx(CHF, j), r); store<f64>(cx(CHF, j), i, 8);
    if (j > 0) { store<f64>(cx(CHF, M - j), r); store<f64>(cx(CHF, M - j), i, 8); }
  }
  const inv = INV; INV = false;
  fft(simd, CHF, M);
  INV = inv;
}

/** Transforms the n points at LINE in place (unscaled), by the plan. */
function transform(simd: bool): void {
  if (isPow2(N)) { fft(simd, LINE, N); return; }
  for (let j: i64 = 0; j < N; j++) {
    cmul(load<f64>(cx(LINE, j)), load<f64>(cx(LINE, j), 8), load<f64>(cx(CH, j)), load<f64>(cx(CH, j), 8));
    store<f64>(cx(LINE, j), PR); store<f64>(cx(LINE, j), PI, 8);
  }
  memory.fill(cx(LINE, N), 0, <usize>((M - N) << 4));
  const inv = INV; INV = false;
  fft(simd, LINE, M);
  for (let j: i64 = 0; j < M; j++) {
    cmul(load<f64>(cx(LINE, j)), load<f64>(cx(LINE, j), 8), load<f64>(cx(CHF, j)), load<f64>(cx(CHF, j), 8));
    store<f64>(cx(LINE, j), PR); store<f64>(cx(LINE, j), PI, 8);
  }
  INV = true;
  fft(simd, LINE, M);
  INV = inv;
  const sc = 1 / <f64>M;
  for (let j: i64 = 0; j < N; j++) {
    cmul(load<f64>(cx(LINE, j)) * sc, load<f64>(cx(LINE, j), 8) * sc, load<f64>(cx(CH, j)), load<f64>(cx(CH, j), 8));
    store<f64>(cx(LINE, j), PR); store<f64>(cx(LINE, j), PI, 8);
  }
}

function dftLines<T>(simd: bool, y: usize, x: usize, outer: i64, len: i64, inner: i64, cin: i64, outLen: i64): void {
  const take = min<i64>(len, N), sc: f64 = INV ? 1 / <f64>N : 1;
  for (let o: i64 = 0; o < outer; o++) {
    for (let i: i64 = 0; i < inner; i++) {
      memory.fill(LINE, 0, <usize>(N << 4));
      for (let k: i64 = 0; k < take; k++) {
        const e = ((o * len + k) * inner + i) * cin;
        store<f64>(cx(LINE, k), <f64>load<T>(el<T>(x, e)));
        if (cin == 2) store<f64>(cx(LINE, k), <f64>load<T>(el<T>(x, e + 1)), 8);
      }
      transform(simd);
      for (let k: i64 = 0; k < outLen; k++) {
        const e = ((o * outLen + k) * inner + i) * 2;
        store<T>(el<T>(y, e), <T>(load<f64>(cx(LINE, k)) * sc));
        store<T>(el<T>(y, e + 1), <T>(load<f64>(cx(LINE, k), 8) * sc));
      }
    }
  }
}

function dftAny(simd: bool, dtype: i32, inverse: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32, cin: i32, n: i32, outLen: i32, scratch: usize): i32 {
  if (dtype != DT_F32 && dtype != DT_F64) return 1;
  if (outer < 0 || len < 0 || inner < 0 || (cin != 1 && cin != 2) || n < 1 || n > (1 << 24) || outLen < 0 || outLen > n) return 2;
  prepare(simd, scratch, n, inverse != 0);
  if (dtype == DT_F32) dftLines<f32>(simd, y, x, outer, len, inner, cin, outLen);
  else dftLines<f64>(simd, y, x, outer, len, inner, cin, outLen);
  return 0;
}

export function dft_any__simd128(dtype: i32, inverse: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32, cin: i32, n: i32, outLen: i32, scratch: usize): i32 {
  return dftAny(true, dtype, inverse, y, x, outer, len, inner, cin, n, outLen, scratch);
}
export function dft_any__scalar(dtype: i32, inverse: i32, y: usize, x: usize, outer: i32, len: i32, inner: i32, cin: i32, n: i32, outLen: i32, scratch: usize): i32 {
  return dftAny(false, dtype, inverse, y, x, outer, len, inner, cin, n, outLen, scratch);
}

function stftFrames<T>(simd: bool, y: usize, x: usize, window: usize, batch: i64, sigLen: i64, cin: i64, step: i64, frames: i64, bins: i64): void {
  for (let b: i64 = 0; b < batch; b++) {
    for (let f: i64 = 0; f < frames; f++) {
      for (let k: i64 = 0; k < N; k++) {
        const e = (b * sigLen + f * step + k) * cin, w: f64 = window != 0 ? <f64>load<T>(el<T>(window, k)) : 1;
        store<f64>(cx(LINE, k), <f64>load<T>(el<T>(x, e)) * w);
        store<f64>(cx(LINE, k), cin == 2 ? <f64>load<T>(el<T>(x, e + 1)) * w : 0, 8);
      }
      transform(simd);
      for (let k: i64 = 0; k < bins; k++) {
        const e = ((b * frames + f) * bins + k) * 2;
        store<T>(el<T>(y, e), <T>load<f64>(cx(LINE, k)));
        store<T>(el<T>(y, e + 1), <T>load<f64>(cx(LINE, k), 8));
      }
    }
  }
}

function stftAny(simd: bool, dtype: i32, y: usize, x: usize, window: usize, batch: i32, sigLen: i32, cin: i32, step: i32, frameLen: i32, frames: i32, bins: i32, scratch: usize): i32 {
  if (dtype != DT_F32 && dtype != DT_F64) return 1;
  if (batch < 0 || sigLen < 0 || (cin != 1 && cin != 2) || step < 1 || frameLen < 1 || frameLen > (1 << 24) || frames < 0 || bins < 0 || bins > frameLen) return 2;
  if (frames > 0 && <i64>(frames - 1) * step + frameLen > <i64>sigLen) return 2;
  prepare(simd, scratch, frameLen, false);
  if (dtype == DT_F32) stftFrames<f32>(simd, y, x, window, batch, sigLen, cin, step, frames, bins);
  else stftFrames<f64>(simd, y, x, window, batch, sigLen, cin, step, frames, bins);
  return 0;
}

export function stft_any__simd128(dtype: i32, y: usize, x: usize, window: usize, batch: i32, sigLen: i32, cin: i32, step: i32, frameLen: i32, frames: i32, bins: i32, scratch: usize): i32 {
  return stftAny(true, dtype, y, x, window, batch, sigLen, cin, step, frameLen, frames, bins, scratch);
}
export function stft_any__scalar(dtype: i32, y: usize, x: usize, window: usize, batch: i32, sigLen: i32, cin: i32, step: i32, frameLen: i32, frames: i32, bins: i32, scratch: usize): i32 {
  return stftAny(false, dtype, y, x, window, batch, sigLen, cin, step, frameLen, frames, bins, scratch);
}

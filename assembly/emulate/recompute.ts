// Dense layer with a low-precision accumulator and componentwise f32 recomputation of the
// ill-conditioned outputs (El Arar, Sohier, de Oliveira Castro, Petit, "Mixed precision
// accumulation for neural network inference guided by componentwise forward error analysis").
// The error of output component y_n of act(w_n . x + b_n) summed in a format of unit roundoff u
// is, to first order, bounded by  K u kappa_ip kappa_act |y_n|  with
//     kappa_ip  = sum_k |w_nk x_k| + |b_n|  /  |sum_k w_nk x_k + b_n|     (inner product)
//     kappa_act = |v f'(v) / f(v)|  at the pre-activation v               (activation f)
// so every component is first computed with the low-precision accumulator, and only those whose
// kappa_ip * kappa_act exceeds tau are computed again in f32.
//
// gemm_f32_f32_emu_recompute__simd128_4x8(x, M, K, wp, bias, N, y, act, accFmt, kact, tau, tmp) -> recomputed count, or -1
// gemm_f32_f32_emu_recompute__scalar(x, M, K, w, bias, N, y, act, accFmt, kact, tau, tmp) -> the same, scalar
//   x [M, K] f32; W [N, K] f32 row-major (`w`, reference) or packed by pack_w_f32 (`wp`); bias [N]
//   or 0; y [M, N]; act 0 none, 1 relu (applied here, as gemm_f32_f32_f32__simd128_5x8 / gemm_f32_f32_emu__simd128_4x8 do); accFmt as in
//   gemm_f32_f32_emu__simd128_4x8 (f16 1, bf16 2, f8_e4m3fn 3, f8_e5m2 4, f8_e3m4 5; 0 = f32 is allowed); kact: the
//   activation whose condition number is used: 0 identity, 1 relu, 2 tanh, 3 sigmoid, 4 gelu
//   (2..4 are applied after this kernel by the caller, with the eltwise kernels, to the whole
//   output; act must be 1 exactly when kact is 1); tau >= 0 (not NaN); tmp: scratch of M*N f32.
//
// Definition, per output (m, n):
//   1. v = gemm_f32_f32_emu__simd128_4x8(act = none) at (m, n): the emulated sum, R(fl32(acc + b)), NaN -> 0x7FC00000;
//      s = absOut at (m, n) = fl32 sum of |fl32(x w)| (k ascending) + |b|  (f32, NaN -> 0x7FC00000)
//   2. kappa_ip = 1 if s == 0 (every product is +-0: the sum is exact), else fl32(s / |v|)
//      (+inf when v == 0, NaN when s or v is NaN)
//   3. kappa_act(v), f32 arithmetic (f64 for gelu, rounded once):
//        identity 1;  relu: 1 if v > 0 else 0;
//        tanh: 1 if v == 0, else |v (1 - t^2) / t| with t = tanh(v);
//        sigmoid: |v| / (1 + exp(v))        (= |v f'/f| since f'/f = 1 - sigmoid(v) = 1/(1 + e^v));
//        gelu: |1 + v phi(v) / Phi(v)|       (f = v Phi(v), f' = Phi(v) + v phi(v)); 1 at v = 0
//   4. recompute iff NOT (fl32(kappa_ip * kappa_act) <= tau): a NaN product (v NaN, or v == 0 with
//      kappa_act 0, e.g. relu of an exact-looking 0) is always recomputed, as is v = +-inf.
//   5. recomputed: acc = +0; for k ascending acc = fl32(acc + fl32(x w)); v = fl32(acc + b) (b = +0
//      without bias) -- exactly gemm_f32_f32_f32__simd128_5x8's order, so the value equals gemm_f32_f32_f32__scalar's bit for bit.
//   6. act relu: recomputed values max(v, 0) (f32.max, as gemm_f32_f32_f32__simd128_5x8); the others map a set sign
//      bit to +0 (as gemm_f32_f32_emu__simd128_4x8). Then y = v.
// The SIMD kernel runs step 1 with gemm_f32_f32_emu__simd128_4x8 (gemm_f32_f32_<acc>__simd128_4x8 with absOut) and
// steps 2..6 per component in scalar code (one dot product per recomputed component in k order;
// a SIMD dot product would change the order); the reference runs step 1 with gemm_f32_f32_emu__scalar.

import { NR } from "../kernels/pack";
import { gemm_f32_f32_emu__simd128_4x8, gemm_f32_f32_emu__scalar, accFmtOk } from "./dense_acc";
import { onePlusErf } from "../kernels/eltwise";

import { KACT_IDENTITY, KACT_RELU, KACT_TANH, KACT_SIGMOID, KACT_GELU } from "../codes";
export { KACT_IDENTITY, KACT_RELU, KACT_TANH, KACT_SIGMOID, KACT_GELU };

const SQRT1_2: f64 = 0.7071067811865476;
const ONE_OVER_SQRT2PI: f64 = 0.3989422804014327;

/** kappa_act(v) of the header (v finite). */
export function kappaAct(kact: i32, v: f32): f32 {
  switch (kact) {
    case KACT_RELU: return v > 0 ? 1 : 0;
    case KACT_TANH: {
      if (v == 0) return 1;
      const t = Mathf.tanh(v);
      return abs<f32>(v * (<f32>1 - t * t) / t);
    }
    case KACT_SIGMOID: return abs<f32>(v) / (<f32>1 + Mathf.exp(v));
    case KACT_GELU: {
      if (v == 0) return 1;
      const d = <f64>v;
      const Phi = 0.5 * onePlusErf(d * SQRT1_2);
      const phi = ONE_OVER_SQRT2PI * Math.exp(-0.5 * d * d);
      return <f32>Math.abs(1 + d * phi / Phi);
    }
    default: return 1;
  }
}

// @ts-ignore: decorator
@inline function needsRecompute(v: f32, s: f32, kact: i32, tau: f32): bool {
  if (!isFinite<f32>(v)) return true;
  const kip: f32 = s == 0 ? 1 : s / abs<f32>(v);
  return !(kip * kappaAct(kact, v) <= tau);
}

function argsOk(M: i32, K: i32, N: i32, act: i32, accFmt: i32, kact: i32, tau: f32): bool {
  return M >= 0 && K >= 0 && N >= 0 && (act == 0 || act == 1) && accFmtOk(accFmt) &&
    kact >= 0 && kact <= KACT_GELU && (act == 1) == (kact == KACT_RELU) && tau >= 0;
}

// Steps 2..6 over all outputs; w(n, k) addressing by `packed`.
// @ts-ignore: decorator
@inline function pass(x: usize, M: i32, K: i32, w: usize, packed: bool, bias: usize, N: i32, y: usize, act: i32, kact: i32, tau: f32, tmp: usize): i32 {
  let count = 0;
  for (let m = 0; m < M; m++) {
    const xr = x + (<usize>(m * K) << 2);
    for (let n = 0; n < N; n++) {
      const o = <usize>(m * N + n) << 2;
      let v = load<f32>(y + o);
      if (needsRecompute(v, load<f32>(tmp + o), kact, tau)) {
        count++;
        let acc: f32 = 0;
        if (packed) {
          const wn = w + (<usize>((n / NR) * K * NR + n % NR) << 2);
          for (let k = 0; k < K; k++) acc += load<f32>(xr + (<usize>k << 2)) * load<f32>(wn + (<usize>(k * NR) << 2));
        } else {
          const wn = w + (<usize>(n * K) << 2);
          for (let k = 0; k < K; k++) acc += load<f32>(xr + (<usize>k << 2)) * load<f32>(wn + (<usize>k << 2));
        }
        acc += bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
        v = act == 1 ? max<f32>(acc, 0) : acc;
      } else if (act == 1 && reinterpret<i32>(v) < 0) v = 0;
      store<f32>(y + o, v);
    }
  }
  return count;
}

export function gemm_f32_f32_emu_recompute__simd128_4x8(x: usize, M: i32, K: i32, wp: usize, bias: usize, N: i32, y: usize, act: i32, accFmt: i32, kact: i32, tau: f32, tmp: usize): i32 {
  if (!argsOk(M, K, N, act, accFmt, kact, tau)) return -1;
  if (gemm_f32_f32_emu__simd128_4x8(x, M, K, wp, bias, N, y, 0, accFmt, tmp) != 0) return -1;
  return pass(x, M, K, wp, true, bias, N, y, act, kact, tau, tmp);
}

export function gemm_f32_f32_emu_recompute__scalar(x: usize, M: i32, K: i32, w: usize, bias: usize, N: i32, y: usize, act: i32, accFmt: i32, kact: i32, tau: f32, tmp: usize): i32 {
  if (!argsOk(M, K, N, act, accFmt, kact, tau)) return -1;
  if (gemm_f32_f32_emu__scalar(x, M, K, w, bias, N, y, 0, accFmt, tmp) != 0) return -1;
  return pass(x, M, K, w, false, bias, N, y, act, kact, tau, tmp);
}

// kappa_act over a vector (for tests and the planner's statistics): y[i] = kappaAct(kact, x[i]),
// non-finite x gives NaN.
export function kappa_act_f32__scalar(kact: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), isFinite<f32>(v) ? kappaAct(kact, v) : NaN);
  }
}

// Normalisations over the last axis of row-major f32 tensors, all in f32 with a fixed order.
//
// logsoftmax_f32__scalar(x, y, rows, len)
//   per row: m = max over the row left to right (wasm f32.max: NaN propagates);
//   s = 0; s += Mathf.exp(x[i] - m) for i = 0, 1, ..., len-1; l = Mathf.log(s);
//   y[i] = (x[i] - m) - l.
//   A row holding +inf or only -inf gives NaN (as ONNX does). Scalar only (no SIMD path).
//   In place (y == x) is allowed.
//
// layernorm_f32__simd128(x, gamma, beta, y, rows, len, eps) -> 0 | 1
//   per row (ONNX LayerNormalization, axis = -1, stash_type f32):
//     s = 0; s += x[i] (i ascending);            mean = s / f32(len)
//     q = 0; d = x[i] - mean; q += d * d (i ascending); var = q / f32(len)
//     r = Mathf.sqrt(var + eps)                  (wasm f32.sqrt: correctly rounded)
//     y[i] = ((x[i] - mean) / r) * gamma[i] + beta[i]
//   Every operation is one f32 rounding, no fused multiply-add. gamma = 0 (null pointer) skips the
//   multiply (= gamma 1, exactly); beta = 0 skips the add (so -0 stays -0, where adding +0 would
//   give +0). Returns 1 when rows < 0 or len < 1 (nothing written). The sums are scalar (fixed
//   left-to-right order); the normalising pass is SIMD. layernorm_f32__scalar is all scalar and
//   equal bit for bit. In place (y == x) is allowed.
//
// batchnorm_f32__simd128(x, scale, shift, y, n, c) -> 0 | 1
//   Folded inference BatchNorm over the channel (last) axis of NHWC: y[i] = x[i] * scale[i % c]
//   + shift[i % c] (a multiply then an add, two roundings). Returns 1 when c < 1 or n % c != 0.
//   batchnorm_f32__scalar is its scalar reference (bitwise equal). In place allowed.
// Kernels read at most 12 bytes past an input (padding contract) and never write past y.

export const NORM_BAD_ARGS = 1;

export function logsoftmax_f32__scalar(x: usize, y: usize, rows: i32, len: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>len << 2), yr = y + (<usize>r * <usize>len << 2);
    if (len < 1) continue;
    let m = load<f32>(xr);
    for (let i = 1; i < len; i++) m = max<f32>(m, load<f32>(xr + (<usize>i << 2)));
    let s: f32 = 0;
    for (let i = 0; i < len; i++) s += Mathf.exp(load<f32>(xr + (<usize>i << 2)) - m);
    const l = Mathf.log(s);
    for (let i = 0; i < len; i++) store<f32>(yr + (<usize>i << 2), (load<f32>(xr + (<usize>i << 2)) - m) - l);
  }
}

// Row statistics: returns mean, writes r = sqrt(var + eps) to the scratch word.
export const sR = memory.data(16, 16);

// @ts-ignore: decorator
@inline export function rowStats(xr: usize, len: i32, eps: f32): f32 {
  let s: f32 = 0;
  for (let i = 0; i < len; i++) s += load<f32>(xr + (<usize>i << 2));
  const mean = s / <f32>len;
  let q: f32 = 0;
  for (let i = 0; i < len; i++) { const d = load<f32>(xr + (<usize>i << 2)) - mean; q += d * d; }
  const v = q / <f32>len;
  store<f32>(sR, Mathf.sqrt(v + eps));
  return mean;
}

// One element of a normalised row: (x - mean) / rs, then * gamma, + beta (the scalar tail of the
// SIMD kernel and the reference).
// @ts-ignore: decorator
@inline function normOne(xr: usize, yr: usize, gamma: usize, beta: usize, o: usize, mean: f32, rs: f32): void {
  let t = (load<f32>(xr + o) - mean) / rs;
  if (gamma != 0) t = t * load<f32>(gamma + o);
  if (beta != 0) t = t + load<f32>(beta + o);
  store<f32>(yr + o, t);
}

export function layernorm_f32__simd128(x: usize, gamma: usize, beta: usize, y: usize, rows: i32, len: i32, eps: f32): i32 {
  if (rows < 0 || len < 1) return NORM_BAD_ARGS;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>len << 2), yr = y + (<usize>r * <usize>len << 2);
    const mean = rowStats(xr, len, eps), rs = load<f32>(sR);
    const mv = f32x4.splat(mean), rv = f32x4.splat(rs);
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      let t = f32x4.div(f32x4.sub(v128.load(xr + o), mv), rv);
      if (gamma != 0) t = f32x4.mul(t, v128.load(gamma + o));
      if (beta != 0) t = f32x4.add(t, v128.load(beta + o));
      v128.store(yr + o, t);
    }
    for (; i < len; i++) normOne(xr, yr, gamma, beta, <usize>i << 2, mean, rs);
  }
  return 0;
}

export function layernorm_f32__scalar(x: usize, gamma: usize, beta: usize, y: usize, rows: i32, len: i32, eps: f32): i32 {
  if (rows < 0 || len < 1) return NORM_BAD_ARGS;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>len << 2), yr = y + (<usize>r * <usize>len << 2);
    const mean = rowStats(xr, len, eps), rs = load<f32>(sR);
    for (let i = 0; i < len; i++) normOne(xr, yr, gamma, beta, <usize>i << 2, mean, rs);
  }
  return 0;
}

export function batchnorm_f32__simd128(x: usize, scale: usize, shift: usize, y: usize, n: i32, c: i32): i32 {
  if (n < 0 || c < 1 || n % c != 0) return NORM_BAD_ARGS;
  if (c == 1) {
    const a = v128.load32_splat(scale), b = v128.load32_splat(shift), as = load<f32>(scale), bs = load<f32>(shift);
    let i = 0;
    for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), f32x4.add(f32x4.mul(v128.load(x + (<usize>i << 2)), a), b));
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * as + bs);
    return 0;
  }
  for (let r = 0; r < n; r += c) {
    const xr = x + (<usize>r << 2), yr = y + (<usize>r << 2);
    let j = 0;
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      v128.store(yr + o, f32x4.add(f32x4.mul(v128.load(xr + o), v128.load(scale + o)), v128.load(shift + o)));
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, load<f32>(xr + o) * load<f32>(scale + o) + load<f32>(shift + o));
    }
  }
  return 0;
}

export function batchnorm_f32__scalar(x: usize, scale: usize, shift: usize, y: usize, n: i32, c: i32): i32 {
  if (n < 0 || c < 1 || n % c != 0) return NORM_BAD_ARGS;
  for (let i = 0; i < n; i++) {
    const k = <usize>(i % c) << 2;
    store<f32>(y + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * load<f32>(scale + k) + load<f32>(shift + k));
  }
  return 0;
}

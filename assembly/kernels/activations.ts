// Elementwise activations and softmax over the last axis. Transcendentals come from
// AssemblyScript's own Mathf (a port of musl's expf), compiled into this module, so they give
// the same bits in every engine (JS Math.exp does not).

export function vrelu_f32__simd128(x: usize, y: usize, n: i32): void {
  let i = 0;
  const z = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), f32x4.max(v128.load(x + (<usize>i << 2)), z));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), max<f32>(load<f32>(x + (<usize>i << 2)), 0));
}

// Scalar reference of vrelu_f32__simd128 (f32x4.max and max<f32> agree on NaN and -0).
export function vrelu_f32__scalar(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), max<f32>(load<f32>(x + (<usize>i << 2)), 0));
}

// Softmax of `rows` rows of length `len`: e = exp(x - max), summed left to right, then e / sum.
export function softmax_f32__scalar(x: usize, y: usize, rows: i32, len: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * len) << 2), yr = y + (<usize>(r * len) << 2);
    let m = load<f32>(xr);
    for (let i = 1; i < len; i++) m = max(m, load<f32>(xr + (<usize>i << 2)));
    let sum: f32 = 0;
    for (let i = 0; i < len; i++) {
      const e = Mathf.exp(load<f32>(xr + (<usize>i << 2)) - m);
      store<f32>(yr + (<usize>i << 2), e);
      sum += e;
    }
    for (let i = 0; i < len; i++) store<f32>(yr + (<usize>i << 2), load<f32>(yr + (<usize>i << 2)) / sum);
  }
}

// Replace every NaN by the canonical quiet NaN 0x7FC00000 (sign cleared): wasm lets an engine
// pick any NaN payload, so outputs are canonicalised before they leave the module.
export function canonicalize_nan(p: usize, n: i32): void {
  const qnan = i32x4.splat(0x7FC00000);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    v128.store(p + (<usize>i << 2), v128.bitselect(qnan, v, f32x4.ne(v, v)));
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v != v) store<u32>(p + (<usize>i << 2), 0x7FC00000);
  }
}

// The same for f64 values: the canonical quiet NaN 0x7FF8000000000000.
export function canonicalize_nan_f64(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    if (v != v) store<u64>(p + (<usize>i << 3), 0x7FF8000000000000);
  }
}

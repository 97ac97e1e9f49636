// Determinants of a batch of square matrices (see: ONNX Det, opset 11):
//   det_f32__scalar(y, x, batch, n) / det_f64__scalar(...): y[b] = det(x[b]), x [batch, n, n].
// Gaussian elimination with partial pivoting (the first row of largest |pivot|, rows swapped on
// a scratch copy), in the element type, no FMA; det = product of pivots, sign flipped per swap.
// The copy goes to `work` (n * n elements of scratch). A zero pivot column gives 0.

// @ts-ignore: decorator
@inline function at(work: usize, n: i32, es: i32, i: i32, j: i32): usize { return work + <usize>(i * n + j) * es; }

function detOne<T>(x: usize, work: usize, n: i32): T {
  const es = <i32>sizeof<T>();
  memory.copy(work, x, <usize>n * n * es);
  let det: T = <T>1;
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = abs<T>(load<T>(at(work, n, es, c, c)));
    for (let r = c + 1; r < n; r++) {
      const v = abs<T>(load<T>(at(work, n, es, r, c)));
      if (v > best) { best = v; p = r; }
    }
    if (best == 0) return <T>0;
    if (p != c) {
      for (let j = 0; j < n; j++) { const t = load<T>(at(work, n, es, c, j)); store<T>(at(work, n, es, c, j), load<T>(at(work, n, es, p, j))); store<T>(at(work, n, es, p, j), t); }
      det = -det;
    }
    const piv = load<T>(at(work, n, es, c, c));
    det = det * piv;
    for (let r = c + 1; r < n; r++) {
      const f = load<T>(at(work, n, es, r, c)) / piv;
      for (let j = c + 1; j < n; j++) store<T>(at(work, n, es, r, j), load<T>(at(work, n, es, r, j)) - f * load<T>(at(work, n, es, c, j)));
    }
  }
  return det;
}

export function det_f32__scalar(y: usize, x: usize, batch: i32, n: i32, work: usize): void {
  for (let b = 0; b < batch; b++) store<f32>(y + (<usize>b << 2), detOne<f32>(x + <usize>b * n * n * 4, work, n));
}

export function det_f64__scalar(y: usize, x: usize, batch: i32, n: i32, work: usize): void {
  for (let b = 0; b < batch; b++) store<f64>(y + (<usize>b << 3), detOne<f64>(x + <usize>b * n * n * 8, work, n));
}

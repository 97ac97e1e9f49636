// EyeLike and ReverseSequence: generated and reordered tensors on element bytes. Statuses:
// nd/idx.ts (0 ok, 1 bad element size / index type, 2 bad dims, 3 a length out of range).
//   eyelike_any__scalar(esize, y, one, rows, cols, k)
//     see: ONNX EyeLike, opset 9. y [rows, cols] is 0 but y[i, i + k] = *one (esize bytes).
//   reverse_sequence_any__scalar(esize, y, x, lens, ltype, T, B, inner, batchMajor)
//     see: ONNX ReverseSequence, opset 10. x is [T, B, inner] (time major) or [B, T, inner]
//     (batchMajor = 1); for batch b the first lens[b] time steps are reversed, the rest copied.
//     lens: B values of i32 / i64, each in [0, T] (else 3, nothing written).

import { ST_OK, ST_TYPE, ST_DIMS, ST_RANGE, okEsize, okIndexType, ldIndex, cpEl } from "./idx";

export function eyelike_any__scalar(esize: i32, y: usize, one: usize, rows: i32, cols: i32, k: i32): i32 {
  if (!okEsize(esize)) return ST_TYPE;
  if (rows < 0 || cols < 0) return ST_DIMS;
  memory.fill(y, 0, <usize>(<i64>rows * cols * esize));
  for (let i: i64 = 0; i < rows; i++) {
    const j = i + k;
    if (j >= 0 && j < cols) cpEl(esize, y + <usize>((i * cols + j) * esize), one);
  }
  return ST_OK;
}

export function reverse_sequence_any__scalar(esize: i32, y: usize, x: usize, lens: usize, ltype: i32, T: i32, B: i32, inner: i32, batchMajor: i32): i32 {
  if (!okEsize(esize) || !okIndexType(ltype)) return ST_TYPE;
  if (T < 0 || B < 0 || inner < 0) return ST_DIMS;
  for (let b: i64 = 0; b < B; b++) {
    const l = ldIndex(ltype, lens, b);
    if (l < 0 || l > T) return ST_RANGE;
  }
  // element offset of (t, b, 0)
  const ts: i64 = batchMajor != 0 ? <i64>inner : <i64>B * inner, bs: i64 = batchMajor != 0 ? <i64>T * inner : <i64>inner;
  for (let b: i64 = 0; b < B; b++) {
    const l = ldIndex(ltype, lens, b);
    for (let t: i64 = 0; t < T; t++) {
      const src = t < l ? l - 1 - t : t;
      const d = y + <usize>((t * ts + b * bs) * esize), s = x + <usize>((src * ts + b * bs) * esize);
      for (let i: i64 = 0; i < inner; i++) cpEl(esize, d + <usize>(i * esize), s + <usize>(i * esize));
    }
  }
  return ST_OK;
}

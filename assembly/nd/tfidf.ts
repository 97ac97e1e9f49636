// TfIdfVectorizer on integer tokens (see: ONNX TfIdfVectorizer, opset 9):
//   tfidf_int_f32__scalar(y, x, xtype, N, C, pool, poolLen, starts, nStarts, idx, nIdx, weights,
//     outDim, minN, maxN, maxSkip, mode) -> status (0 ok, 1 bad type, 2 bad pool / indexes)
// x: N rows of C tokens (i32 / i64). pool: the n-grams as i64 tokens, grouped by length: the
// n-grams of length n start at starts[n - 1] and end at starts[n] (or poolLen). idx[k] is the
// output column of the k-th n-gram in pool order; weights (0: all 1) one f32 per n-gram.
// For each row, each n in [minN, maxN], each skip s in [0, maxSkip] (only 0 for n == 1) and
// each start t with t + (n - 1)(s + 1) < C, the tokens x[t + j(s + 1)], j < n, that equal a
// pool n-gram add 1 to its column. mode 0 TF: the count; 1 IDF: weight where the count > 0;
// 2 TFIDF: count * weight. y: f32 [N, outDim].

import { DT_I32, DT_I64 } from "./dtype";
import { ldIndex } from "./idx";

export function tfidf_int_f32__scalar(y: usize, x: usize, xtype: i32, N: i32, C: i32, pool: usize, poolLen: i32, starts: usize, nStarts: i32,
  idx: usize, nIdx: i32, weights: usize, outDim: i32, minN: i32, maxN: i32, maxSkip: i32, mode: i32): i32 {
  if (xtype != DT_I32 && xtype != DT_I64) return 1;
  if (N < 0 || C < 0 || outDim < 0 || minN < 1 || maxN < minN || maxSkip < 0 || mode < 0 || mode > 2) return 2;
  for (let k = 0; k < nIdx; k++) { const c = load<i64>(idx + (<usize>k << 3)); if (c < 0 || c >= outDim) return 2; }
  memory.fill(y, 0, <usize>N * outDim * 4);
  for (let r: i64 = 0; r < N; r++) {
    const row = y + <usize>(r * outDim * 4);
    let first = 0; // the number of n-grams before length n's group
    for (let n = 1; n <= min(maxN, nStarts); n++) {
      const b = load<i64>(starts + (<usize>(n - 1) << 3)), e = n < nStarts ? load<i64>(starts + (<usize>n << 3)) : <i64>poolLen;
      if (b < 0 || e < b || e > poolLen || (e - b) % n != 0) return 2;
      const count = <i32>((e - b) / n);
      if (first + count > nIdx) return 2;
      if (n >= minN) {
        const skips = n == 1 ? 0 : maxSkip;
        for (let s = 0; s <= skips; s++) {
          const step: i64 = s + 1;
          for (let t: i64 = 0; t + <i64>(n - 1) * step < C; t++) {
            for (let k = 0; k < count; k++) {
              let hit = true;
              for (let j = 0; j < n && hit; j++) hit = ldIndex(xtype, x, r * C + t + <i64>j * step) == load<i64>(pool + (<usize>(b + <i64>k * n + j) << 3));
              if (hit) {
                const p = row + (<usize>load<i64>(idx + (<usize>(first + k) << 3)) << 2);
                store<f32>(p, load<f32>(p) + 1);
              }
            }
          }
        }
      }
      first += count;
    }
    if (mode == 0) continue;
    // weights by output column: the last n-gram naming a column gives its weight
    for (let k = 0; k < nIdx; k++) {
      const col = load<i64>(idx + (<usize>k << 3));
      let later = false;
      for (let k2 = k + 1; k2 < nIdx && !later; k2++) later = load<i64>(idx + (<usize>k2 << 3)) == col;
      if (later) continue;
      const p = row + (<usize>col << 2);
      const w: f32 = weights != 0 ? load<f32>(weights + (<usize>k << 2)) : 1;
      const c = load<f32>(p);
      store<f32>(p, mode == 1 ? (c > 0 ? w : 0) : c * w);
    }
  }
  return 0;
}

// TfIdfVectorizer on integer tokens (src/runtime/ops/tfidf.ts): TF / IDF / TFIDF, uni- and
// bigrams with skips, 1-D and batched input, against a plain JS reading of the ONNX definition,
// and the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { graphOf, op, refuses } from './helpers.ts';

// the pool as a list of n-grams, each with its column and weight
function ref(x: number[], N: number, C: number, grams: { g: number[]; col: number; w: number }[], D: number, minN: number, maxN: number, skip: number, mode: string): number[] {
  const y = new Array(N * D).fill(0);
  for (let r = 0; r < N; r++) {
    const row = x.slice(r * C, (r + 1) * C), cnt = new Array(D).fill(0);
    for (const { g, col } of grams) {
      if (g.length < minN || g.length > maxN) continue;
      for (let s = 0; s <= (g.length === 1 ? 0 : skip); s++) for (let t = 0; t + (g.length - 1) * (s + 1) < C; t++) if (g.every((v, j) => row[t + j * (s + 1)] === v)) cnt[col]++;
    }
    const wOf = new Map(grams.map((q) => [q.col, q.w]));
    for (let c = 0; c < D; c++) {
      const w = wOf.get(c) ?? 1;
      y[r * D + c] = mode === 'TF' ? cnt[c] : mode === 'IDF' ? (cnt[c] > 0 ? w : 0) : cnt[c] * w;
    }
  }
  return y;
}

test('TfIdfVectorizer: modes, gram lengths and skips, [C] and [N, C], i32 and i64 tokens', async () => {
  const a = await getAlloy();
  const uni = [2, 3, 5, 4], bi = [[5, 6], [7, 8], [6, 7], [2, 2]];
  const pool = [...uni, ...bi.flat()], counts = [0, uni.length];
  const idx = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k * 3) % 8);
  const weights = idx.map((_, k) => 0.5 + k / 4);
  const grams = [...uni.map((u) => [u]), ...bi].map((g, k) => ({ g, col: idx[k], w: weights[k] }));
  const r = rng(3);
  for (const [shape, fmt, mode, minN, maxN, skip] of [[[12], 'i64', 'TF', 2, 2, 0], [[2, 7], 'i32', 'TF', 1, 2, 5], [[3, 1], 'i64', 'IDF', 1, 1, 0], [[2, 11], 'i32', 'TFIDF', 1, 2, 2], [[1, 13], 'i64', 'IDF', 2, 2, 3]] as [number[], string, string, number, number, number][]) {
    const N = shape.length === 1 ? 1 : shape[0], C = shape[shape.length - 1];
    const x = Array.from({ length: N * C }, () => 2 + (r() % 7));
    const data = fmt === 'i64' ? BigInt64Array.from(x, BigInt) : Int32Array.from(x);
    const out = shape.length === 1 ? [8] : [N, 8];
    const m = a.load(graphOf([{ name: 'x', shape, format: fmt }], [{ name: 'y', shape: out, format: 'f32' }], [op('TfIdfVectorizer', ['x'], ['y'], {
      mode, min_gram_length: minN, max_gram_length: maxN, max_skip_count: skip, pool_int64s: pool, ngram_counts: counts, ngram_indexes: idx, ...(mode === 'TF' ? {} : { weights }),
    })]));
    const y = m.run({ x: data }).y;
    assert.equal(y.shape, out);
    assert.equal(Array.from(y.data as Float32Array), ref(x, N, C, grams, 8, minN, maxN, skip, mode).map(Math.fround), `${JSON.stringify(shape)} ${mode} ${minN}-${maxN} skip ${skip}`);
    m.dispose();
  }
  const at = { mode: 'TF', min_gram_length: 1, max_gram_length: 2, max_skip_count: 0, pool_int64s: [1, 2, 3], ngram_counts: [0, 1], ngram_indexes: [0, 1] };
  const load = (attrs: Record<string, unknown>, fmt = 'i64') => a.load(graphOf([{ name: 'x', shape: [4], format: fmt }], [{ name: 'y', shape: [-1], format: 'f32' }], [op('TfIdfVectorizer', ['x'], ['y'], attrs)]));
  refuses(() => load({ ...at, mode: 'BM25' }), 'BAD_GRAPH', /tfidfvectorizer.*mode "BM25"/);
  refuses(() => load({ ...at, min_gram_length: 3 }), 'BAD_GRAPH', /gram lengths 3\.\.2/);
  refuses(() => load(at, 'f32'), 'UNSUPPORTED_OP', /tokens of type f32/);
  refuses(() => load({ ...at, pool_int64s: [1, 2, 3, 4] }).run({ x: new BigInt64Array(4) }), 'BAD_GRAPH', /do not describe the n-grams/);
  refuses(() => load({ ...at, weights: [1] }), 'BAD_GRAPH', /one number per n-gram \(2\)/);
});

test.run();

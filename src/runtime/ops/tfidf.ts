// TfIdfVectorizer on i32 / i64 tokens, ONNX semantics (assembly/nd/tfidf.ts counts and weighs).
// String tokens are refused by the importer (Alloy has no string values).
// see: ONNX TfIdfVectorizer, opset 9

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeId } from '../dtype.js';
import type { Builder } from './types.js';

const MODES = ['TF', 'IDF', 'TFIDF'];

export const tfIdfVectorizer: Builder = (ctx) => {
  const a = ctx.node.attrs ?? {}, name = ctx.node.inputs[0];
  const t = name ? ctx.typeOf(name) : undefined;
  if (t !== 'i32' && t !== 'i64') fail('UNSUPPORTED_OP', `${ctx.where}: tokens of type ${t ?? 'none'} (i32, i64 are supported)`);
  const ints = (k: string, need: boolean): number[] => {
    const v = a[k];
    if (v === undefined && !need) return [];
    if (!Array.isArray(v) || !v.every((d) => Number.isSafeInteger(d))) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a list of integers`);
    return v as number[];
  };
  const int = (k: string): number => {
    const v = a[k];
    if (!Number.isSafeInteger(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be an integer`);
    return v as number;
  };
  const mode = MODES.indexOf(a.mode as string);
  if (mode < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.mode ${JSON.stringify(a.mode)} is not one of ${MODES.join(', ')}`);
  const minN = int('min_gram_length'), maxN = int('max_gram_length'), skip = int('max_skip_count');
  if (!(minN >= 1 && maxN >= minN && skip >= 0)) fail('BAD_GRAPH', `${ctx.where}: gram lengths ${minN}..${maxN} and max_skip_count ${skip} must satisfy 1 <= min <= max, skip >= 0`);
  const pool = ints('pool_int64s', true), starts = ints('ngram_counts', true), idx = ints('ngram_indexes', true);
  if (a.pool_strings !== undefined) fail('UNSUPPORTED_OP', `${ctx.where}: a pool of strings`);
  const w = a.weights as number[] | undefined;
  if (w !== undefined && (!Array.isArray(w) || w.length !== idx.length || !w.every((v) => typeof v === 'number'))) fail('BAD_GRAPH', `${ctx.where}: attrs.weights must hold one number per n-gram (${idx.length})`);
  // the output width: one column past the largest index (integer attributes, not tensor values)
  const outDim = idx.reduce((m, v) => (v > m ? v : m), -1) + 1;
  if (idx.some((v) => v < 0)) fail('BAD_GRAPH', `${ctx.where}: attrs.ngram_indexes has a negative index`);
  const blocks: number[] = [];
  const put = (b: Parameters<typeof heap.put>[0]) => { const p = heap.put(b); blocks.push(p); return p; };
  const i64s = (v: number[]) => put(new Uint8Array(BigInt64Array.from(v.length ? v : [0], BigInt).buffer));
  let pp = 0, sp = 0, ip = 0, wp = 0;
  try {
    pp = i64s(pool); sp = i64s(starts);
    ip = i64s(idx); wp = w ? put(new Float32Array(w)) : 0;
  } catch (e) { for (const p of blocks) heap.free(p); throw e; }
  const tid = dtypeId(t);
  return {
    valueInputs: [name!],
    outTypes: ['f32'],
    infer([x]) {
      if (x.length !== 1 && x.length !== 2) fail('SHAPE_MISMATCH', `${ctx.where}: input ${JSON.stringify(x)} is not [C] or [N, C]`);
      return x.length === 1 ? [outDim] : [x[0], outDim];
    },
    run([xp], [x], yp) {
      const N = x.length === 1 ? 1 : x[0], C = x[x.length - 1];
      const st = ctx.kernels.tfidf_int_f32__scalar(yp, xp, tid, N, C, pp, pool.length, sp, starts.length, ip, idx.length, wp, outDim, minN, maxN, skip, mode);
      if (st !== 0) fail('BAD_GRAPH', `${ctx.where}: pool_int64s, ngram_counts and ngram_indexes do not describe the n-grams (status ${st})`);
    },
    dispose() { for (const p of blocks) heap.free(p); },
  };
};

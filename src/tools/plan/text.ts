// Calibration / evaluation data for text models from token-id rows, so the planner needs no
// tokenizer: a .json file (an array of id rows, or an object with one entry per graph input:
// `{"ids": [[...]], "mask": [[...]]}`, optional "labels" [n, S] with -1 for no label) or a .npy
// integer matrix [n, S] of ids. Rows of unequal length are padded to the longest with `padId`
// (default 0), their mask 0 there.
//
// Graph inputs are fed by role, from their name (src/text/roles.ts): the attention mask (1 on
// tokens, 0 on padding), type ids (zeros), and any other integer input -> the ids. Labels for
// perplexity, when not given: the next token of each row (label[s] = ids[s + 1] where that
// token is not padding, else -1).

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { readNpy } from '../io/npy.js';
import { AlloyError } from '../../runtime/errors.js';
import { sampleIndices } from './rng.js';
import { inputRole, type InputRole } from '../../text/roles.js';
import type { Dataset, Feed } from './planner.js';

const bad = (m: string): never => { throw new AlloyError('BAD_ARGUMENT', m); };

export interface GraphInput { name: string; shape: number[]; format: string }
export interface TextRows { ids: number[][]; mask?: number[][]; labels?: number[][] }

const isRows = (v: unknown): v is number[][] => Array.isArray(v) && v.every((r) => Array.isArray(r) && r.every((x) => Number.isSafeInteger(x)));

/** token-id rows from a .json or .npy file (see the header) */
export function readTextRows(path: string, inputs: GraphInput[]): TextRows {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(path)); } catch { return bad(`--calib ${path}: no such file`); }
  if (extname(path).toLowerCase() === '.npy') {
    const t = readNpy(bytes, path);
    if (t.shape.length !== 2) bad(`${path}: token ids must be a matrix [n, S], got shape ${JSON.stringify(t.shape)}`);
    const [n, S] = t.shape;
    const ids = Array.from({ length: n }, (_, i) => Array.from(t.data.subarray(i * S, (i + 1) * S), (v) => v));
    if (ids.some((r) => r.some((v) => !Number.isSafeInteger(v) || v < 0))) bad(`${path}: token ids must be non-negative integers`);
    return { ids };
  }
  let j: unknown;
  try { j = JSON.parse(new TextDecoder().decode(bytes)); } catch (e) { return bad(`${path}: not JSON (${(e as Error).message})`); }
  if (isRows(j)) return { ids: j };
  if (!j || typeof j !== 'object') return bad(`${path}: expected an array of token-id rows or an object of them`);
  const o = j as Record<string, unknown>;
  const idName = inputs.find((i) => role(i.name) === 'ids')?.name;
  const ids = o.ids ?? o.input_ids ?? (idName ? o[idName] : undefined);
  if (!isRows(ids)) bad(`${path}: no token-id rows under "ids", "input_ids"${idName ? ` or ${JSON.stringify(idName)}` : ''}`);
  const maskName = inputs.find((i) => role(i.name) === 'mask')?.name;
  const mask = o.mask ?? o.attention_mask ?? (maskName ? o[maskName] : undefined);
  if (mask !== undefined && !isRows(mask)) bad(`${path}: "mask" must be rows of integers`);
  if (o.labels !== undefined && !isRows(o.labels)) bad(`${path}: "labels" must be rows of integers (-1: no label)`);
  return { ids: ids as number[][], mask: mask as number[][] | undefined, labels: o.labels as number[][] | undefined };
}

// any integer input that is neither mask nor type ids is fed the ids
const role = (name: string): InputRole => inputRole(name) ?? 'ids';

/** The dataset of n rows (seeded subset, ascending) fed to every graph input by role. */
export function textDataset(rows: TextRows, inputs: GraphInput[], o: { samples?: number; seed?: number; padId?: number; where?: string } = {}): Dataset {
  const where = o.where ?? 'text data';
  const total = rows.ids.length;
  if (!total) bad(`${where}: no rows`);
  const check = (r: number[][] | undefined, what: string) => {
    if (!r) return;
    if (r.length !== total) bad(`${where}: ${r.length} ${what} rows for ${total} id rows`);
    r.forEach((x, i) => { if (x.length !== rows.ids[i].length) bad(`${where}: ${what} row ${i} has ${x.length} values, its ids ${rows.ids[i].length}`); });
  };
  check(rows.mask, 'mask'); check(rows.labels, 'label');
  const idx = sampleIndices(total, o.samples ?? total, o.seed ?? 1);
  const n = idx.length;
  const S = Math.max(...idx.map((i) => rows.ids[i].length));
  if (S < 1) bad(`${where}: empty rows`);
  for (const inp of inputs) {
    if (inp.shape.length !== 2) bad(`${where}: input ${JSON.stringify(inp.name)} has shape ${JSON.stringify(inp.shape)}; token rows feed [batch, sequence] inputs`);
    if (inp.shape[1] !== -1 && inp.shape[1] !== S) bad(`${where}: input ${JSON.stringify(inp.name)} takes sequences of ${inp.shape[1]}, the rows have up to ${S} tokens`);
    if (!['i64', 'i32', 'f32'].includes(inp.format)) bad(`${where}: input ${JSON.stringify(inp.name)} is ${inp.format}; token rows feed i64 / i32 (or f32) inputs`);
  }
  const ids = new Float64Array(n * S).fill(o.padId ?? 0), mask = new Float32Array(n * S), labels = new Float32Array(n * S).fill(-1);
  idx.forEach((r, i) => {
    const row = rows.ids[r];
    for (let s = 0; s < row.length; s++) {
      ids[i * S + s] = row[s];
      mask[i * S + s] = rows.mask ? (rows.mask[r][s] ? 1 : 0) : 1;
    }
    for (let s = 0; s < row.length; s++) {
      if (rows.labels) labels[i * S + s] = rows.labels[r][s] < 0 ? -1 : rows.labels[r][s];
      else if (s + 1 < row.length && mask[i * S + s + 1]) labels[i * S + s] = row[s + 1];
    }
  });
  const feeds: Feed[] = inputs.map((inp) => {
    const src = role(inp.name) === 'mask' ? mask : role(inp.name) === 'type' ? new Float32Array(n * S) : ids;
    const data = inp.format === 'i64' ? BigInt64Array.from(src, (v) => BigInt(v)) : inp.format === 'i32' ? Int32Array.from(src) : Float32Array.from(src);
    return { name: inp.name, data, shape: [n, S] };
  });
  return { x: new Float32Array(0), shape: [n, S], feeds, tokenWeights: mask, labels: { data: labels, shape: [n, S] } };
}

// Helpers of the typed TFLite importer tests: one-operator models, runs in Alloy and in LiteRT.js
// with typed feeds, and plain-JS references of the operators' definitions (numpy broadcasting).
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { tflite, type T, type O } from './tflite-build.ts';
import { importTflite } from '../../src/tools/import/tflite/index.ts';
import { init as initSrcWasm } from '../../src/runtime/wasm.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { getAlloy } from '../util.ts';
import { loadLiteRtNode } from '../../bench/litert.ts';

export type Arr = Float32Array | Int32Array | Uint8Array | Int8Array | BigInt64Array;
export interface Feed { data: Arr; shape: number[] }
export const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

export async function ready() { await getAlloy(); await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url))); }

/** The model's outputs computed by Alloy (imported, bundled, loaded, run). */
export async function alloyRun(bytes: Uint8Array, feeds: Feed[]): Promise<Arr[]> {
  const alloy = await getAlloy();
  await ready();
  const bi = importTflite(bytes);
  const m = alloy.load(writeBundle(bi));
  try {
    const out = m.run(Object.fromEntries(bi.graph.inputs.map((v, k) => [v.name, feeds[k]])));
    return bi.graph.outputs.map((o) => out[o.name].data as Arr);
  } finally { m.dispose(); }
}

/** The same in LiteRT.js (TFLite's own kernels). */
export async function liteRun(bytes: Uint8Array, feeds: Feed[]): Promise<Arr[]> {
  const L = await loadLiteRtNode();
  const m = await L.loadAndCompile(bytes, { accelerator: 'wasm' });
  const ts = feeds.map((f) => new L.Tensor(f.data, f.shape));
  try {
    const out = await m.run(ts);
    const r = out.map((o: any) => o.toTypedArray().slice());
    out.forEach((o: any) => o.delete());
    return r;
  } finally { ts.forEach((t: any) => t.delete()); m.delete?.(); }
}

/** Elementwise equality (floats within tol * max |ref| + tol). */
export function same(a: ArrayLike<number | bigint>, r: ArrayLike<number | bigint>, what: string, tol = 0) {
  assert.is(a.length, r.length, `${what}: length`);
  let mr = 0;
  for (let i = 0; i < r.length; i++) mr = Math.max(mr, Math.abs(Number(r[i])));
  for (let i = 0; i < r.length; i++) {
    const x = Number(a[i]), y = Number(r[i]);
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= tol * mr + tol)) assert.unreachable(`${what}: element ${i}: ${x} vs ${y}`);
  }
}

/** One operator over graph inputs `ins` (tensors 0..), constants, outputs. */
export interface Case { tensors: T[]; ops: O[]; inputs: number[]; outputs: number[] }
export const model = (c: Case) => tflite(c.tensors, c.ops, c.inputs, c.outputs);

// ----- references (the operators' definitions as plain loops)

/** Strides of a row-major shape. */
export const strides = (s: number[]) => s.map((_, i) => prod(s.slice(i + 1)));
/** Numpy broadcast of two shapes. */
export function bshape(a: number[], b: number[]): number[] {
  const r = Math.max(a.length, b.length);
  return [...Array(r).keys()].map((i) => { const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1; return x === 1 ? y : x; });
}
/** Offset into a tensor of shape s of the output multi-index idx (broadcast: size-1 dims read 0). */
export function bcastOffset(idx: number[], s: number[]): number {
  const st = strides(s), off = idx.length - s.length;
  return s.reduce((o, d, i) => o + (d === 1 ? 0 : idx[off + i] * st[i]), 0);
}
export function unravel(k: number, s: number[]): number[] {
  const st = strides(s);
  return s.map((_, i) => Math.floor(k / st[i]) % s[i]);
}
/** f over broadcast elements of a (shape as) and b (shape bs). */
export function bmap<R>(a: ArrayLike<any>, as: number[], b: ArrayLike<any>, bs: number[], f: (x: any, y: any) => R): R[] {
  const os = bshape(as, bs);
  return [...Array(prod(os)).keys()].map((k) => { const idx = unravel(k, os); return f(a[bcastOffset(idx, as)], b[bcastOffset(idx, bs)]); });
}
export const ints = (n: number, seed: number, lo: number, hi: number) => {
  let s = seed >>> 0 || 1;
  return Int32Array.from({ length: n }, () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return lo + (s % (hi - lo + 1)); });
};
export const floats = (n: number, seed: number, scale = 1) => Float32Array.from(ints(n, seed, -100000, 100000), (v) => (v / 100000) * scale);

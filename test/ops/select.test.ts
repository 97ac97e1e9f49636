// NonZero, Compress, Unique (src/runtime/ops/select.ts): output sizes that depend on the data,
// counted at plan time. Values against plain JS loops of the ONNX definitions, a new plan per
// data, a condition computed in the graph (its producer runs at plan time), and the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { graphOf, op, refuses } from './helpers.ts';

const ints = (n: number, seed: number, k: number) => { const r = rng(seed); return Int32Array.from({ length: n }, () => (r() % k) - (k >> 1)); };
const num = (d: ArrayLike<unknown>) => Array.from(d, Number);

test('NonZero: ranks 1 to 3, none and all non-zero, a new plan per data', async () => {
  const a = await getAlloy();
  for (const shape of [[1], [7], [3, 5], [2, 3, 4]]) {
    const n = shape.reduce((p, q) => p * q, 1);
    const m = a.load(graphOf([{ name: 'x', shape, format: 'f32' }], [{ name: 'y', shape: [shape.length, -1], format: 'i64' }], [op('NonZero', ['x'], ['y'])]));
    for (const x of [new Float32Array(n), Float32Array.from(ints(n, n, 3)), new Float32Array(n).fill(-0.5)]) {
      const hits: number[][] = [];
      x.forEach((v, e) => { if (v !== 0) { const idx: number[] = []; let r = e; for (let d = shape.length - 1; d >= 0; d--) { idx.unshift(r % shape[d]); r = Math.floor(r / shape[d]); } hits.push(idx); } });
      const y = m.run({ x }).y;
      assert.equal(y.shape, [shape.length, hits.length]);
      assert.equal(num(y.data), shape.flatMap((_, d) => hits.map((h) => h[d])), JSON.stringify(shape));
    }
    m.dispose();
  }
});

test('Compress: along each axis, flattened, a condition shorter than the axis, a condition computed in the graph', async () => {
  const a = await getAlloy();
  const shape = [3, 4, 5], x = ints(60, 9, 100);
  for (const axis of [undefined, 0, 1, -1]) {
    const ax = axis === undefined ? undefined : axis < 0 ? axis + 3 : axis;
    const A = ax === undefined ? 60 : shape[ax];
    const m = a.load(graphOf([{ name: 'x', shape, format: 'i32' }, { name: 'c', shape: [-1], format: 'bool' }], [{ name: 'y', shape: ax === undefined ? [-1] : shape.map((d, i) => (i === ax ? -1 : d)), format: 'i32' }],
      [op('Compress', ['x', 'c'], ['y'], axis === undefined ? undefined : { axis })]));
    for (const len of [A, A - 1, 1]) {
      const c = Uint8Array.from({ length: len }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
      const y = m.run({ x, c }).y;
      const want: number[] = [];
      if (ax === undefined) x.forEach((v, i) => { if (i < len && c[i]) want.push(v); });
      else {
        const outer = shape.slice(0, ax).reduce((p, q) => p * q, 1), inner = shape.slice(ax + 1).reduce((p, q) => p * q, 1);
        for (let o = 0; o < outer; o++) for (let k = 0; k < Math.min(A, len); k++) if (c[k]) for (let i = 0; i < inner; i++) want.push(x[(o * A + k) * inner + i]);
      }
      assert.equal(num(y.data), want, `axis ${axis} len ${len}`);
    }
    refuses(() => m.run({ x, c: new Uint8Array(A + 1) }), 'SHAPE_MISMATCH', /compress.*condition of length \d+ is longer than the \d+ slices/);
    m.dispose();
  }
  // the condition from a comparison: Greater runs at plan time, then Compress counts
  const m = a.load(graphOf([{ name: 'x', shape: [-1], format: 'f32' }], [{ name: 'y', shape: [-1], format: 'f32' }],
    [op('Greater', ['x', 'zero'], ['c']), op('Compress', ['x', 'c'], ['y'], { axis: 0 })], { zero: { format: 'f32', shape: [], data: new Float32Array([0]) } }));
  for (const x of [new Float32Array([1, -2, 3, 0, 5]), new Float32Array([-1, -1]), new Float32Array([2, 2, 2])]) assert.equal(Array.from(m.run({ x }).y.data as Float32Array), Array.from(x).filter((v) => v > 0));
  m.dispose();
  refuses(() => a.load(graphOf([{ name: 'x', shape: [2], format: 'f32' }, { name: 'c', shape: [2], format: 'i64' }], [{ name: 'y', shape: [-1], format: 'f32' }], [op('Compress', ['x', 'c'], ['y'])])), 'BAD_GRAPH', /condition must be bool/);
});

// numpy.unique(x, axis, return_index, return_inverse, return_counts) with slices compared lexicographically
function uniqueRef(x: number[], shape: number[], axis: number | undefined, sorted: boolean) {
  const ax = axis === undefined ? undefined : axis < 0 ? axis + shape.length : axis;
  const outer = ax === undefined ? 1 : shape.slice(0, ax).reduce((p, q) => p * q, 1), A = ax === undefined ? x.length : shape[ax], inner = ax === undefined ? 1 : shape.slice(ax + 1).reduce((p, q) => p * q, 1);
  const slice = (k: number) => { const s: number[] = []; for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) s.push(x[(o * A + k) * inner + i]); return s; };
  const key = (k: number) => JSON.stringify(slice(k));
  const firsts: number[] = [];
  for (let k = 0; k < A; k++) if (!firsts.some((f) => key(f) === key(k))) firsts.push(k);
  const lex = (p: number[], q: number[]) => { for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i] - q[i]; return 0; };
  if (sorted) firsts.sort((p, q) => lex(slice(p), slice(q)));
  const inv = Array.from({ length: A }, (_, k) => firsts.findIndex((f) => key(f) === key(k)));
  const counts = firsts.map((_, u) => inv.filter((v) => v === u).length);
  const y: number[] = [];
  for (let o = 0; o < outer; o++) for (const f of firsts) for (let i = 0; i < inner; i++) y.push(x[(o * A + f) * inner + i]);
  const yShape = ax === undefined ? [firsts.length] : shape.map((d, i) => (i === ax ? firsts.length : d));
  return { y, yShape, idx: firsts, inv, counts };
}

test('Unique: sorted and not, with and without axis, all four outputs; i64 and f32 values', async () => {
  const a = await getAlloy();
  for (const [shape, axis, fmt] of [[[1], undefined, 'f32'], [[13], undefined, 'i64'], [[4, 3], 0, 'f32'], [[2, 6, 2], 1, 'i64'], [[3, 4, 2], -1, 'f32'], [[5, 2], 1, 'f32']] as [number[], number | undefined, string][]) {
    const n = shape.reduce((p, q) => p * q, 1);
    for (const sorted of [1, 0]) {
      const v = Array.from(ints(n, n + sorted, 3));
      const x = fmt === 'i64' ? BigInt64Array.from(v, BigInt) : Float32Array.from(v);
      const m = a.load(graphOf([{ name: 'x', shape, format: fmt }], [{ name: 'y', shape: [-1], format: fmt }, { name: 'i', shape: [-1], format: 'i64' }, { name: 'v', shape: [-1], format: 'i64' }, { name: 'c', shape: [-1], format: 'i64' }],
        [op('Unique', ['x'], ['y', 'i', 'v', 'c'], { sorted, ...(axis === undefined ? {} : { axis }) })]));
      const out = m.run({ x: { data: x, shape } }), want = uniqueRef(v, shape, axis, sorted === 1);
      const what = `${JSON.stringify(shape)} axis ${axis} sorted ${sorted}`;
      assert.equal([num(out.y.data), out.y.shape, num(out.i.data), num(out.v.data), num(out.c.data)], [want.y, want.yShape, want.idx, want.inv, want.counts], what);
      m.dispose();
    }
  }
  refuses(() => a.load(graphOf([{ name: 'x', shape: [2], format: 'f16' }], [{ name: 'y', shape: [-1], format: 'f16' }], [op('Unique', ['x'], ['y'])])), 'UNSUPPORTED_OP', /Unique of f16/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [2], format: 'f32' }], [{ name: 'y', shape: [-1], format: 'f32' }], [op('Unique', ['x'], ['y'], { axis: 1 })])).run({ x: new Float32Array(2) }), 'SHAPE_MISMATCH', /axis 1 out of range for rank 1/);
});

test.run();

// EyeLike, ReverseSequence (src/runtime/ops/eye.ts) and Det (ops/det.ts) as typed runtime nodes:
// values against plain JS loops of the ONNX definitions at several shapes, and the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { graphOf, op, refuses } from './helpers.ts';

test('EyeLike: the input type or attrs.dtype, diagonals k above and below, non-square shapes', async () => {
  const a = await getAlloy();
  for (const [R, C, k, dtype, fmt] of [[1, 1, 0, 0, 'i32'], [3, 5, 1, 1, 'f32'], [4, 2, -1, 7, 'i64'], [5, 5, 7, 9, 'bool'], [2, 3, 0, 10, 'f16']] as const) {
    const m = a.load(graphOf([{ name: 'x', shape: [R, C], format: 'i32' }], [{ name: 'y', shape: [R, C], format: fmt }], [op('EyeLike', ['x'], ['y'], { k, ...(dtype ? { dtype } : {}) })]));
    const y = m.run({ x: new Int32Array(R * C).fill(9) }).y;
    const one = fmt === 'i64' ? 1n : fmt === 'f16' ? 0x3c00 : 1, zero = fmt === 'i64' ? 0n : 0;
    assert.equal(Array.from(y.data as ArrayLike<unknown>), Array.from({ length: R * C }, (_, e) => (e % C - Math.floor(e / C) === k ? one : zero)), `${R}x${C} k ${k} ${fmt}`);
    m.dispose();
  }
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3], format: 'f32' }], [{ name: 'y', shape: [3], format: 'f32' }], [op('EyeLike', ['x'], ['y'])])).run({ x: new Float32Array(3) }), 'SHAPE_MISMATCH', /eyelike.*not 2-D/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [3, 3], format: 'f32' }], [{ name: 'y', shape: [3, 3], format: 'f32' }], [op('EyeLike', ['x'], ['y'], { dtype: 8 })])), 'UNSUPPORTED_OP', /dtype 8/);
});

test('ReverseSequence: time major and batch major, inner sizes 1 and 7, lengths 0 to T', async () => {
  const a = await getAlloy();
  for (const [T, B, inner, ba] of [[1, 1, 1, 1], [4, 3, 1, 1], [5, 2, 7, 0], [3, 4, 2, 0]]) {
    const shape = ba === 1 ? [T, B, inner] : [B, T, inner];
    const x = Int16Array.from({ length: T * B * inner }, (_, i) => i - 40);
    const lens = BigInt64Array.from({ length: B }, (_, b) => BigInt((b * 2 + 1) % (T + 1)));
    const m = a.load(graphOf([{ name: 'x', shape, format: 'i16' }, { name: 'l', shape: [B], format: 'i64' }], [{ name: 'y', shape, format: 'i16' }],
      [op('ReverseSequence', ['x', 'l'], ['y'], { batch_axis: ba, time_axis: 1 - ba })]));
    const y = m.run({ x, l: lens }).y;
    const off = (t: number, b: number) => (ba === 1 ? (t * B + b) : (b * T + t)) * inner;
    const want = new Int16Array(x.length);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      const l = Number(lens[b]), s = t < l ? l - 1 - t : t;
      for (let i = 0; i < inner; i++) want[off(t, b) + i] = x[off(s, b) + i];
    }
    assert.equal(Array.from(y.data as Int16Array), Array.from(want), `T ${T} B ${B} inner ${inner} batch_axis ${ba}`);
    refuses(() => m.run({ x, l: new BigInt64Array(B).fill(BigInt(T + 1)) }), 'BAD_INPUT', /reversesequence.*sequence length is outside \[0, \d+\]/);
    m.dispose();
  }
  refuses(() => a.load(graphOf([{ name: 'x', shape: [2, 2], format: 'f32' }, { name: 'l', shape: [2], format: 'i64' }], [{ name: 'y', shape: [2, 2], format: 'f32' }], [op('ReverseSequence', ['x', 'l'], ['y'], { batch_axis: 1, time_axis: 1 })])), 'BAD_GRAPH', /batch_axis 1 and time_axis 1/);
  const m = a.load(graphOf([{ name: 'x', shape: [2, 3], format: 'f32' }, { name: 'l', shape: [2], format: 'i64' }], [{ name: 'y', shape: [2, 3], format: 'f32' }], [op('ReverseSequence', ['x', 'l'], ['y'])]));
  refuses(() => m.run({ x: new Float32Array(6), l: new BigInt64Array(2) }), 'SHAPE_MISMATCH', /sequence_lens \[2\] is not one length per batch \(3\)/);
});

// Laplace expansion in f64: an independent definition of the determinant
function detRef(a: number[], n: number): number {
  if (n === 1) return a[0];
  let s = 0;
  for (let j = 0; j < n; j++) {
    const minor: number[] = [];
    for (let r = 1; r < n; r++) for (let c = 0; c < n; c++) if (c !== j) minor.push(a[r * n + c]);
    s += (j % 2 ? -1 : 1) * a[j] * detRef(minor, n - 1);
  }
  return s;
}

test('Det: batches of 1x1 to 6x6 matrices in f32 and f64, singular matrices, refusals', async () => {
  const a = await getAlloy();
  const r = rng(5);
  for (const [fmt, shape] of [['f32', [1, 1]], ['f64', [3, 2, 2]], ['f32', [2, 3, 3]], ['f64', [5, 5]], ['f32', [2, 1, 6, 6]]] as [string, number[]][]) {
    const n = shape[shape.length - 1], batch = shape.slice(0, -2).reduce((p, q) => p * q, 1);
    const Arr = fmt === 'f32' ? Float32Array : Float64Array;
    const x = new Arr(batch * n * n).map(() => ((r() % 201) - 100) / 25);
    if (batch > 1 && n > 1) for (let j = 0; j < n; j++) x[n + j] = x[j] * 2; // matrix 0: rows 0 and 1 dependent
    const m = a.load(graphOf([{ name: 'x', shape, format: fmt }], [{ name: 'y', shape: shape.slice(0, -2), format: fmt }], [op('Det', ['x'], ['y'])]));
    const y = m.run({ x }).y;
    assert.equal(y.shape, shape.slice(0, -2));
    for (let b = 0; b < batch; b++) {
      const want = detRef(Array.from(x.subarray(b * n * n, (b + 1) * n * n)), n);
      const tol = (fmt === 'f32' ? 1e-4 : 1e-12) * Math.max(1, Math.abs(want)) * n * n;
      assert.ok(Math.abs((y.data[b] as number) - want) <= tol, `${fmt} ${JSON.stringify(shape)} #${b}: ${y.data[b]} vs ${want}`);
    }
    m.dispose();
  }
  refuses(() => a.load(graphOf([{ name: 'x', shape: [2, 3], format: 'f32' }], [{ name: 'y', shape: [], format: 'f32' }], [op('Det', ['x'], ['y'])])).run({ x: new Float32Array(6) }), 'SHAPE_MISMATCH', /det.*not a batch of square matrices/);
  refuses(() => a.load(graphOf([{ name: 'x', shape: [2, 2], format: 'i32' }], [{ name: 'y', shape: [], format: 'i32' }], [op('Det', ['x'], ['y'])])), 'UNSUPPORTED_OP', /Det of i32/);
});

test.run();

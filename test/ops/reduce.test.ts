// The reduction and normalisation operators end to end (src/runtime/ops/reduce.ts, normalize.ts):
// tiny bundles, one node each, against a float64 / BigInt JS oracle of the ONNX definition; axes
// from attrs or from a value input (a stored i64 constant or a graph input), keepdims, negative
// axes, noop_with_empty_axes; bad inputs and their AlloyError codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';

type Arr = Float32Array | Float64Array | Int32Array | BigInt64Array;
interface In { name: string; shape: number[]; format: string; data: Arr }
const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
const rand = (count: number, seed: number) => { const r = rng(seed); return new Float32Array(count).map(() => ((r() % 2001) - 1000) / 256); };

/** One node over graph inputs `ins` (and stored tensors), outputs `outs`; returns the outputs. */
async function run1(op: string, ins: In[], attrs: any, outs: string[] = ['y'], consts: Record<string, { format: string; shape: number[]; data: Arr }> = {}, extra: string[] = []) {
  const a = await getAlloy();
  const bundle = writeBundle({
    graph: {
      inputs: ins.map(({ name, shape, format }) => ({ name, shape, format })),
      outputs: outs.map((o) => ({ name: o.split(':')[0], shape: [], format: o.split(':')[1] ?? 'f32' })),
      nodes: [{ name: 'n', op, inputs: [...ins.map((i) => i.name), ...extra], outputs: outs.map((o) => o.split(':')[0]), attrs }],
    },
    tensors: consts,
  } as any);
  const m = a.load(bundle);
  try {
    return m.run(Object.fromEntries(ins.map((i) => [i.name, { data: i.data, shape: i.shape }])) as any) as Record<string, { data: any; shape: number[] }>;
  } finally { m.dispose(); }
}
const x32 = (shape: number[], seed = 1): In => ({ name: 'x', shape, format: 'f32', data: rand(n(shape), seed) });
const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) assert.unreachable(`${what} [${i}] ${got[i]} vs ${want[i]}`);
};
/** Values of each output element (row-major over kept axes), reduced axes `ax`. */
function groups(shape: number[], ax: number[], x: ArrayLike<number>): number[][] {
  const kept = shape.map((d, i) => (ax.includes(i) ? 1 : d)), out: number[][] = Array.from({ length: n(kept) }, () => []);
  for (let e = 0; e < n(shape); e++) {
    let rem = e, o = 0, so = 1;
    for (let i = shape.length - 1; i >= 0; i--) { const k = rem % shape[i]; rem = Math.floor(rem / shape[i]); if (!ax.includes(i)) { o += k * so; so *= shape[i]; } }
    out[o].push(x[e]);
  }
  return out;
}
const ORACLE: Record<string, (v: number[]) => number> = {
  ReduceSum: (v) => v.reduce((a, b) => a + b, 0), ReduceMean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  ReduceMax: (v) => Math.max(...v), ReduceMin: (v) => Math.min(...v), ReduceProd: (v) => v.reduce((a, b) => a * b, 1),
  ReduceL1: (v) => v.reduce((a, b) => a + Math.abs(b), 0), ReduceL2: (v) => Math.sqrt(v.reduce((a, b) => a + b * b, 0)),
  ReduceLogSum: (v) => Math.log(Math.abs(v.reduce((a, b) => a + b, 0))), ReduceSumSquare: (v) => v.reduce((a, b) => a + b * b, 0),
  ReduceLogSumExp: (v) => { const m = Math.max(...v); return m + Math.log(v.reduce((a, b) => a + Math.exp(b - m), 0)); },
};

test('Reduce*: axes as attrs (negative too), keepdims 0 / 1, every op on f32, against a float64 oracle', async () => {
  const shape = [3, 4, 5];
  for (const [op, f] of Object.entries(ORACLE)) for (const [axes, keep] of [[[1], 1], [[-1, 0], 0], [[0, 1, 2], 1], [[2], 0]] as [number[], number][]) {
    const x = x32(shape, 3);
    if (op === 'ReduceLogSum') x.data = (x.data as Float32Array).map(Math.abs);
    const y = (await run1(op, [x], { axes, keepdims: keep })).y;
    const ax = axes.map((a) => (a < 0 ? a + 3 : a));
    assert.equal(y.shape, keep ? shape.map((d, i) => (ax.includes(i) ? 1 : d)) : shape.filter((_, i) => !ax.includes(i)), `${op} ${axes}`);
    close(y.data, groups(shape, ax, x.data as Float32Array).map(f), 3e-5, `${op} axes ${axes} keepdims ${keep}`);
  }
});

test('Reduce*: axes from a stored i64 constant and from a graph input; empty axes: all, or noop_with_empty_axes', async () => {
  const shape = [2, 3, 4], x = x32(shape, 5);
  const c = await run1('ReduceSum', [x], { keepdims: 0 }, ['y'], { axes: { format: 'i64', shape: [1], data: new BigInt64Array([-2n]) } }, ['axes']);
  assert.equal(c.y.shape, [2, 4]);
  close(c.y.data, groups(shape, [1], x.data as Float32Array).map(ORACLE.ReduceSum), 1e-5, 'const axes');
  const g = await run1('ReduceMax', [x, { name: 'axes', shape: [2], format: 'i64', data: new BigInt64Array([0n, 2n]) }], { keepdims: 1 });
  assert.equal(g.y.shape, [1, 3, 1]);
  close(g.y.data, groups(shape, [0, 2], x.data as Float32Array).map(ORACLE.ReduceMax), 0, 'input axes');
  const all = await run1('ReduceMean', [x], {});
  assert.equal(all.y.shape, [1, 1, 1]);
  close(all.y.data, [ORACLE.ReduceMean([...(x.data as Float32Array)])], 1e-5, 'all axes');
  const noop = await run1('ReduceSum', [x, { name: 'axes', shape: [0], format: 'i64', data: new BigInt64Array(0) }], { noop_with_empty_axes: 1 });
  assert.equal(noop.y.shape, shape);
  assert.equal([...noop.y.data], [...x.data]);
});

test('Reduce* on f64, i32, i64 (integers wrap, Mean truncates); ArgMax / ArgMin i64; CumSum', async () => {
  const f = { name: 'x', shape: [2, 3], format: 'f64', data: new Float64Array([1.5, -2, 3, 0.25, 8, -1]) } as In;
  close((await run1('ReduceLogSumExp', [f], { axes: [1], keepdims: 0 }, ['y:f64'])).y.data, [ORACLE.ReduceLogSumExp([1.5, -2, 3]), ORACLE.ReduceLogSumExp([0.25, 8, -1])], 1e-12, 'f64 lse');
  const i = { name: 'x', shape: [2, 3], format: 'i32', data: new Int32Array([7, -3, 2, 2147483647, 1, 5]) } as In;
  assert.equal([...(await run1('ReduceSum', [i], { axes: [1], keepdims: 0 }, ['y:i32'])).y.data], [6, -2147483643]);
  assert.equal([...(await run1('ReduceMean', [i], { axes: [0], keepdims: 0 }, ['y:i32'])).y.data], [-1073741821, -1, 3]);
  const l = { name: 'x', shape: [3], format: 'i64', data: new BigInt64Array([5n, -9n, 5n]) } as In;
  assert.equal([...(await run1('ReduceMin', [l], { axes: [0] }, ['y:i64'])).y.data], [-9n]);
  const x = { name: 'x', shape: [2, 3], format: 'f32', data: new Float32Array([1, 5, 5, 9, 2, 9]) } as In;
  assert.equal([...(await run1('ArgMax', [x], { axis: 1 }, ['y:i64'])).y.data], [1n, 0n]);
  assert.equal([...(await run1('ArgMax', [x], { axis: -1, select_last_index: 1, keepdims: 0 }, ['y:i64'])).y.data], [2n, 2n]);
  const am = await run1('ArgMin', [x], { axis: 0, keepdims: 0 }, ['y:i64']);
  assert.equal(am.y.shape, [3]); assert.equal([...am.y.data], [0n, 1n, 0n]);
  const cs = await run1('CumSum', [x], { reverse: 1 }, ['y'], { axis: { format: 'i64', shape: [], data: new BigInt64Array([1n]) } }, ['axis']);
  assert.equal([...cs.y.data], [11, 10, 5, 20, 11, 9]);
  const ce = await run1('CumSum', [x, { name: 'axis', shape: [1], format: 'i32', data: new Int32Array([0]) }], { exclusive: 1 });
  assert.equal([...ce.y.data], [0, 0, 0, 1, 5, 5]);
});

test('Softmax / LogSoftmax / Hardmax on any axis, opset < 13 2-D view; normalisations', async () => {
  const shape = [2, 3, 4], x = x32(shape, 9), xs = x.data as Float32Array;
  for (const axis of [0, 1, -1]) {
    const a = axis < 0 ? axis + 3 : axis, outer = n(shape.slice(0, a)), len = shape[a], inner = n(shape.slice(a + 1));
    const soft = (await run1('Softmax', [x], { axis })).y.data, hard = (await run1('Hardmax', [x], { axis })).y.data;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const idx = Array.from({ length: len }, (_, k) => (o * len + k) * inner + i), v = idx.map((j) => xs[j]), m = Math.max(...v), s = v.reduce((p, q) => p + Math.exp(q - m), 0);
      idx.forEach((j, k) => { assert.ok(Math.abs(soft[j] - Math.exp(v[k] - m) / s) < 1e-6, `softmax axis ${axis}`); assert.is(hard[j], k === v.indexOf(m) ? 1 : 0); });
    }
  }
  const coerced = (await run1('LogSoftmax', [x], { axis: 1, coerce2d: 1 })).y.data;
  for (let o = 0; o < 2; o++) {
    const v = [...xs.subarray(o * 12, o * 12 + 12)], m = Math.max(...v), l = Math.log(v.reduce((p, q) => p + Math.exp(q - m), 0));
    close(coerced.subarray(o * 12, o * 12 + 12), v.map((q) => q - m - l), 1e-6, 'logsoftmax 2-D');
  }
  // LayerNormalization at axis 1 with Mean / InvStdDev
  const sc = rand(12, 10), bi = rand(12, 11);
  const ln = await run1('LayerNormalization', [x], { axis: 1, epsilon: 1e-5 }, ['y', 'mean', 'inv'], { s: { format: 'f32', shape: [3, 4], data: sc }, b: { format: 'f32', shape: [3, 4], data: bi } }, ['s', 'b']);
  assert.equal(ln.mean.shape, [2, 1, 1]);
  for (let o = 0; o < 2; o++) {
    const v = [...xs.subarray(o * 12, o * 12 + 12)], mu = v.reduce((p, q) => p + q, 0) / 12, inv = 1 / Math.sqrt(v.reduce((p, q) => p + (q - mu) ** 2, 0) / 12 + 1e-5);
    close(ln.mean.data.subarray(o, o + 1), [mu], 1e-5, 'mean'); close(ln.inv.data.subarray(o, o + 1), [inv], 1e-5, 'invstd');
    close(ln.y.data.subarray(o * 12, o * 12 + 12), v.map((q, k) => (q - mu) * inv * sc[k] + bi[k]), 1e-5, 'layernorm y');
  }
  // InstanceNormalization = GroupNormalization with C groups; LRN; LpNormalization; MVN
  const cs = rand(3, 12), cb = rand(3, 13);
  const inorm = (await run1('InstanceNormalization', [x], { epsilon: 1e-5 }, ['y'], { s: { format: 'f32', shape: [3], data: cs }, b: { format: 'f32', shape: [3], data: cb } }, ['s', 'b'])).y.data;
  const gnorm = (await run1('GroupNormalization', [x], { epsilon: 1e-5, num_groups: 3 }, ['y'], { s: { format: 'f32', shape: [3], data: cs }, b: { format: 'f32', shape: [3], data: cb } }, ['s', 'b'])).y.data;
  assert.equal([...inorm], [...gnorm]);
  for (let g = 0; g < 6; g++) {
    const v = [...xs.subarray(g * 4, g * 4 + 4)], mu = v.reduce((p, q) => p + q, 0) / 4, inv = 1 / Math.sqrt(v.reduce((p, q) => p + (q - mu) ** 2, 0) / 4 + 1e-5);
    close(inorm.subarray(g * 4, g * 4 + 4), v.map((q) => (q - mu) * inv * cs[g % 3] + cb[g % 3]), 1e-5, 'instancenorm');
  }
  const lp = (await run1('LpNormalization', [x], { axis: 0, p: 1 })).y.data;
  for (let j = 0; j < 12; j++) close([lp[j], lp[j + 12]], [xs[j] / (Math.abs(xs[j]) + Math.abs(xs[j + 12])), xs[j + 12] / (Math.abs(xs[j]) + Math.abs(xs[j + 12]))], 1e-6, 'lpnorm');
  const mvn = (await run1('MeanVarianceNormalization', [x], { axes: [0, 2] })).y.data;
  for (let c = 0; c < 3; c++) {
    const idx = [0, 1].flatMap((b) => [0, 1, 2, 3].map((k) => b * 12 + c * 4 + k)), v = idx.map((j) => xs[j]);
    const mu = v.reduce((p, q) => p + q, 0) / 8, sd = Math.sqrt(v.reduce((p, q) => p + (q - mu) ** 2, 0) / 8);
    close(idx.map((j) => mvn[j]), v.map((q) => (q - mu) / (sd + 1e-9)), 1e-5, 'mvn');
  }
  const lrn = (await run1('LRN', [x], { size: 3, alpha: 0.1, beta: 0.75, bias: 2 })).y.data;
  for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) for (let k = 0; k < 4; k++) {
    let q = 0;
    for (let j = Math.max(0, c - 1); j <= Math.min(2, c + 1); j++) q += xs[b * 12 + j * 4 + k] ** 2;
    const p = b * 12 + c * 4 + k;
    close([lrn[p]], [xs[p] / (2 + (0.1 / 3) * q) ** 0.75], 1e-5, 'lrn');
  }
});

test('bad inputs: AlloyError codes', async () => {
  const x = x32([2, 3]);
  const code = async (f: () => Promise<unknown>) => { try { await f(); } catch (e) { assert.ok(e instanceof AlloyError, String(e)); return (e as AlloyError).code; } return 'none'; };
  assert.is(await code(() => run1('ReduceSum', [x], { axes: [2] })), 'BAD_GRAPH');
  assert.is(await code(() => run1('ReduceSum', [x], { axes: [1, -1] })), 'BAD_GRAPH');
  assert.is(await code(() => run1('ReduceSum', [x], { keepdims: 'yes' })), 'BAD_GRAPH');
  assert.is(await code(() => run1('ReduceL2', [{ name: 'x', shape: [2], format: 'i32', data: new Int32Array(2) }], {}, ['y:i32'])), 'UNSUPPORTED_OP');
  assert.is(await code(() => run1('ArgMax', [x], { axis: 5 }, ['y:i64'])), 'BAD_GRAPH');
  assert.is(await code(() => run1('ArgMax', [x32([2, 0])], { axis: 1 }, ['y:i64'])), 'SHAPE_MISMATCH');
  assert.is(await code(() => run1('CumSum', [x, { name: 'a', shape: [2], format: 'i64', data: new BigInt64Array(2) }], {})), 'BAD_GRAPH');
  assert.is(await code(() => run1('LpNormalization', [x], { p: 3 })), 'UNSUPPORTED_OP');
  assert.is(await code(() => run1('GroupNormalization', [x32([1, 4, 2])], { num_groups: 3 }, ['y'], { s: { format: 'f32', shape: [4], data: rand(4, 1) }, b: { format: 'f32', shape: [4], data: rand(4, 2) } }, ['s', 'b'])), 'SHAPE_MISMATCH');
  assert.is(await code(() => run1('LayerNormalization', [x], {}, ['y'], { s: { format: 'f32', shape: [2], data: rand(2, 1) } }, ['s'])), 'SHAPE_MISMATCH');
  assert.is(await code(() => run1('LRN', [x], {})), 'BAD_GRAPH');
});

test.run();

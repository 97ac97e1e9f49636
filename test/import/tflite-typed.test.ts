// The TFLite importer's typed graph: int32 / int64 / bool / u8 tensors and the operators lowered to
// the runtime's typed ops, each model run in Alloy against LiteRT.js (TFLite's own kernels) and,
// where written here, a plain-JS reference of the operator's definition; and the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OP, build, typedSpec, type T, type O } from './tflite-build.ts';
import { importTflite } from '../../src/tools/import/tflite/index.ts';
import { alloyRun, liteRun, same, model, bmap, bshape, ints, floats, prod, ready, unravel, strides, type Arr, type Feed } from './tflite-typed-helpers.ts';

/** One operator with graph inputs x (and y) of the given types / shapes and output y of `out`. */
function one(op: number, ins: { shape: number[]; type?: T['type']; data?: ArrayBufferView }[], outs: { shape: number[]; type?: T['type'] }[], opts?: O['opts']) {
  const tensors: T[] = [...ins.map((t, i) => ({ name: `in${i}`, ...t })), ...outs.map((t, i) => ({ name: `out${i}`, ...t }))];
  const inputs = ins.map((_, i) => i).filter((i) => !ins[i].data);
  return model({ tensors, ops: [{ op, inputs: ins.map((_, i) => i), outputs: outs.map((_, i) => ins.length + i), opts }], inputs, outputs: outs.map((_, i) => ins.length + i) });
}
/** Alloy = LiteRT on every output (and = ref when given). */
async function check(bytes: Uint8Array, feeds: Feed[], what: string, ref?: (ArrayLike<number | bigint>)[], tol = 0) {
  const a = await alloyRun(bytes, feeds), l = await liteRun(bytes, feeds);
  a.forEach((x, k) => same(x, l[k], `${what}: output ${k} vs LiteRT`, tol));
  ref?.forEach((r, k) => same(a[k], r, `${what}: output ${k} vs reference`, tol));
  return a;
}
const i32 = (shape: number[]) => ({ shape, type: 'i32' as const });

test('int32 element-wise ops with broadcasting: ADD SUB MUL DIV FLOOR_DIV FLOOR_MOD MAXIMUM MINIMUM POW SQUARED_DIFFERENCE SQUARE', async () => {
  for (const [as, bs] of [[[2, 3, 5], [5]], [[3, 1], [1, 7]], [[1], [13]]] as number[][][]) {
    const a = ints(prod(as), 3 + as.length, -50, 50), b = Int32Array.from(ints(prod(bs), 5, -9, 9), (v) => v || 3);
    const f = [{ data: a, shape: as }, { data: b, shape: bs }];
    const os = bshape(as, bs);
    const defs: [number, (x: number, y: number) => number][] = [
      [OP.ADD, (x, y) => x + y], [OP.SUB, (x, y) => x - y], [OP.MUL, (x, y) => x * y], [OP.DIV, (x, y) => Math.trunc(x / y)],
      [OP.FLOOR_DIV, (x, y) => Math.floor(x / y)], [OP.FLOOR_MOD, (x, y) => x - Math.floor(x / y) * y], [OP.MAXIMUM, Math.max], [OP.MINIMUM, Math.min],
      [OP.SQUARED_DIFFERENCE, (x, y) => (x - y) ** 2],
    ];
    for (const [op, fn] of defs) {
      const fused = op === OP.ADD || op === OP.SUB || op === OP.MUL || op === OP.DIV ? [[0, 'u8', 0]] as O['opts'] : undefined;
      await check(one(op, [i32(as), i32(bs)], [i32(os)], fused), f, `op ${op} ${JSON.stringify(as)} ${JSON.stringify(bs)}`, [bmap(a, as, b, bs, fn)]);
    }
    const e = Int32Array.from(b, (v) => Math.abs(v) % 4);
    await check(one(OP.POW, [i32(as), i32(bs)], [i32(os)]), [f[0], { data: e, shape: bs }], 'POW', [bmap(a, as, e, bs, (x, y) => x ** y)]);
  }
  const x = floats(11, 9, 30);
  await check(one(OP.SQUARE, [{ shape: [11] }], [{ shape: [11] }]), [{ data: x, shape: [11] }], 'SQUARE f32', [Array.from(x, (v) => Math.fround(v * v))]);
  const xi = ints(11, 9, -30, 30);
  const [sq] = await alloyRun(one(OP.SQUARE, [i32([11])], [i32([11])]), [{ data: xi, shape: [11] }]);
  same(sq, Array.from(xi, (v) => v * v), 'SQUARE i32 (LiteRT has no int32 SQUARE)');
});

test('f32 ADD / MUL that the f32 handler refuses (two-sided broadcast) take the typed path, fused RELU after', async () => {
  const as = [2, 1, 4], bs = [3, 1], a = floats(8, 1), b = floats(3, 2);
  const f32 = (shape: number[]) => ({ shape });
  for (const [op, fn] of [[OP.ADD, (x: number, y: number) => Math.max(0, Math.fround(x + y))], [OP.MUL, (x: number, y: number) => Math.max(0, Math.fround(x * y))]] as const) {
    const bytes = one(op, [f32(as), f32(bs)], [f32([2, 3, 4])], [[0, 'u8', 1]]);
    const bi = importTflite(bytes);
    assert.equal(bi.graph.nodes.map((n) => n.op), [op === OP.ADD ? 'Add' : 'Mul', 'Relu']);
    await check(bytes, [{ data: a, shape: as }, { data: b, shape: bs }], `op ${op}`, [bmap(a, as, b, bs, fn)]);
  }
});

test('comparisons and logical ops on bool values, SELECT / SELECT_V2, CAST; a bool graph output', async () => {
  const s = [4, 6], a = ints(24, 21, -5, 5), b = ints(24, 22, -5, 5);
  const B = (shape: number[]) => ({ shape, type: 'bool' as const });
  // y = select_v2(not((a < b) or (a >= b + 0) and (a == b)) , a, b) written as a chain
  const tensors: T[] = [{ name: 'a', ...i32(s) }, { name: 'b', ...i32(s) }, { name: 'lt', ...B(s) }, { name: 'eq', ...B(s) }, { name: 'ge', ...B(s) }, { name: 'and', ...B(s) },
    { name: 'or', ...B(s) }, { name: 'not', ...B(s) }, { name: 'ne', ...B(s) }, { name: 'y', ...i32(s) }, { name: 'z', ...i32(s) }, { name: 'c', shape: s }];
  const ops: O[] = [
    { op: OP.LESS, inputs: [0, 1], outputs: [2] }, { op: OP.EQUAL, inputs: [0, 1], outputs: [3] }, { op: OP.GREATER_EQUAL, inputs: [0, 1], outputs: [4] },
    { op: OP.LOGICAL_AND, inputs: [3, 4], outputs: [5] }, { op: OP.LOGICAL_OR, inputs: [2, 5], outputs: [6] }, { op: OP.LOGICAL_NOT, inputs: [6], outputs: [7] },
    { op: OP.NOT_EQUAL, inputs: [0, 1], outputs: [8] }, { op: OP.SELECT_V2, inputs: [7, 0, 1], outputs: [9] }, { op: OP.SELECT, inputs: [8, 1, 0], outputs: [10] },
    { op: OP.CAST, inputs: [9], outputs: [11], opts: [[0, 'u8', 2], [1, 'u8', 0]] },
  ];
  const bytes = model({ tensors, ops, inputs: [0, 1], outputs: [9, 10, 11] });
  const y = Array.from(a, (x, i) => (!(x < b[i] || (x === b[i] && x >= b[i])) ? x : b[i]));
  const z = Array.from(a, (x, i) => (x !== b[i] ? b[i] : x));
  await check(bytes, [{ data: a, shape: s }, { data: b, shape: s }], 'logic chain', [y, z, y]);
  // a bool output (Alloy only: the reference is the definition)
  const bo = model({ tensors: [{ name: 'a', ...i32(s) }, { name: 'b', ...i32(s) }, { name: 'le', ...B(s) }], ops: [{ op: OP.LESS_EQUAL, inputs: [0, 1], outputs: [2] }], inputs: [0, 1], outputs: [2] });
  assert.equal(importTflite(bo).graph.outputs[0].format, 'bool');
  const [le] = await alloyRun(bo, [{ data: a, shape: s }, { data: b, shape: s }]);
  same(le, Array.from(a, (x, i) => (x <= b[i] ? 1 : 0)), 'LESS_EQUAL');
  // SELECT (v1) with a rank-1 condition picking rows
  const c = ints(4, 7, 0, 1);
  const sel = model({ tensors: [{ name: 'c', ...B([4]) }, { name: 'a', ...i32(s) }, { name: 'b', ...i32(s) }, { name: 'y', ...i32(s) }], ops: [{ op: OP.SELECT, inputs: [0, 1, 2], outputs: [3] }], inputs: [0, 1, 2], outputs: [3] });
  const [ys] = await alloyRun(sel, [{ data: Uint8Array.from(c), shape: [4] }, { data: a, shape: s }, { data: b, shape: s }]);
  same(ys, Array.from(a, (x, i) => (c[Math.floor(i / 6)] ? x : b[i])), 'SELECT rows');
  // CAST f32 -> i32 truncates toward zero
  const v = floats(10, 4, 50);
  await check(one(OP.CAST, [{ shape: [10] }], [i32([10])], [[0, 'u8', 0], [1, 'u8', 2]]), [{ data: v, shape: [10] }], 'CAST f32->i32', [Array.from(v, Math.trunc)]);
});

test('int64, uint8 and int8 graph inputs and outputs', async () => {
  const s = [3, 5], a = BigInt64Array.from(ints(15, 2, -1000, 1000), BigInt), b = BigInt64Array.from(ints(15, 3, -1000, 1000), BigInt);
  const bytes = one(OP.MAXIMUM, [{ shape: s, type: 'i64' }, { shape: s, type: 'i64' }], [{ shape: s, type: 'i64' }]);
  assert.equal(importTflite(bytes).graph.inputs.map((v) => v.format), ['i64', 'i64']);
  const [y] = await alloyRun(bytes, [{ data: a, shape: s }, { data: b, shape: s }]);
  same(y, Array.from(a, (x, i) => (x > b[i] ? x : b[i])), 'MAXIMUM i64');
  const u = Uint8Array.from(ints(15, 4, 0, 255)), w = Uint8Array.from(ints(15, 5, 0, 255));
  const [m] = await alloyRun(one(OP.MINIMUM, [{ shape: s, type: 'u8' }, { shape: s, type: 'u8' }], [{ shape: s, type: 'u8' }]), [{ data: u, shape: s }, { data: w, shape: s }]);
  same(m, Array.from(u, (x, i) => Math.min(x, w[i])), 'MINIMUM u8');
  const p8 = Int8Array.from(ints(15, 6, -128, 127)), q8 = Int8Array.from(ints(15, 7, -128, 127));
  const [d8] = await alloyRun(one(OP.SUB, [{ shape: s, type: 'i8' }, { shape: s, type: 'i8' }], [{ shape: s, type: 'i8' }], [[0, 'u8', 0]]), [{ data: p8, shape: s }, { data: q8, shape: s }]);
  same(d8, Array.from(p8, (x, i) => ((x - q8[i] + 384) % 256) - 128), 'SUB i8 (wraps)');
});

test('GATHER (axis, negative-free int32 indices), GATHER_ND, BATCH_MATMUL (adj_x / adj_y, broadcast batch)', async () => {
  const ps = [3, 7, 2], p = floats(42, 8);
  const q = Int32Array.from([6, 0, 3, 3, 1]);
  const g = one(OP.GATHER, [{ shape: ps, data: p }, i32([5])], [{ shape: [3, 5, 2] }], [[0, 'i32', 1], [1, 'i32', 0]]);
  const gref = [...Array(30).keys()].map((k) => { const [i, j, l] = unravel(k, [3, 5, 2]); return p[i * 14 + q[j] * 2 + l]; });
  await check(g, [{ data: q, shape: [5] }], 'GATHER axis 1', [gref]);
  const qn = Int32Array.from([2, 6, 0, 1, 1, 5]);
  const gn = one(OP.GATHER_ND, [{ shape: ps, data: p }, i32([3, 2])], [{ shape: [3, 2] }]);
  await check(gn, [{ data: qn, shape: [3, 2] }], 'GATHER_ND', [[0, 1, 2].flatMap((r) => [p[qn[2 * r] * 14 + qn[2 * r + 1] * 2], p[qn[2 * r] * 14 + qn[2 * r + 1] * 2 + 1]])]);
  // a scalar index drops the axis; awkward sizes
  const [g0] = await check(one(OP.GATHER, [{ shape: ps, data: p }, i32([])], [{ shape: [3, 2] }], [[0, 'i32', 1]]), [{ data: Int32Array.of(4), shape: [] }], 'GATHER scalar index',
    [[0, 1, 2].flatMap((i) => [p[i * 14 + 8], p[i * 14 + 9]])]);
  assert.is(g0.length, 6);
  for (const [adjX, adjY, B, M, K, N] of [[false, false, 3, 5, 7, 4], [true, false, 3, 5, 7, 4], [false, true, 3, 5, 7, 4], [true, true, 3, 5, 7, 4], [false, false, 1, 1, 1, 1], [true, true, 2, 13, 1, 17], [false, true, 1, 9, 31, 2]] as [boolean, boolean, number, number, number, number][]) {
    const as = adjX ? [B, K, M] : [B, M, K], bs = adjY ? [N, K] : [K, N];
    const a = floats(prod(as), 11), b = floats(prod(bs), 12);
    const at = (bi: number, i: number, k: number) => (adjX ? a[bi * K * M + k * M + i] : a[bi * M * K + i * K + k]);
    const bt = (k: number, j: number) => (adjY ? b[j * K + k] : b[k * N + j]);
    const ref = [...Array(B * M * N).keys()].map((o) => { const [bi, i, j] = unravel(o, [B, M, N]); let s = 0; for (let k = 0; k < K; k++) s += at(bi, i, k) * bt(k, j); return s; });
    const mm = one(OP.BATCH_MATMUL, [{ shape: as }, { shape: bs }], [{ shape: [B, M, N] }], [[0, 'bool', adjX], [1, 'bool', adjY]]);
    await check(mm, [{ data: a, shape: as }, { data: b, shape: bs }], `BATCH_MATMUL adj ${adjX} ${adjY}`, [ref], 1e-5);
  }
});

/** TF strided_slice of a 3-D tensor by explicit index lists (the reference). */
function sliceRef(x: Float32Array, s: number[], idx: number[][]): number[] {
  const st = strides(s), out: number[] = [];
  const walk = (d: number, off: number) => { if (d === idx.length) { out.push(x[off]); return; } for (const i of idx[d]) walk(d + 1, off + i * st[d]); };
  walk(0, 0);
  return out;
}
const range = (b: number, e: number, st: number) => { const r: number[] = []; for (let i = b; st > 0 ? i < e : i > e; i += st) r.push(i); return r; };

test('STRIDED_SLICE: begin / end masks, negative strides, shrink, new axis, ellipsis; SLICE', async () => {
  const s = [4, 5, 6], x = floats(120, 31);
  const I = (v: number[]) => ({ shape: [v.length], type: 'i32' as const, data: Int32Array.from(v) });
  const cases: { b: number[]; e: number[]; st: number[]; masks: number[]; out: number[]; idx: number[][] }[] = [
    { b: [1, 0, 1], e: [3, 5, 6], st: [1, 2, 2], masks: [0, 0, 0, 0, 0], out: [2, 3, 3], idx: [range(1, 3, 1), range(0, 5, 2), range(1, 6, 2)] },
    { b: [3, 4, 0], e: [0, 0, 6], st: [-1, -2, 1], masks: [0, 2, 0, 0, 0], out: [3, 3, 6], idx: [range(3, 0, -1), range(4, -1, -2), range(0, 6, 1)] },
    { b: [0, -1, 2], e: [4, 0, -1], st: [1, 1, 1], masks: [1, 0, 0, 0, 2], out: [4, 3], idx: [range(0, 4, 1), [4], range(2, 5, 1)] },
    { b: [1, 0, 0], e: [2, 0, 3], st: [1, 1, 1], masks: [0, 0, 2, 0, 1], out: [5, 3], idx: [[1], range(0, 5, 1), range(0, 3, 1)] },
    { b: [0, 2], e: [0, 3], st: [1, 1], masks: [0, 0, 0, 1, 0], out: [1, 1, 5, 6], idx: [range(2, 3, 1), range(0, 5, 1), range(0, 6, 1)] },
    { b: [-1, 0], e: [0, 0], st: [-1, 1], masks: [2, 2, 0, 0, 0], out: [3, 5, 6], idx: [range(3, 0, -1), range(0, 5, 1), range(0, 6, 1)] },
    { b: [-2, 1], e: [0, 0], st: [-1, -1], masks: [1, 2, 0, 0, 0], out: [3, 2, 6], idx: [range(3, 0, -1), range(1, -1, -1), range(0, 6, 1)] },
  ];
  for (const c of cases) {
    const bytes = one(OP.STRIDED_SLICE, [{ shape: s }, I(c.b), I(c.e), I(c.st)], [{ shape: c.out }], c.masks.map((v, i) => [i, 'i32', v]));
    await check(bytes, [{ data: x, shape: s }], `STRIDED_SLICE ${JSON.stringify(c)}`, [sliceRef(x, s, c.idx)]);
  }
  const sl = one(OP.SLICE, [{ shape: s }, I([1, 2, 0]), I([2, -1, 4])], [{ shape: [2, 3, 4] }]);
  await check(sl, [{ data: x, shape: s }], 'SLICE', [sliceRef(x, s, [range(1, 3, 1), range(2, 5, 1), range(0, 4, 1)])]);
});

test('reductions (SUM MAX MIN PROD on int32, MEAN on f32 over any axes, REDUCE_ANY / ALL), ARG_MAX / ARG_MIN, TOPK_V2, CUMSUM', async () => {
  const s = [3, 4, 5], a = ints(60, 41, -4, 4), f = floats(60, 42);
  const ax = (v: number[]) => ({ shape: [v.length], type: 'i32' as const, data: Int32Array.from(v) });
  const reduce = (x: ArrayLike<number>, axes: number[], fn: (a: number, b: number) => number, init: number) => {
    const os = s.map((d, i) => (axes.includes(i) ? 1 : d)), out = new Array(prod(os)).fill(init);
    for (let k = 0; k < 60; k++) { const idx = unravel(k, s).map((v, i) => (axes.includes(i) ? 0 : v)); const o = idx.reduce((t, v, i) => t * os[i] + v, 0); out[o] = fn(out[o], x[k]); }
    return out;
  };
  for (const axes of [[1], [0, 2], [2, 1, 0]]) {
    const os = s.filter((_, i) => !axes.includes(i));
    for (const [op, fn, init] of [[OP.SUM, (p: number, q: number) => p + q, 0], [OP.REDUCE_MAX, Math.max, -Infinity], [OP.REDUCE_MIN, Math.min, Infinity], [OP.REDUCE_PROD, (p: number, q: number) => p * q, 1]] as const) {
      await check(one(op, [i32(s), ax(axes)], [i32(os)], [[0, 'bool', false]]), [{ data: a, shape: s }], `reduce ${op} ${axes}`, [reduce(a, axes, fn, init)]);
    }
    const keep = s.map((d, i) => (axes.includes(i) ? 1 : d));
    await check(one(OP.MEAN, [{ shape: s }, ax(axes)], [{ shape: keep }], [[0, 'bool', true]]), [{ data: f, shape: s }], `MEAN ${axes}`, [reduce(f, axes, (p, q) => p + q, 0).map((v) => v / axes.reduce((t, i) => t * s[i], 1))], 1e-6);
  }
  // ANY / ALL of (a > 0), cast to int32 for LiteRT
  const B = (shape: number[]) => ({ shape, type: 'bool' as const });
  for (const [op, fn] of [[OP.REDUCE_ANY, (p: number, q: number) => p | q], [OP.REDUCE_ALL, (p: number, q: number) => p & q]] as const) {
    const bytes = model({ tensors: [{ name: 'a', ...i32(s) }, { name: 'zero', shape: [], type: 'i32', data: Int32Array.of(0) }, { name: 'pos', ...B(s) }, { name: 'ax', ...ax([2]) }, { name: 'r', ...B([3, 4]) }, { name: 'y', ...i32([3, 4]) }],
      ops: [{ op: OP.GREATER, inputs: [0, 1], outputs: [2] }, { op, inputs: [2, 3], outputs: [4], opts: [[0, 'bool', false]] }, { op: OP.CAST, inputs: [4], outputs: [5], opts: [[0, 'u8', 6], [1, 'u8', 2]] }], inputs: [0], outputs: [5] });
    await check(bytes, [{ data: a, shape: s }], `reduce bool ${op}`, [reduce(Array.from(a, (v) => (v > 0 ? 1 : 0)), [2], fn, op === OP.REDUCE_ANY ? 0 : 1)]);
  }
  for (const [op, axis, ot] of [[OP.ARG_MAX, 1, 'i32'], [OP.ARG_MIN, 2, 'i64'], [OP.ARG_MAX, -1, 'i32']] as const) {
    const os = s.filter((_, i) => i !== (axis + 3) % 3);
    const bytes = one(op, [{ shape: s }, { shape: [], type: 'i32', data: Int32Array.of(axis) }], [{ shape: os, type: ot }], [[0, 'u8', ot === 'i32' ? 2 : 4]]);
    const ref = [...Array(prod(os)).keys()].map((o) => {
      const idx = unravel(o, os), A = (axis + 3) % 3; let best = 0;
      const at = (j: number) => { const full = [...idx]; full.splice(A, 0, j); return f[full.reduce((t, v, i) => t * s[i] + v, 0)]; };
      for (let j = 1; j < s[A]; j++) if (op === OP.ARG_MAX ? at(j) > at(best) : at(j) < at(best)) best = j;
      return best;
    });
    const [y] = await (ot === 'i32' ? check(bytes, [{ data: f, shape: s }], `arg ${op} ${axis}`, [ref]) : alloyRun(bytes, [{ data: f, shape: s }]));
    same(y, ot === 'i64' ? ref.map(BigInt) : ref, `arg ${op} ${axis} reference`);
  }
  const k = 3, topk = one(OP.TOPK_V2, [{ shape: s }, { shape: [], type: 'i32', data: Int32Array.of(k) }], [{ shape: [3, 4, k] }, i32([3, 4, k])]);
  const rows = [...Array(12).keys()].map((r) => [...Array(5).keys()].sort((p, q) => f[r * 5 + q] - f[r * 5 + p] || p - q).slice(0, k));
  await check(topk, [{ data: f, shape: s }], 'TOPK_V2', [rows.flatMap((ix, r) => ix.map((j) => f[r * 5 + j])), rows.flat()]);
  for (const [ex, rev] of [[false, false], [true, false], [false, true], [true, true]]) {
    const bytes = one(OP.CUMSUM, [i32(s), { shape: [], type: 'i32', data: Int32Array.of(1) }], [i32(s)], [[0, 'bool', ex], [1, 'bool', rev]]);
    const ref = Array.from(a, (_, o) => { const [i, j, l] = unravel(o, s); let t = 0; for (let q = 0; q < 4; q++) if (rev ? (ex ? q > j : q >= j) : (ex ? q < j : q <= j)) t += a[i * 20 + q * 5 + l]; return t; });
    await check(bytes, [{ data: a, shape: s }], `CUMSUM ${ex} ${rev}`, [ref]);
  }
});

test('PACK UNPACK SPLIT SPLIT_V TILE CONCATENATION TRANSPOSE EXPAND_DIMS SQUEEZE RESHAPE SHAPE FILL RANGE ZEROS_LIKE PAD PADV2 BROADCAST_TO REVERSE_V2 ONE_HOT on int32', async () => {
  const s = [2, 3], a = ints(6, 51, -9, 9), b = ints(6, 52, -9, 9);
  const feeds = [{ data: a, shape: s }, { data: b, shape: s }];
  const c = (v: number[]) => ({ shape: [v.length], type: 'i32' as const, data: Int32Array.from(v) });
  const sc = (v: number) => ({ shape: [], type: 'i32' as const, data: Int32Array.of(v) });
  await check(one(OP.PACK, [i32(s), i32(s)], [i32([2, 2, 3])], [[0, 'i32', 2], [1, 'i32', 1]]), feeds, 'PACK axis 1', [[...a.slice(0, 3), ...b.slice(0, 3), ...a.slice(3), ...b.slice(3)]]);
  await check(one(OP.UNPACK, [i32(s)], [i32([2]), i32([2]), i32([2])], [[0, 'i32', 3], [1, 'i32', -1]]), feeds.slice(0, 1), 'UNPACK axis -1', [[a[0], a[3]], [a[1], a[4]], [a[2], a[5]]]);
  await check(one(OP.SPLIT, [sc(1), i32([2, 6])], [i32([2, 3]), i32([2, 3])], [[0, 'i32', 2]]), [{ data: Int32Array.from([...a, ...b]), shape: [2, 6] }], 'SPLIT', [[a[0], a[1], a[2], b[0], b[1], b[2]], [a[3], a[4], a[5], b[3], b[4], b[5]]]);
  await check(one(OP.SPLIT_V, [i32(s), c([2, -1]), sc(1)], [i32([2, 2]), i32([2, 1])], [[0, 'i32', 2]]), feeds.slice(0, 1), 'SPLIT_V', [[a[0], a[1], a[3], a[4]], [a[2], a[5]]]);
  await check(one(OP.TILE, [i32(s), c([2, 2])], [i32([4, 6])]), feeds.slice(0, 1), 'TILE', [[0, 1, 2, 3].flatMap((r) => [...a.slice((r % 2) * 3, (r % 2) * 3 + 3), ...a.slice((r % 2) * 3, (r % 2) * 3 + 3)])]);
  await check(one(OP.CONCATENATION, [i32(s), i32(s)], [i32([2, 6])], [[0, 'i32', 1], [1, 'u8', 0]]), feeds, 'CONCATENATION', [[...a.slice(0, 3), ...b.slice(0, 3), ...a.slice(3), ...b.slice(3)]]);
  await check(one(OP.TRANSPOSE, [i32(s), c([1, 0])], [i32([3, 2])]), feeds.slice(0, 1), 'TRANSPOSE', [[a[0], a[3], a[1], a[4], a[2], a[5]]]);
  await check(one(OP.EXPAND_DIMS, [i32(s), sc(-1)], [i32([2, 3, 1])]), feeds.slice(0, 1), 'EXPAND_DIMS', [a]);
  await check(one(OP.SQUEEZE, [i32([2, 1, 3])], [i32(s)], [[0, 'ints', [1]]]), [{ data: a, shape: [2, 1, 3] }], 'SQUEEZE', [a]);
  await check(one(OP.RESHAPE, [i32(s), c([3, -1])], [i32([3, 2])]), feeds.slice(0, 1), 'RESHAPE', [a]);
  // SHAPE: LiteRT.js hands back an unwritten output buffer for it; the reference is the definition
  const [sh] = await alloyRun(one(OP.SHAPE, [i32([2, 3, 4])], [i32([3])], [[0, 'u8', 2]]), [{ data: ints(24, 1, 0, 1), shape: [2, 3, 4] }]);
  assert.ok(sh instanceof Int32Array);
  same(sh, [2, 3, 4], 'SHAPE');
  await check(one(OP.FILL, [c([2, 4]), i32([])], [i32([2, 4])]), [{ data: Int32Array.of(7), shape: [] }], 'FILL', [new Array(8).fill(7)]);
  const [rg] = await alloyRun(one(OP.RANGE, [i32([]), sc(-7), sc(-3)], [i32([4])]), [{ data: Int32Array.of(4), shape: [] }]);
  same(rg, [4, 1, -2, -5], 'RANGE (a shape known at run time: LiteRT.js hands back an unwritten buffer)');
  await check(one(OP.ZEROS_LIKE, [i32(s)], [i32(s)]), feeds.slice(0, 1), 'ZEROS_LIKE', [new Array(6).fill(0)]);
  await check(one(OP.PAD, [i32(s), { shape: [2, 2], type: 'i32', data: Int32Array.from([1, 0, 0, 2]) }], [i32([3, 5])]), feeds.slice(0, 1), 'PAD', [[0, 0, 0, 0, 0, a[0], a[1], a[2], 0, 0, a[3], a[4], a[5], 0, 0]]);
  await check(one(OP.PADV2, [i32(s), { shape: [2, 2], type: 'i32', data: Int32Array.from([0, 1, 1, 0]) }, sc(-4)], [i32([3, 4])]), feeds.slice(0, 1), 'PADV2', [[-4, a[0], a[1], a[2], -4, a[3], a[4], a[5], -4, -4, -4, -4]]);
  const [bt] = await alloyRun(one(OP.BROADCAST_TO, [i32([3]), c([2, 3])], [i32([2, 3])]), [{ data: a.slice(0, 3), shape: [3] }]);
  same(bt, [a[0], a[1], a[2], a[0], a[1], a[2]], 'BROADCAST_TO (not in LiteRT.js)');
  await check(one(OP.REVERSE_V2, [i32(s), c([1])], [i32(s)]), feeds.slice(0, 1), 'REVERSE_V2', [[a[2], a[1], a[0], a[5], a[4], a[3]]]);
  const q = Int32Array.from([0, 3, 1, 2, 1]);
  await check(one(OP.ONE_HOT, [i32([5]), sc(4), { shape: [], data: Float32Array.of(2.5) }, { shape: [], data: Float32Array.of(-1) }], [{ shape: [4, 5] }], [[0, 'i32', 0]]), [{ data: q, shape: [5] }], 'ONE_HOT axis 0',
    [[...Array(20).keys()].map((o) => (q[o % 5] === Math.floor(o / 5) ? 2.5 : -1))]);
});

test('shape arithmetic feeding a RESHAPE at run time: SHAPE -> STRIDED_SLICE (shrink) -> PACK with -1 -> RESHAPE', async () => {
  const I = (v: number[]) => ({ shape: [v.length], type: 'i32' as const, data: Int32Array.from(v) });
  const tensors: T[] = [{ name: 'x', shape: [2, 3, 4] }, { name: 's', ...i32([3]) }, I([0]), I([1]), I([1]), { name: 'd0', ...i32([]) }, { name: 'm1', shape: [], type: 'i32', data: Int32Array.of(-1) },
    { name: 'ns', ...i32([2]) }, { name: 'y', shape: [2, 12] }];
  const ops: O[] = [{ op: OP.SHAPE, inputs: [0], outputs: [1], opts: [[0, 'u8', 2]] }, { op: OP.STRIDED_SLICE, inputs: [1, 2, 3, 4], outputs: [5], opts: [[4, 'i32', 1]] },
    { op: OP.PACK, inputs: [5, 6], outputs: [7], opts: [[0, 'i32', 2], [1, 'i32', 0]] }, { op: OP.RESHAPE, inputs: [0, 7], outputs: [8] }];
  const x = floats(24, 77);
  const bytes = model({ tensors, ops, inputs: [0], outputs: [8] });
  const bi = importTflite(bytes);
  assert.equal(bi.graph.nodes.map((n) => n.op), ['Shape', 'Cast', 'Slice', 'Squeeze', 'Unsqueeze', 'Unsqueeze', 'Concat', 'Reshape']);
  // (LiteRT.js hands back unwritten buffers for outputs whose shape is decided at run time)
  const [y] = await alloyRun(bytes, [{ data: x, shape: [2, 3, 4] }]);
  same(y, x, 'dynamic reshape');
  assert.equal(bi.graph.outputs[0].shape, [2, 12]);
});

test('typedSpec (the fuzz seed): GATHER, CAST, ADD, STRIDED_SLICE, SUM, ARG_MAX, GREATER, SELECT_V2 = LiteRT', async () => {
  const bytes = build(typedSpec((n, seed, scale = 1) => floats(n, seed, scale)));
  await check(bytes, [{ data: floats(12, 5), shape: [2, 6] }, { data: Int32Array.from([5, 0, 2]), shape: [3] }], 'typedSpec', undefined, 1e-6);
});

test('quantized int8 values through typed operators stay emulated f32 (FakeQuant): QUANTIZE -> GATHER -> STRIDED_SLICE -> TRANSPOSE -> DEQUANTIZE = LiteRT', async () => {
  const q = { scale: [0.05], zp: [3] };
  const I = (name: string, v: number[]): T => ({ name, shape: [v.length], type: 'i32', data: Int32Array.from(v) });
  const tensors: T[] = [{ name: 'x', shape: [4, 6] }, { name: 'q', shape: [4, 6], type: 'i8', quant: q }, I('idx', [3, 0, 2]), { name: 'g', shape: [3, 6], type: 'i8', quant: q },
    I('b', [0, 1]), I('e', [3, 6]), I('s', [1, 2]), { name: 'sl', shape: [3, 3], type: 'i8', quant: q }, I('perm', [1, 0]), { name: 't', shape: [3, 3], type: 'i8', quant: q }, { name: 'y', shape: [3, 3] }];
  const ops: O[] = [{ op: OP.QUANTIZE, inputs: [0], outputs: [1] }, { op: OP.GATHER, inputs: [1, 2], outputs: [3], opts: [[0, 'i32', 0]] },
    { op: OP.STRIDED_SLICE, inputs: [3, 4, 5, 6], outputs: [7], opts: [[0, 'i32', 0]] }, { op: OP.TRANSPOSE, inputs: [7, 8], outputs: [9] }, { op: OP.DEQUANTIZE, inputs: [9], outputs: [10] }];
  const bytes = model({ tensors, ops, inputs: [0], outputs: [10] });
  const bi = importTflite(bytes);
  assert.equal(bi.graph.nodes.map((n) => n.op), ['FakeQuant', 'Gather', 'FakeQuant', 'Slice', 'FakeQuant', 'Transpose', 'FakeQuant', 'Reshape']);
  await check(bytes, [{ data: floats(24, 13, 4), shape: [4, 6] }], 'quantized typed chain', undefined, 1e-6);
});

/** TFLite transposed convolution as a scatter loop: y[o] += x[i] w[k] at o = i * s - pad + k. */
function deconvRef(x: Float32Array, xs: number[], w: Float32Array, ws: number[], bias: Float32Array | null, s: number[], pad: number[], out: number[]): number[] {
  const [N, H, W, C] = xs, [OC, KH, KW] = ws, [OH, OW] = out;
  const y = new Array(N * OH * OW * OC).fill(0).map((_, o) => (bias ? bias[o % OC] : 0));
  for (let n = 0; n < N; n++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) for (let oc = 0; oc < OC; oc++) {
    const oy = i * s[0] - pad[0] + ky, ox = j * s[1] - pad[1] + kx;
    if (oy >= 0 && oy < OH && ox >= 0 && ox < OW) y[((n * OH + oy) * OW + ox) * OC + oc] += x[((n * H + i) * W + j) * C + c] * w[((oc * KH + ky) * KW + kx) * C + c];
  }
  return y;
}

test('TRANSPOSE_CONV (SAME / VALID, strides, bias) against LiteRT, and MediaPipe Convolution2DTransposeBias, via ConvTranspose', async () => {
  for (const [H, W, K, st, same2, C, OC] of [[5, 4, 3, 2, true, 3, 4], [3, 3, 4, 2, false, 2, 5], [4, 7, 3, 1, true, 1, 2], [2, 3, 5, 3, true, 2, 3]] as [number, number, number, number, boolean, number, number][]) {
    const OH = same2 ? H * st : (H - 1) * st + K, OW = same2 ? W * st : (W - 1) * st + K;
    const x = floats(H * W * C, H + 1), w = floats(OC * K * K * C, K + 2), b = floats(OC, 3, 0.5);
    const total = [OH, OW].map((o, i) => { const n = same2 ? Math.ceil(o / st) : Math.ceil((o - K + 1) / st); return Math.max(0, (n - 1) * st + K - o); });
    const pad = total.map((t) => Math.floor(t / 2));
    const bytes = model({
      tensors: [{ name: 'os', shape: [4], type: 'i32', data: Int32Array.from([1, OH, OW, OC]) }, { name: 'w', shape: [OC, K, K, C], data: w }, { name: 'x', shape: [1, H, W, C] }, { name: 'b', shape: [OC], data: b }, { name: 'y', shape: [1, OH, OW, OC] }],
      ops: [{ op: OP.TRANSPOSE_CONV, inputs: [0, 1, 2, 3], outputs: [4], opts: [[0, 'u8', same2 ? 0 : 1], [1, 'i32', st], [2, 'i32', st], [3, 'u8', 0]] }], inputs: [2], outputs: [4],
    });
    await check(bytes, [{ data: x, shape: [1, H, W, C] }], `TRANSPOSE_CONV ${H}x${W} k${K} s${st} ${same2 ? 'SAME' : 'VALID'}`, [deconvRef(x, [1, H, W, C], w, [OC, K, K], b, [st, st], pad, [OH, OW])], 1e-5);
    // MediaPipe's op: the output size and crop from the input size
    const mpTotal = [H, W].map((d) => (same2 ? Math.max(0, K - ((d - 1) % st) - 1) : 0));
    const mo = [H, W].map((d, i) => st * (d - 1) + K - mpTotal[i]);
    const mp = model({
      tensors: [{ name: 'x', shape: [1, H, W, C] }, { name: 'w', shape: [OC, K, K, C], data: w }, { name: 'b', shape: [OC], data: b }, { name: 'y', shape: [1, mo[0], mo[1], OC] }],
      ops: [{ op: OP.CUSTOM, custom: 'Convolution2DTransposeBias', inputs: [0, 1, 2], outputs: [3], customOptions: new Uint8Array(Int32Array.from([same2 ? 1 : 2, st, st]).buffer) }], inputs: [0], outputs: [3],
    });
    const [y] = await alloyRun(mp, [{ data: x, shape: [1, H, W, C] }]);
    same(y, deconvRef(x, [1, H, W, C], w, [OC, K, K], b, [st, st], mpTotal.map((t) => Math.floor(t / 2)), mo), `Convolution2DTransposeBias ${H}x${W}`, 1e-5);
  }
});

test('unary math (ABS NEG EXP LOG SQRT RSQRT SIN COS FLOOR CEIL ROUND SIGN) and f32 FLOOR_DIV match LiteRT and their definitions', async () => {
  await ready();
  const x = floats(13, 5, 6), pos = Float32Array.from(x, (v) => Math.abs(v) + 0.25);
  const even = (v: number) => { const r = Math.round(v); return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
  const f = Math.fround;
  const cases: [number, (v: number) => number, Float32Array, number][] = [
    [OP.ABS, Math.abs, x, 0], [OP.NEG, (v) => -v, x, 0], [OP.EXP, Math.exp, x, 2e-6], [OP.LOG, Math.log, pos, 2e-6],
    [OP.SQRT, Math.sqrt, pos, 0], [OP.RSQRT, (v) => f(1 / f(Math.sqrt(v))), pos, 2e-6], [OP.SIN, Math.sin, x, 2e-6], [OP.COS, Math.cos, x, 2e-6],
    [OP.FLOOR, Math.floor, x, 0], [OP.CEIL, Math.ceil, x, 0], [OP.ROUND, even, x, 0], [OP.SIGN, Math.sign, x, 0],
  ];
  for (const [op, fn, data, tol] of cases) await check(one(op, [{ shape: [13] }], [{ shape: [13] }]), [{ data, shape: [13] }], `op ${op}`, [Array.from(data, (v) => f(fn(v)))], tol);
  const a = floats(12, 7, 9), b = Float32Array.from(floats(3, 8, 4), (v) => (Math.abs(v) < 0.5 ? 1.5 : v));
  await check(one(OP.FLOOR_DIV, [{ shape: [4, 3] }, { shape: [3] }], [{ shape: [4, 3] }]), [{ data: a, shape: [4, 3] }, { data: b, shape: [3] }], 'FLOOR_DIV f32', [Array.from(a, (v, i) => Math.floor(f(v / b[i % 3])))]);
});

test('refusals: code and message naming the operator', async () => {
  await ready();
  const code = (f: () => unknown, c: string, re: RegExp) => { try { f(); assert.unreachable('should throw'); } catch (e: any) { assert.is(e.code, c, e.message); assert.match(e.message, re); } };
  code(() => importTflite(one(OP.GATHER, [{ shape: [2, 3] }, i32([2, 1])], [{ shape: [2, 1] }], [[0, 'i32', 1], [1, 'i32', 1]])), 'UNSUPPORTED_OP', /GATHER \(operator 0\): batch_dims 1/);
  const I = (v: number[]) => ({ shape: [v.length], type: 'i32' as const, data: Int32Array.from(v) });
  code(() => importTflite(one(OP.STRIDED_SLICE, [{ shape: [4] }, I([0]), I([4]), I([0])], [{ shape: [4] }])), 'BAD_GRAPH', /operator 0 STRIDED_SLICE .*a stride of 0/);
  code(() => importTflite(one(OP.ADD, [i32([3]), { shape: [3] }], [i32([3])], [[0, 'u8', 0]])), 'BAD_GRAPH', /operator 0 ADD .*operands of types i32 and f32/);
  code(() => importTflite(one(OP.ADD, [i32([3]), i32([3])], [{ shape: [3] }], [[0, 'u8', 0]])), 'BAD_GRAPH', /output 0 "out0" is declared FLOAT32; the operator computes i32/);
  code(() => importTflite(one(OP.ADD, [i32([3]), i32([3])], [i32([3])], [[0, 'u8', 1]])), 'UNSUPPORTED_OP', /fused activation relu on i32/);
  code(() => importTflite(one(OP.HARD_SWISH, [i32([3])], [i32([3])])), 'UNSUPPORTED_OP', /HARD_SWISH \(operator 0\): input "in0" is i32; this operator takes f32/);
  code(() => importTflite(model({ tensors: [{ name: 'x', shape: [1, 2, 2, 1] }, { name: 'y', shape: [1, 2, 2, 1] }], ops: [{ op: OP.CUSTOM, custom: 'FooBar', inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] })), 'UNSUPPORTED_OP', /custom operator "FooBar"/);
  code(() => importTflite(model({ tensors: [{ name: 'x', shape: [1, 2, 2, 1] }, { name: 'w', shape: [1, 1, 1, 1], data: Float32Array.of(1) }, { name: 'b', shape: [1], data: Float32Array.of(0) }, { name: 'y', shape: [1, 2, 2, 1] }],
    ops: [{ op: OP.CUSTOM, custom: 'Convolution2DTransposeBias', inputs: [0, 1, 2], outputs: [3], customOptions: new Uint8Array(4) }], inputs: [0], outputs: [3] })), 'BAD_GRAPH', /custom options of 4 bytes/);
  code(() => importTflite(model({ tensors: [{ name: 'q', shape: [3], type: 'i8', quant: { scale: [0.5] } }, { name: 'y', shape: [3], type: 'i8', quant: { scale: [0.5] } }], ops: [{ op: OP.ADD, inputs: [0, 0], outputs: [1], opts: [[0, 'u8', 0]] }], inputs: [0], outputs: [1] })), 'UNSUPPORTED_OP', /graph input "q" has type INT8 \(quantized\)/);
  code(() => importTflite(one(OP.SLICE, [{ shape: [4, 4] }, I([0, 5]), I([1, -2])], [{ shape: [1, 1] }])), 'BAD_GRAPH', /operator 0 SLICE .*out of range/);
  code(() => importTflite(one(OP.SPLIT_V, [{ shape: [6] }, I([-1, -1]), { shape: [], type: 'i32', data: Int32Array.of(0) }], [{ shape: [3] }, { shape: [3] }])), 'BAD_GRAPH', /operator 0 SPLIT_V .*size_splits \[-1,-1\]/);
  code(() => importTflite(one(OP.UNPACK, [{ shape: [3, 2] }], [{ shape: [2] }, { shape: [2] }], [[0, 'i32', 2], [1, 'i32', 0]])), 'SHAPE_MISMATCH', /operator 0 UNPACK .*axis 0 of size 3 unpacks into 2 outputs/);
  code(() => importTflite(one(OP.SELECT_V2, [i32([3]), i32([3]), i32([3])], [i32([3])])), 'BAD_GRAPH', /operator 0 SELECT_V2 .*condition of type i32/);
  code(() => importTflite(one(OP.LOGICAL_AND, [i32([3]), i32([3])], [{ shape: [3], type: 'bool' }])), 'BAD_GRAPH', /operator 0 LOGICAL_AND .*logical ops take bool/);
  code(() => importTflite(one(OP.STRIDED_SLICE, [{ shape: [4] }, I([0, 0]), I([1, 1]), I([1, 1])], [{ shape: [1] }])), 'BAD_GRAPH', /the spec names more axes than the input's 1/);
  code(() => importTflite(one(OP.STRIDED_SLICE, [{ shape: [4, 4] }, I([0, 0]), I([1, 1]), I([1, 1])], [{ shape: [1, 1] }], [[2, 'i32', 3]])), 'BAD_GRAPH', /more than one ellipsis/);
  code(() => importTflite(one(OP.EXPAND_DIMS, [i32([3]), { shape: [], type: 'i32', data: Int32Array.of(3) }], [i32([3, 1])])), 'BAD_GRAPH', /operator 0 EXPAND_DIMS .*axis 3 out of range for rank 1/);
  code(() => importTflite(model({ tensors: [{ name: 'os', shape: [4], type: 'i32', data: Int32Array.from([1, 4, 4, 3]) }, { name: 'w', shape: [2, 3, 3, 1], data: floats(18, 1) }, { name: 'x', shape: [1, 2, 2, 1] }, { name: 'y', shape: [1, 4, 4, 2] }],
    ops: [{ op: OP.TRANSPOSE_CONV, inputs: [0, 1, 2], outputs: [3], opts: [[0, 'u8', 0], [1, 'i32', 2], [2, 'i32', 2]] }], inputs: [2], outputs: [3] })), 'BAD_GRAPH', /operator 0 TRANSPOSE_CONV .*output_shape \[1,4,4,3\]/);
  for (const op of [OP.PACK, OP.CONCATENATION]) code(() => importTflite(model({ tensors: [{ name: 'x', ...i32([2]) }, { name: 'y', ...i32([2]) }], ops: [{ op, inputs: [], outputs: [1] }], inputs: [0], outputs: [1] })), 'BAD_GRAPH', /no inputs/);
  // an index out of range at run time: BAD_INPUT naming the node
  try { await alloyRun(one(OP.GATHER, [{ shape: [4], data: floats(4, 1) }, i32([2])], [{ shape: [2] }], [[0, 'i32', 0], [1, 'i32', 0]]), [{ data: Int32Array.from([1, 9]), shape: [2] }]); assert.unreachable('should throw'); } catch (e: any) { assert.is(e.code, 'BAD_INPUT'); assert.match(e.message, /gather_0/); }
});

test.run();

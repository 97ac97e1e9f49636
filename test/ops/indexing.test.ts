// The indexing operators (src/runtime/ops/indexing.ts) through tiny bundles and one ONNX model:
// values against a plain JS loop of the ONNX definition, dynamic shapes, several outputs, and
// the refusals (BAD_INPUT for an index out of range at run time, SHAPE_MISMATCH, BAD_GRAPH).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { onnxRoot } from '../../src/tools/import/onnx/proto.ts';
import { importModel } from '../import/onnx-helpers.ts';

type V = { name: string; shape: number[]; format: string };
const bundle = (inputs: V[], outputs: V[], nodes: any[], tensors: Record<string, any> = {}) => writeBundle({ graph: { inputs, outputs, nodes }, tensors });
const node = (op: string, inputs: string[], outputs: string[], attrs?: Record<string, unknown>) => ({ name: op.toLowerCase(), op, inputs, outputs, ...(attrs ? { attrs } : {}) });
const rand = (n: number, seed: number) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() % 2001) - 1000) / 64); };

async function throws(f: () => unknown, code: string, match: RegExp) {
  try { f(); } catch (e) {
    assert.ok(e instanceof AlloyError, String(e));
    assert.is((e as AlloyError).code, code, (e as Error).message);
    assert.match((e as Error).message, match);
    return;
  }
  assert.unreachable(`no ${code}`);
}

test('Gather as an embedding lookup: f32 table [V, H], i64 ids [batch, seq] -> [batch, seq, H]', async () => {
  const a = await getAlloy();
  const V = 17, H = 33, table = rand(V * H, 1);
  const m = a.load(bundle([{ name: 'ids', shape: [-1, -1], format: 'i64' }], [{ name: 'y', shape: [-1, -1, H], format: 'f32' }],
    [node('Gather', ['table', 'ids'], ['y'], { axis: 0 })], { table: { format: 'f32', shape: [V, H], data: table } }));
  for (const [B, S] of [[1, 1], [2, 5], [3, 7]]) {
    const ids = BigInt64Array.from({ length: B * S }, (_, i) => BigInt(((i * 7) % (2 * V)) - V));
    const y = m.run({ ids: { data: ids, shape: [B, S] } }).y;
    assert.equal(y.shape, [B, S, H]);
    for (let t = 0; t < B * S; t++) {
      const row = Number(ids[t]) < 0 ? Number(ids[t]) + V : Number(ids[t]);
      for (let h = 0; h < H; h++) assert.is(y.data[t * H + h], table[row * H + h]);
    }
  }
  await throws(() => m.run({ ids: { data: new BigInt64Array([0n, BigInt(V)]), shape: [1, 2] } }), 'BAD_INPUT', /gather.*outside \[-17, 16\]/);
  await throws(() => m.run({ ids: { data: new BigInt64Array([-BigInt(V) - 1n]), shape: [1, 1] } }), 'BAD_INPUT', /gather/);
  m.dispose();
});

test('Gather on an inner axis, GatherElements, GatherND with batch_dims', async () => {
  const a = await getAlloy();
  const x = rand(3 * 4 * 5, 2);
  const m = a.load(bundle([{ name: 'x', shape: [3, 4, 5], format: 'f32' }], [
    { name: 'g', shape: [3, 2, 2, 5], format: 'f32' }, { name: 'ge', shape: [3, 2, 5], format: 'f32' }, { name: 'gn', shape: [3, 2, 5], format: 'f32' },
  ], [
    node('Gather', ['x', 'gi'], ['g'], { axis: 1 }),
    node('GatherElements', ['x', 'ei'], ['ge'], { axis: 1 }),
    node('GatherND', ['x', 'ni'], ['gn'], { batch_dims: 1 }),
  ], {
    gi: { format: 'i32', shape: [2, 2], data: new Int32Array([0, -1, 2, 1]) },
    ei: { format: 'i64', shape: [3, 2, 5], data: BigInt64Array.from({ length: 30 }, (_, i) => BigInt((i * 3) % 4)) },
    ni: { format: 'i64', shape: [3, 2, 1], data: new BigInt64Array([3n, 0n, -1n, 1n, 2n, 2n]) },
  }));
  const out = m.run({ x });
  const X = (i: number, j: number, k: number) => x[(i * 4 + j) * 5 + k];
  const gi = [0, 3, 2, 1], ni = [3, 0, 3, 1, 2, 2];
  for (let i = 0; i < 3; i++) for (let p = 0; p < 4; p++) for (let k = 0; k < 5; k++) assert.is(out.g.data[(i * 4 + p) * 5 + k], X(i, gi[p], k));
  for (let e = 0; e < 30; e++) { const i = Math.floor(e / 10), k = e % 5; assert.is(out.ge.data[e], X(i, (e * 3) % 4, k)); }
  for (let i = 0; i < 3; i++) for (let n = 0; n < 2; n++) for (let k = 0; k < 5; k++) assert.is(out.gn.data[(i * 2 + n) * 5 + k], X(i, ni[i * 2 + n], k));
  m.dispose();
});

test('ScatterElements (add on i64, repeated indices) and ScatterND (mul on f32)', async () => {
  const a = await getAlloy();
  const m = a.load(bundle([{ name: 'd', shape: [2, 3], format: 'i64' }, { name: 'f', shape: [4, 2], format: 'f32' }],
    [{ name: 'se', shape: [2, 3], format: 'i64' }, { name: 'sn', shape: [4, 2], format: 'f32' }], [
      node('ScatterElements', ['d', 'si', 'su'], ['se'], { axis: 1, reduction: 'add' }),
      node('ScatterND', ['f', 'ni', 'nu'], ['sn'], { reduction: 'mul' }),
    ], {
      si: { format: 'i32', shape: [2, 2], data: new Int32Array([0, 0, -1, 1]) },
      su: { format: 'i64', shape: [2, 2], data: new BigInt64Array([5n, 7n, 2n ** 62n, -1n]) },
      ni: { format: 'i64', shape: [3, 1], data: new BigInt64Array([1n, -1n, 1n]) },
      nu: { format: 'f32', shape: [3, 2], data: new Float32Array([2, 3, 0.5, -1, 10, 10]) },
    }));
  const out = m.run({ d: new BigInt64Array([1n, 2n, 3n, 4n, 5n, 6n]), f: new Float32Array([1, 1, 2, 2, 3, 3, 4, 4]) });
  assert.equal([...out.se.data], [13n, 2n, 3n, 4n, 4n, 6n + 2n ** 62n]);
  assert.equal([...out.sn.data], [1, 1, 40, 60, 3, 3, 2, -4]);
  m.dispose();
});

test('OneHot (depth a stored value), Trilu (k input), Range (stored scalars), TopK (two outputs)', async () => {
  const a = await getAlloy();
  const m = a.load(bundle([{ name: 'q', shape: [3], format: 'i64' }, { name: 'x', shape: [3, 4], format: 'f32' }], [
    { name: 'oh', shape: [4, 3], format: 'f32' }, { name: 'tr', shape: [3, 4], format: 'f32' }, { name: 'rg', shape: [3], format: 'i32' },
    { name: 'tv', shape: [3, 2], format: 'f32' }, { name: 'ti', shape: [3, 2], format: 'i64' },
  ], [
    node('OneHot', ['q', 'depth', 'vals'], ['oh'], { axis: 0 }),
    node('Trilu', ['x', 'k'], ['tr'], { upper: 0 }),
    node('Range', ['r0', 'r1', 'r2'], ['rg']),
    node('TopK', ['x', 'K'], ['tv', 'ti'], { axis: 1, largest: 1, sorted: 1 }),
  ], {
    depth: { format: 'f32', shape: [], data: new Float32Array([4.7]) }, vals: { format: 'f32', shape: [2], data: new Float32Array([-1, 9]) },
    k: { format: 'i64', shape: [], data: new BigInt64Array([1n]) },
    r0: { format: 'i32', shape: [], data: new Int32Array([10]) }, r1: { format: 'i32', shape: [], data: new Int32Array([1]) }, r2: { format: 'i32', shape: [], data: new Int32Array([-4]) },
    K: { format: 'i64', shape: [1], data: new BigInt64Array([2n]) },
  }));
  const x = new Float32Array([1, 5, 5, 2, 0, -1, 3, 3, 7, 7, 7, 7]);
  const out = m.run({ q: new BigInt64Array([1n, -1n, 4n]), x });
  assert.equal(out.oh.shape, [4, 3]);
  assert.equal([...out.oh.data], [-1, -1, -1, 9, -1, -1, -1, -1, -1, -1, 9, -1]);
  assert.equal([...out.tr.data], [1, 5, 0, 0, 0, -1, 3, 0, 7, 7, 7, 7]);
  assert.equal([...out.rg.data], [10, 6, 2]);
  assert.equal([...out.tv.data], [5, 5, 3, 3, 7, 7]);
  assert.equal([...out.ti.data], [1n, 2n, 2n, 3n, 0n, 1n], 'ties: lower index first');
  await throws(() => m.run({ q: new BigInt64Array(3), x: new Float32Array(11) }), 'SHAPE_MISMATCH', /x/);
  m.dispose();
});

test('refusals: index out of range at run time (BAD_INPUT), K above the axis, delta 0, shapes, types', async () => {
  const a = await getAlloy();
  const f = { name: 'x', shape: [2, 3], format: 'f32' }, y = (shape: number[], format = 'f32') => [{ name: 'y', shape, format }];
  const sn = a.load(bundle([f, { name: 'i', shape: [1, 2], format: 'i64' }], y([2, 3]), [node('ScatterND', ['x', 'i', 'u'], ['y'])], { u: { format: 'f32', shape: [1], data: new Float32Array([1]) } }));
  await throws(() => sn.run({ x: new Float32Array(6), i: new BigInt64Array([1n, 3n]) }), 'BAD_INPUT', /scatternd.*outside data \[2,3\]/);
  assert.equal([...sn.run({ x: new Float32Array(6), i: new BigInt64Array([-1n, -3n]) }).y.data], [0, 0, 0, 1, 0, 0]);
  sn.dispose();
  const se = a.load(bundle([f, { name: 'i', shape: [2, 1], format: 'i32' }], y([2, 3]), [node('ScatterElements', ['x', 'i', 'u'], ['y'], { axis: 1 })], { u: { format: 'f32', shape: [2, 1], data: new Float32Array([1, 2]) } }));
  await throws(() => se.run({ x: new Float32Array(6), i: new Int32Array([0, -4]) }), 'BAD_INPUT', /scatterelements.*outside \[-3, 2\]/);
  se.dispose();
  const ge = a.load(bundle([f, { name: 'i', shape: [2, 2], format: 'i64' }], y([2, 2]), [node('GatherElements', ['x', 'i'], ['y'], { axis: 0 })]));
  await throws(() => ge.run({ x: new Float32Array(6), i: new BigInt64Array([0n, 1n, 2n, 0n]) }), 'BAD_INPUT', /gatherelements/);
  ge.dispose();
  // shapes are planned at the first run: the refusal comes from load() or run()
  const lr = (b: Uint8Array) => () => { const m = a.load(b); try { m.run({ x: new Float32Array(6) }); } finally { m.dispose(); } };
  await throws(lr(bundle([f], [{ name: 'v', shape: [2, 4], format: 'f32' }, { name: 'w', shape: [2, 4], format: 'i64' }], [node('TopK', ['x', 'K'], ['v', 'w'])], { K: { format: 'i64', shape: [1], data: new BigInt64Array([4n]) } })), 'BAD_INPUT', /"topk".*K 4 is outside \[0, 3\]/);
  await throws(lr(bundle([f], y([1], 'i32'), [node('Range', ['r', 'r', 'z'], ['y'])], { r: { format: 'i32', shape: [], data: new Int32Array([1]) }, z: { format: 'i32', shape: [], data: new Int32Array([0]) } })), 'BAD_INPUT', /"range".*delta is 0/);
  await throws(lr(bundle([f], y([2, 3]), [node('Gather', ['x', 'i'], ['y'])], { i: { format: 'f32', shape: [1], data: new Float32Array([0]) } })), 'BAD_GRAPH', /indices must be i32 or i64/);
  await throws(lr(bundle([f], y([2, 3]), [node('GatherElements', ['x', 'i'], ['y'], { axis: 1 })], { i: { format: 'i64', shape: [3, 1], data: new BigInt64Array(3) } })), 'SHAPE_MISMATCH', /do not fit/);
  await throws(lr(bundle([f], y([2, 3]), [node('ScatterElements', ['x', 'i', 'u'], ['y'], { reduction: 'sum' })], { i: { format: 'i64', shape: [1, 1], data: new BigInt64Array(1) }, u: { format: 'f32', shape: [1, 1], data: new Float32Array(1) } })), 'BAD_GRAPH', /reduction "sum"/);
  await throws(lr(bundle([f], y([2, 3]), [node('Gather', ['x', 'i'], ['y'], { axis: 2 })], { i: { format: 'i64', shape: [], data: new BigInt64Array(1) } })), 'SHAPE_MISMATCH', /axis 2 out of range/);
});

// A BERT-style embedding block as PyTorch exports it: word + token-type lookups of int64 ids
// [batch, seq] (symbolic dims), added: [batch, seq, hidden].
function embeddingModel(V: number, H: number, word: Float32Array, type: Float32Array): Uint8Array {
  const T = onnxRoot().lookupType('onnx.ModelProto');
  const vi = (name: string, elem: number, dim: (number | string)[]) => ({ name, type: { tensor_type: { elem_type: elem, shape: { dim: dim.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } });
  const raw = (a: Float32Array) => new Uint8Array(a.buffer);
  const msg = {
    ir_version: 8, producer_name: 'alloy-test', opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'emb',
      node: [
        { name: 'word', op_type: 'Gather', input: ['word_emb', 'input_ids'], output: ['w'] },
        { name: 'type', op_type: 'Gather', input: ['type_emb', 'token_type_ids'], output: ['t'] },
        { name: 'add', op_type: 'Add', input: ['w', 't'], output: ['y'] },
      ],
      initializer: [{ name: 'word_emb', dims: [V, H], data_type: 1, raw_data: raw(word) }, { name: 'type_emb', dims: [2, H], data_type: 1, raw_data: raw(type) }],
      input: [vi('input_ids', 7, ['batch', 'seq']), vi('token_type_ids', 7, ['batch', 'seq'])],
      output: [vi('y', 1, ['batch', 'seq', H])],
    },
  };
  return T.encode(T.fromObject(msg)).finish();
}

test('ONNX: a BERT-style embedding (Gather of i64 ids [batch, seq]) imports and runs', async () => {
  const a = await getAlloy();
  const V = 30, H = 16, word = rand(V * H, 3), type = rand(2 * H, 4);
  const input = await importModel(embeddingModel(V, H, word, type));
  const m = a.load(writeBundle(input));
  const B = 2, S = 7, ids = BigInt64Array.from({ length: B * S }, (_, i) => BigInt((i * 11) % V)), tt = BigInt64Array.from({ length: B * S }, (_, i) => BigInt(i % 2));
  const y = m.run({ input_ids: { data: ids, shape: [B, S] }, token_type_ids: { data: tt, shape: [B, S] } }).y;
  assert.equal(y.shape, [B, S, H]);
  for (let t = 0; t < B * S; t++) for (let h = 0; h < H; h++) assert.is(y.data[t * H + h], Math.fround(word[Number(ids[t]) * H + h] + type[Number(tt[t]) * H + h]));
  m.dispose();
});

test.run();

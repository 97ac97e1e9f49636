// Control flow through the ONNX importer (src/tools/import/onnx/ops/control.ts): If and Loop
// bodies from AttributeProto.g, reading outer-scope values (an activation and an initializer) by
// name, against plain-JS readings of the operators; an outer value a body reads is not fused
// away; refusals name the node and the body.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, importModel, runAlloy, type Spec } from './onnx-helpers.ts';

const fr = Math.fround;
const arr = (t: any) => Array.from(t.data as ArrayLike<number>);
const code = async (f: () => Promise<unknown>, c: string, re: RegExp) => {
  try { await f(); } catch (e: any) { assert.is(e.code, c, e.message); assert.match(e.message, re); return; }
  assert.unreachable(`expected ${c}`);
};

const ifSpec: Spec = {
  inputs: [{ name: 'c', shape: [], type: 'bool' }, { name: 'x', shape: ['n', 3] }], outputs: [{ name: 'z' }],
  inits: [{ name: 'w', shape: [3], data: new Float32Array([0.5, -1, 2]) }],
  nodes: [
    { op: 'Relu', inputs: ['x'], outputs: ['r'] },
    { op: 'If', inputs: ['c'], outputs: ['y'], attrs: {
      then_branch: { g: { inputs: [], outputs: [{ name: 't' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['t'] }] } },
      else_branch: { g: { inputs: [], outputs: [{ name: 'e' }], nodes: [{ op: 'Mul', inputs: ['r', 'w'], outputs: ['e'] }] } },
    } },
    { op: 'Add', inputs: ['y', 'x'], outputs: ['z'] },
  ],
};

test('If: branches read an outer activation and an initializer; the Add after it sees the branch taken', async () => {
  const model = buildModel(ifSpec);
  for (const n of [1, 4, 7]) {
    const x = Array.from({ length: n * 3 }, (_, i) => (i % 7) - 3.25);
    for (const c of [0, 1]) {
      const { out } = await runAlloy(model, { c: new Uint8Array([c]), x: { data: new Float32Array(x), shape: [n, 3] } } as any);
      const relu = x.map((v) => Math.max(v, 0));
      const want = x.map((v, i) => fr((c ? relu[i] : fr(relu[i] * [0.5, -1, 2][i % 3])) + v));
      assert.equal(out.z.shape, [n, 3]);
      assert.equal(arr(out.z), want);
    }
  }
});

const loopSpec: Spec = {
  inputs: [{ name: 'M', shape: [], type: 'int64' }, { name: 'x', shape: [4] }], outputs: [{ name: 'sum' }, { name: 'all' }],
  inits: [{ name: 's0', shape: [4], data: new Float32Array(4) }, { name: 'c0', shape: [], data: new Uint8Array([1]), type: 'bool' }],
  nodes: [{ op: 'Loop', inputs: ['M', 'c0', 's0'], outputs: ['sum', 'all'], attrs: { body: { g: {
    inputs: [{ name: 'i', shape: [], type: 'int64' }, { name: 'cin', shape: [], type: 'bool' }, { name: 's', shape: [4] }],
    outputs: [{ name: 'cout', type: 'bool' }, { name: 's2' }, { name: 'snap' }],
    nodes: [
      { op: 'Identity', inputs: ['cin'], outputs: ['cout'] },
      { op: 'Add', inputs: ['s', 'x'], outputs: ['s2'] },
      { op: 'Mul', inputs: ['s2', 's2'], outputs: ['snap'] },
    ],
  } } } }],
};

test('Loop: a trip count fed at run time, an outer activation read in the body, scan outputs', async () => {
  const model = buildModel(loopSpec);
  const x = [1.5, -2, 0.25, 3];
  for (const M of [0, 1, 3, 6]) {
    const { out } = await runAlloy(model, { M: new BigInt64Array([BigInt(M)]), x: new Float32Array(x) } as any);
    let s = [0, 0, 0, 0]; const snaps: number[] = [];
    for (let i = 0; i < M; i++) { s = s.map((v, k) => fr(v + x[k])); snaps.push(...s.map((v) => fr(v * v))); }
    assert.equal(arr(out.sum), s);
    assert.equal(out.all.shape, M ? [M, 4] : [0]);
    assert.equal(arr(out.all), snaps);
  }
});

test('an outer value a body reads counts as a use: the Relu after a MatMul is not fused away', async () => {
  // r = Relu(MatMul(x, w)); the If body reads the MatMul output itself
  const spec: Spec = {
    inputs: [{ name: 'c', shape: [], type: 'bool' }, { name: 'x', shape: [2, 2] }], outputs: [{ name: 'r' }, { name: 'y' }],
    inits: [{ name: 'w', shape: [2, 2], data: new Float32Array([1, -1, -1, 1]) }],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['mm'] },
      { op: 'Relu', inputs: ['mm'], outputs: ['r'] },
      { op: 'If', inputs: ['c'], outputs: ['y'], attrs: {
        then_branch: { g: { inputs: [], outputs: [{ name: 't' }], nodes: [{ op: 'Identity', inputs: ['mm'], outputs: ['t'] }] } },
        else_branch: { g: { inputs: [], outputs: [{ name: 'e' }], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['e'] }] } },
      } },
    ],
  };
  const { out } = await runAlloy(buildModel(spec), { c: new Uint8Array([1]), x: new Float32Array([1, 2, 3, -4]) } as any);
  assert.equal(arr(out.y), [-1, 1, 7, -7]);
  assert.equal(arr(out.r), [0, 1, 7, 0]);
});

test('refusals: an unsupported op inside a body, a body of the wrong arity, a missing subgraph', async () => {
  const bad = (body: any, attrs: Record<string, any> = {}) => buildModel({
    inputs: [{ name: 'c', shape: [], type: 'bool' }, { name: 'x', shape: [2] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: { g: body }, else_branch: { g: body }, ...attrs } }],
  });
  await code(() => importModel(bad({ inputs: [], outputs: [{ name: 't' }], nodes: [{ op: 'NoSuchOp', inputs: ['x'], outputs: ['t'] }] })), 'UNSUPPORTED_OP', /If \(\/If_0\): then_branch: NoSuchOp/);
  await code(() => importModel(bad({ inputs: [{ name: 'q', shape: [2] }], outputs: [{ name: 'q' }], nodes: [] })), 'BAD_GRAPH', /then_branch: the body has 1 inputs, the operator gives it 0/);
  await code(() => importModel(buildModel({ inputs: [{ name: 'c', shape: [], type: 'bool' }], outputs: [{ name: 'y' }], nodes: [{ op: 'If', inputs: ['c'], outputs: ['y'] }] })), 'BAD_GRAPH', /then_branch: the subgraph attribute is missing/);
});

test.run();

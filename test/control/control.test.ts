// Control flow and non-tensor values (src/runtime/control/): If / Loop / Scan bodies with
// outer-scope reads, outputs whose shapes depend on data, sequences and optionals through run(),
// each against a plain-JS reading of the ONNX operator's definition; and the refusals of
// malformed subgraphs and bad run-time values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const throwsCode = (f: () => unknown, code: string, re?: RegExp) => {
  try { f(); } catch (e: any) { assert.is(e.code, code, e.message); if (re) assert.match(e.message, re); return; }
  assert.unreachable(`expected ${code}`);
};
const bundle = (inputs: any[], outputs: any[], nodes: any[], tensors: Record<string, any> = {}) => writeBundle({ graph: { inputs, outputs, nodes }, tensors });
const vi = (name: string, format: string, shape: number[] = []) => ({ name, format, shape });
const body = (inputs: any[], outputs: any[], nodes: any[]) => ({ inputs, outputs, nodes });
const f32 = (data: number[], shape: number[]) => ({ data: new Float32Array(data), shape });
const i64 = (v: number) => new BigInt64Array([BigInt(v)]);
const arr = (t: any) => Array.from(t.data as ArrayLike<number>);

// If: then adds the outer x to itself, else returns the outer w (another shape); an Add after the If
// is planned from the shape the branch gave
const ifModel = () => bundle(
  [vi('c', 'bool', [1]), vi('x', 'f32', [-1])],
  [vi('z', 'f32')],
  [
    { name: 'if', op: 'If', inputs: ['c'], outputs: ['y'], attrs: {
      then_branch: body([], [vi('t', 'f32')], [{ name: 'tadd', op: 'Add', inputs: ['x', 'x'], outputs: ['t'] }]),
      else_branch: body([], [vi('e', 'f32')], [{ name: 'eid', op: 'Identity', inputs: ['w'], outputs: ['e'] }]),
    } },
    { name: 'after', op: 'Add', inputs: ['y', 'one'], outputs: ['z'] },
  ],
  { w: { format: 'f32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, one: { format: 'f32', shape: [1], data: new Float32Array([1]) } });

test('If: the branch named by cond runs, reading outer values; shapes follow the branch taken', async () => {
  const a = await getAlloy();
  const m = a.load(ifModel());
  for (const n of [1, 5, 16, 17]) {
    const x = Array.from({ length: n }, (_, i) => i * 0.5 - 3);
    const out = m.run({ c: new Uint8Array([1]), x: new Float32Array(x) });
    assert.equal(out.z.shape, [n]);
    assert.equal(arr(out.z), x.map((v) => Math.fround(Math.fround(v + v) + 1)));
  }
  const out = m.run({ c: new Uint8Array([0]), x: new Float32Array(3) });
  assert.equal([out.z.shape, arr(out.z)], [[2, 2], [2, 3, 4, 5]]);
  throwsCode(() => m.run({ c: new Uint8Array(0), x: { data: new Float32Array(3), shape: [3] } } as any), 'SHAPE_MISMATCH');
  m.dispose();
});

// Loop: carried s += x * i (outer x), scan output s each iteration; M and cond as given
function loopRef(M: number | null, cond: boolean, x: number[], limit: number) {
  let s = x.map(() => 0); const scans: number[][] = [];
  for (let i = 0; (M === null || i < M) && cond; i++) {
    s = s.map((v, k) => Math.fround(v + Math.fround(x[k] * i)));
    cond = i + 1 < limit;
    scans.push(s);
  }
  return { s, scans };
}
const loopModel = (withM: boolean) => bundle(
  [vi('M', 'i64', []), vi('c', 'bool', []), vi('x', 'f32', [-1]), vi('lim', 'i64', [])],
  [vi('s_final', 'f32'), vi('s_all', 'f32')],
  [{ name: 'loop', op: 'Loop', inputs: [withM ? 'M' : '', 'c', 's0'], outputs: ['s_final', 's_all'], attrs: {
    body: body([vi('i', 'i64'), vi('cin', 'bool'), vi('s', 'f32', [-1])], [vi('cout', 'bool'), vi('s2', 'f32'), vi('s3', 'f32')], [
      { name: 'cast', op: 'Cast', inputs: ['i'], outputs: ['fi'], attrs: { to: 1 } },
      { name: 'mul', op: 'Mul', inputs: ['x', 'fi'], outputs: ['xi'] },
      { name: 'add', op: 'Add', inputs: ['s', 'xi'], outputs: ['s2'] },
      { name: 'copy', op: 'Identity', inputs: ['s2'], outputs: ['s3'] },
      { name: 'next', op: 'Add', inputs: ['i', 'one64'], outputs: ['i1'] },
      { name: 'less', op: 'Less', inputs: ['i1', 'lim'], outputs: ['cout'] },
    ]),
  } }],
  { s0: { format: 'f32', shape: [3], data: new Float32Array(3) }, one64: { format: 'i64', shape: [], data: new BigInt64Array([1n]) } });

test('Loop: trip count and condition, carried values, scan outputs stacked (0 iterations too)', async () => {
  const a = await getAlloy();
  const m = a.load(loopModel(true)), w = a.load(loopModel(false));
  const x = [1.5, -2, 0.25];
  for (const [M, c, lim] of [[0, true, 9], [1, true, 9], [4, true, 9], [7, true, 3], [5, false, 9]] as const) {
    const out = m.run({ M: i64(M), c: new Uint8Array([c ? 1 : 0]), x: new Float32Array(x), lim: i64(lim) });
    const ref = loopRef(M, c, x, lim);
    assert.equal(arr(out.s_final), ref.s);
    assert.equal(out.s_all.shape, [ref.scans.length, ...(ref.scans.length ? [3] : [])]);
    assert.equal(arr(out.s_all), ref.scans.flat());
  }
  // a while loop (no trip count) ends by its condition
  const out = w.run({ M: i64(0), c: new Uint8Array([1]), x: new Float32Array(x), lim: i64(6) });
  assert.equal(arr(out.s_final), loopRef(null, true, x, 6).s);
  m.dispose(); w.dispose();
  // a loop that would not end meets the run's budget of body runs (limit maxIterations)
  const few = a.load(loopModel(false), { maxIterations: 5 });
  assert.equal(arr(few.run({ M: i64(0), c: new Uint8Array([1]), x: new Float32Array(x), lim: i64(5) }).s_final), loopRef(null, true, x, 5).s);
  throwsCode(() => few.run({ M: i64(0), c: new Uint8Array([1]), x: new Float32Array(x), lim: i64(1e9) }), 'LIMIT_EXCEEDED', /"loop".*more than 5 body runs in one run\(\) \(limit maxIterations\)/);
  few.dispose();
});

// Scan: running sum over axis 1 of x [B, T] read in reverse, scan output on axis 1
test('Scan: state carried, scan input axis and direction, scan output axis', async () => {
  const a = await getAlloy();
  const m = a.load(bundle(
    [vi('init', 'f32', [-1]), vi('x', 'f32', [-1, -1])],
    [vi('final', 'f32'), vi('ys', 'f32')],
    [{ name: 'scan', op: 'Scan', inputs: ['init', 'x'], outputs: ['final', 'ys'], attrs: {
      num_scan_inputs: 1, scan_input_axes: [1], scan_input_directions: [1], scan_output_axes: [1],
      body: body([vi('acc', 'f32', [-1]), vi('col', 'f32', [-1])], [vi('acc2', 'f32'), vi('out', 'f32')], [
        { name: 'add', op: 'Add', inputs: ['acc', 'col'], outputs: ['acc2'] },
        { name: 'id', op: 'Identity', inputs: ['acc2'], outputs: ['out'] },
      ]),
    } }]));
  for (const [B, T] of [[1, 1], [2, 3], [3, 7]]) {
    const x = Array.from({ length: B * T }, (_, i) => (i % 5) - 1.5);
    let acc = Array(B).fill(0); const cols: number[][] = [];
    for (let t = T - 1; t >= 0; t--) { acc = acc.map((v, b) => Math.fround(v + x[b * T + t])); cols.push(acc); }
    const want = Array.from({ length: B * T }, (_, i) => cols[i % T][Math.floor(i / T)]);
    const out = m.run({ init: new Float32Array(B), x: f32(x, [B, T]) });
    assert.equal(arr(out.final), acc);
    assert.equal(out.ys.shape, [B, T]);
    assert.equal(arr(out.ys), want);
  }
  m.dispose();
});

test('sequences: inputs and outputs as arrays; Construct, Insert, Erase, At, Length, Split, Concat', async () => {
  const a = await getAlloy();
  const m = a.load(bundle(
    [vi('seq', 'seq<f32>'), vi('t', 'f32', [-1, 2]), vi('pos', 'i64', [])],
    [vi('ins', 'seq<f32>'), vi('er', 'seq<f32>'), vi('at', 'f32'), vi('len', 'i64'), vi('cat', 'f32'), vi('stk', 'f32'), vi('split', 'seq<f32>'), vi('built', 'seq<f32>')],
    [
      { name: 'ins', op: 'SequenceInsert', inputs: ['seq', 't', 'pos'], outputs: ['ins'] },
      { name: 'er', op: 'SequenceErase', inputs: ['ins'], outputs: ['er'] },
      { name: 'at', op: 'SequenceAt', inputs: ['ins', 'pos'], outputs: ['at'] },
      { name: 'len', op: 'SequenceLength', inputs: ['ins'], outputs: ['len'] },
      { name: 'cat', op: 'ConcatFromSequence', inputs: ['ins'], outputs: ['cat'], attrs: { axis: 0 } },
      { name: 'split', op: 'SplitToSequence', inputs: ['t'], outputs: ['split'], attrs: { axis: 1, keepdims: 0 } },
      { name: 'built', op: 'SequenceConstruct', inputs: ['t', 't'], outputs: ['built'] },
      { name: 'stk', op: 'ConcatFromSequence', inputs: ['built'], outputs: ['stk'], attrs: { axis: -1, new_axis: 1 } },
    ]));
  const s0 = [f32([1, 2], [1, 2]), f32([3, 4], [1, 2])];
  const out: any = m.run({ seq: s0, t: f32([9, 8, 7, 6], [2, 2]), pos: i64(-1) } as any);
  // insert at -1: before the last element
  assert.equal(out.ins.map((e: any) => [e.shape, arr(e)]), [[[1, 2], [1, 2]], [[2, 2], [9, 8, 7, 6]], [[1, 2], [3, 4]]]);
  assert.equal(out.er.map(arr), [[1, 2], [9, 8, 7, 6]]);
  assert.equal([out.at.shape, arr(out.at)], [[1, 2], [3, 4]]);
  assert.equal([out.len.shape, Array.from(out.len.data)], [[], [3n]]);
  assert.equal([out.cat.shape, arr(out.cat)], [[4, 2], [1, 2, 9, 8, 7, 6, 3, 4]]);
  assert.equal(out.split.map((e: any) => [e.shape, arr(e)]), [[[2], [9, 7]], [[2], [8, 6]]]);
  assert.equal(out.built.map(arr), [[9, 8, 7, 6], [9, 8, 7, 6]]);
  // stacked along a new last axis: [2, 2, 2], element (i, j, k) = t[i, j]
  assert.equal([out.stk.shape, arr(out.stk)], [[2, 2, 2], [9, 9, 8, 8, 7, 7, 6, 6]]);
  throwsCode(() => m.run({ seq: s0, t: f32([9, 8], [1, 2]), pos: i64(3) } as any), 'BAD_INPUT', /"ins".*position 3 is outside \[-2, 2\] for a sequence of 2/);
  throwsCode(() => m.run({ seq: new Float32Array(2), t: f32([9, 8], [1, 2]), pos: i64(0) } as any), 'BAD_ARGUMENT', /sequence of f32/);
  throwsCode(() => m.run({ seq: [{ data: new Int32Array(2), shape: [2] }], t: f32([9, 8], [1, 2]), pos: i64(0) } as any), 'BAD_ARGUMENT', /seq"\[0\] is f32/);
  m.dispose();
});

test('optionals: null or a value in, HasElement, GetElement, an empty optional refused by GetElement', async () => {
  const a = await getAlloy();
  const m = a.load(bundle(
    [vi('o', 'opt<f32>')],
    [vi('has', 'bool'), vi('same', 'opt<f32>')],
    [{ name: 'has', op: 'OptionalHasElement', inputs: ['o'], outputs: ['has'] }, { name: 'id', op: 'Identity', inputs: ['o'], outputs: ['same'] }]));
  let out: any = m.run({ o: null } as any);
  assert.equal([Array.from(out.has.data), out.same], [[0], null]);
  out = m.run({ o: f32([1, 2, 3], [3]) } as any);
  assert.equal([Array.from(out.has.data), arr(out.same)], [[1], [1, 2, 3]]);
  m.dispose();
  const g = a.load(bundle([vi('o', 'opt<f32>')], [vi('v', 'f32')], [{ name: 'get', op: 'OptionalGetElement', inputs: ['o'], outputs: ['v'] }]));
  assert.equal(arr(g.run({ o: f32([5], [1]) } as any).v), [5]);
  throwsCode(() => g.run({ o: null } as any), 'BAD_INPUT', /"get".*the optional is empty/);
  g.dispose();
  const e = a.load(bundle([], [vi('v', 'opt<seq<i64>>')], [{ name: 'none', op: 'Optional', inputs: [], outputs: ['v'], attrs: { type: 'seq<i64>' } }]));
  assert.is((e.run({}) as any).v, null);
  e.dispose();
});

const loadCode = async (b: Uint8Array, code: string, re: RegExp) => { const a = await getAlloy(); throwsCode(() => a.load(b), code, re); };
const ifWith = (then: any, other: any = body([], [vi('e', 'f32')], [{ name: 'e', op: 'Identity', inputs: ['x'], outputs: ['e'] }])) =>
  bundle([vi('c', 'bool', [1]), vi('x', 'f32', [2])], [vi('y', 'f32')], [{ name: 'if', op: 'If', inputs: ['c'], outputs: ['y'], attrs: { then_branch: then, else_branch: other } }]);

test('malformed subgraphs: BAD_GRAPH / UNSUPPORTED_OP / LIMIT_EXCEEDED naming the node', async () => {
  await loadCode(ifWith({ inputs: [], nodes: [] }), 'BAD_GRAPH', /node 0 "if" \(If\): attribute then_branch: a subgraph needs inputs, outputs and nodes/);
  await loadCode(ifWith(body([], [vi('t', 'f32')], [{ name: 't', op: 'Add', inputs: ['x', 'nowhere'], outputs: ['t'] }])), 'BAD_GRAPH', /then_branch: node 0 "t" \(Add\): input 1 "nowhere"/);
  await loadCode(ifWith(body([], [vi('x', 'f32')], [{ name: 't', op: 'Identity', inputs: ['c'], outputs: ['x'] }])), 'BAD_GRAPH', /"x" shadows a value of an enclosing graph/);
  await loadCode(ifWith(body([], [vi('t', 'bool')], [{ name: 't', op: 'Identity', inputs: ['c'], outputs: ['t'] }])), 'BAD_GRAPH', /then_branch and else_branch outputs: value 0 is bool against f32/);
  await loadCode(ifWith(body([], [vi('never', 'f32')], [])), 'BAD_GRAPH', /then_branch: graph output "never" is never produced/);
  await loadCode(ifWith(body([], [vi('t', 'f32')], [{ name: 't', op: 'NoSuchOp', inputs: ['x'], outputs: ['t'] }])), 'UNSUPPORTED_OP', /NoSuchOp \(t\)/);
  // a sequence read by a tensor operator
  await loadCode(bundle([vi('s', 'seq<f32>')], [vi('y', 'f32')], [{ name: 'neg', op: 'Relu', inputs: ['s'], outputs: ['y'] }]), 'BAD_GRAPH', /"s" is seq<f32>; Relu takes f32|"s" is a seq<f32>/);
  await loadCode(bundle([vi('s', 'seq<q8>')], [], []), 'BAD_GRAPH', /element type "seq<q8>"/);
  await loadCode(bundle([vi('x', 'f32', [1])], [vi('y', 'f32')], [{ name: 'loop', op: 'Loop', inputs: ['', '', 'x'], outputs: ['y'], attrs: { body: body([vi('i', 'i64'), vi('c', 'bool'), vi('v', 'f32')], [vi('c2', 'bool'), vi('v2', 'f32')], []) } }]), 'UNSUPPORTED_OP', /neither trip count nor condition never ends/);
  await loadCode(bundle([vi('M', 'i64'), vi('x', 'f32', [1])], [vi('y', 'f32')], [{ name: 'loop', op: 'Loop', inputs: ['M', '', 'x'], outputs: ['y'], attrs: { body: body([vi('i', 'i64'), vi('c', 'bool'), vi('v', 'i32')], [], []) } }]), 'BAD_GRAPH', /initial values against body inputs: value 0 is f32 against i32|the body must give/);
  // If nested 20 deep
  let deep: any = body([], [vi('d0', 'f32')], [{ name: 'd0', op: 'Identity', inputs: ['x'], outputs: ['d0'] }]);
  const leaf = (k: number) => body([], [vi(`l${k}`, 'f32')], [{ name: `l${k}`, op: 'Identity', inputs: ['x'], outputs: [`l${k}`] }]);
  for (let k = 1; k < 20; k++) deep = body([], [vi(`d${k}`, 'f32')], [{ name: `if${k}`, op: 'If', inputs: ['c'], outputs: [`d${k}`], attrs: { then_branch: deep, else_branch: leaf(k) } }]);
  await loadCode(ifWith(deep), 'LIMIT_EXCEEDED', /nested more than 16 deep/);
});

test.run();

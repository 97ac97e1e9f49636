// The typed data movement operators (src/runtime/ops/move.ts) and their ONNX rows
// (src/tools/import/onnx/ops/move.ts): Cast, CastLike, Where, Expand, Tile, Slice, Split, Concat,
// Transpose, Pad, DepthToSpace, SpaceToDepth on values of several element types and ranks.
// 1. Tiny bundles run through load() / run(), each output against a plain JS loop of the ONNX
//    definition (numpy semantics), argument tensors stored or given at run time.
// 2. ONNX models (f32 at the edges, typed inside) through importOnnx.
// 3. Bad graphs and arguments: the AlloyError codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { importOnnx } from '../../src/tools/import/onnx/index.ts';
import { init as initSrcWasm } from '../../src/runtime/wasm.ts';
import { buildModel, i64 } from '../import/onnx-build.ts';

type Arr = ArrayLike<number | bigint> & ArrayBufferView;
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const I64 = (v: number[]) => new BigInt64Array(v.map(BigInt));
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const unravel = (o: number, d: number[]) => { const k = d.map(() => 0); for (let i = d.length - 1; i >= 0; i--) { k[i] = o % d[i]; o = Math.floor(o / d[i]); } return k; };
const strides = (d: number[]) => { const s = d.map(() => 1); for (let i = d.length - 2; i >= 0; i--) s[i] = s[i + 1] * d[i + 1]; return s; };

interface V { name: string; format: string; shape: number[] }
/** One node over graph inputs `ins` (fed with `feeds`) and stored tensors `consts`; returns run()'s outputs. */
async function run1(op: string, ins: V[], feeds: Record<string, Arr>, consts: Record<string, { format: string; shape: number[]; data: ArrayBufferView }>, inputs: string[], outs: V[], attrs?: Record<string, unknown>, shapes: Record<string, number[]> = {}) {
  const a = await getAlloy();
  const b = writeBundle({
    graph: { inputs: ins, outputs: outs, nodes: [{ name: 'n', op, inputs, outputs: outs.map((o) => o.name), ...(attrs ? { attrs } : {}) }] },
    tensors: Object.fromEntries(Object.entries(consts).map(([k, c]) => [k, { format: c.format, shape: c.shape, data: bytes(c.data) }])),
  });
  const m = a.load(b);
  try {
    return m.run(Object.fromEntries(Object.entries(feeds).map(([k, d]) => [k, { data: d, shape: shapes[k] ?? ins.find((i) => i.name === k)!.shape }])));
  } finally { m.dispose(); }
}
const num = (d: ArrayLike<number | bigint>) => Array.from(d, Number);

test('Cast / CastLike: every target type through the N-d cast kernel, saturate on float8 only', async () => {
  const x = new Float32Array([1.5, -2.7, 0, 300.9, -1e10, NaN, 65520, 0.1]);
  const want: Record<string, number[]> = {
    i32: [1, -2, 0, 300, -2147483648, 0, 65520, 0], u8: [1, 0, 0, 255, 0, 0, 255, 0], i64: [1, -2, 0, 300, -1e10, 0, 65520, 0],
    bool: [1, 1, 0, 1, 1, 1, 1, 1], f16: [0x3E00, 0xC166, 0, 0x5CB4, 0xFC00, 0x7E00, 0x7C00, 0x2E66],
  };
  const ids: Record<string, number> = { i32: 6, u8: 2, i64: 7, bool: 9, f16: 10 };
  for (const [t, w] of Object.entries(want)) {
    const y = (await run1('Cast', [{ name: 'x', format: 'f32', shape: [8] }], { x }, {}, ['x'], [{ name: 'y', format: t, shape: [8] }], { to: ids[t] })).y;
    assert.is(y.dtype, t); assert.equal(y.shape, [8]);
    assert.equal(num(y.data), w, `f32 -> ${t}`);
  }
  // i64 -> f32 rounds to nearest even; CastLike takes input 1's type (a stored tensor)
  const big = I64([2 ** 53 + 1, -(2 ** 24) - 1, 7]);
  const y = (await run1('CastLike', [{ name: 'x', format: 'i64', shape: [3] }], { x: big }, { like: { format: 'f32', shape: [1], data: new Float32Array([0]) } }, ['x', 'like'], [{ name: 'y', format: 'f32', shape: [3] }])).y;
  assert.equal(num(y.data), [2 ** 53, -(2 ** 24), 7]);
});

test('Where: bool condition, X / Y broadcast, any element type', async () => {
  const c = new Uint8Array([1, 0, 0, 1, 1, 0]), xs = I64([10, 20, 30]), ys = I64([-1, -2]);
  const y = (await run1('Where', [{ name: 'c', format: 'bool', shape: [2, 3] }, { name: 'a', format: 'i64', shape: [3] }, { name: 'b', format: 'i64', shape: [2, 1] }],
    { c, a: xs, b: ys }, {}, ['c', 'a', 'b'], [{ name: 'y', format: 'i64', shape: [2, 3] }])).y;
  assert.equal(y.shape, [2, 3]);
  assert.equal(num(y.data), [10, -1, -1, 10, 20, -2]);
});

test('Expand / Tile: shapes and repeats stored or given at run time', async () => {
  const x = new Int32Array([1, 2, 3]);
  const e = (await run1('Expand', [{ name: 'x', format: 'i32', shape: [3, 1] }], { x }, { s: { format: 'i64', shape: [3], data: I64([2, 1, 4]) } }, ['x', 's'], [{ name: 'y', format: 'i32', shape: [2, 3, 4] }])).y;
  assert.equal(e.shape, [2, 3, 4]);
  assert.equal(num(e.data), Array.from({ length: 24 }, (_, o) => [1, 2, 3][unravel(o, [2, 3, 4])[1]]));
  // repeats as a graph input: the plan reads its values at run time
  const u = new Uint8Array([1, 2, 3, 4, 5, 6]);
  for (const reps of [[2, 1], [1, 3], [0, 2]]) {
    const t = (await run1('Tile', [{ name: 'x', format: 'u8', shape: [2, 3] }, { name: 'r', format: 'i64', shape: [2] }], { x: u, r: I64(reps) }, {}, ['x', 'r'], [{ name: 'y', format: 'u8', shape: [-1, -1] }])).y;
    const od = [2 * reps[0], 3 * reps[1]];
    assert.equal(t.shape, od);
    assert.equal(num(t.data), Array.from({ length: prod(od) }, (_, o) => { const [i, j] = unravel(o, od); return u[(i % 2) * 3 + (j % 3)]; }), `reps ${reps}`);
  }
});

test('Slice: negative steps, INT64_MAX / INT64_MIN ends, axes, clamping; Split: sizes, num_outputs, equal parts', async () => {
  const x = new Float64Array(Array.from({ length: 60 }, (_, i) => i + 0.5)), xd = [3, 4, 5];
  const cases: [number[], number[], number[], number[]][] = [
    [[0, -1], [9.2e18, -9.2e18], [0, 2], [1, -2]], [[1], [1000], [1], [2]], [[-1, 0], [-100, 2], [2, 0], [-1, 1]], [[2], [2], [0], [1]],
  ];
  for (const [st, en, ax, sp] of cases) {
    const y = (await run1('Slice', [{ name: 'x', format: 'f64', shape: xd }], { x }, {
      b: { format: 'i64', shape: [st.length], data: I64(st) }, e: { format: 'i64', shape: [en.length], data: new BigInt64Array(en.map((v) => (v > 9e18 ? 2n ** 63n - 1n : v < -9e18 ? -(2n ** 63n) : BigInt(v)))) },
      a: { format: 'i64', shape: [ax.length], data: I64(ax) }, s: { format: 'i64', shape: [sp.length], data: I64(sp) },
    }, ['x', 'b', 'e', 'a', 's'], [{ name: 'y', format: 'f64', shape: [-1, -1, -1] }])).y;
    // numpy: per axis the index list
    const idx = xd.map((d, i) => {
      const k = ax.indexOf(i);
      if (k < 0) return [...Array(d).keys()];
      const out: number[] = [], step = sp[k];
      let s = st[k] < 0 ? st[k] + d : st[k], e = en[k] < 0 ? en[k] + d : en[k];
      if (step > 0) { s = Math.min(Math.max(s, 0), d); e = Math.min(Math.max(e, 0), d); for (let j = s; j < e; j += step) out.push(j); }
      else { s = Math.min(Math.max(s, -1), d - 1); e = Math.min(Math.max(e, -1), d - 1); for (let j = s; j > e; j += step) out.push(j); }
      return out;
    });
    const od = idx.map((l) => l.length), s = strides(xd);
    assert.equal(y.shape, od, JSON.stringify([st, en, ax, sp]));
    assert.equal(num(y.data), Array.from({ length: prod(od) }, (_, o) => x[unravel(o, od).reduce((a, k, i) => a + idx[i][k] * s[i], 0)]));
  }
  const xi = new Int16Array(Array.from({ length: 14 }, (_, i) => i - 7));
  const sp = async (inputs: string[], consts: object, outs: number[][], attrs: object) => {
    const r = await run1('Split', [{ name: 'x', format: 'i16', shape: [2, 7] }], { x: xi }, consts as any, inputs, outs.map((s, k) => ({ name: `y${k}`, format: 'i16', shape: s })), attrs as any);
    return outs.map((_, k) => r[`y${k}`]);
  };
  const parts = await sp(['x', 's'], { s: { format: 'i64', shape: [3], data: I64([2, 0, 5]) } }, [[2, 2], [2, 0], [2, 5]], { axis: 1 });
  assert.equal(parts.map((p) => p.shape), [[2, 2], [2, 0], [2, 5]]);
  assert.equal(num(parts[0].data), [-7, -6, 0, 1]); assert.equal(num(parts[2].data), [-5, -4, -3, -2, -1, 2, 3, 4, 5, 6]);
  const three = await sp(['x'], {}, [[2, 3], [2, 3], [2, 1]], { axis: -1, num_outputs: 3 });
  assert.equal(three.map((p) => p.shape), [[2, 3], [2, 3], [2, 1]]);
  assert.equal(num(three[2].data), [-1, 6]);
  const rows = await sp(['x'], {}, [[1, 7], [1, 7]], {});
  assert.equal(num(rows[1].data), [0, 1, 2, 3, 4, 5, 6]);
});

test('Concat (with an empty input) / Transpose (default perm) / DepthToSpace / SpaceToDepth on typed values', async () => {
  const a = I64([1, 2, 3, 4]), e = new BigInt64Array(0);
  const c = (await run1('Concat', [{ name: 'a', format: 'i64', shape: [2, 2] }, { name: 'e', format: 'i64', shape: [2, 0] }], { a, e }, { k: { format: 'i64', shape: [2, 1], data: I64([9, 8]) } }, ['a', 'e', 'k'], [{ name: 'y', format: 'i64', shape: [2, 3] }], { axis: 1 })).y;
  assert.equal(num(c.data), [1, 2, 9, 3, 4, 8]);
  const h = new Uint16Array(Array.from({ length: 24 }, (_, i) => 0x3C00 + i));
  const t = (await run1('Transpose', [{ name: 'x', format: 'f16', shape: [2, 3, 4] }], { x: h }, {}, ['x'], [{ name: 'y', format: 'f16', shape: [4, 3, 2] }])).y;
  assert.equal(t.shape, [4, 3, 2]);
  assert.equal(num(t.data), Array.from({ length: 24 }, (_, o) => { const [i, j, k] = unravel(o, [4, 3, 2]); return h[k * 12 + j * 4 + i]; }));
  // DepthToSpace against the ONNX definition (reshape, transpose, reshape), both modes; SpaceToDepth inverts DCR
  const N = 1, C = 8, H = 2, W = 3, b = 2, x = new Int8Array(Array.from({ length: N * C * H * W }, (_, i) => i - 20));
  for (const mode of ['DCR', 'CRD']) {
    const y = (await run1('DepthToSpace', [{ name: 'x', format: 'i8', shape: [N, C, H, W] }], { x }, {}, ['x'], [{ name: 'y', format: 'i8', shape: [N, 2, 4, 6] }], { blocksize: b, mode })).y;
    assert.equal(y.shape, [1, 2, 4, 6]);
    const want = Array.from({ length: 48 }, (_, o) => {
      const [n, c, hh, ww] = unravel(o, [1, 2, 4, 6]), bh = hh % b, bw = ww % b;
      const ch = mode === 'DCR' ? (bh * b + bw) * 2 + c : c * b * b + bh * b + bw;
      return x[((n * C + ch) * H + Math.floor(hh / b)) * W + Math.floor(ww / b)];
    });
    assert.equal(num(y.data), want, mode);
    if (mode === 'DCR') {
      const z = (await run1('SpaceToDepth', [{ name: 'y', format: 'i8', shape: [1, 2, 4, 6] }], { y: y.data as Int8Array }, {}, ['y'], [{ name: 'z', format: 'i8', shape: [N, C, H, W] }], { blocksize: b })).z;
      assert.equal(num(z.data), num(x));
    }
  }
});

test('Pad: constant (typed value) / reflect / edge / wrap, negative pads, axes', async () => {
  const x = new Int32Array(Array.from({ length: 12 }, (_, i) => i)), xd = [3, 4];
  const np = (i: number, d: number, mode: string) => {
    if (i >= 0 && i < d) return i;
    if (mode === 'constant') return -1;
    if (mode === 'edge') return i < 0 ? 0 : d - 1;
    if (mode === 'wrap') return ((i % d) + d) % d;
    while (i < 0 || i >= d) i = i < 0 ? -i : 2 * (d - 1) - i;
    return i;
  };
  for (const mode of ['constant', 'reflect', 'edge', 'wrap']) for (const [pads, axes] of [[[1, 2, 0, 3], undefined], [[-1, 5], [1]], [[2, -1, -1, 1], undefined]] as [number[], number[] | undefined][]) {
    const consts: any = { p: { format: 'i64', shape: [pads.length], data: I64(pads) }, v: { format: 'i32', shape: [], data: new Int32Array([-9]) } };
    if (axes) consts.a = { format: 'i64', shape: [1], data: I64(axes) };
    const y = (await run1('Pad', [{ name: 'x', format: 'i32', shape: xd }], { x }, consts, ['x', 'p', 'v', ...(axes ? ['a'] : [])], [{ name: 'y', format: 'i32', shape: [-1, -1] }], { mode })).y;
    const full = [0, 0, 0, 0];
    (axes ?? [0, 1]).forEach((a, i) => { full[a] = pads[i]; full[a + 2] = pads[i + (axes ?? [0, 1]).length]; });
    const od = xd.map((d, i) => d + full[i] + full[i + 2]), dc = xd.map((d, i) => d + Math.min(full[i], 0) + Math.min(full[i + 2], 0));
    assert.equal(y.shape, od, `${mode} ${pads}`);
    const want = Array.from({ length: prod(od) }, (_, o) => {
      const k = unravel(o, od);
      let src = 0;
      for (let i = 0; i < 2; i++) {
        const q = np(k[i] - Math.max(full[i], 0), dc[i], mode);
        if (q < 0) return -9;
        src += (q + Math.max(-full[i], 0)) * (i === 0 ? 4 : 1);
      }
      return x[src];
    });
    assert.equal(num(y.data), want, `${mode} ${pads} ${axes}`);
  }
});

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; return 'ok'; } catch (e) { return (e as { code?: string }).code ?? String(e); }
}

test('bad graphs and arguments: AlloyError codes', async () => {
  const f = (n: number) => ({ name: 'x', format: 'f32', shape: [n] });
  const x4 = { x: new Float32Array(4) };
  assert.is(await code(run1('Cast', [f(4)], x4, {}, ['x'], [{ name: 'y', format: 'f32', shape: [4] }], { to: 8 })), 'UNSUPPORTED_OP');
  assert.is(await code(run1('Where', [f(4), f(4), f(4)].map((v, i) => ({ ...v, name: 'abc'[i] })), { a: new Float32Array(4), b: new Float32Array(4), c: new Float32Array(4) }, {}, ['a', 'b', 'c'], [{ name: 'y', format: 'f32', shape: [4] }])), 'BAD_GRAPH');
  const reps = (r: number[]) => ({ r: { format: 'i64', shape: [r.length], data: I64(r) } });
  assert.is(await code(run1('Tile', [f(4)], x4, reps([2, 2]), ['x', 'r'], [{ name: 'y', format: 'f32', shape: [-1] }])), 'BAD_GRAPH');
  assert.is(await code(run1('Tile', [f(4)], x4, reps([-1]), ['x', 'r'], [{ name: 'y', format: 'f32', shape: [-1] }])), 'BAD_GRAPH');
  const sl = (s: number[]) => ({ b: { format: 'i64', shape: [1], data: I64([0]) }, e: { format: 'i64', shape: [1], data: I64([4]) }, a: { format: 'i64', shape: [1], data: I64([0]) }, s: { format: 'i64', shape: [1], data: I64(s) } });
  assert.is(await code(run1('Slice', [f(4)], x4, sl([0]), ['x', 'b', 'e', 'a', 's'], [{ name: 'y', format: 'f32', shape: [-1] }])), 'BAD_GRAPH');
  assert.is(await code(run1('Split', [f(4)], x4, { s: { format: 'i64', shape: [2], data: I64([1, 2]) } }, ['x', 's'], [{ name: 'y', format: 'f32', shape: [1] }, { name: 'z', format: 'f32', shape: [2] }])), 'SHAPE_MISMATCH');
  assert.is(await code(run1('Split', [f(5)], { x: new Float32Array(5) }, {}, ['x'], [{ name: 'y', format: 'f32', shape: [-1] }, { name: 'z', format: 'f32', shape: [-1] }])), 'SHAPE_MISMATCH');
  const pads = (p: number[]) => ({ p: { format: 'i64', shape: [p.length], data: I64(p) } });
  assert.is(await code(run1('Pad', [f(4)], x4, pads([-3, -2]), ['x', 'p'], [{ name: 'y', format: 'f32', shape: [-1] }])), 'SHAPE_MISMATCH');
  assert.is(await code(run1('Pad', [f(4)], x4, pads([-4, 1]), ['x', 'p'], [{ name: 'y', format: 'f32', shape: [-1] }], { mode: 'reflect' })), 'SHAPE_MISMATCH');
  assert.is(await code(run1('Pad', [f(4)], x4, pads([1, 1]), ['x', 'p'], [{ name: 'y', format: 'f32', shape: [-1] }], { mode: 'mirror' })), 'BAD_GRAPH');
  assert.is(await code(run1('Concat', [f(4), { name: 'k', format: 'i32', shape: [4] }], { x: new Float32Array(4), k: new Int32Array(4) }, {}, ['x', 'k'], [{ name: 'y', format: 'f32', shape: [8] }], { axis: 0 })), 'BAD_GRAPH');
  assert.is(await code(run1('DepthToSpace', [{ name: 'x', format: 'f32', shape: [1, 3, 2, 2] }], { x: new Float32Array(12) }, {}, ['x'], [{ name: 'y', format: 'f32', shape: [-1, -1, -1, -1] }], { blocksize: 2 })), 'SHAPE_MISMATCH');
  assert.is(await code(run1('Expand', [f(4)], x4, { s: { format: 'i64', shape: [1], data: I64([3]) } }, ['x', 's'], [{ name: 'y', format: 'f32', shape: [-1] }])), 'SHAPE_MISMATCH');
});

test('ONNX: typed movement inside an f32 graph (Cast, Slice of an activation, Split, Tile, Pad wrap, Where, Expand)', async () => {
  await getAlloy();
  await initSrcWasm(new URL('../../build/alloy.wasm', import.meta.url));
  const a = await getAlloy();
  const m2 = buildModel({
    inputs: [{ name: 'x', shape: [2, 6] }], outputs: [{ name: 'y', shape: [4, 3] }, { name: 'z', shape: [2, 3] }],
    inits: [i64('st', [5]), i64('en', [-9223372036854775807]), i64('ax', [1]), i64('sp', [-2]), i64('rep', [2, 1]), i64('pads', [0, 1, 0, 0]), i64('shp', [2, 1]), i64('st0', [1]), i64('en3', [4]), i64('sp1', [1])],
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['xi'], attrs: { to: 6 } },                       // f32 -> i32 (truncation)
      { op: 'Slice', inputs: ['xi', 'st', 'en', 'ax', 'sp'], outputs: ['s'] },               // columns 5, 3, 1
      { op: 'Tile', inputs: ['s', 'rep'], outputs: ['t'] },
      { op: 'Cast', inputs: ['t'], outputs: ['y'], attrs: { to: 1 } },
      { op: 'Split', inputs: ['x'], outputs: ['l', 'r'], attrs: { axis: 1, num_outputs: 2 } },
      { op: 'Greater', inputs: ['l', 'r'], outputs: ['g'] },
      { op: 'Pad', inputs: ['r', 'pads'], outputs: ['rp'], attrs: { mode: 'wrap' } },
      { op: 'Slice', inputs: ['rp', 'st0', 'en3', 'ax', 'sp1'], outputs: ['rc'] },
      { op: 'Expand', inputs: ['g', 'shp'], outputs: ['ge'] },
      { op: 'Where', inputs: ['ge', 'l', 'rc'], outputs: ['z'] },
    ],
    opset: 18,
  });
  const m = a.load(writeBundle(importOnnx(m2)));
  try {
    const x = new Float32Array([0.5, -1.7, 2.9, 3.2, -4.6, 5.5, 6.1, 7.9, -8.2, 9.9, 10.4, -11.8]);
    const out = m.run({ x: { data: x, shape: [2, 6] } });
    const xi = Array.from(x, Math.trunc);
    const s = [0, 1].map((i) => [5, 3, 1].map((j) => xi[i * 6 + j]));
    assert.equal(out.y.shape, [4, 3]);
    assert.equal(Array.from(out.y.data as Float32Array), [...s, ...s].flat());
    // z = where(l > r, l, wrap-pad(r)[:, 1:4] = r)
    const z = [0, 1].flatMap((i) => [0, 1, 2].map((j) => { const l = x[i * 6 + j], r = x[i * 6 + 3 + j]; return l > r ? l : r; }));
    assert.equal(Array.from(out.z.data as Float32Array), z);
  } finally { m.dispose(); }
});

test.run();

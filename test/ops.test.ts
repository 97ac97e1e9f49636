// Every executor operator wired end to end: one small graph each, checked against a direct JS
// computation (the kernels themselves are tested bit for bit in test/kernels/).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from './util.ts';
import { AlloyError } from '../build/alloy.mjs';
import { writeBundle } from '../build/alloy-tools.mjs';

const rand = (n: number, seed: number) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23); };

async function run1(op: string, xShape: number[], attrs: any = {}, consts: Record<string, { shape: number[]; data: Float32Array }> = {}, extraInputs: string[] = [], x = rand(xShape.reduce((a, b) => a * b, 1), 1)) {
  const a = await getAlloy();
  const tensors: Record<string, any> = {};
  for (const [k, v] of Object.entries(consts)) tensors[k] = { format: 'f32', ...v };
  const bundle = writeBundle({
    graph: { inputs: [{ name: 'x', shape: xShape, format: 'f32' }], outputs: [{ name: 'y', shape: [], format: 'f32' }], nodes: [{ name: 'n', op, inputs: ['x', ...extraInputs], outputs: ['y'], attrs }] },
    tensors,
  });
  const m = a.load(bundle);
  const out = m.run({ x: { data: x, shape: xShape } }).y;
  m.dispose();
  return { x, y: out.data, shape: out.shape };
}
const close = (got: Float32Array, want: number[], tol = 1e-6, what = '') => {
  assert.is(got.length, want.length, `${what} length`);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) assert.unreachable(`${what} [${i}] ${got[i]} vs ${want[i]}`);
};

test('Conv NHWC with bias, stride 2, same padding, relu; DepthwiseConv', async () => {
  const [N, H, W, C, OC] = [1, 5, 4, 3, 2];
  const w = rand(OC * 3 * 3 * C, 2), b = rand(OC, 3);
  const { x, y, shape } = await run1('Conv', [N, H, W, C], { strides: [2, 2], pads: 'same', activation: 'relu' }, { w: { shape: [OC, 3, 3, C], data: w }, b: { shape: [OC], data: b } }, ['w', 'b']);
  assert.equal(shape, [1, 3, 2, OC]);
  const want: number[] = [];
  // SAME for H=5, s=2, k=3: out 3, total pad 2 -> top 1; W=4: out 2, total pad 1 -> left 0
  for (let oh = 0; oh < 3; oh++) for (let ow = 0; ow < 2; ow++) for (let oc = 0; oc < OC; oc++) {
    let s = 0;
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let c = 0; c < C; c++) {
      const ih = oh * 2 - 1 + kh, iw = ow * 2 + kw;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) s += x[(ih * W + iw) * C + c] * w[((oc * 3 + kh) * 3 + kw) * C + c];
    }
    want.push(Math.max(0, s + b[oc]));
  }
  close(y, want, 1e-5, 'conv');
  const dw = rand(9 * C, 4);
  const d = await run1('DepthwiseConv', [N, H, W, C], { pads: [1, 1, 1, 1] }, { w: { shape: [3, 3, C], data: dw } }, ['w']);
  assert.equal(d.shape, [1, H, W, C]);
  let s = 0;
  for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) { const ih = kh - 1, iw = kw - 1; if (ih >= 0 && iw >= 0) s += d.x[(ih * W + iw) * C] * dw[(kh * 3 + kw) * C]; }
  close(d.y.subarray(0, 1), [s], 1e-5, 'depthwise');
});

test('pools with windows far larger than the input: only the taps inside are visited, the count-include-pad divisor is the 64-bit product; a padded input past 2^31 is LIMIT_EXCEEDED', async () => {
  // found by the fuzzers' reference differential (tflite-s8484-4831, -10838, -44905): a window of
  // 2^31 - 1 columns hung the scalar reference, which walked every tap
  const a = await getAlloy();
  const x = new Float32Array([1, 2, 3, 4]);
  const pool = (attrs: any) => writeBundle({ graph: { inputs: [{ name: 'x', shape: [1, 2, 2, 1], format: 'f32' }], outputs: [{ name: 'y', shape: [], format: 'f32' }],
    nodes: [{ name: 'p', op: 'AveragePool', inputs: ['x'], outputs: ['y'], attrs }] }, tensors: {} });
  // 65536 x 65536 window over a 2x2 input padded to 65537 x 65537: every window holds 2^32 taps of
  // the padded input (a 32-bit product wraps to 0) and all 4 real ones
  const b = pool({ kernel: [65536, 65536], strides: [1, 1], pads: [32768, 32768, 32767, 32767], countIncludePad: true });
  for (const kernels of ['fast', 'reference'] as const) {
    const y = a.load(b, { kernels }).run({ x: { data: x, shape: [1, 2, 2, 1] } }).y;
    assert.equal(y.shape, [1, 2, 2, 1]);
    assert.equal([...y.data], [10 / 2 ** 32, 10 / 2 ** 32, 10 / 2 ** 32, 10 / 2 ** 32], kernels);
  }
  const big = pool({ kernel: [2 ** 31 - 1, 3], strides: [1, 1], pads: 'same' }); // 2 + 2^31 - 2 rows padded
  for (const kernels of ['fast', 'reference'] as const) {
    try { a.load(big, { kernels }).run({ x: { data: x, shape: [1, 2, 2, 1] } }); assert.unreachable(kernels); } catch (e) {
      assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'LIMIT_EXCEEDED'); assert.match((e as Error).message, /exceeds 2\^31 - 1/);
    }
  }
});

test('MaxPool, AveragePool, GlobalAveragePool', async () => {
  const mp = await run1('MaxPool', [1, 4, 4, 2], { kernel: [2, 2], strides: [2, 2] });
  assert.equal(mp.shape, [1, 2, 2, 2]);
  const at = (h: number, w: number, c: number) => mp.x[(h * 4 + w) * 2 + c];
  close(mp.y.subarray(0, 1), [Math.max(at(0, 0, 0), at(0, 1, 0), at(1, 0, 0), at(1, 1, 0))], 0);
  const ap = await run1('AveragePool', [1, 4, 4, 2], { kernel: [2, 2], strides: [2, 2] });
  close(ap.y.subarray(0, 1), [(at(0, 0, 0) + at(0, 1, 0) + at(1, 0, 0) + at(1, 1, 0)) / 4], 1e-6);
  const gp = await run1('GlobalAveragePool', [1, 4, 4, 2], {});
  assert.equal(gp.shape, [1, 1, 1, 2]);
  let s = 0; for (let i = 0; i < 16; i++) s += gp.x[i * 2 + 1];
  close(gp.y.subarray(1, 2), [s / 16], 1e-6);
});

test('Add / Sub / Mul / Div with a constant broadcast along the last axis', async () => {
  const c = rand(3, 5).map((v) => v + 2);
  for (const [op, f] of [['Add', (a: number, b: number) => a + b], ['Sub', (a: number, b: number) => a - b], ['Mul', (a: number, b: number) => a * b], ['Div', (a: number, b: number) => a / b]] as const) {
    const r = await run1(op, [2, 3], {}, { c: { shape: [3], data: c } }, ['c']);
    close(r.y, [...r.x].map((v, i) => Math.fround(f(v, c[i % 3]))), 0, op);
  }
  try { await run1('Add', [2, 3], {}, { c: { shape: [2], data: c.subarray(0, 2) } }, ['c']); assert.unreachable(); } catch (e) { assert.is((e as AlloyError).code, 'SHAPE_MISMATCH'); }
  // fused activation (TFLite's ADD with RELU / RELU6)
  const x = new Float32Array([-9, -1, 0.5, 3, 5.5, 9]), k = new Float32Array([1, 0.5, 1]);
  const relu = await run1('Add', [2, 3], { activation: 'relu' }, { c: { shape: [3], data: k } }, ['c'], x);
  close(relu.y, [0, 0, 1.5, 4, 6, 10], 0, 'Add relu');
  const relu6 = await run1('Sub', [2, 3], { activation: 'relu6' }, { c: { shape: [3], data: k } }, ['c'], x);
  close(relu6.y, [0, 0, 0, 2, 5, 6], 0, 'Sub relu6');
  try { await run1('Add', [2, 3], { activation: 'tanh' }, { c: { shape: [3], data: c } }, ['c']); assert.unreachable(); } catch (e) { assert.is((e as AlloyError).code, 'BAD_GRAPH'); assert.match((e as AlloyError).message, /activation/); }
});

test('Clip / LeakyRelu attributes are checked at load (BAD_GRAPH before any run)', async () => {
  const a = await getAlloy();
  for (const [op, attrs] of [['Clip', { min: 'zero' }], ['LeakyRelu', { alpha: 'half' }]] as const) {
    const bundle = writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 3], format: 'f32' }], nodes: [{ name: 'n', op, inputs: ['x'], outputs: ['y'], attrs }] }, tensors: {} });
    try { a.load(bundle); assert.unreachable(op); } catch (e) { assert.is((e as AlloyError).code, 'BAD_GRAPH', op); assert.match((e as Error).message, /attrs\.(min|alpha)/); }
  }
});

test('Concat attrs.axis must be an integer ("constructor", 0.5, "1" are BAD_GRAPH at load)', async () => {
  const a = await getAlloy();
  const cat = (axis: unknown) => writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 6], format: 'f32' }], nodes: [{ name: 'c', op: 'Concat', inputs: ['x', 'x'], outputs: ['y'], attrs: { axis } }] }, tensors: {} });
  assert.equal([...a.load(cat(1)).run({ x: { data: new Float32Array([1, 2, 3]), shape: [1, 3] } }).y.data], [1, 2, 3, 1, 2, 3]);
  for (const bad of ['constructor', '__proto__', 0.5, '1', [1]]) {
    try { a.load(cat(bad)); assert.unreachable(String(bad)); } catch (e) { assert.instance(e, AlloyError, String(bad)); assert.is((e as AlloyError).code, 'BAD_GRAPH', String(bad)); assert.match((e as Error).message, /attrs\.axis/); }
  }
});

test('Pad attrs.value and LayerNorm attrs.epsilon must be numbers (a string became NaN in the kernel): BAD_GRAPH at load', async () => {
  const a = await getAlloy();
  const one = (op: string, attrs: Record<string, unknown>) => writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, op === 'Pad' ? 5 : 3], format: 'f32' }], nodes: [{ name: 'n', op, inputs: ['x'], outputs: ['y'], attrs }] }, tensors: {} });
  const x = { x: { data: new Float32Array([1, 2, 3]), shape: [1, 3] } };
  assert.equal([...a.load(one('Pad', { pads: [0, 1, 0, 1], value: -2 })).run(x).y.data], [-2, 1, 2, 3, -2]);
  assert.ok(a.load(one('LayerNorm', { epsilon: 1e-3 })).run(x).y.data.every(Number.isFinite));
  for (const [op, attrs] of [['Pad', { pads: [0, 1, 0, 1], value: 'constructor' }], ['Pad', { pads: [0, 1, 0, 1], value: [0] }],
    ['LayerNorm', { epsilon: 'constructor' }], ['LayerNorm', { epsilon: -1 }]] as const) {
    try { a.load(one(op, attrs)); assert.unreachable(JSON.stringify(attrs)); } catch (e) { assert.instance(e, AlloyError, JSON.stringify(attrs)); assert.is((e as AlloyError).code, 'BAD_GRAPH', JSON.stringify(attrs)); assert.match((e as Error).message, /attrs\.(value|epsilon)/); }
  }
});

test('FakeQuant attrs.format: i8 / u8 only; "constructor", "__proto__", "toString" and non-strings are BAD_GRAPH at load', async () => {
  const a = await getAlloy();
  const fq = (format: unknown) => writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 3], format: 'f32' }], nodes: [{ name: 'q', op: 'FakeQuant', inputs: ['x'], outputs: ['y'], attrs: { format, scale: 0.5 } }] }, tensors: {} });
  const y = a.load(fq('i8')).run({ x: { data: new Float32Array([0.2, -0.3, 100]), shape: [1, 3] } }).y.data;
  assert.equal([...y], [0, -0.5, 63.5]);
  for (const bad of ['constructor', '__proto__', 'toString', 'valueOf', 'i4', 7, null, ['i8']]) {
    try { a.load(fq(bad)); assert.unreachable(String(bad)); } catch (e) { assert.instance(e, AlloyError, String(bad)); assert.is((e as AlloyError).code, 'BAD_GRAPH', String(bad)); assert.match((e as Error).message, /attrs\.format/); }
  }
});

test('activations: Relu, Relu6, Clip, LeakyRelu, Sigmoid, Tanh, Gelu, HardSwish, Softmax, LogSoftmax, PRelu', async () => {
  const x = new Float32Array([-7, -2, -0.5, 0, 0.5, 2, 7, 3]);
  const erf = (z: number) => { const t = 1 / (1 + 0.3275911 * Math.abs(z)); const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z); return z >= 0 ? y : -y; };
  const cases: [string, any, (v: number) => number, number][] = [
    ['Relu', {}, (v) => Math.max(0, v), 0], ['Relu6', {}, (v) => Math.min(6, Math.max(0, v)), 0], ['Clip', { min: -1, max: 1 }, (v) => Math.min(1, Math.max(-1, v)), 0],
    ['LeakyRelu', { alpha: 0.1 }, (v) => (v < 0 ? Math.fround(0.1) * v : v), 1e-7], ['Sigmoid', {}, (v) => 1 / (1 + Math.exp(-v)), 1e-6], ['Tanh', {}, Math.tanh, 1e-6],
    ['Gelu', {}, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), 1e-6], ['HardSwish', {}, (v) => v * Math.min(6, Math.max(0, v + 3)) / 6, 1e-6],
  ];
  for (const [op, attrs, f, tol] of cases) { const r = await run1(op, [8], attrs, {}, [], x); close(r.y, [...x].map(f), tol, op); }
  const sm = await run1('Softmax', [2, 4], {}, {}, [], x);
  const lsm = await run1('LogSoftmax', [2, 4], {}, {}, [], x);
  for (let r = 0; r < 2; r++) {
    const row = [...x.subarray(r * 4, r * 4 + 4)], m = Math.max(...row), z = row.reduce((t, v) => t + Math.exp(v - m), 0);
    close(sm.y.subarray(r * 4, r * 4 + 4), row.map((v) => Math.exp(v - m) / z), 1e-6, 'softmax');
    close(lsm.y.subarray(r * 4, r * 4 + 4), row.map((v) => v - m - Math.log(z)), 1e-6, 'logsoftmax');
  }
  const slope = new Float32Array([0.25, 0.5]);
  const pr = await run1('PRelu', [4, 2], {}, { s: { shape: [2], data: slope } }, ['s'], x);
  close(pr.y, [...x].map((v, i) => (v < 0 ? v * slope[i % 2] : v)), 0, 'prelu');
});

test('Reshape, Flatten, Transpose, Pad, Concat, LayerNorm, Resize', async () => {
  const rs = await run1('Reshape', [2, 3, 4], { shape: [0, -1] });
  assert.equal(rs.shape, [2, 12]); close(rs.y, [...rs.x], 0);
  const fl = await run1('Flatten', [2, 3, 4], {});
  assert.equal(fl.shape, [2, 12]);
  const tr = await run1('Transpose', [2, 3, 4], { perm: [2, 0, 1] });
  assert.equal(tr.shape, [4, 2, 3]);
  // y[i][j][k] = x[j][k][i]; flat 7 is y[1][0][1] = x[0][1][1]
  close(tr.y.subarray(7, 8), [tr.x[(0 * 3 + 1) * 4 + 1]], 0, 'transpose');
  const pd = await run1('Pad', [2, 2], { pads: [1, 0, 0, 1], mode: 'constant', value: 9 });
  assert.equal(pd.shape, [3, 3]); close(pd.y, [9, 9, 9, pd.x[0], pd.x[1], 9, pd.x[2], pd.x[3], 9], 0, 'pad');
  const a = await getAlloy();
  const cb = writeBundle({ graph: { inputs: [{ name: 'x', shape: [2, 2], format: 'f32' }], outputs: [{ name: 'y', shape: [], format: 'f32' }], nodes: [
    { name: 'r', op: 'Relu', inputs: ['x'], outputs: ['h'] }, { name: 'c', op: 'Concat', inputs: ['x', 'h', 'x'], outputs: ['y'], attrs: { axis: 1 } }] }, tensors: {} });
  const cy = a.load(cb).run({ x: new Float32Array([1, -2, 3, -4]) }).y;
  assert.equal(cy.shape, [2, 6]); close(cy.data, [1, -2, 1, 0, 1, -2, 3, -4, 3, 0, 3, -4], 0, 'concat');
  const g = new Float32Array([1, 2, 3, 4]), b = new Float32Array([0, 0, 1, 1]);
  const ln = await run1('LayerNorm', [2, 4], { epsilon: 1e-5 }, { g: { shape: [4], data: g }, b: { shape: [4], data: b } }, ['g', 'b']);
  for (let r = 0; r < 2; r++) {
    const row = [...ln.x.subarray(r * 4, r * 4 + 4)], mean = row.reduce((t, v) => t + v, 0) / 4, v = row.reduce((t, u) => t + (u - mean) ** 2, 0) / 4;
    close(ln.y.subarray(r * 4, r * 4 + 4), row.map((u, i) => ((u - mean) / Math.sqrt(v + 1e-5)) * g[i] + b[i]), 1e-5, 'layernorm');
  }
  const rz = await run1('Resize', [1, 2, 2, 1], { size: [4, 4], mode: 'nearest', coordMode: 'asymmetric', nearestMode: 'floor' });
  assert.equal(rz.shape, [1, 4, 4, 1]); close(rz.y.subarray(0, 4), [rz.x[0], rz.x[0], rz.x[1], rz.x[1]], 0, 'resize nearest');
  const rb = await run1('Resize', [1, 2, 2, 1], { size: [3, 3], mode: 'bilinear', coordMode: 'align_corners' });
  close(rb.y.subarray(4, 5), [(rb.x[0] + rb.x[1] + rb.x[2] + rb.x[3]) / 4], 1e-6, 'resize bilinear');
});



test('Conv through im2col + GEMM (deep filters) is bit-identical to the direct reference', async () => {
  const { wasm, heap } = await import('./util.ts');
  const a = await getAlloy();
  const x = wasm();
  for (const [H, W, C, OC, k, s, pads, act, dil] of [[9, 7, 16, 24, 3, 1, [1, 1, 1, 1], 'relu', 1], [11, 13, 8, 17, 3, 2, [0, 1, 2, 1], 'relu6', 1], [6, 6, 64, 16, 1, 1, [0, 0, 0, 0], 'none', 1], [10, 9, 12, 20, 3, 1, [2, 2, 2, 2], 'none', 2]] as any[]) {
    const N = 2;
    const w = rand(OC * k * k * C, H * 7 + C), b = rand(OC, OC), xs = rand(N * H * W * C, W);
    const bundle = writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, H, W, C], format: 'f32' }], outputs: [{ name: 'y', shape: [], format: 'f32' }],
      nodes: [{ name: 'c', op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { strides: [s, s], pads, activation: act, dilations: [dil, dil] } }] },
      tensors: { w: { format: 'f32', shape: [OC, k, k, C], data: w }, b: { format: 'f32', shape: [OC], data: b } } });
    const m = a.load(bundle);
    const out = m.run({ x: { data: xs, shape: [N, H, W, C] } }).y;
    m.dispose();
    const [, OH, OW] = out.shape;
    const px = heap.put(xs), pw = heap.put(w), pb = heap.put(b), py = heap.alloc(N * OH * OW * OC * 4);
    assert.is(x.conv2d_f32_f32_f32__scalar(px, N, H, W, C, pw, pb, OC, k, k, s, s, pads[0], pads[1], pads[2], pads[3], dil, dil, 1, py, OH, OW, act === 'relu' ? 1 : act === 'relu6' ? 2 : 0), 0);
    const ref = new Uint32Array(heap.buffer(), py, N * OH * OW * OC).slice();
    const got = new Uint32Array(out.data.buffer, out.data.byteOffset, out.data.length);
    for (let i = 0; i < ref.length; i++) if (ref[i] !== got[i]) assert.unreachable(`H=${H} C=${C} OC=${OC} k=${k} s=${s}: output ${i} ${got[i].toString(16)} vs ref ${ref[i].toString(16)}`);
    for (const p of [px, pw, pb, py]) heap.free(p);
  }
});

test.run();

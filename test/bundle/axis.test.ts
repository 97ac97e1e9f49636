// Per-channel scales along an axis other than the first (tensor entry `axis`): depthwise weights
// [KH, KW, C] quantized per channel get one scale per C, as the precision map's "channel" means;
// the packer, the reader, tensorValues and the executor agree; the reader and Dense reject what
// they cannot take.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from '../util.ts';
import { readBundle, AlloyError } from '../../build/alloy.mjs';
import { writeBundle, packBundle, tensorValues, quantizeTensor } from '../../build/alloy-tools.mjs';
import { bundleInput } from '../../src/tools/plan/host.ts';

const rand = (n: number, seed: number, scale = 1) => { const r = rng(seed); return new Float32Array(n).map(() => (((r() >>> 8) - 8388608) * 2 ** -23) * scale); };
const [H, W, C, K] = [6, 5, 7, 3];

// A conv then a depthwise conv whose channels have very different ranges (so per-KH scales, the
// old reading of "channel", would be visibly wrong).
function model() {
  const dw = rand(K * K * C, 2);
  for (let i = 0; i < dw.length; i++) dw[i] *= 10 ** ((i % C) - 3);
  return {
    graph: {
      inputs: [{ name: 'x', shape: [-1, H, W, 3], format: 'f32' }],
      outputs: [{ name: 'y', shape: [-1, H, W, C], format: 'f32' }],
      nodes: [
        { name: 'conv', op: 'Conv', inputs: ['x', 'cw', 'cb'], outputs: ['h'], attrs: { pads: 'same' } },
        { name: 'dw', op: 'DepthwiseConv', inputs: ['h', 'dw', 'db'], outputs: ['y'], attrs: { pads: 'same' } },
      ],
    },
    tensors: {
      cw: { format: 'f32', shape: [C, K, K, 3], data: rand(C * K * K * 3, 1) },
      cb: { format: 'f32', shape: [C], data: rand(C, 3) },
      dw: { format: 'f32', shape: [K, K, C], data: dw },
      db: { format: 'f32', shape: [C], data: rand(C, 4) },
    },
  };
}

test('quantizeTensor: granularity channel along the last axis = one scale per channel, codes in place', async () => {
  await getAlloy();
  const m = model();
  const v = m.tensors.dw.data;
  const q = quantizeTensor('dw', v, [K, K, C], 'i8', { granularity: 'channel', axis: 2 });
  assert.is(q.dw.axis, 2);
  assert.is(q.dw.group, undefined);
  const scales = q['dw.scale'].data as Float32Array, raw = q.dw.data as Uint8Array;
  const codes = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  assert.is(scales.length, C);
  for (let c = 0; c < C; c++) {
    let amax = 0;
    for (let t = 0; t < K * K; t++) amax = Math.max(amax, Math.abs(v[t * C + c]));
    assert.ok(Math.abs(scales[c] - amax / 127) <= 1e-6 * scales[c], `scale of channel ${c}: ${scales[c]} vs ${amax / 127}`);
    for (let t = 0; t < K * K; t++) {
      const i = t * C + c;
      assert.ok(Math.abs(codes[i] * scales[c] - v[i]) <= scales[c] / 2 * (1 + 1e-6), `element ${i}`);
    }
  }
  // axis 0 keeps the row-group form
  const q0 = quantizeTensor('cw', m.tensors.cw.data, [C, K, K, 3], 'i8', { granularity: 'channel' });
  assert.is(q0.cw.group, K * K * 3);
  assert.is(q0.cw.axis, undefined);
  try { quantizeTensor('dw', v, [K, K, C], 'i8', { granularity: 'channel', axis: 3 }); assert.unreachable(); } catch (e) { assert.is((e as AlloyError).code, 'BAD_OPTION'); }
});

test('packBundle: DepthwiseConv "channel" scales follow C; load() runs the dequantized weights exactly', async () => {
  const alloy = await getAlloy();
  const m = model();
  const f32 = writeBundle(m);
  const { input } = packBundle(f32, { version: 1, default: { weights: 'i8', granularity: 'channel' } });
  assert.is(input.tensors.dw.axis, 2);
  assert.is((input.tensors['dw.scale'].data as Float32Array).length, C);
  assert.is(input.tensors.cw.group, K * K * 3);
  const packed = writeBundle(input);
  const b = readBundle(packed);
  assert.is(b.header.tensors.dw.axis, 2);
  // tensorValues = q * scale[c]; the same values as f32 weights give the same output bits
  const dq = tensorValues(b, 'dw'), cq = tensorValues(b, 'cw');
  const s = new Float32Array(b.data.slice(b.header.tensors['dw.scale'].offset, b.header.tensors['dw.scale'].offset + 4 * C).buffer);
  const codes = new Int8Array(b.data.buffer, b.data.byteOffset + b.header.tensors.dw.offset, K * K * C);
  for (let i = 0; i < dq.length; i++) assert.is(dq[i], Math.fround(codes[i] * s[i % C]), `dw value ${i}`);
  const ref = writeBundle({ graph: m.graph, tensors: { ...m.tensors, dw: { ...m.tensors.dw, data: dq }, cw: { ...m.tensors.cw, data: cq } } });
  const x = rand(2 * H * W * 3, 9);
  const run = (bytes: Uint8Array) => { const md = alloy.load(bytes); try { return md.run({ x: { data: x, shape: [2, H, W, 3] } }).y.data; } finally { md.dispose(); } };
  const a = run(packed), r = run(ref), o = run(f32);
  assert.equal(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)), new Uint32Array(r.buffer.slice(r.byteOffset, r.byteOffset + r.byteLength)));
  // per-channel scales keep every channel close, the small ones too (with one scale per KH row,
  // the 1e-3 channels would round to zero)
  const only = writeBundle(packBundle(f32, { version: 1, layers: { dw: { weights: 'i8', granularity: 'channel' } } }).input);
  const d = run(only);
  for (let c = 0; c < C; c++) {
    let err = 0, mag = 0;
    for (let i = c; i < d.length; i += C) { err = Math.max(err, Math.abs(d[i] - o[i])); mag = Math.max(mag, Math.abs(o[i])); }
    assert.ok(err <= 0.02 * mag, `channel ${c}: max error ${err} for outputs up to ${mag}`);
  }
});

test('copies of a bundle keep the axis (the planner\'s bundleInput, packBundle of another layer)', async () => {
  const alloy = await getAlloy();
  const m = model();
  const packed = writeBundle(packBundle(writeBundle(m), { version: 1, layers: { dw: { weights: 'i8', granularity: 'channel' } } }).input);
  const x = rand(H * W * 3, 13);
  const out = (bytes: Uint8Array) => { const md = alloy.load(bytes); try { return [...md.run({ x: { data: x, shape: [1, H, W, 3] } }).y.data]; } finally { md.dispose(); } };
  const want = out(packed);
  const copy = writeBundle(bundleInput(readBundle(packed)));
  assert.is(readBundle(copy).header.tensors.dw.axis, 2);
  assert.equal(out(copy), want);
  const repacked = writeBundle(packBundle(packed, { version: 1, layers: { conv: { weights: 'f16' } } }).input);
  assert.is(readBundle(repacked).header.tensors.dw.axis, 2);
  assert.equal(out(repacked).length, want.length);
});

test('reader: axis only on affine integer tensors, inside the shape, without group', async () => {
  await getAlloy();
  const m = model();
  const { input } = packBundle(writeBundle(m), { version: 1, layers: { dw: { weights: 'i8', granularity: 'channel' } } });
  const bad = (edit: (t: any) => void, re: RegExp) => {
    const copy: any = {};
    for (const [k, v] of Object.entries(input.tensors)) copy[k] = { ...v };
    edit(copy);
    try { readBundle(writeBundle({ ...input, tensors: copy })); assert.unreachable('accepted'); } catch (e) {
      assert.instance(e, AlloyError);
      assert.is((e as AlloyError).code, 'BAD_TENSOR');
      assert.match((e as Error).message, re);
    }
  };
  bad((t) => { t.dw.axis = 3; }, /axis 3/);
  bad((t) => { t.dw.axis = -1; }, /axis -1/);
  bad((t) => { t.dw.group = 9; }, /excludes "group"/);
  bad((t) => { t.db.axis = 0; }, /affine integer/);
  readBundle(writeBundle(input));   // the untouched one is fine
});

test('Dense rejects scales along its input axis (BAD_TENSOR), takes axis 0 as row groups', async () => {
  const alloy = await getAlloy();
  const w = rand(4 * 6, 11);
  const graph = {
    inputs: [{ name: 'x', shape: [-1, 6], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 4], format: 'f32' }],
    nodes: [{ name: 'fc', op: 'Dense', inputs: ['x', 'w'], outputs: ['y'] }],
  };
  const along = (axis: number) => writeBundle({ graph, tensors: quantizeTensor('w', w, [4, 6], 'i8', { granularity: 'channel', axis }) });
  try { alloy.load(along(1)); assert.unreachable(); } catch (e) { assert.is((e as AlloyError).code, 'BAD_TENSOR'); assert.match((e as Error).message, /axis 1/); }
  // an explicit axis 0 entry = per-row groups
  const q = quantizeTensor('w', w, [4, 6], 'i8', { granularity: 'channel' });
  const withAxis = writeBundle({ graph, tensors: { ...q, w: { ...q.w, group: undefined, axis: 0 } } });
  const x = rand(6, 12);
  const a = alloy.load(withAxis).run({ x: { data: x, shape: [1, 6] } }).y.data;
  const b = alloy.load(writeBundle({ graph, tensors: q })).run({ x: { data: x, shape: [1, 6] } }).y.data;
  assert.equal([...a], [...b]);
});

test.run();

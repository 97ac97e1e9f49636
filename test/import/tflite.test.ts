// importTflite on small models written here with the `flatbuffers` Builder (field ids of the
// TFLite schema, as listed in src/tools/import/tflite/schema.ts), each run in Alloy and in LiteRT.js.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OP, tflite, build, cnnSpec, headSpec, type T } from './tflite-build.ts';
import { importTflite, TFLITE_OPS } from '../../src/tools/import/tflite/index.ts';
import { init as initSrcWasm } from '../../src/runtime/wasm.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';
import { getAlloy, rng } from '../util.ts';
import { liteRtModel } from '../../bench/litert.ts';
import { readFileSync } from 'node:fs';


const rand = (n: number, seed: number, scale = 1) => { const r = rng(seed); return Float32Array.from({ length: n }, () => ((r() >>> 8) / 2 ** 24 * 2 - 1) * scale); };
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Import, run in Alloy and in LiteRT.js, compare every output (max |diff| <= tol * max |ref| + tol). */
async function compare(bytes: Uint8Array, input: Float32Array, shape: number[], tol = 1e-5) {
  const alloy = await getAlloy();
  await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const bi = importTflite(bytes);
  const m = alloy.load(writeBundle(bi));
  const out = m.run({ [m.inputs[0].name]: { data: input, shape } });
  m.dispose();
  const lt = await liteRtModel(bytes);
  const ref = await lt.run(input, shape);
  lt.dispose();
  bi.graph.outputs.forEach((o, k) => {
    const a = out[o.name].data, r = ref[k];
    assert.is(a.length, r.length, `${o.name} length`);
    let md = 0, mr = 0;
    for (let i = 0; i < a.length; i++) { md = Math.max(md, Math.abs(a[i] - r[i])); mr = Math.max(mr, Math.abs(r[i])); }
    assert.ok(md <= tol * mr + tol, `${o.name}: max |diff| ${md} (max |ref| ${mr})`);
  });
  return bi;
}

test('CNN: PAD + CONV_2D (f16 weights via DEQUANTIZE, RELU6) + DEPTHWISE + ADD(RELU6) + MAX_POOL + RESIZE_BILINEAR half-pixel + LOGISTIC', async () => {
  const C = 8;
  const bi = await compare(build(cnnSpec(C, 16, 16, rand)), rand(16 * 16 * 3, 9), [1, 16, 16, 3]);
  assert.equal(bi.graph.nodes.map((n) => n.op), ['Conv', 'DepthwiseConv', 'Add', 'MaxPool', 'Resize', 'Sigmoid']);
  assert.equal(bi.graph.nodes[0].attrs?.pads, [1, 1, 1, 1], 'PAD folded into the VALID conv');
  assert.is(bi.graph.nodes[2].attrs?.activation, 'relu6', "ADD's fused RELU6 runs in the Add kernel");
  assert.is(Object.values(bi.tensors).find((t) => t.shape.join() === [C, 3, 3, 3].join())?.format, 'f16');
});

test('head: MEAN (GAP) + FULLY_CONNECTED (int8 per-channel weights via DEQUANTIZE) + HARD_SWISH + MUL + SUB + CONCATENATION + AVERAGE_POOL + SOFTMAX(beta)', async () => {
  const C = 6, N = 5;
  const bi = await compare(build(headSpec(C, rand)), rand(16 * C, 11, 2), [1, 4, 4, C]);
  const w = Object.values(bi.tensors).find((t) => t.shape.join() === [N, C].join())!;
  assert.is(w.format, 'i8');
  assert.is(w.group, C);
});

test('DEPTHWISE_CONV_2D with int8 per-channel filter (quantized_dimension 3): stays i8, one scale per channel (axis 2)', async () => {
  const C = 5;
  const q = Int8Array.from(rand(9 * C, 21, 127), (v) => Math.round(v));
  const scales = [0.01, 0.002, 0.03, 0.0005, 0.02];
  const spec = {
    tensors: [
      { name: 'x', shape: [1, 6, 6, C] }, { name: 'wq', shape: [1, 3, 3, C], type: 'i8', data: q, quant: { scale: scales, axis: 3 } } as T,
      { name: 'w', shape: [1, 3, 3, C] }, { name: 'b', shape: [C], data: rand(C, 22, 0.1) }, { name: 'y', shape: [1, 6, 6, C] },
    ],
    ops: [
      { op: OP.DEQUANTIZE, inputs: [1], outputs: [2] },
      { op: OP.DEPTHWISE_CONV_2D, inputs: [0, 2, 3], outputs: [4], opts: [[0, 'u8', 0], [1, 'i32', 1], [2, 'i32', 1], [3, 'i32', 1], [4, 'u8', 0]] },
    ],
    inputs: [0], outputs: [4],
  };
  const bi = await compare(build(spec as any), rand(36 * C, 23), [1, 6, 6, C]);
  const w = Object.values(bi.tensors).find((t) => t.shape.join() === [3, 3, C].join())!;
  assert.is(w.format, 'i8');
  assert.is(w.axis, 2);
  assert.is(w.group, undefined);
});

test('unsupported operators: one UNSUPPORTED_OP listing each (and counting the ones after them)', async () => {
  await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const tensors: T[] = [{ name: 'x', shape: [1, 4] }, { name: 'axis', shape: [], type: 'i32', data: new Int32Array([1]) }, { name: 'c', shape: [1, 4] }, { name: 'd', shape: [1, 4] }, { name: 'e', shape: [1, 4] }];
  const bytes = tflite(tensors, [{ op: OP.UNIQUE, inputs: [0, 1], outputs: [2] }, { op: OP.TANH, inputs: [2], outputs: [3] }, { op: 200, inputs: [0], outputs: [4] }], [0], [3, 4]);
  try { importTflite(bytes); assert.unreachable('should throw'); } catch (e: any) {
    assert.is(e.code, 'UNSUPPORTED_OP');
    assert.match(e.message, /2 unsupported operators: UNIQUE \(operator 0\); BUILTIN_200 \(operator 2\) \(1 later operator/);
  }
});

test('malformed files: BAD_GRAPH, never a crash', async () => {
  await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const good = tflite([{ name: 'x', shape: [1, 4] }, { name: 'y', shape: [1, 4] }], [{ op: OP.TANH, inputs: [0], outputs: [1] }], [0], [1]);
  assert.ok(importTflite(good).graph.nodes.length === 1);
  const r = rng(3);
  for (let k = 0; k < 300; k++) {
    const b = good.slice();
    const n = 1 + (r() % 4);
    for (let j = 0; j < n; j++) b[8 + (r() % (b.length - 8))] = r() & 0xff;
    try { importTflite(b); } catch (e: any) { assert.ok(['BAD_GRAPH', 'UNSUPPORTED_OP', 'SHAPE_MISMATCH', 'LIMIT_EXCEEDED'].includes(e.code), `${k}: ${e.message}`); }
  }
  for (const cut of [0, 7, 20, good.length >> 1]) assert.throws(() => importTflite(good.subarray(0, cut)), /BAD_GRAPH|not a TFLite/);
  assert.ok(TFLITE_OPS.includes('CONV_2D') && TFLITE_OPS.includes('DEQUANTIZE'));
});

test.run();

// importTflite on small models written here with the `flatbuffers` Builder (field ids of the
// TFLite schema, as listed in src/import/tflite-schema.ts), each run in Alloy and in LiteRT.js.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OP, OPT_TYPE, TYPE, tflite, type Opt, type T, type O } from './tflite-build.ts';
import { importTflite, TFLITE_OPS } from '../../src/import/tflite.ts';
import { init as initSrcWasm } from '../../src/wasm.ts';
import { writeBundle } from '../../build/alloy.mjs';
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
  const f16 = (n: number, seed: number, s = 0.5) => { const v = rand(n, seed, s); const u = new Uint16Array(n); const dv = new DataView(new ArrayBuffer(4)); v.forEach((x, i) => { dv.setFloat32(0, x); const f = dv.getUint32(0); const e = ((f >>> 23) & 0xff) - 127 + 15; u[i] = (f >>> 16 & 0x8000) | (e > 0 ? (e << 10) | ((f >>> 13) & 0x3ff) : 0); }); return u; };
  const tensors: T[] = [
    { name: 'x', shape: [1, 16, 16, 3] },                                                                      // 0
    { name: 'pads', shape: [4, 2], type: 'i32', data: new Int32Array([0, 0, 1, 1, 1, 1, 0, 0]) },              // 1
    { name: 'xp', shape: [1, 18, 18, 3] },                                                                     // 2
    { name: 'w1h', shape: [C, 3, 3, 3], type: 'f16', data: f16(C * 27, 1) },                                  // 3
    { name: 'w1', shape: [C, 3, 3, 3] },                                                                       // 4
    { name: 'b1', shape: [C], data: rand(C, 2, 0.1) },                                                         // 5
    { name: 'c1', shape: [1, 8, 8, C] },                                                                       // 6
    { name: 'dw', shape: [1, 3, 3, C], data: rand(9 * C, 3) },                                                 // 7
    { name: 'db', shape: [C], data: rand(C, 4, 0.1) },                                                         // 8
    { name: 'd1', shape: [1, 8, 8, C] },                                                                       // 9
    { name: 'a1', shape: [1, 8, 8, C] },                                                                       // 10
    { name: 'p1', shape: [1, 4, 4, C] },                                                                       // 11
    { name: 'size', shape: [2], type: 'i32', data: new Int32Array([16, 16]) },                                 // 12
    { name: 'r1', shape: [1, 16, 16, C] },                                                                     // 13
    { name: 'y', shape: [1, 16, 16, C] },                                                                      // 14
  ];
  const ops: O[] = [
    { op: OP.PAD, inputs: [0, 1], outputs: [2] },
    { op: OP.DEQUANTIZE, inputs: [3], outputs: [4] },
    { op: OP.CONV_2D, inputs: [2, 4, 5], outputs: [6], opts: [[0, 'u8', 1], [1, 'i32', 2], [2, 'i32', 2], [3, 'u8', 3]] },
    { op: OP.DEPTHWISE_CONV_2D, inputs: [6, 7, 8], outputs: [9], opts: [[0, 'u8', 0], [1, 'i32', 1], [2, 'i32', 1], [3, 'i32', 1], [4, 'u8', 1]] },
    { op: OP.ADD, inputs: [9, 6], outputs: [10], opts: [[0, 'u8', 3]] },
    { op: OP.MAX_POOL_2D, inputs: [10], outputs: [11], opts: [[0, 'u8', 1], [1, 'i32', 2], [2, 'i32', 2], [3, 'i32', 2], [4, 'i32', 2]] },
    { op: OP.RESIZE_BILINEAR, inputs: [11, 12], outputs: [13], opts: [[2, 'bool', false], [3, 'bool', true]] },
    { op: OP.LOGISTIC, inputs: [13], outputs: [14] },
  ];
  const bi = await compare(tflite(tensors, ops, [0], [14]), rand(16 * 16 * 3, 9), [1, 16, 16, 3]);
  assert.equal(bi.graph.nodes.map((n) => n.op), ['Conv', 'DepthwiseConv', 'Add', 'Relu6', 'MaxPool', 'Resize', 'Sigmoid']);
  assert.equal(bi.graph.nodes[0].attrs?.pads, [1, 1, 1, 1], 'PAD folded into the VALID conv');
  assert.is(Object.values(bi.tensors).find((t) => t.shape.join() === [C, 3, 3, 3].join())?.format, 'f16');
});

test('head: MEAN (GAP) + FULLY_CONNECTED (int8 per-channel weights via DEQUANTIZE) + HARD_SWISH + MUL + SUB + CONCATENATION + AVERAGE_POOL + SOFTMAX(beta)', async () => {
  const C = 6, N = 5;
  const codes = Int8Array.from(rand(N * C, 5, 127), (v) => Math.round(v));
  const scales = [0.01, 0.02, 0.005, 0.03, 0.015];
  const tensors: T[] = [
    { name: 'x', shape: [1, 4, 4, C] },                                                       // 0
    { name: 'axes', shape: [2], type: 'i32', data: new Int32Array([1, 2]) },                   // 1
    { name: 'gap', shape: [1, C] },                                                           // 2
    { name: 'wq', shape: [N, C], type: 'i8', data: codes, quant: { scale: scales, axis: 0 } }, // 3
    { name: 'w', shape: [N, C] },                                                             // 4
    { name: 'b', shape: [N], data: rand(N, 6, 0.1) },                                         // 5
    { name: 'fc', shape: [1, N] },                                                            // 6
    { name: 'hs', shape: [1, N] },                                                            // 7
    { name: 'k', shape: [N], data: rand(N, 7) },                                              // 8
    { name: 'mul', shape: [1, N] },                                                           // 9
    { name: 'sub', shape: [1, N] },                                                           // 10
    { name: 'ap', shape: [1, 2, 2, C] },                                                      // 11
    { name: 'shape', shape: [2], type: 'i32', data: new Int32Array([1, 4 * C]) },             // 12
    { name: 'flat', shape: [1, 4 * C] },                                                      // 13
    { name: 'cat', shape: [1, N + 4 * C] },                                                   // 14
    { name: 'y', shape: [1, N + 4 * C] },                                                     // 15
  ];
  const ops: O[] = [
    { op: OP.MEAN, inputs: [0, 1], outputs: [2], opts: [[0, 'bool', false]] },
    { op: OP.DEQUANTIZE, inputs: [3], outputs: [4] },
    { op: OP.FULLY_CONNECTED, inputs: [2, 4, 5], outputs: [6], opts: [[0, 'u8', 1]] },
    { op: OP.HARD_SWISH, inputs: [6], outputs: [7] },
    { op: OP.MUL, inputs: [7, 8], outputs: [9], opts: [[0, 'u8', 0]] },
    { op: OP.SUB, inputs: [9, 6], outputs: [10], opts: [[0, 'u8', 0]] },
    { op: OP.AVERAGE_POOL_2D, inputs: [0], outputs: [11], opts: [[0, 'u8', 0], [1, 'i32', 2], [2, 'i32', 2], [3, 'i32', 3], [4, 'i32', 3]] },
    { op: OP.RESHAPE, inputs: [11, 12], outputs: [13], opts: [[0, 'ints', [1, 4 * C]]] },
    { op: OP.CONCATENATION, inputs: [10, 13], outputs: [14], opts: [[0, 'i32', 1], [1, 'u8', 0]] },
    { op: OP.SOFTMAX, inputs: [14], outputs: [15], opts: [[0, 'f32', 0.5]] },
  ];
  const bi = await compare(tflite(tensors, ops, [0], [15]), rand(16 * C, 11, 2), [1, 4, 4, C]);
  const w = Object.values(bi.tensors).find((t) => t.shape.join() === [N, C].join())!;
  assert.is(w.format, 'i8');
  assert.is(w.group, C);
});

test('unsupported operators: one UNSUPPORTED_OP listing each (and counting the ones after them)', async () => {
  await initSrcWasm(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
  const tensors: T[] = [{ name: 'x', shape: [1, 4] }, { name: 'axis', shape: [], type: 'i32', data: new Int32Array([1]) }, { name: 'c', shape: [1, 4] }, { name: 'd', shape: [1, 4] }, { name: 'e', shape: [1, 4] }];
  const bytes = tflite(tensors, [{ op: OP.CUMSUM, inputs: [0, 1], outputs: [2] }, { op: OP.TANH, inputs: [2], outputs: [3] }, { op: 200, inputs: [0], outputs: [4] }], [0], [3, 4]);
  try { importTflite(bytes); assert.unreachable('should throw'); } catch (e: any) {
    assert.is(e.code, 'UNSUPPORTED_OP');
    assert.match(e.message, /2 unsupported operators: CUMSUM \(operator 0\); BUILTIN_200 \(operator 2\) \(1 later operator/);
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

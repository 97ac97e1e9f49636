// Writes small .tflite files with the FlatBuffers Builder (field ids of the TFLite schema, as
// listed in src/tools/import/tflite/schema.ts), for the importer tests and the tflite fuzz target.
import { Builder } from 'flatbuffers';
import { f16Bits } from '../util.ts';

export const OP = {
  ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6, FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18,
  RESHAPE: 22, RESIZE_BILINEAR: 23, SOFTMAX: 25, TANH: 28, CUSTOM: 32, PAD: 34, GATHER: 36, TRANSPOSE: 39, MEAN: 40, SUB: 41, DIV: 42, SQUEEZE: 43,
  STRIDED_SLICE: 45, TOPK_V2: 48, SPLIT: 49, CAST: 53, MAXIMUM: 55, ARG_MAX: 56, MINIMUM: 57, LESS: 58, GREATER: 61, GREATER_EQUAL: 62, LESS_EQUAL: 63,
  SELECT: 64, SLICE: 65, TRANSPOSE_CONV: 67, TILE: 69, EXPAND_DIMS: 70, EQUAL: 71, NOT_EQUAL: 72, SUM: 74, SHAPE: 77, POW: 78, ARG_MIN: 79,
  REDUCE_PROD: 81, REDUCE_MAX: 82, PACK: 83, LOGICAL_OR: 84, ONE_HOT: 85, LOGICAL_AND: 86, LOGICAL_NOT: 87, UNPACK: 88, REDUCE_MIN: 89, FLOOR_DIV: 90,
  REDUCE_ANY: 91, SQUARE: 92, ZEROS_LIKE: 93, FILL: 94, FLOOR_MOD: 95, RANGE: 96, SQUARED_DIFFERENCE: 99, SPLIT_V: 102, UNIQUE: 103, GATHER_ND: 107,
  PADV2: 60, REVERSE_V2: 105, BROADCAST_TO: 130, HARD_SWISH: 117, QUANTIZE: 114, SELECT_V2: 123, BATCH_MATMUL: 126, CUMSUM: 128, REDUCE_ALL: 140,
  ABS: 101, NEG: 59, EXP: 47, LOG: 73, SQRT: 75, RSQRT: 76, SIN: 66, COS: 108, FLOOR: 8, CEIL: 104, ROUND: 116, SIGN: 158,
} as const;
/** BuiltinOptions union type of each op's options table (schema.fbs union BuiltinOptions order) */
export const OPT_TYPE: Record<number, number> = {
  3: 1, 4: 2, 1: 5, 17: 5, 9: 8, 25: 9, 2: 10, 0: 11, 23: 15, 22: 17, 18: 21, 36: 23, 39: 26, 40: 27, 74: 27, 81: 27, 82: 27, 89: 27, 91: 27, 140: 27,
  41: 28, 42: 29, 43: 30, 45: 32, 48: 34, 49: 35, 53: 37, 55: 39, 57: 39, 56: 40, 58: 41, 61: 44, 62: 45, 63: 46, 64: 47, 65: 48, 67: 49, 69: 51,
  70: 52, 71: 53, 72: 54, 77: 55, 78: 56, 79: 57, 83: 59, 84: 60, 85: 61, 86: 62, 87: 63, 88: 64, 90: 65, 92: 66, 93: 67, 94: 68, 95: 72, 96: 73,
  99: 76, 102: 79, 107: 83, 123: 98, 126: 101, 128: 102, 34: 22, 60: 43, 105: 81, 130: 104,
};
export const TYPE = { f32: 0, f16: 1, i32: 2, u8: 3, i64: 4, bool: 6, i16: 7, i8: 9 } as const;
export type Opt = [id: number, kind: 'i32' | 'u8' | 'f32' | 'bool' | 'ints', value: number | boolean | number[]];
export interface T { name: string; shape: number[]; type?: keyof typeof TYPE; data?: ArrayBufferView; quant?: { scale: number[]; zp?: number[]; axis?: number } }
export interface O { op: number; inputs: number[]; outputs: number[]; opts?: Opt[]; custom?: string; customOptions?: Uint8Array }

/** A .tflite file: one subgraph. Tensors with `data` get a buffer. */
export function tflite(tensors: T[], ops: O[], inputs: number[], outputs: number[]): Uint8Array {
  const b = new Builder(1024);
  const ivec = (v: number[]) => { b.startVector(4, v.length, 4); for (let i = v.length - 1; i >= 0; i--) b.addInt32(v[i]); return b.endVector(); };
  const fvec = (v: number[]) => { b.startVector(4, v.length, 4); for (let i = v.length - 1; i >= 0; i--) b.addFloat32(v[i]); return b.endVector(); };
  const lvec = (v: number[]) => { b.startVector(8, v.length, 8); for (let i = v.length - 1; i >= 0; i--) b.addInt64(BigInt(v[i])); return b.endVector(); };
  const tvec = (v: number[]) => { b.startVector(4, v.length, 4); for (let i = v.length - 1; i >= 0; i--) b.addOffset(v[i]); return b.endVector(); };
  // buffers: 0 is the empty sentinel
  const bufs: number[] = [];
  b.startObject(3); bufs.push(b.endObject());
  const bufIndex = tensors.map((t) => {
    if (!t.data) return 0;
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    b.startVector(1, bytes.length, 16);
    for (let i = bytes.length - 1; i >= 0; i--) b.addInt8(bytes[i]);
    const d = b.endVector();
    b.startObject(3); b.addFieldOffset(0, d, 0); bufs.push(b.endObject());
    return bufs.length - 1;
  });
  const tOffs = tensors.map((t, i) => {
    const name = b.createString(t.name), shape = ivec(t.shape);
    let q = 0;
    if (t.quant) {
      const s = fvec(t.quant.scale), z = lvec(t.quant.zp ?? t.quant.scale.map(() => 0));
      b.startObject(7); b.addFieldOffset(2, s, 0); b.addFieldOffset(3, z, 0); b.addFieldInt32(6, t.quant.axis ?? 0, 0); q = b.endObject();
    }
    b.startObject(8);
    b.addFieldOffset(0, shape, 0); b.addFieldInt8(1, TYPE[t.type ?? 'f32'], 0); b.addFieldInt32(2, bufIndex[i], 0); b.addFieldOffset(3, name, 0);
    if (q) b.addFieldOffset(4, q, 0);
    return b.endObject();
  });
  const key = (o: O) => `${o.op}/${o.custom ?? ''}`;
  const codes = [...new Set(ops.map(key))];
  const codeOffs = codes.map((k) => {
    const [c, custom] = [Number(k.split('/')[0]), k.slice(k.indexOf('/') + 1)];
    const cs = custom ? b.createString(custom) : 0;
    b.startObject(4); b.addFieldInt8(0, Math.min(c, 127), 0); if (cs) b.addFieldOffset(1, cs, 0); b.addFieldInt32(2, 1, 1); b.addFieldInt32(3, c, 0); return b.endObject();
  });
  const opOffs = ops.map((o) => {
    let opt = 0;
    if (o.opts) {
      const vecs = o.opts.map(([, k, v]) => (k === 'ints' ? ivec(v as number[]) : 0));
      b.startObject(Math.max(...o.opts.map(([id]) => id)) + 1);
      o.opts.forEach(([id, k, v], j) => {
        if (k === 'i32') b.addFieldInt32(id, v as number, -12345);
        else if (k === 'u8') b.addFieldInt8(id, v as number, -1);
        else if (k === 'bool') b.addFieldInt8(id, v ? 1 : 0, -1);
        else if (k === 'f32') b.addFieldFloat32(id, v as number, -12345);
        else b.addFieldOffset(id, vecs[j], 0);
      });
      opt = b.endObject();
    }
    const ins = ivec(o.inputs), outs = ivec(o.outputs);
    let co = 0;
    if (o.customOptions) { b.startVector(1, o.customOptions.length, 1); for (let i = o.customOptions.length - 1; i >= 0; i--) b.addInt8(o.customOptions[i]); co = b.endVector(); }
    b.startObject(co ? 6 : 5); // 5 fields unless custom options (the committed specs' bytes stay as they were)
    b.addFieldInt32(0, codes.indexOf(key(o)), 0); b.addFieldOffset(1, ins, 0); b.addFieldOffset(2, outs, 0);
    if (opt) { b.addFieldInt8(3, OPT_TYPE[o.op], 0); b.addFieldOffset(4, opt, 0); }
    if (co) b.addFieldOffset(5, co, 0);
    return b.endObject();
  });
  const tv = tvec(tOffs), iv = ivec(inputs), ov = ivec(outputs), opv = tvec(opOffs), gname = b.createString('main');
  b.startObject(5); b.addFieldOffset(0, tv, 0); b.addFieldOffset(1, iv, 0); b.addFieldOffset(2, ov, 0); b.addFieldOffset(3, opv, 0); b.addFieldOffset(4, gname, 0);
  const sg = b.endObject();
  const cv = tvec(codeOffs), sv = tvec([sg]), bv = tvec(bufs), desc = b.createString('alloy test');
  b.startObject(8); b.addFieldInt32(0, 3, 0); b.addFieldOffset(1, cv, 0); b.addFieldOffset(2, sv, 0); b.addFieldOffset(3, desc, 0); b.addFieldOffset(4, bv, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

export interface Spec { tensors: T[]; ops: O[]; inputs: number[]; outputs: number[] }
type Rand = (n: number, seed: number, scale?: number) => Float32Array;


/** PAD + CONV_2D (f16 weights via DEQUANTIZE, stride 2, RELU6) + DEPTHWISE + ADD(RELU6) +
 *  MAX_POOL + RESIZE_BILINEAR (half-pixel, to R x R) + LOGISTIC on an H x H x 3 input. */
export function cnnSpec(C: number, H: number, R: number, rand: Rand): Spec {
  const h = H / 2, p = H / 4;
  return {
    tensors: [
      { name: 'x', shape: [1, H, H, 3] }, { name: 'pads', shape: [4, 2], type: 'i32', data: new Int32Array([0, 0, 1, 1, 1, 1, 0, 0]) }, { name: 'xp', shape: [1, H + 2, H + 2, 3] },
      { name: 'w1h', shape: [C, 3, 3, 3], type: 'f16', data: f16Bits(rand(C * 27, 1, 0.5)) }, { name: 'w1', shape: [C, 3, 3, 3] }, { name: 'b1', shape: [C], data: rand(C, 2, 0.1) },
      { name: 'c1', shape: [1, h, h, C] }, { name: 'dw', shape: [1, 3, 3, C], data: rand(9 * C, 3) }, { name: 'db', shape: [C], data: rand(C, 4, 0.1) },
      { name: 'd1', shape: [1, h, h, C] }, { name: 'a1', shape: [1, h, h, C] }, { name: 'p1', shape: [1, p, p, C] },
      { name: 'size', shape: [2], type: 'i32', data: new Int32Array([R, R]) }, { name: 'r1', shape: [1, R, R, C] }, { name: 'y', shape: [1, R, R, C] },
    ],
    ops: [
      { op: OP.PAD, inputs: [0, 1], outputs: [2] },
      { op: OP.DEQUANTIZE, inputs: [3], outputs: [4] },
      { op: OP.CONV_2D, inputs: [2, 4, 5], outputs: [6], opts: [[0, 'u8', 1], [1, 'i32', 2], [2, 'i32', 2], [3, 'u8', 3]] },
      { op: OP.DEPTHWISE_CONV_2D, inputs: [6, 7, 8], outputs: [9], opts: [[0, 'u8', 0], [1, 'i32', 1], [2, 'i32', 1], [3, 'i32', 1], [4, 'u8', 1]] },
      { op: OP.ADD, inputs: [9, 6], outputs: [10], opts: [[0, 'u8', 3]] },
      { op: OP.MAX_POOL_2D, inputs: [10], outputs: [11], opts: [[0, 'u8', 1], [1, 'i32', 2], [2, 'i32', 2], [3, 'i32', 2], [4, 'i32', 2]] },
      { op: OP.RESIZE_BILINEAR, inputs: [11, 12], outputs: [13], opts: [[2, 'bool', false], [3, 'bool', true]] },
      { op: OP.LOGISTIC, inputs: [13], outputs: [14] },
    ],
    inputs: [0], outputs: [14],
  };
}

/** MEAN (GAP) + FULLY_CONNECTED (int8 per-channel weights via DEQUANTIZE) + HARD_SWISH + MUL +
 *  SUB + AVERAGE_POOL + RESHAPE + CONCATENATION + SOFTMAX(beta) on a 4 x 4 x C input; N = 5. */
export function headSpec(C: number, rand: Rand): Spec {
  const N = 5;
  return {
    tensors: [
      { name: 'x', shape: [1, 4, 4, C] }, { name: 'axes', shape: [2], type: 'i32', data: new Int32Array([1, 2]) }, { name: 'gap', shape: [1, C] },
      { name: 'wq', shape: [N, C], type: 'i8', data: Int8Array.from(rand(N * C, 5, 127), (v) => Math.round(v)), quant: { scale: [0.01, 0.02, 0.005, 0.03, 0.015], axis: 0 } },
      { name: 'w', shape: [N, C] }, { name: 'b', shape: [N], data: rand(N, 6, 0.1) }, { name: 'fc', shape: [1, N] }, { name: 'hs', shape: [1, N] },
      { name: 'k', shape: [N], data: rand(N, 7) }, { name: 'mul', shape: [1, N] }, { name: 'sub', shape: [1, N] }, { name: 'ap', shape: [1, 2, 2, C] },
      { name: 'shape', shape: [2], type: 'i32', data: new Int32Array([1, 4 * C]) }, { name: 'flat', shape: [1, 4 * C] }, { name: 'cat', shape: [1, N + 4 * C] }, { name: 'y', shape: [1, N + 4 * C] },
    ],
    ops: [
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
    ],
    inputs: [0], outputs: [15],
  };
}

export const build = (s: Spec) => tflite(s.tensors, s.ops, s.inputs, s.outputs);

/** A typed graph: int32 indices into f32 data (GATHER), CAST, ADD with broadcasting, STRIDED_SLICE
 *  (stride 2, shrink), SUM, ARG_MAX to int32, SELECT_V2 on a comparison; outputs f32 and int32. */
export function typedSpec(rand: Rand): Spec {
  const i32 = (name: string, shape: number[], data?: number[]): T => ({ name, shape, type: 'i32', ...(data ? { data: Int32Array.from(data) } : {}) });
  return {
    tensors: [
      { name: 'x', shape: [2, 6] }, i32('idx', [3]), { name: 'g', shape: [2, 3] }, { name: 'ci', shape: [3] }, { name: 'a', shape: [2, 3] },
      i32('b', [2], [0, 0]), i32('e', [2], [2, 3]), i32('s', [2], [1, 2]), { name: 'sl', shape: [2, 2] }, i32('ax', [1], [1]), { name: 'sum', shape: [2] },
      i32('am', [2]), { name: 'k', shape: [3], data: rand(3, 8) }, { name: 'gt', shape: [2, 3], type: 'bool' }, { name: 'y', shape: [2, 3] },
    ],
    ops: [
      { op: OP.GATHER, inputs: [0, 1], outputs: [2], opts: [[0, 'i32', 1]] },
      { op: OP.CAST, inputs: [1], outputs: [3], opts: [[0, 'u8', 2], [1, 'u8', 0]] },
      { op: OP.ADD, inputs: [2, 3], outputs: [4], opts: [[0, 'u8', 0]] },
      { op: OP.STRIDED_SLICE, inputs: [4, 5, 6, 7], outputs: [8], opts: [[0, 'i32', 0], [1, 'i32', 0]] },
      { op: OP.SUM, inputs: [8, 9], outputs: [10], opts: [[0, 'bool', false]] },
      { op: OP.ARG_MAX, inputs: [4, 9], outputs: [11], opts: [[0, 'u8', 2]] },
      { op: OP.GREATER, inputs: [4, 12], outputs: [13] },
      { op: OP.SELECT_V2, inputs: [13, 4, 2], outputs: [14] },
    ],
    inputs: [0, 1], outputs: [10, 11, 14],
  };
}

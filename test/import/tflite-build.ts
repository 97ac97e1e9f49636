// Writes small .tflite files with the FlatBuffers Builder (field ids of the TFLite schema, as
// listed in src/import/tflite-schema.ts), for the importer tests and the tflite fuzz target.
import { Builder } from 'flatbuffers';

export const OP = { ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6, FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RESHAPE: 22, RESIZE_BILINEAR: 23, SOFTMAX: 25, PAD: 34, MEAN: 40, SUB: 41, HARD_SWISH: 117, TANH: 28, CUMSUM: 128 } as const;
/** BuiltinOptions union type of each op's options table (schema.fbs) */
export const OPT_TYPE: Record<number, number> = { 3: 1, 4: 2, 1: 5, 17: 5, 9: 8, 25: 9, 2: 10, 0: 11, 23: 15, 22: 17, 18: 21, 40: 27, 41: 28 };
export const TYPE = { f32: 0, f16: 1, i32: 2, i8: 9 } as const;
export type Opt = [id: number, kind: 'i32' | 'u8' | 'f32' | 'bool' | 'ints', value: number | boolean | number[]];
export interface T { name: string; shape: number[]; type?: keyof typeof TYPE; data?: ArrayBufferView; quant?: { scale: number[]; zp?: number[]; axis?: number } }
export interface O { op: number; inputs: number[]; outputs: number[]; opts?: Opt[] }

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
  const codes = [...new Set(ops.map((o) => o.op))];
  const codeOffs = codes.map((c) => { b.startObject(4); b.addFieldInt8(0, Math.min(c, 127), 0); b.addFieldInt32(2, 1, 1); b.addFieldInt32(3, c, 0); return b.endObject(); });
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
    b.startObject(5);
    b.addFieldInt32(0, codes.indexOf(o.op), 0); b.addFieldOffset(1, ins, 0); b.addFieldOffset(2, outs, 0);
    if (opt) { b.addFieldInt8(3, OPT_TYPE[o.op], 0); b.addFieldOffset(4, opt, 0); }
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

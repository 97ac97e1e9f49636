// The `tflite` fuzz target: .tflite bytes -> importTflite -> writeBundle -> alloy.load -> run.
//
// Seeds: two small valid models written with the FlatBuffers Builder exactly as
// test/import/tflite.test.ts does (the builder below is a copy of that test's): a CNN (PAD, f16
// weights via DEQUANTIZE, CONV_2D with fused RELU6, DEPTHWISE_CONV_2D, ADD, MAX_POOL_2D,
// RESIZE_BILINEAR, LOGISTIC) and a head (MEAN, int8 per-channel FULLY_CONNECTED via DEQUANTIZE,
// HARD_SWISH, MUL, SUB, AVERAGE_POOL_2D, RESHAPE, CONCATENATION, SOFTMAX).
// Mutations, 1-4 stacked, on the model description before it is built: tensor shapes (0, -1,
// 2^31 - 1, dims added / dropped), types (every TensorType id), buffers (truncated, extended,
// dropped, added to activations, special f32 / f16 values), quantization (scale counts, NaN /
// 0 / negative scales, axis), operator codes (every code the reader names, unknown ones),
// operator inputs / outputs (other indices, -1, out of range), options (values, dropped), graph
// inputs / outputs; then (25%) raw byte mutations of the built FlatBuffer (bit flips, offsets and
// lengths overwritten, truncation, insertion, deletion), never repaired; 10% of the inputs are
// byte-level mutations of a seed alone.
import { Builder } from 'flatbuffers';
import { importTflite } from '../../src/import/tflite.ts';
import { makeRng, mutateRaw, type Rng, type Mutated } from './mutate.ts';

const OP = { ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6, FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RESHAPE: 22, RESIZE_BILINEAR: 23, SOFTMAX: 25, PAD: 34, MEAN: 40, SUB: 41, HARD_SWISH: 117, TANH: 28, CUMSUM: 128 } as const;
/** BuiltinOptions union type of each op's options table (schema.fbs) */
const OPT_TYPE: Record<number, number> = { 3: 1, 4: 2, 1: 5, 17: 5, 9: 8, 25: 9, 2: 10, 0: 11, 23: 15, 22: 17, 18: 21, 40: 27, 41: 28 };
const TYPE = { f32: 0, f16: 1, i32: 2, i8: 9 } as const;
type Opt = [id: number, kind: 'i32' | 'u8' | 'f32' | 'bool' | 'ints', value: number | boolean | number[]];
interface T { name: string; shape: number[]; type?: keyof typeof TYPE; data?: ArrayBufferView; quant?: { scale: number[]; zp?: number[]; axis?: number } }
interface O { op: number; inputs: number[]; outputs: number[]; opts?: Opt[] }

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


const rnd = (n: number, seed: number, scale = 1) => { const r = makeRng(seed, 97, n); return Float32Array.from({ length: n }, () => ((r.u32() >>> 8) / 2 ** 24 * 2 - 1) * scale); };
const f16 = (n: number, seed: number) => { const v = rnd(n, seed, 0.5); const u = new Uint16Array(n); const dv = new DataView(new ArrayBuffer(4)); v.forEach((x, i) => { dv.setFloat32(0, x); const f = dv.getUint32(0); const e = ((f >>> 23) & 0xff) - 127 + 15; u[i] = (f >>> 16 & 0x8000) | (e > 0 ? (e << 10) | ((f >>> 13) & 0x3ff) : 0); }); return u; };

interface Spec { tensors: T[]; ops: O[]; inputs: number[]; outputs: number[] }

function specs(): Spec[] {
  const C = 4;
  const cnn: Spec = {
    tensors: [
      { name: 'x', shape: [1, 8, 8, 3] }, { name: 'pads', shape: [4, 2], type: 'i32', data: new Int32Array([0, 0, 1, 1, 1, 1, 0, 0]) }, { name: 'xp', shape: [1, 10, 10, 3] },
      { name: 'w1h', shape: [C, 3, 3, 3], type: 'f16', data: f16(C * 27, 1) }, { name: 'w1', shape: [C, 3, 3, 3] }, { name: 'b1', shape: [C], data: rnd(C, 2, 0.1) },
      { name: 'c1', shape: [1, 4, 4, C] }, { name: 'dw', shape: [1, 3, 3, C], data: rnd(9 * C, 3) }, { name: 'db', shape: [C], data: rnd(C, 4, 0.1) },
      { name: 'd1', shape: [1, 4, 4, C] }, { name: 'a1', shape: [1, 4, 4, C] }, { name: 'p1', shape: [1, 2, 2, C] },
      { name: 'size', shape: [2], type: 'i32', data: new Int32Array([4, 4]) }, { name: 'r1', shape: [1, 4, 4, C] }, { name: 'y', shape: [1, 4, 4, C] },
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
  const N = 5, K = 6;
  const head: Spec = {
    tensors: [
      { name: 'x', shape: [1, 4, 4, K] }, { name: 'axes', shape: [2], type: 'i32', data: new Int32Array([1, 2]) }, { name: 'gap', shape: [1, K] },
      { name: 'wq', shape: [N, K], type: 'i8', data: Int8Array.from(rnd(N * K, 5, 127), (v) => Math.round(v)), quant: { scale: [0.01, 0.02, 0.005, 0.03, 0.015], axis: 0 } },
      { name: 'w', shape: [N, K] }, { name: 'b', shape: [N], data: rnd(N, 6, 0.1) }, { name: 'fc', shape: [1, N] }, { name: 'hs', shape: [1, N] },
      { name: 'k', shape: [N], data: rnd(N, 7) }, { name: 'mul', shape: [1, N] }, { name: 'sub', shape: [1, N] }, { name: 'ap', shape: [1, 2, 2, K] },
      { name: 'shape', shape: [2], type: 'i32', data: new Int32Array([1, 4 * K]) }, { name: 'flat', shape: [1, 4 * K] }, { name: 'cat', shape: [1, N + 4 * K] }, { name: 'y', shape: [1, N + 4 * K] },
    ],
    ops: [
      { op: OP.MEAN, inputs: [0, 1], outputs: [2], opts: [[0, 'bool', false]] },
      { op: OP.DEQUANTIZE, inputs: [3], outputs: [4] },
      { op: OP.FULLY_CONNECTED, inputs: [2, 4, 5], outputs: [6], opts: [[0, 'u8', 1]] },
      { op: OP.HARD_SWISH, inputs: [6], outputs: [7] },
      { op: OP.MUL, inputs: [7, 8], outputs: [9], opts: [[0, 'u8', 0]] },
      { op: OP.SUB, inputs: [9, 6], outputs: [10], opts: [[0, 'u8', 0]] },
      { op: OP.AVERAGE_POOL_2D, inputs: [0], outputs: [11], opts: [[0, 'u8', 0], [1, 'i32', 2], [2, 'i32', 2], [3, 'i32', 3], [4, 'i32', 3]] },
      { op: OP.RESHAPE, inputs: [11, 12], outputs: [13], opts: [[0, 'ints', [1, 4 * K]]] },
      { op: OP.CONCATENATION, inputs: [10, 13], outputs: [14], opts: [[0, 'i32', 1], [1, 'u8', 0]] },
      { op: OP.SOFTMAX, inputs: [14], outputs: [15], opts: [[0, 'f32', 0.5]] },
    ],
    inputs: [0], outputs: [15],
  };
  return [cnn, head];
}

export function tfliteSeeds(): { name: string; bytes: Uint8Array }[] {
  return specs().map((s, i) => ({ name: ['cnn', 'head'][i], bytes: tflite(s.tensors, s.ops, s.inputs, s.outputs) }));
}

const CODES = [...Object.values(OP), 5, 7, 8, 10, 11, 12, 13, 15, 16, 19, 20, 21, 24, 26, 27, 29, 30, 31, 32, 33, 35, 36, 37, 38, 39, 114, 127, 128, 150, 200, 255, 1000];
const INTS = [0, 1, 2, 3, -1, -2, 4, 7, 16, 255, 65536, 2 ** 31 - 1, -(2 ** 31)];
const F32 = [NaN, Infinity, -Infinity, 0, -0, 1e-45, 3.4e38, -1, 65504];
const bytesOf = (d: ArrayBufferView) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

function mutateSpec(r: Rng, s: Spec): void {
  const ti = () => (r.chance(0.9) ? r.int(s.tensors.length) : r.pick([-1, s.tensors.length, 2 ** 31 - 1, -(2 ** 31)]));
  const t = s.tensors[r.int(s.tensors.length)];
  const o = s.ops[r.int(s.ops.length)];
  switch (r.int(14)) {
    case 0: case 1: { const d = t.shape; const k = r.int(4); if (k === 0 && d.length) d[r.int(d.length)] = r.pick([0, 1, 2, 3, -1, 5, 2 ** 31 - 1, 65536]); else if (k === 1) d.splice(r.int(d.length + 1), 0, r.pick([1, 2])); else if (k === 2 && d.length) d.splice(r.int(d.length), 1); else t.shape = []; break; }
    case 2: (t as any).type = r.pick(['f32', 'f16', 'i32', 'i8']); break;
    case 3: { // buffer: truncated / extended / dropped / added
      if (t.data && r.chance(0.7)) { const b = bytesOf(t.data); const n = r.chance(0.5) ? r.int(b.length) : b.length + r.pick([1, 2, 4, 64]); const c = new Uint8Array(n); c.set(b.subarray(0, Math.min(n, b.length))); t.data = c; }
      else if (t.data) delete t.data; else t.data = new Float32Array(r.pick([0, 1, 4, 16, 100]));
      break;
    }
    case 4: if (t.data) { const b = new Uint8Array(bytesOf(t.data)); const dv = new DataView(b.buffer); for (let k = 1 + r.int(3); k > 0; k--) { if (b.length >= 4 && r.chance(0.6)) dv.setFloat32(r.int(b.length >> 2) * 4, r.pick(F32), true); else if (b.length) b[r.int(b.length)] = r.pick([0, 0x7c, 0xfc, 0x7f, 0x80, 0xff]); } t.data = b; } break;
    case 5: t.quant = r.chance(0.2) ? undefined : { scale: Array.from({ length: r.pick([0, 1, 2, 5, 7]) }, () => (r.chance(0.7) ? 0.01 : r.pick(F32))), zp: r.chance(0.3) ? [r.pick(INTS)] : undefined, axis: r.pick([0, 1, -1, 3, 9]) }; break;
    case 6: case 7: o.op = r.pick(CODES); break;
    case 8: case 9: { const l = r.chance(0.6) ? o.inputs : o.outputs; const k = r.int(3); if (k === 0 && l.length) l[r.int(l.length)] = ti(); else if (k === 1 && l.length) l.splice(r.int(l.length), 1); else l.push(ti()); break; }
    case 10: if (o.opts && o.opts.length) { const p = o.opts[r.int(o.opts.length)]; if (r.chance(0.2)) o.opts.splice(o.opts.indexOf(p), 1); else if (p[1] === 'ints') p[2] = Array.from({ length: r.int(5) }, () => r.pick(INTS)); else if (p[1] === 'f32') p[2] = r.pick(F32); else if (p[1] === 'bool') p[2] = !p[2]; else p[2] = p[1] === 'u8' ? r.int(256) - 128 : r.pick(INTS); } else o.opts = [[r.int(6), r.pick(['i32', 'u8', 'f32', 'bool'] as const), r.pick(INTS)]]; break;
    case 11: { const k = r.int(3); if (k === 0) s.ops.splice(r.int(s.ops.length), 1); else if (k === 1) s.ops.splice(r.int(s.ops.length + 1), 0, structuredClone(o)); else { const i = r.int(s.ops.length), j = r.int(s.ops.length); [s.ops[i], s.ops[j]] = [s.ops[j], s.ops[i]]; } break; }
    case 12: { const l = r.chance(0.5) ? s.inputs : s.outputs; if (r.chance(0.5) && l.length) l[r.int(l.length)] = ti(); else if (r.chance(0.5)) l.push(ti()); else l.length = 0; break; }
    default: t.name = r.pick(['', 'x', 'y', '__proto__', 'constructor', s.tensors[r.int(s.tensors.length)].name]);
  }
}

/** Input `index` of the tflite target. */
export function mutateTflite(seeds: Uint8Array[], seed: number, index: number): Mutated {
  const r = makeRng(seed, 4, index);
  const k = r.int(seeds.length);
  if (r.chance(0.03)) return { bytes: seeds[k] };
  if (r.chance(0.1)) { let b = seeds[k]; for (let j = 1 + r.int(4); j > 0; j--) b = mutateRaw(r, b); return { bytes: b }; }
  const s = specs()[k];
  for (let j = 1 + r.int(4); j > 0; j--) mutateSpec(r, s);
  let bytes: Uint8Array;
  try { bytes = tflite(s.tensors, s.ops, s.inputs, s.outputs); } catch { bytes = seeds[k]; } // (a value the builder cannot write)
  if (r.chance(0.25)) for (let j = 1 + r.int(3); j > 0; j--) bytes = mutateRaw(r, bytes);
  return { bytes };
}

export { importTflite };

// The `tflite` fuzz target: .tflite bytes -> importTflite -> writeBundle -> alloy.load -> run.
//
// Seeds: two small valid models written with the FlatBuffers Builder exactly as
// test/import/tflite.test.ts does (both use test/import/tflite-build.ts): a CNN (PAD, f16
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
import { OP, OPT_TYPE, TYPE, tflite, type Opt, type T, type O } from '../import/tflite-build.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { makeRng, mutateRaw, type Rng, type Mutated } from './mutate.ts';



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

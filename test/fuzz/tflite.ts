// The `tflite` fuzz target: .tflite bytes -> importTflite -> writeBundle -> alloy.load -> run.
//
// Seeds: two small valid models written with the FlatBuffers Builder exactly as
// test/import/tflite.test.ts does (both use test/import/tflite-build.ts): a CNN (PAD, f16
// weights via DEQUANTIZE, CONV_2D with fused RELU6, DEPTHWISE_CONV_2D, ADD, MAX_POOL_2D,
// RESIZE_BILINEAR, LOGISTIC) and a head (MEAN, int8 per-channel FULLY_CONNECTED via DEQUANTIZE,
// HARD_SWISH, MUL, SUB, AVERAGE_POOL_2D, RESHAPE, CONCATENATION, SOFTMAX), and a typed graph
// (int32 indices, GATHER, CAST, STRIDED_SLICE, SUM, ARG_MAX, SELECT_V2: typedSpec).
// Mutations, 1-4 stacked, on the model description before it is built: tensor shapes (0, -1,
// 2^31 - 1, dims added / dropped), types (every TensorType id), buffers (truncated, extended,
// dropped, added to activations, special f32 / f16 values), quantization (scale counts, NaN /
// 0 / negative scales, axis), operator codes (every code the reader names, unknown ones),
// operator inputs / outputs (other indices, -1, out of range), options (values, dropped), graph
// inputs / outputs; then (25%) raw byte mutations of the built FlatBuffer (bit flips, offsets and
// lengths overwritten, truncation, insertion, deletion), never repaired; 10% of the inputs are
// byte-level mutations of a seed alone.
import { OP, OPT_TYPE, TYPE, tflite, cnnSpec, headSpec, typedSpec, type Opt, type T, type O, type Spec } from '../import/tflite-build.ts';
import { importTflite } from '../../src/tools/import/tflite/index.ts';
import { makeRng, mutateRaw, type Rng, type Mutated } from './mutate.ts';



const rnd = (n: number, seed: number, scale = 1) => { const r = makeRng(seed, 97, n); return Float32Array.from({ length: n }, () => ((r.u32() >>> 8) / 2 ** 24 * 2 - 1) * scale); };
function specs(): Spec[] {
  return [cnnSpec(4, 8, 4, rnd), headSpec(6, rnd), typedSpec(rnd)];
}

export function tfliteSeeds(): { name: string; bytes: Uint8Array }[] {
  return specs().map((s, i) => ({ name: ['cnn', 'head', 'typed'][i], bytes: tflite(s.tensors, s.ops, s.inputs, s.outputs) }));
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

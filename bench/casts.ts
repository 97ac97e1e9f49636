// Cast throughput: GB/s of f32 processed (4 bytes per value, both directions), SIMD vs scalar
// reference vs plain JS, in one process, interleaved, medians after a time-based warm-up.
import { _exports, _heap } from './alloy-internal.mjs';
import { warmup } from '../scripts/timing.ts';
import * as js from './js-casts.ts';

export interface Row { cast: string; simd: number; scalar: number; js: number }

export function castBench(n = 1 << 18, warmMs = 3000, rounds = 15): Row[] {
  const x = _exports();
  const src = _heap.alloc(n * 4), dst = _heap.alloc(n * 4), back = _heap.alloc(n * 4), sc = _heap.alloc(n), rows = 256;
  const scales = _heap.alloc(rows * 4);
  // Data: normally distributed-ish values from an integer PRNG (sum of 4 uniforms).
  let s = 12345;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const v = new Float32Array(n).map(() => (next() + next() + next() + next() - 2) * 3);
  _heap.f32(src, n).set(v);
  const rowLen = n / rows;
  x.affine_params(11, src, n, rowLen, 1, scales, 0);
  const jsScales = _heap.f32(scales, rows).slice();
  const j16 = new Uint16Array(n), j8 = new Uint8Array(n), ji8 = new Int8Array(n), jf = new Float32Array(n), jsc = new Uint8Array(n / 32);
  _heap.f32(src, n); // views made fresh below; memory does not grow during the loop
  const cases: { name: string; simd: () => void; scalar: () => void; js: () => void }[] = [
    { name: 'f16 encode', simd: () => x.cvt_f32_fmt__simd128(1, src, dst, n, 0, 0, 0, 0, 0), scalar: () => x.cvt_f32_fmt__scalar(1, src, dst, n, 0, 0, 0, 0, 0), js: () => js.f16EncodeJS(v, j16) },
    { name: 'f16 decode', simd: () => x.cvt_fmt_f32__simd128(1, dst, back, n), scalar: () => x.cvt_fmt_f32__scalar(1, dst, back, n), js: () => js.f16DecodeJS(j16, jf) },
    { name: 'bf16 encode', simd: () => x.cvt_f32_fmt__simd128(2, src, dst, n, 0, 0, 0, 0, 0), scalar: () => x.cvt_f32_fmt__scalar(2, src, dst, n, 0, 0, 0, 0, 0), js: () => js.bf16EncodeJS(v, j16) },
    { name: 'bf16 decode', simd: () => x.cvt_fmt_f32__simd128(2, dst, back, n), scalar: () => x.cvt_fmt_f32__scalar(2, dst, back, n), js: () => js.bf16DecodeJS(j16, jf) },
    { name: 'f8_e4m3fn encode', simd: () => x.cvt_f32_fmt__simd128(3, src, dst, n, 0, 0, 0, 0, 0), scalar: () => x.cvt_f32_fmt__scalar(3, src, dst, n, 0, 0, 0, 0, 0), js: () => js.e4m3EncodeJS(v, j8) },
    { name: 'f8_e4m3fn decode', simd: () => x.cvt_fmt_f32__simd128(3, dst, back, n), scalar: () => x.cvt_fmt_f32__scalar(3, dst, back, n), js: () => js.e4m3DecodeJS(j8, jf) },
    { name: 'i8 per-channel encode', simd: () => x.quant_f32_int__simd128(11, src, dst, n, rowLen, scales, 0, 0, 0, 0, 0), scalar: () => x.quant_f32_int__scalar(11, src, dst, n, rowLen, scales, 0, 0, 0, 0, 0), js: () => js.i8EncodeJS(v, ji8, rowLen, jsScales) },
    { name: 'i8 per-channel decode', simd: () => x.dequant_int_f32__simd128(11, dst, back, n, rowLen, scales, 0), scalar: () => x.dequant_int_f32__simd128(11, dst, back, n, rowLen, scales, 0), js: () => js.i8DecodeJS(ji8, jf, rowLen, jsScales) },
    { name: 'mxfp4 encode', simd: () => x.cvt_f32_mx__simd128(20, src, n, sc, dst, 0, 0, 0, 0, 0), scalar: () => x.cvt_f32_mx__scalar(20, src, n, sc, dst, 0, 0, 0, 0, 0), js: () => js.mxfp4EncodeJS(v, jsc, j8) },
    { name: 'mxfp4 decode', simd: () => x.cvt_mx_f32__lut(20, sc, dst, back, n), scalar: () => x.cvt_mx_f32__lut(20, sc, dst, back, n), js: () => js.mxfp4DecodeJS(jsc, j8, jf) },
  ];
  const fns = cases.flatMap((c) => [c.simd, c.scalar, c.js]);
  warmup(() => { for (const f of fns) f(); }, warmMs);
  const t = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((f, i) => { const t0 = performance.now(); f(); t[i].push(performance.now() - t0); });
  }
  const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
  const gbs = (ms: number) => (n * 4) / (ms * 1e6);
  for (const p of [src, dst, back, sc, scales]) _heap.free(p);
  return cases.map((c, i) => ({ cast: c.name, simd: gbs(med(t[3 * i])), scalar: gbs(med(t[3 * i + 1])), js: gbs(med(t[3 * i + 2])) }));
}

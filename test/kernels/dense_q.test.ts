// Quantized-weight dense (weight-only) and w8a8: SIMD == scalar reference bit for bit at sizes
// around the 8-column panel and the 4-row tile, for every weight format; values checked in f64.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const rand = (n: number, seed: number, a = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a); };
const Ms = [1, 3, 4, 5];
const Ks = [1, 7, 32, 33, 64, 70];
const Ns = [1, 7, 8, 9, 17, 33];

const FLOAT_W = ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2', 'f8_e3m4', 'f6_e2m3fn', 'f4_e2m1fn', 'mxfp8_e4m3', 'mxfp4_e2m1', 'mxint8', 'mxfp6_e3m2'];
const INT_W = ['i8', 'u8', 'i4'];

function sameBits(a: Float32Array, b: Float32Array, what: string) {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) assert.unreachable(`${what}: output ${i}: simd ${a[i]} ref ${b[i]}`);
}

/** Row-major weight codes (+ scales / zero points) for a format, and their exact f64 values. */
function weights(a: any, fmt: string, N: number, K: number, seed: number, group: number, symmetric = fmt !== 'u8') {
  const f = a.format(fmt);
  const v = rand(N * K, seed, 2);
  if (f.kind === 'int') {
    const q = a.quantizeAffine(fmt, v, { groupSize: group, symmetric });
    // one group per (row, block): groups never cross rows because group divides K or equals K
    const codes = fmt === 'u8' ? new Uint8Array(q.codes.buffer) : new Uint8Array(q.codes.buffer);
    return { codes, scales: q.scales, zps: q.zeroPoints, mx: null as Uint8Array | null };
  }
  if (f.kind === 'mx') {
    // MX blocks run along each row: quantize row by row
    const nb = Math.ceil(K / 32);
    const codes = new Uint8Array(N * K), scales = new Uint8Array(N * nb);
    for (let n = 0; n < N; n++) {
      const r = a.quantizeMX(fmt, v.subarray(n * K, (n + 1) * K));
      codes.set(r.elements, n * K); scales.set(r.scales, n * nb);
    }
    return { codes, scales: null, zps: null, mx: scales };
  }
  return { codes: a.encode(fmt, v), scales: null, zps: null, mx: null };
}

test('the size functions saturate at 2^31 - 1 instead of wrapping (the host refuses them as blocks)', async () => {
  const a = await getAlloy(), x = wasm();
  assert.is(x.packed_wq_params_bytes(1, 2 ** 26 + 1, 1), 2 ** 31 - 1);  // wrapped to 64 before
  assert.is(x.packed_f32_bytes(1, 2 ** 26), 2 ** 31 - 1);
  assert.is(x.packed_q_bytes(a.format('f16').id, 2 ** 20, 2 ** 12), 2 ** 31 - 1);
  assert.is(x.packed_w8a8_bytes(2 ** 16, 2 ** 16), 2 ** 31 - 1);
  assert.is(x.packed_f32_bytes(9, 3), 16 * 3 * 4);                      // small sizes unchanged
  assert.is(x.packed_wq_params_bytes(9, 64, 16), 2 * 16 * 4 * 4);
  assert.is(x.packed_w8a8_bytes(9, 5), 2 * 3 * 16);
  assert.throws(() => heap.checkBlock(2 ** 31 - 1), /LIMIT_EXCEEDED/);
});

// i8 / i4 also asymmetric: non-zero signed zero points, which the symmetric variants never reach
const VARIANTS: [string, boolean][] = [...[...FLOAT_W, ...INT_W].map((f): [string, boolean] => [f, f !== 'u8']), ['i8', false], ['i4', false]];
for (const [fmt, symmetric] of VARIANTS) {
  test(`${INT_W.includes(fmt) ? 'pack_wq_params + gemm_int_f32_f32__simd128_4x8' : 'gemm_any_f32_f32__simd128_4x8'} ${fmt}${symmetric || fmt === 'u8' ? '' : ' asymmetric'}: SIMD == reference bitwise, ${Ms.length * Ks.length * Ns.length} shapes x 2 activations`, async () => {
    const a = await getAlloy();
    const x = wasm();
    const f = a.format(fmt);
    let seed = 100, withZp = 0;
    for (const M of Ms) for (const K of Ks) for (const N of Ns) for (const act of [0, 1]) {
      const group = f.kind === 'int' && K % 32 === 0 && K > 32 ? 32 : K;
      const W = weights(a, fmt, N, K, seed++, group, symmetric);
      if (W.zps?.some((z: number) => z !== 0)) withZp++;
      const xs = rand(M * K, seed++), bs = rand(N, seed++);
      const cw = f.bits > 8 ? 2 : 1;
      const pw = heap.put(W.codes), px = heap.put(xs), pb = heap.put(bs);
      const ps = W.scales ? heap.put(W.scales) : W.mx ? heap.put(W.mx) : 0;
      const pz = W.zps ? heap.put(W.zps) : 0;
      const pp = heap.alloc(x.packed_q_bytes(f.id, N, K));
      x.pack_w_q(f.id, pw, N, K, pp);
      const y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4);
      x.gemm_any_f32_f32__scalar(px, M, K, pw, f.id, ps, pz, group, pb, N, y2, act);
      if (f.kind !== 'int') {
        x.gemm_any_f32_f32__simd128_4x8(px, M, K, pp, f.id, ps, pb, N, y1, act);
        sameBits(heap.f32(y1, M * N), heap.f32(y2, M * N), `${fmt} M=${M} K=${K} N=${N} act=${act}`);
      } else {
        // scales and zero points packed once (pack_wq_params), then gemm_int_f32_f32__simd128_4x8
        const pp2 = heap.alloc(x.packed_wq_params_bytes(N, K, group));
        x.pack_wq_params(ps, pz, N, K, group, pp2);
        x.gemm_int_f32_f32__simd128_4x8(px, M, K, pp, f.id, pp2, group, pz ? 1 : 0, pb, N, y1, act);
        sameBits(heap.f32(y1, M * N), heap.f32(y2, M * N), `${fmt} gemm_int_f32_f32__simd128_4x8 M=${M} K=${K} N=${N} act=${act}`);
        if (symmetric) {
          // symmetric weights passed without their (all-zero) zero points: the no-subtraction path
          const pp3 = heap.alloc(x.packed_wq_params_bytes(N, K, group));
          x.pack_wq_params(ps, 0, N, K, group, pp3);
          heap.f32(y1, M * N).fill(NaN);
          x.gemm_int_f32_f32__simd128_4x8(px, M, K, pp, f.id, pp3, group, 0, pb, N, y1, act);
          sameBits(heap.f32(y1, M * N), heap.f32(y2, M * N), `${fmt} gemm_int_f32_f32__simd128_4x8 without zero points M=${M} K=${K} N=${N} act=${act}`);
          heap.free(pp3);
        }
        heap.free(pp2);
      }
      // f64 check: weights as the format's exact values
      const wv = f.kind === 'int' ? a.dequantizeAffine(fmt, { codes: fmt === 'u8' ? W.codes : new Int8Array(W.codes.buffer), scales: W.scales, zeroPoints: W.zps, groupSize: group })
        : f.kind === 'mx' ? Float32Array.from({ length: N * K }, (_, i) => a.dequantizeMX(fmt, { scales: W.mx!.subarray(Math.floor(i / K) * Math.ceil(K / 32), Math.floor(i / K) * Math.ceil(K / 32) + Math.ceil(K / 32)), elements: W.codes.subarray(Math.floor(i / K) * K, Math.floor(i / K) * K + K) })[i % K])
        : a.decode(fmt, W.codes);
      const out = heap.f32(y1, M * N);
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
        let s = bs[n], abs = Math.abs(bs[n]);
        for (let k = 0; k < K; k++) { s += xs[m * K + k] * wv[n * K + k]; abs += Math.abs(xs[m * K + k] * wv[n * K + k]); }
        if (act) s = Math.max(s, 0);
        // affine: the scale is applied after the sum and dequantized weights carry one rounding each
        const bound = (K + 3) * 2 ** -23 * abs + 1e-30;
        if (!(Math.abs(out[m * N + n] - s) <= bound)) assert.unreachable(`${fmt} M=${M} K=${K} N=${N}: ${out[m * N + n]} vs f64 ${s}`);
      }
      for (const p of [pw, px, pb, ps, pz, pp, y1, y2]) heap.free(p);
    }
    // the zero-point subtraction was exercised where the variant has zero points
    if (f.kind === 'int' && !symmetric) assert.ok(withZp > 100, `${fmt}: ${withZp} shapes with a non-zero zero point`);
  });
}

test('gemm_any_f32_f32__simd128_4x8 float formats equal gemm_f32_f32_f32__simd128_5x8 on the decoded weights (the definition)', async () => {
  const a = await getAlloy();
  const x = wasm();
  const M = 5, K = 33, N = 17;
  const v = rand(N * K, 7), xs = rand(M * K, 8);
  const codes = a.encode('f8_e4m3fn', v), dec = a.decode('f8_e4m3fn', codes);
  const pw = heap.put(codes), pd = heap.put(dec), px = heap.put(xs);
  const pq = heap.alloc(x.packed_q_bytes(3, N, K)), pf = heap.alloc(x.packed_f32_bytes(N, K));
  x.pack_w_q(3, pw, N, K, pq); x.pack_w_f32(pd, N, K, pf);
  const y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4);
  x.gemm_any_f32_f32__simd128_4x8(px, M, K, pq, 3, 0, 0, N, y1, 0);
  x.gemm_f32_f32_f32__simd128_5x8(px, M, K, pf, 0, N, y2, 0);
  sameBits(heap.f32(y1, M * N), heap.f32(y2, M * N), 'e4m3 vs f32 on decoded');
  for (const p of [pw, pd, px, pq, pf, y1, y2]) heap.free(p);
});

test('w8a8: SIMD == reference bitwise; close to f64 within the quantization error', async () => {
  const a = await getAlloy();
  const x = wasm();
  let seed = 900;
  for (const M of [1, 3, 4, 5, 9]) for (const K of [1, 2, 7, 16, 33, 100]) for (const N of [1, 7, 8, 9, 17]) for (const act of [0, 1]) {
    const wv = rand(N * K, seed++), xs = rand(M * K, seed++), bs = rand(N, seed++);
    const q = a.quantizeAffine('i8', wv, { groupSize: K });
    const K2 = (K + 1) >> 1;
    const pw = heap.put(q.codes), psw = heap.put(q.scales), px = heap.put(xs), pb = heap.put(bs);
    const pxq = heap.alloc(M * K2 * 4), psx = heap.alloc(M * 4), ptmp = heap.alloc(M * K);
    x.quant_rows_f32_i8__simd128(px, M, K, pxq, psx, ptmp);
    const pp = heap.alloc(x.packed_w8a8_bytes(N, K));
    x.pack_w_i8_k2(pw, N, K, pp);
    const y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4);
    x.gemm_i8_i8_i32__simd128_4x8(pxq, psx, M, K, pp, psw, pb, N, y1, act);
    x.gemm_i8_i8_i32__scalar(pxq, psx, M, K, pw, psw, pb, N, y2, act);
    sameBits(heap.f32(y1, M * N), heap.f32(y2, M * N), `w8a8 M=${M} K=${K} N=${N}`);
    const out = heap.f32(y1, M * N), sx = heap.f32(psx, M);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let s = bs[n], err = 0;
      for (let k = 0; k < K; k++) { s += xs[m * K + k] * wv[n * K + k]; err += (Math.abs(xs[m * K + k]) * q.scales[n] + Math.abs(wv[n * K + k]) * sx[m]) / 2 + sx[m] * q.scales[n] / 4; }
      if (act) s = Math.max(s, 0);
      if (!(Math.abs(out[m * N + n] - s) <= err + 1e-6)) assert.unreachable(`w8a8 M=${M} K=${K} N=${N}: ${out[m * N + n]} vs ${s} (bound ${err})`);
    }
    for (const p of [pw, psw, px, pb, pxq, psx, ptmp, pp, y1, y2]) heap.free(p);
  }
});



test('fused decode kernels (gemm_fused_f32_f32__simd128_4x8) == gemm_any_f32_f32__scalar bitwise, incl. subnormal weights and -0 bias', async () => {
  const a = await getAlloy();
  const x = wasm();
  let seed = 5000;
  // i8 three ways: symmetric with a zero-point tensor of zeros, symmetric without one (the kernel's
  // no-subtraction path) and asymmetric (non-zero zero points)
  for (const variant of ['f16', 'bf16', 'f8_e5m2', 'f8_e4m3fn', 'i8', 'i8 no zero points', 'i8 asymmetric', 'u8']) {
    const fmt = variant.split(' ')[0];
    const f = a.format(fmt);
    for (const M of [1, 2, 3, 4, 5, 8, 9]) for (const K of [1, 7, 33]) for (const N of [1, 7, 8, 9, 31, 32, 33, 40]) for (const act of [0, 1]) {
      const scaleW = fmt === 'f16' ? 2 ** -14 : 1;   // f16: many subnormal weights
      const W = weights(a, fmt, N, K, seed++, K);
      if (fmt === 'f16') { const v = rand(N * K, seed++, scaleW); W.codes = a.encode('f16', v) as any; }
      if (variant === 'i8 asymmetric') {
        const q = a.quantizeAffine('i8', rand(N * K, seed++, 2).map((v) => v + 0.75), { groupSize: K, symmetric: false });
        Object.assign(W, { codes: new Uint8Array(q.codes.buffer), scales: q.scales, zps: q.zeroPoints });
        if (N * K > 8) assert.ok(q.zeroPoints.some((z: number) => z !== 0), 'asymmetric case has non-zero zero points');
      }
      if (variant === 'i8 no zero points') W.zps = null;
      const xs = rand(M * K, seed++, 4), bs = rand(N, seed++);
      bs[0] = -0;
      const pw = heap.put(W.codes), px = heap.put(xs), pb = heap.put(bs);
      const ps = W.scales ? heap.put(W.scales) : 0, pz = W.zps ? heap.put(W.zps) : 0;
      assert.is(x.weights_fusable(f.id, pw, N * K, K, K), 1, `${fmt} fusable`);
      const pp = heap.alloc(x.packed_q_bytes(f.id, N, K));
      x.pack_w_q(f.id, pw, N, K, pp);
      const y1 = heap.alloc(M * N * 4), y2 = heap.alloc(M * N * 4);
      x.gemm_fused_f32_f32__simd128_4x8(px, M, K, pp, f.id, ps, pz, pb, N, y1, act);
      x.gemm_any_f32_f32__scalar(px, M, K, pw, f.id, ps, pz, K, pb, N, y2, act);
      sameBits(heap.f32(y1, M * N), heap.f32(y2, M * N), `gemm_fused_f32_f32__simd128_4x8 ${variant} M=${M} K=${K} N=${N} act=${act}`);
      for (const p of [pw, px, pb, ps, pz, pp, y1, y2]) heap.free(p);
    }
  }
});

test('weights_fusable refuses inf / NaN codes and per-group integer weights', async () => {
  await getAlloy();
  const x = wasm();
  const p16 = heap.put(new Uint16Array([0x3c00, 0x7c00])), p8 = heap.put(new Uint8Array([0x38, 0x7f])), p5 = heap.put(new Uint8Array([0x3c, 0xfd]));
  assert.is(x.weights_fusable(1, p16, 2, 2, 2), 0);
  assert.is(x.weights_fusable(1, p16, 1, 1, 1), 1);
  assert.is(x.weights_fusable(3, p8, 2, 2, 2), 0);
  assert.is(x.weights_fusable(4, p5, 2, 2, 2), 0);
  assert.is(x.weights_fusable(11, p8, 2, 1, 2), 0);
  for (const p of [p16, p8, p5]) heap.free(p);
});
test.run();

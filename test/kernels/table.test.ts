// Every row of the kernel table (src/runtime/kernels.ts) against its scalar reference, bit for
// bit, at sizes equal to, divisible by, less than and greater than its tile (docs/ARCHITECTURE.md rule 7). A
// case runs a kernel on inputs of size n and returns its output bytes; the test runs the row's
// kernel and its reference on the same inputs. A row without a case here names the suite that
// sweeps its tile sizes (ELSEWHERE); a row in neither fails the test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { KERNELS, row, isReference } from '../../build/alloy-internal.mjs';

type Run = (kernel: string, n: number) => Uint8Array;

function rand(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -21);
}
const x = () => wasm() as any;
/** Output bytes of f(ptrs..., y), the inputs copied in, y `bytes` long (16 spare bytes each). */
function call(inputs: ArrayBufferView[], bytes: number, f: (p: number[], y: number) => void): Uint8Array {
  const ps = inputs.map((a) => heap.put(a as any));
  const y = heap.alloc(bytes + 16);
  try { f(ps, y); return heap.u8(y, bytes).slice(); } finally { for (const p of [...ps, y]) heap.free(p); }
}
const unary = (seed: number): Run => (k, n) => call([rand(n, seed)], n * 4, ([a], y) => x()[k](a, y, n));
const fmt = (name: string) => ({ f16: 1, bf16: 2, f8_e4m3fn: 3, i8: 11, u8: 12, mxfp8_e4m3: 16 } as Record<string, number>)[name];

/** GEMM-like rows: M x N outputs over K (weights packed by the row's packer, plain for a reference). */
function gemm(M: number, N: number, K: number, k: string): Uint8Array {
  const r = row(k), X = x();
  const xs = rand(M * K, 1), ws = rand(N * K, 2), bs = rand(N, 3);
  return call([xs, ws, bs], M * N * 4, ([px, pw, pb], y) => {
    let w = pw;
    if (r.packer === 'pack_w_f32') { w = heap.alloc(X.packed_f32_bytes(N, K)); X.pack_w_f32(pw, N, K, w); }
    if (r.acc === 'emu') X[k](px, M, K, w, pb, N, y, 1, fmt('bf16'), 0);
    else if (k.includes('panels')) X[k](px, M, K, w, pb, N, y, 1, 0, Math.ceil(N / 8));
    else X[k](px, M, K, w, pb, N, y, 1);
    if (w !== pw) heap.free(w);
  });
}

const CASES: Record<string, { sizes: (t: number[]) => number[][]; run: (k: string, ...d: number[]) => Uint8Array }> = {};
const tileSizes = (t: number) => [t, 2 * t, Math.max(1, t - 1), t + 1];
const GEMM = { sizes: (t: number[]) => tileSizes(t[0]).flatMap((m) => tileSizes(t[1]).map((n) => [m, n])), run: (k: string, m: number, n: number) => gemm(m, n, 37, k) };
for (const k of ['gemm_f32_f32_f32__simd128_5x8', 'gemm_f32_f32_f32__simd128_5x8_panels', 'gemm_f32_f32_emu__simd128_4x8', 'conv1x1_f32_f32_f32__simd128_4x8']) CASES[k] = GEMM;
const VEC = (run: Run) => ({ sizes: (t: number[]) => tileSizes(t[0] ?? 4).map((n) => [n]), run: (k: string, n: number) => run(k, n) });
for (const k of ['vrelu_f32__simd128', 'vrelu6_f32__simd128', 'vhswish_f32__simd128']) CASES[k] = VEC(unary(7));
CASES.vclamp_f32__simd128 = VEC((k, n) => call([rand(n, 8)], n * 4, ([a], y) => x()[k](a, y, n, -0.25, 0.5)));
CASES.vlrelu_f32__simd128 = VEC((k, n) => call([rand(n, 9)], n * 4, ([a], y) => x()[k](a, y, n, 0.1)));
CASES.vbinary_f32__simd128 = VEC((k, n) => {
  const out = [];
  for (let op = 0; op < 4; op++) out.push(...call([rand(n, 10), rand(n, 11)], n * 4, ([a, b], y) => x()[k](a, b, y, n, n, op, 0)));
  return new Uint8Array(out);
});
CASES.vprelu_f32__simd128 = VEC((k, n) => call([rand(4 * n, 12), rand(n, 13)], 16 * n, ([a, s], y) => x()[k](a, s, y, 4 * n, n)));
CASES.batchnorm_f32__simd128 = VEC((k, n) => call([rand(3 * n, 14), rand(n, 15), rand(n, 16)], 12 * n, ([a, s, b], y) => x()[k](a, s, b, y, 3 * n, n)));
CASES.layernorm_f32__simd128 = VEC((k, n) => call([rand(3 * n, 17), rand(n, 18), rand(n, 19)], 12 * n, ([a, g, b], y) => x()[k](a, g, b, y, 3, n, 1e-5)));
CASES.concat_x32__memcpy = VEC((k, n) => call([rand(3 * n * 2, 20)], 3 * (n + 2) * 2 * 4, ([a], y) => x()[k](a, y, 3, 2, n, n + 2, 1)));
CASES.resize_nearest_x32__memcpy = VEC((k, n) => call([rand(2 * 3 * n * 5, 21)], 2 * 5 * (2 * n + 1) * 5 * 4, ([a], y) => x()[k](a, 2, 3, n, 5, y, 5, 2 * n + 1, 0, 0)));
CASES.resize_bilinear_f32__simd128 = VEC((k, n) => call([rand(2 * 3 * 4 * n, 22)], 2 * 5 * 7 * n * 4, ([a], y) => x()[k](a, 2, 3, 4, n, y, 5, 7, 1)));
CASES.im2col_x32__simd128 = VEC((k, n) => {
  // 3x3 window, stride 2, pad 1 over a 5x6 image of n channels: rows of 9 n floats
  const OH = 3, OW = 3, P = 2 * OH * OW;
  return call([rand(2 * 5 * 6 * n, 23)], P * 9 * n * 4, ([a], y) => x()[k](a, 2, 5, 6, n, 3, 3, 2, 2, 1, 1, 1, 1, OH, OW, 0, P, y));
});
CASES.dequant_int_f32__simd128 = VEC((k, n) => {
  const out = [];
  for (const f of ['i8', 'u8']) {
    const r = rng(24), codes = new Uint8Array(3 * n).map(() => r() & 255);
    out.push(...call([codes, new Float32Array([0.5, 0.25, 2]), new Int32Array([3, -7, 0])], 12 * n, ([c, s, z], y) => x()[k](fmt(f), c, y, 3 * n, n, s, z)));
  }
  return new Uint8Array(out);
});
CASES.quant_f32_int__simd128 = VEC((k, n) => call([rand(3 * n, 25), new Float32Array([0.01, 0.02, 0.005]), new Int32Array([3, -7, 0])], 3 * n, ([v, s, z], y) => x()[k](fmt('i8'), v, y, 3 * n, n, s, z, 0, 0, 0, 0)));
CASES.quant_rows_f32_i8__simd128 = VEC((k, n) => {
  const M = 3, K2 = (n + 1) >> 1, bytes = M * K2 * 4;
  return call([rand(M * n, 26)], bytes + M * 4 + M * n, ([a], y) => x()[k](a, M, n, y, y + bytes, y + bytes + M * 4));
});
CASES.cvt_fmt_f32__simd128 = VEC((k, n) => {
  const out = [];
  for (const f of ['f16', 'bf16']) { const r = rng(27); out.push(...call([new Uint16Array(n).map(() => r() & 0xffff)], 4 * n, ([c], y) => x()[k](fmt(f), c, y, n))); }
  const r = rng(28);
  out.push(...call([new Uint8Array(n).map(() => r() & 255)], 4 * n, ([c], y) => x()[k](fmt('f8_e4m3fn'), c, y, n)));
  return new Uint8Array(out);
});
CASES.cvt_f32_fmt__simd128 = VEC((k, n) => call([rand(n, 29)], 2 * n, ([v], y) => x()[k](fmt('f16'), v, y, n, 0, 0, 0, 0, 0)));
CASES.round_f32_fmt__simd128 = VEC((k, n) => call([rand(n, 30)], 4 * n, ([v], y) => x()[k](fmt('bf16'), v, y, n, 0, 0)));
CASES.cvt_mx_f32__lut = VEC((k, n) => {
  const r = rng(31), blocks = Math.ceil(n / 32);
  return call([new Uint8Array(blocks).map((_, i) => (i === 1 ? 0xff : 120 + (r() & 7))), new Uint8Array(n).map(() => r() & 255)], 4 * n, ([s, e], y) => x()[k](fmt('mxfp8_e4m3'), s, e, y, n));
});

// Rows whose tile sweeps (and SIMD == reference comparisons) live in their own suites: the
// argument lists are long (geometry, formats, quantization parameters).
const ELSEWHERE: Record<string, string> = {
  conv2d_f32_f32_f32__simd128_16x1: 'test/kernels/conv.test.ts', conv2d_f32_f32_f32__simd128_4x8: 'test/kernels/conv.test.ts',
  dwconv_f32_f32_f32__simd128_4x4: 'test/kernels/depthwise.test.ts', dwconv_f32_f32_emu__simd128_4: 'test/emulate/conv_acc.test.ts',
  gemm_f32_f32_emu_recompute__simd128_4x8: 'test/emulate/recompute.test.ts', gemm_i8_i8_i32__simd128_4x8: 'test/kernels/dense_q.test.ts',
  gemm_fused_f32_f32__simd128_4x8: 'test/kernels/dense_q.test.ts', gemm_any_f32_f32__simd128_4x8: 'test/kernels/dense_q.test.ts',
  gemm_int_f32_f32__simd128_4x8: 'test/kernels/dense_q.test.ts', maxpool_f32__simd128: 'test/kernels/pool.test.ts',
  avgpool_f32__simd128: 'test/kernels/pool.test.ts', gavgpool_f32__simd128: 'test/kernels/pool.test.ts',
  transpose_x32__simd128_4x4: 'test/kernels/shape.test.ts', pad_x32__simd128: 'test/kernels/shape.test.ts',
  cvt_f32_mx__simd128: 'test/formats/mx.test.ts', vbinary_nd_any__simd128: 'test/nd/binary.test.ts',
  reduce_nd_any__simd128: 'test/nd/reduce.test.ts',
  // optimizers and transforms: SIMD == scalar at 1, tile - 1, tile, tile + 1 and primes
  adagrad_any__simd128: 'test/nd/loss.test.ts', adam_any__simd128: 'test/nd/loss.test.ts', momentum_any__simd128: 'test/nd/loss.test.ts',
  dft_any__simd128: 'test/nd/fft.test.ts', stft_any__simd128: 'test/nd/fft.test.ts',
  gather_any__memcpy: 'test/nd/index.test.ts', gather_nd_any__memcpy: 'test/nd/index.test.ts', trilu_any__memcpy: 'test/nd/index.test.ts',
  // data movement on typed N-d tensors: element sizes 1-8, ranks 0-6, awkward sizes
  ...Object.fromEntries(['transpose', 'slice', 'expand', 'tile', 'pad', 'where'].map((k) => [`${k}_nd_any__simd128`, 'test/nd/move.test.ts'])),
  concat_nd_any__memcpy: 'test/nd/move.test.ts', cast_any__simd128: 'test/nd/cast.test.ts',
  matmul_f32_f32_f32__simd128_5x8: 'test/nd/linalg.test.ts', matmul_x8_x8_i32__simd128_4x8: 'test/nd/linalg.test.ts',
  conv_nd_f32_f32_f32__simd128_5x8: 'test/nd/linalg.test.ts', conv_transpose_nd_f32_f32_f32__simd128_5x8: 'test/nd/linalg.test.ts',
  vunary_nd_any__simd128: 'test/nd/unary.test.ts', resize_nd_any__simd128: 'test/nd/resize.test.ts',
  recurrent_f32_f32_f32__simd128_5x8: 'test/nd/recurrent.test.ts', pool_nd_f32__simd128: 'test/nd/pool.test.ts',
};

test('every non-reference row has a case here or names the suite that sweeps it', () => {
  for (const k of KERNELS as any[]) {
    if (isReference(k)) continue;
    assert.ok(CASES[k.name] || ELSEWHERE[k.name], `${k.name}: no SIMD == reference case`);
    if (ELSEWHERE[k.name]) assert.is(ELSEWHERE[k.name], k.test, `${k.name}: its row names ${k.test}`);
  }
});

for (const k of KERNELS as any[]) {
  const c = CASES[k.name];
  if (!c) continue;
  test(`${k.name} == ${k.ref} at tile ${JSON.stringify(k.tile)}: equal, divisible, less, greater`, async () => {
    await getAlloy();
    for (const d of c.sizes(k.tile)) {
      const a = c.run(k.name, ...d), b = c.run(k.ref, ...d);
      assert.ok(a.length > 0, 'no output');
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) assert.unreachable(`${k.name} at ${d}: byte ${i}: ${a[i]} vs ${b[i]}`);
    }
  });
}

test.run();

// dft / stft_any__simd128 and their scalar references, window_any__scalar, mel_weight_matrix_any__scalar.
// 1. DFT: SIMD == scalar bit for bit, and both against a plain O(n^2) float64 DFT, at lengths
//    1, 2, 3, 4, 5, 7, 8, 16, 17, 31, 64 (radix-2 and Bluestein), real and complex input, inverse,
//    cut / zero-padded lines, onesided bin counts, an inner stride; f32 and f64.
// 2. STFT the same way, with and without a window.
// 3. Windows and the mel matrix against the formulas of the ONNX definitions; bad arguments give a status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { WINDOWS } from '../../src/runtime/tables.gen.ts';
import { naiveDft, windowOracle, melOracle } from '../ref/signal.ts';

const X = () => wasm() as any;
const rand = (count: number, seed: number) => { const r = rng(seed); return new Float64Array(count).map(() => ((r() % 2001) - 1000) / 256); };
const typed = (f64: boolean, v: ArrayLike<number>) => (f64 ? Float64Array.from(v) : Float32Array.from(v));
/** Runs f(ptrs..., y, scratch); returns y's values and the status. */
function run(inputs: ArrayBufferView[], count: number, f64: boolean, scratchBytes: number, f: (p: number[], y: number, s: number) => number) {
  const ps = inputs.map((a) => heap.put(a as any)), bytes = count * (f64 ? 8 : 4), y = heap.alloc(bytes + 16), s = heap.alloc(Math.max(16, scratchBytes));
  try {
    heap.u8(y, bytes + 16).fill(0xcd);
    const status = f(ps, y, s);
    const raw = heap.u8(y, bytes + 16).slice();
    assert.ok(raw.subarray(bytes).every((v) => v === 0xcd), 'wrote past the output');
    return { status, raw: raw.subarray(0, bytes), v: f64 ? new Float64Array(raw.buffer, 0, count) : new Float32Array(raw.buffer, 0, count) };
  } finally { for (const p of [...ps, y, s]) heap.free(p); }
}
const close = (got: ArrayLike<number>, want: number[], tol: number, where: string) => {
  assert.is(got.length, want.length, `${where}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${where} [${i}]: ${got[i]} vs ${want[i]}`);
};
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 16, 17, 31, 64];

test('dft_any: SIMD == scalar, and a float64 O(n^2) DFT, radix-2 and Bluestein lengths, real / complex, inverse, cut / padded', async () => {
  await getAlloy();
  for (const f64 of [false, true]) for (const n of LENGTHS) for (const [len, cin, inverse, onesided] of [[n, 1, 0, 0], [n, 2, 0, 0], [n, 2, 1, 0], [n + 3, 1, 0, 1], [Math.max(1, n - 1), 2, 0, 0]]) {
    const outer = 2, inner = 3, outLen = onesided ? Math.floor(n / 2) + 1 : n;
    const x = typed(f64, rand(outer * len * inner * cin, n * 7 + len + cin));
    const sb = X().fft_scratch_bytes(n);
    const res = ['simd128', 'scalar'].map((isa) => run([x], outer * outLen * inner * 2, f64, sb, ([p], y, s) => X()[`dft_any__${isa}`](f64 ? 11 : 1, inverse, y, p, outer, len, inner, cin, n, outLen, s)));
    for (const r of res) assert.is(r.status, 0);
    assert.equal(res[0].raw, res[1].raw, `n ${n} len ${len} cin ${cin} inverse ${inverse}: SIMD != scalar`);
    const want: number[] = new Array(outer * outLen * inner * 2);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const line: number[] = [];
      for (let k = 0; k < n; k++) {
        const e = ((o * len + k) * inner + i) * cin;
        line.push(k < len ? x[e] : 0, k < len && cin === 2 ? x[e + 1] : 0);
      }
      const y = naiveDft(line, n, !!inverse);
      for (let k = 0; k < outLen; k++) { const e = ((o * outLen + k) * inner + i) * 2; want[e] = y[2 * k]; want[e + 1] = y[2 * k + 1]; }
    }
    close(res[1].v, want, f64 ? 1e-11 : 2e-6, `dft f64 ${f64} n ${n} len ${len} cin ${cin} inverse ${inverse} onesided ${onesided}`);
  }
  const st = (args: number[]) => run([new Float32Array(8)], 8, false, 1024, ([p], y, s) => X().dft_any__simd128(args[0], 0, y, p, 1, 4, 1, args[1], args[2], args[3], s)).status;
  assert.is(st([6, 1, 4, 4]), 1, 'dtype');
  assert.is(st([1, 3, 4, 4]), 2, 'cin');
  assert.is(st([1, 1, 0, 0]), 2, 'n 0');
  assert.is(st([1, 1, 4, 5]), 2, 'outLen > n');
  assert.is(X().fft_scratch_bytes(0), 0);
  assert.is(X().fft_scratch_bytes(2 ** 24 + 1), 0);
});

test('stft_any: SIMD == scalar, and framed float64 DFTs, with and without a window, onesided bins', async () => {
  await getAlloy();
  for (const f64 of [false, true]) for (const [sig, step, fl, cin, win, onesided] of [[32, 4, 8, 1, true, 1], [37, 5, 7, 2, false, 0], [16, 16, 16, 1, true, 1], [20, 3, 1, 1, false, 0], [50, 7, 13, 2, true, 0]] as [number, number, number, number, boolean, number][]) {
    const batch = 2, frames = Math.floor((sig - fl) / step) + 1, bins = onesided ? Math.floor(fl / 2) + 1 : fl;
    const x = typed(f64, rand(batch * sig * cin, sig + fl)), w = typed(f64, rand(fl, fl + 1));
    const sb = X().fft_scratch_bytes(fl);
    const res = ['simd128', 'scalar'].map((isa) => run([x, w], batch * frames * bins * 2, f64, sb, ([p, pw], y, s) => X()[`stft_any__${isa}`](f64 ? 11 : 1, y, p, win ? pw : 0, batch, sig, cin, step, fl, frames, bins, s)));
    for (const r of res) assert.is(r.status, 0);
    assert.equal(res[0].raw, res[1].raw, `stft ${[sig, step, fl, cin]}: SIMD != scalar`);
    const want: number[] = [];
    for (let b = 0; b < batch; b++) for (let f = 0; f < frames; f++) {
      const line: number[] = [];
      for (let k = 0; k < fl; k++) { const e = (b * sig + f * step + k) * cin, wk = win ? w[k] : 1; line.push(x[e] * wk, cin === 2 ? x[e + 1] * wk : 0); }
      want.push(...naiveDft(line, fl).slice(0, 2 * bins));
    }
    close(res[1].v, want, f64 ? 1e-11 : 2e-6, `stft f64 ${f64} ${[sig, step, fl, cin, win]}`);
  }
  const st = (frames: number, step: number) => run([new Float32Array(16)], 64, false, 1024, ([p], y, s) => X().stft_any__simd128(1, y, p, 0, 1, 16, 1, step, 8, frames, 5, s)).status;
  assert.is(st(3, 4), 0);
  assert.is(st(4, 4), 2, 'a frame past the signal');
  assert.is(st(1, 0), 2, 'step 0');
});

test('window_any__scalar: Hann, Hamming, Blackman, periodic and symmetric, f32 / f64; mel_weight_matrix_any__scalar', async () => {
  await getAlloy();
  for (const [k, name] of WINDOWS.entries()) for (const size of [0, 1, 2, 3, 10, 17]) for (const periodic of [0, 1]) for (const f64 of [false, true]) {
    const got = run([], size, f64, 16, (_p, y) => X().window_any__scalar(f64 ? 11 : 1, k, y, size, periodic));
    assert.is(got.status, 0);
    close(got.v, windowOracle(`${name[0].toUpperCase()}${name.slice(1)}Window`, size, !!periodic), f64 ? 1e-15 : 1e-7, `${name} ${size} periodic ${periodic}`);
  }
  assert.is(run([], 4, false, 16, (_p, y) => X().window_any__scalar(1, 3, y, 4, 1)).status, 1);
  assert.is(run([], 4, false, 16, (_p, y) => X().window_any__scalar(1, 0, y, -1, 1)).status, 2);

  for (const [M, dft, rate, lo, hi] of [[8, 16, 8192, 0, 4096], [5, 64, 16000, 100, 7000], [1, 9, 100, 10, 40], [12, 255, 22050, 20, 11000]]) for (const f64 of [false, true]) {
    const bins = Math.floor(dft / 2) + 1;
    const got = run([typed(f64, [lo]), typed(f64, [hi])], bins * M, f64, 16, ([pl, ph], y) => X().mel_weight_matrix_any__scalar(f64 ? 11 : 1, y, M, dft, rate, pl, ph, f64 ? 11 : 1));
    assert.is(got.status, 0);
    close(got.v, melOracle(M, dft, rate, lo, hi), 1e-7, `mel ${[M, dft, rate, lo, hi]}`);
  }
  const mst = (hi: number, M = 4) => run([new Float32Array([0]), new Float32Array([hi])], 9 * Math.max(M, 0), false, 16, ([pl, ph], y) => X().mel_weight_matrix_any__scalar(1, y, M, 16, 8000, pl, ph, 1)).status;
  assert.is(mst(8000), 3, 'upper edge past sample_rate / 2');
  assert.is(mst(4000, -1), 2);
});

test.run();

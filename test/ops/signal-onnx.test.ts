// The signal ops through the ONNX importer (src/tools/import/onnx/ops/signal.ts) and the runtime
// builders (src/runtime/ops/signal.ts), opset 17: DFT (real / complex, axis, inverse, onesided,
// dft_length cutting or padding, given as a constant or fed), STFT (window, frame_length),
// Hann / Hamming / Blackman windows (size fed at run time, periodic / symmetric, f64 output),
// MelWeightMatrix (an edge fed); against plain-JS float64 oracles of the definitions; the refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, importModel, runAlloy, type Spec } from '../import/onnx-helpers.ts';
import { rng } from '../util.ts';
import { naiveDft, windowOracle, WINDOW_FORMULAS, melOracle } from '../ref/signal.ts';

const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
const rand = (count: number, seed: number) => { const r = rng(seed); return Float32Array.from({ length: count }, () => ((r() % 2001) - 1000) / 250); };
const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${what} [${i}]: ${got[i]} vs ${want[i]}`);
};
const fails = async (f: () => Promise<unknown>, code: string, re: RegExp) => {
  try { await f(); } catch (e: any) { assert.is(e.code, code, e.message); assert.match(e.message, re); return; }
  assert.unreachable(`expected ${code}`);
};
const run = (spec: Spec, feeds: Record<string, any>) => runAlloy(buildModel(spec), feeds).then((r) => r.out as Record<string, { data: any; shape: number[] }>);
const i64 = (name: string, v: number) => ({ name, shape: [], data: [v], type: 'int64' as const });
test('DFT: axis 1 / 2, real and complex, inverse, onesided, dft_length cutting and padding (a constant or fed)', async () => {
  for (const [shape, axis, inverse, onesided, len] of [[[2, 8, 3, 1], 1, 0, 0, undefined], [[1, 5, 4, 2], 2, 1, 0, undefined], [[2, 6, 1], 1, 0, 1, 9], [[3, 12, 2], 1, 0, 0, 7], [[1, 7, 3, 2], -3, 0, 0, 10]] as [number[], number, number, number, number | undefined][]) {
    for (const fed of len === undefined ? [false] : [false, true]) {
      const r = shape.length, a = axis < 0 ? axis + r : axis, cin = shape[r - 1], N = len ?? shape[a], outLen = onesided ? Math.floor(N / 2) + 1 : N;
      const x = rand(n(shape), N * 3 + a);
      const spec: Spec = {
        opset: 17,
        inputs: [{ name: 'x', shape }, ...(fed ? [{ name: 'L', shape: [], type: 'int64' } as const] : [])],
        inits: len !== undefined && !fed ? [i64('L', len)] : [],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'DFT', inputs: len === undefined ? ['x'] : ['x', 'L'], outputs: ['y'], attrs: { axis, inverse, onesided } }],
      };
      const out = await run(spec, { x: { data: x, shape }, ...(fed ? { L: { data: new BigInt64Array([BigInt(len!)]), shape: [] } } : {}) });
      const yShape = [...shape.slice(0, a), outLen, ...shape.slice(a + 1, -1), 2];
      assert.equal(out.y.shape, yShape);
      const outer = n(shape.slice(0, a)), inner = n(shape.slice(a + 1, -1)), want: number[] = new Array(n(yShape));
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        const line: number[] = [];
        for (let k = 0; k < N; k++) { const e = ((o * shape[a] + k) * inner + i) * cin, on = k < shape[a]; line.push(on ? x[e] : 0, on && cin === 2 ? x[e + 1] : 0); }
        const y = naiveDft(line, N, !!inverse);
        for (let k = 0; k < outLen; k++) { const e = ((o * outLen + k) * inner + i) * 2; want[e] = y[2 * k]; want[e + 1] = y[2 * k + 1]; }
      }
      close(out.y.data, want, 1e-5, `DFT ${JSON.stringify(shape)} axis ${axis} inverse ${inverse} onesided ${onesided} len ${len} fed ${fed}`);
    }
  }
});

test('DFT from opset 20: the axis as input 2 (a constant), or by default -2', async () => {
  const shape = [1, 3, 5, 1], x = rand(15, 99);
  for (const axis of [undefined, 1]) {
    const spec: Spec = {
      opset: 20, inputs: [{ name: 'x', shape }], outputs: [{ name: 'y' }], inits: axis === undefined ? [] : [i64('a', axis)],
      nodes: [{ op: 'DFT', inputs: axis === undefined ? ['x'] : ['x', '', 'a'], outputs: ['y'] }],
    };
    const out = await run(spec, { x: { data: x, shape } });
    const a = axis ?? 2, len = shape[a], inner = a === 1 ? 5 : 1, outer = a === 1 ? 1 : 3, want: number[] = new Array(30);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const line: number[] = [];
      for (let k = 0; k < len; k++) line.push(x[(o * len + k) * inner + i], 0);
      naiveDft(line, len).forEach((v, q) => { want[((o * len + (q >> 1)) * inner + i) * 2 + (q & 1)] = v; });
    }
    assert.equal(out.y.shape, [1, 3, 5, 2]);
    close(out.y.data, want, 1e-5, `opset 20 DFT axis ${axis}`);
  }
});

test('STFT with a window or a frame_length, onesided or not; windows with the size fed', async () => {
  for (const [L, step, fl, win, onesided] of [[64, 8, 16, true, 1], [50, 5, 9, false, 0], [33, 4, 12, true, 0]] as [number, number, number, boolean, number][]) {
    const x = rand(2 * L, L), w = rand(fl, fl + 2);
    const spec: Spec = {
      opset: 17,
      inputs: [{ name: 's', shape: [2, L, 1] }],
      inits: [i64('step', step), ...(win ? [{ name: 'w', shape: [fl], data: w }] : [i64('fl', fl)])],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'STFT', inputs: win ? ['s', 'step', 'w'] : ['s', 'step', '', 'fl'], outputs: ['y'], attrs: { onesided } }],
    };
    const out = await run(spec, { s: { data: x, shape: [2, L, 1] } });
    const frames = Math.floor((L - fl) / step) + 1, bins = onesided ? Math.floor(fl / 2) + 1 : fl;
    assert.equal(out.y.shape, [2, frames, bins, 2]);
    const want: number[] = [];
    for (let b = 0; b < 2; b++) for (let f = 0; f < frames; f++) {
      const line: number[] = [];
      for (let k = 0; k < fl; k++) line.push(x[b * L + f * step + k] * (win ? w[k] : 1), 0);
      want.push(...naiveDft(line, fl).slice(0, 2 * bins));
    }
    close(out.y.data, want, 1e-5, `STFT ${[L, step, fl, win, onesided]}`);
  }
  for (const op of Object.keys(WINDOW_FORMULAS)) for (const periodic of [0, 1]) for (const f64 of [false, true]) {
    const spec: Spec = { opset: 17, inputs: [{ name: 'size', shape: [], type: 'int32' }], outputs: [{ name: 'y', type: f64 ? 'double' : 'float' }], nodes: [{ op, inputs: ['size'], outputs: ['y'], attrs: { periodic, ...(f64 ? { output_datatype: 11 } : {}) } }] };
    const m = buildModel(spec);
    for (const size of [1, 5, 12]) {
      const out = (await runAlloy(m, { size: { data: new Int32Array([size]), shape: [] } as any })).out as any;
      assert.ok(f64 ? out.y.data instanceof Float64Array : out.y.data instanceof Float32Array);
      close(out.y.data, windowOracle(op, size, !!periodic), f64 ? 1e-15 : 1e-7, `${op} ${size} periodic ${periodic}`);
    }
  }
});

test('signal refusals: inverse onesided, onesided complex, bad axis, STFT without a frame length, window types, bad sizes', async () => {
  const dft = (shape: number[], attrs: Record<string, any>): Spec => ({ opset: 17, inputs: [{ name: 'x', shape }], outputs: [{ name: 'y' }], nodes: [{ op: 'DFT', inputs: ['x'], outputs: ['y'], attrs }] });
  const feed = (shape: number[]) => ({ x: { data: new Float32Array(n(shape)), shape } });
  await fails(() => run(dft([1, 4, 2], { inverse: 1, onesided: 1 }), feed([1, 4, 2])), 'UNSUPPORTED_OP', /DFT.*inverse onesided/);
  await fails(() => run(dft([1, 4, 2], { onesided: 1 }), feed([1, 4, 2])), 'UNSUPPORTED_OP', /onesided output of a complex input/);
  await fails(() => importModel(buildModel(dft([1, 4, 2], { axis: 2 }))), 'UNSUPPORTED_OP', /axis 2 out of range/);
  await fails(() => run(dft([1, 4, 3], {}), feed([1, 4, 3])), 'SHAPE_MISMATCH', /last dimension 1: real, or 2: complex/);
  const stft: Spec = { opset: 17, inputs: [{ name: 's', shape: [1, 16, 1] }], inits: [i64('step', 2)], outputs: [{ name: 'y' }], nodes: [{ op: 'STFT', inputs: ['s', 'step'], outputs: ['y'] }] };
  await fails(() => run(stft, { s: { data: new Float32Array(16), shape: [1, 16, 1] } }), 'BAD_GRAPH', /STFT needs a window or a frame_length/);
  const long: Spec = { ...stft, inits: [i64('step', 2), i64('fl', 17)], nodes: [{ op: 'STFT', inputs: ['s', 'step', '', 'fl'], outputs: ['y'] }] };
  await fails(() => run(long, { s: { data: new Float32Array(16), shape: [1, 16, 1] } }), 'SHAPE_MISMATCH', /frame_length 17 for a signal of 16 samples/);
  const zero: Spec = { ...stft, inits: [i64('step', 0), i64('fl', 4)], nodes: [{ op: 'STFT', inputs: ['s', 'step', '', 'fl'], outputs: ['y'] }] };
  await fails(() => run(zero, { s: { data: new Float32Array(16), shape: [1, 16, 1] } }), 'BAD_INPUT', /frame_step 0 is outside \[1, 2\^31\)/);
  const win = (attrs: Record<string, any>): Spec => ({ opset: 17, inputs: [{ name: 'size', shape: [], type: 'int64' }], outputs: [{ name: 'y' }], nodes: [{ op: 'HannWindow', inputs: ['size'], outputs: ['y'], attrs }] });
  await fails(() => importModel(buildModel(win({ output_datatype: 7 }))), 'UNSUPPORTED_OP', /output_datatype 7/);
  await fails(() => importModel(buildModel({ ...win({}), opset: 16 })), 'UNSUPPORTED_OP', /opset 16: HannWindow is defined from opset 17/);
  await fails(() => run(win({}), { size: { data: new BigInt64Array([-3n]), shape: [] } }), 'BAD_INPUT', /HannWindow.*size -3 is outside/);
  const mel: Spec = {
    opset: 17, inputs: [{ name: 'hi', shape: [] }], outputs: [{ name: 'y' }],
    inits: [{ name: 'm', shape: [], data: [4], type: 'int32' }, { name: 'd', shape: [], data: [16], type: 'int32' }, { name: 'r', shape: [], data: [8000], type: 'int32' }, { name: 'lo', shape: [], data: new Float32Array([0]) }],
    nodes: [{ op: 'MelWeightMatrix', inputs: ['m', 'd', 'r', 'lo', 'hi'], outputs: ['y'] }],
  };
  const ok = await run(mel, { hi: { data: new Float32Array([4000]), shape: [] } });
  assert.equal(ok.y.shape, [9, 4]);
  close(ok.y.data, melOracle(4, 16, 8000, 0, 4000), 1e-7, 'MelWeightMatrix');
  await fails(() => run(mel, { hi: { data: new Float32Array([8000]), shape: [] } }), 'BAD_INPUT', /MelWeightMatrix.*band edge lies past the last DFT bin/);
});

test.run();

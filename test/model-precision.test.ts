// The executor with quantized weights and precision maps: each path's results against its
// definition (docs/PRECISION_MAP.md), and precision-map validation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, rng } from './util.ts';
import { readBundle, AlloyError } from '../build/alloy.mjs';
import { writeBundle, quantizeTensor } from '../build/alloy-tools.mjs';

const rand = (n: number, seed: number, a = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a); };
const LAYERS = [40, 33, 17, 10];

/** An MLP whose Dense weights are stored in `fmt` (per layer), relu between, no softmax. */
function mlp(fmts: string[], precision?: unknown, values?: Float32Array[], edit?: (tensors: Record<string, any>) => void) {
  const tensors: Record<string, any> = {};
  const nodes: any[] = [];
  let prev = 'x';
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    const [K, N] = [LAYERS[l], LAYERS[l + 1]];
    const w = values?.[l] ?? rand(N * K, 10 + l, 0.5);
    Object.assign(tensors, quantizeTensor(`fc${l}.w`, w, [N, K], fmts[l]));
    tensors[`fc${l}.b`] = { format: 'f32', shape: [N], data: rand(N, 20 + l, 0.1) };
    const out = l + 2 === LAYERS.length ? 'y' : `h${l}`;
    nodes.push({ name: `fc${l}`, op: 'Dense', inputs: [prev, `fc${l}.w`, `fc${l}.b`], outputs: [out], attrs: { activation: out === 'y' ? 'none' : 'relu' } });
    prev = out;
  }
  edit?.(tensors);
  return writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, LAYERS[0]], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 10], format: 'f32' }], nodes }, tensors, precision });
}

const X = rand(6 * 40, 99);
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

test('float and MX weight formats: bit-identical to the f32 model on the decoded weights', async () => {
  const a = await getAlloy();
  for (const fmt of ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2', 'f6_e3m2fn', 'f4_e2m1fn', 'mxfp8_e4m3', 'mxfp4_e2m1', 'mxint8', 'mxfp6_e2m3']) {
    const q = a.load(mlp([fmt, fmt, fmt]));
    // decoded weights, as the format defines them
    const decoded = [0, 1, 2].map((l) => {
      const [K, N] = [LAYERS[l], LAYERS[l + 1]];
      const w = rand(N * K, 10 + l, 0.5);
      if (a.format(fmt).kind === 'mx') {
        const out = new Float32Array(N * K);
        for (let r = 0; r < N; r++) out.set(a.dequantizeMX(fmt, a.quantizeMX(fmt, w.subarray(r * K, (r + 1) * K))), r * K);
        return out;
      }
      return a.decode(fmt, a.encode(fmt, w));
    });
    const ref = a.load(mlp(['f32', 'f32', 'f32'], undefined, decoded));
    assert.equal(bits(q.run({ x: X }).y.data), bits(ref.run({ x: X }).y.data), fmt);
    q.dispose(); ref.dispose();
  }
});

test('decodeWeights: float / MX Dense weights held as f32, same bits at every batch and precision; affine integer weights stay as stored', async () => {
  const a = await getAlloy();
  // Codes set by hand (the encoder saturates), in the last layer (no relu after it). An infinity
  // or NaN code sends f16 and the fp8 formats to the decode-to-scratch kernel (gemm_any_f32_f32__simd128_4x8); bf16
  // stays on the fused one (its decode is a shift, specials included).
  const code = (v: number) => (t: Record<string, any>) => { t['fc2.w'].data[7] = v; };
  const FUSED = ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'];
  const OTHER = ['f8_e3m4', 'f6_e2m3fn', 'f6_e3m2fn', 'f4_e2m1fn', 'mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e2m3', 'mxfp6_e3m2', 'mxfp4_e2m1', 'mxint8'];
  // [format, what, edit, the kernel of the last layer as stored]
  const cases: [string, string, ((t: Record<string, any>) => void) | undefined, string][] = [
    ...FUSED.map((f): [string, string, undefined, string] => [f, '', undefined, 'gemm_fused_f32_f32__simd128_4x8']),
    ...OTHER.map((f): [string, string, undefined, string] => [f, '', undefined, 'gemm_any_f32_f32__simd128_4x8']),
    ['f16', ' (inf code)', code(0x7c00), 'gemm_any_f32_f32__simd128_4x8'], ['f16', ' (NaN code with payload)', code(0x7e01), 'gemm_any_f32_f32__simd128_4x8'],
    ['f8_e5m2', ' (NaN code)', code(0x7e), 'gemm_any_f32_f32__simd128_4x8'], ['f8_e4m3fn', ' (NaN code)', code(0xff), 'gemm_any_f32_f32__simd128_4x8'],
    ['bf16', ' (NaN code with payload)', code(0x7fc1), 'gemm_fused_f32_f32__simd128_4x8'],
    ['i8', '', undefined, 'gemm_fused_f32_f32__simd128_4x8'], ['u8', '', undefined, 'gemm_fused_f32_f32__simd128_4x8'], ['i4', '', undefined, 'gemm_int_f32_f32__simd128_4x8'],
  ];
  const maps = [undefined, { version: 1, default: { activations: 'f16' } }, { version: 1, default: { activations: 'bf16', round: 'rtz' } },
    { version: 1, default: { inputRound: 'floor', inputFormat: 'i8' } }];
  for (const [fmt, what, edit, kernel] of cases) {
    const b = mlp([fmt, fmt, fmt], undefined, undefined, edit);
    const int = a.format(fmt).kind === 'int';
    for (const precision of maps) {
      const opts = precision ? { precision } : {};
      const held = a.load(b, opts), dec = a.load(b, { ...opts, decodeWeights: true });
      assert.equal(held.layers.map((l) => l.weightsHeld), [fmt, fmt, fmt], fmt);
      assert.equal(dec.layers.map((l) => l.weightsHeld), int ? [fmt, fmt, fmt] : ['f32', 'f32', 'f32'], fmt);
      // the two paths compared are different kernels (for integer weights decodeWeights changes
      // nothing: the same kernel twice, only the weightsHeld check above is about the option)
      assert.is(held.layers[2].kernel, kernel, `${fmt}${what}`);
      assert.is(dec.layers[2].kernel, int ? kernel : 'gemm_f32_f32_f32__simd128_5x8', `${fmt}${what} decoded`);
      for (const M of [1, 3, 5, 33]) {
        const x = rand(M * 40, 50 + M);
        const y0 = held.run({ x: { data: x, shape: [M, 40] } }).y.data, y1 = dec.run({ x: { data: x, shape: [M, 40] } }).y.data;
        if (edit) assert.ok(y0.some((v) => !Number.isFinite(v)), 'the special code reaches the output');
        assert.equal(bits(y1), bits(y0), `${fmt}${what}, ${JSON.stringify(precision?.default ?? {})}, batch ${M}`);
      }
      held.dispose(); dec.dispose();
    }
  }
});

test('weights outside the weight formats (e8m0fnu, i16) are BAD_TENSOR on every Dense path alike', async () => {
  // found by the decodeWeights differential in the bundle fuzzer: the fused path ran e8m0fnu weights
  // (powers of two) while the decoding paths refused them
  const a = await getAlloy();
  for (const [fmt, data] of [['e8m0fnu', new Uint8Array(10 * 17).fill(127)], ['i16', new Int16Array(10 * 17)]] as const) {
    const b = mlp(['f32', 'f32', 'f32'], undefined, undefined, (t) => {
      t['fc2.w'] = { format: fmt, shape: [10, 17], data, ...(fmt === 'i16' ? { scale: 'fc2.s' } : {}) };
      if (fmt === 'i16') t['fc2.s'] = { format: 'f32', shape: [10], data: new Float32Array(10).fill(1) };
    });
    for (const opts of [{}, { decodeWeights: true }, { precision: { version: 1, default: { accumulator: 'f16' } } }]) {
      try { a.load(b, opts as any); assert.unreachable(`${fmt} ${JSON.stringify(opts)}`); } catch (e) {
        assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'BAD_TENSOR', (e as Error).message);
        assert.match((e as Error).message, new RegExp(`"fc2".*weight "fc2.w" is "${fmt}"`));
      }
    }
  }
});

test('a Conv / DepthwiseConv weight outside the weight formats is BAD_TENSOR too', async () => {
  const a = await getAlloy();
  for (const [op, shape] of [['Conv', [4, 3, 3, 2]], ['DepthwiseConv', [3, 3, 2]]] as const) {
    const n = shape.reduce((p, d) => p * d, 1);
    const b = writeBundle({
      graph: { inputs: [{ name: 'x', shape: [1, 5, 5, 2], format: 'f32' }], outputs: [{ name: 'y', shape: [-1], format: 'f32' }],
        nodes: [{ name: 'c', op, inputs: ['x', 'w'], outputs: ['y'], attrs: {} }] },
      tensors: { w: { format: 'e8m0fnu', shape: [...shape], data: new Uint8Array(n).fill(127) } },
    });
    try { a.load(b); assert.unreachable(op); } catch (e) {
      assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'BAD_TENSOR', (e as Error).message);
      assert.match((e as Error).message, /weight "w" is "e8m0fnu"/);
    }
  }
});

test('load() options: decodeWeights must be a boolean, and a misspelt option is BAD_OPTION naming it', async () => {
  const a = await getAlloy();
  const b = mlp(['f16', 'f16', 'f16']);
  for (const [opts, what] of [[{ decodeWeights: 1 }, 'decodeWeights 1'], [{ decodeWeight: true }, '"decodeWeight"'], [{ maxArena: 5 }, '"maxArena"']] as const) {
    try { a.load(b, opts as any); assert.unreachable(JSON.stringify(opts)); } catch (e) {
      assert.instance(e, AlloyError); assert.is((e as AlloyError).code, 'BAD_OPTION'); assert.ok((e as Error).message.includes(what), (e as Error).message);
    }
  }
});

test('i8 / u8 / i4 weights (per channel and per group) stay close to the f32 model', async () => {
  const a = await getAlloy();
  const f32 = a.load(mlp(['f32', 'f32', 'f32']));
  const y0 = f32.run({ x: X }).y.data;
  const scale = Math.max(...y0.map(Math.abs));
  for (const [fmt, tol] of [['i8', 0.03], ['u8', 0.03], ['i4', 0.4]] as const) {
    const m = a.load(mlp([fmt, fmt, fmt]));
    const y = m.run({ x: X }).y.data;
    const err = Math.max(...y.map((v, i) => Math.abs(v - y0[i])));
    assert.ok(err < tol * scale, `${fmt}: max error ${err} vs output scale ${scale}`);
    assert.ok(err > 0, `${fmt}: no error at all is suspicious`);
    m.dispose();
  }
  f32.dispose();
});

test('w8a8 (activations i8) runs the integer kernel: close to f32, and rows are batch-independent', async () => {
  const a = await getAlloy();
  const pm = { version: 1, default: { activations: 'i8' } };
  const m = a.load(mlp(['i8', 'i8', 'i8'], pm));
  const wonly = a.load(mlp(['i8', 'i8', 'i8']));
  const y = m.run({ x: X }).y.data, yw = wonly.run({ x: X }).y.data;
  assert.not.equal(bits(y), bits(yw));
  const scale = Math.max(...yw.map(Math.abs));
  assert.ok(Math.max(...y.map((v, i) => Math.abs(v - yw[i]))) < 0.05 * scale);
  const row2 = m.run({ x: X.subarray(80, 120) }).y.data;
  assert.equal(bits(row2), bits(y.subarray(20, 30)));
  m.dispose(); wonly.dispose();
});

test('emulated f16 / bf16 activations: every output is a value of the format', async () => {
  const a = await getAlloy();
  for (const fmt of ['f16', 'bf16']) {
    const m = a.load(mlp(['f32', 'f32', 'f32'], { version: 1, default: { activations: fmt } }));
    const y = m.run({ x: X }).y.data;
    assert.equal(bits(a.decode(fmt, a.encode(fmt, y) as any)), bits(y), fmt);
    m.dispose();
  }
});

test('emulated accumulators change results and a load-time override selects them', async () => {
  const a = await getAlloy();
  const bundle = mlp(['f32', 'f32', 'f32']);
  const base = a.load(bundle).run({ x: X }).y.data;
  for (const acc of ['f16', 'bf16', 'f8_e5m2']) {
    const m = a.load(bundle, { precision: { version: 1, default: { accumulator: acc } } as any });
    const y = m.run({ x: X }).y.data;
    assert.not.equal(bits(y), bits(base), acc);
    const rel = Math.max(...y.map((v, i) => Math.abs(v - base[i]))) / Math.max(...base.map(Math.abs));
    assert.ok(rel < (acc === 'f8_e5m2' ? 1 : 0.05), `${acc}: relative error ${rel}`);
    m.dispose();
  }
});

test('precision maps are validated, every problem listed at once', async () => {
  const a = await getAlloy();
  const bad = { version: 2, default: { activations: 'f8', accumulator: 'i32' }, layers: { nope: { weights: 'f7' }, fc0: { colour: 'red' } } };
  try { a.load(mlp(['f32', 'f32', 'f32'], bad)); assert.unreachable('accepted'); } catch (e) {
    assert.instance(e, AlloyError);
    assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
    for (const part of ['version', 'activations', '"nope"', 'f7', 'colour', 'i32 accumulator']) assert.match((e as Error).message, part);
  }
  try { a.load(mlp(['f32', 'f32', 'f32']), { precision: { version: 1, default: { weights: 'i8' } } as any }); assert.unreachable('override of weights accepted'); } catch (e) {
    assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
  }
  try { a.load(mlp(['f16', 'f32', 'f32'], { version: 1, layers: { fc0: { weights: 'i8' } } })); assert.unreachable('mismatch accepted'); } catch (e) {
    assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
    assert.match((e as Error).message, 'fc0');
  }
  try { a.load(mlp(['f16', 'f32', 'f32'], { version: 1, layers: { fc0: { activations: 'i8' } } })); assert.unreachable('w8a8 on f16 weights accepted'); } catch (e) {
    assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
  }
});

test('stored weight bytes are exactly codes plus scales: i8 N*K + 4N, i4 ceil(N*K/2) + 4N, mxfp4 ceil(N*K/2) + N*ceil(K/32)', async () => {
  await getAlloy();
  const stored = (f: string) => {
    const h = readBundle(mlp([f, f, f])).header;
    return Object.values(h.tensors).filter((_, i) => !Object.keys(h.tensors)[i].endsWith('.b')).reduce((t, e) => t + e.bytes, 0);
  };
  let f32 = 0, i8 = 0, i4 = 0, mx = 0;
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    const [K, N] = [LAYERS[l], LAYERS[l + 1]];
    f32 += 4 * N * K; i8 += N * K + 4 * N; i4 += Math.ceil((N * K) / 2) + 4 * N; mx += Math.ceil((N * K) / 2) + N * Math.ceil(K / 32);
  }
  assert.is(stored('f32'), f32);
  assert.is(stored('i8'), i8);
  assert.is(stored('i4'), i4);
  assert.is(stored('mxfp4_e2m1'), mx);
});

test('per-tensor integer weights run as per-row groups: same bits as the scale repeated per row', async () => {
  const a = await getAlloy();
  const [K, N] = [40, 33];
  const w = rand(N * K, 77, 0.5);
  const graph = (precision?: unknown) => (tensors: Record<string, any>) => writeBundle({
    graph: { inputs: [{ name: 'x', shape: [-1, K], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, N], format: 'f32' }], nodes: [{ name: 'fc', op: 'Dense', inputs: ['x', 'w'], outputs: ['y'] }] },
    tensors, ...(precision ? { precision } : {}),
  });
  for (const [fmt, pm] of [['i8', undefined], ['u8', undefined], ['i8', { version: 1, default: { activations: 'i8' } }]] as const) {
    const per = quantizeTensor('w', w, [N, K], fmt, { granularity: 'tensor' });
    assert.is(per.w.group, N * K);
    const rows: Record<string, any> = { w: { ...per.w, group: K }, 'w.scale': { format: 'f32', shape: [N], data: new Float32Array(N).fill(per['w.scale'].data[0]) } };
    if (per['w.zero_point']) rows['w.zero_point'] = { format: 'i32', shape: [N], data: new Int32Array(N).fill(per['w.zero_point'].data[0]) };
    const y1 = a.load(graph(pm)(per)).run({ x: X.subarray(0, 5 * K) }).y.data;
    const y2 = a.load(graph(pm)(rows)).run({ x: X.subarray(0, 5 * K) }).y.data;
    assert.equal(bits(y1), bits(y2), `${fmt} ${pm ? 'w8a8' : 'weight-only'}`);
  }
});

test('a NaN or infinite weight scale is BAD_TENSOR naming the tensor and the value (weight-only and w8a8)', async () => {
  const a = await getAlloy();
  for (const [bad, shown] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
    for (const pm of [undefined, { version: 1, default: { activations: 'i8' } }]) {
      const b = mlp(['i8', 'i8', 'i8'], pm);
      const r = readBundle(b);
      const e = r.header.tensors['fc1.w.scale'];
      assert.ok(e, 'scale tensor name');
      const c = b.slice();
      const at = b.length - r.data.length + e.offset + 4 * 5;
      new DataView(c.buffer).setFloat32(at, bad, true);
      // fix the checksum so that the scale check is what fails
      const fixed = writeBundle({ graph: r.header.graph, tensors: Object.fromEntries(Object.entries(r.header.tensors).map(([n, t]: [string, any]) => [n, { ...t, data: c.subarray(b.length - r.data.length + t.offset, b.length - r.data.length + t.offset + t.bytes) }])), precision: r.header.precision });
      try { a.load(fixed); assert.unreachable('accepted'); } catch (err) {
        assert.instance(err, AlloyError);
        assert.is((err as AlloyError).code, 'BAD_TENSOR');
        assert.match((err as Error).message, `scale tensor "fc1.w.scale" value 5 is ${shown}`);
      }
    }
  }
});

test.run();

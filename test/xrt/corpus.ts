import { seededMLP, seededInputs, MLP_LAYERS } from '../../scripts/seeded-mlp.ts';
import { caseFamilies } from './families.ts';
// The cross-runtime corpus: a fixed list of checks whose output bytes must be identical in Node,
// Deno, Chromium and workerd. Runtime-agnostic ESM, bundled by esbuild for every leg (each leg
// passes in its own loaded Alloy instance and writeBundle), SHA-256 through crypto.subtle, all test data from an
// integer PRNG mapped to floats by exact operations only (no Math.* on values).

export interface CaseResult {
  case: string;
  sha256: string;
  /** false when a check inside the case failed (the hash is still reported) */
  ok?: boolean;
  detail?: string;
  /** sub-hashes (per format) to pinpoint a divergence; not compared against the golden */
  parts?: Record<string, string>;
}

type Alloy = any;
type WriteBundle = (input: any) => Uint8Array;


/** xorshift32: exact in every JS engine (integer ops only). */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** 2**e as an exact f32-representable double (e in the f32 normal range), built from bits. */
function pow2(e: number): number {
  const u = new Uint32Array([((e + 127) << 23) >>> 0]);
  return new Float32Array(u.buffer)[0];
}

/** uniform in [-a, a) with 24 significant bits: exact in f32 when a is a power of two */
export function symmetric(next: () => number, a: number): number {
  return ((next() >>> 8) - 8388608) * pow2(-23) * a;
}

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

export async function sha256(data: Uint8Array | Uint8Array[]): Promise<string> {
  const buf = Array.isArray(data) ? concat(data) : data;
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

const text = (s: string) => new TextEncoder().encode(s);
const errCode = (e: any) => String(e?.code ?? e?.name ?? 'Error');

// ---------------------------------------------------------------------------------------------
// (a) MLP 784-512-256-128-64-10, batch 64 in one run, batch-1 rows checked against it
// ---------------------------------------------------------------------------------------------

// The same seeded model and inputs as `npm run demo`, so the demo's hash is this case's hash.
const MLP_DIMS = MLP_LAYERS;
const MLP_BATCH = 64;

async function caseMLP(alloy: Alloy, writeBundle: WriteBundle): Promise<CaseResult> {
  const name = 'mlp-784-512-256-128-64-10';
  const bundle = seededMLP(writeBundle);
  const x = seededInputs(MLP_BATCH, MLP_DIMS[0]);
  const nOut = MLP_DIMS[MLP_DIMS.length - 1];
  const model = alloy.load(bundle);
  try {
    const y = model.run({ x }).probs;
    const problems: string[] = [];
    if (y.shape.join(',') !== `${MLP_BATCH},${nOut}`) problems.push(`batch output shape ${JSON.stringify(y.shape)}`);
    const all = bytesOf(y.data);
    for (let r = 0; r < 4; r++) {
      const one = model.run({ x: x.slice(r * MLP_DIMS[0], (r + 1) * MLP_DIMS[0]) }).probs;
      const a = bytesOf(one.data), b = all.subarray(r * nOut * 4, (r + 1) * nOut * 4);
      let diff = a.length === b.length ? -1 : 0;
      for (let i = 0; diff < 0 && i < a.length; i++) if (a[i] !== b[i]) diff = i;
      if (diff >= 0) {
        const k = diff >> 2;
        problems.push(`batch-1 row ${r} differs from batch-64 row ${r} at y[${k}]: ${one.data[k]} vs ${y.data[r * nOut + k]}`);
      }
    }
    const sha = await sha256(all);
    return { case: name, sha256: sha, ok: problems.length === 0,
      detail: problems.length ? problems.join('; ') : undefined };
  } finally {
    model.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// (b) cast sweep: every non-MX format x every rounding x both overflow policies, plus decode of
//     every code of every format of <= 16 bits
// ---------------------------------------------------------------------------------------------

export const ROUNDS = ['rne', 'rna', 'rtz', 'floor', 'ceil', 'stochastic'];
export const OVERFLOWS = ['saturate', 'ieee'];

export function castValues(): Float32Array {
  const bits: number[] = [
    0x00000000, 0x80000000, // +-0
    0x7f800000, 0xff800000, // +-inf
    0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff, 0xffffffff, 0x7fc00001, // NaNs with payloads
    0x7f7fffff, 0xff7fffff, // +-max
    0x00800000, 0x80800000, // +-min normal
    0x00000001, 0x80000001, // +-min subnormal
    0x007fffff, 0x807fffff, // +-max subnormal
  ];
  // powers of two 2^-150 .. 2^128 with +-1 ulp neighbours (2^-150 -> 0, 2^128 -> inf), both signs
  for (let e = -150; e <= 128; e++) {
    const b = e >= -126 ? Math.min(e + 127, 255) << 23 : e >= -149 ? 1 << (e + 149) : 0;
    for (const sign of [0, 0x80000000]) {
      if (b > 0) bits.push((b - 1) | sign);
      bits.push(b | sign);
      bits.push((b + 1) | sign);
    }
  }
  const next = rng(0xca57ca57);
  for (let i = 0; i < 4096; i++) bits.push(next());
  // a few values on rounding ties for the small formats: k/16 .. with 1 ulp either side
  for (let k = 1; k <= 64; k++) {
    const base = (k * pow2(-3));
    const u = new Uint32Array(new Float32Array([base]).buffer)[0];
    bits.push(u, u + 1, u - 1, (u | 0x80000000) >>> 0);
  }
  const u32 = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) u32[i] = bits[i] >>> 0;
  return new Float32Array(u32.buffer);
}

async function caseCasts(alloy: Alloy): Promise<CaseResult> {
  const values = castValues();
  const all: Uint8Array[] = [];
  const parts: Record<string, string> = {};
  const errors: string[] = [];
  for (const f of alloy.formats) {
    if (f.kind === 'mx') continue;
    const chunks: Uint8Array[] = [text(`encode ${f.name}\n`)];
    for (const round of ROUNDS) {
      for (const overflow of OVERFLOWS) {
        const opts: any = { round, overflow };
        if (round === 'stochastic') opts.seed = 12345;
        chunks.push(text(`${round}/${overflow}\n`));
        try {
          chunks.push(bytesOf(alloy.encode(f.name, values, opts)).slice());
        } catch (e) {
          errors.push(`encode ${f.name} ${round}/${overflow}: ${errCode(e)}`);
          chunks.push(text(`ERR ${errCode(e)}\n`));
        }
      }
    }
    if (f.bits <= 16) {
      const n = 2 ** f.bits;
      const codes = f.bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++) codes[i] = i;
      chunks.push(text(`decode ${f.name}\n`));
      try {
        chunks.push(bytesOf(alloy.decode(f.name, codes)).slice());
      } catch (e) {
        errors.push(`decode ${f.name}: ${errCode(e)}`);
        chunks.push(text(`ERR ${errCode(e)}\n`));
      }
    }
    parts[f.name] = (await sha256(chunks)).slice(0, 16);
    all.push(...chunks);
  }
  return { case: 'casts', sha256: await sha256(all), ok: true, parts,
    detail: `${values.length} values` + (errors.length ? `; rejected: ${errors.join(', ')}` : '') };
}

// ---------------------------------------------------------------------------------------------
// (c) MX: every MX format, quantizeMX of 1024 values (with NaN, zero, tiny, inf and huge blocks)
//     under rne and stochastic (seed 7), both overflow policies; scales + elements + dequantized
// ---------------------------------------------------------------------------------------------

export function mxValues(): Float32Array {
  const next = rng(0x00c0ffee);
  const v = new Float32Array(1024);
  for (let blk = 0; blk < 32; blk++) {
    // block scale exponent sweeps -24 .. +22 so the shared scale varies
    const a = pow2(((blk * 3) % 47) - 24);
    for (let i = 0; i < 32; i++) v[blk * 32 + i] = symmetric(next, a);
  }
  v[3 * 32 + 5] = NaN;                                       // block 3: one NaN
  for (let i = 0; i < 32; i++) v[4 * 32 + i] = 0;            // block 4: all zeros
  for (let i = 0; i < 32; i++) {                             // block 5: tiny (~2^-130), exact
    v[5 * 32 + i] = ((next() >>> 13) - 262144) * pow2(-18) * pow2(-126) * pow2(-4);
  }
  v[6 * 32 + 1] = Infinity; v[6 * 32 + 2] = -Infinity;       // block 6: +-inf
  for (let i = 0; i < 32; i++) v[7 * 32 + i] = symmetric(next, pow2(127)); // block 7: huge
  v[8 * 32 + 0] = -0;                                        // block 8: a negative zero
  return v;
}

async function caseMX(alloy: Alloy): Promise<CaseResult> {
  const values = mxValues();
  const all: Uint8Array[] = [];
  const parts: Record<string, string> = {};
  const errors: string[] = [];
  for (const f of alloy.formats) {
    if (f.kind !== 'mx') continue;
    const chunks: Uint8Array[] = [text(`mx ${f.name}\n`)];
    for (const round of ['rne', 'stochastic']) {
      for (const overflow of OVERFLOWS) {
        const opts: any = { round, overflow };
        if (round === 'stochastic') opts.seed = 7;
        chunks.push(text(`${round}/${overflow}\n`));
        try {
          const q = alloy.quantizeMX(f.name, values, opts);
          chunks.push(q.scales.slice(), q.elements.slice());
          chunks.push(bytesOf(alloy.dequantizeMX(f.name, q)).slice());
        } catch (e) {
          errors.push(`${f.name} ${round}/${overflow}: ${errCode(e)}`);
          chunks.push(text(`ERR ${errCode(e)}\n`));
        }
      }
    }
    parts[f.name] = (await sha256(chunks)).slice(0, 16);
    all.push(...chunks);
  }
  return { case: 'mx', sha256: await sha256(all), ok: true, parts,
    detail: errors.length ? `rejected: ${errors.join(', ')}` : undefined };
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// (d) every executor operator in one NHWC graph, and (e) the MLP under each weight format and
//     precision path (quantized weights, w8a8, emulated accumulators and activations)
// ---------------------------------------------------------------------------------------------

type Quantize = (name: string, values: Float32Array, shape: number[], format: string, opts?: any) => Record<string, any>;

function seeded(n: number, seed: number, a: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = symmetric(next, a);
  return out;
}

async function caseOps(alloy: Alloy, writeBundle: WriteBundle): Promise<CaseResult> {
  const C = 8;
  const t = (shape: number[], seed: number, a = pow2(-2)) => ({ format: 'f32', shape, data: seeded(shape.reduce((p, q) => p * q, 1), seed, a) });
  const tensors: Record<string, any> = {
    c1w: t([C, 3, 3, 3], 11), c1b: t([C], 12), dww: t([3, 3, C], 13), dwb: t([C], 14), c2w: t([C, 1, 1, C / 2], 15),
    k: t([C], 16, 1), sl: t([C], 17), lg: t([C], 18, 1), lb: t([C], 19), fw: t([10, 4 * 4 * 2 * C], 20, pow2(-4)), fb: t([10], 21),
  };
  const n = (name: string, op: string, inputs: string[], out: string, attrs: any = {}) => ({ name, op, inputs, outputs: [out], attrs });
  const nodes = [
    n('c1', 'Conv', ['x', 'c1w', 'c1b'], 'a1', { pads: 'same', activation: 'relu6' }),
    n('dw', 'DepthwiseConv', ['a1', 'dww', 'dwb'], 'a2', { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] }),
    n('hs', 'HardSwish', ['a2'], 'a3'),
    n('c2', 'Conv', ['a3', 'c2w'], 'a4', { group: 2 }),
    n('mul', 'Mul', ['a4', 'k'], 'a5'),
    n('pr', 'PRelu', ['a5', 'sl'], 'a6'),
    n('ln', 'LayerNorm', ['a6', 'lg', 'lb'], 'a7', { epsilon: 1e-5 }),
    n('mp', 'MaxPool', ['a7', ], 'a8', { kernel: [2, 2], strides: [2, 2] }),
    n('ap', 'AveragePool', ['a7'], 'a9', { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: false }),
    n('add', 'Add', ['a8', 'a9'], 'a10'),
    n('up', 'Resize', ['a10'], 'a11', { size: [4, 4], mode: 'bilinear', coordMode: 'half_pixel' }),
    n('sg', 'Sigmoid', ['a11'], 'a12'),
    n('th', 'Tanh', ['a11'], 'a13'),
    n('cat', 'Concat', ['a12', 'a13'], 'a14', { axis: -1 }),
    n('pad', 'Pad', ['a14'], 'a15', { pads: [0, 1, 0, 0, 0, 0, 1, 0], mode: 'reflect' }),
    n('tr', 'Transpose', ['a15'], 'a16', { perm: [0, 2, 1, 3] }),
    n('gelu', 'Gelu', ['a16'], 'a17'),
    n('crop', 'Resize', ['a17'], 'a18', { size: [4, 4], mode: 'nearest', coordMode: 'asymmetric', nearestMode: 'floor' }),
    n('fl', 'Flatten', ['a18'], 'a19'),
    n('fc', 'Dense', ['a19', 'fw', 'fb'], 'a20'),
    n('lsm', 'LogSoftmax', ['a20'], 'y'),
    n('gap', 'GlobalAveragePool', ['a7'], 'g1'),
    n('rs', 'Reshape', ['g1'], 'g2', { shape: [0, -1] }),
    n('sm', 'Softmax', ['g2'], 'g'),
  ];
  const bundle = writeBundle({
    graph: { inputs: [{ name: 'x', shape: [-1, 16, 16, 3], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 10], format: 'f32' }, { name: 'g', shape: [-1, C], format: 'f32' }], nodes },
    tensors,
  });
  const model = alloy.load(bundle);
  try {
    const next = rng(0x0c5);
    const x = new Float32Array(2 * 16 * 16 * 3);
    for (let i = 0; i < x.length; i++) x[i] = symmetric(next, pow2(0));
    const r = model.run({ x });
    return { case: 'ops', sha256: await sha256([bytesOf(r.y.data), bytesOf(r.g.data)]) };
  } finally {
    model.dispose();
  }
}

// Every convolution path the executor picks, on small shapes: im2col + pointwise (3x3 s2, 3 -> 16),
// pointwise on the activation (1x1), the blocked GEMM (K = 216), depthwise fast paths (3x3 s1,
// 5x5 s2 with i8 per-channel weights along C, the any-stride / dilation tiles: dilation 2), the
// exact general depthwise path (weights holding an infinity), the emulated-accumulator depthwise
// (f16), the narrow kernel (<= 4 output channels), Add with a fused relu6, and a Conv with an
// emulated f16 accumulator.
async function caseConvPaths(alloy: Alloy, writeBundle: WriteBundle, quantize: Quantize): Promise<CaseResult> {
  const t = (shape: number[], seed: number, a = pow2(-2)) => ({ format: 'f32', shape, data: seeded(shape.reduce((p, q) => p * q, 1), seed, a) });
  const dw2 = seeded(5 * 5 * 24, 36, pow2(-1));
  const tensors: Record<string, any> = {
    c1w: t([16, 3, 3, 3], 31), c1b: t([16], 32), pww: t([24, 1, 1, 16], 33), pwb: t([24], 34), dw1w: t([3, 3, 24], 35),
    ...quantize('dw2w', dw2, [5, 5, 24], 'i8', { granularity: 'channel', axis: 2 }),
    p2w: t([24, 1, 1, 24], 37), deepw: t([16, 3, 3, 24], 38, pow2(-3)), deepb: t([16], 39), accw: t([8, 3, 3, 16], 40), accb: t([8], 41),
    n1w: t([1, 3, 3, 8], 42), n1b: t([1], 43), n3w: t([3, 3, 3, 8], 44), dw3w: t([3, 3, 8], 45),
    dw4w: t([3, 3, 8], 46), dw5w: t([3, 3, 8], 47), dw5b: t([8], 48),
  };
  (tensors.dw4w.data as Float32Array)[13] = Infinity;   // one non-finite weight: the exact general path
  const n = (name: string, op: string, inputs: string[], out: string, attrs: any = {}) => ({ name, op, inputs, outputs: [out], attrs });
  const nodes = [
    n('c1', 'Conv', ['x', 'c1w', 'c1b'], 'a1', { strides: [2, 2], pads: 'same', activation: 'relu6' }),
    n('pw', 'Conv', ['a1', 'pww', 'pwb'], 'a2', { activation: 'relu' }),
    n('dw1', 'DepthwiseConv', ['a2', 'dw1w'], 'a3', { pads: 'same', activation: 'relu6' }),
    n('dw2', 'DepthwiseConv', ['a3', 'dw2w'], 'a4', { strides: [2, 2], pads: 'same' }),
    n('p2', 'Conv', ['a4', 'p2w'], 'a5'),
    n('add', 'Add', ['a4', 'a5'], 'a6', { activation: 'relu6' }),
    n('deep', 'Conv', ['a6', 'deepw', 'deepb'], 'a7', { pads: 'same' }),
    n('acc', 'Conv', ['a7', 'accw', 'accb'], 'a8', { pads: 'same', activation: 'relu' }),
    n('n1', 'Conv', ['a8', 'n1w', 'n1b'], 'y1', { pads: 'same' }),
    n('n3', 'Conv', ['a8', 'n3w'], 'y2', { pads: [0, 1, 1, 0], dilations: [2, 2] }),
    n('dw3', 'DepthwiseConv', ['a8', 'dw3w'], 'y3', { pads: [2, 2, 2, 2], dilations: [2, 2] }),
    n('dw4', 'DepthwiseConv', ['a8', 'dw4w'], 'y4', { pads: 'same' }),
    n('dw5', 'DepthwiseConv', ['a8', 'dw5w', 'dw5b'], 'y5', { strides: [2, 2], pads: 'same', activation: 'relu' }),
  ];
  const bundle = writeBundle({
    graph: {
      inputs: [{ name: 'x', shape: [-1, 32, 32, 3], format: 'f32' }],
      outputs: [{ name: 'y1', shape: [-1, 8, 8, 1], format: 'f32' }, { name: 'y2', shape: [-1, 5, 5, 3], format: 'f32' }, { name: 'y3', shape: [-1, 8, 8, 8], format: 'f32' },
        { name: 'y4', shape: [-1, 8, 8, 8], format: 'f32' }, { name: 'y5', shape: [-1, 4, 4, 8], format: 'f32' }],
      nodes,
    },
    tensors,
    precision: { version: 1, layers: { acc: { accumulator: 'f16' }, dw5: { accumulator: 'f16' } } },
  });
  const model = alloy.load(bundle);
  try {
    const next = rng(0xc0);
    const x = new Float32Array(2 * 32 * 32 * 3);
    for (let i = 0; i < x.length; i++) x[i] = symmetric(next, pow2(0));
    const r = model.run({ x });
    return { case: 'conv-paths', sha256: await sha256([r.y1, r.y2, r.y3, r.y4, r.y5].map((o) => bytesOf(o.data))) };
  } finally {
    model.dispose();
  }
}

async function caseMixed(alloy: Alloy, writeBundle: WriteBundle, quantize: Quantize): Promise<CaseResult> {
  const dims = [64, 48, 32, 10];
  const variants: [string, string, any][] = [
    ['f16', 'f16', undefined], ['bf16', 'bf16', undefined], ['f8_e4m3fn', 'f8_e4m3fn', undefined], ['i8', 'i8', undefined],
    ['u8', 'u8', undefined], ['i4-g16', 'i4', { granularity: 'group', groupSize: 16 }], ['mxfp4', 'mxfp4_e2m1', undefined], ['mxint8', 'mxint8', undefined],
    ['w8a8', 'i8', 'w8a8'], ['acc-f16', 'f32', 'acc-f16'], ['acc-bf16', 'f32', 'acc-bf16'], ['acc-e5m2', 'f32', 'acc-e5m2'], ['act-f16', 'f32', 'act-f16'],
  ];
  const chunks: Uint8Array[] = [];
  const parts: Record<string, string> = {};
  const next = rng(0x3a3a);
  const x = new Float32Array(5 * dims[0]);
  for (let i = 0; i < x.length; i++) x[i] = symmetric(next, pow2(0));
  for (const [label, fmt, how] of variants) {
    const tensors: Record<string, any> = {};
    const nodes: any[] = [];
    let prev = 'x';
    for (let l = 0; l + 1 < dims.length; l++) {
      const [K, N] = [dims[l], dims[l + 1]];
      Object.assign(tensors, quantize(`w${l}`, seeded(N * K, 100 + l, pow2(-3)), [N, K], fmt, typeof how === 'object' ? how : undefined));
      tensors[`b${l}`] = { format: 'f32', shape: [N], data: seeded(N, 200 + l, pow2(-4)) };
      const out = l + 2 === dims.length ? 'y' : `h${l}`;
      nodes.push({ name: `fc${l}`, op: 'Dense', inputs: [prev, `w${l}`, `b${l}`], outputs: [out], attrs: { activation: out === 'y' ? 'none' : 'relu' } });
      prev = out;
    }
    const dflt = how === 'w8a8' ? { activations: 'i8' } : how === 'acc-f16' ? { accumulator: 'f16' } : how === 'acc-bf16' ? { accumulator: 'bf16' }
      : how === 'acc-e5m2' ? { accumulator: 'f8_e5m2' } : how === 'act-f16' ? { activations: 'f16' } : null;
    const bundle = writeBundle({
      graph: { inputs: [{ name: 'x', shape: [-1, dims[0]], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 10], format: 'f32' }], nodes },
      tensors, ...(dflt ? { precision: { version: 1, default: dflt } } : {}),
    });
    const model = alloy.load(bundle);
    try {
      const y = bytesOf(model.run({ x }).y.data);
      chunks.push(y);
      parts[label] = (await sha256(y)).slice(0, 16);
    } finally {
      model.dispose();
    }
  }
  return { case: 'mixed-precision-mlp', sha256: await sha256(chunks), parts };
}

async function caseRecompute(alloy: Alloy, writeBundle: WriteBundle): Promise<CaseResult> {
  const dims = [64, 48, 40, 32, 10];
  const acts = ['relu', 'tanh', 'sigmoid', 'none'];
  const tensors: Record<string, any> = {};
  const nodes: any[] = [];
  let prev = 'x';
  for (let l = 0; l + 1 < dims.length; l++) {
    const [K, N] = [dims[l], dims[l + 1]];
    tensors[`w${l}`] = { format: 'f32', shape: [N, K], data: seeded(N * K, 300 + l, pow2(-2)) };
    tensors[`b${l}`] = { format: 'f32', shape: [N], data: seeded(N, 400 + l, pow2(-4)) };
    const out = l + 2 === dims.length ? 'y' : `h${l}`;
    nodes.push({ name: `fc${l}`, op: 'Dense', inputs: [prev, `w${l}`, `b${l}`], outputs: [out], attrs: { activation: acts[l] } });
    prev = out;
  }
  const bundle = writeBundle({ graph: { inputs: [{ name: 'x', shape: [-1, dims[0]], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 10], format: 'f32' }], nodes }, tensors });
  const next = rng(0x5ec0);
  const x = new Float32Array(7 * dims[0]);
  for (let i = 0; i < x.length; i++) x[i] = symmetric(next, pow2(1));
  const chunks: Uint8Array[] = [];
  const parts: Record<string, string> = {};
  for (const acc of ['f16', 'bf16', 'f8_e4m3fn']) {
    for (const tau of [0, 8, 1e30]) {
      const precision = { version: 1, default: { accumulator: acc, recompute: { tau, format: 'f32' } } };
      const model = alloy.load(bundle, { precision });
      try {
        const y = bytesOf(model.run({ x }).y.data);
        chunks.push(y);
        parts[`${acc}-tau${tau}`] = (await sha256(y)).slice(0, 16);
      } finally {
        model.dispose();
      }
    }
  }
  return { case: 'recompute-mlp', sha256: await sha256(chunks), parts };
}

// The typed runtime: integer and boolean arithmetic, numpy broadcasting of two activations
// ([n, 40, 12] - [n, 40, 1], layer-norm style), f64, shapes read from the feeds (Shape ->
// Reshape, a Reshape target fed as an input, ConstantOfShape), at two input-shape signatures.
async function caseTyped(alloy: Alloy, writeBundle: WriteBundle): Promise<CaseResult> {
  const n = (name: string, op: string, inputs: string[], out: string, attrs: any = {}) => ({ name, op, inputs, outputs: [out], attrs });
  const nodes = [
    n('m1', 'Mul', ['i', 'i'], 'i2'), n('md', 'Mod', ['i2', 'seven'], 'i3'), n('pw', 'Pow', ['i3', 'two'], 'i4'),
    n('sh', 'BitShift', ['i4', 'one'], 'i5', { direction: 'RIGHT' }), n('dv', 'Div', ['i5', 'i'], 'iy'),
    n('lt', 'Less', ['i', 'i3'], 'b1'), n('eq', 'Equal', ['i3', 'zero'], 'b2'), n('or', 'Or', ['b1', 'b2'], 'b3'), n('xo', 'Xor', ['b3', 'b1'], 'by'),
    n('sub', 'Sub', ['x', 'mu'], 'd'), n('sq', 'Mul', ['d', 'd'], 'd2'), n('mx', 'Max', ['d2', 'x'], 'd3'), n('dvf', 'Div', ['d3', 'mu'], 'fy'),
    n('f64', 'Div', ['w', 'w2'], 'wy'),
    n('shape', 'Shape', ['x'], 's'), n('flat', 'Reshape', ['fy', 'flat2'], 'f2'), n('back', 'Reshape', ['f2', 's'], 'ry'),
    n('t', 'Reshape', ['x', 'tgt'], 'ty'), n('zeros', 'ConstantOfShape', ['s'], 'zy', { dtype: 'i64', value: [255, 255, 255, 255, 255, 255, 255, 127] }),
  ];
  const bundle = writeBundle({
    graph: {
      inputs: [{ name: 'i', shape: [-1, 5], format: 'i32' }, { name: 'x', shape: [-1, 40, 12], format: 'f32' }, { name: 'mu', shape: [-1, 40, 1], format: 'f32' },
        { name: 'w', shape: [-1], format: 'f64' }, { name: 'tgt', shape: [3], format: 'i64' }],
      outputs: ['iy', 'by', 'fy', 'wy', 'ry', 'ty', 'zy'].map((name) => ({ name, shape: [-1] })),
      nodes,
    },
    tensors: { seven: { format: 'i32', shape: [], data: new Int32Array([7]) }, two: { format: 'i32', shape: [1], data: new Int32Array([2]) }, one: { format: 'i32', shape: [1], data: new Int32Array([1]) },
      zero: { format: 'i32', shape: [], data: new Int32Array([0]) }, w2: { format: 'f64', shape: [1], data: new Float64Array([3]) }, flat2: { format: 'i64', shape: [2], data: new BigInt64Array([-1n, 12n]) } },
  });
  const model = alloy.load(bundle);
  try {
    const chunks: Uint8Array[] = [];
    for (const b of [1, 3]) {
      const next = rng(0x7e + b);
      const i = new Int32Array(b * 5).map(() => (next() % 41) - 20);
      const x = new Float32Array(b * 480).map(() => symmetric(next, pow2(1)));
      const mu = new Float32Array(b * 40).map(() => symmetric(next, pow2(0)));
      const w = new Float64Array(b * 4).map(() => (next() % 2001) - 1000);
      const r = model.run({ i, x: { data: x, shape: [b, 40, 12] }, mu: { data: mu, shape: [b, 40, 1] }, w, tgt: new BigInt64Array([BigInt(b), 12n, -1n]) });
      for (const k of ['iy', 'by', 'fy', 'wy', 'ry', 'ty', 'zy']) chunks.push(new Uint8Array(new Int32Array(r[k].shape).buffer), bytesOf(r[k].data));
    }
    return { case: 'typed', sha256: await sha256(chunks) };
  } finally {
    model.dispose();
  }
}

export const CASES = ['mlp-784-512-256-128-64-10', 'casts', 'mx', 'ops', 'mixed-precision-mlp', 'recompute-mlp', 'conv-paths', 'typed', 'families'];

/** Runs every case; a case that throws is reported with ok: false and no hash. */
export async function runCorpus(alloy: Alloy, writeBundle: WriteBundle, quantize: Quantize): Promise<CaseResult[]> {
  const runs: [string, () => Promise<CaseResult>][] = [
    [CASES[0], () => caseMLP(alloy, writeBundle)],
    [CASES[1], () => caseCasts(alloy)],
    [CASES[2], () => caseMX(alloy)],
    [CASES[3], () => caseOps(alloy, writeBundle)],
    [CASES[4], () => caseMixed(alloy, writeBundle, quantize)],
    [CASES[5], () => caseRecompute(alloy, writeBundle)],
    [CASES[6], () => caseConvPaths(alloy, writeBundle, quantize)],
    [CASES[7], () => caseTyped(alloy, writeBundle)],
    [CASES[8], () => caseFamilies(alloy, writeBundle)],
  ];
  const out: CaseResult[] = [];
  for (const [name, fn] of runs) {
    try {
      out.push(await fn());
    } catch (e: any) {
      out.push({ case: name, sha256: '', ok: false, detail: `threw ${e?.name ?? 'Error'}: ${e?.message ?? e}` });
    }
  }
  return out;
}

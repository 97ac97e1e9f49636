// Benchmark models built twice, for Alloy (bundle) and for onnxruntime-web (ONNX bytes), from the
// same seeded weights. Quantized variants take their codes and scales from Alloy's quantizeTensor
// output, so both sides compute with identical values.
//
//  - MLP 784-512-256-128-64-10 (scripts/seeded-mlp.ts weights) in weight formats f32, f16 (also
//    loaded with decodeWeights: f16-decoded), i8 (per channel, symmetric), i4 (per group: 32,
//    except 16 for fc1 whose K = 784 is not a multiple of 32) and w8a8 (i8 weights + the precision map { default: { activations: 'i8' } }).
//  - CNN 28x28x1: conv3x3 1->32 + relu, conv3x3 32->64 + relu, maxpool 2x2/2, flatten, dense 9216->10.
//    Alloy NHWC / OHWI; ORT NCHW / OIHW with the dense columns permuted to the C,H,W flatten order.
import { xorshift32, uniform, initScale, MLP_LAYERS } from '../scripts/seeded-mlp.ts';
import { buildModel, type Node, type Initializer } from './peers/onnx-build.ts';

type Entry = { format: string; shape: number[]; data: ArrayBufferView; scale?: string; group?: number; zeroPoint?: string };
export type Writer = (b: any) => Uint8Array;
export type Quantize = (name: string, values: Float32Array, shape: number[], format: string, opts?: any) => Record<string, Entry>;

/** The seeded MLP's weights, regenerated in the order seededMLP draws them: per layer W [N,K], bias [N]. */
/** FLOPs of one MLP row (multiply-add = 2). */
export const mlpFlops = (layers = MLP_LAYERS) => { let f = 0; for (let l = 0; l + 1 < layers.length; l++) f += 2 * layers[l] * layers[l + 1]; return f; };

export function mlpWeights(layers = MLP_LAYERS, seed = 1) {
  const next = xorshift32(seed);
  const out: { W: Float32Array; b: Float32Array; N: number; K: number }[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const [K, N] = [layers[l], layers[l + 1]];
    const W = uniform(N * K, initScale(K), next);
    const b = uniform(N, 2 ** -4, next);
    out.push({ W, b, N, K });
  }
  return out;
}

// f16-decoded: the f16 bundle loaded with { decodeWeights: true } (weights held as f32).
export type MlpVariant = 'f32' | 'f16' | 'f16-decoded' | 'i8' | 'w8a8' | 'i4';

/** ORT forms per variant; the first is the default. */
export const ORT_FORMS: Record<MlpVariant, string[]> = {
  f32: ['gemm'],
  f16: ['f16-cast-gemm', 'f16-as-f32-gemm'],     // fp16 initializers + Cast(to f32) + Gemm | f32 initializers holding the f16-rounded values
  'f16-decoded': ['f16-cast-gemm', 'f16-as-f32-gemm'],
  i8: ['dq-gemm', 'nbits8'],                     // DequantizeLinear(int8, per-row scale, axis 0) + Gemm | MatMulNBits bits 8 (row scale repeated per block)
  w8a8: ['dynq-matmulinteger', 'dynq-matmul-ms'], // DynamicQuantizeLinear + MatMulInteger + Cast + Mul + Add | com.microsoft DynamicQuantizeMatMul
  i4: ['nbits4', 'dq4-gemm'],                    // MatMulNBits bits 4 | DequantizeLinear int4 blocked (opset 21) + Gemm
};

/** i4 group size per layer: 32 where it divides K (Alloy needs groups that divide the row), else 16. */
export const i4Group = (K: number) => (K % 32 === 0 ? 32 : 16);

export interface MlpPair {
  bundle: Uint8Array;
  options?: Record<string, unknown>;              // Alloy's load() options (precision override, decodeWeights)
  onnx: (form: string) => Uint8Array;             // ORT model in a given form
  tensors: Record<string, Entry>;
}

export function mlpPair(writeBundle: Writer, quantizeTensor: Quantize, variant: MlpVariant, layers = MLP_LAYERS, seed = 1): MlpPair {
  const w = mlpWeights(layers, seed);
  const tensors: Record<string, Entry> = {};
  const nodes: any[] = [];
  let prev = 'x';
  w.forEach((l, i) => {
    const name = `fc${i + 1}`;
    const fmt = variant === 'w8a8' ? 'i8' : variant === 'f16-decoded' ? 'f16' : variant;
    const opts = fmt === 'i8' ? { granularity: 'channel', symmetric: true } : fmt === 'i4' ? { granularity: 'group', groupSize: i4Group(l.K), symmetric: true } : {};
    Object.assign(tensors, quantizeTensor(`${name}.weight`, l.W, [l.N, l.K], fmt, opts));
    tensors[`${name}.bias`] = { format: 'f32', shape: [l.N], data: l.b };
    const last = i + 1 === w.length;
    const out = last ? 'logits' : `h${i + 1}`;
    nodes.push({ name, op: 'Dense', inputs: [prev, `${name}.weight`, `${name}.bias`], outputs: [out], attrs: { activation: last ? 'none' : 'relu' } });
    prev = out;
  });
  nodes.push({ name: 'softmax', op: 'Softmax', inputs: ['logits'], outputs: ['probs'] });
  const bundle = writeBundle({
    graph: {
      inputs: [{ name: 'x', shape: [-1, layers[0]], format: 'f32' }],
      outputs: [{ name: 'probs', shape: [-1, layers[layers.length - 1]], format: 'f32' }],
      nodes,
    },
    tensors,
    metadata: { model: `seeded MLP ${layers.join('-')} (${variant})`, seed },
  });
  const options = variant === 'w8a8' ? { precision: { version: 1, default: { activations: 'i8' } } } : variant === 'f16-decoded' ? { decodeWeights: true } : undefined;
  return { bundle, options, tensors, onnx: (form) => mlpOnnx(w, tensors, variant, form, layers) };
}

/** binary16 codes -> their exact f32 values (bench-side, for the ORT graph only). */
function f16ToF32(c: Uint16Array): Float32Array {
  const out = new Float32Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const h = c[i], e = (h >> 10) & 31, m = h & 1023, sg = h & 0x8000 ? -1 : 1;
    out[i] = sg * (e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1024 + m) * 2 ** (e - 25));
  }
  return out;
}

const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

function mlpOnnx(w: ReturnType<typeof mlpWeights>, t: Record<string, Entry>, variant: MlpVariant, form: string, layers: number[]): Uint8Array {
  if (!ORT_FORMS[variant].includes(form)) throw new Error(`mlpOnnx: no form ${form} for ${variant}`);
  const nodes: Node[] = [];
  const inits: Initializer[] = [];
  let opset = 17;
  let prev = 'x';
  w.forEach((l, i) => {
    const p = `fc${i + 1}`, { N, K } = l;
    const last = i + 1 === w.length;
    const z = last ? 'logits' : `z${i + 1}`;
    const wt = t[`${p}.weight`];
    const scale = wt.scale ? (t[wt.scale].data as Float32Array) : undefined;
    inits.push({ name: `${p}.bias`, shape: [N], data: l.b });
    if (form === 'gemm') {
      inits.push({ name: `${p}.weight`, shape: [N, K], data: l.W });
      nodes.push({ op: 'Gemm', inputs: [prev, `${p}.weight`, `${p}.bias`], outputs: [z], attrs: { transB: 1 } });
    } else if (form === 'f16-cast-gemm') {
      inits.push({ name: `${p}.weight_f16`, shape: [N, K], data: wt.data, type: 'float16' });
      nodes.push({ op: 'Cast', inputs: [`${p}.weight_f16`], outputs: [`${p}.weight`], attrs: { to: 1 } });
      nodes.push({ op: 'Gemm', inputs: [prev, `${p}.weight`, `${p}.bias`], outputs: [z], attrs: { transB: 1 } });
    } else if (form === 'f16-as-f32-gemm') {
      inits.push({ name: `${p}.weight`, shape: [N, K], data: f16ToF32(wt.data as Uint16Array) });
      nodes.push({ op: 'Gemm', inputs: [prev, `${p}.weight`, `${p}.bias`], outputs: [z], attrs: { transB: 1 } });
    } else if (form === 'dq-gemm') {
      inits.push({ name: `${p}.weight_q`, shape: [N, K], data: wt.data, type: 'int8' }, { name: `${p}.weight_scale`, shape: [N], data: scale! });
      nodes.push({ op: 'DequantizeLinear', inputs: [`${p}.weight_q`, `${p}.weight_scale`], outputs: [`${p}.weight`], attrs: { axis: 0 } });
      nodes.push({ op: 'Gemm', inputs: [prev, `${p}.weight`, `${p}.bias`], outputs: [z], attrs: { transB: 1 } });
    } else if (form === 'nbits8' || form === 'nbits4') {
      // MatMulNBits: B [N, blocks, block_size * bits / 8] unsigned codes (q + 2^(bits-1), the default
      // zero point), blocks along K, low nibble first; scales [N, blocks].
      // i8 per channel: ORT allows blocks of 16..256 only, so the largest power of two <= 256 that
      // divides K, with the row's scale repeated in each block (the same values as one scale per row).
      const bits = form === 'nbits8' ? 8 : 4;
      const bs = bits === 8 ? 2 ** Math.min(8, Math.log2(K & -K)) : wt.group!;
      if (K % bs !== 0 || bs < 16) throw new Error(`${form}: K ${K} must be a multiple of a block of 16..256`);
      const nb = K / bs, blob = (bs * bits) / 8;
      const codes = bytesOf(wt.data);
      const B = new Uint8Array(N * nb * blob);
      let S = scale!;
      if (bits === 8) {
        for (let j = 0; j < B.length; j++) B[j] = (codes[j] + 128) & 255;          // i8 -> q + 128 (the default zero point)
        S = new Float32Array(N * nb);
        for (let n = 0; n < N; n++) S.fill(scale![n], n * nb, (n + 1) * nb);
      } else {
        for (let j = 0; j < B.length; j++) B[j] = codes[j] ^ 0x88;                  // i4 two's complement -> q + 8, per nibble
      }
      inits.push({ name: `${p}.weight_nb`, shape: [N, nb, blob], data: B, type: 'uint8' }, { name: `${p}.weight_scale`, shape: [N, nb], data: S });
      nodes.push({ op: 'MatMulNBits', domain: 'com.microsoft', inputs: [prev, `${p}.weight_nb`, `${p}.weight_scale`], outputs: [`${z}_mm`], attrs: { K, N, bits, block_size: bs } });
      nodes.push({ op: 'Add', inputs: [`${z}_mm`, `${p}.bias`], outputs: [z] });
    } else if (form === 'dq4-gemm') {
      opset = 21;
      inits.push({ name: `${p}.weight_q`, shape: [N, K], data: wt.data, type: 'int4' }, { name: `${p}.weight_scale`, shape: [N, K / wt.group!], data: scale! });
      nodes.push({ op: 'DequantizeLinear', inputs: [`${p}.weight_q`, `${p}.weight_scale`], outputs: [`${p}.weight`], attrs: { axis: 1, block_size: wt.group! } });
      nodes.push({ op: 'Gemm', inputs: [prev, `${p}.weight`, `${p}.bias`], outputs: [z], attrs: { transB: 1 } });
    } else if (form === 'dynq-matmulinteger' || form === 'dynq-matmul-ms') {
      // W^T [K, N] int8 codes (MatMul orientation), per-column scales.
      const codes = new Int8Array(wt.data.buffer, wt.data.byteOffset, N * K), WT = new Int8Array(K * N);
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) WT[k * N + n] = codes[n * K + k];
      inits.push({ name: `${p}.weight_qT`, shape: [K, N], data: WT, type: 'int8' }, { name: `${p}.weight_scale`, shape: [N], data: scale! });
      if (form === 'dynq-matmul-ms') {
        nodes.push({ op: 'DynamicQuantizeMatMul', domain: 'com.microsoft', inputs: [prev, `${p}.weight_qT`, `${p}.weight_scale`, '', `${p}.bias`], outputs: [z] });
      } else {
        // The form onnxruntime.quantization.quantize_dynamic writes (ORT fuses it to DynamicQuantizeMatMul).
        nodes.push({ op: 'DynamicQuantizeLinear', inputs: [prev], outputs: [`${p}.xq`, `${p}.xs`, `${p}.xzp`] });
        nodes.push({ op: 'MatMulInteger', inputs: [`${p}.xq`, `${p}.weight_qT`, `${p}.xzp`], outputs: [`${p}.acc`] });
        nodes.push({ op: 'Cast', inputs: [`${p}.acc`], outputs: [`${p}.accf`], attrs: { to: 1 } });
        nodes.push({ op: 'Mul', inputs: [`${p}.xs`, `${p}.weight_scale`], outputs: [`${p}.s`] });
        nodes.push({ op: 'Mul', inputs: [`${p}.accf`, `${p}.s`], outputs: [`${p}.mm`] });
        nodes.push({ op: 'Add', inputs: [`${p}.mm`, `${p}.bias`], outputs: [z] });
      }
    } else throw new Error(`mlpOnnx: form ${form}`);
    if (!last) { nodes.push({ op: 'Relu', inputs: [z], outputs: [`h${i + 1}`] }); prev = `h${i + 1}`; }
  });
  nodes.push({ op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: -1 } });
  return buildModel({
    inputs: [{ name: 'x', shape: ['batch', layers[0]] }],
    outputs: [{ name: 'probs', shape: ['batch', layers[layers.length - 1]] }],
    initializers: inits, nodes, opset,
  });
}

// ---- CNN ----

export const CNN = { H: 28, W: 28, C: 1, C1: 32, C2: 64, K: 3, classes: 10 };

export function cnnWeights(seed = 7) {
  const { C, C1, C2, K, classes } = CNN;
  const next = xorshift32(seed);
  const w1 = uniform(C1 * K * K * C, initScale(K * K * C), next);      // OHWI
  const b1 = uniform(C1, 2 ** -4, next);
  const w2 = uniform(C2 * K * K * C1, initScale(K * K * C1), next);    // OHWI
  const b2 = uniform(C2, 2 ** -4, next);
  const PH = (CNN.H - 2 * (K - 1)) / 2, PW = (CNN.W - 2 * (K - 1)) / 2; // 12 x 12
  const F = PH * PW * C2;                                               // 9216
  const wf = uniform(classes * F, initScale(F), next);                  // [10, F], columns in H,W,C order
  const bf = uniform(classes, 2 ** -4, next);
  return { w1, b1, w2, b2, wf, bf, PH, PW, F };
}

/** OHWI -> OIHW */
function ohwiToOihw(w: Float32Array, O: number, H: number, W: number, I: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < O; o++) for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) for (let i = 0; i < I; i++) out[((o * I + i) * H + h) * W + x] = w[((o * H + h) * W + x) * I + i];
  return out;
}

export function cnnPair(writeBundle: Writer, seed = 7): { bundle: Uint8Array; onnx: Uint8Array } {
  const { H, W, C, C1, C2, K, classes } = CNN;
  const w = cnnWeights(seed);
  const bundle = writeBundle({
    graph: {
      inputs: [{ name: 'x', shape: [-1, H, W, C], format: 'f32' }],
      outputs: [{ name: 'logits', shape: [-1, classes], format: 'f32' }],
      nodes: [
        { name: 'conv1', op: 'Conv', inputs: ['x', 'conv1.weight', 'conv1.bias'], outputs: ['c1'], attrs: { pads: 'valid', activation: 'relu' } },
        { name: 'conv2', op: 'Conv', inputs: ['c1', 'conv2.weight', 'conv2.bias'], outputs: ['c2'], attrs: { pads: 'valid', activation: 'relu' } },
        { name: 'pool', op: 'MaxPool', inputs: ['c2'], outputs: ['p'], attrs: { kernel: [2, 2], strides: [2, 2] } },
        { name: 'flatten', op: 'Flatten', inputs: ['p'], outputs: ['f'] },
        { name: 'fc', op: 'Dense', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['logits'], attrs: { activation: 'none' } },
      ],
    },
    tensors: {
      'conv1.weight': { format: 'f32', shape: [C1, K, K, C], data: w.w1 },
      'conv1.bias': { format: 'f32', shape: [C1], data: w.b1 },
      'conv2.weight': { format: 'f32', shape: [C2, K, K, C1], data: w.w2 },
      'conv2.bias': { format: 'f32', shape: [C2], data: w.b2 },
      'fc.weight': { format: 'f32', shape: [classes, w.F], data: w.wf },
      'fc.bias': { format: 'f32', shape: [classes], data: w.bf },
    },
    metadata: { model: 'seeded CNN 28x28x1 conv32-conv64-maxpool-dense10', seed },
  });
  // Dense columns: Alloy flattens (h, w, c), ONNX flattens (c, h, w).
  const hw = w.PH * w.PW;
  const wfc = new Float32Array(w.wf.length);
  for (let n = 0; n < classes; n++) for (let p = 0; p < hw; p++) for (let c = 0; c < C2; c++) wfc[n * w.F + c * hw + p] = w.wf[n * w.F + p * C2 + c];
  const onnx = buildModel({
    inputs: [{ name: 'x', shape: ['batch', C, H, W] }],
    outputs: [{ name: 'logits', shape: ['batch', classes] }],
    initializers: [
      { name: 'conv1.weight', shape: [C1, C, K, K], data: ohwiToOihw(w.w1, C1, K, K, C) },
      { name: 'conv1.bias', shape: [C1], data: w.b1 },
      { name: 'conv2.weight', shape: [C2, C1, K, K], data: ohwiToOihw(w.w2, C2, K, K, C1) },
      { name: 'conv2.bias', shape: [C2], data: w.b2 },
      { name: 'fc.weight', shape: [classes, w.F], data: wfc },
      { name: 'fc.bias', shape: [classes], data: w.bf },
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'conv1.weight', 'conv1.bias'], outputs: ['c1'], attrs: { kernel_shape: [K, K] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', inputs: ['r1', 'conv2.weight', 'conv2.bias'], outputs: ['c2'], attrs: { kernel_shape: [K, K] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'MaxPool', inputs: ['r2'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'fc.weight', 'fc.bias'], outputs: ['logits'], attrs: { transB: 1 } },
    ],
  });
  return { bundle, onnx };
}

/** CNN FLOPs per image (multiply-add = 2). */
export function cnnFlops(): number {
  const { H, W, C, C1, C2, K, classes } = CNN;
  const o1 = (H - K + 1) * (W - K + 1), o2 = (H - 2 * K + 2) * (W - 2 * K + 2);
  const F = (o2 / 4) * C2;
  return 2 * (o1 * C1 * K * K * C + o2 * C2 * K * K * C1 + F * classes);
}

/** Inputs in [0, 1), NHWC; with C = 1 the same bytes are the NCHW tensor. */
export function cnnInputs(n: number, seed = 3): Float32Array {
  const next = xorshift32(seed);
  const out = new Float32Array(n * CNN.H * CNN.W * CNN.C);
  for (let i = 0; i < out.length; i++) out[i] = (next() >>> 8) * 2 ** -24;
  return out;
}

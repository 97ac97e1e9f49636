// Transposed convolutions: TFLite TRANSPOSE_CONV and MediaPipe's custom operator
// "Convolution2DTransposeBias", both as the runtime's ConvTranspose (ONNX semantics, NCHW) between
// two Transposes. Filters are OHWI [OC, KH, KW, IC]; ConvTranspose takes [IC, OC, KH, KW].

import { fail } from '../../../../runtime/errors.js';
import { prod, unsupported, type Ints } from '../../graph.js';
import { permute } from '../../../permute.js';
import type { Handler, TfliteImporter } from '../importer.js';

/** y[n, o, c] = bias[c] + sum x[n, i, ic] w[c, k, ic] over o = i * s - begin + k < want, per
 *  spatial axis: ConvTranspose cropping `begin` and the rest of the full output s (in - 1) + K
 *  (an output past it: output_padding). */
function deconv(m: TfliteImporter, xk: number, wk: number, bk: number | undefined, strides: Ints, begin: Ints, want: Ints, fused: number): void {
  const x = m.act(xk);
  if (x.dtype) unsupported(`input of type ${x.dtype} (f32 is supported)`);
  const w = m.cst(wk, 'filter');
  if (w.dims.length !== 4 || x.shape.length !== 4) fail('BAD_GRAPH', `${m.where()}: filter ${JSON.stringify(w.dims)} / input ${JSON.stringify(x.shape)}, expected OHWI and NHWC`);
  const [OC, KH, KW, IC] = w.dims, ins = [x.shape[1], x.shape[2]], k = [KH, KW];
  if (x.shape[3] !== IC) fail('SHAPE_MISMATCH', `${m.where()}: input has ${x.shape[3]} channels, the filter ${IC}`);
  if (!ins.every((d) => d >= 1) || !strides.every((s) => Number.isSafeInteger(s) && s >= 1)) fail('BAD_GRAPH', `${m.where()}: input ${JSON.stringify(x.shape)}, strides ${JSON.stringify(strides)}`);
  const full = ins.map((d, i) => strides[i] * (d - 1) + k[i]);
  const end = want.map((o, i) => full[i] - begin[i] - o);
  const outPad = end.map((e) => (e < 0 ? -e : 0));
  if (outPad.some((p, i) => p >= strides[i])) unsupported(`an output of ${JSON.stringify(want)} larger than the filter reaches`);
  let bias: string | undefined;
  if (bk !== undefined && m.op.inputs[bk] >= 0) {
    const b = m.cst(bk, 'bias');
    if (prod(b.dims) !== OC) fail('BAD_GRAPH', `${m.where()}: bias has ${prod(b.dims)} values, ${OC} expected`);
    bias = m.f32Tensor(`${m.nodeName}.bias`, m.f32Of(b, 'bias'), [OC]);
  }
  const wt = m.f32Tensor(`${m.nodeName}.weight`, permute(m.dequantAny(w, 'filter'), w.dims, [3, 0, 1, 2]), [IC, OC, KH, KW]);
  const xn = m.tmp('Transpose', [x.name], { perm: [0, 3, 1, 2] }, `${x.name}.nchw`);
  const attrs = { strides, pads: [...begin, ...end.map((e) => Math.max(0, e))], ...(outPad.some((p) => p) ? { output_padding: outPad } : {}) };
  const y = m.tmp('ConvTranspose', [xn, wt, ...(bias ? [bias] : [])], attrs, `${m.nodeName}.nchw`);
  m.emitWithAct('Transpose', [y], { perm: [0, 2, 3, 1] }, fused);
}

/** see: TFLite TRANSPOSE_CONV (inputs output_shape, weights, input, bias (optional); padding SAME /
 *  VALID computed on the output as TFLite's ComputePaddingHeightWidth does; fused activation). */
export const TRANSPOSE_CONV: Handler = (m) => {
  const shape = m.ints(0, 'output_shape');
  const w = m.cst(1, 'filter'), x = m.act(2);
  if (shape.length !== 4 || shape[0] !== x.shape[0] || shape[3] !== w.dims[0]) fail('BAD_GRAPH', `${m.where()}: output_shape ${JSON.stringify(shape)} for input ${JSON.stringify(x.shape)} and filter ${JSON.stringify(w.dims)}`);
  const p = m.opt.u8(0, 0);
  if (p !== 0 && p !== 1) unsupported(`padding ${p}`);
  const strides = [m.opt.i32(2, 1), m.opt.i32(1, 1)], out = [shape[1], shape[2]], k = [w.dims[1], w.dims[2]];
  if (!out.every((d) => Number.isSafeInteger(d) && d >= 1) || !strides.every((s) => s >= 1)) fail('BAD_GRAPH', `${m.where()}: output_shape ${JSON.stringify(shape)}, strides ${JSON.stringify(strides)}`);
  const begin = out.map((o, i) => {
    const n = p === 0 ? Math.ceil(o / strides[i]) : Math.ceil((o - k[i] + 1) / strides[i]);
    return Math.floor(Math.max(0, (n - 1) * strides[i] + k[i] - o) / 2);
  });
  deconv(m, 2, 1, 3, strides, begin, out, m.opt.u8(3, 0));
};

/** see: MediaPipe Convolution2DTransposeBias (inputs input, weights, bias; custom options: the
 *  int32s padding (1 SAME, 2 VALID), stride_w, stride_h): SAME crops max(0, K - (in - 1) % s - 1),
 *  the smaller half first. */
function transposeConvBias(m: TfliteImporter): void {
  const o = m.op.customOptions;
  if (!o || o.length < 12) fail('BAD_GRAPH', `${m.where()}: custom options of ${o?.length ?? 0} bytes (padding, stride_w, stride_h: 12 expected)`);
  const v = new DataView(o.buffer, o.byteOffset, 12);
  const pad = v.getInt32(0, true), strides = [v.getInt32(8, true), v.getInt32(4, true)];
  if (pad !== 1 && pad !== 2) unsupported(`padding ${pad} (1 SAME, 2 VALID)`);
  const x = m.act(0), w = m.cst(1, 'filter');
  if (x.shape.length !== 4 || w.dims.length !== 4 || !strides.every((s) => s >= 1)) fail('BAD_GRAPH', `${m.where()}: input ${JSON.stringify(x.shape)}, filter ${JSON.stringify(w.dims)}, strides ${JSON.stringify(strides)}`);
  const k = [w.dims[1], w.dims[2]], ins = [x.shape[1], x.shape[2]];
  const total = ins.map((d, i) => (pad === 1 ? Math.max(0, k[i] - ((d - 1) % strides[i]) - 1) : 0));
  const out = ins.map((d, i) => strides[i] * (d - 1) + k[i] - total[i]);
  deconv(m, 0, 1, 2, strides, total.map((t) => Math.floor(t / 2)), out, 0);
}

const CUSTOM_OPS: Record<string, Handler> = { Convolution2DTransposeBias: transposeConvBias };
/** A custom operator Alloy knows by its custom_code. */
export const CUSTOM: Handler = (m) => {
  const h = Object.hasOwn(CUSTOM_OPS, m.op.custom) ? CUSTOM_OPS[m.op.custom] : undefined;
  if (!h) unsupported(`custom operator ${JSON.stringify(m.op.custom)} (known: ${Object.keys(CUSTOM_OPS).join(', ')})`);
  h!(m);
};

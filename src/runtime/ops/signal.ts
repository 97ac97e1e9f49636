// Signal operators with ONNX semantics (opset 17): DFT, STFT, HannWindow / HammingWindow /
// BlackmanWindow, MelWeightMatrix. Sizes that decide shapes (dft_length, frame_step,
// frame_length, window size, num_mel_bins ...) are value arguments: infer() reads them. Complex
// values are a trailing dimension of 2 (real, imaginary). Kernels: dft / stft_any__simd128
// (assembly/nd/fft.ts, f64 inside), window_any__scalar, mel_weight_matrix_any__scalar
// (assembly/nd/signal.ts).

import { fail } from '../errors.js';
import { WINDOWS, code } from '../tables.js';
import { dtypeId, dtypeOfId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { intAttr, typeIn, status, indexValues } from './reduce.js';

const dims = (s: number[]) => JSON.stringify(s);
const present = (v: string | undefined): v is string => typeof v === 'string' && v !== '';

/** The one integer of a value argument (a scalar or a one-element tensor), checked to lie in [lo, 2^31). */
function scalarInt(ctx: OpContext, what: string, v: number[] | undefined, lo: number): number {
  if (!v || v.length !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: ${what} must hold one value`);
  if (!Number.isSafeInteger(v[0]) || v[0] < lo || v[0] > 2 ** 31 - 1) fail('BAD_INPUT', `${ctx.where}: ${what} ${v[0]} is outside [${lo}, 2^31)`);
  return v[0];
}
/** The element type attrs.output_datatype names (default f32), f32 or f64. */
function outputType(ctx: OpContext): DType {
  const id = intAttr(ctx, 'output_datatype', 1), t = dtypeOfId(id);
  if (t !== 'f32' && t !== 'f64') fail('UNSUPPORTED_OP', `${ctx.where}: output_datatype ${id} (${t ?? 'unknown'}); f32 (1) and f64 (11) are supported`);
  return t;
}
/** Scratch bytes of transforms of length n (LIMIT_EXCEEDED past the kernels' 2^24). */
function fftScratch(ctx: OpContext, n: number): number {
  const b = ctx.kernels.fft_scratch_bytes(n);
  if (b <= 0) fail('LIMIT_EXCEEDED', `${ctx.where}: a transform of ${n} points (at most 2^24)`);
  return b;
}

/** see: ONNX DFT, opset 17 (axis an attribute; opset 20: input 2). Input (..., 1 | 2). */
export const dft: Builder = (ctx) => {
  const [xName, lenName, axisName] = ctx.node.inputs;
  const t = typeIn(ctx, xName, ['f32', 'f64']);
  const inverse = intAttr(ctx, 'inverse', 0) !== 0, onesided = intAttr(ctx, 'onesided', 0) !== 0;
  if (inverse && onesided) fail('UNSUPPORTED_OP', `${ctx.where}: an inverse onesided DFT`);
  const names = [xName], at: Record<string, number> = {};
  for (const [k, v] of [['len', lenName], ['axis', axisName]] as const) if (present(v)) { typeIn(ctx, v, ['i32', 'i64']); at[k] = names.length; names.push(v); }
  const geo = (x: number[], values: (number[] | undefined)[]) => {
    const r = x.length;
    if (r < 2 || (x[r - 1] !== 1 && x[r - 1] !== 2)) fail('SHAPE_MISMATCH', `${ctx.where}: input of shape ${dims(x)} (its last dimension 1: real, or 2: complex)`);
    const a0 = at.axis !== undefined ? scalarInt(ctx, 'axis', values[at.axis]?.map((a) => (a < 0 ? a + r : a)), 0) : intAttr(ctx, 'axis', 1);
    const a = a0 < 0 ? a0 + r : a0;
    if (!(a >= 0 && a < r - 1)) fail('BAD_GRAPH', `${ctx.where}: axis ${a0} is out of range for input ${dims(x)}`);
    const n = at.len !== undefined ? scalarInt(ctx, 'dft_length', values[at.len], 1) : x[a];
    if (n < 1) fail('SHAPE_MISMATCH', `${ctx.where}: a DFT of length 0 (axis ${a} of ${dims(x)})`);
    if (onesided && x[r - 1] === 2) fail('UNSUPPORTED_OP', `${ctx.where}: onesided output of a complex input`);
    return { a, n, outLen: onesided ? Math.floor(n / 2) + 1 : n };
  };
  let last = { a: 0, n: 1, outLen: 1 };
  return {
    valueInputs: names,
    outTypes: [t],
    valueArgs: names.slice(1).map((_, i) => i + 1),
    infer([x], values) {
      last = geo(x, values);
      return [...x.slice(0, last.a), last.outLen, ...x.slice(last.a + 1, -1), 2];
    },
    scratch: () => fftScratch(ctx, last.n),
    run(ptrs, [x, ...rest], yp, _o, sp) {
      const values = names.map((_, i) => (i === 0 ? undefined : indexValues(ctx.typeOf(names[i])!, ptrs[i], elements(rest[i - 1]))));
      const { a, n, outLen } = geo(x, values);
      const st = ctx.kernels.dft_any__simd128(dtypeId(t), inverse ? 1 : 0, yp, ptrs[0], elements(x.slice(0, a)), x[a], elements(x.slice(a + 1, -1)), x[x.length - 1], n, outLen, sp);
      status(ctx, st, 'DFT');
    },
    dispose() {},
  };
};

/** see: ONNX STFT, opset 17. Inputs signal [batch, length, 1 | 2], frame_step, window?, frame_length?. */
export const stft: Builder = (ctx) => {
  const [xName, stepName, wName, lenName] = ctx.node.inputs;
  const t = typeIn(ctx, xName, ['f32', 'f64']);
  if (!present(stepName)) fail('BAD_GRAPH', `${ctx.where}: STFT needs its frame_step input`);
  typeIn(ctx, stepName, ['i32', 'i64']);
  const hasW = present(wName), hasL = present(lenName);
  if (hasW && typeIn(ctx, wName, ['f32', 'f64']) !== t) fail('BAD_GRAPH', `${ctx.where}: the window is ${ctx.typeOf(wName)}, the signal ${t}`);
  if (hasL) typeIn(ctx, lenName, ['i32', 'i64']);
  if (!hasW && !hasL) fail('BAD_GRAPH', `${ctx.where}: STFT needs a window or a frame_length`);
  const onesided = intAttr(ctx, 'onesided', 1) !== 0;
  const names = [xName, stepName, ...(hasW ? [wName] : []), ...(hasL ? [lenName] : [])];
  const li = names.length - 1;
  const geo = (s: number[][], values: (number[] | undefined)[]) => {
    const x = s[0];
    if (x.length !== 3 || (x[2] !== 1 && x[2] !== 2)) fail('SHAPE_MISMATCH', `${ctx.where}: signal of shape ${dims(x)} ([batch, length, 1 | 2] expected)`);
    if (onesided && x[2] === 2) fail('UNSUPPORTED_OP', `${ctx.where}: onesided output of a complex signal`);
    const step = scalarInt(ctx, 'frame_step', values[1], 1);
    if (hasW && s[2].length !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: window of shape ${dims(s[2])} (one dimension expected)`);
    const len = hasL ? scalarInt(ctx, 'frame_length', values[li], 1) : s[2][0];
    if (hasW && s[2][0] !== len) fail('SHAPE_MISMATCH', `${ctx.where}: window of ${s[2][0]} values for frame_length ${len}`);
    if (len < 1 || len > x[1]) fail('SHAPE_MISMATCH', `${ctx.where}: frame_length ${len} for a signal of ${x[1]} samples`);
    return { step, len, frames: Math.floor((x[1] - len) / step) + 1, bins: onesided ? Math.floor(len / 2) + 1 : len };
  };
  let lastLen = 1;
  return {
    valueInputs: names,
    outTypes: [t],
    valueArgs: hasL ? [1, li] : [1],
    infer(s, values) {
      const g = geo(s, values);
      lastLen = g.len;
      return [s[0][0], g.frames, g.bins, 2];
    },
    scratch: () => fftScratch(ctx, lastLen),
    run(ptrs, s, yp, _o, sp) {
      const values = names.map((n, i) => (i === 1 || (hasL && i === li) ? indexValues(ctx.typeOf(n)!, ptrs[i], elements(s[i])) : undefined));
      const { step, len, frames, bins } = geo(s, values);
      const x = s[0];
      status(ctx, ctx.kernels.stft_any__simd128(dtypeId(t), yp, ptrs[0], hasW ? ptrs[2] : 0, x[0], x[1], x[2], step, len, frames, bins, sp), 'STFT');
    },
    dispose() {},
  };
};

/** see: ONNX HannWindow / HammingWindow / BlackmanWindow, opset 17. Input size; attrs periodic, output_datatype. */
export const window = (kind: 'hann' | 'hamming' | 'blackman'): Builder => (ctx) => {
  const [sName] = ctx.node.inputs;
  typeIn(ctx, sName, ['i32', 'i64']);
  const t = outputType(ctx), periodic = intAttr(ctx, 'periodic', 1) !== 0, k = code(WINDOWS, kind);
  return {
    valueInputs: [sName],
    outTypes: [t],
    valueArgs: [0],
    infer(_s, values) { return [scalarInt(ctx, 'size', values[0], 0)]; },
    run(_p, _s, yp, out) { status(ctx, ctx.kernels.window_any__scalar(dtypeId(t), k, yp, out[0], periodic ? 1 : 0), ctx.node.op); },
    dispose() {},
  };
};

/** see: ONNX MelWeightMatrix, opset 17. Inputs num_mel_bins, dft_length, sample_rate (integers), lower / upper_edge_hertz. */
export const melWeightMatrix: Builder = (ctx) => {
  const ins = ctx.node.inputs;
  if (ins.length !== 5 || !ins.every(present)) fail('BAD_GRAPH', `${ctx.where}: MelWeightMatrix takes 5 inputs`);
  for (const i of [0, 1, 2]) typeIn(ctx, ins[i], ['i32', 'i64']);
  const et = typeIn(ctx, ins[3], ['f32', 'f64']);
  if (typeIn(ctx, ins[4], ['f32', 'f64']) !== et) fail('BAD_GRAPH', `${ctx.where}: lower_edge_hertz and upper_edge_hertz differ in type`);
  const t = outputType(ctx);
  const sizes = (values: (number[] | undefined)[]) => [scalarInt(ctx, 'num_mel_bins', values[0], 0), scalarInt(ctx, 'dft_length', values[1], 1), scalarInt(ctx, 'sample_rate', values[2], 1)];
  return {
    valueInputs: [...ins],
    outTypes: [t],
    valueArgs: [0, 1, 2],
    infer(s, values) {
      for (const i of [3, 4]) if (elements(s[i]) !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: ${ins[i]} of shape ${dims(s[i])} (a scalar expected)`);
      const [m, n] = sizes(values);
      return [Math.floor(n / 2) + 1, m];
    },
    run(p, s, yp) {
      const [m, n, sr] = sizes([0, 1, 2].map((i) => indexValues(ctx.typeOf(ins[i])!, p[i], elements(s[i]))));
      const st = ctx.kernels.mel_weight_matrix_any__scalar(dtypeId(t), yp, m, n, sr, p[3], p[4], dtypeId(et));
      if (st === 3) fail('BAD_INPUT', `${ctx.where}: a band edge lies past the last DFT bin (upper_edge_hertz above sample_rate / 2?)`);
      status(ctx, st, 'MelWeightMatrix');
    },
    dispose() {},
  };
};

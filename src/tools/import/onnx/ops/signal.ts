// Generic rows (../generic.ts) of the signal operators (opset 17): each becomes the runtime node
// of the same name (src/runtime/ops/signal.ts). see: ONNX DFT 17 (opset 20: axis as input 2, default -2),
// STFT 17, HannWindow / HammingWindow / BlackmanWindow 17, MelWeightMatrix 17. A size given by a
// value known only at run time gives -1.

import { unsupported } from '../../graph.js';
import { need, plainAttrs, type GenericRow } from '../generic.js';
import { constScalar } from './indexing.js';
import { dtypeOfId, type DType } from '../../../../runtime/dtype.js';
import type { OnnxImporter } from '../importer.js';

const floats = (t: DType, what: string) => { if (t !== 'f32' && t !== 'f64') unsupported(`${what} of element type ${t} (f32, f64 supported)`); };
const outType = (m: OnnxImporter): DType => {
  const id = m.at.i('output_datatype', 1), t = dtypeOfId(id);
  if (t !== 'f32' && t !== 'f64') unsupported(`output_datatype ${id} (f32 and f64 supported)`);
  return t;
};
const size = (v: number | undefined) => (v === undefined ? -1 : v);
/** The row, refused before opset 17 (where these operators are not defined). */
const from17 = (row: GenericRow): GenericRow => ({ ...row, infer: (ins, m) => (m.opset < 17 ? unsupported(`opset ${m.opset}: ${m.node.op_type} is defined from opset 17`) : row.infer(ins, m)) });

const windowRow: GenericRow = { infer: (ins, m) => [{ dtype: outType(m), shape: [size(constScalar(need(ins, 0, 'size')))] }] };

const ROWS: Record<string, GenericRow> = {
  DFT: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'input'), r = x.shape.length;
      floats(x.dtype, 'input');
      if (r < 2) unsupported(`input of rank ${r}`);
      const axisIn = ins[2];
      const a0 = axisIn ? constScalar(axisIn) : m.opset >= 20 ? -2 : m.at.i('axis', 1);
      if (a0 === undefined) return [{ dtype: x.dtype, shape: [...x.shape.slice(0, -1).map(() => -1), 2] }];
      const a = a0 < 0 ? a0 + r : a0;
      if (!(a >= 0 && a < r - 1)) unsupported(`axis ${a0} out of range for input of rank ${r}`);
      const n = ins[1] ? size(constScalar(ins[1])) : x.shape[a];
      const len = n < 0 ? -1 : m.at.i('onesided', 0) ? Math.floor(n / 2) + 1 : n;
      return [{ dtype: x.dtype, shape: [...x.shape.slice(0, a), len, ...x.shape.slice(a + 1, -1), 2] }];
    },
    // from opset 20 the axis is input 2, by default -2 (the last signal axis)
    attrs: (m) => (m.opset >= 20 && !m.node.input?.[2] ? { ...plainAttrs(m), axis: -2 } : plainAttrs(m)),
  },
  STFT: {
    infer: (ins, m) => {
      const x = need(ins, 0, 'signal');
      floats(x.dtype, 'signal');
      const step = constScalar(need(ins, 1, 'frame_step')), w = ins[2], fl = ins[3] ? constScalar(ins[3]) : w?.shape[0];
      const len = fl === undefined || fl < 0 ? -1 : fl, L = x.shape[1];
      const frames = step === undefined || len < 0 || L === undefined || L < 0 || step < 1 ? -1 : Math.floor((L - len) / step) + 1;
      const bins = len < 0 ? -1 : m.at.i('onesided', 1) ? Math.floor(len / 2) + 1 : len;
      return [{ dtype: x.dtype, shape: [x.shape[0] ?? -1, frames, bins, 2] }];
    },
  },
  HannWindow: windowRow,
  HammingWindow: windowRow,
  BlackmanWindow: windowRow,
  MelWeightMatrix: {
    infer: (ins, m) => {
      const mel = constScalar(need(ins, 0, 'num_mel_bins')), n = constScalar(need(ins, 1, 'dft_length'));
      return [{ dtype: outType(m), shape: [n === undefined ? -1 : Math.floor(n / 2) + 1, size(mel)] }];
    },
  },
};

export const GENERIC_SIGNAL: Record<string, GenericRow> = Object.fromEntries(Object.entries(ROWS).map(([k, r]) => [k, from17(r)]));

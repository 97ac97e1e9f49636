// BatchNormalization where the layout handler (./norm.ts, constants folded into an affine) cannot
// take it: statistics or scale computed at run time, f64 / f16 values, or training_mode = 1 (the
// batch's own statistics, and the running mean / variance outputs). Written as the typed runtime
// ops of its definition, in the spec's order. see: ONNX BatchNormalization, opset 15
//   Y = (X - mean) / sqrt(var + epsilon) * scale + B          (per channel, axis 1)
//   training: mean, var = the batch's mean and (population) variance over every axis but 1;
//   running_mean = input_mean * momentum + mean * (1 - momentum), likewise running_var

import { unsupported } from '../../graph.js';
import type { OnnxImporter } from '../importer.js';
import type { DType } from '../../../../runtime/dtype.js';
import { inOf, plainInput } from '../generic.js';

function scalar(m: OnnxImporter, base: string, dtype: DType, v: number): string {
  const data = dtype === 'f64' ? new Uint8Array(Float64Array.of(v).buffer) : new Uint8Array(Float32Array.of(v).buffer);
  return m.tensor(`${m.nodeName}.${base}`, { format: dtype === 'f64' ? 'f64' : 'f32', shape: [], data });
}

export function batchNormTyped(m: OnnxImporter): void {
  const vals = [0, 1, 2, 3, 4].map((i) => m.need(i));
  const ins = vals.map((v) => inOf(m, v)!);
  const x = ins[0], dtype = x.dtype, r = x.shape.length;
  if (dtype !== 'f32' && dtype !== 'f64') unsupported(`BatchNormalization of ${dtype}`);
  if (r < 2) unsupported(`BatchNormalization of a rank-${r} input`);
  if (ins.some((t) => t.dtype !== dtype)) unsupported(`parameters of types ${ins.map((t) => t.dtype).join(', ')}`);
  const training = m.at.i('training_mode', 0) !== 0;
  const eps = m.at.f('epsilon', 1e-5), momentum = m.at.f('momentum', 0.9);
  const names = vals.map((v, i) => plainInput(m, v, `${m.nodeName}.in${i}`));
  const step = (op: string, inputs: string[], attrs?: Record<string, unknown>) => { const o = m.fresh(`${m.nodeName}.${op.toLowerCase()}`); m.emitN(op, inputs, [o], attrs); return o; };
  const perChannel = m.tensor(`${m.nodeName}.per_channel`, { format: 'i64', shape: [r - 1], data: new Uint8Array(BigInt64Array.from([-1, ...new Array(r - 2).fill(1)], BigInt).buffer) });
  const flat = m.tensor(`${m.nodeName}.flat`, { format: 'i64', shape: [1], data: new Uint8Array(BigInt64Array.of(-1n).buffer) });
  const chan = (n: string) => step('Reshape', [n, perChannel]);
  const axes = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)];
  let mean: string, vr: string;
  let centered: string;
  if (training) {
    mean = step('ReduceMean', [names[0]], { axes, keepdims: 1 });
    centered = step('Sub', [names[0], mean]);
    vr = step('ReduceMean', [step('Mul', [centered, centered])], { axes, keepdims: 1 });
  } else {
    mean = chan(names[3]); vr = chan(names[4]);
    centered = step('Sub', [names[0], mean]);
  }
  const norm = step('Div', [centered, step('Sqrt', [step('Add', [vr, scalar(m, 'epsilon', dtype, eps)])])]);
  const outs = m.node.output ?? [];
  const emitOut = (k: number, op: string, inputs: string[], shape: number[]) => {
    const a = m.out(outs[k], shape, false, dtype);
    m.emitN(op, inputs, [a.name]);
    m.bind(outs[k], a);
  };
  emitOut(0, 'Add', [step('Mul', [norm, chan(names[1])]), chan(names[2])], [...x.shape]);
  if (!training) { m.unusedOutputs(1, 'running mean / var'); return; }
  const keep = scalar(m, 'momentum', dtype, momentum), fresh = scalar(m, 'one_minus_momentum', dtype, 1 - momentum);
  [[3, mean], [4, vr]].forEach(([i, stat], k) => {
    if (!outs[k + 1]) return;
    const blend = [step('Mul', [names[i as number], keep]), step('Mul', [step('Reshape', [stat as string, flat]), fresh])];
    emitOut(k + 1, 'Add', blend, [...ins[i as number].shape]);
  });
}

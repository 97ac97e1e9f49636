// Output shapes and paddings of the N-d convolutions (index arithmetic only), the parameter block
// conv_nd / conv_transpose_nd (assembly/nd/conv.ts) read.
// see: ONNX Conv, opset 11 (auto_pad, pads [begin..., end...]); ConvTranspose, opset 11
// (output_shape, output_padding; "total_padding[i] = stride[i] * (input_size[i] - 1) +
// output_padding[i] + ((kernel_shape[i] - 1) * dilations[i] + 1) - output_shape[i]", SAME_UPPER
// puts the odd pad at the end).

import { fail } from '../errors.js';

export interface ConvAttrs {
  auto_pad?: string; dilations?: number[]; group?: number; kernel_shape?: number[]; pads?: number[]; strides?: number[];
  output_padding?: number[]; output_shape?: number[];
}

export interface ConvGeometry { outShape: number[]; params: Int32Array }

const known = (d: number) => d >= 0;

/** x [N, C, in...], w [OC, C / group, k...] (Conv) or [C, OC / group, k...] (ConvTranspose); -1:
 *  a dim unknown at import (its output dim is -1 too; params are only meaningful on known shapes). */
export function convGeometry(transpose: boolean, x: number[], w: number[], at: ConvAttrs, where: string): ConvGeometry {
  const nsp = x.length - 2;
  const bad = (why: string): never => fail('BAD_GRAPH', `${where}: ${why}`);
  if (nsp < 1 || nsp > 3) fail('UNSUPPORTED_OP', `${where}: ${transpose ? 'ConvTranspose' : 'Conv'} over ${nsp} spatial dims (1 to 3 are supported)`);
  if (w.length !== x.length) fail('SHAPE_MISMATCH', `${where}: weight of rank ${w.length} for an input of rank ${x.length}`);
  const group = at.group ?? 1;
  const [N, C] = x;
  if (!(Number.isInteger(group) && group >= 1)) bad(`group ${group}`);
  const OC = transpose ? w[1] * group : w[0];
  if (known(C) && (transpose ? w[0] !== C : w[1] * group !== C)) fail('SHAPE_MISMATCH', `${where}: weight ${JSON.stringify(w)} with group ${group} does not fit ${C} input channels`);
  if (!transpose && OC % group !== 0) fail('SHAPE_MISMATCH', `${where}: ${OC} output channels are not a multiple of group ${group}`);
  const k = w.slice(2);
  if (at.kernel_shape && (at.kernel_shape.length !== nsp || at.kernel_shape.some((v, i) => v !== k[i]))) fail('SHAPE_MISMATCH', `${where}: kernel_shape ${JSON.stringify(at.kernel_shape)} differs from the weight's ${JSON.stringify(k)}`);
  const list = (v: number[] | undefined, name: string, d: number, n = nsp): number[] => {
    const r = v ?? new Array(n).fill(d);
    if (r.length !== n || r.some((e) => !Number.isInteger(e))) bad(`${name} ${JSON.stringify(v)} (${n} integers expected)`);
    return r;
  };
  const s = list(at.strides, 'strides', 1), d = list(at.dilations, 'dilations', 1);
  if (s.some((e) => e < 1) || d.some((e) => e < 1) || k.some((e) => e < 1)) bad(`strides ${JSON.stringify(s)}, dilations ${JSON.stringify(d)}, kernel ${JSON.stringify(k)} must be positive`);
  const ext = k.map((kk, i) => d[i] * (kk - 1) + 1);
  const ap = at.auto_pad ?? 'NOTSET';
  if (!['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(ap)) bad(`auto_pad ${JSON.stringify(ap)}`);
  const pads = ap === 'NOTSET' ? list(at.pads, 'pads', 0, 2 * nsp) : new Array(2 * nsp).fill(0);
  if (pads.some((p) => p < 0)) bad(`pads ${JSON.stringify(pads)} must not be negative`);
  const ins = x.slice(2), out: number[] = [];
  // the odd pad at the end for SAME_UPPER, at the start otherwise
  const split = (i: number, total: number) => {
    const half = Math.floor(total / 2);
    pads[i] = ap === 'SAME_UPPER' ? half : total - half; pads[i + nsp] = total - pads[i];
  };
  if (!transpose) {
    for (let i = 0; i < nsp; i++) {
      if (!known(ins[i])) { out.push(-1); continue; }   // unknown at import
      if (ap === 'SAME_UPPER' || ap === 'SAME_LOWER') {
        const o = Math.ceil(ins[i] / s[i]);
        split(i, Math.max(0, (o - 1) * s[i] + ext[i] - ins[i]));
      }
      const o = Math.floor((ins[i] + pads[i] + pads[i + nsp] - ext[i]) / s[i]) + 1;
      if (!(o >= 1) && known(ins[i])) fail('SHAPE_MISMATCH', `${where}: spatial dim ${i} of ${ins[i]} (padded ${pads[i]} + ${pads[i + nsp]}) is smaller than the kernel's ${ext[i]}`);
      out.push(o);
    }
  } else {
    const op = list(at.output_padding, 'output_padding', 0);
    if (op.some((v, i) => v < 0 || (v >= s[i] && v >= d[i]))) bad(`output_padding ${JSON.stringify(op)} must be below the stride or the dilation`);
    let os = at.output_shape;
    if (os && os.length === nsp + 2) os = os.slice(2);
    if (os && os.length !== nsp) bad(`output_shape ${JSON.stringify(at.output_shape)} for ${nsp} spatial dims`);
    for (let i = 0; i < nsp; i++) {
      if (!known(ins[i]) && !os) { out.push(-1); continue; }   // unknown at import
      const full = s[i] * (ins[i] - 1) + op[i] + ext[i];
      if (os) { out.push(os[i]); split(i, Math.max(0, full - os[i])); continue; }
      if (ap === 'SAME_UPPER' || ap === 'SAME_LOWER') { const o = ins[i] * s[i]; split(i, Math.max(0, full - o)); out.push(o); continue; }
      const o = full - pads[i] - pads[i + nsp];
      if (!(o >= 1) && known(ins[i])) fail('SHAPE_MISMATCH', `${where}: output dim ${i} would be ${o}`);
      out.push(o);
    }
  }
  const params = new Int32Array([nsp, N, C, OC, group, ...ins.flatMap((v, i) => [v, out[i], k[i], s[i], d[i], pads[i]])]);
  return { outShape: [N, OC, ...out], params };
}

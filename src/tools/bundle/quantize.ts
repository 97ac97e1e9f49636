// Weights into their stored formats, as bundle tensor entries: codes (sub-byte formats packed)
// plus, for quantized formats, the scale (and zero-point) tensors they name.
//  - float formats: codes of the values (rounding by opts.round, saturating).
//  - i8 / u8 / i4: affine, per tensor / per output channel (along opts.axis, default the first:
//    with another axis the entry records it instead of a group) / per group of opts.groupSize
//    along the last axis; scales "<name>.scale" f32, zero points "<name>.zero_point" i32 when
//    asymmetric.
//  - MX: blocks of 32 along the last axis; scales "<name>.scale" e8m0fnu [rows, ceil(K / 32)].

import { fail } from '../../runtime/errors.js';
import { formatByName } from '../../runtime/formats.js';
import { encode, quantizeMX, quantizeAffine, pack, type Rounding } from '../../runtime/cast.js';
import type { TensorInput } from './write.js';
import { permute } from '../permute.js';
import { elements } from '../../runtime/bundle/layout.js';

export interface QuantizeOptions {
  granularity?: 'tensor' | 'channel' | 'group';
  groupSize?: number;
  /** the channel axis of granularity 'channel' (default 0) */
  axis?: number;
  symmetric?: boolean;
  round?: Rounding;
}


export function quantizeTensor(name: string, values: Float32Array, shape: number[], format: string, opts: QuantizeOptions = {}): Record<string, TensorInput> {
  const where = `quantizeTensor(${JSON.stringify(name)}, ${JSON.stringify(format)})`;
  const f = formatByName(format, where);
  const n = elements(shape);
  if (values.length !== n) fail('SHAPE_MISMATCH', `${where}: ${values.length} values for shape ${JSON.stringify(shape)}`);
  const K = shape[shape.length - 1] ?? 1;
  const round = opts.round ?? 'rne';
  if (f.name === 'f32') return { [name]: { format: 'f32', shape, data: values } };
  if (f.kind === 'float') {
    const codes = encode(f.name, values, { round });
    const data = f.bits <= 6 ? pack(f.name, codes as Uint8Array) : codes;
    return { [name]: { format: f.name, shape, data } };
  }
  if (f.kind === 'mx') {
    const rows = n / K, nb = Math.ceil(K / 32);
    const elems = new Uint8Array(n), scales = new Uint8Array(rows * nb);
    if (K % 32 === 0) {
      const q = quantizeMX(f.name, values, { round });
      elems.set(q.elements); scales.set(q.scales);
    } else {
      for (let r = 0; r < rows; r++) {
        const q = quantizeMX(f.name, values.subarray(r * K, (r + 1) * K), { round });
        elems.set(q.elements, r * K); scales.set(q.scales, r * nb);
      }
    }
    return {
      [name]: { format: f.name, shape, data: pack(f.name, elems), scale: `${name}.scale` },
      [`${name}.scale`]: { format: 'e8m0fnu', shape: [rows, nb], data: scales },
    };
  }
  if (f.kind === 'int' && f.name !== 'i16' && f.name !== 'i32') {
    const g = opts.granularity ?? 'channel';
    const group = g === 'tensor' ? n : g === 'channel' ? n / (shape[0] ?? 1) : opts.groupSize ?? 0;
    if (g === 'group' && (!Number.isSafeInteger(group) || group < 1 || K % group !== 0)) fail('BAD_OPTION', `${where}: groupSize must divide the last dimension ${K}`);
    const symmetric = opts.symmetric ?? f.name !== 'u8';
    const axis = g === 'channel' ? opts.axis ?? 0 : 0;
    if (!Number.isSafeInteger(axis) || axis < 0 || axis >= Math.max(shape.length, 1)) fail('BAD_OPTION', `${where}: axis ${JSON.stringify(opts.axis)} is not a dimension of ${JSON.stringify(shape)}`);
    let q: ReturnType<typeof quantizeAffine>;
    if (axis === 0) q = quantizeAffine(f.name, values, { groupSize: group, symmetric, round });
    else {
      // channel along another axis: quantize the [D, outer * inner] transpose by rows (the same
      // arithmetic per element), then put the codes back in place
      const D = shape[axis], inner = elements(shape.slice(axis + 1)), outer = n / (D * inner);
      const qt = quantizeAffine(f.name, permute(values, [outer, D, inner], [1, 0, 2]), { groupSize: outer * inner, symmetric, round });
      q = { ...qt, codes: permute(qt.codes, [D, outer, inner], [1, 0, 2]) };
    }
    const bytes = new Uint8Array(q.codes.buffer, q.codes.byteOffset, q.codes.byteLength);
    const out: Record<string, TensorInput> = {
      [name]: { format: f.name, shape, data: f.name === 'i4' ? pack('i4', bytes) : bytes, scale: `${name}.scale`, ...(axis === 0 ? { group } : { axis }) },
      [`${name}.scale`]: { format: 'f32', shape: [q.scales.length], data: q.scales },
    };
    if (!symmetric) {
      out[name].zeroPoint = `${name}.zero_point`;
      out[`${name}.zero_point`] = { format: 'i32', shape: [q.zeroPoints.length], data: q.zeroPoints };
    }
    return out;
  }
  return fail('BAD_ARGUMENT', `${where}: ${f.name} is not a weight format`);
}

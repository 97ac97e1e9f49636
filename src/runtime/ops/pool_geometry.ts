// Output shapes and paddings of the N-d pooling windows (index arithmetic only) and the parameter
// block pool_nd (assembly/nd/pool.ts) reads: [nsp, N, C, mode, storage_order, per spatial dim:
// in, out, k, stride, dilation, pad_begin, pad_end].
// see: ONNX MaxPool, opset 12 / AveragePool, opset 19 (output = floor or, with ceil_mode, ceil of
// (in + pads - ((k - 1) * dilation + 1)) / stride + 1, a last window starting past the input and
// its leading pad dropped; SAME_UPPER / SAME_LOWER: output ceil(in / stride), the odd pad at the
// end / start; VALID: no pads); MaxUnpool, opset 11 ((in - 1) * stride + k - pads).

import { fail } from '../errors.js';

export interface PoolAttrs {
  auto_pad?: unknown; kernel_shape?: unknown; strides?: unknown; pads?: unknown; dilations?: unknown;
  ceil_mode?: unknown; storage_order?: unknown;
}

export interface PoolGeometry { outShape: number[]; kernel: number[]; strides: number[]; pads: number[]; dilations: number[]; params: Int32Array }

const known = (d: number) => d >= 0;

function ints(v: unknown, name: string, n: number, dflt: number, where: string): number[] {
  const r = v === undefined ? new Array(n).fill(dflt) : v;
  if (!Array.isArray(r) || r.length !== n || !r.every((e) => Number.isSafeInteger(e))) fail('BAD_GRAPH', `${where}: ${name} ${JSON.stringify(v)} (${n} integers expected)`);
  return r as number[];
}

function int(v: unknown, name: string, dflt: number, ok: number[], where: string): number {
  const r = v ?? dflt;
  if (!ok.includes(r as number)) fail('BAD_GRAPH', `${where}: ${name} ${JSON.stringify(v)} (one of ${ok.join(', ')} expected)`);
  return r as number;
}

/** x [N, C, in...] (-1: a dim unknown at import, whose output dim is -1 too). `global`: the window
 *  is the whole of each spatial dim (Global*Pool). */
export function poolGeometry(x: number[], at: PoolAttrs, where: string, global = false): PoolGeometry {
  const nsp = x.length - 2;
  if (nsp < 1 || nsp > 3) fail('UNSUPPORTED_OP', `${where}: pooling over ${Math.max(nsp, 0)} spatial dims (1 to 3 are supported)`);
  const ins = x.slice(2);
  if (global) {
    const p = new Int32Array([nsp, x[0], x[1], 0, 0, ...ins.flatMap((d) => [d, 1, Math.max(d, 1), 1, 1, 0, 0])]);
    return { outShape: [x[0], x[1], ...ins.map(() => 1)], kernel: ins, strides: ins.map(() => 1), pads: new Array(2 * nsp).fill(0), dilations: ins.map(() => 1), params: p };
  }
  const k = ints(at.kernel_shape, 'kernel_shape', nsp, 0, where);
  if (at.kernel_shape === undefined) fail('BAD_GRAPH', `${where}: kernel_shape is required`);
  const s = ints(at.strides, 'strides', nsp, 1, where), d = ints(at.dilations, 'dilations', nsp, 1, where);
  if (k.some((e) => e < 1) || s.some((e) => e < 1) || d.some((e) => e < 1)) fail('BAD_GRAPH', `${where}: kernel_shape ${JSON.stringify(k)}, strides ${JSON.stringify(s)}, dilations ${JSON.stringify(d)} must be positive`);
  if ([...k, ...s, ...d].some((e) => e > 1 << 24) || k.reduce((a, b) => a * b, 1) > 1 << 24) fail('UNSUPPORTED_OP', `${where}: kernel_shape ${JSON.stringify(k)}, strides ${JSON.stringify(s)}, dilations ${JSON.stringify(d)} (windows of at most 2^24 taps are supported)`);
  const ceil = int(at.ceil_mode, 'ceil_mode', 0, [0, 1], where) === 1;
  const order = int(at.storage_order, 'storage_order', 0, [0, 1], where);
  const ap = at.auto_pad ?? 'NOTSET';
  if (typeof ap !== 'string' || !['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(ap)) fail('BAD_GRAPH', `${where}: auto_pad ${JSON.stringify(ap)}`);
  const pads = ap === 'NOTSET' ? [...ints(at.pads, 'pads', 2 * nsp, 0, where)] : new Array(2 * nsp).fill(0);
  if (pads.some((p) => p < 0)) fail('BAD_GRAPH', `${where}: pads ${JSON.stringify(pads)} must not be negative`);
  if (pads.some((p) => p > 1 << 24)) fail('UNSUPPORTED_OP', `${where}: pads ${JSON.stringify(pads)} (at most 2^24 are supported)`);
  const out: number[] = [];
  for (let i = 0; i < nsp; i++) {
    const ext = d[i] * (k[i] - 1) + 1, n = ins[i];
    if (!known(n)) { out.push(-1); continue; }
    if (ap === 'SAME_UPPER' || ap === 'SAME_LOWER') {
      const o = Math.ceil(n / s[i]), total = Math.max(0, (o - 1) * s[i] + ext - n), half = Math.floor(total / 2);
      pads[i] = ap === 'SAME_UPPER' ? half : total - half; pads[i + nsp] = total - pads[i];
      out.push(o);
      continue;
    }
    const span = n + pads[i] + pads[i + nsp] - ext;
    if (span < 0) fail('SHAPE_MISMATCH', `${where}: spatial dim ${i} of ${n} (padded ${pads[i]} + ${pads[i + nsp]}) is smaller than the window's ${ext}`);
    let o = (ceil ? Math.ceil(span / s[i]) : Math.floor(span / s[i])) + 1;
    if (ceil && (o - 1) * s[i] >= n + pads[i]) o--;
    out.push(o);
  }
  const params = new Int32Array([nsp, x[0], x[1], 0, order, ...ins.flatMap((v, i) => [v, out[i], k[i], s[i], d[i], pads[i], pads[i + nsp]])]);
  return { outShape: [x[0], x[1], ...out], kernel: k, strides: s, pads, dilations: d, params };
}

/** MaxUnpool's default output: [N, C, (in - 1) * stride + k - pad_begin - pad_end ...]. */
export function unpoolShape(x: number[], at: PoolAttrs, where: string): number[] {
  const nsp = x.length - 2;
  if (nsp < 1 || nsp > 3) fail('UNSUPPORTED_OP', `${where}: MaxUnpool over ${Math.max(nsp, 0)} spatial dims (1 to 3 are supported)`);
  if (at.kernel_shape === undefined) fail('BAD_GRAPH', `${where}: kernel_shape is required`);
  const k = ints(at.kernel_shape, 'kernel_shape', nsp, 0, where), s = ints(at.strides, 'strides', nsp, 1, where);
  const pads = ints(at.pads, 'pads', 2 * nsp, 0, where);
  if (k.some((e) => e < 1) || s.some((e) => e < 1) || pads.some((e) => e < 0)) fail('BAD_GRAPH', `${where}: kernel_shape ${JSON.stringify(k)}, strides ${JSON.stringify(s)} must be positive, pads ${JSON.stringify(pads)} not negative`);
  return [x[0], x[1], ...x.slice(2).map((n, i) => {
    if (!known(n)) return -1;
    const o = (n - 1) * s[i] + k[i] - pads[i] - pads[i + nsp];
    if (o < 0) fail('SHAPE_MISMATCH', `${where}: spatial dim ${i} would be ${o}`);
    return o;
  })];
}

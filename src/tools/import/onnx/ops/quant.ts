// ONNX QuantizeLinear / DequantizeLinear: on constants, the codes of int8 / uint8 weights are
// kept with their scales and zero points (per tensor or per axis); on activations a Q -> DQ pair
// becomes one FakeQuant. See: ONNX QuantizeLinear / DequantizeLinear, opset 21.

import { fail } from '../../../../runtime/errors.js';
import { perAxis, prod, unsupported, type Ints } from '../../graph.js';
import * as M from '../../math.js';
import { DT } from '../proto.js';
import type { Handler, OnnxImporter } from '../importer.js';
import { normAxis, type Const, type QAct } from '../values.js';

function qParams(m: OnnxImporter, si: number, zi: number): { scale: Float32Array; zp: Int32Array; fmt: 'i8' | 'u8' | 'i32' | null; sdims: Ints } {
  const sc = m.cst(si, 'scale');
  const scale = m.f32Of(sc, 'scale');
  const zc = m.optCst(zi, 'zero_point');
  let fmt: 'i8' | 'u8' | 'i32' | null = null;
  let zp = new Int32Array(scale.length);
  if (zc) {
    if (zc.dtype === 'i8' || zc.dtype === 'u8' || zc.dtype === 'i32') fmt = zc.dtype;
    else unsupported(`zero point of type ${zc.dtype} (int8 and uint8 are supported)`);
    zp = Int32Array.from(zc.data as ArrayLike<number>);
    if (zp.length !== scale.length) fail('BAD_GRAPH', `${m.where()}: ${zp.length} zero points for ${scale.length} scales`);
  }
  if (m.at.i('block_size', 0) > 0) unsupported('blocked quantization (block_size)');
  return { scale, zp, fmt, sdims: sc.dims };
}

export const QuantizeLinear: Handler = (m) => {
  const v = m.need(0);
  const { scale, zp, fmt: zf, sdims } = qParams(m, 1, 2);
  const od = m.at.i('output_dtype', 0);
  const fmt = zf ?? (od === DT.INT8 ? 'i8' : od === 0 || od === DT.UINT8 ? 'u8' : unsupported(`output type ${od}`));
  if (fmt === 'i32') unsupported('int32 quantization');
  if (v.kind === 'act') {
    // a quantized graph output is computed as the typed op (./qlinear.ts), not folded
    if (m.graphOutputs.has(m.output())) unsupported('a quantized graph output');
    if (scale.length !== 1) unsupported('per-axis quantization of an activation');
    m.bind(m.output(), { kind: 'qact', x: v, scale: scale[0], zp: zp[0], fmt, qName: m.output() });
    return;
  }
  if (v.kind !== 'const') unsupported('input is already quantized');
  const c = v as Const;
  const r = c.dims.length;
  const axis = scale.length === 1 && prod(sdims) === 1 ? -1 : normAxis(m.at.i('axis', 1), r);
  const vals = m.f32Of(c, 'input');
  let codes: Int8Array | Uint8Array;
  if (axis < 0) codes = M.quant(fmt, vals, Math.max(vals.length, 1), scale, zp);
  else codes = perAxis(vals, c.dims, axis, (moved) => M.quant(fmt, moved, Math.max(moved.length / c.dims[axis], 1), scale, zp));
  m.bind(m.output(), { kind: 'const', dims: c.dims, dtype: fmt, data: codes });
};

export const DequantizeLinear: Handler = (m) => {
  const v = m.need(0);
  const { scale, zp, sdims } = qParams(m, 1, 2);
  if (v.kind === 'qact') {
    const q = v as QAct;
    if (scale.length !== 1 || scale[0] !== q.scale || zp[0] !== q.zp) unsupported('DequantizeLinear parameters differ from its QuantizeLinear\'s');
    if (!q.fq) {
      const y = m.out(m.output(), q.x.shape, q.x.nhwc);
      m.emit('FakeQuant', [q.x.name], y.name, { scale: q.scale, zeroPoint: q.zp, format: q.fmt });
      q.fq = y;
    }
    m.bind(m.output(), q.fq);
    return;
  }
  if (v.kind === 'act') unsupported('dequantizing an integer activation (only QuantizeLinear -> DequantizeLinear pairs and constant weights are supported)');
  const c = v as Const;
  const r = c.dims.length;
  const axis = scale.length === 1 && prod(sdims) <= 1 ? -1 : normAxis(m.at.i('axis', 1), r);
  if (axis >= 0 && c.dims[axis] !== scale.length) fail('BAD_GRAPH', `${m.where()}: ${scale.length} scales for axis ${axis} of ${JSON.stringify(c.dims)}`);
  if (c.dtype === 'i32') {
    // int32 (bias) codes: (q - zp) * s; the integer -> f32 conversion is exact below 2^24
    const d = Array.from(c.data as Int32Array);
    if (d.some((x, i) => Math.abs(x - zp[axis < 0 ? 0 : Math.floor(i / (prod(c.dims) / scale.length)) % scale.length]) > 2 ** 24)) unsupported('int32 values beyond 2^24');
    if (axis > 0 && r > 1) unsupported('per-axis int32 dequantization off the first axis');
    const group = axis < 0 ? d.length : d.length / scale.length;
    const centred = Float32Array.from(d, (x, i) => x - zp[Math.floor(i / Math.max(group, 1))]);
    const out = new Float32Array(d.length);
    for (let g = 0; g * group < d.length; g++) out.set(M.binary(centred.subarray(g * group, (g + 1) * group), scale.subarray(axis < 0 ? 0 : g, (axis < 0 ? 0 : g) + 1), 'mul'), g * group);
    m.bind(m.output(), { kind: 'const', dims: c.dims, dtype: 'f32', data: out });
    return;
  }
  if (c.dtype !== 'i8' && c.dtype !== 'u8') unsupported(`input of type ${c.dtype} (int8, uint8 and int32 constants are supported)`);
  const fmt = c.dtype;
  const codes = c.data as Int8Array | Uint8Array;
  let data: Float32Array;
  if (axis < 0) data = M.dequant(fmt, codes, Math.max(codes.length, 1), scale, zp);
  else data = perAxis(codes, c.dims, axis, (moved) => M.dequant(fmt, moved, Math.max(moved.length / c.dims[axis], 1), scale, zp));
  m.bind(m.output(), { kind: 'const', dims: c.dims, dtype: 'f32', data, q: { fmt, codes, scale, zp, axis } });
};

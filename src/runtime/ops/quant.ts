// FakeQuant: quantize-dequantize an activation in place of an ONNX QuantizeLinear ->
// DequantizeLinear pair: y = (clamp(rne(x / s) + zp, lo, hi) - zp) * s, per tensor.
// attrs: scale (a positive finite f32), zeroPoint (an integer inside the format's range),
// format 'i8' | 'u8'. Both steps are the module's quant_f32_int__simd128 / dequant_int_f32__simd128 (one group
// spanning the whole tensor), so the arithmetic is the same as for stored affine weights.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { formatByName } from '../formats.js';
import { elements, type Builder } from './types.js';
import { roundCode } from '../tables.js';

/** the formats a QuantizeLinear pair may name (their ranges come from the format table) */
const FORMATS = ['i8', 'u8'];
const RNE = roundCode('rne');

export const fakeQuant: Builder = (ctx) => {
  const a = ctx.node.attrs ?? {};
  const format = a.format as string;
  if (typeof format !== 'string' || !FORMATS.includes(format)) fail('BAD_GRAPH', `${ctx.where}: attrs.format must be one of ${FORMATS.join(', ')}`);
  const scale = a.scale as number, zp = (a.zeroPoint ?? 0) as number;
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale) || new Float32Array([scale])[0] !== scale) fail('BAD_GRAPH', `${ctx.where}: attrs.scale must be a positive finite f32 value`);
  const f = formatByName(format), lo = f.intMin!, hi = f.intMax!;
  if (!Number.isSafeInteger(zp) || zp < lo || zp > hi) fail('BAD_GRAPH', `${ctx.where}: attrs.zeroPoint must be an integer in [${lo}, ${hi}] for ${format}`);
  const fid = f.id;
  const sp = heap.put(new Float32Array([scale]));
  let zpp = 0;
  try { zpp = heap.put(new Int32Array([zp])); } catch (e) { heap.free(sp); throw e; }
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer: ([s]) => [...s],
    scratch: ([s]) => elements(s) + 16,
    run([xp], [s], yp, _o, scratch) {
      const n = elements(s);
      if (n === 0) return;
      const x = ctx.kernels;
      x.quant_f32_int__simd128(fid, xp, scratch, n, n, sp, zpp, RNE, 0, 0, 0);
      x.dequant_int_f32__simd128(fid, scratch, yp, n, n, sp, zpp);
    },
    dispose() { heap.free(sp); heap.free(zpp); },
  };
};

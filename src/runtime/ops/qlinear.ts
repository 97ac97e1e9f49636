// Linear quantization on typed values, ONNX semantics (inputs in ONNX order): QuantizeLinear,
// DequantizeLinear (per tensor, per axis, blocked), DynamicQuantizeLinear. The host checks shapes
// and picks the scale layout; the kernels (assembly/nd/quant.ts) do every element.
// see: ONNX QuantizeLinear / DequantizeLinear, opsets 10, 13, 19, 21; DynamicQuantizeLinear, 11

import { fail } from '../errors.js';
import { dtypeId, dtypeOfId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext, type PreparedNode } from './types.js';

const Q_TYPES: readonly DType[] = ['u8', 'i8', 'u16', 'i16'];
const DQ_TYPES: readonly DType[] = [...Q_TYPES, 'i32'];

/** The scale layout for x's shape: kind 0 per tensor, 1 per axis, 2 blocked; [outer, A, inner]. */
export interface QGeom { kind: number; outer: number; A: number; inner: number; B: number }

const dims = (s: number[]) => JSON.stringify(s);

/** Checks the scale (and zero point) shape against x and returns the kernel's view of x. */
export function qGeometry(ctx: OpContext, x: number[], s: number[], z: number[] | undefined): QGeom {
  const a = ctx.node.attrs ?? {};
  const axis0 = a.axis ?? 1, B = a.block_size ?? 0;
  if (!Number.isSafeInteger(axis0) || !Number.isSafeInteger(B) || (B as number) < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.axis and attrs.block_size must be integers (block_size >= 0)`);
  if (z && dims(z) !== dims(s)) fail('SHAPE_MISMATCH', `${ctx.where}: zero point ${dims(z)} and scale ${dims(s)} differ in shape`);
  const n = elements(x);
  if (B === 0 && s.length <= 1 && elements(s) === 1) return { kind: 0, outer: 1, A: n, inner: 1, B: 1 };
  const r = x.length, ax = (axis0 as number) < 0 ? (axis0 as number) + r : (axis0 as number);
  if (!(ax >= 0 && ax < r)) fail('SHAPE_MISMATCH', `${ctx.where}: axis ${axis0} out of range for input ${dims(x)}`);
  const outer = elements(x.slice(0, ax)), A = x[ax], inner = elements(x.slice(ax + 1));
  if (B === 0) {
    if (s.length !== 1 || s[0] !== A) fail('SHAPE_MISMATCH', `${ctx.where}: scale ${dims(s)} is neither one value nor one per element of axis ${ax} of ${dims(x)}`);
    return { kind: 1, outer, A, inner, B: 1 };
  }
  const nb = Math.ceil(A / (B as number));
  if (s.length !== r || s.some((d, i) => d !== (i === ax ? nb : x[i]))) fail('SHAPE_MISMATCH', `${ctx.where}: blocked scale ${dims(s)} does not match input ${dims(x)} with block_size ${B} on axis ${ax}`);
  return { kind: 2, outer, A, inner, B: B as number };
}

function typeAt(ctx: OpContext, i: number, what: string): DType | undefined {
  const name = ctx.node.inputs[i];
  if (!name) return undefined;
  const t = ctx.typeOf(name);
  if (!t) fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) has no element type`);
  return t;
}

function need(ctx: OpContext, i: number, what: string): DType {
  return typeAt(ctx, i, what) ?? fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) is missing`);
}

function checkScale(ctx: OpContext): void {
  const st = need(ctx, 1, 'scale');
  if (st !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: scale of type ${st} (f32 is supported)`);
}

function status(ctx: OpContext, st: number): void {
  if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${st})`);
}

/** The node of either direction: inputs x, scale, zero point (optional); out the output type. */
function affineNode(ctx: OpContext, out: DType, kernel: (g: QGeom, x: number, s: number, z: number, y: number) => number): PreparedNode {
  return {
    valueInputs: ctx.node.inputs.filter((v) => v),
    outTypes: [out],
    infer([x, s, z]) { qGeometry(ctx, x, s, z); return [...x]; },
    run([xp, sp, zp], [x, s, z], yp) { status(ctx, kernel(qGeometry(ctx, x, s, z), xp, sp, zp ?? 0, yp)); },
    dispose() {},
  };
}

/** see: ONNX QuantizeLinear, opset 21: y = saturate(rne(x / scale) + zero_point). */
export const quantizeLinear: Builder = (ctx) => {
  const xt = need(ctx, 0, 'x');
  if (xt !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: input of type ${xt} (f32 is supported)`);
  checkScale(ctx);
  const zt = typeAt(ctx, 2, 'zero point');
  const od = ctx.node.attrs?.output_dtype ?? 0;
  const named = od ? dtypeOfId(od as number) : undefined;
  if (od && !named) fail('UNSUPPORTED_OP', `${ctx.where}: output_dtype ${od}`);
  if (zt && named && zt !== named) fail('BAD_GRAPH', `${ctx.where}: output_dtype ${named} differs from the zero point's type ${zt}`);
  const yt = zt ?? named ?? 'u8';
  if (!Q_TYPES.includes(yt)) fail('UNSUPPORTED_OP', `${ctx.where}: quantizing to ${yt} (${Q_TYPES.join(', ')} are supported)`);
  return affineNode(ctx, yt, (g, x, s, z, y) => ctx.kernels.quantize_linear_any__scalar(dtypeId(yt), y, x, s, z, g.outer, g.A, g.inner, g.B, g.kind));
};

/** see: ONNX DequantizeLinear, opset 21: y = (x - zero_point) * scale, f32. */
export const dequantizeLinear: Builder = (ctx) => {
  const xt = need(ctx, 0, 'x');
  if (!DQ_TYPES.includes(xt)) fail('UNSUPPORTED_OP', `${ctx.where}: dequantizing ${xt} (${DQ_TYPES.join(', ')} are supported)`);
  checkScale(ctx);
  const zt = typeAt(ctx, 2, 'zero point');
  if (zt && zt !== xt) fail('BAD_GRAPH', `${ctx.where}: zero point of type ${zt} for input of type ${xt}`);
  return affineNode(ctx, 'f32', (g, x, s, z, y) => ctx.kernels.dequantize_linear_any__scalar(dtypeId(xt), y, x, s, z, g.outer, g.A, g.inner, g.B, g.kind));
};

/** see: ONNX DynamicQuantizeLinear, opset 11: y (u8), y_scale (f32 []), y_zero_point (u8 []). */
export const dynamicQuantizeLinear: Builder = (ctx) => {
  const xt = need(ctx, 0, 'x');
  if (xt !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: input of type ${xt} (f32 is supported)`);
  if (ctx.node.outputs.length !== 3) fail('BAD_GRAPH', `${ctx.where}: ${ctx.node.outputs.length} outputs (y, y_scale, y_zero_point expected)`);
  return {
    valueInputs: [ctx.node.inputs[0]],
    outTypes: ['u8', 'f32', 'u8'],
    infer([x]) { return [[...x], [], []]; },
    run([xp], [x], yp, _s, _scratch, outs) {
      ctx.kernels.dynamic_quantize_f32_u8__scalar(yp, xp, elements(x), outs[1], outs[2]);
    },
    dispose() {},
  };
};

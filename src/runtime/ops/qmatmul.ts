// QLinearMatMul and QLinearConv on u8 / i8 values: MatMulInteger's i32 product (the same builder and kernel,
// src/runtime/ops/linalg.ts), then one requantization to the output's scale and zero point
// (assembly/nd/quant.ts). Scales per tensor, per row of A or per column of B. QLinearConv:
// ConvInteger's builder (convint.ts), bias, and the same requantization per output channel.
// see: ONNX QLinearMatMul, opset 10 (inputs a, a_scale, a_zero_point, b, b_scale, b_zero_point,
// y_scale, y_zero_point); QLinearConv, opset 10 (x, x_scale, x_zero_point, w, w_scale,
// w_zero_point, y_scale, y_zero_point, B)

import { fail } from '../errors.js';
import * as heap from '../heap.js';
import { dtypeId } from '../dtype.js';
import { matmulInteger, matShapes } from './linalg.js';
import { convInteger } from './convint.js';
import { elements, type Builder } from './types.js';

export const qlinearMatMul: Builder = (ctx) => {
  const ins = ctx.node.inputs;
  if (ins.length !== 8 || [0, 1, 3, 4, 6].some((i) => !ins[i])) fail('BAD_GRAPH', `${ctx.where}: QLinearMatMul takes 8 inputs (a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point)`);
  const [a, sa, za, b, sb, zb, sy, zy] = ins;
  for (const s of [sa, sb, sy]) if (ctx.typeOf(s) !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: scale ${JSON.stringify(s)} of type ${ctx.typeOf(s)} (f32 is supported)`);
  const yt = zy ? ctx.typeOf(zy) : 'u8';
  if (yt !== 'u8' && yt !== 'i8') fail('UNSUPPORTED_OP', `${ctx.where}: output of type ${yt} (u8, i8 are supported)`);
  const mm = matmulInteger({ ...ctx, node: { ...ctx.node, op: 'MatMulInteger', inputs: [a, b, za, zb] } });
  const extra = [sa, sb, sy, ...(zy ? [zy] : [])];
  const nm = mm.valueInputs.length, yid = dtypeId(yt);
  const accBytes = (s: number[][]) => heap.pad16(4 * elements(matShapes(ctx, s[0], s[1]).out));
  const scaleCount = (s: number[], len: number, what: string) => {
    const n = elements(s);
    if (n === 1 || (s.length === 1 && n === len)) return n;
    return fail('SHAPE_MISMATCH', `${ctx.where}: ${what} of shape ${JSON.stringify(s)} (one value or ${len} expected)`);
  };
  return {
    valueInputs: [...mm.valueInputs, ...extra],
    outTypes: [yt],
    infer(sh) {
      const s = matShapes(ctx, sh[0], sh[1]);
      scaleCount(sh[nm], s.M, 'a_scale'); scaleCount(sh[nm + 1], s.N, 'b_scale'); scaleCount(sh[nm + 2], 1, 'y_scale');
      if (zy && elements(sh[nm + 3]) !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: y_zero_point of shape ${JSON.stringify(sh[nm + 3])} (one value expected)`);
      return mm.infer(sh.slice(0, nm), []) as number[];
    },
    scratch: (sh, out) => accBytes(sh) + (mm.scratch ? mm.scratch(sh.slice(0, nm), out) : 0),
    run(p, sh, yp, yShape, scratch) {
      const s = matShapes(ctx, sh[0], sh[1]), acc = scratch;
      mm.run(p.slice(0, nm), sh.slice(0, nm), acc, s.out, scratch + accBytes(sh), [acc], [s.out]);
      const st = ctx.kernels.requantize_i32_x8__scalar(yid, yp, acc, elements(s.batch), s.M, s.N, p[nm], scaleCount(sh[nm], s.M, 'a_scale'), p[nm + 1], scaleCount(sh[nm + 1], s.N, 'b_scale'), p[nm + 2], zy ? p[nm + 3] : 0, 0);
      if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${st})`);
    },
    dispose() { mm.dispose(); },
  };
};

export const qlinearConv: Builder = (ctx) => {
  const ins = ctx.node.inputs;
  if (ins.length < 8 || ins.length > 9 || [0, 1, 3, 4, 6].some((i) => !ins[i])) fail('BAD_GRAPH', `${ctx.where}: QLinearConv takes 8 or 9 inputs (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B)`);
  const [x, sx, zx, w, sw, zw, sy, zy, bias] = ins;
  for (const s of [sx, sw, sy]) if (ctx.typeOf(s) !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: scale ${JSON.stringify(s)} of type ${ctx.typeOf(s)} (f32 is supported)`);
  const yt = zy ? ctx.typeOf(zy) : 'u8';
  if (yt !== 'u8' && yt !== 'i8') fail('UNSUPPORTED_OP', `${ctx.where}: output of type ${yt} (u8, i8 are supported)`);
  if (bias && ctx.typeOf(bias) !== 'i32') fail('BAD_GRAPH', `${ctx.where}: bias is ${ctx.typeOf(bias)} (i32 expected)`);
  const cv = convInteger({ ...ctx, node: { ...ctx.node, op: 'ConvInteger', inputs: [x, w, zx ?? '', zw ?? ''] } });
  const nc = cv.valueInputs.length, yid = dtypeId(yt);
  const extra = [sx, sw, sy, zy || '', bias || ''].filter((v) => v);
  const at = (name: string) => (name ? nc + extra.indexOf(name) : -1);
  const accBytes = (out: number[]) => heap.pad16(4 * elements(out));
  const check = (sh: number[][], out: number[]) => {
    const oc = out[1];
    const nw = elements(sh[at(sw)]);
    if (elements(sh[at(sx)]) !== 1 || elements(sh[at(sy)]) !== 1 || (zy && elements(sh[at(zy)]) !== 1)) fail('SHAPE_MISMATCH', `${ctx.where}: x_scale, y_scale and y_zero_point must be one value each`);
    if (!(nw === 1 || (sh[at(sw)].length === 1 && nw === oc))) fail('SHAPE_MISMATCH', `${ctx.where}: w_scale of shape ${JSON.stringify(sh[at(sw)])} (one value or ${oc} expected)`);
    if (bias && (sh[at(bias)].length !== 1 || sh[at(bias)][0] !== oc)) fail('SHAPE_MISMATCH', `${ctx.where}: bias ${JSON.stringify(sh[at(bias)])} for ${oc} output channels`);
    return nw;
  };
  return {
    valueInputs: [...cv.valueInputs, ...extra],
    outTypes: [yt],
    infer(sh) { const out = cv.infer(sh.slice(0, nc), []) as number[]; check(sh, out); return out; },
    scratch: (sh) => accBytes(cv.infer(sh.slice(0, nc), []) as number[]),
    run(p, sh, yp, out, scratch) {
      const nw = check(sh, out);
      cv.run(p.slice(0, nc), sh.slice(0, nc), scratch, out, 0, [scratch], [out]);
      const st = ctx.kernels.requantize_i32_x8__scalar(yid, yp, scratch, out[0], out[1], elements(out.slice(2)), p[at(sw)], nw, p[at(sx)], 1, p[at(sy)], zy ? p[at(zy)] : 0, bias ? p[at(bias)] : 0);
      if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${st})`);
    },
    dispose() { cv.dispose(); },
  };
};

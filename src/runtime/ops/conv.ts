// Conv (NHWC activations, OHWI weights [OC, KH, KW, C/groups]) and DepthwiseConv ([KH, KW, C]).
// Weights in any format are decoded to f32 at load (the bundle is smaller; the kernel is f32).
// A groups-1 Conv may take an emulated accumulator (gemm_f32_f32_emu__simd128_4x8 on its im2col rows), a DepthwiseConv
// too (dwconv_f32_f32_emu__simd128_4).
// attrs: strides [sh, sw], pads [top, left, bottom, right] or "same" / "valid", dilations
// [dh, dw], group, activation none | relu | relu6.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import type { Builder, OpContext } from './types.js';
import { stored, weightOf, f32Ptr } from './weights.js';
import { formatByName } from '../formats.js';
import { ACTIVATIONS, ACT, code } from '../tables.js';
import { EMULATED_ACCUMULATORS, isEmulatedAccumulator } from '../precision.js';
import { row, select, type Facts, type KernelName } from '../kernels.js';

// Emulated accumulators: gemm_f32_f32_emu__simd128_4x8's definition on im2col rows / depthwise taps (docs/PRECISION_MAP.md).

function pair(v: unknown, dflt: number, what: string, where: string): [number, number] {
  if (v === undefined) return [dflt, dflt];
  // the kernels take them as i32
  if (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= 2 ** 31 - 1)) return [v[0], v[1]];
  return fail('BAD_GRAPH', `${where}: attrs.${what} must be two integers from 1 to 2^31 - 1`);
}

/** Output size and the padding actually used (SAME: TF / ONNX SAME_UPPER split). */
export function geometry(ctx: OpContext, H: number, W: number, KH: number, KW: number) {
  const a = ctx.node.attrs ?? {};
  const [sh, sw] = pair(a.strides, 1, 'strides', ctx.where);
  const [dh, dw] = pair(a.dilations, 1, 'dilations', ctx.where);
  let pads: number[];
  const ekh = dh * (KH - 1) + 1, ekw = dw * (KW - 1) + 1;
  if (a.pads === 'same') {
    const oh = Math.ceil(H / sh), ow = Math.ceil(W / sw);
    const ph = Math.max(0, (oh - 1) * sh + ekh - H), pw = Math.max(0, (ow - 1) * sw + ekw - W);
    pads = [Math.floor(ph / 2), Math.floor(pw / 2), ph - Math.floor(ph / 2), pw - Math.floor(pw / 2)];
  } else if (a.pads === undefined || a.pads === 'valid') pads = [0, 0, 0, 0];
  else if (Array.isArray(a.pads) && a.pads.length === 4 && a.pads.every((p) => Number.isSafeInteger(p) && p >= 0)) pads = a.pads as number[];
  else return fail('BAD_GRAPH', `${ctx.where}: attrs.pads must be [top, left, bottom, right], "same" or "valid"`);
  // The kernels index the padded input in 32 bits.
  if (H + pads[0] + pads[2] > 2 ** 31 - 1 || W + pads[1] + pads[3] > 2 ** 31 - 1) fail('LIMIT_EXCEEDED', `${ctx.where}: the padded input (${H}x${W} with pads ${JSON.stringify(pads)}) exceeds 2^31 - 1 rows or columns`);
  const OH = Math.floor((H + pads[0] + pads[2] - ekh) / sh) + 1, OW = Math.floor((W + pads[1] + pads[3] - ekw) / sw) + 1;
  if (!(OH >= 1 && OW >= 1)) fail('SHAPE_MISMATCH', `${ctx.where}: input ${H}x${W} is smaller than the ${KH}x${KW} kernel (dilated ${ekh}x${ekw})`);
  return { sh, sw, dh, dw, pads, OH, OW };
}

/** geometry() of one node, remembered for the last input size (infer, scratch and every run
 *  of a batch plan ask for the same one). */
export function geometryOf(ctx: OpContext, KH: number, KW: number): (H: number, W: number) => ReturnType<typeof geometry> {
  let H0 = -1, W0 = -1, g0: ReturnType<typeof geometry> | null = null;
  return (H, W) => {
    if (H !== H0 || W !== W0 || !g0) { g0 = geometry(ctx, H, W, KH, KW); H0 = H; W0 = W; }
    return g0;
  };
}

/** The fused activation code (tables.ts ACTIVATIONS) of a Conv / DepthwiseConv / element-wise node. */
export function activation(ctx: OpContext): number {
  const act = code(ACTIVATIONS, ctx.node.attrs?.activation ?? 'none');
  if (act < 0) fail('BAD_GRAPH', `${ctx.where}: attrs.activation ${JSON.stringify(ctx.node.attrs?.activation)} is not one of ${ACTIVATIONS.join(', ')}`);
  return act;
}

function bias(ctx: OpContext, name: string | undefined, n: number): number {
  const b = stored(ctx, name, 'input 2 (bias)', true);
  if (!b) return 0;
  if (b.entry.format !== 'f32' || b.entry.shape.length !== 1 || b.entry.shape[0] !== n) fail('SHAPE_MISMATCH', `${ctx.where}: bias ${JSON.stringify(name)} must be f32 [${n}]`);
  return b.put();
}

/** Convolutions run f32 arithmetic (activations may be emulated f16 / bf16 by the executor);
 *  a groups-1 Conv and a DepthwiseConv may also take an emulated accumulator (`emulated`). A
 *  precision map asking for anything else is an error, not something to ignore. */
function checkPrecision(ctx: OpContext, emulated = false): void {
  const p = ctx.precision;
  if (p.accumulator !== 'f32' && !(emulated && isEmulatedAccumulator(p.accumulator))) {
    fail('BAD_PRECISION_MAP', `${ctx.where}: accumulator ${p.accumulator}: ${emulated ? `convolutions accumulate in f32 or an emulated ${EMULATED_ACCUMULATORS.join(' / ')}` : 'a grouped Conv accumulates in f32 only'}`);
  }
  if (p.activations === 'i8') fail('BAD_PRECISION_MAP', `${ctx.where}: i8 activations (w8a8) are only implemented for Dense`);
  if (p.recompute || p.inputRound) fail('BAD_PRECISION_MAP', `${ctx.where}: recompute / inputRound are only implemented for Dense`);
}

function checkNHWC(ctx: OpContext, s: number[], C: number): void {
  if (s.length !== 4 || s[3] !== C) fail('SHAPE_MISMATCH', `${ctx.where}: input ${JSON.stringify(ctx.node.inputs[0])} has shape ${JSON.stringify(s)}, expected NHWC with ${C} channels`);
}

export const conv: Builder = (ctx) => {
  const [xName, wName, bName] = ctx.node.inputs;
  const w = weightOf(ctx, wName);
  if (w.entry.shape.length !== 4) fail('SHAPE_MISMATCH', `${ctx.where}: weight ${JSON.stringify(wName)} must be OHWI [OC, KH, KW, C/groups], got ${JSON.stringify(w.entry.shape)}`);
  const [OC, KH, KW, ICg] = w.entry.shape;
  const geo = geometryOf(ctx, KH, KW);
  const groups = (ctx.node.attrs?.group ?? 1) as number;
  if (!Number.isSafeInteger(groups) || groups < 1 || OC % groups !== 0) fail('BAD_GRAPH', `${ctx.where}: attrs.group ${JSON.stringify(groups)} must divide the ${OC} output channels`);
  checkPrecision(ctx, groups === 1);
  const act = activation(ctx);
  const x = ctx.kernels;
  // An emulated accumulator sums each output as Dense's gemm_f32_f32_emu__simd128_4x8 does (k = (kh, kw, ic) order,
  // every partial sum rounded), on the same GEMM rows.
  const accFmt = ctx.precision.accumulator === 'f32' ? 0 : formatByName(ctx.precision.accumulator).id;
  // groups 1 runs as a GEMM over output pixels with the weights packed once ([OC, K] panels):
  // 1x1 stride-1 unpadded convs straight on the activation (its rows are the GEMM's rows), the
  // others on im2col rows. Both sum in conv2d's order (same bits as the direct kernel). Shallow
  // rows (K < GEMM_K, src/runtime/kernels.ts) take the register-tile pointwise kernel, deep ones the blocked GEMM.
  // Convs with <= 4 output channels (stride 1 along W) take the planar narrow kernel on the plain
  // OHWI weights. Grouped convs keep the direct kernel.
  const Kd = KH * KW * ICg;
  const strideW = pair(ctx.node.attrs?.strides, 1, 'strides', ctx.where)[1]; // checked at load on every path
  // The kernel table chooses (src/runtime/kernels.ts): the narrow planar kernel, the GEMM rows
  // (emulated accumulator, pointwise for shallow rows, the blocked 5x8), or the direct kernel; in
  // reference mode the same choice among the references (conv2d's on OHWI weights, or the
  // emulated GEMM's on im2col rows: OHWI is the row-major [OC, Kd] matrix).
  const facts: Facts = { groups, acc: accFmt ? 'emu' : 'f32', OC, strideW, K: Kd };
  // The fast path's sizes (packed weights, scratch) are checked in both modes, so that a layer
  // too large for it fails alike with the reference kernels.
  const fast = row(select('conv2d', facts));
  const kernel = ctx.reference ? select('conv2d', facts, true) : fast.name as KernelName;
  const narrowFast = fast.tile[1] === 1, gemmFast = fast.packer === 'pack_w_f32';
  const use = row(kernel);
  const packedBytes = narrowFast ? 0 : heap.checkBlock(gemmFast ? x.packed_f32_bytes(OC, Kd) : x.packed_conv_f32_bytes(OC, KH, KW, ICg, groups), ctx.where);
  const narrow = use.tile[1] === 1;
  const gemm = use.ops.includes('gemm') || use.packer === 'pack_w_f32'; // GEMM rows: im2col or the activation itself
  const direct = !narrow && !gemm;
  let packed: number;
  if (use.packer === null) packed = f32Ptr(ctx, wName, w);
  else if (use.packer === 'pack_w_f32') {
    packed = f32Ptr(ctx, wName, w, packedBytes);
    x.pack_w_f32(packed, OC, Kd, packed); // in place
  } else {
    const wf = f32Ptr(ctx, wName, w);
    packed = heap.alloc(packedBytes);
    x.pack_conv_w_f32(wf, OC, KH, KW, ICg, groups, packed);
    heap.free(wf);
  }
  let b = 0;
  try { b = bias(ctx, bName, OC); } catch (e) { heap.free(packed); throw e; }
  const ROWS = 240; // output pixels per im2col chunk (a multiple of the GEMM's 5-row tile)
  const unit = (g: ReturnType<typeof geometry>) => KH === 1 && KW === 1 && g.sh === 1 && g.sw === 1 && g.pads.every((p) => p === 0);
  const k = x[kernel];
  const rows = (xp: number, n: number, yp: number) => {
    if (accFmt) {
      if (k(xp, n, Kd, packed, b, OC, yp, act === ACT.relu ? ACT.relu : ACT.none, accFmt, 0) !== 0) fail('BAD_ARGUMENT', `${ctx.where}: ${kernel} refused its arguments`);
    } else k(xp, n, Kd, packed, b, OC, yp, use.tile[0] === 5 ? (act === ACT.relu ? ACT.relu : ACT.none) : act);
    // the 5x8 GEMM and the emulated one fuse relu only: relu6 is a clamp after them
    if (act === ACT.relu6 && (accFmt || use.tile[0] === 5)) x.vclamp_f32__simd128(yp, yp, n * OC, 0, 6);
  };
  return {
    valueInputs: [xName],
    weightsHeld: 'f32', // every conv path decodes its weights at load
    kernel,
    infer([s]) {
      checkNHWC(ctx, s, ICg * groups);
      const g = geo(s[1], s[2]);
      return [s[0], g.OH, g.OW, OC];
    },
    scratch([s]) {
      // the fast path's scratch in both modes (the arena limit applies alike)
      const g = geo(s[1], s[2]);
      // zero-bordered planes of the padded input (saturated past 2^31 - 1: refused by the arena
      // limit or the block check, so the kernel's 32-bit offsets never wrap)
      if (narrowFast) return x.conv_narrow_scratch_bytes(s[1], s[2], s[3], KH, KW, g.pads[0], g.pads[1], g.pads[2], g.pads[3], g.dh, g.dw, g.OW) + 16;
      return gemmFast && !unit(g) ? ROWS * Kd * 4 + 16 : 0;
    },
    run([xp], [s], yp, _o, scratch) {
      const g = geo(s[1], s[2]);
      if (narrow) {
        const rc = k(xp, s[0], s[1], s[2], s[3], packed, b, OC, KH, KW, g.sh, g.pads[0], g.pads[1], g.pads[2], g.pads[3], g.dh, g.dw, yp, g.OH, g.OW, act, scratch);
        if (rc !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the conv kernel rejected the geometry`);
        return;
      }
      if (direct) {
        const rc = k(xp, s[0], s[1], s[2], s[3], packed, b, OC, KH, KW, g.sh, g.sw, g.pads[0], g.pads[1], g.pads[2], g.pads[3], g.dh, g.dw, groups, yp, g.OH, g.OW, act);
        if (rc !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the conv kernel rejected the geometry`);
        return;
      }
      const P = s[0] * g.OH * g.OW;
      if (unit(g)) { rows(xp, P, yp); return; }
      for (let p0 = 0; p0 < P; p0 += ROWS) {
        const p1 = Math.min(P, p0 + ROWS);
        x.im2col_x32__simd128(xp, s[0], s[1], s[2], s[3], KH, KW, g.sh, g.sw, g.pads[0], g.pads[1], g.dh, g.dw, g.OH, g.OW, p0, p1, scratch);
        rows(scratch, p1 - p0, yp + p0 * OC * 4);
      }
    },
    dispose() { heap.free(packed); heap.free(b); },
  };
};

export const depthwiseConv: Builder = (ctx) => {
  checkPrecision(ctx, true);
  const accFmt = ctx.precision.accumulator === 'f32' ? 0 : formatByName(ctx.precision.accumulator).id;
  const [xName, wName, bName] = ctx.node.inputs;
  const w = weightOf(ctx, wName);
  if (w.entry.shape.length !== 3) fail('SHAPE_MISMATCH', `${ctx.where}: weight ${JSON.stringify(wName)} must be [KH, KW, C], got ${JSON.stringify(w.entry.shape)}`);
  const [KH, KW, C] = w.entry.shape;
  const geo = geometryOf(ctx, KH, KW);
  const act = activation(ctx);
  const x = ctx.kernels;
  const wf = f32Ptr(ctx, wName, w);
  let b = 0;
  try { b = bias(ctx, bName, C); } catch (e) { heap.free(wf); throw e; }
  const kernel = select('dwconv', { acc: accFmt ? 'emu' : 'f32' }, ctx.reference), k = x[kernel];
  return {
    valueInputs: [xName],
    weightsHeld: 'f32', // every conv path decodes its weights at load
    kernel,
    infer([s]) {
      checkNHWC(ctx, s, C);
      const g = geo(s[1], s[2]);
      return [s[0], g.OH, g.OW, C];
    },
    run([xp], [s], yp) {
      const g = geo(s[1], s[2]);
      const rc = accFmt
        ? k(xp, s[0], s[1], s[2], C, wf, b, KH, KW, g.sh, g.sw, g.pads[0], g.pads[1], g.pads[2], g.pads[3], g.dh, g.dw, yp, g.OH, g.OW, act, accFmt)
        : k(xp, s[0], s[1], s[2], C, wf, b, KH, KW, g.sh, g.sw, g.pads[0], g.pads[1], g.pads[2], g.pads[3], g.dh, g.dw, yp, g.OH, g.OW, act);
      if (rc !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the depthwise kernel rejected the geometry`);
    },
    dispose() { heap.free(wf); heap.free(b); },
  };
};

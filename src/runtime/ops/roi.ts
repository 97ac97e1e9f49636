// Region pooling and box suppression with ONNX semantics, f32 (assembly/nd/roi.ts, nms.ts):
// RoiAlign, MaxRoiPool, NonMaxSuppression. NonMaxSuppression's output length depends on its
// input elements: it is a measure() node (ops/types.ts), its count found by the same kernel at
// plan time. see: ONNX RoiAlign, opset 16; MaxRoiPool, opset 1; NonMaxSuppression, opset 11

import { fail } from '../errors.js';
import { elements, type Builder, type OpContext } from './types.js';
import { inType } from './nd.js';
import { poolStatus, putParams } from './poolnd.js';

const PARAMS_BYTES = 4 * 16;

function f32Inputs(ctx: OpContext, n: number): void {
  for (let i = 0; i < n; i++) {
    const t = inType(ctx, i);
    if (t !== 'f32') fail('UNSUPPORTED_OP', `${ctx.where}: ${ctx.node.op} input ${i} is ${t} (f32 is supported)`);
  }
}

function num(ctx: OpContext, k: string, dflt: number, int: boolean): number {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isSafeInteger(v))) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be ${int ? 'an integer' : 'a number'}`);
  return v;
}

const nchw = (ctx: OpContext, x: number[]) => {
  if (x.length !== 4) fail('SHAPE_MISMATCH', `${ctx.where}: X of shape ${JSON.stringify(x)} (N, C, H, W expected)`);
};

export const roiAlign: Builder = (ctx) => {
  const mode = ctx.node.attrs?.mode ?? 'avg', ctm = ctx.node.attrs?.coordinate_transformation_mode ?? 'half_pixel';
  if (mode !== 'avg' && mode !== 'max') fail('BAD_GRAPH', `${ctx.where}: mode ${JSON.stringify(mode)} (avg or max expected)`);
  if (ctm !== 'half_pixel' && ctm !== 'output_half_pixel') fail('BAD_GRAPH', `${ctx.where}: coordinate_transformation_mode ${JSON.stringify(ctm)}`);
  f32Inputs(ctx, 2);
  if (inType(ctx, 2) !== 'i64') fail('BAD_GRAPH', `${ctx.where}: batch_indices must be i64, not ${inType(ctx, 2)}`);
  const OH = num(ctx, 'output_height', 1, true), OW = num(ctx, 'output_width', 1, true), sr = num(ctx, 'sampling_ratio', 0, true);
  const scale = num(ctx, 'spatial_scale', 1, false);
  if (OH < 1 || OW < 1 || sr < 0 || OH > 65536 || OW > 65536 || sr > 65536) fail('BAD_GRAPH', `${ctx.where}: output ${OH}x${OW}, sampling_ratio ${sr}`);
  return {
    valueInputs: ctx.node.inputs.slice(0, 3),
    outTypes: ['f32'],
    infer([x, r, b]) {
      nchw(ctx, x);
      if (r.length !== 2 || r[1] !== 4 || b.length !== 1 || b[0] !== r[0]) fail('SHAPE_MISMATCH', `${ctx.where}: rois ${JSON.stringify(r)} and batch_indices ${JSON.stringify(b)} (num_rois x 4 and num_rois expected)`);
      if (x[2] < 1 || x[3] < 1) fail('SHAPE_MISMATCH', `${ctx.where}: X of shape ${JSON.stringify(x)} has no pixels`);
      return [r[0], x[1], OH, OW];
    },
    scratch: () => PARAMS_BYTES,
    run([xp, rp, bp], [x, r], yp, y, scratch) {
      if (elements(y) === 0) return;
      putParams(scratch, [x[0], x[1], x[2], x[3], r[0], OH, OW, sr, mode === 'max' ? 1 : 0, ctm === 'half_pixel' ? 1 : 0]);
      const st = ctx.kernels.roi_align_f32__scalar(yp, xp, rp, bp, scratch, scale);
      if (st === 4) fail('BAD_INPUT', `${ctx.where}: a roi is so large that sampling it takes more than 2^32 samples (set sampling_ratio)`);
      poolStatus(ctx, st, `a batch index is outside the ${x[0]} images of X`);
    },
    dispose() {},
  };
};

export const maxRoiPool: Builder = (ctx) => {
  const ps = ctx.node.attrs?.pooled_shape;
  if (!Array.isArray(ps) || ps.length !== 2 || !ps.every((d) => Number.isSafeInteger(d) && d >= 1 && d <= 65536)) fail('BAD_GRAPH', `${ctx.where}: pooled_shape must be two positive integers`);
  f32Inputs(ctx, 2);
  const scale = num(ctx, 'spatial_scale', 1, false);
  return {
    valueInputs: ctx.node.inputs.slice(0, 2),
    outTypes: ['f32'],
    infer([x, r]) {
      nchw(ctx, x);
      if (r.length !== 2 || r[1] !== 5) fail('SHAPE_MISMATCH', `${ctx.where}: rois ${JSON.stringify(r)} (num_rois x 5 expected)`);
      return [r[0], x[1], ps[0], ps[1]];
    },
    scratch: () => PARAMS_BYTES,
    run([xp, rp], [x, r], yp, y, scratch) {
      if (elements(y) === 0) return;
      putParams(scratch, [x[0], x[1], x[2], x[3], r[0], ps[0], ps[1]]);
      poolStatus(ctx, ctx.kernels.max_roi_pool_f32__scalar(yp, xp, rp, scratch, scale), `a roi's batch index is outside the ${x[0]} images of X`);
    },
    dispose() {},
  };
};

/** see: ONNX NonMaxSuppression, opset 11: boxes [B, n, 4], scores [B, classes, n], optional
 *  max_output_boxes_per_class (i64), iou_threshold, score_threshold (f32, one element each);
 *  y [selected, 3] i64. */
export const nonMaxSuppression: Builder = (ctx) => {
  f32Inputs(ctx, 2);
  const ins = ctx.node.inputs;
  const pos = [2, 3, 4].filter((i) => (ins[i] ?? '') !== '');
  for (const i of pos) {
    const want = i === 2 ? 'i64' : 'f32';
    if (inType(ctx, i) !== want) fail('BAD_GRAPH', `${ctx.where}: input ${i} must be ${want}, not ${inType(ctx, i)}`);
  }
  const center = num(ctx, 'center_point_box', 0, true);
  if (center !== 0 && center !== 1) fail('BAD_GRAPH', `${ctx.where}: center_point_box ${center} (0 or 1 expected)`);
  const check = (s: number[][]) => {
    const [b, sc] = s;
    if (b.length !== 3 || b[2] !== 4 || sc.length !== 3 || sc[0] !== b[0] || sc[2] !== b[1]) fail('SHAPE_MISMATCH', `${ctx.where}: boxes ${JSON.stringify(b)} and scores ${JSON.stringify(sc)} (B x n x 4 and B x classes x n expected)`);
    s.slice(2).forEach((d, k) => { if (elements(d) !== 1) fail('SHAPE_MISMATCH', `${ctx.where}: input ${pos[k]} of shape ${JSON.stringify(d)} (one element expected)`); });
    return [b[0], sc[1], b[1], center];
  };
  // the kernel's inputs: pointers for the optional scalars, 0 when absent
  const call = (p: number[], s: number[][], y: number, cap: number, scratch: number) => {
    const opt = [2, 3, 4].map((i) => { const k = pos.indexOf(i); return k < 0 ? 0 : p[2 + k]; });
    putParams(scratch, [...check(s), cap]);
    const r = ctx.kernels.nms_f32__scalar(y, p[0], p[1], opt[0], opt[1], opt[2], scratch, scratch + PARAMS_BYTES);
    if (r < 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the shapes (status ${r})`);
    return r;
  };
  return {
    valueInputs: [ins[0], ins[1], ...pos.map((i) => ins[i])],
    outTypes: ['i64'],
    infer() { return fail('SHAPE_MISMATCH', `${ctx.where}: the output length is only known from the inputs (measure)`); },
    measure: (p, s, scratch) => [call(p, s, 0, 0, scratch), 3],
    scratch: (s) => PARAMS_BYTES + 12 * (s[0][1] ?? 0) + 16,
    run(p, s, yp, y, scratch) { call(p, s, yp, y[0], scratch); },
    dispose() {},
  };
};

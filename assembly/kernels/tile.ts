// Pieces the microkernels share: the fused-activation codes and their vector form, the store of a
// partial 8-wide output row, and the bias of one panel.

// Fused activations, as the host passes them (their table: assembly/codes.ts).
import { ACT_NONE, ACT_RELU, ACT_RELU6 } from "../codes";
export { ACT_NONE, ACT_RELU, ACT_RELU6 };

// max(v, 0) (and min(., 6)) per lane; f32x4.max keeps NaN and gives +0 for -0 as the references do.
// @ts-ignore: decorator
@inline export function activate(v: v128, act: i32): v128 {
  if (act == ACT_NONE) return v;
  const r = f32x4.max(v, f32x4.splat(0));
  return act == ACT_RELU ? r : f32x4.min(r, f32x4.splat(6));
}

// Store the first `cols` lanes of lo:hi at y (all 8 when cols >= 8, nothing when cols <= 0).
// @ts-ignore: decorator
@inline export function store8(y: usize, lo: v128, hi: v128, cols: i32): void {
  if (cols >= 8) { v128.store(y, lo); v128.store(y, hi, 16); return; }
  if (cols <= 0) return;
  const tmp = memory.data(32, 16);
  v128.store(tmp, lo); v128.store(tmp, hi, 16);
  memory.copy(y, tmp, <usize>cols << 2);
}

// The bias of output columns [n0, n0 + cols) in a zeroed scratch of `width` floats (one panel: 8;
// rows1x32: 32), so a partial panel adds +0 past N like the reference; all zero without a bias.
// The scratch is shared: read it before the next call.
export function panelBias(bias: usize, n0: i32, cols: i32, width: i32 = 8): usize {
  const tmp = memory.data(128, 16);
  memory.fill(tmp, 0, <usize>width << 2);
  if (bias != 0) memory.copy(tmp, bias + (<usize>n0 << 2), <usize>cols << 2);
  return tmp;
}

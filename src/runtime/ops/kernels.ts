// The module exports an operator calls. With LoadOptions.kernels 'reference', the kernels whose
// scalar reference (src/runtime/registry.ts) takes the same arguments in the same layouts are replaced by
// it. Dense, Conv and DepthwiseConv choose their reference paths themselves: those references read
// unpacked weights.

import { get, type Exports } from '../wasm.js';
import { KERNELS } from '../registry.js';

export const SAME_LAYOUT = ['binary_f32', 'clamp_f32', 'relu6_f32', 'leaky_relu_f32', 'hardswish_f32', 'prelu_f32', 'layer_norm_f32',
  'transpose_f32', 'pad_f32', 'resize_bilinear_f32', 'max_pool2d_f32', 'avg_pool2d_f32', 'global_avg_pool_f32', 'quant_affine', 'cast_decode', 'round_f32_to'];

export function kernels(reference: boolean, x: Exports = get()): Exports {
  if (!reference) return x;
  const view: Exports = { ...x };  // the exports object itself is frozen
  for (const k of SAME_LAYOUT) view[k] = x[KERNELS.find((e) => e.export === k)!.ref!];
  return view;
}

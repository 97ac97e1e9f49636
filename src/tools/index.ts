/**
 * Alloy's bundle tools (`import { writeBundle } from 'alloy-runtime/tools'`), for any runtime
 * (nothing here touches the file system or Node): write, quantize and pack bundles, and the
 * planner's host. It shares the runtime's module instance: `init()` from `alloy-runtime` serves
 * both. The importers (ONNX, TFLite) are reached through the `alloy` command.
 * @module tools
 */
import type { Alloy } from '../runtime/index.js';
import type { Host } from './plan/host.js';
export type { Host, BundleView } from './plan/host.js';
import { readBundle } from '../runtime/bundle/read.js';
import { validatePrecisionMap } from '../runtime/precision.js';
import { xxh32 } from '../runtime/bundle/hash.js';
import { writeBundle } from './bundle/write.js';
import { packBundle, tensorValues } from './bundle/pack.js';

export { writeBundle, type BundleInput, type TensorInput } from './bundle/write.js';
export { quantizeTensor, type QuantizeOptions } from './bundle/quantize.js';
export { packBundle, tensorValues, type PackReport } from './bundle/pack.js';

/** What the planner (src/tools/plan) needs from the runtime, in one object. */
export function planHost(alloy: Alloy): Host {
  return { alloy, readBundle, writeBundle, packBundle, tensorValues, validatePrecisionMap, xxh32 };
}

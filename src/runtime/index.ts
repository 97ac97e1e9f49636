/**
 * Alloy's runtime, the package's main entry (`import { init } from 'alloy-runtime'`):
 * `const alloy = await init(wasm?)`, then `alloy.load(bundle).run(feeds)`. Every bad input is an
 * {@link AlloyError} with a `code`.
 * @module runtime
 */

import * as wasm from './wasm.js';
import { formats, formatInfo, type FormatInfo } from './formats.js';
import { encode, decode, quantizeMX, dequantizeMX, quantizeAffine, dequantizeAffine, pack, unpack, type CastOptions, type MXBlocks, type AffineOptions, type AffineQuantized } from './cast.js';
import { Model, type Feed, type TensorOut, type LoadOptions, type RunOptions, type NodeOutput } from './model.js';
import type { ValueInfo } from './bundle/layout.js';
export { validatePrecisionMap, type PrecisionMap, type LayerPrecision } from './precision.js';
import type { Limits } from './bundle/read.js';

export { AlloyError } from './errors.js';
export type { AlloyErrorCode } from './errors.js';
export type { FormatInfo, CastOptions, MXBlocks, AffineOptions, AffineQuantized, Feed, TensorOut, Limits, LoadOptions, RunOptions, NodeOutput, ValueInfo };
export type { WasmSource } from './wasm.js';
export { Model };
export { readBundle } from './bundle/read.js';

/** What {@link init} resolves to: the format table, the casts, and `load()`. */
export interface Alloy {
  /** the format table: bits, bias, max, min normal, min subnormal, epsilon, inf/NaN */
  readonly formats: FormatInfo[];
  format(name: string): FormatInfo;
  encode(format: string, values: Float32Array, opts?: CastOptions): Uint8Array | Uint16Array | Uint32Array;
  decode(format: string, codes: Uint8Array | Uint16Array | Uint32Array): Float32Array;
  quantizeMX(format: string, values: Float32Array, opts?: CastOptions): MXBlocks;
  dequantizeMX(format: string, blocks: MXBlocks): Float32Array;
  quantizeAffine(format: string, values: Float32Array, opts?: AffineOptions): AffineQuantized;
  dequantizeAffine(format: string, q: AffineQuantized): Float32Array;
  pack(format: string, codes: Uint8Array): Uint8Array;
  unpack(format: string, packed: Uint8Array, n: number): Uint8Array;
  /** load a bundle (validated) */
  load(bundle: Uint8Array | ArrayBuffer, options?: LoadOptions): Model;
  /** bytes of wasm linear memory */
  memoryBytes(): number;
}

/**
 * Instantiate the module (once; later calls return the same instance) and return the API.
 * @param source the module: its bytes, a compiled `WebAssembly.Module` (Workers), a URL or URL
 *   string, or a `Response`. Omitted: `alloy.wasm` next to the host file (Node, Deno; the
 *   package's `workerd` entry passes its wasm module import). Bundlers: docs/PACKAGE.md.
 * @throws {@link AlloyError} `WASM_UNAVAILABLE` when the module cannot be read or instantiated
 * @example
 * const alloy = await init();
 * const model = alloy.load(bytes);
 * const { probs } = model.run({ x: { data: new Float32Array(784), shape: [1, 784] } });
 */
export async function init(source?: wasm.WasmSource): Promise<Alloy> {
  await wasm.init(source);
  return {
    get formats() { return formats(); },
    format: (name) => formatInfo(name),
    encode, decode, quantizeMX, dequantizeMX, quantizeAffine, dequantizeAffine, pack, unpack,
    load: (bundle, limits) => new Model(bundle, limits),
    memoryBytes: () => wasm.get().memory.buffer.byteLength,
  };
}

/** The package version (the CLI's `alloy --version`). */
export const VERSION = '0.1.0';


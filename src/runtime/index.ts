// Alloy's public entry: `const alloy = await init(wasm?)`.

import * as wasm from './wasm.js';
import { formats, formatInfo, type FormatInfo } from './formats.js';
import { encode, decode, quantizeMX, dequantizeMX, quantizeAffine, dequantizeAffine, pack, unpack, type CastOptions, type MXBlocks, type AffineOptions, type AffineQuantized } from './cast.js';
import { Model, type Feed, type TensorOut, type LoadOptions } from './model.js';
export { validatePrecisionMap, type PrecisionMap, type LayerPrecision } from './precision.js';
import type { Limits } from './bundle/read.js';

export { AlloyError } from './errors.js';
export type { AlloyErrorCode } from './errors.js';
export type { FormatInfo, CastOptions, MXBlocks, AffineOptions, AffineQuantized, Feed, TensorOut, Limits, LoadOptions };
export { Model };
export { readBundle } from './bundle/read.js';

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

export const VERSION = '0.1.0';


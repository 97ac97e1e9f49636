// What the TFLite importer binds tensor indices to: constants (a model buffer, with the tensor's
// quantization) and activations (NHWC as in the model; a PAD held back to fold into a conv).

import { unsupported, type BaseConst, type Ints } from '../graph.js';
import type { Quant } from './schema.js';
import type { DType } from '../../../runtime/dtype.js';

export interface Const extends BaseConst { quant: Quant | null }
/** An activation; `dtype` absent: f32 (also the emulated values of a quantized INT8 / UINT8 tensor). */
export interface Act { kind: 'act'; name: string; shape: Ints; dtype?: DType; pendingPad?: { x: Act; pads: Ints } }
export type Val = Const | Act;

/** One zero point per scale: as stored, or the single one given (or 0) repeated. */
export function zeroPoints(q: Quant, s: number, what: string): Int32Array {
  if (q.zeroPoint.length === s) return Int32Array.from(q.zeroPoint);
  if (q.zeroPoint.length <= 1) return new Int32Array(s).fill(q.zeroPoint[0] ?? 0);
  return unsupported(`${what}: ${q.zeroPoint.length} zero points for ${s} scales`);
}

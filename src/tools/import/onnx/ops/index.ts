// The ONNX operator table: one row per supported op_type (default domain), naming its handler
// in the family file that holds it. Adding an operator: a handler in one family file and one row
// here (see CONTRIBUTING.md, "Adding an operator").

import type { Handler } from '../importer.js';
import type { GenericRow } from '../generic.js';
import { GENERIC_ND, variadic } from './nd.js';
import { GENERIC_UNARY } from './unary.js';
import { GENERIC_REDUCE } from './reduce.js';
import { GENERIC_INDEX } from './indexing.js';
import { GENERIC_MOVE } from './move.js';
import { GENERIC_LINALG } from './linalg.js';
import { GENERIC_RECURRENT } from './recurrent.js';
import { GENERIC_RESIZE } from './resize.js';
import { GENERIC_POOL } from './pool.js';
import { GENERIC_QUANT } from './qlinear.js';
import { GENERIC_SELECT } from './select.js';
import { GENERIC_LOSS } from './loss.js';
import { GENERIC_SIGNAL } from './signal.js';
import * as conv from './conv.js';
import * as data from './data.js';
import * as math from './math.js';
import * as nn from './nn.js';
import * as norm from './norm.js';
import * as quant from './quant.js';
import * as shape from './shape.js';
import { CONTROL_OPS } from './control.js';

export const HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  // constants and shape folding
  Constant: shape.Constant,
  Identity: shape.Identity,
  Dropout: shape.Dropout,
  Shape: shape.Shape,
  Gather: shape.Gather,
  Unsqueeze: shape.Unsqueeze,
  Squeeze: shape.Squeeze,
  Cast: shape.Cast,
  Slice: shape.Slice,
  Flatten: shape.Flatten,
  Reshape: shape.Reshape,
  // elementwise
  Relu: math.Relu,
  Sigmoid: math.Sigmoid,
  Tanh: math.Tanh,
  HardSwish: math.HardSwish,
  LeakyRelu: math.LeakyRelu,
  Gelu: math.Gelu,
  Clip: math.Clip,
  HardSigmoid: math.HardSigmoid,
  Neg: math.Neg,
  PRelu: math.PRelu,
  Add: math.Add,
  Sub: math.Sub,
  Mul: math.Mul,
  Div: math.Div,
  // dense, softmax
  Gemm: nn.Gemm,
  MatMul: nn.MatMul,
  Softmax: nn.Softmax,
  LogSoftmax: nn.LogSoftmax,
  // normalisation
  LayerNormalization: norm.LayerNormalization,
  BatchNormalization: norm.BatchNormalization,
  // convolution and pooling
  Conv: conv.Conv,
  MaxPool: conv.MaxPool,
  AveragePool: conv.AveragePool,
  GlobalAveragePool: conv.GlobalAveragePool,
  GlobalMaxPool: conv.GlobalMaxPool,
  ReduceMean: conv.ReduceMean,
  // data movement
  Transpose: data.Transpose,
  Concat: data.Concat,
  Pad: data.Pad,
  Resize: data.Resize,
  // quantization
  QuantizeLinear: quant.QuantizeLinear,
  DequantizeLinear: quant.DequantizeLinear,
  // variadic element-wise (chains of the binary ops)
  Sum: variadic('Add'),
  Mean: variadic('Add', true),
  Max: variadic('Max'),
  Min: variadic('Min'),
  // control flow (subgraphs), sequences, optionals (./control.ts)
  ...CONTROL_OPS,
});

/** Operators that (also) become a generic runtime node of the same name (../generic.ts): taken
 *  when an input is not f32, has a dimension unknown at import, or the handler above refuses. */
export const GENERIC: Readonly<Record<string, GenericRow>> = Object.freeze({
  ...GENERIC_ND,
  // element-wise unary ops and activations, Clip, PRelu (./unary.ts)
  ...GENERIC_UNARY,
  // reductions and normalisations on any axes (./reduce.ts)
  ...GENERIC_REDUCE,
  // indexing: Gather (activations; constants fold in shape.ts), GatherElements, GatherND, Scatter,
  // ScatterElements, ScatterND, OneHot, Trilu, Range, TopK (./indexing.ts)
  ...GENERIC_INDEX,
  // data movement and conversion on typed values (move.ts): Cast CastLike Where Expand Tile Slice
  // Split Concat Transpose Pad DepthToSpace SpaceToDepth
  ...GENERIC_MOVE,
  // linalg: MatMul / Gemm / Conv where their handlers refuse, MatMulInteger, Einsum, ConvTranspose (./linalg.ts)
  ...GENERIC_LINALG,
  // recurrent: RNN, GRU, LSTM (./recurrent.ts)
  ...GENERIC_RECURRENT,
  // Resize (what the NHWC handler refuses; opset 10 always), Upsample, GridSample (./resize.ts)
  ...GENERIC_RESIZE,
  // pooling on NC[D]HW values where the NHWC handlers refuse, LpPool, GlobalLpPool, MaxUnpool,
  // RoiAlign, MaxRoiPool, NonMaxSuppression (./pool.ts)
  ...GENERIC_POOL,
  // linear quantization on typed values where quant.ts's pattern handlers do not apply (./qlinear.ts)
  ...GENERIC_QUANT,
  // EyeLike / ReverseSequence are in ./indexing.ts, Det in ./linalg.ts; output sizes that depend
  // on the data: NonZero, Compress, Unique (./select.ts)
  ...GENERIC_SELECT,
  // losses and the ai.onnx.preview.training optimizers (./loss.ts); signal ops (./signal.ts)
  ...GENERIC_LOSS,
  ...GENERIC_SIGNAL,
});

/** Handlers that read any element type and any shape themselves (no f32 / known-dims check). */
export const TYPED: ReadonlySet<string> = new Set(['Sum', 'Mean', 'Max', 'Min', 'BatchNormalization', ...Object.keys(CONTROL_OPS)]);

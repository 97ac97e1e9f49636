// The TFLite operator table: one row per supported builtin operator (schema.fbs BuiltinOperator
// name), naming its handler in the family file that holds it. Adding an operator: a handler in
// one family file and one row here (see CONTRIBUTING.md, "Adding an operator").

import type { Handler } from '../importer.js';
import * as conv from './conv.js';
import * as math from './math.js';
import * as shape from './shape.js';
import * as quant from './quant.js';
import * as nd from './nd.js';
import * as ix from './indexing.js';
import * as deconv from './deconv.js';

// a null-prototype object: an operator named like an Object.prototype member is not "supported"
export const HANDLERS: Readonly<Record<string, Handler>> = Object.freeze(Object.assign(Object.create(null), {
  // convolution, dense, pooling
  CONV_2D: conv.CONV_2D,
  DEPTHWISE_CONV_2D: conv.DEPTHWISE_CONV_2D,
  FULLY_CONNECTED: conv.FULLY_CONNECTED,
  MAX_POOL_2D: conv.MAX_POOL_2D,
  AVERAGE_POOL_2D: conv.AVERAGE_POOL_2D,
  // elementwise
  ADD: math.ADD,
  SUB: math.SUB,
  MUL: math.MUL,
  DIV: math.DIV,
  LOGISTIC: math.LOGISTIC,
  TANH: math.TANH,
  RELU: math.RELU,
  RELU6: math.RELU6,
  RELU_N1_TO_1: math.RELU_N1_TO_1,
  HARD_SWISH: math.HARD_SWISH,
  LEAKY_RELU: math.LEAKY_RELU,
  GELU: math.GELU,
  LOG_SOFTMAX: math.LOG_SOFTMAX,
  SOFTMAX: math.SOFTMAX,
  PRELU: math.PRELU,
  // data movement
  PAD: shape.PAD,
  PADV2: shape.PADV2,
  MIRROR_PAD: shape.MIRROR_PAD,
  RESHAPE: shape.RESHAPE,
  SQUEEZE: shape.SQUEEZE,
  EXPAND_DIMS: shape.EXPAND_DIMS,
  RESIZE_BILINEAR: shape.RESIZE_BILINEAR,
  RESIZE_NEAREST_NEIGHBOR: shape.RESIZE_NEAREST_NEIGHBOR,
  CONCATENATION: shape.CONCATENATION,
  TRANSPOSE: shape.TRANSPOSE,
  MEAN: shape.MEAN,
  // quantization
  DEQUANTIZE: quant.DEQUANTIZE,
  QUANTIZE: quant.QUANTIZE,
  // transposed convolutions (f32, via ConvTranspose)
  TRANSPOSE_CONV: deconv.TRANSPOSE_CONV,
  CUSTOM: deconv.CUSTOM,
}));

// The typed table: operators on any element type with TFLite semantics, lowered to the runtime's
// ONNX-semantics ops (./nd.ts, ./indexing.ts). An operator in both tables takes its f32 handler
// above when its inputs and outputs are f32 and that handler converts it (see ../index.ts).
export const TYPED: Readonly<Record<string, Handler>> = Object.freeze(Object.assign(Object.create(null), {
  ADD: nd.ADD, SUB: nd.SUB, MUL: nd.MUL, DIV: nd.DIV, POW: nd.POW, MAXIMUM: nd.MAXIMUM, MINIMUM: nd.MINIMUM,
  FLOOR_MOD: nd.FLOOR_MOD, FLOOR_DIV: nd.FLOOR_DIV, SQUARED_DIFFERENCE: nd.SQUARED_DIFFERENCE, SQUARE: nd.SQUARE,
  EQUAL: nd.EQUAL, NOT_EQUAL: nd.NOT_EQUAL, LESS: nd.LESS, LESS_EQUAL: nd.LESS_EQUAL, GREATER: nd.GREATER, GREATER_EQUAL: nd.GREATER_EQUAL,
  LOGICAL_AND: nd.LOGICAL_AND, LOGICAL_OR: nd.LOGICAL_OR, LOGICAL_NOT: nd.LOGICAL_NOT, SELECT: nd.SELECT, SELECT_V2: nd.SELECT_V2,
  CAST: nd.CAST, SHAPE: nd.SHAPE, FILL: nd.FILL, ZEROS_LIKE: nd.ZEROS_LIKE, RANGE: nd.RANGE,
  SUM: nd.SUM, MEAN: nd.MEAN, REDUCE_MAX: nd.REDUCE_MAX, REDUCE_MIN: nd.REDUCE_MIN, REDUCE_PROD: nd.REDUCE_PROD,
  REDUCE_ANY: nd.REDUCE_ANY, REDUCE_ALL: nd.REDUCE_ALL, ARG_MAX: nd.ARG_MAX, ARG_MIN: nd.ARG_MIN, CUMSUM: nd.CUMSUM,
  PAD: nd.PAD, PADV2: nd.PAD, BROADCAST_TO: nd.BROADCAST_TO, REVERSE_V2: nd.REVERSE_V2,
  RESHAPE: nd.RESHAPE, SQUEEZE: nd.SQUEEZE, EXPAND_DIMS: nd.EXPAND_DIMS, TRANSPOSE: nd.TRANSPOSE, CONCATENATION: nd.CONCATENATION,
  GATHER: ix.GATHER, GATHER_ND: ix.GATHER_ND, SLICE: ix.SLICE, STRIDED_SLICE: ix.STRIDED_SLICE,
  PACK: ix.PACK, UNPACK: ix.UNPACK, SPLIT: ix.SPLIT, SPLIT_V: ix.SPLIT_V, TILE: ix.TILE,
  BATCH_MATMUL: ix.BATCH_MATMUL, TOPK_V2: ix.TOPK_V2, ONE_HOT: ix.ONE_HOT,
  ABS: nd.ABS, NEG: nd.NEG, EXP: nd.EXP, LOG: nd.LOG, SQRT: nd.SQRT, RSQRT: nd.RSQRT, SIN: nd.SIN, COS: nd.COS,
  FLOOR: nd.FLOOR, CEIL: nd.CEIL, ROUND: nd.ROUND, SIGN: nd.SIGN,
}));

// The TFLite operator table: one row per supported builtin operator (schema.fbs BuiltinOperator
// name), naming its handler in the family file that holds it. Adding an operator: a handler in
// one family file and one row here (see CONTRIBUTING.md, "Adding an operator").

import type { Handler } from '../importer.js';
import * as conv from './conv.js';
import * as math from './math.js';
import * as shape from './shape.js';
import * as quant from './quant.js';

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
}));

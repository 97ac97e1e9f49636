// The operator registry: op name -> builder. Importers map their op sets onto these names.
import type { Builder } from './types.js';
import { dense } from './dense.js';
import { conv, depthwiseConv } from './conv.js';
import { maxPool, avgPool, globalAvgPool } from './pool.js';
import { UNARY, softmax } from './eltwise.js';
import { BINARY } from './nd.js';
import { reshape, flatten, squeeze, unsqueeze, identity, shape, size, constantOfShape } from './shape.js';
import { transpose, pad, concat, prelu, logSoftmax, layerNorm, resize } from './tensor.js';
import { fakeQuant } from './quant.js';

export const OPS: Record<string, Builder> = {
  Dense: dense,
  Conv: conv,
  DepthwiseConv: depthwiseConv,
  MaxPool: maxPool,
  AveragePool: avgPool,
  GlobalAveragePool: globalAvgPool,
  ...BINARY,
  ...UNARY,
  Softmax: softmax,
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Identity: identity,
  Shape: shape,
  Size: size,
  ConstantOfShape: constantOfShape,
  Transpose: transpose,
  Pad: pad,
  Concat: concat,
  PRelu: prelu,
  LogSoftmax: logSoftmax,
  LayerNorm: layerNorm,
  Resize: resize,
  FakeQuant: fakeQuant,
};

export type { Builder, PreparedNode, OpContext, Weight } from './types.js';

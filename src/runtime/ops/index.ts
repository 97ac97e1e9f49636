// The operator registry: op name -> builder. Importers map their op sets onto these names.
import type { Builder } from './types.js';
import { dense } from './dense.js';
import { conv, depthwiseConv } from './conv.js';
import { maxPool, avgPool, globalAvgPool } from './pool.js';
import { binary, UNARY, softmax } from './eltwise.js';
import { reshape, flatten } from './shape.js';
import { transpose, pad, concat, prelu, logSoftmax, layerNorm, resize } from './tensor.js';
import { fakeQuant } from './quant.js';
import { matmul, gemm, matmulInteger, einsum } from './linalg.js';
import { convNd, convTranspose } from './convnd.js';

export const OPS: Record<string, Builder> = {
  Dense: dense,
  Conv: conv,
  DepthwiseConv: depthwiseConv,
  MaxPool: maxPool,
  AveragePool: avgPool,
  GlobalAveragePool: globalAvgPool,
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'),
  ...UNARY,
  Softmax: softmax,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Pad: pad,
  Concat: concat,
  PRelu: prelu,
  LogSoftmax: logSoftmax,
  LayerNorm: layerNorm,
  Resize: resize,
  FakeQuant: fakeQuant,
  // linalg: ONNX semantics (src/runtime/ops/linalg.ts, convnd.ts); ConvNd is ONNX Conv on NC[D]HW values
  MatMul: matmul, Gemm: gemm, MatMulInteger: matmulInteger, Einsum: einsum, ConvNd: convNd, ConvTranspose: convTranspose,
};

export type { Builder, PreparedNode, OpContext, Weight } from './types.js';

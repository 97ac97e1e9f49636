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
import { reduce, REDUCE_OP_NAMES, argExtreme, cumSum } from './reduce.js';
import { softmaxNd, layerNormalization, groupNorm, lpNormalization, meanVarianceNormalization, lrn } from './normalize.js';

// Softmax / LogSoftmax on f32 along the last axis keep Alloy's last-axis builders (the same bits
// as softmax_nd_any__scalar there); any other axis, opset < 13's 2-D view, or f64: the N-d one.
const lastAxis = (b: Builder, nd: Builder): Builder => (ctx) => {
  const a = ctx.node.attrs ?? {};
  const legacy = (a.axis === undefined || a.axis === -1) && !a.coerce2d && ctx.typeOf(ctx.node.inputs[0]) !== 'f64';
  return legacy ? b(ctx) : nd(ctx);
};
import { gather, gatherElements, gatherND, scatterElements, scatterND, oneHot, trilu, range, topK } from './indexing.js';
import { cast, castLike, where, expand, tile, slice, split, depthToSpace, spaceToDepth } from './move.js';
import { matmul, gemm, matmulInteger, einsum } from './linalg.js';
import { convNd, convTranspose } from './convnd.js';
import { negativeLogLikelihoodLoss, softmaxCrossEntropyLoss } from './loss.js';
import { adagrad, adam, momentum } from './optim.js';
import { dft, stft, window, melWeightMatrix } from './signal.js';

export const OPS: Record<string, Builder> = {
  Dense: dense,
  Conv: conv,
  DepthwiseConv: depthwiseConv,
  MaxPool: maxPool,
  AveragePool: avgPool,
  GlobalAveragePool: globalAvgPool,
  ...BINARY,
  ...UNARY,
  Softmax: lastAxis(softmax, softmaxNd('softmax')),
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
  LogSoftmax: lastAxis(logSoftmax, softmaxNd('logsoftmax')),
  LayerNorm: layerNorm,
  Resize: resize,
  FakeQuant: fakeQuant,
  // reductions and normalisations on any axes, ONNX semantics (reduce.ts, normalize.ts)
  ...Object.fromEntries(REDUCE_OP_NAMES.map((n) => [n, reduce(n)])),
  ArgMax: argExtreme(false), ArgMin: argExtreme(true), CumSum: cumSum,
  Hardmax: softmaxNd('hardmax'),
  LayerNormalization: layerNormalization,
  InstanceNormalization: groupNorm(true), GroupNormalization: groupNorm(false),
  LpNormalization: lpNormalization, MeanVarianceNormalization: meanVarianceNormalization, LRN: lrn,
  // indexing (ops/indexing.ts)
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterElements: scatterElements,
  ScatterND: scatterND,
  OneHot: oneHot,
  Trilu: trilu,
  Range: range,
  TopK: topK,
  // data movement and conversion on typed values (move.ts; Transpose / Pad / Concat route there from tensor.ts)
  Cast: cast, CastLike: castLike, Where: where, Expand: expand, Tile: tile, Slice: slice, Split: split,
  DepthToSpace: depthToSpace, SpaceToDepth: spaceToDepth,
  // linalg: ONNX semantics (src/runtime/ops/linalg.ts, convnd.ts); ConvNd is ONNX Conv on NC[D]HW values
  MatMul: matmul, Gemm: gemm, MatMulInteger: matmulInteger, Einsum: einsum, ConvNd: convNd, ConvTranspose: convTranspose,
  // losses (loss.ts), ai.onnx.preview.training optimizers (optim.ts), signal ops (signal.ts)
  NegativeLogLikelihoodLoss: negativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss: softmaxCrossEntropyLoss,
  Adagrad: adagrad, Adam: adam, Momentum: momentum,
  DFT: dft, STFT: stft, HannWindow: window('hann'), HammingWindow: window('hamming'), BlackmanWindow: window('blackman'), MelWeightMatrix: melWeightMatrix,
};

export type { Builder, PreparedNode, OpContext, Weight } from './types.js';

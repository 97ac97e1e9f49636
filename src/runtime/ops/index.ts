// The operator registry: op name -> builder. Importers map their op sets onto these names.
import type { Builder } from './types.js';
import { dense } from './dense.js';
import { conv, depthwiseConv } from './conv.js';
import { maxPool, avgPool, globalAvgPool } from './pool.js';
import { UNARY, softmax } from './eltwise.js';
import { BINARY } from './nd.js';
import { UNARY_ND } from './unary.js';
import { reshape, flatten, squeeze, unsqueeze, identity, shape, size, constantOfShape, dropout } from './shape.js';
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
// PRelu with one f32 slope per last-axis channel (or one) keeps tensor.ts's builder (the bundles
// the layout importers write); any other slope shape or type broadcasts with the binary kernel.
const preluRoute: Builder = (ctx) => {
  const w = ctx.weights.get(ctx.node.inputs[1] ?? '');
  const dims = w ? [...w.entry.shape] : [];
  while (dims.length > 1 && dims[0] === 1) dims.shift();
  const legacy = ctx.typeOf(ctx.node.inputs[0] ?? '') === 'f32' && !!w && w.entry.format === 'f32' && w.entry.scale === undefined && dims.length <= 1;
  return legacy ? prelu(ctx) : BINARY.PRelu(ctx);
};
import { gather, gatherElements, gatherND, scatterElements, scatterND, oneHot, trilu, range, topK } from './indexing.js';
import { cast, castLike, where, expand, tile, slice, split, depthToSpace, spaceToDepth } from './move.js';
import { matmul, gemm, matmulInteger, einsum } from './linalg.js';
import { convNd, convTranspose } from './convnd.js';
import { rnn, gru, lstm } from './recurrent.js';
import { resizeNd, gridSample } from './resize.js';
import { poolNd, maxUnpool } from './poolnd.js';
import { roiAlign, maxRoiPool, nonMaxSuppression } from './roi.js';
import { eyeLike, reverseSequence } from './eye.js';
import { det } from './det.js';
import { nonZero, compress, unique } from './select.js';
import { tfIdfVectorizer } from './tfidf.js';
import { qlinearMatMul, qlinearConv } from './qmatmul.js';
import { convInteger } from './convint.js';
import { quantizeLinear, dequantizeLinear, dynamicQuantizeLinear } from './qlinear.js';
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
  // element-wise unary ops on typed values (unary.ts; f32 Relu / Clip / ... keep eltwise.ts's builders)
  ...UNARY_ND,
  Softmax: lastAxis(softmax, softmaxNd('softmax')),
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Identity: identity,
  Shape: shape,
  Size: size,
  ConstantOfShape: constantOfShape,
  Dropout: dropout,
  Transpose: transpose,
  Pad: pad,
  Concat: concat,
  PRelu: preluRoute,
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
  // recurrent: ONNX RNN / GRU / LSTM (recurrent.ts)
  RNN: rnn, GRU: gru, LSTM: lstm,
  // ONNX Resize on N-d typed values (Resize is the NHWC f32 image op of tensor.ts), GridSample (resize.ts)
  ResizeNd: resizeNd, GridSample: gridSample,
  // pooling with ONNX semantics on NC[D]HW typed values (poolnd.ts, roi.ts); MaxPool / AveragePool / GlobalAveragePool above are NHWC
  MaxPoolNd: poolNd('max'), AveragePoolNd: poolNd('avg'), LpPool: poolNd('lp'),
  GlobalMaxPoolNd: poolNd('max', true), GlobalAveragePoolNd: poolNd('avg', true), GlobalLpPool: poolNd('lp', true),
  MaxUnpool: maxUnpool, RoiAlign: roiAlign, MaxRoiPool: maxRoiPool, NonMaxSuppression: nonMaxSuppression,
  // linear quantization on typed values (qlinear.ts)
  QuantizeLinear: quantizeLinear, DequantizeLinear: dequantizeLinear, DynamicQuantizeLinear: dynamicQuantizeLinear, QLinearMatMul: qlinearMatMul,
  ConvInteger: convInteger, QLinearConv: qlinearConv,
  EyeLike: eyeLike, ReverseSequence: reverseSequence, Det: det,
  // data-dependent output shapes, counted at plan time (select.ts)
  NonZero: nonZero, Compress: compress, Unique: unique,
  TfIdfVectorizer: tfIdfVectorizer,
  // losses (loss.ts), ai.onnx.preview.training optimizers (optim.ts), signal ops (signal.ts)
  NegativeLogLikelihoodLoss: negativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss: softmaxCrossEntropyLoss,
  Adagrad: adagrad, Adam: adam, Momentum: momentum,
  DFT: dft, STFT: stft, HannWindow: window('hann'), HammingWindow: window('hamming'), BlackmanWindow: window('blackman'), MelWeightMatrix: melWeightMatrix,
};

export type { Builder, PreparedNode, OpContext, Weight } from './types.js';

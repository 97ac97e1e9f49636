// Every kernel of alloy.wasm, listed once (DESIGN rule 6; XNNPACK's enumerator files). Names say
// what, then how: <op>_<weights>_<acts>_<acc>__<isa>[_<MR>x<NR>]. `ref` is the scalar reference
// the SIMD entry equals bit for bit (null: the kernel is scalar, or its reference is the format
// reference in formats/scalar.ts), `test` the suite that checks it. test/kernels/registry.test.ts
// fails when the module exports a kernel that is not listed here, or a listed one is missing.

export interface KernelEntry { name: string; export: string; ref: string | null; test: string }

export const KERNELS: KernelEntry[] = [
  // dense / GEMM
  { name: 'gemm_f32_f32_f32__simd128_5x8', export: 'dense_f32', ref: 'dense_f32_ref', test: 'test/kernels/dense.test.ts' },
  { name: 'gemm_f32_f32_f32__simd128_4x8_panels', export: 'dense_f32_panels', ref: 'dense_f32_ref', test: 'test/kernels/dense.test.ts' },
  { name: 'gemm_wq_f32_f32__simd128_4x8', export: 'dense_wq', ref: 'dense_wq_ref', test: 'test/kernels/dense_q.test.ts' },
  { name: 'gemm_{i8,u8,i4}_f32_f32__simd128_4x8', export: 'dense_wqp', ref: 'dense_wq_ref', test: 'test/kernels/dense_q.test.ts' },
  { name: 'gemm_{f16,bf16,f8}_f32_f32__simd128_4x8', export: 'dense_wf', ref: 'dense_wq_ref', test: 'test/kernels/dense_q.test.ts' },
  { name: 'gemm_i8_i8_i32__simd128_4x8', export: 'dense_w8a8', ref: 'dense_w8a8_ref', test: 'test/kernels/dense_q.test.ts' },
  { name: 'gemm_f32_f32_{f16,bf16,f8}__simd128_4x8', export: 'dense_acc', ref: 'dense_acc_ref', test: 'test/emulate/dense_acc.test.ts' },
  { name: 'dwconv_f32_f32_{f16,bf16,f8}__simd128_4', export: 'depthwise_acc', ref: 'depthwise_acc_ref', test: 'test/emulate/conv_acc.test.ts' },
  { name: 'gemm_f32_f32_{f16,bf16,f8}_recompute_f32__simd128_4x8', export: 'dense_recompute', ref: 'dense_recompute_ref', test: 'test/emulate/recompute.test.ts' },
  { name: 'kappa_act_f32__scalar', export: 'kappa_act_f32', ref: null, test: 'test/emulate/recompute.test.ts' },
  // convolution and pooling (NHWC)
  { name: 'conv2d_f32_f32_f32__simd128_4x8', export: 'conv2d_f32', ref: 'conv2d_f32_ref', test: 'test/kernels/conv.test.ts' },
  { name: 'conv1x1_f32_f32_f32__simd128_4x8', export: 'pointwise_f32', ref: 'pointwise_f32_ref', test: 'test/kernels/conv.test.ts' },
  { name: 'conv2d_f32_f32_f32__simd128_16x1', export: 'conv2d_narrow_f32', ref: 'conv2d_f32_ref', test: 'test/kernels/conv.test.ts' },
  { name: 'im2col_x32__memcpy', export: 'im2col_f32', ref: null, test: 'test/ops.test.ts' },
  { name: 'dwconv_f32_f32_f32__simd128_4x4', export: 'depthwise_conv2d_f32', ref: 'depthwise_conv2d_f32_ref', test: 'test/kernels/depthwise.test.ts' },
  { name: 'maxpool_f32__simd128', export: 'max_pool2d_f32', ref: 'max_pool2d_f32_ref', test: 'test/kernels/pool.test.ts' },
  { name: 'avgpool_f32__simd128', export: 'avg_pool2d_f32', ref: 'avg_pool2d_f32_ref', test: 'test/kernels/pool.test.ts' },
  { name: 'gavgpool_f32__simd128', export: 'global_avg_pool_f32', ref: 'global_avg_pool_f32_ref', test: 'test/kernels/pool.test.ts' },
  // element-wise and activations
  { name: 'vbinary_f32__simd128', export: 'binary_f32', ref: 'binary_f32_ref', test: 'test/kernels/eltwise.test.ts' },
  { name: 'vclamp_f32__simd128', export: 'clamp_f32', ref: 'clamp_f32_ref', test: 'test/kernels/eltwise.test.ts' },
  { name: 'vrelu_f32__simd128', export: 'relu_f32', ref: null, test: 'test/ops.test.ts' },
  { name: 'vrelu6_f32__simd128', export: 'relu6_f32', ref: 'relu6_f32_ref', test: 'test/kernels/eltwise.test.ts' },
  { name: 'vlrelu_f32__simd128', export: 'leaky_relu_f32', ref: 'leaky_relu_f32_ref', test: 'test/kernels/eltwise.test.ts' },
  { name: 'vhswish_f32__simd128', export: 'hardswish_f32', ref: 'hardswish_f32_ref', test: 'test/kernels/eltwise.test.ts' },
  { name: 'vsigmoid_f32__scalar', export: 'sigmoid_f32', ref: null, test: 'test/kernels/eltwise.test.ts' },
  { name: 'vtanh_f32__scalar', export: 'tanh_f32', ref: null, test: 'test/kernels/eltwise.test.ts' },
  { name: 'vgelu_f32__scalar', export: 'gelu_f32', ref: null, test: 'test/kernels/eltwise.test.ts' },
  { name: 'vprelu_f32__simd128', export: 'prelu_f32', ref: 'prelu_f32_ref', test: 'test/kernels/shape.test.ts' },
  { name: 'softmax_f32__scalar', export: 'softmax_f32', ref: null, test: 'test/kernels/dense.test.ts' },
  { name: 'logsoftmax_f32__scalar', export: 'log_softmax_f32', ref: null, test: 'test/kernels/norm.test.ts' },
  { name: 'layernorm_f32__simd128', export: 'layer_norm_f32', ref: 'layer_norm_f32_ref', test: 'test/kernels/norm.test.ts' },
  { name: 'batchnorm_f32__simd128', export: 'batch_norm_f32', ref: 'batch_norm_f32_ref', test: 'test/kernels/norm.test.ts' },
  // data movement
  { name: 'transpose_x32__simd128_4x4', export: 'transpose_f32', ref: 'transpose_f32_ref', test: 'test/kernels/shape.test.ts' },
  { name: 'pad_x32__scalar', export: 'pad_f32', ref: 'pad_f32_ref', test: 'test/kernels/shape.test.ts' },
  { name: 'concat_x32__memcpy', export: 'concat_copy_f32', ref: null, test: 'test/kernels/shape.test.ts' },
  { name: 'resize_nearest_x32__memcpy', export: 'resize_nearest_f32', ref: null, test: 'test/kernels/resize.test.ts' },
  { name: 'resize_bilinear_f32__simd128', export: 'resize_bilinear_f32', ref: 'resize_bilinear_f32_ref', test: 'test/kernels/resize.test.ts' },
  // N-d typed element-wise (numpy broadcasting; every element type of assembly/nd/dtype.ts)
  { name: 'vbinary_nd_x__simd128', export: 'binary_nd', ref: 'binary_nd_ref', test: 'test/nd/binary.test.ts' },
  // format casts (every format; the scalar reference is formats/scalar.ts)
  { name: 'cvt_f32_fmt__simd128', export: 'cast_encode', ref: 'cast_encode_ref', test: 'test/formats/random.test.ts' },
  { name: 'cvt_fmt_f32__simd128', export: 'cast_decode', ref: 'cast_decode_ref', test: 'test/formats/decode.test.ts' },
  { name: 'cvt_f32_mx__simd128', export: 'mx_quantize', ref: 'mx_quantize_ref', test: 'test/formats/mx.test.ts' },
  { name: 'cvt_mx_f32__lut', export: 'mx_dequantize', ref: null, test: 'test/formats/mx.test.ts' },
  { name: 'quant_f32_int__simd128', export: 'quant_affine', ref: 'quant_affine_ref', test: 'test/formats/affine.test.ts' },
  { name: 'dequant_int_f32__simd128', export: 'dequant_affine', ref: null, test: 'test/formats/affine.test.ts' },
  { name: 'round_f32_fmt_f32__simd128', export: 'round_f32_to', ref: 'round_f32_to_ref', test: 'test/emulate/round.test.ts' },
  { name: 'quant_rows_f32_i8__simd128', export: 'quant_rows_i8', ref: null, test: 'test/kernels/dense_q.test.ts' },
  // probes
  { name: 'peak_f32_muladd__simd128_12', export: 'peak_f32_muladd', ref: null, test: 'bench/peak.ts' },
  { name: 'peak_i8_dot__simd128_5x8', export: 'peak_i8_dot', ref: null, test: 'bench/peak.ts' },
];

/** Exports that are not kernels: memory, format table, packing and layout helpers. */
export const HELPERS = new Set([
  'alloc', 'alloc_uninit', 'free', 'memory_bytes', 'fmt_count', 'fmt_cols', 'fmt_table_ptr', 'fmt_names_ptr', 'fmt_names_len', 'fmt_max_code', 'fmt_nan_code',
  'fmt_inf_code', 'random_fill', 'pack4', 'unpack4', 'sext4', 'pack6', 'unpack6', 'packed_bytes', 'affine_params', 'pack_w_f32',
  'packed_f32_bytes', 'pack_w_q', 'packed_q_bytes', 'pack_wq_params', 'packed_wq_params_bytes', 'pack_w_i8_k2', 'packed_w8a8_bytes', 'pack_conv_w_f32', 'packed_conv_f32_bytes',
  'conv_out_dim', 'conv_narrow_scratch_bytes', 'weights_fusable', 'canonicalize_nan', 'dtype_count', 'dtype_cols', 'dtype_table_ptr', 'xxh32', 'xxh32_start', 'xxh32_update', 'xxh32_digest',
]);

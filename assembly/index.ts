// The module's exports: pointer-and-length functions of i32/f32 only (docs/ARCHITECTURE.md: never v128).

export { alloc, alloc_uninit, free, memory_bytes } from "./memory";
export {
  fmt_count, fmt_cols, fmt_table_ptr, fmt_max_code, fmt_nan_code, fmt_inf_code,
} from "./formats/table";
export { names_count, names_ptr, names_len } from "./codes";
export { random_fill } from "./formats/random";
export {
  cvt_f32_fmt__simd128, cvt_f32_fmt__scalar, cvt_fmt_f32__simd128, cvt_fmt_f32__scalar, pack4, unpack4, sext4, pack6, unpack6, packed_bytes,
} from "./formats/bulk";
export { cvt_f32_mx__simd128, cvt_f32_mx__scalar, cvt_mx_f32__lut, cvt_mx_f32__scalar } from "./formats/mx";
export { quant_f32_int__simd128, quant_f32_int__scalar, dequant_int_f32__simd128, dequant_int_f32__scalar, affine_params } from "./formats/affine";
export { pack_w_f32, packed_f32_bytes } from "./kernels/pack";
export { gemm_f32_f32_f32__simd128_5x8, gemm_f32_f32_f32__simd128_5x8_panels, gemm_f32_f32_f32__scalar } from "./kernels/dense_f32";
export { vrelu_f32__simd128, vrelu_f32__scalar, softmax_f32__scalar, canonicalize_nan, canonicalize_nan_f64 } from "./kernels/activations";
export { xxh32, xxh32_start, xxh32_update, xxh32_digest } from "./util/xxh32";
export { conv2d_f32_f32_f32__simd128_4x8, conv2d_f32_f32_f32__scalar, pack_conv_w_f32, packed_conv_f32_bytes, conv_out_dim } from "./kernels/conv2d";
export { dwconv_f32_f32_f32__simd128_4x4, dwconv_f32_f32_f32__scalar } from "./kernels/depthwise";
export { maxpool_f32__simd128, maxpool_f32__scalar, avgpool_f32__simd128, avgpool_f32__scalar, gavgpool_f32__simd128, gavgpool_f32__scalar } from "./kernels/pool";
export {
  vbinary_f32__simd128, vbinary_f32__scalar, vclamp_f32__simd128, vclamp_f32__scalar, vrelu6_f32__simd128, vrelu6_f32__scalar, vlrelu_f32__simd128, vlrelu_f32__scalar,
  vhswish_f32__simd128, vhswish_f32__scalar, vsigmoid_f32__scalar, vtanh_f32__scalar, vgelu_f32__scalar,
} from "./kernels/eltwise";
export { gemm_any_f32_f32__simd128_4x8, gemm_int_f32_f32__simd128_4x8, gemm_any_f32_f32__scalar, pack_w_q, packed_q_bytes, pack_wq_params, packed_wq_params_bytes } from "./kernels/dense_q";
export { gemm_i8_i8_i32__simd128_4x8, gemm_i8_i8_i32__scalar, pack_w_i8_k2, packed_w8a8_bytes, quant_rows_f32_i8__simd128, quant_rows_f32_i8__scalar } from "./kernels/dense_w8a8";
export { round_f32_fmt__simd128, round_f32_fmt__scalar } from "./emulate/round";
export { gemm_f32_f32_emu__simd128_4x8, gemm_f32_f32_emu__scalar } from "./emulate/dense_acc";
export { dwconv_f32_f32_emu__simd128_4, dwconv_f32_f32_emu__scalar } from "./emulate/dwconv_acc";
export { transpose_x32__simd128_4x4, transpose_x32__scalar, pad_x32__simd128, pad_x32__scalar, concat_x32__memcpy, concat_x32__scalar, vprelu_f32__simd128, vprelu_f32__scalar } from "./kernels/shape";
export { logsoftmax_f32__scalar, layernorm_f32__simd128, layernorm_f32__scalar, batchnorm_f32__simd128, batchnorm_f32__scalar } from "./kernels/norm";
export { resize_nearest_x32__memcpy, resize_nearest_x32__scalar, resize_bilinear_f32__simd128, resize_bilinear_f32__scalar } from "./kernels/resize";
export { peak_f32_muladd__simd128_12, peak_i8_dot__simd128_5x8 } from "./kernels/peak";
export { gemm_fused_f32_f32__simd128_4x8, weights_fusable } from "./kernels/dense_fused";
export { gemm_f32_f32_emu_recompute__simd128_4x8, gemm_f32_f32_emu_recompute__scalar, kappa_act_f32__scalar } from "./emulate/recompute";
export { im2col_x32__simd128, im2col_x32__scalar } from "./kernels/im2col";
export { conv1x1_f32_f32_f32__simd128_4x8, conv1x1_f32_f32_f32__scalar } from "./kernels/pointwise";
export { conv2d_f32_f32_f32__simd128_16x1, conv_narrow_scratch_bytes } from "./kernels/conv_narrow";
export { dtype_count, dtype_cols, dtype_table_ptr } from "./nd/dtype";
export { vbinary_nd_any__simd128, vbinary_nd_any__scalar } from "./nd/binary";
export { reduce_nd_any__simd128, reduce_nd_any__scalar } from "./nd/reduce";
export { argmax_nd_any__scalar, cumsum_nd_any__scalar } from "./nd/scan";
export { softmax_nd_any__scalar } from "./nd/softmax";
export { groupnorm_f32__scalar, layernorm_stats_f32__scalar, lpnorm_f32__scalar, lrn_f32__scalar, mvn_nd_f32__scalar } from "./nd/norm";
export { gather_any__memcpy, gather_any__scalar, gather_elements_any__scalar, gather_nd_any__memcpy, gather_nd_any__scalar } from "./nd/gather";
export { scatter_elements_any__scalar, scatter_nd_any__scalar } from "./nd/scatter";
export { onehot_any__scalar, trilu_any__memcpy, trilu_any__scalar, range_count_any__scalar, range_any__scalar } from "./nd/fill";
export { topk_any__scalar } from "./nd/topk";
// data movement and conversion on typed N-d tensors (nd/move.ts, nd/pad.ts, nd/where.ts, nd/cast.ts)
export {
  transpose_nd_any__simd128, transpose_nd_any__scalar, slice_nd_any__simd128, slice_nd_any__scalar,
  expand_nd_any__simd128, expand_nd_any__scalar, tile_nd_any__simd128, tile_nd_any__scalar,
} from "./nd/move";
export { pad_nd_any__simd128, pad_nd_any__scalar, concat_nd_any__memcpy, concat_nd_any__scalar } from "./nd/pad";
export { where_nd_any__simd128, where_nd_any__scalar } from "./nd/where";
export { cast_any__simd128, cast_any__scalar } from "./nd/cast";
export { matmul_f32_f32_f32__simd128_5x8, matmul_f32_f32_f32__scalar, matmul_f64_f64_f64__scalar } from "./nd/matmul";
export { matmul_x8_x8_i32__simd128_4x8, matmul_x8_x8_i32__scalar } from "./nd/matmul_int";
export { conv_nd_f32_f32_f32__scalar, conv_transpose_nd_f32_f32_f32__scalar } from "./nd/conv";
export { einsum_nd_any__scalar } from "./nd/einsum";
export { conv_nd_f32_f32_f32__simd128_5x8, conv_transpose_nd_f32_f32_f32__simd128_5x8 } from "./nd/conv_gemm";
export { vunary_nd_any__simd128, vunary_nd_any__scalar } from "./nd/unary";
export { recurrent_f32_f32_f32__simd128_5x8, recurrent_f32_f32_f32__scalar, pack_recurrent_f32, packed_recurrent_f32_bytes, recurrent_scratch_bytes } from "./nd/recurrent";
// Resize / Upsample on N-d tensors, GridSample (nd/resize.ts, nd/gridsample.ts)
export { resize_nd_any__simd128, resize_nd_any__scalar, resize_out_dims__scalar } from "./nd/resize";
export { gridsample_f32__scalar } from "./nd/gridsample";
// pooling windows, unpooling, region pooling and box suppression on NC[D]HW values (nd/pool.ts, nd/roi.ts, nd/nms.ts)
export { pool_nd_any__scalar, pool_nd_f32__simd128, maxunpool_any__scalar } from "./nd/pool";
export { roi_align_f32__scalar, max_roi_pool_f32__scalar } from "./nd/roi";
export { nms_f32__scalar } from "./nd/nms";
export { quantize_linear_any__scalar, dequantize_linear_any__scalar, dynamic_quantize_f32_u8__scalar, requantize_i32_x8__scalar } from "./nd/quant";
export { eyelike_any__scalar, reverse_sequence_any__scalar } from "./nd/eye";
export { det_f32__scalar, det_f64__scalar } from "./nd/det";
export { nonzero_count_any__scalar, nonzero_any__scalar, compress_any__scalar } from "./nd/select";
export { unique_any__scalar } from "./nd/unique";
export { tfidf_int_f32__scalar } from "./nd/tfidf";
export { conv_x8_x8_i32__scalar } from "./nd/conv_int";
// losses, training optimizers, signal ops (nd/loss.ts, nd/optim.ts, nd/fft.ts, nd/signal.ts)
export { nll_loss_any__scalar } from "./nd/loss";
export { adagrad_any__simd128, adagrad_any__scalar, adam_any__simd128, adam_any__scalar, momentum_any__simd128, momentum_any__scalar } from "./nd/optim";
export { dft_any__simd128, dft_any__scalar, stft_any__simd128, stft_any__scalar, fft_scratch_bytes } from "./nd/fft";
export { window_any__scalar, mel_weight_matrix_any__scalar } from "./nd/signal";
// the planner's metrics (cosine, KL, NLL, weighted stats) and SmoothQuant statistics (kernels/metrics.ts)
export { cosine_rows_f32__scalar, kl_rows_f32__scalar, nll_rows_f32__scalar, stats_f64__scalar, absmax_cols_f32__scalar, smooth_scales_f32__scalar } from "./kernels/metrics";

// The module's exports: pointer-and-length functions of i32/f32 only (DESIGN: never v128).

export { alloc, alloc_uninit, free, memory_bytes } from "./memory";
export {
  fmt_count, fmt_cols, fmt_table_ptr, fmt_names_ptr, fmt_names_len, fmt_max_code, fmt_nan_code, fmt_inf_code,
} from "./formats/table";
export { random_fill } from "./formats/random";
export {
  cast_encode, cast_encode_ref, cast_decode, cast_decode_ref, pack4, unpack4, sext4, pack6, unpack6, packed_bytes,
} from "./formats/bulk";
export { mx_quantize, mx_quantize_ref, mx_dequantize } from "./formats/mx";
export { quant_affine, quant_affine_ref, dequant_affine, affine_params } from "./formats/affine";
export { pack_w_f32, packed_f32_bytes } from "./kernels/pack";
export { dense_f32, dense_f32_panels, dense_f32_ref } from "./kernels/dense_f32";
export { relu_f32, softmax_f32, canonicalize_nan } from "./kernels/activations";
export { xxh32, xxh32_start, xxh32_update, xxh32_digest } from "./util/xxh32";
export { conv2d_f32, conv2d_f32_ref, pack_conv_w_f32, packed_conv_f32_bytes, conv_out_dim } from "./kernels/conv2d";
export { depthwise_conv2d_f32, depthwise_conv2d_f32_ref } from "./kernels/depthwise";
export { max_pool2d_f32, max_pool2d_f32_ref, avg_pool2d_f32, avg_pool2d_f32_ref, global_avg_pool_f32, global_avg_pool_f32_ref } from "./kernels/pool";
export {
  binary_f32, binary_f32_ref, clamp_f32, clamp_f32_ref, relu6_f32, relu6_f32_ref, leaky_relu_f32, leaky_relu_f32_ref,
  hardswish_f32, hardswish_f32_ref, sigmoid_f32, tanh_f32, gelu_f32,
} from "./kernels/eltwise";
export { dense_wq, dense_wqp, dense_wq_ref, pack_w_q, packed_q_bytes, pack_wq_params, packed_wq_params_bytes } from "./kernels/dense_q";
export { dense_w8a8, dense_w8a8_ref, pack_w_i8_k2, packed_w8a8_bytes, quant_rows_i8 } from "./kernels/dense_w8a8";
export { round_f32_to, round_f32_to_ref } from "./emulate/round";
export { dense_acc, dense_acc_ref } from "./emulate/dense_acc";
export { depthwise_acc, depthwise_acc_ref } from "./emulate/dwconv_acc";
export { transpose_f32, transpose_f32_ref, pad_f32, pad_f32_ref, concat_copy_f32, prelu_f32, prelu_f32_ref } from "./kernels/shape";
export { log_softmax_f32, layer_norm_f32, layer_norm_f32_ref, batch_norm_f32, batch_norm_f32_ref } from "./kernels/norm";
export { resize_nearest_f32, resize_bilinear_f32, resize_bilinear_f32_ref } from "./kernels/resize";
export { peak_f32_muladd, peak_i8_dot } from "./kernels/peak";
export { dense_wf, weights_fusable } from "./kernels/dense_fused";
export { dense_recompute, dense_recompute_ref, kappa_act_f32 } from "./emulate/recompute";
export { im2col_f32 } from "./kernels/im2col";
export { pointwise_f32, pointwise_f32_ref } from "./kernels/pointwise";
export { conv2d_narrow_f32, conv_narrow_scratch_bytes } from "./kernels/conv_narrow";
export { dtype_count, dtype_cols, dtype_table_ptr } from "./nd/dtype";
export { binary_nd, binary_nd_ref } from "./nd/binary";

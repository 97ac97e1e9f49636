// The kernel table (the format table's twin; XNNPACK's enumerator files): every kernel of
// alloy.wasm, one row each, under one name (row name = wasm export = AssemblyScript function):
// <op>_<weights>_<acts>_<acc>__<isa>[_<MR>x<NR>] (docs/ARCHITECTURE.md rule 6). A row gives the ops it serves,
// its formats, its tile, the packer its weights need, its scalar reference (a row itself; the
// row's own name where the kernel is scalar) and the predicate under which select() takes it.
// Adding a kernel: CONTRIBUTING.md. test/kernels/registry.test.ts checks the table against the
// module's exports; test/kernels/table.test.ts runs every row against its reference.

export type Op = 'gemm' | 'conv2d' | 'dwconv' | 'im2col' | 'maxpool' | 'avgpool' | 'gavgpool' | 'vbinary' | 'vclamp' | 'vrelu'
  | 'vrelu6' | 'vlrelu' | 'vhswish' | 'vsigmoid' | 'vtanh' | 'vgelu' | 'vprelu' | 'softmax' | 'logsoftmax' | 'layernorm'
  | 'batchnorm' | 'transpose' | 'pad' | 'concat' | 'resize_nearest' | 'resize_bilinear' | 'cvt_encode' | 'cvt_decode'
  | 'mx_quantize' | 'mx_dequantize' | 'quant' | 'dequant' | 'round' | 'quant_rows' | 'kappa_act' | 'probe' | 'vbinary_nd'
  | 'reduce_nd' | 'argmax_nd' | 'cumsum_nd' | 'softmax_nd' | 'groupnorm' | 'layernorm_stats' | 'lpnorm' | 'lrn' | 'mvn_nd'
  | 'gather' | 'gather_elements' | 'gather_nd' | 'scatter_elements' | 'scatter_nd' | 'onehot' | 'trilu' | 'range' | 'topk'
  | 'transpose_nd' | 'slice_nd' | 'expand_nd' | 'tile_nd' | 'pad_nd' | 'concat_nd' | 'where_nd' | 'cast'
  | 'matmul_nd' | 'matmul_int' | 'conv_nd' | 'conv_transpose_nd' | 'einsum_nd' | 'recurrent' | 'resize_nd' | 'gridsample'
  | 'pool_nd' | 'maxunpool' | 'roi_align' | 'max_roi_pool' | 'nms'
  | 'quantize_nd' | 'dequantize_nd' | 'dynamic_quantize' | 'requantize' | 'conv_int' | 'eyelike' | 'reverse_sequence' | 'det'
  | 'nonzero' | 'compress' | 'unique' | 'tfidf'
  | 'mx_quantize' | 'mx_dequantize' | 'quant' | 'dequant' | 'round' | 'quant_rows' | 'kappa_act' | 'probe' | 'vbinary_nd' | 'vunary_nd'
  | 'nll_loss' | 'adagrad' | 'adam' | 'momentum' | 'dft' | 'stft' | 'window' | 'mel_weight_matrix'
  | 'metric' | 'smooth';

/** What selection looks at: the layer's precision and shapes. `weights` is the kind the weights
 *  are held in ('f32' also for float / MX weights decoded at load). */
export interface Facts {
  weights?: 'f32' | 'float' | 'mx' | 'int';
  acts?: 'f32' | 'i8';
  acc?: 'f32' | 'i32' | 'emu';
  recompute?: boolean;
  groups?: number; OC?: number; strideW?: number; K?: number;
  /** float weights whose decode the 4x8 microkernel can fuse (asked lazily: it reads the codes) */
  fusable?: () => boolean;
}

export interface KernelRow {
  name: string;
  ops: readonly Op[];
  /** weight, activation, accumulator formats ('emu': f16 / bf16 / f8 emulated; 'any': every format) */
  w: string; a: string; acc: string;
  /** MR x NR for GEMM-like kernels, [lanes] for vector kernels, [] for scalar ones */
  tile: readonly number[];
  /** the helper export that packs the weights this kernel reads (null: plain layout) */
  packer: string | null;
  /** the scalar reference this kernel equals bit for bit (its own name: the kernel is scalar) */
  ref: string;
  /** selection predicate (absent: always) */
  when?: (f: Facts) => boolean;
  test: string;
  note?: string;
}

// Conv: rows this deep take the blocked GEMM, shallower ones the pointwise kernel (bench/conv.ts:
// pointwise wins for K <= 96 on the pose shapes).
export const GEMM_K = 128;
const g1 = (f: Facts) => (f.groups ?? 1) === 1;
const f32acc = (f: Facts) => (f.acc ?? 'f32') === 'f32' || f.acc === 'i32';
const emu = (f: Facts) => f.acc === 'emu';
const plain = (f: Facts) => f32acc(f) && (f.acts ?? 'f32') === 'f32';
const T = (s: string) => `test/${s}.test.ts`;
const V = (name: string, op: Op, ref: string, test: string, tile: number[] = [4]): KernelRow =>
  ({ name, ops: [op], w: '-', a: 'f32', acc: 'f32', tile, packer: null, ref, test: T(test) });
const S = (name: string, op: Op, test: string, note = 'scalar: its own reference'): KernelRow =>
  ({ name, ops: [op], w: '-', a: 'f32', acc: 'f32', tile: [], packer: null, ref: name, test: T(test), note });

// N-d movement rows (test/nd/move.test.ts): any element size, no packer.
const MOVE = { w: '-', a: 'any', acc: 'any', packer: null, test: T('nd/move') } as const;

/** In priority order: select() takes the first row whose ops and predicate match. */
export const KERNELS = [
  // GEMM (dense; groups-1 conv on im2col rows)
  { name: 'conv2d_f32_f32_f32__simd128_16x1', ops: ['conv2d'], w: 'f32', a: 'f32', acc: 'f32', tile: [16, 1], packer: null, ref: 'conv2d_f32_f32_f32__scalar', test: T('kernels/conv'),
    when: (f) => g1(f) && plain(f) && (f.OC ?? 5) <= 4 && f.strideW === 1, note: 'planar narrow-output conv, plain OHWI weights' },
  { name: 'gemm_f32_f32_emu_recompute__simd128_4x8', ops: ['gemm'], w: 'f32', a: 'f32', acc: 'emu', tile: [4, 8], packer: 'pack_w_f32', ref: 'gemm_f32_f32_emu_recompute__scalar', test: T('emulate/recompute'), when: (f) => emu(f) && f.recompute === true },
  { name: 'gemm_f32_f32_emu_recompute__scalar', ops: ['gemm'], w: 'f32', a: 'f32', acc: 'emu', tile: [], packer: null, ref: 'gemm_f32_f32_emu_recompute__scalar', test: T('emulate/recompute'), when: (f) => emu(f) && f.recompute === true },
  { name: 'gemm_f32_f32_emu__simd128_4x8', ops: ['gemm', 'conv2d'], w: 'f32', a: 'f32', acc: 'emu', tile: [4, 8], packer: 'pack_w_f32', ref: 'gemm_f32_f32_emu__scalar', test: T('emulate/dense_acc'), when: (f) => emu(f) && g1(f) },
  { name: 'gemm_f32_f32_emu__scalar', ops: ['gemm', 'conv2d'], w: 'f32', a: 'f32', acc: 'emu', tile: [], packer: null, ref: 'gemm_f32_f32_emu__scalar', test: T('emulate/dense_acc'), when: (f) => emu(f) && g1(f) },
  { name: 'gemm_i8_i8_i32__simd128_4x8', ops: ['gemm'], w: 'i8', a: 'i8', acc: 'i32', tile: [4, 8], packer: 'pack_w_i8_k2', ref: 'gemm_i8_i8_i32__scalar', test: T('kernels/dense_q'), when: (f) => f.acts === 'i8' },
  { name: 'gemm_i8_i8_i32__scalar', ops: ['gemm'], w: 'i8', a: 'i8', acc: 'i32', tile: [], packer: null, ref: 'gemm_i8_i8_i32__scalar', test: T('kernels/dense_q'), when: (f) => f.acts === 'i8' },
  { name: 'conv1x1_f32_f32_f32__simd128_4x8', ops: ['conv2d'], w: 'f32', a: 'f32', acc: 'f32', tile: [4, 8], packer: 'pack_w_f32', ref: 'conv1x1_f32_f32_f32__scalar', test: T('kernels/conv'),
    when: (f) => g1(f) && plain(f) && (f.K ?? 0) < GEMM_K, note: 'register-tile GEMM for shallow rows' },
  { name: 'conv1x1_f32_f32_f32__scalar', ops: [], w: 'f32', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'conv1x1_f32_f32_f32__scalar', test: T('kernels/conv'), note: 'reference only: conv in reference mode takes conv2d_f32_f32_f32__scalar (same bits)' },
  { name: 'gemm_f32_f32_f32__simd128_5x8', ops: ['gemm', 'conv2d'], w: 'f32', a: 'f32', acc: 'f32', tile: [5, 8], packer: 'pack_w_f32', ref: 'gemm_f32_f32_f32__scalar', test: T('kernels/dense'), when: (f) => g1(f) && plain(f) && (f.weights ?? 'f32') === 'f32' },
  { name: 'gemm_f32_f32_f32__simd128_5x8_panels', ops: [], w: 'f32', a: 'f32', acc: 'f32', tile: [5, 8], packer: 'pack_w_f32', ref: 'gemm_f32_f32_f32__scalar', test: T('kernels/dense'), note: 'columns p0..p1 of the 5x8 kernel (benches, decode-per-panel kernels)' },
  { name: 'gemm_f32_f32_f32__scalar', ops: ['gemm'], w: 'f32', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'gemm_f32_f32_f32__scalar', test: T('kernels/dense'), when: (f) => plain(f) && (f.weights ?? 'f32') === 'f32' },
  { name: 'gemm_fused_f32_f32__simd128_4x8', ops: ['gemm'], w: 'f16,bf16,f8_e5m2,f8_e4m3fn,i8,u8', a: 'f32', acc: 'f32', tile: [4, 8], packer: 'pack_w_q', ref: 'gemm_any_f32_f32__scalar', test: T('kernels/dense_q'),
    when: (f) => plain(f) && (f.weights === 'float' || f.weights === 'int') && f.fusable?.() === true, note: 'decode fused into the microkernel (no inf / NaN codes; integers per channel)' },
  { name: 'gemm_any_f32_f32__simd128_4x8', ops: ['gemm'], w: 'float,mx', a: 'f32', acc: 'f32', tile: [4, 8], packer: 'pack_w_q', ref: 'gemm_any_f32_f32__scalar', test: T('kernels/dense_q'),
    when: (f) => plain(f) && (f.weights === 'float' || f.weights === 'mx'), note: 'panels decoded to f32, then the 5x8 kernel' },
  { name: 'gemm_int_f32_f32__simd128_4x8', ops: ['gemm'], w: 'i8,u8,i4', a: 'f32', acc: 'f32', tile: [4, 8], packer: 'pack_w_q', ref: 'gemm_any_f32_f32__scalar', test: T('kernels/dense_q'),
    when: (f) => plain(f) && f.weights === 'int', note: 'scales / zero points by pack_wq_params' },
  { name: 'gemm_any_f32_f32__scalar', ops: ['gemm'], w: 'any', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'gemm_any_f32_f32__scalar', test: T('kernels/dense_q'), when: (f) => plain(f) && f.weights !== undefined && f.weights !== 'f32' },
  { ...S('kappa_act_f32__scalar', 'kappa_act', 'emulate/recompute') },
  // convolution (direct, NHWC, OHWI), depthwise, pooling
  { name: 'conv2d_f32_f32_f32__simd128_4x8', ops: ['conv2d'], w: 'f32', a: 'f32', acc: 'f32', tile: [4, 8], packer: 'pack_conv_w_f32', ref: 'conv2d_f32_f32_f32__scalar', test: T('kernels/conv'), when: plain, note: 'grouped convs' },
  { name: 'conv2d_f32_f32_f32__scalar', ops: ['conv2d'], w: 'f32', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'conv2d_f32_f32_f32__scalar', test: T('kernels/conv'), when: plain },
  { name: 'dwconv_f32_f32_emu__simd128_4', ops: ['dwconv'], w: 'f32', a: 'f32', acc: 'emu', tile: [4], packer: null, ref: 'dwconv_f32_f32_emu__scalar', test: T('emulate/conv_acc'), when: emu },
  { name: 'dwconv_f32_f32_emu__scalar', ops: ['dwconv'], w: 'f32', a: 'f32', acc: 'emu', tile: [], packer: null, ref: 'dwconv_f32_f32_emu__scalar', test: T('emulate/conv_acc'), when: emu },
  { name: 'dwconv_f32_f32_f32__simd128_4x4', ops: ['dwconv'], w: 'f32', a: 'f32', acc: 'f32', tile: [4, 4], packer: null, ref: 'dwconv_f32_f32_f32__scalar', test: T('kernels/depthwise') },
  { name: 'dwconv_f32_f32_f32__scalar', ops: ['dwconv'], w: 'f32', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'dwconv_f32_f32_f32__scalar', test: T('kernels/depthwise') },
  V('im2col_x32__simd128', 'im2col', 'im2col_x32__scalar', 'kernels/conv'), S('im2col_x32__scalar', 'im2col', 'kernels/conv', 'reference'),
  V('maxpool_f32__simd128', 'maxpool', 'maxpool_f32__scalar', 'kernels/pool'), S('maxpool_f32__scalar', 'maxpool', 'kernels/pool', 'reference'),
  V('avgpool_f32__simd128', 'avgpool', 'avgpool_f32__scalar', 'kernels/pool'), S('avgpool_f32__scalar', 'avgpool', 'kernels/pool', 'reference'),
  V('gavgpool_f32__simd128', 'gavgpool', 'gavgpool_f32__scalar', 'kernels/pool'), S('gavgpool_f32__scalar', 'gavgpool', 'kernels/pool', 'reference'),
  // element-wise and activations
  V('vbinary_f32__simd128', 'vbinary', 'vbinary_f32__scalar', 'kernels/eltwise'), S('vbinary_f32__scalar', 'vbinary', 'kernels/eltwise', 'reference'),
  // N-d typed element-wise, numpy broadcasting, every element type of assembly/nd/dtype.ts (SIMD128 for f32 add / sub / mul / div / min / max)
  { name: 'vbinary_nd_any__simd128', ops: ['vbinary_nd'], w: '-', a: 'any', acc: 'any', tile: [4], packer: null, ref: 'vbinary_nd_any__scalar', test: T('nd/binary') },
  { name: 'vbinary_nd_any__scalar', ops: ['vbinary_nd'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'vbinary_nd_any__scalar', test: T('nd/binary'), note: 'reference: each output element from its multi-index' },
  // N-d reductions and normalisations on any axes (assembly/nd/reduce.ts, scan.ts, softmax.ts, norm.ts)
  { name: 'reduce_nd_any__simd128', ops: ['reduce_nd'], w: '-', a: 'f32,f64,i32,i64', acc: 'any', tile: [4], packer: null, ref: 'reduce_nd_any__scalar', test: T('nd/reduce'), note: 'SIMD128 on f32 when the innermost axis is kept' },
  { name: 'reduce_nd_any__scalar', ops: ['reduce_nd'], w: '-', a: 'f32,f64,i32,i64', acc: 'any', tile: [], packer: null, ref: 'reduce_nd_any__scalar', test: T('nd/reduce'), note: 'reference: offsets from each multi-index' },
  { ...S('argmax_nd_any__scalar', 'argmax_nd', 'nd/reduce'), a: 'f32,f64,i32,i64,u8,i8,u32,u64', acc: 'any' },
  { ...S('cumsum_nd_any__scalar', 'cumsum_nd', 'nd/reduce'), a: 'f32,f64,i32,i64', acc: 'any' },
  { ...S('softmax_nd_any__scalar', 'softmax_nd', 'nd/softmax'), a: 'f32,f64', acc: 'any' },
  S('groupnorm_f32__scalar', 'groupnorm', 'nd/softmax'), S('layernorm_stats_f32__scalar', 'layernorm_stats', 'nd/softmax'),
  S('lpnorm_f32__scalar', 'lpnorm', 'nd/softmax'), S('lrn_f32__scalar', 'lrn', 'nd/softmax'), S('mvn_nd_f32__scalar', 'mvn_nd', 'nd/softmax'),
  // N-d indexing on element bytes (assembly/nd/gather.ts, scatter.ts, fill.ts, topk.ts): i32 / i64 indices, status 3 on an index out of range
  { name: 'gather_any__memcpy', ops: ['gather'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'gather_any__scalar', test: T('nd/index'), note: 'whole rows by memory.copy' },
  { name: 'gather_any__scalar', ops: ['gather'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'gather_any__scalar', test: T('nd/index'), note: 'reference: element by element' },
  { name: 'gather_elements_any__scalar', ops: ['gather_elements'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'gather_elements_any__scalar', test: T('nd/index') },
  { name: 'gather_nd_any__memcpy', ops: ['gather_nd'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'gather_nd_any__scalar', test: T('nd/index'), note: 'whole slices by memory.copy' },
  { name: 'gather_nd_any__scalar', ops: ['gather_nd'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'gather_nd_any__scalar', test: T('nd/index'), note: 'reference: element by element' },
  { name: 'scatter_elements_any__scalar', ops: ['scatter_elements'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'scatter_elements_any__scalar', test: T('nd/index') },
  { name: 'scatter_nd_any__scalar', ops: ['scatter_nd'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'scatter_nd_any__scalar', test: T('nd/index') },
  { name: 'onehot_any__scalar', ops: ['onehot'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'onehot_any__scalar', test: T('nd/index') },
  { name: 'trilu_any__memcpy', ops: ['trilu'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'trilu_any__scalar', test: T('nd/index'), note: 'row prefix / suffix by memory.fill / copy' },
  { name: 'trilu_any__scalar', ops: ['trilu'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'trilu_any__scalar', test: T('nd/index'), note: 'reference: element by element' },
  { name: 'range_count_any__scalar', ops: ['range'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'range_count_any__scalar', test: T('nd/index'), note: "Range's output length (its arithmetic on tensor values stays in the module)" },
  { name: 'range_any__scalar', ops: ['range'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'range_any__scalar', test: T('nd/index') },
  { name: 'topk_any__scalar', ops: ['topk'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'topk_any__scalar', test: T('nd/index') },
  // linalg: batched broadcast products of two activations, N-d convolutions (assembly/nd/matmul.ts, matmul_int.ts, conv.ts)
  { name: 'matmul_f32_f32_f32__simd128_5x8', ops: ['matmul_nd'], w: 'f32', a: 'f32', acc: 'f32', tile: [5, 8], packer: null, ref: 'matmul_f32_f32_f32__scalar', test: T('nd/linalg'),
    when: (f) => (f.acts ?? 'f32') === 'f32', note: 'packs B per batch into scratch, then the 5x8 GEMM' },
  { name: 'matmul_f32_f32_f32__scalar', ops: ['matmul_nd'], w: 'f32', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'matmul_f32_f32_f32__scalar', test: T('nd/linalg'), when: (f) => (f.acts ?? 'f32') === 'f32' },
  S('matmul_f64_f64_f64__scalar', 'matmul_nd', 'nd/linalg', 'scalar: its own reference (f64)'),
  { name: 'matmul_x8_x8_i32__simd128_4x8', ops: ['matmul_int'], w: 'u8,i8', a: 'u8,i8', acc: 'i32', tile: [4, 8], packer: null, ref: 'matmul_x8_x8_i32__scalar', test: T('nd/linalg'), note: 'packs b - zero point as i32 per batch' },
  { ...S('matmul_x8_x8_i32__scalar', 'matmul_int', 'nd/linalg', 'scalar: its own reference (u8 / i8 with zero points, exact i32 sums)'), w: 'u8,i8', a: 'u8,i8', acc: 'i32' },
  { name: 'conv_nd_f32_f32_f32__simd128_5x8', ops: ['conv_nd'], w: 'f32', a: 'f32', acc: 'f32', tile: [5, 8], packer: null, ref: 'conv_nd_f32_f32_f32__scalar', test: T('nd/linalg'), note: 'patches gathered into panels, then the 5x8 GEMM' },
  { name: 'conv_transpose_nd_f32_f32_f32__simd128_5x8', ops: ['conv_transpose_nd'], w: 'f32', a: 'f32', acc: 'f32', tile: [5, 8], packer: null, ref: 'conv_transpose_nd_f32_f32_f32__scalar', test: T('nd/linalg'), note: 'gathered patches, regrouped weights, then the 5x8 GEMM' },
  S('conv_nd_f32_f32_f32__scalar', 'conv_nd', 'nd/linalg'), S('conv_transpose_nd_f32_f32_f32__scalar', 'conv_transpose_nd', 'nd/linalg'),
  { ...S('einsum_nd_any__scalar', 'einsum_nd', 'nd/linalg', 'scalar: its own reference (f32 / f64 / i32 / i64, any labels)'), a: 'any', acc: 'any' },
  // RNN / GRU / LSTM over a sequence (assembly/nd/recurrent.ts): one GEMM for the input projection, a GEMM of the hidden rows per step, the gate cell
  { name: 'recurrent_f32_f32_f32__simd128_5x8', ops: ['recurrent'], w: 'f32', a: 'f32', acc: 'f32', tile: [5, 8], packer: 'pack_recurrent_f32', ref: 'recurrent_f32_f32_f32__scalar', test: T('nd/recurrent'), note: 'W and R packed per direction, the 5x8 GEMM, SIMD128 gate cell' },
  { name: 'recurrent_f32_f32_f32__scalar', ops: ['recurrent'], w: 'f32', a: 'f32', acc: 'f32', tile: [], packer: null, ref: 'recurrent_f32_f32_f32__scalar', test: T('nd/recurrent'), note: 'reference: row-major W and R, gemm_f32_f32_f32__scalar, the cell one element at a time' },
  // N-d pooling (assembly/nd/pool.ts, roi.ts, nms.ts): windows over NC[D]HW values, unpooling, region pooling, box suppression
  { name: 'pool_nd_f32__simd128', ops: ['pool_nd'], w: '-', a: 'f32,f64,i8,u8,i32,i64', acc: 'any', tile: [4], packer: null, ref: 'pool_nd_any__scalar', test: T('nd/pool'), note: 'SIMD128 on f32 max / average rows (4 outputs whose w taps are inside x); the rest as the reference' },
  { ...S('pool_nd_any__scalar', 'pool_nd', 'nd/pool', 'reference: one output window at a time'), a: 'f32,f64,i8,u8,i32,i64', acc: 'any' },
  { ...S('maxunpool_any__scalar', 'maxunpool', 'nd/pool'), a: 'any', acc: '-' },
  S('roi_align_f32__scalar', 'roi_align', 'nd/pool'), S('max_roi_pool_f32__scalar', 'max_roi_pool', 'nd/pool'), S('nms_f32__scalar', 'nms', 'nd/pool'),
  // linear (de)quantization on typed values, per tensor / axis / block (assembly/nd/quant.ts)
  { ...S('quantize_linear_any__scalar', 'quantize_nd', 'ops/qlinear', 'scalar: its own reference (per-element scale lookup)'), w: '-', a: 'f32', acc: 'u8,i8,u16,i16' },
  { ...S('dequantize_linear_any__scalar', 'dequantize_nd', 'ops/qlinear', 'scalar: its own reference (per-element scale lookup)'), w: '-', a: 'u8,i8,u16,i16,i32', acc: 'f32' },
  { ...S('dynamic_quantize_f32_u8__scalar', 'dynamic_quantize', 'ops/qlinear'), a: 'f32', acc: 'u8' },
  { ...S('conv_x8_x8_i32__scalar', 'conv_int', 'ops/qlinear', 'scalar: its own reference (exact i32 sums with zero points)'), w: 'u8,i8', a: 'u8,i8', acc: 'i32' },
  { ...S('requantize_i32_x8__scalar', 'requantize', 'ops/qlinear', 'scalar: its own reference (QLinearMatMul output scale per row / column)'), w: '-', a: 'i32', acc: 'u8,i8' },
  { name: 'eyelike_any__scalar', ops: ['eyelike'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'eyelike_any__scalar', test: T('ops/eye') },
  { name: 'reverse_sequence_any__scalar', ops: ['reverse_sequence'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'reverse_sequence_any__scalar', test: T('ops/eye') },
  S('det_f32__scalar', 'det', 'ops/eye', 'scalar: its own reference (elimination with partial pivoting)'), { ...S('det_f64__scalar', 'det', 'ops/eye', 'scalar: its own reference (f64)'), a: 'f64', acc: 'f64' },
  // data-dependent selections: the count (read by infer() at plan time) and the fill (assembly/nd/select.ts, unique.ts)
  { name: 'nonzero_count_any__scalar', ops: ['nonzero', 'compress'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'nonzero_count_any__scalar', test: T('ops/select'), note: 'the output size, counted in the module' },
  { name: 'nonzero_any__scalar', ops: ['nonzero'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'nonzero_any__scalar', test: T('ops/select') },
  { name: 'compress_any__scalar', ops: ['compress'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'compress_any__scalar', test: T('ops/select') },
  { name: 'unique_any__scalar', ops: ['unique'], w: '-', a: 'any', acc: '-', tile: [], packer: null, ref: 'unique_any__scalar', test: T('ops/select'), note: 'stable merge sort of the slices, then equal runs' },
  { name: 'tfidf_int_f32__scalar', ops: ['tfidf'], w: '-', a: 'i32,i64', acc: 'f32', tile: [], packer: null, ref: 'tfidf_int_f32__scalar', test: T('ops/tfidf'), note: 'n-gram matching over a small pool' },
  // N-d typed element-wise unary ops (assembly/nd/unary_ops.ts; SIMD128 for the f32 / f64 ops that are a few IEEE instructions)
  { name: 'vunary_nd_any__simd128', ops: ['vunary_nd'], w: '-', a: 'any', acc: 'any', tile: [4], packer: null, ref: 'vunary_nd_any__scalar', test: T('nd/unary') },
  { name: 'vunary_nd_any__scalar', ops: ['vunary_nd'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'vunary_nd_any__scalar', test: T('nd/unary'), note: 'reference: one element at a time' },
  // losses, training optimizers, signal ops (assembly/nd/loss.ts, optim.ts, fft.ts, signal.ts)
  { ...S('nll_loss_any__scalar', 'nll_loss', 'nd/loss', 'scalar: its own reference (a gather; f64 sums)'), a: 'f32,f64', acc: 'f64' },
  ...(['adagrad', 'adam', 'momentum'] as const).flatMap((k) => [
    { name: `${k}_any__simd128`, ops: [k], w: '-', a: 'f32,f64', acc: 'any', tile: [4], packer: null, ref: `${k}_any__scalar`, test: T('nd/loss') },
    { name: `${k}_any__scalar`, ops: [k], w: '-', a: 'f32,f64', acc: 'any', tile: [], packer: null, ref: `${k}_any__scalar`, test: T('nd/loss'), note: 'reference: one element at a time' },
  ] as const),
  { name: 'dft_any__simd128', ops: ['dft'], w: '-', a: 'f32,f64', acc: 'f64', tile: [2], packer: null, ref: 'dft_any__scalar', test: T('nd/fft'), note: 'radix-2 / Bluestein in f64, one complex per f64x2' },
  { name: 'dft_any__scalar', ops: ['dft'], w: '-', a: 'f32,f64', acc: 'f64', tile: [], packer: null, ref: 'dft_any__scalar', test: T('nd/fft'), note: 'reference' },
  { name: 'stft_any__simd128', ops: ['stft'], w: '-', a: 'f32,f64', acc: 'f64', tile: [2], packer: null, ref: 'stft_any__scalar', test: T('nd/fft'), note: 'radix-2 / Bluestein in f64, one complex per f64x2' },
  { name: 'stft_any__scalar', ops: ['stft'], w: '-', a: 'f32,f64', acc: 'f64', tile: [], packer: null, ref: 'stft_any__scalar', test: T('nd/fft'), note: 'reference' },
  { ...S('window_any__scalar', 'window', 'nd/fft'), a: 'f32,f64', acc: 'f64' },
  { ...S('mel_weight_matrix_any__scalar', 'mel_weight_matrix', 'nd/fft'), a: 'f32,f64', acc: 'f64' },
  // the planner's metrics and SmoothQuant statistics (assembly/kernels/metrics.ts; f64 sums in row order)
  ...(['cosine_rows_f32__scalar', 'kl_rows_f32__scalar', 'nll_rows_f32__scalar', 'stats_f64__scalar'] as const).map((k) => ({ ...S(k, 'metric', 'plan/module-metrics', 'scalar: its own reference (f64 sums)'), acc: 'f64' })),
  S('absmax_cols_f32__scalar', 'smooth', 'plan/module-metrics'), S('smooth_scales_f32__scalar', 'smooth', 'plan/module-metrics'),
  V('vclamp_f32__simd128', 'vclamp', 'vclamp_f32__scalar', 'kernels/eltwise'), S('vclamp_f32__scalar', 'vclamp', 'kernels/eltwise', 'reference'),
  V('vrelu_f32__simd128', 'vrelu', 'vrelu_f32__scalar', 'kernels/eltwise'), S('vrelu_f32__scalar', 'vrelu', 'kernels/eltwise', 'reference'),
  V('vrelu6_f32__simd128', 'vrelu6', 'vrelu6_f32__scalar', 'kernels/eltwise'), S('vrelu6_f32__scalar', 'vrelu6', 'kernels/eltwise', 'reference'),
  V('vlrelu_f32__simd128', 'vlrelu', 'vlrelu_f32__scalar', 'kernels/eltwise'), S('vlrelu_f32__scalar', 'vlrelu', 'kernels/eltwise', 'reference'),
  V('vhswish_f32__simd128', 'vhswish', 'vhswish_f32__scalar', 'kernels/eltwise'), S('vhswish_f32__scalar', 'vhswish', 'kernels/eltwise', 'reference'),
  S('vsigmoid_f32__scalar', 'vsigmoid', 'kernels/eltwise'), S('vtanh_f32__scalar', 'vtanh', 'kernels/eltwise'), S('vgelu_f32__scalar', 'vgelu', 'kernels/eltwise'),
  V('vprelu_f32__simd128', 'vprelu', 'vprelu_f32__scalar', 'kernels/shape'), S('vprelu_f32__scalar', 'vprelu', 'kernels/shape', 'reference'),
  S('softmax_f32__scalar', 'softmax', 'kernels/dense'), S('logsoftmax_f32__scalar', 'logsoftmax', 'kernels/norm'),
  V('layernorm_f32__simd128', 'layernorm', 'layernorm_f32__scalar', 'kernels/norm'), S('layernorm_f32__scalar', 'layernorm', 'kernels/norm', 'reference'),
  V('batchnorm_f32__simd128', 'batchnorm', 'batchnorm_f32__scalar', 'kernels/norm'), S('batchnorm_f32__scalar', 'batchnorm', 'kernels/norm', 'reference'),
  // data movement
  V('transpose_x32__simd128_4x4', 'transpose', 'transpose_x32__scalar', 'kernels/shape', [4, 4]), S('transpose_x32__scalar', 'transpose', 'kernels/shape', 'reference'),
  V('pad_x32__simd128', 'pad', 'pad_x32__scalar', 'kernels/shape'), S('pad_x32__scalar', 'pad', 'kernels/shape', 'reference'),
  V('concat_x32__memcpy', 'concat', 'concat_x32__scalar', 'kernels/shape'), S('concat_x32__scalar', 'concat', 'kernels/shape', 'reference'),
  // N-d data movement and conversion, any element size (1 / 2 / 4 / 8 bytes) or type, rank 0-8 (assembly/nd/move.ts, pad.ts, where.ts, cast.ts)
  { name: 'transpose_nd_any__simd128', ops: ['transpose_nd'], ...MOVE, tile: [4], ref: 'transpose_nd_any__scalar' }, { name: 'transpose_nd_any__scalar', ops: ['transpose_nd'], ...MOVE, tile: [], ref: 'transpose_nd_any__scalar', note: 'reference: each element from its multi-index' },
  { name: 'slice_nd_any__simd128', ops: ['slice_nd'], ...MOVE, tile: [4], ref: 'slice_nd_any__scalar' }, { name: 'slice_nd_any__scalar', ops: ['slice_nd'], ...MOVE, tile: [], ref: 'slice_nd_any__scalar', note: 'reference: each element from its multi-index' },
  { name: 'expand_nd_any__simd128', ops: ['expand_nd'], ...MOVE, tile: [4], ref: 'expand_nd_any__scalar' }, { name: 'expand_nd_any__scalar', ops: ['expand_nd'], ...MOVE, tile: [], ref: 'expand_nd_any__scalar', note: 'reference: each element from its multi-index' },
  { name: 'tile_nd_any__simd128', ops: ['tile_nd'], ...MOVE, tile: [4], ref: 'tile_nd_any__scalar' }, { name: 'tile_nd_any__scalar', ops: ['tile_nd'], ...MOVE, tile: [], ref: 'tile_nd_any__scalar', note: 'reference: each element from its multi-index' },
  { name: 'pad_nd_any__simd128', ops: ['pad_nd'], ...MOVE, tile: [4], ref: 'pad_nd_any__scalar' }, { name: 'pad_nd_any__scalar', ops: ['pad_nd'], ...MOVE, tile: [], ref: 'pad_nd_any__scalar', note: 'reference: each element from its multi-index' },
  { name: 'concat_nd_any__memcpy', ops: ['concat_nd'], ...MOVE, tile: [4], ref: 'concat_nd_any__scalar' }, { name: 'concat_nd_any__scalar', ops: ['concat_nd'], ...MOVE, tile: [], ref: 'concat_nd_any__scalar', note: 'reference: one element at a time' },
  { name: 'where_nd_any__simd128', ops: ['where_nd'], ...MOVE, tile: [4], ref: 'where_nd_any__scalar' }, { name: 'where_nd_any__scalar', ops: ['where_nd'], ...MOVE, tile: [], ref: 'where_nd_any__scalar', note: 'reference: each element from its multi-index' },
  { name: 'cast_any__simd128', ops: ['cast'], w: '-', a: 'any', acc: 'any', tile: [4], packer: null, ref: 'cast_any__scalar', test: T('nd/cast'), note: 'SIMD128 for f32 <-> f16 / bf16 / f8, f32 <-> i32, i32 <-> i64' },
  { name: 'cast_any__scalar', ops: ['cast'], w: '-', a: 'any', acc: 'any', tile: [], packer: null, ref: 'cast_any__scalar', test: T('nd/cast'), note: 'reference: one element at a time' },
  V('resize_nearest_x32__memcpy', 'resize_nearest', 'resize_nearest_x32__scalar', 'kernels/resize'), S('resize_nearest_x32__scalar', 'resize_nearest', 'kernels/resize', 'reference'),
  V('resize_bilinear_f32__simd128', 'resize_bilinear', 'resize_bilinear_f32__scalar', 'kernels/resize'), S('resize_bilinear_f32__scalar', 'resize_bilinear', 'kernels/resize', 'reference'),
  // N-d Resize / Upsample (nearest: any element size; linear / cubic: f32) and GridSample (assembly/nd/resize.ts, gridsample.ts)
  { name: 'resize_nd_any__simd128', ops: ['resize_nd'], w: '-', a: 'any', acc: 'f32', tile: [4], packer: null, ref: 'resize_nd_any__scalar', test: T('nd/resize'), note: 'one pass per resized axis, SIMD128 over the inner elements (or 4 outputs of the last axis)' },
  { name: 'resize_nd_any__scalar', ops: ['resize_nd'], w: '-', a: 'any', acc: 'f32', tile: [], packer: null, ref: 'resize_nd_any__scalar', test: T('nd/resize'), note: 'reference: the same passes one element at a time' },
  { ...S('resize_out_dims__scalar', 'resize_nd', 'nd/resize', "output dims from scales (the arithmetic on the scales' values stays in the module)"), a: 'any', acc: '-' },
  S('gridsample_f32__scalar', 'gridsample', 'nd/resize', 'scalar: its own reference (every tap an index computation)'),
  // format casts (the scalar references sit on formats/scalar.ts)
  V('cvt_f32_fmt__simd128', 'cvt_encode', 'cvt_f32_fmt__scalar', 'formats/random'), S('cvt_f32_fmt__scalar', 'cvt_encode', 'formats/random', 'reference'),
  V('cvt_fmt_f32__simd128', 'cvt_decode', 'cvt_fmt_f32__scalar', 'formats/decode'), S('cvt_fmt_f32__scalar', 'cvt_decode', 'formats/decode', 'reference'),
  V('cvt_f32_mx__simd128', 'mx_quantize', 'cvt_f32_mx__scalar', 'formats/mx', [32]), S('cvt_f32_mx__scalar', 'mx_quantize', 'formats/mx', 'reference'),
  V('cvt_mx_f32__lut', 'mx_dequantize', 'cvt_mx_f32__scalar', 'formats/mx', [32]), S('cvt_mx_f32__scalar', 'mx_dequantize', 'formats/mx', 'reference'),
  V('quant_f32_int__simd128', 'quant', 'quant_f32_int__scalar', 'formats/affine', [8]), S('quant_f32_int__scalar', 'quant', 'formats/affine', 'reference'),
  V('dequant_int_f32__simd128', 'dequant', 'dequant_int_f32__scalar', 'formats/affine', [8]), S('dequant_int_f32__scalar', 'dequant', 'formats/affine', 'reference'),
  V('round_f32_fmt__simd128', 'round', 'round_f32_fmt__scalar', 'emulate/round'), S('round_f32_fmt__scalar', 'round', 'emulate/round', 'reference'),
  V('quant_rows_f32_i8__simd128', 'quant_rows', 'quant_rows_f32_i8__scalar', 'kernels/dense_q', [2]), S('quant_rows_f32_i8__scalar', 'quant_rows', 'kernels/dense_q', 'reference'),
  // probes (bench/peak.ts): they measure the machine and compute no tensor
  { ...S('peak_f32_muladd__simd128_12', 'probe', 'kernels/registry', 'probe: computes no tensor, its own reference'), tile: [12], test: 'bench/peak.ts' },
  { ...S('peak_i8_dot__simd128_5x8', 'probe', 'kernels/registry', 'probe: computes no tensor, its own reference'), tile: [5, 8], test: 'bench/peak.ts' },
] as const satisfies readonly KernelRow[];

export type KernelName = (typeof KERNELS)[number]['name'];
/** A module export: numbers (i32 / f32 / pointers) in, a number (or nothing) out. */
export type Kernel = (...args: number[]) => number;

/** Exports that are not kernels: memory, format table, packers and layout helpers, checksums. */
export const HELPERS = [
  'alloc', 'alloc_uninit', 'free', 'memory_bytes', 'fmt_count', 'fmt_cols', 'fmt_table_ptr', 'names_count', 'names_ptr', 'names_len', 'fmt_max_code', 'fmt_nan_code',
  'fmt_inf_code', 'random_fill', 'pack4', 'unpack4', 'sext4', 'pack6', 'unpack6', 'packed_bytes', 'affine_params', 'pack_w_f32',
  'packed_f32_bytes', 'pack_w_q', 'packed_q_bytes', 'pack_wq_params', 'packed_wq_params_bytes', 'pack_w_i8_k2', 'packed_w8a8_bytes', 'pack_conv_w_f32', 'packed_conv_f32_bytes',
  'conv_out_dim', 'conv_narrow_scratch_bytes', 'weights_fusable', 'canonicalize_nan', 'canonicalize_nan_f64', 'fft_scratch_bytes', 'dtype_count', 'dtype_cols', 'dtype_table_ptr', 'pack_recurrent_f32', 'packed_recurrent_f32_bytes', 'recurrent_scratch_bytes', 'xxh32', 'xxh32_start', 'xxh32_update', 'xxh32_digest',
] as const;
export type HelperName = (typeof HELPERS)[number];

const ROWS: ReadonlyMap<string, KernelRow> = new Map(KERNELS.map((r) => [r.name, r as KernelRow]));

/** A row by name (throws on an unknown name: a programming error). */
export function row(name: string): KernelRow {
  const r = ROWS.get(name);
  if (!r) throw new Error(`no kernel ${name} in src/runtime/kernels.ts`);
  return r;
}

/** A reference row: the scalar kernel that is its own reference. */
export const isReference = (r: KernelRow): boolean => r.ref === r.name;

/** The kernel for (op, precision, shapes): the first row serving `op` whose predicate holds; with
 *  `reference`, the same choice among the reference rows. */
export function select(op: Op, facts: Facts, reference = false): KernelName {
  for (const r of KERNELS as readonly KernelRow[]) {
    if (!r.ops.includes(op) || (reference && !isReference(r))) continue;
    if (!r.when || r.when(facts)) return r.name as KernelName;
  }
  throw new Error(`no ${reference ? 'reference ' : ''}kernel for ${op} ${JSON.stringify(facts)}`);
}

/** With kernels 'reference', the exports operators call with every plain-layout kernel (no
 *  packer: its reference takes the same arguments) replaced by its reference. Packed-weight
 *  kernels go through select(), whose reference rows read unpacked weights. */
export function referenceView<X extends Record<string, unknown>>(x: X): X {
  const view: Record<string, unknown> = { ...x }; // the exports object itself is frozen
  for (const r of KERNELS as readonly KernelRow[]) if (r.packer === null && !isReference(r) && r.ops.length === 1 && r.ops[0] !== 'conv2d') view[r.name] = x[r.ref];
  return view as X;
}

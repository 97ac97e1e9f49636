// A reader of TFLite model files (FlatBuffers, file identifier "TFL3") written against the
// official schema, tensorflow/lite/schema/schema.fbs (schema version 3, as in TF 2.x / LiteRT).
// schema.fbs is not on this machine, so instead of flatc-generated code this file reads the few
// tables the importer needs by their field ids, exactly as generated code would: a table's field
// `id` lives at vtable slot 4 + 2 * id (FlatBuffers binary format). The ids below are the
// declaration order in schema.fbs (a union field takes two ids: `<name>_type` then `<name>`).
// Primitive reads go through the `flatbuffers` package's ByteBuffer; every offset is checked
// against the file before it is followed (a malformed file gives AlloyError BAD_GRAPH naming the
// table and byte offset, never a wrong read or a hang).
//
//   Model            0 version:uint  1 operator_codes:[OperatorCode]  2 subgraphs:[SubGraph]
//                    3 description:string  4 buffers:[Buffer]  5 metadata_buffer:[int]
//                    6 metadata:[Metadata]  7 signature_defs:[SignatureDef]
//   OperatorCode     0 deprecated_builtin_code:byte  1 custom_code:string  2 version:int = 1
//                    3 builtin_code:BuiltinOperator(int) ; the code is max(0, 3) (schema comment)
//   SubGraph         0 tensors:[Tensor]  1 inputs:[int]  2 outputs:[int]  3 operators:[Operator]
//                    4 name:string
//   Tensor           0 shape:[int]  1 type:TensorType(byte)  2 buffer:uint  3 name:string
//                    4 quantization:QuantizationParameters  5 is_variable:bool  6 sparsity
//                    7 shape_signature:[int]
//   QuantizationParameters  0 min:[float]  1 max:[float]  2 scale:[float]  3 zero_point:[long]
//                    4 details_type  5 details  6 quantized_dimension:int
//   Buffer           0 data:[ubyte]  1 offset:ulong  2 size:ulong (data outside the flatbuffer,
//                    offset from the start of the file, for models over 2 GB)
//   Operator         0 opcode_index:uint  1 inputs:[int]  2 outputs:[int]
//                    3 builtin_options_type:ubyte  4 builtin_options:table  5 custom_options:[ubyte]
//   Metadata         0 name:string  1 buffer:uint
//
// Options tables (field ids; defaults 0 / false unless noted):
//   Conv2DOptions          0 padding(SAME 0, VALID 1)  1 stride_w  2 stride_h  3 fused_activation
//                          4 dilation_w_factor = 1  5 dilation_h_factor = 1
//   DepthwiseConv2DOptions 0 padding  1 stride_w  2 stride_h  3 depth_multiplier
//                          4 fused_activation  5 dilation_w_factor = 1  6 dilation_h_factor = 1
//   Pool2DOptions          0 padding  1 stride_w  2 stride_h  3 filter_width  4 filter_height
//                          5 fused_activation
//   FullyConnectedOptions  0 fused_activation  1 weights_format  2 keep_num_dims
//   Add/Sub/Mul/DivOptions 0 fused_activation
//   ConcatenationOptions   0 axis  1 fused_activation
//   ReshapeOptions         0 new_shape:[int]
//   ResizeBilinearOptions  0 new_height (deprecated)  1 new_width (deprecated)  2 align_corners
//                          3 half_pixel_centers
//   ResizeNearestNeighborOptions 0 align_corners  1 half_pixel_centers
//   SoftmaxOptions         0 beta:float (the converter always writes it)
//   ReducerOptions         0 keep_dims
//   LeakyReluOptions       0 alpha:float
//   MirrorPadOptions       0 mode (REFLECT 0, SYMMETRIC 1)
//   GatherOptions 0 axis  1 batch_dims;  SqueezeOptions 0 squeeze_dims:[int];  SplitOptions /
//   SplitVOptions 0 num_splits;  StridedSliceOptions 0 begin_mask  1 end_mask  2 ellipsis_mask
//   3 new_axis_mask  4 shrink_axis_mask  5 offset;  CastOptions 0 in_data_type  1 out_data_type;
//   ArgMax/ArgMinOptions 0 output_type;  ShapeOptions 0 out_type;  PackOptions 0 values_count
//   1 axis;  UnpackOptions 0 num  1 axis;  OneHotOptions 0 axis;  BatchMatMulOptions 0 adj_x
//   1 adj_y;  CumsumOptions 0 exclusive  1 reverse;  TransposeConvOptions 0 padding  1 stride_w
//   2 stride_h  3 fused_activation
// ActivationFunctionType: NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3, TANH 4, SIGN_BIT 5.

import { ByteBuffer } from 'flatbuffers';
import { fail } from '../../../runtime/errors.js';

/** TensorType (schema.fbs enum, byte) */
export const TT = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, STRING: 5, BOOL: 6, INT16: 7, COMPLEX64: 8, INT8: 9, FLOAT64: 10 } as const;
export const TT_NAMES = ['FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8', 'FLOAT64', 'COMPLEX128', 'UINT64', 'RESOURCE', 'VARIANT', 'UINT32', 'UINT16', 'INT4', 'BFLOAT16'];

/** BuiltinOperator (schema.fbs enum): names by code, 0..161 (the ones after are named by number). */
export const BUILTIN_NAMES = [
  'ADD', 'AVERAGE_POOL_2D', 'CONCATENATION', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'DEPTH_TO_SPACE', 'DEQUANTIZE', 'EMBEDDING_LOOKUP', 'FLOOR', 'FULLY_CONNECTED',
  'HASHTABLE_LOOKUP', 'L2_NORMALIZATION', 'L2_POOL_2D', 'LOCAL_RESPONSE_NORMALIZATION', 'LOGISTIC', 'LSH_PROJECTION', 'LSTM', 'MAX_POOL_2D', 'MUL', 'RELU',
  'RELU_N1_TO_1', 'RELU6', 'RESHAPE', 'RESIZE_BILINEAR', 'RNN', 'SOFTMAX', 'SPACE_TO_DEPTH', 'SVDF', 'TANH', 'CONCAT_EMBEDDINGS',
  'SKIP_GRAM', 'CALL', 'CUSTOM', 'EMBEDDING_LOOKUP_SPARSE', 'PAD', 'UNIDIRECTIONAL_SEQUENCE_RNN', 'GATHER', 'BATCH_TO_SPACE_ND', 'SPACE_TO_BATCH_ND', 'TRANSPOSE',
  'MEAN', 'SUB', 'DIV', 'SQUEEZE', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'STRIDED_SLICE', 'BIDIRECTIONAL_SEQUENCE_RNN', 'EXP', 'TOPK_V2', 'SPLIT',
  'LOG_SOFTMAX', 'DELEGATE', 'BIDIRECTIONAL_SEQUENCE_LSTM', 'CAST', 'PRELU', 'MAXIMUM', 'ARG_MAX', 'MINIMUM', 'LESS', 'NEG',
  'PADV2', 'GREATER', 'GREATER_EQUAL', 'LESS_EQUAL', 'SELECT', 'SLICE', 'SIN', 'TRANSPOSE_CONV', 'SPARSE_TO_DENSE', 'TILE',
  'EXPAND_DIMS', 'EQUAL', 'NOT_EQUAL', 'LOG', 'SUM', 'SQRT', 'RSQRT', 'SHAPE', 'POW', 'ARG_MIN',
  'FAKE_QUANT', 'REDUCE_PROD', 'REDUCE_MAX', 'PACK', 'LOGICAL_OR', 'ONE_HOT', 'LOGICAL_AND', 'LOGICAL_NOT', 'UNPACK', 'REDUCE_MIN',
  'FLOOR_DIV', 'REDUCE_ANY', 'SQUARE', 'ZEROS_LIKE', 'FILL', 'FLOOR_MOD', 'RANGE', 'RESIZE_NEAREST_NEIGHBOR', 'LEAKY_RELU', 'SQUARED_DIFFERENCE',
  'MIRROR_PAD', 'ABS', 'SPLIT_V', 'UNIQUE', 'CEIL', 'REVERSE_V2', 'ADD_N', 'GATHER_ND', 'COS', 'WHERE',
  'RANK', 'ELU', 'REVERSE_SEQUENCE', 'MATRIX_DIAG', 'QUANTIZE', 'MATRIX_SET_DIAG', 'ROUND', 'HARD_SWISH', 'IF', 'WHILE',
  'NON_MAX_SUPPRESSION_V4', 'NON_MAX_SUPPRESSION_V5', 'SCATTER_ND', 'SELECT_V2', 'DENSIFY', 'SEGMENT_SUM', 'BATCH_MATMUL', 'PLACEHOLDER_FOR_GREATER_OP_CODES', 'CUMSUM', 'CALL_ONCE',
  'BROADCAST_TO', 'RFFT2D', 'CONV_3D', 'IMAG', 'REAL', 'COMPLEX_ABS', 'HASHTABLE', 'HASHTABLE_FIND', 'HASHTABLE_IMPORT', 'HASHTABLE_SIZE',
  'REDUCE_ALL', 'CONV_3D_TRANSPOSE', 'VAR_HANDLE', 'READ_VARIABLE', 'ASSIGN_VARIABLE', 'BROADCAST_ARGS', 'RANDOM_STANDARD_NORMAL', 'BUCKETIZE', 'RANDOM_UNIFORM', 'MULTINOMIAL',
  'GELU', 'DYNAMIC_UPDATE_SLICE', 'RELU_0_TO_1', 'UNSORTED_SEGMENT_PROD', 'UNSORTED_SEGMENT_MAX', 'UNSORTED_SEGMENT_SUM', 'ATAN2', 'UNSORTED_SEGMENT_MIN', 'SIGN', 'BITCAST',
  'BITWISE_XOR', 'RIGHT_SHIFT',
];
export const opName = (code: number) => BUILTIN_NAMES[code] ?? `BUILTIN_${code}`;

export interface Quant { scale: Float32Array; zeroPoint: number[]; axis: number }
export interface TensorT { index: number; name: string; shape: number[]; signature: number[] | null; type: number; buffer: number; quant: Quant | null; isVariable: boolean; sparse: boolean }
export interface OperatorT { index: number; code: number; custom: string; inputs: number[]; outputs: number[]; options: Options | null; /** custom_options bytes (a view) */ customOptions?: Uint8Array }
export interface SubGraphT { name: string; tensors: TensorT[]; inputs: number[]; outputs: number[]; operators: OperatorT[] }
export interface ModelT { version: number; description: string; subgraphs: SubGraphT[]; buffers: (Uint8Array | null)[]; metadata: { name: string; buffer: number }[] }

/** Field access into one options table (ids as listed in the header). */
export interface Options {
  i32(id: number, dflt: number): number;
  u8(id: number, dflt: number): number;
  bool(id: number, dflt: boolean): boolean;
  f32(id: number, dflt: number): number;
  ints(id: number): number[] | null;
}

const MAX_VEC = 1 << 28;

class Reader {
  readonly bb: ByteBuffer;
  readonly n: number;
  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.n = bytes.length;
  }
  need(off: number, len: number, what: string): void {
    if (!(Number.isSafeInteger(off) && off >= 0 && len >= 0 && off + len <= this.n)) fail('BAD_GRAPH', `tflite: ${what} at byte ${off} (+${len}) is outside the ${this.n}-byte file`);
  }
  /** Position of field `id` of the table at `t`, or 0 when absent. */
  field(t: number, id: number, what: string): number {
    this.need(t, 4, what);
    const vt = t - this.bb.readInt32(t);
    this.need(vt, 4, `${what} vtable`);
    const vtSize = this.bb.readUint16(vt);
    this.need(vt, vtSize, `${what} vtable`);
    const slot = 4 + 2 * id;
    if (slot + 2 > vtSize) return 0;
    const o = this.bb.readUint16(vt + slot);
    return o ? t + o : 0;
  }
  u8(t: number, id: number, d: number, what: string) { const p = this.field(t, id, what); if (!p) return d; this.need(p, 1, what); return this.bb.readUint8(p); }
  i8(t: number, id: number, d: number, what: string) { const p = this.field(t, id, what); if (!p) return d; this.need(p, 1, what); return this.bb.readInt8(p); }
  i32(t: number, id: number, d: number, what: string) { const p = this.field(t, id, what); if (!p) return d; this.need(p, 4, what); return this.bb.readInt32(p); }
  u32(t: number, id: number, d: number, what: string) { const p = this.field(t, id, what); if (!p) return d; this.need(p, 4, what); return this.bb.readUint32(p); }
  u64(t: number, id: number, d: number, what: string) {
    const p = this.field(t, id, what); if (!p) return d; this.need(p, 8, what);
    const v = this.bb.readUint64(p);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('BAD_GRAPH', `tflite: ${what}: value ${v} too large`);
    return Number(v);
  }
  f32(t: number, id: number, d: number, what: string) { const p = this.field(t, id, what); if (!p) return d; this.need(p, 4, what); return this.bb.readFloat32(p); }
  /** Target of an offset field (table, vector or string), or 0 when absent. */
  ref(t: number, id: number, what: string): number {
    const p = this.field(t, id, what);
    if (!p) return 0;
    this.need(p, 4, what);
    const q = p + this.bb.readUint32(p);
    this.need(q, 4, what);
    return q;
  }
  /** A vector: start of its elements and their count. */
  vec(t: number, id: number, elem: number, what: string): { start: number; len: number } | null {
    const v = this.ref(t, id, what);
    if (!v) return null;
    const len = this.bb.readUint32(v);
    if (len > MAX_VEC) fail('BAD_GRAPH', `tflite: ${what}: vector of ${len} elements`);
    this.need(v + 4, len * elem, what);
    return { start: v + 4, len };
  }
  ints(t: number, id: number, what: string): number[] | null {
    const v = this.vec(t, id, 4, what);
    if (!v) return null;
    const out: number[] = new Array(v.len);
    for (let i = 0; i < v.len; i++) out[i] = this.bb.readInt32(v.start + 4 * i);
    return out;
  }
  tables(t: number, id: number, what: string): number[] {
    const v = this.vec(t, id, 4, what);
    if (!v) return [];
    const out: number[] = new Array(v.len);
    for (let i = 0; i < v.len; i++) {
      const p = v.start + 4 * i;
      out[i] = p + this.bb.readUint32(p);
      this.need(out[i], 4, `${what}[${i}]`);
    }
    return out;
  }
  str(t: number, id: number, what: string): string {
    const v = this.vec(t, id, 1, what);
    if (!v) return '';
    return new TextDecoder().decode(this.bytes.subarray(v.start, v.start + v.len));
  }
}

function options(r: Reader, t: number, what: string): Options {
  return {
    i32: (id, d) => r.i32(t, id, d, what),
    u8: (id, d) => r.u8(t, id, d, what),
    bool: (id, d) => r.u8(t, id, d ? 1 : 0, what) !== 0,
    f32: (id, d) => r.f32(t, id, d, what),
    ints: (id) => r.ints(t, id, what),
  };
}

/** Decode the parts of a .tflite file the importer uses. Buffers are views into `bytes`. */
export function readModel(bytes: Uint8Array): ModelT {
  if (bytes.length < 8) fail('BAD_GRAPH', `not a TFLite model: ${bytes.length} bytes`);
  const ident = String.fromCharCode(...bytes.subarray(4, 8));
  if (ident !== 'TFL3') fail('BAD_GRAPH', `not a TFLite model: file identifier ${JSON.stringify(ident)}, expected "TFL3"`);
  const r = new Reader(bytes);
  const m = r.bb.readUint32(0);
  r.need(m, 4, 'Model');
  const version = r.u32(m, 0, 0, 'Model.version');
  if (version !== 3) fail('UNSUPPORTED_OP', `TFLite schema version ${version}; version 3 is supported`);
  const codes = r.tables(m, 1, 'Model.operator_codes').map((c, i) => {
    const w = `Model.operator_codes[${i}]`;
    const dep = r.i8(c, 0, 0, w), b = r.i32(c, 3, 0, w);
    return { code: Math.max(dep, b), custom: r.str(c, 1, w) };
  });
  const buffers = r.tables(m, 4, 'Model.buffers').map((b, i) => {
    const w = `Model.buffers[${i}]`;
    const d = r.vec(b, 0, 1, w);
    if (d && d.len) return bytes.subarray(d.start, d.start + d.len);
    const off = r.u64(b, 1, 0, w), size = r.u64(b, 2, 0, w);
    if (off > 1 && size > 0) { r.need(off, size, `${w} (external data)`); return bytes.subarray(off, off + size); }
    return null;
  });
  const subgraphs = r.tables(m, 2, 'Model.subgraphs').map((g, gi): SubGraphT => {
    const w = `SubGraph ${gi}`;
    const tensors = r.tables(g, 0, `${w}.tensors`).map((t, ti): TensorT => {
      const tw = `${w}.tensors[${ti}]`;
      const q = r.ref(t, 4, `${tw}.quantization`);
      let quant: Quant | null = null;
      if (q) {
        const sv = r.vec(q, 2, 4, `${tw}.quantization.scale`);
        const zv = r.vec(q, 3, 8, `${tw}.quantization.zero_point`);
        if (sv && sv.len) {
          const scale = new Float32Array(sv.len);
          for (let i = 0; i < sv.len; i++) scale[i] = r.bb.readFloat32(sv.start + 4 * i);
          const zeroPoint: number[] = [];
          for (let i = 0; i < (zv?.len ?? 0); i++) zeroPoint.push(Number(r.bb.readInt64(zv!.start + 8 * i)));
          quant = { scale, zeroPoint, axis: r.i32(q, 6, 0, `${tw}.quantization`) };
        }
      }
      return {
        index: ti,
        name: r.str(t, 3, `${tw}.name`),
        shape: r.ints(t, 0, `${tw}.shape`) ?? [],
        signature: r.ints(t, 7, `${tw}.shape_signature`),
        type: r.i8(t, 1, 0, `${tw}.type`),
        buffer: r.u32(t, 2, 0, `${tw}.buffer`),
        quant,
        isVariable: r.u8(t, 5, 0, tw) !== 0,
        sparse: r.field(t, 6, tw) !== 0,
      };
    });
    const operators = r.tables(g, 3, `${w}.operators`).map((o, oi): OperatorT => {
      const ow = `${w}.operators[${oi}]`;
      const ci = r.u32(o, 0, 0, ow);
      if (ci >= codes.length) fail('BAD_GRAPH', `tflite: ${ow}: opcode_index ${ci} out of range (${codes.length} operator codes)`);
      const opt = r.ref(o, 4, `${ow}.builtin_options`);
      const co = r.vec(o, 5, 1, `${ow}.custom_options`);
      return { index: oi, code: codes[ci].code, custom: codes[ci].custom, inputs: r.ints(o, 1, `${ow}.inputs`) ?? [], outputs: r.ints(o, 2, `${ow}.outputs`) ?? [], options: opt ? options(r, opt, `${ow}.builtin_options`) : null,
        ...(co ? { customOptions: bytes.subarray(co.start, co.start + co.len) } : {}) };
    });
    return { name: r.str(g, 4, `${w}.name`), tensors, inputs: r.ints(g, 1, `${w}.inputs`) ?? [], outputs: r.ints(g, 2, `${w}.outputs`) ?? [], operators };
  });
  const metadata = r.tables(m, 6, 'Model.metadata').map((t, i) => ({ name: r.str(t, 0, `Model.metadata[${i}]`), buffer: r.u32(t, 1, 0, `Model.metadata[${i}]`) }));
  return { version, description: r.str(m, 3, 'Model.description'), subgraphs, buffers, metadata };
}

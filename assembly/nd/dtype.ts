// The element-type table: the types a graph value can have (ONNX TensorProto.DataType ids, so an
// importer maps them one to one). One row per type: id, bytes per element, kind, and the row of
// the format table with the same encoding (-1: none), so casts to narrow floats reuse the format
// casts. The host reads it through dtype_count / dtype_table_ptr (like the format table).
// see: onnx/onnx.proto, TensorProto.DataType

export const DT_F32: i32 = 1, DT_U8: i32 = 2, DT_I8: i32 = 3, DT_U16: i32 = 4, DT_I16: i32 = 5;
export const DT_I32: i32 = 6, DT_I64: i32 = 7, DT_BOOL: i32 = 9, DT_F16: i32 = 10, DT_F64: i32 = 11;
export const DT_U32: i32 = 12, DT_U64: i32 = 13, DT_BF16: i32 = 16;

export const enum DKind { FLOAT = 0, SIGNED = 1, UNSIGNED = 2, BOOL = 3 }

// The names graph values use (bundle ValueInfo.format), one per row, in row order.
export const DTYPE_NAMES: string = "f32 u8 i8 u16 i16 i32 i64 bool f16 f64 u32 u64 bf16";

const COLS = 4;
const ROWS: StaticArray<i32> = [
  // id        bytes kind             format row
  DT_F32,  4, DKind.FLOAT,    0,
  DT_U8,   1, DKind.UNSIGNED, 12,
  DT_I8,   1, DKind.SIGNED,   11,
  DT_U16,  2, DKind.UNSIGNED, -1,
  DT_I16,  2, DKind.SIGNED,   10,
  DT_I32,  4, DKind.SIGNED,   14,
  DT_I64,  8, DKind.SIGNED,   -1,
  DT_BOOL, 1, DKind.BOOL,     -1,
  DT_F16,  2, DKind.FLOAT,    1,
  DT_F64,  8, DKind.FLOAT,    -1,
  DT_U32,  4, DKind.UNSIGNED, -1,
  DT_U64,  8, DKind.UNSIGNED, -1,
  DT_BF16, 2, DKind.FLOAT,    2,
];

export function dtype_count(): i32 { return ROWS.length / COLS; }
export function dtype_cols(): i32 { return COLS; }
export function dtype_table_ptr(): usize { return changetype<usize>(ROWS); }

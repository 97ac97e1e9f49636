// The format table: one row per format, the only place format facts live (docs/ARCHITECTURE.md rule 3).
// Ids are stable and never reused. The host reads this table through the `fmt_*` and `names_*` exports (assembly/codes.ts).
// Names follow ml_dtypes / LLVM APFloat.

export const enum Kind { FLOAT = 0, INT = 1, SCALE = 2, MX = 3 }

// How the top exponent code is used.
//   IEEE:   exponent all-ones = inf (mantissa 0) / NaN (mantissa != 0)        f16 bf16 f8_e5m2 f8_e3m4
//   FN:     only S.1..1.1..1 is NaN, no inf (the rest of the top binade is finite)   f8_e4m3fn
//   FINITE: every code is a finite number, no inf, no NaN                  f6_e2m3fn f6_e3m2fn f4_e2m1fn
//   E8M0:   unsigned power of two 2^(code-127), 0xFF = NaN, no zero        e8m0fnu
export const enum Special { NONE = 0, IEEE = 1, FN = 2, FINITE = 3, E8M0 = 4 }

export const F32: i32 = 0;
export const F16: i32 = 1;
export const BF16: i32 = 2;
export const F8_E4M3FN: i32 = 3;
export const F8_E5M2: i32 = 4;
export const F8_E3M4: i32 = 5;
export const F6_E2M3FN: i32 = 6;
export const F6_E3M2FN: i32 = 7;
export const F4_E2M1FN: i32 = 8;
export const E8M0FNU: i32 = 9;
export const I16: i32 = 10;
export const I8: i32 = 11;
export const U8: i32 = 12;
export const I4: i32 = 13;
export const I32: i32 = 14;
export const MXFP8_E4M3: i32 = 16;
export const MXFP8_E5M2: i32 = 17;
export const MXFP6_E2M3: i32 = 18;
export const MXFP6_E3M2: i32 = 19;
export const MXFP4_E2M1: i32 = 20;
export const MXINT8: i32 = 21;
export const FORMAT_COUNT: i32 = 22; // ids are < FORMAT_COUNT; 15 is unassigned

// Column order of a row.
export const C_KIND = 0;
export const C_BITS = 1;      // storage bits of one element code
export const C_EBITS = 2;
export const C_MBITS = 3;
export const C_BIAS = 4;
export const C_SPECIAL = 5;
export const C_SIGNED = 6;
export const C_BLOCK = 7;     // elements sharing one scale (1 = no block scale)
export const C_SCALE = 8;     // format id of the block scale, -1 if none
export const C_ELEM = 9;      // MX: element format id; others: own id
export const C_EMAX = 10;     // MX: emax of the element format (OCP MX v1.0 table 1)
export const C_IMIN = 11;     // integers: smallest value
export const C_IMAX = 12;     // integers: largest value
export const COLS = 13;
// Column names in column order, as the host spells them (FORMAT_COLUMNS in src/runtime/tables.ts).
export const COL_NAMES: string = "kind bits ebits mbits bias special signed block scale elem emax imin imax";
export const KIND_NAMES: string = "float int scale mx";        // Kind, by value
export const SPECIAL_NAMES: string = "none ieee fn finite e8m0"; // Special, by value

// A row per id; id 15 is a hole (kind -1).
const TABLE: StaticArray<i32> = [
  // kind        bits e  m  bias special          sgn blk scale elem emax imin    imax
  Kind.FLOAT,    32,  8, 23, 127, Special.IEEE,   1,  1,  -1,   0,   127, 0,      0,      // 0 f32
  Kind.FLOAT,    16,  5, 10, 15,  Special.IEEE,   1,  1,  -1,   1,   15,  0,      0,      // 1 f16
  Kind.FLOAT,    16,  8, 7,  127, Special.IEEE,   1,  1,  -1,   2,   127, 0,      0,      // 2 bf16
  Kind.FLOAT,    8,   4, 3,  7,   Special.FN,     1,  1,  -1,   3,   8,   0,      0,      // 3 f8_e4m3fn
  Kind.FLOAT,    8,   5, 2,  15,  Special.IEEE,   1,  1,  -1,   4,   15,  0,      0,      // 4 f8_e5m2
  Kind.FLOAT,    8,   3, 4,  3,   Special.IEEE,   1,  1,  -1,   5,   3,   0,      0,      // 5 f8_e3m4
  Kind.FLOAT,    6,   2, 3,  1,   Special.FINITE, 1,  1,  -1,   6,   2,   0,      0,      // 6 f6_e2m3fn
  Kind.FLOAT,    6,   3, 2,  3,   Special.FINITE, 1,  1,  -1,   7,   4,   0,      0,      // 7 f6_e3m2fn
  Kind.FLOAT,    4,   2, 1,  1,   Special.FINITE, 1,  1,  -1,   8,   2,   0,      0,      // 8 f4_e2m1fn
  Kind.SCALE,    8,   8, 0,  127, Special.E8M0,   0,  1,  -1,   9,   127, 0,      0,      // 9 e8m0fnu
  Kind.INT,      16,  0, 0,  0,   Special.NONE,   1,  1,  -1,   10,  0,   -32768, 32767,  // 10 i16
  Kind.INT,      8,   0, 0,  0,   Special.NONE,   1,  1,  -1,   11,  0,   -128,   127,    // 11 i8
  Kind.INT,      8,   0, 0,  0,   Special.NONE,   0,  1,  -1,   12,  0,   0,      255,    // 12 u8
  Kind.INT,      4,   0, 0,  0,   Special.NONE,   1,  1,  -1,   13,  0,   -8,     7,      // 13 i4
  Kind.INT,      32,  0, 0,  0,   Special.NONE,   1,  1,  -1,   14,  0,   -2147483648, 2147483647, // 14 i32
  -1,            0,   0, 0,  0,   Special.NONE,   0,  0,  -1,   15,  0,   0,      0,      // 15 (unassigned)
  Kind.MX,       8,   4, 3,  7,   Special.FN,     1,  32, 9,    3,   8,   0,      0,      // 16 mxfp8_e4m3
  Kind.MX,       8,   5, 2,  15,  Special.IEEE,   1,  32, 9,    4,   15,  0,      0,      // 17 mxfp8_e5m2
  Kind.MX,       6,   2, 3,  1,   Special.FINITE, 1,  32, 9,    6,   2,   0,      0,      // 18 mxfp6_e2m3
  Kind.MX,       6,   3, 2,  3,   Special.FINITE, 1,  32, 9,    7,   4,   0,      0,      // 19 mxfp6_e3m2
  Kind.MX,       4,   2, 1,  1,   Special.FINITE, 1,  32, 9,    8,   2,   0,      0,      // 20 mxfp4_e2m1
  Kind.MX,       8,   0, 0,  0,   Special.NONE,   1,  32, 9,    11,  0,   -127,   127,    // 21 mxint8 (1.6 fixed point)
];

// Space-separated names, index = id ("-" marks the hole). Read by the host. One literal: asc
// does not fold "a" + "b", and the concatenation made the module's start function allocate.
export const NAMES: string =
  "f32 f16 bf16 f8_e4m3fn f8_e5m2 f8_e3m4 f6_e2m3fn f6_e3m2fn f4_e2m1fn e8m0fnu i16 i8 u8 i4 i32 - mxfp8_e4m3 mxfp8_e5m2 mxfp6_e2m3 mxfp6_e3m2 mxfp4_e2m1 mxint8";

export function isValidFormat(id: i32): bool {
  return id >= 0 && id < FORMAT_COUNT && unchecked(TABLE[id * COLS + C_KIND]) >= 0;
}

// @ts-ignore: decorator
@inline export function col(id: i32, c: i32): i32 {
  return unchecked(TABLE[id * COLS + c]);
}

// Derived facts of a float format (FLOAT rows; MX rows describe their element).

// Largest finite magnitude code (sign bit clear).
export function maxMagCode(id: i32): u32 {
  const e = col(id, C_EBITS), m = col(id, C_MBITS), sp = col(id, C_SPECIAL);
  const all = (1 << (e + m)) - 1;
  if (sp == Special.IEEE) return <u32>(((1 << e) - 2) << m | ((1 << m) - 1));
  if (sp == Special.FN || sp == Special.E8M0) return <u32>(all - 1);
  return <u32>all; // FINITE
}

// Magnitude code of the canonical quiet NaN, or -1 if the format has no NaN.
export function nanMagCode(id: i32): i32 {
  const e = col(id, C_EBITS), m = col(id, C_MBITS), sp = col(id, C_SPECIAL);
  if (sp == Special.IEEE) return (((1 << e) - 1) << m) | (1 << (m - 1));
  if (sp == Special.FN) return (1 << (e + m)) - 1;
  if (sp == Special.E8M0) return 0xFF;
  return -1;
}

// Magnitude code of infinity, or -1 if the format has none.
export function infMagCode(id: i32): i32 {
  const e = col(id, C_EBITS), m = col(id, C_MBITS);
  return col(id, C_SPECIAL) == Special.IEEE ? ((1 << e) - 1) << m : -1;
}

// Unbiased exponent of the smallest normal number.
// @ts-ignore: decorator
@inline export function eminOf(id: i32): i32 { return 1 - col(id, C_BIAS); }

// Unbiased exponent of the top binade that holds finite numbers.
export function etopOf(id: i32): i32 {
  const e = col(id, C_EBITS), sp = col(id, C_SPECIAL);
  return (sp == Special.IEEE ? (1 << e) - 2 : (1 << e) - 1) - col(id, C_BIAS);
}

// Exports for the host (i32 only).
export function fmt_count(): i32 { return FORMAT_COUNT; }
export function fmt_cols(): i32 { return COLS; }
// The whole table, FORMAT_COUNT rows of COLS i32 (one read for the host instead of a call per cell).
export function fmt_table_ptr(): usize { return changetype<usize>(TABLE); }
export function fmt_max_code(id: i32): i32 { return <i32>maxMagCode(id); }
export function fmt_nan_code(id: i32): i32 { return nanMagCode(id); }
export function fmt_inf_code(id: i32): i32 { return infMagCode(id); }

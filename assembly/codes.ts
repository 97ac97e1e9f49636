// The code tables: the i32 codes kernels take for a rounding mode, an overflow policy and an
// activation, with their names (index = code), next to each other so they cannot drift apart.
// The host reads every name list here and in the format table through names_ptr / names_len
// (docs/ARCHITECTURE.md, "The three tables"); nothing on the host restates a code.

import { NAMES as FORMAT_NAMES, COL_NAMES, KIND_NAMES, SPECIAL_NAMES } from "./formats/table";
import { DTYPE_NAMES } from "./nd/dtype";
import { BINARY_NAMES } from "./nd/ops";
import { REDUCE_NAMES } from "./nd/reduce";
import { SOFTMAX_NAMES } from "./nd/softmax";
import { UNARY_NAMES } from "./nd/unary_ops";
import { RECURRENT_ACT_NAMES } from "./nd/recurrent";
import { LOSS_REDUCTION_NAMES } from "./nd/loss";
import { WINDOW_NAMES } from "./nd/signal";

export const enum Round { RNE = 0, RNA = 1, RTZ = 2, FLOOR = 3, CEIL = 4, STOCHASTIC = 5 }
export const ROUND_NAMES: string = "rne rna rtz floor ceil stochastic";

// SATURATE: past the largest finite value -> the largest finite value; IEEE: -> inf (or NaN
// where the format has no inf, its largest value where it has neither).
export const enum Overflow { SATURATE = 0, IEEE = 1 }
export const OVERFLOW_NAMES: string = "saturate ieee";

// Fused activations of the conv / pointwise / dense / element-wise kernels.
export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_RELU6 = 2;
export const ACT_NAMES: string = "none relu relu6";

// A Dense node's activations (attrs.activation), also the codes gemm_f32_f32_emu_recompute__simd128_4x8 takes for the
// activation whose condition number it uses (kact). relu is fused (ACT_RELU); tanh, sigmoid and
// gelu run as their element-wise kernels after the layer.
export const KACT_IDENTITY = 0;
export const KACT_RELU = 1;
export const KACT_TANH = 2;
export const KACT_SIGMOID = 3;
export const KACT_GELU = 4;
export const DENSE_ACT_NAMES: string = "none relu tanh sigmoid gelu";

// The name lists, by number (the host's src/runtime/tables.ts spells the same order).
export const LIST_FORMATS = 0;
export const LIST_COLUMNS = 1;
export const LIST_KINDS = 2;
export const LIST_SPECIALS = 3;
export const LIST_ROUNDS = 4;
export const LIST_OVERFLOWS = 5;
export const LIST_ACTIVATIONS = 6;
export const LIST_DENSE_ACTIVATIONS = 7;
export const LIST_DTYPES = 8;
export const LIST_BINARY = 9;
export const LIST_REDUCE_OPS = 10;
export const LIST_SOFTMAX_KINDS = 11;
export const LIST_UNARY = 12;       // vunary_nd_any__simd128 op codes (nd/unary_ops.ts)
export const LIST_RECURRENT_ACTS = 13; // RNN / GRU / LSTM activation codes (nd/recurrent.ts)
export const LIST_LOSS_REDUCTIONS = 14;  // nll_loss_any__scalar reductions (nd/loss.ts)
export const LIST_WINDOWS = 15;  // window_any__scalar kinds (nd/signal.ts)
export const LIST_COUNT = 16;

function list(t: i32): string {
  switch (t) {
    case LIST_FORMATS: return FORMAT_NAMES;
    case LIST_COLUMNS: return COL_NAMES;
    case LIST_KINDS: return KIND_NAMES;
    case LIST_SPECIALS: return SPECIAL_NAMES;
    case LIST_ROUNDS: return ROUND_NAMES;
    case LIST_OVERFLOWS: return OVERFLOW_NAMES;
    case LIST_ACTIVATIONS: return ACT_NAMES;
    case LIST_DENSE_ACTIVATIONS: return DENSE_ACT_NAMES;
    case LIST_DTYPES: return DTYPE_NAMES;
    case LIST_BINARY: return BINARY_NAMES;
    case LIST_REDUCE_OPS: return REDUCE_NAMES;
    case LIST_SOFTMAX_KINDS: return SOFTMAX_NAMES;
    case LIST_UNARY: return UNARY_NAMES;
    case LIST_RECURRENT_ACTS: return RECURRENT_ACT_NAMES;
    case LIST_LOSS_REDUCTIONS: return LOSS_REDUCTION_NAMES;
    case LIST_WINDOWS: return WINDOW_NAMES;
  }
  return "";
}

// Exports for the host: a space-separated UTF-16 name list (index = id or code).
export function names_count(): i32 { return LIST_COUNT; }
export function names_ptr(t: i32): usize { return changetype<usize>(list(t)); }
export function names_len(t: i32): i32 { return list(t).length; }

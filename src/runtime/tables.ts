// The module's tables as the host uses them: the format table's columns by name and the codes
// kernels take (rounding, overflow, activations), all from tables.gen.ts, which
// scripts/gen-tables.mjs writes from the module itself. Pure data: no instance needed, so the
// bundle reader runs without one. checkModule() proves at init that the instance holds the same.

import { FORMAT_NAMES, FORMAT_COLUMNS, FORMAT_TABLE, KINDS, SPECIALS, ROUNDING, OVERFLOW, ACTIVATIONS, DENSE_ACTIVATIONS, DTYPE_NAMES, DTYPE_TABLE, BINARY_OPS, REDUCE_OPS, SOFTMAX_KINDS, UNARY_OPS, RECURRENT_ACTS, LOSS_REDUCTIONS, WINDOWS } from './tables.gen.js';
import { fail } from './errors.js';

export { FORMAT_NAMES, FORMAT_COLUMNS, FORMAT_TABLE, KINDS, SPECIALS, ROUNDING, OVERFLOW, ACTIVATIONS, DENSE_ACTIVATIONS, DTYPE_NAMES, DTYPE_TABLE, BINARY_OPS, REDUCE_OPS, SOFTMAX_KINDS, UNARY_OPS, RECURRENT_ACTS, LOSS_REDUCTIONS, WINDOWS };
export type Rounding = (typeof ROUNDING)[number];
export type OverflowPolicy = (typeof OVERFLOW)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type FormatName = Exclude<(typeof FORMAT_NAMES)[number], '-'>;
export type Column = (typeof FORMAT_COLUMNS)[number];

/** Index of a column in a format row. */
export const COL = Object.fromEntries(FORMAT_COLUMNS.map((c, i) => [c, i])) as Record<Column, number>;

/** A cell of the format table. */
export const cell = (id: number, c: Column): number => FORMAT_TABLE[id][COL[c]];

/** The code of a name in a code table (rounding, overflow, activations), -1 if it has none. */
export const code = (list: readonly string[], name: unknown): number => (typeof name === 'string' ? list.indexOf(name) : -1);

/** The rounding code the kernels take for a mode name (names the precision map checked). */
export const roundCode = (name: string): number => ROUNDING.indexOf(name as Rounding);

/** Fused activation codes by name (conv, pointwise, dense, element-wise kernels): ACT.relu6 etc. */
export const ACT = Object.fromEntries(ACTIVATIONS.map((a, i) => [a, i])) as Record<Activation, number>;
export type UnaryOp = (typeof UNARY_OPS)[number];
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];
/** A Dense node's activation codes (gemm_f32_f32_emu_recompute__simd128_4x8's kact) by name. */
export const DENSE_ACT = Object.fromEntries(DENSE_ACTIVATIONS.map((a, i) => [a, i])) as Record<DenseActivation, number>;

const LISTS: readonly (readonly string[])[] = [FORMAT_NAMES, FORMAT_COLUMNS, KINDS, SPECIALS, ROUNDING, OVERFLOW, ACTIVATIONS, DENSE_ACTIVATIONS, DTYPE_NAMES, BINARY_OPS, REDUCE_OPS, SOFTMAX_KINDS, UNARY_OPS, RECURRENT_ACTS, LOSS_REDUCTIONS, WINDOWS];

/** Fails with WASM_UNAVAILABLE unless the instance's tables are these (a module from another
 *  build would misread every id and code). One pass over ~300 ints and ~60 names. */
export function checkModule(x: any): void {
  const bad = (what: string) => fail('WASM_UNAVAILABLE', `alloy.wasm does not match this host: its ${what} differ (use the alloy.wasm of the same build)`);
  if (typeof x.names_count !== 'function' || x.names_count() !== LISTS.length) bad('name lists');
  for (let t = 0; t < LISTS.length; t++) {
    const s = String.fromCharCode(...new Uint16Array(x.memory.buffer, x.names_ptr(t) >>> 0, x.names_len(t)));
    if (s !== LISTS[t].join(' ')) bad(`names (list ${t})`);
  }
  const count = x.fmt_count(), cols = x.fmt_cols();
  if (count !== FORMAT_TABLE.length || cols !== FORMAT_COLUMNS.length) bad('format table sizes');
  const t = new Int32Array(x.memory.buffer, x.fmt_table_ptr() >>> 0, count * cols);
  for (let i = 0; i < t.length; i++) if (t[i] !== FORMAT_TABLE[(i / cols) | 0][i % cols]) bad('format tables');
}

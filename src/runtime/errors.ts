// One error type for every bad input: a stable `code` for programs, a message naming the place.

export type AlloyErrorCode =
  | 'BAD_ARGUMENT'
  | 'UNKNOWN_FORMAT'
  | 'BAD_OPTION'
  | 'WASM_UNAVAILABLE'
  | 'WASM_TRAP'
  | 'NOT_INITIALIZED'
  | 'DISPOSED'
  | 'BAD_MAGIC'
  | 'BAD_VERSION'
  | 'BUNDLE_TRUNCATED'
  | 'BAD_HEADER'
  | 'BAD_TENSOR'
  | 'BAD_OFFSET'
  | 'BAD_CHECKSUM'
  | 'BAD_GRAPH'
  | 'UNSUPPORTED_OP'
  | 'SHAPE_MISMATCH'
  | 'MISSING_INPUT'
  /** a run-time input value the operator cannot take (an index out of range, Range's delta 0) */
  | 'BAD_INPUT'
  | 'LIMIT_EXCEEDED'
  | 'BAD_PRECISION_MAP'
  /** the CLI: a file could not be read or written */
  | 'IO_ERROR';

/** Every bad input, option or state raises this: `e instanceof AlloyError`, then switch on
 *  `e.code`. The message starts with the code (`BAD_MAGIC: bytes 0..4: ...`) and names the place. */
export class AlloyError extends Error {
  /** stable, for programs; never renamed or reused */
  declare readonly code: AlloyErrorCode;
  constructor(code: AlloyErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'AlloyError';
    // Not enumerable: Node's inspector would print `{ code: '...' }` after the stack, a second
    // copy of the code that the message already starts with.
    Object.defineProperty(this, 'code', { value: code, enumerable: false, writable: false, configurable: true });
  }
}
// The minifier renames classes: keep the name consoles print (`AlloyError: ...`, not `o [AlloyError]`).
Object.defineProperty(AlloyError, 'name', { value: 'AlloyError' });

/** The message without its `CODE: ` prefix, for wrapping one error's text into another's. */
export function detail(e: unknown): string {
  if (e instanceof AlloyError) return e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
  return (e as Error)?.message ?? String(e);
}

export function fail(code: AlloyErrorCode, message: string): never {
  throw new AlloyError(code, message);
}

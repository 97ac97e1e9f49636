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
  | 'LIMIT_EXCEEDED'
  | 'BAD_PRECISION_MAP';

export class AlloyError extends Error {
  readonly code: AlloyErrorCode;
  constructor(code: AlloyErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'AlloyError';
    this.code = code;
  }
}

export function fail(code: AlloyErrorCode, message: string): never {
  throw new AlloyError(code, message);
}

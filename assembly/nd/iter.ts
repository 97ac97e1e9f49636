// Broadcast iteration over up to 4 operands (numpy rules, see: ONNX Broadcasting.md): operand 0
// is the output; every operand's dims are right-aligned to the output rank by the host and are
// either the output's or 1. coalesce() turns the dims into element strides (0 on a broadcast
// dim), drops size-1 dims and merges neighbours that are contiguous in every operand, so that the
// innermost loop is as long as possible and its strides are 0 or 1. Index arithmetic only.

export const MAX_RANK = 8;
const MAX_OPS = 4;
// out dims[MAX_RANK], then strides[op][MAX_RANK] for op 1..MAX_OPS-1 (operand 0 is dense)
const DIMS: StaticArray<i64> = new StaticArray<i64>(MAX_RANK);
const STRIDES: StaticArray<i64> = new StaticArray<i64>(MAX_RANK * MAX_OPS);
const ACC: StaticArray<i64> = new StaticArray<i64>(MAX_OPS);
const OD: StaticArray<i64> = new StaticArray<i64>(MAX_RANK);
const ST: StaticArray<i64> = new StaticArray<i64>(MAX_RANK * MAX_OPS);

@inline export function cdim(i: i32): i64 { return unchecked(DIMS[i]); }
@inline export function cstride(op: i32, i: i32): i64 { return unchecked(STRIDES[op * MAX_RANK + i]); }

/** Reads `ops` dims arrays of `rank` i32s at `dims` (operand 0 = the output). Returns the
 *  coalesced rank (0: a single element), -1 if the dims are not broadcast-compatible or the rank
 *  is above MAX_RANK, -2 if the output is empty (nothing to do). */
export function coalesce(rank: i32, dims: usize, ops: i32): i32 {
  if (rank < 0 || rank > MAX_RANK || ops < 2 || ops > MAX_OPS) return -1;
  // element strides per operand, innermost first (module-level scratch: no allocation per call)
  const acc = ACC, od = OD, st = ST;
  for (let o = 1; o < ops; o++) unchecked(acc[o] = 1);
  let r = 0;
  for (let i = rank - 1; i >= 0; i--) {
    const d = <i64>load<i32>(dims + (<usize>i << 2));
    if (d < 0) return -1;
    if (d == 0) return -2;
    for (let o = 1; o < ops; o++) {
      const e = <i64>load<i32>(dims + ((<usize>(o * rank + i)) << 2));
      if (e != d && e != 1) return -1;
      unchecked(st[o * MAX_RANK + r] = e == 1 ? 0 : unchecked(acc[o]));
      unchecked(acc[o] = unchecked(acc[o]) * e);
    }
    if (d == 1) continue;          // a size-1 output dim contributes nothing
    unchecked(od[r] = d);
    r++;
  }
  // od / st are innermost first; merge dim j+1 (outer) into j (inner) when every operand steps
  // through the pair as one run: stride[j+1] == stride[j] * d[j]
  let w = 0;
  for (let j = 0; j < r; j++) {
    if (w > 0) {
      let ok = true;
      for (let o = 1; o < ops; o++) {
        if (unchecked(st[o * MAX_RANK + j]) != unchecked(STRIDES[o * MAX_RANK + w - 1]) * unchecked(DIMS[w - 1])) { ok = false; break; }
      }
      if (ok) { unchecked(DIMS[w - 1] = unchecked(DIMS[w - 1]) * unchecked(od[j])); continue; }
    }
    unchecked(DIMS[w] = unchecked(od[j]));
    for (let o = 1; o < ops; o++) unchecked(STRIDES[o * MAX_RANK + w] = unchecked(st[o * MAX_RANK + j]));
    w++;
  }
  return w;
}

// ----- the fast paths' walk: innermost coalesced dim as a run, the outer dims as an odometer

const IDX = new StaticArray<i64>(MAX_RANK);
const OFF = new StaticArray<i64>(4);

/** Starts the outer walk over coalesced dims 1..r-1: the multi-index and the operands' element
 *  offsets (outerOff(1..3)) at 0. Returns how many innermost runs there are. */
// @ts-ignore: decorator
@inline export function outerStart(r: i32): i64 {
  let n: i64 = 1;
  for (let k = 1; k < r; k++) { n *= cdim(k); unchecked(IDX[k] = 0); }
  for (let op = 0; op < 4; op++) unchecked(OFF[op] = 0);
  return n;
}

/** Operand op's element offset at the current outer multi-index. */
// @ts-ignore: decorator
@inline export function outerOff(op: i32): i64 { return unchecked(OFF[op]); }

/** The next outer multi-index (dim 1 fastest): operands 1..ops follow their strides. */
// @ts-ignore: decorator
@inline export function outerNext(r: i32, ops: i32): void {
  for (let k = 1; k < r; k++) {
    const v = unchecked(IDX[k]) + 1;
    for (let op = 1; op <= ops; op++) unchecked(OFF[op] += cstride(op, k));
    if (v < cdim(k)) { unchecked(IDX[k] = v); return; }
    unchecked(IDX[k] = 0);
    for (let op = 1; op <= ops; op++) unchecked(OFF[op] -= cstride(op, k) * cdim(k));
  }
}

// ----- the references' reading of broadcasting: one output element at a time

let refBOff: i64 = 0;

/** Elements of the output of `dims` (its first `rank` i32s). */
export function dimsTotal(rank: i32, dims: usize): i64 {
  let total: i64 = 1;
  for (let i = 0; i < rank; i++) total *= <i64>load<i32>(dims + (<usize>i << 2));
  return total;
}

/** For output element e (dims: 3 * rank i32s, the output's then a's and b's, right-aligned), the
 *  element offset into a from its multi-index; b's through refB(). No coalescing: what the scalar
 *  references use, so the fast paths are checked against an independent walk. */
export function refOffsets(e: i64, rank: i32, dims: usize): i64 {
  let rem = e, ao: i64 = 0, bo: i64 = 0, sa: i64 = 1, sb: i64 = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = <i64>load<i32>(dims + (<usize>i << 2));
    const da = <i64>load<i32>(dims + (<usize>(rank + i) << 2)), db = <i64>load<i32>(dims + (<usize>(2 * rank + i) << 2));
    const k = rem % d; rem /= d;
    if (da != 1) ao += k * sa;
    if (db != 1) bo += k * sb;
    sa *= da; sb *= db;
  }
  refBOff = bo;
  return ao;
}

// @ts-ignore: decorator
@inline export function refB(): i64 { return refBOff; }

// where_nd_any__simd128(es, y, cond, a, b, rank, dims) -> 0 ok | 1 bad element size | 2 bad dims
// see: ONNX Where, opset 16: y = cond ? a : b with numpy broadcasting; cond is bool (one byte,
// nonzero = true), a / b / y elements of es = 1, 2, 4 or 8 bytes (bits copied). dims: 4 * rank
// i32s, y's dims then cond's, a's and b's right-aligned to rank (each y's or 1). The innermost
// run takes v128.bitselect when every operand is contiguous and es is 1 or 4; the rest is scalar.
// where_nd_any__scalar computes each element from its multi-index (the reference).

import { coalesce, cdim, cstride, outerStart, outerOff, outerNext } from "./iter";
import { okEs, at, copyEl } from "./move";


// @ts-ignore: decorator
@inline function pick(es: i32, y: usize, c: usize, a: usize, b: usize, i: i64, sc: i64, sa: i64, sb: i64): void {
  copyEl(es, at(y, i, es), load<u8>(c + <usize>(i * sc)) != 0 ? at(a, i * sa, es) : at(b, i * sb, es));
}

function runW(es: i32, y: usize, c: usize, a: usize, b: usize, n: i64, sc: i64, sa: i64, sb: i64): void {
  let i: i64 = 0;
  if (sc == 1 && sa == 1 && sb == 1) {
    const z = i8x16.splat(0);
    if (es == 1) {
      for (; i + 16 <= n; i += 16) {
        const m = i8x16.ne(v128.load(c + <usize>i), z);
        v128.store(y + <usize>i, v128.bitselect(v128.load(a + <usize>i), v128.load(b + <usize>i), m));
      }
    } else if (es == 4) {
      for (; i + 4 <= n; i += 4) {
        // 4 cond bytes -> 4 lanes of all-ones / zero
        const m = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(c + <usize>i))), z);
        const o = <usize>i << 2;
        v128.store(y + o, v128.bitselect(v128.load(a + o), v128.load(b + o), m));
      }
    }
  }
  for (; i < n; i++) pick(es, y, c, a, b, i, sc, sa, sb);
}

export function where_nd_any__simd128(es: i32, y: usize, cond: usize, a: usize, b: usize, rank: i32, dims: usize): i32 {
  if (!okEs(es)) return 1;
  const r = coalesce(rank, dims, 4);
  if (r == -2) return 0;
  if (r < 0) return 2;
  if (r == 0) { pick(es, y, cond, a, b, 0, 0, 0, 0); return 0; }
  const n0 = cdim(0);
  const outer = outerStart(r);
  let yo: i64 = 0;
  for (let o: i64 = 0; o < outer; o++) {
    runW(es, at(y, yo, es), cond + <usize>outerOff(1), at(a, outerOff(2), es), at(b, outerOff(3), es), n0, cstride(1, 0), cstride(2, 0), cstride(3, 0));
    yo += n0;
    outerNext(r, 3);
  }
  return 0;
}

export function where_nd_any__scalar(es: i32, y: usize, cond: usize, a: usize, b: usize, rank: i32, dims: usize): i32 {
  if (!okEs(es)) return 1;
  const r = coalesce(rank, dims, 4);   // the same validation, the result unused
  if (r == -2) return 0;
  if (r < 0) return 2;
  let total: i64 = 1;
  for (let i = 0; i < rank; i++) total *= <i64>load<i32>(dims + (<usize>i << 2));
  for (let e: i64 = 0; e < total; e++) {
    let rem = e, co: i64 = 0, ao: i64 = 0, bo: i64 = 0, sc: i64 = 1, sa: i64 = 1, sb: i64 = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const d = <i64>load<i32>(dims + (<usize>i << 2)), k = rem % d;
      const dc = <i64>load<i32>(dims + (<usize>(rank + i) << 2)), da = <i64>load<i32>(dims + (<usize>(2 * rank + i) << 2));
      const db = <i64>load<i32>(dims + (<usize>(3 * rank + i) << 2));
      rem /= d;
      if (dc != 1) co += k * sc;
      if (da != 1) ao += k * sa;
      if (db != 1) bo += k * sb;
      sc *= dc; sa *= da; sb *= db;
    }
    copyEl(es, at(y, e, es), load<u8>(cond + <usize>co) != 0 ? at(a, ao, es) : at(b, bo, es));
  }
  return 0;
}

// Integer matrix product with zero points (see: ONNX MatMulInteger, opset 10):
//   matmul_x8_x8_i32__scalar(y, a, adt, b, bdt, azp, nazp, bzp, nbzp, M, K, N, rank, dims)
//     -> 0 ok | 1 bad sizes / types / zero-point counts | 2 bad dims
// a, b: u8 (dtype 2) or i8 (dtype 3), batches broadcast as in nd/matmul.ts; y: i32 [batch, M, N],
// y[m, n] = sum_k (a[m, k] - azp[m]) * (b[k, n] - bzp[n]), wrapping i32 arithmetic (exact for K
// below 33,000). azp: nazp = 0 (none), 1 (per tensor) or M (per row) values of a's type; bzp:
// 0, 1 or N (per column) of b's type. Integer sums are exact, so the order is free; this kernel
// is its own reference.

import { coalesce } from "./iter";
import { DT_U8, DT_I8 } from "./dtype";

// @ts-ignore: decorator
@inline function ld8(p: usize, signed: bool): i32 { return signed ? <i32>load<i8>(p) : <i32>load<u8>(p); }

export function matmul_x8_x8_i32__scalar(y: usize, a: usize, adt: i32, b: usize, bdt: i32, azp: usize, nazp: i32, bzp: usize, nbzp: i32,
  M: i32, K: i32, N: i32, rank: i32, dims: usize): i32 {
  if ((adt != DT_U8 && adt != DT_I8) || (bdt != DT_U8 && bdt != DT_I8)) return 1;
  if (M < 0 || K < 0 || N < 0) return 1;
  if (!(nazp == 0 || nazp == 1 || nazp == M) || !(nbzp == 0 || nbzp == 1 || nbzp == N)) return 1;
  if ((nazp > 0 && azp == 0) || (nbzp > 0 && bzp == 0)) return 1;
  const r = coalesce(rank, dims, 3);
  if (r == -2) return 0;
  if (r < 0) return 2;
  const sA = adt == DT_I8, sB = bdt == DT_I8;
  let total: i64 = 1;
  for (let i = 0; i < rank; i++) total *= <i64>load<i32>(dims + (<usize>i << 2));
  for (let e: i64 = 0; e < total; e++) {
    let rem = e, ao: i64 = 0, bo: i64 = 0, sa: i64 = 1, sb: i64 = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const d = <i64>load<i32>(dims + (<usize>i << 2));
      const da = <i64>load<i32>(dims + (<usize>(rank + i) << 2)), db = <i64>load<i32>(dims + (<usize>(2 * rank + i) << 2));
      const k = rem % d; rem /= d;
      if (da != 1) ao += k * sa;
      if (db != 1) bo += k * sb;
      sa *= da; sb *= db;
    }
    const pa = a + <usize>(ao * M * K), pb = b + <usize>(bo * K * N), py = y + (<usize>(e * M * N) << 2);
    for (let m = 0; m < M; m++) {
      const za = nazp == 0 ? 0 : ld8(azp + <usize>(nazp == 1 ? 0 : m), sA);
      for (let n = 0; n < N; n++) {
        const zb = nbzp == 0 ? 0 : ld8(bzp + <usize>(nbzp == 1 ? 0 : n), sB);
        let acc: i32 = 0;
        for (let k = 0; k < K; k++) {
          acc += (ld8(pa + <usize>(m * K + k), sA) - za) * (ld8(pb + <usize>(k * N + n), sB) - zb);
        }
        store<i32>(py + (<usize>(m * N + n) << 2), acc);
      }
    }
  }
  return 0;
}

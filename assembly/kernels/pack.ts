// Weight packing for the dense kernels: W [N, K] row-major (PyTorch Linear / ONNX Gemm transB)
// becomes panels of NR = 8 output columns, [ceil(N/8)][K][8], zero-padded past N, so the
// microkernel reads 8 weights of one k with two vector loads.
// see: Goto & van de Geijn, "Anatomy of high-performance matrix multiplication" (packing).

export const NR = 8;

export function packed_f32_bytes(N: i32, K: i32): i32 {
  return ((N + NR - 1) / NR) * K * NR * 4;
}

export function pack_w_f32(w: usize, N: i32, K: i32, dst: usize): void {
  const panels = (N + NR - 1) / NR;
  const zero = f32x4.splat(0);
  for (let p = 0; p < panels; p++) {
    const base = dst + <usize>(p * K * NR) * 4;
    const n0 = p * NR;
    let k = 0;
    // Four k at a time: eight row vectors, transposed in two 4x4 blocks (cold-start speed: this
    // runs once per weight at load, before V8 has optimised anything).
    for (; k + 4 <= K; k += 4) {
      const r0 = n0 < N ? v128.load(w + (<usize>(n0 * K + k) << 2)) : zero;
      const r1 = n0 + 1 < N ? v128.load(w + (<usize>((n0 + 1) * K + k) << 2)) : zero;
      const r2 = n0 + 2 < N ? v128.load(w + (<usize>((n0 + 2) * K + k) << 2)) : zero;
      const r3 = n0 + 3 < N ? v128.load(w + (<usize>((n0 + 3) * K + k) << 2)) : zero;
      const r4 = n0 + 4 < N ? v128.load(w + (<usize>((n0 + 4) * K + k) << 2)) : zero;
      const r5 = n0 + 5 < N ? v128.load(w + (<usize>((n0 + 5) * K + k) << 2)) : zero;
      const r6 = n0 + 6 < N ? v128.load(w + (<usize>((n0 + 6) * K + k) << 2)) : zero;
      const r7 = n0 + 7 < N ? v128.load(w + (<usize>((n0 + 7) * K + k) << 2)) : zero;
      const o = base + (<usize>(k * NR) << 2);
      transpose4(r0, r1, r2, r3, o, 0);
      transpose4(r4, r5, r6, r7, o, 16);
    }
    for (; k < K; k++) {
      for (let j = 0; j < NR; j++) {
        const n = n0 + j;
        store<f32>(base + (<usize>(k * NR + j) << 2), n < N ? load<f32>(w + (<usize>(n * K + k) << 2)) : 0);
      }
    }
  }
}

// Rows a..d (four k each) -> for each k t, lanes [a_t, b_t, c_t, d_t] at o + t * 32 + off.
// @ts-ignore: decorator
@inline function transpose4(a: v128, b: v128, c: v128, d: v128, o: usize, off: usize): void {
  const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<i32>(c, d, 0, 4, 1, 5), cd1 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(o + off, v128.shuffle<i64>(ab0, cd0, 0, 2));
  v128.store(o + off + 32, v128.shuffle<i64>(ab0, cd0, 1, 3));
  v128.store(o + off + 64, v128.shuffle<i64>(ab1, cd1, 0, 2));
  v128.store(o + off + 96, v128.shuffle<i64>(ab1, cd1, 1, 3));
}

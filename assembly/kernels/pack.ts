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
  for (let p = 0; p < panels; p++) {
    const base = dst + <usize>(p * K * NR) * 4;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < NR; j++) {
        const n = p * NR + j;
        const v: f32 = n < N ? load<f32>(w + (<usize>(n * K + k) << 2)) : 0;
        store<f32>(base + (<usize>(k * NR + j) << 2), v);
      }
    }
  }
}

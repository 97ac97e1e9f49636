// Weight packing for the dense kernels: W [N, K] row-major (PyTorch Linear / ONNX Gemm transB)
// becomes panels of NR = 8 output columns, [ceil(N/8)][K][8], zero-padded past N, so the
// microkernel reads 8 weights of one k with two vector loads.
// see: Goto & van de Geijn, "Anatomy of high-performance matrix multiplication" (packing).
//
// Packing may happen in place (dst == w): the block is as large as the packed weights and holds
// the row-major weights at its start. Panels are then packed from the last to the first, each
// copied aside first. A packed panel is at least as large as a row-major one, so packed panel p
// starts at or after row-major panel p and covers only rows of later, already packed, panels.
// (Cold start: one block per weight instead of a copy plus a packed block.)

export const NR = 8;

// A byte count for the host, computed in 64 bits and saturated at i32.MAX_VALUE: above any block
// the host allocates (heap.MAX_BLOCK), so an oversized layer is refused there, never wrapped.
export function bytes64(n: i64): i32 {
  return n > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>n;
}

// Panels of NR output columns, rows of K values of `size` bytes each.
export function panelBytes(N: i32, K: i32, size: i32): i32 {
  return bytes64((<i64>N + NR - 1) / NR * NR * <i64>K * size);
}

export function packed_f32_bytes(N: i32, K: i32): i32 {
  return panelBytes(N, K, 4);
}

// Calls panel(src, rows, K, dst) for every panel, last first, through a copy when dst == w.
// rowBytes: bytes of one row-major row; panelBytes: bytes of one packed panel.
export function forPanels(w: usize, N: i32, K: i32, dst: usize, rowBytes: usize, panelBytes: usize, panel: (src: usize, rows: i32, K: i32, dst: usize) => void): void {
  const panels = (N + NR - 1) / NR;
  const inPlace = dst == w;
  const scratch = inPlace && panels > 0 ? heap.alloc(<usize>NR * rowBytes) : 0;
  for (let p = panels - 1; p >= 0; p--) {
    const rows = min(NR, N - p * NR);
    let src = w + <usize>(p * NR) * rowBytes;
    if (inPlace) { memory.copy(scratch, src, <usize>rows * rowBytes); src = scratch; }
    panel(src, rows, K, dst + <usize>p * panelBytes);
  }
  if (scratch != 0) heap.free(scratch);
}

export function pack_w_f32(w: usize, N: i32, K: i32, dst: usize): void {
  forPanels(w, N, K, dst, <usize>K << 2, <usize>K * NR * 4, panelF32);
}

// One panel: rows (<= 8) row-major rows of K floats at src -> [K][8] at o, zeros past `rows`.
function panelF32(src: usize, rows: i32, K: i32, o: usize): void {
  const rs = <usize>K << 2;
  let k = 0;
  if (rows == NR) {
    // Two rows at a time, four k a step: (a0 b0) (a1 b1) (a2 b2) (a3 b3) as 8-byte lanes, one
    // shuffle per two k (Liftoff, which runs this at load, keeps few vectors live).
    k = K & ~3;
    for (let j = 0; j < NR; j += 2) {
      let s = src + <usize>j * rs, d = o + (<usize>j << 2);
      const e = s + (<usize>k << 2);
      for (; s < e; s += 16, d += 128) {
        const a = v128.load(s), b = v128.load(s + rs);
        const lo = v128.shuffle<i32>(a, b, 0, 4, 1, 5), hi = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
        v128.store_lane<i64>(d, lo, 0); v128.store_lane<i64>(d + 32, lo, 1);
        v128.store_lane<i64>(d + 64, hi, 0); v128.store_lane<i64>(d + 96, hi, 1);
      }
    }
  }
  for (; k < K; k++) {
    for (let j = 0; j < NR; j++) {
      store<f32>(o + (<usize>(k * NR + j) << 2), j < rows ? load<f32>(src + <usize>j * rs + (<usize>k << 2)) : 0);
    }
  }
}

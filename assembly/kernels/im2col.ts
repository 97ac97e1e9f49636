// im2col for NHWC convolutions with groups == 1: output pixel p (flattened over N*OH*OW) becomes
// the row [kh][kw][c] of its receptive field, zeros where the window leaves the input. The row
// order is the order conv2d sums in (kh, kw, ic ascending), and OHWI weights are [OC, KH*KW*C]
// rows, so gemm_f32_f32_f32__simd128_5x8 over these rows gives conv2d's results bit for bit (the zeros take part in
// the sum exactly as conv2d's padding does).
//
// Taps are copied as whole vectors (ceil(C/4) per tap) instead of memory.copy calls, which cost
// more than the copy for the few channels of a first layer. A vector's lanes past C land on the
// next tap's place and are overwritten by it; the last row's spill (<= 12 bytes) and the reads past
// a pixel's channels stay inside the padding contract (16 spare bytes after dst and x).
export function im2col_x32__simd128(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, dH: i32, dW: i32, OH: i32, OW: i32, p0: i32, p1: i32, dst: usize): void {
  const cb = <usize>C << 2;
  const vecs = (C + 3) >> 2;
  const z = f32x4.splat(0);
  let n = p0 / (OH * OW), r = p0 % (OH * OW), oh = r / OW, ow = r % OW;
  let o = dst;
  const tapB = <usize>(dW * C) << 2, rowB = <usize>(dH * W * C) << 2;
  for (let p = p0; p < p1; p++) {
    const xn = x + <usize>(n * H * W) * cb;
    const ih0 = oh * sH - padT, iw0 = ow * sW - padL;
    if (vecs == 1 && ih0 >= 0 && iw0 >= 0 && ih0 + (KH - 1) * dH < H && iw0 + (KW - 1) * dW < W) {
      // Whole window inside, at most 4 channels: one vector per tap, no checks.
      let r = xn + <usize>(ih0 * W + iw0) * cb;
      for (let kh = 0; kh < KH; kh++) {
        let t = r;
        for (let kw = 0; kw < KW; kw++) { v128.store(o, v128.load(t)); o += cb; t += tapB; }
        r += rowB;
      }
    } else {
      for (let kh = 0; kh < KH; kh++) {
        const ih = ih0 + kh * dH;
        for (let kw = 0; kw < KW; kw++) {
          const iw = iw0 + kw * dW;
          if (<u32>ih >= <u32>H || <u32>iw >= <u32>W) {
            for (let v = 0; v < vecs; v++) v128.store(o + (<usize>v << 4), z);
          } else {
            const s = xn + <usize>(ih * W + iw) * cb;
            for (let v = 0; v < vecs; v++) v128.store(o + (<usize>v << 4), v128.load(s + (<usize>v << 4)));
          }
          o += cb;
        }
      }
    }
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
  }
}

// Scalar reference of im2col_x32__simd128: the same rows, one word at a time.
export function im2col_x32__scalar(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, dH: i32, dW: i32, OH: i32, OW: i32, p0: i32, p1: i32, dst: usize): void {
  let o = dst;
  for (let p = p0; p < p1; p++) {
    const n = p / (OH * OW), r = p % (OH * OW), oh = r / OW, ow = r % OW;
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * sH - padT + kh * dH, iw = ow * sW - padL + kw * dW;
      const inside = <u32>ih < <u32>H && <u32>iw < <u32>W;
      for (let c = 0; c < C; c++) {
        store<u32>(o, inside ? load<u32>(x + (<usize>(((n * H + ih) * W + iw) * C + c) << 2)) : 0);
        o += 4;
      }
    }
  }
}

// im2col for NHWC convolutions with groups == 1: output pixel p (flattened over N*OH*OW) becomes
// the row [kh][kw][c] of its receptive field, zeros where the window leaves the input. The row
// order is the order conv2d sums in (kh, kw, ic ascending), and OHWI weights are [OC, KH*KW*C]
// rows, so dense_f32 over these rows gives conv2d's results bit for bit (the zeros take part in
// the sum exactly as conv2d's padding does).

export function im2col_f32(x: usize, N: i32, H: i32, W: i32, C: i32, KH: i32, KW: i32, sH: i32, sW: i32,
  padT: i32, padL: i32, dH: i32, dW: i32, OH: i32, OW: i32, p0: i32, p1: i32, dst: usize): void {
  const rowLen = KH * KW * C;
  const cb = <usize>C << 2;
  for (let p = p0; p < p1; p++) {
    const n = p / (OH * OW), r = p % (OH * OW), oh = r / OW, ow = r % OW;
    let o = dst + (<usize>((p - p0) * rowLen) << 2);
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh * sH - padT + kh * dH;
      for (let kw = 0; kw < KW; kw++) {
        const iw = ow * sW - padL + kw * dW;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) memory.fill(o, 0, cb);
        else memory.copy(o, x + (<usize>(((n * H + ih) * W + iw) * C) << 2), cb);
        o += cb;
      }
    }
  }
}

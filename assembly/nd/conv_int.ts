// Integer N-d convolution with zero points (see: ONNX ConvInteger, opset 10), NC[D]HW, 1 to 3
// spatial dims, the parameter block of nd/conv.ts (readParams / sp: the same geometry):
//   conv_x8_x8_i32__scalar(y, x, xdt, w, wdt, xzp, wzp, nwzp, p) -> 0 ok | 1 bad parameters / types
// x, w: u8 (dtype 2) or i8 (3); xzp: 0 (none) or one value of x's type; wzp: nwzp = 0, 1 or OC
// values of w's type (per output channel). y i32 [N, OC, out...]:
// y = sum over ic, kernel positions of (x - xzp) * (w - wzp[oc]), padding contributing 0 (as x ==
// xzp there). i32 sums wrap, so the order does not change the bits; scalar, its own reference.

import { readParams, sp, P_N, P_C, P_OC, P_G } from "./conv";
import { DT_U8, DT_I8 } from "./dtype";

// @ts-ignore: decorator
@inline function ld8(p: usize, i: i64, signed: bool): i32 { return signed ? <i32>load<i8>(p + <usize>i) : <i32>load<u8>(p + <usize>i); }

export function conv_x8_x8_i32__scalar(y: usize, x: usize, xdt: i32, w: usize, wdt: i32, xzp: usize, wzp: usize, nwzp: i32, p: usize): i32 {
  if ((xdt != DT_U8 && xdt != DT_I8) || (wdt != DT_U8 && wdt != DT_I8) || !readParams(p)) return 1;
  const N = load<i32>(p + 4 * P_N), C = load<i32>(p + 4 * P_C), OC = load<i32>(p + 4 * P_OC), G = load<i32>(p + 4 * P_G);
  if (!(nwzp == 0 || nwzp == 1 || nwzp == OC)) return 1;
  const sx = xdt == DT_I8, sw = wdt == DT_I8;
  const zx = xzp != 0 ? ld8(xzp, 0, sx) : 0;
  const Cg = C / G, OCg = OC / G;
  const ID = sp(0, 0), IH = sp(1, 0), IW = sp(2, 0), OD = sp(0, 1), OH = sp(1, 1), OW = sp(2, 1);
  const KD = sp(0, 2), KH = sp(1, 2), KW = sp(2, 2);
  const inSz = <i64>ID * IH * IW, kSz = <i64>KD * KH * KW, outSz = <i64>OD * OH * OW;
  for (let n: i64 = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const zw = nwzp == 0 ? 0 : ld8(wzp, nwzp == 1 ? 0 : oc, sw);
      const x0 = (n * C + <i64>(oc / OCg) * Cg) * inSz, w0 = <i64>oc * Cg * kSz, y0 = (n * OC + oc) * outSz;
      for (let o: i64 = 0; o < outSz; o++) {
        const od = <i32>(o / (<i64>OH * OW)), oh = <i32>((o / OW) % OH), ow = <i32>(o % OW);
        let acc: i32 = 0;
        for (let t: i64 = 0; t < <i64>Cg * kSz; t++) {
          const ic = t / kSz, kk = t % kSz;
          const id = od * sp(0, 3) - sp(0, 5) + <i32>(kk / (<i64>KH * KW)) * sp(0, 4);
          const ih = oh * sp(1, 3) - sp(1, 5) + <i32>((kk / KW) % KH) * sp(1, 4);
          const iw = ow * sp(2, 3) - sp(2, 5) + <i32>(kk % KW) * sp(2, 4);
          if (id < 0 || id >= ID || ih < 0 || ih >= IH || iw < 0 || iw >= IW) continue;
          acc += (ld8(x, x0 + ic * inSz + (<i64>id * IH + ih) * IW + iw, sx) - zx) * (ld8(w, w0 + t, sw) - zw);
        }
        store<i32>(y + (<usize>(y0 + o) << 2), acc);
      }
    }
  }
  return 0;
}

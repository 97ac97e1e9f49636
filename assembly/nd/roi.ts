// Region pooling on NCHW f32 values, scalar, each its own reference. Statuses: 0 ok, 2 bad
// dims, 3 a batch index outside [0, N), 4 (RoiAlign) a roi needing more than 2^32 samples (the
// output is then incomplete; the host fails).
//
// roi_align_f32__scalar(y, x, rois, bidx, p, scale) (see: ONNX RoiAlign, opset 16): p i32s [N, C,
// H, W, R, OH, OW, sampling_ratio, mode (0 avg, 1 max), half_pixel (1: coordinates shifted by
// -0.5, else output_half_pixel: no shift, the roi at least 1 x 1)]. rois [R, 4] (x1, y1, x2, y2),
// bidx [R] i64, y [R, C, OH, OW]. Each bin takes gh x gw bilinear samples (sampling_ratio, or
// ceil(roi size / bins) when 0) at bin start + (i + 0.5) * bin / g; a sample outside [-1, size]
// is 0; below 0 it clamps to 0, past size - 1 to size - 1. avg: s = s + (((w1 v1 + w2 v2) +
// w3 v3) + w4 v4) over samples row-major, then s / max(gh * gw, 1); max: the max over samples of
// max(max(max(w1 v1, w2 v2), w3 v3), w4 v4) (onnxruntime's reading).
//
// max_roi_pool_f32__scalar(y, x, rois, p, scale) (see: ONNX MaxRoiPool, opset 1): p i32s [N, C, H,
// W, R, OH, OW]. rois [R, 5] (batch, x1, y1, x2, y2), corners rounded half away from zero after
// scaling; the roi is (end - start + 1) wide (at least 1), bin b covers [floor(b * size / bins),
// ceil((b + 1) * size / bins)) clipped to x; y = the max over it, 0 for an empty bin.

// @ts-ignore: decorator
@inline function f(p: usize, i: i64): f32 { return load<f32>(p + (<usize>i << 2)); }

// f32 -> i32 without a trap: NaN 0, clamped to +-2^28 (sums of a few stay in i32)
// @ts-ignore: decorator
@inline function toI(v: f32): i32 { return v != v ? 0 : <i32>min<f32>(max<f32>(v, -268435456), 268435456); }

// @ts-ignore: decorator
@inline function roundAway(v: f32): f32 { return v < 0 ? -Mathf.floor(-v + 0.5) : Mathf.floor(v + 0.5); }

export function roi_align_f32__scalar(y: usize, x: usize, rois: usize, bidx: usize, p: usize, scale: f32): i32 {
  const N = load<i32>(p), C = load<i32>(p + 4), H = load<i32>(p + 8), W = load<i32>(p + 12), R = load<i32>(p + 16);
  const OH = load<i32>(p + 20), OW = load<i32>(p + 24), sr = load<i32>(p + 28), mode = load<i32>(p + 32), half = load<i32>(p + 36);
  if (N < 0 || C < 0 || H < 1 || W < 1 || R < 0 || OH < 1 || OW < 1 || sr < 0 || mode < 0 || mode > 1) return 2;
  const off: f32 = half != 0 ? 0.5 : 0;
  const Hf = <f32>H, Wf = <f32>W;
  for (let r = 0; r < R; r++) {
    const b = load<i64>(bidx + (<usize>r << 3));
    if (b < 0 || b >= <i64>N) return 3;
    const x0 = f(rois, r * 4) * scale - off, y0 = f(rois, r * 4 + 1) * scale - off;
    let rw = f(rois, r * 4 + 2) * scale - off - x0, rh = f(rois, r * 4 + 3) * scale - off - y0;
    if (half == 0) { rw = max<f32>(rw, 1); rh = max<f32>(rh, 1); }
    const bh = rh / <f32>OH, bw = rw / <f32>OW;
    const gh = sr > 0 ? sr : toI(Mathf.ceil(rh / <f32>OH)), gw = sr > 0 ? sr : toI(Mathf.ceil(rw / <f32>OW));
    if (gh > 0 && gw > 0 && <i64>gh * gw * OH * OW * C > <i64>1 << 32) return 4;   // a roi too large to sample: refused, not looped over
    const cnt = <f32>max(gh * gw, 1);
    for (let c = 0; c < C; c++) {
      const xc = x + <usize>((<i64>b * C + c) * H * W << 2);
      for (let ph = 0; ph < OH; ph++) for (let pw = 0; pw < OW; pw++) {
        let acc: f32 = 0, seen = false;
        for (let iy = 0; iy < gh; iy++) {
          const yy0 = y0 + <f32>ph * bh + (<f32>iy + 0.5) * bh / <f32>gh;
          for (let ix = 0; ix < gw; ix++) {
            let xx = x0 + <f32>pw * bw + (<f32>ix + 0.5) * bw / <f32>gw, yy = yy0;
            let val: f32 = 0;
            if (!(yy < -1.0 || yy > Hf || xx < -1.0 || xx > Wf)) {
              if (yy <= 0) yy = 0;
              if (xx <= 0) xx = 0;
              let yl = <i32>yy, xl = <i32>xx, yh: i32, xh: i32;
              if (yl >= H - 1) { yh = yl = H - 1; yy = <f32>yl; } else yh = yl + 1;
              if (xl >= W - 1) { xh = xl = W - 1; xx = <f32>xl; } else xh = xl + 1;
              const ly = yy - <f32>yl, lx = xx - <f32>xl, hy: f32 = 1 - ly, hx: f32 = 1 - lx;
              const t1 = hy * hx * f(xc, yl * W + xl), t2 = hy * lx * f(xc, yl * W + xh);
              const t3 = ly * hx * f(xc, yh * W + xl), t4 = ly * lx * f(xc, yh * W + xh);
              val = mode == 0 ? ((t1 + t2) + t3) + t4 : max<f32>(max<f32>(max<f32>(t1, t2), t3), t4);
            }
            if (mode == 0) acc = acc + val;
            else { acc = seen ? max<f32>(acc, val) : val; seen = true; }
          }
        }
        store<f32>(y + <usize>((((<i64>r * C + c) * OH + ph) * OW + pw) << 2), mode == 0 ? acc / cnt : acc);
      }
    }
  }
  return 0;
}

export function max_roi_pool_f32__scalar(y: usize, x: usize, rois: usize, p: usize, scale: f32): i32 {
  const N = load<i32>(p), C = load<i32>(p + 4), H = load<i32>(p + 8), W = load<i32>(p + 12), R = load<i32>(p + 16);
  const OH = load<i32>(p + 20), OW = load<i32>(p + 24);
  if (N < 0 || C < 0 || H < 0 || W < 0 || R < 0 || OH < 1 || OW < 1) return 2;
  for (let r = 0; r < R; r++) {
    const bf = f(rois, r * 5);
    if (!(bf >= 0 && bf < <f32>N)) return 3;
    const b = <i32>bf;
    const sw = toI(roundAway(f(rois, r * 5 + 1) * scale)), sh = toI(roundAway(f(rois, r * 5 + 2) * scale));
    const ew = toI(roundAway(f(rois, r * 5 + 3) * scale)), eh = toI(roundAway(f(rois, r * 5 + 4) * scale));
    const bh = <f32>max(eh - sh + 1, 1) / <f32>OH, bw = <f32>max(ew - sw + 1, 1) / <f32>OW;
    for (let c = 0; c < C; c++) {
      const xc = x + <usize>((<i64>b * C + c) * H * W << 2);
      for (let ph = 0; ph < OH; ph++) {
        const h0 = min(max(toI(Mathf.floor(<f32>ph * bh)) + sh, 0), H), h1 = min(max(toI(Mathf.ceil(<f32>(ph + 1) * bh)) + sh, 0), H);
        for (let pw = 0; pw < OW; pw++) {
          const w0 = min(max(toI(Mathf.floor(<f32>pw * bw)) + sw, 0), W), w1 = min(max(toI(Mathf.ceil(<f32>(pw + 1) * bw)) + sw, 0), W);
          let m: f32 = h1 <= h0 || w1 <= w0 ? 0 : -3.4028234663852886e38;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) { const v = f(xc, h * W + w); if (v > m) m = v; }
          store<f32>(y + <usize>((((<i64>r * C + c) * OH + ph) * OW + pw) << 2), m);
        }
      }
    }
  }
  return 0;
}

// nms_f32__scalar(y, boxes, scores, maxOut, iou, scoreMin, p, scratch) -> the number of selected
// boxes (>= 0), or -2 on bad dims (see: ONNX NonMaxSuppression, opset 11). p i32s [B, classes, n,
// center_point_box, cap]; maxOut (i64, per class), iou, scoreMin (f32): pointers to one element,
// 0 when the input is absent (maxOut 0, iou 0, no score minimum). boxes [B, n, 4] (corners
// [y1, x1, y2, x2] in either order, or centers [xc, yc, w, h]), scores [B, classes, n]. Per batch,
// per class: the boxes whose score is > scoreMin (every non-NaN score without hasScoreMin), by
// score descending, ties by lower index (a stable merge sort); each is taken unless its IoU with
// a box taken before in that class is > iou (an empty intersection or area never suppresses),
// until maxOut are taken. y: i64 triples [batch, class, box] in that order, at most cap of them
// written (the count returned is the full one). scratch: 12 * n bytes. Scalar: its own reference.

// @ts-ignore: decorator
@inline function fl(p: usize, i: i64): f32 { return load<f32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function ix(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

// [x0, x1, y0, y1] of box b (min / max per axis) into module scratch
const BX = new StaticArray<f32>(8);

function corners(bx: usize, b: i64, center: bool, k: i32): void {
  const a = fl(bx, b * 4), c = fl(bx, b * 4 + 1), d = fl(bx, b * 4 + 2), e = fl(bx, b * 4 + 3);
  if (center) {
    const hw = d / 2, hh = e / 2;
    unchecked(BX[k] = a - hw); unchecked(BX[k + 1] = a + hw); unchecked(BX[k + 2] = c - hh); unchecked(BX[k + 3] = c + hh);
  } else {
    unchecked(BX[k] = min<f32>(c, e)); unchecked(BX[k + 1] = max<f32>(c, e)); unchecked(BX[k + 2] = min<f32>(a, d)); unchecked(BX[k + 3] = max<f32>(a, d));
  }
}

function suppresses(bx: usize, i: i64, j: i64, center: bool, iou: f32): bool {
  corners(bx, i, center, 0); corners(bx, j, center, 4);
  const iw = max<f32>(min<f32>(unchecked(BX[1]), unchecked(BX[5])) - max<f32>(unchecked(BX[0]), unchecked(BX[4])), 0);
  const ih = max<f32>(min<f32>(unchecked(BX[3]), unchecked(BX[7])) - max<f32>(unchecked(BX[2]), unchecked(BX[6])), 0);
  const inter = iw * ih;
  if (!(inter > 0)) return false;
  const a1 = (unchecked(BX[1]) - unchecked(BX[0])) * (unchecked(BX[3]) - unchecked(BX[2]));
  const a2 = (unchecked(BX[5]) - unchecked(BX[4])) * (unchecked(BX[7]) - unchecked(BX[6]));
  const uni = a1 + a2 - inter;
  if (!(a1 > 0) || !(a2 > 0) || !(uni > 0)) return false;
  return inter / uni > iou;
}

export function nms_f32__scalar(y: usize, boxes: usize, scores: usize, maxOutP: usize, iouP: usize, minP: usize, p: usize, scratch: usize): i32 {
  const B = load<i32>(p), K = load<i32>(p + 4), n = load<i32>(p + 8), center = load<i32>(p + 12) != 0, cap = load<i32>(p + 16);
  if (B < 0 || K < 0 || n < 0 || cap < 0) return -2;
  const mo: i64 = maxOutP != 0 ? load<i64>(maxOutP) : 0;
  const maxOut = mo <= 0 ? 0 : (mo > <i64>n ? n : <i32>mo);
  const iou: f32 = iouP != 0 ? load<f32>(iouP) : 0, hasMin = minP != 0, scoreMin: f32 = hasMin ? load<f32>(minP) : 0;
  const I = scratch, J = scratch + (<usize>n << 2), S = J + (<usize>n << 2);
  let count = 0;
  for (let b = 0; b < B; b++) {
    const bx = boxes + (<usize>b * n * 16);
    for (let k = 0; k < K; k++) {
      const sc = scores + ((<usize>b * K + k) * n << 2);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const v = fl(sc, i);
        if (v == v && (!hasMin || v > scoreMin)) { store<i32>(I + (<usize>m << 2), i); m++; }
      }
      // stable bottom-up merge sort by score, descending
      let src = I, dst = J;
      for (let w = 1; w < m; w <<= 1) {
        for (let lo = 0; lo < m; lo += 2 * w) {
          const mid = min(lo + w, m), hi = min(lo + 2 * w, m);
          let a = lo, c = mid, t = lo;
          while (a < mid && c < hi) {
            const ia = ix(src, a), ic = ix(src, c);
            if (fl(sc, ic) > fl(sc, ia)) { store<i32>(dst + (<usize>t << 2), ic); c++; } else { store<i32>(dst + (<usize>t << 2), ia); a++; }
            t++;
          }
          for (; a < mid; a++, t++) store<i32>(dst + (<usize>t << 2), ix(src, a));
          for (; c < hi; c++, t++) store<i32>(dst + (<usize>t << 2), ix(src, c));
        }
        const s = src; src = dst; dst = s;
      }
      let taken = 0;
      for (let r = 0; r < m && taken < maxOut; r++) {
        const cand = ix(src, r);
        let keep = true;
        for (let q = 0; q < taken; q++) if (suppresses(bx, cand, ix(S, q), center, iou)) { keep = false; break; }
        if (!keep) continue;
        store<i32>(S + (<usize>taken << 2), cand);
        taken++;
        if (count < cap) {
          const o = y + (<usize>count * 24);
          store<i64>(o, b); store<i64>(o + 8, k); store<i64>(o + 16, cand);
        }
        count++;
      }
    }
  }
  return count;
}

// Einsum's general form (see: ONNX Einsum, opset 12), one or two operands, every index label a
// loop with a stride in each operand:
//   einsum_nd_any__scalar(dtype, y, a, b, nlab, nout, lab) -> 0 ok | 1 bad type | 2 bad labels
// lab: nlab rows of 4 i32s [size, stride in a, stride in b, stride in y] (element strides; 0
// where the label is absent, a repeated label's strides summed: a diagonal). The first nout rows
// are y's labels (y[.] over their multi-index), the others are summed. b = 0: one operand.
// y = sum over the summed labels, row-major (the last label fastest), of a[.] * b[.] (or a[.]):
// acc = 0; acc = acc + a * b, separate multiply and add. dtype: f32, f64, i32, i64 (wrapping).
// The host computes the strides from the operands' shapes; this kernel is its own reference.

import { DT_F32, DT_F64, DT_I32, DT_I64 } from "./dtype";

const MAX_LABELS = 52;
const IX: StaticArray<i32> = new StaticArray<i32>(MAX_LABELS);

// @ts-ignore: decorator
@inline function L(lab: usize, i: i32, c: i32): i32 { return load<i32>(lab + (<usize>(i * 4 + c) << 2)); }

function run<T>(y: usize, a: usize, b: usize, nlab: i32, nout: i32, lab: usize): void {
  let outTotal: i64 = 1, sumTotal: i64 = 1;
  for (let i = 0; i < nlab; i++) { if (i < nout) outTotal *= L(lab, i, 0); else sumTotal *= L(lab, i, 0); unchecked(IX[i] = 0); }
  if (outTotal == 0) return;
  let ao: i64 = 0, bo: i64 = 0, yo: i64 = 0;
  for (let e: i64 = 0; e < outTotal; e++) {
    let acc: T = 0;
    let sa = ao, sb = bo;
    for (let s: i64 = 0; s < sumTotal; s++) {
      const x = load<T>(a + (<usize>sa << alignof<T>()));
      acc = b != 0 ? <T>(acc + <T>(x * load<T>(b + (<usize>sb << alignof<T>())))) : <T>(acc + x);
      // next summed multi-index (last label fastest)
      for (let i = nlab - 1; i >= nout; i--) {
        const v = unchecked(IX[i]) + 1;
        sa += L(lab, i, 1); sb += L(lab, i, 2);
        if (v < L(lab, i, 0)) { unchecked(IX[i] = v); break; }
        unchecked(IX[i] = 0);
        sa -= <i64>L(lab, i, 1) * L(lab, i, 0); sb -= <i64>L(lab, i, 2) * L(lab, i, 0);
      }
    }
    store<T>(y + (<usize>yo << alignof<T>()), acc);
    for (let i = nout - 1; i >= 0; i--) {
      const v = unchecked(IX[i]) + 1;
      ao += L(lab, i, 1); bo += L(lab, i, 2); yo += L(lab, i, 3);
      if (v < L(lab, i, 0)) { unchecked(IX[i] = v); break; }
      unchecked(IX[i] = 0);
      ao -= <i64>L(lab, i, 1) * L(lab, i, 0); bo -= <i64>L(lab, i, 2) * L(lab, i, 0); yo -= <i64>L(lab, i, 3) * L(lab, i, 0);
    }
  }
}

export function einsum_nd_any__scalar(dtype: i32, y: usize, a: usize, b: usize, nlab: i32, nout: i32, lab: usize): i32 {
  if (dtype != DT_F32 && dtype != DT_F64 && dtype != DT_I32 && dtype != DT_I64) return 1;
  if (nlab < 0 || nlab > MAX_LABELS || nout < 0 || nout > nlab) return 2;
  for (let i = 0; i < nlab; i++) {
    if (L(lab, i, 0) < 0 || L(lab, i, 1) < 0 || L(lab, i, 2) < 0 || L(lab, i, 3) < 0) return 2;
    if (i >= nout && L(lab, i, 3) != 0) return 2;
  }
  if (dtype == DT_F32) run<f32>(y, a, b, nlab, nout, lab);
  else if (dtype == DT_F64) run<f64>(y, a, b, nlab, nout, lab);
  else if (dtype == DT_I32) run<i32>(y, a, b, nlab, nout, lab);
  else run<i64>(y, a, b, nlab, nout, lab);
  return 0;
}

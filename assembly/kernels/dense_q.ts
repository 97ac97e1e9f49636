// Dense layers with quantized weights and f32 activations (weight-only quantization).
//
// Semantics (the scalar reference gemm_any_f32_f32__scalar is the definition; the SIMD path equals it bit
// for bit):
//  - float formats (f16, bf16, f8_*, f6_*, f4_*) and MX: every weight decodes exactly to an f32
//    (MX: element * 2^(scale-127), exact), then the f32 dense of dense_f32.ts runs on those
//    values: acc = 0; acc += x[k] * w[k], k ascending; acc + bias; activation.
//  - affine integers (i8, u8, i4) with groups of G consecutive k of one output (G = K: per
//    channel): per group acc_g = sum over its k (ascending) of x[k] * f32(q - zp), starting at 0;
//    total = 0; total += acc_g * s_g, groups ascending; then total + bias; activation.
//    With G = K this is y = acc * s + bias: the scale is applied once, after the sum.
// Weights are repacked at load from row-major [N, K] codes (one code per byte, or per u16 for
// 16-bit formats) into panels of 8 outputs, [ceil(N/8)][K][8] codes, like pack_w_f32.

import { NR, forPanels, pack_w_f32, packed_f32_bytes, panelBytes, bytes64 } from "./pack";
import { ACT_RELU, panelBias } from "./tile";
import { gemm_f32_f32_f32__simd128_5x8_panels } from "./dense_f32";
import { col, Kind, C_KIND, C_BITS, C_ELEM, C_IMIN, I4 } from "../formats/table";
import { decodeScalar, decodeE8M0, intValue } from "../formats/scalar";
import { cvt_fmt_f32__simd128 } from "../formats/bulk";

// @ts-ignore: decorator
@inline function codeWidth(fmt: i32): i32 { return col(fmt, C_BITS) > 8 ? 2 : 1; }

export function packed_q_bytes(fmt: i32, N: i32, K: i32): i32 {
  return panelBytes(N, K, codeWidth(fmt));
}

// Row-major codes [N, K] -> panels [ceil(N/8)][K][8] (zero codes past N). In place when
// dst == w (see pack.ts).
export function pack_w_q(fmt: i32, w: usize, N: i32, K: i32, dst: usize): void {
  const cw = codeWidth(fmt);
  forPanels(w, N, K, dst, <usize>(K * cw), <usize>(K * NR * cw), cw == 2 ? panelQ16 : fmt == I4 ? panelQ4 : panelQ8);
}

function panelQ16(src: usize, rows: i32, K: i32, o: usize): void {
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < NR; j++) store<u16>(o + (<usize>(k * NR + j) << 1), j < rows ? load<u16>(src + (<usize>(j * K + k) << 1)) : 0);
  }
}

function panelQ8(src: usize, rows: i32, K: i32, o: usize): void {
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < NR; j++) store<u8>(o + <usize>(k * NR + j), j < rows ? load<u8>(src + <usize>(j * K + k)) : 0);
  }
}

// i4 codes (one per byte): the nibble sign-extended.
function panelQ4(src: usize, rows: i32, K: i32, o: usize): void {
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < NR; j++) store<i8>(o + <usize>(k * NR + j), j < rows ? <i8>intValue(I4, <u32>load<u8>(src + <usize>(j * K + k))) : 0);
  }
}

// Exact f32 value of weight code c of a float or MX format (scale code sc for MX).
// @ts-ignore: decorator
@inline function weightValue(fmt: i32, c: u32, sc: u32): f32 {
  if (col(fmt, C_KIND) == Kind.MX) {
    if (sc == 0xFF) return reinterpret<f32>(0x7FC00000);
    const elem = col(fmt, C_ELEM);
    const e: f32 = fmt == 21 ? <f32>intValue(elem, c) * 0.015625 : decodeScalar(elem, c);
    return e * decodeE8M0(sc);
  }
  return decodeScalar(fmt, c);
}

// @ts-ignore: decorator
@inline function loadCode(p: usize, i: i32, cw: i32): u32 {
  return cw == 2 ? <u32>load<u16>(p + (<usize>i << 1)) : <u32>load<u8>(p + <usize>i);
}

// Scalar reference. w: row-major codes [N, K]. scales: f32 per group (affine) or u8 e8m0 per
// (row, block of 32 along k) for MX, [N][ceil(K/32)]. zps: i32 per group or 0. group: G.
export function gemm_any_f32_f32__scalar(x: usize, M: i32, K: i32, w: usize, fmt: i32, scales: usize, zps: usize, group: i32, bias: usize, N: i32, y: usize, act: i32): void {
  const cw = codeWidth(fmt);
  const kind = col(fmt, C_KIND);
  const nb = (K + 31) >> 5;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc: f32 = 0;
      if (kind == Kind.INT) {
        const gpr = (K + group - 1) / group;     // groups per row
        for (let g = 0; g < gpr; g++) {
          const gi = n * gpr + g;
          const zp = zps != 0 ? load<i32>(zps + (<usize>gi << 2)) : 0;
          let a: f32 = 0;
          for (let k = g * group; k < min(K, (g + 1) * group); k++) {
            const q = intValue(fmt, loadCode(w, n * K + k, cw));
            a += load<f32>(x + (<usize>(m * K + k) << 2)) * <f32>(q - zp);
          }
          acc += a * load<f32>(scales + (<usize>gi << 2));
        }
      } else {
        for (let k = 0; k < K; k++) {
          const sc: u32 = kind == Kind.MX ? <u32>load<u8>(scales + <usize>(n * nb + (k >> 5))) : 0;
          acc += load<f32>(x + (<usize>(m * K + k) << 2)) * weightValue(fmt, loadCode(w, n * K + k, cw), sc);
        }
      }
      acc += bias != 0 ? load<f32>(bias + (<usize>n << 2)) : 0;
      store<f32>(y + (<usize>(m * N + n) << 2), act == ACT_RELU ? max<f32>(acc, 0) : acc);
    }
  }
}

// Scratch for decoded panels, grown on demand.
let scratch: usize = 0;
let scratchBytes: i32 = 0;
function scratchFor(bytes: i32): usize {
  if (bytes > scratchBytes) {
    if (scratch != 0) heap.free(scratch);
    scratch = heap.alloc(<usize>bytes + 16);
    scratchBytes = bytes;
  }
  return scratch;
}

const CHUNK = 4; // panels decoded at a time (32 outputs)

// Float and MX weights: decode CHUNK panels to f32, then the f32 panel kernel. `wp` is packed by
// pack_w_q; for MX `scales` is the [N][ceil(K/32)] e8m0 tensor (row-major, by output).
function denseFloatW(x: usize, M: i32, K: i32, wp: usize, fmt: i32, scales: usize, bias: usize, N: i32, y: usize, act: i32): void {
  const cw = codeWidth(fmt);
  const panels = (N + NR - 1) / NR;
  const buf = scratchFor(CHUNK * K * NR * 4);
  const isMX = col(fmt, C_KIND) == Kind.MX;
  const nb = (K + 31) >> 5;
  for (let p0 = 0; p0 < panels; p0 += CHUNK) {
    const p1 = min(p0 + CHUNK, panels);
    const n = (p1 - p0) * K * NR;
    const src = wp + <usize>(p0 * K * NR * cw);
    if (!isMX) {
      cvt_fmt_f32__simd128(fmt, src, buf, n);
    } else {
      // Elements through the element format's table, then times the block scale of each lane
      // (exact: a power of two; MXINT8's 1/64 folded into it).
      const elem = col(fmt, C_ELEM);
      cvt_fmt_f32__simd128(elem, src, buf, n);
      const sc = memory.data(32, 16);
      for (let p = p0; p < p1; p++) {
        for (let kb = 0; kb < nb; kb++) {
          for (let j = 0; j < NR; j++) {
            const c = p * NR + j;
            const code: u32 = c < N ? <u32>load<u8>(scales + <usize>(c * nb + kb)) : 127;
            const X = code == 0xFF ? reinterpret<f32>(0x7FC00000) : decodeE8M0(code);
            store<f32>(sc + (<usize>j << 2), fmt == 21 ? X * 0.015625 : X);
          }
          const x0 = v128.load(sc), x1 = v128.load(sc, 16);
          const k1 = min(K, (kb + 1) * 32);
          for (let k = kb * 32; k < k1; k++) {
            const q = buf + (<usize>(((p - p0) * K + k) * NR) << 2);
            v128.store(q, f32x4.mul(v128.load(q), x0));
            v128.store(q, f32x4.mul(v128.load(q, 16), x1), 16);
          }
        }
      }
    }
    gemm_f32_f32_f32__simd128_5x8_panels(x, M, K, buf, bias, N, y, act, p0, p1);
  }
}

// Per-group scales and zero points of affine integer weights, laid out for the kernels:
// [panel][group][8] f32 scales, then [panel][group][8] i32 zero points (zeros past N), so that
// a group's eight lanes load as two vectors. Built once at load for gemm_int_f32_f32__simd128_4x8: the [N, groups]
// scale and zero-point matrices packed as f32 weights are (pack_w_f32 moves bits, i32 included).
export function packed_wq_params_bytes(N: i32, K: i32, group: i32): i32 {
  return bytes64(<i64>packed_f32_bytes(N, (K + group - 1) / group) * 2);
}

export function pack_wq_params(scales: usize, zps: usize, N: i32, K: i32, group: i32, dst: usize): void {
  const gpr = (K + group - 1) / group;
  const pz = dst + <usize>packed_f32_bytes(N, gpr);
  pack_w_f32(scales, N, gpr, dst);
  if (zps != 0) pack_w_f32(zps, N, gpr, pz);
  else memory.fill(pz, 0, <usize>packed_f32_bytes(N, gpr));
}

// Affine integer weights in groups: per panel and group, the group's codes are decoded once to
// f32 (q - zp) in a [G][8] slab, every row sums its group in f32 lanes (four rows at a time), and
// the running totals (total += acc_g * s_g, groups in order) live in a [M][8] buffer.
function denseIntW(x: usize, M: i32, K: i32, wp: usize, fmt: i32, ps: usize, group: i32, bias: usize, N: i32, y: usize, act: i32): void {
  const panels = (N + NR - 1) / NR;
  const gpr = (K + group - 1) / group;
  const unsigned = col(fmt, C_IMIN) == 0;
  const pz = ps + (<usize>(panels * gpr * NR) << 2);
  const tmp = memory.data(32, 16);      // a store buffer for a partial panel
  const slab = scratchFor((min(group, K) * NR + M * NR) * 4 + 32);
  const tot = slab + (<usize>(min(group, K) * NR) << 2);
  for (let p = 0; p < panels; p++) {
    const n0 = p * NR, cols = min(NR, N - n0);
    memory.fill(tot, 0, <usize>(M * NR) << 2);
    const w = wp + <usize>(p * K * NR);
    for (let g = 0; g < gpr; g++) {
      const og = (<usize>((p * gpr + g) * NR)) << 2;
      const s0 = v128.load(ps + og), s1 = v128.load(ps + og, 16);
      const z0 = v128.load(pz + og), z1 = v128.load(pz + og, 16);
      const k0 = g * group, kEnd = min(K, k0 + group), G = kEnd - k0;
      for (let k = k0; k < kEnd; k++) {
        const c = v128.load64_zero(w + <usize>(k * NR));
        const h = unsigned ? i16x8.extend_low_i8x16_u(c) : i16x8.extend_low_i8x16_s(c);
        const o = slab + (<usize>((k - k0) * NR) << 2);
        v128.store(o, f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_s(h), z0)));
        v128.store(o, f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_high_i16x8_s(h), z1)), 16);
      }
      let m = 0;
      for (; m + 4 <= M; m += 4) {
        const x0 = x + (<usize>(m * K + k0) << 2);
        const x1 = x0 + (<usize>K << 2), x2 = x1 + (<usize>K << 2), x3 = x2 + (<usize>K << 2);
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
        for (let k = 0; k < G; k++) {
          const q = slab + (<usize>(k * NR) << 2);
          const q0 = v128.load(q), q1 = v128.load(q, 16);
          const o = <usize>k << 2;
          // @gen splat rows=4 src=x%r~+~o
          const v0 = v128.load32_splat(x0 + o), v1 = v128.load32_splat(x1 + o);
          const v2 = v128.load32_splat(x2 + o), v3 = v128.load32_splat(x3 + o);
          // @end
          // @gen mac rows=4 w=q0,q1 op=f32
          a00 = f32x4.add(a00, f32x4.mul(v0, q0)); a01 = f32x4.add(a01, f32x4.mul(v0, q1));
          a10 = f32x4.add(a10, f32x4.mul(v1, q0)); a11 = f32x4.add(a11, f32x4.mul(v1, q1));
          a20 = f32x4.add(a20, f32x4.mul(v2, q0)); a21 = f32x4.add(a21, f32x4.mul(v2, q1));
          a30 = f32x4.add(a30, f32x4.mul(v3, q0)); a31 = f32x4.add(a31, f32x4.mul(v3, q1));
          // @end
        }
        accumulate(tot + (<usize>(m * NR) << 2), a00, a01, s0, s1);
        accumulate(tot + (<usize>((m + 1) * NR) << 2), a10, a11, s0, s1);
        accumulate(tot + (<usize>((m + 2) * NR) << 2), a20, a21, s0, s1);
        accumulate(tot + (<usize>((m + 3) * NR) << 2), a30, a31, s0, s1);
      }
      for (; m < M; m++) {
        const xr = x + (<usize>(m * K + k0) << 2);
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
        for (let k = 0; k < G; k++) {
          const q = slab + (<usize>(k * NR) << 2);
          const v = v128.load32_splat(xr + (<usize>k << 2));
          // @gen mac1 v=v w=v128.load(q)|v128.load(q,~16) per=1 op=f32
          a0 = f32x4.add(a0, f32x4.mul(v, v128.load(q)));
          a1 = f32x4.add(a1, f32x4.mul(v, v128.load(q, 16)));
          // @end
        }
        accumulate(tot + (<usize>(m * NR) << 2), a0, a1, s0, s1);
      }
    }
    const bt = panelBias(bias, n0, cols);
    const b0 = v128.load(bt), b1 = v128.load(bt, 16);
    for (let m = 0; m < M; m++) {
      const t = tot + (<usize>(m * NR) << 2);
      let t0 = f32x4.add(v128.load(t), b0), t1 = f32x4.add(v128.load(t, 16), b1);
      if (act == ACT_RELU) { t0 = f32x4.max(t0, f32x4.splat(0)); t1 = f32x4.max(t1, f32x4.splat(0)); }
      const yr = y + (<usize>(m * N + n0) << 2);
      if (cols == NR) { v128.store(yr, t0); v128.store(yr, t1, 16); }
      else { v128.store(tmp, t0); v128.store(tmp, t1, 16); memory.copy(yr, tmp, <usize>cols << 2); }
    }
  }
}

// Four codes (half 0: lanes 0..3 of the widened row, half 1: lanes 4..7) as f32 (q - zp); `sym`
// (a constant after inlining): no zero points to subtract.
// @ts-ignore: decorator
@inline function q4(h: v128, half: i32, z: v128, sym: bool): v128 {
  const c = half == 0 ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_high_i16x8_s(h);
  return f32x4.convert_i32x4_s(sym ? c : i32x4.sub(c, z));
}

// Few rows (M < 4): no slab; two panels at a time, the codes decoded inside the k loop, four
// accumulators in flight. Same sums, same order as the slab path and the reference.
// @ts-ignore: decorator
@inline function denseIntWRows(x: usize, M: i32, K: i32, wp: usize, fmt: i32, ps: usize, group: i32, bias: usize, N: i32, y: usize, act: i32, sym: bool): void {
  const panels = (N + NR - 1) / NR;
  const gpr = (K + group - 1) / group;
  const unsigned = col(fmt, C_IMIN) == 0;
  const pz = ps + (<usize>(panels * gpr * NR) << 2);
  const tmp = memory.data(64, 16);
  for (let p = 0; p < panels; p += 2) {
    const two = p + 1 < panels;
    const wA = wp + <usize>(p * K * NR), wB = two ? wA + <usize>(K * NR) : wA;
    for (let m = 0; m < M; m++) {
      const xr = x + (<usize>(m * K) << 2);
      let t0 = f32x4.splat(0), t1 = f32x4.splat(0), t2 = f32x4.splat(0), t3 = f32x4.splat(0);
      for (let g = 0; g < gpr; g++) {
        const oa = (<usize>((p * gpr + g) * NR)) << 2, ob = two ? (<usize>(((p + 1) * gpr + g) * NR)) << 2 : oa;
        const z0 = v128.load(pz + oa), z1 = v128.load(pz + oa, 16), z2 = v128.load(pz + ob), z3 = v128.load(pz + ob, 16);
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        const kEnd = min(K, (g + 1) * group);
        for (let k = g * group; k < kEnd; k++) {
          const v = v128.load32_splat(xr + (<usize>k << 2));
          const cA = v128.load64_zero(wA + <usize>(k * NR)), cB = v128.load64_zero(wB + <usize>(k * NR));
          const hA = unsigned ? i16x8.extend_low_i8x16_u(cA) : i16x8.extend_low_i8x16_s(cA);
          const hB = unsigned ? i16x8.extend_low_i8x16_u(cB) : i16x8.extend_low_i8x16_s(cB);
          // @gen mac1 v=v w=q4(hA,~0,~z0,~sym)|q4(hA,~1,~z1,~sym)|q4(hB,~0,~z2,~sym)|q4(hB,~1,~z3,~sym) per=1 op=f32
          a0 = f32x4.add(a0, f32x4.mul(v, q4(hA, 0, z0, sym)));
          a1 = f32x4.add(a1, f32x4.mul(v, q4(hA, 1, z1, sym)));
          a2 = f32x4.add(a2, f32x4.mul(v, q4(hB, 0, z2, sym)));
          a3 = f32x4.add(a3, f32x4.mul(v, q4(hB, 1, z3, sym)));
          // @end
        }
        t0 = f32x4.add(t0, f32x4.mul(a0, v128.load(ps + oa))); t1 = f32x4.add(t1, f32x4.mul(a1, v128.load(ps + oa, 16)));
        t2 = f32x4.add(t2, f32x4.mul(a2, v128.load(ps + ob))); t3 = f32x4.add(t3, f32x4.mul(a3, v128.load(ps + ob, 16)));
      }
      const cols = min(2 * NR, N - p * NR);
      const bt = panelBias(bias, p * NR, cols, 2 * NR);
      t0 = f32x4.add(t0, v128.load(bt)); t1 = f32x4.add(t1, v128.load(bt, 16));
      t2 = f32x4.add(t2, v128.load(bt, 32)); t3 = f32x4.add(t3, v128.load(bt, 48));
      if (act == ACT_RELU) {
        const zr = f32x4.splat(0);
        t0 = f32x4.max(t0, zr); t1 = f32x4.max(t1, zr); t2 = f32x4.max(t2, zr); t3 = f32x4.max(t3, zr);
      }
      v128.store(tmp, t0); v128.store(tmp, t1, 16); v128.store(tmp, t2, 32); v128.store(tmp, t3, 48);
      memory.copy(y + (<usize>(m * N + p * NR) << 2), tmp, <usize>cols << 2);
    }
  }
}

// total += acc * s, in place.
// @ts-ignore: decorator
@inline function accumulate(t: usize, a0: v128, a1: v128, s0: v128, s1: v128): void {
  v128.store(t, f32x4.add(v128.load(t), f32x4.mul(a0, s0)));
  v128.store(t, f32x4.add(v128.load(t, 16), f32x4.mul(a1, s1)), 16);
}

// dense_<fmt>_f32_f32__simd128: weights packed by pack_w_q. i4 codes are one per byte
// (sign-extended), like i8.
// Float and MX weight formats (MX: `scales` is the [N][ceil(K/32)] e8m0 tensor). Affine integer
// weights go through pack_wq_params + gemm_int_f32_f32__simd128_4x8.
export function gemm_any_f32_f32__simd128_4x8(x: usize, M: i32, K: i32, wp: usize, fmt: i32, scales: usize, bias: usize, N: i32, y: usize, act: i32): void {
  assert(col(fmt, C_KIND) != Kind.INT, "gemm_any_f32_f32__simd128_4x8: affine integer weights take gemm_int_f32_f32__simd128_4x8");
  denseFloatW(x, M, K, wp, fmt, scales, bias, N, y, act);
}

// gemm_{i8,u8,i4}_f32_f32__simd128_4x8 with params from pack_wq_params (affine integers only).
// zeroPoints: 0 when the weights have none (symmetric): the few-row path skips the subtraction.
export function gemm_int_f32_f32__simd128_4x8(x: usize, M: i32, K: i32, wp: usize, fmt: i32, params: usize, group: i32, zeroPoints: i32, bias: usize, N: i32, y: usize, act: i32): void {
  if (M >= 4) denseIntW(x, M, K, wp, fmt, params, group, bias, N, y, act);
  else if (zeroPoints == 0) denseIntWRows(x, M, K, wp, fmt, params, group, bias, N, y, act, true);
  else denseIntWRows(x, M, K, wp, fmt, params, group, bias, N, y, act, false);
}

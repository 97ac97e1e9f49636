// Dense: y = act(x . W^T + b), W [N, K] in any weight format. The kernel follows the layer's
// precision: f32 weights -> gemm_f32_f32_f32__simd128_5x8; other weight formats -> gemm_fused_f32_f32__simd128_4x8 / gemm_any_f32_f32__simd128_4x8 / gemm_int_f32_f32__simd128_4x8
// (weight-only), or with LoadOptions.decodeWeights float / MX weights decoded to f32 -> gemm_f32_f32_f32__simd128_5x8; i8
// activations -> gemm_i8_i8_i32__simd128_4x8; an emulated accumulator (f16, bf16, f8) -> gemm_f32_f32_emu__simd128_4x8, or with
// `recompute: { tau, format: 'f32' }` -> gemm_f32_f32_emu_recompute__simd128_4x8 (the outputs with kappa_ip * kappa_act >
// tau computed again in f32; assembly/emulate/recompute.ts).
// attrs.activation: none | relu (inside the kernels) | tanh | sigmoid | gelu (the eltwise kernels
// vtanh_f32__scalar / vsigmoid_f32__scalar / vgelu_f32__scalar run on the output afterwards: the same bits as a separate
// Tanh / Sigmoid / Gelu node after the Dense).
// `inputRound` (+ `inputFormat`): the input is first fake-quantized, per row r of x [M, K]:
// s_r = amax_r / imax (affine_params, symmetric; s_r = 1 for an all-zero row), q = clamp(round(x /
// s_r), imin, imax) with round = rne | floor | ceil (quant_f32_int__simd128), x' = q * s_r (dequant_int_f32__simd128);
// imin/imax of the level: i4 -8/7, i8 -128/127, i16 -32768/32767. The level is inputFormat, else
// the integer weight format (i4 / i8). The kernel then reads x'.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { formatByName, type FormatRow } from '../formats.js';
import { DENSE_ACTIVATIONS, DENSE_ACT, ACT, code, roundCode } from '../tables.js';
import { EMULATED_ACCUMULATORS, isEmulatedAccumulator } from '../precision.js';
import { elements, type Builder, type OpContext, type PreparedNode, type Weight } from './types.js';
import { stored, weightOf, codesPtr, scalesOf, scalesPerRow, f32Ptr } from './weights.js';
import { row, select, type Facts, type KernelName } from '../kernels.js';


/** Recompute counters of one Dense layer of one model, since load or the last reset. The cost in
 *  f32-MAC units is rho * outputs * K + recomputed * K (docs/EXPERIMENTS.md). */
export interface RecomputeCounter { layer: string; accumulator: string; tau: number; K: number; N: number; runs: number; outputs: number; recomputed: number }

type Core = { run: (xp: number, M: number, yp: number, scratch: number) => void; scratch?: (M: number) => number; counter?: RecomputeCounter };

/** What the kernel paths share. One function per path: V8 compiles only the path a layer takes
 *  (cold start). */
interface Layer {
  ctx: OpContext; x: OpContext['kernels']; where: string; wName: string; w: Weight; f: FormatRow;
  /** what the kernel table selects on (src/runtime/kernels.ts) */
  facts: Facts;
  N: number; K: number; act: number; actIdx: number;
  keep: (p: number) => number;
  blocks: number[];
  /** Copies the bias into wasm memory. Returns its pointer, 0 if none. */
  takeBias: () => number;
  /** The node for a kernel path; `held`: the format its weights are held in, `kernel`: the export
   *  that reads them (PreparedNode.weightsHeld, .kernel). */
  wrap: (core: Core, held: string, kernel: KernelName) => PreparedNode;
}

export const dense: Builder = (ctx) => {
  const { node, where, precision } = ctx;
  const [xName, wName, bName] = node.inputs;
  const w = weightOf(ctx, wName);
  if (w.entry.shape.length !== 2) fail('SHAPE_MISMATCH', `${where}: weight ${JSON.stringify(wName)} must be [out, in], got ${JSON.stringify(w.entry.shape)}`);
  const [N, K] = w.entry.shape;
  const b = stored(ctx, bName, 'input 2 (bias)', true);
  if (b && (b.entry.format !== 'f32' || b.entry.shape.length !== 1 || b.entry.shape[0] !== N)) fail('SHAPE_MISMATCH', `${where}: bias ${JSON.stringify(bName)} must be f32 [${N}], got ${b.entry.format} ${JSON.stringify(b.entry.shape)}`);
  const actIdx = code(DENSE_ACTIVATIONS, node.attrs?.activation ?? 'none');
  const act = actIdx === DENSE_ACT.relu ? ACT.relu : ACT.none; // what the kernels apply
  if (actIdx < 0) fail('BAD_GRAPH', `${where}: attrs.activation ${JSON.stringify(node.attrs?.activation)} is not one of ${DENSE_ACTIVATIONS.join(', ')}`);
  const f = formatByName(w.entry.format, `${where}: weight format`);
  if (precision.weights !== undefined && precision.weights !== f.name) fail('BAD_PRECISION_MAP', `${where}: the precision map says weights ${precision.weights}, the bundle stores ${f.name}`);
  const x = ctx.kernels;
  const blocks: number[] = [];
  const keep = (p: number) => (blocks.push(p), p);
  const infer = ([s]: number[][]) => {
    if (s.length < 1 || s[s.length - 1] !== K) fail('SHAPE_MISMATCH', `${where}: input ${JSON.stringify(xName)} has shape ${JSON.stringify(s)}, last dimension must be ${K}`);
    return [...s.slice(0, -1), N];
  };
  const rows = (s: number[]) => elements(s) / K;
  const dispose = () => { for (const p of blocks.splice(0)) heap.free(p); };

  // Input fake-quantization (inputRound), then the kernel, then a smooth activation.
  let inQ: { fid: number; mode: number; wide: boolean } | null = null;
  if (precision.inputRound !== undefined) {
    const lvl = precision.inputFormat ?? (f.name === 'i8' || f.name === 'i4' ? f.name : undefined);
    if (!lvl) fail('BAD_PRECISION_MAP', `${where}: inputRound needs inputFormat (i4, i8, i16) when the weights are ${f.name}`);
    if (precision.activations === 'i8') fail('BAD_PRECISION_MAP', `${where}: inputRound does not combine with i8 activations (w8a8)`);
    inQ = { fid: formatByName(lvl).id, mode: roundCode(precision.inputRound), wide: lvl === 'i16' };
  }
  const post = actIdx > DENSE_ACT.relu ? (`v${DENSE_ACTIVATIONS[actIdx]}_f32__scalar` as 'vtanh_f32__scalar' | 'vsigmoid_f32__scalar' | 'vgelu_f32__scalar') : null;
  const inBytes = (M: number) => (inQ ? heap.pad16(M * K * 4) + heap.pad16(M * K * (inQ.wide ? 2 : 1)) + heap.pad16(M * 4) : 0);
  const wrap = (core: Core, held: string, kernel: KernelName) => ({
    valueInputs: [xName], infer, dispose, weightsHeld: held, kernel,
    ...(core.counter ? { recompute: core.counter } : {}),
    scratch: ([s]: number[][]) => inBytes(rows(s)) + (core.scratch ? core.scratch(rows(s)) : 0),
    run: ([xp]: number[], [s]: number[][], yp: number, _o: number[], scratch: number) => {
      const M = rows(s);
      let xin = xp, sc = scratch;
      if (inQ && M * K > 0) {
        const xq = sc, codes = xq + heap.pad16(M * K * 4), sx = codes + heap.pad16(M * K * (inQ.wide ? 2 : 1));
        x.affine_params(inQ.fid, xp, M * K, K, 1, sx, 0);
        x.quant_f32_int__simd128(inQ.fid, xp, codes, M * K, K, sx, 0, inQ.mode, 0, 0, 0);
        x.dequant_int_f32__simd128(inQ.fid, codes, xq, M * K, K, sx, 0);
        xin = xq;
      }
      sc += inBytes(M);
      core.run(xin, M, yp, sc);
      if (post) x[post](yp, yp, M * N);
    },
  });
  const facts: Facts = {
    weights: f.name === 'f32' || (ctx.decodeWeights && f.kind !== 'int') ? 'f32' : f.kind as Facts['weights'],
    acts: precision.activations === 'i8' ? 'i8' : 'f32',
    acc: precision.accumulator === 'f32' || precision.accumulator === 'i32' ? 'f32' : 'emu',
    recompute: precision.recompute !== undefined,
  };
  const L: Layer = { ctx, x, where, wName, w, f, facts, N, K, act, actIdx, keep, blocks, wrap, takeBias: () => (b ? keep(b.put()) : 0) };

  try {
    if (precision.recompute !== undefined && !isEmulatedAccumulator(precision.accumulator)) fail('BAD_PRECISION_MAP', `${where}: recompute follows an emulated accumulator (${EMULATED_ACCUMULATORS.join(', ')}), this layer accumulates in ${precision.accumulator}`);
    // One function per path (the kernel's formats): the table's choice, fused decode asked later.
    const r = row(select('gemm', facts));
    if (r.acc === 'emu') return denseAcc(L);
    if (r.a === 'i8') return denseW8a8(L);
    if (r.w === 'f32') return denseF32(L);
    return denseQ(L);
  } catch (e) {
    dispose();
    throw e;
  }
};



/** f32 weights, or float / MX weights decoded at load (decodeWeights: the values gemm_fused_f32_f32__simd128_4x8 and
 *  gemm_any_f32_f32__simd128_4x8 compute with, so the same bits): packed in place, gemm_f32_f32_f32__simd128_5x8. */
function denseF32({ ctx, x, where, wName, w, f, facts, N, K, act, keep, takeBias, wrap }: Layer): PreparedNode {
  const ref = ctx.reference;
  // The fast path's packed size is checked in both modes, so that the reference kernels fail alike.
  const size = heap.checkBlock(x.packed_f32_bytes(N, K), where);
  // f32 straight from the bundle: f32Ptr would be one more function to compile at cold start
  const packed = keep(f.name === 'f32' ? w.put(ref ? 0 : size) : f32Ptr(ctx, wName, w, ref ? 0 : size));
  if (!ref) x.pack_w_f32(packed, N, K, packed); // in place: one block, one copy
  const bias = takeBias();
  const kernel = select('gemm', facts, ref), k = x[kernel];
  return wrap({ run: (xp, M, yp) => k(xp, M, K, packed, bias, N, yp, act) }, 'f32', kernel);
}

/** An emulated accumulator (f16, bf16, f8): f32 weights (decoded), gemm_f32_f32_emu__simd128_4x8 or gemm_f32_f32_emu_recompute__simd128_4x8. */
function denseAcc({ ctx, x, where, wName, w, facts, N, K, act, actIdx, keep, takeBias, wrap }: Layer): PreparedNode {
  const precision = ctx.precision;
  const accFmt = formatByName(precision.accumulator).id;
  const ref = ctx.reference;
  const size = heap.checkBlock(x.packed_f32_bytes(N, K), where);
  const packed = keep(f32Ptr(ctx, wName, w, ref ? 0 : size));
  if (!ref) x.pack_w_f32(packed, N, K, packed); // in place
  const bias = takeBias();
  const rc = precision.recompute;
  const kernel = select('gemm', facts, ref), k = x[kernel];
  if (rc) {
    const tau = new Float32Array([rc.tau])[0]; // the f32 the kernel receives
    const c: RecomputeCounter = { layer: ctx.node.name, accumulator: precision.accumulator, tau, K, N, runs: 0, outputs: 0, recomputed: 0 };
    return wrap({
      counter: c,
      scratch: (M) => heap.pad16(M * N * 4),
      run: (xp, M, yp, sc) => {
        // the kernel takes the Dense activation code (DENSE_ACTIVATIONS) for kappa_act
        const r = k(xp, M, K, packed, bias, N, yp, act, accFmt, actIdx, tau, sc);
        if (r < 0) fail('BAD_ARGUMENT', `${where}: ${kernel} refused its arguments`);
        c.runs++; c.outputs += M * N; c.recomputed += r;
      },
    }, 'f32', kernel);
  }
  return wrap({ run: (xp, M, yp) => k(xp, M, K, packed, bias, N, yp, act, accFmt, 0) }, 'f32', kernel);
}

/** i8 activations: i8 weights per output channel, packed in pairs of k, gemm_i8_i8_i32__simd128_4x8. */
function denseW8a8({ ctx, x, where, wName, w, f, facts, N, K, act, keep, blocks, takeBias, wrap }: Layer): PreparedNode {
  const s = scalesPerRow(scalesOf(ctx, wName, w), N, K);
  blocks.push(s.scales);
  if (f.name !== 'i8' || s.group !== K) fail('BAD_PRECISION_MAP', `${where}: i8 activations (w8a8) need i8 weights quantized per output channel (group ${K}), the bundle has ${f.name} with group ${s.group}`);
  if (s.zps) {
    const z = new Int32Array(heap.buffer(), s.zps, N);
    const nonzero = z.some((v) => v !== 0);
    heap.free(s.zps);
    if (nonzero) fail('BAD_PRECISION_MAP', `${where}: w8a8 needs symmetric weights (zero points 0)`);
  }
  const ref = ctx.reference;
  const size = heap.checkBlock(x.packed_w8a8_bytes(N, K), where);
  const packed = keep(codesPtr(w, ref ? 0 : size).ptr);
  if (!ref) x.pack_w_i8_k2(packed, N, K, packed); // in place
  const bias = takeBias();
  const K2 = (K + 1) >> 1;
  const kernel = select('gemm', facts, ref), k = x[kernel];
  return wrap({
    // xq (i16 pairs), sx (row scales), tmp (M * K bytes): each 16-byte aligned with 16 spare bytes
    scratch: (M) => heap.pad16(M * K2 * 4) + heap.pad16(M * 4) + heap.pad16(M * K),
    run: (xp, M, yp, scratch) => {
      const xq = scratch, sx = xq + heap.pad16(M * K2 * 4), tmp = sx + heap.pad16(M * 4);
      x.quant_rows_f32_i8__simd128(xp, M, K, xq, sx, tmp);
      k(xq, sx, M, K, packed, s.scales, bias, N, yp, act);
    },
  }, 'i8', kernel);
}

/** Other weight formats (weight-only): codes packed in place, gemm_fused_f32_f32__simd128_4x8 (decode fused), gemm_any_f32_f32__simd128_4x8 (other float / MX) or gemm_int_f32_f32__simd128_4x8 (grouped integers). */
function denseQ({ ctx, x, where, wName, w, f, facts, N, K, act, keep, blocks, takeBias, wrap }: Layer): PreparedNode {
  const s = f.kind === 'int' ? scalesPerRow(scalesOf(ctx, wName, w), N, K) : scalesOf(ctx, wName, w);
  if (s.scales) blocks.push(s.scales);
  if (s.zps) blocks.push(s.zps);
  if (f.kind === 'int' && K % s.group !== 0) fail('BAD_TENSOR', `${where}: weight groups of ${s.group} must divide the row length ${K}`);
  const ref = ctx.reference;
  const size = heap.checkBlock(x.packed_q_bytes(f.id, N, K), where);
  const paramBytes = f.kind === 'int' ? heap.checkBlock(x.packed_wq_params_bytes(N, K, s.group), where) : 0;
  const c = codesPtr(w, ref ? 0 : size);
  const packed = keep(c.ptr);
  // The table's choice; the fused kernel (decode inside the microkernel) is asked before
  // packing: it reads the row-major codes.
  const kernel = select('gemm', { ...facts, fusable: () => x.weights_fusable(f.id, c.ptr, c.n, s.group, K) === 1 }, ref);
  if (row(kernel).packer) x.pack_w_q(f.id, packed, N, K, packed); // in place
  const bias = takeBias();
  if (kernel === 'gemm_any_f32_f32__scalar') {
    // the definition on row-major codes (int scales as per-row groups, MX scales as stored)
    return wrap({ run: (xp, M, yp) => x.gemm_any_f32_f32__scalar(xp, M, K, packed, f.id, s.scales, s.zps, s.group, bias, N, yp, act) }, f.name, kernel);
  }
  if (kernel === 'gemm_fused_f32_f32__simd128_4x8') return wrap({ run: (xp, M, yp) => x.gemm_fused_f32_f32__simd128_4x8(xp, M, K, packed, f.id, s.scales, s.zps, bias, N, yp, act) }, f.name, kernel);
  if (kernel === 'gemm_any_f32_f32__simd128_4x8') return wrap({ run: (xp, M, yp) => x.gemm_any_f32_f32__simd128_4x8(xp, M, K, packed, f.id, s.scales, bias, N, yp, act) }, f.name, kernel);
  // Grouped integers: scales and zero points laid out per panel and group once, here.
  const params = keep(heap.alloc(paramBytes, false));
  x.pack_wq_params(s.scales, s.zps, N, K, s.group, params);
  const zeroPoints = s.zps ? 1 : 0;
  for (const p of [s.scales, s.zps]) if (p) { blocks.splice(blocks.indexOf(p), 1); heap.free(p); }
  return wrap({ run: (xp, M, yp) => x.gemm_int_f32_f32__simd128_4x8(xp, M, K, packed, f.id, params, s.group, zeroPoints, bias, N, yp, act) }, f.name, 'gemm_int_f32_f32__simd128_4x8');
}

// Dense: y = act(x . W^T + b), W [N, K] in any weight format. The kernel follows the layer's
// precision: f32 weights -> dense_f32; other weight formats -> dense_wq (weight-only); i8
// activations -> dense_w8a8; an emulated accumulator (f16, bf16, f8) -> dense_acc.

import { get } from '../wasm.js';
import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { formatByName } from '../formats.js';
import { elements, type Builder } from './types.js';
import { stored, codesPtr, scalesOf, f32Ptr } from './weights.js';

const ACTIVATIONS = ['none', 'relu'];

export const dense: Builder = (ctx) => {
  const { node, where, precision } = ctx;
  const [xName, wName, bName] = node.inputs;
  const w = stored(ctx, wName, 'input 1 (weights)')!;
  if (w.entry.shape.length !== 2) fail('SHAPE_MISMATCH', `${where}: weight ${JSON.stringify(wName)} must be [out, in], got ${JSON.stringify(w.entry.shape)}`);
  const [N, K] = w.entry.shape;
  const b = stored(ctx, bName, 'input 2 (bias)', true);
  if (b && (b.entry.format !== 'f32' || b.entry.shape.length !== 1 || b.entry.shape[0] !== N)) fail('SHAPE_MISMATCH', `${where}: bias ${JSON.stringify(bName)} must be f32 [${N}], got ${b.entry.format} ${JSON.stringify(b.entry.shape)}`);
  const act = ACTIVATIONS.indexOf((node.attrs?.activation ?? 'none') as string);
  if (act < 0) fail('BAD_GRAPH', `${where}: attrs.activation ${JSON.stringify(node.attrs?.activation)} is not one of ${ACTIVATIONS.join(', ')}`);
  const f = formatByName(w.entry.format, `${where}: weight format`);
  if (precision.weights !== undefined && precision.weights !== f.name) fail('BAD_PRECISION_MAP', `${where}: the precision map says weights ${precision.weights}, the bundle stores ${f.name}`);
  const x = get();
  const blocks: number[] = [];
  const keep = (p: number) => (blocks.push(p), p);
  const bias = b ? keep(heap.put(b.bytes)) : 0;
  const infer = ([s]: number[][]) => {
    if (s.length < 1 || s[s.length - 1] !== K) fail('SHAPE_MISMATCH', `${where}: input ${JSON.stringify(xName)} has shape ${JSON.stringify(s)}, last dimension must be ${K}`);
    return [...s.slice(0, -1), N];
  };
  const rows = (s: number[]) => elements(s) / K;
  const dispose = () => { for (const p of blocks.splice(0)) heap.free(p); };

  try {
    if (precision.accumulator !== 'f32' && precision.accumulator !== 'i32') {
      const accFmt = formatByName(precision.accumulator).id;
      const wf = f32Ptr(ctx, wName, w);
      const packed = keep(heap.alloc(x.packed_f32_bytes(N, K)));
      x.pack_w_f32(wf, N, K, packed);
      heap.free(wf);
      return { valueInputs: [xName], infer, dispose, run: ([xp], [s], yp) => x.dense_acc(xp, rows(s), K, packed, bias, N, yp, act, accFmt, 0) };
    }
    if (precision.activations === 'i8') {
      const s = scalesOf(ctx, wName, w);
      blocks.push(s.scales);
      if (f.name !== 'i8' || s.group !== K) fail('BAD_PRECISION_MAP', `${where}: i8 activations (w8a8) need i8 weights quantized per output channel (group ${K}), the bundle has ${f.name} with group ${s.group}`);
      if (s.zps) {
        const z = new Int32Array(heap.buffer(), s.zps, N);
        const nonzero = z.some((v) => v !== 0);
        heap.free(s.zps);
        if (nonzero) fail('BAD_PRECISION_MAP', `${where}: w8a8 needs symmetric weights (zero points 0)`);
      }
      const c = codesPtr(w);
      const packed = keep(heap.alloc(x.packed_w8a8_bytes(N, K)));
      x.pack_w_i8_k2(c.ptr, N, K, packed);
      heap.free(c.ptr);
      const K2 = (K + 1) >> 1;
      return {
        valueInputs: [xName], infer, dispose,
        scratch: ([sh]) => { const M = rows(sh); return M * K2 * 4 + 16 + M * 4 + 16 + M * K; },
        run: ([xp], [sh], yp, _o, scratch) => {
          const M = rows(sh);
          const xq = scratch, sx = xq + Math.ceil((M * K2 * 4) / 16) * 16 + 16, tmp = sx + Math.ceil((M * 4) / 16) * 16 + 16;
          x.quant_rows_i8(xp, M, K, xq, sx, tmp);
          x.dense_w8a8(xq, sx, M, K, packed, s.scales, bias, N, yp, act);
        },
      };
    }
    if (f.name === 'f32') {
      const raw = heap.put(w.bytes);
      const packed = keep(heap.alloc(x.packed_f32_bytes(N, K)));
      x.pack_w_f32(raw, N, K, packed);
      heap.free(raw);
      return { valueInputs: [xName], infer, dispose, run: ([xp], [s], yp) => x.dense_f32(xp, rows(s), K, packed, bias, N, yp, act) };
    }
    const s = scalesOf(ctx, wName, w);
    if (s.scales) blocks.push(s.scales);
    if (s.zps) blocks.push(s.zps);
    if (f.kind === 'int' && K % s.group !== 0 && s.group !== K) fail('BAD_TENSOR', `${where}: weight groups of ${s.group} must divide the row length ${K}`);
    const c = codesPtr(w);
    const packed = keep(heap.alloc(x.packed_q_bytes(f.id, N, K)));
    x.pack_w_q(f.id, c.ptr, N, K, packed);
    // The fused kernel (decode inside the microkernel) gives the same bits where it applies.
    const fused = x.weights_fusable(f.id, c.ptr, c.n, s.group, K) === 1;
    heap.free(c.ptr);
    if (fused) return { valueInputs: [xName], infer, dispose, run: ([xp], [sh], yp) => x.dense_wf(xp, rows(sh), K, packed, f.id, s.scales, s.zps, bias, N, yp, act) };
    return { valueInputs: [xName], infer, dispose, run: ([xp], [sh], yp) => x.dense_wq(xp, rows(sh), K, packed, f.id, s.scales, s.zps, s.group, bias, N, yp, act) };
  } catch (e) {
    dispose();
    throw e;
  }
};

// Products of two values with ONNX semantics: MatMul (numpy matmul: 1-D operands, batch
// broadcasting), Gemm (transA / transB, alpha, beta, C broadcast to [M, N]), MatMulInteger
// (u8 / i8 with zero points -> i32), Einsum (one or two operands). The host computes shapes and
// strides; every value is computed by assembly/nd/{matmul,matmul_int,einsum}.ts.
// see: ONNX MatMul, opset 13; Gemm, opset 13; MatMulInteger, opset 10; Einsum, opset 12

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeBytes, dtypeId } from '../dtype.js';
import { BINARY_OPS } from '../tables.js';
import { elements, type Builder, type DType, type OpContext } from './types.js';
import { planEinsum, einsumAsMatmul } from './einsum.js';

const rc = (ctx: OpContext, r: number) => { if (r !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected the arguments (status ${r})`); };
const shapeMismatch = (ctx: Pick<OpContext, 'where'>, why: string): never => fail('SHAPE_MISMATCH', `${ctx.where}: ${why}`);

// i32s written into the node's scratch at `p` (no allocation on the run path).
function putI32(p: number, v: number[]): number {
  new Int32Array(heap.buffer()).set(v, p >> 2);
  return p;
}

const typeOf = (ctx: OpContext, i: number): DType => {
  const t = ctx.typeOf(ctx.node.inputs[i]);
  if (!t) fail('BAD_GRAPH', `${ctx.where}: input ${i} (${JSON.stringify(ctx.node.inputs[i])}) has no element type`);
  return t;
};

const attr = (ctx: OpContext, k: string, dflt: number): number => {
  const v = ctx.node.attrs?.[k] ?? dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) fail('BAD_GRAPH', `${ctx.where}: attrs.${k} must be a number`);
  return v;
};

/** numpy matmul shapes: a [..., M, K] (or [K]), b [..., K, N] (or [K]). */
export interface MatShape { M: number; K: number; N: number; out: number[]; batch: number[]; ab: number[]; bb: number[] }
export function matShapes(ctx: Pick<OpContext, 'where'>, a: number[], b: number[]): MatShape {
  if (a.length < 1 || b.length < 1) shapeMismatch(ctx, `MatMul of a rank-${a.length} and a rank-${b.length} value (rank >= 1 expected)`);
  const A = a.length === 1 ? [1, a[0]] : a, B = b.length === 1 ? [b[0], 1] : b;
  const M = A[A.length - 2], K = A[A.length - 1], Kb = B[B.length - 2], N = B[B.length - 1];
  if (K !== Kb && K !== -1 && Kb !== -1) shapeMismatch(ctx, `A ${JSON.stringify(a)} has ${K} columns, B ${JSON.stringify(b)} has ${Kb} rows`);
  const r = Math.max(A.length, B.length) - 2;
  const pad = (s: number[]) => [...new Array(r - (s.length - 2)).fill(1), ...s.slice(0, -2)];
  const ab = pad(A), bb = pad(B);
  // numpy broadcasting; -1 (unknown at import) against 1 stays -1, against n is n
  const batch = ab.map((d, i) => {
    const e = bb[i];
    if (d === e || e === 1) return d;
    if (d === 1) return e;
    if (d === -1) return e;
    if (e === -1) return d;
    return shapeMismatch(ctx, `batch dims of ${JSON.stringify(a)} and ${JSON.stringify(b)} do not broadcast`);
  });
  const out = [...batch, ...(a.length === 1 ? [] : [M]), ...(b.length === 1 ? [] : [N])];
  return { M, K, N, out, batch, ab, bb };
}

// Einsum rows for a batched product (types the f32 / f64 kernels do not take): batch dims, M, N, K.
function matRows(s: MatShape, flags: number): number[][] {
  const { M, K, N } = s, rows: number[][] = [];
  const ys = [...s.batch.map((_, i) => s.batch.slice(i + 1).reduce((x, y) => x * y, 1) * M * N)];
  let sa = M * K, sb = K * N;
  const bRows: number[][] = [];
  for (let i = s.batch.length - 1; i >= 0; i--) {
    bRows.unshift([s.batch[i], s.ab[i] === 1 ? 0 : sa, s.bb[i] === 1 ? 0 : sb, ys[i]]);
    sa *= s.ab[i]; sb *= s.bb[i];
  }
  rows.push(...bRows);
  rows.push([M, flags & 1 ? 1 : K, 0, N], [N, 0, flags & 2 ? K : 1, 1], [K, flags & 1 ? M : 1, flags & 2 ? 1 : N, 0]);
  return rows;
}

const FLOAT_MM: Partial<Record<DType, string>> = { f32: 'matmul_f32_f32_f32__simd128_5x8', f64: 'matmul_f64_f64_f64__scalar' };
const EINSUM_TYPES: DType[] = ['f32', 'f64', 'i32', 'i64'];

// y = A . B for one MatShape, by the matmul kernel of t or the einsum kernel's rows.
function product(ctx: OpContext, t: DType, s: MatShape, flags: number, y: number, a: number, b: number, scratch: number): void {
  const fn = FLOAT_MM[t];
  if (fn) {
    const dims = putI32(scratch, [...s.batch, ...s.ab, ...s.bb]);
    rc(ctx, ctx.kernels[fn](y, a, b, s.M, s.K, s.N, flags, s.batch.length, dims));
  } else {
    const rows = matRows(s, flags);
    rc(ctx, ctx.kernels.einsum_nd_any__scalar(dtypeId(t), y, a, b, rows.length, rows.length - 1, putI32(scratch, rows.flat())));
  }
}
const productScratch = (rank: number) => 4 * (4 * (rank + 3)) + 64;

function checkType(ctx: OpContext, t: DType, ok: DType[]): void {
  if (!ok.includes(t)) fail('UNSUPPORTED_OP', `${ctx.where}: ${ctx.node.op} on ${t} values (${ok.join(', ')} are supported)`);
}

export const matmul: Builder = (ctx) => {
  const [an, bn] = ctx.node.inputs;
  const t = typeOf(ctx, 0);
  if (typeOf(ctx, 1) !== t) fail('BAD_GRAPH', `${ctx.where}: MatMul of ${t} and ${typeOf(ctx, 1)} values`);
  checkType(ctx, t, EINSUM_TYPES);
  return {
    valueInputs: [an, bn],
    outTypes: [t],
    infer: ([a, b]) => matShapes(ctx, a, b).out,
    scratch: ([a, b]) => productScratch(Math.max(a.length, b.length)),
    run([ap, bp], [a, b], yp, _o, scratch) {
      const s = matShapes(ctx, a, b);
      if (elements(s.out) > 0) product(ctx, t, s, 0, yp, ap, bp, scratch);
    },
    dispose() {},
  };
};

// Gemm: y = alpha * A' . B' + beta * C (A', B' after transA / transB; C broadcast to [M, N]).
// The scaled terms go through vbinary_nd_any__simd128 (mul, add), in this order.
const B_ADD = BINARY_OPS.indexOf('add'), B_MUL = BINARY_OPS.indexOf('mul');
export const gemm: Builder = (ctx) => {
  const ins = ctx.node.inputs.filter((n, i) => i < 2 || n !== '');
  const t = typeOf(ctx, 0);
  for (let i = 1; i < ins.length; i++) if (typeOf(ctx, i) !== t) fail('BAD_GRAPH', `${ctx.where}: Gemm input ${i} is ${typeOf(ctx, i)}, input 0 ${t}`);
  checkType(ctx, t, ['f32', 'f64']);
  const transA = attr(ctx, 'transA', 0) ? 1 : 0, transB = attr(ctx, 'transB', 0) ? 2 : 0;
  const alpha = attr(ctx, 'alpha', 1), beta = attr(ctx, 'beta', 1);
  const hasC = ins.length > 2;
  const size = dtypeBytes(t);
  const geometry = (a: number[], b: number[], c?: number[]) => {
    if (a.length !== 2 || b.length !== 2) shapeMismatch(ctx, `Gemm of ${JSON.stringify(a)} and ${JSON.stringify(b)} (2-D operands expected)`);
    const [M, K] = transA ? [a[1], a[0]] : a, [Kb, N] = transB ? [b[1], b[0]] : b;
    if (K !== Kb) shapeMismatch(ctx, `A' has ${K} columns, B' has ${Kb} rows`);
    let cd: number[] = [];
    if (c) {
      if (c.length > 2) shapeMismatch(ctx, `C ${JSON.stringify(c)} has rank ${c.length}`);
      cd = [...new Array(2 - c.length).fill(1), ...c];
      if ((cd[0] !== 1 && cd[0] !== M) || (cd[1] !== 1 && cd[1] !== N)) shapeMismatch(ctx, `C ${JSON.stringify(c)} does not broadcast to [${M}, ${N}]`);
    }
    return { M, K, N, cd };
  };
  return {
    valueInputs: ins,
    outTypes: [t],
    infer: ([a, b, c]) => { const g = geometry(a, b, c); return [g.M, g.N]; },
    scratch: ([a, b, c]) => productScratch(0) + (c ? elements(c) * size + 16 : 0) + 64,
    run([ap, bp, cp], [a, b, c], yp, _o, scratch) {
      const { M, K, N, cd } = geometry(a, b, c);
      if (M * N === 0) return;
      const s: MatShape = { M, K, N, out: [M, N], batch: [], ab: [], bb: [] };
      product(ctx, t, s, transA | transB, yp, ap, bp, scratch);
      // scalars and dims after the product's own scratch
      const sc = scratch + productScratch(0), dims = sc + 16, tmp = dims + 48;
      const putScalar = (v: number) => { if (t === 'f32') new Float32Array(heap.buffer(), sc, 1)[0] = v; else new Float64Array(heap.buffer(), sc, 1)[0] = v; return sc; };
      const bin = (op: number, y: number, x: number, z: number, d: number[]) => rc(ctx, ctx.kernels.vbinary_nd_any__simd128(dtypeId(t), op, y, x, z, d.length / 3, putI32(dims, d)));
      if (alpha !== 1) bin(B_MUL, yp, yp, putScalar(alpha), [M * N, M * N, 1]);
      if (!hasC || beta === 0) return;
      let cs = cp;
      if (beta !== 1) { const n = elements(c!); bin(B_MUL, tmp, cp, putScalar(beta), [n, n, 1]); cs = tmp; }
      bin(B_ADD, yp, yp, cs, [M, N, M, N, cd[0], cd[1]]);
    },
    dispose() {},
  };
};

// MatMulInteger: A, B u8 / i8 (any mix), zero points a scalar, or per row of A (length M) /
// per column of B (length N).
export const matmulInteger: Builder = (ctx) => {
  const ins = ctx.node.inputs;
  const names = [ins[0], ins[1], ins[2] ?? '', ins[3] ?? ''];
  const ta = typeOf(ctx, 0), tb = typeOf(ctx, 1);
  for (const [t, i] of [[ta, 0], [tb, 1]] as const) if (t !== 'u8' && t !== 'i8') fail('UNSUPPORTED_OP', `${ctx.where}: MatMulInteger input ${i} is ${t} (u8, i8 expected)`);
  for (const [z, i, t] of [[names[2], 2, ta], [names[3], 3, tb]] as const) if (z && ctx.typeOf(z) !== t) fail('BAD_GRAPH', `${ctx.where}: zero point (input ${i}) is ${ctx.typeOf(z)}, its operand ${t}`);
  const valueInputs = names.filter((n) => n !== '');
  const za = names[2] ? 2 : -1, zb = names[3] ? valueInputs.indexOf(names[3]) : -1;
  const zpCount = (z: number[] | undefined, len: number, which: string): number => {
    if (!z) return 0;
    const n = elements(z);
    if (n === 1) return 1;
    if (z.length === 1 && n === len) return len;
    return shapeMismatch(ctx, `${which} zero point of shape ${JSON.stringify(z)} (a scalar or ${len} values expected)`);
  };
  return {
    valueInputs,
    outTypes: ['i32'],
    infer: (sh) => matShapes(ctx, sh[0], sh[1]).out,
    scratch: ([a, b]) => productScratch(Math.max(a.length, b.length)),
    run(ptrs, sh, yp, _o, scratch) {
      const s = matShapes(ctx, sh[0], sh[1]);
      const na = za >= 0 ? zpCount(sh[za], s.M, 'A') : 0, nb = zb >= 0 ? zpCount(sh[zb], s.N, 'B') : 0;
      if (elements(s.out) === 0) return;
      const dims = putI32(scratch, [...s.batch, ...s.ab, ...s.bb]);
      rc(ctx, ctx.kernels.matmul_x8_x8_i32__simd128_4x8(yp, ptrs[0], dtypeId(ta), ptrs[1], dtypeId(tb), za >= 0 ? ptrs[za] : 0, na, zb >= 0 ? ptrs[zb] : 0, nb,
        s.M, s.K, s.N, s.batch.length, dims));
    },
    dispose() {},
  };
};

export const einsum: Builder = (ctx) => {
  const eq = ctx.node.attrs?.equation;
  if (typeof eq !== 'string') fail('BAD_GRAPH', `${ctx.where}: attrs.equation must be a string`);
  const ins = ctx.node.inputs;
  const t = typeOf(ctx, 0);
  checkType(ctx, t, EINSUM_TYPES);
  for (let i = 1; i < ins.length; i++) if (typeOf(ctx, i) !== t) fail('BAD_GRAPH', `${ctx.where}: Einsum input ${i} is ${typeOf(ctx, i)}, input 0 ${t}`);
  if (ins.length < 1 || ins.length > 2) fail('UNSUPPORTED_OP', `${ctx.where}: Einsum of ${ins.length} operands (1 or 2 are supported)`);
  // batched-matmul equations take the matmul kernels (same sums, same bits)
  const mm = FLOAT_MM[t] ? einsumAsMatmul(eq) : null;
  return {
    valueInputs: [...ins],
    outTypes: [t],
    infer: (sh) => planEinsum(eq, sh, ctx.where).outShape,
    scratch: (sh) => 16 * 60 + 64,
    run(ptrs, sh, yp, _o, scratch) {
      const p = planEinsum(eq, sh, ctx.where);
      if (elements(p.outShape) === 0) return;
      if (mm) {
        const [a, b] = sh, r = a.length - 2, f = mm.flags;
        const M = f & 1 ? a[r + 1] : a[r], K = f & 1 ? a[r] : a[r + 1], N = f & 2 ? b[r] : b[r + 1];
        return product(ctx, t, { M, K, N, out: p.outShape, batch: p.outShape.slice(0, r), ab: a.slice(0, r), bb: b.slice(0, r) }, f, yp, ptrs[0], ptrs[1], scratch);
      }
      rc(ctx, ctx.kernels.einsum_nd_any__scalar(dtypeId(t), yp, ptrs[0], ptrs[1] ?? 0, p.rows.length, p.nout, putI32(scratch, p.rows.flat())));
    },
    dispose() {},
  };
};

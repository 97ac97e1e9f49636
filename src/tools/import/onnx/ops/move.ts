// Generic rows (../generic.ts) of data movement and conversion on typed values: Cast 21,
// CastLike 21, Where 16, Expand 13, Tile 13, Slice 13, Split 13 / 18, Concat 13, Transpose 21,
// Pad 19, DepthToSpace 13, SpaceToDepth 13. Each becomes the runtime node of the same name
// (src/runtime/ops/move.ts); the layout-aware f32 handlers (data.ts, shape.ts) keep the f32 cases
// they take. Output shapes here use -1 for a dimension known only at run time.

import { unsupported } from '../../graph.js';
import { dtypeOfId } from '../../../../runtime/dtype.js';
import { sliceAxis } from '../../../../runtime/ops/move.js';
import { broadcastAll, constInts, need, type GenericRow, type In, type Out } from '../generic.js';

const dtypeOf = (ins: (In | undefined)[], i = 0) => need(ins, i, 'input').dtype;
const norm = (a: number, r: number) => { const x = a < 0 ? a + r : a; if (!(x >= 0 && x < r)) unsupported(`axis ${a} out of range for rank ${r}`); return x; };
/** d * k, or -1 when d is unknown */
const times = (d: number, k: number) => (d === -1 ? -1 : d * k);
/** the length of a 1-D argument tensor (its shape's only dim), or unsupported when unknown */
const lenOf = (x: In, what: string) => { const n = x.shape[0]; if (x.shape.length !== 1 || n === undefined || n < 0) unsupported(`${what} of shape ${JSON.stringify(x.shape)}`); return n; };

const cast: GenericRow = {
  infer: (ins, m) => {
    const to = m.at.i('to', 0), dtype = dtypeOfId(to);
    if (!dtype) unsupported(`Cast to element type ${to}, which Alloy has no values of`);
    return [{ dtype, shape: [...need(ins, 0, 'input').shape] }];
  },
};

const castLike: GenericRow = {
  infer: (ins) => [{ dtype: dtypeOf(ins, 1), shape: [...need(ins, 0, 'input').shape] }],
  attrs: (m) => ({ saturate: m.at.i('saturate', 1) }),
};

const where: GenericRow = {
  infer: (ins) => {
    const [c, x, y] = [0, 1, 2].map((i) => need(ins, i, ['condition', 'X', 'Y'][i]));
    if (c.dtype !== 'bool') unsupported(`a condition of type ${c.dtype}`);
    if (x.dtype !== y.dtype) unsupported(`X of type ${x.dtype} and Y of type ${y.dtype}`);
    return [{ dtype: x.dtype, shape: broadcastAll([c.shape, x.shape, y.shape]) }];
  },
};

const expand: GenericRow = {
  infer: (ins) => {
    const s = need(ins, 0, 'input').shape, sh = need(ins, 1, 'shape'), t = constInts(sh);
    if (t) return [{ dtype: dtypeOf(ins), shape: broadcastAll([s, t]) }];
    const r = Math.max(s.length, lenOf(sh, 'a shape'));
    return [{ dtype: dtypeOf(ins), shape: new Array(r).fill(-1) }];
  },
};

const tile: GenericRow = {
  infer: (ins) => {
    const s = need(ins, 0, 'input').shape, reps = constInts(need(ins, 1, 'repeats'));
    return [{ dtype: dtypeOf(ins), shape: reps && reps.length === s.length ? s.map((d, i) => times(d, reps[i])) : s.map(() => -1) }];
  },
};

const slice: GenericRow = {
  infer: (ins, m) => {
    const s = need(ins, 0, 'data').shape, dtype = dtypeOf(ins);
    // opset < 10: starts / ends / axes attributes (passed on as attributes)
    const [b, e, ax, st] = m.opset < 10 ? [m.at.ints('starts'), m.at.ints('ends'), m.at.ints('axes'), undefined]
      : [1, 2, 3, 4].map((i) => (ins[i] ? constInts(ins[i]) ?? null : undefined));
    if (b === undefined || e === undefined) unsupported('Slice without starts or ends');
    const axes = ax === undefined ? (b ? b.map((_, i) => i) : null) : ax && ax.map((a) => norm(a, s.length));
    if (!b || !e || !axes || st === null) {
      // arguments computed at run time: the sliced axes (all when unknown) become unknown
      return [{ dtype, shape: s.map((d, i) => (axes && !axes.includes(i) ? d : -1)) }];
    }
    const out = [...s];
    axes.forEach((a, i) => { out[a] = s[a] === -1 ? -1 : sliceAxis(s[a], b[i], e[i], st?.[i] ?? 1)[1]; });
    return [{ dtype, shape: out }];
  },
};

const split: GenericRow = {
  infer: (ins, m) => {
    const s = need(ins, 0, 'input').shape, dtype = dtypeOf(ins), n = (m.node.output ?? []).length;
    const axis = norm(m.at.i('axis', 0), s.length), d = s[axis];
    const given = ins[1] ? constInts(ins[1]) : m.at.ints('split');
    if (ins[1] && !given) return Array.from({ length: n }, (): Out => ({ dtype, shape: s.map((x, i) => (i === axis ? -1 : x)) }));
    let parts: number[];
    if (given) parts = given;
    else if (d === -1) parts = new Array(n).fill(-1);
    else if (m.at.has('num_outputs')) { const k = Math.ceil(d / n); parts = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(k, d - i * k))); }
    else parts = new Array(n).fill(d / n);
    if (parts.length !== n) unsupported(`${parts.length} split sizes for ${n} outputs`);
    return parts.map((p) => ({ dtype, shape: s.map((x, i) => (i === axis ? p : x)) }));
  },
};

const concat: GenericRow = {
  infer: (ins, m) => {
    const xs = ins.filter((x): x is In => !!x);
    if (!xs.length) unsupported('Concat without inputs');
    if (xs.some((x) => x.dtype !== xs[0].dtype)) unsupported(`inputs of types ${xs.map((x) => x.dtype).join(', ')}`);
    const r = xs[0].shape.length, a = norm(m.at.i('axis', 0), r);
    const out = xs[0].shape.map((d, i) => (i === a ? 0 : xs.find((x) => x.shape[i] !== -1)?.shape[i] ?? -1));
    out[a] = xs.some((x) => x.shape[a] === -1) ? -1 : xs.reduce((t, x) => t + x.shape[a], 0);
    return [{ dtype: xs[0].dtype, shape: out }];
  },
};

const transpose: GenericRow = {
  infer: (ins, m) => {
    const s = need(ins, 0, 'data').shape, perm = m.at.ints('perm', s.map((_, i) => s.length - 1 - i))!;
    if (perm.length !== s.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) unsupported(`perm ${JSON.stringify(perm)}`);
    return [{ dtype: dtypeOf(ins), shape: perm.map((p) => s[p]) }];
  },
};

const pad: GenericRow = {
  infer: (ins, m) => {
    if (m.opset < 11) unsupported('Pad before opset 11 on this input (pads as an attribute)');
    const s = need(ins, 0, 'data').shape, dtype = dtypeOf(ins), r = s.length;
    const p = constInts(need(ins, 1, 'pads')), ax = ins[3] ? constInts(ins[3]) : s.map((_, i) => i);
    if (!['constant', 'reflect', 'edge', 'wrap'].includes(m.at.s('mode', 'constant'))) unsupported(`mode ${JSON.stringify(m.at.s('mode', ''))}`);
    if (!p || !ax) return [{ dtype, shape: s.map(() => -1) }];
    const full = new Array(2 * r).fill(0);
    ax.forEach((a, i) => { const k = norm(a, r); full[k] = p[i]; full[k + r] = p[i + ax.length]; });
    return [{ dtype, shape: s.map((d, i) => (d === -1 ? -1 : d + full[i] + full[i + r])) }];
  },
};

/** DepthToSpace (toSpace) / SpaceToDepth on NCHW: the shapes, -1 kept. */
const blocks = (toSpace: boolean): GenericRow => ({
  infer: (ins, m) => {
    const s = need(ins, 0, 'input').shape, b = m.at.i('blocksize', 0);
    if (s.length !== 4) unsupported(`input of rank ${s.length} (4-D NCHW)`);
    if (b < 1) unsupported(`blocksize ${b}`);
    const [N, C, H, W] = s, div = (d: number, k: number) => (d === -1 ? -1 : d / k);
    const shape = toSpace ? [N, div(C, b * b), times(H, b), times(W, b)] : [N, times(C, b * b), div(H, b), div(W, b)];
    if (shape.some((d) => d !== -1 && !Number.isInteger(d))) unsupported(`shape ${JSON.stringify(s)} with blocksize ${b}`);
    return [{ dtype: dtypeOf(ins), shape }];
  },
});

export const GENERIC_MOVE: Record<string, GenericRow> = {
  Cast: cast, CastLike: castLike, Where: where, Expand: expand, Tile: tile, Slice: slice, Split: split,
  Concat: concat, Transpose: transpose, Pad: pad, DepthToSpace: blocks(true), SpaceToDepth: blocks(false),
};

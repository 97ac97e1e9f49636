// If, Loop, Scan, SequenceMap: host nodes that run subgraph bodies (./program.ts) on host values.
// Outputs whose shapes depend on data (the branch taken, the trip count) are fine here: the
// segment after a host node is planned from the values it produced.

import { fail } from '../errors.js';
import { dtypeBytes, type DType } from '../dtype.js';
import { elements } from '../bundle/layout.js';
import { compileBody, type Env } from './program.js';
import { makeHost, inType, needIn, outCount, type HostBuilder, type HostCtx } from './host.js';
import { DynOp } from './dynop.js';
import { vkind, typeName, tensorOf, type HTensor, type HValue, type HSeq } from './value.js';

/** One body run charged to the run's budget (limit maxIterations): a loop whose condition never
 *  turns false ends in LIMIT_EXCEEDED, not a hang. */
export function iteration(env: Env, where: string): void {
  if (--env.budget.left < 0) fail('LIMIT_EXCEEDED', `${where}: more than ${env.budget.max} body runs in one run() (limit maxIterations)`);
}

const bool = (b: boolean): HTensor => tensorOf('bool', [], new Uint8Array([b ? 1 : 0]));
const i64 = (n: number): HTensor => tensorOf('i64', [], new Uint8Array(new BigInt64Array([BigInt(n)]).buffer));

/** The one element of a scalar (or one-element) tensor, as a number; BAD_INPUT otherwise. */
export function scalar(t: HTensor, where: string, what: string): number {
  if (elements(t.shape) !== 1) fail('BAD_INPUT', `${where}: ${what} has shape ${JSON.stringify(t.shape)}; it must hold one element`);
  const b = t.bytes.buffer.slice(t.bytes.byteOffset, t.bytes.byteOffset + dtypeBytes(t.dtype));
  switch (t.dtype) {
    case 'bool': case 'u8': return new Uint8Array(b)[0];
    case 'i64': { const v = new BigInt64Array(b)[0]; return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < -BigInt(Number.MAX_SAFE_INTEGER) ? -Number.MAX_SAFE_INTEGER : Number(v); }
    case 'i32': return new Int32Array(b)[0];
    default: return fail('BAD_INPUT', `${where}: ${what} is ${t.dtype}; an integer or bool is expected`);
  }
}

/** Tensors of one shape stacked along a new first axis (their bytes one after another). */
export function stack(parts: HTensor[], dtype: DType, empty: number[], where: string): HTensor {
  if (!parts.length) return tensorOf(dtype, [0, ...empty], new Uint8Array(0));
  const s = parts[0].shape, n = elements(s) * dtypeBytes(dtype);
  const out = new Uint8Array(n * parts.length);
  parts.forEach((p, i) => {
    if (p.shape.length !== s.length || p.shape.some((d, k) => d !== s[k])) fail('SHAPE_MISMATCH', `${where}: iteration ${i} gave a scan output of shape ${JSON.stringify(p.shape)}, iteration 0 ${JSON.stringify(s)}`);
    out.set(p.bytes.subarray(0, n), i * n);
  });
  return tensorOf(dtype, [parts.length, ...s], out);
}

const sameTypes = (ctx: HostCtx, what: string, a: string[], b: string[]) => {
  if (a.length !== b.length) fail('BAD_GRAPH', `${ctx.where}: ${what}: ${a.length} values against ${b.length}`);
  a.forEach((t, i) => { if (t !== b[i]) fail('BAD_GRAPH', `${ctx.where}: ${what}: value ${i} is ${t} against ${b[i]}`); });
};

const tensorOnly = (ctx: HostCtx, t: string, what: string): DType => {
  const k = vkind(t);
  if (k?.k !== 't') fail('UNSUPPORTED_OP', `${ctx.where}: ${what} is a ${t}; only tensors are stacked`);
  return k.dtype;
};

/** see: ONNX If, opsets 1-19: the branch named by cond runs; both have no inputs and the same
 *  output types. */
const If: HostBuilder = (ctx) => {
  const c = needIn(ctx, 0, 't', 'cond');
  if (c.dtype !== 'bool') fail('BAD_GRAPH', `${ctx.where}: cond is ${c.dtype}; If takes bool`);
  const then = compileBody(ctx, 'then_branch');
  let other;
  try { other = compileBody(ctx, 'else_branch'); } catch (e) { then.prog.dispose(); throw e; }
  const bodies = [then.prog, other.prog];
  try {
    if (then.inTypes.length || other.inTypes.length) fail('BAD_GRAPH', `${ctx.where}: If branches take no inputs`);
    sameTypes(ctx, 'then_branch and else_branch outputs', then.outTypes, other.outTypes);
    outCount(ctx, then.outTypes.length);
  } catch (e) { for (const b of bodies) b.dispose(); throw e; }
  return makeHost(ctx, then.outTypes, (ins, env) => (scalar(ins[0] as HTensor, ctx.where, 'cond') ? then : other).prog.run(env, []), bodies);
};

/** see: ONNX Loop, opsets 11-19: body (iteration_num, cond, carried...) -> (cond, carried...,
 *  scan outputs...); it runs while i < M (when given) and cond (when given) holds; scan outputs
 *  are stacked along a new first axis. */
const Loop: HostBuilder = (ctx) => {
  const { inputs } = ctx.node;
  const hasM = !!inputs[0], hasCond = !!inputs[1];
  if (!hasM && !hasCond) fail('UNSUPPORTED_OP', `${ctx.where}: a Loop with neither trip count nor condition never ends`);
  if (hasM && needIn(ctx, 0, 't', 'M').dtype !== 'i64') fail('BAD_GRAPH', `${ctx.where}: M must be i64`);
  if (hasCond && needIn(ctx, 1, 't', 'cond').dtype !== 'bool') fail('BAD_GRAPH', `${ctx.where}: cond must be bool`);
  const inits = inputs.slice(2).map((_, j) => typeName(inType(ctx, 2 + j) ?? fail('BAD_GRAPH', `${ctx.where}: loop-carried input ${j} is missing`)));
  const b = compileBody(ctx, 'body');
  const n = inits.length;
  let scanTypes: DType[];
  try {
    if (b.inTypes.length !== n + 2) fail('BAD_GRAPH', `${ctx.where}: the body takes ${b.inTypes.length} inputs; Loop gives it ${n + 2} (iteration_num, cond, ${n} carried)`);
    if (b.inTypes[0] !== 'i64' || b.inTypes[1] !== 'bool') fail('BAD_GRAPH', `${ctx.where}: the body's first inputs must be i64 iteration_num and bool cond, not ${b.inTypes[0]} and ${b.inTypes[1]}`);
    if (b.outTypes.length < n + 1 || b.outTypes[0] !== 'bool') fail('BAD_GRAPH', `${ctx.where}: the body must give a bool cond and ${n} carried values first`);
    sameTypes(ctx, 'initial values against body inputs', inits, b.inTypes.slice(2));
    sameTypes(ctx, 'body carried outputs against its inputs', b.outTypes.slice(1, n + 1), b.inTypes.slice(2));
    scanTypes = b.outTypes.slice(n + 1).map((t, k) => tensorOnly(ctx, t, `scan output ${k}`));
    outCount(ctx, n + scanTypes.length);
  } catch (e) { b.prog.dispose(); throw e; }
  return makeHost(ctx, [...inits, ...scanTypes], (ins, env) => {
    const m = hasM ? scalar(ins[0] as HTensor, ctx.where, 'M') : Infinity;
    let cond = hasCond ? scalar(ins[1] as HTensor, ctx.where, 'cond') !== 0 : true;
    let carried = ins.slice(2) as HValue[];
    const scans: HTensor[][] = scanTypes.map(() => []);
    for (let i = 0; i < m && cond; i++) {
      iteration(env, ctx.where);
      const outs = b.prog.run(env, [i64(i), bool(cond), ...carried]);
      if (hasCond) cond = scalar(outs[0] as HTensor, ctx.where, 'the body\'s cond') !== 0;
      carried = outs.slice(1, n + 1);
      outs.slice(n + 1).forEach((o, k) => scans[k].push(o as HTensor));
    }
    return [...carried, ...scans.map((p, k) => stack(p, scanTypes[k], [], `${ctx.where}: scan output ${k}`))];
  }, [b.prog]);
};

/** A permutation moving axis `from` to position `to`. */
const moveAxis = (rank: number, from: number, to: number) => { const p = [...Array(rank).keys()].filter((a) => a !== from); p.splice(to, 0, from); return p; };

/** An axis attribute entry in [-rank, rank), made non-negative. */
function axisOf(ctx: HostCtx, a: number, rank: number, what: string): number {
  if (!Number.isInteger(a) || a < -rank || a >= rank) fail('BAD_INPUT', `${ctx.where}: ${what} ${a} is outside [${-rank}, ${rank})`);
  return a < 0 ? a + rank : a;
}

const ints = (ctx: HostCtx, name: string, n: number, d: number): number[] => {
  const v = ctx.node.attrs?.[name] ?? Array(n).fill(d);
  if (!Array.isArray(v) || v.length !== n || !v.every(Number.isInteger)) fail('BAD_GRAPH', `${ctx.where}: attribute ${name} must be ${n} integers`);
  return v as number[];
};

/** Index b of a tensor's first axis (a run of bytes). */
const row = (t: HTensor, b: number): HTensor => {
  const rest = t.shape.slice(1), sz = elements(rest) * dtypeBytes(t.dtype);
  return tensorOf(t.dtype, rest, t.bytes.subarray(b * sz, (b + 1) * sz));
};

/** see: ONNX Scan, opsets 9-19: state values carried, scan inputs sliced along their axes (in
 *  their directions), scan outputs stacked along theirs. Slices move through Transpose (./dynop.ts).
 *  `batched` (opset 8): input 0 is sequence_lens (absent: every sequence whole), every input has
 *  a batch axis first, and the scan runs once per batch entry. */
const Scan: HostBuilder = (ctx) => {
  const m = ctx.node.attrs?.num_scan_inputs, batched = ctx.node.attrs?.batched === true, first = batched ? 1 : 0;
  if (batched && ctx.node.inputs[0]) fail('UNSUPPORTED_OP', `${ctx.where}: Scan (opset 8) with sequence_lens`);
  const all = ctx.node.inputs.slice(first).map((_, i) => typeName(inType(ctx, first + i) ?? fail('BAD_GRAPH', `${ctx.where}: input ${first + i} is missing`)));
  if (!Number.isInteger(m) || (m as number) < 1 || (m as number) > all.length) fail('BAD_GRAPH', `${ctx.where}: num_scan_inputs ${JSON.stringify(m)} must be 1 to ${all.length}`);
  const M = m as number, N = all.length - M;
  const scanIn = all.slice(N).map((t, j) => tensorOnly(ctx, t, `scan input ${j}`));
  const inAxes = ints(ctx, 'scan_input_axes', M, 0), inDirs = ints(ctx, 'scan_input_directions', M, 0);
  const b = compileBody(ctx, 'body');
  let K = 0, outTypes: DType[];
  try {
    sameTypes(ctx, 'state and scan inputs against body inputs', [...all.slice(0, N), ...scanIn], b.inTypes);
    if (b.outTypes.length < N) fail('BAD_GRAPH', `${ctx.where}: the body gives ${b.outTypes.length} outputs, fewer than its ${N} state values`);
    sameTypes(ctx, 'body state outputs against its inputs', b.outTypes.slice(0, N), b.inTypes.slice(0, N));
    K = b.outTypes.length - N;
    outTypes = b.outTypes.slice(N).map((t, k) => tensorOnly(ctx, t, `scan output ${k}`));
    outCount(ctx, N + K);
  } catch (e) { b.prog.dispose(); throw e; }
  const outAxes = ints(ctx, 'scan_output_axes', K, 0), outDirs = ints(ctx, 'scan_output_directions', K, 0);
  const transpose = new DynOp(ctx.env, 'Transpose', ctx.node.name);
  const scan = (env: Env, ins: HValue[]): HValue[] => {
    let state = ins.slice(0, N) as HValue[];
    // each scan input with its axis moved first, so a slice is a run of bytes
    const seqs = (ins.slice(N) as HTensor[]).map((t, j) => {
      const a = axisOf(ctx, inAxes[j], t.shape.length, `scan_input_axes[${j}]`);
      return a === 0 ? t : transpose.run(env, [t], 1, { perm: moveAxis(t.shape.length, a, 0) })[0];
    });
    const T = seqs[0].shape[0];
    seqs.forEach((t, j) => { if (t.shape[0] !== T) fail('SHAPE_MISMATCH', `${ctx.where}: scan input ${j} has ${t.shape[0]} steps, scan input 0 ${T}`); });
    const scans: HTensor[][] = outTypes.map(() => []);
    for (let t = 0; t < T; t++) {
      iteration(env, ctx.where);
      const slices = seqs.map((s, j) => {
        const step = inDirs[j] ? T - 1 - t : t, rest = s.shape.slice(1), sz = elements(rest) * dtypeBytes(s.dtype);
        return tensorOf(s.dtype, rest, s.bytes.subarray(step * sz, (step + 1) * sz));
      });
      const outs = b.prog.run(env, [...state, ...slices]);
      state = outs.slice(0, N);
      outs.slice(N).forEach((o, k) => scans[k].push(o as HTensor));
    }
    const stacked = scans.map((p, k) => {
      const s = stack(outDirs[k] ? [...p].reverse() : p, outTypes[k], [], `${ctx.where}: scan output ${k}`);
      const a = axisOf(ctx, outAxes[k], s.shape.length, `scan_output_axes[${k}]`);
      return a === 0 ? s : transpose.run(env, [s], 1, { perm: moveAxis(s.shape.length, 0, a) })[0];
    });
    return [...state, ...stacked];
  };
  return makeHost(ctx, [...all.slice(0, N), ...outTypes], (given, env) => {
    const ins = given.slice(first) as HTensor[];
    if (!batched) return scan(env, ins);
    const B = ins[0].shape[0];
    ins.forEach((t, j) => { if (t.shape[0] !== B) fail('SHAPE_MISMATCH', `${ctx.where}: input ${j + 1} has a batch of ${t.shape[0]}, input 1 ${B}`); });
    const per = Array.from({ length: B }, (_, k) => scan(env, ins.map((t) => row(t, k))) as HTensor[]);
    return [...all.slice(0, N), ...outTypes].map((t, o) => stack(per.map((r) => r[o]), t as DType, [], `${ctx.where}: output ${o}`));
  }, [b.prog], () => transpose.dispose());
};

/** see: ONNX SequenceMap, opset 17: the body runs once per position of the first sequence, on
 *  the elements of the sequence inputs there and on the tensor inputs whole; each body output
 *  becomes a sequence. */
const SequenceMap: HostBuilder = (ctx) => {
  needIn(ctx, 0, 's', 'input_sequence');
  const kinds = ctx.node.inputs.map((_, i) => inType(ctx, i) ?? fail('BAD_GRAPH', `${ctx.where}: input ${i} is missing`));
  const b = compileBody(ctx, 'body');
  let outTypes: string[];
  try {
    sameTypes(ctx, 'inputs (sequence elements) against body inputs', kinds.map((k) => (k.k === 's' ? k.elem : typeName(k))), b.inTypes);
    outTypes = b.outTypes.map((t, k) => `seq<${tensorOnly(ctx, t, `body output ${k}`)}>`);
    outCount(ctx, outTypes.length);
  } catch (e) { b.prog.dispose(); throw e; }
  return makeHost(ctx, outTypes, (ins, env) => {
    const len = (ins[0] as HSeq).items.length;
    ins.forEach((v, i) => { if (v!.k === 's' && v!.items.length !== len) fail('SHAPE_MISMATCH', `${ctx.where}: sequence input ${i} has ${v!.items.length} elements, input 0 ${len}`); });
    const outs: HSeq[] = b.outTypes.map((t) => ({ k: 's', elem: t as DType, items: [] }));
    for (let p = 0; p < len; p++) {
      iteration(env, ctx.where);
      const r = b.prog.run(env, ins.map((v) => (v!.k === 's' ? v!.items[p] : v!)));
      r.forEach((o, k) => outs[k].items.push(o as HTensor));
    }
    return outs;
  }, [b.prog]);
};

export const FLOW: Record<string, HostBuilder> = { If, Loop, Scan, SequenceMap };

export type { Env };

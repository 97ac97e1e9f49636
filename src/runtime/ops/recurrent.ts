// RNN, GRU and LSTM with ONNX semantics (see: ONNX RNN / GRU / LSTM, opsets 7 and 14): forward,
// reverse, bidirectional; optional B, sequence_lens, initial_h / initial_c, P; layout 0 / 1;
// activation lists with alpha / beta; clip; GRU linear_before_reset; LSTM input_forget; every
// output optional. Inputs in ONNX order: X W R B sequence_lens initial_h initial_c P.
// Stored W / R are packed once at load (pack_recurrent_f32); W / R fed as values are packed per
// run into scratch. Every value is computed by assembly/nd/recurrent.ts.

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { RECURRENT_ACTS } from '../tables.js';
import { type Builder, type OpContext } from './types.js';

const KIND = { RNN: 0, GRU: 1, LSTM: 2 } as const;
type Kind = keyof typeof KIND;
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTS: Record<Kind, string[]> = { RNN: ['tanh'], GRU: ['sigmoid', 'tanh'], LSTM: ['sigmoid', 'tanh', 'tanh'] };
const INPUTS = ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h', 'initial_c', 'P'];
// which of alpha / beta each activation takes, and the defaults when the lists run out
// (onnxruntime's reading of the lists: consumed in order, only by activations that take them)
const TAKES: Record<string, [boolean, boolean]> = {
  affine: [true, true], leakyrelu: [true, false], thresholdedrelu: [true, false], scaledtanh: [true, true], hardsigmoid: [true, true], elu: [true, false],
};
const DEFAULTS: Record<string, [number, number]> = { leakyrelu: [0.01, 0], hardsigmoid: [0.2, 0.5], elu: [1, 0] };
// the kernel's params block (assembly/nd/recurrent.ts P_*)
const P = { KIND: 0, T: 1, B: 2, I: 3, H: 4, DIRS: 5, REV: 6, LAYOUT: 7, LBR: 8, IFORGET: 9, HASCLIP: 10, CLIP: 11, ACT: 12, ALPHA: 18, BETA: 24, COUNT: 30 };
const PARAM_BYTES = heap.pad16(P.COUNT * 4);

interface Attrs { dirs: number; rev: number; layout: number; hidden?: number; lbr: number; iforget: number; clip?: number; acts: number[]; alpha: number[]; beta: number[] }

function attrs(ctx: OpContext, kind: Kind): Attrs {
  const a = ctx.node.attrs ?? {}, w = ctx.where;
  const int = (k: string, dflt: number, ok: number[]): number => {
    const v = a[k] ?? dflt;
    if (!ok.includes(v as number)) fail('BAD_GRAPH', `${w}: attrs.${k} ${JSON.stringify(v)} must be one of ${ok.join(', ')}`);
    return v as number;
  };
  const floats = (k: string): number[] => {
    const v = a[k] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) fail('BAD_GRAPH', `${w}: attrs.${k} must be a list of numbers`);
    return v as number[];
  };
  const direction = a.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') fail('BAD_GRAPH', `${w}: attrs.direction ${JSON.stringify(direction)} is not forward, reverse or bidirectional`);
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const hidden = a.hidden_size;
  if (hidden !== undefined && !(Number.isSafeInteger(hidden) && (hidden as number) >= 1)) fail('BAD_GRAPH', `${w}: attrs.hidden_size ${JSON.stringify(hidden)} must be a positive integer`);
  const clip = a.clip;
  if (clip !== undefined && !(typeof clip === 'number' && clip >= 0)) fail('BAD_GRAPH', `${w}: attrs.clip ${JSON.stringify(clip)} must be a non-negative number`);
  // activations: k per direction (k given once is used for both directions)
  const k = DEFAULT_ACTS[kind].length;
  const given: unknown = a.activations ?? DEFAULT_ACTS[kind];
  if (!Array.isArray(given) || !given.every((s) => typeof s === 'string')) fail('BAD_GRAPH', `${w}: attrs.activations must be a list of strings`);
  const names: string[] = given.length === k && dirs === 2 ? [...given, ...given] : given;
  if (names.length !== k * dirs) fail('BAD_GRAPH', `${w}: attrs.activations has ${names.length} names, ${kind} ${direction} takes ${k * dirs}`);
  const al = floats('activation_alpha'), be = floats('activation_beta');
  let ia = 0, ib = 0;
  const acts: number[] = [], alpha: number[] = [], beta: number[] = [];
  for (const n of names) {
    const name = n.toLowerCase(), code = RECURRENT_ACTS.indexOf(name as (typeof RECURRENT_ACTS)[number]);
    if (code < 0) fail('BAD_GRAPH', `${w}: activation ${JSON.stringify(n)} is not one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus`);
    const [ta, tb] = TAKES[name] ?? [false, false], [da, db] = DEFAULTS[name] ?? [0, 0];
    acts.push(code);
    alpha.push(ta ? (ia < al.length ? al[ia++] : da) : 0);
    beta.push(tb ? (ib < be.length ? be[ib++] : db) : 0);
  }
  return {
    dirs, rev: direction === 'reverse' ? 1 : 0, layout: int('layout', 0, [0, 1]), hidden: hidden as number | undefined,
    lbr: kind === 'GRU' ? int('linear_before_reset', 0, [0, 1]) : 0, iforget: kind === 'LSTM' ? int('input_forget', 0, [0, 1]) : 0,
    clip: clip as number | undefined, acts, alpha, beta,
  };
}

interface Geo { T: number; B: number; I: number; H: number; outs: number[][] }

const recurrent = (kind: Kind): Builder => (ctx) => {
  const { node, where } = ctx, x = ctx.kernels;
  const at = attrs(ctx, kind);
  const G = GATES[kind], dirs = at.dirs;
  const maxIn = kind === 'LSTM' ? 8 : 6, maxOut = kind === 'LSTM' ? 3 : 2;
  if (node.inputs.length < 3 || node.inputs.length > maxIn || !node.inputs[0] || !node.inputs[1] || !node.inputs[2]) fail('BAD_GRAPH', `${where}: ${kind} takes X, W, R and up to ${maxIn - 3} optional inputs, got ${JSON.stringify(node.inputs)}`);
  if (node.outputs.length < 1 || node.outputs.length > maxOut) fail('BAD_GRAPH', `${where}: ${kind} has at most ${maxOut} outputs, got ${node.outputs.length}`);
  const names = INPUTS.slice(0, maxIn).map((_, i) => node.inputs[i] ?? '');
  for (let i = 0; i < names.length; i++) {
    if (!names[i]) continue;
    const t = ctx.typeOf(names[i]);
    const want = i === 4 ? 'i32' : 'f32';
    if (i === 0 && t !== 'f32') fail('UNSUPPORTED_OP', `${where}: ${kind} on ${t ?? 'untyped'} values (f32 is supported)`);
    if (t !== want) fail('BAD_GRAPH', `${where}: ${INPUTS[i]} (input ${i}) is ${t ?? 'not a typed value'}, ${want} expected`);
  }
  const fast = !ctx.reference;
  const ref = fast ? 'recurrent_f32_f32_f32__simd128_5x8' : 'recurrent_f32_f32_f32__scalar';
  const blocks: number[] = [];
  const dispose = () => { for (const p of blocks.splice(0)) heap.free(p); };
  // W and R stored: held by this node (packed on the fast path); otherwise values
  const held: (number | undefined)[] = [], heldShape: (number[] | undefined)[] = [];
  const valueInputs: string[] = [], slot: number[] = names.map(() => -1);
  for (let i = 0; i < names.length; i++) {
    if (!names[i]) continue;
    const w = (i === 1 || i === 2) ? ctx.weights.get(names[i]) : undefined;
    if (w) { heldShape[i] = [...w.entry.shape]; continue; }
    slot[i] = valueInputs.length;
    valueInputs.push(names[i]);
  }
  const shapeOf = (sh: number[][], i: number): number[] | undefined => heldShape[i] ?? (slot[i] >= 0 ? sh[slot[i]] : undefined);
  const bad = (why: string): never => fail('SHAPE_MISMATCH', `${where}: ${why}`);
  const js = JSON.stringify;
  const geometry = (sh: number[][]): Geo => {
    const X = shapeOf(sh, 0)!, W = shapeOf(sh, 1)!, R = shapeOf(sh, 2)!;
    if (X.length !== 3) bad(`X ${js(X)} must be rank 3`);
    const [T, B] = at.layout === 0 ? [X[0], X[1]] : [X[1], X[0]], I = X[2];
    if (R.length !== 3) bad(`R ${js(R)} must be [${dirs}, ${G} * hidden_size, hidden_size]`);
    const H = at.hidden ?? R[2];
    const chk = (i: number, want: number[]) => { const s = shapeOf(sh, i); if (s && js(s) !== js(want)) bad(`${INPUTS[i]} ${js(s)}, expected ${js(want)}`); };
    chk(2, [dirs, G * H, H]); chk(1, [dirs, G * H, I]); chk(3, [dirs, 2 * G * H]); chk(4, [B]);
    const state = at.layout === 0 ? [dirs, B, H] : [B, dirs, H];
    chk(5, state); chk(6, state); chk(7, [dirs, 3 * H]);
    const Y = at.layout === 0 ? [T, dirs, B, H] : [B, T, dirs, H];
    return { T, B, I, H, outs: [Y, state, state].slice(0, node.outputs.length) };
  };
  const wBytes = (I: number, H: number) => heap.checkBlock(x.packed_recurrent_f32_bytes(dirs, G * H, I, G * H), where);
  const rBytes = (H: number) => heap.checkBlock(x.packed_recurrent_f32_bytes(dirs, G * H, H, kind === 'GRU' ? 2 * H : G * H), where);
  try {
    // pack stored weights once (their shapes checked against each other first)
    for (const i of [1, 2]) {
      const s = heldShape[i];
      if (!s) continue;
      if (s.length !== 3 || s[0] !== dirs || s[1] % G !== 0 || s.some((d) => d < 0)) bad(`${INPUTS[i]} ${js(s)} must be [${dirs}, ${G} * hidden_size, ${i === 1 ? 'input_size' : 'hidden_size'}]`);
      const H = s[1] / G, K = s[2];
      if (i === 2 && (K !== H || (at.hidden !== undefined && at.hidden !== H))) bad(`R ${js(s)} must be [${dirs}, ${G * (at.hidden ?? K)}, ${at.hidden ?? K}]`);
      const src = ctx.weights.get(names[i])!.put();
      if (!fast) { held[i] = src; blocks.push(src); continue; }
      let dst = 0;
      try {
        dst = heap.alloc(i === 1 ? wBytes(K, H) : rBytes(H), false);
        x.pack_recurrent_f32(src, dirs, G * H, K, i === 2 && kind === 'GRU' ? 2 * H : G * H, dst);
      } finally { heap.free(src); }
      held[i] = dst; blocks.push(dst);
    }
  } catch (e) { dispose(); throw e; }
  const work = (g: Geo) => heap.checkBlock(x.recurrent_scratch_bytes(KIND[kind], g.T, g.B, g.H), where);
  const packW = fast && slot[1] >= 0, packR = fast && slot[2] >= 0;
  return {
    valueInputs,
    outTypes: node.outputs.map(() => 'f32' as const),
    infer: (sh) => { const o = geometry(sh).outs; return o.length === 1 ? o[0] : o; },
    scratch: (sh) => {
      const g = geometry(sh);
      return PARAM_BYTES + heap.pad16(work(g)) + (packW ? heap.pad16(wBytes(g.I, g.H)) : 0) + (packR ? heap.pad16(rBytes(g.H)) : 0);
    },
    run(ptrs, sh, _y, _o, scratch, outs) {
      const g = geometry(sh);
      const ps = new Int32Array(heap.buffer(), scratch, P.COUNT), pf = new Float32Array(heap.buffer(), scratch, P.COUNT);
      ps.fill(0);
      ps.set([KIND[kind], g.T, g.B, g.I, g.H, dirs, at.rev, at.layout, at.lbr, at.iforget, at.clip === undefined ? 0 : 1]);
      pf[P.CLIP] = at.clip ?? 0;
      const k = at.acts.length / dirs;
      for (let d = 0; d < dirs; d++) for (let j = 0; j < k; j++) {
        const s = d * 3 + j, a = d * k + j;
        ps[P.ACT + s] = at.acts[a]; pf[P.ALPHA + s] = at.alpha[a]; pf[P.BETA + s] = at.beta[a];
      }
      const wk = scratch + PARAM_BYTES;
      let extra = wk + heap.pad16(work(g));
      const ptr = (i: number) => (held[i] !== undefined ? held[i]! : slot[i] >= 0 ? ptrs[slot[i]] : 0);
      let w = ptr(1), r = ptr(2);
      if (packW) { x.pack_recurrent_f32(w, dirs, G * g.H, g.I, G * g.H, extra); w = extra; extra += heap.pad16(wBytes(g.I, g.H)); }
      if (packR) { x.pack_recurrent_f32(r, dirs, G * g.H, g.H, kind === 'GRU' ? 2 * g.H : G * g.H, extra); r = extra; }
      const out = (k2: number) => (node.outputs[k2] ? outs[k2] : 0);
      const rc = x[ref](scratch, out(0), out(1), kind === 'LSTM' ? out(2) : 0, ptr(0), w, r, ptr(3), ptr(4), ptr(5), ptr(6), ptr(7), wk);
      if (rc === 3) fail('BAD_INPUT', `${where}: sequence_lens has a value outside [0, ${g.T}]`);
      if (rc !== 0) fail('BAD_GRAPH', `${where}: the kernel rejected the parameters (status ${rc})`);
    },
    dispose,
    weightsHeld: 'f32',
    kernel: ref,
  };
};

export const rnn = recurrent('RNN');
export const gru = recurrent('GRU');
export const lstm = recurrent('LSTM');

// Einsum's equation as index arithmetic (see: ONNX Einsum, opset 12): labels, sizes and element
// strides per operand, the rows einsum_nd_any__scalar (assembly/nd/einsum.ts) loops over.
// Letters are labels (case-sensitive); "..." stands for the dims no letter names, broadcast
// across operands like numpy (right-aligned, 1 against n). Without "->" the output is the
// ellipsis dims, then the letters used once, in alphabetical order. A letter repeated in one
// operand takes its diagonal. Summed labels are summed in order of first appearance.

import { fail } from '../errors.js';

export interface EinsumPlan {
  /** rows [size, stride in a, stride in b, stride in y], output labels first */
  rows: number[][];
  nout: number;
  outShape: number[];
}

const ELL = '...';

// "ab...c" -> ['a', 'b', '...', 'c'], or null on a bad character / a second ellipsis.
function tokens(term: string): string[] | null {
  const out: string[] = [];
  let ell = false;
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith(ELL, i)) { if (ell) return null; ell = true; out.push(ELL); i += 2; continue; }
    if (!/[A-Za-z]/.test(term[i])) return null;
    out.push(term[i]);
  }
  return out;
}

export function planEinsum(equation: string, shapes: number[][], where: string): EinsumPlan {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs, extra] = eq.split('->');
  const bad = (why: string): never => fail('BAD_GRAPH', `${where}: Einsum equation "${equation}": ${why}`);
  if (extra !== undefined) bad('more than one "->"');
  const terms = lhs.split(',').map(tokens);
  if (terms.length !== shapes.length) bad(`${terms.length} operand terms for ${shapes.length} inputs`);
  if (terms.length < 1 || terms.length > 2) bad('Alloy takes one or two operands');
  // ellipsis rank of each operand, and the broadcast ellipsis shape
  const ellRank = terms.map((t, i) => {
    if (!t) return bad(`operand ${i}: bad term`);
    const letters = t.filter((x) => x !== ELL).length, rank = shapes[i].length;
    if (t.includes(ELL) ? letters > rank : letters !== rank) fail('SHAPE_MISMATCH', `${where}: Einsum operand ${i} has rank ${rank}, its term "${t.join('')}" names ${letters} dims`);
    return t.includes(ELL) ? rank - letters : 0;
  });
  const E = Math.max(0, ...ellRank);
  // per operand, the label of each dim
  const dimLabels = terms.map((t, i) => t!.flatMap((x) => (x === ELL ? Array.from({ length: ellRank[i] }, (_, j) => `.${E - ellRank[i] + j}`) : [x])));
  const size = new Map<string, number>(), order: string[] = [];
  dimLabels.forEach((labs, i) => labs.forEach((l, j) => {
    const d = shapes[i][j], s = size.get(l);
    if (s === undefined) { size.set(l, d); order.push(l); return; }
    if (s === d || d === -1) return;        // -1: unknown at import
    if (s === -1) { if (!l.startsWith('.') || d !== 1) size.set(l, d); return; }
    if (l.startsWith('.') && (s === 1 || d === 1)) { size.set(l, Math.max(s, d)); return; }
    fail('SHAPE_MISMATCH', `${where}: Einsum label "${l.startsWith('.') ? '...' : l}" is ${s} in one place and ${d} in another`);
  }));
  let out: string[];
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const labs of dimLabels) for (const l of labs) count.set(l, (count.get(l) ?? 0) + 1);
    const ell = Array.from({ length: E }, (_, j) => `.${j}`);
    out = [...ell, ...[...count].filter(([l, c]) => c === 1 && !l.startsWith('.')).map(([l]) => l).sort()];
  } else {
    const t = tokens(rhs);
    if (!t) return bad('bad output term');
    out = t.flatMap((x) => (x === ELL ? Array.from({ length: E }, (_, j) => `.${j}`) : [x]));
    if (new Set(out).size !== out.length) bad('an output label repeats');
    for (const l of out) if (!size.has(l)) bad(`output label "${l}" names no input dim`);
  }
  const outShape = out.map((l) => size.get(l)!);
  const strideOf = (i: number, l: string): number => {
    if (i >= shapes.length) return 0;
    const sh = shapes[i];
    let st = 1, s = 0;
    for (let j = sh.length - 1; j >= 0; j--) { if (dimLabels[i][j] === l && sh[j] !== 1) s += st; st *= sh[j]; }
    return s;
  };
  const ys = outShape.map((_, j) => outShape.slice(j + 1).reduce((a, b) => a * b, 1));
  const rows = [...out, ...order.filter((l) => !out.includes(l))].map((l) => {
    const j = out.indexOf(l);
    return [size.get(l)!, strideOf(0, l), strideOf(1, l), j >= 0 && outShape[j] !== 1 ? ys[j] : 0];
  });
  return { rows, nout: out.length, outShape };
}

/** An explicit two-operand equation that is a batched matmul, "P m k, P k n -> P m n" with the
 *  same batch letters P in all three terms (either operand's last two letters may be swapped:
 *  transA / transB flags), or null. The matmul kernels sum k in the order einsum_nd_any__scalar
 *  does, so the fast path gives the same bits. */
export function einsumAsMatmul(equation: string): { flags: number } | null {
  const m = /^([A-Za-z]*),([A-Za-z]*)->([A-Za-z]*)$/.exec(equation.replace(/\s+/g, ''));
  if (!m) return null;
  const [, a, b, y] = m;
  if (a.length < 2 || b.length !== a.length || y.length !== a.length || new Set(a + b + y).size !== a.length + 1) return null;
  const P = y.slice(0, -2), [mm, nn] = y.slice(-2);
  if (a.slice(0, -2) !== P || b.slice(0, -2) !== P) return null;
  const ta = a.slice(-2), tb = b.slice(-2);
  const k = ta.replace(mm, '');
  if (k.length !== 1 || k === nn) return null;
  let flags = 0;
  if (ta === mm + k) flags |= 0; else if (ta === k + mm) flags |= 1; else return null;
  if (tb === k + nn) flags |= 0; else if (tb === nn + k) flags |= 2; else return null;
  return { flags };
}

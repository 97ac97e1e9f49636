// Pattern rewrites on the ONNX node list before conversion: the exported erf GELU
// (x * 0.5 * (1 + Erf(x / sqrt 2)), in its three operand orders) becomes one Gelu, and
// HardSigmoid(x; 1/6, 1/2) * x one HardSwish (see: ONNX HardSwish, opset 14).

import type { NodeP } from './proto.js';
import { Attrs } from './values.js';

export function rewritePatterns(nodes: NodeP[], consumers: Map<string, number>, outputs: Set<string>, scalar: (name: string) => number | undefined): NodeP[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const users = new Map<string, number[]>();
  nodes.forEach((n, i) => (n.input ?? []).forEach((x) => x && users.set(x, [...(users.get(x) ?? []), i])));
  const single = (v: string) => (consumers.get(v) ?? 0) === 1 && !outputs.has(v);
  const userOf = (v: string) => (single(v) ? users.get(v)![0] : -1);
  const near = (v: number | undefined, want: number, tol = 1e-5) => v !== undefined && Math.abs(v - want) <= tol * Math.abs(want);
  /** Binary node i with inputs {v, c} where c is a scalar constant: returns [other, constant]. */
  const withConst = (i: number, op: string): [string, number][] => {
    const n = nodes[i];
    if (!n || n.op_type !== op || (n.domain ?? '') !== '' || (n.input ?? []).length !== 2) return [];
    const [a, b] = n.input!;
    const r: [string, number][] = [];
    const cb = scalar(b), ca = scalar(a);
    if (cb !== undefined) r.push([a, cb]);
    if (op !== 'Div' && op !== 'Sub' && ca !== undefined) r.push([b, ca]);
    return r;
  };
  const removed = new Set<number>();
  const replace = new Map<number, NodeP>();
  nodes.forEach((e, ei) => {
    if (e.op_type === 'Erf' && (e.domain ?? '') === '') {
      const inp = e.input?.[0] ?? '';
      const pi = producer.get(inp);
      if (pi === undefined || !single(inp)) return;
      const div = withConst(pi, 'Div').find(([, c]) => near(c, Math.SQRT2));
      const mul = withConst(pi, 'Mul').find(([, c]) => near(c, Math.SQRT1_2));
      const x = (div ?? mul)?.[0];
      if (!x) return;
      const ai = userOf(e.output![0]);
      const add = withConst(ai, 'Add').find(([v, c]) => v === e.output![0] && near(c, 1));
      if (!add) return;
      const aOut = nodes[ai].output![0];
      const m1 = userOf(aOut);
      const n1 = nodes[m1];
      if (!n1 || n1.op_type !== 'Mul' || n1.input?.length !== 2) return;
      const other = n1.input[0] === aOut ? n1.input[1] : n1.input[0];
      let chain: number[] | null = null, y = '';
      if (other === x) {
        const m2 = userOf(n1.output![0]);
        if (withConst(m2, 'Mul').some(([v, c]) => v === n1.output![0] && near(c, 0.5))) { chain = [pi, ei, ai, m1, m2]; y = nodes[m2].output![0]; }
      } else if (near(scalar(other), 0.5)) {
        const m2 = userOf(n1.output![0]);
        const n2 = nodes[m2];
        if (n2 && n2.op_type === 'Mul' && n2.input?.length === 2 && n2.input.includes(x) && n2.input.includes(n1.output![0])) { chain = [pi, ei, ai, m1, m2]; y = n2.output![0]; }
      } else {
        const hi = producer.get(other);
        if (hi !== undefined && single(other) && withConst(hi, 'Mul').some(([v, c]) => v === x && near(c, 0.5))) { chain = [pi, ei, ai, hi, m1]; y = n1.output![0]; }
      }
      if (!chain || chain.some((k) => removed.has(k))) return;
      const last = Math.max(...chain);
      for (const k of chain) removed.add(k);
      replace.set(last, { op_type: 'Gelu', name: e.name || `gelu_${ei}`, input: [x], output: [y], attribute: [] });
    }
    if (e.op_type === 'HardSigmoid' && (e.domain ?? '') === '') {
      const a = new Attrs(e);
      if (!near(a.f('alpha', 0.2), 1 / 6) || !near(a.f('beta', 0.5), 0.5)) return;
      const x = e.input?.[0] ?? '';
      const mi = userOf(e.output?.[0] ?? '');
      const m = nodes[mi];
      if (!m || m.op_type !== 'Mul' || m.input?.length !== 2 || !m.input.includes(x) || !m.input.includes(e.output![0]) || removed.has(mi) || removed.has(ei)) return;
      removed.add(ei); removed.add(mi);
      replace.set(mi, { op_type: 'HardSwish', name: e.name || `hardswish_${ei}`, input: [x], output: [m.output![0]], attribute: [] });
    }
  });
  const out: NodeP[] = [];
  nodes.forEach((n, i) => { if (replace.has(i)) out.push(replace.get(i)!); else if (!removed.has(i)) out.push(n); });
  // The consumer counts of the values inside a replaced chain no longer matter; the new nodes'
  // inputs gain no consumers they did not have (x fed the chain's first node at least once).
  return out;
}

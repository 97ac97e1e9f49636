// A tensor operator run by a host node on host values: a one-node graph built by the same
// builders and checks as a bundle's (src/runtime/build.ts), planned and run as a Program, built
// once per input element types and ranks. This is how sequence ops and Scan reach the module's
// kernels (Concat, Split, Transpose): the host moves no element itself.

import { GraphCheck } from '../bundle/graph.js';
import type { NodeEntry } from '../bundle/layout.js';
import { buildNodes, type BuildEnv } from '../build.js';
import { Program, type Env } from './program.js';
import type { HTensor } from './value.js';

/** Built graphs kept per operator (the oldest goes). */
const KEPT = 8;

export class DynOp {
  private progs = new Map<string, Program>();
  constructor(private env: BuildEnv, private op: string, private name: string) {}

  run(env: Env, ins: HTensor[], nOut: number, attrs: Record<string, unknown>): HTensor[] {
    const key = JSON.stringify([ins.map((t) => [t.dtype, t.shape.length]), nOut, attrs]);
    let p = this.progs.get(key);
    if (!p) {
      const inputs = ins.map((t, i) => ({ name: `\u0001in${i}`, shape: t.shape.map(() => -1), format: t.dtype }));
      const node: NodeEntry = { name: `${this.name}/${this.op}`, op: this.op, inputs: inputs.map((v) => v.name), outputs: Array.from({ length: nOut }, (_, k) => `\u0001out${k}`), attrs };
      const check = new GraphCheck({ ...this.env.header, graph: { inputs, outputs: [], nodes: [node] } }, this.env.limits);
      check.inputs();
      const built = buildNodes(this.env, check, [node], undefined, `${this.name}/`);
      p = new Program(this.env, built, inputs.map((v) => v.name), node.outputs, check.typeOf);
      if (this.progs.size >= KEPT) { const [k0, p0] = this.progs.entries().next().value!; p0.dispose(); this.progs.delete(k0); }
      this.progs.set(key, p);
    }
    return p.run(env, ins) as HTensor[];
  }

  dispose(): void { for (const p of this.progs.values()) p.dispose(); this.progs.clear(); }
}

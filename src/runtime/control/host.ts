// Host nodes: operators on values the host holds between planned segments (./program.ts):
// control flow (./flow.ts) and sequences / optionals (./seq.ts). They move and select values,
// run bodies, and hand tensors to the module's kernels through one-node graphs (./dynop.ts);
// they compute on no tensor element (docs/ARCHITECTURE.md rule 1).

import { fail } from '../errors.js';
import type { GraphCheck } from '../bundle/graph.js';
import type { NodeEntry } from '../bundle/layout.js';
import type { DType } from '../dtype.js';
import type { BuildEnv } from '../build.js';
import type { Env, Program } from './program.js';
import { vkind, isContainer, type HValue, type VKind } from './value.js';
import { FLOW } from './flow.js';
import { SEQ, IdentityOf } from './seq.js';

export interface HostCtx { env: BuildEnv; graph: GraphCheck; node: NodeEntry; where: string; depth: number }

export interface HostNode {
  host: true;
  name: string;
  op: string;
  where: string;
  /** the node's outputs ('' for one nobody reads) */
  outs: string[];
  /** value type of each output (an element type, 'seq<T>' or 'opt<V>') */
  types: DType[];
  /** every value read: the inputs given, then the enclosing-scope values its bodies read */
  valueInputs: string[];
  run(env: Env): HValue[];
  bytes?(): number;
  dispose(): void;
}

export type HostBuilder = (ctx: HostCtx) => HostNode;

/** The host builder of a node: a control / sequence operator, or Identity of a non-tensor. */
export function hostBuilder(op: unknown, node?: NodeEntry, typeOf?: (n: string) => string | undefined): HostBuilder | undefined {
  if (typeof op !== 'string') return undefined;
  if (Object.hasOwn(FLOW, op)) return FLOW[op];
  if (Object.hasOwn(SEQ, op)) return SEQ[op];
  if (op === 'Identity' && node && typeOf && Array.isArray(node.inputs) && isContainer(typeOf(node.inputs[0]))) return IdentityOf;
  return undefined;
}

/** A host node reading the node's inputs (undefined for '') and running `run`; `bodies` are its
 *  subgraphs (their enclosing-scope reads become its reads; disposed with it). */
export function makeHost(ctx: HostCtx, types: string[], run: (ins: (HValue | undefined)[], env: Env) => HValue[], bodies: Program[] = [], dispose?: () => void): HostNode {
  const given = ctx.node.inputs;
  const valueInputs = [...new Set([...given.filter((v) => v), ...bodies.flatMap((b) => b.free)])];
  return {
    host: true, name: ctx.node.name, op: ctx.node.op, where: ctx.where, outs: ctx.node.outputs, types: types as DType[], valueInputs,
    run: (env) => run(given.map((v) => (v ? env.get(v) : undefined)), env),
    bytes: () => Math.max(0, ...bodies.map((b) => b.bytes)),
    dispose: () => { for (const b of bodies) b.dispose(); dispose?.(); },
  };
}

/** The value type of input i (undefined when absent); BAD_GRAPH when not produced before. */
export function inType(ctx: HostCtx, i: number): VKind | undefined {
  const name = ctx.node.inputs[i];
  if (name === undefined || name === '') return undefined;
  const t = ctx.graph.typeOf(name);
  const k = vkind(t);
  if (!k) fail('BAD_GRAPH', `${ctx.where}: input ${JSON.stringify(name)} is not produced before this node (dangling reference or cycle)`);
  return k;
}

/** Input i, required, of kind `k` ('t' tensor, 's' sequence, 'o' optional). */
export function needIn<K extends VKind['k']>(ctx: HostCtx, i: number, k: K, what: string): Extract<VKind, { k: K }> {
  const t = inType(ctx, i);
  if (!t) fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) is missing`);
  if (t.k !== k) fail('BAD_GRAPH', `${ctx.where}: ${what} (input ${i}) must be a ${k === 't' ? 'tensor' : k === 's' ? 'sequence' : 'optional'}`);
  return t as Extract<VKind, { k: K }>;
}

/** The node's output count is n (one per output the operator produces). */
export function outCount(ctx: HostCtx, n: number): void {
  if (ctx.node.outputs.length !== n) fail('BAD_GRAPH', `${ctx.where}: ${ctx.node.outputs.length} outputs, the operator produces ${n}`);
}

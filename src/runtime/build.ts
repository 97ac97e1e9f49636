// Building a graph's nodes at load: each node's builder (src/runtime/ops/, or a control-flow /
// sequence node of src/runtime/control/) interleaved with the reader's graph checks
// (bundle/graph.ts), stored tensors read as values given blocks. The main graph and every
// subgraph body (If / Loop / Scan / SequenceMap) are built by this one walk.

import { guard, type Exports } from './wasm.js';
import { fail } from './errors.js';
import type { GraphCheck } from './bundle/graph.js';
import type { Header, NodeEntry } from './bundle/layout.js';
import type { Limits } from './bundle/read.js';
import type { DType } from './dtype.js';
import type { NodeRec, Const } from './plan.js';
import { OPS, type Weight } from './ops/index.js';
import { resolve, type PrecisionMap, type ResolvedPrecision } from './precision.js';
import { formatByName } from './formats.js';
import { roundCode } from './tables.js';
import { hostBuilder, type HostNode } from './control/host.js';
import { isContainer } from './control/value.js';

export type Rec = NodeRec & { precision: ResolvedPrecision };
export type Built = Rec | HostNode;
export const isHost = (n: Built): n is HostNode => 'host' in n;

/** What every node of a model is built with. */
export interface BuildEnv {
  header: Header;
  weights: Map<string, Weight>;
  limits: Limits;
  map: PrecisionMap | null;
  override: PrecisionMap | null;
  decodeWeights: boolean;
  reference: boolean;
  kernels: Exports;
  /** stored tensors read as values: one block each, shared by every reader in every graph */
  consts: Map<string, Const>;
  maxArenaBytes: number;
  /** how deep in subgraph bodies these nodes are (0: the main graph) */
  depth?: number;
}

/** The operators a graph names that no builder takes, checked before any is built. */
export function unsupportedOps(nodes: NodeEntry[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const op = node?.op;
    const known = typeof op === 'string' && (Object.hasOwn(OPS, op) || hostBuilder(op) !== undefined);
    if (!known) out.push(`${op} (${node?.name})`);
  }
  return out;
}

/** Builds `nodes` in order against `graph` (the scope they are checked in); `each(node, i, built)`
 *  after each. Every built node is disposed if a later one fails. */
export function buildNodes(env: BuildEnv, graph: GraphCheck, nodes: NodeEntry[], each?: (node: NodeEntry, i: number, b: Built) => void, scope = ''): Built[] {
  const unsupported = unsupportedOps(nodes);
  if (unsupported.length) fail('UNSUPPORTED_OP', `unsupported operators: ${unsupported.join(', ')}`);
  const built: Built[] = [];
  try {
    for (let i = 0; i < nodes.length; i++) {
      const b = buildNode(env, graph, nodes[i], i, scope);
      built.push(b);
      each?.(nodes[i], i, b);
    }
  } catch (e) {
    for (const b of built) (isHost(b) ? b : b.prep).dispose();
    throw e;
  }
  return built;
}

function buildNode(env: BuildEnv, graph: GraphCheck, node: NodeEntry, i: number, scope: string): Built {
  const where = graph.node(i);
  const precision = resolve(env.map, node.name, env.override);
  const host = hostBuilder(node.op, node, graph.typeOf);
  if (host) {
    const h = guard(where, () => host({ env, graph, node, where, depth: env.depth ?? 0 }));
    try {
      graph.reads(where, h.valueInputs);
      graph.produces(where, node.outputs, h.types);
      addConsts(env, graph, h.valueInputs);
    } catch (e) { h.dispose(); throw e; }
    return h;
  }
  // tensor operators read tensors: a sequence or optional input is refused before the builder
  // looks at element types
  for (const v of node.inputs ?? []) {
    const t = typeof v === 'string' && v !== '' ? graph.typeOf(v) : undefined;
    if (t !== undefined && isContainer(t)) fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v)} is a ${t}; ${node.op} takes tensors`);
  }
  const prep = guard(where, () => OPS[node.op]({ node, weights: env.weights, precision, where, decodeWeights: env.decodeWeights, reference: env.reference, kernels: env.kernels, typeOf: graph.typeOf }));
  const types: DType[] = prep.outTypes ?? ['f32'];
  try {
    graph.reads(where, prep.valueInputs);
    // a builder without outTypes is an f32 operator: f32 in, f32 out
    if (!prep.outTypes) for (const v of prep.valueInputs) if (graph.typeOf(v) !== 'f32') fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v)} is ${graph.typeOf(v)}; ${node.op} takes f32`);
    graph.produces(where, node.outputs, types);
    addConsts(env, graph, prep.valueInputs);
  } catch (e) { prep.dispose(); throw e; }
  // an output nobody reads ('') still needs a slot: a name no value can have (`scope`: which
  // body, so that the names stay unique across a model's graphs)
  const outs = node.outputs.map((o, k) => o || `\u0000${scope}${i}.${k}`);
  // Emulated f16 / bf16 activations round f32 outputs (IEEE overflow, as f16 hardware would).
  const a = precision.activations;
  const roundFmt = types[0] === 'f32' && (a === 'f16' || a === 'bf16') ? formatByName(a).id : 0;
  return { name: node.name, op: node.op, outs, types, prep, precision, where: `node ${JSON.stringify(node.name)}`, roundFmt, round: roundCode(precision.round) };
}

/** Stored tensors read as values: one block each, shared by every reader. */
function addConsts(env: BuildEnv, graph: GraphCheck, values: string[]): void {
  for (const v of values) {
    const w = env.weights.get(v);
    if (w && !env.consts.has(v)) env.consts.set(v, { ptr: w.put(), shape: [...w.entry.shape], dtype: graph.typeOf(v)! });
  }
}

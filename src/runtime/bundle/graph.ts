// Graph validation, the reader's half of docs/BUNDLE.md: value names unique, inputs f32 with checked
// shapes, nodes in topological order (every value read is produced before), each output a new name,
// graph outputs produced. Pure: no instance. load() drives it node by node, between the operator
// builders (they say which of a node's inputs are values), so the first problem met is the one
// reported.

import { fail } from '../errors.js';
import { checkShape, type Limits } from './read.js';
import type { Header, NodeEntry, ValueInfo } from './layout.js';

export interface Graph { inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeEntry[] }

export class GraphCheck {
  readonly graph: Graph;
  /** values produced so far: graph inputs, then each checked node's output */
  private known = new Set<string>();

  /** The graph's arrays and its node count (before the precision maps, which name nodes). */
  constructor(private header: Header, private limits: Limits) {
    const g = header.graph;
    if (!g || !Array.isArray(g.inputs) || !Array.isArray(g.outputs) || !Array.isArray(g.nodes)) fail('BAD_GRAPH', 'header.graph needs inputs, outputs and nodes arrays');
    if (g.nodes.length > limits.maxNodes) fail('LIMIT_EXCEEDED', `${g.nodes.length} nodes exceed maxNodes ${limits.maxNodes}`);
    this.graph = g;
  }

  private isTensor = (name: string) => Object.hasOwn(this.header.tensors, name);

  /** The graph inputs: unique names that are no tensor, f32, checked shapes. A copy of each. */
  inputs(): ValueInfo[] {
    const g = this.graph;
    for (let i = 0; i < g.inputs.length; i++) {
      const v = g.inputs[i];
      const where = `graph input ${i} ${JSON.stringify(v?.name)}`;
      if (typeof v?.name !== 'string' || this.known.has(v.name) || this.isTensor(v.name)) fail('BAD_GRAPH', `${where}: name missing or not unique`);
      if (v.format !== 'f32') fail('BAD_GRAPH', `${where}: input format ${JSON.stringify(v.format)}; inputs are f32`);
      checkShape(v.shape, where, this.limits.maxTensorElements, true);
      this.known.add(v.name);
    }
    return g.inputs.map((v) => ({ name: v.name, shape: [...v.shape], format: v.format }));
  }

  /** Node i's place in errors, once its entry has a name, an inputs array and one output. */
  node(i: number): string {
    const node = this.graph.nodes[i];
    const where = `node ${i} ${JSON.stringify(node?.name)} (${node?.op})`;
    if (typeof node?.name !== 'string' || !Array.isArray(node.inputs) || !Array.isArray(node.outputs) || node.outputs.length !== 1) {
      fail('BAD_GRAPH', `${where}: needs a name, an inputs array and exactly one output`);
    }
    return where;
  }

  /** The values a node reads are produced before it (this also rules out cycles). */
  reads(where: string, values: readonly string[]): void {
    for (const v of values) if (!this.known.has(v)) fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v)} is not produced before this node (dangling reference or cycle)`);
  }

  /** A node's output is a new name; from here on later nodes may read it. */
  produces(where: string, out: unknown): string {
    if (typeof out !== 'string' || this.known.has(out) || this.isTensor(out)) fail('BAD_GRAPH', `${where}: output ${JSON.stringify(out)} is not a new name`);
    this.known.add(out);
    return out;
  }

  /** The graph outputs, each produced, with a shape array. A copy of each. */
  outputs(): ValueInfo[] {
    const g = this.graph;
    for (const v of g.outputs) {
      if (!this.known.has(v?.name)) fail('BAD_GRAPH', `graph output ${JSON.stringify(v?.name)} is never produced`);
      if (!Array.isArray(v.shape)) fail('BAD_GRAPH', `graph output ${JSON.stringify(v.name)}: shape must be an array`);
    }
    return g.outputs.map((v) => ({ name: v.name, shape: [...v.shape], format: v.format ?? 'f32' }));
  }
}

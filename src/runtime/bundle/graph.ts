// Graph validation, the reader's half of docs/BUNDLE.md: value names unique, inputs typed (an
// element type of src/runtime/dtype.ts) with checked shapes (-1: a dimension given at run time),
// nodes in topological order (every value read is produced before, or a stored tensor of a plain
// element type), each output a new name, graph outputs produced. Pure: no instance. load()
// drives it node by node, between the operator builders (they say which of a node's inputs are
// values), so the first problem met is the one reported.

import { fail } from '../errors.js';
import { checkShape, type Limits } from './read.js';
import { dtypeOf, storedType, type DType } from '../dtype.js';
import type { Header, NodeEntry, ValueInfo } from './layout.js';
import { isContainer } from '../control/value.js';

export interface Graph { inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeEntry[] }

export class GraphCheck {
  readonly graph: Graph;
  /** values produced so far (graph inputs, then each checked node's outputs) and their types */
  readonly types = new Map<string, DType>();

  /** The graph's arrays and its node count (before the precision maps, which name nodes). */
  constructor(private header: Header, private limits: Limits) {
    const g = header.graph;
    if (!g || !Array.isArray(g.inputs) || !Array.isArray(g.outputs) || !Array.isArray(g.nodes)) fail('BAD_GRAPH', 'header.graph needs inputs, outputs and nodes arrays');
    if (g.nodes.length > limits.maxNodes) fail('LIMIT_EXCEEDED', `${g.nodes.length} nodes exceed maxNodes ${limits.maxNodes}`);
    this.graph = g;
  }

  private isTensor = (name: string) => Object.hasOwn(this.header.tensors, name);

  /** The element type of a value, or of a stored tensor a node may read as a value. */
  typeOf = (name: string): DType | undefined => this.types.get(name) ?? (typeof name === 'string' && this.isTensor(name) ? storedType(this.header.tensors[name]) : undefined);

  /** The graph inputs: unique names that are no tensor, typed, checked shapes. A copy of each. */
  inputs(): ValueInfo[] {
    const g = this.graph;
    for (let i = 0; i < g.inputs.length; i++) {
      const v = g.inputs[i];
      const where = `graph input ${i} ${JSON.stringify(v?.name)}`;
      if (typeof v?.name !== 'string' || v.name === '' || this.types.has(v.name) || this.isTensor(v.name)) fail('BAD_GRAPH', `${where}: name missing or not unique`);
      // a sequence or optional ('seq<f32>', 'opt<...>': src/runtime/control/value.ts) or an element type
      const t = isContainer(v.format) ? (v.format as DType) : dtypeOf(v.format, where);
      checkShape(v.shape, where, this.limits.maxTensorElements, true);
      this.types.set(v.name, t);
    }
    return g.inputs.map((v) => ({ name: v.name, shape: [...v.shape], format: v.format }));
  }

  /** Node i's place in errors, once its entry has a name, an inputs array and outputs. */
  node(i: number): string {
    const node = this.graph.nodes[i];
    const where = `node ${i} ${JSON.stringify(node?.name)} (${node?.op})`;
    if (typeof node?.name !== 'string' || !Array.isArray(node.inputs) || !Array.isArray(node.outputs) || node.outputs.length < 1) {
      fail('BAD_GRAPH', `${where}: needs a name, an inputs array and at least one output`);
    }
    return where;
  }

  /** The values a node reads are produced before it (this also rules out cycles), or stored
   *  tensors of a plain element type. */
  reads(where: string, values: readonly string[]): void {
    for (const v of values) if (!this.typeOf(v)) fail('BAD_GRAPH', `${where}: input ${JSON.stringify(v)} is not produced before this node (dangling reference or cycle)${this.isTensor(v) ? ', and as a stored tensor it is quantized' : ''}`);
  }

  /** A node's outputs are new names ('' for an output nobody reads); later nodes may read them. */
  produces(where: string, outs: unknown[], types: DType[]): void {
    if (outs.length !== types.length) fail('BAD_GRAPH', `${where}: ${outs.length} outputs, the operator produces ${types.length}`);
    outs.forEach((out, k) => {
      if (out === '') return;
      if (typeof out !== 'string' || this.types.has(out) || this.isTensor(out)) fail('BAD_GRAPH', `${where}: output ${JSON.stringify(out)} is not a new name`);
      this.types.set(out, types[k]);
    });
  }

  /** The graph outputs, each produced, with a shape array, and (when given) the type produced.
   *  A copy of each, with its element type. */
  outputs(): ValueInfo[] {
    const g = this.graph;
    for (const v of g.outputs) {
      const t = typeof v?.name === 'string' ? this.types.get(v.name) : undefined;
      if (!t) fail('BAD_GRAPH', `graph output ${JSON.stringify(v?.name)} is never produced`);
      if (!Array.isArray(v.shape)) fail('BAD_GRAPH', `graph output ${JSON.stringify(v.name)}: shape must be an array`);
      if (v.format !== undefined && v.format !== t) fail('BAD_GRAPH', `graph output ${JSON.stringify(v.name)}: declared ${JSON.stringify(v.format)}, produced as ${t}`);
    }
    return g.outputs.map((v) => ({ name: v.name, shape: [...v.shape], format: this.types.get(v.name)! }));
  }
}

// What an operator builder gets and returns.

import type { NodeEntry, TensorEntry } from '../bundle/layout.js';
import type { ResolvedPrecision } from '../precision.js';

export interface Weight {
  entry: TensorEntry;
  bytes: Uint8Array;
  /** Copies the tensor into a new block of at least `size` bytes (beyond its own bytes the block
   *  is uninitialised) and returns its pointer; the caller owns the block. Use this rather than
   *  heap.put(bytes): load() checks each tensor's checksum on these copies. */
  put(size?: number): number;
}

export interface OpContext {
  node: NodeEntry;
  /** stored tensors (weights, scales, constants) by name */
  weights: Map<string, Weight>;
  /** this layer's precision settings */
  precision: ResolvedPrecision;
  /** "node 3 \"fc1\" (Dense)": the place named in errors */
  where: string;
}

export interface PreparedNode {
  /** value inputs (activations), in order */
  valueInputs: string[];
  /** output shape from the value inputs' shapes (batch dimension included) */
  infer(inputs: number[][]): number[];
  /** bytes of scratch the run needs for these input shapes (0 if none) */
  scratch?(inputs: number[][]): number;
  /** call the kernel: input/output pointers into the arena, and the scratch block */
  run(inputs: number[], inShapes: number[][], output: number, outShape: number[], scratch: number): void;
  /** free weight blocks */
  dispose(): void;
  /** Dense with `recompute`: its live counters (outputs computed, recomputed) */
  recompute?: import('./dense.js').RecomputeCounter;
}

export type Builder = (ctx: OpContext) => PreparedNode;

export { elements } from '../bundle/layout.js';

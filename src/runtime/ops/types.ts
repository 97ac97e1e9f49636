// What an operator builder gets and returns.

import type { NodeEntry, TensorEntry } from '../bundle/layout.js';
import type { ResolvedPrecision } from '../precision.js';
import type { Exports } from '../wasm.js';
import type { DType } from '../dtype.js';

export type { DType } from '../dtype.js';

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
  /** LoadOptions.decodeWeights: Dense decodes float / MX weights to f32 at load */
  decodeWeights?: boolean;
  /** LoadOptions.kernels 'reference': every kernel call goes to its scalar reference */
  reference?: boolean;
  /** the exports to call (referenceView with kernels 'reference', src/runtime/kernels.ts) */
  kernels: Exports;
  /** The element type of a value or a raw-typed stored tensor named `name` (undefined: neither,
   *  or a quantized weight format). Values are typed at load: graph inputs by their ValueInfo,
   *  node outputs by their builder's outTypes. */
  typeOf(name: string): DType | undefined;
}

export interface PreparedNode {
  /** value inputs, in order: activations, and stored tensors of a raw element type (f32, i64,
   *  bool, ...), which load() hands in as fixed blocks like any value */
  valueInputs: string[];
  /** element type of each node output, one entry per node output. Absent: an f32 operator
   *  (load() checks every value input is f32; the output is f32) */
  outTypes?: DType[];
  /** indices into valueInputs whose element values infer() needs (shape / axes / pads tensors) */
  valueArgs?: number[];
  /** the outputs depend on the inputs' shapes only, never their elements (Shape, Size): run()
   *  may get pointer 0 for an input */
  shapeOnly?: boolean;
  /** the output shapes depend on the input elements (NonMaxSuppression, NonZero, Unique,
   *  Compress): the plan computes every value input first, on blocks of its own (as it does
   *  valueArgs), and calls measure() instead of infer() with their pointers; it returns one shape,
   *  or one per output, computing what it needs in the module (scratch: scratch(inputs) bytes).
   *  Graph inputs feeding such a node become part of the plan's signature. */
  measure?(inputs: number[], inShapes: number[][], scratch: number): number[] | number[][];
  /** output shape from the value inputs' shapes, or one shape per output when outTypes has
   *  several; `values[i]` holds valueInputs[i]'s elements (as numbers; i64 through Number) for
   *  each i in valueArgs */
  infer(inputs: number[][], values: (number[] | undefined)[]): number[] | number[][];
  /** bytes of scratch the run needs for these input and output shapes (0 if none; a measure()
   *  node is asked before its outputs are known, with outputs []) */
  scratch?(inputs: number[][], outputs: number[][]): number;
  /** call the kernel: input/output pointers into the arena, and the scratch block; `outs` /
   *  `outShapes` list every output (output / outShape are the first) */
  run(inputs: number[], inShapes: number[][], output: number, outShape: number[], scratch: number, outs: number[], outShapes: number[][]): void;
  /** free weight blocks */
  dispose(): void;
  /** weighted operators: the format their weights are held in, in wasm memory ('f32' when
   *  decoded at load) */
  weightsHeld?: string;
  /** weighted operators: the module export that reads the weights (the path the layer takes) */
  kernel?: string;
  /** Dense with `recompute`: its live counters (outputs computed, recomputed) */
  recompute?: import('./dense.js').RecomputeCounter;
}

export type Builder = (ctx: OpContext) => PreparedNode;

export { elements } from '../bundle/layout.js';

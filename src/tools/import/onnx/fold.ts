// Constant folding by the runtime itself: a generic node (./generic.ts) whose inputs are all
// constants runs once at import as a one-node bundle through the runtime's Model, so the folded
// values are the bits run() would compute (all arithmetic in the module, design rule 1), and its
// outputs become constants. Shape arithmetic on known shapes (Shape -> Size -> Sub ->
// ConstantOfShape -> Concat, as ONNX function expansions write it) then folds to the end, and a
// Reshape or Expand downstream sees its target at import.

import { AlloyError } from '../../../runtime/errors.js';
import { Model } from '../../../runtime/model.js';
import { view, dtypeBytes, type TensorData } from '../../../runtime/dtype.js';
import { writeBundle } from '../../bundle/write.js';
import { constBytes, clampInt, decodeRaw, prod } from '../graph.js';
import type { Const } from './values.js';
import type { Out } from './generic.js';

/** The largest constant folded (elements of any input or output). */
const MAX_FOLD = 1 << 16;

/** Runtime ops that must stay nodes: their values are not a function of their inputs. */
const NO_FOLD = new Set(['RandomUniformLike', 'RandomNormalLike', 'Bernoulli', 'Multinomial']);

function feed(c: Const): { data: TensorData; shape: number[] } {
  const bytes = constBytes(c), n = prod(c.dims);
  const buf = new ArrayBuffer(Math.max(bytes.byteLength, n * dtypeBytes(c.dtype as never)));
  new Uint8Array(buf).set(bytes);
  return { data: view(c.dtype as never, buf, 0, n), shape: [...c.dims] };
}

/** The node's outputs as constants, or undefined when it does not fold (too large, not all
 *  constant, or the runtime refuses: then the node is emitted and run() reports the same). */
export function foldGeneric(op: string, ins: (Const | undefined)[], outs: Out[], wanted: boolean[], attrs: Record<string, unknown>): (Const | undefined)[] | undefined {
  if (NO_FOLD.has(op) || !ins.some((c) => c) || ins.some((c) => c && (c.dtype === 'other' || prod(c.dims) > MAX_FOLD))) return undefined;
  if (outs.some((o) => !o.shape.includes(-1) && prod(o.shape) > MAX_FOLD)) return undefined;
  const inputs = ins.map((c, i) => (c ? { name: `in${i}`, shape: [...c.dims], format: c.dtype } : undefined));
  const outputs = outs.map((o, k) => ({ name: wanted[k] ? `out${k}` : '', shape: o.shape.map(() => -1), format: o.dtype }));
  let model: Model | undefined;
  try {
    const bytes = writeBundle({
      graph: {
        inputs: inputs.filter((x) => !!x) as never,
        outputs: outputs.filter((o) => o.name) as never,
        nodes: [{ name: 'fold', op, inputs: inputs.map((x) => x?.name ?? ''), outputs: outputs.map((o) => o.name), attrs } as never],
      },
      tensors: {},
    });
    model = new Model(bytes);
    const feeds: Record<string, { data: TensorData; shape: number[] }> = {};
    ins.forEach((c, i) => { if (c) feeds[`in${i}`] = feed(c); });
    const res = model.run(feeds);
    return outputs.map((o) => {
      if (!o.name) return undefined;
      const t = res[o.name];
      if (prod(t.shape) > MAX_FOLD) throw new RangeError('large');
      const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
      return { kind: 'const', dims: [...t.shape], dtype: t.dtype, data: decodeRaw(t.dtype, raw, clampInt)!, raw } as Const;
    });
  } catch (e) {
    if (e instanceof AlloyError || e instanceof RangeError) return undefined;
    throw e;
  } finally {
    model?.dispose();
  }
}

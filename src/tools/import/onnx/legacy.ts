// Opsets 1 to 10: where an operator's meaning changed since, the handlers either read the old form
// (Clip / Pad < 11, Slice < 10, Softmax < 13, axes attributes) or this check refuses it before
// they run, so an old model never takes a newer meaning silently.
// see: ONNX Changelog.md (Add-7 .. Div-7 dropped `broadcast` / `axis`; BatchNormalization-7
// dropped `is_test`, -9 `spatial`; Dropout-7 dropped `is_test`; Resize-11 added roi / sizes and
// coordinate_transformation_mode). Before opset 6 (the `consumed_inputs` era, an attribute with no
// meaning for inference): Reshape-1 took its shape as an attribute, Concat-1 defaulted axis to 1,
// Pad-1 / Split-1 took other attributes, Cast-1 named its target type by a string, Tile-1 took
// (tiles, axis) scalars: those are refused. Resize-10 and Upsample-7 / 9 are read in their own
// form by ops/resize.ts.

import { unsupported } from '../graph.js';
import type { OnnxImporter } from './importer.js';
import type { Val } from './values.js';

const rank = (v: Val | undefined): number => (!v ? -1 : v.kind === 'const' ? v.dims.length : v.kind === 'act' ? v.shape.length : v.x.shape.length);

const LEGACY_BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less', 'PRelu']);

/** Refuses (UNSUPPORTED_OP, through the importer's refusal list) what an opset < 11 node means
 *  differently from the handler's reading. */
export function checkLegacy(m: OnnxImporter): void {
  const op = m.node.op_type!, at = m.at, opset = m.opset;
  if (opset >= 11) return;
  if (opset < 6) {
    const old = (op === 'Reshape' && opset < 5) || (op === 'Concat' && opset < 4 && !at.has('axis')) || ((op === 'Pad' || op === 'Split') && opset < 2) || op === 'Cast' || op === 'Tile';
    if (old) unsupported(`opset ${opset} ${op} (its inputs or attributes differ from opset 6 on)`);
  }
  if (opset < 7 && LEGACY_BROADCAST.has(op) && at.i('broadcast', 0) === 1 && at.has('axis')) {
    // opset 1-6 broadcasting aligns B at `axis`; numpy aligns it at the end: equal only there
    const ra = rank(m.val(0)), rb = rank(m.val(1)), axis = at.i('axis', 0);
    if (ra < 0 || rb < 0 || (axis < 0 ? axis + ra : axis) !== ra - rb) unsupported(`opset ${opset} broadcast along axis ${axis} (only trailing alignment is supported)`);
  }
  if (op === 'BatchNormalization') {
    if (opset < 7 && at.i('is_test', 0) !== 1) unsupported(`opset ${opset} is_test = 0 (training-mode statistics)`);
    if (opset < 9 && at.i('spatial', 1) !== 1) unsupported(`opset ${opset} spatial = 0 (per-element statistics)`);
  }
  if (op === 'Dropout' && opset < 7 && at.i('is_test', 0) !== 1) unsupported(`opset ${opset} is_test = 0 (training-mode dropout)`);
}

/** Version adapters run before the handler: they rewrite an old node's inputs into the newer
 *  form it means. PRelu-6 applies a 1-D slope of C values per channel (axis 1); PRelu-7 on
 *  broadcasts numpy-style, so the slope becomes [C, 1, ..., 1]. see: ONNX Changelog, PRelu-7 */
export function adaptLegacy(m: OnnxImporter): void {
  const op = m.node.op_type!;
  if (op === 'PRelu' && m.opset < 7) {
    const x = m.val(0), s = m.val(1);
    const r = rank(x);
    if (!x || x.kind !== 'act' || s?.kind !== 'const' || s.dims.length !== 1 || r < 3 || s.dims[0] !== x.shape[1] || s.dims[0] === 1) return;
    const name = m.fresh(`${m.node.input![1]}.per_channel`);
    m.vals.set(name, { ...s, dims: [s.dims[0], ...new Array(r - 2).fill(1)] });
    m.node.input = [m.node.input![0], name];
  }
}

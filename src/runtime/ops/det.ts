// Det on f32 / f64 values: the determinant of each trailing n x n matrix (assembly/nd/det.ts).
// see: ONNX Det, opset 11

import { fail } from '../errors.js';
import { elements, type Builder } from './types.js';

export const det: Builder = (ctx) => {
  const name = ctx.node.inputs[0];
  const t = name ? ctx.typeOf(name) : undefined;
  if (t !== 'f32' && t !== 'f64') fail('UNSUPPORTED_OP', `${ctx.where}: Det of ${t ?? 'a missing input'} (f32, f64 are supported)`);
  const es = t === 'f32' ? 4 : 8;
  return {
    valueInputs: [name],
    outTypes: [t],
    infer([x]) {
      const n = x[x.length - 1];
      if (x.length < 2 || x[x.length - 2] !== n) fail('SHAPE_MISMATCH', `${ctx.where}: input ${JSON.stringify(x)} is not a batch of square matrices`);
      return x.slice(0, -2);
    },
    scratch: ([x]) => x[x.length - 1] ** 2 * es + 16,
    run([xp], [x], yp, _o, work) {
      const n = x[x.length - 1], batch = elements(x.slice(0, -2));
      if (t === 'f32') ctx.kernels.det_f32__scalar(yp, xp, batch, n, work);
      else ctx.kernels.det_f64__scalar(yp, xp, batch, n, work);
    },
    dispose() {},
  };
};

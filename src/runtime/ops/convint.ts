// ConvInteger on u8 / i8 NC[D]HW values: exact i32 sums with zero points (assembly/nd/conv_int.ts),
// the geometry and attributes of ConvNd (conv_geometry.ts, convnd.ts).
// see: ONNX ConvInteger, opset 10 (inputs x, w, x_zero_point, w_zero_point)

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { dtypeId } from '../dtype.js';
import { elements, type Builder } from './types.js';
import { convGeometry } from './conv_geometry.js';
import { attrs } from './convnd.js';

export const convInteger: Builder = (ctx) => {
  const at = attrs(ctx);
  const [x, w, xz, wz] = ctx.node.inputs;
  const tx = x ? ctx.typeOf(x) : undefined, tw = w ? ctx.typeOf(w) : undefined;
  for (const [t, what] of [[tx, 'x'], [tw, 'w']] as const) if (t !== 'u8' && t !== 'i8') fail('UNSUPPORTED_OP', `${ctx.where}: ConvInteger ${what} is ${t ?? 'missing'} (u8, i8 expected)`);
  for (const [z, t, what] of [[xz, tx, 'x'], [wz, tw, 'w']] as const) if (z && ctx.typeOf(z) !== t) fail('BAD_GRAPH', `${ctx.where}: ${what}_zero_point is ${ctx.typeOf(z)}, ${what} ${t}`);
  const valueInputs = [x, w, ...(xz ? [xz] : []), ...(wz ? [wz] : [])];
  const zi = (name: string | undefined) => (name ? valueInputs.indexOf(name) : -1);
  const zpCount = (s: number[] | undefined, oc: number, what: string, perChannel: boolean) => {
    if (!s) return 0;
    const n = elements(s);
    if (n === 1 || (perChannel && s.length === 1 && n === oc)) return n;
    return fail('SHAPE_MISMATCH', `${ctx.where}: ${what} of shape ${JSON.stringify(s)} (one value${perChannel ? ` or ${oc}` : ''} expected)`);
  };
  const geo = (sh: number[][]) => {
    const g = convGeometry(false, sh[0], sh[1], at, ctx.where);
    const oc = g.outShape[1];
    return { g, nx: zpCount(zi(xz) >= 0 ? sh[zi(xz)] : undefined, oc, 'x_zero_point', false), nw: zpCount(zi(wz) >= 0 ? sh[zi(wz)] : undefined, oc, 'w_zero_point', true) };
  };
  return {
    valueInputs,
    outTypes: ['i32'],
    infer: (sh) => geo(sh).g.outShape,
    run(p, sh, yp) {
      const { g, nw } = geo(sh);
      const pp = heap.put(g.params);
      try {
        const st = ctx.kernels.conv_x8_x8_i32__scalar(yp, p[0], dtypeId(tx!), p[1], dtypeId(tw!), zi(xz) >= 0 ? p[zi(xz)] : 0, zi(wz) >= 0 ? p[zi(wz)] : 0, nw, pp);
        if (st !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel refused the arguments (status ${st})`);
      } finally { heap.free(pp); }
    },
    dispose() {},
  };
};

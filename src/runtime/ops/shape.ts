// Reshape and Flatten: the same bytes under a new shape (copied into the output's arena slot).

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { elements, type Builder } from './types.js';

function copy(xp: number, yp: number, n: number): void {
  if (xp !== yp) new Uint8Array(heap.buffer()).copyWithin(yp, xp, xp + n * 4);
}

/** attrs.shape: target dims; 0 copies the input's dim, -1 (at most one) is inferred. */
export const reshape: Builder = (ctx) => {
  const target = ctx.node.attrs?.shape;
  if (!Array.isArray(target) || !target.every((d) => Number.isSafeInteger(d) && d >= -1) || target.filter((d) => d === -1).length > 1) {
    fail('BAD_GRAPH', `${ctx.where}: attrs.shape must be integers >= -1 with at most one -1`);
  }
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      const out = (target as number[]).map((d, i) => (d === 0 ? s[i] : d));
      const known = elements(out.filter((d) => d !== -1));
      const n = elements(s);
      const inferred = out.includes(-1) ? n / known : known;
      if (!Number.isSafeInteger(inferred) || (out.includes(-1) ? known * inferred : known) !== n) fail('SHAPE_MISMATCH', `${ctx.where}: cannot reshape ${JSON.stringify(s)} to ${JSON.stringify(target)}`);
      return out.map((d) => (d === -1 ? inferred : d));
    },
    run([xp], [s], yp) { copy(xp, yp, elements(s)); },
    dispose() {},
  };
};

/** attrs.axis (default 1): [d0..d(axis-1), rest]. */
export const flatten: Builder = (ctx) => {
  const axis = (ctx.node.attrs?.axis ?? 1) as number;
  return {
    valueInputs: [ctx.node.inputs[0]],
    infer([s]) {
      if (!Number.isSafeInteger(axis) || axis < 0 || axis > s.length) fail('BAD_GRAPH', `${ctx.where}: attrs.axis ${axis} out of range for rank ${s.length}`);
      return [elements(s.slice(0, axis)), elements(s.slice(axis))];
    },
    run([xp], [s], yp) { copy(xp, yp, elements(s)); },
    dispose() {},
  };
};

// Computing an operator in a wider element type: f16 / bf16 values run through the f32 kernels,
// and Pow with a base and an exponent of different types runs in f64. Each input that is not of
// the compute type is cast into scratch (cast_any, assembly/nd/cast.ts), the kernel writes the
// compute-type result to scratch, and one more cast rounds it to the output type. For + - * / and
// sqrt, f32 has more than twice f16's / bf16's precision, so the twice-rounded result is the
// correctly rounded one. see: Figueroa, "When is double rounding innocuous?" (1995)

import { fail } from '../errors.js';
import { DTYPES, type DType } from '../dtype.js';
import { elements, type OpContext } from './types.js';

const align = (n: number) => (n + 15) & ~15;

export interface Via {
  /** the type the kernel runs in */
  comp: DType;
  /** scratch bytes after `base` bytes of the operator's own scratch */
  bytes(inShapes: number[][], outShape: number[]): number;
  /** casts the inputs, calls body with compute-type pointers (inputs, output), casts the output */
  run(ins: number[], inShapes: number[][], yp: number, y: number[], scratch: number, body: (ins: number[], yp: number) => void): void;
}

/** `from`: each input's type; `out`: the output type (a bool output is written as is). */
export function via(ctx: OpContext, from: DType[], out: DType, comp: DType, base = 0): Via {
  const castOut = out !== comp && out !== 'bool';
  const cb = DTYPES[comp].bytes;
  const cast = (to: DType, fromT: DType, yp: number, xp: number, n: number) => {
    const r = ctx.kernels.cast_any__simd128(DTYPES[fromT].id, DTYPES[to].id, yp, xp, n, 0);
    if (r !== 0) fail('UNSUPPORTED_OP', `${ctx.where}: no cast from ${fromT} to ${to} (status ${r})`);
  };
  return {
    comp,
    bytes(inShapes, y) {
      let n = align(base);
      inShapes.forEach((s, i) => { if (from[i] !== comp) n += align(elements(s) * cb); });
      return castOut ? n + align(elements(y) * cb) : n;
    },
    run(ins, inShapes, yp, y, scratch, body) {
      let p = scratch + align(base);
      const cins = ins.map((xp, i) => {
        if (from[i] === comp || xp === 0) return xp;
        const q = p, n = elements(inShapes[i]);
        p += align(n * cb);
        cast(comp, from[i], q, xp, n);
        return q;
      });
      const cy = castOut ? p : yp;
      body(cins, cy);
      if (castOut) cast(out, comp, yp, cy, elements(y));
    },
  };
}

/** f16 / bf16 compute in f32; every other type as itself. */
export const computeType = (t: DType): DType => (t === 'f16' || t === 'bf16' ? 'f32' : t);

// Element-wise binary operators on typed values of any rank with numpy broadcasting (see: ONNX
// Broadcasting.md; Add / Sub / Mul / Div / Pow / Mod / Min / Max / And / Or / Xor / BitShift /
// BitwiseAnd / BitwiseOr / BitwiseXor / Equal / Less / Greater / LessOrEqual / GreaterOrEqual,
// opsets 7-22). Either operand may be a value or a stored tensor of a plain element type. f32
// operands whose second one matches the first's trailing dimensions take vbinary_f32__simd128
// (the kernel the element-wise layers always took, with TFLite's fused activation); every other
// case takes the N-d kernel vbinary_nd_any__simd128 (assembly/nd/binary.ts).

import * as heap from '../heap.js';
import { fail } from '../errors.js';
import { BINARY_OPS } from '../tables.js';
import { dtypeId, type DType } from '../dtype.js';
import { elements, type Builder, type OpContext } from './types.js';
import { activation } from './conv.js';
import { computeType, via } from './via.js';
import { ACT } from '../tables.js';

/** ONNX op -> the module's binary op name (BINARY_OPS). */
const CODE: Record<string, string> = {
  Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', Pow: 'pow', Min: 'min', Max: 'max',
  And: 'and', Or: 'or', Xor: 'xor', BitwiseAnd: 'and', BitwiseOr: 'or', BitwiseXor: 'xor',
  Equal: 'eq', Less: 'lt', Greater: 'gt', LessOrEqual: 'le', GreaterOrEqual: 'ge', PRelu: 'prelu',
};
const COMPARE = new Set(['eq', 'lt', 'gt', 'le', 'ge']);
const BOOL_ONLY = new Set(['And', 'Or', 'Xor']);
/** the old kernel's op codes: Add Sub Mul Div */
const F32_OPS: Record<string, number> = { Add: 0, Sub: 1, Mul: 2, Div: 3 };

/** The numpy broadcast of two shapes, or SHAPE_MISMATCH naming the place. */
export function broadcast(a: number[], b: number[], where: string): number[] {
  const r = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail('SHAPE_MISMATCH', `${where}: shapes ${JSON.stringify(a)} and ${JSON.stringify(b)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Dims of `shapes` right-aligned to `rank` (1 where missing), as i32s into block p. */
export function putDims(p: number, rank: number, shapes: number[][]): void {
  const v = new Int32Array(heap.buffer(), p, rank * shapes.length);
  shapes.forEach((s, k) => { for (let i = 0; i < rank; i++) v[k * rank + i] = s[s.length - rank + i] ?? 1; });
}

/** The type of a node input (value or stored tensor), or BAD_GRAPH. */
export function inType(ctx: OpContext, i: number): DType {
  const name = ctx.node.inputs[i];
  const t = typeof name === 'string' && name !== '' ? ctx.typeOf(name) : undefined;
  if (!t) fail('BAD_GRAPH', `${ctx.where}: input ${i} ${JSON.stringify(name)} is missing, or a quantized tensor`);
  return t;
}

const DIMS_SCRATCH = 3 * 8 * 4 + 16;

export const binary = (op: string): Builder => (ctx) => {
  if (ctx.node.inputs.length !== 2) fail('BAD_GRAPH', `${ctx.where}: ${op} takes 2 inputs, the node has ${ctx.node.inputs.length}`);
  const [aName, bName] = ctx.node.inputs;
  const ta = inType(ctx, 0), tb = inType(ctx, 1);
  // see: ONNX Pow, opset 15: the exponent may have its own type; such pairs compute in f64
  if (ta !== tb && op !== 'Pow') fail('BAD_GRAPH', `${ctx.where}: operands of types ${ta} and ${tb}; ${op} takes one type`);
  let name = CODE[op];
  if (op === 'Mod') name = ctx.node.attrs?.fmod ? 'fmod' : 'mod';
  if (op === 'BitShift') {
    const d = ctx.node.attrs?.direction;
    if (d !== 'LEFT' && d !== 'RIGHT') fail('BAD_GRAPH', `${ctx.where}: attrs.direction must be "LEFT" or "RIGHT"`);
    name = d === 'LEFT' ? 'shl' : 'shr';
  }
  if (BOOL_ONLY.has(op) && ta !== 'bool') fail('BAD_GRAPH', `${ctx.where}: ${op} takes bool operands, not ${ta}`);
  const code = BINARY_OPS.indexOf(name as (typeof BINARY_OPS)[number]);
  if (code < 0) fail('UNSUPPORTED_OP', `${ctx.where}: no binary operator ${op}`);
  const act = activation(ctx);
  const fused = F32_OPS[op] !== undefined && ta === 'f32';
  if (act !== ACT.none && !fused) fail('UNSUPPORTED_OP', `${ctx.where}: a fused activation needs f32 Add / Sub / Mul / Div`);
  const comp: DType = ta !== tb ? 'f64' : computeType(ta);
  const id = dtypeId(comp);
  const v = via(ctx, [ta, tb], COMPARE.has(name) ? 'bool' : ta, comp, DIMS_SCRATCH);
  // vbinary_f32__simd128 broadcasts b along a's leading dims only (b a suffix of a, or one element)
  const trailing = (a: number[], b: number[]) => elements(b) === 1 || (b.length <= a.length && b.every((d, i) => d === a[a.length - b.length + i]));
  return {
    valueInputs: [aName, bName],
    outTypes: [COMPARE.has(name) ? 'bool' : ta],
    infer([a, b]) {
      const out = broadcast(a, b, ctx.where);
      if (act !== ACT.none && !(trailing(a, b) && out.length === a.length)) fail('SHAPE_MISMATCH', `${ctx.where}: a fused activation needs b to match a's trailing dimensions`);
      return out;
    },
    scratch: ([a, b]) => v.bytes([a, b], broadcast(a, b, ctx.where)),
    run([ap, bp], [a, b], yp, y, scratch) {
      if (fused && trailing(a, b) && y.length === a.length) {
        ctx.kernels.vbinary_f32__simd128(ap, bp, yp, elements(a), elements(b), F32_OPS[op], act);
        return;
      }
      const rank = y.length;
      v.run([ap, bp], [a, b], yp, y, scratch, ([ca, cb], cy) => {
        putDims(scratch, rank, [y, a, b]);
        const r = ctx.kernels.vbinary_nd_any__simd128(id, code, cy, ca, cb, rank, scratch);
        if (r === 1) fail('UNSUPPORTED_OP', `${ctx.where}: ${op} is not defined on ${ta} values`);
        if (r !== 0) fail('SHAPE_MISMATCH', `${ctx.where}: the kernel rejected ${ta} ${op} (status ${r})`);
      });
    },
    dispose() {},
  };
};

export const BINARY: Record<string, Builder> = Object.fromEntries(
  [...Object.keys(CODE), 'Mod', 'BitShift'].map((op) => [op, binary(op)]));

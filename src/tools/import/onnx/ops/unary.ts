// Generic rows (../generic.ts) of the element-wise unary operators and activations on every
// element type the runtime's unary kernel takes (src/runtime/ops/unary.ts), Clip with its bounds
// as attributes (opset < 11) or scalar tensors (11+), and PRelu with a slope of any broadcastable
// shape. see: ONNX Abs ... Atanh, Elu, Selu, Celu, Shrink, IsNaN, IsInf, Not, Clip, PRelu, opsets 6-22

import { unsupported } from '../../graph.js';
import { broadcastAll, need, type GenericRow } from '../generic.js';
import { unaryTakes } from '../../../../runtime/ops/unary.js';

const NAMES = ['Abs', 'Neg', 'Sign', 'Floor', 'Ceil', 'Round', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Erf',
  'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Relu', 'Sigmoid',
  'Tanh', 'Softplus', 'Softsign', 'Elu', 'Selu', 'Celu', 'Mish', 'ThresholdedRelu', 'HardSigmoid', 'HardSwish',
  'LeakyRelu', 'Gelu', 'Not', 'BitwiseNot', 'Shrink', 'Clip'];


const same = (op: string, out?: 'bool'): GenericRow => ({
  infer: (ins) => {
    const x = need(ins, 0, 'X');
    if (!unaryTakes(op, x.dtype)) unsupported(`${op} of ${x.dtype}`);
    return [{ dtype: out ?? x.dtype, shape: [...x.shape] }];
  },
});

export const GENERIC_UNARY: Record<string, GenericRow> = {
  ...Object.fromEntries(NAMES.map((op) => [op, same(op)])),
  IsNaN: same('IsNaN', 'bool'),
  IsInf: same('IsInf', 'bool'),
  PRelu: {
    infer: (ins) => {
      const x = need(ins, 0, 'X'), s = need(ins, 1, 'slope');
      if (s.dtype !== x.dtype) unsupported(`slope of type ${s.dtype} for input ${x.dtype}`);
      return [{ dtype: x.dtype, shape: broadcastAll([x.shape, s.shape]) }];
    },
  },
};

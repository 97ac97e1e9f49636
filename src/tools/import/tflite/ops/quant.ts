// TFLite DEQUANTIZE (of a constant: folded, consumers read the stored f16 / int8 codes; of an
// emulated quantized activation: an alias) and QUANTIZE (a FakeQuant).

import { fail } from '../../../../runtime/errors.js';
import { unsupported } from '../../graph.js';
import type { Handler } from '../importer.js';
import { TT_NAMES } from '../schema.js';
import type { Const } from '../values.js';

export const DEQUANTIZE: Handler = (m) => {
  const v = m.val(0);
  if (!v) fail('BAD_GRAPH', `${m.where()}: input missing`);
  if (v.kind === 'const') {
    const c = v as Const;
    if (c.dtype !== 'f16' && !((c.dtype === 'i8' || c.dtype === 'u8') && c.quant)) unsupported(`DEQUANTIZE of a ${c.dtype} constant${c.quant ? '' : ' without quantization'}`);
    m.vals.set(m.op.outputs[0], c); // folded: consumers read the stored codes (see weight())
    return;
  }
  // an emulated quantized activation already holds its dequantized values
  const a = m.act(0);
  if (m.graphOutputs.has(m.op.outputs[0])) { m.emitWithAct('Reshape', [a.name], { shape: a.shape.map(() => 0) }, 0); return; }
  m.vals.set(m.op.outputs[0], a);
};

export const QUANTIZE: Handler = (m) => {
  const x = m.act(0);
  const fq = m.fakeQuantOf(m.tinfo(m.op.outputs[0]));
  if (!fq) unsupported(`QUANTIZE to ${TT_NAMES[m.tinfo(m.op.outputs[0]).type]}`);
  const out = m.bindOut();
  m.emit('FakeQuant', [x.name], out.name, fq!);
};

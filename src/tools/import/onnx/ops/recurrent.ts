// Generic rows (../generic.ts) of the recurrent family: RNN, GRU and LSTM as runtime nodes with
// ONNX semantics (src/runtime/ops/recurrent.ts checks the attributes and shapes again at load and
// per run). These rows give the outputs' shapes: Y [T, dirs, B, H] (layout 1: [B, T, dirs, H]),
// Y_h / Y_c [dirs, B, H] (layout 1: [B, dirs, H]).
// see: ONNX RNN 14, GRU 14, LSTM 14 (and opset 7, which has no layout)

import { unsupported } from '../../graph.js';
import { need, type GenericRow, type In } from '../generic.js';
import type { OnnxImporter } from '../importer.js';

const GATES = { RNN: 1, GRU: 3, LSTM: 4 } as const;

const row = (op: keyof typeof GATES): GenericRow => ({
  infer: (ins: (In | undefined)[], m: OnnxImporter) => {
    const x = need(ins, 0, 'X'), r = need(ins, 2, 'R');
    need(ins, 1, 'W');
    if (x.dtype !== 'f32') unsupported(`${op} on ${x.dtype} values (f32 is supported)`);
    if (x.shape.length !== 3) unsupported(`${op} X of shape ${JSON.stringify(x.shape)} (rank 3 expected)`);
    const layout = m.at.i('layout', 0), dirs = m.at.s('direction', 'forward') === 'bidirectional' ? 2 : 1;
    const H = m.at.i('hidden_size', r.shape.length === 3 ? r.shape[2] : -1);
    const [T, B] = layout === 1 ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    const state = layout === 1 ? [B, dirs, H] : [dirs, B, H];
    const Y = layout === 1 ? [B, T, dirs, H] : [T, dirs, B, H];
    return [Y, state, state].slice(0, op === 'LSTM' ? 3 : 2).map((shape) => ({ dtype: 'f32' as const, shape }));
  },
});

export const GENERIC_RECURRENT: Record<string, GenericRow> = { RNN: row('RNN'), GRU: row('GRU'), LSTM: row('LSTM') };

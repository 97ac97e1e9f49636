// Shared by the tests of the quantization and data-dependent operators: tiny bundles of one or a
// few runtime nodes, and the AlloyError check.
import * as assert from 'uvu/assert';
import { AlloyError } from '../../build/alloy.mjs';
import { writeBundle } from '../../build/alloy-tools.mjs';

export type V = { name: string; shape: number[]; format: string };
export type T = { format: string; shape: number[]; data: ArrayBufferView };
export const graphOf = (inputs: V[], outputs: V[], nodes: unknown[], tensors: Record<string, T> = {}) => writeBundle({ graph: { inputs, outputs, nodes }, tensors } as any);
export const op = (kind: string, inputs: string[], outputs: string[], attrs?: Record<string, unknown>) => ({ name: kind.toLowerCase(), op: kind, inputs, outputs, ...(attrs ? { attrs } : {}) });

/** f() throws an AlloyError with this code and a message matching re. */
export function refuses(f: () => unknown, code: string, re: RegExp): void {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  if (err === undefined) assert.unreachable(`expected ${code}`);
  assert.ok(err instanceof AlloyError, String(err));
  assert.equal([(err as AlloyError).code, re.test((err as Error).message)], [code, true], (err as Error).message);
}

/** Round half to even (the ONNX quantizers' rounding). */
export const rne = (v: number) => { const f = Math.floor(v), d = v - f; return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f; };

// Bundle writer: header JSON (with each tensor's XXH32) + 64-byte aligned tensor data.

import { MAGIC, VERSION, PREAMBLE, align, quantFields, hex8, type Header, type NodeEntry, type ValueInfo, type TensorEntry } from '../../runtime/bundle/layout.js';
import { xxh32 } from '../../runtime/bundle/hash.js';
import { fail } from '../../runtime/errors.js';

export interface TensorInput {
  format: string;
  shape: number[];
  data: Uint8Array | Uint16Array | Float32Array | Int32Array | Int8Array | Uint32Array | Int16Array | Float64Array | BigInt64Array | BigUint64Array;
  scale?: string;
  zeroPoint?: string;
  group?: number;
  axis?: number;
}

export interface BundleInput {
  graph: { inputs: ValueInfo[]; outputs: ValueInfo[]; nodes: NodeEntry[] };
  tensors: Record<string, TensorInput>;
  precision?: unknown;
  metadata?: Record<string, unknown>;
}

export function writeBundle(b: BundleInput): Uint8Array {
  const entries: Record<string, TensorEntry> = {};
  let off = 0;
  const parts: { off: number; bytes: Uint8Array }[] = [];
  for (const [name, t] of Object.entries(b.tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    off = align(off);
    entries[name] = { format: t.format, shape: [...t.shape], offset: off, bytes: bytes.length, xxh32: hex8(xxh32(bytes)), ...quantFields(t) };
    parts.push({ off, bytes });
    off += bytes.length;
  }
  const dataBytes = off;
  const data = new Uint8Array(dataBytes);
  for (const p of parts) data.set(p.bytes, p.off);
  const header: Header = {
    alloy: VERSION,
    graph: b.graph,
    tensors: entries,
    ...(b.precision !== undefined ? { precision: b.precision } : {}),
    metadata: b.metadata ?? {},
    data: { bytes: dataBytes },
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const h = align(PREAMBLE + json.length) - PREAMBLE;
  if (h !== json.length) {
    const padded = new Uint8Array(h).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(PREAMBLE + h + dataBytes);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, VERSION, true);
  dv.setUint32(12, 0, true);
  dv.setBigUint64(16, BigInt(h), true);
  out.set(json, PREAMBLE);
  out.set(data, PREAMBLE + h);
  if (out.length > 2 ** 32) fail('LIMIT_EXCEEDED', 'bundle larger than 4 GiB');
  return out;
}

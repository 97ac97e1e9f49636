// What the planner needs from the runtime, passed in (not imported) so the planner runs against
// exactly the host it is given: the CLI passes its own, the tests pass the built build/alloy.mjs.
// Also: plain data edits of bundles (extra graph outputs, f32 weight bytes rewritten in place).

import type { Alloy, BundleInput, PackReport, PrecisionMap } from '../index.js';
import { WEIGHTED, quantFields, type Header } from '../bundle/layout.js';

export interface BundleView { header: Header; data: Uint8Array }

export interface Host {
  alloy: Alloy;
  readBundle(bytes: Uint8Array): BundleView;
  writeBundle(b: BundleInput): Uint8Array;
  packBundle(bytes: Uint8Array, map: PrecisionMap): { input: BundleInput; report: PackReport[] };
  tensorValues(b: BundleView, name: string): Float32Array;
  validatePrecisionMap(map: unknown, nodes: Iterable<string>, where?: string): PrecisionMap;
  /** the bundle checksum (CRC-32) of bytes */
  crc32(bytes: Uint8Array): number;
}

export { WEIGHTED };

/** The bundle's tensors as writer input (data shares the bundle's bytes). */
export function bundleInput(b: BundleView): BundleInput {
  const tensors: BundleInput['tensors'] = {};
  for (const [name, e] of Object.entries(b.header.tensors)) {
    tensors[name] = { format: e.format, shape: e.shape, data: b.data.subarray(e.offset, e.offset + e.bytes), ...quantFields(e) };
  }
  return { graph: b.header.graph, tensors, precision: b.header.precision, metadata: b.header.metadata ?? {} };
}

/** A copy of the bundle whose graph outputs are the given values (e.g. every node output), so one
 *  run returns intermediate tensors. Bundles are plain data; the runtime is untouched. */
export function withOutputs(host: Host, bytes: Uint8Array, names: string[]): Uint8Array {
  const b = host.readBundle(bytes);
  const inp = bundleInput(b);
  const g = b.header.graph;
  return host.writeBundle({ ...inp, graph: { ...g, outputs: names.map((n) => ({ name: n, shape: [-1], format: 'f32' })) } });
}

/** Rewrites f32 weight tensors of one bundle in place (a copy of it): the weight bytes, then the
 *  CRC-32 in the header (same length, 8 hex digits). No re-serialisation, no re-encoding. */
export class WeightPatcher {
  readonly bytes: Uint8Array;
  private dataStart: number;
  private crcAt: number;
  private header: Header;
  private original = new Map<string, Float32Array>();

  constructor(bytes: Uint8Array, private crc32: (bytes: Uint8Array) => number) {
    this.bytes = bytes.slice();
    const dv = new DataView(this.bytes.buffer);
    const h = Number(dv.getBigUint64(16, true));
    const json = new TextDecoder().decode(this.bytes.subarray(24, 24 + h));
    this.header = JSON.parse(json);
    this.dataStart = 24 + h;
    const key = `"crc32":"${this.header.data.crc32}"`;
    const at = json.lastIndexOf(key);
    if (at < 0) throw new Error('WeightPatcher: crc32 field not found in the header');
    this.crcAt = 24 + new TextEncoder().encode(json.slice(0, at)).length + key.length - 9;
  }

  /** the stored f32 values of a tensor (a copy, as in the bundle given) */
  values(name: string): Float32Array {
    let v = this.original.get(name);
    if (!v) {
      const e = this.header.tensors[name];
      if (!e || e.format !== 'f32') throw new Error(`WeightPatcher: ${name} is not an f32 tensor`);
      v = new Float32Array(this.bytes.slice(this.dataStart + e.offset, this.dataStart + e.offset + e.bytes).buffer);
      this.original.set(name, v);
    }
    return v;
  }

  /** write values into the tensor's bytes (no checksum update until bundle()) */
  set(name: string, v: Float32Array): void {
    const e = this.header.tensors[name];
    this.values(name);
    if (v.length * 4 !== e.bytes) throw new Error(`WeightPatcher: ${name} holds ${e.bytes / 4} values, got ${v.length}`);
    this.bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), this.dataStart + e.offset);
  }

  restore(name: string): void { this.set(name, this.values(name)); }

  /** the bundle with a correct checksum (shares memory with this patcher: load it before the next set) */
  bundle(): Uint8Array {
    const crc = this.crc32(this.bytes.subarray(this.dataStart, this.dataStart + this.header.data.bytes)).toString(16).padStart(8, '0');
    this.bytes.set(new TextEncoder().encode(crc), this.crcAt);
    return this.bytes;
  }
}

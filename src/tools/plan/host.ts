// What the planner needs from the runtime, passed in (not imported) so the planner runs against
// exactly the host it is given: the CLI passes its own, the tests pass the built build/alloy.mjs.
// Also: plain data edits of bundles (extra graph outputs, f32 weight bytes rewritten in place).

import type { Alloy, PrecisionMap } from '../../runtime/index.js';
import type { BundleInput } from '../bundle/write.js';
import type { PackReport } from '../bundle/pack.js';
import { weightInput, tensorEntry, quantFields, hex8, PREAMBLE, type Header } from '../../runtime/bundle/layout.js';
import { readHeader } from '../../runtime/bundle/read.js';

export interface BundleView { header: Header; data: Uint8Array }

export interface Host {
  alloy: Alloy;
  readBundle(bytes: Uint8Array): BundleView;
  writeBundle(b: BundleInput): Uint8Array;
  /** bytes, or a BundleView readBundle returned (not checked again) */
  packBundle(bundle: Uint8Array | BundleView, map: PrecisionMap): { input: BundleInput; report: PackReport[] };
  tensorValues(b: BundleView, name: string): Float32Array;
  validatePrecisionMap(map: unknown, nodes: Iterable<string>, where?: string): PrecisionMap;
  /** the tensor checksum (XXH32) of bytes */
  xxh32(bytes: Uint8Array): number;
}

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
 *  XXH32 of each rewritten tensor in the header, which is written again (compact JSON, padded
 *  with spaces to its old length, so the data does not move). No re-encoding, and only changed
 *  tensors re-hashed. */
export class WeightPatcher {
  readonly bytes: Uint8Array;
  private dataStart: number;
  private header: Header;
  private original = new Map<string, Float32Array>();
  private dirty = new Set<string>();

  constructor(bytes: Uint8Array, private xxh32: (bytes: Uint8Array) => number) {
    this.bytes = bytes.slice();
    // the reader's checks, without an instance (the checksums are the patcher's to write)
    const { header, data } = readHeader(this.bytes);
    this.header = header;
    this.dataStart = data.byteOffset - this.bytes.byteOffset;
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
    this.dirty.add(name);
  }

  restore(name: string): void { this.set(name, this.values(name)); }

  /** the bundle with correct checksums (shares memory with this patcher: load it before the next set) */
  bundle(): Uint8Array {
    if (this.dirty.size) {
      for (const name of this.dirty) {
        const e = this.header.tensors[name];
        e.xxh32 = hex8(this.xxh32(this.bytes.subarray(this.dataStart + e.offset, this.dataStart + e.offset + e.bytes)));
      }
      this.dirty.clear();
      const json = new TextEncoder().encode(JSON.stringify(this.header));
      // compact JSON of the same values: as long as the old header or shorter (unless the old
      // one spelled numbers shorter, e.g. 1e3), padded with spaces like any header
      if (PREAMBLE + json.length > this.dataStart) throw new Error(`WeightPatcher: the header written again (${json.length} bytes) does not fit in the old one (${this.dataStart - PREAMBLE} bytes)`);
      this.bytes.set(json, PREAMBLE);
      this.bytes.fill(0x20, PREAMBLE + json.length, this.dataStart);
    }
    return this.bytes;
  }
}

// Apply a precision map to a bundle: re-encode each weighted layer's weights in the format the
// map asks for (decoding what is stored first, through the module), embed the map.

import { readBundle, type Bundle } from '../../runtime/bundle/read.js';
import type { BundleInput, TensorInput } from './write.js';
import { elements, weightInput, tensorEntry, quantFields, type TensorEntry } from '../../runtime/bundle/layout.js';
import { quantizeTensor } from './quantize.js';
import { validatePrecisionMap, resolve, type PrecisionMap } from '../../runtime/precision.js';
import { formatByName } from '../../runtime/formats.js';
import { decode, dequantizeAffine, dequantizeMX, unpack } from '../../runtime/cast.js';
import { fail } from '../../runtime/errors.js';


function bytesOf(b: Bundle, e: TensorEntry): Uint8Array { return b.data.subarray(e.offset, e.offset + e.bytes); }

/** The exact f32 values of a stored tensor (decoded / dequantized by the module). */
export function tensorValues(b: Bundle, name: string): Float32Array {
  const e = tensorEntry(b.header, name);
  if (!e) fail('BAD_GRAPH', `no tensor ${JSON.stringify(name)}`);
  const f = formatByName(e.format);
  const n = elements(e.shape);
  const raw = bytesOf(b, e).slice();
  if (f.name === 'f32') return new Float32Array(raw.buffer, 0, n);
  const bits = f.kind === 'mx' ? formatByName(f.element).bits : f.bits;
  const codes = bits === 4 || bits === 6 ? unpack(f.name, raw, n) : raw;
  if (f.kind === 'float') return decode(f.name, f.bits === 16 ? new Uint16Array(codes.buffer, codes.byteOffset, n) : codes);
  if (f.kind === 'int') {
    const s = tensorEntry(b.header, e.scale);
    if (!s) fail('BAD_TENSOR', `tensor ${JSON.stringify(name)}: missing scale tensor`);
    const z = tensorEntry(b.header, e.zeroPoint);
    const typed = f.name === 'u8' ? codes : f.name === 'i16' ? new Int16Array(codes.buffer, codes.byteOffset, n)
      : f.name === 'i4' ? Int8Array.from(codes, (c) => (c << 28) >> 28) : new Int8Array(codes.buffer, codes.byteOffset, n);
    const scales = new Float32Array(bytesOf(b, s).slice().buffer);
    const zeroPoints = z ? new Int32Array(bytesOf(b, z).slice().buffer) : new Int32Array(scales.length);
    if (e.axis !== undefined) {
      // one scale per index of `axis`: dequantize the slices [outer][d][inner] as groups of inner
      const D = e.shape[e.axis], inner = elements(e.shape.slice(e.axis + 1)), out = new Float32Array(n);
      for (let o = 0; o < n; o += D * inner) {
        out.set(dequantizeAffine(f.name, { codes: (typed as any).subarray(o, o + D * inner), groupSize: inner, scales, zeroPoints }), o);
      }
      return out;
    }
    return dequantizeAffine(f.name, { codes: typed as any, groupSize: e.group ?? n, scales, zeroPoints });
  }
  if (f.kind === 'mx') {
    const s = tensorEntry(b.header, e.scale);
    if (!s) fail('BAD_TENSOR', `tensor ${JSON.stringify(name)}: missing scale tensor`);
    const scales = bytesOf(b, s);
    const K = e.shape[e.shape.length - 1], rows = n / K, nb = Math.ceil(K / 32);
    const out = new Float32Array(n);
    for (let r = 0; r < rows; r++) out.set(dequantizeMX(f.name, { scales: scales.slice(r * nb, (r + 1) * nb), elements: codes.slice(r * K, (r + 1) * K) }), r * K);
    return out;
  }
  return fail('BAD_TENSOR', `tensor ${JSON.stringify(name)} of format ${f.name} cannot be decoded`);
}

export interface PackReport { layer: string; tensor: string; from: string; to: string; bytesBefore: number; bytesAfter: number }

/** `bundle`: bytes (read and checked here), or a Bundle readBundle already returned (the
 *  planner packs one working bundle many times: its checksums are taken once). */
export function packBundle(bundle: Uint8Array | Bundle, map: PrecisionMap, onLayer?: (done: number, total: number, layer: string) => void): { input: BundleInput; report: PackReport[] } {
  const b = bundle instanceof Uint8Array ? readBundle(bundle) : bundle;
  const nodes = b.header.graph.nodes;
  const pm = validatePrecisionMap(map, nodes.map((n) => n.name), 'precision map');
  const tensors: Record<string, TensorInput> = {};
  const replaced = new Set<string>();
  const report: PackReport[] = [];
  const weighted = nodes.filter((n) => weightInput(n.op) !== undefined);
  weighted.forEach((node, i) => {
    const target = resolve(pm, node.name).weights;
    const wName = node.inputs[weightInput(node.op)!];
    const e = tensorEntry(b.header, wName);
    onLayer?.(i + 1, weighted.length, node.name);
    if (!target || !e || target === e.format) return;
    const r = resolve(pm, node.name);
    const values = tensorValues(b, wName);
    const gran = r.granularity === 'block' ? undefined : r.granularity;
    // per-channel scales follow the output channel: the first axis of Dense [N, K] and Conv OHWI,
    // the last of DepthwiseConv [KH, KW, C]
    const axis = node.op === 'DepthwiseConv' ? e.shape.length - 1 : 0;
    const q = quantizeTensor(wName, values, e.shape, target, { granularity: gran as any, groupSize: r.groupSize, round: r.round as any, axis });
    for (const old of [wName, e.scale, e.zeroPoint]) if (old) replaced.add(old);
    Object.assign(tensors, q);
    const after = Object.values(q).reduce((t, x) => t + x.data.byteLength, 0);
    const before = e.bytes + (tensorEntry(b.header, e.scale)?.bytes ?? 0) + (tensorEntry(b.header, e.zeroPoint)?.bytes ?? 0);
    report.push({ layer: node.name, tensor: wName, from: e.format, to: target, bytesBefore: before, bytesAfter: after });
  });
  for (const [name, e] of Object.entries(b.header.tensors)) {
    if (replaced.has(name) || tensors[name]) continue;
    tensors[name] = { format: e.format, shape: e.shape, data: bytesOf(b, e), ...quantFields(e) };
  }
  return {
    input: { graph: b.header.graph, tensors, precision: pm, metadata: { ...(b.header.metadata ?? {}), packed: true } },
    report,
  };
}

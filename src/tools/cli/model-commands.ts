// `alloy inspect`, `alloy run`, `alloy bench`, `alloy pack`.
import type { Alloy } from '../../runtime/index.js';
import type { NodeOutput } from '../../runtime/model.js';
import { readBundle } from '../../runtime/bundle/read.js';
import { writeBundle } from '../bundle/write.js';
import { packBundle } from '../bundle/pack.js';
import { resolve, validatePrecisionMap } from '../../runtime/precision.js';
import { AlloyError } from '../../runtime/errors.js';
import { table } from './formats.js';
import { formatInfo } from '../../runtime/formats.js';
import { readNpy, readJsonTensor, writeNpy } from '../io/npy.js';
import { progress } from './progress.js';

import { numberFlag, type Flags } from './flags.js';
import { readBytes, readJson, writeOut } from './files.js';
const need = (pos: string[], n: number, usage: string) => { if (pos.length < n) throw new AlloyError('BAD_ARGUMENT', `usage: ${usage}`); };
const loadOptions = (flags: Flags, precision?: unknown) => ({
  ...(precision ? { precision: precision as any } : {}),
  ...(flags['decode-weights'] ? { decodeWeights: true } : {}),
  ...(flags.reference ? { kernels: 'reference' as const } : {}),
});
const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

/** The header only (readBundle validates it and every tensor's checksum): nothing is decoded or packed. */
export function inspectCommand(pos: string[], flags: Flags): number {
  need(pos, 1, 'alloy inspect BUNDLE.alloy [--json]');
  const bytes = readBytes(pos[0]);
  const b = readBundle(bytes);
  const h = b.header;
  const map = h.precision ? validatePrecisionMap(h.precision, h.graph.nodes.map((n) => n.name)) : null;
  const model = { inputs: h.graph.inputs, outputs: h.graph.outputs };
  const rows = [['#', 'node', 'op', 'weights', 'format', 'bytes', 'activations', 'accumulator']];
  let total = 0;
  h.graph.nodes.forEach((n, i) => {
    const stored = n.inputs.filter((x) => h.tensors[x]);
    const bytesOf = (x: string) => { const e = h.tensors[x]; return e.bytes + (e.scale ? h.tensors[e.scale]?.bytes ?? 0 : 0) + (e.zeroPoint ? h.tensors[e.zeroPoint]?.bytes ?? 0 : 0); };
    const by = stored.reduce((t, x) => t + bytesOf(x), 0);
    total += by;
    const w = stored[0] ? h.tensors[stored[0]] : undefined;
    const p = resolve(map, n.name);
    rows.push([String(i), n.name, n.op, w ? JSON.stringify(w.shape) : '-', w ? w.format : '-', by ? kb(by) : '-', p.activations, p.accumulator]);
  });
  if (flags.json) {
    console.log(JSON.stringify({ inputs: model.inputs, outputs: model.outputs, nodes: rows.slice(1), metadata: h.metadata, precision: h.precision ?? null, bytes: bytes.length }, null, 2));
  } else {
    console.log(`bundle   ${pos[0]}: ${kb(bytes.length)} (${h.graph.nodes.length} nodes, ${Object.keys(h.tensors).length} tensors, weights ${kb(total)})`);
    console.log(`inputs   ${model.inputs.map((v) => `${v.name} ${JSON.stringify(v.shape)} ${v.format}`).join(', ')}`);
    console.log(`outputs  ${model.outputs.map((v) => `${v.name} ${JSON.stringify(v.shape)}`).join(', ')}`);
    if (h.metadata && Object.keys(h.metadata).length) console.log(`metadata ${JSON.stringify(h.metadata)}`);
    console.log(table(rows));
  }
  return 0;
}

/** --input name=file.npy | name=file.f32 (with --shape name=1,784) | name=file.json; default name: the model's first input. */
function readInputs(model: { inputs: { name: string; shape: number[] }[] }, flags: Flags, extra: string[]): Record<string, { data: Float32Array; shape: number[] }> {
  const specs = [...extra, ...(typeof flags.input === 'string' ? [flags.input] : [])];
  const shapes: Record<string, number[]> = {};
  if (typeof flags.shape === 'string') for (const s of flags.shape.split(';')) {
    const [n, d] = s.includes('=') ? s.split('=') : [model.inputs[0].name, s];
    shapes[n] = d.split(/[,x]/).map(Number);
  }
  const feeds: Record<string, { data: Float32Array; shape: number[] }> = {};
  for (const spec of specs) {
    const [name, path] = spec.includes('=') ? spec.split('=', 2) : [model.inputs[0].name, spec];
    const bytes = readBytes(path);
    if (path.endsWith('.npy')) feeds[name] = readNpy(bytes, path);
    else if (path.endsWith('.json')) feeds[name] = readJsonTensor(bytes, path);
    else {
      if (bytes.length % 4) throw new AlloyError('BAD_ARGUMENT', `${path}: raw f32 file of ${bytes.length} bytes is not a whole number of floats`);
      const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
      const shape = shapes[name];
      if (!shape) throw new AlloyError('BAD_ARGUMENT', `${path}: a raw .f32 input needs --shape ${name}=d0,d1,...`);
      feeds[name] = { data, shape };
    }
  }
  for (const v of model.inputs) if (!feeds[v.name]) throw new AlloyError('MISSING_INPUT', `no data for input ${JSON.stringify(v.name)}: pass --input ${v.name}=FILE(.npy|.json|.f32)`);
  return feeds;
}

/** Per-node counts for `alloy run --stats`. */
export interface NodeStats { name: string; op: string; activations: string; shape: number[]; values: number; nan: number; posInf: number; negInf: number; atMax: number | null; max: number | null }

/** f32 bit pattern of the largest finite value of an emulated activation format (f16 65504 ->
 *  0x477fe000, bf16 -> 0x7f7f0000): a format constant, read once from the format table. */
function maxBits(format: string): number | null {
  if (format !== 'f16' && format !== 'bf16') return null;
  return new Uint32Array(new Float32Array([formatInfo(format).max]).buffer)[0];
}

/** Count NaN, +Inf, -Inf and |v| == the format's max in one node's output. A host-side scan of
 *  the f32 bit patterns with integer compares only (no arithmetic on tensor values, so no
 *  rounding question: it gives the same counts in every engine). */
export function countSpecials(node: NodeOutput): NodeStats {
  const d = node.data;
  const u = new Uint32Array(d.buffer, d.byteOffset, d.length);
  const sat = maxBits(node.activations);
  let nan = 0, posInf = 0, negInf = 0, atMax = 0;
  for (let i = 0; i < u.length; i++) {
    const v = u[i], mag = v & 0x7fffffff;
    if (mag >= 0x7f800000) { if (mag > 0x7f800000) nan++; else if (v === mag) posInf++; else negInf++; }
    else if (mag === sat) atMax++;
  }
  return { name: node.name, op: node.op, activations: node.activations, shape: node.shape, values: u.length, nan, posInf, negInf,
    atMax: sat === null ? null : atMax, max: sat === null ? null : formatInfo(node.activations).max };
}

export function statsTable(stats: NodeStats[]): string {
  const rows = [['#', 'node', 'op', 'activations', 'shape', 'values', 'NaN', '+Inf', '-Inf', 'at max']];
  stats.forEach((s, i) => rows.push([String(i), s.name, s.op, s.activations, JSON.stringify(s.shape), String(s.values), String(s.nan), String(s.posInf), String(s.negInf),
    s.atMax === null ? '-' : `${s.atMax} (|v| = ${s.max})`]));
  const first = stats.findIndex((s) => s.nan + s.posInf + s.negInf > 0);
  const firstSat = stats.findIndex((s) => (s.atMax ?? 0) > 0);
  const lines = [table(rows)];
  lines.push(first < 0 ? 'no NaN or Inf in any node output' : `first non-finite output: node ${first} ${JSON.stringify(stats[first].name)} (${stats[first].op})`);
  if (firstSat >= 0) lines.push(`first saturated output: node ${firstSat} ${JSON.stringify(stats[firstSat].name)} (${stats[firstSat].op}, ${stats[firstSat].activations})`);
  return lines.join('\n');
}

export function runCommand(alloy: Alloy, pos: string[], flags: Flags): number {
  const precision = typeof flags.precision === 'string' ? readJson(flags.precision, 'BAD_PRECISION_MAP') : undefined;
  const options = loadOptions(flags, precision);
  need(pos, 1, 'alloy run BUNDLE.alloy --input [name=]FILE.npy|.json|.f32 [--shape name=1,784] [-o OUT.npy|OUT.json] [--precision map.json] [--stats [json]] [--decode-weights] [--reference]');
  const model = alloy.load(readBytes(pos[0]), options);
  const feeds = readInputs(model, flags, pos.slice(1));
  const stats: NodeStats[] = [];
  const out = flags.stats ? model.run(feeds, { onNode: (n) => stats.push(countSpecials(n)) }) : model.run(feeds);
  // --stats: the per-node table on stderr (stdout keeps the JSON outputs); --stats json: JSON lines
  if (flags.stats === 'json') console.error(JSON.stringify({ stats }));
  else if (flags.stats) console.error(statsTable(stats));
  const o = flags.o ?? flags.output;
  if (typeof o === 'string' && o.endsWith('.npy')) {
    const first = Object.values(out)[0];
    writeOut(o, writeNpy(first));
    console.error(`wrote ${o}: ${JSON.stringify(first.shape)}`);
  } else {
    const json = JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data, (x) => (Number.isNaN(x) ? null : x)) }])));
    if (typeof o === 'string') writeOut(o, json); else console.log(json);
  }
  model.dispose();
  return 0;
}

export function benchCommand(alloy: Alloy, pos: string[], flags: Flags): number {
  const options = loadOptions(flags);
  need(pos, 1, 'alloy bench BUNDLE.alloy [--batch N] [--warmup-ms 2000] [--runs 51] [--decode-weights] [--reference]');
  const model = alloy.load(readBytes(pos[0]), options);
  const batch = numberFlag(flags, 'batch', 1, 'alloy bench', 1), warm = numberFlag(flags, 'warmup-ms', 2000, 'alloy bench', 0), runs = numberFlag(flags, 'runs', 51, 'alloy bench', 1);
  const feeds: Record<string, { data: Float32Array; shape: number[] }> = {};
  for (const v of model.inputs) {
    const shape = v.shape.map((d, i) => (i === 0 && d === -1 ? batch : d));
    const n = shape.reduce((a, b) => a * b, 1);
    feeds[v.name] = { data: Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) % 1000) / 1000), shape };
  }
  const t0 = performance.now();
  while (performance.now() - t0 < warm) model.run(feeds);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) { const s = performance.now(); model.run(feeds); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  // the weight formats as stored, and as held in memory where they differ (decoded at load)
  const held = [...new Set(model.layers.filter((l) => l.weights).map((l) => (l.weightsHeld === l.weights ? l.weights : `${l.weights} as ${l.weightsHeld}`)))].join(', ');
  const kernels = [...new Set(model.layers.flatMap((l) => (l.kernel ? [l.kernel] : [])))].join(', ');
  console.log(`${pos[0]}: batch ${batch}, median ${t[t.length >> 1].toFixed(3)} ms, p10 ${t[Math.floor(runs * 0.1)].toFixed(3)} ms, p90 ${t[Math.floor(runs * 0.9)].toFixed(3)} ms (${runs} runs after ${warm} ms warm-up); arena ${model.arenaBytes} bytes; weights ${held || 'none'}; kernels ${kernels || 'none'}`);
  model.dispose();
  return 0;
}

export function packCommand(alloy: Alloy, pos: string[], flags: Flags): number {
  need(pos, 1, 'alloy pack IN.alloy --map MAP.json -o OUT.alloy');
  if (typeof flags.map !== 'string' || typeof flags.o !== 'string') throw new AlloyError('BAD_ARGUMENT', 'usage: alloy pack IN.alloy --map MAP.json -o OUT.alloy');
  const map = readJson(flags.map, 'BAD_PRECISION_MAP');
  const bar = progress('pack');
  const { input, report } = packBundle(readBytes(pos[0]), map as any, (d, t, l) => bar.tick(d, t, l));
  bar.end();
  const out = writeBundle(input);
  // the map is checked by exactly the rules load() applies: the packed bundle is loaded (and
  // nothing written) before it is kept, so a map load() would refuse never reaches a file
  alloy.load(out).dispose();
  writeOut(flags.o, out);
  const rows = [['layer', 'tensor', 'from', 'to', 'bytes before', 'bytes after']];
  for (const r of report) rows.push([r.layer, r.tensor, r.from, r.to, kb(r.bytesBefore), kb(r.bytesAfter)]);
  if (report.length) console.log(table(rows));
  console.log(`wrote ${flags.o}: ${kb(out.length)}`);
  return 0;
}

// The precision map: per layer (node name) the formats its kernels use, with a default.
// docs/PRECISION_MAP.md is the spec. Every field is checked, and every problem is reported at once.

import { AlloyError } from './errors.js';
import { FORMAT_NAMES, KINDS, ROUNDING, cell, type FormatName, type Rounding } from './tables.js';

/** Formats weights may be stored in, from the format table: every float and MX format, and the
 *  integers of at most 8 bits (the kernels' integer weights); not scales, i16, i32. */
export const WEIGHT_FORMATS: readonly FormatName[] = FORMAT_NAMES.flatMap((name, id) => {
  const kind = KINDS[cell(id, 'kind')];
  return kind === 'float' || kind === 'mx' || (kind === 'int' && cell(id, 'bits') <= 8) ? [name as FormatName] : [];
});
/** f32; f16 / bf16: emulated (every output of the layer rounded to the format); i8: w8a8 dense */
export const ACTIVATION_FORMATS = ['f32', 'f16', 'bf16', 'i8'] as const;
/** f32; i32 (with i8 activations); f16 / bf16 / f8: emulated, every partial sum rounded */
export const ACCUMULATORS = ['f32', 'i32', 'f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'] as const;
export const GRANULARITIES = ['tensor', 'channel', 'group', 'block'] as const;
/** every deterministic rounding mode of the code table (not stochastic) */
export const ROUNDS: readonly Rounding[] = ROUNDING.filter((r) => r !== 'stochastic');
/** rounding of a Dense layer's fake-quantized input (radical rounding) */
export const INPUT_ROUNDS = ['rne', 'floor', 'ceil'] as const satisfies readonly Rounding[];
/** integer level of a Dense layer's fake-quantized input */
export const INPUT_FORMATS = ['i4', 'i8', 'i16'] as const;
/** the emulated accumulators (Dense, groups-1 Conv, DepthwiseConv) */
export const EMULATED_ACCUMULATORS = ['f16', 'bf16', 'f8_e4m3fn', 'f8_e5m2'] as const;
/** Whether an accumulator format is one the module emulates (and recompute can follow). */
export const isEmulatedAccumulator = (f: unknown): boolean => (EMULATED_ACCUMULATORS as readonly unknown[]).includes(f);
/** the accumulator a recompute pass recomputes in (it follows any emulated one) */
export const RECOMPUTE_FORMATS = ['f32'] as const;

/** Componentwise recomputation (Dense, emulated accumulator): outputs with
 *  kappa_ip * kappa_act > tau are computed again with the `format` accumulator (f32). */
export interface RecomputePrecision { tau: number; format?: (typeof RECOMPUTE_FORMATS)[number] }

export interface LayerPrecision {
  weights?: FormatName;
  granularity?: (typeof GRANULARITIES)[number];
  groupSize?: number;
  activations?: (typeof ACTIVATION_FORMATS)[number];
  accumulator?: (typeof ACCUMULATORS)[number];
  /** rounding of emulated activations / accumulators and of weight quantization */
  round?: Rounding;
  /** Dense: recompute the ill-conditioned outputs of an emulated accumulator in f32 */
  recompute?: RecomputePrecision;
  /** Dense: fake-quantize the layer's input to `inputFormat` (or the integer weight format) with
   *  this rounding, one symmetric scale per row (amax / imax) */
  inputRound?: (typeof INPUT_ROUNDS)[number];
  inputFormat?: (typeof INPUT_FORMATS)[number];
}

export interface PrecisionMap { version: 1; default?: LayerPrecision; layers?: Record<string, LayerPrecision> }

export interface ResolvedPrecision {
  weights?: string; granularity?: string; groupSize?: number; activations: string; accumulator: string; round: string;
  recompute?: RecomputePrecision; inputRound?: string; inputFormat?: string;
}

const FIELDS: Record<string, readonly unknown[] | 'int' | 'recompute'> = {
  weights: WEIGHT_FORMATS, granularity: GRANULARITIES, groupSize: 'int', activations: ACTIVATION_FORMATS, accumulator: ACCUMULATORS, round: ROUNDS,
  recompute: 'recompute', inputRound: INPUT_ROUNDS, inputFormat: INPUT_FORMATS,
};

function checkRecompute(v: unknown, where: string, problems: string[]): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) { problems.push(`${where}: must be an object { tau, format }`); return; }
  for (const k of Object.keys(v)) if (k !== 'tau' && k !== 'format') problems.push(`${where}.${k}: unknown field (known: tau, format)`);
  const r = v as Record<string, unknown>;
  if (typeof r.tau !== 'number' || !Number.isFinite(r.tau) || r.tau < 0) problems.push(`${where}.tau: ${JSON.stringify(r.tau)} is not a finite number >= 0`);
  if (r.format !== undefined && !(RECOMPUTE_FORMATS as readonly unknown[]).includes(r.format)) problems.push(`${where}.format: ${JSON.stringify(r.format)} is not one of ${RECOMPUTE_FORMATS.join(', ')}`);
}

function checkEntry(e: unknown, where: string, problems: string[]): void {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) { problems.push(`${where}: must be an object`); return; }
  for (const [k, v] of Object.entries(e)) {
    const allowed = Object.hasOwn(FIELDS, k) ? FIELDS[k] : undefined; // not FIELDS[k]: "constructor" is no field
    if (!allowed) { problems.push(`${where}.${k}: unknown field (known: ${Object.keys(FIELDS).join(', ')})`); continue; }
    if (allowed === 'recompute') checkRecompute(v, `${where}.${k}`, problems);
    else if (allowed === 'int') { if (!Number.isSafeInteger(v) || (v as number) < 1) problems.push(`${where}.${k}: ${JSON.stringify(v)} is not a positive integer`); }
    else if (!allowed.includes(v)) problems.push(`${where}.${k}: ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  }
  const x = e as LayerPrecision;
  if (x.activations === 'i8' && x.accumulator !== undefined && x.accumulator !== 'i32') problems.push(`${where}: i8 activations accumulate in i32, not ${x.accumulator}`);
  if (x.accumulator === 'i32' && x.activations !== undefined && x.activations !== 'i8') problems.push(`${where}: an i32 accumulator needs i8 activations`);
  if (x.activations === 'i8' && x.weights !== undefined && x.weights !== 'i8') problems.push(`${where}: i8 activations (w8a8) need i8 weights, not ${x.weights}`);
  if (x.granularity === 'group' && x.groupSize === undefined) problems.push(`${where}: granularity "group" needs groupSize`);
  if (x.recompute !== undefined && x.accumulator !== undefined && !isEmulatedAccumulator(x.accumulator)) problems.push(`${where}: recompute follows an emulated accumulator (${EMULATED_ACCUMULATORS.join(', ')}), not ${x.accumulator}`);
  if ((x.recompute !== undefined || x.inputRound !== undefined) && x.activations === 'i8') problems.push(`${where}: recompute / inputRound do not combine with i8 activations (w8a8)`);
  if (x.inputRound !== undefined && x.inputFormat === undefined && x.weights !== undefined && x.weights !== 'i8' && x.weights !== 'i4') problems.push(`${where}: inputRound needs inputFormat (i4, i8, i16) when the weights (${x.weights}) are not i4 / i8`);
}

/** Check a map against the graph's node names; throws one BAD_PRECISION_MAP listing every problem. */
export function validatePrecisionMap(map: unknown, nodeNames: Iterable<string>, where = 'precision map'): PrecisionMap {
  const problems: string[] = [];
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new AlloyError('BAD_PRECISION_MAP', `${where}: must be an object`);
  const m = map as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!['version', 'default', 'layers'].includes(k)) problems.push(`${where}.${k}: unknown field`);
  if (m.version !== 1) problems.push(`${where}.version: must be 1`);
  if (m.default !== undefined) checkEntry(m.default, `${where}.default`, problems);
  if (m.layers !== undefined) {
    if (typeof m.layers !== 'object' || m.layers === null || Array.isArray(m.layers)) problems.push(`${where}.layers: must be an object`);
    else {
      const names = new Set(nodeNames);
      for (const [name, e] of Object.entries(m.layers)) {
        if (!names.has(name)) problems.push(`${where}.layers[${JSON.stringify(name)}]: no node of that name`);
        checkEntry(e, `${where}.layers[${JSON.stringify(name)}]`, problems);
      }
    }
  }
  if (problems.length) throw new AlloyError('BAD_PRECISION_MAP', `${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`);
  return m as unknown as PrecisionMap;
}

/** The settings of one layer: built-in defaults < map default < map layer < session override. */
export function resolve(map: PrecisionMap | null, node: string, override?: PrecisionMap | null): ResolvedPrecision {
  const r: ResolvedPrecision = { activations: 'f32', accumulator: 'f32', round: 'rne' };
  for (const m of [map, override]) {
    if (!m) continue;
    Object.assign(r, m.default ?? {}, m.layers?.[node] ?? {});
  }
  if (r.activations === 'i8' && r.accumulator === 'f32') r.accumulator = 'i32';
  return r;
}

/** Session overrides may change only what needs no re-encoding of weights. */
export function checkOverride(map: PrecisionMap, where = 'session precision override'): void {
  const problems: string[] = [];
  const check = (e: LayerPrecision | undefined, at: string) => {
    for (const k of ['weights', 'granularity', 'groupSize'] as const) if (e?.[k] !== undefined) problems.push(`${at}.${k}: weights are encoded in the bundle; re-pack to change them`);
  };
  check(map.default, `${where}.default`);
  for (const [n, e] of Object.entries(map.layers ?? {})) check(e, `${where}.layers[${JSON.stringify(n)}]`);
  if (problems.length) throw new AlloyError('BAD_PRECISION_MAP', `${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`);
}

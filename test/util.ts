// Shared test helpers: the built host (what ships) and raw module access.
import { init, AlloyError, type Alloy } from '../build/alloy.mjs';
import * as assert from 'uvu/assert';
import { _exports, _heap } from '../build/alloy-internal.mjs';
import { Float16Array } from '@petamoriken/float16';

let alloy: Alloy | null = null;
export async function getAlloy(): Promise<Alloy> {
  if (!alloy) alloy = await init();
  return alloy;
}
export const wasm = () => _exports();
export const heap = _heap;

/** Deterministic integer PRNG (xorshift32) for test data; exact in every JS engine. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** f32 values to f16 bits, round to nearest even (an outside implementation, @petamoriken/float16:
 *  test data for importers, independent of the module's casts). */
export const f16Bits = (v: Float32Array): Uint16Array => new Uint16Array(new Float16Array(v).buffer);

/** f() throws an AlloyError with this code (and a message matching re). */
export function throwsCode(f: () => unknown, code: string, re?: RegExp) {
  try { f(); } catch (e) {
    assert.ok(e instanceof AlloyError, `not an AlloyError: ${e}`);
    assert.is((e as AlloyError).code, code, (e as Error).message);
    if (re) assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`no ${code}`);
}

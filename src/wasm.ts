// The one owner of the WebAssembly instance (onnxruntime-web's wasm-factory idea):
// init(source) instantiates once, get() hands out the exports, dispose() drops them.
// @assemblyscript/loader stays behind this file.

import { instantiate, instantiateSync } from '@assemblyscript/loader';
import { AlloyError, fail } from './errors.js';

/** What the host accepts as the module: bytes, a compiled module (Workers), a URL or Response
 *  (browsers), or nothing (Node and Deno read `alloy.wasm` next to the host file). */
export type WasmSource = ArrayBuffer | Uint8Array | WebAssembly.Module | URL | Response | Promise<Response> | string;

export interface Exports {
  memory: WebAssembly.Memory;
  [name: string]: any;
}

// Built at run time so that minifiers cannot fold it into a literal import that browser bundlers
// would try to resolve.
const NODE_FS = ['node', 'fs/promises'].join(':');

let current: Exports | null = null;
let pending: Promise<Exports> | null = null;

async function readDefault(): Promise<Uint8Array> {
  const url = new URL('./alloy.wasm', import.meta.url);
  const g = globalThis as any;
  if (g.Deno?.readFile && url.protocol === 'file:') return g.Deno.readFile(url);
  if (g.process?.versions?.node && url.protocol === 'file:') {
    const fs = await import(/* @vite-ignore */ NODE_FS);
    return new Uint8Array(await fs.readFile(url));
  }
  if (typeof fetch === 'function') {
    const res = await fetch(url);
    if (!res.ok) fail('WASM_UNAVAILABLE', `could not fetch ${url} (HTTP ${res.status})`);
    return new Uint8Array(await res.arrayBuffer());
  }
  return fail('WASM_UNAVAILABLE', 'no module given and no way to read alloy.wasm in this runtime');
}

async function toInstantiable(source: WasmSource | undefined): Promise<any> {
  if (source === undefined) return readDefault();
  if (typeof source === 'string') source = new URL(source, import.meta.url);
  if (source instanceof URL) {
    const g = globalThis as any;
    if (source.protocol === 'file:' && (g.Deno || g.process?.versions?.node)) {
      if (g.Deno?.readFile) return g.Deno.readFile(source);
      const fs = await import(/* @vite-ignore */ NODE_FS);
      return new Uint8Array(await fs.readFile(source));
    }
    return fetch(source);
  }
  return source;
}

export async function init(source?: WasmSource): Promise<Exports> {
  if (current) return current;
  if (!pending) {
    pending = (async () => {
      let mod: any;
      try {
        const src = await toInstantiable(source);
        const imports = {
          env: {
            abort(_msg: number, _file: number, line: number, col: number) {
              throw new AlloyError('WASM_TRAP', `alloy.wasm aborted at line ${line}:${col}`);
            },
            seed() { return 0; }, // the module draws no random numbers from the host
          },
        };
        // Bytes and compiled modules skip the loader's Response check: touching the global
        // Response makes Node load its fetch implementation (~50 ms of cold start).
        if (src instanceof WebAssembly.Module) mod = instantiateSync(src, imports);
        else if (src instanceof Uint8Array || src instanceof ArrayBuffer) mod = instantiateSync(await WebAssembly.compile(src), imports);
        else mod = await instantiate(src, imports);
      } catch (e) {
        pending = null;
        if (e instanceof AlloyError) throw e;
        throw new AlloyError('WASM_UNAVAILABLE', `could not instantiate alloy.wasm: ${(e as Error).message}`);
      }
      current = mod.exports as Exports;
      return current;
    })();
  }
  return pending;
}

export function get(): Exports {
  if (!current) fail('NOT_INITIALIZED', 'call init() before using Alloy');
  return current;
}

export function dispose(): void {
  current = null;
  pending = null;
}

/** Run a wasm call, turning a trap (RuntimeError) into an AlloyError naming `where`. */
export function guard<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof AlloyError) throw e;
    if (e instanceof WebAssembly.RuntimeError || (e as Error)?.name === 'RangeError') {
      throw new AlloyError('WASM_TRAP', `${where}: ${(e as Error).message}`);
    }
    throw e;
  }
}

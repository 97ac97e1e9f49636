// The one owner of the WebAssembly instance (onnxruntime-web's wasm-factory idea):
// init(source) instantiates once, get() hands out the exports, dispose() drops them.
// @assemblyscript/loader stays behind this file.

import { AlloyError, fail } from './errors.js';
import { checkModule } from './tables.js';
import type { HelperName, Kernel, KernelName } from './kernels.js';

/** What the host accepts as the module: bytes, a compiled module (Workers), a URL or Response
 *  (browsers), or nothing (Node and Deno read `alloy.wasm` next to the host file). */
export type WasmSource = ArrayBuffer | Uint8Array | WebAssembly.Module | URL | Response | Promise<Response> | string;

/** The module's exports, typed from the kernel table (src/runtime/kernels.ts): every kernel and
 *  helper by its one name. */
export type Exports = { memory: WebAssembly.Memory } & { readonly [K in KernelName | HelperName]: Kernel };

// Built at run time so that minifiers cannot fold it into a literal import that browser bundlers
// would try to resolve.
const NODE_FS = ['node', 'fs/promises'].join(':');

// Said by every WASM_UNAVAILABLE: a bundled host cannot find the wasm by itself.
const HOW = "Pass the module to init(): its bytes, a WebAssembly.Module (Workers: import wasm from 'alloy-runtime/alloy.wasm'), or the URL your bundler gives for 'alloy-runtime/alloy.wasm' (recipes for esbuild, Vite, webpack, Workers and Deno: docs/PACKAGE.md)";

let current: Exports | null = null;
let pending: Promise<Exports> | null = null;

/** Node's fs module without a dynamic import (process.getBuiltinModule, Node >= 20.16: the ESM
 *  import of a builtin costs ~1-3 ms in a fresh process), else through import(). */
async function nodeFs(): Promise<any> {
  const g = globalThis as any;
  return g.process?.getBuiltinModule?.('fs') ?? import(/* @vite-ignore */ NODE_FS);
}

/** A file: URL's bytes in Deno and Node, else undefined. */
async function readFileUrl(url: URL): Promise<Uint8Array | undefined> {
  const g = globalThis as any;
  if (url.protocol !== 'file:') return undefined;
  if (g.Deno?.readFile) return g.Deno.readFile(url);
  if (!g.process?.versions?.node) return undefined;
  const fs = await nodeFs();
  // readFileSync when there is one: one 131 KB read, no FileHandle machinery on the cold path.
  return fs.readFileSync ? fs.readFileSync(url) : new Uint8Array(await fs.readFile(url));
}

async function readDefault(): Promise<Uint8Array> {
  const url = new URL('./alloy.wasm', import.meta.url);
  const local = await readFileUrl(url);
  if (local) return local;
  if (typeof fetch === 'function') {
    const res = await fetch(url);
    if (!res.ok) fail('WASM_UNAVAILABLE', `could not fetch ${url} (HTTP ${res.status}). ${HOW}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  return fail('WASM_UNAVAILABLE', `no module given and no way to read alloy.wasm in this runtime. ${HOW}`);
}

async function toInstantiable(source: WasmSource | undefined): Promise<any> {
  if (source === undefined) return readDefault();
  if (typeof source === 'string') source = new URL(source, import.meta.url);
  if (source instanceof URL) source = (await readFileUrl(source)) ?? fetch(source);
  // A Response (or its promise): a 404 would otherwise fail later as "expected magic word".
  // Duck-typed: naming the global Response makes Node load its fetch (~50 ms of cold start).
  const res: any = await source;
  if (res && typeof res === 'object' && typeof res.ok === 'boolean' && !res.ok) fail('WASM_UNAVAILABLE', `could not fetch ${res.url || 'alloy.wasm'} (HTTP ${res.status}). ${HOW}`);
  return res;
}

export async function init(source?: WasmSource): Promise<Exports> {
  if (current) return current;
  if (!pending) {
    pending = (async () => {
      let instance: WebAssembly.Instance;
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
        // Bytes and compiled modules are compiled and instantiated here. In Node and Deno the
        // compile is synchronous: the module is small, and an async compile waits for a background
        // thread, which on a busy machine can take longer than the compile itself (cold start).
        // Browsers keep the async compile (Chrome long refused sync compiles over 4 KB on the main
        // thread). Responses go through the loader, imported only then: its top level builds a
        // UTF-16 TextDecoder (~1-2 ms in Node), and its Response check touches the global
        // Response, which makes Node load fetch (~50 ms).
        // The raw instance exports are used everywhere: the loader's demangled exports wrap every
        // function in a (...args) spread, a cost on every call (this module has no optional
        // arguments, so it exports no __setArgumentsLength for the wrappers to set).
        if (src instanceof WebAssembly.Module || src instanceof Uint8Array || src instanceof ArrayBuffer) {
          const g = globalThis as any;
          const m = src instanceof WebAssembly.Module ? src : g.process?.versions?.node || g.Deno ? new WebAssembly.Module(src) : await WebAssembly.compile(src);
          instance = new WebAssembly.Instance(m, imports);
        } else {
          const { instantiate } = await import('@assemblyscript/loader');
          instance = (await instantiate(src, imports)).instance;
        }
      } catch (e) {
        pending = null;
        if (e instanceof AlloyError) throw e;
        throw new AlloyError('WASM_UNAVAILABLE', `could not instantiate alloy.wasm: ${(e as Error).message}. ${HOW}`);
      }
      const x = instance.exports as unknown as Exports;
      try { checkModule(x); } catch (e) { pending = null; throw e; }
      current = x;
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

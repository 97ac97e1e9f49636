// The browser (docs/PACKAGE.md, esbuild): `--loader:.wasm=file` copies alloy.wasm next to the
// bundle and gives its URL.
import { init } from 'alloy-runtime';
import wasmUrl from 'alloy-runtime/alloy.wasm';
import { check } from './check.js';

init(new URL(wasmUrl, import.meta.url)).then(
  (alloy) => { document.title = `result ${check(alloy)}`; },
  (e: unknown) => { document.title = `error ${(e as Error).message}`; },
);

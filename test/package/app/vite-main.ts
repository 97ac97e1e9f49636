// The browser under Vite (docs/PACKAGE.md): `?url` emits alloy.wasm and gives its URL.
import { init } from 'alloy-runtime';
import wasmUrl from 'alloy-runtime/alloy.wasm?url';
import { check } from './check.js';

init(wasmUrl).then(
  (alloy) => { document.title = `result ${check(alloy)}`; },
  (e: unknown) => { document.title = `error ${(e as Error).message}`; },
);

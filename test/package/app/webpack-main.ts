// The browser under webpack 5 (docs/PACKAGE.md): `new URL(module, import.meta.url)` emits
// alloy.wasm as an asset and gives its URL.
import { init } from 'alloy-runtime';
import { check } from './check.js';

init(new URL('alloy-runtime/alloy.wasm', import.meta.url)).then(
  (alloy) => { document.title = `result ${check(alloy)}`; },
  (e: unknown) => { document.title = `error ${(e as Error).message}`; },
);

// Alloy on Cloudflare Workers (module syntax). Workers may not compile WebAssembly from bytes at
// run time, so alloy.wasm is imported as a module (a compiled WebAssembly.Module) and handed to
// init(); the model bundles are imported as binary data modules (ArrayBuffers). The request
// handling is examples/shared/api.mjs, the same code the Deno server runs. POST /v1/embed: the
// tokenizer (alloy-runtime/text) is bundled in, the encoder bundle is one more data module.
//
// The imports point into build/: run `npm run build && node --import tsx scripts/build-examples.ts`
// first (wrangler.toml's [build] does). wrangler bundles this file with esbuild; *.wasm become
// CompiledWasm modules by default and wrangler.toml's [[rules]] make *.alloy Data modules.
import * as host from '../../build/alloy.mjs';
import wasm from '../../build/alloy.wasm';
import f32 from '../../build/examples/models/mnist-f32.alloy';
import mixed from '../../build/examples/models/mnist-mixed.alloy';
import { loadTokenizer } from '../../build/alloy-text.mjs';
// the text encoder and its tokenizer.json (null when the build had no models/text/encoder.onnx)
import text from '../../build/examples/text/assets.mjs';
import { createApi } from '../shared/api.mjs';

const api = createApi({ host, wasm, bundles: { f32, mixed }, text: text && { ...text, loadTokenizer }, runtime: 'workerd' });

export default {
  fetch: (request) => api.fetch(request),
};

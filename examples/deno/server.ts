// Alloy on Deno: the API of examples/shared/api.mjs (the same code the Cloudflare Worker runs) on
// Deno.serve. init() with no argument reads build/alloy.wasm next to build/alloy.mjs.
//
//   npm run build && node --import tsx scripts/build-examples.ts
//   node_modules/.bin/deno run --no-config --no-lock --allow-net=127.0.0.1 --allow-read=build \
//     examples/deno/server.ts --port 8000 [--hostname 127.0.0.1]
//
// Prints `listening on http://HOST:PORT/` once it accepts connections.
// @ts-ignore: plain ESM without type declarations
import * as host from '../../build/alloy.mjs';
// @ts-ignore: plain ESM without type declarations
import { createApi } from '../shared/api.mjs';

declare const Deno: any;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const models = new URL('../../build/examples/models/', import.meta.url);
const bundles = {
  f32: await Deno.readFile(new URL('mnist-f32.alloy', models)),
  mixed: await Deno.readFile(new URL('mnist-mixed.alloy', models)),
};
// POST /v1/embed when the build made the text encoder (scripts/build-examples-text.ts). The tokenizer
// is build/examples/deno/alloy-text.mjs: alloy-runtime/text bundled with @huggingface/tokenizers
// (this server runs with --no-config, where bare npm imports do not resolve).
const textBundle = new URL('text-f32.alloy', models);
let text = null;
try {
  const [f32, tokenizer] = await Promise.all([Deno.readFile(textBundle), Deno.readTextFile(new URL('tokenizer.json', models))]);
  // @ts-ignore: plain ESM without type declarations
  const { loadTokenizer } = await import('../../build/examples/deno/alloy-text.mjs');
  text = { loadTokenizer, tokenizer, bundles: { f32 }, maxTokens: 128 };
} catch (e) {
  if (!(e instanceof Deno.errors.NotFound)) throw e;
}
const api = createApi({ host, bundles, text, runtime: `deno ${Deno.version.deno}` });
// Instantiate and load before listening unless --lazy (then the first request pays the cold start).
if (!Deno.args.includes('--lazy')) await api.ready();

const hostname = arg('hostname', '127.0.0.1');
const port = Number(arg('port', '8000'));
Deno.serve({
  hostname,
  port,
  onListen: ({ hostname, port }: { hostname: string; port: number }) => console.log(`listening on http://${hostname}:${port}/`),
}, (request: Request) => api.fetch(request));

// init() accepts every WasmSource (src/runtime/wasm.ts) and gives the same working module: nothing, bytes,
// an ArrayBuffer, a compiled module, a file URL, a path string, a Response and a promised Response
// (the last two through @assemblyscript/loader). A fresh process per source: init() keeps its
// first instance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const host = pathToFileURL(`${root}build/alloy.mjs`).href;
const tools = pathToFileURL(`${root}build/alloy-tools.mjs`).href;
const wasmPath = `${root}build/alloy.wasm`;

const SOURCES: Record<string, string> = {
  default: 'undefined',
  bytes: 'readFileSync(WASM)',
  arrayBuffer: 'new Uint8Array(readFileSync(WASM)).buffer',
  module: 'new WebAssembly.Module(readFileSync(WASM))',
  url: 'pathToFileURL(WASM)',
  string: 'pathToFileURL(WASM).href',
  response: "new Response(readFileSync(WASM), { headers: { 'content-type': 'application/wasm' } })",
  promisedResponse: "Promise.resolve(new Response(readFileSync(WASM), { headers: { 'content-type': 'application/wasm' } }))",
};

for (const [name, expr] of Object.entries(SOURCES)) {
  test(`init(${name}) loads and runs a bundle`, () => {
    const code = `
      import { readFileSync } from 'node:fs';
      import { pathToFileURL } from 'node:url';
      const WASM = ${JSON.stringify(wasmPath)};
      const { init } = await import(${JSON.stringify(host)});
      const { writeBundle } = await import(${JSON.stringify(tools)});
      const alloy = await init(${expr});
      const graph = { inputs: [{ name: 'x', shape: [-1, 2], format: 'f32' }], outputs: [{ name: 'y', shape: [-1, 1], format: 'f32' }],
        nodes: [{ name: 'fc', op: 'Dense', inputs: ['x', 'w', 'b'], outputs: ['y'] }] };
      const m = alloy.load(writeBundle({ graph, tensors: { w: { format: 'f32', shape: [1, 2], data: new Float32Array([2, 3]) }, b: { format: 'f32', shape: [1], data: new Float32Array([1]) } } }));
      console.log(JSON.stringify([...m.run({ x: new Float32Array([1, 1]) }).y.data]));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), [6]);
  });
}

test.run();

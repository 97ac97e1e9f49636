// The text parts of the examples (scripts/build-examples.ts calls buildText()): from the encoder in
// models/text/ (encoder.onnx + tokenizer.json, written by the encoder's training script; another
// folder with ALLOY_TEXT_DIR) it makes
//
//   models/text-f32.alloy       encoder.onnx imported, its pooled output L2-normalised by an
//                               LpNormalization node (output "embedding", [batch, dims])
//   text/  assets.mjs tokenizer.json text-f32.alloy      what examples/worker/worker.mjs imports
//   deno/alloy-text.mjs         src/text bundled with @huggingface/tokenizers (Deno runs --no-config,
//                               so bare npm imports do not resolve there)
//   widget/ search.html alloy-search.js text-f32.alloy tokenizer.json verses.json verses-scores.alloy
//
// verses-scores.alloy holds the embeddings of examples/widget/verses.txt, computed here by the same
// bundle through Alloy (batches of 32), as a constant [verses, dims]; its graph is
// scores = MatMul(query, Transpose(verses)): cosine similarities of unit vectors, computed by the
// module in the page (docs/ARCHITECTURE.md rule 1), never by JS arithmetic.
//
// Without models/text/encoder.onnx nothing of this is built: text/assets.mjs exports null and the
// API has no /v1/embed route (404 says why); the widget has no search page.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

export const TEXT_BATCH = 32;
/** longest text the encoder takes, special tokens included (its position table) */
export const MAX_TOKENS = 128;

export function textDir(root: string): string {
  return process.env.ALLOY_TEXT_DIR ?? join(root, 'models/text');
}

export function hasTextModel(root: string): boolean {
  const d = textDir(root);
  return existsSync(join(d, 'encoder.onnx')) && existsSync(join(d, 'tokenizer.json'));
}

/** examples/widget/verses.txt: `{ ref, text }` per verse line (comment lines start with #). */
export function readVerses(root: string): { ref: string; text: string }[] {
  return readFileSync(join(root, 'examples/widget/verses.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const i = l.indexOf(' ');
    return { ref: l.slice(0, i), text: l.slice(i + 1) };
  });
}

function put(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export interface TextBuild { dims: number; verses: number; files: Record<string, string> }

/** Builds the text examples into `out` (build/examples). Returns null when there is no encoder. */
export async function buildText(root: string, out: string, common: esbuild.BuildOptions): Promise<TextBuild | null> {
  const assets = join(out, 'text/assets.mjs');
  if (!hasTextModel(root)) {
    // no stale text files from an earlier build: the servers and tests look for them
    for (const f of ['models/text-f32.alloy', 'models/tokenizer.json', 'text/text-f32.alloy', 'text/tokenizer.json', 'worker/text-f32.alloy', 'deno/alloy-text.mjs',
      'widget/text-f32.alloy', 'widget/tokenizer.json', 'widget/verses.json', 'widget/verses-scores.alloy', 'widget/search.html', 'widget/alloy-search.js']) rmSync(join(out, f), { force: true });
    put(assets, '// written by scripts/build-examples-text.ts: no encoder in models/text/, so no text model\nexport default null;\n');
    return null;
  }
  const dir = textDir(root);
  const { init } = await import('../src/runtime/index.ts');
  const { writeBundle } = await import('../src/tools/index.ts');
  const { importOnnx } = await import('../src/tools/import/onnx/index.ts');
  const { loadTokenizer } = await import('../src/text/index.ts');
  const alloy = await init(readFileSync(join(root, 'build/alloy.wasm')));

  const imported = importOnnx(new Uint8Array(readFileSync(join(dir, 'encoder.onnx'))));
  const pooled = imported.graph.outputs[0];
  const dims = pooled.shape[pooled.shape.length - 1];
  if (pooled.shape.length !== 2 || !(dims > 0)) throw new Error(`build-examples-text: encoder output ${pooled.name} ${JSON.stringify(pooled.shape)} is not [batch, dims]`);
  const encoder = writeBundle({
    ...imported,
    graph: {
      ...imported.graph,
      nodes: [...imported.graph.nodes, { name: 'l2norm', op: 'LpNormalization', inputs: [pooled.name], outputs: ['embedding'], attrs: { axis: -1, p: 2 } }],
      outputs: [{ name: 'embedding', shape: [...pooled.shape], format: 'f32' }],
    },
    metadata: { ...(imported.metadata ?? {}), example: 'text-encoder', variant: 'f32', source: 'models/text/encoder.onnx', output: `${pooled.name}, L2-normalised` },
  });
  const tokJson = readFileSync(join(dir, 'tokenizer.json'), 'utf8');
  const tok = loadTokenizer(tokJson, { maxLength: MAX_TOKENS });

  // the verses' embeddings, by the module
  const model = alloy.load(encoder);
  const verses = readVerses(root);
  const table = new Float32Array(verses.length * dims);
  for (let i = 0; i < verses.length; i += TEXT_BATCH) {
    const b = tok.encodeBatch(verses.slice(i, i + TEXT_BATCH).map((v) => v.text));
    table.set(model.run(b.feeds(model.inputs.map((x) => x.name))).embedding.data as Float32Array, i * dims);
  }
  model.dispose?.();
  const scores = writeBundle({
    graph: {
      inputs: [{ name: 'query', shape: [-1, dims], format: 'f32' }],
      outputs: [{ name: 'scores', shape: [-1, verses.length], format: 'f32' }],
      nodes: [
        { name: 'versesT', op: 'Transpose', inputs: ['verses'], outputs: ['versesT'], attrs: { perm: [1, 0] } },
        { name: 'cosine', op: 'MatMul', inputs: ['query', 'versesT'], outputs: ['scores'] },
      ],
    },
    tensors: { verses: { format: 'f32', shape: [verses.length, dims], data: table } },
    metadata: { example: 'verse-search', source: 'examples/widget/verses.txt embedded by models/text-f32.alloy', verses: verses.length, dims },
  });

  const files: Record<string, string> = {};
  const write = (rel: string, data: string | Uint8Array) => { put(join(out, rel), data); files[rel] = join(out, rel); };
  write('models/text-f32.alloy', encoder);
  write('models/tokenizer.json', tokJson);
  write('text/text-f32.alloy', encoder);
  write('text/tokenizer.json', tokJson);
  write('worker/text-f32.alloy', encoder);
  put(assets, `// written by scripts/build-examples-text.ts: the text model of examples/worker (the tokenizer
// inlined by the bundler, the encoder bundle a data module)
import tokenizer from './tokenizer.json';
import f32 from './text-f32.alloy';
export default { tokenizer, bundles: { f32 }, maxTokens: ${MAX_TOKENS} };
`);
  await esbuild.build({ ...common, entryPoints: [join(root, 'src/text/index.ts')], outfile: join(out, 'deno/alloy-text.mjs'), platform: 'neutral', mainFields: ['module', 'main'] });
  files['deno/alloy-text.mjs'] = join(out, 'deno/alloy-text.mjs');

  write('widget/text-f32.alloy', encoder);
  write('widget/tokenizer.json', tokJson);
  write('widget/verses.json', JSON.stringify(verses));
  write('widget/verses-scores.alloy', scores);
  copyFileSync(join(root, 'examples/widget/search.html'), join(out, 'widget/search.html'));
  await esbuild.build({ ...common, entryPoints: [join(root, 'examples/widget/alloy-search.ts')], outfile: join(out, 'widget/alloy-search.js'), platform: 'browser' });
  files['widget/alloy-search.js'] = join(out, 'widget/alloy-search.js');
  return { dims, verses: verses.length, files };
}

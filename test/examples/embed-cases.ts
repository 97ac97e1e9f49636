// POST /v1/embed cases for the workerd and Deno suites (api-cases.ts adds them to its suite): the
// server's embeddings, ids and SHA-256 equal what Node computes with the same tokenizer.json and
// encoder bundle (build/examples/models/, made by scripts/build-examples-text.ts), and bad
// requests get 4xx with an AlloyError code while the server keeps serving.
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { getAlloy } from '../util.ts';
import { loadTokenizer } from '../../build/alloy-text.mjs';
import { OUT, type Server } from '../../scripts/build-examples.ts';
import { MAX_TOKENS } from '../../scripts/build-examples-text.ts';

const TIMEOUT_MS = 10_000;
const hex = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

let node: { tok: any; model: any } | null = null;
/** Node's answer: the same tokenizer and bundle, the texts padded to the longest. */
async function nodeEmbed(texts: string[], truncate = false): Promise<{ ids: number[][]; out: Float32Array; hash: string }> {
  if (!node) {
    const alloy = await getAlloy();
    node = { tok: loadTokenizer(readFileSync(join(OUT, 'models/tokenizer.json'), 'utf8'), { maxLength: MAX_TOKENS }), model: alloy.load(readFileSync(join(OUT, 'models/text-f32.alloy'))) };
  }
  const enc = texts.map((t) => node!.tok.encode(t, { truncation: truncate }));
  const b = node.tok.pad(enc);
  const out = node.model.run(b.feeds(node.model.inputs.map((i: any) => i.name))).embedding.data as Float32Array;
  return { ids: enc.map((e: any) => e.ids), out, hash: hex(out) };
}

async function post(s: Server, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/v1/embed') {
  const r = await fetch(s.url + path, { method: 'POST', headers, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await r.text();
  return { status: r.status, body: r.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null };
}

function expectError(r: { status: number; body: any }, status: number, code: string, what: string, re?: RegExp) {
  assert.is(r.status, status, `${what}: status ${r.status}, body ${JSON.stringify(r.body)}`);
  assert.is(r.body?.error?.code, code, `${what}: ${JSON.stringify(r.body)}`);
  assert.ok(r.body.error.message.length > 10, `${what}: a message that says what is wrong`);
  if (re) assert.match(r.body.error.message, re, what);
}

export function embedCases(t: any): void {
  const present = existsSync(join(OUT, 'models/text-f32.alloy'));

  t('POST /v1/embed: one text and a batch; embeddings, ids and SHA-256 equal Node', async ({ s }: { s: Server }) => {
    if (!present) {
      expectError(await post(s, { text: 'light' }), 404, 'NOT_FOUND', 'no text model', /no text model/);
      console.log('skip: no models/text/encoder.onnx, so no text model in the examples (POST /v1/embed answers 404)');
      return;
    }
    const one = 'In the beginning God created the heaven and the earth.';
    const r = await post(s, { text: one });
    assert.is(r.status, 200, JSON.stringify(r.body));
    const n = await nodeEmbed([one]);
    assert.is(r.body.precision, 'f32');
    assert.is(r.body.dims, n.out.length);
    assert.equal(r.body.ids, n.ids);
    assert.equal(r.body.tokens, [n.ids[0].length]);
    assert.is(r.body.sha256, n.hash);
    assert.equal(Array.from(new Uint32Array(Float32Array.from(r.body.embedding).buffer)), Array.from(new Uint32Array(n.out.buffer, n.out.byteOffset, n.out.length)), 'same f32 bits');
    assert.ok(r.body.timing.tokenizeMs >= 0 && r.body.timing.inferMs >= 0 && r.body.timing.totalMs >= r.body.timing.inferMs, JSON.stringify(r.body.timing));
    const texts = ['light', 'And God said, Let there be light: and there was light.', '', 'Blessed are the meek: for they shall inherit the earth. ΑΣ 日本 😀'];
    const b = await post(s, { text: texts, precision: 'f32' });
    assert.is(b.status, 200, JSON.stringify(b.body));
    const nb = await nodeEmbed(texts);
    assert.is(b.body.embeddings.length, texts.length);
    assert.equal(b.body.ids, nb.ids);
    assert.is(b.body.sha256, nb.hash);
    assert.is.not(b.body.sha256, r.body.sha256);
    const q = await post(s, { text: one }, { 'content-type': 'application/json' }, '/v1/embed?precision=f32');
    assert.is(q.body.sha256, n.hash, 'precision from the query');
    // over-long: truncated on request, to exactly the limit, [CLS] ... [SEP]
    const long = 'light '.repeat(200);
    const tr = await post(s, { text: long, truncate: true });
    assert.is(tr.status, 200, JSON.stringify(tr.body));
    assert.equal(tr.body.tokens, [MAX_TOKENS]);
    assert.is(tr.body.sha256, (await nodeEmbed([long], true)).hash);
  });

  t('GET /v1/model: the text model, its tokenizer and limits', async ({ s }: { s: Server }) => {
    const m = await (await fetch(`${s.url}/v1/model`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).json();
    if (!present) { assert.is(m.text, undefined); return; }
    assert.equal(m.text.precisions, ['f32']);
    assert.equal(m.text.bundles.f32.outputs.map((o: any) => o.name), ['embedding']);
    assert.equal(m.text.limits, { maxTexts: 64, maxTextChars: 4096, maxTokens: MAX_TOKENS });
    assert.is(m.text.tokenizer.model, 'WordPiece');
    assert.ok(m.text.tokenizer.vocabSize > 100);
  });

  t('POST /v1/embed bad requests: 4xx with an AlloyError code, and the server keeps serving', async ({ s }: { s: Server }) => {
    if (!present) return;
    expectError(await post(s, '{"text": "a",'), 400, 'BAD_ARGUMENT', 'malformed JSON', /not valid JSON/);
    expectError(await post(s, '"just a string"'), 400, 'BAD_ARGUMENT', 'not an object');
    expectError(await post(s, { text: 'a', input: [1] }), 400, 'BAD_ARGUMENT', 'unknown field', /unknown field "input"/);
    expectError(await post(s, { precision: 'f32' }), 400, 'BAD_ARGUMENT', 'no text', /"text" must be/);
    expectError(await post(s, { text: [] }), 400, 'BAD_ARGUMENT', 'empty list');
    expectError(await post(s, { text: 42 }), 400, 'BAD_ARGUMENT', 'a number');
    expectError(await post(s, { text: ['a', null] }), 400, 'BAD_ARGUMENT', 'null in the list', /"text"\[1\] is null/);
    expectError(await post(s, { text: 'a', truncate: 'yes' }), 400, 'BAD_ARGUMENT', 'truncate not a boolean');
    expectError(await post(s, { text: 'a', precision: 'f8' }), 400, 'BAD_OPTION', 'unknown precision', /available: f32/);
    expectError(await post(s, { text: 'a', precision: 'f32' }, { 'content-type': 'application/json' }, '/v1/embed?precision=mixed'), 400, 'BAD_OPTION', 'body and query disagree');
    expectError(await post(s, { text: Array.from({ length: 65 }, () => 'a') }), 413, 'LIMIT_EXCEEDED', '65 texts', /65 texts exceed 64/);
    expectError(await post(s, { text: 'x'.repeat(4097) }), 413, 'LIMIT_EXCEEDED', '4097 characters', /4097 characters, over 4096/);
    await nodeEmbed(['a']); // loads Node's tokenizer
    const long = 'light '.repeat(200);
    const count = node!.tok.encode(long, { maxLength: 4096 }).ids.length;
    assert.ok(count > MAX_TOKENS);
    expectError(await post(s, { text: ['a', long] }), 413, 'LIMIT_EXCEEDED', 'over 128 tokens', new RegExp(`"text"\\[1\\] is ${count} tokens long, over ${MAX_TOKENS}`));
    expectError(await post(s, 'text=a', { 'content-type': 'text/plain' }), 415, 'BAD_ARGUMENT', 'content-type text/plain');
    expectError(await post(s, new Uint8Array((1 << 20) + 1).fill(0x20)), 413, 'LIMIT_EXCEEDED', 'oversized body');
    const get = await fetch(`${s.url}/v1/embed`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expectError({ status: get.status, body: await get.json() }, 405, 'METHOD_NOT_ALLOWED', 'GET /v1/embed');
    const ok = await post(s, { text: 'still serving' });
    assert.is(ok.status, 200);
    assert.is(ok.body.sha256, (await nodeEmbed(['still serving'])).hash);
  });
}

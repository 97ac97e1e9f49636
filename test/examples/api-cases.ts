// The HTTP API cases shared by the workerd and the Deno suites (examples/shared/api.mjs behind
// both): good requests answer what Node computes for the same bundle and input, bit for bit and
// by SHA-256; bad requests get 4xx and a JSON error with an AlloyError code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { getAlloy } from '../util.ts';
import { buildExamples, mixedMap, OUT, type Server } from '../../scripts/build-examples.ts';
import { loadMnist } from '../../scripts/mnist-data.ts';
import { embedCases } from './embed-cases.ts';

const REQUEST_TIMEOUT_MS = 5_000;

const sha256 = (b: Uint8Array | Float32Array) => createHash('sha256').update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).digest('hex');

/** Node's answer for the same bundle and input: the f32 outputs and their hash. */
const models = new Map<string, any>();
async function nodeRun(precision: string, data: Float32Array): Promise<{ out: Float32Array; hash: string }> {
  const alloy = await getAlloy();
  if (!models.has(precision)) models.set(precision, alloy.load(readFileSync(join(OUT, `models/mnist-${precision}.alloy`))));
  const m = models.get(precision);
  const out = m.run({ input: { data, shape: [data.length / 784, 784] } }).logits.data as Float32Array;
  return { out, hash: sha256(out) };
}

function digits(n: number): { data: Float32Array; labels: number[] } {
  const { test } = loadMnist();
  // spread over the classes: every 200th held-out digit
  const data = new Float32Array(n * 784), labels: number[] = [];
  for (let i = 0; i < n; i++) { const k = (i * 200 + 7) % test.n; data.set(test.images.subarray(k * 784, (k + 1) * 784), i * 784); labels.push(test.labels[k]); }
  return { data, labels };
}

async function call(s: Server, path: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: any; headers: Headers; raw: Uint8Array }> {
  const r = await fetch(s.url + path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const raw = new Uint8Array(await r.arrayBuffer());
  const type = r.headers.get('content-type') ?? '';
  let body: any = null;
  if (type.startsWith('application/json')) body = JSON.parse(new TextDecoder().decode(raw));
  return { status: r.status, type, body, headers: r.headers, raw };
}
const postJson = (s: Server, body: unknown, query = '') =>
  call(s, `/v1/infer${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

function expectError(r: { status: number; body: any }, status: number, code: string, what: string) {
  assert.is(r.status, status, `${what}: status ${r.status}, body ${JSON.stringify(r.body)}`);
  assert.ok(r.body && r.body.error, `${what}: JSON error body, got ${JSON.stringify(r.body)}`);
  assert.is(r.body.error.code, code, `${what}: ${JSON.stringify(r.body)}`);
  assert.type(r.body.error.message, 'string');
  assert.ok(r.body.error.message.length > 10, `${what}: a message that says what is wrong`);
}

export function apiSuite(name: string, start: () => Promise<Server>, runtime: RegExp) {
  const t = suite<{ s?: Server }>(name);

  t.before(async (ctx) => {
    await buildExamples();
    ctx.s = await start();
  });
  t.after((ctx) => { ctx.s?.stop(); });

  t('GET /v1/model: inputs, outputs, precision maps, startup timing', async ({ s }) => {
    const r = await call(s!, '/v1/model');
    assert.is(r.status, 200);
    const m = r.body;
    assert.equal(m.precisions, ['f32', 'mixed']);
    assert.is(m.default, 'f32');
    for (const p of ['f32', 'mixed']) {
      assert.equal(m.bundles[p].inputs, [{ name: 'input', shape: [-1, 784], format: 'f32' }]);
      assert.equal(m.bundles[p].outputs, [{ name: 'logits', shape: [-1, 10], format: 'f32' }]);
      assert.is(m.bundles[p].bytes, readFileSync(join(OUT, `models/mnist-${p}.alloy`)).length);
    }
    assert.is(m.bundles.f32.precision, null);
    const dense = m.bundles.mixed.layers.map((l: any) => l.name);
    assert.equal(m.bundles.mixed.precision, mixedMap(dense));
    assert.equal(m.bundles.f32.layers.map((l: any) => l.weights), ['f32', 'f32', 'f32', 'f32', 'f32']);
    assert.equal(m.bundles.mixed.layers.map((l: any) => `${l.weights}/${l.activations}/${l.accumulator}`), ['i8/i8/i32', 'i8/i8/i32', 'i8/i8/i32', 'i8/i8/i32', 'f16/f32/f32']);
    assert.equal(m.limits, { maxBodyBytes: 1 << 20, maxBatch: 256 });
    assert.match(m.startup.runtime, runtime);
    for (const k of ['initMs', 'totalMs']) assert.ok(typeof m.startup[k] === 'number' && m.startup[k] >= 0, `startup.${k} ${m.startup[k]}`);
    assert.ok(m.startup.totalMs >= m.startup.initMs);
  });

  t('POST /v1/infer JSON, one row, f32 and mixed: outputs and hash equal Node', async ({ s }) => {
    const { data, labels } = digits(1);
    for (const precision of ['f32', 'mixed']) {
      const r = await postJson(s!, { input: Array.from(data), precision });
      assert.is(r.status, 200, JSON.stringify(r.body));
      const node = await nodeRun(precision, data);
      assert.is(r.body.precision, precision);
      assert.equal(r.body.outputs.logits.shape, [1, 10]);
      const got = Float32Array.from(r.body.outputs.logits.data);
      assert.equal(Array.from(new Uint32Array(got.buffer)), Array.from(new Uint32Array(node.out.buffer, node.out.byteOffset, 10)), 'same f32 bits');
      assert.is(r.body.sha256, node.hash);
      assert.is(r.body.sha256, sha256(got));
      assert.ok(r.body.timing.inferMs >= 0 && r.body.timing.totalMs >= r.body.timing.inferMs, JSON.stringify(r.body.timing));
      let best = 0;
      for (let c = 1; c < 10; c++) if (got[c] > got[best]) best = c;
      assert.is(best, labels[0], `${precision}: a held-out ${labels[0]} is classified ${best}`);
    }
  });

  t('POST /v1/infer JSON batch of rows; precision from the query; default f32', async ({ s }) => {
    const { data } = digits(5);
    const rows = Array.from({ length: 5 }, (_, i) => Array.from(data.subarray(i * 784, (i + 1) * 784)));
    const r = await postJson(s!, { input: rows }, '?precision=mixed');
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outputs.logits.shape, [5, 10]);
    assert.is(r.body.sha256, (await nodeRun('mixed', data)).hash);
    const d = await postJson(s!, { input: rows });
    assert.is(d.body.precision, 'f32');
    assert.is(d.body.sha256, (await nodeRun('f32', data)).hash);
    assert.is.not(d.body.sha256, r.body.sha256, 'the two bundles do differ');
  });

  t('POST /v1/infer binary f32 body; binary answer with accept: application/octet-stream', async ({ s }) => {
    const { data } = digits(3);
    const body = new Uint8Array(data.buffer.slice(0));
    for (const precision of ['f32', 'mixed']) {
      const node = await nodeRun(precision, data);
      const r = await call(s!, `/v1/infer?precision=${precision}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
      assert.is(r.status, 200, JSON.stringify(r.body));
      assert.is(r.body.sha256, node.hash);
      const b = await call(s!, `/v1/infer?precision=${precision}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream' }, body });
      assert.is(b.status, 200);
      assert.is(b.type, 'application/octet-stream');
      assert.is(b.headers.get('x-alloy-sha256'), node.hash);
      assert.is(b.headers.get('x-alloy-shape'), '3,10');
      assert.is(sha256(b.raw), node.hash);
      assert.ok(b.raw.length === 3 * 10 * 4);
    }
  });

  t('POST /v1/infer check: reference: the scalar reference kernels give the same hash, JSON and binary', async ({ s }) => {
    const { data } = digits(3);
    const rows = Array.from({ length: 3 }, (_, i) => Array.from(data.subarray(i * 784, (i + 1) * 784)));
    for (const precision of ['f32', 'mixed']) {
      const node = await nodeRun(precision, data);
      const r = await postJson(s!, { input: rows, precision, check: 'reference' });
      assert.is(r.status, 200, JSON.stringify(r.body));
      assert.is(r.body.sha256, node.hash);
      // the weighted layers ran on their references (a check on the fast kernels would pass too)
      assert.equal(r.body.check.kernels, precision === 'f32' ? ['gemm_f32_f32_f32__scalar'] : ['gemm_i8_i8_i32__scalar', 'gemm_any_f32_f32__scalar']);
      assert.is(r.body.check.sha256, node.hash, `${precision}: the reference kernels' hash`);
      assert.is(r.body.check.equal, true);
      assert.ok(r.body.check.inferMs >= 0);
      const plain = await postJson(s!, { input: rows, precision });
      assert.is(plain.body.check, undefined, 'no check unless asked');
      const b = await call(s!, `/v1/infer?precision=${precision}&check=reference`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream' }, body: new Uint8Array(data.buffer.slice(0)) });
      assert.is(b.status, 200);
      assert.is(b.headers.get('x-alloy-check'), 'equal');
      assert.is(b.headers.get('x-alloy-check-sha256'), node.hash);
    }
    expectError(await postJson(s!, { input: rows, check: 'fast' }), 400, 'BAD_OPTION', 'unknown check');
    expectError(await postJson(s!, { input: rows, check: null }), 400, 'BAD_OPTION', 'check not a string');
    expectError(await postJson(s!, { input: rows, check: 'reference' }, '?check=other'), 400, 'BAD_OPTION', 'check in body and query differ');
  });

  t('bad requests: 4xx with a JSON error and an AlloyError code', async ({ s }) => {
    const row = Array.from(digits(1).data);
    expectError(await postJson(s!, '{"input": [1, 2,'), 400, 'BAD_ARGUMENT', 'malformed JSON');
    expectError(await postJson(s!, '[1, 2, 3]'), 400, 'BAD_ARGUMENT', 'JSON not an object');
    expectError(await postJson(s!, { input: row, extra: 1 }), 400, 'BAD_ARGUMENT', 'unknown field');
    expectError(await postJson(s!, { input: row.slice(1) }), 400, 'SHAPE_MISMATCH', '783 values');
    expectError(await postJson(s!, { input: [row, row.slice(0, 700)] }), 400, 'SHAPE_MISMATCH', 'ragged rows');
    expectError(await postJson(s!, { input: [] }), 400, 'SHAPE_MISMATCH', 'empty input');
    expectError(await postJson(s!, { precision: 'f32' }), 400, 'SHAPE_MISMATCH', 'no input');
    expectError(await postJson(s!, { input: [...row.slice(1), 'x'] }), 400, 'BAD_ARGUMENT', 'a string value');
    expectError(await postJson(s!, { input: [...row.slice(1), null] }), 400, 'BAD_ARGUMENT', 'a null value');
    expectError(await postJson(s!, { input: row, precision: 'f8' }), 400, 'BAD_OPTION', 'unknown precision');
    expectError(await postJson(s!, { input: row, precision: 'constructor' }), 400, 'BAD_OPTION', 'prototype name as precision');
    expectError(await postJson(s!, { input: row, precision: 'f32' }, '?precision=mixed'), 400, 'BAD_OPTION', 'body and query disagree');
    expectError(await postJson(s!, { input: Array.from({ length: 257 }, () => [0]) }), 413, 'LIMIT_EXCEEDED', 'batch above 256');
    const bin = (bytes: Uint8Array, q = '') => call(s!, `/v1/infer${q}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expectError(await bin(new Uint8Array(784 * 4 - 4)), 400, 'SHAPE_MISMATCH', 'binary 783 values');
    expectError(await bin(new Uint8Array(7)), 400, 'SHAPE_MISMATCH', 'binary, not whole f32 values');
    expectError(await bin(new Uint8Array(0)), 400, 'SHAPE_MISMATCH', 'empty binary body');
    expectError(await bin(new Uint8Array(784 * 4), '?precision=i4'), 400, 'BAD_OPTION', 'binary, unknown precision');
    const nan = new Float32Array(784); nan[5] = NaN;
    expectError(await bin(new Uint8Array(nan.buffer)), 400, 'BAD_ARGUMENT', 'binary NaN input');
    expectError(await call(s!, '/v1/infer', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '1,2,3' }), 415, 'BAD_ARGUMENT', 'content-type text/csv');
    // oversized: 1 MiB + 1 byte, with a content-length and as a chunked stream without one
    const big = new Uint8Array((1 << 20) + 1).fill(0x20);
    expectError(await call(s!, '/v1/infer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }), 413, 'LIMIT_EXCEEDED', 'oversized body');
    const chunks = Array.from({ length: 20 }, () => new Uint8Array(64 * 1024).fill(0x20));
    const stream = new ReadableStream({ pull(c) { const n = chunks.pop(); if (n) c.enqueue(n); else c.close(); } });
    expectError(await call(s!, '/v1/infer', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: stream, duplex: 'half' } as any), 413, 'LIMIT_EXCEEDED', 'oversized chunked body');
    expectError(await call(s!, '/v1/infer'), 405, 'METHOD_NOT_ALLOWED', 'GET /v1/infer');
    expectError(await call(s!, '/v1/model', { method: 'POST', body: '{}' }), 405, 'METHOD_NOT_ALLOWED', 'POST /v1/model');
    expectError(await call(s!, '/v2/infer'), 404, 'NOT_FOUND', 'unknown route');
    // still serving after all that
    const ok = await postJson(s!, { input: row });
    assert.is(ok.status, 200);
  });

  embedCases(t);
  return t;
}

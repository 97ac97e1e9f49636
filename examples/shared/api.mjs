// The HTTP API of the edge examples, shared as-is by the Cloudflare Worker (examples/worker, bundled
// by esbuild or wrangler) and the Deno server (examples/deno, imported directly). Web-standard
// Request / Response / crypto.subtle only: no runtime-specific code here.
//
//   GET  /v1/model   inputs, outputs and precision map of every bundle, limits, startup timing
//   POST /v1/infer   JSON {"input": [784 numbers] | [[784 numbers], ...], "precision": "f32" | "mixed"}
//                    or a little-endian f32 body (content-type: application/octet-stream) with
//                    ?precision=... in the query. Answers outputs, timing and the SHA-256 (hex) of
//                    the output f32 bytes; `accept: application/octet-stream` answers the raw f32
//                    bytes instead, with the hash and shape in x-alloy-* headers.
//                    "check": "reference" (or ?check=reference) runs the input a second time on
//                    the scalar reference kernels (load option kernels: 'reference', loaded on the
//                    first such request) and answers check: { kernels (the references that ran
//                    the weighted layers), sha256, equal, inferMs }
//                    (x-alloy-check: equal | differ with a binary answer): a reproducibility
//                    check in place, the fast kernels against their definition.
//   POST /v1/embed   JSON {"text": "..." | ["...", ...], "precision": "f32", "truncate": false}: the
//                    text encoder's L2-normalised embeddings, token counts and ids, and the SHA-256
//                    of the output f32 bytes (examples/shared/embed.mjs; present when createApi gets
//                    a `text` model)
//
// Errors are JSON `{ "error": { "code", "message" } }` with a 4xx status. `code` is an AlloyError
// code (BAD_ARGUMENT, SHAPE_MISMATCH, BAD_OPTION, LIMIT_EXCEEDED, ...) whenever the problem is the
// request's content; NOT_FOUND / METHOD_NOT_ALLOWED for routing.
//
// Rule 1 of docs/ARCHITECTURE.md holds here too: the handler moves bytes and never computes on tensor values
// (the only work on them is the JSON number -> f32 conversion and a finiteness check).

import { createEmbed } from './embed.mjs';

export const MAX_BODY_BYTES = 1 << 20; // 1 MiB
export const MAX_BATCH = 256;

const STATUS = { LIMIT_EXCEEDED: 413, NOT_FOUND: 404, METHOD_NOT_ALLOWED: 405, UNSUPPORTED_MEDIA_TYPE: 415 };
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** What a client (or the widget's format chips) needs to know about a loaded bundle: its inputs
 *  and outputs, the embedded precision map and, per node, the stored weight format and the
 *  activation and accumulator formats the runtime resolved (`model.layers`). */
export function describeBundle(bytes, model) {
  return { inputs: model.inputs, outputs: model.outputs, precision: model.precision, layers: model.layers, bytes: bytes.byteLength, metadata: model.metadata };
}

export async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * @param {object} o
 * @param {{ init: Function, AlloyError: any }} o.host  the alloy.mjs module namespace
 * @param {any} [o.wasm]  what init() takes: a WebAssembly.Module in Workers, nothing in Deno
 * @param {Record<string, ArrayBuffer | Uint8Array>} o.bundles  precision name -> bundle bytes
 * @param {string} [o.runtime]  reported by GET /v1/model
 * @param {{ loadTokenizer: Function, tokenizer: string | object, bundles: Record<string, ArrayBuffer | Uint8Array>, maxTokens?: number } | null} [o.text]
 *        the text encoder behind POST /v1/embed: alloy-runtime/text's loadTokenizer, a tokenizer.json,
 *        precision name -> encoder bundle bytes
 */
export function createApi({ host, wasm, bundles, runtime = 'unknown', maxBodyBytes = MAX_BODY_BYTES, maxBatch = MAX_BATCH, text = null }) {
  const names = Object.keys(bundles);
  const defaultPrecision = names.includes('f32') ? 'f32' : names[0];
  const err = (code, message) => new host.AlloyError(code, message);
  const embedder = text ? createEmbed({ text, err }) : null;
  let ready = null;

  // Cold start: instantiate the module and load every bundle, timed with performance.now() on the
  // first request (Workers instantiate lazily, inside a request).
  async function start() {
    const t0 = performance.now();
    const alloy = await host.init(wasm);
    const t1 = performance.now();
    const models = {}, info = {}, loadMs = {}, bytesOf = {};
    for (const name of names) {
      const s = performance.now();
      const bytes = bytesOf[name] = bundles[name] instanceof Uint8Array ? bundles[name] : new Uint8Array(bundles[name]);
      models[name] = alloy.load(bytes);
      loadMs[name] = performance.now() - s;
      info[name] = describeBundle(bytes, models[name]);
    }
    const textState = embedder ? embedder.start(alloy, describeBundle) : null;
    const startup = { runtime, initMs: t1 - t0, loadMs, ...(textState ? { text: textState.startup } : {}), totalMs: performance.now() - t0 };
    // the same bundles on the scalar reference kernels, loaded on the first check request
    const refs = {};
    const reference = (name) => (refs[name] ??= alloy.load(bytesOf[name], { kernels: 'reference' }));
    return { models, info, startup, reference, text: textState };
  }

  function ensure() {
    if (!ready) {
      ready = start();
      ready.catch(() => { ready = null; }); // a failed start is retried by the next request
      return ready.then((s) => ({ ...s, coldStart: true }));
    }
    return ready.then((s) => ({ ...s, coldStart: false }));
  }

  async function handleModel() {
    const s = await ensure();
    return json(200, {
      default: defaultPrecision,
      precisions: names,
      bundles: s.info,
      limits: { maxBodyBytes, maxBatch },
      ...(s.text ? { text: s.text.describe() } : {}),
      startup: s.startup,
    });
  }

  async function handleEmbed(request, url) {
    const t0 = performance.now();
    const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
      throw Object.assign(err('BAD_ARGUMENT', `content-type ${JSON.stringify(type)}: /v1/embed takes application/json`), { status: 415 });
    }
    const body = await readLimited(request, maxBodyBytes, err);
    let msg;
    try { msg = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)); } catch (e) { throw err('BAD_ARGUMENT', `request body is not valid JSON: ${e.message}`); }
    const s = await ensure();
    const r = embedder.embed(msg, url.searchParams.get('precision'), s.text, merged);
    const [batch, dims] = r.y.shape;
    const bytes = new Uint8Array(r.y.data.buffer, r.y.data.byteOffset, r.y.data.byteLength);
    const sha256 = await sha256Hex(bytes);
    const rows = Array.from({ length: batch }, (_, i) => Array.from(r.y.data.subarray(i * dims, (i + 1) * dims)));
    const timing = { tokenizeMs: r.tokenizeMs, inferMs: r.inferMs, totalMs: performance.now() - t0, ...(s.coldStart ? { startup: s.startup } : {}) };
    return json(200, {
      precision: r.precision,
      dims,
      ...(r.one ? { embedding: rows[0] } : { embeddings: rows }),
      tokens: r.encodings.map((e) => e.ids.length),
      ids: r.encodings.map((e) => e.ids),
      sha256,
      timing,
    }, { 'server-timing': `tokenize;dur=${timing.tokenizeMs.toFixed(3)}, infer;dur=${timing.inferMs.toFixed(3)}, total;dur=${timing.totalMs.toFixed(3)}` });
  }

  async function handleInfer(request, url) {
    const t0 = performance.now();
    const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const binary = type === 'application/octet-stream';
    if (!binary && type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
      throw Object.assign(err('BAD_ARGUMENT', `content-type ${JSON.stringify(type)}: send application/json or application/octet-stream`), { status: 415 });
    }
    const body = await readLimited(request, maxBodyBytes, err);
    const s = await ensure();
    let precision = url.searchParams.get('precision');
    let check = url.searchParams.get('check');
    let data, batch;
    if (binary) {
      if (body.byteLength === 0 || body.byteLength % 4 !== 0) throw err('SHAPE_MISMATCH', `binary body of ${body.byteLength} bytes is not a whole number of f32 values`);
      data = new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4);
      if (body.byteOffset % 4 !== 0) data = new Float32Array(body.slice().buffer);
      ({ batch } = rows(data.length, s, precision ?? defaultPrecision));
    } else {
      let msg;
      try { msg = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)); } catch (e) { throw err('BAD_ARGUMENT', `request body is not valid JSON: ${e.message}`); }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw err('BAD_ARGUMENT', 'request body must be a JSON object { "input": [...], "precision": "f32" }');
      for (const k of Object.keys(msg)) if (k !== 'input' && k !== 'precision' && k !== 'check') throw err('BAD_ARGUMENT', `unknown field ${JSON.stringify(k)} (known: input, precision, check)`);
      check = merged('check', check, msg.check);
      precision = merged('precision', precision, msg.precision);
      ({ data, batch } = fromJson(msg.input, s, precision ?? defaultPrecision));
    }
    precision ??= defaultPrecision;
    if (check !== null && check !== 'reference') throw err('BAD_OPTION', `check ${JSON.stringify(check)}: the one check is "reference"`);
    const model = pick(s, precision);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw err('BAD_ARGUMENT', `input value ${i} (row ${Math.floor(i / (data.length / batch))}) is not a finite number`);
    }
    const input = model.inputs[0];
    const feed = { [input.name]: { data, shape: [batch, ...input.shape.slice(1)] } };
    const { outputs, all, sha256, inferMs } = await runHashed(model, feed);
    let checked = null;
    if (check === 'reference') {
      const ref = s.reference(precision);
      const r = await runHashed(ref, feed);
      // the kernels that read each weighted layer: all references, or the check checked nothing
      const kernels = [...new Set(ref.layers.flatMap((l) => (l.kernel ? [l.kernel] : [])))];
      checked = { kernels, sha256: r.sha256, equal: r.sha256 === sha256, inferMs: r.inferMs };
    }
    const timing = { inferMs, totalMs: performance.now() - t0, ...(s.coldStart ? { startup: s.startup } : {}) };
    const accept = request.headers.get('accept') ?? '';
    if (accept.includes('application/octet-stream')) {
      const first = outputs[model.outputs[0].name];
      return new Response(all, {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream', 'cache-control': 'no-store',
          'x-alloy-sha256': sha256, 'x-alloy-precision': precision,
          'x-alloy-outputs': model.outputs.map((o) => `${o.name}=${outputs[o.name].shape.join('x')}`).join(', '),
          'x-alloy-shape': first.shape.join(','),
          'server-timing': `infer;dur=${timing.inferMs.toFixed(3)}, total;dur=${timing.totalMs.toFixed(3)}`,
          ...(checked ? { 'x-alloy-check': checked.equal ? 'equal' : 'differ', 'x-alloy-check-sha256': checked.sha256 } : {}),
        },
      });
    }
    return json(200, {
      precision,
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }])),
      sha256,
      ...(checked ? { check: checked } : {}),
      timing,
    }, { 'server-timing': `infer;dur=${timing.inferMs.toFixed(3)}, total;dur=${timing.totalMs.toFixed(3)}` });
  }

  /** A request field given in the query, the JSON body or both (then equal): a string or null. */
  function merged(name, query, body) {
    if (body === undefined) return query;
    if (typeof body !== 'string') throw err('BAD_OPTION', `${JSON.stringify(name)} must be a string`);
    if (query !== null && query !== body) throw err('BAD_OPTION', `${name} ${JSON.stringify(body)} in the body and ${JSON.stringify(query)} in the query differ`);
    return body;
  }

  /** One run: the outputs, their bytes concatenated, SHA-256 and the run's time. */
  async function runHashed(model, feed) {
    const t = performance.now();
    const out = model.run(feed);
    const inferMs = performance.now() - t;
    const outputs = Object.fromEntries(model.outputs.map((o) => [o.name, out[o.name]]));
    const all = concatBytes(model.outputs.map((o) => out[o.name].data));
    return { outputs, all, sha256: await sha256Hex(all), inferMs };
  }

  function pick(s, precision) {
    const m = Object.hasOwn(s.models, precision) ? s.models[precision] : undefined;
    if (!m) throw err('BAD_OPTION', `unknown precision ${JSON.stringify(precision)} (available: ${names.join(', ')})`);
    return m;
  }

  function rowSize(model) { return model.inputs[0].shape.slice(1).reduce((a, b) => a * b, 1); }

  function rows(n, s, precision) {
    const model = pick(s, precision);
    const size = rowSize(model);
    if (n % size !== 0) throw err('SHAPE_MISMATCH', `input has ${n} values, not a multiple of ${size} (input ${JSON.stringify(model.inputs[0].name)} ${JSON.stringify(model.inputs[0].shape)})`);
    const batch = n / size;
    if (batch > maxBatch) throw err('LIMIT_EXCEEDED', `batch ${batch} exceeds ${maxBatch}`);
    return { batch };
  }

  function fromJson(input, s, precision) {
    const model = pick(s, precision);
    const size = rowSize(model);
    const where = `"input" (${JSON.stringify(model.inputs[0].name)} ${JSON.stringify(model.inputs[0].shape)})`;
    if (!Array.isArray(input) || input.length === 0) throw err('SHAPE_MISMATCH', `${where} must be a non-empty array of ${size} numbers or of rows of ${size} numbers`);
    const nested = Array.isArray(input[0]);
    const list = nested ? input : [input];
    if (list.length > maxBatch) throw err('LIMIT_EXCEEDED', `batch ${list.length} exceeds ${maxBatch}`);
    const data = new Float32Array(list.length * size);
    list.forEach((row, r) => {
      if (!Array.isArray(row)) throw err('SHAPE_MISMATCH', `${where}: row ${r} is not an array (mixing rows and numbers)`);
      if (row.length !== size) throw err('SHAPE_MISMATCH', `${where}: row ${r} has ${row.length} values, expected ${size}`);
      for (let i = 0; i < size; i++) {
        const v = row[i];
        if (typeof v !== 'number') throw err('BAD_ARGUMENT', `${where}: row ${r} value ${i} is ${v === null ? 'null' : typeof v}, not a number`);
        data[r * size + i] = v;
      }
    });
    return { data, batch: list.length };
  }

  return {
    /** Resolves once the module is instantiated and every bundle loaded (optional warm-up). */
    ready: () => ensure().then((s) => s.startup),
    async fetch(request) {
      const url = new URL(request.url);
      try {
        if (url.pathname === '/v1/model') {
          if (request.method !== 'GET' && request.method !== 'HEAD') return error(405, 'METHOD_NOT_ALLOWED', `${request.method} /v1/model: use GET`, { allow: 'GET, HEAD' });
          return await handleModel();
        }
        if (url.pathname === '/v1/infer') {
          if (request.method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', `${request.method} /v1/infer: use POST`, { allow: 'POST' });
          return await handleInfer(request, url);
        }
        if (url.pathname === '/v1/embed') {
          if (!embedder) return error(404, 'NOT_FOUND', 'POST /v1/embed: this deployment has no text model (scripts/build-examples.ts builds one from models/text/encoder.onnx)');
          if (request.method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', `${request.method} /v1/embed: use POST`, { allow: 'POST' });
          return await handleEmbed(request, url);
        }
        return error(404, 'NOT_FOUND', `no route ${url.pathname} (routes: GET /v1/model, POST /v1/infer${embedder ? ', POST /v1/embed' : ''})`);
      } catch (e) {
        if (e && e.name === 'AlloyError' && typeof e.code === 'string') {
          return error(e.status ?? STATUS[e.code] ?? 400, e.code, e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message);
        }
        return error(500, 'INTERNAL', String(e && e.message || e));
      }
    },
  };
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function error(status, code, message, headers = {}) {
  return json(status, { error: { code, message } }, headers);
}

function concatBytes(parts) {
  if (parts.length === 1) return new Uint8Array(parts[0].buffer, parts[0].byteOffset, parts[0].byteLength);
  const n = parts.reduce((t, p) => t + p.byteLength, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at); at += p.byteLength; }
  return out;
}

/** The body, refused with LIMIT_EXCEEDED (413) past `max` bytes: by content-length when given,
 *  else while streaming (chunked bodies), so an oversized upload is never held in memory. */
async function readLimited(request, max, err) {
  const len = request.headers.get('content-length');
  if (len !== null && Number(len) > max) throw err('LIMIT_EXCEEDED', `request body of ${len} bytes exceeds ${max} bytes`);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      try { await reader.cancel(); } catch { /* already closed */ }
      throw err('LIMIT_EXCEEDED', `request body exceeds ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

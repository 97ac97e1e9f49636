// Load test of examples/worker under workerd: N concurrent clients (64 by default) send valid
// POST /v1/infer requests for S seconds (30 by default) over loopback, and every answer is
// checked: status 200, JSON, and the SHA-256 of the output equal to what Node computes for the
// same bundle and input. Prints requests, errors, throughput and latency percentiles; exits 1 on
// any error.
//
//   node --import tsx scripts/load-test.mjs [--clients 64] [--seconds 30] [--warmup 2]
//        [--precision f32,mixed] [--batch 1] [--json]
//
// Needs `npm run build` (build/alloy.{mjs,wasm}); builds build/examples/ if stale
// (scripts/build-examples.ts). workerd listens on 127.0.0.1 on a free port only, in its own
// process group, and is always killed: on completion, on error, on SIGINT / SIGTERM, and by a
// hard deadline (seconds + warm-up + 120 s) after which the script exits whatever happens.
// The client is node:http with a keep-alive agent (one socket per client); each request has a
// 10 s timeout, so a stuck request is an error, never a hang.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExamples, startWorkerd, OUT } from './build-examples.ts';
import { loadMnist } from './mnist-data.ts';
import { init } from '../build/alloy.mjs';

const arg = (k, d) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const CLIENTS = Number(arg('clients', '64'));
const SECONDS = Number(arg('seconds', '30'));
const WARMUP = Number(arg('warmup', '2'));
const PRECISIONS = arg('precision', 'f32,mixed').split(',');
const BATCH = Number(arg('batch', '1'));
const JSON_OUT = process.argv.includes('--json');
const REQUEST_TIMEOUT_MS = 10_000;
const HARD_DEADLINE_MS = (SECONDS + WARMUP + 120) * 1000;

let server = null;
const stop = () => { try { server?.stop(); } catch { /* gone */ } server = null; };
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stop(); process.exit(130); });
process.on('exit', stop);
const hard = setTimeout(() => { console.error(`load-test: hard deadline of ${HARD_DEADLINE_MS / 1000} s reached; killing workerd`); stop(); process.exit(2); }, HARD_DEADLINE_MS);
hard.unref();

const sha256 = (f) => createHash('sha256').update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength)).digest('hex');

/** Request bodies (held-out MNIST digits, both precisions) and the hash Node gives for each. */
async function cases() {
  const alloy = await init(readFileSync(new URL('../build/alloy.wasm', import.meta.url)));
  const { test } = loadMnist();
  const out = [];
  for (const precision of PRECISIONS) {
    const m = alloy.load(readFileSync(join(OUT, `models/mnist-${precision}.alloy`)));
    for (let k = 0; k < 16; k++) {
      const data = new Float32Array(BATCH * 784);
      for (let b = 0; b < BATCH; b++) { const j = ((k * BATCH + b) * 97 + 3) % test.n; data.set(test.images.subarray(j * 784, (j + 1) * 784), b * 784); }
      const logits = m.run({ input: { data, shape: [BATCH, 784] } }).logits.data;
      const rows = [];
      for (let b = 0; b < BATCH; b++) rows.push(Array.from(data.subarray(b * 784, (b + 1) * 784)));
      out.push({ precision, body: Buffer.from(JSON.stringify({ input: BATCH === 1 ? rows[0] : rows, precision })), sha256: sha256(logits) });
    }
    m.dispose();
  }
  return out;
}

function post(agent, port, body) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/infer', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      res.on('error', (e) => resolve({ error: e.message, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (e) => resolve({ error: e.message, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.end(body);
  });
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

async function main() {
  await buildExamples();
  const bodies = await cases();
  server = await startWorkerd(30_000);
  const port = server.port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const errors = new Map();
  const addError = (k) => errors.set(k, (errors.get(k) ?? 0) + 1);
  let measuring = false, stopAt = 0;
  const lat = [];
  let ok = 0;
  const client = async (c) => {
    let i = c;
    while (performance.now() < stopAt) {
      const k = bodies[i++ % bodies.length];
      const r = await post(agent, port, k.body);
      const counted = measuring;
      let bad = null;
      if (r.error) bad = `socket: ${r.error}`;
      else if (r.status !== 200) bad = `HTTP ${r.status}: ${r.body.toString('utf8', 0, 200)}`;
      else {
        try {
          const j = JSON.parse(r.body.toString('utf8'));
          if (j.sha256 !== k.sha256) bad = `wrong answer (${k.precision}): sha256 ${j.sha256} != ${k.sha256}`;
          else if (!j.outputs?.logits || j.outputs.logits.data.length !== 10 * BATCH) bad = 'answer without logits';
        } catch (e) { bad = `bad JSON: ${e.message}`; }
      }
      if (!counted) continue;
      if (bad) addError(bad); else { ok++; lat.push(r.ms); }
    }
  };
  // warm-up (not counted): JIT, the isolate's first-request module instantiation
  stopAt = performance.now() + WARMUP * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  measuring = true;
  const t0 = performance.now();
  stopAt = t0 + SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  stop();
  lat.sort((a, b) => a - b);
  const nErr = [...errors.values()].reduce((a, b) => a + b, 0);
  const res = {
    clients: CLIENTS, seconds: +elapsed.toFixed(2), batch: BATCH, precisions: PRECISIONS, requests: ok + nErr, ok, errors: nErr,
    throughput: +(ok / elapsed).toFixed(1),
    latencyMs: { p50: +pct(lat, 50).toFixed(2), p90: +pct(lat, 90).toFixed(2), p99: +pct(lat, 99).toFixed(2), max: +(lat[lat.length - 1] ?? NaN).toFixed(2) },
    errorKinds: Object.fromEntries([...errors.entries()].slice(0, 10)),
  };
  if (JSON_OUT) console.log(JSON.stringify(res));
  else {
    console.log(`load-test: examples/worker under workerd on 127.0.0.1:${port}; ${CLIENTS} clients, ${res.seconds} s after a ${WARMUP} s warm-up; POST /v1/infer (JSON, batch ${BATCH}, ${PRECISIONS.join(' + ')})`);
    console.log(`  requests ${res.requests}, ok ${ok}, errors ${nErr}; throughput ${res.throughput} req/s`);
    console.log(`  latency p50 ${res.latencyMs.p50} ms, p90 ${res.latencyMs.p90} ms, p99 ${res.latencyMs.p99} ms, max ${res.latencyMs.max} ms`);
    for (const [k, v] of errors) console.log(`  error x${v}: ${k}`);
  }
  return nErr ? 1 : 0;
}

main().then((code) => { stop(); process.exit(code); }, (e) => { stop(); console.error(`load-test: ${e?.stack ?? e}`); process.exit(1); });

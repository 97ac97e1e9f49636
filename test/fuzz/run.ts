// `npm run fuzz`: every target for --count inputs (100,000 by default) from --seed, each target in
// its own worker thread under a watchdog. Failing inputs are written to test/fuzz/regressions/
// (replayed by test/reliability/regressions.test.ts). Prints inputs/s per target; exits 1 on any
// failure.
//   node --import tsx test/fuzz/run.ts [--count N] [--seed S] [--targets bundle,precision,onnx,tflite]
//        [--start I] [--hang-ms 5000] [--no-save]
import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getAlloy } from '../util.ts';
import { targets as makeTargets, type Stats } from './targets.ts';

const arg = (k: string, d: string) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? process.argv[i + 1] : d; };
const count = Number(arg('count', '100000'));
const seed = Number(arg('seed', '1'));
const start = Number(arg('start', '0'));
const hangMs = Number(arg('hang-ms', '5000'));
const names = arg('targets', 'bundle,precision,onnx,tflite').split(',');
const save = !process.argv.includes('--no-save');
const regressions = fileURLToPath(new URL('./regressions/', import.meta.url));

const alloy = await getAlloy();
const T = makeTargets(alloy);

function saveInput(target: string, index: number, kind: string, message: string): string {
  const input = T[target].input(seed, index);
  const base = `${target}-s${seed}-${index}-${kind}`;
  if (save) {
    mkdirSync(regressions, { recursive: true });
    writeFileSync(`${regressions}${base}.bin`, input.bytes);
    const importOptions = (input as { importOptions?: unknown }).importOptions;
    writeFileSync(`${regressions}${base}.json`, JSON.stringify({ target, seed, index, kind, message: message.split('\n')[0], options: input.precision === undefined ? {} : { precision: input.precision },
      ...(importOptions === undefined ? {} : { importOptions }) }, null, 2) + '\n');
  }
  return base;
}

function runTarget(target: string): Promise<Stats & { hangs: number; restarts: number }> {
  return new Promise((resolve) => {
    const total: Stats & { hangs: number; restarts: number } = { target, inputs: 0, ok: 0, runs: 0, codes: {}, failures: [], ms: 0, slowestMs: 0, slowestIndex: -1, memoryBytes: 0, hangs: 0, restarts: 0 };
    const t0 = performance.now();
    const launch = (from: number) => {
      const shared = new SharedArrayBuffer(8);
      const progress = new Int32Array(shared);
      Atomics.store(progress, 0, from);
      const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { target, seed, start: from, count: start + count - from, shared } });
      let last = -1, since = performance.now(), finished = false;
      const timer = setInterval(() => {
        const seen = Atomics.load(progress, 1);
        if (seen !== last) { last = seen; since = performance.now(); return; }
        if (performance.now() - since < hangMs || finished) return;
        // No new input for hangMs: the current one hangs.
        const i = Atomics.load(progress, 0);
        clearInterval(timer);
        finished = true;
        void w.terminate();
        total.hangs++; total.restarts++;
        const msg = `input ${i} ran longer than ${hangMs} ms (worker terminated)`;
        total.failures.push({ index: i, kind: 'hang', message: msg });
        console.log(`  ${target} #${i}: HANG -> ${saveInput(target, i, 'hang', msg)}`);
        total.inputs += i - from + 1;
        if (i + 1 < start + count) launch(i + 1); else finish();
      }, 250);
      w.on('message', (m) => {
        if (m.type === 'failure') {
          console.log(`  ${target} #${m.index}: ${m.kind.toUpperCase()} ${m.message.split('\n')[0].slice(0, 300)} -> ${saveInput(target, m.index, m.kind, m.message)}`);
        } else if (m.type === 'done') {
          finished = true;
          clearInterval(timer);
          const s: Stats = m.stats;
          total.inputs += s.inputs; total.ok += s.ok; total.runs += s.runs; total.failures.push(...s.failures);
          for (const [k, v] of Object.entries(s.codes)) total.codes[k] = (total.codes[k] ?? 0) + v;
          if (s.slowestMs > total.slowestMs) { total.slowestMs = s.slowestMs; total.slowestIndex = s.slowestIndex; }
          total.memoryBytes = Math.max(total.memoryBytes, s.memoryBytes);
          void w.terminate();
          finish();
        }
      });
      w.on('error', (e) => {
        if (finished) return;
        finished = true; clearInterval(timer);
        const i = Atomics.load(progress, 0);
        if (Atomics.load(progress, 1) === 0) { console.log(`  ${target}: the worker failed to start: ${e.stack ?? e.message}`); total.failures.push({ index: -1, kind: 'exception', message: e.message }); finish(); return; }
        total.failures.push({ index: i, kind: 'exception', message: `worker died: ${e.message}` });
        console.log(`  ${target} #${i}: WORKER DIED ${e.message} -> ${saveInput(target, i, 'crash', e.message)}`);
        total.inputs += i - from + 1; total.restarts++;
        if (i + 1 < start + count) launch(i + 1); else finish();
      });
    };
    const finish = () => { total.ms = performance.now() - t0; resolve(total); };
    launch(start);
  });
}

console.log(`fuzz: ${names.join(', ')}; inputs ${start}..${start + count - 1} of seed ${seed}; watchdog ${hangMs} ms`);
const results = await Promise.all(names.map(runTarget));
let failed = 0;
for (const r of results) {
  failed += r.failures.length;
  const codes = Object.entries(r.codes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${r.target}: ${r.inputs} inputs in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.inputs / (r.ms / 1000))}/s); ` +
    `${r.ok} valid (${r.runs} runs), ${r.inputs - r.ok - r.failures.length} AlloyErrors, ${r.failures.length} failures; ` +
    `slowest input ${r.slowestMs.toFixed(1)} ms (#${r.slowestIndex}); wasm memory ${(r.memoryBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log(`  codes: ${codes}`);
}
console.log(`fuzz: ${failed ? `${failed} failures${save ? ' (inputs saved under test/fuzz/regressions/)' : ''}` : 'no failures'}`);
process.exit(failed ? 1 : 0);

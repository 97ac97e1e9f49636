// Node cold start (issue #9): a fresh process per sample runs
//   const { init } = await import('build/alloy.mjs'); const alloy = await init(); alloy.load(bytes)
// and times import, init, load and the first run. Prints the median and minimum per phase. On
// Linux also the main thread's time on a CPU and in the run queue during init + load
// (/proc/self/task/<tid>/schedstat). The run-queue wait is exact (counted when a wait ends); the
// on-CPU time of a running thread is only brought up to date at scheduler ticks, so each sample
// is off by up to a tick (4 ms at HZ 250) and only its median means something. A slow init + load
// with no run-queue wait was not waiting for a CPU in this VM: the CPU itself ran slower.
//
//   node scripts/cold-start.mjs [--runs 9] [--bundle f32,mixed] [--dir build ...] [--bytes] [--peer]
//
// (an odd --runs gives a true median)
//
// --peer adds onnxruntime-web on the same model (models/mnist-mlp.onnx, the f32 bundle's source),
// interleaved with the f32 rows: import, then InferenceSession.create (wasm instantiate + model
// load, one thread, SIMD, local files) as its "init+load", then the first run. Its ratio to Alloy
// is measured in the same minutes, so it holds on a host whose speed varies.
//
// --dir may be given several times (e.g. an old build copied aside): the samples of the builds
// are interleaved so that a busy machine slows them alike. --bytes passes the wasm bytes to init()
// (as scripts/build-examples.ts --measure does) instead of letting it read alloy.wasm.
// Bundles come from <dir>/examples/models (else build/examples/models) (node --import tsx scripts/build-examples.ts): f32 is
// the MNIST MLP with f32 weights (2.3 MB), mixed the "i8" one (i8 weights + w8a8, last layer f16;
// 585 KB). The output hash shows that every sample computed the same bits.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const opt = (k, d) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : d; };
const runs = Number(opt('--runs', 9));
const bundles = opt('--bundle', 'f32,mixed').split(',');
const dirs = argv.flatMap((a, i) => (a === '--dir' ? [resolve(argv[i + 1])] : []));
if (!dirs.length) dirs.push(join(root, 'build'));
const passBytes = argv.includes('--bytes');
const peer = argv.includes('--peer');

// The two children (Alloy, the ORT peer) differ only in what they import, set up and run: the
// schedstat reader, the input and the report are shared. A body sets t0..t4, s1 / s3, y and times.
const PRELUDE = `
  const { readFileSync } = await import('node:fs');
  // Linux: the main thread's time on a CPU and waiting in the run queue (schedstat, ns)
  const sched = () => { try { return readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ').map(Number); } catch { return null; } };
  const x = new Float32Array(784); for (let i = 0; i < 784; i++) x[i] = (i % 17) / 16;`;
const REPORT = `
  console.log(JSON.stringify({ ...times, ...(s1 && s3 ? { 'on cpu': (s3[0] - s1[0]) / 1e6, 'run queue': (s3[1] - s1[1]) / 1e6 } : {}), firstRun: t4 - t3,
    out: Buffer.from(y.buffer, y.byteOffset, y.byteLength).toString('base64') }));
  process.exit(0);`;

const child = PRELUDE + `
  const [dir, bundle, passBytes] = process.argv.slice(1);
  const bytes = readFileSync(bundle);
  const wasm = passBytes === '1' ? readFileSync(dir + '/alloy.wasm') : undefined;
  const t0 = performance.now();
  const { init } = await import(new URL('file://' + dir + '/alloy.mjs').href);
  const s1 = sched();
  const t1 = performance.now();
  const alloy = await init(wasm);
  const t2 = performance.now();
  const model = alloy.load(bytes);
  const t3 = performance.now();
  const s3 = sched();
  const out = model.run({ input: { data: x, shape: [1, 784] } });
  const t4 = performance.now();
  const y = Object.values(out)[0].data;
  const times = { import: t1 - t0, init: t2 - t1, load: t3 - t2, 'init+load': t3 - t1 };` + REPORT;

const ortChild = PRELUDE + `
  const [onnx, dist] = process.argv.slice(1);
  const bytes = readFileSync(onnx);
  const t0 = performance.now();
  const ort = await import('onnxruntime-web');
  const s1 = sched();
  const t1 = performance.now();
  Object.assign(ort.env.wasm, { numThreads: 1, simd: true, proxy: false, wasmPaths: dist });
  ort.env.logLevel = 'warning';
  const sess = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 });
  const t3 = performance.now();
  const s3 = sched();
  const out = await sess.run({ [sess.inputNames[0]]: new ort.Tensor('float32', x, [1, 784]) });
  const t4 = performance.now();
  const y = out[sess.outputNames[0]].data;
  const times = { import: t1 - t0, 'init+load': t3 - t1 };` + REPORT;

for (const b of bundles) {
  // each build reads the bundle its own build-examples wrote (the format may differ between builds)
  const fileFor = (d) => { const f = join(d, 'examples/models', `mnist-${b}.alloy`); return existsSync(f) ? f : join(root, 'build/examples/models', `mnist-${b}.alloy`); };
  const rows = dirs.map((d) => ({ label: `${b} ${d}${passBytes ? ' [wasm bytes given]' : ''}`, args: [child, d, fileFor(d), passBytes ? '1' : '0'] }));
  if (peer && b === 'f32') rows.push({ label: 'onnxruntime-web, models/mnist-mlp.onnx', args: [ortChild, join(root, 'models/mnist-mlp.onnx'), new URL('../node_modules/onnxruntime-web/dist/', import.meta.url).href] });
  const all = rows.map(() => ({}));
  const outs = rows.map(() => new Set());
  for (let r = 0; r < runs; r++) {
    rows.forEach((row, j) => {
      const p = spawnSync(process.execPath, ['--input-type=module', '-e', ...row.args], { encoding: 'utf8', cwd: root });
      if (p.status !== 0) throw new Error(`cold start child failed: ${p.stderr}`);
      const o = JSON.parse(p.stdout);
      outs[j].add(createHash('sha256').update(o.out).digest('hex').slice(0, 16));
      delete o.out;
      for (const [k, v] of Object.entries(o)) (all[j][k] ??= []).push(v);
    });
  }
  const med = (v) => [...v].sort((a, c) => a - c)[v.length >> 1];
  rows.forEach((row, j) => {
    const cells = Object.entries(all[j]).map(([k, v]) => `${k} ${med(v).toFixed(2)} (min ${Math.min(...v).toFixed(2)})`);
    console.log(`${row.label}: ${cells.join(', ')}; output ${[...outs[j]].join(' ')}`);
  });
  if (rows.length > dirs.length) {
    // paired per round: the last --dir's sample (the one taken right before the ORT sample)
    const last = dirs.length - 1;
    const ratio = (k) => med(all[last][k].map((v, i) => v / all[rows.length - 1][k][i]));
    console.log(`Alloy (${dirs[last]}) / onnxruntime-web, median of per-round ratios: init+load ${ratio('init+load').toFixed(3)}, import ${ratio('import').toFixed(3)}, first run ${ratio('firstRun').toFixed(3)}`);
  }
}
console.log(`node ${process.versions.node}, ${runs} fresh processes per row, median (min) ms; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

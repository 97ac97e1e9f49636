// Per-node time profile of Alloy on pose_landmark_* (FP32): after a time-based warm-up, runs the
// model `--runs` times with an onNode callback and prints the nodes by median time, plus totals per
// op. `node --import tsx scripts/pose-profile.ts [lite|full] [--runs 15] [--top 25]`
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../src/runtime/index.ts';
import { writeBundle } from '../src/tools/index.ts';
import { importTflite } from '../src/tools/import/tflite/index.ts';
import { poseModelPath } from '../bench/litert.ts';
import { loadPoseImage } from './pose-study.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (k: string, d: string) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d; };
const variant = (args.find((a) => a === 'lite' || a === 'full') ?? 'lite') as 'lite' | 'full';
const alloy = await init(readFileSync(path.join(root, 'build/alloy.wasm')));
const model = alloy.load(writeBundle(importTflite(new Uint8Array(readFileSync(poseModelPath(variant))))));
const input = loadPoseImage('astronaut');
const feeds = { [model.inputs[0].name]: { data: input, shape: [1, 256, 256, 3] } };
const t0 = performance.now();
while (performance.now() - t0 < 3000) model.run(feeds);
const runs = +flag('runs', '15');
const per = new Map<string, { op: string; shape: number[]; ms: number[] }>();
const totals: number[] = [];
for (let r = 0; r < runs; r++) {
  let last = performance.now();
  const start = last;
  model.run(feeds, {
    onNode(n) {
      const now = performance.now();
      const e = per.get(n.name) ?? { op: n.op, shape: n.shape, ms: [] };
      e.ms.push(now - last);
      per.set(n.name, e);
      last = performance.now();
    },
  });
  totals.push(performance.now() - start);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const rows = [...per].map(([name, e]) => ({ name, op: e.op, shape: e.shape, ms: med(e.ms) }));
const byOp = new Map<string, number>();
for (const r of rows) byOp.set(r.op, (byOp.get(r.op) ?? 0) + r.ms);
console.log(`pose_landmark_${variant}: run median ${med(totals).toFixed(2)} ms (sum of node medians ${rows.reduce((s, r) => s + r.ms, 0).toFixed(2)} ms)`);
for (const [op, ms] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`  ${op.padEnd(16)} ${ms.toFixed(2)} ms`);
const top = +flag('top', '25');
for (const r of rows.sort((a, b) => b.ms - a.ms).slice(0, top)) console.log(`${r.name.padEnd(14)} ${r.op.padEnd(14)} ${JSON.stringify(r.shape).padEnd(18)} ${r.ms.toFixed(3)} ms`);

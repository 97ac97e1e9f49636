// `alloy plan` end to end on a seeded small MLP (the built CLI), the image-folder loader, and
// `alloy pack` applying the planned map.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-ignore: no type declarations
import pngjs from 'pngjs';
// @ts-ignore: no type declarations
import jpeg from 'jpeg-js';
import { getAlloy } from '../util.ts';
import { readBundle, validatePrecisionMap } from '../../build/alloy.mjs';
import { writeBundle, packBundle } from '../../build/alloy-tools.mjs';
import { seededMLP, seededInputs } from '../../scripts/seeded-mlp.ts';
import { writeNpy } from '../../src/tools/io/npy.ts';
import { loadInputs, resizeBilinear } from '../../src/tools/plan/data.ts';

const root = new URL('../..', import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'build/alloy-cli.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ALLOY_PROGRESS: '1' } });
const dir = mkdtempSync(join(tmpdir(), 'alloy-plan-'));
const LAYERS = [64, 48, 32, 24, 10], N = 160;

test('alloy plan: map written and valid, tolerance met on the data given, self-contained report', async () => {
  const a = await getAlloy();
  const model = seededMLP(writeBundle as any, LAYERS, 7);
  const x = seededInputs(N, 64, 3);
  const ref = a.load(model);
  const p = ref.run({ x }).probs.data;
  ref.dispose();
  // labels: the FP32 model's class, every 7th one changed (so the baseline accuracy is below 1)
  const labels = new Float32Array(N).map((_, i) => { let b = 0; for (let j = 1; j < 10; j++) if (p[i * 10 + j] > p[i * 10 + b]) b = j; return i % 7 === 0 ? (b + 1) % 10 : b; });
  writeFileSync(join(dir, 'mlp.alloy'), model);
  writeFileSync(join(dir, 'x.npy'), writeNpy({ data: x, shape: [N, 64] }));
  writeFileSync(join(dir, 'y.json'), JSON.stringify(Array.from(labels)));
  const r = cli(['plan', join(dir, 'mlp.alloy'), '--calib', join(dir, 'x.npy'), '--labels', join(dir, 'y.json'), '--metric', 'top1', '--tolerance', '0.02', '--relative',
    '--formats', 'f16,i8,i4', '--search', 'greedy', '-o', join(dir, 'map.json'), '--report', join(dir, 'report.html'), '--samples', String(N), '--seed', '3',
    '--calib-method', 'kl', '--calib-out', join(dir, 'calib.json'), '--warmup-ms', '20', '--runs', '5', '--hutchinson', '4']);
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /ETA/);
  assert.match(r.stdout, /top1: baseline/);
  const map = JSON.parse(readFileSync(join(dir, 'map.json'), 'utf8'));
  validatePrecisionMap(map, ['fc1', 'fc2', 'fc3', 'fc4', 'softmax']);
  assert.ok(Object.keys(map.layers ?? {}).length > 0, 'some layer moved to a cheaper format');
  // apply it with `alloy pack` and measure top-1 on the same data
  const pk = cli(['pack', join(dir, 'mlp.alloy'), '--map', join(dir, 'map.json'), '-o', join(dir, 'packed.alloy')]);
  assert.is(pk.status, 0, pk.stderr);
  const packed = readFileSync(join(dir, 'packed.alloy'));
  assert.ok(packed.length < model.length);
  const top1 = (probs: Float32Array) => { let ok = 0; for (let i = 0; i < N; i++) { let b = 0; for (let j = 1; j < 10; j++) if (probs[i * 10 + j] > probs[i * 10 + b]) b = j; if (b === labels[i]) ok++; } return ok / N; };
  const m = a.load(new Uint8Array(packed));
  const acc = top1(m.run({ x }).probs.data);
  m.dispose();
  const base = top1(p);
  assert.ok(acc >= base * (1 - 0.02) - 1e-12, `top1 ${acc} vs baseline ${base}`);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.not.match(html, /https?:\/\//);
  assert.not.match(html, /<script|<link|src=/i);
  assert.ok((html.match(/<svg/g) ?? []).length >= 2, 'sensitivity and trade-off plots');
  assert.match(html, /Chosen precision map/);
  assert.match(html, /latency/);
  const calib = JSON.parse(readFileSync(join(dir, 'calib.json'), 'utf8'));
  assert.is(calib.method, 'kl');
  assert.equal(Object.keys(calib.layers), ['fc1', 'fc2', 'fc3', 'fc4', 'softmax']);
});

test('image folder: PNG and JPEG decoded, resized (bilinear, half-pixel), normalised, flat layout', () => {
  const img = join(dir, 'img');
  mkdirSync(img, { recursive: true });
  for (let k = 0; k < 3; k++) {
    const png = new pngjs.PNG({ width: 12, height: 10 });
    for (let i = 0; i < 12 * 10; i++) png.data.set([40 * k, 40 * k, 40 * k, 255], i * 4);
    writeFileSync(join(img, `a${k}.png`), pngjs.PNG.sync.write(png));
  }
  const raw = Buffer.alloc(16 * 16 * 4, 200);
  writeFileSync(join(img, 'b.jpg'), jpeg.encode({ data: raw, width: 16, height: 16 }, 95).data);
  writeFileSync(join(img, 'notes.txt'), 'ignored');
  const d = loadInputs(img, [-1, 64], { layout: 'flat', channels: 1, mean: [0.5], std: [0.5] });
  assert.equal(d.shape, [4, 64]);
  assert.equal(d.files, ['a0.png', 'a1.png', 'a2.png', 'b.jpg']);
  const at = (s: number) => d.x[s * 64 + 17];
  assert.ok(Math.abs(at(0) - (0 - 0.5) / 0.5) < 1e-6);
  assert.ok(Math.abs(at(2) - (80 / 255 - 0.5) / 0.5) < 1e-5);
  assert.ok(Math.abs(at(3) - (200 / 255 - 0.5) / 0.5) < 0.05, `jpeg ${at(3)}`);
  // bilinear half-pixel: a 2x1 ramp [0, 100] resized to 4x1 -> [0, 25, 75, 100]
  const r = resizeBilinear(Uint8Array.from([0, 0, 0, 0, 100, 100, 100, 100]), 2, 1, 4, 1);
  assert.equal([r[0], r[4], r[8], r[12]], [0, 25, 75, 100]);
  // the CLI plans from the folder too (Pareto search, no labels: FP32 output is the ground truth)
  const res = cli(['plan', join(dir, 'mlp.alloy'), '--calib', img, '--layout', 'flat', '--channels', '1', '--metric', 'cosine', '--tolerance', '0.001',
    '--formats', 'f16,i8,mxfp4_e2m1', '--search', 'pareto', '-o', join(dir, 'map2.json'), '--no-latency', '--hutchinson', '0']);
  assert.is(res.status, 0, res.stderr + res.stdout);
  assert.ok(existsSync(join(dir, 'map2.json')));
});

test('bad arguments give one clear error', () => {
  const r = cli(['plan', join(dir, 'mlp.alloy'), '--metric', 'top1']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /--calib DATA is required/);
  const r2 = cli(['plan', join(dir, 'mlp.alloy'), '--calib', join(dir, 'x.npy'), '--metric', 'nope']);
  assert.match(r2.stderr, /--metric nope/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('alloy inspect: the header\'s inputs, outputs and one row per node, text and --json', () => {
  const model = seededMLP(writeBundle as any, LAYERS, 7);
  writeFileSync(join(dir, 'inspect.alloy'), model);
  const j = cli(['inspect', join(dir, 'inspect.alloy'), '--json']);
  assert.is(j.status, 0, j.stderr);
  const o = JSON.parse(j.stdout);
  const h = readBundle(model).header;
  assert.equal(o.inputs, h.graph.inputs);
  assert.equal(o.outputs, h.graph.outputs);
  assert.is(o.nodes.length, h.graph.nodes.length);
  assert.is(o.bytes, model.length);
  const t = cli(['inspect', join(dir, 'inspect.alloy')]);
  assert.is(t.status, 0, t.stderr);
  assert.match(t.stdout, /^inputs {3}x \[-1,64\] f32$/m);
  const corrupt = model.slice(); corrupt[corrupt.length - 1] ^= 1;
  writeFileSync(join(dir, 'corrupt.alloy'), corrupt);
  const c = cli(['inspect', join(dir, 'corrupt.alloy')]);
  assert.not.equal(c.status, 0);
  assert.match(c.stderr + c.stdout, /BAD_CHECKSUM/);
});

test('alloy run: a JSON input must fill its shape (one reader for run and plan)', () => {
  writeFileSync(join(dir, 'run.alloy'), seededMLP(writeBundle as any, LAYERS, 7));
  writeFileSync(join(dir, 'short.json'), JSON.stringify({ data: [1, 2, 3], shape: [1, 64] }));
  const r = cli(['run', join(dir, 'run.alloy'), '--input', `x=${join(dir, 'short.json')}`]);
  assert.not.equal(r.status, 0);
  assert.match(r.stderr + r.stdout, /BAD_ARGUMENT.*3 values for shape \[1,64\]/);
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ data: Array.from({ length: 64 }, (_, i) => i / 64), shape: [1, 64] }));
  const ok = cli(['run', join(dir, 'run.alloy'), '--input', `x=${join(dir, 'ok.json')}`]);
  assert.is(ok.status, 0, ok.stderr);
});

test('alloy run / bench --decode-weights: f16 weights held as f32 give the same outputs; the flag may come before the bundle', () => {
  const f16 = writeBundle(packBundle(seededMLP(writeBundle as any, LAYERS, 7), { version: 1, default: { weights: 'f16' } }).input);
  writeFileSync(join(dir, 'f16.alloy'), f16);
  writeFileSync(join(dir, 'x.json'), JSON.stringify({ data: Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i)), shape: [2, 64] }));
  const input = ['--input', `x=${join(dir, 'x.json')}`];
  const held = cli(['run', join(dir, 'f16.alloy'), ...input]);
  const after = cli(['run', join(dir, 'f16.alloy'), ...input, '--decode-weights']);
  const before = cli(['run', '--decode-weights', join(dir, 'f16.alloy'), ...input]);
  for (const r of [held, after, before]) assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(held.stdout).probs.data.length, 20);
  assert.is(after.stdout, held.stdout);
  assert.is(before.stdout, held.stdout);
  // the flag reaches load(): bench names the format the weights are held in
  const bench = (...flags: string[]) => cli(['bench', ...flags, join(dir, 'f16.alloy'), '--warmup-ms', '0', '--runs', '3']);
  for (const [flags, held, kernel] of [[['--decode-weights'], 'f16 as f32', 'gemm_f32_f32_f32__simd128_5x8'], [['--decode-weights=true'], 'f16 as f32', 'gemm_f32_f32_f32__simd128_5x8'],
    [[], 'f16', 'gemm_fused_f32_f32__simd128_4x8'], [['--decode-weights=false'], 'f16', 'gemm_fused_f32_f32__simd128_4x8']] as const) {
    const b = bench(...flags);
    assert.is(b.status, 0, b.stderr);
    assert.match(b.stdout, new RegExp(`f16\\.alloy: batch 1, median .*; weights ${held}; kernels ${kernel}$`, 'm'), flags.join(' '));
  }
  const r = bench('--reference');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /; weights f16; kernels gemm_any_f32_f32__scalar$/m);
  const rr = cli(['run', join(dir, 'f16.alloy'), ...input, '--reference']);
  assert.is(rr.status, 0, rr.stderr);
  assert.is(rr.stdout, held.stdout);
  const nan = cli(['bench', join(dir, 'f16.alloy'), '--batch', 'abc']);
  assert.is(nan.status, 1);
  assert.match(nan.stderr, /--batch abc is not an integer >= 1/);
  const bad = bench('--decode-weights=yes');
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /BAD_ARGUMENT|--decode-weights takes no value/);
  // a switch never takes the next argument: -o after it is still the output file
  const o = cli(['run', join(dir, 'f16.alloy'), ...input, '--decode-weights', '-o', join(dir, 'y.json')]);
  assert.is(o.status, 0, o.stderr);
  assert.is(readFileSync(join(dir, 'y.json'), 'utf8'), held.stdout.trim());
  const s = cli(['run', join(dir, 'f16.alloy'), ...input, '--stats', '-o', join(dir, 'y2.json')]);
  assert.is(s.status, 0, s.stderr);
  assert.match(s.stderr, /no NaN or Inf in any node output/);
});

test.run();

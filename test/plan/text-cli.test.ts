// `alloy plan` on text models (integer ids + mask inputs) from token-id rows: a small mean-pooled
// encoder planned by cosine (its [B, S, H] MatMuls are Dense layers the map quantizes), and a
// small next-token model planned by perplexity and by next-token KL; every metric computed by
// the module. Exit status 0 and the tolerance met on the rows given.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAlloy, rng } from '../util.ts';
import { buildModel, importModel } from '../import/onnx-helpers.ts';
import { writeBundle } from '../../build/alloy-tools.mjs';

const root = new URL('../..', import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'build/alloy-cli.mjs'), ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'alloy-text-plan-'));
const rand = (n: number, seed: number, a = 1) => { const r = rng(seed); return new Float32Array(n).map(() => ((r() >>> 8) - 8388608) * 2 ** -23 * a); };
const V = 50, H = 32, F = 64;
const f32 = (name: string, shape: number[], seed: number, a: number) => ({ name, shape, data: rand(shape.reduce((x, y) => x * y, 1), seed, a) });
const i64 = (name: string, data: number[]) => ({ name, shape: [data.length], data, type: 'int64' as const });

function encoder(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'input_ids', shape: ['b', 's'], type: 'int64' }, { name: 'attention_mask', shape: ['b', 's'], type: 'int64' }], outputs: [{ name: 'emb' }],
    inits: [f32('E', [V, H], 1, 1), f32('W1', [H, F], 2, 0.4), f32('W2', [F, H], 3, 0.3), i64('ax1', [1]), i64('axl', [-1])],
    nodes: [
      { op: 'Gather', inputs: ['E', 'input_ids'], outputs: ['h'] },
      { op: 'MatMul', inputs: ['h', 'W1'], outputs: ['a'] }, { op: 'Relu', inputs: ['a'], outputs: ['r'] },
      { op: 'MatMul', inputs: ['r', 'W2'], outputs: ['b2'] }, { op: 'Add', inputs: ['h', 'b2'], outputs: ['h2'] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mf'], attrs: { to: 1 } }, { op: 'Unsqueeze', inputs: ['mf', 'axl'], outputs: ['mu'] },
      { op: 'Mul', inputs: ['h2', 'mu'], outputs: ['hm'] }, { op: 'ReduceSum', inputs: ['hm', 'ax1'], outputs: ['num'], attrs: { keepdims: 0 } },
      { op: 'ReduceSum', inputs: ['mu', 'ax1'], outputs: ['den'], attrs: { keepdims: 0 } }, { op: 'Div', inputs: ['num', 'den'], outputs: ['emb'] },
    ],
  });
}
function nextToken(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'ids', shape: ['b', 's'], type: 'int64' }], outputs: [{ name: 'logits' }],
    inits: [f32('E', [V, H], 4, 1), f32('W1', [H, F], 5, 0.4), f32('Wo', [F, V], 6, 0.5)],
    nodes: [{ op: 'Gather', inputs: ['E', 'ids'], outputs: ['h'] }, { op: 'MatMul', inputs: ['h', 'W1'], outputs: ['a'] }, { op: 'Relu', inputs: ['a'], outputs: ['r'] }, { op: 'MatMul', inputs: ['r', 'Wo'], outputs: ['logits'] }],
  });
}
const rows = (() => { const r = rng(9); return Array.from({ length: 24 }, (_, i) => Array.from({ length: 5 + (i % 7) }, () => r() % V)); })();
const write = async (name: string, onnx: Uint8Array) => { await getAlloy(); const p = join(dir, name); writeFileSync(p, writeBundle(await importModel(onnx))); return p; };
writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
const common = ['--calib', join(dir, 'rows.json'), '--formats', 'i8,i4:g32', '--search', 'greedy', '--hutchinson', '0', '--no-calibration', '--no-latency', '--batch', '8'];

test('encoder: cosine plan, both projections Dense at [b, s, H], mean and min cosine printed', async () => {
  const model = await write('enc.alloy', encoder());
  const r = cli(['plan', model, ...common, '--metric', 'cosine', '--tolerance', '0.002', '-o', join(dir, 'enc.map.json')]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  const map = JSON.parse(readFileSync(join(dir, 'enc.map.json'), 'utf8'));
  assert.equal(Object.keys(map.layers ?? {}).length, 2, r.stdout);
  const m = /cosine to fp32: mean ([\d.]+), min ([\d.]+)/.exec(r.stdout);
  assert.ok(m && Number(m[1]) >= 0.998 && Number(m[2]) <= Number(m[1]), r.stdout);
  const min = cli(['plan', model, ...common, '--metric', 'cosine_min', '--tolerance', '0.002']);
  assert.is(min.status, 0, min.stderr + min.stdout);
});

test('next-token model: perplexity (labels = next tokens) and next-token KL within tolerance', async () => {
  const model = await write('lm.alloy', nextToken());
  const p = cli(['plan', model, ...common, '--metric', 'perplexity', '--tolerance', '0.01', '--relative']);
  if (process.env.SHOW) console.log(p.stdout);
  assert.is(p.status, 0, p.stderr + p.stdout);
  const m = /perplexity: baseline ([\d.e+-]+), planned ([\d.e+-]+)/.exec(p.stdout);
  assert.ok(m && Number(m[1]) > 1 && Number(m[1]) < 10 * V && Math.abs(Number(m[2]) - Number(m[1])) <= 0.01 * Number(m[1]) + 1e-9, p.stdout);
  const k = cli(['plan', model, ...common, '--metric', 'kl', '--tolerance', '1e-3']);
  assert.is(k.status, 0, k.stderr + k.stdout);
  const bad = cli(['plan', model, '--calib', join(dir, 'rows.json'), '--labels', 'x.npy', '--metric', 'perplexity']);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /text data carries its labels/);
});

test.run();

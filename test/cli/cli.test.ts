// The `alloy` command's surface (build/alloy-cli.mjs): --help per command, --version, strict
// flags with suggestions, one-line errors for file system failures, and the per-phase progress ETA.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/tools/cli/commands.ts';
import { progress } from '../../src/tools/cli/progress.ts';
import { closest } from '../../src/tools/cli/flags.ts';
import { VERSION } from '../../src/runtime/index.ts';
import { buildModel, qdqMlpSpec } from '../import/onnx-build.ts';

const root = new URL('../..', import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'build/alloy-cli.mjs'), ...args], { encoding: 'utf8' });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'alloy-cli-'));
/** A failure: exit 1 and exactly one stderr line, no stack. */
const oneLine = (r: ReturnType<typeof cli>, re: RegExp) => {
  assert.is(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], re);
  assert.not.match(r.stderr, /^\s+at /m);
};

test('every <command> --help exits 0 with its usage, naming every flag it accepts', () => {
  for (const [name, c] of Object.entries(COMMANDS)) {
    const r = cli([name, '--help']);
    assert.is(r.status, 0, `${name}: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`alloy ${name}`), `${name} --help: ${r.stdout.slice(0, 80)}`);
    for (const f of Object.keys(c.flags)) assert.ok(r.stdout.includes(f.length === 1 ? `-${f}` : `--${f}`), `${name} --help does not mention --${f}`);
    assert.is(cli(['help', name]).stdout, r.stdout);
  }
  const top = cli(['--help']);
  assert.is(top.status, 0);
  for (const name of Object.keys(COMMANDS)) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
  assert.is(cli([]).status, 2);
});

test('--version is the package version', () => {
  assert.is(VERSION, pkg.version);
  const r = cli(['--version']);
  assert.is(r.status, 0);
  assert.is(r.stdout.trim(), `alloy-runtime ${pkg.version}`);
});

test('unknown flags and commands are BAD_ARGUMENT naming the closest known one', () => {
  oneLine(cli(['plan', 'x.alloy', '--sampels', '32']), /^alloy: BAD_ARGUMENT: alloy plan: unknown flag --sampels \(did you mean --samples\?\)/);
  oneLine(cli(['inspect', 'x.alloy', '--jsn']), /unknown flag --jsn \(did you mean --json\?\)/);
  oneLine(cli(['bench', 'x.alloy', '--zzzzzzzz']), /unknown flag --zzzzzzzz; alloy bench --help/);
  oneLine(cli(['imprt', 'x']), /^alloy: BAD_ARGUMENT: unknown command "imprt" \(did you mean import\?\)/);
  oneLine(cli(['run', 'x.alloy', '--stats=yaml']), /--stats yaml: one of json, table/);
  oneLine(cli(['pack', 'x.alloy', '--map']), /--map needs a value/);
  assert.is(closest('calib-metod', Object.keys(COMMANDS.plan.flags)), 'calib-method');
  assert.is(closest('xyz', ['json']), undefined);
});

test('file system errors are one `alloy: IO_ERROR: ...` line', () => {
  writeFileSync(join(dir, 'm.onnx'), buildModel(qdqMlpSpec()));
  oneLine(cli(['import', join(dir, 'm.onnx'), '-o', '/missing/dir/x.alloy']), /^alloy: IO_ERROR: cannot write \/missing\/dir\/x\.alloy: ENOENT: no such file or directory$/);
  oneLine(cli(['run', join(dir, 'nope.alloy')]), /^alloy: IO_ERROR: cannot read .*nope\.alloy: ENOENT/);
  oneLine(cli(['inspect', dir]), /^alloy: IO_ERROR: cannot read .*: EISDIR/);
  oneLine(cli(['import', join(dir, 'nope.onnx'), '-o', join(dir, 'x.alloy')]), /^alloy: IO_ERROR: cannot read/);
  const ok = cli(['import', join(dir, 'm.onnx'), '-o', join(dir, 'm.alloy')]);
  assert.is(ok.status, 0, ok.stderr);
  oneLine(cli(['pack', join(dir, 'm.alloy'), '--map', join(dir, 'm.alloy'), '-o', join(dir, 'p.alloy')]), /^alloy: BAD_PRECISION_MAP: .*m\.alloy: not valid JSON/);
});

test('pack refuses a map that load() would refuse, and writes nothing', () => {
  const w = new Float32Array(4 * 3 * 3 * 3).map((_, i) => ((i % 7) - 3) / 8);
  writeFileSync(join(dir, 'conv.onnx'), buildModel({ inputs: [{ name: 'x', shape: [1, 3, 8, 8] }], outputs: [{ name: 'y' }], inits: [{ name: 'w', shape: [4, 3, 3, 3], data: w }], nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1] } }] }));
  assert.is(cli(['import', join(dir, 'conv.onnx'), '-o', join(dir, 'conv.alloy')]).status, 0);
  writeFileSync(join(dir, 'w8a8.json'), JSON.stringify({ version: 1, default: { weights: 'i8', activations: 'i8' } }));
  oneLine(cli(['pack', join(dir, 'conv.alloy'), '--map', join(dir, 'w8a8.json'), '-o', join(dir, 'conv-w8a8.alloy')]), /^alloy: BAD_PRECISION_MAP: node \d+ "[^"]+" \(Conv\): /);
  assert.not.ok(existsSync(join(dir, 'conv-w8a8.alloy')), 'nothing written');
  writeFileSync(join(dir, 'w8.json'), JSON.stringify({ version: 1, default: { weights: 'i8' } }));
  assert.is(cli(['pack', join(dir, 'conv.alloy'), '--map', join(dir, 'w8.json'), '-o', join(dir, 'conv-w8.alloy')]).status, 0);
});

test('import --input-shape fixes symbolic dimensions (repeatable), and checks what it is given', () => {
  const spec = { inputs: [{ name: 'a', shape: ['n', 'k'] }, { name: 'b', shape: ['n', 'k'] }], outputs: [{ name: 'y', shape: ['n', 'k'] }], nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }] };
  writeFileSync(join(dir, 'sym.onnx'), buildModel(spec));
  const ok = cli(['import', join(dir, 'sym.onnx'), '-o', join(dir, 'sym.alloy'), '--input-shape', 'a=2,3', '--input-shape=b=2,3']);
  assert.is(ok.status, 0, ok.stderr);
  const info = cli(['inspect', join(dir, 'sym.alloy'), '--json']);
  assert.match(info.stdout, /"shape":\s*\[\s*2,\s*3\s*\]/);
  oneLine(cli(['import', join(dir, 'sym.onnx'), '-o', join(dir, 'x.alloy'), '--input-shape', 'a=2,x']), /^alloy: BAD_ARGUMENT: .*--input-shape "a=2,x": expected name=d0,d1/);
  oneLine(cli(['import', join(dir, 'sym.onnx'), '-o', join(dir, 'x.alloy'), '--input-shape', 'c=2,3']), /^alloy: BAD_OPTION: inputShapes names "c", which is no graph input/);
  assert.match(cli(['import', '--help']).stdout, /--input-shape name=d0,d1/);
});

test('progress: the ETA of each phase comes from its own rate; labels are not cut', () => {
  const writes: string[] = [];
  const write = process.stderr.write, now = Date.now, env = process.env.ALLOY_PROGRESS;
  let t = 1_000_000;
  process.env.ALLOY_PROGRESS = '1';
  (process.stderr as any).write = (s: string) => { writes.push(s); return true; };
  Date.now = () => t;
  try {
    const bar = progress('plan');
    bar.phase('calibrate');
    bar.tick(0, 10); t += 30_000; bar.tick(5, 10, 'slow phase'); // 6 s per step
    bar.phase('sensitivity');
    const label = 'layer model/encoder/block_11/attention/output/dense with a long name';
    bar.tick(0, 100, label); t += 100; bar.tick(50, 100, label); // 2 ms per step
    bar.end();
  } finally { process.stderr.write = write; Date.now = now; if (env === undefined) delete process.env.ALLOY_PROGRESS; else process.env.ALLOY_PROGRESS = env; }
  const text = writes.join('');
  assert.match(text, /plan calibrate \[.*\] 5\/10 30\.0s, ETA 30\.0s slow phase/);
  assert.match(text, /plan sensitivity \[.*\] 50\/100 0\.1s, ETA 0\.1s layer model\/encoder\/block_11\/attention\/output\/dense with a long name/);
  assert.match(text, /plan sensitivity \[.*\] 0\/100 0\.0s, ETA - /);
});

test.run();

// Build: asc (AssemblyScript -> wasm), binaryen wasm-opt, esbuild (host, CLI, demo, bench).
// Prints the sizes of alloy.wasm and the host, raw and gzipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const bin = (n) => join(root, 'node_modules', '.bin', n);
const quiet = process.argv.includes('--quiet');
mkdirSync(join(root, 'build'), { recursive: true });

// Features the module may use: the AssemblyScript defaults plus SIMD128, nothing else
// (test/wasm-features.test.ts checks the output against exactly this list).
export const FEATURES = ['--enable-simd', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--enable-bulk-memory'];

execFileSync(bin('asc'), ['assembly/index.ts', '--target', 'release', '-o', 'build/alloy.asc.wasm'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('wasm-opt'), ['build/alloy.asc.wasm', '--mvp-features', ...FEATURES, '-O3', '--converge', '-o', 'build/alloy.wasm'], { cwd: root, stdio: 'inherit' });
// The host's pure copy of the module's tables (src/runtime/tables.gen.ts), before the host is built.
execFileSync(process.execPath, ['scripts/gen-tables.mjs'], { cwd: root, stdio: 'inherit' });

const common = { bundle: true, format: 'esm', target: 'es2022', logLevel: 'warning', legalComments: 'none' };
// The runtime (alloy.mjs, what the edge ships), the tools (alloy-tools.mjs: bundle writer and
// pack), the internals for tests and benchmarks (alloy-internal.mjs) and the CLI (alloy-cli.mjs)
// are one split build: the code they share lives in chunks, so they see one module instance and
// one init(), and the package ships the runtime once. src/runtime imports nothing from src/tools
// (test/architecture.test.ts), so alloy.mjs and its chunks hold no tools code. The tools' npm
// packages stay imports (package.json dependencies).
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const f of readdirSync(join(root, 'build'))) if (/^alloy-chunk-.*\.mjs$/.test(f)) rmSync(join(root, 'build', f));
await esbuild.build({
  ...common, splitting: true, minify: true, platform: 'neutral', mainFields: ['module', 'main'],
  entryPoints: {
    alloy: join(root, 'src/runtime/index.ts'), 'alloy-tools': join(root, 'src/tools/index.ts'),
    'alloy-internal': join(root, 'src/runtime/internal.ts'), 'alloy-cli': join(root, 'src/tools/cli/main.ts'),
    // alloy-runtime/text: the tokenizer (src/text; string work, no wasm), its own entry so that the
    // runtime entry does not carry it
    'alloy-text': join(root, 'src/text/index.ts'),
  },
  outdir: join(root, 'build'), outExtension: { '.js': '.mjs' }, chunkNames: 'alloy-chunk-[hash]',
  external: ['node:*', ...Object.keys(pkg.dependencies).flatMap((d) => [d, `${d}/*`])],
});
// The CLI is a bin: its shebang (a banner would land in every entry of the split build).
const cliPath = join(root, 'build/alloy-cli.mjs');
writeFileSync(cliPath, `#!/usr/bin/env node\n${readFileSync(cliPath, 'utf8')}`);
// The demo and the benchmarks bundle their own host from src/ (not shipped) and read alloy.wasm
// next to themselves in build/.
for (const [src, out] of [['scripts/demo.ts', 'demo.mjs'], ['bench/main.ts', 'bench.mjs']]) {
  await esbuild.build({ ...common, entryPoints: [join(root, src)], outfile: join(root, 'build', out), platform: 'node', packages: 'external', external: ['./alloy*.mjs', '../build/alloy*.mjs'] });
}
// Workers may not compile wasm from bytes and have no file system: the `workerd` condition of the
// package's exports maps to this entry, which imports the module as a CompiledWasm module (what
// wrangler and workerd's `wasm =` modules give) and hands it to init() when none is passed.
writeFileSync(join(root, 'build/alloy-workerd.mjs'), `// alloy-runtime for Cloudflare Workers (the "workerd" export condition): alloy.wasm is a wasm module import.
import wasm from './alloy.wasm';
import { init as initWith } from './alloy.mjs';
export * from './alloy.mjs';
export const init = (source) => initWith(source ?? wasm);
`);
// Type declarations of the public entries, from the source (scripts/tsconfig.types.json).
rmSync(join(root, 'build/types'), { recursive: true, force: true });
// A type error does not stop the build (tsc still writes the declarations; nothing else in the
// repo type-checks the source): it is counted here, and test/package's strict consumer fails if
// the declarations it uses are wrong.
const tsc = spawnSync(process.execPath, [bin('tsc'), '-p', 'scripts/tsconfig.types.json', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
const typeErrors = (tsc.stdout.match(/error TS\d+/g) ?? []).length;
for (const f of ['build/types/runtime/index.d.ts', 'build/types/tools/index.d.ts', 'build/types/text/index.d.ts']) if (!existsSync(join(root, f))) { console.error(tsc.stdout + tsc.stderr); throw new Error(`build: tsc wrote no ${f}`); }
if (typeErrors && !quiet) console.warn(`types: ${typeErrors} TypeScript errors (declarations written anyway; node_modules/.bin/tsc -p scripts/tsconfig.types.json lists them)`);
// The wasm is read next to the host file: keep a copy under build/ for bundled entries.

function latestSource() {
  let t = 0;
  const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); const s = statSync(p); if (s.isDirectory()) walk(p); else t = Math.max(t, s.mtimeMs); } };
  for (const d of ['assembly', 'src', 'scripts', 'bench']) if (existsSync(join(root, d))) walk(join(root, d));
  return t;
}

const size = (f) => { const b = readFileSync(join(root, 'build', f)); return [b.length, gzipSync(b, { level: 9 }).length]; };
const [wr, wg] = size('alloy.wasm');
// The host is alloy.mjs and every chunk it imports, transitively (what a Worker deploys).
const hostFiles = (f, seen = new Set()) => { if (seen.has(f)) return seen; seen.add(f); for (const m of readFileSync(join(root, 'build', f), 'utf8').matchAll(/from"\.\/(alloy-chunk-[^"]+\.mjs)"|import\("\.\/(alloy-chunk-[^"]+\.mjs)"\)/g)) hostFiles(m[1] ?? m[2], seen); return seen; };
const hostList = [...hostFiles('alloy.mjs')];
const host = hostList.map(size);
// `host`: the files a deployment of the runtime needs besides alloy.wasm (scripts/build-examples.ts
// reports their size).
writeFileSync(join(root, 'build/.stamp.json'), JSON.stringify({ sources: latestSource(), built: Date.now(), host: hostList }));
const hr = host.reduce((a, s) => a + s[0], 0), hg = host.reduce((a, s) => a + s[1], 0);
if (!quiet) {
  console.log(`alloy.wasm  ${wr} bytes  (${wg} gzipped)`);
  console.log(`alloy.mjs   ${hr} bytes  (${hg} gzipped)`);
  console.log(`total       ${wr + hr} bytes  (${wg + hg} gzipped)`);
}

// The wall between what ships and the offline tools (docs/ARCHITECTURE.md): nothing under
// src/runtime imports from src/tools, from node: builtins, or from an npm package other than
// @assemblyscript/loader (loaded lazily, for Response sources). Read from the import graph.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const files = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []; });
const specifiers = (src: string) => [...src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*(?:\/\*[^*]*\*\/\s*)?'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);

test('src/runtime imports nothing from src/tools, Node or npm (but the lazy loader)', () => {
  const bad: string[] = [];
  const runtime = join(root, 'src/runtime');
  for (const f of files(runtime)) {
    for (const s of specifiers(readFileSync(f, 'utf8'))) {
      const where = relative(root, f);
      if (s.startsWith('.')) {
        const target = resolve(dirname(f), s);
        if (!target.startsWith(runtime + '/')) bad.push(`${where} -> ${s}`);
      } else if (s !== '@assemblyscript/loader') bad.push(`${where} -> ${s}`);
    }
  }
  assert.equal(bad, []);
});

test('the import scan sees imports (it would pass vacuously otherwise)', () => {
  const all = files(join(root, 'src/runtime')).flatMap((f) => specifiers(readFileSync(f, 'utf8')));
  assert.ok(all.includes('./wasm.js') && all.includes('@assemblyscript/loader'), 'scan found no imports');
  assert.ok(specifiers(readFileSync(join(root, 'src/tools/index.ts'), 'utf8')).some((s) => s.startsWith('../runtime/')));
});

test.run();

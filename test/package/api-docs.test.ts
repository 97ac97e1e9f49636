// docs/api (the API reference, scripts/api-docs.mjs) is what the doc comments give today, and
// every relative link in it, in docs/PACKAGE.md and in README.md leads to a file (and heading).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const API = join(ROOT, 'docs/api');

const walk = (d: string): string[] => readdirSync(d).flatMap((f) => { const p = join(d, f); return statSync(p).isDirectory() ? walk(p) : [p]; });
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const slug = (h: string) => h.trim().toLowerCase().replace(/[`*_\\<>]/g, '').replace(/[^\w\- ]/g, '').replace(/ /g, '-');
const anchors = (md: string) => new Set([...md.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

test('docs/api is fresh: regenerated from the doc comments it is the same', () => {
  const out = mkdtempSync(join(tmpdir(), 'alloy-api-'));
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/api-docs.mjs'), '--out', out], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const fresh = walk(out).map((f) => relative(out, f)).sort();
    const committed = walk(API).map((f) => relative(API, f)).sort();
    assert.equal(committed, fresh, 'docs/api files differ from a fresh build: run npm run docs');
    for (const f of fresh) assert.ok(readFileSync(join(out, f), 'utf8') === readFileSync(join(API, f), 'utf8'), `docs/api/${f} is stale: run npm run docs`);
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test('every relative link in docs/api, docs/PACKAGE.md and README.md resolves', () => {
  const files = [...walk(API), join(ROOT, 'docs/PACKAGE.md'), join(ROOT, 'README.md')];
  let links = 0;
  const broken: string[] = [];
  for (const f of files) {
    const md = readFileSync(f, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of md.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1];
      if (/^[a-z]+:/i.test(href)) continue; // external: not fetched (npm test needs no network)
      links++;
      const [path, hash] = href.split('#');
      const target = path ? join(dirname(f), decodeURIComponent(path)) : f;
      if (!existsSync(target)) { broken.push(`${relative(ROOT, f)}: ${href} (no ${relative(ROOT, target)})`); continue; }
      if (hash && statSync(target).isFile() && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(hash)) broken.push(`${relative(ROOT, f)}: ${href} (no heading #${hash})`);
    }
  }
  assert.ok(links > 100, `only ${links} links checked`);
  assert.equal(broken, []);
});

test.run();

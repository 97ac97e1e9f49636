// Build when build/ is missing or older than the sources (so `npm run demo` works on a fresh clone).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
const root = new URL('..', import.meta.url).pathname;
let newest = 0;
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); const s = statSync(p); if (s.isDirectory()) walk(p); else newest = Math.max(newest, s.mtimeMs); } };
for (const d of ['assembly', 'src', 'scripts', 'bench']) if (existsSync(join(root, d))) walk(join(root, d));
let stale = true;
try { stale = JSON.parse(readFileSync(join(root, 'build/.stamp.json'), 'utf8')).sources < newest || !existsSync(join(root, 'build/alloy.wasm')); } catch {}
if (stale) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

// The npm registry reachable here serves only the linux-x64 builds of deno and workerd, so
// `npm install` leaves their other-platform optional packages out of package-lock.json and
// `npm ci` then refuses the lock. This adds those entries (optional, with their os/cpu, so npm
// skips them on linux) back. Run after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const PLATFORM = {
  'darwin-x64': ['darwin', 'x64'], 'darwin-arm64': ['darwin', 'arm64'], 'darwin-64': ['darwin', 'x64'],
  'linux-x64-glibc': ['linux', 'x64'], 'linux-arm64-glibc': ['linux', 'arm64'], 'linux-64': ['linux', 'x64'], 'linux-arm64': ['linux', 'arm64'],
  'win32-x64': ['win32', 'x64'], 'win32-arm64': ['win32', 'arm64'], 'windows-64': ['win32', 'x64'],
};
let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (lock.packages[at]) continue;
    const suffix = Object.keys(PLATFORM).find((s) => dep.endsWith(s));
    if (!suffix) { console.error(`fix-lock: no platform known for ${dep} (from ${key})`); process.exitCode = 1; continue; }
    const [os, cpu] = PLATFORM[suffix];
    lock.packages[at] = { version, dev: true, optional: true, os: [os], cpu: [cpu] };
    added++;
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`fix-lock: added ${added} platform entries`);

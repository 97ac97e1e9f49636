// `npm run fuzz [-- --count N --seed S --targets bundle,precision,onnx]`: the fuzz runner
// (test/fuzz/run.ts) through tsx, against the built host (build/alloy.mjs).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/fuzz/run.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);

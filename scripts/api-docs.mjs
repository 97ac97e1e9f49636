// The API reference (docs/api/, Markdown) from the doc comments of the package's public entries,
// with typedoc + typedoc-plugin-markdown. `npm run docs` rewrites docs/api; `--out DIR` writes
// elsewhere (test/package/api-docs.test.ts compares a fresh copy with the committed one).
import { Application } from 'typedoc';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const at = process.argv.indexOf('--out');
const out = at > 0 ? process.argv[at + 1] : join(root, 'docs/api');
rmSync(out, { recursive: true, force: true });
const app = await Application.bootstrapWithPlugins({
  entryPoints: [join(root, 'src/runtime/index.ts'), join(root, 'src/tools/index.ts')],
  tsconfig: join(root, 'scripts/tsconfig.types.json'),
  plugin: ['typedoc-plugin-markdown'],
  out,
  name: 'alloy-runtime',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  disableSources: true,
  githubPages: false,
  hidePageHeader: true,
  hideBreadcrumbs: true,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  // the build reports type errors (scripts/build.mjs); the reference is written regardless
  skipErrorChecking: true,
  logLevel: 'Warn',
});
const project = await app.convert();
if (!project) { console.error('api-docs: typedoc could not convert the project'); process.exit(1); }
await app.generateOutputs(project);
if (app.logger.hasErrors()) process.exit(1);
console.log(`api-docs: wrote ${out}`);

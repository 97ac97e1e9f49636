// The plan report renders in headless Chromium: both plots laid out, no network requests;
// a screenshot goes to test/artifacts/plan-report.png (gitignored).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getAlloy } from '../util.ts';
import { readBundle, validatePrecisionMap } from '../../build/alloy.mjs';
import { writeBundle, packBundle, tensorValues, planHost } from '../../build/alloy-tools.mjs';
import { plan } from '../../src/tools/plan/planner.ts';
import { htmlReport } from '../../src/tools/plan/report.ts';
import type { Host } from '../../src/tools/plan/host.ts';
import { seededMLP, seededInputs } from '../../scripts/seeded-mlp.ts';
import { init as initSrc } from '../../src/runtime/wasm.ts';

// the planner's cosine / KL run in the tools' instance of the module (src/tools/plan/modmetrics.ts)
await initSrc(new URL('../../build/alloy.wasm', import.meta.url));

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('../..', import.meta.url).pathname;

test('report.html renders in headless Chromium with both plots and no requests', async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') assert.unreachable(`${CHROMIUM} is missing (CI=true)`);
    console.log(`skip: ${CHROMIUM} not installed`);
    return;
  }
  const h = planHost(await getAlloy()) as unknown as Host;
  const r = plan(h, seededMLP(writeBundle as any, [48, 32, 24, 16, 10], 3), { x: seededInputs(64, 48, 4), shape: [64, 48] }, {
    metric: 'kl', tolerance: { value: 1e-4, relative: false }, formats: ['f16', 'i8', 'i4', 'mxfp4_e2m1'], search: 'pareto',
    hutchinson: { samples: 4 }, latency: { warmupMs: 10, runs: 5 }, calibration: { method: 'percentile' },
  });
  const html = htmlReport(r, { model: 'seeded MLP', calib: 'seeded inputs' });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const requests: string[] = [];
    page.on('request', (q) => { if (!q.url().startsWith('data:') && q.url() !== 'about:blank') requests.push(q.url()); });
    await page.setContent(html, { waitUntil: 'load' });
    const boxes = await page.$$eval('svg', (els) => els.map((e) => { const b = e.getBoundingClientRect(); return [b.width, b.height, e.querySelectorAll('circle').length]; }));
    assert.is(boxes.length, 2);
    for (const [w, hgt, dots] of boxes) assert.ok(w > 300 && hgt > 200 && dots > 0, JSON.stringify(boxes));
    assert.equal(requests, []);
    const title = await page.title();
    assert.match(title, /precision plan/);
    mkdirSync(join(root, 'test/artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test/artifacts/plan-report.png'), fullPage: true });
  } finally { await browser.close(); }
});

test.run();

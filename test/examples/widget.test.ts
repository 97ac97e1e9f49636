// examples/widget in headless Chromium (playwright-core, /usr/bin/chromium) from a plain static
// server on 127.0.0.1: draw digits with mouse events, check the top-1 of both bundles, and that the
// hashes the page shows equal Node's for the 784 values the page fed (read back from the element).
// Screenshot: test/artifacts/widget.png (gitignored).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_LAUNCH, staticServer } from './static-server.ts';
import { getAlloy } from '../util.ts';
import { buildExamples, OUT, ROOT } from '../../scripts/build-examples.ts';

const WIDGET = join(OUT, 'widget');

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p.finally(() => clearTimeout(t)), new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms); })]);
}

const models = new Map<string, any>();
async function nodeHash(precision: string, input: Float32Array): Promise<{ hash: string; probs: Float32Array }> {
  const alloy = await getAlloy();
  if (!models.has(precision)) models.set(precision, alloy.load(readFileSync(join(WIDGET, `mnist-${precision}-probs.alloy`))));
  const probs = models.get(precision).run({ input: { data: input, shape: [1, 784] } }).probs.data as Float32Array;
  return { hash: createHash('sha256').update(new Uint8Array(probs.buffer, probs.byteOffset, probs.byteLength)).digest('hex'), probs };
}

test('<alloy-digit> in headless Chromium: draw, predict, hashes equal Node', async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') assert.unreachable(`${CHROMIUM} is missing (CI=true)`);
    console.log(`skip: ${CHROMIUM} not installed (examples/widget test)`);
    return;
  }
  await buildExamples();
  const { chromium } = await import('playwright-core');
  const { server, port } = await staticServer(WIDGET);
  let browser: any;
  try {
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    await withTimeout((async () => {
      const page = await browser.newPage({ viewport: { width: 960, height: 560 } });
      const logs: string[] = [];
      const foreign: string[] = [];
      page.on('console', (m: any) => { if (m.type() === 'error') logs.push(m.text()); });
      page.on('pageerror', (e: any) => logs.push(`pageerror: ${e.message}`));
      await page.route((u: URL) => u.hostname !== '127.0.0.1', (r: any) => { foreign.push(r.request().url()); r.abort(); });
      await page.goto(`http://127.0.0.1:${port}/`, { timeout: 10_000 });
      await page.waitForSelector('alloy-digit[data-state="ready"]', { timeout: 10_000 }).catch((e: Error) => { throw new Error(`${e.message}; page errors: ${logs.join(' | ')}`); });

      // chips from the bundle headers: f32 everywhere vs i8 w8a8 with an f16 last layer
      const chips = await page.evaluate(() => {
        const root = document.querySelector('alloy-digit')!.shadowRoot!;
        return ['f32', 'mixed'].map((k) => [...root.querySelectorAll(`[data-side="${k}"] .chip`)].map((c) => c.textContent));
      });
      assert.equal(chips[0], ['gemm0 w:f32 a:f32 acc:f32', 'gemm2 w:f32 a:f32 acc:f32', 'gemm4 w:f32 a:f32 acc:f32', 'gemm6 w:f32 a:f32 acc:f32', 'gemm8 w:f32 a:f32 acc:f32', 'softmax Softmax a:f32']);
      assert.equal(chips[1], ['gemm0 w:i8 a:i8 acc:i32', 'gemm2 w:i8 a:i8 acc:i32', 'gemm4 w:i8 a:i8 acc:i32', 'gemm6 w:i8 a:i8 acc:i32', 'gemm8 w:f16 a:f32 acc:f32', 'softmax Softmax a:f32']);

      const box = await page.locator('alloy-digit').evaluate((el: any) => { const r = el.shadowRoot.querySelector('canvas.draw').getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
      const at = (fx: number, fy: number) => [box.x + fx * box.w, box.y + fy * box.h] as const;
      const strokeThrough = async (pts: (readonly [number, number])[]) => {
        await page.mouse.move(...at(...pts[0]));
        await page.mouse.down();
        for (const p of pts.slice(1)) await page.mouse.move(...at(...p), { steps: 6 });
        await page.mouse.up();
      };
      const result = async () => {
        await page.waitForFunction(() => document.querySelector('alloy-digit')!.hasAttribute('data-hash-mixed'), undefined, { timeout: 5_000 });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))); // the last scheduled inference
        return page.evaluate(() => {
          const el = document.querySelector('alloy-digit') as any;
          const root = el.shadowRoot;
          return {
            input: Array.from(el.input as Float32Array),
            attrs: { f32: el.getAttribute('data-hash-f32'), mixed: el.getAttribute('data-hash-mixed'), top1f32: el.getAttribute('data-top1-f32'), top1mixed: el.getAttribute('data-top1-mixed') },
            shown: ['f32', 'mixed'].map((k) => root.querySelector(`[data-side="${k}"] .sha`).textContent),
            top3: ['f32', 'mixed'].map((k) => [...root.querySelectorAll(`[data-side="${k}"] .bar .digit`)].map((d: any) => Number(d.textContent))),
            probs: { f32: el.result.f32.probs, mixed: el.result.mixed.probs },
          };
        });
      };
      const check = async (what: string, expected: number) => {
        const r = await result();
        assert.is(r.input.length, 784);
        const input = Float32Array.from(r.input); // exact: the values are f32
        assert.ok(input.some((v) => v > 0.5) && input.every((v) => v >= 0 && v <= 1), `${what}: a [0, 1] image with ink`);
        for (const [i, k] of (['f32', 'mixed'] as const).entries()) {
          const node = await nodeHash(k, input);
          assert.is(r.attrs[k], node.hash, `${what}, ${k}: hash on the page equals Node's`);
          assert.is(r.shown[i], node.hash, `${what}, ${k}: hash shown`);
          assert.equal(r.probs[k], Array.from(node.probs), `${what}, ${k}: probabilities`);
          assert.is(r.top3[i].length, 3);
          assert.is(r.top3[i][0], expected, `${what}, ${k}: top-3 ${r.top3[i]} (probs ${r.probs[k].map((p: number) => p.toFixed(3))})`);
        }
        assert.is(r.attrs.top1f32, String(expected));
        assert.is(r.attrs.top1mixed, String(expected));
      };

      // a '1': one vertical stroke
      await strokeThrough([[0.5, 0.15], [0.5, 0.85]]);
      await check('vertical stroke', 1);
      mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test/artifacts/widget.png') });

      // Clear, then a '7': a top bar and a diagonal down to the left
      await page.evaluate(() => (document.querySelector('alloy-digit')!.shadowRoot!.querySelector('button.clear') as HTMLButtonElement).click());
      assert.is(await page.evaluate(() => document.querySelector('alloy-digit')!.hasAttribute('data-hash-mixed')), false, 'Clear resets the result');
      await strokeThrough([[0.25, 0.2], [0.75, 0.2], [0.42, 0.85]]);
      await check('a seven', 7);

      assert.equal(logs, [], 'no page errors');
      assert.equal(foreign, [], 'nothing fetched outside 127.0.0.1');
    })(), 20_000, 'widget test');
  } finally {
    try { await withTimeout(browser?.close() ?? Promise.resolve(), 5_000, 'browser.close'); } catch { const p = browser?._process; if (p?.pid) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test.run();

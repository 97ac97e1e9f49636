// examples/widget/search.html (<alloy-search>) in headless Chromium (playwright-core,
// /usr/bin/chromium) from a plain static server on 127.0.0.1: type a verse as the query, it ranks
// first; the query's ids, the hash of its embedding and the hash of the 321 scores on the page
// equal what Node computes with the same tokenizer.json and bundles. Screenshot:
// test/artifacts/search.png (gitignored).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_LAUNCH, staticServer } from './static-server.ts';
import { getAlloy } from '../util.ts';
import { loadTokenizer } from '../../build/alloy-text.mjs';
import { buildExamples, OUT, ROOT } from '../../scripts/build-examples.ts';
import { MAX_TOKENS, readVerses } from '../../scripts/build-examples-text.ts';

const WIDGET = join(OUT, 'widget');
const hex = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

/** Node: the query's ids, embedding hash, and the scores' hash, with the page's files. */
async function nodeSearch(query: string) {
  const alloy = await getAlloy();
  const tok = loadTokenizer(readFileSync(join(WIDGET, 'tokenizer.json'), 'utf8'), { maxLength: MAX_TOKENS });
  const enc = alloy.load(readFileSync(join(WIDGET, 'text-f32.alloy')));
  const sc = alloy.load(readFileSync(join(WIDGET, 'verses-scores.alloy')));
  const b = tok.encodeBatch([query], { truncation: true });
  const e = enc.run(b.feeds(enc.inputs.map((i: any) => i.name))).embedding;
  const scores = sc.run({ query: { data: e.data as Float32Array, shape: e.shape } }).scores.data as Float32Array;
  return { ids: Array.from(b.input_ids.data, Number), hash: hex(e.data as Float32Array), scoresHash: hex(scores), scores };
}

test('<alloy-search> in headless Chromium: a verse finds itself; ids and hashes equal Node', async () => {
  await buildExamples();
  if (!existsSync(join(WIDGET, 'search.html'))) {
    console.log('skip: no models/text/encoder.onnx, so no search page in the widget');
    return;
  }
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') assert.unreachable(`${CHROMIUM} is missing (CI=true)`);
    console.log(`skip: ${CHROMIUM} not installed (examples/widget search test)`);
    return;
  }
  const verses = readVerses(ROOT);
  const { chromium } = await import('playwright-core');
  const { server, port } = await staticServer(WIDGET);
  let browser: any;
  try {
    browser = await chromium.launch(CHROMIUM_LAUNCH);
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const logs: string[] = [], foreign: string[] = [];
    page.on('console', (m: any) => { if (m.type() === 'error') logs.push(m.text()); });
    page.on('pageerror', (e: any) => logs.push(`pageerror: ${e.message}`));
    await page.route((u: URL) => u.hostname !== '127.0.0.1', (r: any) => { foreign.push(r.request().url()); r.abort(); });
    await page.goto(`http://127.0.0.1:${port}/search.html`, { timeout: 10_000 });
    await page.waitForSelector('alloy-search[data-state="ready"]', { timeout: 20_000 }).catch((e: Error) => { throw new Error(`${e.message}; page errors: ${logs.join(' | ')}`); });
    for (const ref of ['Psa23:1', 'John3:16', 'Ge1:3']) {
      const verse = verses.find((v) => v.ref === ref)!;
      assert.ok(verse, ref);
      const input = page.locator('alloy-search input');
      await input.fill(verse.text);
      await input.press('Enter');
      await page.waitForFunction((r: string) => document.querySelector('alloy-search')!.getAttribute('data-top1') === r, ref, { timeout: 10_000 })
        .catch(async () => { throw new Error(`${ref}: top-1 ${await page.evaluate(() => JSON.stringify((document.querySelector('alloy-search') as any).result?.top))}; ${logs.join(' | ')}`); });
      const r = await page.evaluate(() => {
        const el = document.querySelector('alloy-search') as any;
        return { ...el.result, attrs: { hash: el.getAttribute('data-hash'), scores: el.getAttribute('data-scores-hash') }, shown: [...el.shadowRoot.querySelectorAll('li .ref')].map((x: any) => x.textContent), sha: el.shadowRoot.querySelector('.sha').textContent };
      });
      const node = await nodeSearch(verse.text);
      assert.is(r.query, verse.text);
      assert.equal(r.ids, node.ids, `${ref}: the page's token ids`);
      assert.is(r.sha256, node.hash, `${ref}: embedding hash equals Node's`);
      assert.is(r.attrs.hash, node.hash);
      assert.is(r.sha, node.hash, `${ref}: hash shown`);
      assert.is(r.scoresSha256, node.scoresHash, `${ref}: scores hash equals Node's`);
      assert.is(r.attrs.scores, node.scoresHash);
      assert.is(r.top.length, 5);
      assert.is(r.top[0].ref, ref);
      assert.equal(r.shown, r.top.map((t: any) => t.ref));
      assert.equal(r.top.map((t: any) => t.score), r.top.map((t: any) => node.scores[t.index]), `${ref}: scores equal Node's`);
      assert.ok(r.top[0].score > 0.999 && r.top[0].score < 1.001, `${ref}: cosine with itself ${r.top[0].score}`);
      for (let i = 1; i < 5; i++) assert.ok(r.top[i].score <= r.top[i - 1].score, 'sorted');
    }
    mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test/artifacts/search.png'), fullPage: true });
    assert.equal(logs, [], 'no page errors');
    assert.equal(foreign, [], 'nothing fetched outside 127.0.0.1');
  } finally {
    await browser?.close().catch(() => {});
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test.run();

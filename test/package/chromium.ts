// One static page in headless Chromium (playwright-core, /usr/bin/chromium) from a plain server on
// 127.0.0.1: wait until the page's title passes `done`, return it. Without Chromium: a `skip:` line
// and null, except under CI=true, where it is required.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };

export async function staticPage(dir: string, page: string, done: (title: string) => boolean, timeoutMs = 20_000): Promise<string | null> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (CI=true)`);
    console.log(`skip: ${CHROMIUM} not installed (package test, browser bundle)`);
    return null;
  }
  const server = createServer((req, res) => {
    const file = resolve(dir, '.' + decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const type = MIME[file.slice(file.lastIndexOf('.'))];
    if (!file.startsWith(dir + sep) || !type || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', () => res()); });
  const { chromium } = await import('playwright-core');
  let browser: any;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 15_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e: Error) => errors.push(e.message));
    await p.route((u: URL) => u.hostname !== '127.0.0.1', (r: any) => r.abort());
    await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${page}`, { timeout: 10_000 });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const t: string = await p.title();
      if (done(t)) return t;
      if (Date.now() > deadline) throw new Error(`page title still ${JSON.stringify(t)} after ${timeoutMs} ms; page errors: ${errors.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await browser?.close().catch(() => {});
    server.close();
  }
}

// What the widget pages' Chromium tests share: a plain static file server for one folder on
// 127.0.0.1 (what "works from any static server" means) and the headless Chromium settings.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_LAUNCH = {
  executablePath: CHROMIUM, headless: true, timeout: 15_000,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.alloy': 'application/octet-stream', '.json': 'application/json' };

/** Serves dir's files (a path ending in / gets its index.html); anything else is 404. */
export async function staticServer(dir: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(dir, '.' + (path.endsWith('/') ? path + 'index.html' : path));
    const ext = file.slice(file.lastIndexOf('.'));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile() || !MIME[ext]) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': MIME[ext], 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(0, '127.0.0.1', () => res()); });
  return { server, port: (server.address() as AddressInfo).port };
}

// Runs cases in worker processes (test/conformance/worker.ts), a time limit per case: a case that
// hangs is killed with its worker (a new one takes over), a worker that dies fails its case.
import { fork, type ChildProcess } from 'node:child_process';
import type { Result } from './case.ts';

export interface PoolOptions {
  jobs?: number; timeoutMs?: number; onResult?: (dir: string, r: Result, ms: number) => void;
  /** a probe: raise opsets below this (see CaseOptions) */
  minOpset?: number;
  /** tests: the worker spins forever on these cases */
  hang?: (dir: string) => boolean;
}

export function runPool(dirs: string[], opts: PoolOptions = {}): Promise<Map<string, Result & { ms: number }>> {
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, dirs.length));
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const results = new Map<string, Result & { ms: number }>();
  const worker = new URL('./worker.ts', import.meta.url).pathname;
  let next = 0, live = 0, deadStarts = 0;
  return new Promise((resolve) => {
    const done = (dir: string, r: Result, t0: number) => {
      const ms = Math.round(performance.now() - t0);
      results.set(dir, { ...r, ms });
      opts.onResult?.(dir, r, ms);
    };
    const start = () => {
      live++;
      const child: ChildProcess = fork(worker, [], { execArgv: ['--import', 'tsx', '--max-old-space-size=2048'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
      let stderr = '';
      child.stderr!.on('data', (b) => { stderr = (stderr + b).slice(-2000); });
      let current: { id: number; dir: string; t0: number; timer: NodeJS.Timeout } | null = null;
      let finished = false, started = false;
      const retire = (replace: boolean) => {
        if (finished) return;
        finished = true;
        live--;
        if (replace && next < dirs.length) start();
        else if (live === 0) resolve(results);
      };
      const feed = () => {
        if (next >= dirs.length) { child.kill(); return; }
        const id = next++, dir = dirs[id];
        const timer = setTimeout(() => {
          done(dir, { status: 'fail', cls: 'timeout', reason: `no result after ${timeoutMs / 1000} s` }, current!.t0);
          current = null;
          child.kill('SIGKILL');
        }, timeoutMs);
        current = { id, dir, t0: performance.now(), timer };
        child.send({ id, dir, minOpset: opts.minOpset, ...(opts.hang?.(dir) ? { hang: true } : {}) });
      };
      child.on('message', (m: { ready?: boolean; id?: number; result?: Result }) => {
        if (m.ready) { started = true; return feed(); }
        if (!current || m.id !== current.id) return;
        clearTimeout(current.timer);
        done(current.dir, m.result!, current.t0);
        current = null;
        feed();
      });
      child.on('exit', (code, signal) => {
        if (current) {
          clearTimeout(current.timer);
          const tail = stderr.trim().split('\n').slice(-3).join(' | ');
          done(current.dir, { status: 'fail', cls: 'crash', reason: `worker died (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}` }, current.t0);
          current = null;
        }
        if (!started && ++deadStarts >= 3) {
          // the worker cannot start at all (a missing build?): fail what is left, once
          const why = `worker cannot start (${signal ?? `exit code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
          while (next < dirs.length) done(dirs[next++], { status: 'fail', cls: 'crash', reason: why }, performance.now());
        }
        retire(next < dirs.length);
      });
    };
    if (!dirs.length) resolve(results);
    for (let i = 0; i < jobs; i++) start();
  });
}

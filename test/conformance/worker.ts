// A conformance worker process: runs the cases its parent sends (IPC), one at a time.
import { ready, runCase } from './case.ts';

process.on('message', async (m: { id: number; dir: string; hang?: boolean; minOpset?: number }) => {
  if (m.hang) for (;;); // tests: a case that never returns
  const result = await runCase(m.dir, { minOpset: m.minOpset }).catch((e) => ({ status: 'fail', cls: 'crash', reason: `runner: ${(e as Error)?.stack ?? e}` }));
  process.send!({ id: m.id, result });
});
await ready();
process.send!({ ready: true });

// Child processes and ports for the scripts and tests that start servers on 127.0.0.1 (workerd,
// Deno, the browser harness): a free port, killing a whole process group, and a workerd config.
import { createServer, type AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';

/** A port the OS just handed out on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as AddressInfo; s.close(() => res(port)); });
  });
}

/** SIGKILL a child spawned with `detached: true` and everything in its process group. */
export function killGroup(c: ChildProcess): void {
  if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
  try { process.kill(-c.pid, 'SIGKILL'); } catch { try { c.kill('SIGKILL'); } catch { /* gone */ } }
}

export interface WorkerdModule { name: string; kind: 'esModule' | 'wasm' | 'data'; file: string }

/** A workerd config: one module worker serving on 127.0.0.1:port. */
export function workerdConfig(worker: string, modules: WorkerdModule[], port: number, comment = ''): string {
  return `${comment}using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .${worker}) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const ${worker} :Workerd.Worker = (
  modules = [
${modules.map((m) => `    (name = "${m.name}", ${m.kind} = embed "${m.file}"),`).join('\n')}
  ],
  compatibilityDate = "2025-09-01",
);
`;
}

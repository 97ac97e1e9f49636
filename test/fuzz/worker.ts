// One fuzz target in a worker thread. The main thread (run.ts) watches `progress[0]` (the index
// being run) and terminates the worker when one input takes too long (a hang the in-process
// timer cannot see, since it only checks between inputs).
import { parentPort, workerData } from 'node:worker_threads';
import { getAlloy } from '../util.ts';
import { targets, fuzz } from './targets.ts';

const { target, seed, start, count, shared } = workerData as { target: string; seed: number; start: number; count: number; shared: SharedArrayBuffer };
const progress = new Int32Array(shared);
const alloy = await getAlloy();
const t = targets(alloy)[target];
const stats = fuzz(alloy, t, seed, start, count, {
  progress: (i) => { Atomics.store(progress, 0, i); Atomics.add(progress, 1, 1); },
  onFailure: (f) => parentPort!.postMessage({ type: 'failure', index: f.index, kind: f.kind, message: f.message }),
});
parentPort!.postMessage({ type: 'done', stats });

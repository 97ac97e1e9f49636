// A few seconds of the soak (test/reliability/soak.ts): inferences with changing batch sizes and
// load/run/dispose cycles, including failing loads, leave wasm memory exactly where it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { soak } from './soak.ts';

test('mini soak: 5,000 inferences and 100 cycles, wasm memory flat', async () => {
  const r = await soak({ inferences: 5000, cycles: 100, sampleEvery: 1000 });
  assert.is(r.wasmAfter, r.wasmBefore, `wasm memory ${r.wasmBefore} -> ${r.wasmAfter}`);
  assert.ok(r.failedLoads === 100, `${r.failedLoads} failing loads`);
  assert.type((globalThis as any).gc, 'function', 'run with --expose-gc (npm test does)');
  assert.ok(r.heapAfter - r.heapBefore < 4 * 2 ** 20, `heap ${r.heapBefore} -> ${r.heapAfter}`);
});

test.run();

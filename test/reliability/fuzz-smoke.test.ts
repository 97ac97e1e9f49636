// A short run of the fuzz targets inside `npm test` (the long one is `npm run fuzz`): up to
// 15,000 inputs or 12 s per target (the importer targets: onnx 4 s, tflite 3 s), each input
// ending in an AlloyError or a valid run, none over 1 s, wasm memory under the cap. Failing inputs are printed with their index: rebuild one with
// `node --import tsx test/fuzz/run.ts --targets T --start I --count 1` (it saves it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { targets, fuzz, MEMORY_CAP } from '../fuzz/targets.ts';

const SEED = 20240611;
const BUDGET_MS: Record<string, number> = { bundle: 12_000, precision: 12_000, onnx: 4_000, tflite: 3_000 };
for (const name of ['bundle', 'precision', 'onnx', 'tflite']) {
  test(`fuzz smoke: ${name}`, async () => {
    const alloy = await getAlloy();
    const st = fuzz(alloy, targets(alloy)[name], SEED, 0, 15_000, { budgetMs: BUDGET_MS[name] });
    const msg = st.failures.map((f) => `#${f.index} ${f.message}`).join('\n');
    assert.is(st.failures.length, 0, `${name}: ${st.failures.length} failures\n${msg}`);
    assert.ok(st.inputs >= (BUDGET_MS[name] < 10_000 ? 100 : 500), `only ${st.inputs} inputs in the time budget`);
    assert.ok(st.ok > 0, 'no input made a valid model: the mutator is too aggressive');
    assert.ok(alloy.memoryBytes() < MEMORY_CAP);
  });
}

test.run();

// Inputs the fuzzers once crashed on (test/fuzz/regressions/*.bin, each with a .json naming the
// target, the load options and the original failure): each must now end in an AlloyError with a
// code (the one in `expect` where the file names one), or in a valid run (the same bits with
// decodeWeights and with the reference kernels). Inputs of the onnx / tflite targets are model files: importOnnx /
// importTflite + writeBundle + load + run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { getAlloy } from '../util.ts';
import { AlloyError, validatePrecisionMap } from '../../build/alloy.mjs';
import { executeVariants, runOnnx, runTflite, CODES } from '../fuzz/targets.ts';
import { parse } from '../fuzz/mutate.ts';

const dir = new URL('../fuzz/regressions/', import.meta.url);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')).sort() : [];

test('there are regression inputs to replay', () => { assert.ok(files.length >= 5, `${files.length} files`); });

for (const f of files) {
  const meta = JSON.parse(readFileSync(new URL(f.replace(/\.bin$/, '.json'), dir), 'utf8'));
  test(`${f} (was: ${meta.message})`, async () => {
    const alloy = await getAlloy();
    const bytes = new Uint8Array(readFileSync(new URL(f, dir)));
    if (meta.target === 'onnx' || meta.target === 'tflite') {
      const o = meta.target === 'onnx' ? runOnnx(alloy, { bytes, importOptions: meta.importOptions }, meta.index ?? 0) : runTflite(alloy, { bytes }, meta.index ?? 0); // throw FuzzFailure on a crash
      if (!o.ok) assert.ok(CODES.has(o.code), o.code);
      if (meta.expect) assert.is(o.ok ? 'ok' : o.code, meta.expect, meta.why);
      return;
    }
    if (meta.options?.precision !== undefined) {
      let nodes: string[] = [];
      try { nodes = parse(bytes).header.graph.nodes.map((n: any) => n?.name); } catch { /* not parseable: fine */ }
      try { validatePrecisionMap(meta.options.precision, nodes); } catch (e) {
        assert.instance(e, AlloyError, String((e as Error)?.stack));
        assert.is((e as AlloyError).code, 'BAD_PRECISION_MAP');
      }
    }
    const o = executeVariants(alloy, bytes, meta.options ?? {}, meta.index ?? 0); // throws FuzzFailure on a crash or a difference between the load variants
    if (!o.ok) assert.ok(CODES.has(o.code), o.code);
    if (meta.expect) assert.is(o.ok ? 'ok' : o.code, meta.expect, meta.why);
  });
}

test.run();

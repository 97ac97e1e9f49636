// The conformance runner's own parts, without the suite: TensorProto decoding of every element
// type (raw_data and the typed fields), the ONNX runner's comparison, and whole cases built here
// (a pass, a wrong answer, a int64 input to an f32-only operator, a hang) through the worker pool.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTensor, encodeTensor, asNumbers, decodeModelInfo, raiseOpset } from './proto.ts';
import { mismatch } from './compare.ts';
import { runPool } from './pool.ts';
import { reasons, entry, diffExpected } from './report.ts';
import { buildModel } from '../import/onnx-build.ts';
import { onnxRoot } from '../../src/tools/import/onnx/proto.ts';

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

test('TensorProto: raw_data and typed fields give the same values, for every element type', () => {
  const cases: [number, ArrayBufferView, string, unknown[]][] = [
    [1, new Float32Array([1.5, -2, Infinity]), 'float_data', [1.5, -2, Infinity]],
    [2, new Uint8Array([0, 200, 255]), 'int32_data', [0, 200, 255]],
    [3, new Int8Array([-128, 0, 127]), 'int32_data', [-128, 0, 127]],
    [4, new Uint16Array([0, 40000, 65535]), 'int32_data', [0, 40000, 65535]],
    [5, new Int16Array([-32768, 1, 32767]), 'int32_data', [-32768, 1, 32767]],
    [6, new Int32Array([-(2 ** 31), 7, 2 ** 31 - 1]), 'int32_data', [-(2 ** 31), 7, 2 ** 31 - 1]],
    [7, new BigInt64Array([-(2n ** 63n), 5n, 2n ** 63n - 1n]), 'int64_data', ['-9223372036854775808', '5', '9223372036854775807']],
    [9, new Uint8Array([1, 0, 1]), 'int32_data', [1, 0, 1]],
    [10, new Uint16Array([0x3c00, 0xc000, 0x7e00]), 'int32_data', [0x3c00, 0xc000, 0x7e00]],
    [11, new Float64Array([0.1, -1e300, 3]), 'double_data', [0.1, -1e300, 3]],
    [12, new Uint32Array([0, 4e9, 1]), 'uint64_data', [0, 4e9, 1]],
    [13, new BigUint64Array([0n, 2n ** 64n - 1n, 3n]), 'uint64_data', ['0', '18446744073709551615', '3']],
    [16, new Uint16Array([0x3f80, 0xc000, 0x0001]), 'int32_data', [0x3f80, 0xc000, 0x0001]],
  ];
  for (const [dt, arr, field, vals] of cases) {
    const raw = decodeTensor(encodeTensor({ dims: [3], data_type: dt, raw_data: bytesOf(arr) }));
    const typed = decodeTensor(encodeTensor({ dims: [3], data_type: dt, [field]: vals }));
    assert.equal(raw.values, arr, `type ${dt} raw`);
    assert.equal(typed.values, arr, `type ${dt} typed`);
  }
  const s = decodeTensor(encodeTensor({ dims: [2], data_type: 8, string_data: [new TextEncoder().encode('a'), new TextEncoder().encode('bc')] }));
  assert.equal(s.values, ['a', 'bc']);
  const c = decodeTensor(encodeTensor({ dims: [1], data_type: 14, float_data: [1, -1] }));
  assert.equal([...(c.values as Float32Array)], [1, -1]);
  assert.equal([...asNumbers(decodeTensor(encodeTensor({ dims: [3], data_type: 10, int32_data: [0x3c00, 0xc000, 0x7e00] })))!], [1, -2, NaN]);
  assert.equal([...asNumbers(decodeTensor(encodeTensor({ dims: [2], data_type: 16, int32_data: [0x3f80, 0xc040] })))!], [1, -3]);
  assert.equal(decodeTensor(encodeTensor({ dims: [], data_type: 1, float_data: [4] })).dims, []);
  assert.throws(() => decodeTensor(encodeTensor({ dims: [2], data_type: 1, float_data: [1] })), /1 values stored/);
  assert.throws(() => decodeTensor(encodeTensor({ dims: [2], data_type: 1, raw_data: new Uint8Array(4) })), /raw_data has 4 bytes/);
});

test('raiseOpset: only the default-domain opset changes', () => {
  const m = buildModel({ opset: 9, inputs: [{ name: 'x', shape: [1, 2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
  const up = raiseOpset(m, 11);
  assert.equal(decodeModelInfo(up).opsets, { '': 11 });
  assert.equal(decodeModelInfo(raiseOpset(up, 11)).opsets, { '': 11 });
  assert.is(up.length, m.length);
  assert.equal({ ...decodeModelInfo(up), opsets: null }, { ...decodeModelInfo(m), opsets: null });
});

test('comparison: the ONNX runner rule (rtol 1e-3, atol 1e-7), shapes, NaN and infinities', () => {
  assert.is(mismatch([1.0009], [1], [1], [1]), null);
  assert.match(mismatch([1.0011], [1], [1], [1])!, /1 of 1 elements differ, max abs error 1\.10e-3/);
  assert.is(mismatch([1e-7], [1], [0], [1]), null);
  assert.match(mismatch([2e-7], [1], [0], [1])!, /differ/);
  assert.is(mismatch([NaN, Infinity, -Infinity], [3], [NaN, Infinity, -Infinity], [3]), null);
  assert.match(mismatch([0], [1], [NaN], [1])!, /element 0 is 0, expected NaN/);
  assert.match(mismatch([NaN], [1], [0], [1])!, /element 0 is NaN, expected 0/);
  assert.match(mismatch([Infinity], [1], [-Infinity], [1])!, /expected -Infinity/);
  assert.match(mismatch([1, 2], [2], [1, 2], [1, 2])!, /shape \[2\], expected \[1,2\]/);
  assert.match(mismatch([1], [], [1], [1])!, /shape \[\], expected \[1\]/);
});

test('failure reasons: unsupported-node lists split, names and sizes normalised', () => {
  const r = { status: 'fail' as const, cls: 'import' as const, reason: 'UNSUPPORTED_OP: 3 unsupported nodes: Abs (n0); Sub (n1): broadcast of [2,3] with [2,1]: the smaller activation must match; Abs (n2) (1 later node depending on these not checked)' };
  assert.equal(reasons(r), ['import: UNSUPPORTED_OP: unsupported operator Abs', 'import: UNSUPPORTED_OP: Sub: broadcast of [...] with [...]: the smaller activation must match']);
  assert.equal(reasons({ status: 'fail', cls: 'import', reason: 'UNSUPPORTED_OP: graph input "y" has element type 7; Alloy inputs are float32' }), ['import: UNSUPPORTED_OP: graph input has element type 7 (int64)']);
  const d = diffExpected({ a: 'pass', b: 'import: X', c: 'import: Y', e: 'pass' }, new Map([['a', r], ['b', { status: 'pass' }], ['c', { status: 'fail', cls: 'wrong', reason: 'z' }], ['f', { status: 'pass' }]] as never));
  assert.equal([d.regressions.length, d.improvements.length, d.changed.length, d.bugs.length, d.missing, d.stale], [1, 1, 1, 1, ['f: pass'], ['e']]);
  assert.is(entry({ status: 'fail', cls: 'run', reason: 'x'.repeat(300) }).length, 200);
});

// A case directory in the suite's layout.
function writeCase(root: string, name: string, model: Uint8Array, sets: { inputs: Uint8Array[]; outputs: Uint8Array[] }[]) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.onnx'), model);
  sets.forEach((s, k) => {
    mkdirSync(join(dir, `test_data_set_${k}`));
    s.inputs.forEach((b, i) => writeFileSync(join(dir, `test_data_set_${k}`, `input_${i}.pb`), b));
    s.outputs.forEach((b, i) => writeFileSync(join(dir, `test_data_set_${k}`, `output_${i}.pb`), b));
  });
  return dir;
}
const f32 = (dims: number[], v: number[]) => encodeTensor({ dims, data_type: 1, raw_data: bytesOf(new Float32Array(v)) });

test('whole cases through the worker pool: pass, wrong answer, int64 input to an f32-only operator, type, hang', async () => {
  const root = mkdtempSync(join(tmpdir(), 'alloy-conformance-'));
  try {
    const relu = buildModel({ inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y', shape: [1, 4] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
    const x = f32([1, 4], [-1, 0, 2, -3]);
    const pass = writeCase(root, 'test_relu_ok', relu, [{ inputs: [x], outputs: [f32([1, 4], [0, 0, 2, 0])] }, { inputs: [f32([1, 4], [5, -5, 1, 1])], outputs: [f32([1, 4], [5, 0, 1, 1])] }]);
    const wrong = writeCase(root, 'test_relu_wrong', relu, [{ inputs: [x], outputs: [f32([1, 4], [0, 0, 2, 0])] }, { inputs: [x], outputs: [f32([1, 4], [0, 0, 2.01, 0])] }]);
    const shape = writeCase(root, 'test_relu_shape', relu, [{ inputs: [x], outputs: [f32([4], [0, 0, 2, 0])] }]);
    const f64 = writeCase(root, 'test_relu_f64', relu, [{ inputs: [x], outputs: [encodeTensor({ dims: [1, 4], data_type: 11, double_data: [0, 0, 2, 0] })] }]);
    const T = onnxRoot().lookupType('onnx.ModelProto');
    const sigmoid = buildModel({ inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y', shape: [1, 4] }], nodes: [{ op: 'Sigmoid', inputs: ['x'], outputs: ['y'] }] });
    const m = T.toObject(T.decode(sigmoid)) as { graph: { input: { type: { tensor_type: { elem_type: number } } }[] } };
    m.graph.input[0].type.tensor_type.elem_type = 7;
    const int64 = writeCase(root, 'test_sigmoid_i64', T.encode(T.fromObject(m)).finish(), [{ inputs: [encodeTensor({ dims: [1, 4], data_type: 7, int64_data: [1, 2, 3, 4] })], outputs: [x] }]);
    const broken = writeCase(root, 'test_broken', new Uint8Array([0xff, 0xff, 0xff]), [{ inputs: [x], outputs: [x] }]);
    const r = await runPool([pass, wrong, shape, f64, int64, broken], { jobs: 2, timeoutMs: 20_000 });
    assert.equal(r.get(pass)!.status, 'pass');
    assert.match(entry(r.get(wrong)!), /^wrong: output "y" \(test_data_set_1\): 1 of 4 elements differ, max abs error 1\.00e-2 at element 2 \(2, expected 2\.01\)/);
    assert.match(entry(r.get(shape)!), /^wrong: output "y": shape \[1,4\], expected \[4\]/);
    assert.equal(entry(r.get(f64)!), 'type: output "y" is float64; run() returned f32 (values match)');
    assert.match(entry(r.get(int64)!), /^import: UNSUPPORTED_OP: 1 unsupported node: Sigmoid .*Sigmoid of i64/);
    assert.match(entry(r.get(broken)!), /^(import: BAD_GRAPH|crash: runner)/);
    // a case that never returns: its worker is killed and replaced, the next case still runs
    const hang = join(root, 'test_hang');
    mkdirSync(hang);
    const t = await runPool([hang, pass], { jobs: 1, timeoutMs: 1500, hang: (d) => d === hang });
    assert.equal(entry(t.get(hang)!), 'timeout: no result after 1.5 s');
    assert.equal(t.get(pass)!.status, 'pass');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();

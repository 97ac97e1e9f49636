// vbinary_nd_any__simd128 (assembly/nd/binary.ts): N-d broadcasting element-wise ops on every element type.
// 1. vbinary_nd_any__simd128 equals its reference vbinary_nd_any__scalar byte for byte, over random shapes of rank 0-6
//    with awkward sizes (1, 3, 4, 5, 7, 17, 33) and every broadcast pattern, for every type and op.
// 2. Semantics against an independent JS oracle (Math.fround for f32, BigInt for 64-bit).
// 3. Bad op / type / dims: status codes, nothing written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const DT = { f32: 1, u8: 2, i8: 3, u16: 4, i16: 5, i32: 6, i64: 7, bool: 9, f64: 11, u32: 12, u64: 13 } as const;
type DName = keyof typeof DT;
const BYTES: Record<DName, number> = { f32: 4, u8: 1, i8: 1, u16: 2, i16: 2, i32: 4, i64: 8, bool: 1, f64: 8, u32: 4, u64: 8 };
const OPS = ['add', 'sub', 'mul', 'div', 'pow', 'mod', 'fmod', 'min', 'max', 'and', 'or', 'xor', 'shl', 'shr', 'eq', 'lt', 'gt', 'le', 'ge', 'prelu'];
const FLOAT_OPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19];
const BOOL_OPS = [9, 10, 11, 14, 15, 16, 17, 18];
const opsFor = (t: DName) => (t === 'f32' || t === 'f64' ? FLOAT_OPS : t === 'bool' ? BOOL_OPS : OPS.map((_, i) => i));
const SIZES = [1, 3, 4, 5, 7, 17, 33];

function randomBytes(t: DName, n: number, r: () => number): Uint8Array {
  const out = new Uint8Array(n * BYTES[t] + 16);
  if (t === 'bool') { for (let i = 0; i < n; i++) out[i] = r() & 1; return out; }
  if (t === 'f32') { const f = new Float32Array(out.buffer, 0, n); for (let i = 0; i < n; i++) f[i] = ((r() % 2001) - 1000) / 64; return out; }
  if (t === 'f64') { const f = new Float64Array(out.buffer, 0, n); for (let i = 0; i < n; i++) f[i] = ((r() % 2001) - 1000) / 64; return out; }
  // integers: small values mostly (so pow and shifts stay interesting), some extremes
  for (let i = 0; i < n * BYTES[t]; i++) out[i] = r() & 0xff;
  const small = (r() & 3) !== 0;
  if (small) for (let i = 0; i < n; i++) { const v = (r() % 19) - 9; for (let k = 0; k < BYTES[t]; k++) out[i * BYTES[t] + k] = k === 0 ? v & 0xff : v < 0 ? 0xff : 0; }
  return out;
}

function randomCase(r: () => number) {
  const rank = r() % 7;
  // awkward sizes, at most ~4,000 elements in all
  const out: number[] = [];
  let total = 1;
  for (let i = 0; i < rank; i++) { let d = SIZES[r() % SIZES.length]; while (total * d > 4096) d = SIZES[r() % 3]; out.push(d); total *= d; }
  const shrink = (d: number) => (r() % 3 === 0 ? 1 : d);
  const a = out.map(shrink), b = out.map(shrink);
  // fewer leading dims sometimes (right-aligned, filled with 1)
  return { out, a, b };
}

const n = (s: number[]) => s.reduce((x, y) => x * y, 1);

function call(fn: string, dt: number, op: number, shapes: { out: number[]; a: number[]; b: number[] }, aB: Uint8Array, bB: Uint8Array, yBytes: number): { status: number; y: Uint8Array } {
  const x = wasm();
  const rank = shapes.out.length;
  const dims = new Int32Array([...shapes.out, ...shapes.a, ...shapes.b, 0]);
  const pa = heap.put(aB), pb = heap.put(bB), pd = heap.put(dims), py = heap.alloc(yBytes + 16);
  try {
    heap.u8(py, yBytes + 16).fill(0xcd);
    const status = x[fn](dt, op, py, pa, pb, rank, pd);
    return { status, y: heap.u8(py, yBytes + 16).slice() };
  } finally { for (const p of [pa, pb, pd, py]) heap.free(p); }
}

test('vbinary_nd_any__simd128 equals vbinary_nd_any__scalar on every type, op and broadcast pattern', async () => {
  await getAlloy();
  const r = rng(1601);
  let cases = 0;
  for (const t of Object.keys(DT) as DName[]) {
    for (const op of opsFor(t)) {
      for (let k = 0; k < 12; k++) {
        const s = randomCase(r);
        const aB = randomBytes(t, n(s.a), r), bB = randomBytes(t, n(s.b), r);
        const yBytes = n(s.out) * (op >= 14 && op <= 18 ? 1 : BYTES[t]);
        const fast = call('vbinary_nd_any__simd128', DT[t], op, s, aB, bB, yBytes), ref = call('vbinary_nd_any__scalar', DT[t], op, s, aB, bB, yBytes);
        assert.is(fast.status, 0, `${t} ${OPS[op]} ${JSON.stringify(s)}`);
        assert.is(ref.status, 0);
        assert.equal(fast.y, ref.y, `${t} ${OPS[op]} ${JSON.stringify(s)}`);
        assert.ok(fast.y.subarray(yBytes).every((v) => v === 0xcd), 'wrote past the output');
        cases++;
      }
    }
  }
  console.log(`  [vbinary_nd_any__simd128] ${cases} cases`);
});

const f = Math.fround;
test('f32 semantics: numpy broadcasting, IEEE ops, NaN-propagating min / max, fmod', async () => {
  await getAlloy();
  const shapes = { out: [2, 3, 5], a: [2, 1, 5], b: [1, 3, 1] };
  const a = new Float32Array([1.5, -2, 3, NaN, 0, 7, 8.25, -9, 10, 11]);
  const b = new Float32Array([3, -0.5, 0]);
  const at = (i: number, j: number, k: number) => a[i * 5 + k], bt = (i: number, j: number, k: number) => b[j];
  const oracle: Record<number, (x: number, y: number) => number> = {
    0: (x, y) => f(x + y), 1: (x, y) => f(x - y), 2: (x, y) => f(x * y), 3: (x, y) => f(x / y),
    6: (x, y) => f(x % y), 7: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)), 8: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
    19: (x, y) => (x < 0 ? f(x * y) : x),
  };
  for (const [op, fn] of Object.entries(oracle)) {
    const { status, y } = call('vbinary_nd_any__simd128', 1, +op, shapes, new Uint8Array(a.buffer), new Uint8Array(b.buffer), 30 * 4);
    assert.is(status, 0);
    const got = new Float32Array(y.buffer, 0, 30);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 5; k++) {
      const want = fn(at(i, j, k), bt(i, j, k)), g = got[(i * 3 + j) * 5 + k];
      assert.ok(Object.is(want, g) || (Number.isNaN(want) && Number.isNaN(g)), `op ${OPS[+op]} [${i},${j},${k}]: ${g} vs ${want}`);
    }
  }
  // comparisons give bool bytes, NaN compares false
  const { y } = call('vbinary_nd_any__simd128', 1, 15, { out: [4], a: [4], b: [1] }, new Uint8Array(new Float32Array([1, 2, NaN, -1]).buffer), new Uint8Array(new Float32Array([1.5]).buffer), 4);
  assert.equal([...y.subarray(0, 4)], [1, 0, 0, 1]);
});

test('integer semantics: wrapping, truncating division, Python mod, C fmod, defined corner cases', async () => {
  await getAlloy();
  const I32 = (v: number[]) => new Uint8Array(new Int32Array(v).buffer);
  const run = (op: number, a: number[], b: number[]) => [...new Int32Array(call('vbinary_nd_any__simd128', 6, op, { out: [a.length], a: [a.length], b: [b.length] }, I32(a), I32(b), a.length * 4).y.buffer, 0, a.length)];
  const MIN = -2147483648;
  assert.equal(run(0, [2147483647, 5], [1, -7]), [MIN, -2]);
  assert.equal(run(3, [7, -7, 7, -7, 5, MIN], [2, 2, -2, -2, 0, -1]), [3, -3, -3, 3, 0, MIN]);
  assert.equal(run(5, [7, -7, 7, -7, 5], [3, 3, -3, -3, 0]), [1, 2, -2, -1, 0]);
  assert.equal(run(6, [7, -7, 7, -7, MIN], [3, 3, -3, -3, -1]), [1, -1, 1, -1, 0]);
  assert.equal(run(4, [2, 3, -2, 2, 1, -1, -1], [10, 3, 3, -1, -5, -5, -4]), [1024, 27, -8, 0, 1, -1, 1]);
  assert.equal(run(12, [1, 1, 3], [31, 32, -1]), [MIN, 0, 0]);
  assert.equal(run(13, [-8, -8, 8], [1, 40, 40]), [-4, -1, 0]);
  assert.equal(run(19, [-3, 4, 0, MIN], [2, 2, 5, -1]), [-6, 4, 0, MIN]);
  // i64 through BigInt
  const I64 = (v: bigint[]) => new Uint8Array(new BigInt64Array(v).buffer);
  const y = call('vbinary_nd_any__simd128', 7, 2, { out: [3], a: [3], b: [1] }, I64([2n ** 62n, -3n, 9223372036854775807n]), I64([3n]), 24).y;
  assert.equal([...new BigInt64Array(y.buffer, 0, 3)], [BigInt.asIntN(64, 3n * 2n ** 62n), -9n, BigInt.asIntN(64, 3n * 9223372036854775807n)]);
  // u8 wraps, bool logic
  assert.equal([...call('vbinary_nd_any__simd128', 2, 0, { out: [2], a: [2], b: [2] }, new Uint8Array([250, 3]), new Uint8Array([10, 4]), 2).y.subarray(0, 2)], [4, 7]);
  assert.equal([...call('vbinary_nd_any__simd128', 9, 11, { out: [4], a: [4], b: [4] }, new Uint8Array([0, 0, 1, 1]), new Uint8Array([0, 1, 0, 1]), 4).y.subarray(0, 4)], [0, 1, 1, 0]);
});

test('the element-type table (dtype_table_ptr) holds the ONNX ids and sizes these tests assume', async () => {
  await getAlloy();
  const x = wasm(), cols = x.dtype_cols(), rows = new Int32Array(heap.buffer(), x.dtype_table_ptr(), x.dtype_count() * cols);
  const byId = new Map<number, number>();
  for (let r = 0; r < rows.length; r += cols) byId.set(rows[r], rows[r + 1]);
  for (const t of Object.keys(DT) as DName[]) assert.is(byId.get(DT[t]), BYTES[t], t);
  assert.is(byId.get(10), 2, 'f16'); assert.is(byId.get(16), 2, 'bf16');
});

test('bad op, type or dims: a status, nothing written', async () => {
  await getAlloy();
  const s = { out: [4], a: [4], b: [4] }, z = new Uint8Array(32);
  const untouched = (y: Uint8Array) => y.every((v) => v === 0xcd);
  for (const [dt, op] of [[1, 9], [1, 12], [9, 0], [8, 0], [99, 0], [6, 20], [6, -1]]) {
    const { status, y } = call('vbinary_nd_any__simd128', dt, op, s, z, z, 16);
    assert.is(status, 1, `dtype ${dt} op ${op}`);
    assert.ok(untouched(y));
  }
  for (const bad of [{ out: [4], a: [3], b: [4] }, { out: [4], a: [4], b: [2] }]) {
    const { status, y } = call('vbinary_nd_any__simd128', 1, 0, bad, z, z, 16);
    assert.is(status, 2);
    assert.ok(untouched(y));
  }
  const { status } = call('vbinary_nd_any__simd128', 1, 0, { out: [0, 3], a: [0, 3], b: [1, 3] }, z, z, 0);
  assert.is(status, 0);
});

test.run();

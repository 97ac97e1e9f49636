// reduce_nd_any__simd128, argmax_nd_any__scalar, cumsum_nd_any__scalar (assembly/nd/reduce.ts, scan.ts).
// 1. reduce_nd_any__simd128 equals reduce_nd_any__scalar byte for byte on every axes mask of
//    shapes of rank 0-5 with awkward sizes (1, 3, 4, 5, 7, 17, 33), every type and op.
// 2. Against an independent JS oracle: float64 for floats (f32 tolerance), BigInt for integers.
// 3. ONNX identities on empty reductions; bad op / type / dims give a status, nothing written.
// 4. ArgMax / ArgMin (ties, select_last_index, NaN) and CumSum (exclusive, reverse) by oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';
import { REDUCE_OPS } from '../../src/runtime/tables.gen.ts';

const DT = { f32: 1, i32: 6, i64: 7, f64: 11, u8: 2, i8: 3, u32: 12, u64: 13 } as const;
type DName = keyof typeof DT;
const BYTES: Record<DName, number> = { f32: 4, i32: 4, i64: 8, f64: 8, u8: 1, i8: 1, u32: 4, u64: 8 };
const OP = Object.fromEntries(REDUCE_OPS.map((n, i) => [n, i])) as Record<string, number>;
const INT_OPS = ['sum', 'mean', 'max', 'min', 'prod', 'l1', 'sum_square'];
const SIZES = [1, 3, 4, 5, 7, 17, 33];
const n = (s: number[]) => s.reduce((a, b) => a * b, 1);

function randomShape(r: () => number, rank: number): number[] {
  const out: number[] = [];
  let total = 1;
  for (let i = 0; i < rank; i++) { let d = SIZES[r() % SIZES.length]; while (total * d > 3000) d = SIZES[r() % 3]; out.push(d); total *= d; }
  return out;
}

function values(t: DName, count: number, r: () => number, small = false): Uint8Array {
  const out = new Uint8Array(count * BYTES[t] + 16);
  const v = () => (small ? 1 + ((r() % 201) - 100) / 1024 : ((r() % 2001) - 1000) / 64);
  if (t === 'f32') { const f = new Float32Array(out.buffer, 0, count); for (let i = 0; i < count; i++) f[i] = v(); }
  else if (t === 'f64') { const f = new Float64Array(out.buffer, 0, count); for (let i = 0; i < count; i++) f[i] = v(); }
  else if (t === 'i32') { const f = new Int32Array(out.buffer, 0, count); for (let i = 0; i < count; i++) f[i] = (r() & 1) ? (r() % 19) - 9 : r() | 0; }
  else if (t === 'i64') { const f = new BigInt64Array(out.buffer, 0, count); for (let i = 0; i < count; i++) f[i] = (r() & 1) ? BigInt((r() % 19) - 9) : BigInt.asIntN(64, (BigInt(r()) << 32n) | BigInt(r())); }
  else for (let i = 0; i < count * BYTES[t]; i++) out[i] = r() & 0xff;
  return out;
}

const canon = (t: DName, b: Uint8Array) => {
  if (t === 'f32') { const f = new Float32Array(b.buffer, b.byteOffset, b.length >> 2); const u = new Uint32Array(f.buffer, f.byteOffset, f.length); f.forEach((v, i) => { if (v !== v) u[i] = 0x7fc00000; }); }
  if (t === 'f64') { const f = new Float64Array(b.buffer, b.byteOffset, b.length >> 3); f.forEach((v, i) => { if (v !== v) f[i] = NaN; }); }
  return b;
};

function reduce(fn: string, t: DName, op: number, shape: number[], mask: number, x: Uint8Array, outCount: number) {
  const X = wasm() as any, yBytes = outCount * BYTES[t];
  const px = heap.put(x), pd = heap.put(new Int32Array([...shape, 0])), py = heap.alloc(yBytes + 16);
  try {
    heap.u8(py, yBytes + 16).fill(0xcd);
    const status = X[fn](DT[t], op, py, px, shape.length, pd, mask);
    return { status, y: heap.u8(py, yBytes + 16).slice() };
  } finally { for (const p of [px, pd, py]) heap.free(p); }
}
const keptCount = (shape: number[], mask: number) => n(shape.filter((_, i) => !((mask >> i) & 1)));

test('reduce_nd_any__simd128 equals reduce_nd_any__scalar on every axes mask, rank 0-5, every type and op', async () => {
  await getAlloy();
  const r = rng(2201);
  let cases = 0;
  for (let rank = 0; rank <= 5; rank++) {
    for (let k = 0; k < (rank < 3 ? 3 : 1); k++) {
      const shape = randomShape(r, rank);
      for (let mask = 0; mask < 1 << rank; mask++) {
        for (const t of ['f32', 'f64', 'i32', 'i64'] as DName[]) {
          const ops = t[0] === 'f' ? [...REDUCE_OPS] : INT_OPS;
          for (const name of ops) {
            const x = values(t, n(shape), r, name === 'prod'), m = keptCount(shape, mask);
            const a = reduce('reduce_nd_any__simd128', t, OP[name], shape, mask, x, m), b = reduce('reduce_nd_any__scalar', t, OP[name], shape, mask, x, m);
            const where = `${t} ${name} ${JSON.stringify(shape)} mask ${mask}`;
            assert.is(a.status, 0, where); assert.is(b.status, 0, where);
            assert.equal(canon(t, a.y), canon(t, b.y), where);
            assert.ok(a.y.subarray(m * BYTES[t]).every((v) => v === 0xcd), `${where}: wrote past the output`);
            cases++;
          }
        }
      }
    }
  }
  console.log(`  [reduce_nd_any__simd128] ${cases} cases`);
});

// float64 oracle of one op over a list of values
function oracleF(name: string, v: number[]): number {
  const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
  switch (name) {
    case 'sum': return sum(v);
    case 'mean': return sum(v) / v.length;
    case 'max': return v.length ? Math.max(...v) : -Infinity;
    case 'min': return v.length ? Math.min(...v) : Infinity;
    case 'prod': return v.reduce((s, x) => s * x, 1);
    case 'l1': return sum(v.map(Math.abs));
    case 'l2': return Math.sqrt(sum(v.map((x) => x * x)));
    case 'log_sum': return Math.log(sum(v));
    case 'log_sum_exp': { if (!v.length) return -Infinity; const m = Math.max(...v); return m + Math.log(sum(v.map((x) => Math.exp(x - m)))); }
    default: return sum(v.map((x) => x * x));
  }
}
function oracleI(name: string, v: bigint[], bits: number): bigint {
  const w = (x: bigint) => BigInt.asIntN(bits, x);
  const sum = (a: bigint[]) => a.reduce((s, x) => w(s + x), 0n);
  const top = (1n << BigInt(bits - 1));
  switch (name) {
    case 'sum': return sum(v);
    case 'mean': return v.length ? sum(v) / BigInt(v.length) : 0n;
    case 'max': return v.reduce((s, x) => (x > s ? x : s), -top);
    case 'min': return v.reduce((s, x) => (x < s ? x : s), top - 1n);
    case 'prod': return v.reduce((s, x) => w(s * x), 1n);
    case 'l1': return sum(v.map((x) => w(x < 0n ? -x : x)));
    default: return sum(v.map((x) => w(x * x)));
  }
}
// the values of each output element, from the multi-indices (row-major kept, row-major reduced)
function groups<T>(shape: number[], mask: number, get: (i: number) => T): T[][] {
  const out: T[][] = Array.from({ length: keptCount(shape, mask) }, () => []);
  const total = n(shape);
  for (let e = 0; e < total; e++) {
    let rem = e, o = 0, so = 1;
    for (let i = shape.length - 1; i >= 0; i--) { const k = rem % shape[i]; rem = Math.floor(rem / shape[i]); if (!((mask >> i) & 1)) { o += k * so; so *= shape[i]; } }
    out[o].push(get(e));
  }
  return out;
}

test('reduce semantics against a float64 / BigInt oracle, including empty reductions', async () => {
  await getAlloy();
  const r = rng(2202);
  const shapes: [number[], number][] = [[[3, 5, 7], 0b010], [[2, 3, 4, 5], 0b1010], [[17, 4], 0b01], [[5, 33], 0b10], [[4, 3, 2], 0b111], [[3, 0, 2], 0b010], [[3, 0, 2], 0b101], [[], 0], [[2, 3], 0]];
  for (const [shape, mask] of shapes) {
    const m = keptCount(shape, mask);
    for (const t of ['f32', 'f64'] as DName[]) for (const name of REDUCE_OPS) {
      const xb = values(t, n(shape), r, name === 'prod');
      const xs = t === 'f32' ? new Float32Array(xb.buffer, 0, n(shape)) : new Float64Array(xb.buffer, 0, n(shape));
      const { status, y } = reduce('reduce_nd_any__simd128', t, OP[name], shape, mask, xb, m);
      assert.is(status, 0);
      const got = t === 'f32' ? new Float32Array(y.buffer, 0, m) : new Float64Array(y.buffer, 0, m);
      groups(shape, mask, (i) => xs[i]).forEach((g, o) => {
        const want = oracleF(name, g), v = got[o];
        const where = `${t} ${name} ${JSON.stringify(shape)} mask ${mask} [${o}]: ${v} vs ${want}`;
        if (Number.isNaN(want)) assert.ok(Number.isNaN(v), where);
        else if (!Number.isFinite(want)) assert.is(v, want, where);
        else assert.ok(Math.abs(v - want) <= 2e-5 * (1 + Math.abs(want)) * (name === 'prod' || name === 'log_sum' ? 4 : 1), where);
      });
    }
    for (const t of ['i32', 'i64'] as DName[]) for (const name of INT_OPS) {
      const xb = values(t, n(shape), r), bits = t === 'i32' ? 32 : 64;
      const xs = t === 'i32' ? [...new Int32Array(xb.buffer, 0, n(shape))].map(BigInt) : [...new BigInt64Array(xb.buffer, 0, n(shape))];
      const { status, y } = reduce('reduce_nd_any__simd128', t, OP[name], shape, mask, xb, m);
      assert.is(status, 0);
      const got = t === 'i32' ? [...new Int32Array(y.buffer, 0, m)].map(BigInt) : [...new BigInt64Array(y.buffer, 0, m)];
      groups(shape, mask, (i) => xs[i]).forEach((g, o) => assert.is(got[o], oracleI(name, g, bits), `${t} ${name} ${JSON.stringify(shape)} mask ${mask} [${o}]`));
    }
  }
  // the identities by name (ONNX: reduction over an empty set)
  const id = (name: string) => new Float32Array(reduce('reduce_nd_any__scalar', 'f32', OP[name], [2, 0], 0b10, new Uint8Array(16), 2).y.buffer, 0, 2)[0];
  assert.equal(['sum', 'prod', 'max', 'min', 'l1', 'l2', 'log_sum', 'log_sum_exp', 'sum_square'].map(id), [0, 1, -Infinity, Infinity, 0, 0, -Infinity, -Infinity, 0]);
  assert.ok(Number.isNaN(id('mean')));
  // log-sum-exp is max-shifted: no overflow at 1e30 / inf
  const big = new Float32Array([1e30, 1e30, 0, 0]);
  assert.is(new Float32Array(reduce('reduce_nd_any__simd128', 'f32', OP.log_sum_exp, [4], 1, new Uint8Array(big.buffer), 1).y.buffer, 0, 1)[0], Math.fround(1e30));
  const inf = new Float32Array([Infinity, 1, 0, 0]);
  assert.is(new Float32Array(reduce('reduce_nd_any__simd128', 'f32', OP.log_sum_exp, [4], 1, new Uint8Array(inf.buffer), 1).y.buffer, 0, 1)[0], Infinity);
});

test('reduce: bad op, type or dims give a status and write nothing', async () => {
  await getAlloy();
  const x = new Uint8Array(64);
  for (const [t, op] of [[DT.i32, OP.l2], [DT.i64, OP.log_sum_exp], [DT.u8, OP.sum], [99, 0], [DT.f32, REDUCE_OPS.length], [DT.f32, -1]] as [number, number][]) {
    const X = wasm() as any, px = heap.put(x), pd = heap.put(new Int32Array([4, 0])), py = heap.alloc(32);
    heap.u8(py, 32).fill(0xcd);
    assert.is(X.reduce_nd_any__simd128(t, op, py, px, 1, pd, 1), 1, `dtype ${t} op ${op}`);
    assert.ok(heap.u8(py, 32).every((v) => v === 0xcd));
    for (const p of [px, pd, py]) heap.free(p);
  }
  for (const [shape, mask] of [[[4], 2], [[4, -1], 1], [[1, 1, 1, 1, 1, 1, 1, 1, 1], 1], [[4], -1]] as [number[], number][]) {
    for (const k of ['reduce_nd_any__simd128', 'reduce_nd_any__scalar']) {
      const { status, y } = reduce(k, 'f32', OP.sum, shape, mask, x, 4);
      assert.is(status, 2, `${k} ${JSON.stringify(shape)} mask ${mask}`);
      assert.ok(y.every((v) => v === 0xcd));
    }
  }
});

function axisCall(fn: string, args: number[], t: DName, x: Uint8Array, yBytes: number) {
  const X = wasm() as any, px = heap.put(x), py = heap.alloc(yBytes + 16);
  try {
    heap.u8(py, yBytes + 16).fill(0xcd);
    const [a0, a1, a2, outer, len, inner] = args;
    const status = X[fn](a0, a1, a2, py, px, outer, len, inner);
    return { status, y: heap.u8(py, yBytes + 16).slice() };
  } finally { heap.free(px); heap.free(py); }
}

test('argmax_nd_any__scalar: first / last index of the extreme, NaN largest, every type, awkward sizes', async () => {
  await getAlloy();
  const r = rng(2203);
  for (const t of ['f32', 'f64', 'i32', 'i64', 'u8', 'i8', 'u32', 'u64'] as DName[]) {
    for (const [outer, len, inner] of [[1, 1, 1], [3, 5, 1], [1, 7, 4], [2, 17, 3], [5, 4, 33], [1, 33, 1]]) {
      const count = outer * len * inner;
      const xb = values(t, count, r);
      if (t[0] !== 'f') for (let i = 0; i < count; i++) if (r() % 3 === 0) xb.copyWithin(i * BYTES[t], 0, BYTES[t]); // ties
      const read = (i: number): number | bigint => {
        const dv = new DataView(xb.buffer);
        switch (t) {
          case 'f32': return dv.getFloat32(i * 4, true); case 'f64': return dv.getFloat64(i * 8, true);
          case 'i32': return dv.getInt32(i * 4, true); case 'u32': return dv.getUint32(i * 4, true);
          case 'i64': return dv.getBigInt64(i * 8, true); case 'u64': return dv.getBigUint64(i * 8, true);
          case 'u8': return dv.getUint8(i); default: return dv.getInt8(i);
        }
      };
      for (const isMin of [0, 1]) for (const last of [0, 1]) {
        const { status, y } = axisCall('argmax_nd_any__scalar', [DT[t], isMin, last, outer, len, inner], t, xb, outer * inner * 8);
        assert.is(status, 0);
        const got = new BigInt64Array(y.buffer, 0, outer * inner);
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          let best = 0;
          for (let k = 1; k < len; k++) {
            const v = read((o * len + k) * inner + i), b = read((o * len + best) * inner + i);
            if (isMin ? (last ? v <= b : v < b) : (last ? v >= b : v > b)) best = k;
          }
          assert.is(got[o * inner + i], BigInt(best), `${t} min ${isMin} last ${last} ${[outer, len, inner]} [${o},${i}]`);
        }
        assert.ok(y.subarray(outer * inner * 8).every((v) => v === 0xcd));
      }
    }
  }
  const nan = new Uint8Array(new Float32Array([1, NaN, 5, NaN, 2]).buffer);
  const arg = (isMin: number, last: number) => new BigInt64Array(axisCall('argmax_nd_any__scalar', [1, isMin, last, 1, 5, 1], 'f32', nan, 8).y.buffer, 0, 1)[0];
  assert.equal([arg(0, 0), arg(0, 1), arg(1, 0), arg(1, 1)], [1n, 3n, 1n, 3n]);
  assert.is(axisCall('argmax_nd_any__scalar', [16, 0, 0, 1, 5, 1], 'f32', nan, 8).status, 1);
  assert.is(axisCall('argmax_nd_any__scalar', [1, 0, 0, 1, 0, 1], 'f32', nan, 8).status, 2);
  assert.is(axisCall('argmax_nd_any__scalar', [1, 0, 0, -1, 5, 1], 'f32', nan, 8).status, 2);
});

test('cumsum_nd_any__scalar: inclusive / exclusive, forward / reverse, in order, every type', async () => {
  await getAlloy();
  const r = rng(2204);
  for (const t of ['f32', 'f64', 'i32', 'i64'] as DName[]) {
    for (const [outer, len, inner] of [[1, 1, 1], [3, 5, 1], [1, 7, 4], [2, 17, 3], [1, 33, 5], [2, 0, 3]]) {
      const count = outer * len * inner, xb = values(t, count, r);
      const get = (b: Uint8Array, i: number): number | bigint => {
        const dv = new DataView(b.buffer);
        return t === 'f32' ? dv.getFloat32(i * 4, true) : t === 'f64' ? dv.getFloat64(i * 8, true) : t === 'i32' ? dv.getInt32(i * 4, true) : dv.getBigInt64(i * 8, true);
      };
      const add = (a: any, b: any): any => (t === 'f32' ? Math.fround(a + b) : t === 'f64' ? a + b : t === 'i32' ? (a + b) | 0 : BigInt.asIntN(64, a + b));
      for (const excl of [0, 1]) for (const rev of [0, 1]) {
        const { status, y } = axisCall('cumsum_nd_any__scalar', [DT[t], excl, rev, outer, len, inner], t, xb, count * BYTES[t]);
        assert.is(status, 0);
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          let acc: any = t === 'i64' ? 0n : 0;
          for (let j = 0; j < len; j++) {
            const p = (o * len + (rev ? len - 1 - j : j)) * inner + i, v = get(xb, p);
            if (!excl) acc = add(acc, v);
            assert.is(get(y, p), acc, `${t} excl ${excl} rev ${rev} ${[outer, len, inner]} at ${p}`);
            if (excl) acc = add(acc, v);
          }
        }
        assert.ok(y.subarray(count * BYTES[t]).every((v) => v === 0xcd));
      }
    }
  }
  assert.is(axisCall('cumsum_nd_any__scalar', [2, 0, 0, 1, 4, 1], 'u8', new Uint8Array(16), 4).status, 1);
  assert.is(axisCall('cumsum_nd_any__scalar', [1, 0, 0, 1, -4, 1], 'f32', new Uint8Array(16), 4).status, 2);
});

test.run();

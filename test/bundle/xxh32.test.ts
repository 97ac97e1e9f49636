// The tensor checksum: the module's XXH32 equals xxhash-wasm's (an independent implementation)
// and a scalar reference written from the spec, at every length around the 16-byte stripe and
// 64-byte step, from unaligned addresses, with seeds, and streamed in any whole-stripe pieces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import xxhash from 'xxhash-wasm';
import { readFileSync } from 'node:fs';
import { rng } from '../util.ts';
import { init, get } from '../../src/runtime/wasm.ts';
import * as heap from '../../src/runtime/heap.ts';
import { xxh32 } from '../../src/runtime/bundle/hash.ts';

const getAlloy = () => init(readFileSync(new URL('../../build/alloy.wasm', import.meta.url)));
const wasm = get;

// see: xxHash spec, doc/xxhash_spec.md, "XXH32 Algorithm Description" (scalar, one word at a time)
const P1 = 0x9e3779b1, P2 = 0x85ebca77, P3 = 0xc2b2ae3d, P4 = 0x27d4eb2f, P5 = 0x165667b1;
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
// `total` stands for the length of the whole input when b is only its end (the accumulators then
// start from their initial values, as if the stripes before b were absent): how the streaming
// digest treats a total of 2^32 or more (the spec adds the length modulo 2^32).
function ref(b: Uint8Array, seed = 0, total = b.length): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const w = (i: number) => dv.getUint32(i, true);
  let i = 0, h: number;
  if (total >= 16) {
    const v = [(seed + P1 + P2) >>> 0, (seed + P2) >>> 0, seed >>> 0, (seed - P1) >>> 0];
    for (; i + 16 <= b.length; i += 16) for (let l = 0; l < 4; l++) v[l] = mul(rotl((v[l] + mul(w(i + 4 * l), P2)) >>> 0, 13), P1);
    h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) >>> 0;
  } else h = (seed + P5) >>> 0;
  h = (h + (total % 2 ** 32)) >>> 0;
  for (; i + 4 <= b.length; i += 4) h = mul(rotl((h + mul(w(i), P3)) >>> 0, 17), P4);
  for (; i < b.length; i++) h = mul(rotl((h + mul(b[i], P5)) >>> 0, 11), P1);
  h = mul(h ^ (h >>> 15), P2); h = mul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

test('known values: XXH32("") = 02cc5d05, XXH32("abc") = 32d153ff (seed 0)', async () => {
  await getAlloy();
  assert.is(xxh32(new Uint8Array(0)), 0x02cc5d05);
  assert.is(xxh32(new TextEncoder().encode('abc')), 0x32d153ff);
  assert.is(ref(new TextEncoder().encode('abc')), 0x32d153ff);
});

test('xxh32 == xxhash-wasm == the scalar reference: lengths 0..300, odd addresses, seeds', async () => {
  await getAlloy();
  const { h32Raw } = await xxhash();
  const x = wasm(), r = rng(77);
  const big = new Uint8Array(300 + 3).map(() => r() & 0xff);
  const p = heap.put(big);
  for (let n = 0; n <= 300; n++) {
    for (const off of [0, 1, 3]) {
      const b = big.subarray(off, off + n);
      for (const seed of [0, 1, 0x9e3779b1, 0xffffffff]) {
        const want = h32Raw(b, seed) >>> 0;
        assert.is(x.xxh32(p + off, n, seed) >>> 0, want, `length ${n} offset ${off} seed ${seed}`);
        if (seed === 0 && off === 0) assert.is(ref(b), want, `reference, length ${n}`);
      }
    }
  }
  heap.free(p);
});

test('streamed (xxh32_start / update / digest) == one call, in random whole-stripe pieces; host xxh32 over chunks', async () => {
  await getAlloy();
  const { h32Raw } = await xxhash();
  const x = wasm(), r = rng(5);
  for (const n of [0, 15, 16, 17, 64, 1000, 65_536, 65_537, 200_011]) {
    const b = new Uint8Array(n).map(() => r() & 0xff);
    const want = h32Raw(b, 0) >>> 0;
    assert.is(xxh32(b), want, `host, length ${n}`);
    const p = heap.put(b), state = heap.alloc(32);
    x.xxh32_start(state, 7);
    let o = 0;
    while (n - o >= 16 && r() % 4 !== 0) { const k = 16 * (1 + (r() % Math.min(64, (n - o) >> 4))); x.xxh32_update(state, p + o, k); o += k; }
    const body = (n - o) & ~15;
    x.xxh32_update(state, p + o, body);
    assert.is(x.xxh32_digest(state, p + o + body, n - o - body, n) >>> 0, h32Raw(b, 7) >>> 0, `streamed, length ${n}`);
    heap.free(p); heap.free(state);
  }
});

test('xxh32_digest with a total length of 2^32 or more: the length enters modulo 2^32, and a short tail still takes the long-input merge', async () => {
  await getAlloy();
  const x = wasm(), r = rng(31);
  for (const n of [0, 5, 15, 16, 35, 100]) {
    const b = new Uint8Array(n).map(() => r() & 0xff);
    const p = heap.put(b), state = heap.alloc(32);
    for (const total of [2 ** 32 + n, 2 ** 33 + n, 2 ** 40 + n, 2 ** 52 + n]) {
      x.xxh32_start(state, 0);
      const body = n & ~15;
      x.xxh32_update(state, p, body);
      assert.is(x.xxh32_digest(state, p + body, n - body, total) >>> 0, ref(b, 0, total), `tail ${n}, total ${total}`);
    }
    // the same bytes as the whole input: the plain hash
    x.xxh32_start(state, 0);
    x.xxh32_update(state, p, n & ~15);
    assert.is(x.xxh32_digest(state, p + (n & ~15), n & 15, n) >>> 0, ref(b), `total ${n}`);
    heap.free(p); heap.free(state);
  }
});

test('a large input (3 MB) matches; every single-bit flip in a 64-byte window changes the hash', async () => {
  await getAlloy();
  const { h32Raw } = await xxhash();
  const r = rng(9);
  const b = new Uint8Array(3_000_017).map(() => r() & 0xff);
  assert.is(xxh32(b), h32Raw(b, 0) >>> 0);
  const w = b.subarray(1_499_968, 1_500_160), h0 = xxh32(w);
  for (let bit = 0; bit < 512; bit++) {
    const i = 64 + (bit >> 3), m = 1 << (bit & 7);
    w[i] ^= m;
    assert.is.not(xxh32(w), h0, `bit ${bit}`);
    w[i] ^= m;
  }
  assert.is(xxh32(w), h0);
});

test.run();

// Weight packing in place (dst == w: the block sized for the packed weights, the row-major weights
// at its start) gives the same bytes as packing into a separate block, for every packer load()
// uses in place, at panel counts and row lengths around the 8-row panel and the 8-pair SIMD step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const Ns = [1, 2, 7, 8, 9, 15, 16, 17, 24, 33];
const Ks = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 100];

function same(pack: (w: number, dst: number) => void, rowMajor: Uint8Array, packedBytes: number, what: string) {
  const w = heap.put(rowMajor), out = heap.alloc(packedBytes);
  pack(w, out);
  const inPlace = heap.put(rowMajor, packedBytes);
  pack(inPlace, inPlace);
  const a = heap.u8(out, packedBytes), b = heap.u8(inPlace, packedBytes + 16);
  for (let i = 0; i < packedBytes; i++) if (a[i] !== b[i]) assert.unreachable(`${what}: byte ${i}: ${b[i]} in place, ${a[i]} separate`);
  for (let i = packedBytes; i < packedBytes + 16; i++) if (b[i] !== 0) assert.unreachable(`${what}: spare byte ${i - packedBytes} is ${b[i]}`);
  for (const p of [w, out, inPlace]) heap.free(p);
}

test('pack_w_f32, pack_w_i8_k2, pack_w_q (16- and 8-bit codes, i4): in place == separate', async () => {
  const a = await getAlloy();
  const x = wasm();
  const r = rng(77);
  for (const N of Ns) for (const K of Ks) {
    const bytes = (n: number) => new Uint8Array(n).map(() => r() & 0xff);
    same((w, d) => x.pack_w_f32(w, N, K, d), bytes(N * K * 4), x.packed_f32_bytes(N, K), `f32 N=${N} K=${K}`);
    same((w, d) => x.pack_w_i8_k2(w, N, K, d), bytes(N * K), x.packed_w8a8_bytes(N, K), `i8 k2 N=${N} K=${K}`);
    for (const f of ['f16', 'i8', 'f8_e4m3fn', 'i4']) {
      const id = a.format(f).id;
      const codes = f === 'i4' ? new Uint8Array(N * K).map(() => r() & 0x0f) : bytes(N * K * (f === 'f16' ? 2 : 1));
      same((w, d) => x.pack_w_q(id, w, N, K, d), codes, x.packed_q_bytes(id, N, K), `${f} N=${N} K=${K}`);
    }
  }
});

test('alloc_uninit zeroes the 16 spare bytes of a reused block', async () => {
  await getAlloy();
  const x = wasm();
  const p = heap.alloc(100);
  heap.u8(p, 116).fill(0xab);
  heap.free(p);
  const q = heap.alloc(100, false);
  assert.ok(heap.u8(q + 100, 16).every((v: number) => v === 0));
  heap.free(q);
  assert.is(x.alloc_uninit(-1), 0);
});

test.run();

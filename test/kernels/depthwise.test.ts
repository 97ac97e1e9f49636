// dwconv_f32_f32_f32__simd128_4x4 equals dwconv_f32_f32_f32__scalar bit for bit (any NaN equals any NaN: wasm
// leaves NaN payloads to the engine) on awkward shapes, and writes nothing past its output.
// The kernel's paths and what reaches them:
//   finite weights -> dw_fast: border pixels and interior remainders (`pixel`: 16-channel steps,
//     then single vectors, partial last vector), interior tiles of 4 pixels per channel vector:
//     stride 1 KW 3 (tiles_s1k3), stride 1 other KW (tiles_s1), stride 2 (tiles_s2, odd and even
//     KW), other strides or dilation (tiles_any), rows split in chunks when wide.
//   non-finite weights (0 * inf = NaN in a padded tap) or huge pads -> dw_any.
// Data mixes random values with exact small integers and signed zeros, so sums cancel to exactly 0
// and products are -0: the fast path's shortcuts (skipped padded taps, no +0 without bias, clamps
// by pmin/pmax) rest on the accumulator never being -0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy, wasm, heap, rng } from '../util.ts';

const outDim = (size: number, k: number, s: number, p0: number, p1: number, d: number) =>
  Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;

/** Random f32 data; kind 0: uniform in (-1, 1); 1: small integers and signed zeros; 2: 1 plus specials. */
function data(n: number, seed: number, kind: number, specials: number[] = []): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (kind === 0) a[i] = ((u >>> 8) - 8388608) * 2 ** -23;
    else a[i] = [-2, -1, -0, 0, 0, 1, 2, 0.5][u & 7];
    if (kind === 2 && specials.length && (u >>> 28) === 0) a[i] = specials[(u >>> 3) % specials.length];
  }
  return a;
}

const SENTINEL = 0x5a5a5a5a;   // a finite float no case computes: shows unwritten outputs
const GUARD = 64;              // bytes after y that must stay untouched

interface Case {
  N: number; H: number; W: number; C: number; KH: number; KW: number; sH: number; sW: number;
  pads: [number, number, number, number]; dH: number; dW: number; act: number; bias: boolean;
  xKind?: number; wKind?: number; xSpecials?: number[]; wSpecials?: number[]; wSet?: [number, number][];
}

let seed = 1;
function run(c: Case): void {
  const x = wasm();
  const { N, H, W, C, KH, KW, sH, sW, pads, dH, dW, act } = c;
  const OH = outDim(H, KH, sH, pads[0], pads[2], dH), OW = outDim(W, KW, sW, pads[1], pads[3], dW);
  const what = `N=${N} ${H}x${W}x${C} k${KH}x${KW} s${sH},${sW} p${pads} d${dH},${dW} act${act} bias=${c.bias}`;
  assert.ok(OH >= 1 && OW >= 1, what);
  const xs = data(N * H * W * C, seed++, c.xKind ?? 0, c.xSpecials), ws = data(KH * KW * C, seed++, c.wKind ?? 0, c.wSpecials);
  for (const [i, v] of c.wSet ?? []) ws[i] = v;
  const bs = c.bias ? data(C, seed++, (seed & 1) ? 0 : 1) : null;
  const px = heap.put(xs), pw = heap.put(ws), pb = bs ? heap.put(bs) : 0;
  const ylen = N * OH * OW * C;
  const y1 = heap.alloc(ylen * 4 + GUARD), y2 = heap.alloc(ylen * 4 + GUARD);
  new Uint32Array(heap.buffer(), y1, ylen + GUARD / 4).fill(SENTINEL);
  const args = [px, N, H, W, C, pw, pb, KH, KW, sH, sW, ...pads, dH, dW] as const;
  assert.is(x.dwconv_f32_f32_f32__simd128_4x4(...args, y1, OH, OW, act), 0, what);
  assert.is(x.dwconv_f32_f32_f32__scalar(...args, y2, OH, OW, act), 0, what);
  const a = new Uint32Array(heap.buffer(), y1, ylen + GUARD / 4), b = new Uint32Array(heap.buffer(), y2, ylen);
  const fa = new Float32Array(a.buffer, a.byteOffset, ylen), fb = new Float32Array(b.buffer, b.byteOffset, ylen);
  for (let i = 0; i < ylen; i++) {
    if (a[i] === b[i] || (Number.isNaN(fa[i]) && Number.isNaN(fb[i]))) continue;
    assert.unreachable(`${what}: output ${i} (n,oh,ow,c = ${Math.floor(i / (OH * OW * C))},${Math.floor(i / (OW * C)) % OH},${Math.floor(i / C) % OW},${i % C}) simd ${a[i].toString(16)} ref ${b[i].toString(16)}`);
  }
  for (let i = ylen; i < ylen + GUARD / 4; i++) if (a[i] !== SENTINEL) assert.unreachable(`${what}: wrote past the output (word ${i - ylen})`);
  // relu / relu6 never give -0 (max(v, +0) of an exact-zero sum that started at +0)
  if (act !== 0) for (let i = 0; i < ylen; i++) if (a[i] === 0x80000000) assert.unreachable(`${what}: output ${i} is -0 after relu`);
  for (const p of [px, pw, pb, y1, y2]) heap.free(p);
}

const Cs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 18, 24, 33];
const HWs = [1, 2, 3, 5, 7, 17, 33];
const kernels: [number, number][] = [[1, 1], [3, 3], [5, 5], [3, 5], [5, 3], [2, 4]];
type Pad = (KH: number, KW: number, dH: number, dW: number) => [number, number, number, number];
const padModes: Record<string, Pad> = {
  valid: () => [0, 0, 0, 0],
  same: (KH, KW, dH, dW) => { const ph = dH * (KH - 1), pw = dW * (KW - 1); return [ph >> 1, pw >> 1, ph - (ph >> 1), pw - (pw >> 1)]; },
  asym: (KH, KW) => [KH - 1, 0, 1, KW],            // more than the kernel on one side, none on the other
  big: (KH, KW) => [KH + 1, KW + 1, KH, KW + 2],   // whole rows / columns of padding
};

test('awkward shapes: every C, H, W, kernel, stride, padding, dilation; N 1 and 2; all activations; bias or not', async () => {
  await getAlloy();
  let cases = 0;
  for (const [KH, KW] of kernels) for (const s of [1, 2, 3]) for (const d of [1, 2]) for (const pm of Object.keys(padModes)) {
    if (d === 2 && (KH === 1 || s === 3)) continue;
    const pads = padModes[pm](KH, KW, d, d);
    for (let k = 0; k < HWs.length; k++) {
      const H = HWs[k], W = HWs[(k * 3 + cases) % HWs.length];
      if (outDim(H, KH, s, pads[0], pads[2], d) < 1 || outDim(W, KW, s, pads[1], pads[3], d) < 1) continue;
      for (let j = 0; j < 2; j++) {
        const C = Cs[(cases * 5 + j * 7) % Cs.length];
        run({ N: cases % 5 === 0 ? 2 : 1, H, W, C, KH, KW, sH: s, sW: s, pads, dH: d, dW: d, act: cases % 3, bias: cases % 4 !== 1, xKind: cases % 2 });
        cases++;
      }
    }
  }
  assert.ok(cases > 500, `${cases} cases`);
});

test('every C on wide rows (tiles of 4, remainders, chunked rows), strides 1 2 3, dilation, mixed strides', async () => {
  await getAlloy();
  const geos: [number, number, number, number, number, number][] = [   // KH KW sH sW dH dW
    [3, 3, 1, 1, 1, 1], [5, 5, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [3, 5, 1, 1, 1, 1], [3, 3, 2, 2, 1, 1], [5, 5, 2, 2, 1, 1],
    [2, 4, 2, 2, 1, 1], [3, 3, 3, 3, 1, 1], [3, 3, 1, 1, 2, 2], [3, 3, 2, 1, 1, 1], [3, 3, 1, 2, 1, 1], [3, 3, 1, 1, 1, 2],
  ];
  let k = 0;
  for (const C of Cs) for (const [KH, KW, sH, sW, dH, dW] of geos) {
    const W = [33, 67, 130][k % 3] + (k % 4), H = dH * (KH - 1) + 1 + (k % 5);
    const pm = ['same', 'valid', 'asym', 'same'][k % 4];
    run({ N: 1, H, W, C, KH, KW, sH, sW, pads: padModes[pm](KH, KW, dH, dW), dH, dW, act: k % 3, bias: k % 2 === 0, xKind: k % 2, wKind: (k >> 1) % 2 });
    k++;
  }
});

test('rows long enough for several chunks per row, N = 2', async () => {
  await getAlloy();
  // chunk = 16384 / (KH * 4 * sW * min(4C, 64)) tiles: 21 for 3x3 s1 C >= 16, 10 for 3x3 s2, 12 for 5x5 s1
  for (const [C, K, s, W] of [[16, 3, 1, 200], [17, 3, 1, 190], [16, 3, 2, 260], [33, 5, 1, 150], [8, 3, 1, 700], [1, 3, 1, 1400], [20, 5, 2, 140]])
    run({ N: 2, H: 4, W, C, KH: K, KW: K, sH: s, sW: s, pads: padModes.same(K, K, 1, 1), dH: 1, dW: 1, act: 2, bias: true });
});

test('NaN and inf inputs (fast path) and weights (general path): equal to the reference (non-NaN bits exactly; NaN where it has NaN, any payload)', async () => {
  await getAlloy();
  const sp = [NaN, Infinity, -Infinity, -0, 3.4e38, -3.4e38, 1e-45];
  let k = 0;
  for (const C of [1, 4, 5, 6, 16, 17, 33]) for (const [K, s, pm] of [[3, 1, 'same'], [5, 1, 'big'], [3, 2, 'asym'], [3, 3, 'same'], [1, 1, 'valid']] as [number, number, string][]) {
    const base = { N: 1, H: 7, W: 17, C, KH: K, KW: K, sH: s, sW: s, pads: padModes[pm](K, K, 1, 1), dH: 1, dW: 1 };
    run({ ...base, act: k % 3, bias: k % 2 === 0, xKind: 2, xSpecials: sp });
    // one weight forced non-finite (the random specials alone miss small C): the general path
    const wSet: [number, number][] = [[(7 * k) % (K * K * C), k % 2 ? Infinity : NaN]];
    run({ ...base, act: (k + 1) % 3, bias: k % 2 === 1, wKind: 2, wSpecials: sp, wSet });
    run({ ...base, act: (k + 2) % 3, bias: true, xKind: 2, wKind: 2, xSpecials: sp, wSpecials: sp, wSet });
    k++;
  }
});

test('padded taps take part: an infinite weight seen only by border pixels makes them NaN', async () => {
  await getAlloy();
  // 3x3 SAME: tap (0, 0) of the top-left output reads padding, so 0 * inf = NaN there (and finite
  // weights elsewhere); the kernel must not skip the padded tap when a weight is not finite.
  for (const C of [1, 4, 8, 9, 16, 33]) for (const v of [Infinity, -Infinity, NaN]) {
    run({ N: 1, H: 6, W: 9, C, KH: 3, KW: 3, sH: 1, sW: 1, pads: [1, 1, 1, 1], dH: 1, dW: 1, act: 0, bias: false, wSet: [[0, v]] });
    run({ N: 1, H: 6, W: 9, C, KH: 3, KW: 3, sH: 1, sW: 1, pads: [1, 1, 1, 1], dH: 1, dW: 1, act: 2, bias: true, wSet: [[8 * C + C - 1, v]] });
  }
  // and the output does contain NaN at the corner: check one directly
  const x = wasm();
  const C = 4, xs = new Float32Array(9 * C).fill(1), ws = new Float32Array(9 * C).fill(1);
  ws[0] = Infinity;
  const px = heap.put(xs), pw = heap.put(ws), py = heap.alloc(9 * C * 4);
  assert.is(x.dwconv_f32_f32_f32__simd128_4x4(px, 1, 3, 3, C, pw, 0, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, py, 3, 3, 0), 0);
  const y = heap.f32(py, 9 * C);
  assert.ok(Number.isNaN(y[0]), 'top-left channel 0 reads a padded tap with weight inf');
  assert.is(y[4 * C], Infinity, 'the centre reads x = 1 there');
  assert.is(y[1], 4, 'channel 1 of the corner: 4 valid taps of 1 * 1');
  for (const p of [px, pw, py]) heap.free(p);
});

test('exact cancellations and signed zeros: relu of a sum that is exactly 0 is +0, never -0', async () => {
  await getAlloy();
  for (const C of [1, 4, 7, 16, 24]) for (const act of [0, 1, 2]) for (const [K, s] of [[3, 1], [5, 1], [3, 2], [3, 3]]) {
    run({ N: 1, H: 9, W: 21, C, KH: K, KW: K, sH: s, sW: s, pads: padModes.same(K, K, 1, 1), dH: 1, dW: 1, act, bias: act !== 1, xKind: 1, wKind: 1 });
  }
});

test('pads: asymmetric ones, and a padded size of 2^30 or more (the general path), stay bit-identical', async () => {
  await getAlloy();
  run({ N: 1, H: 3, W: 5, C: 5, KH: 3, KW: 3, sH: 1, sW: 1, pads: [1, 2, 1, 2], dH: 1, dW: 1, act: 1, bias: true });
  // padded size >= 2^30: every output reads padding only (acc = 0, then bias and activation)
  const big = 2 ** 30;
  run({ N: 1, H: 2, W: 2, C: 5, KH: 1, KW: 1, sH: big, sW: big, pads: [big, big, 0, 0], dH: 1, dW: 1, act: 2, bias: true });
});

test.run();

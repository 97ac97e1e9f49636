// Same-process A/B of two builds of alloy.wasm: both instantiated side by side, the same GEMM
// kernels timed in alternation on the same inputs (median of 21 per-round ratios B/A), and their
// outputs compared bit for bit. Names before the kernel table (3edbd23 and earlier) are mapped.
// Usage: node bench/ab.mjs A.wasm B.wasm   (e.g. a copy of an earlier build/ against build/)
import { readFileSync } from 'node:fs';
const inst = (p) => new WebAssembly.Instance(new WebAssembly.Module(readFileSync(p)), { env: { abort() { throw new Error('abort'); }, seed: () => 0 } }).exports;
const [pa, pb] = process.argv.slice(2);
if (!pa || !pb) { console.error('usage: node bench/ab.mjs A.wasm B.wasm'); process.exit(2); }
const O = inst(pa), N = inst(pb);
function setup(x, M, K, Nn) {
  const f = (n, s) => { const p = x.alloc(n * 4 + 64); const a = new Float32Array(x.memory.buffer, p, n); for (let i = 0; i < n; i++) a[i] = ((i * 2654435761 + s) % 1000) / 1000 - 0.5; return p; };
  const xp = f(M * K, 1), wp = f(Nn * K, 2), bp = f(Nn, 3), yp = x.alloc(M * Nn * 4 + 64);
  const pk = x.alloc(x.packed_f32_bytes(Nn, K) + 64); x.pack_w_f32(wp, Nn, K, pk);
  const i8 = x.alloc(Nn * K + 64); new Int8Array(x.memory.buffer, i8, Nn * K).forEach((_, i, a) => { a[i] = (i * 37) % 255 - 127; });
  const pq = x.alloc(x.packed_w8a8_bytes(Nn, K) + 64); x.pack_w_i8_k2(i8, Nn, K, pq);
  const K2 = (K + 1) >> 1, xq = x.alloc(M * K2 * 4 + 64), sx = x.alloc(M * 4 + 64), tmp = x.alloc(M * K + 64);
  return { xp, wp, bp, yp, pk, pq, xq, sx, tmp, sw: bp };
}
const cases = [
  ['gemm f32 M=1 784x512', 1, 784, 512, (x, s, n) => x[n.f32](s.xp, 1, 784, s.pk, s.bp, 512, s.yp, 1)],
  ['gemm f32 M=32 784x512', 32, 784, 512, (x, s, n) => x[n.f32](s.xp, 32, 784, s.pk, s.bp, 512, s.yp, 1)],
  ['gemm f32 M=256 256x256', 256, 256, 256, (x, s, n) => x[n.f32](s.xp, 256, 256, s.pk, s.bp, 256, s.yp, 1)],
  ['conv1x1 P=1024 K=64 N=96', 1024, 64, 96, (x, s, n) => x[n.pw](s.xp, 1024, 64, s.pk, s.bp, 96, s.yp, 1)],
  ['w8a8 M=32 784x512', 32, 784, 512, (x, s, n) => { x[n.qr](s.xp, 32, 784, s.xq, s.sx, s.tmp); x[n.w8](s.xq, s.sx, 32, 784, s.pq, s.sw, s.bp, 512, s.yp, 1); }],
];
const TABLE = { f32: 'gemm_f32_f32_f32__simd128_5x8', pw: 'conv1x1_f32_f32_f32__simd128_4x8', w8: 'gemm_i8_i8_i32__simd128_4x8', qr: 'quant_rows_f32_i8__simd128' };
const BEFORE = { f32: 'dense_f32', pw: 'pointwise_f32', w8: 'dense_w8a8', qr: 'quant_rows_i8' };
const namesOf = (x) => (x[TABLE.f32] ? TABLE : BEFORE);
const names = { old: namesOf(O), new: namesOf(N) };
const med = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
for (const [label, M, K, Nn, run] of cases) {
  const so = setup(O, M, K, Nn), sn = setup(N, M, K, Nn);
  const time = (x, s, n) => { const reps = Math.max(1, Math.round(2e7 / (M * K * Nn))); const t = performance.now(); for (let i = 0; i < reps; i++) run(x, s, n); return (performance.now() - t) / reps; };
  for (let i = 0; i < 5; i++) { time(O, so, names.old); time(N, sn, names.new); }
  const to = [], tn = [], r = [];
  for (let i = 0; i < 21; i++) { const a = time(O, so, names.old), b = time(N, sn, names.new); to.push(a); tn.push(b); r.push(b / a); }
  // same output bits
  const yo = new Uint8Array(O.memory.buffer, so.yp, M * Nn * 4), yn = new Uint8Array(N.memory.buffer, sn.yp, M * Nn * 4);
  const same = yo.every((v, i) => v === yn[i]);
  console.log(`${label.padEnd(28)} A ${med(to).toFixed(4)} ms  B ${med(tn).toFixed(4)} ms  median(B/A) ${med(r).toFixed(3)}  same bits ${same}`);
}

// Plain-JS readings of the ONNX pooling definitions (oracles for test/nd/pool.test.ts and
// test/ops/pool.test.ts): output sizes and one window at a time.

export const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const f = Math.fround;

export interface Geo { N: number; C: number; ins: number[]; k: number[]; s: number[]; d: number[]; pb: number[]; pe: number[]; outs: number[] }

export function outDims(g: Omit<Geo, 'outs'>, ceil: boolean): number[] {
  return g.ins.map((n, i) => {
    const span = n + g.pb[i] + g.pe[i] - (g.d[i] * (g.k[i] - 1) + 1);
    let o = (ceil ? Math.ceil(span / g.s[i]) : Math.floor(span / g.s[i])) + 1;
    if (ceil && (o - 1) * g.s[i] >= n + g.pb[i]) o--;
    return o;
  });
}

/** The ONNX definition, one window at a time (oracle). mode 0 max, 1 avg, 2 avg incl. pads, 3 Lp. */
export function poolOracle(x: ArrayLike<number>, g: Geo, mode: number, p: number, order: number): { y: number[]; idx: number[] } {
  const y: number[] = [], idx: number[] = [];
  const inSz = prod(g.ins);
  const strides = g.ins.map((_, i) => prod(g.ins.slice(i + 1)));
  const colStrides = g.ins.map((_, i) => prod(g.ins.slice(0, i)));
  for (let nc = 0; nc < g.N * g.C; nc++) {
    for (let o = 0; o < prod(g.outs); o++) {
      const oi = g.outs.map((_, i) => Math.floor(o / prod(g.outs.slice(i + 1))) % g.outs[i]);
      let m = -Infinity, arg = -1, s = 0, cnt = 0, cntPad = 0;
      for (let t = 0; t < prod(g.k); t++) {
        const ki = g.k.map((_, i) => Math.floor(t / prod(g.k.slice(i + 1))) % g.k[i]);
        const pos = ki.map((kk, i) => oi[i] * g.s[i] - g.pb[i] + kk * g.d[i]);
        if (pos.every((v, i) => v >= -g.pb[i] && v < g.ins[i] + g.pe[i])) cntPad++;
        if (!pos.every((v, i) => v >= 0 && v < g.ins[i])) continue;
        const e = pos.reduce((a, v, i) => a + v * strides[i], 0);
        const v = x[nc * inSz + e];
        cnt++;
        if (v > m || arg < 0) { if (v > m) m = v; arg = order === 0 ? e : pos.reduce((a, q, i) => a + q * colStrides[i], 0); }
        s = mode === 3 ? s + Math.abs(v) ** p : f(s + v);
      }
      y.push(mode === 0 ? m : mode === 1 ? f(s / cnt) : mode === 2 ? f(s / cntPad) : s ** (1 / p));
      idx.push(nc * inSz + arg);
    }
  }
  return { y, idx };
}


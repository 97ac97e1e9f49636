// A seeded MLP (784-512-256-128-64-10 by default): weights from an integer PRNG mapped to floats
// by exact operations only, so every JS engine builds the same bytes. Used by the demo, the
// benchmarks and the cross-runtime corpus.

type Writer = (b: any) => Uint8Array;

/** xorshift32: exact in every engine (>>> and ^ only). */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** Uniform in [-a, a) with a a power of two: ((u >>> 8) - 2^23) * 2^-23 * a is exact. */
export function uniform(n: number, a: number, next: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((next() >>> 8) - 8388608) * 2 ** -23 * a;
  return out;
}

/** Power of two nearest to 1/sqrt(fanIn), from integer bit lengths only. */
export function initScale(fanIn: number): number {
  const half = Math.round((32 - Math.clz32(fanIn) - 1) / 2);
  return 2 ** -half;
}

export const MLP_LAYERS = [784, 512, 256, 128, 64, 10];

export function seededMLP(writeBundle: Writer, layers = MLP_LAYERS, seed = 1): Uint8Array {
  const next = xorshift32(seed);
  const tensors: Record<string, any> = {};
  const nodes: any[] = [];
  let prev = 'x';
  for (let l = 0; l + 1 < layers.length; l++) {
    const [K, N] = [layers[l], layers[l + 1]];
    const name = `fc${l + 1}`;
    tensors[`${name}.weight`] = { format: 'f32', shape: [N, K], data: uniform(N * K, initScale(K), next) };
    tensors[`${name}.bias`] = { format: 'f32', shape: [N], data: uniform(N, 2 ** -4, next) };
    const last = l + 2 === layers.length;
    const out = last ? 'logits' : `h${l + 1}`;
    nodes.push({ name, op: 'Dense', inputs: [prev, `${name}.weight`, `${name}.bias`], outputs: [out], attrs: { activation: last ? 'none' : 'relu' } });
    prev = out;
  }
  nodes.push({ name: 'softmax', op: 'Softmax', inputs: ['logits'], outputs: ['probs'] });
  return writeBundle({
    graph: {
      inputs: [{ name: 'x', shape: [-1, layers[0]], format: 'f32' }],
      outputs: [{ name: 'probs', shape: [-1, layers[layers.length - 1]], format: 'f32' }],
      nodes,
    },
    tensors,
    metadata: { model: `seeded MLP ${layers.join('-')}`, seed },
  });
}

/** n inputs in [0, 1): (u >>> 8) * 2^-24, exact. */
export function seededInputs(n: number, dim: number, seed = 2): Float32Array {
  const next = xorshift32(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = (next() >>> 8) * 2 ** -24;
  return out;
}

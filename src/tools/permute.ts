// Host-side data movement shared by the importers and the quantizer: a tensor's values reordered
// by an axis permutation (weight layouts at import, per-axis scales; no arithmetic on the values).

export type Data = Float32Array | Uint16Array | Int16Array | Int8Array | Uint8Array | Int32Array | number[];

/** Row-major permutation of any element array: out dims = dims[perm[i]]. */
export function permute<T extends Data>(data: T, dims: number[], perm: number[]): T {
  const r = dims.length;
  const out = (Array.isArray(data) ? new Array(data.length) : new (data.constructor as any)(data.length)) as T;
  if (r === 0 || data.length === 0) { (out as any).set ? (out as any).set(data) : data.forEach((v, i) => ((out as any)[i] = v)); return out; }
  const od = perm.map((p) => dims[p]);
  const inStride = new Array(r).fill(1);
  for (let i = r - 2; i >= 0; i--) inStride[i] = inStride[i + 1] * dims[i + 1];
  const st = perm.map((p) => inStride[p]);
  const idx = new Array(r).fill(0);
  const n = data.length;
  let src = 0;
  for (let o = 0; o < n; o++) {
    (out as any)[o] = (data as any)[src];
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++; src += st[k];
      if (idx[k] < od[k]) break;
      src -= st[k] * od[k]; idx[k] = 0;
    }
  }
  return out;
}

// .npy files (NumPy format 1.0 / 2.0): little-endian f4 / f8 / i1 / u1 / i4 / i8 arrays in C order.
// see: numpy.lib.format (NEP 1).
import { AlloyError } from '../../runtime/errors.js';
import { elements } from '../../runtime/bundle/layout.js';

export interface NpyArray { data: Float32Array; shape: number[] }

export function readNpy(bytes: Uint8Array, where: string): NpyArray {
  const bad = (m: string): never => { throw new AlloyError('BAD_ARGUMENT', `${where}: ${m}`); };
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') bad('not a .npy file');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + hlen;
  if (start > bytes.length) bad('header runs past the end');
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) bad('unreadable header');
  if (fortran === 'True') bad('Fortran-order arrays are not supported');
  const shape = shapeText!.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) bad(`bad shape (${shapeText})`);
  const n = shape.reduce((a, b) => a * b, 1);
  const kinds: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => dv.getFloat32(o, true)], '<f8': [8, (o) => dv.getFloat64(o, true)], '|i1': [1, (o) => dv.getInt8(o)], '|u1': [1, (o) => dv.getUint8(o)],
    '<i4': [4, (o) => dv.getInt32(o, true)], '<i8': [8, (o) => Number(dv.getBigInt64(o, true))],
  };
  const k = kinds[descr!];
  if (!k) bad(`dtype ${descr} is not supported (f4, f8, i1, u1, i4, i8)`);
  if (start + n * k[0] > bytes.length) bad(`${n} values of ${descr} need ${n * k[0]} bytes after the header`);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = k[1](start + i * k[0]);
  return { data, shape };
}

/** A JSON tensor: a nested array, or { data, shape } (data nested or flat); the values must fill
 *  the shape. */
export function readJsonTensor(bytes: Uint8Array, where: string): NpyArray {
  const bad = (m: string): never => { throw new AlloyError('BAD_ARGUMENT', `${where}: ${m}`); };
  let j: any;
  try { j = JSON.parse(new TextDecoder().decode(bytes)); } catch (e) { return bad((e as Error).message); }
  const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [Number(a)]);
  const dims = (a: unknown): number[] => (Array.isArray(a) ? [a.length, ...dims(a[0])] : []);
  const arr = j?.data ?? j;
  const data = Float32Array.from(flat(arr));
  const shape: number[] = j?.shape ?? dims(arr);
  if (!Array.isArray(shape) || elements(shape) !== data.length) bad(`${data.length} values for shape ${JSON.stringify(shape)}`);
  return { data, shape };
}

export function writeNpy(a: NpyArray): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + a.data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), 10 + header.length);
  return out;
}

// Calibration data for the planner (Node): .npy, raw .f32 with a shape, JSON, or a folder of
// PNG / JPEG images; labels from .npy or .json; a seeded subset of samples.
//
// Images: decoded to RGBA 8-bit (pngjs, jpeg-js), resized to the model input by bilinear
// interpolation with half-pixel centres (src = (dst + 0.5) * in / out - 0.5, clamped to the edge,
// as OpenCV INTER_LINEAR / PyTorch align_corners=False without antialias), converted to the
// model's channels (1: luma 0.299 R + 0.587 G + 0.114 B; 3: RGB; 4: RGBA), then normalised per
// channel: x = (v * scale - mean[c]) / std[c] with v in 0..255 (scale default 1/255, mean 0,
// std 1). Layouts: nhwc (input [N, H, W, C]), nchw ([N, C, H, W]) and flat ([N, H*W*C], HWC order;
// give the image size with size=HxW when the input shape does not say it). Files in name order.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { readNpy, readJsonTensor } from '../io/npy.js';
import { AlloyError } from '../../runtime/errors.js';
import { sampleIndices } from './rng.js';
import type { Dataset } from './planner.js';
import type { Labels } from './metrics.js';
// @ts-ignore: no type declarations shipped
import pngjs from 'pngjs';
// @ts-ignore: no type declarations shipped
import jpeg from 'jpeg-js';
import { elements } from '../../runtime/bundle/layout.js';

const bad = (m: string): never => { throw new AlloyError('BAD_ARGUMENT', m); };

export interface ImageOptions {
  layout?: 'nhwc' | 'nchw' | 'flat';
  /** output size when the input shape does not give it (flat layout) */
  height?: number; width?: number; channels?: number;
  mean?: number[]; std?: number[]; scale?: number;
}


/** decode a PNG or JPEG file to RGBA 8-bit */
export function decodeImage(bytes: Uint8Array, where: string): { width: number; height: number; rgba: Uint8Array } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) { const p = pngjs.PNG.sync.read(buf); return { width: p.width, height: p.height, rgba: new Uint8Array(p.data) }; }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) { const j = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true }); return { width: j.width, height: j.height, rgba: j.data }; }
  } catch (e) { return bad(`${where}: cannot decode: ${(e as Error).message}`); }
  return bad(`${where}: not a PNG or JPEG file`);
}

/** bilinear, half-pixel centres, edge clamp: RGBA [h, w, 4] -> f32 [H, W, 4] (0..255) */
export function resizeBilinear(rgba: Uint8Array, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H * 4);
  const sx = w / W, sy = h / H;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(h - 1, y0 + 1), ay = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(w - 1, x0 + 1), ax = fx - x0;
      for (let c = 0; c < 4; c++) {
        const a = rgba[(y0 * w + x0) * 4 + c], b = rgba[(y0 * w + x1) * 4 + c], d = rgba[(y1 * w + x0) * 4 + c], e = rgba[(y1 * w + x1) * 4 + c];
        out[(y * W + x) * 4 + c] = (a * (1 - ax) + b * ax) * (1 - ay) + (d * (1 - ax) + e * ax) * ay;
      }
    }
  }
  return out;
}

/** one image -> model input values (layout, channels, normalisation as in the header comment) */
export function imageToInput(img: { width: number; height: number; rgba: Uint8Array }, H: number, W: number, C: number, o: ImageOptions): Float32Array {
  const r = resizeBilinear(img.rgba, img.width, img.height, W, H);
  const scale = o.scale ?? 1 / 255, mean = o.mean ?? [0], std = o.std ?? [1];
  const out = new Float32Array(H * W * C);
  const nchw = o.layout === 'nchw';
  for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) {
    const v = C === 1 ? 0.299 * r[p * 4] + 0.587 * r[p * 4 + 1] + 0.114 * r[p * 4 + 2] : r[p * 4 + c];
    const x = (v * scale - (mean[c] ?? mean[0])) / (std[c] ?? std[0]);
    out[nchw ? c * H * W + p : p * C + c] = x;
  }
  return out;
}

function imageDims(inputShape: number[], o: ImageOptions): [number, number, number] {
  const s = inputShape.slice(1);
  const layout = o.layout ?? (s.length === 3 ? 'nhwc' : 'flat');
  if (layout === 'nhwc' && s.length === 3) return [s[0], s[1], s[2]];
  if (layout === 'nchw' && s.length === 3) return [s[1], s[2], s[0]];
  const C = o.channels ?? 1;
  const n = elements(s);
  const H = o.height ?? Math.round(Math.sqrt(n / C)), W = o.width ?? H;
  if (H * W * C !== n) bad(`images: input ${JSON.stringify(inputShape)} is not ${H}x${W}x${C}; pass size=HxW and channels`);
  return [H, W, C];
}

/** Load calibration inputs from a path: .npy, .json, .f32 (with shape), or a folder of images. */
export function loadInputs(path: string, inputShape: number[], o: ImageOptions & { shape?: number[] } = {}): { x: Float32Array; shape: number[]; files?: string[] } {
  let st;
  try { st = statSync(path); } catch { return bad(`--calib ${path}: no such file or folder`); }
  const per = elements(inputShape.slice(1));
  const fit = (data: Float32Array, where: string) => {
    if (data.length % per) bad(`${where}: ${data.length} values is not a whole number of inputs of ${per} (${JSON.stringify(inputShape)})`);
    return { x: data, shape: [data.length / per, ...inputShape.slice(1)] };
  };
  if (st.isDirectory()) {
    const files = readdirSync(path).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
    if (!files.length) bad(`--calib ${path}: no .png / .jpg / .jpeg files`);
    const [H, W, C] = imageDims(inputShape, o);
    const x = new Float32Array(files.length * per);
    files.forEach((f, i) => x.set(imageToInput(decodeImage(new Uint8Array(readFileSync(join(path, f))), f), H, W, C, o), i * per));
    return { x, shape: [files.length, ...inputShape.slice(1)], files };
  }
  const bytes = new Uint8Array(readFileSync(path));
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return fit(readNpy(bytes, path).data, path);
  if (ext === '.json') return fit(readJsonTensor(bytes, path).data, path);
  if (bytes.length % 4) bad(`${path}: raw f32 file of ${bytes.length} bytes is not a whole number of floats`);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
  if (o.shape && elements(o.shape) !== data.length) bad(`${path}: ${data.length} floats for --shape ${o.shape.join(',')}`);
  return fit(data, path);
}

export function loadLabels(path: string): Labels {
  const bytes = new Uint8Array(readFileSync(path));
  return path.toLowerCase().endsWith('.npy') ? readNpy(bytes, path) : readJsonTensor(bytes, path);
}

/** A seeded subset of n samples (ascending indices) of inputs and labels. */
export function subset(x: Float32Array, shape: number[], labels: Labels | undefined, n: number, seed: number): Dataset {
  const total = shape[0];
  if (labels && labels.shape[0] !== total) bad(`labels: ${labels.shape[0]} rows for ${total} samples`);
  const idx = sampleIndices(total, n, seed);
  const per = elements(shape.slice(1));
  const xs = new Float32Array(idx.length * per);
  idx.forEach((s, i) => xs.set(x.subarray(s * per, (s + 1) * per), i * per));
  let ls: Labels | undefined;
  if (labels) {
    const lp = labels.data.length / total;
    const d = new Float32Array(idx.length * lp);
    idx.forEach((s, i) => d.set(labels.data.subarray(s * lp, (s + 1) * lp), i * lp));
    ls = { data: d, shape: [idx.length, ...labels.shape.slice(1)] };
  }
  return { x: xs, shape: [idx.length, ...shape.slice(1)], labels: ls };
}

// Plain-JS casts, written the way a JS library would, as the baseline of the cast benchmark.
// Round to nearest even, saturating. Not used by Alloy itself.

const f = new Float32Array(1);
const u = new Uint32Array(f.buffer);

export function f16EncodeJS(src: Float32Array, dst: Uint16Array): void {
  for (let i = 0; i < src.length; i++) {
    f[0] = src[i];
    const b = u[0], sign = (b >>> 16) & 0x8000, a = b & 0x7fffffff;
    let h: number;
    if (a > 0x7f800000) h = 0x7e00;
    else if (a >= 0x477ff000) h = 0x7bff;                 // >= 65520: saturate
    else if (a < 0x38800000) {                          // subnormal f16
      const v = Math.abs(src[i]) * 16777216, fl = Math.floor(v);  // units of 2^-24, exact
      h = v - fl === 0.5 ? fl + (fl & 1) : Math.round(v);
    } else {
      const r = a + 0xfff + ((a >>> 13) & 1);
      h = (r - 0x38000000) >>> 13;
    }
    dst[i] = sign | h;
  }
}

export function f16DecodeJS(src: Uint16Array, dst: Float32Array): void {
  for (let i = 0; i < src.length; i++) {
    const h = src[i], s = h & 0x8000 ? -1 : 1, e = (h >>> 10) & 31, m = h & 1023;
    dst[i] = e === 0 ? s * m * 5.960464477539063e-8 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
}

export function bf16EncodeJS(src: Float32Array, dst: Uint16Array): void {
  const s32 = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) {
    const b = s32[i];
    if ((b & 0x7fffffff) > 0x7f800000) { dst[i] = (b >>> 16) | 0x40; continue; }
    dst[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
}

export function bf16DecodeJS(src: Uint16Array, dst: Float32Array): void {
  const d32 = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) d32[i] = src[i] << 16;
}

// e4m3fn through a sorted table of the 127 non-negative finite values and a binary search.
const E4M3: number[] = [];
for (let c = 0; c < 127; c++) { const e = c >> 3, m = c & 7; E4M3.push(e === 0 ? m / 8 * 2 ** -6 : (1 + m / 8) * 2 ** (e - 7)); }
export function e4m3EncodeJS(src: Float32Array, dst: Uint8Array): void {
  for (let i = 0; i < src.length; i++) {
    const x = src[i], a = Math.abs(x);
    let c: number;
    if (a !== a) c = 0x7f;
    else if (a >= 448) c = 0x7e;
    else {
      let lo = 0, hi = 126;
      while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (E4M3[mid] <= a) lo = mid; else hi = mid; }
      const d0 = a - E4M3[lo], d1 = E4M3[hi] - a;
      c = d0 < d1 ? lo : d1 < d0 ? hi : (lo & 1 ? hi : lo);
    }
    dst[i] = (x < 0 || Object.is(x, -0) ? 0x80 : 0) | c;
  }
}
export function e4m3DecodeJS(src: Uint8Array, dst: Float32Array): void {
  for (let i = 0; i < src.length; i++) { const c = src[i], v = (c & 0x7f) === 0x7f ? NaN : E4M3[c & 0x7f]; dst[i] = c & 0x80 ? -v : v; }
}

export function i8EncodeJS(src: Float32Array, dst: Int8Array, rowLen: number, scales: Float32Array): void {
  for (let i = 0; i < src.length; i++) {
    const q = Math.fround(src[i] / scales[(i / rowLen) | 0]);
    let r = Math.round(q);
    if (r - q === 0.5 && (r & 1)) r -= 1;              // ties to even
    dst[i] = r > 127 ? 127 : r < -128 ? -128 : r;
  }
}
export function i8DecodeJS(src: Int8Array, dst: Float32Array, rowLen: number, scales: Float32Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i] * scales[(i / rowLen) | 0];
}

const E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
export function mxfp4EncodeJS(src: Float32Array, scales: Uint8Array, elems: Uint8Array): void {
  for (let b = 0; b < src.length; b += 32) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[b + j]));
    const e = amax === 0 ? -127 : Math.max(-127, Math.min(127, Math.floor(Math.log2(amax)) - 2));
    scales[b >> 5] = e + 127;
    const inv = 2 ** -e;
    for (let j = 0; j < 32; j++) {
      const x = src[b + j] * inv, a = Math.min(Math.abs(x), 6);
      let best = 0;
      for (let c = 1; c < 8; c++) if (Math.abs(E2M1[c] - a) < Math.abs(E2M1[best] - a) || (Math.abs(E2M1[c] - a) === Math.abs(E2M1[best] - a) && !(c & 1))) best = c;
      elems[b + j] = (x < 0 ? 8 : 0) | best;
    }
  }
}
export function mxfp4DecodeJS(scales: Uint8Array, elems: Uint8Array, dst: Float32Array): void {
  for (let i = 0; i < dst.length; i++) { const c = elems[i], v = E2M1[c & 7] * 2 ** (scales[i >> 5] - 127); dst[i] = c & 8 ? -v : v; }
}

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF: the zlib /
// PNG checksum) over a byte range.
//
// Short ranges: slicing-by-8, eight 256-entry tables, eight bytes a step.
// see: Kounavis & Berry, "A Systematic Approach to Building High Performance Software-Based CRC
// Generators" (Intel, 2005).
//
// Long ranges: 16 interleaved streams in SIMD lanes. Stream s takes bytes 4s..4s+3 of every
// 64-byte block; its register advances by one whole block per step (its 4 bytes, then 60 bytes
// that are zero in its share of the message), so all lanes use the same tables T_60..T_63 (a byte
// followed by 60..63 bytes). The CRC is linear, so the lookup of a byte is the xor of the lookups
// of its two nibbles: i8x16.swizzle on 16-entry tables, one per byte of the 32-bit value (byte
// planes). Each stream's register ends aligned at its word of the last block; folding them in
// while stepping through that block word by word gives the register of the whole range.
// (3x slicing-by-8 in TurboFan, 1.3x in Liftoff, which checks a bundle at cold start.)
//
// crc32_combine joins the CRCs of two adjacent ranges (zlib 1.2.12 crc32.c: multmodp, x2nmodp),
// so that pieces can be checked in any order.

const POLY: u32 = 0xEDB88320;
const TABLES = memory.data(8 * 1024, 16);
const NIB = memory.data(512, 16);     // [byte j of the word 0..3][nibble lo, hi][plane 0..3] x 16 B
const LANES = memory.data(64, 16);    // the 16 stream registers, as 4 planes
const X2N = memory.data(32 * 4, 16);  // x^(2^k) mod P, k = 0..31
let ready = false;

// @ts-ignore: decorator
@inline function t(k: u32, i: u32): u32 { return load<u32>(TABLES + (<usize>((k << 8) | i) << 2)); }

function build(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? POLY ^ (c >> 1) : c >> 1;
    store<u32>(TABLES + (<usize>i << 2), c);
  }
  for (let i: u32 = 0; i < 256; i++) {
    let c = t(0, i);
    for (let k: u32 = 1; k < 8; k++) {
      c = t(0, c & 0xFF) ^ (c >> 8);
      store<u32>(TABLES + (<usize>((k << 8) | i) << 2), c);
    }
  }
  // T_k(v) for k = 60..63 at v = nibble and nibble << 4, split into byte planes.
  for (let h = 0; h < 2; h++) {
    for (let v: u32 = 0; v < 16; v++) {
      let c = t(0, h != 0 ? v << 4 : v);
      for (let k = 1; k < 64; k++) {
        c = t(0, c & 0xFF) ^ (c >> 8);
        if (k < 60) continue;
        const j = 63 - k;
        for (let b = 0; b < 4; b++) store<u8>(NIB + <usize>(((j * 2 + h) * 4 + b) * 16) + v, <u8>(c >> (8 * b)));
      }
    }
  }
  let p: u32 = 1 << 30; // x^1
  store<u32>(X2N, p);
  for (let k = 1; k < 32; k++) {
    p = multmodp(p, p);
    store<u32>(X2N + (<usize>k << 2), p);
  }
  ready = true;
}

// Continue a CRC: pass 0 to start; the result of one call is the `crc` of the next.
export function crc32(crc: u32, p: usize, n: i32): u32 {
  if (!ready) build();
  if (n < 128) return ~slice8(~crc, p, n);
  // 64 KiB per call of lanes(): once V8 has compiled it with TurboFan (it does so in the
  // background after Liftoff has run it a while), the next chunk runs the faster code.
  let r = ~crc, q = p, blocks = n >> 6;
  while (blocks > 0) {
    const b = min(blocks, 1024);
    r = lanes(r, q, q + (<usize>(b - 1) << 6));
    q += <usize>b << 6;
    blocks -= b;
  }
  return ~slice8(r, q, n & 63);
}

// The register after bytes [p, p + n), from register c.
function slice8(c: u32, p: usize, n: i32): u32 {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = load<u32>(p + <usize>i) ^ c, b = load<u32>(p + <usize>i + 4);
    c = t(7, a & 0xFF) ^ t(6, (a >> 8) & 0xFF) ^ t(5, (a >> 16) & 0xFF) ^ t(4, a >> 24) ^
        t(3, b & 0xFF) ^ t(2, (b >> 8) & 0xFF) ^ t(1, (b >> 16) & 0xFF) ^ t(0, b >> 24);
  }
  for (; i < n; i++) c = t(0, (c ^ <u32>load<u8>(p + <usize>i)) & 0xFF) ^ (c >> 8);
  return c;
}

// @ts-ignore: decorator
@inline function nib(j: i32, h: i32, b: i32): v128 { return v128.load(NIB + <usize>(((j * 2 + h) * 4 + b) * 16)); }

// The register after the 64-byte blocks from p up to and including the one at `last`, from
// register r (stream 0 starts from r, the others from 0).
function lanes(r: u32, p: usize, last: usize): u32 {
  let c0 = i32x4.replace_lane(i32x4.splat(0), 0, r & 0xFF);
  let c1 = i32x4.replace_lane(i32x4.splat(0), 0, (r >> 8) & 0xFF);
  let c2 = i32x4.replace_lane(i32x4.splat(0), 0, (r >> 16) & 0xFF);
  let c3 = i32x4.replace_lane(i32x4.splat(0), 0, r >> 24);
  const m4 = i8x16.splat(0x0F);
  for (let q = p; q < last; q += 64) {
    // Byte planes of the block: plane b, lane s = byte 4s + b.
    const a0 = v128.load(q), a1 = v128.load(q, 16), a2 = v128.load(q, 32), a3 = v128.load(q, 48);
    const d0 = v128.shuffle<u8>(a0, a1, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const d1 = v128.shuffle<u8>(a0, a1, 2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    const d2 = v128.shuffle<u8>(a2, a3, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const d3 = v128.shuffle<u8>(a2, a3, 2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    const x0 = v128.xor(c0, v128.shuffle<i64>(d0, d2, 0, 2));
    const x1 = v128.xor(c1, v128.shuffle<i64>(d0, d2, 1, 3));
    const x2 = v128.xor(c2, v128.shuffle<i64>(d1, d3, 0, 2));
    const x3 = v128.xor(c3, v128.shuffle<i64>(d1, d3, 1, 3));
    // New register: sum over the word's bytes j of T_(63-j)(byte j), nibble by nibble.
    let l = v128.and(x0, m4), h = i8x16.shr_u(x0, 4);
    c0 = v128.xor(v128.swizzle(nib(0, 0, 0), l), v128.swizzle(nib(0, 1, 0), h));
    c1 = v128.xor(v128.swizzle(nib(0, 0, 1), l), v128.swizzle(nib(0, 1, 1), h));
    c2 = v128.xor(v128.swizzle(nib(0, 0, 2), l), v128.swizzle(nib(0, 1, 2), h));
    c3 = v128.xor(v128.swizzle(nib(0, 0, 3), l), v128.swizzle(nib(0, 1, 3), h));
    l = v128.and(x1, m4); h = i8x16.shr_u(x1, 4);
    c0 = v128.xor(c0, v128.xor(v128.swizzle(nib(1, 0, 0), l), v128.swizzle(nib(1, 1, 0), h)));
    c1 = v128.xor(c1, v128.xor(v128.swizzle(nib(1, 0, 1), l), v128.swizzle(nib(1, 1, 1), h)));
    c2 = v128.xor(c2, v128.xor(v128.swizzle(nib(1, 0, 2), l), v128.swizzle(nib(1, 1, 2), h)));
    c3 = v128.xor(c3, v128.xor(v128.swizzle(nib(1, 0, 3), l), v128.swizzle(nib(1, 1, 3), h)));
    l = v128.and(x2, m4); h = i8x16.shr_u(x2, 4);
    c0 = v128.xor(c0, v128.xor(v128.swizzle(nib(2, 0, 0), l), v128.swizzle(nib(2, 1, 0), h)));
    c1 = v128.xor(c1, v128.xor(v128.swizzle(nib(2, 0, 1), l), v128.swizzle(nib(2, 1, 1), h)));
    c2 = v128.xor(c2, v128.xor(v128.swizzle(nib(2, 0, 2), l), v128.swizzle(nib(2, 1, 2), h)));
    c3 = v128.xor(c3, v128.xor(v128.swizzle(nib(2, 0, 3), l), v128.swizzle(nib(2, 1, 3), h)));
    l = v128.and(x3, m4); h = i8x16.shr_u(x3, 4);
    c0 = v128.xor(c0, v128.xor(v128.swizzle(nib(3, 0, 0), l), v128.swizzle(nib(3, 1, 0), h)));
    c1 = v128.xor(c1, v128.xor(v128.swizzle(nib(3, 0, 1), l), v128.swizzle(nib(3, 1, 1), h)));
    c2 = v128.xor(c2, v128.xor(v128.swizzle(nib(3, 0, 2), l), v128.swizzle(nib(3, 1, 2), h)));
    c3 = v128.xor(c3, v128.xor(v128.swizzle(nib(3, 0, 3), l), v128.swizzle(nib(3, 1, 3), h)));
  }
  // Stream s's register is aligned at byte 4s of the last block: fold each in before its word.
  v128.store(LANES, c0); v128.store(LANES, c1, 16); v128.store(LANES, c2, 32); v128.store(LANES, c3, 48);
  let c: u32 = 0;
  for (let s = 0; s < 16; s++) {
    const reg = <u32>load<u8>(LANES + s) | (<u32>load<u8>(LANES + 16 + s) << 8) | (<u32>load<u8>(LANES + 32 + s) << 16) | (<u32>load<u8>(LANES + 48 + s) << 24);
    const a = c ^ reg ^ load<u32>(last + (<usize>s << 2));
    c = t(3, a & 0xFF) ^ t(2, (a >> 8) & 0xFF) ^ t(1, (a >> 16) & 0xFF) ^ t(0, a >> 24);
  }
  return c;
}

// a * b modulo P over GF(2), bit-reflected (bit 31 is x^0).
function multmodp(a: u32, b: u32): u32 {
  let p: u32 = 0;
  for (let m: u32 = 1 << 31; m != 0; m >>= 1) {
    if ((a & m) != 0) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    b = (b & 1) != 0 ? (b >> 1) ^ POLY : b >> 1;
  }
  return p;
}

// The CRC of A followed by B, from crc(A), crc(B) and B's length in bytes (n >= 0).
export function crc32_combine(crc1: u32, crc2: u32, n: i32): u32 {
  if (!ready) build();
  let x: u32 = 1 << 31; // x^(8n) mod P: n in binary, starting at x^(2^3)
  for (let k = 3; n != 0; n >>>= 1, k++) if ((n & 1) != 0) x = multmodp(load<u32>(X2N + (<usize>(k & 31) << 2)), x);
  return multmodp(x, crc1) ^ crc2;
}

// XXH32 (xxHash, 32-bit), the checksum of each tensor in a bundle: the LZ4 frame format's
// content checksum. see: xxHash spec, doc/xxhash_spec.md, "XXH32 Algorithm Description".
//
// The four accumulators v1..v4 are the lanes of one i32x4, so a 16-byte stripe is one vector
// load and one vector round. A round is a bijection of its accumulator for a fixed word and of
// its word for a fixed accumulator (add, rotate, multiply by an odd constant), and so are the
// merge and the final mixing, so a change confined to one aligned 4-byte word (every single-bit
// error) always changes the hash; other corruption goes unseen with probability about 2^-32
// (CRC-32 also caught every burst of up to 32 bits; XXH32 does not promise that).
// Cheap in V8's baseline tier, which is what checks a bundle at cold start: 2.3 MB in 0.5-1.4 ms
// on first call, where a 16-lane CRC-32 by nibble tables took 1.5-3.0 ms (docs/BUNDLE.md).
//
// Streaming state (xxh32_start / _update / _digest): 20 bytes, v1..v4 then the seed.

const P1: u32 = 0x9E3779B1;
const P2: u32 = 0x85EBCA77;
const P3: u32 = 0xC2B2AE3D;
const P4: u32 = 0x27D4EB2F;
const P5: u32 = 0x165667B1;

// @ts-ignore: decorator
@inline function start(seed: u32): v128 { return i32x4(seed + P1 + P2, seed + P2, seed, seed - P1); }

// @ts-ignore: decorator
@inline function round(acc: v128, q: usize, m1: v128, m2: v128): v128 {
  const t = i32x4.add(acc, i32x4.mul(v128.load(q), m2));
  return i32x4.mul(v128.or(i32x4.shl(t, 13), i32x4.shr_u(t, 19)), m1);
}

// The accumulators after the stripes of [p, p + n), n a multiple of 16.
function stripes(acc: v128, p: usize, n: usize): v128 {
  const m1 = i32x4.splat(P1), m2 = i32x4.splat(P2);
  const e64 = p + (n & ~<usize>63), e = p + n;
  let q = p;
  for (; q < e64; q += 64) {
    acc = round(acc, q, m1, m2);
    acc = round(acc, q + 16, m1, m2);
    acc = round(acc, q + 32, m1, m2);
    acc = round(acc, q + 48, m1, m2);
  }
  for (; q < e; q += 16) acc = round(acc, q, m1, m2);
  return acc;
}

// The hash from the accumulators (used only when the input had 16 bytes or more), the last
// n < 16 bytes at p (all of them for a short input) and the total length.
function finish(acc: v128, large: bool, seed: u32, p: usize, n: i32, len: u32): u32 {
  let h: u32 = large
    ? rotl<u32>(i32x4.extract_lane(acc, 0), 1) + rotl<u32>(i32x4.extract_lane(acc, 1), 7) +
      rotl<u32>(i32x4.extract_lane(acc, 2), 12) + rotl<u32>(i32x4.extract_lane(acc, 3), 18)
    : seed + P5;
  h += len;
  let i = 0;
  for (; i + 4 <= n; i += 4) h = rotl<u32>(h + load<u32>(p + <usize>i) * P3, 17) * P4;
  for (; i < n; i++) h = rotl<u32>(h + <u32>load<u8>(p + <usize>i) * P5, 11) * P1;
  h ^= h >> 15; h *= P2;
  h ^= h >> 13; h *= P3;
  h ^= h >> 16;
  return h;
}

/** XXH32 of [p, p + n) with `seed`. */
export function xxh32(p: usize, n: i32, seed: u32): u32 {
  const body = <usize>(n & ~15);
  const acc = n >= 16 ? stripes(start(seed), p, body) : start(seed);
  return finish(acc, n >= 16, seed, p + body, n & 15, <u32>n);
}

/** Streaming: state (20 bytes) for a new hash. */
export function xxh32_start(state: usize, seed: u32): void {
  v128.store(state, start(seed));
  store<u32>(state, seed, 16);
}

/** Streaming: absorb the whole stripes of [p, p + n), its first n & ~15 bytes; the rest (fewer
 *  than 16, at the end of the input only) goes to xxh32_digest. */
export function xxh32_update(state: usize, p: usize, n: i32): void {
  v128.store(state, stripes(v128.load(state), p, <usize>(n & ~15)));
}

/** Streaming: the hash, after the last n < 16 bytes at p; `total` is the length of the whole
 *  input (f64: it may exceed 2^32; the hash takes it modulo 2^32). */
export function xxh32_digest(state: usize, p: usize, n: i32, total: f64): u32 {
  return finish(v128.load(state), total >= 16, load<u32>(state, 16), p, n, <u32>(<u64>total));
}

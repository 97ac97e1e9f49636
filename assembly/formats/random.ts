// Counter-based random words for stochastic rounding: element i of a call keyed by a 64-bit seed
// gets r_i = high 32 bits of splitmix64(seed + (i + 1) * 0x9E3779B97F4A7C15). No state, so any
// element's word can be recomputed alone, in any order, in any runtime.
// see: Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014 (the
// SplitMix64 output mix).

// @ts-ignore: decorator
@inline export function randomWord(seed: u64, i: u64): u32 {
  let z = seed + (i + 1) * 0x9E3779B97F4A7C15;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  z = z ^ (z >> 31);
  return <u32>(z >> 32);
}

// The random word of element i: from the caller's array when given (rnd != 0), else generated.
// @ts-ignore: decorator
@inline export function wordAt(rnd: usize, seed: u64, i: usize): u32 {
  return rnd != 0 ? load<u32>(rnd + (i << 2)) : randomWord(seed, <u64>i);
}

export function random_fill(dst: usize, n: i32, seedLo: u32, seedHi: u32, first: i32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  for (let i = 0; i < n; i++) store<u32>(dst + (<usize>i << 2), randomWord(seed, <u64>(first + i)));
}

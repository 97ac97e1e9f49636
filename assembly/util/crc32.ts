// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF: the zlib /
// PNG checksum) over a byte range, table-driven one byte at a time. The bundle reader checks it.

const TABLE = memory.data(1024, 16);
let ready = false;

function build(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
    store<u32>(TABLE + (<usize>i << 2), c);
  }
  ready = true;
}

// Continue a CRC: pass 0 to start; the result of one call is the `crc` of the next.
export function crc32(crc: u32, p: usize, n: i32): u32 {
  if (!ready) build();
  let c = ~crc;
  for (let i = 0; i < n; i++) c = load<u32>(TABLE + (<usize>((c ^ <u32>load<u8>(p + <usize>i)) & 0xFF) << 2)) ^ (c >> 8);
  return ~c;
}

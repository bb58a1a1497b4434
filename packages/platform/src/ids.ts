import { randomFillSync } from 'node:crypto';

// crypto.randomBytes costs a couple of microseconds per call and every request needs three
// or four ids; slicing a pool refilled every 4 KiB costs a tenth of that. Same CSPRNG.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** Copies `n` (≤ 64) fresh random bytes into `target` at `at`. */
function fillRandom(target: Buffer, at: number, n: number): void {
  if (offset + n > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(target, at, offset, offset + n);
  offset += n;
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

let lastMs = 0;
let seq = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter so ids made in the
 * same millisecond still sort in creation order, then random bits.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  fillRandom(bytes, 0, 16);
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    seq = bytes.readUInt16BE(6) & 0x3ff;
  }
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((seq >> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(8 * 512);
let offset = pool.length;

/**
 * A random 8-byte span id in hex. Drawn from a pre-filled pool: crypto.randomBytes costs a
 * couple of microseconds per call (the gateway makes one per proxied request), slicing a
 * buffer refilled every 512 ids costs a tenth of that. Same CSPRNG, same quality.
 */
export function nextSpanId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + 8);
  offset += 8;
  // W3C: an all-zero span id is invalid.
  return id === '0000000000000000' ? nextSpanId() : id;
}

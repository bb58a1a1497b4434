import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: refresh tokens, OIDC state and login codes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 hex of a high-entropy secret. A fast hash is right here (unlike passwords):
 * 256-bit random inputs cannot be guessed, and lookups by hash must be cheap.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const BASE32 = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Human-friendly random string (no 0/o/1/l), for recovery codes. */
export function randomHumanCode(length: number): string {
  // 32 symbols: a byte's low five bits index the alphabet without bias.
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './key-manager.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** AES-256-GCM: returns iv ‖ ciphertext ‖ tag. A fresh random 96-bit IV per call. */
export function sealAesGcm(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Opens what {@link sealAesGcm} produced; throws DecryptionError on any mismatch. */
export function openAesGcm(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('ciphertext is truncated');
  const buf = Buffer.from(sealed);
  const iv = buf.subarray(0, IV_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const body = buf.subarray(IV_BYTES, buf.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (err) {
    throw new DecryptionError(undefined, { cause: err });
  }
}

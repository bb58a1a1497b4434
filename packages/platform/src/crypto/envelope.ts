import { randomBytes } from 'node:crypto';
import { KEY_BYTES, openAesGcm, sealAesGcm } from './aes-gcm.js';
import { DecryptionError, type KeyManager } from './key-manager.js';

const FORMAT = 'mrd1';
const KEY_ID = /^[A-Za-z0-9_:-]{1,128}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Encrypts small secrets (tokens, TOTP seeds, private keys) for storage in a database column. */
export interface EnvelopeCipher {
  /**
   * Seals `plaintext` under a fresh AES-256-GCM data key, wrapped by the key manager.
   * `context` names what the value is and whose (e.g. `auth:totp:<userId>`): it is
   * authenticated, so a ciphertext copied to another row or column will not open there.
   */
  encrypt(plaintext: Uint8Array | string, context: string): Promise<string>;
  /** Opens a sealed value; throws DecryptionError when the key, context or bytes do not match. */
  decrypt(sealed: string, context: string): Promise<Buffer>;
  decryptString(sealed: string, context: string): Promise<string>;
  /** The key id a sealed value was wrapped with (to find values to re-encrypt after rotation). */
  keyIdOf(sealed: string): string;
}

interface Parts {
  keyId: string;
  wrapped: string;
  body: string;
}

function parse(sealed: string): Parts {
  const parts = sealed.split('.');
  const [format, keyId, wrapped, body] = parts;
  if (
    parts.length !== 4 ||
    format !== FORMAT ||
    keyId === undefined ||
    !KEY_ID.test(keyId) ||
    wrapped === undefined ||
    !B64URL.test(wrapped) ||
    body === undefined ||
    !B64URL.test(body)
  ) {
    throw new DecryptionError('not a sealed value');
  }
  return { keyId, wrapped, body };
}

function dataAad(keyId: string, context: string): string {
  return `meridian-envelope-v1|${keyId}|${context}`;
}

/**
 * Envelope encryption: each value gets its own random data key; only the wrapped data key
 * is stored with it, so the key-encryption key never leaves the key manager.
 *
 * Format: `mrd1.<keyId>.<wrapped data key>.<iv‖ciphertext‖tag>` (base64url parts).
 *
 * @example
 * const cipher = createEnvelopeCipher(await loadKeyManager({ env: process.env, dataDir }));
 * const sealed = await cipher.encrypt(secret, `auth:totp:${userId}`);
 * const secret2 = await cipher.decryptString(sealed, `auth:totp:${userId}`);
 */
export function createEnvelopeCipher(keys: KeyManager): EnvelopeCipher {
  async function decrypt(sealed: string, context: string): Promise<Buffer> {
    const { keyId, wrapped, body } = parse(sealed);
    const dataKey = await keys.unwrapKey({ keyId, wrapped }, context);
    try {
      return openAesGcm(dataKey, Buffer.from(body, 'base64url'), dataAad(keyId, context));
    } finally {
      dataKey.fill(0);
    }
  }
  return {
    async encrypt(plaintext, context) {
      const dataKey = randomBytes(KEY_BYTES);
      try {
        const { keyId, wrapped } = await keys.wrapKey(dataKey, context);
        if (!KEY_ID.test(keyId)) throw new Error(`key manager returned an invalid key id "${keyId}"`);
        const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
        const body = sealAesGcm(dataKey, bytes, dataAad(keyId, context));
        return `${FORMAT}.${keyId}.${wrapped}.${body.toString('base64url')}`;
      } finally {
        dataKey.fill(0);
      }
    },
    decrypt,
    async decryptString(sealed, context) {
      return (await decrypt(sealed, context)).toString('utf8');
    },
    keyIdOf(sealed) {
      return parse(sealed).keyId;
    },
  };
}

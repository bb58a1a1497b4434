/**
 * A data key wrapped by a key-management adapter, as stored beside the data it protects.
 * `keyId` names the key-encryption key so a rotated-out key can still unwrap old data.
 */
export interface WrappedKey {
  keyId: string;
  /** Opaque to callers (base64url). */
  wrapped: string;
}

/**
 * Wraps and unwraps data keys. The local file implementation is the default; a KMS or
 * Vault Transit adapter implements the same three members. `context` is bound to the
 * wrapping (AES-GCM additional data / KMS encryption context): unwrapping under another
 * context fails.
 */
export interface KeyManager {
  readonly kind: string;
  /** The key id new data keys are wrapped with. */
  readonly primaryKeyId: string;
  wrapKey(dataKey: Uint8Array, context: string): Promise<WrappedKey>;
  unwrapKey(wrapped: WrappedKey, context: string): Promise<Buffer>;
}

/** A ciphertext that does not open: wrong key, wrong context, or tampered bytes. */
export class DecryptionError extends Error {
  constructor(message = 'ciphertext could not be decrypted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DecryptionError';
  }
}

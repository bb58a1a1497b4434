import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KEY_BYTES, openAesGcm, sealAesGcm } from './aes-gcm.js';
import { DecryptionError, type KeyManager } from './key-manager.js';

/** File name of the master key inside MERIDIAN_DATA_DIR. */
export const MASTER_KEY_FILE = 'master.key';

/** A stable, non-secret id for a master key: a truncated SHA-256 of it under a label. */
export function masterKeyId(key: Uint8Array): string {
  const digest = createHash('sha256').update('meridian-master-key-id').update(key).digest('hex');
  return `local-${digest.slice(0, 16)}`;
}

function wrapAad(keyId: string, context: string): string {
  return `meridian-kek-v1|${keyId}|${context}`;
}

/**
 * Wraps data keys with AES-256-GCM under a master key held in this process. `previous`
 * keys only unwrap: after rotating MERIDIAN_MASTER_KEY, list the old key there until every
 * value has been re-encrypted.
 */
export function createLocalKeyManager(primary: Uint8Array, previous: Uint8Array[] = []): KeyManager {
  const byId = new Map<string, Buffer>();
  for (const key of [primary, ...previous]) {
    if (key.length !== KEY_BYTES) throw new RangeError('a master key must be exactly 32 bytes');
    byId.set(masterKeyId(key), Buffer.from(key));
  }
  const primaryKeyId = masterKeyId(primary);
  const primaryKey = Buffer.from(primary);
  return {
    kind: 'local',
    primaryKeyId,
    async wrapKey(dataKey, context) {
      const sealed = sealAesGcm(primaryKey, dataKey, wrapAad(primaryKeyId, context));
      return { keyId: primaryKeyId, wrapped: sealed.toString('base64url') };
    },
    async unwrapKey(wrapped, context) {
      const key = byId.get(wrapped.keyId);
      if (!key) throw new DecryptionError(`master key ${wrapped.keyId} is not configured`);
      return openAesGcm(key, Buffer.from(wrapped.wrapped, 'base64url'), wrapAad(wrapped.keyId, context));
    },
  };
}

/** Decodes a base64 (or base64url) 32-byte key; throws with the variable name when it is not one. */
export function parseMasterKey(value: string, name = 'MERIDIAN_MASTER_KEY'): Buffer {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error(`${name} must be base64 (32 random bytes, e.g. \`openssl rand -base64 32\`)`);
  }
  // Node's base64 decoder accepts both the standard and the URL-safe alphabet.
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${name} must decode to exactly 32 bytes (got ${key.length})`);
  }
  return key;
}

/**
 * Reads the master key file, creating it (mode 0600, in a 0700 directory) with 32 random
 * bytes on first use. Refuses a file that group or others can read, as ssh does.
 */
export async function readOrCreateKeyFile(path: string): Promise<Buffer> {
  await mkdir(resolve(path, '..'), { recursive: true, mode: 0o700 });
  // Written whole to a private temp file, then linked into place: link() fails if the key
  // file exists, so of several processes starting at once exactly one key wins, and no
  // process ever reads a half-written file.
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(KEY_BYTES).toString('base64')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  if (process.platform !== 'win32') {
    const { mode } = await stat(path);
    if ((mode & 0o077) !== 0) {
      throw new Error(
        `master key file ${path} is accessible by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
      );
    }
  }
  const text = await readFile(path, 'utf8');
  if (text.trim() === '') {
    throw new Error(`master key file ${path} is empty (an interrupted first start?); delete it only if nothing was encrypted yet`);
  }
  return parseMasterKey(text, path);
}

export interface LoadKeyManagerOptions {
  env: Record<string, string | undefined>;
  /** MERIDIAN_DATA_DIR; 'memory://' (tests, throwaway runs) gets an ephemeral key. */
  dataDir: string;
}

/**
 * The key manager this process uses: MERIDIAN_MASTER_KEY (base64, 32 bytes) when set,
 * otherwise the key file `<MERIDIAN_DATA_DIR>/master.key`, created on first use.
 * MERIDIAN_MASTER_KEY_PREVIOUS (comma-separated) lists retired keys that may still unwrap.
 */
export async function loadKeyManager(options: LoadKeyManagerOptions): Promise<KeyManager> {
  const previous = (options.env.MERIDIAN_MASTER_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((v) => parseMasterKey(v, 'MERIDIAN_MASTER_KEY_PREVIOUS'));
  const fromEnv = options.env.MERIDIAN_MASTER_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return createLocalKeyManager(parseMasterKey(fromEnv), previous);
  }
  if (options.dataDir === 'memory://') return createLocalKeyManager(randomBytes(KEY_BYTES), previous);
  const key = await readOrCreateKeyFile(join(resolve(options.dataDir), MASTER_KEY_FILE));
  return createLocalKeyManager(key, previous);
}

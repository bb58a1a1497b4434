import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DecryptionError,
  MASTER_KEY_FILE,
  createEnvelopeCipher,
  createLocalKeyManager,
  loadKeyManager,
  masterKeyId,
} from './index.js';

const key = () => randomBytes(32);

describe('envelope encryption', () => {
  it('opens what it sealed, under the same context', async () => {
    const cipher = createEnvelopeCipher(createLocalKeyManager(key()));
    const sealed = await cipher.encrypt('JBSWY3DPEHPK3PXP', 'auth:totp:u1');
    expect(sealed.startsWith('mrd1.local-')).toBe(true);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(await cipher.decryptString(sealed, 'auth:totp:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('uses a fresh data key and IV for every value, so equal secrets give different ciphertexts', async () => {
    const cipher = createEnvelopeCipher(createLocalKeyManager(key()));
    const a = await cipher.encrypt('same', 'ctx');
    const b = await cipher.encrypt('same', 'ctx');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('refuses to open a value under another context (a ciphertext moved to another row)', async () => {
    const cipher = createEnvelopeCipher(createLocalKeyManager(key()));
    const sealed = await cipher.encrypt('secret', 'auth:totp:user-a');
    await expect(cipher.decrypt(sealed, 'auth:totp:user-b')).rejects.toBeInstanceOf(DecryptionError);
  });

  it('detects a flipped bit in the ciphertext, the wrapped key or the key id', async () => {
    const cipher = createEnvelopeCipher(createLocalKeyManager(key()));
    const sealed = await cipher.encrypt('secret value', 'ctx');
    const [format, keyId, wrapped, body] = sealed.split('.') as [string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64url');
      bytes[bytes.length >> 1]! ^= 0x01;
      return bytes.toString('base64url');
    };
    await expect(cipher.decrypt([format, keyId, wrapped, flip(body)].join('.'), 'ctx')).rejects.toThrow(DecryptionError);
    await expect(cipher.decrypt([format, keyId, flip(wrapped), body].join('.'), 'ctx')).rejects.toThrow(DecryptionError);
    await expect(cipher.decrypt([format, 'local-0000000000000000', wrapped, body].join('.'), 'ctx')).rejects.toThrow(
      DecryptionError,
    );
    await expect(cipher.decrypt('not-a-sealed-value', 'ctx')).rejects.toThrow(DecryptionError);
  });

  it('cannot open a value sealed under another master key', async () => {
    const sealed = await createEnvelopeCipher(createLocalKeyManager(key())).encrypt('x', 'ctx');
    await expect(createEnvelopeCipher(createLocalKeyManager(key())).decrypt(sealed, 'ctx')).rejects.toThrow(
      DecryptionError,
    );
  });

  it('still opens old values after a master key rotation when the old key is listed as previous', async () => {
    const oldKey = key();
    const newKey = key();
    const sealed = await createEnvelopeCipher(createLocalKeyManager(oldKey)).encrypt('kept', 'ctx');
    const rotated = createEnvelopeCipher(createLocalKeyManager(newKey, [oldKey]));
    expect(await rotated.decryptString(sealed, 'ctx')).toBe('kept');
    expect(rotated.keyIdOf(sealed)).toBe(masterKeyId(oldKey));
    expect(rotated.keyIdOf(await rotated.encrypt('new', 'ctx'))).toBe(masterKeyId(newKey));
  });

  it('round-trips binary plaintext, including the empty value', async () => {
    const cipher = createEnvelopeCipher(createLocalKeyManager(key()));
    const bytes = randomBytes(1000);
    expect(Buffer.compare(await cipher.decrypt(await cipher.encrypt(bytes, 'b'), 'b'), bytes)).toBe(0);
    expect((await cipher.decrypt(await cipher.encrypt('', 'b'), 'b')).length).toBe(0);
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => createLocalKeyManager(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('loading the master key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-crypto-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives every one of many instances starting at once the same key and leaves no temp file', async () => {
    const dataDir = join(dir, 'data');
    const managers = await Promise.all(Array.from({ length: 20 }, () => loadKeyManager({ env: {}, dataDir })));
    const ids = new Set(managers.map((m) => m.primaryKeyId));
    expect(ids.size).toBe(1);
    const files = await readdir(dataDir);
    expect(files).toEqual([MASTER_KEY_FILE]);
  });

  it('creates the key file with mode 0600 on first use and reuses it afterwards', async () => {
    const dataDir = join(dir, 'data');
    const first = await loadKeyManager({ env: {}, dataDir });
    const path = join(dataDir, MASTER_KEY_FILE);
    const { mode } = await stat(path);
    expect(mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64')).toHaveLength(32);

    const sealed = await createEnvelopeCipher(first).encrypt('persisted', 'ctx');
    const second = await loadKeyManager({ env: {}, dataDir });
    expect(second.primaryKeyId).toBe(first.primaryKeyId);
    expect(await createEnvelopeCipher(second).decryptString(sealed, 'ctx')).toBe('persisted');
  });

  it('prefers MERIDIAN_MASTER_KEY from the environment and writes no file', async () => {
    const envKey = key();
    const manager = await loadKeyManager({ env: { MERIDIAN_MASTER_KEY: envKey.toString('base64') }, dataDir: dir });
    expect(manager.primaryKeyId).toBe(masterKeyId(envKey));
    await expect(stat(join(dir, MASTER_KEY_FILE))).rejects.toThrow();
  });

  it('explains a MERIDIAN_MASTER_KEY of the wrong length', async () => {
    await expect(
      loadKeyManager({ env: { MERIDIAN_MASTER_KEY: randomBytes(16).toString('base64') }, dataDir: dir }),
    ).rejects.toThrow(/MERIDIAN_MASTER_KEY must decode to exactly 32 bytes/);
    await expect(loadKeyManager({ env: { MERIDIAN_MASTER_KEY: 'not base64 !' }, dataDir: dir })).rejects.toThrow(
      /must be base64/,
    );
  });

  it.skipIf(process.platform === 'win32')('refuses a key file that other users can read', async () => {
    const path = join(dir, MASTER_KEY_FILE);
    await writeFile(path, `${key().toString('base64')}\n`);
    await chmod(path, 0o640);
    await expect(loadKeyManager({ env: {}, dataDir: dir })).rejects.toThrow(/accessible by other users/);
  });

  it('gives an in-memory data dir an ephemeral key', async () => {
    const a = await loadKeyManager({ env: {}, dataDir: 'memory://' });
    const b = await loadKeyManager({ env: {}, dataDir: 'memory://' });
    expect(a.primaryKeyId).not.toBe(b.primaryKeyId);
  });
});

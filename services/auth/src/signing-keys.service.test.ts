import { createTestDatabase, testDatabases, testLogger, type TestDatabaseKind } from '@meridian/platform/testing';
import { createEnvelopeCipher, createLocalKeyManager, migrateSchema, type Database } from '@meridian/platform';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenIssuer, createLocalVerifier } from './access-tokens.js';
import type { AuthDatabase } from './database.js';
import { migrations } from './migrations/index.js';
import { createSigningKeyStore } from './signing-keys.service.js';
import { testClock } from './test/harness.js';

const TTL = 900;
const DAY = 86_400;

describe.each(testDatabases())('signing keys on %s', (kind: TestDatabaseKind) => {
  let database: Database;
  let db: Kysely<AuthDatabase>;
  const masterKey = randomBytes(32);
  const clock = testClock();

  const store = (options: { maxAgeDays?: number; activationDelay?: number; key?: Buffer } = {}) =>
    createSigningKeyStore({
      db,
      cipher: createEnvelopeCipher(createLocalKeyManager(options.key ?? masterKey)),
      clock,
      logger: testLogger(),
      accessTokenTtl: TTL,
      maxAgeDays: options.maxAgeDays ?? 30,
      activationDelay: options.activationDelay ?? 60,
    });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await migrateSchema(database, 'auth', migrations);
    db = database.forSchema<AuthDatabase>('auth');
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async () => {
    clock.set(Date.now());
    await db.deleteFrom('signing_keys').execute();
  });

  it('creates one key on first start and keeps it on the next start', async () => {
    const a = store();
    await a.ensureCurrent();
    await store().ensureCurrent();
    const rows = await db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_jwk.startsWith('mrd1.')).toBe(true);
    expect(rows[0]!.private_jwk).not.toContain('"d"');
    expect((await a.jwks()).keys.map((k) => k.kid)).toEqual([rows[0]!.kid]);
  });

  it('creates a single first key when two instances start at once', async () => {
    await Promise.all([store().ensureCurrent(), store().ensureCurrent(), store().ensureCurrent()]);
    expect(await db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
  });

  it('keeps exactly one current key when two instances rotate at once', async () => {
    await store().ensureCurrent();
    await Promise.all([store().rotate(), store().rotate()]);
    const current = await db.selectFrom('signing_keys').select('kid').where('retires_at', 'is', null).execute();
    expect(current).toHaveLength(1);
  });

  it('publishes a rotated-in key before signing with it, then keeps the old key until its last token expired', async () => {
    const keys = store({ activationDelay: 60 });
    await keys.ensureCurrent();
    const issuer = createAccessTokenIssuer(keys, clock, TTL);
    const oldKid = (await keys.signingKey()).kid;

    const newKid = await keys.rotate();
    expect(newKid).not.toBe(oldKid);
    expect((await keys.jwks()).keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // Not yet: verifiers that cached the JWKS a moment ago would not know the new kid.
    expect((await keys.signingKey()).kid).toBe(oldKid);
    const lastOldToken = await issuer.issue({ userId: crypto.randomUUID(), email: 'a@b.c', scopes: ['read'] });

    clock.advance(61);
    expect((await keys.signingKey()).kid).toBe(newKid);
    expect((await keys.jwks()).keys.map((k) => k.kid)).toContain(oldKid);
    expect(await keys.publicKey(oldKid)).toBeDefined();

    // The last token the old key signed expires TTL after the switch; a minute's margin later it goes.
    clock.advance(TTL + 61);
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
    expect(await keys.publicKey(oldKid)).toBeUndefined();
    await expect(createLocalVerifier(keys).verify(lastOldToken.token)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(await keys.purge()).toBe(1);
  });

  it('rotates on start when the current key is older than the maximum age', async () => {
    const keys = store({ maxAgeDays: 30 });
    await keys.ensureCurrent();
    const first = (await keys.signingKey()).kid;
    clock.advance(29 * DAY);
    await keys.ensureCurrent();
    expect(await db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
    clock.advance(2 * DAY);
    await keys.ensureCurrent();
    const rows = await db.selectFrom('signing_keys').select(['kid', 'retires_at']).execute();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.kid === first)?.retires_at).not.toBeNull();
  });

  it('never rotates by age when the maximum age is 0', async () => {
    const keys = store({ maxAgeDays: 0 });
    await keys.ensureCurrent();
    clock.advance(400 * DAY);
    await keys.ensureCurrent();
    expect(await db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
  });

  it('lets a second instance verify what the first signed, and refuses to sign under another master key', async () => {
    const a = store();
    await a.ensureCurrent();
    const token = await createAccessTokenIssuer(a, clock, TTL).issue({ userId: crypto.randomUUID(), email: 'x@y.z', scopes: [] });
    await expect(createLocalVerifier(store()).verify(token.token)).resolves.toMatchObject({ email: 'x@y.z' });
    await expect(store({ key: randomBytes(32) }).signingKey()).rejects.toThrow(/could not be decrypted|not configured/);
  });
});

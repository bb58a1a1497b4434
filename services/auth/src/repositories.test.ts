import { testDatabases, type TestDatabaseKind } from '@meridian/platform/testing';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApiKeyByLookup, listApiKeys } from './api-keys.repository.js';
import { findRefreshTokenForUpdate, listLiveSessions, revokeUserSession } from './sessions.repository.js';
import { sha256Hex } from './secrets.js';
import { PASSWORD, call, registerAndLogin, startAuth, testClock, type AuthHarness } from './test/harness.js';
import { deleteUser } from './users.repository.js';

describe.each(testDatabases())('the auth repositories on %s', (kind: TestDatabaseKind) => {
  let h: AuthHarness;
  const clock = testClock(Math.floor(Date.now() / 30_000) * 30_000 + 1000);
  beforeAll(async () => {
    h = await startAuth({ kind, clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('finds a refresh token only by its hash, with its session and user', async () => {
    const a = await registerAndLogin(h, `hash.${kind}@example.com`);
    const row = await findRefreshTokenForUpdate(h.db, sha256Hex(a.refreshToken));
    expect(row).toMatchObject({ user_id: a.userId, email: a.email, used_at: null, revoked_at: null });
    expect(await findRefreshTokenForUpdate(h.db, a.refreshToken)).toBeUndefined();
  });

  it('lets exactly one of two concurrent refreshes of one token succeed', async () => {
    const a = await registerAndLogin(h, `race.${kind}@example.com`);
    const results = await Promise.all(
      [1, 2].map(() => call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('accepts one TOTP code once even when two sign-ins race with it', async () => {
    const a = await registerAndLogin(h, `totp.${kind}@example.com`);
    const { secret } = (await call(h, 'POST', '/totp/enroll', { token: a.accessToken, body: { password: PASSWORD } })).json();
    await call(h, 'POST', '/totp/confirm', { token: a.accessToken, body: { code: await generate({ secret, epoch: clock().getTime() / 1000 }) } });
    clock.advance(30);
    const code = await generate({ secret, epoch: Math.floor(clock().getTime() / 1000) });
    const results = await Promise.all(
      [1, 2, 3].map(() => call(h, 'POST', '/login', { body: { email: a.email, password: PASSWORD, totp: code } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('scopes session and API key queries by user id', async () => {
    const a = await registerAndLogin(h, `scope.a.${kind}@example.com`);
    const b = await registerAndLogin(h, `scope.b.${kind}@example.com`);
    const key = (await call(h, 'POST', '/api-keys', { token: a.accessToken, body: { name: 'a-key' } })).json();
    expect((await listApiKeys(h.db, b.userId)).map((k) => k.id)).not.toContain(key.id);
    const lookup = String(key.prefix).slice('mrd_'.length);
    expect((await findApiKeyByLookup(h.db, lookup))?.user_id).toBe(a.userId);
    const aSessions = await listLiveSessions(h.db, a.userId, clock(), new Date(0));
    expect(aSessions.length).toBeGreaterThan(0);
    expect(await revokeUserSession(h.db, b.userId, aSessions[0]!.id, 'test', clock())).toBe(0);
    expect((await listLiveSessions(h.db, a.userId, clock(), new Date(0))).length).toBe(aSessions.length);
  });

  it('removes everything of a user when the user row goes', async () => {
    const a = await registerAndLogin(h, `cascade.${kind}@example.com`);
    await call(h, 'POST', '/api-keys', { token: a.accessToken, body: { name: 'k' } });
    await call(h, 'POST', '/totp/enroll', { token: a.accessToken, body: { password: PASSWORD } });
    expect(await deleteUser(h.db, a.userId)).toBe(1);
    for (const table of ['sessions', 'api_keys', 'totp_credentials', 'recovery_codes', 'identities'] as const) {
      expect(await h.db.selectFrom(table).select('user_id').where('user_id', '=', a.userId).execute()).toHaveLength(0);
    }
    expect(await findRefreshTokenForUpdate(h.db, sha256Hex(a.refreshToken))).toBeUndefined();
  });

  it('keeps emails unique regardless of who inserts them', async () => {
    await registerAndLogin(h, `unique.${kind}@example.com`);
    const dup = await call(h, 'POST', '/register', { body: { email: `UNIQUE.${kind}@example.com`, password: PASSWORD } });
    expect(dup.status).toBe(409);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, startAuth, type AuthHarness } from './test/harness.js';

describe('personal API keys', () => {
  let h: AuthHarness;
  let alice: Awaited<ReturnType<typeof registerAndLogin>>;
  let bob: Awaited<ReturnType<typeof registerAndLogin>>;
  beforeAll(async () => {
    h = await startAuth({ env: { MERIDIAN_AUTH_MAX_API_KEYS: '3' } });
    alice = await registerAndLogin(h, 'alice.keys@example.com');
    bob = await registerAndLogin(h, 'bob.keys@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates a key shown once as mrd_<id>_<secret> and stores only its hash', async () => {
    const res = await call(h, 'POST', '/api-keys', { token: alice.accessToken, body: { name: 'nightly import' } });
    expect(res.status).toBe(201);
    const key = res.json();
    expect(key).toMatchObject({ name: 'nightly import', scopes: ['read'], expiresAt: null, lastUsedAt: null });
    expect(key.key).toMatch(/^mrd_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const row = await h.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key.key.split('_')[2]);
    const list = await call(h, 'GET', '/api-keys', { token: alice.accessToken });
    expect(list.json().apiKeys).toHaveLength(1);
    expect(list.json().apiKeys[0]).not.toHaveProperty('key');
  });

  it('exchanges a key for a short-lived access token with the key’s scopes and no session', async () => {
    const created = (
      await call(h, 'POST', '/api-keys', { token: alice.accessToken, body: { name: 'trader bot', scopes: ['read', 'trade'] } })
    ).json();
    const res = await call(h, 'POST', '/token', { body: { apiKey: created.key } });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body).toEqual({ accessToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
    expect(body).not.toHaveProperty('refreshToken');
    const verified = await h.service.ctx.verifier.verify(body.accessToken);
    expect(verified).toMatchObject({ userId: alice.userId, email: alice.email, sessionId: undefined, scopes: ['read', 'trade'] });
    expect((await call(h, 'GET', '/me', { token: body.accessToken })).status).toBe(200);
    const listed = (await call(h, 'GET', '/api-keys', { token: alice.accessToken })).json().apiKeys as Array<Record<string, unknown>>;
    expect(listed.find((k) => k.id === created.id)?.lastUsedAt).not.toBeNull();
  });

  it('does not let a token from an API key manage the account', async () => {
    const created = (await call(h, 'POST', '/api-keys', { token: alice.accessToken, body: { name: 'limited' } })).json();
    const { accessToken } = (await call(h, 'POST', '/token', { body: { apiKey: created.key } })).json();
    for (const [method, url, body] of [
      ['GET', '/api-keys', undefined],
      ['POST', '/api-keys', { name: 'escalate' }],
      ['GET', '/sessions', undefined],
      ['POST', '/password', { currentPassword: 'x', newPassword: 'y' }],
      ['DELETE', '/me', { password: 'x' }],
    ] as const) {
      const res = await call(h, method, url, { token: accessToken, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${url}`).toBe(403);
    }
    await call(h, 'DELETE', `/api-keys/${String(created.id)}`, { token: alice.accessToken });
  });

  it('rejects a wrong, malformed, revoked or expired key with one 401', async () => {
    const created = (await call(h, 'POST', '/api-keys', { token: bob.accessToken, body: { name: 'temp' } })).json();
    const forged = created.key.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'));
    for (const apiKey of [forged, 'mrd_nope', 'x'.repeat(90)]) {
      const res = await call(h, 'POST', '/token', { body: { apiKey } });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'the API key is invalid, expired or revoked' } });
    }
    expect((await call(h, 'DELETE', `/api-keys/${String(created.id)}`, { token: bob.accessToken })).status).toBe(204);
    expect((await call(h, 'POST', '/token', { body: { apiKey: created.key } })).status).toBe(401);

    const soon = new Date(Date.now() + 60_000).toISOString();
    const expiring = (await call(h, 'POST', '/api-keys', { token: bob.accessToken, body: { name: 'short', expiresAt: soon } })).json();
    expect((await call(h, 'POST', '/token', { body: { apiKey: expiring.key } })).status).toBe(200);
    await h.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expiring.id).execute();
    expect((await call(h, 'POST', '/token', { body: { apiKey: expiring.key } })).status).toBe(401);
    await call(h, 'DELETE', `/api-keys/${String(expiring.id)}`, { token: bob.accessToken });
  });

  it('refuses an expiry in the past and more keys than the limit', async () => {
    const past = await call(h, 'POST', '/api-keys', {
      token: bob.accessToken,
      body: { name: 'late', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    for (let i = 0; i < 3; i++) {
      expect((await call(h, 'POST', '/api-keys', { token: bob.accessToken, body: { name: `k${i}` } })).status).toBe(201);
    }
    const over = await call(h, 'POST', '/api-keys', { token: bob.accessToken, body: { name: 'one too many' } });
    expect(over.status).toBe(409);
  });

  it("never lists or revokes user A's keys for user B", async () => {
    const aliceKeys = (await call(h, 'GET', '/api-keys', { token: alice.accessToken })).json().apiKeys as Array<{ id: string }>;
    const bobKeys = (await call(h, 'GET', '/api-keys', { token: bob.accessToken })).json().apiKeys as Array<{ id: string }>;
    const aliceIds = aliceKeys.map((k) => k.id);
    expect(bobKeys.some((k) => aliceIds.includes(k.id))).toBe(false);
    for (const id of aliceIds) {
      const res = await call(h, 'DELETE', `/api-keys/${id}`, { token: bob.accessToken });
      expect(res.status).toBe(404);
    }
    const after = (await call(h, 'GET', '/api-keys', { token: alice.accessToken })).json().apiKeys;
    expect(after).toHaveLength(aliceKeys.length);
  });
});

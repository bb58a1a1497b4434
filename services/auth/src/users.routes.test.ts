import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, call, eventually, registerAndLogin, startAuth, type AuthHarness } from './test/harness.js';

describe('accounts over HTTP', () => {
  let h: AuthHarness;
  beforeAll(async () => {
    h = await startAuth();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('registers an account with 201 and its id and email, and publishes auth.user.registered', async () => {
    const res = await call(h, 'POST', '/register', { body: { email: '  Reg@Example.com ', password: PASSWORD } });
    expect(res.status).toBe(201);
    const { user } = res.json();
    expect(user).toEqual({ id: expect.any(String), email: 'reg@example.com' });
    await eventually(() => h.events.some((e) => e.type === 'auth.user.registered' && e.subject === user.id));
    const event = h.events.find((e) => e.subject === user.id);
    expect(event?.data).toMatchObject({ userId: user.id, email: 'reg@example.com' });
  });

  it('stores the password as an argon2id hash with the configured parameters', async () => {
    const row = await h.db.selectFrom('users').select('password_hash').where('email', '=', 'reg@example.com').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('refuses a second account with the same email, whatever its case, with 409', async () => {
    const res = await call(h, 'POST', '/register', { body: { email: 'REG@example.com', password: PASSWORD } });
    expect(res.status).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'conflict', message: expect.any(String) } });
  });

  it('refuses a weak password with 422 and a message saying why', async () => {
    const short = await call(h, 'POST', '/register', { body: { email: 'weak@example.com', password: 'short' } });
    expect(short.status).toBe(422);
    expect(short.json().error).toMatchObject({ code: 'unprocessable', details: { field: 'password', reason: 'too_short' } });
    const common = await call(h, 'POST', '/register', { body: { email: 'weak@example.com', password: 'password1234' } });
    expect(common.json().error.details.reason).toBe('common');
    const own = await call(h, 'POST', '/register', { body: { email: 'weakling@example.com', password: 'i am weakling for sure' } });
    expect(own.json().error.details.reason).toBe('contains_email');
    const rows = await h.db.selectFrom('users').select('id').where('email', 'like', 'weak%').execute();
    expect(rows).toHaveLength(0);
  });

  it('answers GET /me with the account for a valid bearer token and 401 without one', async () => {
    const a = await registerAndLogin(h, 'me@example.com');
    const me = await call(h, 'GET', '/me', { token: a.accessToken });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ id: a.userId, email: 'me@example.com', twoFactorEnabled: false, hasPassword: true });
    const anon = await call(h, 'GET', '/me');
    expect(anon.status).toBe(401);
    expect(anon.json().error.code).toBe('unauthorized');
  });

  it('changes the password, signs out the other sessions and keeps the current one', async () => {
    const a = await registerAndLogin(h, 'change@example.com');
    const other = (await call(h, 'POST', '/login', { body: { email: a.email, password: PASSWORD } })).json();
    const wrong = await call(h, 'POST', '/password', {
      token: a.accessToken,
      body: { currentPassword: 'not my password at all', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.status).toBe(401);
    const ok = await call(h, 'POST', '/password', {
      token: a.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(ok.status).toBe(204);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(200);
    expect((await call(h, 'POST', '/login', { body: { email: a.email, password: PASSWORD } })).status).toBe(401);
    expect((await call(h, 'POST', '/login', { body: { email: a.email, password: 'a brand new passphrase' } })).status).toBe(200);
  });

  it('deletes the account with its password: rows gone, auth.user.deleted published, tokens stop working', async () => {
    const a = await registerAndLogin(h, 'leaving@example.com');
    await call(h, 'POST', '/api-keys', { token: a.accessToken, body: { name: 'script' } });
    const wrong = await call(h, 'DELETE', '/me', { token: a.accessToken, body: { password: 'not my password at all' } });
    expect(wrong.status).toBe(401);
    const res = await call(h, 'DELETE', '/me', { token: a.accessToken, body: { password: PASSWORD } });
    expect(res.status).toBe(204);
    for (const table of ['sessions', 'api_keys'] as const) {
      const rows = await h.db.selectFrom(table).select('user_id').where('user_id', '=', a.userId).execute();
      expect(rows).toHaveLength(0);
    }
    expect(await h.db.selectFrom('users').select('id').where('id', '=', a.userId).executeTakeFirst()).toBeUndefined();
    await eventually(() => h.events.some((e) => e.type === 'auth.user.deleted' && e.subject === a.userId));
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
    expect((await call(h, 'GET', '/me', { token: a.accessToken })).status).toBe(401);
  });
});

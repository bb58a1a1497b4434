import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, call, registerAndLogin, startAuth, testClock, type AuthHarness } from './test/harness.js';

const DAY = 86_400;

describe('sessions and refresh tokens over HTTP', () => {
  let h: AuthHarness;
  const clock = testClock();
  beforeAll(async () => {
    h = await startAuth({
      clock,
      env: { MERIDIAN_AUTH_SESSION_IDLE_TTL: String(2 * DAY), MERIDIAN_AUTH_SESSION_ABSOLUTE_TTL: String(5 * DAY) },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('signs in with a token pair: a JWT access token, an opaque 256-bit refresh token and expiresIn in seconds', async () => {
    await call(h, 'POST', '/register', { body: { email: 'pair@example.com', password: PASSWORD } });
    const res = await call(h, 'POST', '/login', { body: { email: 'pair@example.com', password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const pair = res.json();
    expect(pair).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900, tokenType: 'Bearer' });
    expect(Buffer.from(pair.refreshToken, 'base64url')).toHaveLength(32);
    const stored = await h.db.selectFrom('refresh_tokens').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(pair.refreshToken);
  });

  it('rotates the refresh token on every use', async () => {
    const a = await registerAndLogin(h, 'rotate@example.com');
    const first = await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } });
    expect(first.status).toBe(200);
    const next = first.json();
    expect(next.refreshToken).not.toBe(a.refreshToken);
    expect((await call(h, 'GET', '/me', { token: next.accessToken })).status).toBe(200);
    const second = await call(h, 'POST', '/refresh', { body: { refreshToken: next.refreshToken } });
    expect(second.status).toBe(200);
  });

  it('answers a reused refresh token with 401 and revokes its whole family', async () => {
    const a = await registerAndLogin(h, 'reuse@example.com');
    const rotated = (await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).json();
    const replay = await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.json().error.code).toBe('invalid_token');
    // The legitimate holder of the newer token is signed out too: the thief may hold it.
    const victim = await call(h, 'POST', '/refresh', { body: { refreshToken: rotated.refreshToken } });
    expect(victim.status).toBe(401);
    const session = await h.db.selectFrom('sessions').selectAll().where('user_id', '=', a.userId).executeTakeFirstOrThrow();
    expect(session.revoked_reason).toBe('refresh_token_reuse');
    // Other sessions of the same user are a different family and live on.
    const other = await call(h, 'POST', '/login', { body: { email: a.email, password: PASSWORD } });
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: other.json().refreshToken } })).status).toBe(200);
  });

  it('lets only one of two simultaneous refreshes with one token win', async () => {
    const a = await registerAndLogin(h, 'race@example.com');
    const results = await Promise.all([
      call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } }),
      call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } }),
    ]);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
  });

  it('rejects an unknown refresh token with 401', async () => {
    const res = await call(h, 'POST', '/refresh', { body: { refreshToken: 'x'.repeat(43) } });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'invalid_token', message: 'refresh token is invalid or expired' } });
  });

  it('logs out the session of a refresh token with 204', async () => {
    const a = await registerAndLogin(h, 'logout1@example.com');
    expect((await call(h, 'POST', '/logout', { body: { refreshToken: a.refreshToken } })).status).toBe(204);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
  });

  it('logs out the session of the bearer access token with 204', async () => {
    const a = await registerAndLogin(h, 'logout2@example.com');
    expect((await call(h, 'POST', '/logout', { token: a.accessToken })).status).toBe(204);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
    expect((await call(h, 'GET', '/sessions', { token: a.accessToken })).status).toBe(401);
  });

  it('refuses a logout with neither a refresh token nor a bearer token', async () => {
    expect((await call(h, 'POST', '/logout', { body: {} })).status).toBe(401);
    expect((await call(h, 'POST', '/logout')).status).toBe(401);
  });

  it('lists the live sessions with the current one marked, and signs one out', async () => {
    const a = await registerAndLogin(h, 'list@example.com');
    const laptop = await call(h, 'POST', '/login', {
      body: { email: a.email, password: PASSWORD },
      headers: { 'user-agent': 'Laptop/1.0' },
    });
    const list = await call(h, 'GET', '/sessions', { token: a.accessToken });
    expect(list.status).toBe(200);
    const sessions = list.json().sessions as Array<Record<string, unknown>>;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect(other).toMatchObject({ userAgent: 'Laptop/1.0', ip: '127.0.0.1', method: 'password' });
    expect(other).toHaveProperty('createdAt');
    expect(other).toHaveProperty('lastUsedAt');

    expect((await call(h, 'DELETE', `/sessions/${String(other.id)}`, { token: a.accessToken })).status).toBe(204);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: laptop.json().refreshToken } })).status).toBe(401);
    expect((await call(h, 'GET', '/sessions', { token: a.accessToken })).json().sessions).toHaveLength(1);
  });

  it("never shows or revokes user A's sessions for user B", async () => {
    const a = await registerAndLogin(h, 'alice@example.com');
    const b = await registerAndLogin(h, 'bob@example.com');
    const bList = (await call(h, 'GET', '/sessions', { token: b.accessToken })).json().sessions as Array<{ id: string }>;
    const aList = (await call(h, 'GET', '/sessions', { token: a.accessToken })).json().sessions as Array<{ id: string }>;
    expect(bList.map((s) => s.id)).not.toContain(aList[0]!.id);
    const attempt = await call(h, 'DELETE', `/sessions/${aList[0]!.id}`, { token: b.accessToken });
    expect(attempt.status).toBe(404);
    expect((await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(200);
  });

  it('ends a session that stayed idle longer than the idle lifetime', async () => {
    const a = await registerAndLogin(h, 'idle@example.com');
    clock.advance(2 * DAY + 60);
    try {
      expect((await call(h, 'POST', '/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
    } finally {
      clock.advance(-(2 * DAY + 60));
    }
  });

  it('ends a session at its absolute lifetime however often it is used', async () => {
    const a = await registerAndLogin(h, 'absolute@example.com');
    let token = a.refreshToken;
    const start = clock().getTime();
    try {
      for (let day = 1; day <= 4; day++) {
        clock.advance(DAY);
        const res = await call(h, 'POST', '/refresh', { body: { refreshToken: token } });
        expect(res.status).toBe(200);
        token = res.json().refreshToken;
      }
      clock.advance(DAY + 60);
      expect((await call(h, 'POST', '/refresh', { body: { refreshToken: token } })).status).toBe(401);
    } finally {
      clock.set(start);
    }
  });
});

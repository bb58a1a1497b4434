import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, snapshot, startAuth, type AuthHarness } from './test/harness.js';

type Method = 'POST' | 'DELETE';

/** Every route that takes a body, with a body it would accept (so a variant tests one flaw). */
const ROUTES: Array<{ method: Method; url: string; auth: boolean; body: Record<string, unknown> }> = [
  { method: 'POST', url: '/register', auth: false, body: { email: 'new@example.com', password: 'tangerine kayak forest' } },
  { method: 'POST', url: '/login', auth: false, body: { email: 'v@example.com', password: 'tangerine kayak forest' } },
  { method: 'POST', url: '/refresh', auth: false, body: { refreshToken: 'abc' } },
  { method: 'POST', url: '/logout', auth: false, body: { refreshToken: 'abc' } },
  { method: 'POST', url: '/password', auth: true, body: { currentPassword: 'a', newPassword: 'b' } },
  { method: 'POST', url: '/totp/enroll', auth: true, body: { password: 'a' } },
  { method: 'POST', url: '/totp/confirm', auth: true, body: { code: '123456' } },
  { method: 'POST', url: '/totp/disable', auth: true, body: { password: 'a', code: '123456' } },
  { method: 'POST', url: '/totp/recovery-codes', auth: true, body: { password: 'a', code: '123456' } },
  { method: 'POST', url: '/api-keys', auth: true, body: { name: 'script' } },
  { method: 'POST', url: '/token', auth: false, body: { apiKey: 'mrd_x' } },
  { method: 'POST', url: '/oidc/exchange', auth: false, body: { code: 'abc' } },
  { method: 'DELETE', url: '/me', auth: true, body: { password: 'a' } },
];

describe('bad input on every auth route gets a 4xx and changes nothing', () => {
  let h: AuthHarness;
  let token: string;
  beforeAll(async () => {
    h = await startAuth({ env: { MERIDIAN_BODY_LIMIT: '8192' } });
    token = (await registerAndLogin(h, 'v@example.com')).accessToken;
  });
  afterAll(async () => {
    await h?.close();
  });

  async function expectRejected(
    route: (typeof ROUTES)[number],
    request: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
    status: number | 'any4xx',
  ) {
    const before = await snapshot(h);
    const res = await call(h, route.method, route.url, { ...request, ...(route.auth ? { token } : {}) });
    if (status === 'any4xx') {
      expect(res.status, `${route.method} ${route.url}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status, `${route.method} ${route.url}: ${res.text}`).toBe(status);
    }
    expect(res.json()).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
    expect(await snapshot(h)).toEqual(before);
    return res;
  }

  it.each(ROUTES)('$method $url: malformed JSON is a 400', async (route) => {
    const res = await expectRejected(route, { rawBody: '{"email": "x@example.com", ' }, 400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it.each(ROUTES)('$method $url: a body over the limit is a 413', async (route) => {
    const huge = Object.fromEntries(Object.keys(route.body).map((k) => [k, 'x'.repeat(9000)]));
    const res = await expectRejected(route, { body: huge }, 413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it.each(ROUTES)('$method $url: an unknown field is a 400', async (route) => {
    const res = await expectRejected(route, { body: { ...route.body, isAdmin: true } }, 400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it.each(ROUTES)('$method $url: a field of the wrong type is a 400', async (route) => {
    for (const field of Object.keys(route.body)) {
      for (const wrong of [12345, ['x'], { nested: true }, true]) {
        const res = await expectRejected(route, { body: { ...route.body, [field]: wrong } }, 400);
        expect(res.json().error.code).toBe('validation_failed');
      }
    }
  });

  it.each(ROUTES)('$method $url: a JSON array or scalar instead of an object is a 400', async (route) => {
    await expectRejected(route, { rawBody: '[]' }, 400);
    await expectRejected(route, { rawBody: '"text"' }, 400);
  });

  it.each(ROUTES)('$method $url: a body that is not JSON is a 4xx', async (route) => {
    await expectRejected(route, { rawBody: 'email=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 'any4xx');
  });

  it('rejects ids that are not UUIDs in paths with 400', async () => {
    for (const url of ['/sessions/not-a-uuid', '/api-keys/1%27%20or%201=1']) {
      const before = await snapshot(h);
      const res = await call(h, 'DELETE', url, { token });
      expect(res.status).toBe(400);
      expect(await snapshot(h)).toEqual(before);
    }
  });

  it('rejects an invalid email address at registration with 400', async () => {
    const before = await snapshot(h);
    for (const email of ['not-an-email', '', 'a@', `${'x'.repeat(250)}@example.com`]) {
      const res = await call(h, 'POST', '/register', { body: { email, password: 'tangerine kayak forest' } });
      expect(res.status).toBe(400);
    }
    expect(await snapshot(h)).toEqual(before);
  });

  it('answers an unknown route with 404 in the same error shape', async () => {
    const res = await call(h, 'POST', '/no-such-route', { body: {} });
    expect(res.status).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, call, startAuth, type AuthHarness } from './test/harness.js';

const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** Headers that differ per request by design. */
const VOLATILE = new Set(['x-request-id', 'traceparent', 'date']);
const stable = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !VOLATILE.has(k)));

describe('sign-in without user enumeration, with throttling', () => {
  let h: AuthHarness;
  beforeAll(async () => {
    h = await startAuth({
      env: { MERIDIAN_AUTH_LOGIN_MAX_FAILURES: '3', MERIDIAN_AUTH_LOGIN_MAX_FAILURES_PER_IP: '6', MERIDIAN_AUTH_LOGIN_WINDOW: '600' },
    });
    for (const email of ['known@example.com', 'locked@example.com', 'reset@example.com']) {
      await call(h, 'POST', '/register', { body: { email, password: PASSWORD }, headers: from('10.0.0.1') });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers an unknown email and a wrong password with byte-identical responses', async () => {
    const unknown = await call(h, 'POST', '/login', {
      body: { email: 'nobody@example.com', password: 'some wrong password' },
      headers: from('10.0.1.1'),
    });
    const wrong = await call(h, 'POST', '/login', {
      body: { email: 'known@example.com', password: 'some wrong password' },
      headers: from('10.0.1.2'),
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
    expect(stable(unknown.headers)).toEqual(stable(wrong.headers));
    expect(unknown.json()).toEqual({ error: { code: 'invalid_credentials', message: 'email or password is incorrect' } });
  });

  it('locks an account after N failures with 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await call(h, 'POST', '/login', {
        body: { email: 'locked@example.com', password: 'wrong password again' },
        headers: from(`10.0.2.${i}`),
      });
      expect(res.status).toBe(401);
    }
    const locked = await call(h, 'POST', '/login', {
      body: { email: 'locked@example.com', password: PASSWORD },
      headers: from('10.0.2.9'),
    });
    expect(locked.status).toBe(429);
    expect(locked.json().error.code).toBe('rate_limited');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  it('locks an unknown email exactly like a known one, so lockouts do not reveal accounts', async () => {
    const attempt = (email: string, ip: string) =>
      call(h, 'POST', '/login', { body: { email, password: 'wrong password again' }, headers: from(ip) });
    for (let i = 0; i < 3; i++) await attempt('ghost@example.com', `10.0.3.${i}`);
    const ghost = await attempt('ghost@example.com', '10.0.3.9');
    const real = await attempt('locked@example.com', '10.0.3.10');
    expect(ghost.status).toBe(429);
    expect(ghost.text).toBe(real.text);
  });

  it('throttles an address that fails across many accounts', async () => {
    const ip = '10.0.4.1';
    for (let i = 0; i < 6; i++) {
      const res = await call(h, 'POST', '/login', {
        body: { email: `spray${i}@example.com`, password: 'wrong password again' },
        headers: from(ip),
      });
      expect(res.status).toBe(401);
    }
    const blocked = await call(h, 'POST', '/login', { body: { email: 'known@example.com', password: PASSWORD }, headers: from(ip) });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    const elsewhere = await call(h, 'POST', '/login', { body: { email: 'known@example.com', password: PASSWORD }, headers: from('10.0.4.2') });
    expect(elsewhere.status).toBe(200);
  });

  it('clears the account counter after a successful sign-in', async () => {
    const attempt = (password: string, ip: string) =>
      call(h, 'POST', '/login', { body: { email: 'reset@example.com', password }, headers: from(ip) });
    await attempt('wrong password again', '10.0.5.1');
    await attempt('wrong password again', '10.0.5.2');
    expect((await attempt(PASSWORD, '10.0.5.3')).status).toBe(200);
    await attempt('wrong password again', '10.0.5.4');
    await attempt('wrong password again', '10.0.5.5');
    expect((await attempt(PASSWORD, '10.0.5.6')).status).toBe(200);
  });

  it('throttles registrations per address', async () => {
    const limited = await startAuth({ env: { MERIDIAN_AUTH_REGISTER_MAX_PER_IP: '2' } });
    try {
      const reg = (i: number) =>
        call(limited, 'POST', '/register', { body: { email: `r${i}@example.com`, password: PASSWORD }, headers: from('10.0.6.1') });
      expect((await reg(1)).status).toBe(201);
      expect((await reg(2)).status).toBe(201);
      const third = await reg(3);
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});

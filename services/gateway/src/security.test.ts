import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './test/fixtures.js';

describe('security headers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MERIDIAN_TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(() => stack.close());

  it('sends a CSP for a same-origin SPA, no framing, nosniff and a referrer policy on every response', async () => {
    for (const path of ['/', '/api/portfolio/health/ready', '/api/portfolio/holdings', '/api/nope']) {
      const res = await fetch(`${stack.gateway.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('sends HSTS only when the client came over https', async () => {
    const plain = await fetch(`${stack.gateway.url}/`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    // Behind a trusted TLS-terminating proxy (MERIDIAN_TRUST_PROXY) that says so.
    const tls = await fetch(`${stack.gateway.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toMatch(/^max-age=31536000; includeSubDomains/);
  });
});

describe('HSTS from an untrusted client', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('ignores X-Forwarded-Proto when no proxy is trusted', async () => {
    const res = await fetch(`${stack.gateway.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('CORS', () => {
  let stack: Stack;
  let token: string;
  const allowed = 'https://app.example.com';

  beforeAll(async () => {
    stack = await startStack({ env: { MERIDIAN_CORS_ORIGINS: `${allowed}, https://admin.example.com` } });
    token = await stack.token();
  });
  afterAll(() => stack.close());

  it('answers a preflight from an allowed origin without asking for a token', async () => {
    const res = await fetch(`${stack.gateway.url}/api/portfolio/holdings`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('marks responses to an allowed origin as readable by it', async () => {
    const res = await fetch(`${stack.gateway.url}/api/portfolio/holdings`, {
      headers: { origin: allowed, authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('gives an origin that is not listed no CORS headers', async () => {
    const res = await fetch(`${stack.gateway.url}/api/portfolio/holdings`, {
      headers: { origin: 'https://evil.example.net', authorization: `Bearer ${token}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${stack.gateway.url}/api/portfolio/holdings`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'DELETE' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('allows no cross-origin reads when MERIDIAN_CORS_ORIGINS is unset', async () => {
    const res = await fetch(`${stack.gateway.url}/api/portfolio/health/ready`, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

import { randomUUID } from 'node:crypto';
import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './index.js';
import { createSigningKey, signAccessToken, startStack, startUpstream, type Stack, type Upstream } from './test/fixtures.js';

describe('the gateway checks access tokens before a service sees the request', () => {
  let stack: Stack;
  let portfolioHits: number;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    portfolioHits = stack.portfolio.hits.length;
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${stack.gateway.url}${path}`, init);
  const withToken = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('lets a valid token through and forwards it unchanged', async () => {
    const token = await stack.token();
    const res = await call('/api/portfolio/holdings', withToken(token));
    expect(res.status).toBe(200);
    expect(stack.portfolio.hits.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('answers a request without a token with 401 unauthorized and a Bearer challenge', async () => {
    const res = await call('/api/portfolio/holdings');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorCode(res)).toBe('unauthorized');
    expect(stack.portfolio.hits.length).toBe(portfolioHits);
  });

  describe('rejects forged and stale tokens with 401 invalid_token, and the service never sees them', () => {
    const rejects = async (token: string) => {
      const res = await call('/api/portfolio/holdings', withToken(token));
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
      expect(stack.portfolio.hits.length).toBe(portfolioHits);
    };

    it('a token whose payload was changed after signing', async () => {
      const [header, , signature] = (await stack.token()).split('.');
      const forged = base64url.encode(
        JSON.stringify({ sub: randomUUID(), email: 'mallory@example.com', iss: 'meridian-auth', aud: 'meridian-api', exp: 9_999_999_999, iat: 1 }),
      );
      await rejects(`${header}.${forged}.${signature}`);
    });

    it('an expired token', async () => {
      await rejects(await stack.token({ expiresIn: -3600 }));
    });

    it('an unsigned token (alg: none)', async () => {
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: stack.auth.key.kid }));
      const now = Math.floor(Date.now() / 1000);
      const payload = base64url.encode(
        JSON.stringify({ sub: randomUUID(), email: 'x@example.com', iss: 'meridian-auth', aud: 'meridian-api', iat: now, exp: now + 300 }),
      );
      await rejects(`${header}.${payload}.`);
    });

    it('an HS256 token signed with the public key as the HMAC secret', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(stack.auth.key.jwk));
      const token = await new SignJWT({ email: 'x@example.com' })
        .setProtectedHeader({ alg: 'HS256', kid: stack.auth.key.kid })
        .setSubject(randomUUID())
        .setIssuer('meridian-auth')
        .setAudience('meridian-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      await rejects(token);
    });

    it('a token signed by another key under the same kid', async () => {
      const other = await createSigningKey(stack.auth.key.kid);
      await rejects(await signAccessToken(other));
    });

    it('a token for another audience', async () => {
      await rejects(await stack.token({ audience: 'someone-else' }));
    });

    it('a token from another issuer', async () => {
      await rejects(await stack.token({ issuer: 'evil-auth' }));
    });

    it('a token whose subject is not a user id', async () => {
      await rejects(await stack.token({ sub: 'admin' }));
    });

    it('something that is not a JWT at all', async () => {
      await rejects('not-a-jwt');
    });
  });

  describe('public routes need no token', () => {
    it.each([
      ['POST', '/api/auth/register'],
      ['POST', '/api/auth/login'],
      ['POST', '/api/auth/refresh'],
      ['POST', '/api/auth/logout'],
      ['POST', '/api/auth/token'],
      ['GET', '/api/auth/jwks'],
      ['GET', '/api/auth/.well-known/jwks.json'],
      ['GET', '/api/auth/oidc/google/start'],
      ['GET', '/api/auth/oidc/google/callback?code=abc&state=xyz'],
      ['GET', '/api/portfolio/health/ready'],
      ['GET', '/api/portfolio/health/live'],
      ['GET', '/api/portfolio/docs'],
      ['GET', '/api/portfolio/docs/json'],
    ])('%s %s reaches the service', async (method, path) => {
      const upstream = path.startsWith('/api/auth/') ? stack.auth : stack.portfolio;
      const before = upstream.hits.length;
      await call(path, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
      expect(upstream.hits.length).toBe(before + 1);
      expect(upstream.hits.at(-1)?.url).toBe(path.replace(/^\/api\/[a-z]+/, ''));
    });

    it('passes a stale token on a public route through rather than refusing it (a refresh may carry one)', async () => {
      const stale = await stack.token({ expiresIn: -3600 });
      const res = await call('/api/auth/refresh', {
        method: 'POST',
        headers: { authorization: `Bearer ${stale}`, 'content-type': 'application/json' },
        body: '{"refreshToken":"r"}',
      });
      expect(res.status).toBe(200);
      expect(stack.auth.hits.at(-1)?.headers.authorization).toBe(`Bearer ${stale}`);
    });
  });

  describe('everything else needs a token', () => {
    it.each([
      ['GET', '/api/auth/me'],
      ['POST', '/api/auth/me/password'],
      ['GET', '/api/auth/login'],
      ['DELETE', '/api/auth/sessions/1'],
      ['POST', '/api/portfolio/health/ready'],
      ['GET', '/api/portfolio/healthz'],
      ['GET', '/api/portfolio/'],
      ['GET', '/api/portfolio'],
      ['GET', '/api/portfolio/jwks'],
      ['POST', '/api/portfolio/login'],
      ['GET', '/api/auth//login'],
      ['POST', '/api/auth/%6Cogin'],
    ])('%s %s is refused without one', async (method, path) => {
      const before = stack.auth.hits.length + stack.portfolio.hits.length;
      const res = await call(path, { method });
      expect(res.status).toBe(401);
      expect(stack.auth.hits.length + stack.portfolio.hits.length).toBe(before);
    });
  });
});

describe('when the auth service cannot be reached for its keys', () => {
  let gateway: RunningGateway;
  let portfolio: Upstream;
  beforeAll(async () => {
    const gone = await startUpstream('auth');
    await gone.close();
    portfolio = await startUpstream('portfolio');
    gateway = await startGateway({
      services: { auth: gone.url, portfolio: portfolio.url },
      env: { LOG_LEVEL: 'silent' },
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await portfolio.close();
  });

  it('answers 503 unavailable, not 401: the token may be fine', async () => {
    const token = await signAccessToken(await createSigningKey());
    const res = await fetch(`${gateway.url}/api/portfolio/holdings`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(portfolio.hits).toHaveLength(0);
  });
});

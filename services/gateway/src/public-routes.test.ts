import { describe, expect, it } from 'vitest';
import { routeAccess, splitApiPath } from './public-routes.js';

describe('which routes need no access token', () => {
  it.each([
    ['POST', 'auth', '/login', 'credentials'],
    ['POST', 'auth', '/register', 'credentials'],
    ['POST', 'auth', '/login/', 'credentials'],
    ['POST', 'auth', '/refresh', 'public'],
    ['POST', 'auth', '/logout', 'public'],
    ['POST', 'auth', '/token', 'public'],
    ['GET', 'auth', '/jwks', 'public'],
    ['GET', 'auth', '/.well-known/jwks.json', 'public'],
    ['GET', 'auth', '/oidc/github/callback', 'public'],
    ['POST', 'auth', '/oidc/github/callback', 'public'],
    ['GET', 'valuation', '/health/ready', 'public'],
    ['HEAD', 'valuation', '/health/live', 'public'],
    ['GET', 'valuation', '/docs', 'public'],
    ['GET', 'valuation', '/docs/static/index.html', 'public'],
    ['GET', 'auth', '/me', 'protected'],
    ['GET', 'auth', '/login', 'protected'],
    ['DELETE', 'auth', '/jwks', 'protected'],
    ['POST', 'valuation', '/login', 'protected'],
    ['GET', 'valuation', '/oidc/x', 'protected'],
    ['POST', 'valuation', '/health/ready', 'protected'],
    ['GET', 'valuation', '/healthz', 'protected'],
    ['GET', 'valuation', '/docsx', 'protected'],
    ['GET', 'auth', '//login', 'protected'],
    ['GET', 'valuation', '', 'protected'],
  ])('%s /api/%s%s is %s', (method, service, path, access) => {
    expect(routeAccess(method, service, path)).toBe(access);
  });
});

describe('splitting a gateway path', () => {
  it.each([
    ['/api/auth/me?x=1', 'auth', '/me'],
    ['/api/auth', 'auth', ''],
    ['/api/auth/', 'auth', '/'],
    ['/api/auth?x=/y', 'auth', ''],
    ['/api/portfolio/holdings/AAPL', 'portfolio', '/holdings/AAPL'],
  ])('%s → %s + %s', (url, service, path) => {
    expect(splitApiPath(url)).toEqual({ service, path });
  });
});

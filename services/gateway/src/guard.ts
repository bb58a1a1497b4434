import { AppError, bearerToken, type VerifiedToken } from '@meridian/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors as joseErrors } from 'jose';
import { API_KEY_PREFIX, type ApiKeyExchange } from './api-keys.js';
import { routeAccess, splitApiPath } from './public-routes.js';
import { clientKey, type RateLimiter, type RateLimitPolicy } from './rate-limit.js';
import type { CachingVerifier } from './token-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The access token to forward upstream, when it differs from the client's header. */
    upstreamToken: string | undefined;
  }
}

export interface GuardPolicies {
  anonymous: RateLimitPolicy;
  user: RateLimitPolicy;
  credentials: RateLimitPolicy;
}

export interface GuardDeps {
  verifier: CachingVerifier;
  apiKeys: ApiKeyExchange;
  limiter: RateLimiter;
  policies: GuardPolicies;
}

/**
 * The onRequest hook in front of one service: admits public routes, checks the access token
 * (or exchanges a personal API key) on every other route before anything reaches the
 * service, and charges the request to the caller's budget: the user's when authenticated,
 * the client address's otherwise, including failed attempts so guessing tokens costs budget.
 */
export function edgeGuard(service: string, deps: GuardDeps) {
  const { verifier, apiKeys, limiter, policies } = deps;

  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { path } = splitApiPath(request.url);
    const access = routeAccess(request.method, service, path);
    if (access !== 'protected') {
      await limiter.consume(access === 'credentials' ? policies.credentials : policies.anonymous, clientKey(request.ip), reply);
      return;
    }

    const upgrade = isWebSocketUpgrade(request);
    const fromHeader = bearerToken(request.headers.authorization);
    // Browsers cannot set headers on a WebSocket, so only the upgrade may carry the token in
    // the URL; the proxy strips it before forwarding.
    const credential = fromHeader ?? (upgrade ? queryToken(request.url) : undefined);
    let user: VerifiedToken;
    try {
      if (!credential) {
        throw new AppError('unauthorized', 'missing bearer token', { headers: { 'www-authenticate': 'Bearer' } });
      }
      let token = credential;
      if (credential.startsWith(API_KEY_PREFIX)) token = await apiKeys.exchange(credential);
      user = verifier.peek(token) ?? (await verifyOrExplain(verifier, token));
      if (token !== fromHeader) request.upstreamToken = token;
    } catch (err) {
      await limiter.consume(policies.anonymous, clientKey(request.ip), reply);
      throw err;
    }
    request.user = user;
    request.ctx.userId = user.userId;
    await limiter.consume(policies.user, user.userId, reply);
  };
}

async function verifyOrExplain(verifier: CachingVerifier, token: string): Promise<VerifiedToken> {
  try {
    return await verifier.verify(token);
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_token' && keysUnavailable(err.cause)) {
      // Not the token's fault: the JWKS could not be fetched. 503 tells the client to retry
      // rather than to throw its session away.
      throw new AppError('unavailable', 'cannot verify access tokens: auth service unavailable', { cause: err });
    }
    if (err instanceof AppError && err.code === 'invalid_token' && !err.headers) {
      throw new AppError('invalid_token', err.message, {
        cause: err.cause,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    throw err;
  }
}

/**
 * jose raises a specific JOSE error for each way a token is bad; a timeout, a failed fetch or
 * an unusable answer from the JWKS endpoint means the keys could not be had at all.
 */
function keysUnavailable(cause: unknown): boolean {
  if (cause instanceof joseErrors.JWKSTimeout) return true;
  if (cause instanceof joseErrors.JOSEError) {
    return cause.constructor === joseErrors.JOSEError && cause.message.includes('JSON Web Key Set');
  }
  return cause instanceof TypeError && /fetch/i.test(cause.message);
}

export function isWebSocketUpgrade(request: FastifyRequest): boolean {
  const upgrade = request.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
}

function queryToken(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  const value = new URLSearchParams(url.slice(q + 1)).get('access_token');
  return value || undefined;
}

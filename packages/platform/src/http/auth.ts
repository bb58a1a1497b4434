import { accessTokenClaims } from '@meridian/contracts';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';

export const ACCESS_TOKEN_ISSUER = 'meridian-auth';
export const ACCESS_TOKEN_AUDIENCE = 'meridian-api';
/** Only asymmetric algorithms: `none` and HMAC tokens are refused before any key is looked up. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA', 'ES256'];

export interface VerifiedToken {
  userId: string;
  email: string;
  sessionId: string | undefined;
  scopes: string[];
  expiresAt: number;
}

export interface TokenVerifier {
  /** Resolves the token's identity; rejects with AppError('invalid_token') otherwise. */
  verify(token: string): Promise<VerifiedToken>;
}

/** Verified tokens remembered per verifier (a signature check costs far more than a lookup). */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Verifies with a key resolver (a remote JWKS, or the auth service's own key store). A token
 * that verified once is remembered until it expires: a signed token cannot change, so the
 * answer cannot either (revocation is the refresh token's business, as for any JWT). The
 * auth service, which retires its own keys, verifies without remembering (`remember: false`).
 */
export function createKeyVerifier(getKey: JWTVerifyGetKey, options: { remember?: boolean } = {}): TokenVerifier {
  const verified = new Map<string, VerifiedToken>();
  const remember = options.remember ?? true;
  return {
    async verify(token) {
      const hit = remember ? verified.get(token) : undefined;
      if (hit && hit.expiresAt * 1000 > Date.now()) return hit;
      if (hit) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: 5,
        });
        const claims = accessTokenClaims.parse(payload);
        const result: VerifiedToken = Object.freeze({
          userId: claims.sub,
          email: claims.email,
          sessionId: claims.sid,
          scopes: Object.freeze(claims.scope ? claims.scope.split(' ') : []) as string[],
          expiresAt: payload.exp ?? 0,
        });
        if (remember) {
          if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
          verified.set(token, result);
        }
        return result;
      } catch (err) {
        const expired = err instanceof joseErrors.JWTExpired;
        throw new AppError('invalid_token', expired ? 'access token expired' : 'invalid access token', {
          cause: err,
        });
      }
    },
  };
}

/** Verifies against the auth service's JWKS, fetched and cached (refetched on an unknown kid). */
export function createJwksVerifier(jwksUrl: string): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  return createKeyVerifier(jwks);
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

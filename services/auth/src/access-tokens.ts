import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  createKeyVerifier,
  type TokenVerifier,
} from '@meridian/platform';
import { apiScope } from '@meridian/contracts';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { SIGNING_ALG, type SigningKeyStore } from './signing-keys.service.js';

/**
 * Scopes an access token can carry. Tokens of an interactive session carry all of them;
 * a token exchanged for an API key carries only the key's scopes and no `sid`.
 */
export const ALL_SCOPES: readonly string[] = apiScope.options;

export interface AccessTokenSubject {
  userId: string;
  email: string;
  sessionId?: string | undefined;
  scopes: readonly string[];
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

export interface AccessTokenIssuer {
  issue(subject: AccessTokenSubject): Promise<IssuedAccessToken>;
}

/** Signs short-lived JWT access tokens (RFC 9068 `at+jwt`) with the current signing key. */
export function createAccessTokenIssuer(keys: SigningKeyStore, clock: Clock, ttlSeconds: number): AccessTokenIssuer {
  return {
    async issue(subject) {
      const { kid, key } = await keys.signingKey();
      const iat = Math.floor(clock().getTime() / 1000);
      const token = await new SignJWT({
        email: subject.email,
        ...(subject.sessionId ? { sid: subject.sessionId } : {}),
        scope: subject.scopes.join(' '),
      })
        .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: 'at+jwt' })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(subject.userId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresIn: ttlSeconds };
    },
  };
}

/**
 * Verifies access tokens against auth's own key store, with the platform's rules (issuer,
 * audience, EdDSA/ES256 only, required claims). A token without a `kid`, or with a kid
 * that is unknown or past its verification window, is rejected.
 */
export function createLocalVerifier(keys: SigningKeyStore): TokenVerifier {
  return createKeyVerifier(async (header) => {
    const key = header.kid ? await keys.publicKey(header.kid) : undefined;
    if (!key) throw new Error('unknown signing key');
    return key;
  }, { remember: false });
}

import type { TokenVerifier, VerifiedToken } from '@meridian/platform';

export interface CachingVerifier extends TokenVerifier {
  /** The identity of a token verified recently, without any async work; else undefined. */
  peek(token: string): VerifiedToken | undefined;
}

export interface TokenCacheOptions {
  /** How long a verified token is trusted without checking its signature again. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  user: VerifiedToken;
  until: number;
}

/**
 * Remembers verified tokens for a few seconds (never past their `exp`), so a client that
 * sends the same access token on every request pays for one signature check, not one per
 * request. Keyed by the token itself: a Map hashes strings natively, and nothing leaves the
 * process. Concurrent first uses of one token share a single verification. Failures are not
 * cached: an attacker could otherwise fill the cache with garbage.
 */
export function cachingVerifier(inner: TokenVerifier, options: TokenCacheOptions): CachingVerifier {
  const { ttlMs, maxEntries = 10_000, now = Date.now } = options;
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<VerifiedToken>>();

  const remember = (token: string, user: VerifiedToken) => {
    const until = Math.min(now() + ttlMs, user.expiresAt * 1000);
    if (ttlMs <= 0 || until <= now()) return;
    if (entries.size >= maxEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(token, { user, until });
  };

  const peek = (token: string): VerifiedToken | undefined => {
    const hit = entries.get(token);
    if (hit === undefined) return undefined;
    if (hit.until > now()) return hit.user;
    entries.delete(token);
    return undefined;
  };

  return {
    peek,
    verify(token) {
      const cached = peek(token);
      if (cached) return Promise.resolve(cached);
      let pending = inflight.get(token);
      if (!pending) {
        pending = inner.verify(token).then(
          (user) => {
            inflight.delete(token);
            remember(token, user);
            return user;
          },
          (err: unknown) => {
            inflight.delete(token);
            throw err;
          },
        );
        inflight.set(token, pending);
      }
      return pending;
    },
  };
}

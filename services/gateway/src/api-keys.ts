import { createHash } from 'node:crypto';
import { AppError, createServiceClient, type KeyValueStore } from '@meridian/platform';
import { z } from 'zod';

/** Personal API keys start with this; anything else in a bearer is taken for a JWT. */
export const API_KEY_PREFIX = 'mrd_';

const exchangeResponse = z.object({ accessToken: z.string().min(1), expiresIn: z.number().positive() });

/** A cached result: the access token, or `null` for a key the auth service refused. */
const cachedResult = z.object({ accessToken: z.string().nullable() });

export interface ApiKeyExchange {
  /** The short-lived access token for a personal API key; AppError('invalid_token') if refused. */
  exchange(apiKey: string): Promise<string>;
  close(): Promise<void>;
}

export interface ApiKeyExchangeOptions {
  authUrl: string;
  store: KeyValueStore;
  timeoutMs?: number;
  /** Re-exchange this long before the access token expires. */
  refreshMarginMs?: number;
  /** How long a refused key is answered from the cache. */
  failureTtlMs?: number;
}

/**
 * Exchanges a personal API key for an access token at `POST <auth>/token` and caches the
 * answer in the shared store under a SHA-256 of the key (the key itself is a long-lived
 * secret, so it is never a cache key). Concurrent uses of one key share one exchange.
 */
export function createApiKeyExchange(options: ApiKeyExchangeOptions): ApiKeyExchange {
  const { store, refreshMarginMs = 30_000, failureTtlMs = 10_000 } = options;
  const client = createServiceClient('auth', options.authUrl, { timeoutMs: options.timeoutMs ?? 5_000, connections: 8 });
  const inflight = new Map<string, Promise<string>>();

  const refused = () => new AppError('invalid_token', 'invalid API key', { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });

  async function fromCache(key: string): Promise<string | null | undefined> {
    const raw = await store.get(key);
    if (raw === undefined) return undefined;
    const parsed = cachedResult.safeParse(safeJson(raw));
    return parsed.success ? parsed.data.accessToken : undefined;
  }

  async function exchangeAndCache(apiKey: string, key: string): Promise<string> {
    const cached = await fromCache(key);
    if (cached === null) throw refused();
    if (cached !== undefined) return cached;
    let body: unknown;
    try {
      body = (await client.request({ method: 'POST', path: '/token', body: { apiKey } })).body;
    } catch (err) {
      if (isRefusal(err)) {
        await store.set(key, JSON.stringify({ accessToken: null }), failureTtlMs);
        throw refused();
      }
      throw new AppError('unavailable', 'cannot check the API key: auth service unavailable', { cause: err });
    }
    const parsed = exchangeResponse.safeParse(body);
    if (!parsed.success) {
      throw new AppError('bad_gateway', 'auth service answered the API key exchange with an unexpected body');
    }
    const ttl = parsed.data.expiresIn * 1000 - refreshMarginMs;
    if (ttl > 0) await store.set(key, JSON.stringify({ accessToken: parsed.data.accessToken }), ttl);
    return parsed.data.accessToken;
  }

  return {
    exchange(apiKey) {
      const key = `gateway:apikey:${createHash('sha256').update(apiKey).digest('base64url')}`;
      let pending = inflight.get(key);
      if (!pending) {
        pending = exchangeAndCache(apiKey, key).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    close: () => client.close(),
  };
}

/** The auth service said no (4xx), as opposed to being unreachable or failing (5xx). */
function isRefusal(err: unknown): boolean {
  if (!(err instanceof AppError)) return false;
  const details = err.details;
  if (typeof details !== 'object' || details === null || !('status' in details)) return false;
  const status = details.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

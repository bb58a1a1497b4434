import { Agent, request } from 'undici';
import type { z } from 'zod';
import { ProviderError } from './types.js';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** The one HTTP client the providers share: keep-alive pools, timeouts, a user agent. */
export interface HttpClient {
  get(url: URL, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): Promise<void>;
}

export function createHttpClient(options: { timeoutMs: number; userAgent: string }): HttpClient {
  const agent = new Agent({
    connections: 16,
    keepAliveTimeout: 10_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.timeoutMs },
  });
  return {
    async get(url, headers = {}) {
      const res = await request(url, {
        method: 'GET',
        dispatcher: agent,
        headers: { accept: 'application/json', 'user-agent': options.userAgent, ...headers },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    },
    close: () => agent.close(),
  };
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * GETs `url` and parses the JSON body with `schema`. A 404 (and any status in `notFound`)
 * resolves to undefined: an unknown symbol is an answer, not a fault of the provider.
 * Everything else that is not a 2xx with the documented shape is a {@link ProviderError}.
 */
export async function getJson<S extends z.ZodType>(
  http: HttpClient,
  provider: string,
  url: URL,
  schema: S,
  options: { headers?: Record<string, string>; notFound?: number[] } = {},
): Promise<z.infer<S> | undefined> {
  let res: HttpResponse;
  try {
    res = await http.get(url, options.headers);
  } catch (err) {
    throw new ProviderError(provider, 'unavailable', `request failed: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 404 || options.notFound?.includes(res.status)) return undefined;
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers['retry-after']);
    throw new ProviderError(provider, 'rate_limited', 'rate limited (429)', wait === undefined ? {} : { retryAfterMs: wait });
  }
  if (res.status === 401 || res.status === 403) {
    throw new ProviderError(provider, 'unauthorized', `refused with ${res.status}: check the API key and plan`);
  }
  if (res.status >= 500) throw new ProviderError(provider, 'unavailable', `server error ${res.status}`);
  if (res.status < 200 || res.status >= 300) throw new ProviderError(provider, 'bad_response', `unexpected status ${res.status}`);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch (err) {
    throw new ProviderError(provider, 'bad_response', 'response is not JSON', { cause: err });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ProviderError(provider, 'bad_response', `unexpected response shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** `base` with `path` appended (keeping any path prefix of the base) and the query set. */
export function buildUrl(base: string, path: string, query: Record<string, string | number | undefined> = {}): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

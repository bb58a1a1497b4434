import type { KeyValueStore } from '@meridian/platform';

export interface RateLimit {
  perMinute?: number | undefined;
  perDay?: number | undefined;
}

/**
 * A provider's request budget. The counters live in the shared store (Redis in the
 * distributed mode), so every instance of the service spends the same quota: a provider's
 * limit is per API key, not per process.
 */
export interface RateLimiter {
  /** Takes one request from the budget; false when the budget is spent (the request must not go out). */
  tryAcquire(): Promise<boolean>;
  /** Stops requests for `ms` (after the provider itself answered 429, with its Retry-After). */
  exhaust(ms?: number): Promise<void>;
}

export function createRateLimiter(cache: KeyValueStore, provider: string, limit: RateLimit): RateLimiter {
  const minuteKey = `valuation:ratelimit:${provider}:minute`;
  const dayKey = `valuation:ratelimit:${provider}:day`;
  const blockedKey = `valuation:ratelimit:${provider}:blocked`;
  return {
    async tryAcquire() {
      if (await cache.get(blockedKey)) return false;
      if (limit.perMinute !== undefined) {
        const { count } = await cache.incr(minuteKey, 60_000);
        if (count > limit.perMinute) return false;
      }
      if (limit.perDay !== undefined) {
        const { count } = await cache.incr(dayKey, 86_400_000);
        if (count > limit.perDay) return false;
      }
      return true;
    },
    async exhaust(ms = 60_000) {
      await cache.set(blockedKey, '1', Math.min(Math.max(ms, 1000), 3_600_000));
    },
  };
}

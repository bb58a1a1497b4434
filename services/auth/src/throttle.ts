import { AppError, type KeyValueStore } from '@meridian/platform';
import { sha256Hex } from './secrets.js';

/**
 * A failure counter with a lockout: after `max` hits within `windowSeconds`, `check` throws
 * 429 with Retry-After until the window ends. Counters live in the shared cache (Redis in
 * the distributed mode), so every instance sees the same counts.
 */
export interface Limiter {
  check(key: string): Promise<void>;
  hit(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export function createLimiter(
  cache: KeyValueStore,
  name: string,
  options: { max: number; windowSeconds: number; message?: string },
): Limiter {
  const windowMs = options.windowSeconds * 1000;
  // Hashed so emails and addresses do not sit in Redis in clear text.
  const counterKey = (key: string) => `auth:limit:${name}:${sha256Hex(key)}`;
  const lockKey = (key: string) => `auth:lock:${name}:${sha256Hex(key)}`;
  return {
    async check(key) {
      const until = Number(await cache.get(lockKey(key)));
      const left = until - Date.now();
      if (Number.isFinite(left) && left > 0) {
        const seconds = Math.max(1, Math.ceil(left / 1000));
        throw new AppError('rate_limited', options.message ?? `Too many attempts; try again in ${seconds} seconds.`, {
          headers: { 'retry-after': String(seconds) },
        });
      }
    },
    async hit(key) {
      const { count, resetInMs } = await cache.incr(counterKey(key), windowMs);
      if (count >= options.max) {
        const ttl = Math.max(1000, resetInMs);
        await cache.set(lockKey(key), String(Date.now() + ttl), ttl);
      }
    },
    async reset(key) {
      await cache.del(counterKey(key));
      await cache.del(lockKey(key));
    },
  };
}

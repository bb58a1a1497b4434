import { AppError, type KeyValueStore, type Logger } from '@meridian/platform';
import type { FastifyReply } from 'fastify';

/** One budget: `limit` requests per `windowMs` per key. A limit of 0 means unlimited. */
export interface RateLimitPolicy {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimiter {
  /**
   * Counts one request of `id` against `policy` and writes the IETF RateLimit-* headers;
   * throws AppError('rate_limited') with Retry-After once the budget is spent.
   */
  consume(policy: RateLimitPolicy, id: string, reply: FastifyReply): Promise<void>;
}

/**
 * Fixed-window counters in the KeyValueStore (memory in the embedded mode, Redis when several
 * gateways share the budget). If the store fails, requests pass: the limiter protects the
 * services, it must not take the platform down with Redis.
 */
export function createRateLimiter(store: KeyValueStore, logger: Logger): RateLimiter {
  let lastWarning = 0;
  return {
    async consume(policy, id, reply) {
      if (policy.limit <= 0) return;
      let count: number;
      let resetInMs: number;
      try {
        ({ count, resetInMs } = await store.incr(`gateway:rl:${policy.name}:${id}`, policy.windowMs));
      } catch (err) {
        const t = Date.now();
        if (t - lastWarning > 10_000) {
          lastWarning = t;
          logger.warn({ err }, 'rate limit store failed; letting requests through');
        }
        return;
      }
      const reset = Math.max(1, Math.ceil(resetInMs / 1000));
      void reply.header('ratelimit-limit', policy.limit);
      void reply.header('ratelimit-remaining', Math.max(0, policy.limit - count));
      void reply.header('ratelimit-reset', reset);
      if (count > policy.limit) {
        throw new AppError('rate_limited', `too many requests: retry in ${reset} s`, {
          headers: {
            'retry-after': String(reset),
            'ratelimit-limit': String(policy.limit),
            'ratelimit-remaining': '0',
            'ratelimit-reset': String(reset),
          },
        });
      }
    },
  };
}

/**
 * The rate-limit key of a client address: IPv4 as is, IPv6 by its /64, since one host
 * usually holds a whole /64 and could otherwise rotate through addresses for free budgets.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

function expandIpv6(ip: string): string[] | undefined {
  const zoneless = ip.split('%')[0] ?? ip;
  const halves = zoneless.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return groups.map((g) => (g.replace(/^0+/, '') || '0').toLowerCase());
}

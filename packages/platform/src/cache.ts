import { Redis } from 'ioredis';

/**
 * Cache and counters shared by a service's instances: in memory (embedded) or Redis
 * (distributed). Values are strings; callers serialise.
 */
export interface KeyValueStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter that expires `windowMs` after its first increment. */
  incr(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export function createMemoryStore(now: () => number = Date.now): KeyValueStore {
  const values = new Map<string, { value: string; expiresAt: number }>();
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, v] of values) if (v.expiresAt <= t) values.delete(k);
  }, 30_000);
  sweep.unref();
  const live = (key: string) => {
    const entry = values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      values.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    kind: 'memory',
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      values.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : now() + ttlMs });
    },
    async del(key) {
      values.delete(key);
    },
    async incr(key, windowMs) {
      const entry = live(key);
      if (!entry) {
        values.set(key, { value: '1', expiresAt: now() + windowMs });
        return { count: 1, resetInMs: windowMs };
      }
      entry.value = String(Number(entry.value) + 1);
      return { count: Number(entry.value), resetInMs: Math.max(0, entry.expiresAt - now()) };
    },
    async ready() {
      return true;
    },
    async close() {
      clearInterval(sweep);
      values.clear();
    },
  };
}

// INCR, then set the expiry on the first increment; returns the count and the ms left.
const INCR_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export function createRedisStore(url: string, prefix = 'meridian:'): KeyValueStore {
  const redis = new Redis(url, {
    keyPrefix: prefix,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  redis.on('error', () => {
    // ioredis reconnects by itself; readiness reports the outage.
  });
  redis.defineCommand('incrWindow', { numberOfKeys: 1, lua: INCR_WINDOW });
  const incrWindow = (key: string, windowMs: number) =>
    (redis as unknown as { incrWindow(k: string, w: number): Promise<[number, number]> }).incrWindow(
      key,
      windowMs,
    );
  return {
    kind: 'redis',
    async get(key) {
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await redis.set(key, value);
      else await redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async del(key) {
      await redis.del(key);
    },
    async incr(key, windowMs) {
      const [count, ttl] = await incrWindow(key, windowMs);
      return { count, resetInMs: ttl };
    },
    async ready() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

export function createStore(redisUrl: string | undefined, prefix?: string): KeyValueStore {
  return redisUrl ? createRedisStore(redisUrl, prefix) : createMemoryStore();
}

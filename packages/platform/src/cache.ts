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
  /**
   * Broadcasts to every instance subscribed to `channel` (this one included): best effort,
   * for telling peers that something changed, never for data that must not be lost.
   */
  publish(channel: string, message: string): Promise<void>;
  /** Receives the channel's messages until the returned function is called. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export function createMemoryStore(now: () => number = Date.now): KeyValueStore {
  const values = new Map<string, { value: string; expiresAt: number }>();
  const channels = new Map<string, Set<(message: string) => void>>();
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
    async publish(channel, message) {
      // Delivered after the publisher's turn, as over a network.
      for (const handler of channels.get(channel) ?? []) setImmediate(handler, message);
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(handler);
      return async () => {
        set.delete(handler);
      };
    },
    async ready() {
      return true;
    },
    async close() {
      clearInterval(sweep);
      values.clear();
      channels.clear();
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
  // Subscriptions need a connection of their own (a subscribed Redis connection does nothing else).
  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<(message: string) => void>>();
  const subscriberConnection = () => {
    if (!subscriber) {
      subscriber = redis.duplicate();
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of handlers.get(channel.slice(prefix.length)) ?? []) handler(message);
      });
    }
    return subscriber;
  };
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
    async publish(channel, message) {
      // keyPrefix does not apply to channels: the prefix is added by hand on both sides.
      await redis.publish(prefix + channel, message);
    },
    async subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await subscriberConnection().subscribe(prefix + channel);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0) {
          handlers.delete(channel);
          await subscriber?.unsubscribe(prefix + channel);
        }
      };
    },
    async ready() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      subscriber?.disconnect();
      redis.disconnect();
    },
  };
}

export function createStore(redisUrl: string | undefined, prefix?: string): KeyValueStore {
  return redisUrl ? createRedisStore(redisUrl, prefix) : createMemoryStore();
}

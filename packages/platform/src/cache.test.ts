import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, createRedisStore, type KeyValueStore } from './cache.js';

const stores: Array<[string, (prefix?: string) => KeyValueStore]> = [
  ['memory', () => createMemoryStore()],
  [
    'redis',
    (prefix = `test:${Math.random().toString(36).slice(2)}:`) => {
      const url = process.env.TEST_REDIS_URL;
      if (!url) throw new Error('TEST_REDIS_URL is not set: run the suite with `npm test`, which starts Redis');
      return createRedisStore(url, prefix);
    },
  ],
];

describe.each(stores)('the %s key-value store', (kind, make) => {
  let store: KeyValueStore;
  afterEach(async () => {
    await store.close();
  });

  it('broadcasts to every subscriber of a channel, and to nobody after unsubscribing', async () => {
    const prefix = `test:${Math.random().toString(36).slice(2)}:`;
    store = make(prefix);
    // Redis: a second connection with the same prefix, as another instance has; memory: the one process's store.
    const other = kind === 'redis' ? make(prefix) : store;
    try {
      const got: string[] = [];
      const gotOther: string[] = [];
      const stop = await store.subscribe('changes', (m) => got.push(m));
      const stopOther = await other.subscribe('changes', (m) => gotOther.push(`other:${m}`));
      await store.subscribe('elsewhere', (m) => got.push(`wrong:${m}`));
      await other.publish('changes', 'v1');
      await expect.poll(() => [...got, ...gotOther]).toEqual(['v1', 'other:v1']);
      await stop();
      await stopOther();
      await store.publish('changes', 'v2');
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual(['v1']);
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('stores, reads and deletes values', async () => {
    store = make();
    await store.set('a', '1');
    expect(await store.get('a')).toBe('1');
    await store.del('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.ready()).toBe(true);
  });

  it('expires values after their time to live', async () => {
    store = make();
    await store.set('t', 'x', 50);
    expect(await store.get('t')).toBe('x');
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.get('t')).toBeUndefined();
  });

  it('counts within a window and starts again after it', async () => {
    store = make();
    const first = await store.incr('c', 100);
    const second = await store.incr('c', 100);
    expect([first.count, second.count]).toEqual([1, 2]);
    expect(second.resetInMs).toBeGreaterThan(0);
    expect(second.resetInMs).toBeLessThanOrEqual(100);
    await new Promise((r) => setTimeout(r, 150));
    expect((await store.incr('c', 100)).count).toBe(1);
  });

  it('counts concurrent increments without losing any', async () => {
    store = make();
    const results = await Promise.all(Array.from({ length: 50 }, () => store.incr('many', 10_000)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

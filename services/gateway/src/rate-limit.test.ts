import { randomUUID } from 'node:crypto';
import { createMemoryStore, createRedisStore, type KeyValueStore } from '@meridian/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './index.js';
import { clientKey } from './rate-limit.js';
import { startStack, type Stack } from './test/fixtures.js';

const LIMITS = { MERIDIAN_RATE_LIMIT_USER: '3', MERIDIAN_RATE_LIMIT_ANON: '4', MERIDIAN_RATE_LIMIT_AUTH: '2' };

/** The same behaviour over each store: memory (embedded) and Redis (distributed). */
function rateLimitSuite(storeName: string, makeStore: () => KeyValueStore) {
  describe(`rate limits over the ${storeName} store`, () => {
    let stack: Stack;
    let store: KeyValueStore;

    beforeAll(async () => {
      store = makeStore();
      stack = await startStack({ env: LIMITS, store });
    });
    afterAll(async () => {
      await stack.close();
      await store.close();
    });

    const get = (path: string, token?: string) =>
      fetch(`${stack.gateway.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    it('counts down RateLimit-Remaining and answers 429 with Retry-After once a user’s budget is spent', async () => {
      const token = await stack.token();
      const before = stack.portfolio.hits.length;
      const remaining: Array<string | null> = [];
      for (let i = 0; i < 3; i++) {
        const res = await get('/api/portfolio/holdings', token);
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBe('3');
        expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
        remaining.push(res.headers.get('ratelimit-remaining'));
      }
      expect(remaining).toEqual(['2', '1', '0']);

      const limited = await get('/api/portfolio/holdings', token);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited.headers.get('ratelimit-limit')).toBe('3');
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('ratelimit-reset')).toBe(limited.headers.get('retry-after'));
      expect(stack.portfolio.hits.length).toBe(before + 3);
    });

    it('gives each user a budget of their own', async () => {
      const other = await stack.token();
      const res = await get('/api/portfolio/holdings', other);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-remaining')).toBe('2');
    });

    it('charges anonymous requests to the client address, apart from user budgets', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await get('/api/portfolio/health/live')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      // The address's budget is spent; an authenticated user from it is not affected.
      expect((await get('/api/portfolio/holdings', await stack.token())).status).toBe(200);
    });

    it('gives login and register a stricter budget of their own', async () => {
      const login = () =>
        fetch(`${stack.gateway.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'a@example.com', password: 'x' }),
        });
      const statuses = [(await login()).status, (await login()).status, (await login()).status];
      expect(statuses).toEqual([200, 200, 429]);
    });
  });
}

rateLimitSuite('memory', () => createMemoryStore());
rateLimitSuite('Redis', () => {
  const url = process.env.TEST_REDIS_URL;
  // No skip: the test harness (test/global-setup.ts, npm test) provides Redis.
  if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through the repo harness, which starts Redis');
  return createRedisStore(url, `meridian-test:${randomUUID()}:`);
});

describe('rate limits shared through Redis', () => {
  let stack: Stack;
  let second: RunningGateway;
  let stores: KeyValueStore[];

  beforeAll(async () => {
    const url = process.env.TEST_REDIS_URL;
    if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through the repo harness, which starts Redis');
    const prefix = `meridian-test:${randomUUID()}:`;
    stores = [createRedisStore(url, prefix), createRedisStore(url, prefix)];
    stack = await startStack({ env: LIMITS, store: stores[0] });
    second = await startGateway({
      services: { auth: stack.auth.url, portfolio: stack.portfolio.url },
      env: { LOG_LEVEL: 'silent', ...LIMITS },
      cache: stores[1],
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
    for (const store of stores) await store.close();
  });

  it('spends one budget across two gateways', async () => {
    const token = await stack.token();
    const via = (gw: { url: string }) =>
      fetch(`${gw.url}/api/portfolio/holdings`, { headers: { authorization: `Bearer ${token}` } });
    const statuses = [
      (await via(stack.gateway)).status,
      (await via(second)).status,
      (await via(stack.gateway)).status,
      (await via(second)).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('failed token checks', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: LIMITS });
  });
  afterAll(() => stack.close());

  it('are charged to the client address, so guessing tokens runs out of budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${stack.gateway.url}/api/portfolio/holdings`, { headers: { authorization: 'Bearer guessed' } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});

describe('when the rate-limit store fails', () => {
  let stack: Stack;
  beforeAll(async () => {
    const broken: KeyValueStore = {
      ...createMemoryStore(),
      incr: () => Promise.reject(new Error('connection refused')),
    };
    stack = await startStack({ env: LIMITS, store: broken });
  });
  afterAll(() => stack.close());

  it('lets requests through rather than failing them', async () => {
    const token = await stack.token();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await fetch(`${stack.gateway.url}/api/portfolio/holdings`, { headers: { authorization: `Bearer ${token}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('the rate-limit key of a client address', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s → %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

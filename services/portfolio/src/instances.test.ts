import { createAuthService } from '@meridian/auth';
import { signUpTestUser } from '@meridian/auth/testing';
import { createRedisStore, runService, type KeyValueStore, type RunningService } from '@meridian/platform';
import { createTestDatabase, createTestTransport, requireEnv, testLogger, uniqueName } from '@meridian/platform/testing';
import { createTransactionsService } from '@meridian/transactions';
import { createValuationService } from '@meridian/valuation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPortfolioService } from './index.js';
import { daysAgo, TEST_ENV } from './test/harness.js';

/**
 * The distributed layout: two portfolio instances on one PostgreSQL, consuming one RabbitMQ
 * queue (each event reaches one of them) and sharing Redis. A live socket on either instance
 * hears of every change, whichever instance consumed it, and both answer with the same figures.
 */
describe('two portfolio instances (PostgreSQL, RabbitMQ, Redis)', () => {
  const running: RunningService[] = [];
  const stores: KeyValueStore[] = [];
  let cleanup: () => Promise<void> = async () => undefined;
  let urls: Map<string, string>;
  let a: RunningService;
  let b: RunningService;
  let transactions: RunningService;
  let user: { userId: string; token: string };
  const consumedByA = { n: 0 };
  const consumedByB = { n: 0 };

  beforeAll(async () => {
    const database = await createTestDatabase('postgres');
    const transport = await createTestTransport('rabbitmq');
    const prefix = `${uniqueName('test')}:`;
    const redis = requireEnv('TEST_REDIS_URL');
    urls = new Map();
    const logger = testLogger();
    // The second portfolio instance is another process: its own broker connection and Redis client.
    const second = await createTestTransport('rabbitmq', { sameBrokerAs: transport });
    const start = async (name: string, def: Parameters<typeof runService>[0], via = transport) => {
      const cache = createRedisStore(redis, prefix);
      stores.push(cache);
      const svc = await runService(def, { database, transport: via, cache, env: TEST_ENV, logger, host: '127.0.0.1', port: 0, serviceUrl: (n) => urls.get(n) });
      running.push(svc);
      if (!urls.has(name)) urls.set(name, svc.url);
      return svc;
    };
    const auth = await start('auth', createAuthService());
    transactions = await start('transactions', createTransactionsService());
    await start('valuation', createValuationService());
    const counting = (counter: { n: number }) =>
      createPortfolioService({
        onReady: (deps) => {
          const apply = deps.engine.apply.bind(deps.engine);
          deps.engine.apply = (userId, change) => {
            counter.n += 1;
            apply(userId, change);
          };
        },
      });
    a = await start('portfolio', counting(consumedByA));
    b = await start('portfolio', counting(consumedByB), second);
    cleanup = async () => {
      for (const svc of running.reverse()) await svc.close();
      for (const s of stores) await s.close();
      await second.close();
      await transport.close();
      await database.close();
    };
    user = await signUpTestUser(auth, `instances-${uniqueName('u')}@example.com`);
  });
  afterAll(async () => {
    await cleanup();
  });

  const call = async (svc: RunningService, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
    const res = await svc.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, headers: res.headers, json: () => JSON.parse(res.body) };
  };

  it('pushes every change to a socket on either instance, and both agree', async () => {
    const valuation = running[2]!;
    const made = await call(valuation, 'POST', '/instruments', { symbol: 'ACME', name: 'Acme', currency: 'USD', type: 'EQUITY', dataSource: 'MANUAL' });
    expect(made.status).toBe(201);
    expect((await call(valuation, 'PUT', '/instruments/ACME/prices', [{ date: daysAgo(10), close: '10' }])).status).toBe(200);
    const account = await call(transactions, 'POST', '/accounts', { name: 'Broker', currency: 'USD', trackCash: false });
    expect(account.status).toBe(201);
    const accountId = account.json().id as string;
    // Both instances hold the user's portfolio.
    const v0 = Number(account.headers['meridian-version']);
    for (const svc of [a, b]) expect((await call(svc, 'GET', `/summary?minVersion=${v0}`)).json().netWorth).toBe('0.00');

    const sockets = [a, b].map((svc) => {
      const ws = new WebSocket(`${svc.url.replace(/^http/, 'ws')}/live?access_token=${user.token}`);
      const messages: { version: number; summary: { netWorth: string } }[] = [];
      ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8'))));
      return { ws, messages };
    });
    await Promise.all(sockets.map(({ ws }) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))));

    // Enough changes that the queue hands some to each instance.
    for (let i = 1; i <= 6; i++) {
      const res = await call(transactions, 'POST', '/activities', { accountId, type: 'BUY', date: daysAgo(5), symbol: 'ACME', quantity: '1', unitPrice: '10', currency: 'USD' });
      expect(res.status).toBe(201);
      const version = Number(res.headers['meridian-version']);
      const worth = `${10 * i}.00`;
      for (const { messages } of sockets) {
        await expect.poll(() => messages.some((m) => m.version >= version && m.summary.netWorth === worth), { timeout: 10_000, interval: 20 }).toBe(true);
      }
    }
    for (const { ws } of sockets) ws.close();
    // The queue spread the changes over both instances: each socket heard of some through its peer.
    expect(consumedByA.n).toBeGreaterThan(0);
    expect(consumedByB.n).toBeGreaterThan(0);
    for (const svc of [a, b]) expect((await call(svc, 'GET', '/summary')).json().netWorth).toBe('60.00');
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlpacaFake } from '@meridian/execution/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, freePort, requiredEnv, startServiceProcess, stopAll, until, waitReady, type ServiceProcess } from './test/processes.js';

const KEY = { keyId: 'PKCRASH', secretKey: 'crash-test-secret' };

/**
 * The execution service killed (SIGKILL) after sending an order to the broker and before
 * recording the broker's answer, in its own process on PostgreSQL and RabbitMQ, with auth,
 * transactions and valuation as processes of their own and Alpaca as a local fake.
 */
describe('the execution service killed between sending an order and recording the answer', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-crash-'));
  const fake = startAlpacaFake({ ...KEY, price: '412.50' });
  const procs: ServiceProcess[] = [];
  let database: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let env: Record<string, string> = {};
  const urls: Record<string, string> = {};

  const startExecution = async () => {
    const p = startServiceProcess('execution', { ...env, PORT: new URL(urls.execution ?? '').port });
    procs.push(p);
    await waitReady(urls.execution ?? '', p);
    return p;
  };

  beforeAll(async () => {
    database = await createScratchDatabase('meridian_crash');
    const alpacaUrl = await fake.listen();
    for (const name of ['auth', 'transactions', 'valuation', 'execution']) urls[name] = `http://127.0.0.1:${await freePort()}`;
    env = {
      DATABASE_URL: database.url,
      AMQP_URL: requiredEnv('TEST_AMQP_URL'),
      // Names of its own on the shared broker: other suites running meanwhile never see these events.
      MERIDIAN_AMQP_EXCHANGE: `test.crash.${process.pid}`,
      MERIDIAN_AMQP_QUEUE_PREFIX: `test-crash-${process.pid}`,
      REDIS_URL: requiredEnv('TEST_REDIS_URL'),
      MERIDIAN_MASTER_KEY: randomBytes(32).toString('base64'),
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_AUTH_ARGON2_MEMORY_KIB: '64',
      MERIDIAN_AUTH_ARGON2_ITERATIONS: '1',
      MERIDIAN_VALUATION_REFRESH_SECONDS: '0',
      // Reconciliation runs at start only, so the restart is what finds the order.
      MERIDIAN_EXECUTION_RECONCILE_SECONDS: '0',
      MERIDIAN_ALPACA_TRADING_PAPER_URL: alpacaUrl,
      MERIDIAN_ALPACA_TRADING_LIVE_URL: alpacaUrl,
      ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [`MERIDIAN_SERVICE_${name.toUpperCase()}_URL`, url])),
    };
    const auth = startServiceProcess('auth', { ...env, PORT: new URL(urls.auth ?? '').port });
    procs.push(auth);
    await waitReady(urls.auth ?? '', auth);
    const others = ['transactions', 'valuation'].map((name) => {
      const p = startServiceProcess(name, { ...env, PORT: new URL(urls[name] ?? '').port });
      procs.push(p);
      return waitReady(urls[name] ?? '', p);
    });
    await Promise.all(others);
    await startExecution();
  }, 240_000);

  afterAll(async () => {
    await stopAll(procs);
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('reconciles by client order id on restart: one order at the broker, one fill, one BUY', async () => {
    const json = async (service: string, method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${urls[service]}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
    };
    const credentials = { email: 'ada@example.com', password: 'a long passphrase nobody guesses' };
    expect((await json('auth', 'POST', '/register', undefined, credentials)).status).toBe(201);
    const token = String((await json('auth', 'POST', '/login', undefined, credentials)).body.accessToken);
    const account = await json('transactions', 'POST', '/accounts', token, { name: 'Alpaca', currency: 'USD', type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO' });
    expect(account.status).toBe(201);
    const accountId = String(account.body.id);
    expect((await json('execution', 'PUT', `/accounts/${accountId}/broker`, token, { broker: 'alpaca', environment: 'paper', ...KEY })).status).toBe(200);

    // The broker takes the order; before its answer reaches the service, the service dies.
    const first = procs.at(-1);
    if (!first) throw new Error('no execution process');
    fake.holdNextAnswer(() => first.child.kill('SIGKILL'));
    const placing = json('execution', 'POST', '/orders', token, { accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'gtc', quantity: '3', clientOrderId: 'crash-1' });
    await expect(placing).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(fake.posts.filter((c) => c === 'crash-1')).toHaveLength(1);

    // What the dead process left behind: the intent, sent but never acknowledged.
    const db = new pg.Client({ connectionString: database?.url });
    await db.connect();
    try {
      const left = await db.query<{ id: string; status: string; acknowledged: boolean }>(`select id, status, acknowledged from execution.orders where client_order_id = 'crash-1'`);
      expect(left.rows).toEqual([expect.objectContaining({ status: 'new', acknowledged: false })]);
      const orderId = left.rows[0]?.id ?? '';
      const sent = await db.query<{ kind: string }>(`select kind from execution.audit_log where order_id = $1 order by seq`, [orderId]);
      expect(sent.rows.map((r) => r.kind)).toEqual(['order_intent', 'risk_decision', 'order_sent']);

      await startExecution();
      await until('the order is reconciled', async () => (await json('execution', 'GET', `/orders/${orderId}`, token)).body.status === 'filled');
      await until('the fill is booked', async () => ((await json('transactions', 'GET', `/activities?accountId=${accountId}`, token)).body.items ?? []).length > 0);

      const order = (await json('execution', 'GET', `/orders/${orderId}`, token)).body as { status: string; filledQuantity: string; fills: Array<{ id: string; quantity: string; price: string }> };
      expect(order).toMatchObject({ status: 'filled', filledQuantity: '3' });
      expect(order.fills).toEqual([expect.objectContaining({ quantity: '3', price: '412.5' })]);
      // Nothing was sent twice: the broker holds exactly one order with this client order id.
      expect(fake.posts.filter((c) => c === 'crash-1')).toHaveLength(1);
      expect([...fake.orders.values()].filter((o) => o.client_order_id === 'crash-1')).toHaveLength(1);
      const fills = await db.query(`select * from execution.fills where order_id = $1`, [orderId]);
      expect(fills.rows).toHaveLength(1);

      // A reconciliation pass more (a third start) changes nothing.
      const second = procs.at(-1);
      if (!second) throw new Error('no execution process');
      second.child.kill('SIGTERM');
      await second.exited;
      await startExecution();
      const activities = (await json('transactions', 'GET', `/activities?accountId=${accountId}`, token)).body.items ?? [];
      expect(activities).toEqual([expect.objectContaining({ id: order.fills[0]?.id, type: 'BUY', symbol: 'AAPL', quantity: '3', unitPrice: '412.5' })]);
      expect((await db.query(`select * from execution.fills where order_id = $1`, [orderId])).rows).toHaveLength(1);
      expect(fake.posts.filter((c) => c === 'crash-1')).toHaveLength(1);
    } finally {
      await db.end();
    }
  }, 240_000);
});

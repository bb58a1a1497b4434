import { testDatabases, type TestDatabaseKind } from '@meridian/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, day, newUser, startHarness, type Harness } from './test/harness.js';

// PostgreSQL runs transactions at once where PGlite has one connection: a race the embedded
// mode cannot show must still be tested, so this runs on both.
describe.each(testDatabases())('concurrent writes of one user on %s', (kind: TestDatabaseKind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ kind });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lets only one of two racing sells take the same shares', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    await c.activity({ accountId, type: 'BUY', date: day(-5), symbol: 'AAPL', quantity: '10', unitPrice: '100' });
    const sell = () => c.post('/activities', { accountId, type: 'SELL', date: day(-1), symbol: 'AAPL', quantity: '10', unitPrice: '110' });
    const results = await Promise.all([sell(), sell(), sell()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect((await c.get(`/activities?accountId=${accountId}&type=SELL`)).json().items).toHaveLength(1);
  });

  it('records one activity for concurrent retries with the same Idempotency-Key', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const body = { accountId, type: 'DEPOSIT', date: day(-1), amount: '100' };
    const results = await Promise.all(Array.from({ length: 5 }, () => c.post('/activities', body, { 'idempotency-key': 'pay-1' })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect((await c.get('/activities')).json().items).toHaveLength(1);
  });

  it('hands out versions without gaps or repeats', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => c.post('/activities', { accountId, type: 'DEPOSIT', date: day(-1), amount: String(i + 1) })),
    );
    expect(results.map((r) => r.json().version).sort((a: number, b: number) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await c.get('/version')).json()).toEqual({ version: 9 });
  });
});

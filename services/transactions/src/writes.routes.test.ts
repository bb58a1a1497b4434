import type { BusTables } from '@meridian/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivity } from './activities.service.js';
import { client, counts, day, eventually, newUser, startHarness, type Harness } from './test/harness.js';
import { runWrite } from './writes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('Idempotency-Key on writes', () => {

  it('replays the stored response for the same key and body: one activity, one event', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const accountId = await c.account();
    const body = { accountId, type: 'BUY', date: day(-3), symbol: 'AAPL', quantity: '1', unitPrice: '100' };
    const first = await c.post('/activities', body, { 'idempotency-key': 'buy-aapl-1' });
    expect(first.status).toBe(201);
    // The same request with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await c.post('/activities', reordered, { 'idempotency-key': 'buy-aapl-1' });
    expect(again.status).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await c.get('/activities')).json().items).toHaveLength(1);
    await eventually(() => h.events.some((e) => e.type === 'transactions.activity.recorded' && e.subject === u.userId));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.events.filter((e) => e.type === 'transactions.activity.recorded' && e.subject === u.userId)).toHaveLength(1);
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    await c.post('/activities', { accountId, type: 'DEPOSIT', date: day(-3), amount: '100' }, { 'idempotency-key': 'k1' });
    const before = await counts(h);
    const res = await c.post('/activities', { accountId, type: 'DEPOSIT', date: day(-3), amount: '200' }, { 'idempotency-key': 'k1' });
    expect(res.status).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'unprocessable', details: { reason: 'idempotency_key_reused' } });
    // Another route with the same key is another request too.
    expect((await c.post('/accounts', { name: 'X', currency: 'USD' }, { 'idempotency-key': 'k1' })).status).toBe(422);
    expect(await counts(h)).toEqual(before);
  });

  it('keeps no response of a failed request: the key can carry the corrected one', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const bad = await c.post('/activities', { accountId, type: 'SELL', date: day(-3), symbol: 'AAPL', quantity: '1', unitPrice: '100' }, { 'idempotency-key': 'retry-me' });
    expect(bad.status).toBe(422);
    const good = await c.post('/activities', { accountId, type: 'DEPOSIT', date: day(-3), amount: '1' }, { 'idempotency-key': 'retry-me' });
    expect(good.status).toBe(201);
  });

  it('scopes keys to their user', async () => {
    const a = client(h, await newUser(h));
    const b = client(h, await newUser(h));
    const ra = await a.post('/accounts', { name: 'A', currency: 'USD' }, { 'idempotency-key': 'same' });
    const rb = await b.post('/accounts', { name: 'A', currency: 'USD' }, { 'idempotency-key': 'same' });
    expect(rb.status).toBe(201);
    expect(rb.json().id).not.toBe(ra.json().id);
  });

  it('replays PATCH and DELETE too', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const a = await c.activity({ accountId, type: 'DEPOSIT', date: day(-3), amount: '100' });
    const p1 = await c.patch(`/activities/${a.id}`, { amount: '150' }, { 'idempotency-key': 'p' });
    const p2 = await c.patch(`/activities/${a.id}`, { amount: '150' }, { 'idempotency-key': 'p' });
    expect(p2.json()).toEqual(p1.json());
    expect(p2.json().version).toBe(p1.json().version);
    const deleted = await c.delete(`/activities/${a.id}`, { 'idempotency-key': 'd' });
    expect(deleted.status).toBe(204);
    expect(deleted.headers['meridian-version']).toBe(String(p1.json().version + 1));
    const replay = await c.delete(`/activities/${a.id}`, { 'idempotency-key': 'd' });
    expect(replay.status).toBe(204);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await c.delete(`/activities/${a.id}`)).status).toBe(404);
  });

  it('refuses a malformed key with 400', async () => {
    const c = client(h, await newUser(h));
    expect((await c.post('/accounts', { name: 'A', currency: 'USD' }, { 'idempotency-key': 'has space' })).status).toBe(400);
  });
});

describe('events', () => {

  it('carry the user, the account, the activity fields as strings and a version that grows by one per event', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const accountId = await c.account();
    const buy = await c.activity({ accountId, type: 'BUY', date: day(-3), symbol: 'AAPL', quantity: '2.50', unitPrice: '100.10', fee: '1' });
    await c.patch(`/activities/${buy.id}`, { quantity: '3' });
    await c.delete(`/activities/${buy.id}`);
    await c.patch(`/accounts/${accountId}`, { name: 'Renamed' });
    await c.delete(`/accounts/${accountId}`);
    await eventually(() => h.events.filter((e) => e.subject === u.userId).length === 6);
    const mine = h.events.filter((e) => e.subject === u.userId);
    expect(mine.map((e) => [e.type, (e.data as { version: number }).version])).toEqual([
      ['transactions.account.created', 1],
      ['transactions.activity.recorded', 2],
      ['transactions.activity.updated', 3],
      ['transactions.activity.deleted', 4],
      ['transactions.account.updated', 5],
      ['transactions.account.archived', 6],
    ]);
    expect(mine[1]!.data).toEqual({
      userId: u.userId,
      version: 2,
      activityId: buy.id,
      accountId,
      type: 'BUY',
      date: day(-3),
      symbol: 'AAPL',
      quantity: '2.5',
      unitPrice: '100.1',
      amount: null,
      fee: '1',
      tax: '0',
      currency: 'USD',
      ratio: null,
      transferId: null,
      source: 'MANUAL',
      importId: null,
    });
    expect((await c.get('/version')).json()).toEqual({ version: 6 });
  });

  it('are written in the transaction of the change: when it rolls back, neither the activity nor its event exists', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const accountId = await c.account();
    await expect(
      runWrite(h.deps, u.userId, undefined, async (trx, w) => {
        await createActivity(h.deps, trx, w, { accountId, type: 'DEPOSIT', date: day(-1), amount: '1', notes: 'doomed' });
        throw new Error('crash after the outbox row was written');
      }),
    ).rejects.toThrow('crash after');
    const outbox = await h.database.forSchema<BusTables>('transactions').selectFrom('outbox').selectAll().execute();
    expect(JSON.stringify(outbox)).not.toContain('doomed');
    expect((await c.get('/activities')).json().items).toEqual([]);
    expect((await c.get('/version')).json()).toEqual({ version: 1 });
    // A later write's event arrives; the rolled-back one never does, and versions have no gap.
    const kept = await c.activity({ accountId, type: 'DEPOSIT', date: day(-1), amount: '2' });
    expect(kept.version).toBe(2);
    await eventually(() => h.events.some((e) => e.type === 'transactions.activity.recorded' && e.subject === u.userId));
    const recorded = h.events.filter((e) => e.type === 'transactions.activity.recorded' && e.subject === u.userId);
    expect(recorded.map((e) => (e.data as { amount: string }).amount)).toEqual(['2']);
  });
});

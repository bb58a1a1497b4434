import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, day, eventually, newUser, startHarness, type Harness } from './test/harness.js';

describe('accounts over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('opens an account with 201 and its id, and publishes transactions.account.created', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const res = await c.post('/accounts', { name: 'Main broker', currency: 'usd', type: 'BROKERAGE', trackCash: true, costBasisMethod: 'AVERAGE' });
    expect(res.status).toBe(201);
    const account = res.json();
    expect(account).toEqual({
      id: expect.any(String),
      name: 'Main broker',
      type: 'BROKERAGE',
      currency: 'USD',
      institution: null,
      trackCash: true,
      costBasisMethod: 'AVERAGE',
      archived: false,
      archivedAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      version: 1,
    });
    await eventually(() => h.events.some((e) => e.type === 'transactions.account.created' && e.subject === u.userId));
    const event = h.events.find((e) => e.type === 'transactions.account.created' && e.subject === u.userId);
    expect(event?.data).toEqual({
      userId: u.userId,
      accountId: account.id,
      version: 1,
      name: 'Main broker',
      type: 'BROKERAGE',
      currency: 'USD',
      institution: null,
      trackCash: true,
      costBasisMethod: 'AVERAGE',
      archived: false,
    });
    expect((await c.get(`/accounts/${account.id}`)).json()).toEqual(account);
  });

  it('fills type, trackCash and costBasisMethod with defaults when left out', async () => {
    const c = client(h, await newUser(h));
    const res = await c.post('/accounts', { name: 'Savings', currency: 'EUR', institution: 'ING' });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO', institution: 'ING' });
  });

  it('changes an account with PATCH and publishes transactions.account.updated with the state before', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const id = await c.account({ name: 'Old name' });
    const res = await c.patch(`/accounts/${id}`, { name: 'New name', type: 'RETIREMENT', institution: 'Fidelity' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ name: 'New name', type: 'RETIREMENT', institution: 'Fidelity', version: 2 });
    await eventually(() => h.events.some((e) => e.type === 'transactions.account.updated' && e.subject === u.userId));
    const event = h.events.find((e) => e.type === 'transactions.account.updated' && e.subject === u.userId);
    expect(event?.data).toMatchObject({ accountId: id, name: 'New name', version: 2, previous: { name: 'Old name', type: 'BROKERAGE', institution: null } });
  });

  it('archives on DELETE (history kept, listed only on request, no new activities), and PATCH archived:false reopens it', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const id = await c.account();
    await c.activity({ accountId: id, type: 'BUY', date: day(-3), symbol: 'VT', quantity: '1', unitPrice: '100' });
    const archived = await c.delete(`/accounts/${id}`);
    expect(archived.status).toBe(200);
    expect(archived.json()).toMatchObject({ archived: true, archivedAt: expect.any(String) });
    await eventually(() => h.events.some((e) => e.type === 'transactions.account.archived' && e.subject === u.userId));
    expect((await c.get('/accounts')).json().items).toEqual([]);
    expect((await c.get('/accounts?includeArchived=true')).json().items.map((a: { id: string }) => a.id)).toEqual([id]);
    const refused = await c.post('/activities', { accountId: id, type: 'BUY', date: day(-1), symbol: 'VT', quantity: '1', unitPrice: '100' });
    expect(refused.status).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'unprocessable', details: { reason: 'account_archived' } });
    expect((await c.get('/activities')).json().items).toHaveLength(1);
    const reopened = await c.patch(`/accounts/${id}`, { archived: false });
    expect(reopened.json()).toMatchObject({ archived: false, archivedAt: null });
    expect((await c.post('/activities', { accountId: id, type: 'BUY', date: day(-1), symbol: 'VT', quantity: '1', unitPrice: '100' })).status).toBe(201);
  });

  it('deletes an account for good only when it has no activities (permanent=true), else 409', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const empty = await c.account({ name: 'Mistake' });
    const used = await c.account({ name: 'Used' });
    await c.activity({ accountId: used, type: 'BUY', date: day(-3), symbol: 'VT', quantity: '1', unitPrice: '100' });
    expect((await c.delete(`/accounts/${used}?permanent=true`)).status).toBe(409);
    expect((await c.delete(`/accounts/${empty}?permanent=true`)).status).toBe(204);
    expect((await c.get(`/accounts/${empty}`)).status).toBe(404);
    await eventually(() => h.events.some((e) => e.type === 'transactions.account.deleted' && e.subject === u.userId));
  });

  it('refuses to turn trackCash on when the account history would have gone below zero cash', async () => {
    const c = client(h, await newUser(h));
    const id = await c.account({ trackCash: false });
    await c.activity({ accountId: id, type: 'BUY', date: day(-3), symbol: 'VT', quantity: '1', unitPrice: '100' });
    const res = await c.patch(`/accounts/${id}`, { trackCash: true });
    expect(res.status).toBe(422);
    expect(res.json().error.message).toContain('cannot turn on trackCash');
    expect(res.json().error.details.reason).toBe('negative_cash');
    expect((await c.get(`/accounts/${id}`)).json().trackCash).toBe(false);
    await c.activity({ accountId: id, type: 'DEPOSIT', date: day(-4), amount: '100' });
    expect((await c.patch(`/accounts/${id}`, { trackCash: true })).status).toBe(200);
  });

  it('reports positions and cash at the end of a day', async () => {
    const c = client(h, await newUser(h));
    const id = await c.account({ trackCash: true });
    await c.activity({ accountId: id, type: 'DEPOSIT', date: day(-10), amount: '1000' });
    await c.activity({ accountId: id, type: 'BUY', date: day(-9), symbol: 'VT', quantity: '3', unitPrice: '100', fee: '1.5' });
    await c.activity({ accountId: id, type: 'SELL', date: day(-5), symbol: 'VT', quantity: '1', unitPrice: '110' });
    const at = await c.get(`/accounts/${id}/balances?date=${day(-9)}`);
    expect(at.json()).toEqual({ accountId: id, date: day(-9), positions: [{ symbol: 'VT', quantity: '3' }], cash: [{ currency: 'USD', balance: '698.5' }] });
    expect((await c.get(`/accounts/${id}/balances`)).json()).toMatchObject({ positions: [{ symbol: 'VT', quantity: '2' }], cash: [{ currency: 'USD', balance: '808.5' }] });
  });
});

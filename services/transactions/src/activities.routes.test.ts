import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, day, eventually, newUser, startHarness, type Harness } from './test/harness.js';

describe('activities over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records a BUY with 201: canonical decimals as strings, symbol upper-case, currency from the account', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account({ currency: 'EUR' });
    const res = await c.post('/activities', {
      accountId,
      type: 'BUY',
      date: day(-30),
      symbol: ' vwce.de ',
      quantity: '12.500',
      unitPrice: '101.2300',
      fee: '2.00',
      notes: 'monthly plan',
    });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      accountId,
      type: 'BUY',
      date: day(-30),
      symbol: 'VWCE.DE',
      quantity: '12.5',
      unitPrice: '101.23',
      amount: null,
      fee: '2',
      tax: '0',
      currency: 'EUR',
      ratio: null,
      transferId: null,
      notes: 'monthly plan',
      source: 'MANUAL',
      importId: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      version: 2,
    });
  });

  it('accepts the total of a trade beside its quantity (checked, not stored) and derives an exact price from it', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account();
    const withTotal = await c.activity({ accountId, type: 'BUY', date: day(-3), symbol: 'VT', quantity: '4', unitPrice: '100.5', fee: '1', amount: '403' });
    expect(withTotal).toMatchObject({ quantity: '4', unitPrice: '100.5', fee: '1', amount: null });
    const derived = await c.activity({ accountId, type: 'SELL', date: day(-2), symbol: 'VT', quantity: '4', amount: '401', fee: '1' });
    expect(derived).toMatchObject({ unitPrice: '100.5', amount: null });
  });

  it('keeps 18 decimal places of a crypto quantity exactly', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account({ type: 'CRYPTO_WALLET' });
    const a = await c.activity({ accountId, type: 'BUY', date: day(-2), symbol: 'ETH', quantity: '0.123456789012345678', unitPrice: '3000.01' });
    expect(a.quantity).toBe('0.123456789012345678');
    const s = await c.activity({ accountId, type: 'SELL', date: day(-1), symbol: 'ETH', quantity: '0.123456789012345678', unitPrice: '3100' });
    expect(s.quantity).toBe('0.123456789012345678');
  });

  it('lists newest first with filters and a cursor that walks every page once', async () => {
    const c = client(h, await newUser(h));
    const a = await c.account({ name: 'A' });
    const b = await c.account({ name: 'B' });
    for (let i = 1; i <= 7; i++) await c.activity({ accountId: a, type: 'BUY', date: day(-40 + i), symbol: i % 2 ? 'AAPL' : 'MSFT', quantity: '1', unitPrice: '10', notes: i === 3 ? 'Birthday gift' : null });
    await c.activity({ accountId: b, type: 'DIVIDEND', date: day(-5), symbol: 'AAPL', amount: '1.5' });
    const all = (await c.get('/activities')).json();
    expect(all.items).toHaveLength(8);
    expect(all.items.map((x: { date: string }) => x.date)).toEqual([...all.items.map((x: { date: string }) => x.date)].sort().reverse());
    expect(all.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await c.get(`/activities?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((x: { id: string }) => x.id));

    expect((await c.get(`/activities?accountId=${b}`)).json().items).toHaveLength(1);
    expect((await c.get('/activities?type=DIVIDEND')).json().items).toHaveLength(1);
    expect((await c.get('/activities?type=buy,dividend')).json().items).toHaveLength(8);
    expect((await c.get('/activities?symbol=msft')).json().items).toHaveLength(3);
    expect((await c.get(`/activities?from=${day(-36)}&to=${day(-34)}`)).json().items).toHaveLength(3);
    expect((await c.get('/activities?q=birthday')).json().items.map((x: { notes: string }) => x.notes)).toEqual(['Birthday gift']);
    expect((await c.get('/activities?q=100%25')).json().items).toEqual([]);
    expect((await c.get('/activities?cursor=not-a-cursor')).status).toBe(400);
  });

  it('changes an activity with PATCH (null clears a field) and publishes transactions.activity.updated with the previous state', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const accountId = await c.account();
    const a = await c.activity({ accountId, type: 'BUY', date: day(-10), symbol: 'AAPL', quantity: '10', unitPrice: '150', fee: '1', notes: 'typo' });
    const res = await c.patch(`/activities/${a.id}`, { quantity: '12', notes: null, fee: null });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ id: a.id, quantity: '12', notes: null, fee: '0', version: a.version + 1 });
    await eventually(() => h.events.some((e) => e.type === 'transactions.activity.updated' && e.subject === u.userId));
    const event = h.events.find((e) => e.type === 'transactions.activity.updated' && e.subject === u.userId);
    expect(event?.data).toMatchObject({ activityId: a.id, userId: u.userId, accountId, quantity: '12', fee: '0', version: a.version + 1, previous: { quantity: '10', fee: '1' } });
    // Changing the type leaves fields the new type does not use: the error names them.
    const bad = await c.patch(`/activities/${a.id}`, { type: 'DEPOSIT', amount: '5' });
    expect(bad.status).toBe(400);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['symbol', 'quantity', 'unitPrice']);
  });

  it('deletes an activity with 204 and publishes transactions.activity.deleted carrying what was deleted', async () => {
    const u = await newUser(h);
    const c = client(h, u);
    const accountId = await c.account();
    const a = await c.activity({ accountId, type: 'DIVIDEND', date: day(-3), symbol: 'KO', amount: '4.60', tax: '0.69' });
    expect((await c.delete(`/activities/${a.id}`)).status).toBe(204);
    expect((await c.get(`/activities/${a.id}`)).status).toBe(404);
    expect((await c.delete(`/activities/${a.id}`)).status).toBe(404);
    await eventually(() => h.events.some((e) => e.type === 'transactions.activity.deleted' && e.subject === u.userId));
    const event = h.events.find((e) => e.type === 'transactions.activity.deleted' && e.subject === u.userId);
    expect(event?.data).toMatchObject({ activityId: a.id, accountId, type: 'DIVIDEND', symbol: 'KO', amount: '4.6', tax: '0.69', version: a.version + 1 });
  });

  it('moves securities between two accounts as one linked transfer; editing one leg moves both, deleting one deletes both', async () => {
    const c = client(h, await newUser(h));
    const from = await c.account({ name: 'Old broker' });
    const to = await c.account({ name: 'New broker', costBasisMethod: 'AVERAGE' });
    await c.activity({ accountId: from, type: 'BUY', date: day(-100), symbol: 'VT', quantity: '10', unitPrice: '90' });
    const res = await c.post('/transfers', { fromAccountId: from, toAccountId: to, date: day(-50), symbol: 'VT', quantity: '6' });
    expect(res.status).toBe(201);
    const t = res.json();
    expect(t.out).toMatchObject({ type: 'TRANSFER_OUT', accountId: from, symbol: 'VT', quantity: '6', transferId: t.transferId, source: 'TRANSFER' });
    expect(t.in).toMatchObject({ type: 'TRANSFER_IN', accountId: to, symbol: 'VT', quantity: '6', transferId: t.transferId });
    expect((await c.get(`/accounts/${to}/balances`)).json().positions).toEqual([{ symbol: 'VT', quantity: '6' }]);

    // More than the old account holds: refused on both legs.
    expect((await c.patch(`/activities/${t.in.id}`, { quantity: '11' })).status).toBe(422);
    const edited = await c.patch(`/activities/${t.in.id}`, { quantity: '4', date: day(-49) });
    expect(edited.status).toBe(200);
    expect((await c.get(`/activities/${t.out.id}`)).json()).toMatchObject({ quantity: '4', date: day(-49) });
    expect((await c.patch(`/activities/${t.out.id}`, { accountId: to })).status).toBe(422);

    // Selling the transferred shares in the new account depends on the transfer.
    await c.activity({ accountId: to, type: 'SELL', date: day(-10), symbol: 'VT', quantity: '4', unitPrice: '100' });
    expect((await c.delete(`/activities/${t.out.id}`)).status).toBe(422);
    const sell = (await c.get(`/activities?accountId=${to}&type=SELL`)).json().items[0];
    await c.delete(`/activities/${sell.id}`);
    expect((await c.delete(`/activities/${t.out.id}`)).status).toBe(204);
    expect((await c.get(`/activities/${t.in.id}`)).status).toBe(404);
  });

  it('records a cash transfer that converts currency, with what arrived', async () => {
    const c = client(h, await newUser(h));
    const eur = await c.account({ name: 'EUR cash', currency: 'EUR', type: 'BANK', trackCash: true });
    const usd = await c.account({ name: 'USD cash', currency: 'USD', type: 'BANK', trackCash: true });
    await c.activity({ accountId: eur, type: 'DEPOSIT', date: day(-20), amount: '1000' });
    const missing = await c.post('/transfers', { fromAccountId: eur, toAccountId: usd, date: day(-10), amount: '500', receivedCurrency: 'USD' });
    expect(missing.status).toBe(400);
    const res = await c.post('/transfers', { fromAccountId: eur, toAccountId: usd, date: day(-10), amount: '500', receivedAmount: '541.20', receivedCurrency: 'USD', fee: '2' });
    expect(res.status).toBe(201);
    expect(res.json().out).toMatchObject({ amount: '500', currency: 'EUR', fee: '2' });
    expect(res.json().in).toMatchObject({ amount: '541.2', currency: 'USD', fee: '0' });
    expect((await c.get(`/accounts/${eur}/balances`)).json().cash).toEqual([{ currency: 'EUR', balance: '498' }]);
    expect((await c.get(`/accounts/${usd}/balances`)).json().cash).toEqual([{ currency: 'USD', balance: '541.2' }]);
    const overdraw = await c.post('/transfers', { fromAccountId: eur, toAccountId: usd, date: day(-5), amount: '499', receivedAmount: '540', receivedCurrency: 'USD' });
    expect(overdraw.status).toBe(422);
    expect(overdraw.json().error.details.reason).toBe('negative_cash');
  });

  it('records every type with the fields it needs', async () => {
    const c = client(h, await newUser(h));
    const accountId = await c.account({ trackCash: true });
    const acts = [
      { type: 'DEPOSIT', amount: '10000' },
      { type: 'BUY', symbol: 'KO', quantity: '100', unitPrice: '60', fee: '1', tax: '0.5' },
      { type: 'DIVIDEND', symbol: 'KO', quantity: '100', unitPrice: '0.46', tax: '6.9' },
      { type: 'INTEREST', amount: '3.21' },
      { type: 'FEE', amount: '5' },
      { type: 'FEE', amount: '-5', notes: 'refund' },
      { type: 'TAX', amount: '12' },
      { type: 'SPLIT', symbol: 'KO', ratio: '2:1' },
      { type: 'SELL', symbol: 'KO', quantity: '150', unitPrice: '31' },
      { type: 'VALUATION', symbol: 'HOUSE', unitPrice: '350000' },
      { type: 'TRANSFER_IN', symbol: 'BTC', quantity: '0.5', unitPrice: '20000' },
      { type: 'TRANSFER_OUT', symbol: 'BTC', quantity: '0.1' },
      { type: 'TRANSFER_OUT', amount: '100' },
      { type: 'WITHDRAWAL', amount: '500' },
    ];
    for (const [i, a] of acts.entries()) {
      const res = await c.post('/activities', { accountId, date: day(-60 + i), ...a });
      expect(res.status, `${a.type}: ${res.text}`).toBe(201);
    }
    expect((await c.get(`/accounts/${accountId}/balances`)).json()).toMatchObject({
      positions: [
        { symbol: 'BTC', quantity: '0.4' },
        { symbol: 'KO', quantity: '50' },
      ],
      // 10000 − 6001.5 + (46 − 6.9) + 3.21 − 5 + 5 − 12 + 4650 − 100 − 500
      cash: [{ currency: 'USD', balance: '8078.81' }],
    });
  });
});

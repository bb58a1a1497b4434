import { testDatabases, type TestDatabaseKind } from '@meridian/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileOrders } from './reconcile.js';
import { startAlpacaFake } from './testing/alpaca-fake.js';
import { call, eventually, newTrader, SESSION_OPEN, startHarness, testClock, type Harness } from './test/harness.js';

describe.each(testDatabases())('orders through Alpaca (a local fake of its Trading API) on %s', (kind: TestDatabaseKind) => {
  const fake = startAlpacaFake({ keyId: 'PKTEST', secretKey: 'secret-key-value', price: '187.25' });
  let h: Harness;
  beforeAll(async () => {
    const url = await fake.listen();
    h = await startHarness({ kind, clock: testClock(SESSION_OPEN), env: { MERIDIAN_ALPACA_TRADING_PAPER_URL: url, MERIDIAN_ALPACA_TRADING_LIVE_URL: url } });
  });
  afterAll(async () => {
    await h?.close();
    await fake.close();
  });

  it('stores the keys encrypted, sends the order, and books the fill once', async () => {
    const t = await newTrader(h, 'alpaca', { trackCash: false });
    expect((await t.exec('PUT', `/accounts/${t.accountId}/broker`, { broker: 'alpaca', environment: 'paper', keyId: 'PKTEST', secretKey: 'secret-key-value' })).status).toBe(200);
    const link = await h.db.selectFrom('broker_links').selectAll().where('account_id', '=', t.accountId).executeTakeFirstOrThrow();
    expect(link.secret_sealed).not.toContain('secret-key-value');
    const res = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '3', clientOrderId: 'alpaca-1' });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ broker: 'alpaca', status: 'filled', filledQuantity: '3', averagePrice: '187.25' });
    await eventually(async () => (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items.length === 1);
    expect((await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items[0]).toMatchObject({ type: 'BUY', quantity: '3', unitPrice: '187.25' });
  });

  it('refuses live trading until the user turns it on', async () => {
    const t = await newTrader(h, 'live', { trackCash: false });
    await t.exec('PUT', `/accounts/${t.accountId}/broker`, { broker: 'alpaca', environment: 'live', keyId: 'PKTEST', secretKey: 'secret-key-value' });
    const order = { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '1' };
    const refused = await t.exec('POST', '/orders', order);
    expect(refused.status).toBe(422);
    expect(refused.json().error.details.reason).toBe('live_trading_disabled');
    await t.exec('PATCH', '/risk', { liveTrading: true });
    expect((await t.exec('POST', '/orders', order)).json().status).toBe('filled');
  });

  it('records partial fills from the trade_updates stream, each once, and books a BUY per fill', async () => {
    const t = await newTrader(h, 'streamed', { trackCash: false });
    const listening = fake.listeners();
    await t.exec('PUT', `/accounts/${t.accountId}/broker`, { broker: 'alpaca', environment: 'paper', keyId: 'PKTEST', secretKey: 'secret-key-value' });
    await eventually(() => fake.listeners() > listening);
    // Within the price collar around the (simulated) quote; the fake fills at its own prices.
    const quote = (await call(h.valuation, 'GET', '/quotes?symbols=AAPL', t.token)).json().quotes[0].price as string;
    const placed = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'gtc', quantity: '10', limitPrice: quote, clientOrderId: 'stream-1' });
    expect(placed.status).toBe(201);
    expect(placed.json()).toMatchObject({ status: 'accepted', filledQuantity: '0' });
    const id = placed.json().id as string;
    const get = async () => (await t.exec('GET', `/orders/${id}`)).json();

    fake.fill('stream-1', '4', '186.50');
    await eventually(async () => (await get()).status === 'partially_filled');
    fake.repeat('stream-1', 'partial_fill');
    fake.fill('stream-1', '10', '187.10');
    await eventually(async () => (await get()).status === 'filled');
    fake.repeat('stream-1', 'fill');
    await reconcileOrders(h.deps);
    const done = await get();
    expect(done).toMatchObject({ status: 'filled', filledQuantity: '10', averagePrice: '187.1' });
    // 4 at 186.50, then 6 at (10 × 187.10 − 4 × 186.50) / 6 = 187.50.
    expect(done.fills.map((f: { quantity: string; price: string }) => [f.quantity, f.price])).toEqual([['4', '186.5'], ['6', '187.5']]);
    expect(done.transitions.map((x: { status: string }) => x.status)).toEqual(['new', 'accepted', 'partially_filled', 'filled']);
    await eventually(async () => (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items.length === 2);
    const buys = (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items as Array<{ id: string; type: string; quantity: string; unitPrice: string }>;
    expect(buys.map((b) => [b.type, b.quantity, b.unitPrice]).sort()).toEqual([['BUY', '4', '186.5'], ['BUY', '6', '187.5']]);
    expect(buys.map((b) => b.id).sort()).toEqual(done.fills.map((f: { id: string }) => f.id).sort());
  });

  it('reconciles an order the broker took but never answered: no second send, the fill booked once', async () => {
    const t = await newTrader(h, 'lost-answer', { trackCash: false });
    await t.exec('PUT', `/accounts/${t.accountId}/broker`, { broker: 'alpaca', environment: 'paper', keyId: 'PKTEST', secretKey: 'secret-key-value' });
    let taken = false;
    fake.holdNextAnswer(() => (taken = true));
    const pending = t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'MSFT', side: 'buy', type: 'market', timeInForce: 'day', quantity: '2', clientOrderId: 'lost-1' });
    await eventually(() => taken);
    // The broker has the order; Meridian has only its intent, not the answer.
    const row = await h.db.selectFrom('orders').selectAll().where('client_order_id', '=', 'lost-1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'new', acknowledged: false });
    await reconcileOrders(h.deps);
    await reconcileOrders(h.deps);
    const after = (await t.exec('GET', `/orders/${row.id}`)).json();
    expect(after).toMatchObject({ status: 'filled', filledQuantity: '2' });
    expect(fake.posts.filter((c) => c === 'lost-1')).toHaveLength(1);
    await eventually(async () => (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items.length === 1);
    await fake.close().catch(() => undefined);
    await pending.catch(() => undefined);
  });
});

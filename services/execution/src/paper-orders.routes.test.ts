import type { BusTables } from '@meridian/platform';
import { testDatabases, type TestDatabaseKind } from '@meridian/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expirePaperOrders } from './reconcile.js';
import { call, eventually, newTrader, publishPrice, SESSION_OPEN, startHarness, testClock, type Harness } from './test/harness.js';

type Trader = Awaited<ReturnType<typeof newTrader>>;

describe.each(testDatabases())('paper stops, expiry and position limits on %s', (kind: TestDatabaseKind) => {
  let h: Harness;
  const clock = testClock(SESSION_OPEN);
  beforeAll(async () => {
    h = await startHarness({ kind, clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  const fund = async (t: Trader, amount = '100000') => {
    expect((await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount, currency: 'USD' })).status).toBe(201);
  };
  const priceOf = async (t: Trader, symbol: string) => {
    expect((await call(h.valuation, 'POST', `/instruments/${symbol}/track`, t.token, {})).status).toBeLessThan(300);
    return Number((await call(h.valuation, 'GET', `/quotes?symbols=${symbol}`, t.token)).json().quotes[0].price);
  };
  const order = async (t: Trader, id: string) => (await t.exec('GET', `/orders/${id}`)).json();
  const place = async (t: Trader, body: Record<string, unknown>) => {
    const res = await t.exec('POST', '/orders', { accountId: t.accountId, timeInForce: 'gtc', ...body });
    expect(res.status).toBe(201);
    return res.json();
  };
  /** Publishes a price and waits until the execution service has handled it (its inbox has the event). */
  const tick = async (symbol: string, price: string) => {
    const id = await publishPrice(h, symbol, price);
    await eventually(async () => (await h.database.forSchema<BusTables>('execution').selectFrom('inbox').select('event_id').where('event_id', '=', id).executeTakeFirst()) !== undefined);
  };
  const settle = async (t: Trader, id: string, status: string) => eventually(async () => (await order(t, id)).status === status);

  it('fills a stop sell once the price falls through the stop, not before', async () => {
    const t = await newTrader(h, 'stop', { trackCash: false });
    await fund(t);
    const p = await priceOf(t, 'JPM');
    expect((await place(t, { symbol: 'JPM', side: 'buy', type: 'market', quantity: '2' })).status).toBe('filled');
    const stop = (p * 0.95).toFixed(2);
    const working = await place(t, { symbol: 'JPM', side: 'sell', type: 'stop', quantity: '2', stopPrice: stop });
    expect(working.status).toBe('accepted');
    await tick('JPM', (p * 0.97).toFixed(2));
    expect((await order(t, working.id)).status).toBe('accepted');
    const fall = (p * 0.94).toFixed(2);
    await publishPrice(h, 'JPM', fall);
    await settle(t, working.id, 'filled');
    const filled = await order(t, working.id);
    expect(Number(filled.averagePrice)).toBe(Number(fall));
    expect(filled.fills).toHaveLength(1);
    await eventually(async () => (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items.some((a: { type: string }) => a.type === 'SELL'));
  });

  it('triggers a stop-limit buy at its stop and fills only within its limit', async () => {
    const t = await newTrader(h, 'stop-limit', { trackCash: false });
    await fund(t);
    const p = await priceOf(t, 'XOM');
    const stop = (p * 1.03).toFixed(2);
    const limit = (p * 1.04).toFixed(2);
    const working = await place(t, { symbol: 'XOM', side: 'buy', type: 'stop_limit', quantity: '1', stopPrice: stop, limitPrice: limit });
    expect(working.status).toBe('accepted');
    await tick('XOM', (p * 1.02).toFixed(2));
    expect((await order(t, working.id)).status).toBe('accepted');
    // Through the stop but above the limit: triggered, not filled.
    await tick('XOM', (p * 1.06).toFixed(2));
    expect((await order(t, working.id)).status).toBe('accepted');
    const paper = await h.db.selectFrom('paper_orders').select('triggered').where('client_order_id', '=', working.clientOrderId).executeTakeFirstOrThrow();
    expect(paper.triggered).toBe(true);
    // Back within the limit: fills (it no longer needs to cross the stop again).
    const back = (p * 1.025).toFixed(2);
    await publishPrice(h, 'XOM', back);
    await settle(t, working.id, 'filled');
    expect(Number((await order(t, working.id)).averagePrice)).toBe(Number(back));
  });

  it('moves a trailing stop with the high-water mark and fills when the price falls the trail below it', async () => {
    const t = await newTrader(h, 'trailing', { trackCash: false });
    await fund(t);
    const p = await priceOf(t, 'KO');
    expect((await place(t, { symbol: 'KO', side: 'buy', type: 'market', quantity: '3' })).status).toBe('filled');
    const working = await place(t, { symbol: 'KO', side: 'sell', type: 'trailing_stop', quantity: '3', trailPercent: '5' });
    expect(working.status).toBe('accepted');
    await tick('KO', (p * 1.1).toFixed(2));
    // 4% off the new high: above the stop (5% off), though 4% above where it started.
    await tick('KO', (p * 1.06).toFixed(2));
    expect((await order(t, working.id)).status).toBe('accepted');
    const drop = (p * 1.04).toFixed(2);
    await publishPrice(h, 'KO', drop);
    await settle(t, working.id, 'filled');
    expect(Number((await order(t, working.id)).averagePrice)).toBe(Number(drop));
  });

  it('refuses a symbol off the allow list and a position above the weight limit', async () => {
    const t = await newTrader(h, 'limits', { trackCash: false });
    await fund(t, '10000');
    const p = await priceOf(t, 'PG');
    expect((await t.exec('PATCH', '/risk', { allowSymbols: ['PG'], maxPositionWeightPercent: '10' })).status).toBe(200);
    const off = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'DIS', side: 'buy', type: 'market', timeInForce: 'day', quantity: '1' });
    expect(off.status).toBe(422);
    expect(off.json().error.details.reason).toBe('symbol_not_allowed');
    const heavy = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'PG', side: 'buy', type: 'market', timeInForce: 'day', notional: '2000' });
    expect(heavy.status).toBe(422);
    expect(heavy.json().error.details.reason).toBe('max_position_weight');
    expect((await order(t, heavy.json().error.details.orderId)).status).toBe('rejected');
    const light = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'PG', side: 'buy', type: 'market', timeInForce: 'day', quantity: (500 / p).toFixed(4) });
    expect(light.status).toBe(201);
    expect(light.json().status).toBe('filled');
  });

  it('expires a day order when its session closes, releasing its cash, and keeps a gtc order working', async () => {
    const t = await newTrader(h, 'expiry', { trackCash: false });
    await fund(t, '10000');
    const p = await priceOf(t, 'V');
    const limit = (p * 0.95).toFixed(2);
    const day = await place(t, { symbol: 'V', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '1', limitPrice: limit });
    const gtc = await place(t, { symbol: 'V', side: 'buy', type: 'limit', timeInForce: 'gtc', quantity: '1', limitPrice: limit });
    expect([day.status, gtc.status]).toEqual(['accepted', 'accepted']);
    const held = (await t.exec('GET', `/accounts/${t.accountId}/broker`)).json();
    expect(Number(held.buyingPower)).toBeCloseTo(10000 - 2 * Number(limit), 6);
    try {
      await expirePaperOrders(h.deps);
      expect((await order(t, day.id)).status).toBe('accepted');
      clock.set('2025-06-11T20:05:00Z'); // 16:05 in New York, after the close
      await expirePaperOrders(h.deps);
      await expirePaperOrders(h.deps);
    } finally {
      clock.set(SESSION_OPEN);
    }
    const expired = await order(t, day.id);
    expect(expired.status).toBe('expired');
    expect(expired.transitions.map((x: { status: string }) => x.status)).toEqual(['new', 'accepted', 'expired']);
    expect((await order(t, gtc.id)).status).toBe('accepted');
    const after = (await t.exec('GET', `/accounts/${t.accountId}/broker`)).json();
    expect(Number(after.buyingPower)).toBeCloseTo(10000 - Number(limit), 6);
  });
});

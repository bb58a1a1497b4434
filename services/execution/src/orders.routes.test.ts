import { testDatabases, type TestDatabaseKind } from '@meridian/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, newTrader, publishPrice, SESSION_OPEN, startHarness, testClock, type Harness } from './test/harness.js';

describe.each(testDatabases())('orders on the paper broker on %s', (kind: TestDatabaseKind) => {
  let h: Harness;
  const clock = testClock(SESSION_OPEN);
  beforeAll(async () => {
    h = await startHarness({ kind, clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  const fund = async (t: Awaited<ReturnType<typeof newTrader>>, amount = '100000') => {
    const res = await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount, currency: 'USD' });
    expect(res.status).toBe(201);
    return res.json();
  };
  const activities = async (t: Awaited<ReturnType<typeof newTrader>>) => (await t.tx('GET', `/activities?accountId=${t.accountId}`)).json().items as Array<Record<string, string>>;

  it('deposits through the simulated bank and books a DEPOSIT once', async () => {
    const t = await newTrader(h, 'depositor');
    const transfer = await fund(t, '2500.50');
    expect(transfer).toMatchObject({ status: 'completed', amount: '2500.5', provider: 'simulated' });
    await eventually(async () => (await activities(t)).length === 1);
    expect((await activities(t))[0]).toMatchObject({ type: 'DEPOSIT', amount: '2500.5', source: 'EXECUTION' });
    const broker = (await t.exec('GET', `/accounts/${t.accountId}/broker`)).json();
    expect(broker).toMatchObject({ broker: 'paper', cash: '2500.5', buyingPower: '2500.5' });
  });

  it('fills a market order against the quote and books the BUY with its fee exactly once', async () => {
    const t = await newTrader(h, 'buyer');
    await fund(t);
    const res = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '2.5', clientOrderId: 'first-buy' });
    expect(res.status).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({ status: 'filled', filledQuantity: '2.5', side: 'buy', type: 'market', broker: 'paper' });
    expect(order.transitions.map((x: { status: string }) => x.status)).toEqual(['new', 'accepted', 'filled']);
    expect(order.fills).toHaveLength(1);
    const got = (await t.exec('GET', `/orders/${order.id}`)).json();
    expect(got).toMatchObject({ status: 'filled', filledQuantity: '2.5', averagePrice: order.averagePrice });
    await eventually(async () => (await activities(t)).some((a) => a.type === 'BUY'));
    const buys = (await activities(t)).filter((a) => a.type === 'BUY');
    expect(buys).toHaveLength(1);
    expect(buys[0]).toMatchObject({ symbol: 'AAPL', quantity: '2.5', unitPrice: order.averagePrice, source: 'EXECUTION' });

    const again = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '2.5', clientOrderId: 'first-buy' });
    expect(again.status).toBe(201);
    expect(again.json().id).toBe(order.id);
    const conflicting = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '3', clientOrderId: 'first-buy' });
    expect(conflicting.status).toBe(409);
    expect((await h.db.selectFrom('orders').select('id').where('client_order_id', '=', 'first-buy').execute())).toHaveLength(1);
    expect((await activities(t)).filter((a) => a.type === 'BUY')).toHaveLength(1);
  });

  it('previews an order with the real risk checks and a cost estimate, placing nothing', async () => {
    const t = await newTrader(h, 'previewer');
    await fund(t, '1000');
    const small = await t.exec('POST', '/orders/preview', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '1' });
    expect(small.status).toBe(200);
    const ok = small.json();
    expect(ok).toMatchObject({ approved: true, reasons: [], currency: 'USD', estimatedQuantity: '1', buyingPower: '1000' });
    expect(Number(ok.grossAmount)).toBeCloseTo(Number(ok.quote), 2);
    expect(Number(ok.estimatedTotal)).toBeCloseTo(Number(ok.grossAmount) + Number(ok.estimatedCommission), 2);

    const big = await t.exec('POST', '/orders/preview', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '100000' });
    expect(big.status).toBe(200);
    expect(big.json().approved).toBe(false);
    expect(big.json().reasons.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['buying_power', 'max_order_notional']));
    const sell = (await t.exec('POST', '/orders/preview', { accountId: t.accountId, symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', quantity: '1' })).json();
    expect(sell.reasons.map((r: { code: string }) => r.code)).toEqual(['insufficient_position']);
    const invalid = await t.exec('POST', '/orders/preview', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '1' });
    expect(invalid.status).toBe(400);

    expect((await t.exec('GET', `/orders?accountId=${t.accountId}`)).json().items).toEqual([]);
    expect((await t.exec('GET', `/accounts/${t.accountId}/audit`)).json().items.filter((e: { kind: string }) => e.kind !== 'transfer')).toEqual([]);
  });

  it('works a limit order until a price update crosses it, then cancels nothing that filled', async () => {
    const t = await newTrader(h, 'limit');
    await fund(t);
    const quote = (await call(h.valuation, 'GET', '/quotes?symbols=MSFT', t.token)).json();
    const missing = quote.quotes.length === 0;
    const placed = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'MSFT', side: 'buy', type: 'limit', timeInForce: 'gtc', quantity: '1', limitPrice: '1' });
    // Far below the market: the price collar refuses it.
    expect(placed.status).toBe(422);
    expect(placed.json().error.details.reason).toBe('price_collar');
    expect(missing || quote.quotes.length === 1).toBe(true);
    const price = (await call(h.valuation, 'GET', '/quotes?symbols=MSFT', t.token)).json().quotes[0].price as string;
    const limit = (Number(price) * 0.95).toFixed(2);
    const working = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'MSFT', side: 'buy', type: 'limit', timeInForce: 'gtc', quantity: '1', limitPrice: limit });
    expect(working.status).toBe(201);
    expect(working.json().status).toBe('accepted');
    await publishPrice(h, 'MSFT', (Number(limit) + 1).toFixed(2));
    await publishPrice(h, 'MSFT', (Number(limit) - 1).toFixed(2));
    await eventually(async () => (await t.exec('GET', `/orders/${working.json().id}`)).json().status === 'filled');
    const filled = (await t.exec('GET', `/orders/${working.json().id}`)).json();
    expect(filled.averagePrice).toBe((Number(limit) - 1).toFixed(2).replace(/\.?0+$/, ''));
    expect((await t.exec('DELETE', `/orders/${filled.id}`)).status).toBe(422);
  });

  it('cancels and replaces a working order, recording every transition', async () => {
    const t = await newTrader(h, 'replacer');
    await fund(t);
    expect((await call(h.valuation, 'POST', '/instruments/NVDA/track', t.token, {})).status).toBeLessThan(300);
    const price = Number((await call(h.valuation, 'GET', '/quotes?symbols=NVDA', t.token)).json().quotes[0].price);
    const first = await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'NVDA', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '1', limitPrice: (price * 0.95).toFixed(2) });
    expect(first.status).toBe(201);
    const replaced = await t.exec('PATCH', `/orders/${first.json().id}`, { quantity: '2' });
    expect(replaced.status).toBe(201);
    expect(replaced.json()).toMatchObject({ status: 'accepted', quantity: '2', replaces: first.json().id });
    const old = (await t.exec('GET', `/orders/${first.json().id}`)).json();
    expect(old).toMatchObject({ status: 'replaced', replacedBy: replaced.json().id });
    const canceled = await t.exec('DELETE', `/orders/${replaced.json().id}`);
    expect(canceled.status).toBe(200);
    expect(canceled.json().transitions.map((x: { status: string }) => x.status)).toEqual(['new', 'accepted', 'canceled']);
  });

  it('rejects with clear reasons: buying power, kill switch, deny list, per-order notional', async () => {
    const t = await newTrader(h, 'risky');
    await fund(t, '100');
    const order = { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '10' };
    const poor = await t.exec('POST', '/orders', order);
    expect(poor.status).toBe(422);
    expect(poor.json().error.details.reason).toBe('buying_power');
    expect(poor.json().error.message).toMatch(/insufficient buying power/);
    const stored = (await t.exec('GET', `/orders/${poor.json().error.details.orderId}`)).json();
    expect(stored).toMatchObject({ status: 'rejected' });
    expect(stored.transitions.map((x: { status: string }) => x.status)).toEqual(['new', 'rejected']);

    expect((await t.exec('PATCH', '/risk', { denySymbols: ['tsla'], maxOrderNotional: '50' })).status).toBe(200);
    const denied = await t.exec('POST', '/orders', { ...order, symbol: 'TSLA', quantity: '0.01' });
    expect(denied.json().error.details.reason).toBe('symbol_denied');
    const big = await t.exec('POST', '/orders', { ...order, notional: '60', quantity: undefined });
    expect(big.json().error.details.reason).toBe('max_order_notional');
    expect((await t.exec('PATCH', '/risk', { killSwitch: true })).json().killSwitch).toBe(true);
    const killed = await t.exec('POST', '/orders', { ...order, quantity: '0.01' });
    expect(killed.status).toBe(422);
    expect(killed.json().error.details.reason).toBe('kill_switch');
  });

  it('records orders placed at the same moment as if one after another: buying power, the daily limit, retries', async () => {
    const t = await newTrader(h, 'burst');
    const other = await newTrader(h, 'burst-other');
    await fund(t, '1000');
    await fund(other, '1000');
    expect((await t.exec('PATCH', '/risk', { maxDailyNotional: '1000' })).status).toBe(200);
    const buy = (clientOrderId: string) => ({ accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', notional: '300', clientOrderId });
    const theirs = { ...buy('x1'), accountId: other.accountId };
    const placed = await Promise.all([
      ...['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => t.exec('POST', '/orders', buy(id))),
      // Another user's order in the same moment, and its retry racing it.
      other.exec('POST', '/orders', theirs),
      other.exec('POST', '/orders', theirs),
    ]);
    const mine = placed.slice(0, 5);
    // 1,000 of cash buys three orders of 300; the fourth and fifth would overdraw.
    expect(mine.filter((r) => r.status === 201).map((r) => r.json().status)).toEqual(['filled', 'filled', 'filled']);
    const refused = mine.filter((r) => r.status === 422).map((r) => (r.json().error.details.reasons as Array<{ code: string }>).map((x) => x.code));
    expect(refused).toEqual([expect.arrayContaining(['buying_power', 'max_daily_notional']), expect.arrayContaining(['buying_power', 'max_daily_notional'])]);
    const [first, retry] = placed.slice(5).map((r) => r.json());
    expect(first).toMatchObject({ status: 'filled', accountId: other.accountId });
    expect(retry.id).toBe(first.id);
    expect(await h.db.selectFrom('orders').select('id').where('user_id', '=', other.userId).execute()).toHaveLength(1);
    const broker = (await t.exec('GET', `/accounts/${t.accountId}/broker`)).json();
    const spent = mine.filter((r) => r.status === 201).reduce((sum, r) => sum + Number(r.json().filledQuantity) * Number(r.json().averagePrice), 0);
    expect(Number(broker.cash)).toBeCloseTo(1000 - spent, 6);
    expect((await h.db.selectFrom('orders').select('id').where('user_id', '=', t.userId).execute())).toHaveLength(5);
    const usage = await h.db.selectFrom('daily_usage').select('notional').where('user_id', '=', t.userId).executeTakeFirstOrThrow();
    expect(Number(usage.notional)).toBe(900);
    // The daily limit counts the three orders placed, not the two refused.
    const within = await t.exec('POST', '/orders', { ...buy('b6'), notional: '50' });
    expect(within.json()).toMatchObject({ status: 'filled' });
    expect((await t.exec('GET', `/accounts/${t.accountId}/audit/verify`)).json()).toMatchObject({ valid: true, entries: 1 + 4 * 4 + 2 * 2 });
    await eventually(async () => (await activities(t)).filter((a) => a.type === 'BUY').length === 4);
  });

  it('answers bad input with a 400 and writes nothing', async () => {
    const t = await newTrader(h, 'sloppy');
    const before = (await h.db.selectFrom('orders').select('id').execute()).length;
    const base = { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', quantity: '1' };
    for (const body of [base, { ...base, type: 'market', notional: '5' }, { ...base, quantity: '-1', limitPrice: '1' }, { ...base, side: 'short', limitPrice: '1' }, { ...base, type: 'trailing_stop' }, {}]) {
      const res = await t.exec('POST', '/orders', body);
      expect(res.status).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    expect((await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'deposit', amount: '1e3', currency: 'USD' })).status).toBe(400);
    expect((await t.exec('POST', '/transfers', { accountId: t.accountId, direction: 'withdrawal', amount: '5', currency: 'USD' })).status).toBe(422);
    expect((await h.db.selectFrom('orders').select('id').execute()).length).toBe(before);
  });

  it('keeps two users who pick the same clientOrderId apart on the paper broker', async () => {
    const a = await newTrader(h, 'same-id-a');
    const b = await newTrader(h, 'same-id-b');
    await fund(a);
    await fund(b);
    const order = { symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', clientOrderId: 'my-first-order' };
    const first = await a.exec('POST', '/orders', { ...order, accountId: a.accountId, quantity: '1' });
    expect(first.json()).toMatchObject({ status: 'filled', filledQuantity: '1' });
    const second = await b.exec('POST', '/orders', { ...order, accountId: b.accountId, quantity: '3' });
    expect(second.status).toBe(201);
    expect(second.json()).toMatchObject({ status: 'filled', filledQuantity: '3' });
    expect(second.json().fills).toHaveLength(1);
    expect((await b.exec('GET', `/accounts/${b.accountId}/broker`)).json().positions).toEqual([expect.objectContaining({ symbol: 'AAPL', quantity: '3' })]);
    expect((await a.exec('GET', `/accounts/${a.accountId}/broker`)).json().positions).toEqual([expect.objectContaining({ symbol: 'AAPL', quantity: '1' })]);
    expect((await a.exec('GET', `/orders/${first.json().id}`)).json()).toMatchObject({ status: 'filled', filledQuantity: '1' });
  });

  it("keeps users apart: another user's order, account and audit trail are 404", async () => {
    const alice = await newTrader(h, 'alice');
    const bob = await newTrader(h, 'bob');
    await fund(alice);
    const order = (await alice.exec('POST', '/orders', { accountId: alice.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '1' })).json();
    expect((await bob.exec('GET', `/orders/${order.id}`)).status).toBe(404);
    expect((await bob.exec('DELETE', `/orders/${order.id}`)).status).toBe(404);
    expect((await bob.exec('GET', `/accounts/${alice.accountId}/audit/verify`)).status).toBe(404);
    expect((await bob.exec('POST', '/orders', { accountId: alice.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '1' })).status).toBe(404);
    expect((await bob.exec('POST', '/transfers', { accountId: alice.accountId, direction: 'deposit', amount: '5', currency: 'USD' })).status).toBe(404);
    expect((await bob.exec('GET', '/orders')).json().items).toHaveLength(0);
  });

  it('keeps a hash-chained audit trail that detects a changed row', async () => {
    const t = await newTrader(h, 'audited');
    await fund(t);
    await t.exec('POST', '/orders', { accountId: t.accountId, symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', quantity: '1' });
    const trail = (await t.exec('GET', `/accounts/${t.accountId}/audit`)).json().items as Array<{ kind: string; seq: number }>;
    expect(trail.map((e) => e.kind)).toEqual(['transfer', 'order_intent', 'risk_decision', 'order_sent', 'broker_update']);
    expect((await t.exec('GET', `/accounts/${t.accountId}/audit/verify`)).json()).toEqual({ valid: true, entries: 5, brokenAt: null });
    await h.db.updateTable('audit_log').set({ payload: '{"side":"sell"}' }).where('account_id', '=', t.accountId).where('seq', '=', 2).execute();
    expect((await t.exec('GET', `/accounts/${t.accountId}/audit/verify`)).json()).toEqual({ valid: false, entries: 5, brokenAt: 2 });
  });
});

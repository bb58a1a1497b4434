import { uuidv7 } from '@meridian/platform';
import { testDatabases } from '@meridian/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, startPortfolio, type PortfolioHarness } from './test/harness.js';

/**
 * A hand-worked portfolio on a manual instrument (prices the test sets, so every figure is
 * known exactly), through the real transactions, valuation and portfolio services:
 *
 *   ACME (manual, USD): 100 on the buy day, 120 on the sale day, 150 two days ago.
 *   Broker (USD, trade-only): BUY 10 @ 100 + fee 5  → lot cost 1,005 (100.50 a share)
 *                             SELL 4 @ 120 − fee 2  → proceeds 478, cost 4 × 100.50 = 402, realised 76
 *                             DIVIDEND 20 (same day as the sale)
 *   Today: 6 shares × 150 = 900 value; cost 6 × 100.50 = 603; unrealised 297.
 *   Money put in 1,005, taken out 478 + 20 = 498: net contribution 507;
 *   absolute gain = 900 − 507 = 393 = 297 unrealised + 76 realised + 20 income.
 */
describe.each(testDatabases())('the portfolio service (%s)', (kind) => {
  let h: PortfolioHarness;
  let ada: { userId: string; token: string };
  let bob: { userId: string; token: string };
  let accountId: string;
  let lastVersion = 0;
  const buyDay = daysAgo(400);
  const sellDay = daysAgo(200);
  const recent = daysAgo(2);

  const write = async (url: string, body: unknown, token = ada.token) => {
    const res = await h.call('transactions', 'POST', url, { token, body });
    expect(res.status, res.text).toBe(201);
    lastVersion = Number(res.headers['meridian-version']);
    return res.json();
  };

  beforeAll(async () => {
    h = await startPortfolio({ kind });
    ada = await h.user(`ada-${kind}@example.com`);
    bob = await h.user(`bob-${kind}@example.com`);
    const made = await h.call('valuation', 'POST', '/instruments', {
      token: ada.token,
      body: { symbol: 'ACME', name: 'Acme Holdings (private)', currency: 'USD', type: 'EQUITY', dataSource: 'MANUAL', sector: 'Industrials', country: 'US' },
    });
    expect(made.status, made.text).toBe(201);
    const priced = await h.call('valuation', 'PUT', '/instruments/ACME/prices', {
      token: ada.token,
      body: [
        { date: buyDay, close: '100' },
        { date: sellDay, close: '120' },
        { date: recent, close: '150' },
      ],
    });
    expect(priced.status, priced.text).toBe(200);
    const account = await write('/accounts', { name: 'Broker', currency: 'USD', type: 'BROKERAGE', trackCash: false, costBasisMethod: 'FIFO' });
    accountId = account.id;
    await write('/activities', { accountId, type: 'BUY', date: buyDay, symbol: 'ACME', quantity: '10', unitPrice: '100', fee: '5', currency: 'USD' });
    await write('/activities', { accountId, type: 'SELL', date: sellDay, symbol: 'ACME', quantity: '4', unitPrice: '120', fee: '2', currency: 'USD' });
    await write('/activities', { accountId, type: 'DIVIDEND', date: sellDay, symbol: 'ACME', amount: '20', currency: 'USD' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers the summary with exact figures once the last write is applied (minVersion)', async () => {
    const res = await h.call('portfolio', 'GET', `/summary?minVersion=${lastVersion}`, { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const s = res.json();
    expect(s.version).toBeGreaterThanOrEqual(lastVersion);
    expect(s).toMatchObject({
      baseCurrency: 'USD',
      netWorth: '900.00',
      costBasis: '603.00',
      unrealizedGain: '297.00',
      realizedGain: '76.00',
      income: '20.00',
      netContribution: 507,
      holdingsCount: 1,
    });
    expect(s.prices.manual).toEqual(['ACME']);
    expect(s.accounts).toEqual([{ accountId, name: 'Broker', currency: 'USD', value: '900.00' }]);
  });

  it('lists holdings with the contract fields', async () => {
    const res = await h.call('portfolio', 'GET', `/holdings?accountId=${accountId}`, { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const [acme] = res.json().holdings;
    expect(acme).toMatchObject({
      symbol: 'ACME',
      name: 'Acme Holdings (private)',
      quantity: '6',
      price: '150',
      value: '900.00',
      costBasis: '603.00',
      unrealizedGain: '297.00',
      realizedGain: '76.00',
      income: '20.00',
      weight: 1,
      manual: true,
    });
  });

  it('computes performance: the absolute gain adds up and the series ends at the value', async () => {
    const res = await h.call('portfolio', 'GET', `/performance?accountId=${accountId}`, { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const p = res.json();
    expect(p.absoluteGain).toBeCloseTo(393, 6);
    expect(typeof p.twr).toBe('number');
    expect(typeof p.mwr).toBe('number');
    expect(typeof p.modifiedDietz).toBe('number');
    const last = p.series.at(-1);
    expect(last).toMatchObject({ value: 900, netContribution: 507 });
    expect(p.series[0].date).toBe(p.from);
    // TWR: 100 → 120 on the sale day (the dividend of 20 on 6 remaining shares is performance),
    // then 120 → 150. Index: (120·6 + 20 + 480 − 2 … ) is checked against its definition:
    // each day's return chains; the final index equals 1 + twr.
    expect(last.twrIndex).toBeCloseTo(1 + p.twr, 6);
  });

  it('explains the return: attribution parts add up to the absolute gain', async () => {
    const res = await h.call('portfolio', 'GET', '/attribution', { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const a = res.json();
    expect(a.income).toBeCloseTo(20, 6);
    expect(a.price + a.income + a.currency - a.fees - a.taxes).toBeCloseTo(a.total, 6);
    expect(a.total).toBeCloseTo(393, 6);
  });

  it('allocates by asset class, currency, account, sector and country', async () => {
    const res = await h.call('portfolio', 'GET', '/allocations', { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const a = res.json();
    expect(a.total).toBe('900.00');
    expect(a.assetClass).toEqual([{ key: 'EQUITY', value: '900.00', weight: 1 }]);
    expect(a.sector).toEqual([{ key: 'Industrials', value: '900.00', weight: 1 }]);
    expect(a.country).toEqual([{ key: 'US', value: '900.00', weight: 1 }]);
    expect(a.account).toEqual([{ key: 'Broker', value: '900.00', weight: 1 }]);
  });

  it('reports realised gains per tax year, as JSON and as CSV', async () => {
    const json = await h.call('portfolio', 'GET', '/realized-gains', { token: ada.token });
    expect(json.status, json.text).toBe(200);
    const year = json.json().years.find((y: { entries: unknown[] }) => y.entries.length > 0);
    expect(year.gain).toBe('76');
    const csv = await h.call('portfolio', 'GET', '/realized-gains?format=csv', { token: ada.token });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^taxYear,accountId,symbol/);
    expect(lines[1]).toContain(`,ACME,FIFO,${buyDay},${sellDay},`);
    expect(lines[1]!.split(',')[12]).toBe('76');
  });

  it('shows a holding with its lots, activities and daily series', async () => {
    const res = await h.call('portfolio', 'GET', '/holdings/acme', { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const d = res.json();
    expect(d.lots).toEqual([expect.objectContaining({ accountId, acquired: buyDay, quantity: '6', costBasis: '603.00' })]);
    expect(d.activities.map((a: { type: string }) => a.type).sort()).toEqual(['BUY', 'DIVIDEND', 'SELL']);
    expect(d.series.at(-1)).toMatchObject({ price: 150, quantity: 6, value: 900 });
    expect((await h.call('portfolio', 'GET', '/holdings/NOPE', { token: ada.token })).status).toBe(404);
  });

  it('computes risk and calendar-year returns', async () => {
    const risk = await h.call('portfolio', 'GET', '/risk?range=MAX', { token: ada.token });
    expect(risk.status, risk.text).toBe(200);
    expect(risk.json().maxDrawdown.depth).toBeGreaterThanOrEqual(0);
    expect(risk.json().drawdown.length).toBeGreaterThan(300);
    const years = await h.call('portfolio', 'GET', '/performance/years', { token: ada.token });
    expect(years.status).toBe(200);
    expect(years.json().years.length).toBeGreaterThanOrEqual(2);
  });

  it('compares the portfolio with any instrument over the same range', async () => {
    const res = await h.call('portfolio', 'GET', '/benchmark?symbol=SPY&range=1Y', { token: ada.token });
    expect(res.status, res.text).toBe(200);
    const b = res.json();
    expect(b.symbol).toBe('SPY');
    expect(b.series[0]).toMatchObject({ portfolio: 1, benchmark: 1 });
    expect(b.series.at(-1).benchmark).toBeCloseTo(1 + b.benchmarkReturn, 6);
    const risk = await h.call('portfolio', 'GET', '/risk?range=1Y&benchmark=SPY', { token: ada.token });
    expect(risk.status, risk.text).toBe(200);
    expect(typeof risk.json().correlation).toBe('number');
  });

  it('refuses bad queries with a clear 400', async () => {
    for (const q of ['range=FOREVER', `from=${recent}&to=${buyDay}`, `range=YTD&from=${buyDay}`, 'accountId=nope', 'to=2999-01-01']) {
      const res = await h.call('portfolio', 'GET', `/performance?${q}`, { token: ada.token });
      expect(res.status, q).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const unauth = await h.call('portfolio', 'GET', '/summary');
    expect(unauth.status).toBe(401);
  });

  it('keeps each user to their own portfolio', async () => {
    const summary = await h.call('portfolio', 'GET', '/summary', { token: bob.token });
    expect(summary.status).toBe(200);
    expect(summary.json()).toMatchObject({ netWorth: '0.00', holdingsCount: 0 });
    expect((await h.call('portfolio', 'GET', `/holdings?accountId=${accountId}`, { token: bob.token })).status).toBe(404);
    expect((await h.call('portfolio', 'GET', `/performance?accountId=${accountId}`, { token: bob.token })).status).toBe(404);
    expect((await h.call('portfolio', 'GET', '/holdings/ACME', { token: bob.token })).status).toBe(404);
  });

  it('waits for a version not applied yet, then answers 503 with Retry-After', async () => {
    const res = await h.call('portfolio', 'GET', `/summary?minVersion=${lastVersion + 1000}`, { token: ada.token });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  }, 20_000);

  it('pushes the summary live: a snapshot, then an update after a new activity and after new prices', async () => {
    const live = await h.live(ada.token);
    try {
      const snapshot = await live.next((m) => m.type === 'snapshot');
      expect(snapshot.summary.netWorth).toBe('900.00');
      await write('/activities', { accountId, type: 'BUY', date: recent, symbol: 'ACME', quantity: '1', unitPrice: '150', currency: 'USD' });
      const version = lastVersion;
      const update = await live.next((m) => m.type === 'update' && m.version >= version);
      expect(update.reason).toBe('activity');
      expect(update.summary.netWorth).toBe('1050.00');
      const priced = await h.call('valuation', 'PUT', '/instruments/ACME/prices', { token: ada.token, body: [{ date: daysAgo(1), close: '160' }] });
      expect(priced.status).toBe(200);
      const repriced = await live.next((m) => m.reason === 'prices' && m.summary.netWorth === '1120.00');
      expect(repriced.version).toBe(version);
    } finally {
      live.close();
    }
  });

  it('revalues foreign cash when new FX rates are announced', async () => {
    const eve = await h.user(`eve-${kind}@example.com`);
    await write('/accounts', { name: 'Main', currency: 'USD', type: 'BANK', trackCash: true }, eve.token);
    const euros = await write('/accounts', { name: 'Euro', currency: 'EUR', type: 'BANK', trackCash: true }, eve.token);
    await write('/activities', { accountId: euros.id, type: 'DEPOSIT', date: daysAgo(3), amount: '100', currency: 'EUR' }, eve.token);
    const before = await h.call('portfolio', 'GET', `/summary?minVersion=${lastVersion}`, { token: eve.token });
    expect(before.json().baseCurrency).toBe('USD');
    const live = await h.live(eve.token);
    try {
      await live.next((m) => m.type === 'snapshot');
      // As valuation announces rates it stored (units of USD per one EUR).
      await h.transport.publish([
        {
          specversion: '1.0',
          id: uuidv7(),
          source: 'meridian/valuation',
          type: 'valuation.fx.updated',
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          data: { base: 'EUR', quote: 'USD', rates: [{ date: daysAgo(1), rate: '2', source: 'SIMULATED', simulated: true }, { date: daysAgo(0), rate: '2', source: 'SIMULATED', simulated: true }] },
        },
      ]);
      const update = await live.next((m) => m.reason === 'prices' && m.summary.netWorth === '200.00');
      expect(update.summary.cash).toEqual([{ currency: 'EUR', amount: '100', value: '200.00' }]);
    } finally {
      live.close();
    }
  });

  it('refuses a live socket without a valid token', async () => {
    await expect(h.live('not-a-token')).rejects.toThrow('refused with 401');
  });

  it('erases a deleted user', async () => {
    const carol = await h.user(`carol-${kind}@example.com`);
    const acc = await write('/accounts', { name: 'Cash', currency: 'EUR', type: 'BANK', trackCash: true }, carol.token);
    await write('/activities', { accountId: acc.id, type: 'DEPOSIT', date: recent, amount: '100', currency: 'EUR' }, carol.token);
    const before = await h.call('portfolio', 'GET', `/summary?minVersion=${lastVersion}`, { token: carol.token });
    expect(before.json()).toMatchObject({ baseCurrency: 'EUR', netWorth: '100.00' });
    const del = await h.auth.app.inject({
      method: 'DELETE',
      url: '/me',
      headers: { authorization: `Bearer ${carol.token}` },
      payload: { password: 'tangerine kayak forest' },
    });
    expect(del.statusCode, del.body).toBeLessThan(300);
    const db = h.database.forSchema<{ user_state: { user_id: string } }>('portfolio');
    await expect
      .poll(async () => (await db.selectFrom('user_state').select('user_id').where('user_id', '=', carol.userId).execute()).length, { timeout: 10_000 })
      .toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALENDARS, tradingDays } from './market-hours.js';
import { storeDailyCloses } from './prices.service.js';
import { runRefreshCycle } from './refresh.js';
import { eventually, startValuation, testClock, type ValuationHarness } from './test/harness.js';
import { drainTrackRequests, requestTracking } from './tracking.service.js';

/** Friday 2026-01-09, 13:00 in New York: the NYSE is open. */
const FRIDAY_MIDDAY = '2026-01-09T18:00:00Z';

describe('tracking symbols on the simulated market', () => {
  let h: ValuationHarness;
  let user: { userId: string; token: string };
  const clock = testClock(FRIDAY_MIDDAY);

  beforeAll(async () => {
    h = await startValuation({ clock });
    user = await h.user('tracker@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = (url: string) => h.call('GET', url, { token: user.token });
  const outboxCount = async () => (await h.db.selectFrom('outbox' as never).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('backfills a year of daily history when a symbol is first tracked, and announces it in batches', async () => {
    const res = await h.call('POST', '/instruments/AAPL/track', { token: user.token });
    expect(res.status).toBe(201);
    const expected = tradingDays(CALENDARS.XNAS, '2025-01-09', '2026-01-08').length;
    expect(res.json()).toEqual({
      instrument: expect.objectContaining({ symbol: 'AAPL', name: 'Apple Inc.', type: 'EQUITY', currency: 'USD', exchange: 'XNAS', sector: 'Technology', dataSource: 'SIMULATED', tracked: true, simulated: true, manual: false }),
      backfilled: expected,
      historyFrom: '2025-01-09',
      simulated: true,
    });
    await eventually(() => h.events.filter((e) => e.data.kind === 'backfill').reduce((n, e) => n + e.data.prices.length, 0) === expected);
    const batches = h.events.filter((e) => e.data.kind === 'backfill');
    expect(batches.every((e) => e.data.prices.length <= 500 && e.subject === undefined)).toBe(true);
    // 2025-01-09 was a national day of mourning: the NYSE was closed, so history starts on the 10th.
    expect(batches[0]!.data.prices[0]).toEqual({ symbol: 'AAPL', date: '2025-01-10', close: expect.stringMatching(/^\d+\.\d{1,2}$/), currency: 'USD', source: 'SIMULATED', simulated: true });
  });

  it('tracks a symbol only once: a second request changes nothing', async () => {
    const again = await h.call('POST', '/instruments/AAPL/track', { token: user.token });
    expect(again.status).toBe(200);
    expect(again.json().backfilled).toBe(0);
  });

  it('serves the history with the provenance of every price, stopping at the last closed session', async () => {
    const res = await get('/instruments/AAPL/history?from=2026-01-05');
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.simulated).toBe(true);
    expect(body.prices.map((p: { date: string }) => p.date)).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']);
    expect(body.prices.every((p: { source: string; simulated: boolean }) => p.source === 'SIMULATED' && p.simulated)).toBe(true);
  });

  it('fetches the history before the backfilled range when asked for it', async () => {
    const res = await get('/instruments/AAPL/history?from=2024-12-02&to=2024-12-31');
    expect(res.json().prices.map((p: { date: string }) => p.date)).toEqual(tradingDays(CALENDARS.XNAS, '2024-12-02', '2024-12-31'));
    const row = await h.db.selectFrom('instruments').select('history_from').where('symbol', '=', 'AAPL').executeTakeFirstOrThrow();
    expect(row.history_from).toBe('2024-12-02');
  });

  it('quotes a tracked symbol live while its market is open, labelled simulated, and lists untracked symbols as missing', async () => {
    const res = await get('/quotes?symbols=AAPL,MSFT');
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.missing).toEqual(['MSFT']);
    expect(body.simulated).toBe(true);
    expect(body.quotes[0]).toMatchObject({
      symbol: 'AAPL',
      currency: 'USD',
      marketState: 'open',
      source: 'SIMULATED',
      simulated: true,
      stale: false,
      asOf: '2026-01-09T18:00:00.000Z',
      price: expect.stringMatching(/^\d+(\.\d+)?$/),
    });
    const today = await h.db.selectFrom('prices').innerJoin('instruments', 'instruments.id', 'prices.instrument_id').select(['date', 'close']).where('symbol', '=', 'AAPL').where('date', '=', '2026-01-09').executeTakeFirst();
    expect(today?.close).toBe(body.quotes[0].price);
    await eventually(() => h.events.some((e) => e.data.kind === 'intraday'));
  });

  it('refreshes quotes by market hours: equities once after Friday’s close and not on Saturday, crypto all weekend', async () => {
    await h.call('POST', '/instruments/BTC-USD/track', { token: user.token });
    clock.set('2026-01-10T15:00:00Z');
    const first = await runRefreshCycle(h.deps);
    expect(first.quotesDue).toBe(2); // AAPL's final Friday close, and BTC
    const aapl = (await get('/quotes?symbols=AAPL')).json().quotes[0];
    expect(aapl).toMatchObject({ marketState: 'closed', asOf: '2026-01-09T21:00:00.000Z', stale: false });
    clock.set('2026-01-10T15:05:00Z');
    const second = await runRefreshCycle(h.deps);
    expect(second.quotesDue).toBe(1);
    const btc = (await get('/quotes?symbols=BTC-USD')).json().quotes[0];
    expect(btc).toMatchObject({ marketState: 'open', asOf: '2026-01-10T15:05:00.000Z' });
    clock.set('2026-01-11T23:00:00Z');
    expect((await runRefreshCycle(h.deps)).quotesDue).toBe(1);
    clock.set('2026-01-12T14:31:00Z'); // Monday, the NYSE opened a minute ago
    expect((await runRefreshCycle(h.deps)).quotesDue).toBe(2);
    clock.set(FRIDAY_MIDDAY);
  });

  it('describes a symbol it does not track from the provider, and searches the catalogue', async () => {
    const msft = await get('/instruments/MSFT');
    expect(msft.json()).toMatchObject({ symbol: 'MSFT', tracked: false, dataSource: 'SIMULATED', simulated: true });
    const search = await get('/instruments?query=apple');
    expect(search.json().results[0]).toMatchObject({ symbol: 'AAPL', tracked: true });
    expect((await get('/instruments/NOSUCH')).status).toBe(404);
  });

  it('refuses to track a symbol no provider knows, unless given hints for the simulated market', async () => {
    const unknown = await h.call('POST', '/instruments/ACME/track', { token: user.token });
    expect(unknown.status).toBe(404);
    const hinted = await h.call('POST', '/instruments/ACME/track', { token: user.token, body: { name: 'Acme Corp', type: 'EQUITY', currency: 'usd' } });
    expect(hinted.status).toBe(201);
    expect(hinted.json().instrument).toMatchObject({ symbol: 'ACME', name: 'Acme Corp', currency: 'USD', simulated: true });
    expect(hinted.json().backfilled).toBeGreaterThan(200);
  });

  it('tracks symbols queued by the event consumer in the background', async () => {
    await h.deps.db.transaction().execute((trx) => requestTracking(trx, 'SAP.DE', undefined, clock()));
    await h.deps.db.transaction().execute((trx) => requestTracking(trx, 'SAP.DE', undefined, clock()));
    expect(await drainTrackRequests(h.deps)).toBe(1);
    expect((await get('/instruments/SAP.DE')).json()).toMatchObject({ tracked: true, currency: 'EUR', exchange: 'XETR' });
    expect(await h.db.selectFrom('track_requests').selectAll().execute()).toEqual([]);
  });

  it('serves FX rates fetched on first use, and the latest rates', async () => {
    const series = await get('/fx?base=EUR&quote=USD&from=2026-01-01&to=2026-01-09');
    expect(series.status).toBe(200);
    expect(series.json()).toMatchObject({ base: 'EUR', quote: 'USD', from: '2026-01-01', to: '2026-01-09', simulated: true });
    // Weekdays except New Year's Day; the 9th is still trading.
    expect(series.json().rates.map((r: { date: string }) => r.date)).toEqual(['2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']);
    // The stored rates are announced, so read models revalue without asking.
    await eventually(() => h.fxEvents.some((e) => e.data.base === 'EUR' && e.data.quote === 'USD'));
    const announced = h.fxEvents.filter((e) => e.data.base === 'EUR' && e.data.quote === 'USD').flatMap((e) => e.data.rates);
    expect(announced.map((r) => [r.date, r.rate])).toEqual(series.json().rates.map((r: { date: string; rate: string }) => [r.date, r.rate]));
    const latest = await get('/fx/latest?base=EUR&quote=USD,GBP');
    expect(latest.json()).toMatchObject({ base: 'EUR', missing: [], simulated: true });
    expect(latest.json().rates).toEqual([
      { quote: 'USD', rate: series.json().rates.at(-1).rate, date: '2026-01-08', source: 'SIMULATED', simulated: true },
      { quote: 'GBP', rate: expect.stringMatching(/^0\.\d+$/), date: '2026-01-08', source: 'SIMULATED', simulated: true },
    ]);
  });

  it('rejects bad FX and quote queries with 400', async () => {
    expect((await get('/fx?base=EUR&quote=XYZ')).status).toBe(400);
    expect((await get('/fx?base=EUR&quote=EUR')).status).toBe(400);
    expect((await get('/fx?base=EUR&quote=USD&from=2030-01-01')).status).toBe(400);
    expect((await get('/fx/latest?base=EUR')).status).toBe(400);
    expect((await get('/quotes')).status).toBe(400);
    expect((await get('/quotes?symbols=A/B')).status).toBe(400);
  });

  it('writes the prices.updated event in the same transaction as the prices: a rollback leaves neither', async () => {
    const instrument = await h.db.selectFrom('instruments').selectAll().where('symbol', '=', 'AAPL').where('owner_id', 'is', null).executeTakeFirstOrThrow();
    const close = { date: '2026-01-09', close: '999.99', source: 'SIMULATED' as const, simulated: true };
    const outboxBefore = await outboxCount();
    await expect(
      h.deps.db.transaction().execute(async (trx) => {
        await storeDailyCloses(h.deps, trx, instrument, [close], 'eod');
        throw new Error('something failed after the write');
      }),
    ).rejects.toThrow('something failed after the write');
    expect(await outboxCount()).toBe(outboxBefore);
    const price = () => h.db.selectFrom('prices').select('close').where('instrument_id', '=', instrument.id).where('date', '=', '2026-01-09').executeTakeFirst();
    expect((await price())?.close).not.toBe('999.99');

    await h.deps.db.transaction().execute((trx) => storeDailyCloses(h.deps, trx, instrument, [close], 'eod'));
    expect(await outboxCount()).toBe(outboxBefore + 1);
    expect((await price())?.close).toBe('999.99');
    await eventually(() => h.events.some((e) => e.data.prices.some((p) => p.close === '999.99')));
  });
});

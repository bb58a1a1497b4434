import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedInstrument } from './instruments.repository.js';
import { refreshQuotes } from './quotes.service.js';
import { fixture, startRecordedServer, type RecordedServer } from './test/recorded-server.js';
import { startValuation, testClock, type ValuationHarness } from './test/harness.js';

/** The recorded AAPL chart meta, with the price and time a test wants. */
function yahooQuote(price: number, at: string): unknown {
  const body = JSON.parse(fixture('yahoo-chart-aapl-quote.json'));
  body.chart.result[0].meta.regularMarketPrice = price;
  body.chart.result[0].meta.regularMarketTime = Date.parse(at) / 1000;
  return body;
}

describe('the service on real provider clients (Yahoo, Frankfurter) against recorded responses', () => {
  let h: ValuationHarness;
  let server: RecordedServer;
  let user: { userId: string; token: string };
  const clock = testClock('2026-01-10T12:00:00Z');
  const yahoo = { quote: yahooQuote(245.12, '2026-01-09T21:00:00Z'), down: false };

  beforeAll(async () => {
    server = await startRecordedServer([
      { path: '/yahoo/v8/finance/chart/AAPL', respond: () => (yahoo.down ? { status: 503, body: 'unavailable' } : { body: yahoo.quote }), query: { range: '1d' } },
      { path: '/yahoo/v8/finance/chart/AAPL', respond: { fixture: 'yahoo-chart-aapl-history.json' } },
      { path: '/yahoo/v1/finance/search', respond: { fixture: 'yahoo-search-apple.json' } },
      { path: '/ecb/v1/latest', respond: { fixture: 'frankfurter-latest-eur.json' } },
      { path: '/ecb/v1/2026-01-02..2026-01-09', respond: { fixture: 'frankfurter-series-eur-usd.json' } },
    ]);
    h = await startValuation({
      clock,
      env: {
        MERIDIAN_VALUATION_PROVIDERS: 'yahoo,frankfurter',
        MERIDIAN_YAHOO_BASE_URL: `${server.url}/yahoo`,
        MERIDIAN_FRANKFURTER_BASE_URL: `${server.url}/ecb/v1`,
        MERIDIAN_VALUATION_BREAKER_FAILURES: '2',
      },
    });
    user = await h.user('live@example.com');
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
  });

  const get = (url: string) => h.call('GET', url, { token: user.token });

  it('tracks a symbol from Yahoo: its description, then its recorded daily closes with Yahoo provenance', async () => {
    const res = await h.call('POST', '/instruments/AAPL/track', { token: user.token });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({
      instrument: { symbol: 'AAPL', name: 'Apple Inc.', currency: 'USD', exchange: 'NMS', sector: 'Technology', dataSource: 'YAHOO', simulated: false },
      backfilled: 5,
      simulated: false,
    });
    const history = (await get('/instruments/AAPL/history?from=2026-01-01')).json();
    expect(history.simulated).toBe(false);
    expect(history.prices).toEqual([
      { date: '2026-01-02', close: '243.85', source: 'YAHOO', simulated: false },
      { date: '2026-01-05', close: '241.3', source: 'YAHOO', simulated: false },
      { date: '2026-01-06', close: '242.78', source: 'YAHOO', simulated: false },
      { date: '2026-01-08', close: '244.2', source: 'YAHOO', simulated: false },
      { date: '2026-01-09', close: '245.12', source: 'YAHOO', simulated: false },
    ]);
  });

  it('quotes from the chart meta, with the change against the stored previous close', async () => {
    const body = (await get('/quotes?symbols=AAPL')).json();
    expect(body).toEqual({
      quotes: [
        {
          symbol: 'AAPL',
          price: '245.12',
          currency: 'USD',
          previousClose: '244.2',
          change: '0.92',
          changePercent: 0.3767,
          asOf: '2026-01-09T21:00:00.000Z',
          marketState: 'closed',
          source: 'YAHOO',
          confirmedBy: null,
          simulated: false,
          stale: false,
        },
      ],
      missing: [],
      simulated: false,
    });
  });

  it('holds back a tenfold jump from a single source, and accepts it once seen again a quarter of an hour later', async () => {
    clock.set('2026-01-12T15:00:00Z');
    yahoo.quote = yahooQuote(2451.2, '2026-01-12T14:59:00Z');
    const held = (await get('/quotes?symbols=AAPL')).json().quotes[0];
    expect(held).toMatchObject({ price: '245.12', stale: true, marketState: 'open' });

    clock.set('2026-01-12T15:16:00Z');
    yahoo.quote = yahooQuote(2452.0, '2026-01-12T15:15:00Z');
    const confirmed = (await get('/quotes?symbols=AAPL')).json().quotes[0];
    expect(confirmed).toMatchObject({ price: '2452', source: 'YAHOO', confirmedBy: 'YAHOO', stale: false });
  });

  it('searches tracked instruments first, then Yahoo', async () => {
    const results = (await get('/instruments?query=apple')).json().results;
    expect(results.map((r: { symbol: string; tracked: boolean }) => [r.symbol, r.tracked])).toEqual([
      ['AAPL', true],
      ['APLE', false],
      ['APC.F', false],
    ]);
  });
  it('opens Yahoo’s circuit after repeated failures, reports it, and closes it after a successful probe', async () => {
    yahoo.down = true;
    const aapl = (await findSharedInstrument(h.deps.db, 'AAPL'))!;
    const first = await refreshQuotes(h.deps, [aapl]);
    expect(first.failed.get('AAPL')?.[0]).toMatch(/yahoo: server error 503/);
    await refreshQuotes(h.deps, [aapl]);
    const third = await refreshQuotes(h.deps, [aapl]);
    expect(third.failed.get('AAPL')).toEqual(['yahoo: circuit open']);
    const status = (await get('/providers')).json();
    expect(status).toEqual({
      providers: [
        { name: 'yahoo', source: 'YAHOO', simulated: false, circuit: 'open' },
        { name: 'frankfurter', source: 'FRANKFURTER', simulated: false, circuit: 'closed' },
      ],
      simulated: false,
    });
    yahoo.down = false;
    clock.advance(30_000);
    expect((await get('/providers')).json().providers[0].circuit).toBe('half_open');
    const probe = await refreshQuotes(h.deps, [aapl]);
    expect(probe.updated).toEqual(['AAPL']);
    expect((await get('/providers')).json().providers[0].circuit).toBe('closed');
  });

  it('serves ECB rates from Frankfurter and stores them', async () => {
    clock.set('2026-01-10T12:00:00Z');
    const series = (await get('/fx?base=EUR&quote=USD&from=2026-01-02&to=2026-01-09')).json();
    expect(series.simulated).toBe(false);
    expect(series.rates).toHaveLength(6);
    expect(series.rates.at(-1)).toEqual({ date: '2026-01-09', rate: '1.0412', source: 'FRANKFURTER', simulated: false });
    const latest = (await get('/fx/latest?base=EUR&quote=USD,GBP')).json();
    expect(latest.rates).toEqual([
      { quote: 'USD', rate: '1.0412', date: '2026-01-09', source: 'FRANKFURTER', simulated: false },
      { quote: 'GBP', rate: '0.86415', date: '2026-01-09', source: 'FRANKFURTER', simulated: false },
    ]);
    const stored = await h.db.selectFrom('fx_rates').select(['quote', 'date', 'rate']).where('base', '=', 'EUR').orderBy('quote').orderBy('date').execute();
    expect(stored).toHaveLength(7);
  });

});

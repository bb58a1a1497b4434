import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordedServer, type RecordedServer } from '../test/recorded-server.js';
import { createHttpClient, type HttpClient } from './http.js';
import type { InstrumentRef, MarketDataProvider } from './types.js';
import { ProviderError } from './types.js';
import { createYahooProvider } from './yahoo.js';

const aapl: InstrumentRef = { symbol: 'AAPL', type: 'EQUITY', currency: 'USD', exchange: 'NMS', providerIds: {} };

describe('the Yahoo Finance client against recorded responses', () => {
  let server: RecordedServer;
  let http: HttpClient;
  let yahoo: MarketDataProvider;

  beforeAll(async () => {
    server = await startRecordedServer();
    http = createHttpClient({ timeoutMs: 2000, userAgent: 'test' });
    yahoo = createYahooProvider({ baseUrl: server.url, http, clock: () => new Date('2026-01-10T12:00:00Z') });
  });
  afterAll(async () => {
    await http.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.routes = [
      { path: '/v8/finance/chart/AAPL', query: { range: '1d' }, respond: { fixture: 'yahoo-chart-aapl-quote.json' } },
      { path: '/v8/finance/chart/AAPL', respond: { fixture: 'yahoo-chart-aapl-history.json' } },
      { path: '/v8/finance/chart/VOD.L', respond: { fixture: 'yahoo-chart-vod-quote.json' } },
      { path: '/v1/finance/search', respond: { fixture: 'yahoo-search-apple.json' } },
      { path: /^\/v8\/finance\/chart\//, respond: { status: 404, fixture: 'yahoo-chart-not-found.json' } },
    ];
  });

  it('reads daily closes from the chart endpoint, dated in the exchange time zone, skipping days without a close', async () => {
    const bars = await yahoo.history!(aapl, '2026-01-02', '2026-01-09');
    expect(bars.map((b) => b.date)).toEqual(['2026-01-02', '2026-01-05', '2026-01-06', '2026-01-08', '2026-01-09']);
    expect(bars[0]).toMatchObject({ close: 243.85000610351562, decimals: 2 });
    const request = server.requests[0]!;
    expect(request.url.searchParams.get('interval')).toBe('1d');
    expect(request.url.searchParams.get('period1')).toBe(String(Date.UTC(2026, 0, 2) / 1000));
    expect(request.headers['user-agent']).toMatch(/Mozilla/);
  });

  it('reads the latest price, its time and the previous close from the chart meta', async () => {
    const quotes = await yahoo.quotes!([aapl]);
    expect(quotes.get('AAPL')).toEqual({
      price: 245.12,
      currency: 'USD',
      asOf: new Date('2026-01-09T21:00:00Z'),
      previousClose: 244.2,
      decimals: 2,
    });
  });

  it('converts prices quoted in pence (GBp) to pounds', async () => {
    const vod: InstrumentRef = { symbol: 'VOD.L', type: 'EQUITY', currency: 'GBP', exchange: 'LSE', providerIds: {} };
    const quote = (await yahoo.quotes!([vod])).get('VOD.L')!;
    expect(quote.currency).toBe('GBP');
    expect(quote.price).toBeCloseTo(0.6842, 10);
    expect(quote.decimals).toBe(4);
  });

  it('treats an unknown symbol as no data, not as a provider failure', async () => {
    const ref: InstrumentRef = { ...aapl, symbol: 'NOPE' };
    expect((await yahoo.quotes!([ref])).size).toBe(0);
    expect(await yahoo.history!(ref, '2026-01-02', '2026-01-09')).toEqual([]);
    expect(await yahoo.lookup!('NOPE')).toBeUndefined();
  });

  it('describes a symbol from its chart meta and its search entry', async () => {
    expect(await yahoo.lookup!('AAPL')).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      type: 'EQUITY',
      currency: 'USD',
      exchange: 'NMS',
      sector: 'Technology',
      country: null,
    });
  });

  it('searches, keeping instrument types it knows and a currency it can tell', async () => {
    const results = await yahoo.search!('apple', 10);
    expect(results.map((r) => [r.symbol, r.currency, r.type])).toEqual([
      ['AAPL', 'USD', 'EQUITY'],
      ['APLE', 'USD', 'EQUITY'],
      ['APC.F', 'EUR', 'EQUITY'],
    ]);
  });

  it('turns 429 into a rate-limit error and 5xx into an outage', async () => {
    server.routes = [
      { path: '/v8/finance/chart/AAPL', respond: { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '30', 'content-type': 'text/plain' } } },
    ];
    await expect(yahoo.quotes!([aapl])).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    server.routes = [{ path: '/v8/finance/chart/AAPL', respond: { status: 502, body: 'bad gateway' } }];
    await expect(yahoo.quotes!([aapl])).rejects.toBeInstanceOf(ProviderError);
    await expect(yahoo.quotes!([aapl])).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('rejects a response that does not have the documented shape', async () => {
    server.routes = [{ path: '/v8/finance/chart/AAPL', respond: { body: { chart: { result: [{ meta: {} }] } } } }];
    await expect(yahoo.quotes!([aapl])).rejects.toMatchObject({ kind: 'bad_response' });
  });
});

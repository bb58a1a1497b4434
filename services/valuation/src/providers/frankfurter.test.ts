import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordedServer, type RecordedServer } from '../test/recorded-server.js';
import { createFrankfurterProvider } from './frankfurter.js';
import { createHttpClient, type HttpClient } from './http.js';
import type { MarketDataProvider } from './types.js';

describe('the Frankfurter (ECB) client against recorded responses', () => {
  let server: RecordedServer;
  let http: HttpClient;
  let ecb: MarketDataProvider;

  beforeAll(async () => {
    server = await startRecordedServer();
    http = createHttpClient({ timeoutMs: 2000, userAgent: 'test' });
    ecb = createFrankfurterProvider({ baseUrl: `${server.url}/v1`, http });
  });
  afterAll(async () => {
    await http.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.routes = [
      { path: '/v1/latest', respond: { fixture: 'frankfurter-latest-eur.json' } },
      { path: '/v1/2026-01-02..2026-01-09', respond: { fixture: 'frankfurter-series-eur-usd.json' } },
    ];
  });

  it('reads the latest reference rates for several currencies at once', async () => {
    const rates = await ecb.fxLatest!('EUR', ['USD', 'GBP']);
    expect(rates.get('USD')).toEqual({ date: '2026-01-09', rate: 1.0412 });
    expect(rates.get('GBP')).toEqual({ date: '2026-01-09', rate: 0.86415 });
    expect(server.requests[0]!.url.search).toBe('?base=EUR&symbols=USD%2CGBP');
  });

  it('reads a time series in date order', async () => {
    const series = await ecb.fxHistory!('EUR', 'USD', '2026-01-02', '2026-01-09');
    expect(series.map((r) => r.date)).toEqual(['2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09']);
    expect(series.at(-1)).toEqual({ date: '2026-01-09', rate: 1.0412 });
  });

  it('quotes a currency instrument at the time the ECB publishes, 16:00 Frankfurt time', async () => {
    const quote = (await ecb.quotes!([{ symbol: 'EURUSD=X', type: 'CURRENCY', currency: 'USD', exchange: 'FX', providerIds: {} }])).get('EURUSD=X');
    expect(quote).toEqual({ price: 1.0412, currency: 'USD', asOf: new Date('2026-01-09T15:00:00Z') });
  });

  it('does not ask about currencies the ECB does not publish', async () => {
    expect(ecb.supports('quote', { symbol: 'USDARS=X', type: 'CURRENCY', currency: 'ARS', exchange: null })).toBe(false);
    expect((await ecb.fxLatest!('USD', ['ARS'])).size).toBe(0);
    expect(await ecb.fxHistory!('EUR', 'VND', '2026-01-02', '2026-01-09')).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordedServer, type RecordedServer } from '../test/recorded-server.js';
import { createAlphaVantageProvider, toAlphaVantageSymbol } from './alphavantage.js';
import { createHttpClient, type HttpClient } from './http.js';
import type { InstrumentRef, MarketDataProvider } from './types.js';

const ibm: InstrumentRef = { symbol: 'IBM', type: 'EQUITY', currency: 'USD', exchange: 'NYQ', providerIds: {} };

describe('the Alpha Vantage client against recorded responses', () => {
  let server: RecordedServer;
  let http: HttpClient;
  let av: MarketDataProvider;

  beforeAll(async () => {
    server = await startRecordedServer();
    http = createHttpClient({ timeoutMs: 2000, userAgent: 'test' });
    av = createAlphaVantageProvider({ baseUrl: server.url, http, apiKey: 'DEMOKEY123', clock: () => new Date('2026-01-10T12:00:00Z') });
  });
  afterAll(async () => {
    await http.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.routes = [
      { path: '/query', query: { function: 'GLOBAL_QUOTE', symbol: 'IBM' }, respond: { fixture: 'alphavantage-global-quote-ibm.json' } },
      { path: '/query', query: { function: 'TIME_SERIES_DAILY', symbol: 'IBM' }, respond: { fixture: 'alphavantage-daily-ibm.json' } },
      { path: '/query', query: { function: 'SYMBOL_SEARCH' }, respond: { fixture: 'alphavantage-search-tesco.json' } },
      { path: '/query', query: { function: 'FX_DAILY' }, respond: { fixture: 'alphavantage-fx-daily-eur-usd.json' } },
      { path: '/query', query: { function: 'CURRENCY_EXCHANGE_RATE' }, respond: { fixture: 'alphavantage-exchange-rate-eur-usd.json' } },
      { path: '/query', respond: { fixture: 'alphavantage-error-message.json' } },
    ];
  });

  it('keeps the decimal strings of GLOBAL_QUOTE exact and dates the price at the session close', async () => {
    const quote = (await av.quotes!([ibm])).get('IBM');
    expect(quote).toEqual({ price: '295.7700', currency: 'USD', asOf: new Date('2026-01-09T21:00:00Z'), previousClose: '292.8400' });
    expect(server.requests[0]!.url.searchParams.get('apikey')).toBe('DEMOKEY123');
  });

  it('reads TIME_SERIES_DAILY within the range, asking for the compact output for recent ranges', async () => {
    const bars = await av.history!(ibm, '2026-01-05', '2026-01-08');
    expect(bars.map((b) => [b.date, b.close])).toEqual([
      ['2026-01-08', '292.8400'],
      ['2026-01-07', '289.9900'],
      ['2026-01-06', '291.2100'],
      ['2026-01-05', '289.4500'],
    ]);
    expect(server.requests[0]!.url.searchParams.get('outputsize')).toBe('compact');
  });

  it('maps London symbols and pence to pounds in search results', async () => {
    expect(toAlphaVantageSymbol('TSCO.L')).toBe('TSCO.LON');
    const results = await av.search!('tesco', 5);
    expect(results[0]).toMatchObject({ symbol: 'TSCO.L', name: 'Tesco PLC', type: 'EQUITY', currency: 'GBP' });
  });

  it('reads FX series and exchange rates', async () => {
    expect((await av.fxHistory!('EUR', 'USD', '2026-01-08', '2026-01-09')).map((r) => r.rate)).toEqual(['1.04120', '1.03890']);
    expect((await av.fxLatest!('EUR', ['USD'])).get('USD')).toEqual({ date: '2026-01-09', rate: '1.04120000' });
  });

  it('turns the in-band "Note" and "Information" throttling messages into rate-limit errors', async () => {
    server.routes = [{ path: '/query', respond: { fixture: 'alphavantage-note-rate-limit.json' } }];
    await expect(av.quotes!([ibm])).rejects.toMatchObject({ kind: 'rate_limited' });
    server.routes = [{ path: '/query', respond: { fixture: 'alphavantage-information-rate-limit.json' } }];
    await expect(av.history!(ibm, '2026-01-05', '2026-01-08')).rejects.toMatchObject({ kind: 'rate_limited' });
  });

  it('treats "Error Message" (an unknown symbol) as no data', async () => {
    const nope: InstrumentRef = { ...ibm, symbol: 'NOPE' };
    expect((await av.quotes!([nope])).size).toBe(0);
    expect(await av.history!(nope, '2026-01-05', '2026-01-08')).toEqual([]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordedServer, type RecordedServer } from '../test/recorded-server.js';
import { createAlpacaProvider } from './alpaca.js';
import { createHttpClient, type HttpClient } from './http.js';
import type { InstrumentRef, MarketDataProvider } from './types.js';

const aapl: InstrumentRef = { symbol: 'AAPL', type: 'EQUITY', currency: 'USD', exchange: 'NMS', providerIds: {} };
const brk: InstrumentRef = { symbol: 'BRK-B', type: 'EQUITY', currency: 'USD', exchange: 'NYQ', providerIds: {} };

describe('the Alpaca market data client against recorded responses', () => {
  let server: RecordedServer;
  let http: HttpClient;
  let alpaca: MarketDataProvider;

  beforeAll(async () => {
    server = await startRecordedServer();
    http = createHttpClient({ timeoutMs: 2000, userAgent: 'test' });
    alpaca = createAlpacaProvider({ baseUrl: server.url, http, keyId: 'PKTEST', secret: 'secret', feed: 'iex' });
  });
  afterAll(async () => {
    await http.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.routes = [
      { path: '/v2/stocks/snapshots', respond: { fixture: 'alpaca-snapshots.json' } },
      { path: '/v2/stocks/bars', query: { page_token: 'QUFQTHxEfDIwMjYtMDEtMDZUMDU6MDA6MDAuMDAwMDAwMDAwWg==' }, respond: { fixture: 'alpaca-bars-aapl-page2.json' } },
      { path: '/v2/stocks/bars', respond: { fixture: 'alpaca-bars-aapl-page1.json' } },
    ];
  });

  it('quotes many symbols with one snapshot request, with the key headers and class shares written with a dot', async () => {
    const quotes = await alpaca.quotes!([aapl, brk]);
    expect(quotes.get('AAPL')).toEqual({ price: 245.11, currency: 'USD', asOf: new Date('2026-01-09T20:59:59.719418Z'), previousClose: 244.2 });
    expect(quotes.get('BRK-B')).toMatchObject({ price: 468.3 });
    const request = server.requests[0]!;
    expect(request.url.searchParams.get('symbols')).toBe('AAPL,BRK.B');
    expect(request.url.searchParams.get('feed')).toBe('iex');
    expect(request.headers['apca-api-key-id']).toBe('PKTEST');
    expect(request.headers['apca-api-secret-key']).toBe('secret');
  });

  it('follows next_page_token through daily bars dated in New York', async () => {
    const bars = await alpaca.history!(aapl, '2026-01-02', '2026-01-09');
    expect(bars.map((b) => b.date)).toEqual(['2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09']);
    expect(bars.at(-1)).toEqual({ date: '2026-01-09', close: 245.11 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.url.searchParams.get('adjustment')).toBe('split');
  });

  it('serves US stocks and ETFs only', () => {
    expect(alpaca.supports('quote', aapl)).toBe(true);
    expect(alpaca.supports('quote', { symbol: 'VOD.L', type: 'EQUITY', currency: 'GBP', exchange: 'LSE' })).toBe(false);
    expect(alpaca.supports('quote', { symbol: 'BTC-USD', type: 'CRYPTO', currency: 'USD', exchange: null })).toBe(false);
    expect(alpaca.supports('search')).toBe(false);
  });

  it('reports a refused key as unauthorized', async () => {
    server.routes = [{ path: '/v2/stocks/snapshots', respond: { status: 403, body: { message: 'forbidden' } } }];
    await expect(alpaca.quotes!([aapl])).rejects.toMatchObject({ kind: 'unauthorized' });
  });
});

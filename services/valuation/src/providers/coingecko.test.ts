import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordedServer, type RecordedServer } from '../test/recorded-server.js';
import { createCoinGeckoProvider } from './coingecko.js';
import { createHttpClient, type HttpClient } from './http.js';
import type { InstrumentRef, MarketDataProvider } from './types.js';

const btc: InstrumentRef = { symbol: 'BTC-USD', type: 'CRYPTO', currency: 'USD', exchange: 'CRYPTO', providerIds: {} };
const eth: InstrumentRef = { symbol: 'ETH-EUR', type: 'CRYPTO', currency: 'EUR', exchange: 'CRYPTO', providerIds: {} };

describe('the CoinGecko client against recorded responses', () => {
  let server: RecordedServer;
  let http: HttpClient;
  let coingecko: MarketDataProvider;

  beforeAll(async () => {
    server = await startRecordedServer();
    http = createHttpClient({ timeoutMs: 2000, userAgent: 'test' });
    coingecko = createCoinGeckoProvider({ baseUrl: `${server.url}/api/v3`, http, clock: () => new Date('2026-01-09T14:00:00Z'), apiKey: 'CG-demo-key' });
  });
  afterAll(async () => {
    await http.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.routes = [
      { path: '/api/v3/simple/price', respond: { fixture: 'coingecko-simple-price.json' } },
      { path: '/api/v3/coins/bitcoin/market_chart/range', respond: { fixture: 'coingecko-market-chart-bitcoin.json' } },
      { path: '/api/v3/search', respond: { fixture: 'coingecko-search-pepe.json' } },
    ];
  });

  it('quotes several coins in several currencies with one request, sending the demo key', async () => {
    const quotes = await coingecko.quotes!([btc, eth]);
    expect(quotes.get('BTC-USD')).toEqual({ price: 94215.3347812, currency: 'USD', asOf: new Date(1767966440 * 1000) });
    expect(quotes.get('ETH-EUR')).toMatchObject({ price: 3158.2290014, currency: 'EUR' });
    expect(server.requests).toHaveLength(1);
    const url = server.requests[0]!.url;
    expect(url.searchParams.get('ids')).toBe('bitcoin,ethereum');
    expect(url.searchParams.get('vs_currencies')).toBe('usd,eur');
    expect(server.requests[0]!.headers['x-cg-demo-api-key']).toBe('CG-demo-key');
  });

  it('turns the 00:00 UTC points of market_chart into the closes of the day before, and the last point into today', async () => {
    const bars = await coingecko.history!(btc, '2026-01-05', '2026-01-09');
    expect(bars).toEqual([
      { date: '2026-01-05', close: 92750.11 },
      { date: '2026-01-06', close: 93822.54 },
      { date: '2026-01-07', close: 91010.98 },
      { date: '2026-01-08', close: 93377.28 },
      { date: '2026-01-09', close: 94215.33 },
    ]);
    expect(server.requests[0]!.url.searchParams.get('vs_currency')).toBe('usd');
  });

  it('asks for no more than the 365 days of history the public API serves', async () => {
    await coingecko.history!(btc, '2020-01-01', '2026-01-09');
    const from = Number(server.requests[0]!.url.searchParams.get('from'));
    expect(new Date(from * 1000).toISOString().slice(0, 10)).toBe('2025-01-10');
  });

  it('resolves a coin id by symbol through search, preferring the best market-cap rank', async () => {
    expect(await coingecko.lookup!('PEPE-USD')).toMatchObject({ symbol: 'PEPE-USD', name: 'Pepe', type: 'CRYPTO', currency: 'USD', providerIds: { coingecko: 'pepe' } });
    expect(await coingecko.lookup!('AAPL')).toBeUndefined();
  });

  it('serves only crypto pairs', () => {
    expect(coingecko.supports('quote', btc)).toBe(true);
    expect(coingecko.supports('quote', { symbol: 'AAPL', type: 'EQUITY', currency: 'USD', exchange: null })).toBe(false);
    expect(coingecko.supports('fx')).toBe(false);
  });

  it('reports its 429 as a rate limit', async () => {
    server.routes = [{ path: '/api/v3/simple/price', respond: { status: 429, fixture: 'coingecko-rate-limited.json' } }];
    await expect(coingecko.quotes!([btc])).rejects.toMatchObject({ kind: 'rate_limited' });
  });
});

import type { ServiceClients } from '@meridian/platform';
import { describe, expect, it } from 'vitest';
import { createMarketData } from './market.js';

/** The valuation service as the market data sees it: counts the requests, answers after a tick. */
function fakeValuation() {
  const asked: string[] = [];
  const clients = {
    get: () => ({
      async request({ path }: { path: string }) {
        asked.push(path);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (path.startsWith('/quotes')) return { body: { quotes: [{ symbol: 'BTC-USD', price: '97000', currency: 'USD' }], missing: [] } };
        return { body: { symbol: 'BTC-USD', type: 'CRYPTO', exchange: 'CRYPTO', currency: 'USD' } };
      },
    }),
  } as unknown as ServiceClients;
  return { clients, asked };
}

describe('market data for orders', () => {
  it('asks valuation once for the orders that find the quote stale at the same moment', async () => {
    const { clients, asked } = fakeValuation();
    let now = Date.parse('2026-11-24T15:00:00Z');
    const market = createMarketData(clients, () => new Date(now), 2_000);
    const quotes = await Promise.all(Array.from({ length: 20 }, () => market.quote('token', 'BTC-USD')));
    expect(new Set(quotes.map((q) => q.price))).toEqual(new Set(['97000']));
    expect(asked.filter((p) => p.startsWith('/quotes'))).toHaveLength(1);
    // Fresh: no request. Stale again: one request for the next burst.
    await market.quote('token', 'BTC-USD');
    now += 2_001;
    await Promise.all(Array.from({ length: 20 }, () => market.quote('token', 'BTC-USD')));
    expect(asked.filter((p) => p.startsWith('/quotes'))).toHaveLength(2);
  });
});

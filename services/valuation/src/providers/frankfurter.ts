import { z } from 'zod';
import { zonedInstant, type Day } from '../days.js';
import { buildUrl, getJson, type HttpClient } from './http.js';
import { currencyPair } from './simulated.js';
import type { MarketDataProvider, ProviderQuote, ProviderRate } from './types.js';

/**
 * Frankfurter: the European Central Bank's euro foreign exchange reference rates (no key),
 * published on TARGET business days around 16:00 CET, with cross rates for any base.
 * Serves FX series and the quotes of currency instruments (`EURUSD=X`).
 */
export const FRANKFURTER_BASE_URL = 'https://api.frankfurter.dev/v1';

/** The currencies the ECB publishes reference rates for. */
export const ECB_CURRENCIES = new Set(
  'AUD BGN BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF IDR ILS INR ISK JPY KRW MXN MYR NOK NZD PHP PLN RON SEK SGD THB TRY USD ZAR'.split(' '),
);

const ratesValue = z.record(z.string(), z.number());
const latestSchema = z.object({ base: z.string(), date: z.iso.date(), rates: ratesValue });
const seriesSchema = z.object({ base: z.string(), rates: z.record(z.iso.date(), ratesValue) });

export interface FrankfurterOptions {
  baseUrl: string;
  http: HttpClient;
}

export function createFrankfurterProvider(options: FrankfurterOptions): MarketDataProvider {
  const { http } = options;
  const served = (base: string, quote: string) => base !== quote && ECB_CURRENCIES.has(base) && ECB_CURRENCIES.has(quote);

  async function latest(base: string, quotes: string[]): Promise<Map<string, ProviderRate>> {
    const wanted = quotes.filter((q) => served(base, q));
    const out = new Map<string, ProviderRate>();
    if (wanted.length === 0) return out;
    const url = buildUrl(options.baseUrl, '/latest', { base, symbols: wanted.join(',') });
    const body = await getJson(http, 'frankfurter', url, latestSchema, { notFound: [422] });
    for (const quote of wanted) {
      const rate = body?.rates[quote];
      if (rate !== undefined && body) out.set(quote, { date: body.date, rate });
    }
    return out;
  }

  async function series(base: string, quote: string, from: Day, to: Day): Promise<ProviderRate[]> {
    if (!served(base, quote)) return [];
    const url = buildUrl(options.baseUrl, `/${from}..${to}`, { base, symbols: quote });
    const body = await getJson(http, 'frankfurter', url, seriesSchema, { notFound: [422] });
    const out: ProviderRate[] = [];
    for (const [date, rates] of Object.entries(body?.rates ?? {})) {
      const rate = rates[quote];
      if (rate !== undefined) out.push({ date, rate });
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : 1));
  }

  return {
    name: 'frankfurter',
    source: 'FRANKFURTER',
    simulated: false,
    supports(operation, instrument) {
      if (operation === 'fx') return true;
      if (operation === 'lookup' || operation === 'search') return false;
      if (!instrument) return true;
      const pair = instrument.type === 'CURRENCY' ? currencyPair(instrument.symbol) : undefined;
      return pair !== undefined && served(pair.base, pair.quote);
    },

    async quotes(instruments) {
      const out = new Map<string, ProviderQuote>();
      for (const ref of instruments) {
        const pair = currencyPair(ref.symbol);
        if (!pair) continue;
        const rate = (await latest(pair.base, [pair.quote])).get(pair.quote);
        // The ECB fixes its rates at about 14:15 CET and publishes them at 16:00.
        if (rate) out.set(ref.symbol, { price: rate.rate, currency: pair.quote, asOf: zonedInstant(rate.date, 16 * 60, 'Europe/Berlin') });
      }
      return out;
    },

    async history(instrument, from, to) {
      const pair = currencyPair(instrument.symbol);
      if (!pair) return [];
      return (await series(pair.base, pair.quote, from, to)).map((r) => ({ date: r.date, close: r.rate }));
    },

    fxHistory: series,
    fxLatest: latest,
  };
}

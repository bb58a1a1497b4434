import { isIsoCurrency, type InstrumentType } from '@meridian/contracts';
import { z } from 'zod';
import { addDays, dayIn, dayNumber, type Day } from '../days.js';
import { buildUrl, getJson, mapLimit, type HttpClient } from './http.js';
import { currencyPair } from './simulated.js';
import type { InstrumentInfo, InstrumentRef, MarketDataProvider, ProviderBar, ProviderQuote, ProviderRate } from './types.js';

/**
 * Yahoo Finance through its public chart and search endpoints (no key). Quotes come from
 * the chart's `meta` (regularMarketPrice/Time), which needs no cookie or crumb, unlike
 * `/v7/finance/quote`. See docs/adr/0011-yahoo-finance-over-http.md for why this is not
 * yahoo-finance2.
 */
export const YAHOO_BASE_URL = 'https://query2.finance.yahoo.com';

// Yahoo answers non-browser user agents with 429.
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const nullableNumber = z.number().nullable().optional();

const chartSchema = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.object({
            currency: z.string().nullable().optional(),
            symbol: z.string(),
            exchangeName: z.string().optional(),
            fullExchangeName: z.string().optional(),
            instrumentType: z.string().optional(),
            regularMarketPrice: nullableNumber,
            regularMarketTime: nullableNumber,
            chartPreviousClose: nullableNumber,
            previousClose: nullableNumber,
            priceHint: z.number().int().optional(),
            exchangeTimezoneName: z.string().optional(),
            longName: z.string().optional(),
            shortName: z.string().optional(),
          }),
          timestamp: z.array(z.number()).optional(),
          indicators: z.object({
            quote: z.array(z.object({ close: z.array(z.number().nullable()).optional() })),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string(), description: z.string().optional() }).nullable().optional(),
  }),
});
type ChartResult = NonNullable<z.infer<typeof chartSchema>['chart']['result']>[number];

const searchSchema = z.object({
  quotes: z
    .array(
      z.object({
        symbol: z.string(),
        shortname: z.string().optional(),
        longname: z.string().optional(),
        quoteType: z.string().optional(),
        exchange: z.string().optional(),
        exchDisp: z.string().optional(),
        sector: z.string().optional(),
        industry: z.string().optional(),
      }),
    )
    .default([]),
});

const TYPES: Record<string, InstrumentType> = {
  EQUITY: 'EQUITY',
  ETF: 'ETF',
  MUTUALFUND: 'FUND',
  CRYPTOCURRENCY: 'CRYPTO',
  CURRENCY: 'CURRENCY',
  MONEYMARKET: 'CASH',
  INDEX: 'OTHER',
  FUTURE: 'OTHER',
};

// Yahoo quotes some markets in minor units: pence, South African cents, Israeli agorot.
const MINOR_UNITS: Record<string, string> = { GBp: 'GBP', GBX: 'GBP', ZAc: 'ZAR', ILA: 'ILS' };

// Search results carry no currency: the listing exchange's currency, for the ones we know.
const EXCHANGE_CURRENCY: Record<string, string> = {
  NMS: 'USD', NGM: 'USD', NCM: 'USD', NYQ: 'USD', PCX: 'USD', ASE: 'USD', BTS: 'USD', NAS: 'USD',
  LSE: 'GBP', GER: 'EUR', FRA: 'EUR', STU: 'EUR', PAR: 'EUR', AMS: 'EUR', BRU: 'EUR', MIL: 'EUR',
  MCE: 'EUR', LIS: 'EUR', EBS: 'CHF', VTX: 'CHF', TOR: 'CAD', VAN: 'CAD', JPX: 'JPY', HKG: 'HKD',
  ASX: 'AUD', STO: 'SEK', OSL: 'NOK', CPH: 'DKK',
};

export interface YahooOptions {
  baseUrl: string;
  http: HttpClient;
  clock: () => Date;
  /** Requests in flight at once (Yahoo answers one symbol per chart call). */
  concurrency?: number;
}

function unitOf(currency: string | null | undefined): { currency: string; divisor: number } | undefined {
  if (!currency) return undefined;
  const major = MINOR_UNITS[currency];
  if (major) return { currency: major, divisor: 100 };
  const upper = currency.toUpperCase();
  return isIsoCurrency(upper) ? { currency: upper, divisor: 1 } : undefined;
}

function scaled(value: number | null | undefined, divisor: number): number | undefined {
  return value === null || value === undefined ? undefined : value / divisor;
}

export function createYahooProvider(options: YahooOptions): MarketDataProvider {
  const { http } = options;
  const headers = { 'user-agent': BROWSER_UA };
  const concurrency = options.concurrency ?? 4;

  async function chart(symbol: string, query: Record<string, string | number>): Promise<ChartResult | undefined> {
    const url = buildUrl(options.baseUrl, `/v8/finance/chart/${encodeURIComponent(symbol)}`, query);
    const body = await getJson(http, 'yahoo', url, chartSchema, { headers });
    return body?.chart.result?.[0];
  }

  async function bars(symbol: string, from: Day, to: Day): Promise<ProviderBar[]> {
    const result = await chart(symbol, {
      period1: dayNumber(from) * 86_400,
      period2: (dayNumber(to) + 1) * 86_400,
      interval: '1d',
      events: 'div,split',
      includeAdjustedClose: 'true',
    });
    if (!result) return [];
    const unit = unitOf(result.meta.currency) ?? { currency: 'USD', divisor: 1 };
    const zone = result.meta.exchangeTimezoneName ?? 'UTC';
    const closes = result.indicators.quote[0]?.close ?? [];
    const decimals = result.meta.priceHint === undefined ? undefined : result.meta.priceHint + (unit.divisor === 100 ? 2 : 0);
    const out: ProviderBar[] = [];
    (result.timestamp ?? []).forEach((ts, i) => {
      const close = closes[i];
      // Yahoo leaves nulls for days without trades; they are not prices.
      if (close === null || close === undefined) return;
      out.push({ date: dayIn(new Date(ts * 1000), zone), close: close / unit.divisor, decimals });
    });
    return out;
  }

  return {
    name: 'yahoo',
    source: 'YAHOO',
    simulated: false,
    supports: (operation, instrument) => operation !== 'fx' || instrument === undefined || instrument.type === 'CURRENCY',

    async lookup(symbol) {
      const result = await chart(symbol, { range: '1d', interval: '1d' });
      if (!result) return undefined;
      const unit = unitOf(result.meta.currency);
      if (!unit) return undefined;
      const found = await getJson(http, 'yahoo', buildUrl(options.baseUrl, '/v1/finance/search', { q: symbol, quotesCount: 5, newsCount: 0, listsCount: 0 }), searchSchema, { headers }).catch(
        () => undefined,
      );
      const match = found?.quotes.find((q) => q.symbol.toUpperCase() === symbol);
      const type = TYPES[(result.meta.instrumentType ?? match?.quoteType ?? '').toUpperCase()] ?? 'OTHER';
      return {
        symbol,
        name: result.meta.longName ?? result.meta.shortName ?? match?.longname ?? match?.shortname ?? symbol,
        type,
        currency: unit.currency,
        exchange: result.meta.exchangeName ?? match?.exchange ?? null,
        sector: match?.sector ?? null,
        country: null,
      } satisfies InstrumentInfo;
    },

    async search(query, limit) {
      const url = buildUrl(options.baseUrl, '/v1/finance/search', { q: query, quotesCount: limit, newsCount: 0, listsCount: 0 });
      const body = await getJson(http, 'yahoo', url, searchSchema, { headers });
      const out: InstrumentInfo[] = [];
      for (const q of body?.quotes ?? []) {
        const type = TYPES[(q.quoteType ?? '').toUpperCase()];
        if (!type) continue;
        const pair = currencyPair(q.symbol);
        const cryptoQuote = /-([A-Z]{3})$/.exec(q.symbol)?.[1];
        const currency = pair?.quote ?? (type === 'CRYPTO' ? cryptoQuote : undefined) ?? (q.exchange ? EXCHANGE_CURRENCY[q.exchange] : undefined);
        if (!currency) continue;
        out.push({
          symbol: q.symbol.toUpperCase(),
          name: q.longname ?? q.shortname ?? q.symbol,
          type,
          currency,
          exchange: q.exchange ?? null,
          sector: q.sector ?? null,
          country: null,
        });
      }
      return out.slice(0, limit);
    },

    async quotes(instruments: InstrumentRef[]) {
      const out = new Map<string, ProviderQuote>();
      await mapLimit(instruments, concurrency, async (ref) => {
        const result = await chart(ref.symbol, { range: '1d', interval: '1d' });
        if (!result) return;
        const { meta } = result;
        const unit = unitOf(meta.currency) ?? { currency: ref.currency, divisor: 1 };
        const price = scaled(meta.regularMarketPrice, unit.divisor);
        if (price === undefined || meta.regularMarketTime === null || meta.regularMarketTime === undefined) return;
        out.set(ref.symbol, {
          price,
          currency: unit.currency,
          asOf: new Date(meta.regularMarketTime * 1000),
          previousClose: scaled(meta.previousClose ?? meta.chartPreviousClose, unit.divisor),
          decimals: meta.priceHint === undefined ? undefined : meta.priceHint + (unit.divisor === 100 ? 2 : 0),
        });
      });
      return out;
    },

    async history(instrument, from, to) {
      return bars(instrument.symbol, from, to);
    },

    async fxHistory(base, quote, from, to) {
      const series = await bars(`${base}${quote}=X`, from, to);
      return series.map((b): ProviderRate => ({ date: b.date, rate: b.close }));
    },

    async fxLatest(base, quotes) {
      const out = new Map<string, ProviderRate>();
      const today = options.clock().toISOString().slice(0, 10);
      await mapLimit(quotes, concurrency, async (quote) => {
        const series = await bars(`${base}${quote}=X`, addDays(today, -7), today);
        const last = series.at(-1);
        if (last) out.set(quote, { date: last.date, rate: last.close });
      });
      return out;
    },
  };
}

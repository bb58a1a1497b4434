import { isIsoCurrency, type InstrumentType } from '@meridian/contracts';
import { z } from 'zod';
import { toDecimal } from '@meridian/finance';
import { zonedInstant, type Day } from '../days.js';
import { calendarFor } from '../market-hours.js';
import { buildUrl, getJson, type HttpClient } from './http.js';
import { currencyPair } from './simulated.js';
import { ProviderError, type InstrumentInfo, type MarketDataProvider, type ProviderBar, type ProviderQuote, type ProviderRate } from './types.js';

/**
 * Alpha Vantage (`MERIDIAN_ALPHAVANTAGE_KEY`): GLOBAL_QUOTE, TIME_SERIES_DAILY, SYMBOL_SEARCH,
 * FX_DAILY and CURRENCY_EXCHANGE_RATE. Prices arrive as decimal strings, which we keep
 * exact. Its free plan allows 25 requests a day, so it sits late in the chain.
 *
 * Alpha Vantage reports throttling and bad calls with HTTP 200 and a `Note`, `Information`
 * or `Error Message` field instead of the data; those become provider errors here.
 */
export const ALPHAVANTAGE_BASE_URL = 'https://www.alphavantage.co';

// Yahoo-style suffix → Alpha Vantage's exchange suffix.
const SUFFIX: Record<string, string> = { L: 'LON', DE: 'DEX', TO: 'TRT', V: 'TRV', PA: 'PAR', AS: 'AMS', SW: 'SWX', T: 'TYO' };
const REVERSE_SUFFIX: Record<string, string> = Object.fromEntries(Object.entries(SUFFIX).map(([k, v]) => [v, k]));

const TYPES: Record<string, InstrumentType> = { Equity: 'EQUITY', ETF: 'ETF', 'Mutual Fund': 'FUND' };

/** London prices come in pence (GBX); Meridian keeps pounds. Exact: a decimal shift. */
function penceToPounds(price: string): string {
  return toDecimal(price).div('100', 10).toString();
}

function currencyOf(code: string): string | undefined {
  if (code === 'GBX') return 'GBP';
  return isIsoCurrency(code) ? code : undefined;
}

const inPence = (symbol: string) => /\.L$/.test(symbol);

const notice = z.object({ Note: z.string().optional(), Information: z.string().optional(), 'Error Message': z.string().optional() });

const globalQuoteSchema = notice.extend({
  'Global Quote': z
    .object({
      '01. symbol': z.string().optional(),
      '05. price': z.string().optional(),
      '07. latest trading day': z.string().optional(),
      '08. previous close': z.string().optional(),
    })
    .optional(),
});

const ohlc = z.object({ '4. close': z.string() });
const dailySchema = notice.extend({ 'Time Series (Daily)': z.record(z.string(), ohlc).optional() });
const fxDailySchema = notice.extend({ 'Time Series FX (Daily)': z.record(z.string(), ohlc).optional() });
const searchSchema = notice.extend({
  bestMatches: z
    .array(z.object({ '1. symbol': z.string(), '2. name': z.string(), '3. type': z.string(), '4. region': z.string(), '8. currency': z.string() }))
    .optional(),
});
const rateSchema = notice.extend({
  'Realtime Currency Exchange Rate': z
    .object({ '5. Exchange Rate': z.string(), '6. Last Refreshed': z.string(), '7. Time Zone': z.string().optional() })
    .optional(),
});

export interface AlphaVantageOptions {
  baseUrl: string;
  http: HttpClient;
  apiKey: string;
  clock: () => Date;
}

export function toAlphaVantageSymbol(symbol: string): string {
  const dot = symbol.lastIndexOf('.');
  if (dot <= 0) return symbol;
  const suffix = SUFFIX[symbol.slice(dot + 1)];
  return suffix ? `${symbol.slice(0, dot)}.${suffix}` : symbol;
}

function fromAlphaVantageSymbol(symbol: string): string {
  const dot = symbol.lastIndexOf('.');
  if (dot <= 0) return symbol;
  const suffix = REVERSE_SUFFIX[symbol.slice(dot + 1)];
  return suffix ? `${symbol.slice(0, dot)}.${suffix}` : symbol;
}

/** Turns Alpha Vantage's in-band notices into errors (or, for unknown symbols, undefined). */
function checkNotice(body: z.infer<typeof notice> | undefined): 'not_found' | undefined {
  if (!body) return 'not_found';
  if (body.Note || body.Information) {
    const text = body.Note ?? body.Information ?? '';
    if (/api key|apikey|premium/i.test(text) && !/frequency|per (minute|day)|rate limit/i.test(text)) {
      throw new ProviderError('alphavantage', 'unauthorized', text.slice(0, 200));
    }
    throw new ProviderError('alphavantage', 'rate_limited', text.slice(0, 200), { retryAfterMs: 60_000 });
  }
  if (body['Error Message']) return 'not_found';
  return undefined;
}

export function createAlphaVantageProvider(options: AlphaVantageOptions): MarketDataProvider {
  const { http } = options;
  const query = <S extends z.ZodType>(params: Record<string, string>, schema: S) =>
    getJson(http, 'alphavantage', buildUrl(options.baseUrl, '/query', { ...params, apikey: options.apiKey }), schema);

  async function fxSeries(base: string, quote: string, from: Day, to: Day, compact: boolean): Promise<ProviderRate[]> {
    const body = await query({ function: 'FX_DAILY', from_symbol: base, to_symbol: quote, outputsize: compact ? 'compact' : 'full' }, fxDailySchema);
    if (checkNotice(body)) return [];
    return Object.entries(body?.['Time Series FX (Daily)'] ?? {})
      .filter(([date]) => date >= from && date <= to)
      .map(([date, v]) => ({ date, rate: v['4. close'] }));
  }

  // `compact` returns the last 100 trading days; anything older needs `full`.
  const compactEnough = (from: Day) => Date.parse(from) > options.clock().getTime() - 130 * 86_400_000;

  return {
    name: 'alphavantage',
    source: 'ALPHA_VANTAGE',
    simulated: false,
    supports: (operation, instrument) =>
      instrument === undefined || ['EQUITY', 'ETF', 'FUND', 'CURRENCY'].includes(instrument.type),

    async lookup(symbol) {
      const body = await query({ function: 'SYMBOL_SEARCH', keywords: toAlphaVantageSymbol(symbol) }, searchSchema);
      if (checkNotice(body)) return undefined;
      const match = body?.bestMatches?.find((m) => fromAlphaVantageSymbol(m['1. symbol']) === symbol);
      const currency = match ? currencyOf(match['8. currency']) : undefined;
      if (!match || !currency) return undefined;
      return {
        symbol,
        name: match['2. name'],
        type: TYPES[match['3. type']] ?? 'OTHER',
        currency,
        exchange: null,
        sector: null,
        country: null,
      } satisfies InstrumentInfo;
    },

    async search(keywords, limit) {
      const body = await query({ function: 'SYMBOL_SEARCH', keywords }, searchSchema);
      if (checkNotice(body)) return [];
      const out: InstrumentInfo[] = [];
      for (const m of body?.bestMatches ?? []) {
        const type = TYPES[m['3. type']];
        const currency = currencyOf(m['8. currency']);
        if (!type || !currency) continue;
        out.push({ symbol: fromAlphaVantageSymbol(m['1. symbol']), name: m['2. name'], type, currency, exchange: null, sector: null, country: null });
      }
      return out.slice(0, limit);
    },

    async quotes(instruments) {
      const out = new Map<string, ProviderQuote>();
      // One symbol per call: Alpha Vantage has no batch quote on the free plan.
      for (const ref of instruments) {
        const pair = ref.type === 'CURRENCY' ? currencyPair(ref.symbol) : undefined;
        if (pair) {
          const body = await query({ function: 'CURRENCY_EXCHANGE_RATE', from_currency: pair.base, to_currency: pair.quote }, rateSchema);
          const rate = checkNotice(body) ? undefined : body?.['Realtime Currency Exchange Rate'];
          if (rate) {
            const asOf = new Date(`${rate['6. Last Refreshed'].replace(' ', 'T')}Z`);
            out.set(ref.symbol, { price: rate['5. Exchange Rate'], currency: pair.quote, asOf });
          }
          continue;
        }
        const body = await query({ function: 'GLOBAL_QUOTE', symbol: toAlphaVantageSymbol(ref.symbol) }, globalQuoteSchema);
        const q = checkNotice(body) ? undefined : body?.['Global Quote'];
        if (!q?.['05. price'] || !q['07. latest trading day']) continue;
        // GLOBAL_QUOTE gives a day, not a time: the price is as of that day's close.
        const calendar = calendarFor(ref);
        const asOf = zonedInstant(q['07. latest trading day'], calendar.closeMinutes, calendar.timeZone);
        const scale = inPence(ref.symbol) ? penceToPounds : (p: string) => p;
        const previous = q['08. previous close'];
        out.set(ref.symbol, { price: scale(q['05. price']), currency: ref.currency, asOf, previousClose: previous === undefined ? undefined : scale(previous) });
      }
      return out;
    },

    async history(instrument, from, to) {
      const pair = instrument.type === 'CURRENCY' ? currencyPair(instrument.symbol) : undefined;
      const compact = compactEnough(from);
      if (pair) return (await fxSeries(pair.base, pair.quote, from, to, compact)).map((r): ProviderBar => ({ date: r.date, close: r.rate }));
      const body = await query({ function: 'TIME_SERIES_DAILY', symbol: toAlphaVantageSymbol(instrument.symbol), outputsize: compact ? 'compact' : 'full' }, dailySchema);
      if (checkNotice(body)) return [];
      const scale = inPence(instrument.symbol) ? penceToPounds : (p: string) => p;
      return Object.entries(body?.['Time Series (Daily)'] ?? {})
        .filter(([date]) => date >= from && date <= to)
        .map(([date, v]): ProviderBar => ({ date, close: scale(v['4. close']) }));
    },

    async fxHistory(base, quote, from, to) {
      return fxSeries(base, quote, from, to, compactEnough(from));
    },

    async fxLatest(base, quotes) {
      const out = new Map<string, ProviderRate>();
      for (const quote of quotes) {
        const body = await query({ function: 'CURRENCY_EXCHANGE_RATE', from_currency: base, to_currency: quote }, rateSchema);
        const rate = checkNotice(body) ? undefined : body?.['Realtime Currency Exchange Rate'];
        if (rate) out.set(quote, { date: rate['6. Last Refreshed'].slice(0, 10), rate: rate['5. Exchange Rate'] });
      }
      return out;
    },
  };
}

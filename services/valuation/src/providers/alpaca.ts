import { z } from 'zod';
import { dayIn } from '../days.js';
import { calendarFor } from '../market-hours.js';
import { buildUrl, getJson, type HttpClient } from './http.js';
import type { InstrumentRef, MarketDataProvider, ProviderBar, ProviderQuote } from './types.js';

/**
 * Alpaca Market Data API v2 for US stocks and ETFs: latest prices from
 * `/v2/stocks/snapshots` (many symbols per call) and daily bars from `/v2/stocks/bars`,
 * split-adjusted. Needs `MERIDIAN_ALPACA_KEY_ID` and `MERIDIAN_ALPACA_SECRET`; the free plan
 * reads the IEX feed (`MERIDIAN_ALPACA_FEED=sip` with a paid one).
 */
export const ALPACA_DATA_BASE_URL = 'https://data.alpaca.markets';

/** Alpaca caps `symbols` per request; larger batches are split. */
const MAX_SYMBOLS_PER_CALL = 100;
const MAX_PAGES = 50;

const bar = z.object({ t: z.string(), c: z.number().nullable() });
const trade = z.object({ t: z.string(), p: z.number().nullable() });
const snapshotsSchema = z.record(
  z.string(),
  z
    .object({
      latestTrade: trade.nullable().optional(),
      dailyBar: bar.nullable().optional(),
      prevDailyBar: bar.nullable().optional(),
    })
    .nullable(),
);
const barsSchema = z.object({
  bars: z.record(z.string(), z.array(bar).nullable()).nullable(),
  next_page_token: z.string().nullable().optional(),
});

export interface AlpacaOptions {
  baseUrl: string;
  http: HttpClient;
  keyId: string;
  secret: string;
  feed: string;
}

/** Alpaca writes class shares with a dot (`BRK.B`), Yahoo with a dash (`BRK-B`). */
function alpacaSymbol(symbol: string): string {
  return symbol.replace('-', '.');
}

export function createAlpacaProvider(options: AlpacaOptions): MarketDataProvider {
  const { http } = options;
  const headers = { 'APCA-API-KEY-ID': options.keyId, 'APCA-API-SECRET-KEY': options.secret };
  const isUsListing = (ref: Pick<InstrumentRef, 'symbol' | 'type' | 'currency' | 'exchange'>) => {
    if (ref.type !== 'EQUITY' && ref.type !== 'ETF') return false;
    const id = calendarFor(ref).id;
    return (id === 'XNYS' || id === 'XNAS') && ref.currency === 'USD';
  };

  return {
    name: 'alpaca',
    source: 'ALPACA',
    simulated: false,
    supports: (operation, instrument) =>
      (operation === 'quote' || operation === 'history') && (instrument === undefined || isUsListing(instrument)),

    async quotes(instruments) {
      const out = new Map<string, ProviderQuote>();
      for (let i = 0; i < instruments.length; i += MAX_SYMBOLS_PER_CALL) {
        const chunk = instruments.slice(i, i + MAX_SYMBOLS_PER_CALL);
        const url = buildUrl(options.baseUrl, '/v2/stocks/snapshots', { symbols: chunk.map((r) => alpacaSymbol(r.symbol)).join(','), feed: options.feed });
        const body = await getJson(http, 'alpaca', url, snapshotsSchema, { headers });
        for (const ref of chunk) {
          const snap = body?.[alpacaSymbol(ref.symbol)];
          const last = snap?.latestTrade;
          if (!last || last.p === null) continue;
          out.set(ref.symbol, {
            price: last.p,
            currency: 'USD',
            asOf: new Date(last.t),
            previousClose: snap.prevDailyBar?.c ?? undefined,
          });
        }
      }
      return out;
    },

    async history(instrument, from, to) {
      const symbol = alpacaSymbol(instrument.symbol);
      const out: ProviderBar[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const url = buildUrl(options.baseUrl, '/v2/stocks/bars', {
          symbols: symbol,
          timeframe: '1Day',
          start: from,
          end: to,
          adjustment: 'split',
          feed: options.feed,
          limit: 10_000,
          page_token: pageToken,
        });
        const body = await getJson(http, 'alpaca', url, barsSchema, { headers });
        for (const b of body?.bars?.[symbol] ?? []) {
          // A daily bar is stamped at midnight New York time: its date is the New York date.
          out.push({ date: dayIn(new Date(b.t), 'America/New_York'), close: b.c ?? Number.NaN });
        }
        pageToken = body?.next_page_token ?? undefined;
        if (!pageToken) break;
      }
      return out;
    },
  };
}

import { isIsoCurrency } from '@meridian/contracts';
import { z } from 'zod';
import { addDays, dayNumber, utcDay, type Day } from '../days.js';
import { buildUrl, getJson, type HttpClient } from './http.js';
import type { InstrumentInfo, InstrumentRef, MarketDataProvider, ProviderBar, ProviderQuote } from './types.js';

/**
 * CoinGecko API v3: crypto quotes (`/simple/price`), daily history
 * (`/coins/{id}/market_chart/range`) and search. Works without a key (public rate limit);
 * `MERIDIAN_COINGECKO_KEY` sends a demo key, or a pro key with `MERIDIAN_COINGECKO_PRO=true`.
 * Symbols are `BASE-QUOTE` (`BTC-USD`); CoinGecko's coin id is resolved once and kept.
 */
export const COINGECKO_BASE_URL = 'https://api.coingecko.com/api/v3';
export const COINGECKO_PRO_BASE_URL = 'https://pro-api.coingecko.com/api/v3';

/** Without a paid plan CoinGecko serves the last 365 days of history only. */
const PUBLIC_HISTORY_DAYS = 365;

const KNOWN_IDS: Record<string, { id: string; name: string }> = {
  BTC: { id: 'bitcoin', name: 'Bitcoin' },
  ETH: { id: 'ethereum', name: 'Ethereum' },
  SOL: { id: 'solana', name: 'Solana' },
  XRP: { id: 'ripple', name: 'XRP' },
  ADA: { id: 'cardano', name: 'Cardano' },
  DOGE: { id: 'dogecoin', name: 'Dogecoin' },
  USDT: { id: 'tether', name: 'Tether' },
  USDC: { id: 'usd-coin', name: 'USDC' },
  BNB: { id: 'binancecoin', name: 'BNB' },
  DOT: { id: 'polkadot', name: 'Polkadot' },
  LTC: { id: 'litecoin', name: 'Litecoin' },
  AVAX: { id: 'avalanche-2', name: 'Avalanche' },
  LINK: { id: 'chainlink', name: 'Chainlink' },
  TRX: { id: 'tron', name: 'TRON' },
  XLM: { id: 'stellar', name: 'Stellar' },
  BCH: { id: 'bitcoin-cash', name: 'Bitcoin Cash' },
  SHIB: { id: 'shiba-inu', name: 'Shiba Inu' },
  ATOM: { id: 'cosmos', name: 'Cosmos Hub' },
  XMR: { id: 'monero', name: 'Monero' },
};

const searchSchema = z.object({
  coins: z
    .array(z.object({ id: z.string(), name: z.string(), symbol: z.string(), market_cap_rank: z.number().nullable().optional() }))
    .default([]),
});

const simplePriceSchema = z.record(z.string(), z.record(z.string(), z.number().nullable()));

const marketChartSchema = z.object({ prices: z.array(z.tuple([z.number(), z.number().nullable()])) });

export interface CoinGeckoOptions {
  baseUrl: string;
  http: HttpClient;
  clock: () => Date;
  apiKey?: string | undefined;
  pro?: boolean;
}

/** `BTC-USD` → base BTC, quote USD. */
export function cryptoPair(symbol: string): { base: string; quote: string } | undefined {
  const m = /^([A-Z0-9]{2,10})-([A-Z]{3})$/.exec(symbol);
  if (!m || !isIsoCurrency(m[2]!)) return undefined;
  return { base: m[1]!, quote: m[2]! };
}

export function createCoinGeckoProvider(options: CoinGeckoOptions): MarketDataProvider {
  const { http } = options;
  const headers: Record<string, string> = options.apiKey
    ? { [options.pro ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: options.apiKey }
    : {};
  const get = <S extends z.ZodType>(path: string, query: Record<string, string | number | undefined>, schema: S) =>
    getJson(http, 'coingecko', buildUrl(options.baseUrl, path, query), schema, { headers });

  async function search(query: string) {
    return (await get('/search', { query }, searchSchema))?.coins ?? [];
  }

  /** CoinGecko's id for a ticker: the known ones, else the best-ranked exact symbol match. */
  async function coinId(ref: Pick<InstrumentRef, 'symbol' | 'providerIds'>): Promise<string | undefined> {
    const stored = ref.providerIds.coingecko;
    if (stored) return stored;
    const pair = cryptoPair(ref.symbol);
    if (!pair) return undefined;
    const known = KNOWN_IDS[pair.base];
    if (known) return known.id;
    const coins = (await search(pair.base)).filter((c) => c.symbol.toUpperCase() === pair.base);
    coins.sort((a, b) => (a.market_cap_rank ?? Infinity) - (b.market_cap_rank ?? Infinity));
    return coins[0]?.id;
  }

  return {
    name: 'coingecko',
    source: 'COINGECKO',
    simulated: false,
    supports: (operation, instrument) =>
      operation !== 'fx' && (instrument === undefined || (instrument.type === 'CRYPTO' && cryptoPair(instrument.symbol) !== undefined)),

    async lookup(symbol) {
      const pair = cryptoPair(symbol);
      if (!pair) return undefined;
      const known = KNOWN_IDS[pair.base];
      let id = known?.id;
      let name = known?.name;
      if (!id) {
        const coins = (await search(pair.base)).filter((c) => c.symbol.toUpperCase() === pair.base);
        coins.sort((a, b) => (a.market_cap_rank ?? Infinity) - (b.market_cap_rank ?? Infinity));
        id = coins[0]?.id;
        name = coins[0]?.name;
      }
      if (!id) return undefined;
      return {
        symbol,
        name: name ?? pair.base,
        type: 'CRYPTO',
        currency: pair.quote,
        exchange: 'CRYPTO',
        sector: null,
        country: null,
        providerIds: { coingecko: id },
      } satisfies InstrumentInfo;
    },

    async search(query, limit) {
      const coins = await search(query);
      return coins.slice(0, limit).map(
        (c): InstrumentInfo => ({
          symbol: `${c.symbol.toUpperCase()}-USD`,
          name: c.name,
          type: 'CRYPTO',
          currency: 'USD',
          exchange: 'CRYPTO',
          sector: null,
          country: null,
          providerIds: { coingecko: c.id },
        }),
      );
    },

    async quotes(instruments) {
      const wanted: Array<{ ref: InstrumentRef; id: string; vs: string }> = [];
      for (const ref of instruments) {
        const id = await coinId(ref);
        const pair = cryptoPair(ref.symbol);
        if (id && pair) wanted.push({ ref, id, vs: pair.quote.toLowerCase() });
      }
      const out = new Map<string, ProviderQuote>();
      if (wanted.length === 0) return out;
      const body = await get(
        '/simple/price',
        {
          ids: [...new Set(wanted.map((w) => w.id))].join(','),
          vs_currencies: [...new Set(wanted.map((w) => w.vs))].join(','),
          include_last_updated_at: 'true',
          precision: 'full',
        },
        simplePriceSchema,
      );
      for (const w of wanted) {
        const entry = body?.[w.id];
        const price = entry?.[w.vs];
        const updated = entry?.last_updated_at;
        if (price === undefined || price === null || updated === undefined || updated === null) continue;
        out.set(w.ref.symbol, { price, currency: w.vs.toUpperCase(), asOf: new Date(updated * 1000) });
      }
      return out;
    },

    async history(instrument, from, to) {
      const id = await coinId(instrument);
      const pair = cryptoPair(instrument.symbol);
      if (!id || !pair) return [];
      const today = utcDay(options.clock());
      const earliest = options.pro ? from : addDays(today, -PUBLIC_HISTORY_DAYS + 1);
      const start = from < earliest ? earliest : from;
      if (start > to) return [];
      const body = await get(
        `/coins/${encodeURIComponent(id)}/market_chart/range`,
        {
          vs_currency: pair.quote.toLowerCase(),
          from: dayNumber(start) * 86_400,
          // The point at 00:00 UTC of the next day is the close of `to`.
          to: (dayNumber(to) + 1) * 86_400 + 3_600,
          precision: 'full',
        },
        marketChartSchema,
      );
      // A point at 00:00 UTC closes the day before; otherwise the last point of a UTC day is its close.
      const byDay = new Map<Day, number | null>();
      for (const [ms, price] of body?.prices ?? []) byDay.set(utcDay(new Date(ms - 1)), price);
      return [...byDay]
        .filter(([day]) => day >= from && day <= to)
        .map(([date, close]): ProviderBar => ({ date, close: close ?? Number.NaN }));
    },
  };
}

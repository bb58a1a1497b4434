import type { InstrumentDto, QuoteDto } from '@meridian/contracts';
import { calendarFor } from '@meridian/finance/calendar';
import { AppError, type ServiceClients } from '@meridian/platform';
import type { Clock } from './deps.js';

export interface MarketQuote {
  symbol: string;
  price: string;
  currency: string;
  /** Calendar id of the instrument's market (exchange hours and holidays). */
  calendar: string;
  at: number;
}

/**
 * Quotes from the valuation service, asked with the user's token (`GET /quotes`; a symbol it
 * does not track yet is tracked first). Prices seen in `valuation.prices.updated` events refresh
 * the same cache, so a burst of orders does not ask for the same quote again and again.
 */
export interface MarketData {
  quote(token: string, symbol: string): Promise<MarketQuote>;
  /** A price from an intraday price event. */
  observe(symbol: string, price: string): void;
  /** The calendar of a symbol seen before (price events carry no instrument type). */
  calendarOf(symbol: string): string | undefined;
  rememberCalendar(symbol: string, calendar: string): void;
}

interface QuotesBody {
  quotes: QuoteDto[];
  missing: string[];
}

export function createMarketData(clients: ServiceClients, clock: Clock, maxAgeMs: number): MarketData {
  const quotes = new Map<string, MarketQuote>();
  const calendars = new Map<string, string>();

  async function instrumentCalendar(token: string, symbol: string): Promise<string> {
    const known = calendars.get(symbol);
    if (known) return known;
    const res = await clients.get('valuation').request<InstrumentDto>({ path: `/instruments/${encodeURIComponent(symbol)}`, token });
    const calendar = calendarFor({ type: res.body.type, exchange: res.body.exchange, symbol: res.body.symbol, currency: res.body.currency }).id;
    calendars.set(symbol, calendar);
    return calendar;
  }

  async function fetchQuote(token: string, symbol: string): Promise<QuoteDto | undefined> {
    const res = await clients.get('valuation').request<QuotesBody>({ path: `/quotes?symbols=${encodeURIComponent(symbol)}`, token });
    return res.body.quotes.find((q) => q.symbol === symbol);
  }

  /** Quotes being fetched: the orders that find the cache stale at the same moment wait for one fetch, not one each. */
  const fetching = new Map<string, Promise<MarketQuote>>();

  async function refresh(token: string, symbol: string, now: number): Promise<MarketQuote> {
    let q = await fetchQuote(token, symbol);
    if (!q) {
      try {
        await clients.get('valuation').request({ method: 'POST', path: `/instruments/${encodeURIComponent(symbol)}/track`, token, body: {}, timeoutMs: 15_000 });
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') throw new AppError('unprocessable', `no market data for ${symbol}: unknown symbol`, { details: { reason: 'unknown_symbol' } });
        throw err;
      }
      q = await fetchQuote(token, symbol);
    }
    if (!q) throw new AppError('unprocessable', `no quote for ${symbol}`, { details: { reason: 'no_quote' } });
    const calendar = await instrumentCalendar(token, symbol);
    const quote: MarketQuote = { symbol, price: q.price, currency: q.currency, calendar, at: now };
    quotes.set(symbol, quote);
    return quote;
  }

  return {
    async quote(token, symbol) {
      const cached = quotes.get(symbol);
      const now = clock().getTime();
      if (cached && now - cached.at <= maxAgeMs && calendars.has(symbol)) return cached;
      let pending = fetching.get(symbol);
      if (!pending) {
        pending = refresh(token, symbol, now).finally(() => fetching.delete(symbol));
        fetching.set(symbol, pending);
      }
      return pending;
    },
    observe(symbol, price) {
      const cached = quotes.get(symbol);
      if (cached) quotes.set(symbol, { ...cached, price, at: clock().getTime() });
    },
    calendarOf: (symbol) => calendars.get(symbol),
    rememberCalendar: (symbol, calendar) => {
      calendars.set(symbol, calendar);
    },
  };
}

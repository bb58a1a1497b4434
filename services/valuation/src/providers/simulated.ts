import { isIsoCurrency, type InstrumentType } from '@meridian/contracts';
import { addDays, dayNumber, maxDay, minDay, type Day } from '../days.js';
import {
  CALENDARS,
  calendarFor,
  lastClosedSession,
  latestSession,
  previousTradingDay,
  tradingDays,
  type MarketCalendar,
} from '../market-hours.js';
import { normal, seedOf, shock, uniform } from './random.js';
import { CATALOGUE, CURRENCIES, REFERENCE_DAY, SIMULATED_SPLITS } from './simulated-catalogue.js';
import type { InstrumentInfo, InstrumentRef, MarketDataProvider, ProviderBar, ProviderQuote, ProviderRate } from './types.js';

/** The first day of every simulated series. */
export const SIMULATION_START: Day = '2000-01-03';

/** Drift and the range of annual volatility per asset class (volatility is seeded per symbol). */
export const ASSET_CLASS_MODEL: Record<Exclude<InstrumentType, 'CURRENCY' | 'CASH'>, { drift: number; vol: [number, number] }> = {
  EQUITY: { drift: 0.07, vol: [0.15, 0.4] },
  ETF: { drift: 0.07, vol: [0.12, 0.22] },
  FUND: { drift: 0.06, vol: [0.1, 0.2] },
  BOND: { drift: 0.03, vol: [0.03, 0.08] },
  CRYPTO: { drift: 0.15, vol: [0.55, 0.95] },
  REAL_ESTATE: { drift: 0.04, vol: [0.06, 0.12] },
  OTHER: { drift: 0.05, vol: [0.15, 0.3] },
};

/** FX: mean reversion towards the reference level with a half-life of about two years. */
const FX_REVERSION_PER_DAY = 1 / 756;

export interface SimulatedInstrument {
  symbol: string;
  type: InstrumentType;
  currency: string;
  exchange: string | null;
}

/** The annual volatility the simulation uses for an instrument (seeded by symbol). */
export function simulatedVolatility(symbol: string, type: InstrumentType): number {
  if (type === 'CASH') return 0;
  if (type === 'CURRENCY') return 0;
  const [lo, hi] = ASSET_CLASS_MODEL[type].vol;
  return lo + (hi - lo) * uniform(seedOf(symbol), 0, 1);
}

function referencePrice(symbol: string, type: InstrumentType): number {
  const known = CATALOGUE.get(symbol);
  if (known) return known.ref;
  if (type === 'CASH') return 1;
  // Anything else: a level between 5 and 500, fixed by the symbol.
  return 5 * 100 ** uniform(seedOf(symbol), 0, 2);
}

interface Path {
  /** Computed through this day. */
  until: Day;
  days: Day[];
  closes: Float64Array;
}

/** Paths are drawn through the end of the next year, so one path serves many requests. */
function horizon(until: Day): Day {
  return `${Number(maxDay(until, REFERENCE_DAY).slice(0, 4)) + 1}-12-31`;
}

const pathCache = new Map<string, Path>();
const PATH_CACHE_SIZE = 256;

function remember(key: string, path: Path): Path {
  if (pathCache.size >= PATH_CACHE_SIZE) pathCache.delete(pathCache.keys().next().value!);
  pathCache.set(key, path);
  return path;
}

/** Geometric Brownian motion with fat-tailed shocks, scaled to the reference price. */
function gbmPath(instrument: SimulatedInstrument, calendar: MarketCalendar, until: Day): Path {
  const key = `gbm|${instrument.symbol}|${instrument.type}|${calendar.id}`;
  const cached = pathCache.get(key);
  if (cached && cached.until >= until) return cached;
  const days = tradingDays(calendar, SIMULATION_START, horizon(until));
  const closes = new Float64Array(days.length);
  const ref = referencePrice(instrument.symbol, instrument.type);
  if (instrument.type === 'CASH') {
    closes.fill(ref);
    return remember(key, { until: horizon(until), days, closes });
  }
  const model = ASSET_CLASS_MODEL[instrument.type === 'CURRENCY' ? 'OTHER' : instrument.type];
  const seed = seedOf(instrument.symbol);
  const sigma = simulatedVolatility(instrument.symbol, instrument.type);
  const perYear = calendar.everyDay ? 365 : 252;
  const drift = (model.drift - (sigma * sigma) / 2) / perYear;
  const sigmaDay = sigma / Math.sqrt(perYear);
  let log = 0;
  let refLog = 0;
  for (let i = 0; i < days.length; i++) {
    if (i > 0) log += drift + sigmaDay * shock(seed, dayNumber(days[i]!));
    closes[i] = log;
    if (days[i]! <= REFERENCE_DAY) refLog = log;
  }
  const shift = Math.log(ref) - refLog;
  for (let i = 0; i < closes.length; i++) closes[i] = Math.exp(closes[i]! + shift);
  return remember(key, { until: horizon(until), days, closes });
}

/** Log USD value of a currency per FX day: an Ornstein–Uhlenbeck walk around its reference level. */
function usdPath(currency: string, until: Day): Path {
  const key = `fx|${currency}`;
  const cached = pathCache.get(key);
  if (cached && cached.until >= until) return cached;
  const days = tradingDays(CALENDARS.FX, SIMULATION_START, horizon(until));
  const closes = new Float64Array(days.length);
  const seed = seedOf(`FX:${currency}`);
  const known = CURRENCIES[currency];
  const mean = Math.log(known?.usd ?? 10 ** (-3 * uniform(seed, 0, 3)));
  const sigmaDay = (known?.vol ?? 0.1) / Math.sqrt(252);
  let x = mean;
  for (let i = 0; i < days.length; i++) {
    if (i > 0) x += FX_REVERSION_PER_DAY * (mean - x) + sigmaDay * normal(seed, dayNumber(days[i]!));
    closes[i] = currency === 'USD' ? 0 : x;
  }
  return remember(key, { until: horizon(until), days, closes });
}

function lastIndexAtOrBefore(days: Day[], day: Day): number {
  let lo = 0;
  let hi = days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Parses `EURUSD=X` into its two currencies. */
export function currencyPair(symbol: string): { base: string; quote: string } | undefined {
  const m = /^([A-Z]{3})([A-Z]{3})=X$/.exec(symbol);
  if (!m || !isIsoCurrency(m[1]!) || !isIsoCurrency(m[2]!)) return undefined;
  return { base: m[1]!, quote: m[2]! };
}

/** Simulated FX rate (units of `quote` per `base`) for each FX trading day in range. */
export function simulatedRates(base: string, quote: string, from: Day, to: Day): ProviderRate[] {
  const b = usdPath(base, to);
  const q = usdPath(quote, to);
  const out: ProviderRate[] = [];
  for (let i = 0; i < b.days.length; i++) {
    const day = b.days[i]!;
    if (day < from || day > to) continue;
    out.push({ date: day, rate: roundRate(Math.exp(b.closes[i]! - q.closes[i]!)) });
  }
  return out;
}

function roundRate(rate: number): number {
  const digits = Math.max(4, 6 - Math.floor(Math.log10(rate)));
  return Number(rate.toFixed(Math.min(digits, 12)));
}

function decimalsFor(price: number): number {
  return price >= 1 ? 2 : Math.min(10, 4 - Math.floor(Math.log10(price)));
}

/** Daily closes of a simulated instrument between two days (inclusive). */
export function simulatedCloses(instrument: SimulatedInstrument, from: Day, to: Day): ProviderBar[] {
  const pair = instrument.type === 'CURRENCY' ? currencyPair(instrument.symbol) : undefined;
  if (pair) return simulatedRates(pair.base, pair.quote, from, to).map((r) => ({ date: r.date, close: r.rate }));
  const calendar = calendarFor(instrument);
  const path = gbmPath(instrument, calendar, to);
  const splits = SIMULATED_SPLITS.get(instrument.symbol) ?? [];
  const out: ProviderBar[] = [];
  for (let i = 0; i < path.days.length; i++) {
    const day = path.days[i]!;
    if (day < from || day > to) continue;
    let close = path.closes[i]!;
    for (const split of splits) if (day < split.date) close *= split.ratio;
    out.push({ date: day, close, decimals: decimalsFor(close) });
  }
  return out;
}

function closeOn(instrument: SimulatedInstrument, day: Day): number | undefined {
  const bars = simulatedCloses(instrument, addDays(day, -14), day);
  const i = lastIndexAtOrBefore(bars.map((b) => b.date), day);
  const bar = i >= 0 ? bars[i] : undefined;
  return bar === undefined ? undefined : Number(bar.close);
}

/**
 * The simulated price at an instant: outside a session the last close; inside one a
 * Brownian bridge from the previous close to the day's close, drawn per minute, so the same
 * minute always shows the same price and the session ends exactly at the daily close.
 */
export function simulatedQuote(instrument: SimulatedInstrument, at: Date): ProviderQuote | undefined {
  const calendar = calendarFor(instrument);
  const session = latestSession(calendar, at);
  const prevDay = previousTradingDay(calendar, session.day);
  const close = closeOn(instrument, session.day);
  const previousClose = closeOn(instrument, prevDay);
  if (close === undefined) return undefined;
  const intraday = calendar.id !== 'WEEKDAYS' && at < session.close && previousClose !== undefined;
  if (!intraday) {
    return { price: close, currency: instrument.currency, asOf: session.close, previousClose, decimals: decimalsFor(close) };
  }
  const minute = Math.floor(at.getTime() / 60_000);
  const f = (minute * 60_000 - session.open.getTime()) / (session.close.getTime() - session.open.getTime());
  const frac = Math.min(1, Math.max(0, f));
  const perYear = calendar.everyDay ? 365 : 252;
  const sigmaDay = (instrument.type === 'CURRENCY' ? 0.08 : simulatedVolatility(instrument.symbol, instrument.type)) / Math.sqrt(perYear);
  const lp = Math.log(previousClose);
  const lc = Math.log(close);
  const noise = sigmaDay * Math.sqrt(frac * (1 - frac)) * normal(seedOf(instrument.symbol), minute, 3);
  const price = Math.exp(lp + frac * (lc - lp) + noise);
  return {
    price: instrument.type === 'CURRENCY' ? roundRate(price) : price,
    currency: instrument.currency,
    asOf: new Date(Math.max(minute * 60_000, session.open.getTime())),
    previousClose,
    decimals: instrument.type === 'CURRENCY' ? undefined : decimalsFor(price),
  };
}

function info(entry: Omit<InstrumentInfo, 'providerIds'>): InstrumentInfo {
  return { ...entry };
}

/** What the simulated market calls a symbol it lists or can derive (crypto pairs, FX pairs). */
export function simulatedLookup(symbol: string): InstrumentInfo | undefined {
  const known = CATALOGUE.get(symbol);
  if (known) {
    const { ref: _ref, ...rest } = known;
    return info(rest);
  }
  const pair = currencyPair(symbol);
  if (pair) {
    return info({ symbol, name: `${pair.base}/${pair.quote}`, type: 'CURRENCY', currency: pair.quote, exchange: 'FX', sector: null, country: null });
  }
  const crypto = /^([A-Z0-9]{2,10})-([A-Z]{3})$/.exec(symbol);
  if (crypto && isIsoCurrency(crypto[2]!) && !isIsoCurrency(crypto[1]!)) {
    return info({ symbol, name: crypto[1]!, type: 'CRYPTO', currency: crypto[2]!, exchange: 'CRYPTO', sector: null, country: null });
  }
  return undefined;
}

/**
 * The simulated market: deterministic (seeded by symbol), realistic per asset class, every
 * price labelled simulated. The offline default when no provider is configured.
 */
export function createSimulatedProvider(clock: () => Date): MarketDataProvider {
  return {
    name: 'simulated',
    source: 'SIMULATED',
    simulated: true,
    supports: () => true,
    async lookup(symbol) {
      return simulatedLookup(symbol);
    },
    async search(query, limit) {
      const q = query.trim().toUpperCase();
      const matches = [...CATALOGUE.values()].filter((e) => e.symbol.startsWith(q) || e.name.toUpperCase().includes(q));
      matches.sort((a, b) => Number(b.symbol === q) - Number(a.symbol === q) || Number(b.symbol.startsWith(q)) - Number(a.symbol.startsWith(q)));
      return matches.slice(0, limit).map(({ ref: _ref, ...rest }) => info(rest));
    },
    async quotes(instruments: InstrumentRef[]) {
      const at = clock();
      const out = new Map<string, ProviderQuote>();
      for (const instrument of instruments) {
        const quote = simulatedQuote(instrument, at);
        if (quote) out.set(instrument.symbol, quote);
      }
      return out;
    },
    // A day's close exists only once its session has closed: never hand out tomorrow's news.
    async history(instrument, from, to) {
      const closed = lastClosedSession(calendarFor(instrument), clock()).day;
      return simulatedCloses(instrument, from, minDay(to, closed));
    },
    async fxHistory(base, quote, from, to) {
      return simulatedRates(base, quote, from, minDay(to, lastClosedSession(CALENDARS.FX, clock()).day));
    },
    async fxLatest(base, quotes) {
      const closed = lastClosedSession(CALENDARS.FX, clock()).day;
      const out = new Map<string, ProviderRate>();
      for (const quote of quotes) {
        const last = simulatedRates(base, quote, addDays(closed, -10), closed).at(-1);
        if (last) out.set(quote, last);
      }
      return out;
    },
  };
}

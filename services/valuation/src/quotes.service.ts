import type { PricePoint, QuoteDto } from '@meridian/contracts';
import { toDecimal } from '@meridian/finance';
import type { Executor } from '@meridian/platform';
import type { InstrumentRow, PriceRow, QuoteRow } from './database.js';
import { addDays, utcDay } from './days.js';
import type { ValuationDeps } from './deps.js';
import { calendarOf, toRef } from './instruments.js';
import { findVisibleInstruments } from './instruments.repository.js';
import { lastClosedSession, marketState, sessionOn, type MarketCalendar } from './market-hours.js';
import { latestCloses, recentCloses, upsertPrices } from './prices.repository.js';
import type { AcceptedQuote } from './providers/chain.js';
import { agrees } from './providers/sanity.js';
import { findQuotes, upsertQuotes } from './quotes.repository.js';
import { publishPricesUpdated } from './valuation.events.js';

/** How often a quote is refetched while its market is open. */
export function refreshIntervalMs(deps: Pick<ValuationDeps, 'settings'>): number {
  return Math.max(60, deps.settings.refreshSeconds) * 1000;
}

/**
 * Whether a stored quote is as fresh as its market allows: while the market is open, fetched
 * within the refresh interval; while it is closed, fetched after the last session closed
 * (then nothing can change until the next open, weekends and holidays included).
 */
export function quoteIsCurrent(quote: Pick<QuoteRow, 'fetched_at'> | undefined, calendar: MarketCalendar, now: Date, refreshMs: number): boolean {
  if (!quote) return false;
  // Funds and other instruments without an exchange get one price a day: hourly is plenty.
  const interval = calendar.id === 'WEEKDAYS' ? Math.max(refreshMs, 3_600_000) : refreshMs;
  if (marketState(calendar, now) === 'open') return quote.fetched_at.getTime() >= now.getTime() - interval;
  return quote.fetched_at >= lastClosedSession(calendar, now).close;
}

interface Suspect {
  price: string;
  firstSeen: number;
}

/**
 * A jump no second source confirmed is held back; when a later fetch, at least
 * `jumpConfirmMs` after the first sighting, reports the same level again, it is a real move
 * (one provider, persistent) rather than a bad tick, and is accepted.
 */
async function confirmByPersistence(deps: ValuationDeps, quote: AcceptedQuote, now: Date): Promise<AcceptedQuote | undefined> {
  const key = `valuation:suspect:${quote.symbol}`;
  const raw = await deps.cache.get(key);
  const seen = raw ? (JSON.parse(raw) as Suspect) : undefined;
  if (seen && agrees(seen.price, quote.price)) {
    if (now.getTime() - seen.firstSeen >= deps.settings.jumpConfirmMs) {
      await deps.cache.del(key);
      return { ...quote, confirmedBy: quote.source };
    }
    return undefined;
  }
  await deps.cache.set(key, JSON.stringify({ price: quote.price, firstSeen: now.getTime() } satisfies Suspect), 24 * 3_600_000);
  return undefined;
}

export interface RefreshResult {
  updated: string[];
  held: string[];
  failed: Map<string, string[]>;
}

/**
 * Fetches the latest quotes of shared instruments through the provider chain, stores them
 * and today's (provisional or final) close, and publishes the changed closes in one
 * `valuation.prices.updated` per kind, all in one transaction.
 */
export async function refreshQuotes(deps: ValuationDeps, instruments: InstrumentRow[]): Promise<RefreshResult> {
  const result: RefreshResult = { updated: [], held: [], failed: new Map() };
  if (instruments.length === 0) return result;
  const now = deps.clock();
  const bySymbol = new Map(instruments.map((i) => [i.symbol, i]));
  const references = await recentCloses(deps.db, instruments.map((i) => i.id), addDays(utcDay(now), -40));
  const outcome = await deps.chain.quotes(instruments.map(toRef), (ref) => {
    const row = bySymbol.get(ref.symbol)!;
    return { type: ref.type, calendar: calendarOf(row), now, references: references.get(row.id) };
  });
  const accepted = new Map(outcome.accepted);
  for (const [symbol, suspect] of outcome.unconfirmed) {
    const confirmed = await confirmByPersistence(deps, suspect, now);
    if (confirmed) accepted.set(symbol, confirmed);
    else {
      result.held.push(symbol);
      deps.logger.warn({ symbol, price: suspect.price, source: suspect.source, failures: outcome.failures.get(symbol) }, 'price jump held back until confirmed');
    }
  }
  for (const [symbol, reasons] of outcome.failures) if (!accepted.has(symbol) && !result.held.includes(symbol)) result.failed.set(symbol, reasons);
  if (accepted.size === 0) return result;

  const closes: Record<'intraday' | 'eod', Array<{ row: InstrumentRow; quote: AcceptedQuote }>> = { intraday: [], eod: [] };
  for (const quote of accepted.values()) {
    const row = bySymbol.get(quote.symbol)!;
    const stored = references.get(row.id)?.find((r) => r.date === quote.sessionDay);
    if (stored && stored.close === quote.price) continue;
    const session = sessionOn(calendarOf(row), quote.sessionDay);
    closes[session && now >= session.close ? 'eod' : 'intraday'].push({ row, quote });
  }
  await deps.db.transaction().execute(async (trx) => {
    await upsertQuotes(
      trx,
      [...accepted.values()].map((q) => ({
        instrument_id: bySymbol.get(q.symbol)!.id,
        price: q.price,
        previous_close: q.previousClose,
        as_of: q.asOf,
        session_date: q.sessionDay,
        source: q.source,
        simulated: q.simulated,
        confirmed_by: q.confirmedBy,
        fetched_at: now,
      })),
    );
    for (const kind of ['intraday', 'eod'] as const) {
      const items = closes[kind];
      if (items.length === 0) continue;
      await upsertPrices(
        trx,
        items.map(({ row, quote }) => ({
          instrument_id: row.id,
          date: quote.sessionDay,
          close: quote.price,
          source: quote.source,
          simulated: quote.simulated,
          confirmed_by: quote.confirmedBy,
          updated_at: now,
        })),
      );
      const points: PricePoint[] = items.map(({ row, quote }) => ({
        symbol: row.symbol,
        date: quote.sessionDay,
        close: quote.price,
        currency: row.currency,
        source: quote.source,
        simulated: quote.simulated,
      }));
      await publishPricesUpdated(deps.outbox, trx as Executor, points, { kind });
    }
  });
  result.updated = [...accepted.keys()];
  return result;
}

function change(price: string, previous: string | null): { change: string | null; changePercent: number | null } {
  if (previous === null) return { change: null, changePercent: null };
  const delta = toDecimal(price).sub(previous);
  const percent = (Number(price) / Number(previous) - 1) * 100;
  return { change: delta.toString(), changePercent: Math.round(percent * 10_000) / 10_000 };
}

function manualQuote(row: InstrumentRow, prices: PriceRow[]): QuoteDto | undefined {
  const [last, before] = prices;
  if (!last) return undefined;
  const previousClose = before?.close ?? null;
  return {
    symbol: row.symbol,
    price: last.close,
    currency: row.currency,
    previousClose,
    ...change(last.close, previousClose),
    asOf: `${last.date}T00:00:00.000Z`,
    marketState: 'closed',
    source: last.source,
    confirmedBy: null,
    simulated: last.simulated,
    stale: false,
  };
}

function marketQuote(row: InstrumentRow, quote: QuoteRow, now: Date, stale: boolean): QuoteDto {
  return {
    symbol: row.symbol,
    price: quote.price,
    currency: row.currency,
    previousClose: quote.previous_close,
    ...change(quote.price, quote.previous_close),
    asOf: quote.as_of.toISOString(),
    marketState: marketState(calendarOf(row), now),
    source: quote.source,
    confirmedBy: quote.confirmed_by,
    simulated: quote.simulated,
    stale,
  };
}

/**
 * Latest quotes of the caller's instruments and the tracked ones, refreshed first when a
 * market moved since the last fetch. A symbol neither tracked nor the caller's is missing.
 */
export async function getQuotes(deps: ValuationDeps, userId: string, symbols: string[]) {
  const now = deps.clock();
  const visible = await findVisibleInstruments(deps.db, userId, symbols);
  const rows = [...visible.values()];
  const manual = rows.filter((r) => r.owner_id !== null);
  const shared = rows.filter((r) => r.owner_id === null);
  const refreshMs = refreshIntervalMs(deps);

  let quotes = await findQuotes(deps.db, shared.map((r) => r.id));
  const due = shared.filter((r) => !quoteIsCurrent(quotes.get(r.id), calendarOf(r), now, refreshMs));
  if (due.length > 0) {
    await refreshQuotes(deps, due).catch((err: unknown) => deps.logger.warn({ err }, 'quote refresh on read failed'));
    quotes = await findQuotes(deps.db, shared.map((r) => r.id));
  }
  const manualPrices = await latestCloses(deps.db, manual.map((r) => r.id));

  const quoteOf = (row: InstrumentRow): QuoteDto | undefined => {
    if (row.owner_id !== null) return manualQuote(row, manualPrices.get(row.id) ?? []);
    const q = quotes.get(row.id);
    return q && marketQuote(row, q, now, !quoteIsCurrent(q, calendarOf(row), now, refreshMs));
  };
  const out: QuoteDto[] = [];
  const missing: string[] = [];
  for (const symbol of symbols) {
    const row = visible.get(symbol);
    const quote = row && quoteOf(row);
    if (quote) out.push(quote);
    else missing.push(symbol);
  }
  return { quotes: out, missing, simulated: out.some((q) => q.simulated) };
}

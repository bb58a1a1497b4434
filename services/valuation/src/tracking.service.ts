import { tickerSymbol } from '@meridian/contracts';
import { AppError, uuidv7 } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { InstrumentRow, ValuationDatabase } from './database.js';
import { isUniqueViolation } from './db-errors.js';
import { addDays, dayIn, type Day } from './days.js';
import type { ValuationDeps } from './deps.js';
import { calendarOf, type TrackHints } from './instruments.js';
import { findSharedInstrument, insertInstrument, setHistoryFrom } from './instruments.repository.js';
import { lookupSymbol } from './instruments.service.js';
import { lastClosedSession } from './market-hours.js';
import { backfillHistory } from './prices.service.js';
import type { LookupResult } from './providers/chain.js';
import { deleteTrackRequest, dueTrackRequests, enqueueTrackRequest, postponeTrackRequest } from './tracking.repository.js';

export interface TrackResult {
  instrument: InstrumentRow;
  /** Daily closes stored now (0 if the symbol was already tracked). */
  backfilled: number;
  created: boolean;
}

/** What the simulated market makes of a symbol no provider knows, from the caller's hints. */
function invented(symbol: string, hints: TrackHints | undefined): LookupResult | undefined {
  if (!hints?.currency) return undefined;
  return {
    info: { symbol, name: hints.name ?? symbol, type: hints.type ?? 'EQUITY', currency: hints.currency, exchange: null, sector: null, country: null },
    source: 'SIMULATED',
    simulated: true,
  };
}

/**
 * Starts tracking a market symbol: resolves it through the providers, stores it with its
 * daily history (`MERIDIAN_VALUATION_BACKFILL_YEARS`) and announces the history
 * (`valuation.prices.updated`, kind `backfill`). Idempotent: a tracked symbol is returned
 * as it is. The `transactions.activity.recorded` consumer queues symbols with
 * {@link requestTracking}; the refresh loop calls this for each.
 */
export async function trackSymbol(deps: ValuationDeps, symbol: string, hints?: TrackHints): Promise<TrackResult> {
  const existing = await findSharedInstrument(deps.db, symbol);
  if (existing) return { instrument: existing, backfilled: 0, created: false };

  const found = (await lookupSymbol(deps, symbol)) ?? (deps.chain.simulated ? invented(symbol, hints) : undefined);
  if (!found) throw new AppError('not_found', `no market-data provider knows the symbol ${symbol}`);
  const now = deps.clock();
  const row: InstrumentRow = {
    id: uuidv7(),
    symbol,
    owner_id: null,
    name: found.info.name,
    type: found.info.type,
    currency: found.info.currency,
    exchange: found.info.exchange,
    sector: found.info.sector,
    country: found.info.country,
    data_source: found.source,
    provider_ids: JSON.stringify(found.info.providerIds ?? {}),
    history_from: null,
    tracked_at: now,
    created_at: now,
    updated_at: now,
  };
  try {
    await insertInstrument(deps.db, row);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Another request or instance tracked it first.
    const winner = await findSharedInstrument(deps.db, symbol);
    if (winner) return { instrument: winner, backfilled: 0, created: false };
    throw err;
  }

  const calendar = calendarOf(row);
  const lastClosed = lastClosedSession(calendar, now).day;
  const from = backfillStart(deps, dayIn(now, calendar.timeZone));
  const { stored, answered } = await backfillHistory(deps, row, from, lastClosed, 'backfill');
  if (stored === 0 && answered) {
    // Nothing to fetch (a new listing): remember that, so the refresh does not ask again.
    await setHistoryFrom(deps.db, row.id, from, now);
  }
  const instrument = (await findSharedInstrument(deps.db, symbol)) ?? row;
  return { instrument, backfilled: stored, created: true };
}

export function backfillStart(deps: Pick<ValuationDeps, 'settings'>, today: Day): Day {
  return addDays(today, -Math.round(deps.settings.backfillYears * 365.25));
}

/**
 * Queues a symbol for tracking inside the caller's transaction (the event consumer's, so
 * the request commits with its inbox row). Network work happens later, off the consumer,
 * in the refresh loop. Returns false for a symbol that is not a ticker.
 */
export async function requestTracking(trx: Kysely<ValuationDatabase>, symbol: string, hints: TrackHints | undefined, now: Date): Promise<boolean> {
  // Activities may name things that are no ticker (an ISIN with spaces, a free-text asset).
  const parsed = tickerSymbol.safeParse(symbol);
  if (!parsed.success) return false;
  await enqueueTrackRequest(trx, { symbol: parsed.data, hints: hints ? JSON.stringify(hints) : null, now });
  return true;
}

const MAX_ATTEMPTS = 8;

/** Tracks the queued symbols that are due, retrying failures with back-off. */
export async function drainTrackRequests(deps: ValuationDeps, limit = 10): Promise<number> {
  const now = deps.clock();
  const due = await dueTrackRequests(deps.db, now, limit);
  let done = 0;
  for (const request of due) {
    try {
      const hints = request.hints ? (JSON.parse(request.hints) as TrackHints) : undefined;
      await trackSymbol(deps, request.symbol, hints);
      await deleteTrackRequest(deps.db, request.symbol);
      done += 1;
    } catch (err) {
      const attempts = request.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        deps.logger.warn({ err, symbol: request.symbol, attempts }, 'giving up tracking a symbol');
        await deleteTrackRequest(deps.db, request.symbol);
        continue;
      }
      const delayMs = Math.min(2 ** attempts * 60_000, 24 * 3_600_000);
      await postponeTrackRequest(deps.db, request.symbol, (err as Error).message, new Date(now.getTime() + delayMs));
    }
  }
  return done;
}

import type { EventData, ManualPricesBody, PriceSource } from '@meridian/contracts';
import { AppError, type Executor } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { InstrumentRow, ValuationDatabase } from './database.js';
import { addDays, dayIn, minDay, utcDay, type Day } from './days.js';
import type { ValuationDeps } from './deps.js';
import { calendarOf, toRef } from './instruments.js';
import { setHistoryFrom } from './instruments.repository.js';
import { requireVisibleInstrument } from './instruments.service.js';
import { lastClosedSession } from './market-hours.js';
import { listPrices, upsertPrices } from './prices.repository.js';
import { publishPricesUpdated } from './valuation.events.js';

export interface DailyClose {
  date: Day;
  close: string;
  source: PriceSource;
  simulated: boolean;
  confirmedBy?: PriceSource | null;
}

export type PricesKind = EventData<'valuation.prices.updated'>['kind'];

/**
 * Stores daily closes and announces them in the same transaction (`trx`): the caller's
 * transaction commits both or neither.
 */
export async function storeDailyCloses(
  deps: Pick<ValuationDeps, 'outbox' | 'clock'>,
  trx: Kysely<ValuationDatabase>,
  instrument: Pick<InstrumentRow, 'id' | 'symbol' | 'currency' | 'owner_id'>,
  closes: DailyClose[],
  kind: PricesKind,
): Promise<number> {
  if (closes.length === 0) return 0;
  const now = deps.clock();
  await upsertPrices(
    trx,
    closes.map((c) => ({
      instrument_id: instrument.id,
      date: c.date,
      close: c.close,
      source: c.source,
      simulated: c.simulated,
      confirmed_by: c.confirmedBy ?? null,
      updated_at: now,
    })),
  );
  await publishPricesUpdated(
    deps.outbox,
    trx as Executor,
    closes.map((c) => ({ symbol: instrument.symbol, date: c.date, close: c.close, currency: instrument.currency, source: c.source, simulated: c.simulated })),
    { kind, ownerId: instrument.owner_id },
  );
  return closes.length;
}

/**
 * The latest calendar day anywhere on Earth (UTC+14): a user in Kiribati may enter
 * today's price while it is still yesterday in UTC, but nobody may enter tomorrow's.
 */
export function latestEnterableDay(now: Date): Day {
  return utcDay(new Date(now.getTime() + 14 * 3_600_000));
}

/** Stores the closes a user entered for their own manual instrument. */
export async function putManualPrices(deps: ValuationDeps, userId: string, symbol: string, rows: ManualPricesBody): Promise<number> {
  const instrument = await requireVisibleInstrument(deps, userId, symbol);
  if (instrument.owner_id !== userId) {
    throw new AppError('forbidden', `${symbol} is a market instrument: its prices come from market-data providers`);
  }
  const latest = latestEnterableDay(deps.clock());
  const future = rows.find((r) => r.date > latest);
  if (future) throw new AppError('validation_failed', `date ${future.date} is in the future`);
  return deps.db.transaction().execute((trx) =>
    storeDailyCloses(
      deps,
      trx,
      instrument,
      rows.map((r) => ({ date: r.date, close: r.close, source: 'MANUAL', simulated: false })),
      'manual',
    ),
  );
}

/** Fetches closes from the provider chain and stores them (a shared instrument). */
export async function backfillHistory(
  deps: ValuationDeps,
  instrument: InstrumentRow,
  from: Day,
  to: Day,
  kind: PricesKind,
): Promise<{ stored: number; answered: boolean }> {
  if (from > to) return { stored: 0, answered: true };
  const today = dayIn(deps.clock(), calendarOf(instrument).timeZone);
  const outcome = await deps.chain.history(toRef(instrument), from, to, today);
  const { source, simulated } = outcome;
  if (source === undefined || simulated === undefined) {
    // "No data in range" from every provider is an answer (a new listing); anything else is an outage.
    const answered = outcome.failures.length > 0 && outcome.failures.every((f) => f.endsWith('no data in range'));
    if (!answered) deps.logger.warn({ symbol: instrument.symbol, from, to, failures: outcome.failures }, 'history backfill failed');
    return { stored: 0, answered };
  }
  const stored = await deps.db.transaction().execute(async (trx) => {
    const n = await storeDailyCloses(deps, trx, instrument, outcome.points.map((p) => ({ ...p, source, simulated })), kind);
    if (instrument.history_from === null || from < instrument.history_from) await setHistoryFrom(trx, instrument.id, from, deps.clock());
    return n;
  });
  return { stored, answered: true };
}

/**
 * Daily closes of an instrument the caller may see. For a tracked instrument, a range
 * reaching before the stored history is fetched from the providers first.
 */
export async function getHistory(
  deps: ValuationDeps,
  userId: string,
  symbol: string,
  range: { from?: Day | undefined; to?: Day | undefined },
) {
  const instrument = await requireVisibleInstrument(deps, userId, symbol);
  const calendar = calendarOf(instrument);
  const today = dayIn(deps.clock(), calendar.timeZone);
  if (range.from && range.from > latestEnterableDay(deps.clock())) throw new AppError('validation_failed', `from ${range.from} is in the future`);
  const to = minDay(range.to ?? today, today);
  const from = range.from ?? addDays(to, -365);
  if (from > to) throw new AppError('validation_failed', 'from must not be after to');
  if (instrument.owner_id === null && instrument.tracked_at !== null && instrument.history_from !== null && from < instrument.history_from) {
    const lastClosed = lastClosedSession(calendar, deps.clock()).day;
    await backfillHistory(deps, instrument, from, minDay(addDays(instrument.history_from, -1), lastClosed), 'backfill').catch((err: unknown) =>
      deps.logger.warn({ err, symbol }, 'could not extend history'),
    );
  }
  const rows = await listPrices(deps.db, instrument.id, from, to);
  return {
    symbol: instrument.symbol,
    currency: instrument.currency,
    from,
    to,
    prices: rows.map((r) => ({ date: r.date, close: r.close, source: r.source, simulated: r.simulated })),
    simulated: instrument.data_source === 'SIMULATED' || rows.some((r) => r.simulated),
  };
}


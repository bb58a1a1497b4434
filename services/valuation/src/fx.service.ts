import { AppError } from '@meridian/platform';
import { addDays, minDay, utcDay, type Day } from './days.js';
import type { ValuationDeps } from './deps.js';
import { findFxPair, latestFxRates, listFxRates, upsertFxPair, upsertFxRates } from './fx.repository.js';
import { CALENDARS, lastClosedSession } from './market-hours.js';
import { latestEnterableDay } from './prices.service.js';
import type { CleanBar, Provenance } from './providers/chain.js';

const CHECKED_TTL_MS = 3_600_000;
/** Rates per `valuation.fx.updated` event: consumers get bounded messages. */
const FX_RATES_PER_EVENT = 500;

async function storeRates(deps: ValuationDeps, base: string, quote: string, rates: Array<CleanBar & Provenance>, pair?: { historyFrom: Day }) {
  const now = deps.clock();
  await deps.db.transaction().execute(async (trx) => {
    await upsertFxRates(
      trx,
      rates.map((r) => ({ base, quote, date: r.date, rate: r.close, source: r.source, simulated: r.simulated, updated_at: now })),
    );
    if (pair) await upsertFxPair(trx, { base, quote, history_from: pair.historyFrom, tracked_at: now });
    // Announced with the rates they describe: the event exists if and only if the rates do.
    for (let i = 0; i < rates.length; i += FX_RATES_PER_EVENT) {
      const batch = rates.slice(i, i + FX_RATES_PER_EVENT).map((r) => ({ date: r.date, rate: r.close, source: r.source, simulated: r.simulated }));
      await deps.outbox.enqueue(trx, 'valuation.fx.updated', { base, quote, rates: batch });
    }
  });
}

/**
 * Fetches the part of `[from, to]` not stored yet for a pair (before its stored history,
 * and after its last stored day), at most once an hour per pair when the providers have
 * nothing newer.
 */
async function ensureFxHistory(deps: ValuationDeps, base: string, quote: string, from: Day, to: Day): Promise<void> {
  const now = deps.clock();
  const today = utcDay(now);
  const lastClosed = lastClosedSession(CALENDARS.FX, now).day;
  const pair = await findFxPair(deps.db, base, quote);
  const gaps: Array<[Day, Day]> = [];
  if (!pair) gaps.push([from, minDay(to, lastClosed)]);
  else {
    if (from < pair.history_from) gaps.push([from, addDays(pair.history_from, -1)]);
    const stored = await latestFxRates(deps.db, base, [quote], addDays(lastClosed, -10));
    const last = stored.get(quote)?.date;
    const checkedKey = `valuation:fx:checked:${base}${quote}:${lastClosed}`;
    if ((!last || last < lastClosed) && to > (last ?? pair.history_from) && !(await deps.cache.get(checkedKey))) {
      gaps.push([last ? addDays(last, 1) : pair.history_from, minDay(to, lastClosed)]);
      await deps.cache.set(checkedKey, '1', CHECKED_TTL_MS);
    }
  }
  let historyFrom = pair ? (from < pair.history_from ? from : pair.history_from) : from;
  for (const [start, end] of gaps) {
    if (start > end) continue;
    const outcome = await deps.chain.fxHistory(base, quote, start, end, today);
    if (outcome.source === undefined || outcome.simulated === undefined) {
      deps.logger.warn({ base, quote, start, end, failures: outcome.failures }, 'no FX history from any provider');
      if (!pair) return;
      historyFrom = pair.history_from;
      continue;
    }
    const { source, simulated } = outcome;
    await storeRates(deps, base, quote, outcome.points.map((p) => ({ ...p, source, simulated })), { historyFrom });
  }
}

function validatePair(base: string, quote: string): void {
  if (base === quote) throw new AppError('validation_failed', 'base and quote must be different currencies');
}

/** Daily reference rates (units of `quote` per one `base`), fetched on first use and kept. */
export async function getFxSeries(deps: ValuationDeps, base: string, quote: string, range: { from?: Day | undefined; to?: Day | undefined }) {
  validatePair(base, quote);
  const now = deps.clock();
  const today = utcDay(now);
  if (range.from && range.from > latestEnterableDay(now)) throw new AppError('validation_failed', `from ${range.from} is in the future`);
  const to = minDay(range.to ?? today, today);
  const from = range.from ?? addDays(to, -365);
  if (from > to) throw new AppError('validation_failed', 'from must not be after to');
  await ensureFxHistory(deps, base, quote, from, to);
  const rows = await listFxRates(deps.db, base, quote, from, to);
  return {
    base,
    quote,
    from,
    to,
    rates: rows.map((r) => ({ date: r.date, rate: r.rate, source: r.source, simulated: r.simulated })),
    simulated: deps.chain.simulated || rows.some((r) => r.simulated),
  };
}

/** The latest rate of each pair, fetched when the stored one is older than the last FX day. */
export async function getFxLatest(deps: ValuationDeps, base: string, quotes: string[]) {
  for (const q of quotes) validatePair(base, q);
  const now = deps.clock();
  const lastClosed = lastClosedSession(CALENDARS.FX, now).day;
  const since = addDays(lastClosed, -14);
  let stored = await latestFxRates(deps.db, base, quotes, since);
  const stale: string[] = [];
  for (const q of quotes) {
    const row = stored.get(q);
    if (row && row.date >= lastClosed) continue;
    const key = `valuation:fx:latest-checked:${base}${q}`;
    if (row && (await deps.cache.get(key))) continue;
    await deps.cache.set(key, '1', CHECKED_TTL_MS);
    stale.push(q);
  }
  if (stale.length > 0) {
    const fetched = await deps.chain.fxLatest(base, stale);
    for (const [quote, rate] of fetched) await storeRates(deps, base, quote, [rate]);
    stored = await latestFxRates(deps.db, base, quotes, since);
  }
  const rates = quotes.flatMap((quote) => {
    const r = stored.get(quote);
    return r ? [{ quote, rate: r.rate, date: r.date, source: r.source, simulated: r.simulated }] : [];
  });
  return {
    base,
    rates,
    missing: quotes.filter((q) => !stored.has(q)),
    simulated: deps.chain.simulated || rates.some((r) => r.simulated),
  };
}

import { addDays, dayIn } from './days.js';
import type { ValuationDeps } from './deps.js';
import { listFxPairs } from './fx.repository.js';
import { getFxSeries } from './fx.service.js';
import { calendarOf } from './instruments.js';
import { listTrackedInstruments } from './instruments.repository.js';
import { lastClosedSession } from './market-hours.js';
import { lastPriceDates } from './prices.repository.js';
import { backfillHistory } from './prices.service.js';
import { quoteIsCurrent, refreshIntervalMs, refreshQuotes } from './quotes.service.js';
import { findQuotes } from './quotes.repository.js';
import { backfillStart, drainTrackRequests } from './tracking.service.js';

/** Quotes asked for per provider round; larger sets are split. */
const QUOTE_BATCH = 100;
/** Days refetched after a session closes, to replace provisional closes with official ones. */
const EOD_LOOKBACK_DAYS = 7;

export interface CycleSummary {
  tracked: number;
  quotesDue: number;
  quotesUpdated: number;
  historyFilled: number;
  trackRequests: number;
}

/**
 * One pass of the refresh: tracks queued symbols, refreshes the quotes whose market is
 * open (or closed since their last fetch: crypto always, exchanges in their hours, nothing
 * on weekends and holidays), fills daily history gaps once each session has closed, and
 * brings tracked FX pairs up to date.
 */
export async function runRefreshCycle(deps: ValuationDeps): Promise<CycleSummary> {
  const now = deps.clock();
  const trackRequests = await drainTrackRequests(deps);
  const tracked = await listTrackedInstruments(deps.db);
  const quotes = await findQuotes(deps.db, tracked.map((i) => i.id));
  const refreshMs = refreshIntervalMs(deps);
  const due = tracked.filter((i) => !quoteIsCurrent(quotes.get(i.id), calendarOf(i), now, refreshMs));
  let quotesUpdated = 0;
  for (let i = 0; i < due.length; i += QUOTE_BATCH) {
    const { updated } = await refreshQuotes(deps, due.slice(i, i + QUOTE_BATCH));
    quotesUpdated += updated.length;
  }

  // After a session closes: fetch the official closes once (gaps after downtime included).
  let historyFilled = 0;
  const lastDates = await lastPriceDates(deps.db, tracked.map((i) => i.id));
  for (const instrument of tracked) {
    const calendar = calendarOf(instrument);
    const lastClosed = lastClosedSession(calendar, now).day;
    const key = `valuation:eod:${instrument.id}:${lastClosed}`;
    if (await deps.cache.get(key)) continue;
    const last = lastDates.get(instrument.id);
    const from =
      instrument.history_from === null
        ? backfillStart(deps, dayIn(now, calendar.timeZone))
        : last === undefined
          ? instrument.history_from
          : addDays(last < lastClosed ? last : lastClosed, -EOD_LOOKBACK_DAYS);
    const { stored, answered } = await backfillHistory(deps, instrument, from, lastClosed, instrument.history_from === null ? 'backfill' : 'eod');
    historyFilled += stored;
    if (answered) await deps.cache.set(key, '1', 3 * 24 * 3_600_000);
  }

  for (const pair of await listFxPairs(deps.db)) {
    await getFxSeries(deps, pair.base, pair.quote, { from: pair.history_from }).catch((err: unknown) =>
      deps.logger.warn({ err, base: pair.base, quote: pair.quote }, 'FX refresh failed'),
    );
  }
  return { tracked: tracked.length, quotesDue: due.length, quotesUpdated, historyFilled, trackRequests };
}

/**
 * Runs {@link runRefreshCycle} every `MERIDIAN_VALUATION_REFRESH_SECONDS`. With several
 * instances, one leads each round (a counter in the shared store), so providers are asked
 * once, not once per instance.
 */
const TRACK_POLL_MS = 2_000;

export function startRefresher(deps: ValuationDeps): { stop(): Promise<void> } {
  const intervalMs = deps.settings.refreshSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = async () => {
    const round = Math.floor(Date.now() / intervalMs);
    const { count } = await deps.cache.incr(`valuation:refresh:round:${round}`, intervalMs * 2);
    if (count !== 1) return;
    const summary = await runRefreshCycle(deps);
    deps.logger.debug({ ...summary }, 'valuation refresh cycle');
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((err: unknown) => deps.logger.error({ err }, 'valuation refresh cycle failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs - (Date.now() % intervalMs) + 50);
    timer.unref();
  };
  if (intervalMs > 0) schedule();

  // A symbol that just appeared in someone's activities should not wait for the next
  // round: track requests are drained every couple of seconds on their own.
  let trackTimer: NodeJS.Timeout | undefined;
  let tracking: Promise<void> | undefined;
  const scheduleTracking = () => {
    if (stopped) return;
    trackTimer = setTimeout(() => {
      tracking = drainTrackRequests(deps)
        .then((n) => {
          if (n > 0) deps.logger.debug({ tracked: n }, 'tracked newly seen symbols');
        })
        .catch((err: unknown) => deps.logger.error({ err }, 'tracking new symbols failed'))
        .finally(() => {
          tracking = undefined;
          scheduleTracking();
        });
    }, TRACK_POLL_MS);
    trackTimer.unref();
  };
  if (intervalMs > 0) scheduleTracking();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (trackTimer) clearTimeout(trackTimer);
      await running;
      await tracking;
    },
  };
}

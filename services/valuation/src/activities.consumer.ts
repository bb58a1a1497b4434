import type { EventHandlers } from '@meridian/platform';
import type { Kysely } from 'kysely';
import type { ValuationDatabase } from './database.js';
import { requestTracking } from './tracking.service.js';

/**
 * A symbol that appears in a user's activity starts being tracked: its history is
 * backfilled and its quotes refreshed. Queued in the consumer's transaction; the refresh
 * loop does the fetching, so a slow provider never holds the event.
 */
export function activityConsumers(now: () => Date = () => new Date()): EventHandlers {
  // Symbols seen tracked already: an import of thousands of activities in a few symbols asks
  // the database once per symbol, not once per activity.
  const tracked = new Set<string>();
  const track = async (trx: unknown, symbol: string | null, currency: string) => {
    if (!symbol || tracked.has(symbol)) return;
    const db = trx as Kysely<ValuationDatabase>;
    const shared = await db.selectFrom('instruments').select('tracked_at').where('symbol', '=', symbol).where('owner_id', 'is', null).executeTakeFirst();
    if (shared?.tracked_at) {
      if (tracked.size >= 100_000) tracked.clear();
      tracked.add(symbol);
      return;
    }
    await requestTracking(db, symbol, { currency }, now());
  };
  return {
    'transactions.activity.recorded': (event, trx) => track(trx, event.data.symbol, event.data.currency),
    'transactions.activity.updated': (event, trx) => track(trx, event.data.symbol, event.data.currency),
  };
}

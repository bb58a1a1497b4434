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
  const track = async (trx: unknown, symbol: string | null, currency: string) => {
    if (!symbol) return;
    await requestTracking(trx as Kysely<ValuationDatabase>, symbol, { currency }, now());
  };
  return {
    'transactions.activity.recorded': (event, trx) => track(trx, event.data.symbol, event.data.currency),
    'transactions.activity.updated': (event, trx) => track(trx, event.data.symbol, event.data.currency),
  };
}

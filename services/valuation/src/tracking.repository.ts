import type { Kysely } from 'kysely';
import type { TrackRequestRow, ValuationDatabase } from './database.js';

type Db = Kysely<ValuationDatabase>;

/** Queues a symbol for tracking; a symbol already queued keeps its place. */
export async function enqueueTrackRequest(db: Db, row: { symbol: string; hints: string | null; now: Date }): Promise<void> {
  await db
    .insertInto('track_requests')
    .values({ symbol: row.symbol, hints: row.hints, requested_at: row.now, next_attempt_at: row.now, attempts: 0 })
    .onConflict((oc) => oc.column('symbol').doNothing())
    .execute();
}

export function dueTrackRequests(db: Db, now: Date, limit: number): Promise<TrackRequestRow[]> {
  return db.selectFrom('track_requests').selectAll().where('next_attempt_at', '<=', now).orderBy('requested_at').limit(limit).execute();
}

export async function deleteTrackRequest(db: Db, symbol: string): Promise<void> {
  await db.deleteFrom('track_requests').where('symbol', '=', symbol).execute();
}

export async function postponeTrackRequest(db: Db, symbol: string, error: string, next: Date): Promise<void> {
  await db
    .updateTable('track_requests')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), next_attempt_at: next }))
    .where('symbol', '=', symbol)
    .execute();
}

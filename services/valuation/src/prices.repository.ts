import type { Kysely } from 'kysely';
import type { NewPrice, PriceRow, ValuationDatabase } from './database.js';

type Db = Kysely<ValuationDatabase>;

// 7 parameters a row; PostgreSQL takes at most 65535 per statement.
const ROWS_PER_STATEMENT = 1000;

/** Inserts daily closes, replacing the ones already stored for the same days. */
export async function upsertPrices(db: Db, rows: NewPrice[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto('prices')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.columns(['instrument_id', 'date']).doUpdateSet((eb) => ({
          close: eb.ref('excluded.close'),
          source: eb.ref('excluded.source'),
          simulated: eb.ref('excluded.simulated'),
          confirmed_by: eb.ref('excluded.confirmed_by'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export function listPrices(db: Db, instrumentId: string, from: string, to: string): Promise<PriceRow[]> {
  return db
    .selectFrom('prices')
    .selectAll()
    .where('instrument_id', '=', instrumentId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .execute();
}

/** Closes since `since` for each instrument, newest first (references for the sanity checks). */
export async function recentCloses(db: Db, instrumentIds: string[], since: string): Promise<Map<string, Array<{ date: string; close: string }>>> {
  const out = new Map<string, Array<{ date: string; close: string }>>();
  if (instrumentIds.length === 0) return out;
  const rows = await db
    .selectFrom('prices')
    .select(['instrument_id', 'date', 'close'])
    .where('instrument_id', 'in', instrumentIds)
    .where('date', '>=', since)
    .orderBy('date', 'desc')
    .execute();
  for (const r of rows) out.set(r.instrument_id, [...(out.get(r.instrument_id) ?? []), { date: r.date, close: r.close }]);
  return out;
}

/** The two latest closes of each instrument (a manual instrument's quote and its previous close). */
export async function latestCloses(db: Db, instrumentIds: string[]): Promise<Map<string, PriceRow[]>> {
  const out = new Map<string, PriceRow[]>();
  for (const id of instrumentIds) {
    out.set(id, await db.selectFrom('prices').selectAll().where('instrument_id', '=', id).orderBy('date', 'desc').limit(2).execute());
  }
  return out;
}

/** The last stored day of each instrument. */
export async function lastPriceDates(db: Db, instrumentIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (instrumentIds.length === 0) return out;
  const rows = await db
    .selectFrom('prices')
    .select((eb) => ['instrument_id', eb.fn.max('date').as('last')])
    .where('instrument_id', 'in', instrumentIds)
    .groupBy('instrument_id')
    .execute();
  for (const r of rows) if (r.last !== null) out.set(r.instrument_id, String(r.last));
  return out;
}

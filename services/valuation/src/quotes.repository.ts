import type { Insertable, Kysely } from 'kysely';
import type { QuoteRow, QuotesTable, ValuationDatabase } from './database.js';

type Db = Kysely<ValuationDatabase>;

export async function upsertQuotes(db: Db, rows: Array<Insertable<QuotesTable>>): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('quotes')
    .values(rows)
    .onConflict((oc) =>
      oc.column('instrument_id').doUpdateSet((eb) => ({
        price: eb.ref('excluded.price'),
        previous_close: eb.ref('excluded.previous_close'),
        as_of: eb.ref('excluded.as_of'),
        session_date: eb.ref('excluded.session_date'),
        source: eb.ref('excluded.source'),
        simulated: eb.ref('excluded.simulated'),
        confirmed_by: eb.ref('excluded.confirmed_by'),
        fetched_at: eb.ref('excluded.fetched_at'),
      })),
    )
    .execute();
}

export async function findQuotes(db: Db, instrumentIds: string[]): Promise<Map<string, QuoteRow>> {
  const out = new Map<string, QuoteRow>();
  if (instrumentIds.length === 0) return out;
  const rows = await db.selectFrom('quotes').selectAll().where('instrument_id', 'in', instrumentIds).execute();
  for (const r of rows) out.set(r.instrument_id, r);
  return out;
}

import type { Insertable, Kysely } from 'kysely';
import type { FxRateRow, FxRatesTable, ValuationDatabase } from './database.js';

type Db = Kysely<ValuationDatabase>;

export function findFxPair(db: Db, base: string, quote: string) {
  return db.selectFrom('fx_pairs').selectAll().where('base', '=', base).where('quote', '=', quote).executeTakeFirst();
}

export async function upsertFxPair(db: Db, row: { base: string; quote: string; history_from: string; tracked_at: Date }): Promise<void> {
  await db
    .insertInto('fx_pairs')
    .values(row)
    .onConflict((oc) => oc.columns(['base', 'quote']).doUpdateSet((eb) => ({ history_from: eb.ref('excluded.history_from') })))
    .execute();
}

export function listFxPairs(db: Db) {
  return db.selectFrom('fx_pairs').selectAll().orderBy('base').orderBy('quote').execute();
}

export async function upsertFxRates(db: Db, rows: Array<Insertable<FxRatesTable>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('fx_rates')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(['base', 'quote', 'date']).doUpdateSet((eb) => ({
          rate: eb.ref('excluded.rate'),
          source: eb.ref('excluded.source'),
          simulated: eb.ref('excluded.simulated'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export function listFxRates(db: Db, base: string, quote: string, from: string, to: string): Promise<FxRateRow[]> {
  return db
    .selectFrom('fx_rates')
    .selectAll()
    .where('base', '=', base)
    .where('quote', '=', quote)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .execute();
}

/** The latest stored rate of each pair base/quote since `since`. */
export async function latestFxRates(db: Db, base: string, quotes: string[], since: string): Promise<Map<string, FxRateRow>> {
  const out = new Map<string, FxRateRow>();
  if (quotes.length === 0) return out;
  const rows = await db
    .selectFrom('fx_rates')
    .selectAll()
    .where('base', '=', base)
    .where('quote', 'in', quotes)
    .where('date', '>=', since)
    .orderBy('date', 'desc')
    .execute();
  for (const r of rows) if (!out.has(r.quote)) out.set(r.quote, r);
  return out;
}

import type { Kysely } from 'kysely';
import type { InstrumentRow, NewInstrument, ValuationDatabase } from './database.js';

type Db = Kysely<ValuationDatabase>;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The instrument `symbol` means to `userId`: their own manual instrument if they have one
 * by that name, else the shared market instrument. Never another user's.
 */
export async function findVisibleInstrument(db: Db, userId: string, symbol: string): Promise<InstrumentRow | undefined> {
  const rows = await db
    .selectFrom('instruments')
    .selectAll()
    .where('symbol', '=', symbol)
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('owner_id', 'is', null)]))
    .execute();
  return rows.find((r) => r.owner_id === userId) ?? rows.find((r) => r.owner_id === null);
}

/** Every instrument among `symbols` that `userId` may see, own ones shadowing shared ones. */
export async function findVisibleInstruments(db: Db, userId: string, symbols: string[]): Promise<Map<string, InstrumentRow>> {
  const out = new Map<string, InstrumentRow>();
  if (symbols.length === 0) return out;
  const rows = await db
    .selectFrom('instruments')
    .selectAll()
    .where('symbol', 'in', symbols)
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('owner_id', 'is', null)]))
    .execute();
  for (const row of rows) if (row.owner_id === null) out.set(row.symbol, row);
  for (const row of rows) if (row.owner_id === userId) out.set(row.symbol, row);
  return out;
}

export function findSharedInstrument(db: Db, symbol: string): Promise<InstrumentRow | undefined> {
  return db.selectFrom('instruments').selectAll().where('symbol', '=', symbol).where('owner_id', 'is', null).executeTakeFirst();
}

export function findInstrumentById(db: Db, id: string): Promise<InstrumentRow | undefined> {
  return db.selectFrom('instruments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertInstrument(db: Db, row: NewInstrument): Promise<void> {
  await db.insertInto('instruments').values(row).execute();
}

/** Instruments visible to `userId` whose symbol starts with, or whose name contains, `query`. */
export function searchVisibleInstruments(db: Db, userId: string, query: string, limit: number): Promise<InstrumentRow[]> {
  const q = escapeLike(query);
  return db
    .selectFrom('instruments')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('owner_id', 'is', null)]))
    .where((eb) => eb.or([eb('symbol', 'ilike', `${q}%`), eb('name', 'ilike', `%${q}%`)]))
    .orderBy('symbol')
    .limit(limit)
    .execute();
}

/** Shared instruments whose quotes the refresh keeps current. */
export function listTrackedInstruments(db: Db): Promise<InstrumentRow[]> {
  return db.selectFrom('instruments').selectAll().where('owner_id', 'is', null).where('tracked_at', 'is not', null).orderBy('symbol').execute();
}

export async function setHistoryFrom(db: Db, id: string, day: string, now: Date): Promise<void> {
  await db.updateTable('instruments').set({ history_from: day, updated_at: now }).where('id', '=', id).execute();
}

/** Erases a user's manual instruments; their prices go with them (ON DELETE CASCADE). */
export async function deleteOwnedInstruments(db: Db, ownerId: string): Promise<number> {
  const r = await db.deleteFrom('instruments').where('owner_id', '=', ownerId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

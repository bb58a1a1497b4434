import { sql, type Kysely, type Updateable } from 'kysely';
import type { ActivitiesTable, ActivityRow, NewActivityRow, TransactionsDatabase } from './database.js';

type Db = Kysely<TransactionsDatabase>;

export async function insertActivities(db: Db, rows: readonly NewActivityRow[]): Promise<ActivityRow[]> {
  const out: ActivityRow[] = [];
  // Chunks keep each statement under PostgreSQL's 65535 bind parameters (20 columns a row).
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    out.push(...(await db.insertInto('activities').values(chunk).returningAll().execute()));
  }
  return out;
}

export function findActivity(db: Db, userId: string, activityId: string): Promise<ActivityRow | undefined> {
  return db.selectFrom('activities').selectAll().where('user_id', '=', userId).where('id', '=', activityId).executeTakeFirst();
}

/** The legs of a transfer (the user's only). */
export function findTransferLegs(db: Db, userId: string, transferId: string): Promise<ActivityRow[]> {
  return db
    .selectFrom('activities')
    .selectAll()
    .where('user_id', '=', userId)
    .where('transfer_id', '=', transferId)
    .orderBy('type', 'desc')
    .execute();
}

/** Every activity of the given accounts, in stored order (the order validation replays). */
export function activitiesOfAccounts(db: Db, userId: string, accountIds: readonly string[]): Promise<ActivityRow[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('activities')
    .selectAll()
    .where('user_id', '=', userId)
    .where('account_id', 'in', [...accountIds])
    .orderBy('date')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The activities of some accounts that touch some symbols, in replay order. */
export function activitiesOfSymbols(db: Db, userId: string, accountIds: readonly string[], symbols: readonly string[]): Promise<ActivityRow[]> {
  if (accountIds.length === 0 || symbols.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('activities')
    .selectAll()
    .where('user_id', '=', userId)
    .where('account_id', 'in', [...accountIds])
    .where('symbol', 'in', [...symbols])
    .orderBy('date')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function activitiesOfImport(db: Db, userId: string, importId: string): Promise<ActivityRow[]> {
  return db.selectFrom('activities').selectAll().where('user_id', '=', userId).where('import_id', '=', importId).execute();
}

export interface ActivityFilter {
  accountId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  types?: readonly string[] | undefined;
  symbol?: string | undefined;
  q?: string | undefined;
  /** Keyset: rows strictly after this (date, id) in newest-first order. */
  after?: { date: string; id: string } | undefined;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A page of the user's activities, newest first. */
export function listActivities(db: Db, userId: string, filter: ActivityFilter, limit: number): Promise<ActivityRow[]> {
  let q = db.selectFrom('activities').selectAll().where('user_id', '=', userId);
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  if (filter.from) q = q.where('date', '>=', filter.from);
  if (filter.to) q = q.where('date', '<=', filter.to);
  if (filter.types && filter.types.length > 0) q = q.where('type', 'in', [...filter.types]);
  if (filter.symbol) q = q.where('symbol', '=', filter.symbol);
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    q = q.where((eb) => eb.or([eb('symbol', 'ilike', pattern), eb('notes', 'ilike', pattern)]));
  }
  if (filter.after) {
    const { date, id } = filter.after;
    q = q.where((eb) => eb.or([eb('date', '<', date), eb.and([eb('date', '=', date), eb('id', '<', id)])]));
  }
  return q.orderBy('date', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Every activity of the user matching the filter, oldest first (exports). */
export function allActivities(db: Db, userId: string, filter: ActivityFilter): Promise<ActivityRow[]> {
  let q = db.selectFrom('activities').selectAll().where('user_id', '=', userId);
  if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
  if (filter.from) q = q.where('date', '>=', filter.from);
  if (filter.to) q = q.where('date', '<=', filter.to);
  return q.orderBy('date').orderBy('created_at').orderBy('id').execute();
}

export async function updateActivity(
  db: Db,
  userId: string,
  activityId: string,
  changes: Updateable<ActivitiesTable>,
): Promise<ActivityRow | undefined> {
  return db
    .updateTable('activities')
    .set(changes)
    .where('user_id', '=', userId)
    .where('id', '=', activityId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteActivities(db: Db, userId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db.deleteFrom('activities').where('user_id', '=', userId).where('id', 'in', [...ids]).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function countActivitiesOfAccount(db: Db, userId: string, accountId: string): Promise<number> {
  const r = await db
    .selectFrom('activities')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

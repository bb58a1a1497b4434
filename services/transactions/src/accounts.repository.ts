import type { Kysely, Updateable } from 'kysely';
import type { AccountRow, AccountsTable, NewAccountRow, TransactionsDatabase } from './database.js';

type Db = Kysely<TransactionsDatabase>;

export async function insertAccount(db: Db, row: NewAccountRow): Promise<AccountRow> {
  return db.insertInto('accounts').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The user's account, or undefined (another user's account is as absent as a missing one). */
export function findAccount(db: Db, userId: string, accountId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('user_id', '=', userId).where('id', '=', accountId).executeTakeFirst();
}

export function listAccounts(db: Db, userId: string, options: { includeArchived: boolean }): Promise<AccountRow[]> {
  let q = db.selectFrom('accounts').selectAll().where('user_id', '=', userId);
  if (!options.includeArchived) q = q.where('archived_at', 'is', null);
  return q.orderBy('created_at').orderBy('id').execute();
}

export function findAccountsByIds(db: Db, userId: string, ids: readonly string[]): Promise<AccountRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('accounts').selectAll().where('user_id', '=', userId).where('id', 'in', [...ids]).execute();
}

export async function updateAccount(
  db: Db,
  userId: string,
  accountId: string,
  changes: Updateable<AccountsTable>,
): Promise<AccountRow | undefined> {
  return db
    .updateTable('accounts')
    .set(changes)
    .where('user_id', '=', userId)
    .where('id', '=', accountId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteAccount(db: Db, userId: string, accountId: string): Promise<number> {
  const r = await db.deleteFrom('accounts').where('user_id', '=', userId).where('id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows);
}
